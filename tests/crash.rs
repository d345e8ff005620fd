//! Crash checks on the real `loket serve` binary: the process is killed with SIGKILL (no shutdown
//! code runs) while kiosk tickets are being issued and while recordings are being finished, then
//! started again on the same data directory. What a client was told (a 200) must still be true,
//! numbers never skip or repeat, a finished recording always has its outbox row (and the reverse),
//! and the file passes SQLite's integrity check and the audit chain verifies.

mod common;

use base64::Engine;
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::ADMIN_PASSWORD;
const STAFF_PASSWORD: &str = "sandi-baru-123";

use common::HubProcess as Hub;

fn client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder().timeout(Duration::from_secs(60)).build().unwrap()
}

/// `POST /api/v1/<name>`: the status and the body (Null when none could be read).
fn post(c: &reqwest::blocking::Client, url: &str, token: Option<&str>, name: &str, body: &Value) -> reqwest::Result<(u16, Value)> {
    let mut r = c.post(format!("{url}/api/v1/{name}")).json(body);
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    let r = r.send()?;
    let status = r.status().as_u16();
    let v = r.json().unwrap_or(Value::Null);
    Ok((status, v))
}

fn call(url: &str, token: Option<&str>, name: &str, body: Value) -> Value {
    let (status, v) = post(&client(), url, token, name, &body).unwrap();
    assert_eq!(status, 200, "{name}: {v}");
    v
}

fn login(url: &str, user: &str, password: &str) -> String {
    call(url, None, "auth.login", json!({"username": user, "password": password}))["token"].as_str().unwrap().to_string()
}

fn loket(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_loket")).arg("--data-dir").arg(dir).args(args).env("LOKET_ADMIN_PASSWORD", ADMIN_PASSWORD).output().unwrap()
}

/// A set-up office in `dir` (`loket init`), the hub started, every service open every day with the
/// largest quota; returns the hub and the administrator's session.
fn office(dir: &Path) -> (Hub, String) {
    let out = loket(dir, &["init", "--district", "61.01.09", "--office-name", "Kantor Uji Crash", "--admin", "admin"]);
    assert!(out.status.success(), "init: {}", String::from_utf8_lossy(&out.stderr));
    let hub = Hub::start(dir);
    let token = login(&hub.url, "admin", ADMIN_PASSWORD);
    let services = call(&hub.url, Some(&token), "queue.service_list", json!({}));
    for s in services["items"].as_array().unwrap() {
        call(&hub.url, Some(&token), "queue.service_save", json!({
            "id": s["id"], "prefix": s["prefix"], "name": s["name"], "kind": s["kind"], "daily_quota": 999,
            "time_standard_minutes": s["time_standard_minutes"], "active_days": "1234567", "active": true}));
    }
    (hub, token)
}

fn staff(url: &str, admin: &str, username: &str, roles: &[&str]) -> String {
    call(url, Some(admin), "staff.create", json!({"username": username, "full_name": format!("Pegawai {username}"),
        "roles": roles, "initial_password": "sementara-123"}));
    let token = login(url, username, "sementara-123");
    call(url, Some(&token), "auth.change_password", json!({"current_password": "sementara-123", "new_password": STAFF_PASSWORD}));
    token
}

/// After the hub is stopped: SQLite's integrity check (`loket db check`) and the audit chain
/// (`loket audit verify`) both pass.
fn assert_file_healthy(dir: &Path) {
    let conn = loket::store::open_raw(dir, false).unwrap();
    let ic: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(ic, "ok");
    drop(conn);
    let check = loket(dir, &["db", "check"]);
    assert!(check.status.success(), "db check: {}{}", String::from_utf8_lossy(&check.stdout), String::from_utf8_lossy(&check.stderr));
    let verify = loket(dir, &["audit", "verify"]);
    let text = String::from_utf8_lossy(&verify.stdout);
    assert!(verify.status.success() && text.contains("Jejak audit utuh"), "audit verify: {text}{}", String::from_utf8_lossy(&verify.stderr));
}

fn db(dir: &Path) -> rusqlite::Connection {
    loket::store::open_raw(dir, true).unwrap()
}

