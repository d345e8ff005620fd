//! The data directory: startup errors that change nothing, backup/restore, db check, audit tamper.

mod common;

use loket::store::{Store, APPLICATION_ID};
use loket::ErrorCode;
use rusqlite::Connection;
use serde_json::json;
use std::path::Path;
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_loket"))
}

fn sha(path: &Path) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(std::fs::read(path).unwrap()))
}

#[test]
fn a_database_from_a_newer_loket_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    drop(Store::open_dir(dir.path()).unwrap());
    let db = dir.path().join("loket.db");
    loket::store::open_raw(dir.path(), false).unwrap().execute_batch("PRAGMA user_version = 99;").unwrap();
    let before = sha(&db);
    let e = Store::open_dir(dir.path()).err().expect("must refuse");
    assert_eq!(e.code, ErrorCode::Storage);
    assert!(e.message.contains("lebih baru") && e.message.contains("skema 99"), "{}", e.message);
    assert_eq!(sha(&db), before);
    // The CLI says the same and exits non-zero.
    let out = bin().args(["--data-dir", dir.path().to_str().unwrap(), "db", "check"]).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("lebih baru"));
    assert_eq!(sha(&db), before);
}

#[test]
fn a_file_that_is_not_a_loket_database_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("loket.db");
    Connection::open(&db).unwrap().execute_batch("CREATE TABLE lain (x); PRAGMA user_version = 1;").unwrap();
    let e = Store::open_dir(dir.path()).err().unwrap();
    assert!(e.message.contains("bukan basis data Loket"), "{}", e.message);
}

/// Makes `dir` read-only: by permissions, or (as root, who ignores them) with the immutable flag.
fn make_read_only(dir: &Path) -> Option<Box<dyn FnOnce()>> {
    use std::os::unix::fs::PermissionsExt;
    let probe = dir.join("probe");
    let writable = |p: &Path| std::fs::write(p, b"x").map(|_| std::fs::remove_file(p)).is_ok();
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o555)).unwrap();
    let d = dir.to_path_buf();
    let undo_perms = move || std::fs::set_permissions(&d, std::fs::Permissions::from_mode(0o755)).unwrap();
    if !writable(&probe) {
        return Some(Box::new(undo_perms));
    }
    undo_perms();
    let chattr = |flag: &str, d: &Path| Command::new("chattr").arg(flag).arg(d).status().is_ok_and(|s| s.success());
    if chattr("+i", dir) && !writable(&probe) {
        let d = dir.to_path_buf();
        return Some(Box::new(move || assert!(chattr("-i", &d))));
    }
    None
}

#[test]
fn a_read_only_data_directory_is_a_clear_startup_error() {
    let dir = tempfile::tempdir().unwrap();
    drop(Store::open_dir(dir.path()).unwrap());
    let db = dir.path().join("loket.db");
    let before = sha(&db);
    let undo = make_read_only(dir.path()).expect("this machine cannot make a directory read-only (no chattr?)");
    let result = Store::open_dir(dir.path());
    let cli = bin().args(["--data-dir", dir.path().to_str().unwrap(), "serve", "--listen", "127.0.0.1:0"]).output().unwrap();
    undo();
    let e = result.err().expect("must refuse");
    assert!(e.message.contains("tidak dapat ditulisi"), "{}", e.message);
    assert!(!cli.status.success());
    assert!(String::from_utf8_lossy(&cli.stderr).contains("tidak dapat ditulisi"));
    assert_eq!(sha(&db), before);
}

#[test]
fn backup_and_restore_round_trip_through_the_cli() {
    let o = common::office();
    let admin = o.admin();
    o.call(&admin, "staff.create", json!({"username": "budi", "full_name": "Budi", "roles": ["counter_officer"], "initial_password": "sementara-123"}))
        .unwrap();
    let data = o.dir.path().to_str().unwrap().to_string();
    let backup = tempfile::tempdir().unwrap();
    let file = backup.path().join("cadangan.db");
    let out = bin().args(["--data-dir", &data, "backup", "--to", file.to_str().unwrap()]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // Backing up over an existing file is refused.
    let out = bin().args(["--data-dir", &data, "backup", "--to", file.to_str().unwrap()]).output().unwrap();
    assert!(!out.status.success());

    // Restore into a fresh directory (as on a new machine: no key of its own, so the office's
    // recovery key opens the backup) and find budi there.
    let target = tempfile::tempdir().unwrap();
    let recovery = o.app.store.key().unwrap().recovery_text();
    let out = bin()
        .args(["--data-dir", target.path().to_str().unwrap(), "restore", "--from", file.to_str().unwrap(), "--recovery-key", &recovery])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let restored = loket::App::open(target.path()).unwrap();
    let t = restored.call(None, "auth.login", json!({"username": "admin", "password": common::ADMIN_PASSWORD})).unwrap();
    let list = restored.call(t["token"].as_str(), "staff.list", json!({})).unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 2);
    let check = bin().args(["--data-dir", target.path().to_str().unwrap(), "db", "check"]).output().unwrap();
    assert!(check.status.success());
    assert!(String::from_utf8_lossy(&check.stdout).contains("sehat"));
}

