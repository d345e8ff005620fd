//! The queue on a real SQLite file: numbering, quota, ordering, calling, appointments, printing,
//! metrics and the live event stream over HTTP.

mod common;

use chrono::Duration;
use common::Office;
use loket::ErrorCode;
use serde_json::{json, Value};
use std::collections::HashSet;

fn issue(o: &Office, prefix: &str, priority: Option<&str>) -> Value {
    let mut req = json!({"service_prefix": prefix});
    if let Some(p) = priority {
        req["priority"] = json!(p);
    }
    o.app.call(None, "queue.issue", req).expect("issue")
}

fn number(v: &Value) -> String {
    v["ticket"]["number"].as_str().unwrap().to_string()
}

/// An officer signed in at counter `counter_id` (1 and 2 serve A and B; 3 serves C and D).
fn officer_at(o: &Office, username: &str, counter_id: i64) -> String {
    let token = o.staff_with(username, &["counter_officer"]);
    o.call(&token, "queue.counter_sign_in", json!({"counter_id": counter_id})).expect("sign in");
    token
}

fn call_next(o: &Office, token: &str) -> Value {
    o.call(token, "queue.call_next", json!({})).expect("call next")
}

fn id(v: &Value) -> String {
    v["ticket"]["id"].as_str().or(v["id"].as_str()).unwrap().to_string()
}

#[test]
fn numbers_are_per_service_per_day_and_restart_the_next_day() {
    let o = common::office();
    assert_eq!(number(&issue(&o, "A", None)), "A-001");
    assert_eq!(number(&issue(&o, "a", None)), "A-002");
    assert_eq!(number(&issue(&o, "B", None)), "B-001");
    let third = issue(&o, "A", None);
    assert_eq!(third["waiting_ahead"], 2);
    assert_eq!(third["ticket"]["day"], "2026-11-23");
    // The next office day starts again at 001.
    o.clock.advance(Duration::days(1));
    let tuesday = issue(&o, "A", None);
    assert_eq!(number(&tuesday), "A-001");
    assert_eq!(tuesday["ticket"]["day"], "2026-11-24");
    // Saturday: the default services run Monday–Friday.
    o.clock.advance(Duration::days(4));
    let e = o.app.call(None, "queue.issue", json!({"service_prefix": "A"})).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("service_prefix"));
    assert!(e.message.contains("tidak dibuka hari ini"), "{}", e.message);
    // Yesterday's open tickets were closed with an outcome that says so; history stays.
    let admin = o.admin();
    let m = o.call(&admin, "queue.metrics", json!({"from": "2026-11-23", "to": "2026-11-23"})).unwrap();
    assert_eq!(m["total"]["arrived"], 4);
    assert_eq!(m["total"]["closed_unserved"], 4);
}

#[test]
fn concurrent_kiosks_never_get_a_duplicate_or_a_gap() {
    let o = common::office();
    let threads: Vec<_> = (0..40)
        .map(|_| {
            let app = o.app.clone();
            std::thread::spawn(move || app.call(None, "queue.issue", json!({"service_prefix": "A"})).unwrap())
        })
        .collect();
    let numbers: HashSet<String> = threads.into_iter().map(|t| number(&t.join().unwrap())).collect();
    let expected: HashSet<String> = (1..=40).map(|n| format!("A-{n:03}")).collect();
    assert_eq!(numbers, expected);
}

