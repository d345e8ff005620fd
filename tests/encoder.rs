//! The chip encoder adapter against a fake encoder (tests/support/fake-encoder.sh): each answer the
//! tool can give, the variables it receives, a hang killed with its children, and config checks.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use loket::printing::encoder::{self, EncodeJob, EncodeOutcome, EncoderConfig};
use loket::ErrorCode;

fn script() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/fake-encoder.sh").display().to_string()
}

fn job() -> EncodeJob {
    EncodeJob {
        job_id: "0192f0aa-1111-7000-8000-000000000001".into(),
        recording_id: "0192f0aa-2222-7000-8000-000000000002".into(),
        nik: "6101050101900001".into(),
        blank_serial: "KTP-2026-0000123".into(),
        printer_uri: "ipp://127.0.0.1:8631/ipp/print".into(),
    }
}

struct Run {
    outcome: EncodeOutcome,
    env: HashMap<String, String>,
    dir: tempfile::TempDir,
    elapsed: Duration,
}

impl Run {
    fn file(&self, suffix: &str) -> PathBuf {
        self.dir.path().join(format!("env{suffix}"))
    }
}

fn run(mode: &str, timeout_secs: u32) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let envfile = dir.path().join("env");
    let cfg = EncoderConfig { command: script(), args: vec![mode.into(), envfile.display().to_string()], timeout_secs };
    let t0 = Instant::now();
    let outcome = encoder::encode(&cfg, &job());
    let elapsed = t0.elapsed();
    let env = std::fs::read_to_string(&envfile)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Run { outcome, env, dir, elapsed }
}

fn failure(o: &EncodeOutcome) -> &str {
    match o {
        EncodeOutcome::Failure { reason } => reason,
        other => panic!("expected a failure, got {other:?}"),
    }
}

#[test]
fn success_returns_the_chip_uid_in_upper_case_and_ignores_chatter() {
    let r = run("succeed", 30);
    assert_eq!(r.outcome, EncodeOutcome::Success { chip_uid: "04A1B2C3D4E5F6".into() });
}

#[test]
fn the_tool_gets_the_job_identifiers_and_nothing_of_loket() {
    let r = run("succeed", 30);
    let j = job();
    assert_eq!(r.env.get("LOKET_JOB_ID"), Some(&j.job_id));
    assert_eq!(r.env.get("LOKET_RECORDING_ID"), Some(&j.recording_id));
    assert_eq!(r.env.get("LOKET_NIK"), Some(&j.nik));
    assert_eq!(r.env.get("LOKET_BLANK_SERIAL"), Some(&j.blank_serial));
    assert_eq!(r.env.get("LOKET_PRINTER_URI"), Some(&j.printer_uri));
    // cargo gives this test process CARGO_* variables; the cleared environment passes none on.
    assert!(std::env::var_os("CARGO_MANIFEST_DIR").is_some());
    for name in r.env.keys() {
        let allowed = name.starts_with("LOKET_")
            || encoder::PASSED_THROUGH.contains(&name.as_str())
            // bash itself sets these at startup.
            || ["PWD", "SHLVL", "_", "OLDPWD"].contains(&name.as_str());
        assert!(allowed, "the encoder received {name}");
    }
    let loket: Vec<_> = r.env.keys().filter(|k| k.starts_with("LOKET_")).collect();
    assert_eq!(loket.len(), 5, "{loket:?}");
}

#[test]
fn a_refusal_is_a_failure_with_the_tools_reason() {
    let r = run("refuse", 30);
    assert_eq!(failure(&r.outcome), "Chip tidak merespons (blangko rusak?)");
    let r = run("refuse-exit", 30);
    assert_eq!(failure(&r.outcome), "SAM terkunci");
}

#[test]
fn a_non_zero_exit_without_an_answer_gives_the_last_stderr_line() {
    let r = run("exit", 30);
    assert_eq!(failure(&r.outcome), "pembaca kartu tidak ditemukan di /dev/pcsc");
}

#[test]
fn garbage_on_stdout_is_a_failure() {
    let r = run("garbage", 30);
    let reason = failure(&r.outcome);
    assert!(reason.contains("tanpa jawaban yang dapat dibaca"), "{reason}");
}

