//! The office side of sync without a central server: enrollment refusals, the header's status and
//! the quarantine a supervisor works through. The exchange with a real central is in
//! server/tests/sync_*.rs.

mod common;

use loket::ErrorCode;
use serde_json::{json, Value};

fn applicant(nik: &str, name: &str) -> Value {
    json!({
        "nik": nik, "kk_number": "6101090101050003", "full_name": name, "sex": "L",
        "birth_place": "Sambas", "birth_date": "2005-08-17", "blood_type": "O", "religion": "ISLAM",
        "marital_status": "BELUM KAWIN", "occupation": "PELAJAR/MAHASISWA", "education": "SLTA/SEDERAJAT",
        "citizenship": "WNI", "address": "Jl. Merdeka No. 1", "rt": "1", "rw": "2",
        "village_code": "61.01.09.2002", "mobile": "081234567890"})
}

#[test]
fn enrollment_refuses_bad_input_naming_the_field_and_keeps_nothing() {
    let o = common::office();
    let admin = o.admin();
    let e = o.call(&admin, "sync.enroll", json!({"central_url": "sinkron.example", "token": "abc"})).unwrap_err();
    assert_eq!((e.code, e.field.as_deref()), (ErrorCode::Validation, Some("central_url")));
    assert!(e.message.contains("http://"), "{}", e.message);
    let e = o.call(&admin, "sync.enroll", json!({"central_url": "http://127.0.0.1:9", "token": "  "})).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("token"));
    // Nobody listens on port 9: the office is told central is unreachable, not that it failed.
    let e = o.call(&admin, "sync.enroll", json!({"central_url": "http://127.0.0.1:9", "token": "abc"})).unwrap_err();
    assert_eq!((e.code, e.field.as_deref()), (ErrorCode::CentralUnavailable, Some("central_url")));
    assert!(e.message.contains("tidak terjangkau"), "{}", e.message);
    let status = o.call(&admin, "sync.status", json!({})).unwrap();
    assert_eq!(status["enrolled"], false);
    // A counter officer may see the status but not enroll.
    let officer = o.staff_with("budi", &["counter_officer"]);
    assert!(o.call(&officer, "sync.status", json!({})).is_ok());
    assert_eq!(o.call(&officer, "sync.enroll", json!({"central_url": "http://x.example", "token": "t"})).unwrap_err().code, ErrorCode::Forbidden);
}

#[test]
fn the_header_status_counts_what_waits_and_warns_when_never_sent() {
    let o = common::office();
    let officer = o.staff_with("budi", &["counter_officer"]);
    let before = o.call(&officer, "sync.status", json!({})).unwrap();
    assert_eq!((before["waiting"].as_i64(), before["warning"].clone()), (Some(0), Value::Null));
    o.call(&officer, "intake.save_applicant", applicant("6101091708050001", "Rudi Hartono")).unwrap();
    o.call(&officer, "intake.open_application", json!({"nik": "6101091708050001", "kind": "new"})).unwrap();
    let after = o.call(&officer, "sync.status", json!({})).unwrap();
    assert_eq!(after["waiting"], 2, "{after}");
    assert_eq!(after["oldest_waiting_at"], "2026-11-23T01:00:00.000Z");
    assert!(after["warning"].as_str().unwrap().contains("belum terdaftar"), "{after}");

    let admin = o.admin();
    let e = o.call(&admin, "sync.settings", json!({"warn_after_days": 0})).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("warn_after_days"));
    assert_eq!(o.call(&admin, "sync.settings", json!({"warn_after_days": 7})).unwrap()["warn_after_days"], 7);
}

#[test]
fn a_supervisor_resends_a_refused_record_as_it_is_now_and_it_leaves_the_list() {
    let o = common::office();
    let officer = o.staff_with("budi", &["counter_officer"]);
    let supervisor = o.staff_with("sri", &["supervisor"]);
    o.call(&officer, "intake.save_applicant", applicant("6101091708050001", "Rudi Hartono")).unwrap();
    // Central refused the first biodata (the uploader records answers like this).
    o.app
        .store
        .write(|tx| {
            tx.execute("UPDATE outbox SET delivered_at = created_at, outcome = 'invalid', reason = 'kolom tidak dikenal' WHERE seq = 1", [])?;
            Ok(())
        })
        .unwrap();
    let list = o.call(&supervisor, "sync.quarantine_list", json!({})).unwrap();
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{list}");
    assert!(items[0]["label"].as_str().unwrap().contains("RUDI HARTONO"), "{list}");
    assert_eq!(items[0]["reason"], "kolom tidak dikenal");
    assert_eq!(o.call(&supervisor, "sync.status", json!({})).unwrap()["quarantined"], 1);
    assert_eq!(o.call(&officer, "sync.quarantine_list", json!({})).unwrap_err().code, ErrorCode::Forbidden);

    // The name is corrected, then the record is sent again: the new change carries the fix.
    o.call(&officer, "intake.save_applicant", applicant("6101091708050001", "Rudi Hartono Saputra")).unwrap();
    let list = o.call(&supervisor, "sync.quarantine_resend", json!({"seq": 1})).unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 0);
    let (kind, payload): (String, String) = o
        .app
        .store
        .read(|c| Ok(c.query_row("SELECT kind, payload FROM outbox ORDER BY seq DESC LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?)))?))
        .unwrap();
    assert_eq!(kind, "applicant");
    assert!(payload.contains("RUDI HARTONO SAPUTRA"), "{payload}");
    // A record that is not in quarantine cannot be re-sent or dismissed.
    assert_eq!(o.call(&supervisor, "sync.quarantine_resend", json!({"seq": 1})).unwrap_err().code, ErrorCode::NotFound);
    assert_eq!(o.call(&supervisor, "sync.quarantine_dismiss", json!({"seq": 2})).unwrap_err().code, ErrorCode::NotFound);
    assert_eq!(o.call(&supervisor, "sync.status", json!({})).unwrap()["quarantined"], 0);
}

#[test]
fn the_header_polling_sync_status_does_not_keep_an_idle_session_alive() {
    let o = common::office();
    let officer = o.staff_with("budi", &["counter_officer"]);
    // 10 minutes of the header polling, then 6 more: 16 minutes without the officer doing anything.
    for _ in 0..10 {
        o.clock.advance(chrono::Duration::minutes(1));
        o.call(&officer, "sync.status", json!({})).unwrap();
    }
    o.clock.advance(chrono::Duration::minutes(6));
    let e = o.call(&officer, "sync.status", json!({})).unwrap_err();
    assert_eq!(e.code, ErrorCode::Unauthenticated, "{e:?}");
    assert!(e.message.contains("tidak ada aktivitas"), "{}", e.message);
    // A real command does count as activity.
    let active = o.staff_with("sari", &["counter_officer"]);
    for _ in 0..20 {
        o.clock.advance(chrono::Duration::minutes(1));
        o.call(&active, "intake.code_lists", json!({})).unwrap();
    }
}