#[test]
fn a_full_quota_says_kuota_habis_and_unknown_services_are_named() {
    let o = common::office();
    let admin = o.admin();
    let list = o.call(&admin, "queue.service_list", json!({})).unwrap();
    let mut d = list["items"].as_array().unwrap().iter().find(|s| s["prefix"] == "D").unwrap().clone();
    d["daily_quota"] = json!(2);
    o.call(&admin, "queue.service_save", d.clone()).unwrap();
    issue(&o, "D", None);
    issue(&o, "D", None);
    let e = o.app.call(None, "queue.issue", json!({"service_prefix": "D"})).unwrap_err();
    assert_eq!((e.code, e.field.as_deref()), (ErrorCode::Conflict, Some("service_prefix")));
    assert!(e.message.starts_with("Kuota habis"), "{}", e.message);
    let e = o.app.call(None, "queue.issue", json!({"service_prefix": "Q"})).unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);
    assert!(e.message.contains("'Q'"));
    d["active"] = json!(false);
    o.call(&admin, "queue.service_save", d).unwrap();
    let e = o.app.call(None, "queue.issue", json!({"service_prefix": "D"})).unwrap_err();
    assert!(e.message.contains("tidak dibuka hari ini"));
    // Service settings are validated by field.
    let e = o.call(&admin, "queue.service_save", json!({"prefix": "AB", "name": "X", "kind": "other", "daily_quota": 5,
        "time_standard_minutes": 5, "active_days": "12345", "active": true})).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("prefix"));
    let e = o.call(&admin, "queue.service_save", json!({"prefix": "E", "name": "X", "kind": "other", "daily_quota": 0,
        "time_standard_minutes": 5, "active_days": "12345", "active": true})).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("daily_quota"));
}

#[test]
fn calling_follows_the_priority_ratio() {
    let o = common::office();
    for _ in 0..4 {
        issue(&o, "A", None);
    }
    issue(&o, "A", Some("elderly"));
    let officer = officer_at(&o, "budi", 1);
    let mut order = Vec::new();
    for _ in 0..5 {
        let called = call_next(&o, &officer);
        order.push(number(&called));
        o.call(&officer, "queue.finish", json!({"ticket_id": id(&called)})).unwrap();
    }
    assert_eq!(order, ["A-001", "A-002", "A-005", "A-003", "A-004"]);
    let e = o.call(&officer, "queue.call_next", json!({})).unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);
}

#[test]
fn two_counters_calling_together_get_different_tickets() {
    let o = common::office();
    for _ in 0..10 {
        issue(&o, "A", None);
    }
    let tokens: Vec<String> = (1..=2).map(|c| officer_at(&o, &format!("petugas{c}"), c)).collect();
    for _ in 0..5 {
        let handles: Vec<_> = tokens
            .iter()
            .map(|t| {
                let (app, t) = (o.app.clone(), t.clone());
                std::thread::spawn(move || {
                    let called = app.call(Some(&t), "queue.call_next", json!({})).unwrap();
                    app.call(Some(&t), "queue.finish", json!({"ticket_id": called["ticket"]["id"]})).unwrap();
                    called["ticket"]["number"].as_str().unwrap().to_string()
                })
            })
            .collect();
        let got: Vec<String> = handles.into_iter().map(|h| h.join().unwrap()).collect();
        assert_ne!(got[0], got[1]);
    }
    let admin = o.admin();
    let m = o.call(&admin, "queue.metrics", json!({"from": "2026-11-23", "to": "2026-11-23"})).unwrap();
    assert_eq!(m["total"]["served"], 10);
}

