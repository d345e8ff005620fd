//! Scheduled, verified backups on real SQLite files: the copy and its audit head, pruning to N
//! generations, an unplugged drive as a recorded warning while the hub keeps serving, the 2-day
//! warning, the hub's start-up backup, and a restore drill after the live file was damaged.

mod common;

use chrono::Duration;
use loket::ErrorCode;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

fn settings(folder: &Path, generations: u32) -> Value {
    json!({"enabled": true, "time": "17:30", "folder": folder.to_str().unwrap(), "generations": generations})
}

/// A set-up office with supervisor `sari` whose backups go to a fresh folder.
fn office_with_backups(generations: u32) -> (common::Office, String, tempfile::TempDir) {
    let o = common::office();
    o.long_sessions();
    let sup = o.staff_with("sari", &["supervisor"]);
    let usb = tempfile::tempdir().unwrap();
    o.call(&sup, "backup.settings_save", settings(usb.path(), generations)).unwrap();
    (o, sup, usb)
}

/// `sari` again after the clock moved past her session.
fn relogin(o: &common::Office) -> String {
    o.login("sari", "sandi-baru-123")
}

fn names(folder: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(folder).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    v.sort();
    v
}

fn count(conn: &rusqlite::Connection, table: &str) -> i64 {
    conn.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0)).unwrap()
}

