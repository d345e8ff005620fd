//! What encrypting the office database (SQLCipher) costs the two writes an office waits on most:
//! a kiosk ticket (`queue.issue`) and a recording's finish (`recording.finish`: the receipt, the
//! outbox row with the photo and biometrics, the audit row). The same service on an encrypted
//! store and on a plain one (`Store::open_dir_unencrypted_for_benchmark`), in the same run, the two
//! taking turns so a noisy neighbour hits both alike. Goal: encrypted at most 15% slower.
//!
//! `cargo bench --workspace --features loket-desktop/custom-protocol --bench encryption`

#[path = "../tests/common/media.rs"]
mod media;
mod common;

use base64::Engine;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::{Duration, Instant};

const PASSWORD: &str = "rahasia-admin-1";
const TICKETS: usize = 400;
const RECORDINGS: usize = 40;
const PARTS: [&str; 12] = ["right_thumb", "right_index", "right_middle", "right_ring", "right_little", "left_thumb", "left_index",
    "left_middle", "left_ring", "left_little", "iris_right", "iris_left"];

struct Office {
    dir: tempfile::TempDir,
    app: Arc<loket::App>,
    officer: String,
    operator: String,
}

fn call(app: &loket::App, token: Option<&str>, name: &str, body: Value) -> Value {
    app.call(token, name, body).unwrap_or_else(|e| panic!("{name}: {}", e.message))
}

fn staff(app: &loket::App, admin: &str, username: &str, roles: &[&str]) -> String {
    call(app, Some(admin), "staff.create", json!({"username": username, "full_name": username, "roles": roles, "initial_password": "sementara-123"}));
    let t = call(app, None, "auth.login", json!({"username": username, "password": "sementara-123"}))["token"].as_str().unwrap().to_string();
    call(app, Some(&t), "auth.change_password", json!({"current_password": "sementara-123", "new_password": "sandi-baru-123"}));
    t
}

fn office(encrypted: bool) -> Office {
    let dir = tempfile::tempdir().unwrap();
    let app = if encrypted { loket::App::open(dir.path()) } else { loket::App::open_unencrypted_for_benchmark(dir.path()) }.unwrap();
    call(&app, None, "setup.initialise", json!({"district_code": "61.01.09", "office_name": "Kantor Bench", "admin_username": "admin",
        "admin_full_name": "Admin", "admin_password": PASSWORD}));
    let admin = call(&app, None, "auth.login", json!({"username": "admin", "password": PASSWORD}))["token"].as_str().unwrap().to_string();
    call(&app, Some(&admin), "settings.update", json!({"idle_timeout_minutes": 240, "lan_access": false}));
    let services = call(&app, Some(&admin), "queue.service_list", json!({}));
    for mut s in services["items"].as_array().unwrap().iter().cloned() {
        s["daily_quota"] = json!(999);
        s["active_days"] = json!("1234567");
        call(&app, Some(&admin), "queue.service_save", s);
    }
    let officer = staff(&app, &admin, "budi", &["counter_officer"]);
    let operator = staff(&app, &admin, "rina", &["recording_operator"]);
    Office { dir, app, officer, operator }
}

/// Applicant `k` through intake and every part of the recording, ready for `recording.finish`.
fn ready_recording(o: &Office, k: usize, photo: &str, signature: &str) -> String {
    let nik = format!("6101091708050{:03}", k + 1);
    let (app, officer, operator) = (&o.app, Some(o.officer.as_str()), Some(o.operator.as_str()));
    call(app, officer, "intake.save_applicant", json!({
        "nik": nik, "kk_number": "6101090101050003", "full_name": format!("Pemohon Bench {}{}", (b'A' + (k / 26) as u8) as char, (b'A' + (k % 26) as u8) as char), "sex": "L",
        "birth_place": "Sambas", "birth_date": "2005-08-17", "blood_type": "O", "religion": "ISLAM",
        "marital_status": "BELUM KAWIN", "occupation": "PELAJAR/MAHASISWA", "education": "SLTA/SEDERAJAT",
        "citizenship": "WNI", "address": "Jl. Merdeka No. 1", "rt": "1", "rw": "2",
        "village_code": "61.01.09.2002", "mobile": "081234567890"}));
    let application = call(app, officer, "intake.open_application", json!({"nik": nik, "kind": "new"}));
    let id = application["id"].as_str().unwrap();
    for item in call(app, officer, "intake.checklist", json!({"application_id": id}))["items"].as_array().unwrap() {
        call(app, officer, "intake.check_requirement", json!({"application_id": id, "requirement_id": item["requirement_id"], "status": "present"}));
    }
    call(app, officer, "intake.complete_checks", json!({"application_id": id}));
    let rid = call(app, operator, "recording.start", json!({"application_id": id}))["id"].as_str().unwrap().to_string();
    call(app, operator, "recording.photo", json!({"recording_id": rid, "image_base64": photo}));
    call(app, operator, "recording.signature", json!({"recording_id": rid, "image_base64": signature}));
    // The scanner software's files for this applicant (the import takes them from the folder).
    let scanner = o.dir.path().join("scanner");
    std::fs::create_dir_all(&scanner).unwrap();
    for stem in PARTS {
        let (w, h) = if stem.starts_with("iris") { (400, 300) } else { (300, 300) };
        std::fs::write(scanner.join(format!("{stem}.png")), media::ridges_png(w, h)).unwrap();
    }
    call(app, operator, "recording.import_biometrics", json!({"recording_id": rid}));
    rid
}

