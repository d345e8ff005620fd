//! The office hub (in this process, with a clock the test moves) against a real `loket-central`
//! process: a record central refuses goes to quarantine without blocking the records after it, a
//! supervisor re-sends it once fixed, and a real recording's verdict comes back.

mod support;

use chrono::{Duration as Days, Utc};
use loket::clock::ManualClock;
use loket::App;
use serde_json::json;
use std::sync::Arc;
use support::office::{call, staff};
use support::processes::{self, Backend, Server};

const OFFICE: &str = "61.01.09";

/// Sets the office up and returns its administrator's session.
fn set_up_office(app: &App) -> String {
    app.call(None, "setup.initialise", json!({"district_code": OFFICE, "office_name": "Kantor Kecamatan Sajingan Besar",
        "admin_username": "admin", "admin_full_name": "Admin", "admin_password": "rahasia-admin-1"})).unwrap();
    let session = app.call(None, "auth.login", json!({"username": "admin", "password": "rahasia-admin-1"})).unwrap();
    session["token"].as_str().unwrap().to_string()
}

/// A fresh central on SQLite and an office set up beside it, not yet enrolled.
struct Site {
    root: tempfile::TempDir,
    backend: Backend,
    central: Server,
    app: Arc<App>,
    admin: String,
}

fn site() -> Site {
    let root = tempfile::tempdir().unwrap();
    let backend = Backend::Sqlite(root.path().join("central"));
    let central = processes::central(&backend, "127.0.0.1:0");
    let app = App::open(&root.path().join("office")).unwrap();
    let admin = set_up_office(&app);
    Site { root, backend, central, app, admin }
}

#[test]
fn a_refused_record_waits_in_quarantine_while_the_rest_goes_and_is_resent_when_fixed() {
    let root = tempfile::tempdir().unwrap();
    let backend = Backend::Sqlite(root.path().join("central"));
    let registry = root.path().join("registry.csv");
    processes::central_cli(&backend, &["registry", "generate", "--count", "5", "--office", OFFICE, "--seed", "3", "--out", registry.to_str().unwrap()]);
    processes::central_cli(&backend, &["registry", "import", registry.to_str().unwrap()]);
    let _central = processes::central(&backend, "127.0.0.1:0");
    let central_url = format!("http://{}", _central.addr);

    // The office PC's clock runs a day fast: what it saves now is "in the future" for central.
    let clock = Arc::new(ManualClock::new(Utc::now() + Days::days(1)));
    let app = App::open_with_clock(&root.path().join("office"), clock.clone()).unwrap();
    let admin = set_up_office(&app);
    call(&app, &admin, "settings.update", json!({"idle_timeout_minutes": 240, "lan_access": false}));
    let supervisor = staff(&app, &admin, "sri", "supervisor");
    let token = processes::enrollment_token(&backend, OFFICE);
    let enrolled = call(&app, &supervisor, "sync.enroll", json!({"central_url": central_url, "token": token}));
    assert_eq!(enrolled["enrolled"], true);

    let people = loket::sync::backlog::read_people(&registry).unwrap();
    loket::sync::backlog::seed(&app, &people[..1], 1, 1).unwrap();
    // The clock is put right (NTP came back); the next recording is on time.
    clock.advance(-Days::days(1));
    loket::sync::backlog::seed(&app, &people[1..2], 1, 2).unwrap();

    let rt = tokio::runtime::Runtime::new().unwrap();
    let report = rt.block_on(loket::sync::cycle(&app)).unwrap();
    assert_eq!((report.sent, report.quarantined), (1, 1), "{report:?}");
    let status = call(&app, &supervisor, "sync.status", json!({}));
    assert_eq!((status["waiting"].as_i64(), status["quarantined"].as_i64(), status["online"].as_bool()), (Some(0), Some(1), Some(true)), "{status}");
    let list = call(&app, &supervisor, "sync.quarantine_list", json!({}));
    let item = &list["items"][0];
    assert!(item["reason"].as_str().unwrap().contains("masa depan"), "{list}");
    assert!(item["label"].as_str().unwrap().contains(&people[0].nik), "{list}");
    // The on-time recording went through and its verdict came back.
    let statuses: Vec<String> = app
        .store
        .read(|c| {
            let mut s = c.prepare("SELECT status FROM recording ORDER BY rowid")?;
            let v = s.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
            Ok(v)
        })
        .unwrap();
    assert_eq!(statuses, ["bio_captured", "print_ready_record"]);

    // Re-sent as it is now: a new change with today's time, which central accepts and verifies.
    call(&app, &supervisor, "sync.quarantine_resend", json!({"seq": item["seq"]}));
    let report = rt.block_on(loket::sync::cycle(&app)).unwrap();
    assert_eq!((report.sent, report.quarantined), (1, 0), "{report:?}");
    assert_eq!(call(&app, &supervisor, "sync.status", json!({}))["quarantined"], 0);
    let ready: i64 = app.store.read(|c| Ok(c.query_row("SELECT COUNT(*) FROM recording WHERE status = 'print_ready_record'", [], |r| r.get(0))?)).unwrap();
    assert_eq!(ready, 2);
}

