//! The end of the audit chain against an anchor kept outside it, on real SQLite files: without any
//! anchor `audit.verify` says plainly the end cannot be checked (and so misses rows cut off it); the
//! `.audit-head.json` beside the newest backup alone finds them and names the backup; rows cut and
//! then written again past the anchor show as a rewritten chain; an unreadable head file is passed
//! over for the one before it. (Central's anchor: server/tests/sync_audit.rs.)

mod common;

use serde_json::{json, Value};
use std::path::Path;

/// What someone with the database file does: drop the trigger that refuses DELETE, delete the
/// chain's last rows.
fn cut_after(dir: &Path, keep: i64) -> usize {
    let c = loket::store::open_raw(dir, false).unwrap();
    c.execute_batch("DROP TRIGGER IF EXISTS audit_log_no_delete").unwrap();
    c.execute("DELETE FROM audit_log WHERE seq > ?1", [keep]).unwrap()
}

fn last_seq(o: &common::Office) -> i64 {
    o.app.store.read(loket::audit::head).unwrap().unwrap().seq
}

/// Audited changes: each settings save is one audit row.
fn audited_changes(o: &common::Office, token: &str, n: usize) {
    for i in 0..n {
        o.call(token, "settings.update", json!({"idle_timeout_minutes": 200 + i as i64, "lan_access": false})).unwrap();
    }
}

fn office_with_backups() -> (common::Office, String, tempfile::TempDir) {
    let o = common::office();
    o.long_sessions();
    let sup = o.staff_with("sari", &["supervisor"]);
    let usb = tempfile::tempdir().unwrap();
    o.call(&sup, "backup.settings_save", json!({"enabled": true, "time": "17:30", "folder": usb.path().to_str().unwrap(), "generations": 7}))
        .unwrap();
    (o, sup, usb)
}

#[test]
fn without_an_anchor_verify_says_the_end_of_the_chain_cannot_be_checked() {
    let o = common::office();
    o.long_sessions();
    let admin = o.admin();
    audited_changes(&o, &admin, 6);
    let top = last_seq(&o);
    let report = o.call(&admin, "audit.verify", json!({})).unwrap();
    assert_eq!((report["ok"].clone(), report["anchor"].clone(), report["truncation"].clone()), (json!(true), Value::Null, Value::Null), "{report}");
    let unchecked = "Ujung rantai audit tidak dapat diperiksa: belum ada jangkar dari server pusat (sinkronisasi) maupun dari cadangan.";
    assert!(report["end_message"].as_str().unwrap().starts_with(unchecked), "{report}");

    // Cut off the end: with nothing to compare, the chain left is whole and the gap stays unseen,
    // and the report says so rather than calling the end checked.
    assert_eq!(cut_after(o.dir.path(), top - 3), 3);
    let report = o.call(&admin, "audit.verify", json!({})).unwrap();
    assert_eq!(report["ok"], true, "{report}");
    assert_eq!(report["rows_checked"], top - 3);
    assert!(report["end_message"].as_str().unwrap().starts_with(unchecked), "{report}");
}

#[test]
fn the_newest_backups_audit_head_alone_finds_rows_cut_off_the_end_and_names_the_backup() {
    let (o, sup, usb) = office_with_backups();
    audited_changes(&o, &sup, 3);
    o.call(&sup, "backup.run_now", json!({})).unwrap();
    let head: Value = serde_json::from_slice(&std::fs::read(usb.path().join("loket-20261123-080000.audit-head.json")).unwrap()).unwrap();
    let anchored = head["audit_head"]["seq"].as_i64().unwrap();
    // The backup attempt's own audit row and more after it.
    audited_changes(&o, &sup, 4);
    let top = last_seq(&o);
    assert!(top > anchored);

    let report = o.call(&sup, "audit.verify", json!({})).unwrap();
    assert_eq!(report["ok"], true, "{report}");
    assert_eq!(report["anchor"]["source"], "backup");
    assert_eq!(report["anchor"]["label"], "loket-20261123-080000.db");
    assert_eq!(report["anchor"]["seq"], anchored);
    assert_eq!(report["anchor"]["matches"], true);
    assert_eq!(report["anchor"]["at"], "2026-11-23T01:00:00.000Z", "the backup's time from its name in the office zone (WIB)");
    assert!(report["end_message"].as_str().unwrap().starts_with("Ujung rantai cocok dengan jangkar cadangan loket-20261123-080000.db"), "{report}");

    // Everything from two rows before the backup's head is cut.
    let keep = anchored - 2;
    cut_after(o.dir.path(), keep);
    let report = o.call(&sup, "audit.verify", json!({})).unwrap();
    assert_eq!(report["ok"], false, "{report}");
    assert_eq!(report["truncation"], json!({"chain_end": keep, "missing_from": keep + 1, "missing_to": anchored, "missing_rows": 2}));
    assert_eq!(report["first_broken_seq"], keep + 1);
    let message = report["end_message"].as_str().unwrap();
    assert_eq!(
        message,
        format!(
            "Baris audit {}–{anchored} hilang: rantai berakhir di {keep}, padahal jangkar cadangan loket-20261123-080000.db pada {} mencatat {anchored}.",
            keep + 1,
            "Senin, 23 November 2026 08.00 WIB"
        )
    );
    assert_eq!(report["reason"], message);

    // Work goes on and the chain grows past the anchor again: the row at the anchor's seq is a new
    // one, so the end no longer matches and the chain is reported rewritten.
    audited_changes(&o, &sup, 4);
    assert!(last_seq(&o) > anchored);
    let report = o.call(&sup, "audit.verify", json!({})).unwrap();
    assert_eq!(report["ok"], false, "{report}");
    assert_eq!(report["truncation"], Value::Null);
    assert_eq!(report["first_broken_seq"], Value::Null, "which row first differs is not known");
    assert_eq!(
        report["end_message"],
        format!("Baris audit {anchored} berbeda dengan jangkar cadangan loket-20261123-080000.db pada Senin, 23 November 2026 08.00 WIB: rantai telah ditulis ulang sampai baris itu.")
    );
}

#[test]
fn an_unreadable_head_file_is_passed_over_for_the_backup_before_it() {
    let (o, sup, usb) = office_with_backups();
    audited_changes(&o, &sup, 2);
    o.call(&sup, "backup.run_now", json!({})).unwrap();
    let first = last_seq(&o);
    o.clock.advance(chrono::Duration::hours(1));
    let sup = o.login("sari", "sandi-baru-123");
    audited_changes(&o, &sup, 2);
    o.call(&sup, "backup.run_now", json!({})).unwrap();
    std::fs::write(usb.path().join("loket-20261123-090000.audit-head.json"), b"{ not json").unwrap();
    let report = o.call(&sup, "audit.verify", json!({})).unwrap();
    assert_eq!(report["anchor"]["label"], "loket-20261123-080000.db", "{report}");
    assert!(report["anchor"]["seq"].as_i64().unwrap() <= first + 1);
    assert_eq!(report["ok"], true, "{report}");
}