#[test]
fn tickets_answered_before_a_sigkill_survive_it_and_numbering_stays_contiguous() {
    let dir = tempfile::tempdir().unwrap();
    let (hub, admin) = office(dir.path());
    let prefixes: Vec<String> = call(&hub.url, Some(&admin), "queue.service_list", json!({}))["items"]
        .as_array().unwrap().iter().map(|s| s["prefix"].as_str().unwrap().to_string()).collect();
    assert!(!prefixes.is_empty());

    // Four kiosks issue tickets as fast as they can (loopback is never rate-limited) until the
    // connection fails; the hub is killed once enough tickets went out.
    let answered: Arc<Mutex<Vec<(String, String, String)>>> = Arc::default(); // (prefix, id, number)
    let count = Arc::new(AtomicUsize::new(0));
    let kiosks: Vec<_> = (0..4)
        .map(|k| {
            let (url, answered, count, prefixes) = (hub.url.clone(), answered.clone(), count.clone(), prefixes.clone());
            std::thread::spawn(move || {
                let c = reqwest::blocking::Client::builder().timeout(Duration::from_secs(20)).build().unwrap();
                for i in 0.. {
                    let prefix = &prefixes[(k + i) % prefixes.len()];
                    match post(&c, &url, None, "queue.issue", &json!({"service_prefix": prefix})) {
                        Ok((200, v)) => {
                            let t = &v["ticket"];
                            answered.lock().unwrap().push((prefix.clone(), t["id"].as_str().unwrap().into(), t["number"].as_str().unwrap().into()));
                            count.fetch_add(1, Ordering::SeqCst);
                        }
                        Ok((status, v)) => panic!("queue.issue answered {status}: {v}"),
                        Err(_) => return, // the hub is gone
                    }
                }
            })
        })
        .collect();
    let started = Instant::now();
    while count.load(Ordering::SeqCst) < 120 {
        assert!(started.elapsed() < Duration::from_secs(120), "only {} tickets in two minutes", count.load(Ordering::SeqCst));
        std::thread::sleep(Duration::from_millis(2));
    }
    hub.kill9();
    for k in kiosks {
        k.join().unwrap();
    }
    let answered = answered.lock().unwrap().clone();
    assert!(answered.len() >= 120);

    // Started again on the same folder; one more ticket per service continues the numbering.
    let hub = Hub::start(dir.path());
    let mut after = HashMap::new();
    for p in &prefixes {
        let v = call(&hub.url, None, "queue.issue", json!({"service_prefix": p}));
        after.insert(p.clone(), v["ticket"]["id"].as_str().unwrap().to_string());
    }
    drop(hub);

    let conn = db(dir.path());
    let mut stored: HashMap<String, (String, String, i64, String)> = HashMap::new(); // id → (prefix, day, seq, number)
    let mut stmt = conn
        .prepare("SELECT t.id, s.prefix, t.day, t.seq, t.number FROM ticket t JOIN service s ON s.id = t.issued_service_id")
        .unwrap();
    for row in stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, (r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))).unwrap() {
        let (id, v) = row.unwrap();
        stored.insert(id, v);
    }
    for (prefix, id, number) in &answered {
        let (p, _, _, n) = stored.get(id).unwrap_or_else(|| panic!("ticket {number} ({id}) was answered 200 but is gone after the crash"));
        assert_eq!((p, n), (prefix, number), "ticket {id}");
    }
    let mut per_service: BTreeMap<(String, String), Vec<(i64, String)>> = BTreeMap::new();
    for (prefix, day, seq, number) in stored.values() {
        per_service.entry((prefix.clone(), day.clone())).or_default().push((*seq, number.clone()));
    }
    for ((prefix, day), mut seqs) in per_service {
        seqs.sort();
        for (i, (seq, number)) in seqs.iter().enumerate() {
            assert_eq!(*seq, i as i64 + 1, "service {prefix} on {day}: numbers {seqs:?}");
            assert_eq!(number, &format!("{prefix}-{:03}", i + 1), "service {prefix} on {day}");
        }
        let last: i64 = conn
            .query_row("SELECT q.last_seq FROM ticket_sequence q JOIN service s ON s.id = q.service_id WHERE s.prefix = ?1 AND q.day = ?2",
                [&prefix, &day], |r| r.get(0))
            .unwrap();
        assert_eq!(last, seqs.len() as i64, "service {prefix} on {day}: the counter and the tickets agree");
    }
    for (prefix, id) in &after {
        let (_, _, seq, _) = &stored[id];
        let highest = stored.values().filter(|(p, d, _, _)| p == prefix && *d == stored[id].1).map(|v| v.2).max().unwrap();
        assert_eq!(*seq, highest, "the first ticket after the restart continues service {prefix}");
    }
    drop(stmt);
    drop(conn);
    assert_file_healthy(dir.path());
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

