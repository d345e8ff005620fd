//! Chip personalisation: the KTP-el chip is written by Dukcapil's own encoder tool with its security
//! module. Loket never holds keys: it runs the tool configured for the print station and reads one
//! JSON line back.
//!
//! The contract with the tool:
//! - It is started as `command args…` with stdin closed and a cleared environment holding only the
//!   job's identifiers (`LOKET_JOB_ID`, `LOKET_RECORDING_ID`, `LOKET_NIK`, `LOKET_BLANK_SERIAL`,
//!   `LOKET_PRINTER_URI`) and the system's basics ([`PASSED_THROUGH`]): nothing of Loket's own.
//! - It answers on stdout with one JSON line, `{"ok": true, "chip_uid": "04A1B2C3D4E5F6"}` or
//!   `{"ok": false, "reason": "..."}`; other stdout lines are ignored, the last such line counts,
//!   and it decides whatever the exit code.
//! - Without such a line, a non-zero exit is a failure with the last stderr line as the reason.
//! - A tool still running after `timeout_secs` is killed with all its children (its process group).

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

pub const DEFAULT_TIMEOUT_SECS: u32 = 120;
/// The longest a station may let the tool run.
pub const MAX_TIMEOUT_SECS: u32 = 3600;
/// What is kept of each output stream (the tail).
const KEEP_BYTES: usize = 64 * 1024;

/// The system variables the tool still gets, so it can find its libraries, locale and temp folder.
pub const PASSED_THROUGH: &[&str] = &[
    "PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR",
    // Windows needs these to start a program at all.
    "SYSTEMROOT", "WINDIR", "TEMP", "TMP", "USERPROFILE", "APPDATA", "LOCALAPPDATA", "PROGRAMDATA", "COMSPEC", "PATHEXT",
];

/// The station's encoder: a program and its arguments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EncoderConfig {
    /// Full path of the tool.
    pub command: String,
    #[serde(default)]
    pub args: Vec<String>,
    #[serde(default = "default_timeout")]
    pub timeout_secs: u32,
}

fn default_timeout() -> u32 {
    DEFAULT_TIMEOUT_SECS
}

impl EncoderConfig {
    /// The command must be a full path to an executable file; the timeout 1–3600 seconds.
    pub fn validate(&self) -> Result<()> {
        let command = self.command.trim();
        if command.is_empty() {
            return Err(Error::field("encoder_command", "Perintah encoder chip wajib diisi (path lengkap program encoder Dukcapil)."));
        }
        let path = Path::new(command);
        if !path.is_absolute() {
            return Err(Error::field(
                "encoder_command",
                format!("Perintah encoder \"{command}\" harus berupa path lengkap, misalnya /opt/dukcapil/encoder/bin/encode."),
            ));
        }
        let meta = std::fs::metadata(path)
            .map_err(|_| Error::field("encoder_command", format!("Program encoder {command} tidak ditemukan di komputer ini.")))?;
        if !meta.is_file() {
            return Err(Error::field("encoder_command", format!("{command} bukan berkas program.")));
        }
        if !is_executable(&meta) {
            return Err(Error::field("encoder_command", format!("Program encoder {command} tidak dapat dijalankan (izin eksekusi belum diberikan).")));
        }
        if self.timeout_secs == 0 || self.timeout_secs > MAX_TIMEOUT_SECS {
            return Err(Error::field("encoder_timeout_secs", format!("Batas waktu encoder 1–{MAX_TIMEOUT_SECS} detik (biasanya {DEFAULT_TIMEOUT_SECS}).")));
        }
        Ok(())
    }
}

#[cfg(unix)]
fn is_executable(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o111 != 0
}

#[cfg(not(unix))]
fn is_executable(_: &std::fs::Metadata) -> bool {
    true
}