#[test]
fn counter_actions_and_their_refusals() {
    let o = common::office();
    let a1 = issue(&o, "A", None);
    issue(&o, "A", None);
    // Calling without a counter.
    let lone = o.staff_with("lone", &["counter_officer"]);
    let e = o.call(&lone, "queue.call_next", json!({})).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("counter_id"));
    assert!(e.message.contains("belum masuk ke loket"));
    // A counter taken by someone else.
    let budi = officer_at(&o, "budi", 1);
    let e = o.call(&lone, "queue.counter_sign_in", json!({"counter_id": 1})).unwrap_err();
    assert_eq!(e.code, ErrorCode::Conflict);
    assert!(e.message.contains("Pegawai budi"), "{}", e.message);
    let sari = officer_at(&o, "sari", 2);

    let called = call_next(&o, &budi);
    assert_eq!(id(&called), id(&a1));
    assert_eq!(called["announcement"]["clips"], json!(["chime", "nomor-antrian", "huruf-a", "satu", "silakan-menuju", "loket", "satu"]));
    // One ticket at a time.
    assert_eq!(o.call(&budi, "queue.call_next", json!({})).unwrap_err().code, ErrorCode::Conflict);
    // Someone else's ticket cannot be finished.
    let e = o.call(&sari, "queue.finish", json!({"ticket_id": id(&a1)})).unwrap_err();
    assert_eq!(e.code, ErrorCode::Forbidden);
    assert!(e.message.contains("A-001"));
    // No-show only after three calls.
    let e = o.call(&budi, "queue.no_show", json!({"ticket_id": id(&a1)})).unwrap_err();
    assert!(e.message.contains("baru dipanggil 1 kali"), "{}", e.message);
    let r = o.call(&budi, "queue.recall", json!({"ticket_id": id(&a1)})).unwrap();
    assert_eq!(r["announcement"]["call_count"], 2);
    o.call(&budi, "queue.recall", json!({"ticket_id": id(&a1)})).unwrap();
    let gone = o.call(&budi, "queue.no_show", json!({"ticket_id": id(&a1)})).unwrap();
    assert_eq!(gone["status"], "no_show");

    // Park, serve another, call back.
    let a2 = call_next(&o, &budi);
    o.call(&budi, "queue.park", json!({"ticket_id": id(&a2)})).unwrap();
    let state = o.call(&budi, "queue.counter_state", json!({})).unwrap();
    assert_eq!(state["parked"][0]["number"], "A-002");
    assert_eq!(state["current"], json!(null));
    let back = o.call(&budi, "queue.call_parked", json!({"ticket_id": id(&a2)})).unwrap();
    assert_eq!(back["ticket"]["status"], "called");
    o.call(&budi, "queue.start", json!({"ticket_id": id(&a2)})).unwrap();

    // Transfer keeps the place in line and moves the ticket to B's line.
    let queued_at = back["ticket"]["queued_at"].clone();
    let moved = o.call(&budi, "queue.transfer", json!({"ticket_id": id(&a2), "service_prefix": "B"})).unwrap();
    assert_eq!((moved["status"].as_str(), moved["service_prefix"].as_str()), (Some("waiting"), Some("B")));
    assert_eq!(moved["queued_at"], queued_at);
    assert_eq!(moved["number"], "A-002");
    let b1 = issue(&o, "B", None);
    let next = call_next(&o, &sari);
    assert_eq!(next["ticket"]["number"], "A-002", "the transferred ticket keeps its earlier place before {}", number(&b1));
    let e = o.call(&sari, "queue.transfer", json!({"ticket_id": id(&next), "service_prefix": "Z"})).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("service_prefix"));
}

#[test]
fn appointments_check_in_by_code() {
    let o = common::office();
    o.long_sessions();
    let admin = o.admin();
    // Now is 08.00 WIB on 21 Nov. A slot at 08.30 today, one tomorrow.
    let today = o.call(&admin, "queue.appointment_create", json!({"service_prefix": "A", "day": "2026-11-23", "slot_time": "08:30", "applicant_name": "Rina"})).unwrap();
    let later = o.call(&admin, "queue.appointment_create", json!({"service_prefix": "A", "day": "2026-11-24", "slot_time": "09:00", "applicant_name": "Dewi"})).unwrap();
    let code = today["booking_code"].as_str().unwrap();
    assert_eq!(code.len(), 6);
    let e = o.call(&admin, "queue.appointment_create", json!({"service_prefix": "A", "day": "23-11-2026", "slot_time": "08:30", "applicant_name": "X"})).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("day"));

    let e = o.app.call(None, "queue.check_in", json!({"booking_code": "ZZZZZZ"})).unwrap_err();
    assert_eq!((e.code, e.field.as_deref()), (ErrorCode::NotFound, Some("booking_code")));
    let e = o.app.call(None, "queue.check_in", json!({"booking_code": later["booking_code"]})).unwrap_err();
    assert!(e.message.contains("2026-11-24"), "{}", e.message);

    issue(&o, "A", None); // a walk-in before the appointment
    let checked = o.app.call(None, "queue.check_in", json!({"booking_code": code.to_lowercase()})).unwrap();
    assert!(checked["ticket"]["slot_at"].is_string());
    let e = o.app.call(None, "queue.check_in", json!({"booking_code": code})).unwrap_err();
    assert_eq!(e.code, ErrorCode::Conflict);
    issue(&o, "A", None);

    let officer = officer_at(&o, "budi", 1);
    // Before the slot the walk-ins go first; at 08.30 the appointment goes ahead of the later walk-in.
    let first = call_next(&o, &officer);
    assert_eq!(first["ticket"]["number"], "A-001");
    o.call(&officer, "queue.finish", json!({"ticket_id": id(&first)})).unwrap();
    o.clock.advance(Duration::minutes(31));
    let second = call_next(&o, &officer);
    assert_eq!(second["ticket"]["number"], "A-002", "the appointment's ticket");
}

