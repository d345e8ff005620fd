//! The complaints register on a real SQLite file: a complaint's whole life with its audit, history
//! and outbox rows; every refusal with its field and nothing written; deadlines counted in working
//! days over a weekend and an office holiday; the overdue flag; the tracking slip over HTTP read
//! back with pdftotext and its QR with zbarimg; the kiosk's public status without personal data;
//! the holiday calendar kept by managers only.

mod common;

use chrono::Duration;
use loket::error::ErrorCode;
use serde_json::{json, Value};

const NIK: &str = "6101091708050001";

struct Desk {
    o: common::Office,
}

fn desk() -> Desk {
    let o = common::office();
    o.long_sessions();
    o.staff_with("kasih", &["counter_officer"]);
    o.staff_with("sari", &["supervisor"]);
    o.staff_with("budi", &["counter_officer"]);
    Desk { o }
}

impl Desk {
    /// Fresh sessions, so the clock may move on by days: the counter officer, the supervisor and
    /// the counter officer who follows complaints up.
    fn kasih(&self) -> String {
        self.o.login("kasih", "sandi-baru-123")
    }

    fn sari(&self) -> String {
        self.o.login("sari", "sandi-baru-123")
    }

    fn budi(&self) -> String {
        self.o.login("budi", "sandi-baru-123")
    }

    fn count(&self, sql: &str) -> i64 {
        let sql = sql.to_string();
        self.o.app.store.read(move |c| Ok(c.query_row(&sql, [], |r| r.get(0))?)).unwrap()
    }

    fn create(&self, token: &str, extra: Value) -> loket::Result<Value> {
        let mut req = json!({"channel": "langsung", "category": "pelayanan_lambat",
                             "text": "Antrean perekaman sangat lama, sudah tiga jam menunggu."});
        req.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        self.o.call(token, "complaints.create", req)
    }

    fn staff_id(&self, username: &str) -> String {
        let u = username.to_string();
        self.o.app.store.read(move |c| Ok(c.query_row("SELECT id FROM staff WHERE username = ?1", [&u], |r| r.get(0))?)).unwrap()
    }

    fn step(&self, token: &str, id: &str, state: &str, extra: Value) -> loket::Result<Value> {
        let mut req = json!({"complaint_id": id, "state": state});
        req.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        self.o.call(token, "complaints.transition", req)
    }
}

fn refused(r: loket::Result<Value>, code: ErrorCode, field: &str, words: &str) {
    let e = r.unwrap_err();
    assert_eq!((e.code, e.field.as_deref()), (code, Some(field)), "{e:?}");
    assert!(e.message.contains(words), "{field}: {}", e.message);
}