const PARTS: [&str; 12] = ["right_thumb", "right_index", "right_middle", "right_ring", "right_little", "left_thumb", "left_index",
    "left_middle", "left_ring", "left_little", "iris_right", "iris_left"];

/// Applicant `k` (NIK 610109170805000k+1) with complete documents and a recording that has every
/// part, ready for `recording.finish`; returns the recording id.
fn ready_recording(url: &str, dir: &Path, officer: &str, operator: &str, k: usize, photo: &str, signature: &str) -> String {
    let nik = format!("61010917080500{:02}", k + 1);
    call(url, Some(officer), "intake.save_applicant", json!({
        "nik": nik, "kk_number": "6101090101050003", "full_name": format!("Pemohon Uji {}", ["Satu", "Dua", "Tiga", "Empat", "Lima", "Enam", "Tujuh", "Delapan", "Sembilan"][k]), "sex": "L",
        "birth_place": "Sambas", "birth_date": "2005-08-17", "blood_type": "O", "religion": "ISLAM",
        "marital_status": "BELUM KAWIN", "occupation": "PELAJAR/MAHASISWA", "education": "SLTA/SEDERAJAT",
        "citizenship": "WNI", "address": "Jl. Merdeka No. 1", "rt": "1", "rw": "2",
        "village_code": "61.01.09.2002", "mobile": "081234567890"}));
    let app = call(url, Some(officer), "intake.open_application", json!({"nik": nik, "kind": "new"}));
    let id = app["id"].as_str().unwrap();
    let list = call(url, Some(officer), "intake.checklist", json!({"application_id": id}));
    for item in list["items"].as_array().unwrap() {
        call(url, Some(officer), "intake.check_requirement", json!({"application_id": id, "requirement_id": item["requirement_id"], "status": "present"}));
    }
    call(url, Some(officer), "intake.complete_checks", json!({"application_id": id}));
    let rec = call(url, Some(operator), "recording.start", json!({"application_id": id}));
    let rid = rec["id"].as_str().unwrap().to_string();
    call(url, Some(operator), "recording.photo", json!({"recording_id": rid, "image_base64": photo}));
    call(url, Some(operator), "recording.signature", json!({"recording_id": rid, "image_base64": signature}));
    let scanner = dir.join("scanner");
    std::fs::create_dir_all(&scanner).unwrap();
    for stem in PARTS {
        let (w, h) = if stem.starts_with("iris") { (400, 300) } else { (300, 300) };
        std::fs::write(scanner.join(format!("{stem}.png")), common::ridges_png(w, h)).unwrap();
    }
    let v = call(url, Some(operator), "recording.import_biometrics", json!({"recording_id": rid}));
    assert!(v["missing"].as_array().unwrap().is_empty(), "{}", v["missing"]);
    rid
}