#[test]
fn a_chip_uid_that_is_not_8_to_20_hex_digits_is_a_failure() {
    for mode in ["bad-uid", "short-uid"] {
        let r = run(mode, 30);
        let reason = failure(&r.outcome);
        assert!(reason.contains("UID chip tidak sah"), "{mode}: {reason}");
    }
    assert_eq!(encoder::check_chip_uid("04a1b2c3"), Some("04A1B2C3".into()));
    assert_eq!(encoder::check_chip_uid("04A1B2C3D4E5F60718293A"), None, "22 digits");
    assert_eq!(encoder::check_chip_uid("04A1B2C3D4E5F6071829"), Some("04A1B2C3D4E5F6071829".into()));
    assert_eq!(encoder::check_chip_uid("04A1B2C"), None, "7 digits");
    assert_eq!(encoder::check_chip_uid("04A1B2C3G"), None);
}

/// Running or not: a zombie (exited, waiting for its parent to reap it) counts as gone.
fn alive(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => false,
        Ok(stat) => {
            let state = stat.rsplit_once(')').map(|(_, rest)| rest.trim_start().chars().next()).flatten();
            !matches!(state, Some('Z') | Some('X'))
        }
    }
}

fn wait_gone(pid: u32, within: Duration) -> bool {
    let until = Instant::now() + within;
    while alive(pid) {
        if Instant::now() > until {
            return false;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    true
}

#[test]
fn a_hanging_encoder_is_killed_with_its_children_after_the_timeout() {
    let r = run("hang", 1);
    assert_eq!(failure(&r.outcome), "Encoder tidak menjawab dalam 1 detik");
    assert!(r.elapsed >= Duration::from_secs(1), "waited the timeout: {:?}", r.elapsed);
    assert!(r.elapsed <= Duration::from_secs(3), "killed within timeout + 2 s: {:?}", r.elapsed);
    let script_pid: u32 = std::fs::read_to_string(r.file(".pid")).unwrap().trim().parse().unwrap();
    let child_pid: u32 = std::fs::read_to_string(r.file(".child")).unwrap().trim().parse().unwrap();
    assert!(!alive(script_pid), "the encoder itself is gone");
    // The kill is sent before encode returns; the kernel ends the process right after.
    assert!(wait_gone(child_pid, Duration::from_secs(1)), "the encoder's child (sleep) is gone too");
}

#[test]
fn the_command_must_be_an_executable_at_a_full_path() {
    let dir = tempfile::tempdir().unwrap();
    let not_exec = dir.path().join("encode");
    std::fs::write(&not_exec, "#!/bin/sh\n").unwrap();
    let cases = [
        ("", "wajib diisi"),
        ("fake-encoder.sh", "path lengkap"),
        ("/nonexistent/dukcapil/encode", "tidak ditemukan"),
        (dir.path().to_str().unwrap(), "bukan berkas program"),
        (not_exec.to_str().unwrap(), "tidak dapat dijalankan"),
    ];
    for (command, words) in cases {
        let cfg = EncoderConfig { command: command.into(), args: vec![], timeout_secs: 120 };
        let e = cfg.validate().unwrap_err();
        assert_eq!(e.code, ErrorCode::Validation);
        assert_eq!(e.field.as_deref(), Some("encoder_command"), "{command}");
        assert!(e.message.contains(words), "{command}: {}", e.message);
        // encode refuses the same way, without running anything.
        let EncodeOutcome::Failure { reason } = encoder::encode(&cfg, &job()) else { panic!("{command} ran") };
        assert_eq!(reason, e.message);
    }
    let ok = EncoderConfig { command: script(), args: vec![], timeout_secs: 120 };
    ok.validate().unwrap();
    let e = EncoderConfig { timeout_secs: 0, ..ok.clone() }.validate().unwrap_err();
    assert_eq!(e.field.as_deref(), Some("encoder_timeout_secs"));
    let cfg: EncoderConfig = serde_json::from_str(&format!(r#"{{"command": "{}"}}"#, script())).unwrap();
    assert_eq!(cfg.timeout_secs, encoder::DEFAULT_TIMEOUT_SECS);
    assert_eq!(encoder::DEFAULT_TIMEOUT_SECS, 120);
}
