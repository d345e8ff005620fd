//! The `loket-central` binary: serve on port 0 and say where, devices, registry, appointments,
//! adjudication and status, against the same storage a running server uses.

mod common;

use common::*;
use loket::intake::nik::Sex;
use loket::sync::wire::{self, Batch, ChangeKind};
use loket_central::storage::Target;
use loket_central::{changes, devices, ingest, registry};
use std::io::{BufRead, BufReader};
use std::process::{Command, Output, Stdio};

fn storage_args(target: &Target) -> Vec<String> {
    match target {
        Target::Sqlite(dir) => vec!["--data-dir".into(), dir.display().to_string()],
        Target::Postgres(url) => vec!["--database-url".into(), url.clone()],
    }
}

fn cli(target: &Target, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_loket-central")).args(args).args(storage_args(target)).output().unwrap()
}

/// Runs the CLI, expects success, returns stdout.
fn ok(target: &Target, args: &[&str]) -> String {
    let out = cli(target, args);
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout).to_string(), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{args:?}: {stdout}{stderr}");
    stdout
}

struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn serve_prints_its_address_and_devices_and_status_work_from_the_cli() {
    each_backend(|c| {
        let token = ok(&c.target, &["device", "add", "--office", OFFICE, "--name", "Hub Sambas"]);
        assert_eq!(token.lines().count(), 1, "only the token on stdout: {token:?}");
        let token = token.trim().to_string();

        let mut child = Command::new(env!("CARGO_BIN_EXE_loket-central"))
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(storage_args(&c.target))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let first = BufReader::new(child.stdout.take().unwrap()).lines().next().unwrap().unwrap();
        let _server = Child(child);
        let base = first.strip_prefix("listening on ").unwrap_or_else(|| panic!("first line: {first:?}")).to_string();
        assert!(base.starts_with("http://127.0.0.1:") && !base.ends_with(":0"), "{base}");

        let http = reqwest::blocking::Client::new();
        assert_eq!(http.get(format!("{base}/health")).send().unwrap().status(), 200);
        let e: wire::Enrollment = http
            .post(format!("{base}/api/v1/enroll"))
            .json(&serde_json::json!({"token": token, "name": "Hub Sambas"}))
            .send()
            .unwrap()
            .json()
            .unwrap();
        let auth = format!("Bearer {}.{}", e.device_id, e.secret);
        let now = c.now();
        let batch = Batch { protocol: wire::PROTOCOL, records: vec![application(1, 0, OFFICE, now), application(2, 1, OFFICE, now)], audit_head: None };
        let res = http.post(format!("{base}/api/v1/batches")).header("Authorization", &auth).body(wire::encode_batch(&batch)).send().unwrap();
        assert_eq!(res.status(), 200, "[{}]", c.backend);

        let status = ok(&c.target, &["status"]);
        assert!(status.contains("61.01.09  application  accepted  2"), "[{}] {status}", c.backend);
        assert!(status.contains(&e.device_id) && status.contains("seq=2") && status.contains("aktif"), "{status}");
        let other = ok(&c.target, &["status", "--office", OTHER_OFFICE]);
        assert!(!other.contains("application") && !other.contains(&e.device_id), "{other}");

        let list = ok(&c.target, &["device", "list"]);
        assert!(list.contains(&e.device_id) && list.contains("Hub Sambas") && list.contains("seq=2"), "{list}");
        ok(&c.target, &["device", "revoke", &e.device_id]);
        // Revoked by another process while the server runs: the next request is refused.
        let res = http.get(format!("{base}/api/v1/device")).header("Authorization", &auth).send().unwrap();
        assert_eq!(res.status(), 401);
        assert_eq!(res.json::<serde_json::Value>().unwrap()["code"], "DEVICE_REVOKED");
        assert!(ok(&c.target, &["device", "list"]).contains("dicabut"));

        let bad = cli(&c.target, &["device", "add", "--office", "12.34"]);
        assert!(!bad.status.success());
        assert!(String::from_utf8_lossy(&bad.stderr).contains("tidak dikenal"));
    });
}

