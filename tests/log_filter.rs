//! The hub binary takes its log filter from `LOKET_LOG` (not `RUST_LOG`): the variable the end-to-end
//! harness (tests/e2e/hub.mjs) sets to keep the hub quiet, or to make it talk when a test fails.

use serde_json::json;
use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};

/// Starts `loket serve` on a fresh data folder with these log variables, makes one command call,
/// stops the hub and returns everything it wrote to stderr.
fn hub_stderr(env: &[(&str, &str)]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_loket"))
        .arg("--data-dir")
        .arg(dir.path())
        .args(["serve", "--listen", "127.0.0.1:0", "--ui-dir"])
        .arg(dir.path().join("no-ui"))
        .env_remove("LOKET_LOG")
        .env_remove("RUST_LOG")
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read on a thread so the hub never blocks on a full stderr pipe.
    let mut stderr = child.stderr.take().unwrap();
    let drain = std::thread::spawn(move || {
        let mut text = String::new();
        stderr.read_to_string(&mut text).unwrap();
        text
    });
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let url = line.trim().strip_prefix("Loket hub listening on ").unwrap_or_else(|| panic!("first line: {line:?}")).to_string();
    // The hub logs "hub listening" before it serves, and a command's "ok" before its answer: once
    // the answer is here, both lines have been written.
    let resp = reqwest::blocking::Client::new().post(format!("{url}/api/v1/setup.status")).json(&json!({})).send().unwrap();
    assert!(resp.status().is_success(), "{}", resp.status());
    child.kill().unwrap();
    child.wait().unwrap();
    drain.join().unwrap()
}

fn has_line(stderr: &str, parts: &[&str]) -> bool {
    stderr.lines().any(|l| parts.iter().all(|p| l.contains(p)))
}

#[test]
fn loket_log_debug_shows_debug_lines() {
    let stderr = hub_stderr(&[("LOKET_LOG", "debug")]);
    assert!(has_line(&stderr, &["DEBUG", "setup.status"]), "no debug line for the command:\n{stderr}");
    assert!(has_line(&stderr, &["INFO", "hub listening"]), "no info line at startup:\n{stderr}");
}

#[test]
fn loket_log_warn_hides_info_lines() {
    let stderr = hub_stderr(&[("LOKET_LOG", "warn")]);
    assert!(!has_line(&stderr, &["hub listening"]), "an info line at warn:\n{stderr}");
    assert!(!has_line(&stderr, &["DEBUG"]), "a debug line at warn:\n{stderr}");
}