#[test]
fn restore_refuses_foreign_and_newer_files_and_keeps_the_current_database() {
    let o = common::office();
    let dir = o.dir.path();
    let db = dir.join("loket.db");
    let before = sha(&db);
    let scratch = tempfile::tempdir().unwrap();

    let foreign = scratch.path().join("lain.db");
    Connection::open(&foreign).unwrap().execute_batch("CREATE TABLE t (x);").unwrap();
    let e = loket::store::restore(dir, &foreign, None).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("from"));
    assert!(e.message.contains("bukan cadangan Loket"));

    let newer = scratch.path().join("baru.db");
    o.app.store.backup_to(&newer).unwrap();
    loket::store::open_file(&newer, o.app.store.key(), false).unwrap().execute_batch("PRAGMA user_version = 42;").unwrap();
    let e = loket::store::restore(dir, &newer, None).unwrap_err();
    assert!(e.message.contains("lebih baru"), "{}", e.message);

    let not_sqlite = scratch.path().join("teks.db");
    std::fs::write(&not_sqlite, "ini bukan basis data").unwrap();
    assert!(loket::store::restore(dir, &not_sqlite, None).is_err());

    // The live database is the same file, still works and still has its office.
    assert_eq!(sha(&db), before, "a refused restore changed the live file");
    let conn = loket::store::open_raw(dir, false).unwrap();
    let app_id: i32 = conn.query_row("PRAGMA application_id", [], |r| r.get(0)).unwrap();
    assert_eq!(app_id, APPLICATION_ID);
    o.admin();
}

#[test]
fn audit_verify_names_the_first_tampered_row() {
    let o = common::office();
    for _ in 0..3 {
        o.admin();
    }
    let data = o.dir.path().to_str().unwrap().to_string();
    let ok = bin().args(["--data-dir", &data, "audit", "verify"]).output().unwrap();
    assert!(ok.status.success());
    assert!(String::from_utf8_lossy(&ok.stdout).contains("utuh"));

    // Someone edits row 3 with another SQLite tool, getting around the append-only triggers.
    let conn = loket::store::open_raw(o.dir.path(), false).unwrap();
    let e = conn.execute("UPDATE audit_log SET actor = 'orang-lain' WHERE seq = 3", []);
    assert!(e.is_err(), "the trigger must refuse the update");
    conn.execute_batch(
        "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET actor = 'orang-lain' WHERE seq = 3;",
    )
    .unwrap();
    let report = o.app.store.read(loket::audit::verify).unwrap();
    assert!(!report.ok);
    assert_eq!(report.first_broken_seq, Some(3));
    assert_eq!(report.rows_checked, 2);
    let out = bin().args(["--data-dir", &data, "audit", "verify"]).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("baris 3"));

    // A deleted row in the middle is found too.
    conn.execute_batch("DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq = 2;").unwrap();
    let report = o.app.store.read(loket::audit::verify).unwrap();
    assert_eq!(report.first_broken_seq, Some(2));
}

#[test]
fn cli_init_sets_up_the_office_and_refuses_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let bad = bin()
        .args(["--data-dir", data, "init", "--district", "99.99.99", "--office-name", "X", "--admin", "admin"])
        .env("LOKET_ADMIN_PASSWORD", "rahasia-123")
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("Kode kecamatan '99.99.99' tidak dikenal"));
    let mut child = bin()
        .args(["--data-dir", data, "init", "--district", "61.01.09", "--office-name", "Kantor Kec. Sajingan Besar", "--admin", "admin"])
        .env_remove("LOKET_ADMIN_PASSWORD")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(b"rahasia-dari-stdin\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("WIB"));
    let app = loket::App::open(dir.path()).unwrap();
    app.call(None, "auth.login", json!({"username": "admin", "password": "rahasia-dari-stdin"})).unwrap();
}