#[test]
fn registry_appointments_and_adjudication_from_the_cli() {
    each_backend(|c| {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("registry.csv");
        let f = file.to_str().unwrap();
        ok(&c.target, &["registry", "generate", "--count", "50", "--office", OFFICE, "--out", f, "--seed", "9"]);
        assert_eq!(std::fs::read_to_string(&file).unwrap().lines().count(), 51);
        let out = ok(&c.target, &["registry", "import", f]);
        assert!(out.contains("Diimpor: 50 baris") && out.contains("Ditolak: 0 baris"), "[{}] {out}", c.backend);

        let bad = dir.path().join("bad.csv");
        std::fs::write(&bad, "nik,full_name,sex,birth_place,birth_date\n6101091708050001,BUDI,L,SAMBAS,2005-08-17\n123,X,L,SAMBAS,2005-08-17\n").unwrap();
        let out = ok(&c.target, &["registry", "import", bad.to_str().unwrap()]);
        assert!(out.contains("Diimpor: 1 baris") && out.contains("Ditolak: 1 baris") && out.contains("baris 3: nik"), "{out}");

        let code = ok(&c.target, &["appointment", "add", "--office", OFFICE, "--service", "A", "--slot", "2099-11-24T09:00", "--name", "Siti Aminah"]);
        let code = code.trim();
        assert_eq!(code.len(), 6, "{code:?}");
        assert!(ok(&c.target, &["appointment", "cancel", code]).contains("dibatalkan"));
        assert!(!cli(&c.target, &["appointment", "cancel", code]).status.success(), "cancelled once");

        // Two recordings of the same person: the second waits; the CLI decides it.
        let person = registry::import(&c.central, std::io::Cursor::new("nik,full_name,sex,birth_place,birth_date\n6101091708050001,BUDI,L,SAMBAS,2005-08-17\n")).unwrap();
        assert_eq!(person.imported, 1);
        let token = devices::add(&c.central, OFFICE, "").unwrap();
        let e = devices::enroll(&c.central, &wire::EnrollRequest { token, name: "hub".into() }).unwrap();
        let device = devices::authenticate(&c.central, Some(&format!("Bearer {}.{}", e.device_id, e.secret))).unwrap();
        let budi = biodata("6101091708050001", "BUDI", Sex::L, "2005-08-17");
        let now = c.now();
        ingest::ingest(
            &c.central,
            &device,
            Batch { protocol: wire::PROTOCOL, records: vec![recording(1, 0, OFFICE, "rec-1", budi.clone(), now), recording(2, 1, OFFICE, "rec-2", budi, now)], audit_head: None },
        )
        .unwrap();

        let usage = cli(&c.target, &["adjudicate", "rec-2"]);
        assert_eq!(usage.status.code(), Some(2), "a verdict is required");
        let wrong = cli(&c.target, &["adjudicate", "rec-1", "--print-ready"]);
        assert!(!wrong.status.success());
        assert!(String::from_utf8_lossy(&wrong.stderr).contains("DUPLICATE_RECORD"));
        let out = ok(&c.target, &["adjudicate", "rec-2", "--reject", "foto bukan pemohon"]);
        assert!(out.contains("rec-2 → ENROLL_FAILURE (foto bukan pemohon)"), "{out}");
        let last = changes::page(&c.central, OFFICE, 0, None).unwrap().changes.pop().unwrap();
        assert_eq!(
            last.what,
            ChangeKind::RecordingStatus { recording_id: "rec-2".into(), status: "ENROLL_FAILURE".into(), reason: Some("foto bukan pemohon".into()) }
        );
        let status = ok(&c.target, &["status", "--office", OFFICE]);
        assert!(status.contains("PRINT_READY_RECORD") && status.contains("ENROLL_FAILURE"), "{status}");
    });
}