#[test]
fn a_late_appointment_joins_the_normal_line() {
    let o = common::office();
    let admin = o.admin();
    let appt = o.call(&admin, "queue.appointment_create", json!({"service_prefix": "B", "day": "2026-11-23", "slot_time": "08:10", "applicant_name": "Rina"})).unwrap();
    o.clock.advance(Duration::minutes(40)); // 08.40: past the 15-minute grace
    let t = o.app.call(None, "queue.check_in", json!({"booking_code": appt["booking_code"]})).unwrap();
    assert_eq!(t["ticket"]["slot_at"], json!(null));
    assert_eq!(t["ticket"]["number"], "B-001");
}

/// A fake thermal printer on 127.0.0.1 that keeps what it receives.
fn fake_printer() -> (String, std::sync::mpsc::Receiver<Vec<u8>>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let mut buf = Vec::new();
            std::io::Read::read_to_end(&mut stream.unwrap(), &mut buf).unwrap();
            if tx.send(buf).is_err() {
                break;
            }
        }
    });
    (format!("tcp://{addr}"), rx)
}

#[test]
fn an_unreachable_printer_still_issues_the_ticket_and_reprint_works() {
    let o = common::office();
    let admin = o.admin();
    let mut policy = o.call(&admin, "queue.policy_get", json!({})).unwrap();
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap(); // dropped: nothing listens
    policy["ticket_printer"] = json!(format!("tcp://{closed}"));
    o.call(&admin, "queue.policy_update", policy.clone()).unwrap();
    let t = o.app.call(None, "queue.issue", json!({"service_prefix": "A", "print": true})).unwrap();
    assert_eq!(number(&t), "A-001");
    let err = t["print_error"].as_str().expect("print error shown");
    assert!(err.contains(&closed.to_string()), "{err}");

    let (target, received) = fake_printer();
    policy["ticket_printer"] = json!(target);
    o.call(&admin, "queue.policy_update", policy.clone()).unwrap();
    o.app.call(None, "queue.reprint", json!({"ticket_id": id(&t)})).unwrap();
    let bytes = received.recv_timeout(std::time::Duration::from_secs(5)).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    assert!(bytes.starts_with(&[0x1b, 0x40]), "ESC @ first");
    assert!(text.contains("A-001") && text.contains("Kantor Kecamatan Sajingan Besar"));
    assert!(text.contains(&id(&t)), "the QR carries the ticket id");
    // Bad printer settings are refused by field.
    policy["ticket_printer"] = json!("lpt1");
    let e = o.call(&admin, "queue.policy_update", policy).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("ticket_printer"));
}