/// Each recording as stored: (status, receipt number, outbox rows of kind `recording`, application status).
fn recordings(dir: &Path, ids: &[String]) -> Vec<(String, Option<String>, i64, String)> {
    let conn = db(dir);
    ids.iter()
        .map(|id| {
            conn.query_row(
                "SELECT r.status, r.receipt_number,
                        (SELECT COUNT(*) FROM outbox o WHERE o.kind = 'recording' AND o.record_id = r.id), a.status
                 FROM recording r JOIN application a ON a.id = r.application_id WHERE r.id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .unwrap()
        })
        .collect()
}

#[test]
fn recordings_finished_around_a_sigkill_are_whole_or_not_started() {
    let dir = tempfile::tempdir().unwrap();
    let (mut hub, admin) = office(dir.path());
    let officer = staff(&hub.url, &admin, "budi", &["counter_officer"]);
    let operator = staff(&hub.url, &admin, "rina", &["recording_operator"]);
    let (photo, signature) = (b64(&common::portrait_jpeg()), b64(&common::signature_png()));
    const N: usize = 9;
    let ids: Vec<String> = (0..N).map(|k| ready_recording(&hub.url, dir.path(), &officer, &operator, k, &photo, &signature)).collect();

    // Three rounds: every unfinished recording is finished at once from its own desk and the hub
    // is killed once the first one or two desks have their answer.
    let mut told: HashMap<String, String> = HashMap::new(); // recording → receipt a desk was shown
    for round in 0..3 {
        let pending: Vec<String> = ids.iter().filter(|id| !told.contains_key(*id)).cloned().collect();
        let first = Arc::new(AtomicUsize::new(0));
        let desks: Vec<_> = pending
            .iter()
            .map(|id| {
                let (url, id, token, first) = (hub.url.clone(), id.clone(), operator.clone(), first.clone());
                std::thread::spawn(move || {
                    let r = post(&client(), &url, Some(&token), "recording.finish", &json!({"recording_id": id}));
                    match r {
                        Ok((200, v)) => {
                            first.fetch_add(1, Ordering::SeqCst);
                            Some((id, v["receipt_number"].as_str().unwrap().to_string()))
                        }
                        Ok((status, v)) => panic!("recording.finish answered {status}: {v}"),
                        Err(_) => None,
                    }
                })
            })
            .collect();
        // Killed as soon as the first desks were answered: the others are then on the wire, in
        // the writer's queue or in its transaction.
        let t = Instant::now();
        while first.load(Ordering::SeqCst) < [1, 2, 1][round] && t.elapsed() < Duration::from_secs(30) {
            std::thread::yield_now();
        }
        hub.kill9();
        for d in desks {
            if let Some((id, receipt)) = d.join().unwrap() {
                told.insert(id, receipt);
            }
        }
        // Never half: finished with its receipt and its one outbox row, or still in progress with neither.
        for (id, (status, receipt, outbox, app_status)) in ids.iter().zip(recordings(dir.path(), &ids)) {
            match status.as_str() {
                "bio_captured" => {
                    assert!(receipt.is_some() && outbox == 1 && app_status == "recorded", "round {round}, {id}: {status} {receipt:?} outbox {outbox} {app_status}");
                }
                "in_progress" => {
                    assert!(receipt.is_none() && outbox == 0 && app_status == "ready_to_record", "round {round}, {id}: {status} {receipt:?} outbox {outbox} {app_status}");
                    assert!(!told.contains_key(id), "round {round}: {id} was answered 200 but is not finished");
                }
                other => panic!("round {round}, {id}: status {other}"),
            }
            if let Some(r) = told.get(id) {
                assert_eq!(receipt.as_ref(), Some(r), "the receipt a desk was shown is the stored one");
            }
        }
        let finished = recordings(dir.path(), &ids).iter().filter(|r| r.0 == "bio_captured").count();
        eprintln!("round {round}: {} sent, {} answered, {finished} of {N} finished after the kill", pending.len(), told.len());
        assert_file_healthy(dir.path());
        hub = Hub::start(dir.path());
        for (id, (status, receipt, _, _)) in ids.iter().zip(recordings(dir.path(), &ids)) {
            if status == "bio_captured" {
                told.insert(id.clone(), receipt.unwrap());
            }
        }
    }

    // Whatever is left finishes after the last restart; the receipts are one contiguous series.
    for id in &ids {
        let v = call(&hub.url, Some(&operator), "recording.finish", json!({"recording_id": id}));
        if let Some(r) = told.get(id) {
            assert_eq!(v["receipt_number"].as_str(), Some(r.as_str()));
        }
    }
    drop(hub);
    let mut receipts: Vec<String> = recordings(dir.path(), &ids).into_iter().map(|(s, r, o, _)| {
        assert_eq!((s.as_str(), o), ("bio_captured", 1));
        r.unwrap()
    }).collect();
    receipts.sort();
    let days: std::collections::BTreeSet<&str> = receipts.iter().map(|r| &r[..r.len() - 5]).collect();
    if days.len() == 1 {
        let seqs: Vec<u32> = receipts.iter().map(|r| r[r.len() - 4..].parse().unwrap()).collect();
        assert_eq!(seqs, (1..=N as u32).collect::<Vec<_>>(), "receipts {receipts:?}");
    }
    assert_file_healthy(dir.path());
}