#[test]
fn a_backup_is_verified_and_its_audit_head_and_counts_are_written_beside_it() {
    let (o, sup, usb) = office_with_backups(7);
    for _ in 0..3 {
        o.app.call(None, "queue.issue", json!({"service_prefix": "A"})).unwrap();
    }
    let status = o.call(&sup, "backup.run_now", json!({})).unwrap();
    // 23 November 2026, 08.00 WIB on the test clock.
    assert_eq!(names(usb.path()), ["loket-20261123-080000.audit-head.json", "loket-20261123-080000.db"], "no temporary file left");
    let good = &status["last_good"];
    assert_eq!(good["trigger"], "manual");
    assert_eq!(good["counts"]["ticket"], 3);
    assert!(good["at_text"].as_str().unwrap().contains("WIB"), "{good}");
    assert_eq!(status["warning"], Value::Null);
    assert_eq!(status["generations"].as_array().unwrap().len(), 1);
    assert_eq!(status["generations"][0]["has_audit_head"], true);

    // The copy is a healthy Loket database holding what the live one held.
    let file = usb.path().join("loket-20261123-080000.db");
    assert_eq!(good["file"], file.to_str().unwrap());
    assert_eq!(good["size_bytes"].as_i64().unwrap() as u64, std::fs::metadata(&file).unwrap().len());
    let copy = loket::store::open_file(&file, o.app.store.key(), true).unwrap();
    let ok: String = copy.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(ok, "ok");
    assert_eq!(copy.query_row("PRAGMA user_version", [], |r| r.get::<_, u32>(0)).unwrap(), loket::store::schema_version());
    assert!(loket::audit::verify(&copy).unwrap().ok);
    let head: Value = serde_json::from_slice(&std::fs::read(usb.path().join("loket-20261123-080000.audit-head.json")).unwrap()).unwrap();
    let (seq, hash): (i64, String) =
        copy.query_row("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
    assert_eq!(head["audit_head"], json!({"seq": seq, "hash": hash}));
    for t in loket::backup::KEY_TABLES {
        assert_eq!(head["counts"][t], count(&copy, t), "{t}");
    }
    // The settings change is audited; the attempt is recorded.
    let audit = o.call(&sup, "audit.list", json!({})).unwrap();
    assert!(audit["items"].as_array().unwrap().iter().any(|e| e["action"] == "backup_settings"));
}

#[test]
fn the_folder_is_pruned_to_n_generations_and_other_files_are_left_alone() {
    let (o, _, usb) = office_with_backups(3);
    for other in ["loket.db", "catatan.txt", "loket-lama.db"] {
        std::fs::write(usb.path().join(other), b"milik orang lain").unwrap();
    }
    for _ in 0..5 {
        o.call(&relogin(&o), "backup.run_now", json!({})).unwrap();
        o.clock.advance(Duration::days(1));
    }
    let sup = relogin(&o);
    assert_eq!(
        names(usb.path()),
        [
            "catatan.txt",
            "loket-20261125-080000.audit-head.json",
            "loket-20261125-080000.db",
            "loket-20261126-080000.audit-head.json",
            "loket-20261126-080000.db",
            "loket-20261127-080000.audit-head.json",
            "loket-20261127-080000.db",
            "loket-lama.db",
            "loket.db",
        ]
    );
    let status = o.call(&sup, "backup.status", json!({})).unwrap();
    assert_eq!(status["generations"].as_array().unwrap().len(), 3);
    assert_eq!(status["generations"][0]["name"], "loket-20261127-080000.db", "newest first");
}

#[test]
fn settings_are_refused_with_the_field_named_in_bahasa_indonesia() {
    let (o, sup, usb) = office_with_backups(7);
    let base = settings(usb.path(), 7);
    let cases = [
        ("time", json!("25:00")),
        ("time", json!("jam lima")),
        ("folder", json!("cadangan")),
        ("folder", json!("")),
        ("folder", json!(o.dir.path().to_str().unwrap())),
        ("generations", json!(0)),
        ("generations", json!(61)),
    ];
    for (field, value) in cases {
        let mut req = base.clone();
        req[field] = value.clone();
        let e = o.call(&sup, "backup.settings_save", req).unwrap_err();
        assert_eq!((e.code, e.field.as_deref()), (ErrorCode::Validation, Some(field)), "{field} = {value}: {}", e.message);
        let word = match field {
            "time" => "Jam cadangan",
            "folder" => "Folder cadangan",
            _ => "Jumlah cadangan",
        };
        assert!(e.message.contains(word), "{field}: {}", e.message);
    }
    // A counter officer may not change them.
    let officer = o.staff_with("budi", &["counter_officer"]);
    assert_eq!(o.call(&officer, "backup.settings_save", base).unwrap_err().code, ErrorCode::Forbidden);
    assert_eq!(o.call(&officer, "backup.run_now", json!({})).unwrap_err().code, ErrorCode::Forbidden);
}

/// A runtime serving `app` on 127.0.0.1 with the backup task looking every 20 ms.
fn serve_with_scheduler(app: std::sync::Arc<loket::App>) -> (tokio::runtime::Runtime, String) {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let listener = rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let a = app.clone();
    rt.spawn(async move { axum::serve(listener, loket::hub::router(a, None)).await });
    rt.block_on(async { loket::backup::spawn_with(app, std::time::Duration::from_millis(20)) });
    (rt, url)
}

fn wait_for(mut f: impl FnMut() -> bool) {
    let until = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !f() {
        assert!(std::time::Instant::now() < until, "timed out");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

fn attempts(o: &common::Office) -> i64 {
    o.app.store.read(|c| Ok(c.query_row("SELECT COUNT(*) FROM backup_run", [], |r| r.get(0))?)).unwrap()
}

#[test]
fn an_unplugged_drive_is_a_recorded_warning_and_the_hub_keeps_serving() {
    let (o, sup, usb) = office_with_backups(7);
    let unplugged: PathBuf = usb.path().join("usb-cadangan");
    o.call(&sup, "backup.settings_save", settings(&unplugged, 7)).unwrap();
    let (_rt, url) = serve_with_scheduler(o.app.clone());
    // Never backed up: the scheduler tries at once, and fails.
    wait_for(|| attempts(&o) >= 1);
    let status = o.call(&sup, "backup.status", json!({})).unwrap();
    assert_eq!(status["last_good"], Value::Null);
    assert_eq!(status["last_attempt"]["ok"], false);
    assert_eq!(status["last_attempt"]["trigger"], "startup");
    let warning = status["warning"].as_str().unwrap();
    assert!(warning.contains("GAGAL") && warning.contains("tidak ditemukan") && warning.contains("USB"), "{warning}");
    // It is not retried at every tick (hourly), and the hub still answers.
    std::thread::sleep(std::time::Duration::from_millis(200));
    assert_eq!(attempts(&o), 1);
    let http = common::http();
    assert_eq!(http.get(format!("{url}/api/v1/health")).send().unwrap().status(), 200);
    let ticket: Value = http.post(format!("{url}/api/v1/queue.issue")).json(&json!({"service_prefix": "A"})).send().unwrap().json().unwrap();
    assert!(ticket["ticket"]["number"].is_string(), "{ticket}");

    // "Cadangkan sekarang" says why, naming the field; a file where the folder should be too.
    let e = o.call(&sup, "backup.run_now", json!({})).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("folder"));
    assert!(e.message.contains("tidak ditemukan"), "{}", e.message);
    std::fs::write(&unplugged, b"bukan folder").unwrap();
    let e = o.call(&sup, "backup.run_now", json!({})).unwrap_err();
    assert!(e.message.contains("bukan folder"), "{}", e.message);
    std::fs::remove_file(&unplugged).unwrap();

    // Plugged back in: the hourly retry succeeds and the warning goes.
    std::fs::create_dir(&unplugged).unwrap();
    o.clock.advance(Duration::minutes(61));
    let sup = relogin(&o);
    wait_for(|| o.call(&sup, "backup.status", json!({})).unwrap()["last_good"].is_object());
    let status = o.call(&sup, "backup.status", json!({})).unwrap();
    assert_eq!(status["last_good"]["trigger"], "schedule");
    assert_eq!(status["warning"], Value::Null);
    assert_eq!(names(&unplugged).len(), 2);
}

#[test]
fn a_folder_that_cannot_be_written_is_a_warning_not_a_crash() {
    // /proc exists but takes no new files (not even for root, who ignores permission bits).
    let (o, sup, _usb) = office_with_backups(7);
    o.call(&sup, "backup.settings_save", settings(Path::new("/proc"), 7)).unwrap();
    let e = o.call(&sup, "backup.run_now", json!({})).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("folder"));
    assert!(e.message.contains("/proc"), "{}", e.message);
    let status = o.call(&sup, "backup.status", json!({})).unwrap();
    assert!(status["warning"].as_str().unwrap().contains("GAGAL"), "{status}");
    // The office goes on.
    o.app.call(None, "queue.issue", json!({"service_prefix": "A"})).unwrap();
}

#[test]
fn the_status_warns_when_the_last_good_backup_is_older_than_two_days() {
    let (o, sup, _usb) = office_with_backups(7);
    let status = o.call(&sup, "backup.status", json!({})).unwrap();
    assert!(status["warning"].as_str().unwrap().contains("Belum ada cadangan"), "{status}");
    // 08.00 WIB: the next one is today at 17.30.
    assert_eq!(status["next_at"], "2026-11-23T10:30:00.000Z");
    assert!(status["next_at_text"].as_str().unwrap().contains("17.30 WIB"));
    o.call(&sup, "backup.run_now", json!({})).unwrap();
    o.clock.advance(Duration::days(2));
    let sup = relogin(&o);
    assert_eq!(o.call(&sup, "backup.status", json!({})).unwrap()["warning"], Value::Null, "exactly 2 days: not yet");
    o.clock.advance(Duration::minutes(1));
    let status = o.call(&sup, "backup.status", json!({})).unwrap();
    let w = status["warning"].as_str().unwrap();
    assert!(w.contains("2 hari lalu") && w.contains("Senin, 23 November 2026"), "{w}");
}

#[test]
fn the_hub_takes_a_backup_at_start_when_the_last_one_is_older_than_a_day() {
    let (o, sup, usb) = office_with_backups(7);
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let listener = rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let app = o.app.clone();
    rt.spawn(async move { loket::hub::serve(app, listener, None).await });
    wait_for(|| !names(usb.path()).is_empty() && attempts(&o) >= 1);
    let status = o.call(&sup, "backup.status", json!({})).unwrap();
    assert_eq!(status["last_good"]["trigger"], "startup", "{status}");
}

#[test]
fn restore_drill_every_record_acknowledged_before_the_backup_is_back() {
    let (o, sup, usb) = office_with_backups(7);
    let officer = o.staff_with("budi", &["counter_officer"]);
    let tickets: Vec<String> =
        (0..4).map(|_| o.app.call(None, "queue.issue", json!({"service_prefix": "A"})).unwrap()["ticket"]["number"].as_str().unwrap().to_string()).collect();
    let form = json!({
        "nik": "6101091708050001", "kk_number": "6101090101050003", "full_name": "Rudi Hartono",
        "sex": "L", "birth_place": "Sambas", "birth_date": "2005-08-17", "blood_type": "O",
        "religion": "ISLAM", "marital_status": "BELUM KAWIN", "occupation": "PELAJAR/MAHASISWA",
        "education": "SLTA/SEDERAJAT", "citizenship": "WNI", "address": "Jl. Merdeka No. 1",
        "rt": "1", "rw": "2", "village_code": "61.01.09.2002", "mobile": "081234567890"
    });
    o.call(&officer, "intake.save_applicant", form).unwrap();
    let application = o.call(&officer, "intake.open_application", json!({"nik": "6101091708050001", "kind": "new"})).unwrap();
    let status = o.call(&sup, "backup.run_now", json!({})).unwrap();
    let file = PathBuf::from(status["last_good"]["file"].as_str().unwrap());
    let audit_rows = status["last_good"]["audit_seq"].as_i64().unwrap();
    assert!(audit_rows > 0);

    // The hub stops; the disk damages the live file in the middle.
    let common::Office { dir, app, clock: _ } = o;
    drop(app);
    let live = dir.path().join("loket.db");
    let mut bytes = std::fs::read(&live).unwrap();
    let mid = bytes.len() / 2;
    let end = (mid + 16 * 4096).min(bytes.len());
    bytes[mid..end].iter_mut().for_each(|b| *b = 0x5A);
    std::fs::write(&live, &bytes).unwrap();
    let damaged = loket::store::open_raw(dir.path(), false).unwrap();
    let check: String = damaged.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap_or_else(|e| e.to_string());
    assert_ne!(check, "ok", "the damage must be visible");
    drop(damaged);

    // Restore with the existing path (`loket restore --from`), then open as the hub would.
    let kept = loket::store::restore(dir.path(), &file, None).unwrap();
    assert!(kept.exists(), "the damaged file is kept aside");
    let back = loket::App::open(dir.path()).unwrap();
    assert!(back.store.check().unwrap().healthy());
    back.store
        .read(|c| {
            let numbers: Vec<String> =
                c.prepare("SELECT number FROM ticket ORDER BY number")?.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
            let mut expected = tickets.clone();
            expected.sort();
            assert_eq!(numbers, expected);
            let n: String = c.query_row("SELECT number FROM application WHERE id = ?1", [application["id"].as_str().unwrap()], |r| r.get(0))?;
            assert_eq!(n, application["number"].as_str().unwrap());
            let nik: String = c.query_row("SELECT nik FROM applicant", [], |r| r.get(0))?;
            assert_eq!(nik, "6101091708050001");
            let report = loket::audit::verify(c)?;
            assert!(report.ok && report.rows_checked >= audit_rows, "{report:?}");
            Ok(())
        })
        .unwrap();
    drop(usb);
}