#[test]
fn metrics_measure_waiting_walk_and_service_times() {
    let o = common::office();
    o.long_sessions();
    issue(&o, "A", None); // 08.00
    let officer = officer_at(&o, "budi", 1);
    o.clock.advance(Duration::minutes(7));
    let c = call_next(&o, &officer); // waited 7 min
    o.clock.advance(Duration::minutes(1));
    o.call(&officer, "queue.start", json!({"ticket_id": id(&c)})).unwrap();
    o.clock.advance(Duration::minutes(12));
    o.call(&officer, "queue.finish", json!({"ticket_id": id(&c)})).unwrap(); // 12 min service (standard 15)

    issue(&o, "A", None); // 08.20
    o.clock.advance(Duration::minutes(16));
    let c2 = call_next(&o, &officer); // waited 16 min
    o.call(&officer, "queue.start", json!({"ticket_id": id(&c2)})).unwrap();
    o.clock.advance(Duration::minutes(20));
    o.call(&officer, "queue.finish", json!({"ticket_id": id(&c2)})).unwrap(); // over the standard

    let admin = o.admin();
    let m = o.call(&admin, "queue.metrics", json!({"from": "2026-11-23", "to": "2026-11-23"})).unwrap();
    let a = &m["by_service"][0];
    assert_eq!(a["label"], "A Perekaman KTP-el Baru");
    assert_eq!(a["stats"]["served"], 2);
    assert_eq!(a["stats"]["waiting_avg_minutes"], 11.5);
    assert_eq!(a["stats"]["waiting_max_minutes"], 16.0);
    assert_eq!(a["stats"]["walk_avg_minutes"], 0.5);
    assert_eq!(a["stats"]["service_avg_minutes"], 16.0);
    assert_eq!(a["stats"]["within_standard"], 0.5);
    assert_eq!(a["stats"]["waiting_buckets"], json!([0, 0, 1, 0, 0, 1]));
    assert_eq!(m["by_officer"][0]["label"], "Pegawai budi");
    assert_eq!(m["by_counter"][0]["label"], "Loket 1");
    let e = o.call(&admin, "queue.metrics", json!({"from": "2026-11-24", "to": "2026-11-23"})).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("to"));
}

#[test]
fn the_display_hears_calls_over_the_event_stream() {
    use std::io::BufRead;
    let o = common::office();
    let hub = common::hub(o.app.clone());
    let resp = reqwest::blocking::Client::builder().build().unwrap().get(format!("{}/api/v1/events", hub.url)).send().unwrap();
    assert_eq!(resp.headers()["content-type"], "text/event-stream");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(resp).lines() {
            let Ok(line) = line else { break };
            if let Some(data) = line.strip_prefix("data: ") {
                if tx.send(data.to_string()).is_err() {
                    break;
                }
            }
        }
    });
    std::thread::sleep(std::time::Duration::from_millis(200)); // the subscription is in place
    issue(&o, "C", None);
    let officer = officer_at(&o, "budi", 3);
    call_next(&o, &officer);
    let mut got = Vec::new();
    while let Ok(data) = rx.recv_timeout(std::time::Duration::from_secs(5)) {
        let v: Value = serde_json::from_str(&data).unwrap();
        let called = v["topic"] == "ticket_called";
        got.push(v);
        if called {
            break;
        }
    }
    assert_eq!(got[0]["topic"], "queue_changed");
    let call = got.last().unwrap();
    assert_eq!(call["topic"], "ticket_called");
    assert_eq!(call["number"], "C-001");
    assert_eq!(call["counter_number"], 3);
    assert_eq!(call["clips"], json!(["chime", "nomor-antrian", "huruf-c", "satu", "silakan-menuju", "loket", "tiga"]));
    // The board shows it too.
    let board = o.app.call(None, "queue.board", json!({})).unwrap();
    assert_eq!(board["recent_calls"][0]["number"], "C-001");
    assert_eq!(board["counters"][2]["current"], "C-001");
}

#[test]
fn closing_the_day_closes_open_tickets_and_keeps_history() {
    let o = common::office();
    issue(&o, "A", None);
    issue(&o, "B", None);
    let admin = o.admin();
    let closed = o.call(&admin, "queue.close_day", json!({})).unwrap();
    assert_eq!(closed["closed"], 2);
    let kiosk = o.app.call(None, "queue.kiosk", json!({})).unwrap();
    assert!(kiosk["services"].as_array().unwrap().iter().all(|s| s["waiting"] == 0));
    let m = o.call(&admin, "queue.metrics", json!({"from": "2026-11-23", "to": "2026-11-23"})).unwrap();
    assert_eq!(m["total"]["arrived"], 2);
}