#[test]
fn a_revoked_device_is_told_so_and_keeps_its_records() {
    let Site { root: _root, backend, central: _central, app, admin } = site();
    // A token for another kecamatan is refused by the office before it stores anything.
    let other = processes::enrollment_token(&backend, "61.01.05");
    let e = app.call(Some(&admin), "sync.enroll", json!({"central_url": format!("http://{}", _central.addr), "token": other})).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("token"));
    assert!(e.message.contains("61.01.05"), "{}", e.message);
    let token = processes::enrollment_token(&backend, OFFICE);
    let status = call(&app, &admin, "sync.enroll", json!({"central_url": format!("http://{}", _central.addr), "token": token}));
    let device = status["device_id"].as_str().unwrap().to_string();
    processes::central_cli(&backend, &["device", "revoke", &device]);
    let officer = staff(&app, &admin, "budi", "counter_officer");
    call(&app, &officer, "intake.save_applicant", json!({
        "nik": "6101091708050001", "kk_number": "6101090101050003", "full_name": "Rudi Hartono", "sex": "L",
        "birth_place": "Sambas", "birth_date": "2005-08-17", "blood_type": "O", "religion": "ISLAM",
        "marital_status": "BELUM KAWIN", "occupation": "PELAJAR/MAHASISWA", "education": "SLTA/SEDERAJAT",
        "citizenship": "WNI", "address": "Jl. Merdeka No. 1", "rt": "1", "rw": "2",
        "village_code": "61.01.09.2002", "mobile": "081234567890"}));
    let rt = tokio::runtime::Runtime::new().unwrap();
    let err = rt.block_on(loket::sync::cycle(&app)).unwrap_err();
    assert!(matches!(err, loket::sync::central::Failure::Unauthorized(_)), "{err:?}");
    let status = call(&app, &admin, "sync.status", json!({}));
    assert_eq!(status["waiting"], 1, "{status}");
    assert!(status["last_error"].as_str().unwrap().contains("menolak perangkat"), "{status}");
}

#[test]
fn appointments_booked_at_central_reach_the_office_kiosk_and_so_do_cancellations() {
    let Site { root: _root, backend, central: _central, app, admin } = site();
    let token = processes::enrollment_token(&backend, OFFICE);
    call(&app, &admin, "sync.enroll", json!({"central_url": format!("http://{}", _central.addr), "token": token}));

    // Tomorrow 09:00 in the office's zone (WIB).
    let slot = (Utc::now() + Days::hours(7) + Days::days(1)).format("%Y-%m-%dT09:00").to_string();
    let code = processes::central_cli(&backend, &["appointment", "add", "--office", OFFICE, "--service", "A", "--slot", &slot, "--name", "SITI AMINAH"]);
    let code = code.trim().to_string();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let report = rt.block_on(loket::sync::cycle(&app)).unwrap();
    assert!(report.changes_applied >= 1, "{report:?}");
    let row = |app: &App| -> (String, String, String, String) {
        app.store
            .read(|c| {
                Ok(c.query_row(
                    "SELECT a.applicant_name, a.status, a.source, s.prefix FROM appointment a JOIN service s ON s.id = a.service_id WHERE a.booking_code = ?1",
                    [&code],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                )?)
            })
            .unwrap()
    };
    assert_eq!(row(&app), ("SITI AMINAH".into(), "booked".into(), "central".into(), "A".into()));
    // Applying the same changes again (a cursor reset after a central restore) changes nothing.
    app.store.write(|tx| Ok(tx.execute("UPDATE sync_state SET change_cursor = 0", [])?)).unwrap();
    rt.block_on(loket::sync::cycle(&app)).unwrap();
    let count: i64 = app.store.read(|c| Ok(c.query_row("SELECT COUNT(*) FROM appointment", [], |r| r.get(0))?)).unwrap();
    assert_eq!(count, 1);

    processes::central_cli(&backend, &["appointment", "cancel", &code]);
    rt.block_on(loket::sync::cycle(&app)).unwrap();
    assert_eq!(row(&app).1, "cancelled");
}
