//! Shared test fixtures: a real SQLite file in a temp dir, a hub on 127.0.0.1:0, a manual clock.
#![allow(dead_code)]

pub mod media;
pub mod printer;

// Where the tests have always found them (not every test binary uses them).
#[allow(unused_imports)]
pub use media::{portrait_jpeg, ridges_png, signature_png};

use chrono::{TimeZone, Utc};
use loket::clock::ManualClock;
use loket::App;
use serde_json::{json, Value};
use std::sync::Arc;

pub const ADMIN_PASSWORD: &str = "rahasia-admin-1";

pub struct Office {
    pub dir: tempfile::TempDir,
    pub app: Arc<App>,
    pub clock: Arc<ManualClock>,
}

/// A fresh office, set up for Kec. Sajingan Besar (61.01.09, WIB) with administrator `admin`.
pub fn office() -> Office {
    let office = empty_office();
    office
        .app
        .call(
            None,
            "setup.initialise",
            json!({
                "district_code": "61.01.09",
                "office_name": "Kantor Kecamatan Sajingan Besar",
                "admin_username": "admin",
                "admin_full_name": "Admin Kantor",
                "admin_password": ADMIN_PASSWORD,
            }),
        )
        .expect("setup");
    office
}

/// The stock desk: a fresh office whose sessions outlast clock jumps, with supervisor `sari` and
/// print operator `pono`; returns the office and their sessions in that order.
pub fn stock_office() -> (Office, String, String) {
    let o = office();
    o.long_sessions();
    let sup = o.staff_with("sari", &["supervisor"]);
    let printer = o.staff_with("pono", &["print_operator"]);
    (o, sup, printer)
}

pub fn empty_office() -> Office {
    let dir = tempfile::tempdir().unwrap();
    // Monday 23 November 2026, 08.00 WIB (a working day: the default services run Monday–Friday)
    let clock = Arc::new(ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 23, 1, 0, 0).unwrap()));
    let app = App::open_with_clock(dir.path(), clock.clone()).unwrap();
    Office { dir, app, clock }
}

impl Office {
    pub fn login(&self, username: &str, password: &str) -> String {
        let out = self.app.call(None, "auth.login", json!({"username": username, "password": password})).expect("login");
        out["token"].as_str().unwrap().to_string()
    }

    pub fn admin(&self) -> String {
        self.login("admin", ADMIN_PASSWORD)
    }

    /// Creates a staff member with these roles and returns a logged-in token (password already changed).
    pub fn staff_with(&self, username: &str, roles: &[&str]) -> String {
        let admin = self.admin();
        self.app
            .call(
                Some(&admin),
                "staff.create",
                json!({"username": username, "full_name": format!("Pegawai {username}"), "roles": roles, "initial_password": "sementara-123"}),
            )
            .expect("create staff");
        let token = self.login(username, "sementara-123");
        self.app
            .call(Some(&token), "auth.change_password", json!({"current_password": "sementara-123", "new_password": "sandi-baru-123"}))
            .expect("change password");
        token
    }

    /// Sessions survive long clock jumps (tests that move the clock by more than the 15-minute idle limit).
    pub fn long_sessions(&self) {
        let admin = self.admin();
        self.call(&admin, "settings.update", json!({"idle_timeout_minutes": 240, "lan_access": false})).unwrap();
    }

    pub fn call(&self, token: &str, name: &str, payload: Value) -> loket::Result<Value> {
        self.app.call(Some(token), name, payload)
    }
}

/// The hub on a real loopback socket, served from a background thread until the test ends.
pub struct Hub {
    pub url: String,
    _rt: tokio::runtime::Runtime,
}

pub fn hub(app: Arc<App>) -> Hub {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let listener = rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    rt.spawn(async move { axum::serve(listener, loket::hub::router(app, None)).await });
    Hub { url, _rt: rt }
}

pub fn http() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder().timeout(std::time::Duration::from_secs(10)).build().unwrap()
}

/// `loket serve` on a prepared data folder, as a real process that can be killed with SIGKILL.
pub struct HubProcess {
    pub child: std::process::Child,
    pub url: String,
}

impl HubProcess {
    pub fn start(dir: &std::path::Path) -> HubProcess {
        use std::io::{BufRead, BufReader};
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_loket"))
            .arg("--data-dir")
            .arg(dir)
            .args(["serve", "--listen", "127.0.0.1:0", "--ui-dir"])
            .arg(dir.join("no-ui"))
            .env("LOKET_LOG", "warn")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let url = line.trim().strip_prefix("Loket hub listening on ").unwrap_or_else(|| panic!("first line: {line:?}")).to_string();
        HubProcess { child, url }
    }

    pub fn kill9(mut self) {
        self.child.kill().unwrap(); // SIGKILL: no shutdown code runs
        self.child.wait().unwrap();
    }
}

impl Drop for HubProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
