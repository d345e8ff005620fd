//! How fast a backlog drains to central, and how many bytes it costs on the wire.
//!
//! A real `loket-central` process (SQLite) on loopback, an office hub in this process with a
//! backlog of finished recordings (realistic photo and signature sizes), the test proxy between
//! them counting bytes. Measured in the same run:
//! - drain: `loket::sync::cycle` until every record is committed at central and the verdicts are back;
//! - baseline: one plain HTTP upload of the same raw bytes in a single request to a sink that
//!   writes them to a file and fsyncs (what "just copying the data" would cost);
//! - throttled: a smaller backlog through the proxy limited to 1 Mbit/s, against bytes ÷ bandwidth.
//!
//! `cargo bench -p loket-central --bench sync_drain` (SYNC_BENCH_RECORDS, SYNC_BENCH_THROTTLED_RECORDS).

#[path = "../tests/support/proxy.rs"]
mod proxy;

use loket::App;
use proxy::Proxy;
use serde_json::json;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

const OFFICE: &str = "61.01.09";
const MBIT: u64 = 125_000; // bytes per second

struct Central {
    child: Child,
    addr: std::net::SocketAddr,
}

impl Drop for Central {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn central_cli(dir: &Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_loket-central")).args(args).arg("--data-dir").arg(dir).output().unwrap();
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn start_central(dir: &Path) -> Central {
    let mut child = Command::new(env!("CARGO_BIN_EXE_loket-central"))
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(dir)
        .env("LOKET_CENTRAL_LOG", std::env::var("SYNC_BENCH_CENTRAL_LOG").unwrap_or_else(|_| "warn".into()))
        .stdout(Stdio::piped())
        .stderr(if std::env::var_os("SYNC_BENCH_CENTRAL_LOG").is_some() { Stdio::inherit() } else { Stdio::null() })
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let addr = line[line.find("http://").expect("central prints its address") + 7..].trim().parse().unwrap();
    Central { child, addr }
}

/// A fresh office with `records` finished recordings waiting, enrolled at central through `proxy`.
fn office(root: &Path, central_dir: &Path, registry: &Path, proxy: &Proxy, records: usize) -> Arc<App> {
    let app = App::open(&root.join("office")).unwrap();
    app.call(None, "setup.initialise", json!({"district_code": OFFICE, "office_name": "Kantor Kecamatan Sajingan Besar",
        "admin_username": "admin", "admin_full_name": "Admin", "admin_password": "rahasia-admin-1"})).unwrap();
    let people = loket::sync::backlog::read_people(registry).unwrap();
    loket::sync::backlog::seed(&app, &people, records, 1).unwrap();
    let token = central_cli(central_dir, &["device", "add", "--office", OFFICE]).split_whitespace().last().unwrap().to_string();
    loket::sync::enroll(&app, "bench", loket::sync::EnrollRequest { central_url: proxy.url(), token }).unwrap();
    app
}

/// Photo, signature and biodata bytes of everything waiting: what the records weigh by themselves.
fn raw_payload(app: &App) -> Vec<u8> {
    app.store
        .read(|c| {
            let mut out = Vec::new();
            let mut stmt = c.prepare(
                "SELECT o.payload, r.photo, r.signature FROM outbox o JOIN recording r ON r.id = o.record_id
                 WHERE o.delivered_at IS NULL ORDER BY o.seq",
            )?;
            let mut rows = stmt.query([])?;
            while let Some(row) = rows.next()? {
                out.extend_from_slice(row.get::<_, String>(0)?.as_bytes());
                out.extend_from_slice(&row.get::<_, Vec<u8>>(1)?);
                out.extend_from_slice(&row.get::<_, Vec<u8>>(2)?);
            }
            Ok(out)
        })
        .unwrap()
}

/// Drains the backlog; returns the time until central committed the last record, and until the
/// verdicts were back too.
fn drain(rt: &tokio::runtime::Runtime, app: &Arc<App>) -> (Duration, Duration) {
    let start = Instant::now();
    let uploaded = Arc::new(std::sync::Mutex::new(None));
    let (a, up, done) = (app.clone(), uploaded.clone(), Arc::new(std::sync::atomic::AtomicBool::new(false)));
    let done2 = done.clone();
    let poller = std::thread::spawn(move || {
        while !done2.load(std::sync::atomic::Ordering::SeqCst) {
            let waiting: i64 = a.store.read(|c| Ok(c.query_row("SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL", [], |r| r.get(0))?)).unwrap();
            if waiting == 0 {
                *up.lock().unwrap() = Some(start.elapsed());
                return;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    });
    let report = rt.block_on(loket::sync::cycle(app)).expect("the drain succeeds");
    let elapsed = start.elapsed();
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    poller.join().unwrap();
    let waiting: i64 = app.store.read(|c| Ok(c.query_row("SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL", [], |r| r.get(0))?)).unwrap();
    assert_eq!(waiting, 0, "everything delivered ({report:?})");
    let uploaded = uploaded.lock().unwrap().unwrap_or(elapsed);
    (uploaded, elapsed)
}

/// A sink that stores one upload to a file and fsyncs: the baseline's server.
fn start_sink(rt: &tokio::runtime::Runtime, dir: &Path) -> std::net::SocketAddr {
    use axum::{body::Bytes, routing::post, Router};
    let file = dir.join("upload.bin");
    let router = Router::new()
        .route(
            "/upload",
            post(move |body: Bytes| {
                let file = file.clone();
                async move {
                    tokio::task::spawn_blocking(move || {
                        let mut f = std::fs::File::create(&file).unwrap();
                        f.write_all(&body).unwrap();
                        f.sync_all().unwrap();
                    })
                    .await
                    .unwrap();
                    "ok"
                }
            }),
        )
        .layer(axum::extract::DefaultBodyLimit::disable());
    let listener = rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let addr = listener.local_addr().unwrap();
    rt.spawn(async move { axum::serve(listener, router).await.unwrap() });
    addr
}

fn plain_upload(rt: &tokio::runtime::Runtime, url: &str, body: Vec<u8>) -> Duration {
    let client = reqwest::Client::new();
    let start = Instant::now();
    let resp = rt.block_on(client.post(url).body(body).send()).unwrap();
    assert!(resp.status().is_success());
    start.elapsed()
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` would pass nothing: only run when benchmarking.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let records = env_usize("SYNC_BENCH_RECORDS", 10_000);
    let throttled_records = env_usize("SYNC_BENCH_THROTTLED_RECORDS", 300);
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();

    let root = tempfile::tempdir().unwrap();
    let central_dir = root.path().join("central");
    let registry = root.path().join("registry.csv");
    central_cli(&central_dir, &["registry", "generate", "--count", &records.to_string(), "--office", OFFICE, "--seed", "1", "--out", registry.to_str().unwrap()]);
    central_cli(&central_dir, &["registry", "import", registry.to_str().unwrap()]);
    let central = start_central(&central_dir);
    let proxy = Proxy::start(central.addr);

    eprintln!("seeding {records} recordings …");
    let app = office(root.path(), &central_dir, &registry, &proxy, records);
    let raw = raw_payload(&app);
    proxy.reset_counters();
    eprintln!("draining …");
    let (uploaded, took) = drain(&rt, &app);
    let (wire_up, wire_down) = proxy.bytes();

    // Baseline in the same run, through the same proxy: one request with the same raw bytes.
    let sink = start_sink(&rt, root.path());
    proxy.set_upstream(sink);
    proxy.reset_counters();
    let raw_len = raw.len();
    // One upload of 177 MiB varies by ±30% from run to run (page cache, fsync): the median of five.
    let mut plains: Vec<Duration> =
        (0..5).map(|_| plain_upload(&rt, &format!("{}/upload", proxy.url()), raw.clone())).collect();
    plains.sort();
    let plain = plains[2];

    // Throttled: a fresh central and office, 1 Mbit/s each way.
    let root2 = tempfile::tempdir().unwrap();
    let central_dir2 = root2.path().join("central");
    central_cli(&central_dir2, &["registry", "import", registry.to_str().unwrap()]);
    let central2 = start_central(&central_dir2);
    let proxy2 = Proxy::start(central2.addr);
    let app2 = office(root2.path(), &central_dir2, &registry, &proxy2, throttled_records);
    let raw2 = raw_payload(&app2).len();
    proxy2.reset_counters();
    proxy2.throttle(MBIT);
    eprintln!("draining {throttled_records} recordings at 1 Mbit/s …");
    let (_, took2) = drain(&rt, &app2);
    let ideal2 = Duration::from_secs_f64(raw2 as f64 / MBIT as f64);
    let (wire2, _) = proxy2.bytes();

    let mib = |b: usize| b as f64 / 1024.0 / 1024.0;
    println!("| measure | value |");
    println!("|---|---|");
    println!("| backlog | {records} recordings, raw payload {:.1} MiB ({:.1} KiB per record) |", mib(raw_len), raw_len as f64 / records as f64 / 1024.0);
    println!("| upload (every record committed at central) | {:.2} s = {:.0} records/s |", uploaded.as_secs_f64(), records as f64 / uploaded.as_secs_f64());
    println!("| drain (upload + verdicts back) | {:.2} s = {:.0} records/s |", took.as_secs_f64(), records as f64 / took.as_secs_f64());
    println!("| bytes on the wire, office → central | {:.1} MiB = {:.3}× raw (goal ≤ 1.05×) |", mib(wire_up as usize), wire_up as f64 / raw_len as f64);
    println!("| bytes central → office (answers, verdicts) | {:.2} MiB |", mib(wire_down as usize));
    println!("| baseline: one plain upload of the raw bytes (sink + fsync), median of 5 | {:.2} s (min {:.2}, max {:.2}) |",
        plain.as_secs_f64(), plains[0].as_secs_f64(), plains[4].as_secs_f64());
    println!("| upload ÷ baseline | {:.2}× (goal ≤ 1.3×) |", uploaded.as_secs_f64() / plain.as_secs_f64());
    println!("| throttled 1 Mbit/s: {throttled_records} recordings, raw {:.2} MiB, wire {:.2} MiB | {:.1} s vs bytes ÷ bandwidth {:.1} s = {:.2}× (goal ≤ 1.15×) |",
        mib(raw2), mib(wire2 as usize), took2.as_secs_f64(), ideal2.as_secs_f64(), took2.as_secs_f64() / ideal2.as_secs_f64());
    drop(central);
}