#[test]
fn a_complaint_lives_from_received_to_closed_with_its_history_audit_and_outbox_rows() {
    let d = desk();
    let c = d
        .create(&d.kasih(), json!({"channel": "whatsapp", "nik": NIK, "ticket_number": "a-007", "contact_name": "Ibu Rahma",
                                 "contact_phone": "0812 3456 7890", "application_number": "PMH-20261123-0001"}))
        .unwrap();
    let id = c["id"].as_str().unwrap().to_string();
    let number = c["number"].as_str().unwrap().to_string();
    assert_eq!(number, "ADU-610109-20261123-0001");
    assert_eq!((c["state"].as_str(), c["level"].as_str()), (Some("diterima"), Some("supervisor")));
    assert_eq!(c["ticket_number"], "A-007");
    // Monday + 5 working days: the next Monday.
    assert_eq!((c["received_on"].as_str(), c["deadline"].as_str()), (Some("2026-11-23"), Some("2026-11-30")));
    assert_eq!((c["overdue"].as_bool(), c["working_days_left"].as_i64()), (Some(false), Some(5)));
    assert_eq!(c["allowed"], json!(["diverifikasi", "ditolak"]));
    // The day's numbers follow on.
    let second = d.create(&d.sari(), json!({"channel": "kotak_saran", "category": "sikap_petugas"})).unwrap();
    assert_eq!(second["number"], "ADU-610109-20261123-0002");

    d.step(&d.sari(), &id, "diverifikasi", json!({})).unwrap();
    let budi = d.staff_id("budi");
    let assigned = d.step(&d.sari(), &id, "ditindaklanjuti", json!({"assignee_id": budi})).unwrap();
    assert_eq!(assigned["complaint"]["assignee_name"], "Pegawai budi");
    let up = d.o.call(&d.sari(), "complaints.escalate", json!({"complaint_id": id, "note": "Perlu keputusan sekretaris dinas"})).unwrap();
    assert_eq!((up["complaint"]["level"].as_str(), up["complaint"]["state"].as_str()), (Some("sekretaris"), Some("ditindaklanjuti")));
    // The one assigned records the answer (a counter officer otherwise may not).
    refused(d.step(&d.kasih(), &id, "selesai", json!({"answer": "Antrean dipecah menjadi dua loket."})), ErrorCode::Forbidden, "state", "ditugaskan");
    d.step(&d.budi(), &id, "selesai", json!({"answer": "Loket perekaman kedua dibuka mulai besok pagi."})).unwrap();
    let closed = d.step(&d.sari(), &id, "ditutup", json!({})).unwrap();
    let done = &closed["complaint"];
    assert_eq!((done["state"].as_str(), done["overdue"].as_bool()), (Some("ditutup"), Some(false)));
    assert_eq!(done["answer"], "Loket perekaman kedua dibuka mulai besok pagi.");
    assert_eq!(done["allowed"], json!([]));
    assert_eq!(done["can_escalate"], false);

    let got = d.o.call(&d.kasih(), "complaints.get", json!({"complaint_id": id})).unwrap();
    let events: Vec<&str> = got["history"].as_array().unwrap().iter().map(|h| h["event"].as_str().unwrap()).collect();
    assert_eq!(events, ["received", "verified", "assigned", "escalated", "answered", "closed"]);
    assert_eq!(got["history"][2]["note"], "Ditugaskan kepada Pegawai budi");
    assert_eq!(got["history"][3]["label"], "Dieskalasi ke Sekretaris Dinas");
    assert_eq!(got["history"][4]["staff_name"], "Pegawai budi");

    let subject = format!("SELECT COUNT(*) FROM audit_log WHERE subject = '{number}'");
    assert_eq!(d.count(&subject), 6);
    for action in ["complaint_received", "complaint_verified", "complaint_assigned", "complaint_escalated", "complaint_answered", "complaint_closed"] {
        assert_eq!(d.count(&format!("{subject} AND action = '{action}'")), 1, "{action}");
    }
    assert_eq!(d.count(&format!("SELECT COUNT(*) FROM complaint_event e JOIN complaint c ON c.id = e.complaint_id WHERE c.number = '{number}'")), 6);
    let outbox = format!("SELECT COUNT(*) FROM outbox WHERE kind = 'complaint_event' AND json_extract(payload, '$.number') = '{number}'");
    assert_eq!(d.count(&outbox), 6);
    // What goes to central: the steps and dates, never the text, contact or answer.
    assert_eq!(d.count(&format!("{outbox} AND json_extract(payload, '$.deadline') = '2026-11-30' AND json_extract(payload, '$.channel') = 'whatsapp'")), 6);
    assert_eq!(d.count(&format!("{outbox} AND json_extract(payload, '$.event') = 'escalated' AND json_extract(payload, '$.level') = 'sekretaris'
                                 AND json_extract(payload, '$.note') = 'Perlu keputusan sekretaris dinas'")), 1);
    assert_eq!(d.count("SELECT COUNT(*) FROM outbox WHERE payload LIKE '%Rahma%' OR payload LIKE '%0812%' OR payload LIKE '%Loket perekaman kedua%'
                        OR payload LIKE '%tiga jam%' OR payload LIKE '%6101091708050001%'"), 0);

    // The register: by state, by search.
    let list = |req: Value| d.o.call(&d.kasih(), "complaints.list", req).unwrap();
    assert_eq!(list(json!({}))["counts"], json!({"open": 1, "overdue": 0, "total": 2}));
    assert_eq!(list(json!({"state": "ditutup"}))["items"][0]["number"], number);
    assert_eq!(list(json!({"query": NIK}))["items"].as_array().unwrap().len(), 1);
    assert_eq!(list(json!({"query": "0002"}))["items"][0]["number"], "ADU-610109-20261123-0002");
}

#[test]
fn every_refusal_names_its_field_and_writes_nothing() {
    let d = desk();
    let before = (d.count("SELECT COUNT(*) FROM complaint"), d.count("SELECT COUNT(*) FROM outbox"), d.count("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'complaint%'"));
    refused(d.create(&d.kasih(), json!({"text": ""})), ErrorCode::Validation, "text", "Isi pengaduan wajib diisi");
    refused(d.create(&d.kasih(), json!({"text": "pendek"})), ErrorCode::Validation, "text", "10 sampai 2000");
    refused(d.create(&d.kasih(), json!({"text": "x".repeat(2001)})), ErrorCode::Validation, "text", "10 sampai 2000");
    refused(d.create(&d.kasih(), json!({"channel": ""})), ErrorCode::Validation, "channel", "saluran");
    refused(d.create(&d.kasih(), json!({"channel": "surat_kabar"})), ErrorCode::Validation, "channel", "saluran");
    refused(d.create(&d.kasih(), json!({"category": "cuaca"})), ErrorCode::Validation, "category", "kategori");
    refused(d.create(&d.kasih(), json!({"nik": "61010917"})), ErrorCode::Validation, "nik", "16 angka");
    refused(d.create(&d.kasih(), json!({"nik": "9999991708050001"})), ErrorCode::Validation, "nik", "kode kecamatan");
    refused(d.create(&d.kasih(), json!({"contact_phone": "telp saya"})), ErrorCode::Validation, "contact_phone", "Nomor telepon");
    let print_operator = d.o.staff_with("pono", &["print_operator"]);
    assert_eq!(d.create(&print_operator, json!({})).unwrap_err().code, ErrorCode::Forbidden);
    assert_eq!(before, (d.count("SELECT COUNT(*) FROM complaint"), d.count("SELECT COUNT(*) FROM outbox"), d.count("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'complaint%'")));

    let c = d.create(&d.kasih(), json!({})).unwrap();
    let id = c["id"].as_str().unwrap().to_string();
    let written = || (d.count("SELECT COUNT(*) FROM complaint_event"), d.count("SELECT COUNT(*) FROM outbox"), d.count("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'complaint%'"));
    let after_create = written();
    // Out of order, by a non-manager, or without what the step needs.
    refused(d.step(&d.sari(), &id, "selesai", json!({"answer": "Sudah dijawab lewat telepon."})), ErrorCode::Conflict, "state", "hanya boleh ke: diverifikasi atau ditolak");
    refused(d.step(&d.sari(), &id, "ditutup", json!({})), ErrorCode::Conflict, "state", "diverifikasi atau ditolak");
    refused(d.step(&d.kasih(), &id, "diverifikasi", json!({})), ErrorCode::Forbidden, "state", "supervisor atau administrator");
    refused(d.step(&d.sari(), &id, "ditolak", json!({})), ErrorCode::Validation, "reason", "Alasan penolakan");
    refused(d.step(&d.sari(), &id, "ditolak", json!({"reason": "  "})), ErrorCode::Validation, "reason", "Alasan penolakan");
    refused(d.o.call(&d.sari(), "complaints.escalate", json!({"complaint_id": id, "note": ""})), ErrorCode::Validation, "note", "Catatan eskalasi");
    assert_eq!(d.o.call(&d.kasih(), "complaints.escalate", json!({"complaint_id": id, "note": "tolong dibantu"})).unwrap_err().code, ErrorCode::Forbidden);
    d.step(&d.sari(), &id, "diverifikasi", json!({})).unwrap();
    refused(d.step(&d.sari(), &id, "ditindaklanjuti", json!({})), ErrorCode::Validation, "assignee_id", "Pilih petugas");
    refused(d.step(&d.sari(), &id, "ditindaklanjuti", json!({"assignee_id": "bukan-pegawai"})), ErrorCode::Validation, "assignee_id", "Pilih petugas");
    // A print operator cannot open the register, so cannot be the one to answer.
    refused(d.step(&d.sari(), &id, "ditindaklanjuti", json!({"assignee_id": d.staff_id("pono")})), ErrorCode::Validation, "assignee_id", "Pilih petugas");
    let people = d.o.call(&d.sari(), "complaints.assignees", json!({})).unwrap();
    let names: Vec<&str> = people["items"].as_array().unwrap().iter().map(|p| p["full_name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Admin Kantor", "Pegawai budi", "Pegawai kasih", "Pegawai sari"]);
    d.step(&d.sari(), &id, "ditindaklanjuti", json!({"assignee_id": d.staff_id("budi")})).unwrap();
    refused(d.step(&d.budi(), &id, "selesai", json!({})), ErrorCode::Validation, "answer", "Jawaban");
    refused(d.step(&d.budi(), &id, "selesai", json!({"answer": "ok"})), ErrorCode::Validation, "answer", "10 sampai 2000");
    refused(d.step(&d.sari(), &id, "ditolak", json!({"reason": "bukan wewenang"})), ErrorCode::Conflict, "state", "hanya boleh ke: selesai");
    let steps = after_create.0 + 2;
    assert_eq!(written(), (steps, after_create.1 + 2, after_create.2 + 2), "only the two steps taken were written");

    // Rejected with a reason: then nothing more, not even an escalation.
    let other = d.create(&d.kasih(), json!({"category": "lainnya"})).unwrap();
    let oid = other["id"].as_str().unwrap().to_string();
    let r = d.step(&d.sari(), &oid, "ditolak", json!({"reason": "bukan wewenang Dukcapil"})).unwrap();
    assert_eq!(r["complaint"]["reject_reason"], "bukan wewenang Dukcapil");
    refused(d.step(&d.sari(), &oid, "diverifikasi", json!({})), ErrorCode::Conflict, "state", "tidak dapat diubah lagi");
    refused(d.o.call(&d.sari(), "complaints.escalate", json!({"complaint_id": oid, "note": "coba lagi ke atas"})), ErrorCode::Conflict, "state", "dieskalasi");
    let e = d.o.call(&d.sari(), "complaints.get", json!({"complaint_id": "tidak-ada"})).unwrap_err();
    assert_eq!((e.code, e.field.as_deref()), (ErrorCode::NotFound, Some("complaint_id")));

    // Up to the head of the service and no further.
    for _ in 0..3 {
        d.o.call(&d.sari(), "complaints.escalate", json!({"complaint_id": id, "note": "belum ada tanggapan"})).unwrap();
    }
    refused(d.o.call(&d.sari(), "complaints.escalate", json!({"complaint_id": id, "note": "belum ada tanggapan"})), ErrorCode::Conflict, "level", "Kepala Dinas");

    // Settings: managers only, 1–60.
    assert_eq!(d.o.call(&d.kasih(), "complaints.settings_get", json!({})).unwrap()["deadline_working_days"], 5);
    assert_eq!(d.o.call(&d.kasih(), "complaints.settings_save", json!({"deadline_working_days": 3})).unwrap_err().code, ErrorCode::Forbidden);
    refused(d.o.call(&d.sari(), "complaints.settings_save", json!({"deadline_working_days": 0})), ErrorCode::Validation, "deadline_working_days", "1 sampai 60");
}

#[test]
fn the_deadline_counts_working_days_past_a_weekend_and_a_holiday_and_overdue_follows_the_clock() {
    let d = desk();
    // Managers keep the calendar; the counter may read it.
    let holiday = json!({"date": "2026-12-01", "kind": "libur_kantor", "name": "Hari jadi kabupaten"});
    assert_eq!(d.o.call(&d.kasih(), "calendar.save", holiday.clone()).unwrap_err().code, ErrorCode::Forbidden);
    refused(d.o.call(&d.sari(), "calendar.save", json!({"date": "1/12/2026", "kind": "libur_kantor", "name": "x"})), ErrorCode::Validation, "date", "TTTT-BB-HH");
    refused(d.o.call(&d.sari(), "calendar.save", json!({"date": "2026-12-01", "kind": "libur_kantor", "name": " "})), ErrorCode::Validation, "name", "Nama hari libur");
    d.o.call(&d.sari(), "calendar.save", holiday).unwrap();
    d.o.call(&d.sari(), "calendar.save", json!({"date": "2026-12-25", "kind": "libur_nasional", "name": "Hari Raya Natal"})).unwrap();
    let cal = d.o.call(&d.kasih(), "calendar.list", json!({"year": 2026})).unwrap();
    assert_eq!(cal["items"].as_array().unwrap().len(), 2, "{cal}");
    assert_eq!(cal["items"][0]["kind"], "libur_kantor");
    assert_eq!(d.count("SELECT COUNT(*) FROM audit_log WHERE action = 'holiday_saved'"), 2);

    // Friday 27 November: Mon 30, (Tue 1 December off), Wed 2, Thu 3, Fri 4, Mon 7.
    d.o.clock.advance(Duration::days(4));
    let c = d.create(&d.kasih(), json!({})).unwrap();
    assert_eq!((c["received_on"].as_str(), c["deadline"].as_str()), (Some("2026-11-27"), Some("2026-12-07")));
    assert_eq!(c["number"], "ADU-610109-20261127-0001");
    let id = c["id"].as_str().unwrap().to_string();
    // A second one answered in time: never overdue.
    let quick = d.create(&d.kasih(), json!({"category": "data_salah"})).unwrap();
    let qid = quick["id"].as_str().unwrap().to_string();
    d.step(&d.sari(), &qid, "diverifikasi", json!({})).unwrap();
    d.step(&d.sari(), &qid, "ditindaklanjuti", json!({"assignee_id": d.staff_id("budi")})).unwrap();
    d.step(&d.budi(), &qid, "selesai", json!({"answer": "Data sudah dibetulkan di SIAK."})).unwrap();

    // Removing a holiday changes no deadline already set, but counts for new ones.
    d.o.call(&d.sari(), "calendar.remove", json!({"date": "2026-12-25"})).unwrap();
    refused(d.o.call(&d.sari(), "calendar.remove", json!({"date": "2026-12-25"})), ErrorCode::NotFound, "date", "tidak ada");

    // The setting: three working days for complaints received from now on.
    d.o.call(&d.sari(), "complaints.settings_save", json!({"deadline_working_days": 3})).unwrap();
    d.o.clock.advance(Duration::days(1)); // Saturday 28 November
    let weekend = d.create(&d.kasih(), json!({"channel": "email"})).unwrap();
    // Mon 30, (Tue 1 off), Wed 2, Thu 3.
    assert_eq!(weekend["deadline"], "2026-12-03");

    let get = |id: &str| d.o.call(&d.kasih(), "complaints.get", json!({"complaint_id": id})).unwrap()["complaint"].clone();
    // On the deadline day itself: not yet overdue.
    d.o.clock.advance(Duration::days(9)); // Monday 7 December
    assert_eq!((get(&id)["overdue"].as_bool(), get(&id)["working_days_left"].as_i64()), (Some(false), Some(0)));
    assert_eq!(get(&weekend["id"].as_str().unwrap())["overdue"], true);
    d.o.clock.advance(Duration::days(1)); // Tuesday 8 December
    let late = get(&id);
    assert_eq!((late["overdue"].as_bool(), late["working_days_left"].as_i64()), (Some(true), Some(-1)));
    assert_eq!(get(&qid)["overdue"], false, "answered in time");
    let overdue = d.o.call(&d.kasih(), "complaints.list", json!({"overdue": true})).unwrap();
    let numbers: Vec<&str> = overdue["items"].as_array().unwrap().iter().map(|i| i["number"].as_str().unwrap()).collect();
    assert_eq!(numbers, ["ADU-610109-20261128-0001", "ADU-610109-20261127-0001"]);
    assert_eq!(overdue["counts"], json!({"open": 2, "overdue": 2, "total": 3}));
}

#[test]
fn the_slip_over_http_carries_the_number_and_its_qr_and_the_kiosk_sees_no_personal_data() {
    let d = desk();
    let c = d
        .create(&d.kasih(), json!({"nik": NIK, "contact_name": "Ibu Rahma", "contact_phone": "081234567890", "category": "biaya_pungli",
                                 "text": "Diminta uang lima puluh ribu oleh orang di parkiran agar cepat."}))
        .unwrap();
    let (id, number) = (c["id"].as_str().unwrap().to_string(), c["number"].as_str().unwrap().to_string());
    let hub = common::hub(d.o.app.clone());
    let dir = tempfile::tempdir().unwrap();
    let get = |query: &str, token: Option<&str>| {
        let mut r = common::http().get(format!("{}/api/v1/files/complaints.slip?{query}", hub.url));
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        r.send().unwrap()
    };
    assert_eq!(get(&format!("complaint_id={id}"), None).status(), 401);
    let r = get(&format!("complaint_id={id}&paper=a5"), Some(&d.kasih()));
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    let pdf = dir.path().join("adu.pdf");
    std::fs::write(&pdf, r.bytes().unwrap()).unwrap();
    let text = String::from_utf8(std::process::Command::new("pdftotext").arg(&pdf).arg("-").output().unwrap().stdout).unwrap();
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for words in ["TANDA TERIMA PENGADUAN", number.as_str(), "Biaya / pungutan liar", "Senin, 30 November 2026", "Cek status di kios dengan nomor ini", "Ibu Rahma"] {
        assert!(text.contains(words), "{words}: {text}");
    }
    let png = dir.path().join("adu");
    assert!(std::process::Command::new("pdftoppm").args(["-png", "-r", "150", "-singlefile"]).arg(&pdf).arg(&png).status().unwrap().success());
    let qr = std::process::Command::new("zbarimg").args(["-q", "--raw"]).arg(png.with_extension("png")).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&qr.stdout).trim(), number);
    for paper in ["80", "58"] {
        let r = get(&format!("complaint_id={id}&paper={paper}"), Some(&d.sari()));
        assert_eq!(r.status(), 200, "{paper}");
        assert!(r.bytes().unwrap().starts_with(b"%PDF"));
    }
    let r = get(&format!("complaint_id={id}&paper=a4"), Some(&d.kasih()));
    assert_eq!(r.status(), 422);

    // The kiosk: no login, state and deadline only, over HTTP (rate-limited like the other status).
    let status: Value = common::http()
        .post(format!("{}/api/v1/complaints.public_status", hub.url))
        .json(&json!({"number": number.to_lowercase()}))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!((status["state"].as_str(), status["deadline"].as_str()), (Some("diterima"), Some("2026-11-30")), "{status}");
    assert!(status["message"].as_str().unwrap().contains("Senin, 30 November 2026"), "{status}");
    let all = status.to_string();
    for private in [NIK, "Rahma", "081234567890", "lima puluh ribu", "Pegawai kasih"] {
        assert!(!all.contains(private), "{private} in {all}");
    }
    let mut keys: Vec<&String> = status.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(keys, ["deadline", "message", "number", "overdue", "received_on", "state", "state_label"]);
    let none = d.o.app.call(None, "complaints.public_status", json!({"number": "ADU-610109-20261123-0099"})).unwrap_err();
    assert_eq!((none.code, none.field.as_deref()), (ErrorCode::NotFound, Some("number")));
    let bad = d.o.app.call(None, "complaints.public_status", json!({"number": "PMH-20261123-0001"})).unwrap_err();
    assert_eq!((bad.code, bad.field.as_deref()), (ErrorCode::Validation, Some("number")));
}