/// The job's identifiers, handed to the tool as `LOKET_*` variables.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EncodeJob {
    pub job_id: String,
    pub recording_id: String,
    pub nik: String,
    pub blank_serial: String,
    pub printer_uri: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum EncodeOutcome {
    /// The chip is written; its UID in upper-case hex.
    Success { chip_uid: String },
    /// Not written (or not known to be): the reason for the officer and the log.
    Failure { reason: String },
}

#[derive(Deserialize)]
struct Answer {
    ok: bool,
    #[serde(default)]
    chip_uid: Option<String>,
    #[serde(default)]
    reason: Option<String>,
}

/// A chip UID: 8–20 hex digits (4-, 7- and 10-byte UIDs), returned upper-case.
pub fn check_chip_uid(uid: &str) -> Option<String> {
    let uid = uid.trim();
    ((8..=20).contains(&uid.len()) && uid.bytes().all(|b| b.is_ascii_hexdigit())).then(|| uid.to_ascii_uppercase())
}

fn failure(reason: impl Into<String>) -> EncodeOutcome {
    EncodeOutcome::Failure { reason: reason.into() }
}

/// Runs the station's encoder for one card and waits for its answer (at most `timeout_secs`).
/// Blocking; never panics on what the tool does.
pub fn encode(cfg: &EncoderConfig, job: &EncodeJob) -> EncodeOutcome {
    if let Err(e) = cfg.validate() {
        return failure(e.message);
    }
    let timeout = Duration::from_secs(cfg.timeout_secs.into());
    let mut cmd = Command::new(cfg.command.trim());
    cmd.args(&cfg.args).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).env_clear();
    for name in PASSED_THROUGH {
        if let Some(v) = std::env::var_os(name) {
            cmd.env(name, v);
        }
    }
    cmd.env("LOKET_JOB_ID", &job.job_id)
        .env("LOKET_RECORDING_ID", &job.recording_id)
        .env("LOKET_NIK", &job.nik)
        .env("LOKET_BLANK_SERIAL", &job.blank_serial)
        .env("LOKET_PRINTER_URI", &job.printer_uri);
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        // Its own process group, so a timeout kills whatever it started too.
        cmd.process_group(0);
    }
    let started = Instant::now();
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => {
            tracing::warn!(command = %cfg.command, error = %e, "encoder did not start");
            return failure(format!("Encoder tidak dapat dijalankan: {e}"));
        }
    };
    let stdout = tail_reader(child.stdout.take());
    let stderr = tail_reader(child.stderr.take());

    let status = match wait_until(&mut child, started + timeout) {
        Some(s) => s,
        None => {
            kill_group(&mut child);
            tracing::warn!(command = %cfg.command, job = %job.job_id, secs = cfg.timeout_secs, "encoder timed out and was killed");
            return failure(format!("Encoder tidak menjawab dalam {} detik", cfg.timeout_secs));
        }
    };
    // The tool has ended; a child it left behind may still hold the pipes open, so its output is
    // waited for only briefly, then the group is ended.
    let grace = Instant::now() + Duration::from_secs(1);
    let out = match stdout.recv_timeout(grace.saturating_duration_since(Instant::now())) {
        Ok(o) => o,
        Err(_) => {
            kill_group(&mut child);
            stdout.recv_timeout(Duration::from_secs(1)).unwrap_or_default()
        }
    };
    let err = stderr.recv_timeout(grace.saturating_duration_since(Instant::now()).max(Duration::from_millis(200))).unwrap_or_default();
    let outcome = judge(status, &out, &err);
    tracing::info!(job = %job.job_id, ?outcome, elapsed_ms = started.elapsed().as_millis() as u64, "encoder finished");
    outcome
}

