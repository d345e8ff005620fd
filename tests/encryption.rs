//! The office database encrypted at rest (SQLCipher), on real files: what is on disk reads as
//! noise (no NIK, name or JPEG marker in the database, its WAL or a backup); without its key, or
//! with another, the database is refused with a clear message and not changed; a backup restores on
//! a "new machine" (a data folder with no key of its own) with the recovery key, and a wrong or
//! mistyped recovery key is refused; a plain database from before encryption is encrypted in place.

mod common;

use base64::Engine;
use loket::store::Store;
use loket::vault::{DbKey, Manifest};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::Command;

const NIK: &str = "6101091708050001";
const NAME: &str = "Siti Rahmawati Kusumadewi";

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_loket"))
}

fn sha(path: &Path) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(std::fs::read(path).unwrap()))
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// An applicant with biodata and a photo, recorded through the service as a counter would.
fn applicant_with_photo(o: &common::Office) {
    let officer = o.staff_with("budi", &["counter_officer", "recording_operator"]);
    o.call(&officer, "intake.save_applicant", json!({
        "nik": NIK, "kk_number": "6101090101050003", "full_name": NAME, "sex": "P",
        "birth_place": "Sambas", "birth_date": "2005-08-17", "blood_type": "O", "religion": "ISLAM",
        "marital_status": "BELUM KAWIN", "occupation": "PELAJAR/MAHASISWA", "education": "SLTA/SEDERAJAT",
        "citizenship": "WNI", "address": "Jl. Merdeka No. 1", "rt": "1", "rw": "2",
        "village_code": "61.01.09.2002", "mobile": "081234567890"}))
    .unwrap();
    let app = o.call(&officer, "intake.open_application", json!({"nik": NIK, "kind": "new"})).unwrap();
    let id = app["id"].as_str().unwrap();
    let list = o.call(&officer, "intake.checklist", json!({"application_id": id})).unwrap();
    for item in list["items"].as_array().unwrap() {
        o.call(&officer, "intake.check_requirement", json!({"application_id": id, "requirement_id": item["requirement_id"], "status": "present"})).unwrap();
    }
    o.call(&officer, "intake.complete_checks", json!({"application_id": id})).unwrap();
    let rec = o.call(&officer, "recording.start", json!({"application_id": id})).unwrap();
    let photo = base64::engine::general_purpose::STANDARD.encode(common::portrait_jpeg());
    o.call(&officer, "recording.photo", json!({"recording_id": rec["id"], "image_base64": photo})).unwrap();
}

fn names_in(o: &common::Office) -> i64 {
    o.app.store.read(|c| Ok(c.query_row("SELECT count(*) FROM applicant WHERE nik = ?1", [NIK], |r| r.get(0))?)).unwrap()
}

fn key_file_of(dir: &Path) -> PathBuf {
    match Manifest::read(dir).unwrap().expect("a key manifest beside loket.db").place {
        loket::vault::KeyPlace::File { path } => path,
        other => panic!("expected a key file here (no credential store in tests): {other:?}"),
    }
}

#[test]
fn what_is_on_disk_holds_no_nik_name_or_photo() {
    let o = common::office();
    o.long_sessions();
    applicant_with_photo(&o);
    assert_eq!(names_in(&o), 1, "the service itself reads the applicant back");
    let jpeg = common::portrait_jpeg();
    assert!(contains(&jpeg, &[0xFF, 0xD8, 0xFF]), "the sample photo has the JPEG marker this test looks for");

    let backup = o.dir.path().join("cadangan-uji.db");
    o.app.store.backup_to(&backup).unwrap();
    let db = o.dir.path().join("loket.db");
    let wal = o.dir.path().join("loket.db-wal");
    // Both the main file and the write-ahead log (where the newest pages are until a checkpoint).
    let mut files = vec![db.clone(), backup.clone()];
    if wal.exists() {
        files.push(wal);
    }
    let total: usize = files.iter().map(|f| std::fs::metadata(f).unwrap().len() as usize).sum();
    assert!(total > 3 * jpeg.len(), "the files hold less than the photo twice over: {total} bytes");
    for f in &files {
        let bytes = std::fs::read(f).unwrap();
        assert!(!contains(&bytes, NIK.as_bytes()), "{} holds the NIK in clear", f.display());
        assert!(!contains(&bytes, NAME.as_bytes()), "{} holds the name in clear", f.display());
        assert!(!contains(&bytes, &jpeg[..64]), "{} holds the photo's bytes", f.display());
        assert!(!contains(&bytes, &[0xFF, 0xD8, 0xFF, 0xE0]), "{} holds a JPEG start marker", f.display());
        assert!(!contains(&bytes, b"SQLite format 3"), "{} is a plain SQLite file", f.display());
    }
    // And the same file opened with its key does hold them: the test would see them if they leaked.
    let c = loket::store::open_file(&backup, o.app.store.key(), true).unwrap();
    let nik: String = c.query_row("SELECT nik FROM applicant", [], |r| r.get(0)).unwrap();
    assert_eq!(nik, NIK);
    // Plain SQLite (no key) cannot read it.
    let plain = rusqlite::Connection::open_with_flags(&backup, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    assert!(plain.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0)).is_err());
}

