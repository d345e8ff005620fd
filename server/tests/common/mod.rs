//! Test helpers: a central on real storage (a SQLite file in a temp dir; a fresh PostgreSQL database
//! when `LOKET_TEST_DATABASE_URL` is set) serving real HTTP on 127.0.0.1:0, and an office client.

#![allow(dead_code)] // each test binary uses a different part of it

use chrono::{DateTime, Utc};
use loket::clock::ManualClock;
use loket::intake::biodata::Biodata;
use loket::intake::nik::Sex;
use loket::sync::wire::{self, ApplicationBody, Batch, BatchResult, ChangePage, DeviceState, Enrollment, Outcome, RecordingBody, WireRecord};
use loket_central::storage::Target;
use loket_central::{devices, Central};
use serde_json::Value;
use std::sync::Arc;

pub const OFFICE: &str = "61.01.09";
pub const OTHER_OFFICE: &str = "61.01.05";

/// A database of its own on the PostgreSQL server named by `LOKET_TEST_DATABASE_URL`, dropped at the end.
pub struct PgDatabase {
    admin_url: String,
    name: String,
    pub url: String,
}

#[path = "../support/pg.rs"]
mod pg;
pub use pg::with_database;

impl PgDatabase {
    pub fn create(admin_url: &str) -> PgDatabase {
        let name = format!("loket_central_t_{}", uuid::Uuid::now_v7().simple());
        let mut admin = postgres::Client::connect(admin_url, postgres::NoTls).expect("LOKET_TEST_DATABASE_URL reachable");
        admin.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
        PgDatabase { admin_url: admin_url.to_string(), url: with_database(admin_url, &name), name }
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        if let Ok(mut admin) = postgres::Client::connect(&self.admin_url, postgres::NoTls) {
            let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name));
        }
    }
}

/// A running central. Dropping it stops the server, then removes its storage.
pub struct TestCentral {
    pub backend: &'static str,
    pub central: Central,
    pub clock: Arc<ManualClock>,
    pub target: Target,
    pub base: String,
    pub client: reqwest::blocking::Client,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
    _dir: tempfile::TempDir,
    _pg: Option<PgDatabase>,
}

impl TestCentral {
    fn start(backend: &'static str, target: Target, dir: tempfile::TempDir, pg: Option<PgDatabase>) -> TestCentral {
        let clock = Arc::new(ManualClock::new(Utc::now()));
        let central = Central::with_clock(&target, clock.clone()).expect("central opens");
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let served = central.clone();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                loket_central::http::serve(served, listener, async move {
                    let _ = rx.await;
                })
                .await
                .unwrap();
            });
        });
        let client = reqwest::blocking::Client::builder().timeout(std::time::Duration::from_secs(60)).build().unwrap();
        TestCentral { backend, central, clock, target, base, client, shutdown: Some(tx), thread: Some(thread), _dir: dir, _pg: pg }
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.central.now()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Creates a token for `office` and enrolls with it over HTTP.
    pub fn enroll(&self, office: &str) -> Office {
        let token = devices::add(&self.central, office, "uji").unwrap();
        let res = self.client.post(self.url("/api/v1/enroll")).json(&serde_json::json!({"token": token, "name": "Hub uji"})).send().unwrap();
        assert_eq!(res.status(), 200, "[{}] enroll", self.backend);
        let e: Enrollment = res.json().unwrap();
        Office { base: self.base.clone(), client: self.client.clone(), backend: self.backend, auth: format!("Bearer {}.{}", e.device_id, e.secret), enrollment: e }
    }

    /// The stored record ids of a device.
    pub fn record_ids(&self, device_id: &str) -> Vec<String> {
        loket_central::ingest::record_ids(&self.central, device_id).unwrap()
    }

    pub fn summary(&self) -> loket_central::status::Summary {
        loket_central::status::summary(&self.central).unwrap()
    }
}

impl Drop for TestCentral {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Runs `test` on a fresh SQLite central, then on a fresh PostgreSQL one when the variable is set.
pub fn each_backend(mut test: impl FnMut(&TestCentral)) {
    let dir = tempfile::tempdir().unwrap();
    let target = Target::Sqlite(dir.path().join("central"));
    test(&TestCentral::start("sqlite", target, dir, None));
    if let Ok(admin) = std::env::var("LOKET_TEST_DATABASE_URL") {
        let pg = PgDatabase::create(&admin);
        let target = Target::Postgres(pg.url.clone());
        test(&TestCentral::start("postgres", target, tempfile::tempdir().unwrap(), Some(pg)));
    }
}

/// An enrolled office hub.
pub struct Office {
    pub base: String,
    pub client: reqwest::blocking::Client,
    pub backend: &'static str,
    pub enrollment: Enrollment,
    pub auth: String,
}

/// A status code and the JSON body.
pub type Answer = (u16, Value);

fn answer(res: reqwest::blocking::Response) -> Answer {
    let status = res.status().as_u16();
    let text = res.text().unwrap();
    let body = serde_json::from_str(&text).unwrap_or_else(|_| panic!("answer {status} is not JSON: {text:?}"));
    (status, body)
}

impl Office {
    pub fn device_id(&self) -> &str {
        &self.enrollment.device_id
    }

    pub fn post_raw(&self, bytes: Vec<u8>) -> Answer {
        answer(
            self.client
                .post(format!("{}/api/v1/batches", self.base))
                .header("Authorization", &self.auth)
                .header("Content-Type", wire::BATCH_CONTENT_TYPE)
                .header("Content-Encoding", wire::BATCH_ENCODING)
                .body(bytes)
                .send()
                .unwrap(),
        )
    }