/// What the tool's exit and output mean.
fn judge(status: ExitStatus, stdout: &[u8], stderr: &[u8]) -> EncodeOutcome {
    let stdout = String::from_utf8_lossy(stdout);
    let answer = stdout
        .lines()
        .rev()
        .map(str::trim)
        .filter(|l| l.starts_with('{'))
        .find_map(|l| serde_json::from_str::<Answer>(l).ok());
    if let Some(a) = answer {
        return if a.ok {
            match a.chip_uid.as_deref().and_then(check_chip_uid) {
                Some(uid) => EncodeOutcome::Success { chip_uid: uid },
                None => failure(format!(
                    "Encoder melaporkan berhasil tetapi UID chip tidak sah (\"{}\"; harus 8–20 angka heksadesimal)",
                    a.chip_uid.unwrap_or_default().chars().take(40).collect::<String>()
                )),
            }
        } else {
            match a.reason.map(|r| r.trim().to_string()).filter(|r| !r.is_empty()) {
                Some(r) => failure(r),
                None => failure("Encoder gagal tanpa menyebut alasannya"),
            }
        };
    }
    let stderr = String::from_utf8_lossy(stderr);
    let last_err = stderr.lines().map(str::trim).rfind(|l| !l.is_empty()).map(|l| l.chars().take(500).collect::<String>());
    if status.success() {
        return failure("Encoder selesai tanpa jawaban yang dapat dibaca (diharapkan satu baris JSON {\"ok\": …})");
    }
    if let Some(line) = last_err {
        return failure(line);
    }
    match status.code() {
        Some(code) => failure(format!("Encoder berhenti dengan kode {code} tanpa pesan")),
        None => failure(signal_words(&status)),
    }
}

#[cfg(unix)]
fn signal_words(status: &ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match status.signal() {
        Some(sig) => format!("Encoder dihentikan oleh sinyal {sig}"),
        None => "Encoder berhenti tanpa kode keluar".to_string(),
    }
}

#[cfg(not(unix))]
fn signal_words(_: &ExitStatus) -> String {
    "Encoder berhenti tanpa kode keluar".to_string()
}

/// Reads a stream to its end on a thread, keeping the last [`KEEP_BYTES`]; the channel gets them.
fn tail_reader<R: Read + Send + 'static>(stream: Option<R>) -> mpsc::Receiver<Vec<u8>> {
    let (tx, rx) = mpsc::channel();
    let Some(stream) = stream else {
        let _ = tx.send(Vec::new());
        return rx;
    };
    std::thread::Builder::new()
        .name("encoder-output".into())
        .spawn(move || {
            let mut reader = BufReader::new(stream);
            let mut kept: Vec<u8> = Vec::new();
            loop {
                let chunk = match reader.fill_buf() {
                    Ok([]) | Err(_) => break,
                    Ok(c) => c.to_vec(),
                };
                reader.consume(chunk.len());
                kept.extend_from_slice(&chunk);
                if kept.len() > 2 * KEEP_BYTES {
                    kept.drain(..kept.len() - KEEP_BYTES);
                }
            }
            let _ = tx.send(kept);
        })
        .expect("a thread starts");
    rx
}

fn wait_until(child: &mut Child, deadline: Instant) -> Option<ExitStatus> {
    loop {
        match child.try_wait() {
            Ok(Some(s)) => return Some(s),
            Ok(None) => {}
            Err(e) => {
                tracing::warn!(error = %e, "waiting for the encoder failed");
                return None;
            }
        }
        let now = Instant::now();
        if now >= deadline {
            return None;
        }
        std::thread::sleep((deadline - now).min(Duration::from_millis(20)));
    }
}

/// Kills the tool's process group (the tool and everything it started), then reaps the tool.
fn kill_group(child: &mut Child) {
    #[cfg(unix)]
    {
        // std has no killpg; kill(1) takes a negative pid for a process group.
        let group = format!("-{}", child.id());
        let killed = Command::new("kill")
            .args(["-KILL", "--", &group])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        if !killed.is_ok_and(|s| s.success()) {
            tracing::debug!(pgid = child.id(), "kill of the encoder's group found nothing left or failed");
        }
    }
    let _ = child.kill();
    let _ = child.wait();
}