#[test]
fn without_its_key_or_with_another_the_database_is_refused_and_unchanged() {
    let o = common::office();
    o.long_sessions();
    applicant_with_photo(&o);
    let dir = o.dir.path().to_path_buf();
    let common::Office { dir: keep_dir, app, clock: _ } = o;
    drop(app);
    let db = dir.join("loket.db");
    let key_file = key_file_of(&dir);
    let before = sha(&db);

    // The key file is gone (a reinstalled PC, a wiped credential store).
    let aside = dir.join("kunci-disisihkan");
    std::fs::rename(&key_file, &aside).unwrap();
    let e = Store::open_dir(&dir).err().expect("must refuse without the key");
    assert!(e.message.contains("tidak ditemukan") && e.message.contains("kunci pemulihan"), "{}", e.message);
    let cli = bin().args(["--data-dir", dir.to_str().unwrap(), "db", "check"]).output().unwrap();
    assert!(!cli.status.success());
    assert!(String::from_utf8_lossy(&cli.stderr).contains("tidak ditemukan"), "{}", String::from_utf8_lossy(&cli.stderr));
    assert_eq!(sha(&db), before, "refusing changed the file");

    // Another key in its place.
    std::fs::write(&key_file, DbKey::generate().recovery_text()).unwrap();
    let e = Store::open_dir(&dir).err().expect("must refuse another key");
    assert!(e.message.contains("tidak dapat dibuka dengan kunci yang tersimpan"), "{}", e.message);
    assert_eq!(sha(&db), before, "refusing changed the file");

    // The right key back: everything is there.
    std::fs::remove_file(&key_file).unwrap();
    std::fs::rename(&aside, &key_file).unwrap();
    let store = Store::open_dir(&dir).unwrap();
    let n: i64 = store.read(|c| Ok(c.query_row("SELECT count(*) FROM applicant WHERE nik = ?1", [NIK], |r| r.get(0))?)).unwrap();
    assert_eq!(n, 1);
    drop(keep_dir);
}

#[test]
fn a_lost_key_is_put_back_from_the_recovery_key_and_a_wrong_one_is_refused() {
    let o = common::office();
    o.long_sessions();
    applicant_with_photo(&o);
    let recovery = o.app.store.key().unwrap().recovery_text();
    let common::Office { dir, app, clock: _ } = o;
    drop(app);
    let data = dir.path().to_str().unwrap().to_string();
    std::fs::remove_file(key_file_of(dir.path())).unwrap();
    let db = dir.path().join("loket.db");
    let before = sha(&db);

    let wrong = bin().args(["--data-dir", &data, "key", "recover", "--recovery-key", &DbKey::generate().recovery_text()]).output().unwrap();
    assert!(!wrong.status.success());
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("tidak cocok"), "{}", String::from_utf8_lossy(&wrong.stderr));
    let typo = format!("{}X", &recovery[..recovery.len() - 1]);
    let typo = if typo == recovery { format!("{}Y", &recovery[..recovery.len() - 1]) } else { typo };
    let mistyped = bin().args(["--data-dir", &data, "key", "recover", "--recovery-key", &typo]).output().unwrap();
    assert!(!mistyped.status.success());
    assert!(String::from_utf8_lossy(&mistyped.stderr).contains("salah ketik"), "{}", String::from_utf8_lossy(&mistyped.stderr));
    assert_eq!(sha(&db), before);

    let ok = bin().args(["--data-dir", &data, "key", "recover", "--recovery-key", &recovery.to_lowercase()]).output().unwrap();
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    let check = bin().args(["--data-dir", &data, "db", "check"]).output().unwrap();
    assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stderr));
    let store = Store::open_dir(dir.path()).unwrap();
    let n: i64 = store.read(|c| Ok(c.query_row("SELECT count(*) FROM applicant", [], |r| r.get(0))?)).unwrap();
    assert_eq!(n, 1);
}

#[test]
fn a_backup_restores_on_a_new_machine_only_with_the_right_recovery_key() {
    let o = common::office();
    o.long_sessions();
    applicant_with_photo(&o);
    let scratch = tempfile::tempdir().unwrap();
    let backup = scratch.path().join("cadangan.db");
    o.app.store.backup_to(&backup).unwrap();
    let recovery = o.app.store.key().unwrap().recovery_text();
    let fingerprint = o.app.store.key().unwrap().fingerprint();

    // The new machine: a data folder with no database and no key.
    let new_machine = tempfile::tempdir().unwrap();
    let data = new_machine.path().join("data");
    let run = |extra: &[&str]| {
        let mut args = vec!["--data-dir", data.to_str().unwrap(), "restore", "--from", backup.to_str().unwrap()];
        args.extend_from_slice(extra);
        bin().args(&args).output().unwrap()
    };
    let none = run(&[]);
    assert!(!none.status.success());
    assert!(String::from_utf8_lossy(&none.stderr).contains("kunci pemulihan"), "{}", String::from_utf8_lossy(&none.stderr));
    let other = DbKey::generate().recovery_text();
    let wrong = run(&["--recovery-key", &other]);
    assert!(!wrong.status.success());
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("tidak cocok dengan cadangan"), "{}", String::from_utf8_lossy(&wrong.stderr));
    assert!(!data.join("loket.db").exists(), "a refused restore wrote a database");

    let ok = run(&["--recovery-key", &recovery]);
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    // The new machine keeps the office's key now, and opens the data by itself.
    assert_eq!(Manifest::read(&data).unwrap().unwrap().fingerprint, fingerprint);
    let restored = loket::App::open(&data).unwrap();
    let nik: String = restored.store.read(|c| Ok(c.query_row("SELECT nik FROM applicant", [], |r| r.get(0))?)).unwrap();
    assert_eq!(nik, NIK);
    assert!(restored.store.check().unwrap().healthy());
    assert!(!loket::store::is_plain_file(&data.join("loket.db")));
}