    pub fn send_batch(&self, batch: &Batch) -> Answer {
        self.post_raw(wire::encode_batch(batch))
    }

    /// Sends records and expects 200.
    pub fn send(&self, records: Vec<WireRecord>) -> BatchResult {
        let (status, body) = self.send_batch(&Batch { protocol: wire::PROTOCOL, records, audit_head: None });
        assert_eq!(status, 200, "[{}] batch refused: {body}", self.backend);
        serde_json::from_value(body).unwrap()
    }

    pub fn get(&self, path: &str) -> Answer {
        answer(self.client.get(format!("{}{path}", self.base)).header("Authorization", &self.auth).send().unwrap())
    }

    pub fn state(&self) -> DeviceState {
        let (status, body) = self.get("/api/v1/device");
        assert_eq!(status, 200, "{body}");
        serde_json::from_value(body).unwrap()
    }

    pub fn changes(&self, after: i64, limit: Option<i64>) -> ChangePage {
        let path = match limit {
            Some(l) => format!("/api/v1/changes?after={after}&limit={l}"),
            None => format!("/api/v1/changes?after={after}"),
        };
        let (status, body) = self.get(&path);
        assert_eq!(status, 200, "{body}");
        serde_json::from_value(body).unwrap()
    }
}

pub fn record_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// A record of `kind` carrying `body`, `seq` following `seq - 1`.
pub fn body_record<T: serde::Serialize>(seq: i64, kind: &str, office: &str, created_at: DateTime<Utc>, body: &T) -> WireRecord {
    WireRecord { id: record_id(), seq, prev_seq: seq - 1, kind: kind.into(), office: office.into(), created_at, body: wire::encode_body(body) }
}

/// Records of `kind` numbered 1, 2, … in order.
pub fn body_records<T: serde::Serialize>(kind: &str, office: &str, created_at: DateTime<Utc>, bodies: &[T]) -> Vec<WireRecord> {
    bodies.iter().enumerate().map(|(i, b)| body_record(i as i64 + 1, kind, office, created_at, b)).collect()
}

/// Sends one event record (accepted), the same record again as if its answer was lost (a
/// duplicate), then the same event under a new record id as a supervisor re-sending it from
/// quarantine does (accepted: a record of its own). The caller checks the event counted once.
pub fn send_duplicate_and_resent<T: serde::Serialize>(c: &TestCentral, office: &Office, kind: &str, event: &T) {
    let now = c.now();
    let first = body_record(1, kind, &office.enrollment.office, now, event);
    assert_eq!(outcomes(&office.send(vec![first.clone()])), [Outcome::Accepted], "[{}]", c.backend);
    assert_eq!(outcomes(&office.send(vec![first])), [Outcome::Duplicate], "[{}]", c.backend);
    let resent = body_record(2, kind, &office.enrollment.office, now, event);
    assert_eq!(outcomes(&office.send(vec![resent])), [Outcome::Accepted], "[{}]", c.backend);
    assert_eq!(c.record_ids(office.device_id()).len(), 2);
}

/// Each record's outcome, in order.
pub fn outcomes(r: &BatchResult) -> Vec<Outcome> {
    r.results.iter().map(|x| x.outcome).collect()
}

/// An application status change: the smallest valid record.
pub fn application(seq: i64, prev_seq: i64, office: &str, created_at: DateTime<Utc>) -> WireRecord {
    let body = wire::encode_body(&ApplicationBody {
        application_id: record_id(),
        number: format!("PMH-20261123-{seq:04}"),
        nik: "6101091708050001".into(),
        kind: "baru".into(),
        status: "checking".into(),
    });
    WireRecord { id: record_id(), seq, prev_seq, kind: "application".into(), office: office.into(), created_at, body }
}

pub fn biodata(nik: &str, full_name: &str, sex: Sex, birth_date: &str) -> Biodata {
    Biodata {
        nik: nik.into(),
        kk_number: "6101091508100003".into(),
        full_name: full_name.into(),
        sex,
        birth_place: "SAMBAS".into(),
        birth_date: birth_date.into(),
        blood_type: "O".into(),
        religion: "ISLAM".into(),
        marital_status: "BELUM KAWIN".into(),
        occupation: "PELAJAR/MAHASISWA".into(),
        education: "SLTA/SEDERAJAT".into(),
        citizenship: "WNI".into(),
        address: "JL. MERDEKA NO. 1".into(),
        rt: "001".into(),
        rw: "002".into(),
        village_code: "61.01.09.2001".into(),
        postal_code: None,
        mobile: "081234567890".into(),
        telephone: None,
        email: None,
    }
}

/// A finished recording with a photo and a signature of realistic size.
pub fn recording(seq: i64, prev_seq: i64, office: &str, recording_id: &str, biodata: Biodata, created_at: DateTime<Utc>) -> WireRecord {
    let body = wire::encode_body(&RecordingBody {
        recording_id: recording_id.into(),
        application_number: format!("PMH-20261123-{seq:04}"),
        application_kind: "baru".into(),
        receipt_number: format!("BP-610109-20261123-{seq:04}"),
        recorded_at: created_at,
        biodata,
        photo: vec![0xFF; 20_000],
        signature: vec![0x89; 3_000],
        biometrics: vec![],
    });
    WireRecord { id: record_id(), seq, prev_seq, kind: "recording".into(), office: office.into(), created_at, body }
}

/// `(code, message)` of a JSON error body.
pub fn error_of(body: &Value) -> (String, String) {
    (body["code"].as_str().unwrap_or_default().to_string(), body["message"].as_str().unwrap_or_default().to_string())
}