fn sorted(mut v: Vec<Duration>) -> Vec<Duration> {
    v.sort();
    v
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn p(v: &[Duration], q: f64) -> Duration {
    v[((v.len() as f64 * q).ceil() as usize).saturating_sub(1).min(v.len() - 1)]
}

fn main() {
    // `cargo bench` passes --bench; anything else (cargo test's listing) runs nothing.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let offices = [office(false), office(true)];
    assert!(loket::store::is_plain_file(offices[0].app.store.path()) || !offices[0].app.store.path().exists());
    let b64 = |bytes: Vec<u8>| base64::engine::general_purpose::STANDARD.encode(bytes);
    let (photo, signature) = (b64(media::portrait_jpeg()), b64(media::signature_png()));

    // Tickets: the two stores take turns, one ticket each.
    let mut tickets: [Vec<Duration>; 2] = [Vec::new(), Vec::new()];
    for i in 0..TICKETS + 20 {
        for (n, o) in offices.iter().enumerate() {
            let t = Instant::now();
            let prefix = ["A", "B", "C", "D"][i % 4];
            call(&o.app, None, "queue.issue", json!({"service_prefix": prefix}));
            if i >= 20 {
                tickets[n].push(t.elapsed());
            }
        }
    }
    // Recordings, as at the desk: the photo, signature and scans taken (not timed), then finished
    // (timed); the two stores in turns.
    let mut finishes: [Vec<Duration>; 2] = [Vec::new(), Vec::new()];
    for k in 0..RECORDINGS + 3 {
        for (n, o) in offices.iter().enumerate() {
            let id = ready_recording(o, k, &photo, &signature);
            let t = Instant::now();
            let v = call(&o.app, Some(&o.operator), "recording.finish", json!({"recording_id": id}));
            assert!(v["receipt_number"].is_string() || v["receipt"].is_object() || v.is_object(), "{v}");
            if k >= 3 {
                finishes[n].push(t.elapsed());
            }
        }
    }
    let db_bytes = |o: &Office| {
        let path = o.app.store.path();
        std::fs::metadata(path).map(|m| m.len()).unwrap_or(0) + std::fs::metadata(format!("{}-wal", path.display())).map(|m| m.len()).unwrap_or(0)
    };
    println!("machine: {} cores, {}", std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0), common::cpu_model());
    println!("| what | store | median ms | p95 ms | encrypted / plain (median) |");
    println!("|---|---|---|---|---|");
    for (what, runs) in [("queue.issue", &tickets), ("recording.finish", &finishes)] {
        let (plain, enc) = (sorted(runs[0].clone()), sorted(runs[1].clone()));
        let ratio = ms(p(&enc, 0.5)) / ms(p(&plain, 0.5));
        println!("| {what} ({} runs) | plain | {:.2} | {:.2} | |", plain.len(), ms(p(&plain, 0.5)), ms(p(&plain, 0.95)));
        println!("| {what} ({} runs) | SQLCipher | {:.2} | {:.2} | {:.3} ({:+.1}%) |", enc.len(), ms(p(&enc, 0.5)), ms(p(&enc, 0.95)), ratio, (ratio - 1.0) * 100.0);
    }
    println!("database + WAL after the run: plain {} KB, SQLCipher {} KB", db_bytes(&offices[0]) / 1024, db_bytes(&offices[1]) / 1024);
}