#[test]
fn a_plain_database_from_before_encryption_is_encrypted_in_place_keeping_everything() {
    let dir = tempfile::tempdir().unwrap();
    let counts = {
        // The database as an earlier Loket left it: plain SQLite, with an office and its data.
        let plain = Store::open_dir_unencrypted_for_benchmark(dir.path()).unwrap();
        plain
            .write(|c| {
                c.execute_batch("CREATE TABLE catatan_lama (n INTEGER); INSERT INTO catatan_lama VALUES (1), (2), (3);")?;
                Ok(())
            })
            .unwrap();
        plain.read(|c| Ok(c.query_row("SELECT (SELECT count(*) FROM sqlite_master), (SELECT count(*) FROM catatan_lama)", [], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))?)).unwrap()
    };
    let db = dir.path().join("loket.db");
    assert!(loket::store::is_plain_file(&db));
    assert!(std::fs::read(&db).unwrap().windows(15).any(|w| w == b"SQLite format 3"));

    let store = Store::open_dir(dir.path()).unwrap();
    assert!(!loket::store::is_plain_file(&db), "still plain after opening");
    let after = store.read(|c| Ok(c.query_row("SELECT (SELECT count(*) FROM sqlite_master), (SELECT count(*) FROM catatan_lama)", [], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))?)).unwrap();
    assert_eq!(after, counts);
    assert!(store.check().unwrap().healthy());
    let left: Vec<String> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    assert!(!left.iter().any(|n| n.contains("plain-backup") || n.contains("encrypting")), "left behind: {left:?}");
    assert!(Manifest::read(dir.path()).unwrap().is_some());
    // The office goes on as usual on the encrypted file.
    drop(store);
    let app = loket::App::open(dir.path()).unwrap();
    app.call(None, "setup.initialise", json!({"district_code": "61.01.09", "office_name": "Kantor Uji", "admin_username": "admin",
        "admin_full_name": "Admin", "admin_password": common::ADMIN_PASSWORD})).unwrap();
}

#[test]
fn the_recovery_page_carries_the_key_that_opens_the_database_and_is_audited() {
    let o = common::office();
    let admin = o.admin();
    let status = o.call(&admin, "vault.status", json!({})).unwrap();
    assert_eq!(status["encrypted"], true);
    assert_eq!(status["fingerprint"], o.app.store.key().unwrap().fingerprint());
    let file = o.app.file(Some(&admin), "vault.recovery_key", json!({"holder": "Sari Wulandari"})).unwrap();
    assert_eq!(file.content_type, "application/pdf");
    let pdf = o.dir.path().join("kunci.pdf");
    std::fs::write(&pdf, &file.bytes).unwrap();
    let text = Command::new("pdftotext").args(["-layout", pdf.to_str().unwrap(), "-"]).output().expect("pdftotext (poppler-utils)");
    let text = String::from_utf8_lossy(&text.stdout).to_string();
    let printed = text.lines().find_map(|l| {
        let t = l.trim();
        (t.len() == 34 && t.matches('-').count() == 6).then(|| t.to_string())
    });
    let printed = printed.unwrap_or_else(|| panic!("no recovery key on the page:\n{text}"));
    // What is printed opens this database (parsed back as a person would type it).
    let key = DbKey::parse_recovery(&printed).unwrap();
    let c = loket::store::open_file(o.app.store.path(), Some(&key), true).unwrap();
    assert!(c.query_row("SELECT count(*) FROM staff", [], |r| r.get::<_, i64>(0)).unwrap() >= 1);
    assert!(text.contains(&key.fingerprint()));
    assert!(text.contains("Sari Wulandari"), "{text}");
    let e = o.app.file(Some(&admin), "vault.recovery_key", json!({"holder": "x".repeat(81)})).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("holder"));
    let audited: i64 = o.app.store.read(|c| Ok(c.query_row("SELECT count(*) FROM audit_log WHERE action = 'recovery_key_printed'", [], |r| r.get(0))?)).unwrap();
    assert_eq!(audited, 1);
    // A counter officer may not print it.
    let officer = o.staff_with("budi", &["counter_officer"]);
    assert!(o.app.file(Some(&officer), "vault.recovery_key", json!({})).is_err());
}
