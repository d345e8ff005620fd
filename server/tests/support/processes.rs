//! The real processes of a sync test: `loket-central serve` and the office's `loket serve`, each
//! on 127.0.0.1 with its own data directory, started, killed and restarted like on a real day.

#![allow(dead_code)] // each test binary uses a different part of it

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Where central keeps its data: a SQLite directory, or a PostgreSQL database.
#[derive(Debug, Clone)]
pub enum Backend {
    Sqlite(PathBuf),
    Postgres(String),
}

impl Backend {
    pub fn args(&self) -> Vec<String> {
        match self {
            Backend::Sqlite(dir) => vec!["--data-dir".into(), dir.display().to_string()],
            Backend::Postgres(url) => vec!["--database-url".into(), url.clone()],
        }
    }
}

pub fn central_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_loket-central"))
}

/// The office binary, built by `cargo build -p loket` (make test builds it before these tests).
pub fn office_bin() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"));
    let bin = target.join("debug/loket");
    assert!(bin.is_file(), "{} is missing: run `cargo build -p loket` first (make test does)", bin.display());
    bin
}

/// Runs a CLI to the end and returns its stdout; panics with its stderr when it fails.
pub fn run(bin: &Path, args: &[&str], env: &[(&str, &str)]) -> String {
    let out = Command::new(bin).args(args).envs(env.iter().copied()).output().unwrap();
    assert!(out.status.success(), "{} {:?} failed: {}{}", bin.display(), args, String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// A server process that printed its address; killed when dropped.
pub struct Server {
    pub child: Child,
    pub addr: SocketAddr,
}

impl Server {
    /// Starts `bin args…` and waits for the `http://ADDR` it prints first.
    pub fn start(bin: &Path, args: &[String], env: &[(&str, &str)]) -> Server {
        let mut child = Command::new(bin).args(args).envs(env.iter().copied()).stdout(Stdio::piped()).stderr(Stdio::inherit()).spawn().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            while let Some(Ok(line)) = lines.next() {
                if let Some(at) = line.find("http://") {
                    let _ = tx.send(line[at + 7..].trim().trim_end_matches('/').to_string());
                    break;
                }
            }
            for _ in lines {} // keep draining so the child never blocks on a full pipe
        });
        let addr = rx.recv_timeout(Duration::from_secs(60)).unwrap_or_else(|_| panic!("{} did not print its address", bin.display()));
        Server { child, addr: addr.parse().unwrap() }
    }

    /// SIGKILL: no shutdown code runs, like a power cut.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

pub fn central(backend: &Backend, listen: &str) -> Server {
    let mut args = vec!["serve".to_string(), "--listen".into(), listen.into()];
    args.extend(backend.args());
    Server::start(&central_bin(), &args, &[])
}

/// `loket-central <args> <backend>` to the end.
pub fn central_cli(backend: &Backend, args: &[&str]) -> String {
    let mut all: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    all.extend(backend.args());
    let refs: Vec<&str> = all.iter().map(String::as_str).collect();
    run(&central_bin(), &refs, &[])
}

/// A one-time enrollment token for the office: the last word `device add` prints.
pub fn enrollment_token(backend: &Backend, office: &str) -> String {
    let out = central_cli(backend, &["device", "add", "--office", office, "--name", "test"]);
    out.split_whitespace().last().expect("device add printed a token").to_string()
}

/// Waits until `f` is true, polling; panics with `what` after `limit`.
pub fn wait_until(what: &str, limit: Duration, mut f: impl FnMut() -> bool) {
    let start = Instant::now();
    while !f() {
        assert!(start.elapsed() < limit, "timed out after {limit:?} waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}
