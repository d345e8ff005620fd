//! Hand-over (pengambilan) and Suket on a real SQLite file: where a card is, every refusal with its
//! field, a representative with a scanned power of attorney and a signature, the pickup receipt over
//! HTTP (pdftotext, zbarimg), an applicant collecting in person, the previous card superseded, the
//! uncollected list as the clock moves, and the kiosk's status; the Suket policy, its letter and
//! sealed QR (checked at the kiosk, forged and expired ones told apart), reprints, withdrawal, the
//! expiring and exchange lists, and the card superseding the letter.

mod common;

use base64::Engine;
use loket::printing::jobs::{self, ReprintReason, StartRequest};
use loket::printing::machine::{JobState, Step};
use loket::sync::wire::{Change, ChangeKind};
use loket::ErrorCode;
use serde_json::{json, Value};

const PASSWORD: &str = "sandi-baru-123";

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// A pen stroke on a transparent canvas, as the signature pad's canvas exports it.
fn signature() -> String {
    let img = image::ImageBuffer::from_fn(400, 150, |x, y| {
        let ink = (y as i64 - 75 - ((x as f64 / 15.0).cos() * 30.0) as i64).abs() < 3 && (40..360).contains(&x);
        image::Rgba([0u8, 0, 0, if ink { 255 } else { 0 }])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgba8(img).write_to(&mut out, image::ImageFormat::Png).unwrap();
    b64(&out.into_inner())
}

/// A scanned surat kuasa: a small PDF header is enough for the sniffing.
fn scan() -> String {
    b64(b"%PDF-1.4\n% surat kuasa\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n")
}

struct Counter {
    o: common::Office,
    printer_id: i64,
    recordings: Vec<String>,
}

/// An office with blanks and a printer, the counter officer `kasih`, and `people.len()` … `n`
/// finished recordings (the people repeat when `n` is larger), the first `prr` print-ready.
fn counter(people: &[(&str, &str)], n: usize, prr: usize) -> Counter {
    let o = common::office();
    o.long_sessions();
    let sup = o.staff_with("sari", &["supervisor"]);
    o.staff_with("pono", &["print_operator"]);
    o.staff_with("kasih", &["counter_officer"]);
    o.call(&sup, "stock.receive", json!({"report_number": "BA-7", "received_on": "2026-11-23", "blank_version": "V1",
        "serial_from": "KTP-0101", "serial_to": "KTP-0120"})).unwrap();
    let printer = o.call(&sup, "printing.printer_save", json!({"name": "Loket printer", "uri": "ipp://127.0.0.1:8631/ipp/print",
        "offset_x_mm": 0.0, "offset_y_mm": 0.0, "active": true})).unwrap();
    let persons: Vec<loket::sync::backlog::Person> = people
        .iter()
        .map(|(nik, name)| loket::sync::backlog::Person {
            nik: nik.to_string(),
            full_name: name.to_string(),
            sex: "L".into(),
            birth_place: "SAMBAS".into(),
            birth_date: "2005-08-17".into(),
        })
        .collect();
    loket::sync::backlog::seed(&o.app, &persons, n, 11).unwrap();
    let recordings: Vec<String> = o.app.store.read(|c| Ok(c.prepare("SELECT id FROM recording ORDER BY receipt_number")?
        .query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?)).unwrap();
    let verdicts: Vec<Change> = (0..prr)
        .map(|i| Change { cursor: i as i64 + 1, what: ChangeKind::RecordingStatus { recording_id: recordings[i].clone(), status: "PRINT_READY_RECORD".into(), reason: None } })
        .collect();
    let now = o.app.now();
    o.app.store.write(move |c| loket::sync::pull::apply(c, now, &verdicts)).unwrap();
    Counter { printer_id: printer["id"].as_i64().unwrap(), o, recordings }
}

impl Counter {
    /// The counter officer's token, logged in again (the clock may have jumped past the session).
    fn kasih(&self) -> String {
        self.o.login("kasih", PASSWORD)
    }

    /// Takes recording `i` through the print station to a job that is `done`, or `spoiled`.
    fn print(&self, i: usize, serial: &str, spoil: bool) -> Value {
        let operator = self.o.login("pono", PASSWORD);
        let caller = loket::auth::authenticate(&self.o.app, &operator, true).unwrap();
        let printed_before: bool = self.o.app.store.read({
            let id = self.recordings[i].clone();
            move |c| Ok(c.query_row("SELECT EXISTS (SELECT 1 FROM print_job WHERE recording_id = ?1)", [id], |r| r.get(0))?)
        }).unwrap();
        let req = StartRequest {
            recording_id: self.recordings[i].clone(),
            serial: serial.into(),
            printer_id: self.printer_id,
            reprint_reason: printed_before.then_some(ReprintReason::SpoiledInPrint),
            reprint_note: None,
        };
        let now = self.o.app.now();
        let job = self.o.app.store.write(move |c| jobs::claim(c, now, &caller, &req)).unwrap();
        let step = |from: JobState, s: Step| {
            let (now, id) = (self.o.app.now(), job.id.clone());
            self.o.app.store.write(move |c| jobs::claim_state(c, now, &id, from, &s, None)).unwrap().unwrap()
        };
        step(JobState::Printing, Step::PrinterDone);
        if spoil {
            step(JobState::Personalising, Step::EncodeFailed);
            return json!({"job_id": job.id});
        }
        step(JobState::Personalising, Step::Encoded);
        self.o.call(&operator, "printing.confirm", json!({"job_id": job.id})).unwrap()
    }

    fn lookup(&self, query: &str) -> Value {
        self.o.call(&self.kasih(), "handover.lookup", json!({"query": query})).unwrap()
    }

    fn receipt(&self, i: usize) -> String {
        let id = self.recordings[i].clone();
        self.o.app.store.read(move |c| Ok(c.query_row("SELECT receipt_number FROM recording WHERE id = ?1", [id], |r| r.get(0))?)).unwrap()
    }

    fn issue(&self, payload: Value) -> loket::Result<Value> {
        self.o.call(&self.kasih(), "handover.issue", payload)
    }

    fn count(&self, sql: &str) -> i64 {
        let sql = sql.to_string();
        self.o.app.store.read(move |c| Ok(c.query_row(&sql, [], |r| r.get(0))?)).unwrap()
    }
}

const PEOPLE: &[(&str, &str)] = &[
    ("6101091708050001", "RUDI HARTONO"),
    ("6101091708050002", "SITI AMINAH"),
    ("6101091708050003", "AGUS SALIM"),
    ("6101091708050004", "DEWI LESTARI"),
];

#[test]
fn the_lookup_says_where_each_card_is() {
    let k = counter(PEOPLE, 4, 3);
    // 0 and 1 print-ready; 1's print spoils; 2 is printed; 3 still waits for central.
    k.print(1, "KTP-0101", true);
    let done = k.print(2, "KTP-0102", false);
    assert_eq!(done["state"], "done");

    let waiting = k.lookup(&k.receipt(3));
    let item = &waiting["items"][0];
    assert_eq!(item["card"]["status"], "not_printed");
    assert_eq!(item["card"]["location"], "waiting_for_central");
    assert_eq!(item["card"]["recording_status"], "BIO_CAPTURED");
    assert_eq!(item["full_name"], "DEWI LESTARI");
    assert_eq!(item["mobile"], "081234567890");
    let photo = base64::engine::general_purpose::STANDARD.decode(item["photo_base64"].as_str().unwrap()).unwrap();
    assert!(photo.starts_with(&[0xFF, 0xD8, 0xFF]), "the recorded photo, JPEG");

    let queued = k.lookup("6101091708050001");
    assert_eq!(queued["items"][0]["card"]["location"], "in_print_queue", "{queued}");
    let spoiled = k.lookup("siti");
    assert_eq!(spoiled["items"][0]["card"]["location"], "spoiled_waiting_blank", "{spoiled}");
    let ready = k.lookup(&k.receipt(2).to_lowercase());
    assert_eq!(ready["items"][0]["card"]["status"], "ready");
    assert_eq!(ready["items"][0]["card"]["serial"], "KTP-0102");
    assert!(ready["items"][0]["card"]["printed_at"].as_str().unwrap().starts_with("2026-11-23"));

    let e = k.o.call(&k.kasih(), "handover.lookup", json!({"query": "TIDAK ADA ORANGNYA"})).unwrap_err();
    assert_eq!((e.code, e.field.as_deref()), (ErrorCode::NotFound, Some("query")));
    // Print operators do not hand cards over.
    let e = k.o.call(&k.o.login("pono", PASSWORD), "handover.lookup", json!({"query": "RUDI"})).unwrap_err();
    assert_eq!(e.code, ErrorCode::Forbidden);
    // The supervisor's print queue: 0 in the queue and 1 spoiled, waiting for a blank; 2 printed.
    let dash = k.o.call(&k.o.login("sari", PASSWORD), "dashboard.today", json!({})).unwrap();
    assert_eq!((dash["print_queue"].as_i64(), dash["printed"].as_i64()), (Some(2), Some(1)), "{dash}");
}

#[test]
fn every_refusal_names_its_field_and_writes_nothing() {
    let k = counter(PEOPLE, 4, 3);
    k.print(0, "KTP-0101", false);
    let ready = &k.recordings[0];
    let rep = |overrides: Value| {
        let mut r = json!({"name": "BUDI HARTONO", "nik": "6101091503780002", "relationship": "ayah", "document_kind": "surat_kuasa",
            "document_scan_base64": scan(), "document_mime": "application/pdf"});
        for (key, v) in overrides.as_object().unwrap() {
            r[key] = v.clone();
        }
        json!({"recording_id": ready, "collector": "representative", "representative": r, "signature_png_base64": signature()})
    };
    let refused = |payload: Value, field: &str, words: &str| {
        let e = k.issue(payload).unwrap_err();
        assert_eq!(e.field.as_deref(), Some(field), "{e:?}");
        assert!(e.message.contains(words), "{field}: {}", e.message);
    };
    // Not printed: the card's state is in the message.
    refused(json!({"recording_id": k.recordings[3], "collector": "applicant", "signature_png_base64": signature()}), "recording_id", "BIO_CAPTURED");
    refused(json!({"recording_id": k.recordings[1], "collector": "applicant", "signature_png_base64": signature()}), "recording_id", "antrean cetak");
    // The representative.
    refused(json!({"recording_id": ready, "collector": "representative", "signature_png_base64": signature()}), "representative", "wakil");
    refused(rep(json!({"nik": ""})), "representative.nik", "NIK wakil wajib");
    refused(rep(json!({"nik": "61010915037800"})), "representative.nik", "16 angka");
    refused(rep(json!({"nik": "6101091503780000"})), "representative.nik", "0000");
    refused(rep(json!({"name": "  "})), "representative.name", "Nama wakil");
    refused(rep(json!({"relationship": ""})), "representative.relationship", "Hubungan");
    refused(rep(json!({"document_scan_base64": ""})), "representative.document_scan_base64", "surat kuasa");
    refused(rep(json!({"document_scan_base64": b64(b"just some text")})), "representative.document_scan_base64", "JPEG, PNG atau PDF");
    refused(rep(json!({"document_scan_base64": b64(&vec![b'%'; 5 * 1024 * 1024 + 10])})), "representative.document_scan_base64", "5 MiB");
    refused(rep(json!({"document_mime": "image/png"})), "representative.document_mime", "tidak sesuai");
    // The signature.
    let mut no_sig = rep(json!({}));
    no_sig["signature_png_base64"] = json!("");
    refused(no_sig.clone(), "signature_png_base64", "wajib");
    no_sig["signature_png_base64"] = json!(scan());
    refused(no_sig, "signature_png_base64", "PNG");
    // An applicant collecting in person sends no representative; a new card has no old card.
    let mut own = json!({"recording_id": ready, "collector": "applicant", "signature_png_base64": signature()});
    own["representative"] = rep(json!({}))["representative"].clone();
    refused(own, "representative", "sendiri");
    refused(json!({"recording_id": ready, "collector": "applicant", "old_card": "handed_in", "signature_png_base64": signature()}), "old_card", "kosongkan");
    assert_eq!(k.count("SELECT COUNT(*) FROM handover"), 0, "nothing written");

    // Damaged: the old card must be handed in; data change: withdrawn.
    k.print(2, "KTP-0102", false);
    let (damaged, changed) = (k.recordings[1].clone(), k.recordings[2].clone());
    k.o.app.store.write(move |c| {
        c.execute("UPDATE application SET kind = 'damaged' WHERE id = (SELECT application_id FROM recording WHERE id = ?1)", [&damaged])?;
        c.execute("UPDATE application SET kind = 'data_change' WHERE id = (SELECT application_id FROM recording WHERE id = ?1)", [&changed])?;
        Ok(())
    }).unwrap();
    k.print(1, "KTP-0103", false);
    let own = |i: usize, old: Value| json!({"recording_id": k.recordings[i], "collector": "applicant", "old_card": old, "signature_png_base64": signature()});
    refused(own(1, Value::Null), "old_card", "rusak");
    refused(own(1, json!("withdrawn")), "old_card", "handed_in");
    refused(own(2, json!("handed_in")), "old_card", "ditarik");
    assert_eq!(k.issue(own(1, json!("handed_in"))).unwrap()["old_card"], "handed_in");
    assert_eq!(k.issue(own(2, json!("withdrawn"))).unwrap()["old_card"], "withdrawn");

    // Handed over once: a second time says when and to whom.
    k.issue(json!({"recording_id": ready, "collector": "applicant", "signature_png_base64": signature()})).unwrap();
    refused(json!({"recording_id": ready, "collector": "applicant", "signature_png_base64": signature()}), "recording_id", "pemohon sendiri");
    assert_eq!(k.count("SELECT COUNT(*) FROM handover"), 3);
}

#[test]
fn a_representative_collects_with_a_power_of_attorney_and_gets_a_receipt() {
    let k = counter(PEOPLE, 1, 1);
    k.print(0, "KTP-0105", false);
    let number = k.receipt(0);
    let kiosk = k.o.app.call(None, "intake.public_status", json!({"number": number})).unwrap();
    assert_eq!(kiosk["status_label"], "KTP-el sudah dicetak, silakan ambil");
    let outbox_before = k.count("SELECT COUNT(*) FROM outbox");

    let h = k.issue(json!({"recording_id": k.recordings[0], "collector": "representative",
        "representative": {"name": "budi hartono", "nik": "6101091503780002", "relationship": "ayah", "document_kind": "surat_kuasa",
            "document_scan_base64": scan(), "document_mime": "application/pdf"},
        "signature_png_base64": signature()})).unwrap();
    assert_eq!(h["collector"], "representative");
    assert_eq!(h["representative_name"], "BUDI HARTONO");
    assert_eq!(h["serial"], "KTP-0105");
    assert_eq!(h["staff_name"], "Pegawai kasih");
    let id = h["id"].as_str().unwrap().to_string();
    // The row keeps the scan and the cleaned signature.
    let (mime, scan_len, sig): (String, i64, Vec<u8>) = k.o.app.store.read(|c| {
        Ok(c.query_row("SELECT rep_document_mime, length(rep_document), signature FROM handover WHERE id = ?1", [&id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?)
    }).unwrap();
    assert_eq!(mime, "application/pdf");
    assert!(scan_len > 20);
    assert!(sig.starts_with(b"\x89PNG"));
    // Timeline, audit, and the event for central.
    assert_eq!(k.count("SELECT COUNT(*) FROM application_event WHERE note = 'KTP-el diserahkan kepada BUDI HARTONO (ayah, NIK 6101091503780002)'"), 1);
    assert_eq!(k.count("SELECT COUNT(*) FROM audit_log WHERE action = 'card_handed_over'"), 1);
    assert_eq!(k.count("SELECT COUNT(*) FROM outbox"), outbox_before + 1);
    assert_eq!(k.count("SELECT COUNT(*) FROM outbox WHERE kind = 'issuance_event' AND json_extract(payload, '$.event') = 'card_handed_over'
        AND json_extract(payload, '$.collector') = 'representative' AND json_extract(payload, '$.serial') = 'KTP-0105'"), 1);
    // The lookup and the kiosk both know.
    let after = k.lookup(&number);
    assert_eq!(after["items"][0]["card"]["status"], "handed_over");
    assert_eq!(after["items"][0]["card"]["handed_over_to"], "BUDI HARTONO (ayah)");
    let kiosk = k.o.app.call(None, "intake.public_status", json!({"number": number})).unwrap();
    assert_eq!(kiosk["status_label"], "KTP-el sudah diambil");

    // The pickup receipt over HTTP, A5 and roll.
    let hub = common::hub(k.o.app.clone());
    let dir = tempfile::tempdir().unwrap();
    for paper in ["a5", "80"] {
        let r = common::http()
            .get(format!("{}/api/v1/files/handover.receipt?handover_id={id}&paper={paper}", hub.url))
            .bearer_auth(k.kasih())
            .send()
            .unwrap();
        assert_eq!(r.status(), 200, "{paper}");
        let pdf = dir.path().join(format!("tanda-terima-{paper}.pdf"));
        std::fs::write(&pdf, r.bytes().unwrap()).unwrap();
        let text = String::from_utf8(std::process::Command::new("pdftotext").arg(&pdf).arg("-").output().unwrap().stdout).unwrap();
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        for needle in ["TANDA TERIMA PENGAMBILAN", "RUDI HARTONO", "6101091708050001", number.as_str(), "BUDI HARTONO (ayah)", "6101091503780002", "KTP-0105", "Pegawai kasih"] {
            assert!(flat.contains(needle), "{paper}: {needle} not in {flat}");
        }
        let png = dir.path().join(format!("tanda-terima-{paper}"));
        assert!(std::process::Command::new("pdftoppm").args(["-png", "-r", "150", "-singlefile"]).arg(&pdf).arg(&png).status().unwrap().success());
        let out = std::process::Command::new("zbarimg").args(["-q", "--raw"]).arg(png.with_extension("png")).output().unwrap();
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), number, "{paper}: the QR is the receipt number");
    }
    let r = common::http().get(format!("{}/api/v1/files/handover.receipt?handover_id=nope", hub.url)).bearer_auth(k.kasih()).send().unwrap();
    assert_eq!(r.status(), 404);
}

#[test]
fn a_new_card_supersedes_the_one_handed_over_before() {
    // One person recorded twice: the first card, then a replacement because it was damaged.
    let k = counter(&PEOPLE[..1], 2, 2);
    k.print(0, "KTP-0110", false);
    let first = k.issue(json!({"recording_id": k.recordings[0], "collector": "applicant", "signature_png_base64": signature()})).unwrap();
    assert_eq!(first["collector"], "applicant");
    assert_eq!(k.count("SELECT COUNT(*) FROM application_event WHERE note = 'KTP-el diserahkan kepada pemohon sendiri'"), 1);

    let second_rec = k.recordings[1].clone();
    k.o.app.store.write(move |c| {
        c.execute("UPDATE application SET kind = 'damaged' WHERE id = (SELECT application_id FROM recording WHERE id = ?1)", [&second_rec])?;
        // Recorded a day later than the first.
        c.execute("UPDATE recording SET finished_at = '2026-11-24T01:00:00.000Z' WHERE id = ?1", [&second_rec])?;
        Ok(())
    }).unwrap();
    // The NIK finds the latest recording, printed and waiting.
    k.print(1, "KTP-0111", false);
    let found = k.lookup("6101091708050001");
    assert_eq!(found["items"].as_array().unwrap().len(), 1);
    assert_eq!(found["items"][0]["recording_id"], k.recordings[1]);
    assert_eq!(found["items"][0]["card"]["status"], "ready");

    let second = k.issue(json!({"recording_id": k.recordings[1], "collector": "applicant", "old_card": "handed_in", "signature_png_base64": signature()})).unwrap();
    assert_eq!(second["superseded"], first["id"]);
    let states: Vec<(String, String, Option<String>)> = k.o.app.store.read(|c| Ok(c.prepare("SELECT serial, state, superseded_by FROM handover ORDER BY at, id")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<rusqlite::Result<_>>()?)).unwrap();
    assert_eq!(states, vec![
        ("KTP-0110".to_string(), "superseded".to_string(), Some(second["id"].as_str().unwrap().to_string())),
        ("KTP-0111".to_string(), "live".to_string(), None),
    ]);
    assert_eq!(k.count("SELECT COUNT(*) FROM handover WHERE nik = '6101091708050001' AND state = 'live'"), 1, "one live card per NIK");
    // Each recording's card columns follow its latest card.
    assert_eq!(k.count("SELECT COUNT(*) FROM recording WHERE card_printed_at IS NOT NULL AND card_handed_over = 1"), 2);
    assert_eq!(k.count("SELECT COUNT(*) FROM recording r WHERE card_printed_at <> (SELECT MAX(finished_at) FROM print_job j WHERE j.recording_id = r.id AND j.state = 'done')"), 0);
}

#[test]
fn cards_nobody_collected_are_listed_oldest_first_with_the_number_to_call() {
    let k = counter(PEOPLE, 3, 3);
    k.print(1, "KTP-0101", false);
    k.o.clock.advance(chrono::Duration::days(3));
    k.print(0, "KTP-0102", false);
    k.o.clock.advance(chrono::Duration::minutes(5));
    k.print(2, "KTP-0103", false);
    let list = |days: Option<u32>| k.o.call(&k.kasih(), "handover.uncollected", json!({"days": days})).unwrap();
    assert_eq!(list(None)["items"], json!([]), "nothing is 30 days old yet");
    assert_eq!(list(None)["days"], 30);

    k.o.clock.advance(chrono::Duration::days(28));
    // 31 days for SITI, 28 for the others: only she is past the default.
    let l = list(None);
    let items = l["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{l}");
    assert_eq!(items[0]["full_name"], "SITI AMINAH");
    assert_eq!(items[0]["mobile"], "081234567890");
    assert_eq!(items[0]["days_waiting"], 31);
    // Asked for 7 days: all three, oldest first; one collected leaves the list.
    let names = |l: &Value| l["items"].as_array().unwrap().iter().map(|i| i["full_name"].as_str().unwrap().to_string()).collect::<Vec<_>>();
    assert_eq!(names(&list(Some(7))), ["SITI AMINAH", "RUDI HARTONO", "AGUS SALIM"]);
    k.issue(json!({"recording_id": k.recordings[0], "collector": "applicant", "signature_png_base64": signature()})).unwrap();
    assert_eq!(names(&list(Some(7))), ["SITI AMINAH", "AGUS SALIM"]);

    // The office's own bound, saved by a manager only.
    let sup = k.o.login("sari", PASSWORD);
    let e = k.o.call(&k.kasih(), "handover.settings_save", json!({"uncollected_days": 7})).unwrap_err();
    assert_eq!(e.code, ErrorCode::Forbidden);
    let e = k.o.call(&sup, "handover.settings_save", json!({"uncollected_days": 0})).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("uncollected_days"));
    assert_eq!(k.o.call(&sup, "handover.settings_save", json!({"uncollected_days": 7})).unwrap()["uncollected_days"], 7);
    assert_eq!(names(&list(None)), ["SITI AMINAH", "AGUS SALIM"]);
    assert_eq!(k.o.call(&sup, "handover.settings_get", json!({})).unwrap()["uncollected_days"], 7);
    // The supervisor's home counts the same cards from the recordings' card columns.
    let dash = k.o.call(&sup, "dashboard.today", json!({})).unwrap();
    assert_eq!(dash["uncollected"], 2, "{dash}");
    assert_eq!(dash["print_queue"], 0, "all three printed");
    let truth = k.count("SELECT COUNT(*) FROM recording r WHERE r.status = 'print_ready_record'
        AND NOT EXISTS (SELECT 1 FROM print_job j WHERE j.recording_id = r.id AND j.state = 'done')");
    assert_eq!(dash["print_queue"].as_i64(), Some(truth));
}

// ---- Suket ------------------------------------------------------------------------------------

impl Counter {
    fn sari(&self) -> String {
        self.o.login("sari", PASSWORD)
    }

    fn suket_on(&self) {
        self.o.call(&self.sari(), "suket.policy_save", json!({"enabled": true, "letterhead": "Pemerintah Kabupaten Sambas\nDinas Kependudukan dan Pencatatan Sipil",
            "signer_title": "Petugas Pelayanan", "signer_name": ""})).unwrap();
    }

    fn suket(&self, i: usize) -> loket::Result<Value> {
        self.o.call(&self.kasih(), "suket.issue", json!({"recording_id": self.recordings[i]}))
    }

    fn verify(&self, token: Option<&str>, qr: &str) -> Value {
        self.o.app.call(token, "suket.verify", json!({"qr": qr})).unwrap()
    }
}

/// The letter fetched over HTTP: its words (pdftotext) and its QR (pdftoppm, zbarimg).
fn letter(k: &Counter, hub: &common::Hub, id: &str, dir: &std::path::Path) -> (String, String) {
    let r = common::http().get(format!("{}/api/v1/files/suket.letter?suket_id={id}", hub.url)).bearer_auth(k.kasih()).send().unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    let pdf = dir.join("suket.pdf");
    std::fs::write(&pdf, r.bytes().unwrap()).unwrap();

    let text = String::from_utf8(std::process::Command::new("pdftotext").arg(&pdf).arg("-").output().unwrap().stdout).unwrap();
    let png = dir.join("suket");
    assert!(std::process::Command::new("pdftoppm").args(["-png", "-r", "150", "-singlefile"]).arg(&pdf).arg(&png).status().unwrap().success());
    let qr = std::process::Command::new("zbarimg").args(["-q", "--raw"]).arg(png.with_extension("png")).output().unwrap();
    (text.split_whitespace().collect::<Vec<_>>().join(" "), String::from_utf8_lossy(&qr.stdout).trim().to_string())
}

#[test]
fn a_suket_is_refused_with_its_reason_and_nothing_is_written() {
    let k = counter(PEOPLE, 4, 2);
    let refused = |r: loket::Result<Value>, field: &str, words: &str| {
        let e = r.unwrap_err();
        assert_eq!(e.field.as_deref(), Some(field), "{e:?}");
        assert!(e.message.contains(words), "{field}: {}", e.message);
    };
    // The policy is off until a supervisor turns it on; only a manager may.
    refused(k.suket(3), "enabled", "dimatikan");
    let e = k.o.call(&k.kasih(), "suket.policy_save", json!({"enabled": true, "letterhead": "X", "signer_title": "Y", "signer_name": ""})).unwrap_err();
    assert_eq!(e.code, ErrorCode::Forbidden);
    let save = |v: Value| k.o.call(&k.sari(), "suket.policy_save", v);
    refused(save(json!({"enabled": true, "letterhead": " \n ", "signer_title": "Petugas", "signer_name": ""})), "letterhead", "Kop surat");
    refused(save(json!({"enabled": true, "letterhead": "A\nB\nC\nD\nE", "signer_title": "Petugas", "signer_name": ""})), "letterhead", "4 baris");
    refused(save(json!({"enabled": true, "letterhead": "DINAS", "signer_title": "", "signer_name": ""})), "signer_title", "Jabatan");
    assert_eq!(k.o.call(&k.kasih(), "suket.policy_get", json!({})).unwrap()["enabled"], false, "a refused save changes nothing");
    k.suket_on();
    let policy = k.o.call(&k.kasih(), "suket.policy_get", json!({})).unwrap();
    assert_eq!(policy["letterhead"], "PEMERINTAH KABUPATEN SAMBAS\nDINAS KEPENDUDUKAN DAN PENCATATAN SIPIL");

    // Not recorded yet, failed at central, or a card already printed.
    let (in_progress, failed) = (k.recordings[2].clone(), k.recordings[3].clone());
    k.o.app.store.write(move |c| {
        c.execute("UPDATE recording SET status = 'in_progress' WHERE id = ?1", [&in_progress])?;
        c.execute("UPDATE recording SET status = 'enroll_failure' WHERE id = ?1", [&failed])?;
        Ok(())
    }).unwrap();
    refused(k.suket(2), "recording_id", "belum selesai");
    refused(k.suket(3), "recording_id", "ENROLL_FAILURE");
    k.print(0, "KTP-0101", false);
    refused(k.suket(0), "recording_id", "serahkan kartunya");
    refused(k.o.call(&k.kasih(), "suket.issue", json!({"recording_id": "tidak-ada"})), "recording_id", "tidak ditemukan");
    assert_eq!(k.count("SELECT COUNT(*) FROM suket"), 0, "nothing written");

    // One in force per NIK: a second is refused, naming the first.
    let s = k.suket(1).unwrap();
    refused(k.suket(1), "recording_id", s["number"].as_str().unwrap());
    // Withdrawing takes a reason and a manager.
    let e = k.o.call(&k.kasih(), "suket.withdraw", json!({"suket_id": s["id"], "reason": "salah data"})).unwrap_err();
    assert_eq!(e.code, ErrorCode::Forbidden);
    refused(k.o.call(&k.sari(), "suket.withdraw", json!({"suket_id": s["id"], "reason": " "})), "reason", "Alasan");
    let w = k.o.call(&k.sari(), "suket.withdraw", json!({"suket_id": s["id"], "reason": "Salah tanggal lahir"})).unwrap();
    assert_eq!((w["state"].as_str(), w["ended_reason"].as_str()), (Some("withdrawn"), Some("Salah tanggal lahir")));
    refused(k.o.call(&k.sari(), "suket.withdraw", json!({"suket_id": s["id"], "reason": "Sekali lagi"})), "suket_id", "ditarik");
    refused(k.o.call(&k.kasih(), "suket.reprint", json!({"suket_id": s["id"]})), "suket_id", "ditarik");
    // After a withdrawal a corrected letter can be issued.
    let again = k.suket(1).unwrap();
    assert_ne!(again["number"], s["number"]);
    assert_eq!(k.count("SELECT COUNT(*) FROM suket"), 2);
}

#[test]
fn a_suket_letter_carries_a_sealed_qr_the_kiosk_checks() {
    let k = counter(PEOPLE, 2, 0);
    k.suket_on();
    let outbox_before = k.count("SELECT COUNT(*) FROM outbox");
    let s = k.suket(0).unwrap();
    // Recorded on 23 November 2026 (WIB), the seeded office's day: valid six months.
    assert_eq!(s["number"], "SKT-610109-2026-00001");
    assert_eq!(s["state"], "valid");
    assert_eq!(s["prints"], 1);
    let today = k.o.app.now().with_timezone(&chrono::FixedOffset::east_opt(7 * 3600).unwrap()).date_naive();
    let until = today.checked_add_months(chrono::Months::new(6)).unwrap();
    assert_eq!(s["valid_until"], until.to_string());
    assert_eq!(s["days_left"], (until - today).num_days());
    assert_eq!(k.suket(1).unwrap()["number"], "SKT-610109-2026-00002", "numbered in sequence");
    assert_eq!(k.count("SELECT COUNT(*) FROM outbox WHERE kind = 'issuance_event' AND json_extract(payload, '$.event') = 'suket_issued'"), 2);
    assert_eq!(k.count("SELECT COUNT(*) FROM outbox"), outbox_before + 2);
    assert_eq!(k.count("SELECT COUNT(*) FROM application_event WHERE note LIKE 'Suket SKT-610109-2026-00001 diterbitkan%'"), 1);
    // The counter's lookup shows the letter beside the card's state.
    let found = k.lookup("6101091708050001");
    assert_eq!(found["items"][0]["suket"]["number"], "SKT-610109-2026-00001");

    let hub = common::hub(k.o.app.clone());
    let dir = tempfile::tempdir().unwrap();
    let id = s["id"].as_str().unwrap();
    let (text, qr) = letter(&k, &hub, id, dir.path());
    for needle in ["PEMERINTAH KABUPATEN SAMBAS", "SURAT KETERANGAN PENGGANTI KTP-EL", "Nomor: SKT-610109-2026-00001", "RUDI HARTONO", "6101091708050001",
        "SAMBAS, 17-08-2005", "LAKI-LAKI", "6 (enam) bulan", "bukan tanda tangan elektronik Dukcapil", "Petugas Pelayanan"] {
        assert!(text.contains(needle), "{needle} not in {text}");
    }
    assert!(!text.contains("Cetakan ke-"), "the first print says nothing of prints");
    assert!(qr.starts_with("LOKET-SKT1|SKT-610109-2026-00001|6101091708050001|"), "{qr}");

    // The kiosk (no login): genuine and valid, the NIK masked, no photo.
    let kiosk = k.verify(None, &qr);
    assert_eq!((kiosk["genuine"].as_bool(), kiosk["state"].as_str()), (Some(true), Some("valid")), "{kiosk}");
    assert_eq!(kiosk["nik"], "610109******0001");
    assert_eq!(kiosk["full_name"], "RUDI HARTONO");
    assert!(kiosk["photo_base64"].is_null());
    assert!(kiosk["message"].as_str().unwrap().contains("BERLAKU sampai"));
    // Staff see the whole NIK and the photo to compare.
    let staff = k.verify(Some(&k.kasih()), &qr);
    assert_eq!(staff["nik"], "6101091708050001");
    assert!(staff["photo_base64"].as_str().unwrap().len() > 1000);
    // Altered (a later date, another NIK) or made up: not genuine; something else: not a Suket.
    for forged in [qr.replace(&until.format("%Y%m%d").to_string(), "20991231"), qr.replace("6101091708050001", "6101091708050002"),
        "LOKET-SKT1|SKT-610109-2026-00009|6101091708050001|20270101|AAAAAAAAAAAAAAAAAAAAAA".to_string()] {
        let v = k.verify(None, &forged);
        assert_eq!(v["genuine"], false, "{forged}");
        assert!(v["message"].as_str().unwrap().contains("TIDAK ASLI"), "{v}");
        assert!(v["full_name"].is_null(), "nothing of the holder is shown");
    }
    assert!(k.verify(None, "BP-610109-20261123-0007")["message"].as_str().unwrap().contains("bukan kode QR Suket"));
    let e = k.o.app.call(None, "suket.verify", json!({"qr": " "})).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("qr"));

    // A reprint: the same number and QR, counted, and the letter says so.
    assert_eq!(k.o.call(&k.kasih(), "suket.reprint", json!({"suket_id": id})).unwrap()["prints"], 2);
    let (text, qr2) = letter(&k, &hub, id, dir.path());
    assert!(text.contains("Cetakan ke-2"), "{text}");
    assert_eq!(qr2, qr);
    assert_eq!(k.count("SELECT COUNT(*) FROM outbox WHERE json_extract(payload, '$.event') = 'suket_reprinted'"), 1);

    // The register and the expiring list as the months pass.
    let reg = k.o.call(&k.kasih(), "suket.register", json!({})).unwrap();
    assert_eq!((reg["counts"]["valid"].as_i64(), reg["counts"]["prints"].as_i64()), (Some(2), Some(3)));
    let expiring = |days: Option<u32>| k.o.call(&k.kasih(), "suket.expiring", json!({"days": days})).unwrap()["items"].as_array().unwrap().len();
    assert_eq!(expiring(None), 0);
    k.o.clock.advance(chrono::Duration::days((until - today).num_days() - 10));
    assert_eq!(expiring(None), 2, "ten days left: on the list");
    assert_eq!(expiring(Some(7)), 0);
    k.o.clock.advance(chrono::Duration::days(11));
    assert_eq!(expiring(None), 0);
    let v = k.verify(None, &qr);
    assert_eq!((v["genuine"].as_bool(), v["state"].as_str()), (Some(true), Some("expired")), "{v}");
    assert!(v["message"].as_str().unwrap().contains("SUDAH HABIS"));
    let reg = k.o.call(&k.kasih(), "suket.register", json!({"state": "expired"})).unwrap();
    assert_eq!((reg["counts"]["expired"].as_i64(), reg["items"].as_array().unwrap().len()), (Some(2), 2));
    let e = k.o.call(&k.kasih(), "suket.reprint", json!({"suket_id": id})).unwrap_err();
    assert!(e.message.contains("habis masa berlaku"), "{}", e.message);
    // An expired letter does not block a new one; the old one ends as expired.
    let renewed = k.suket(0).unwrap();
    assert_eq!(renewed["state"], "valid");
    assert_eq!(k.count(&format!("SELECT COUNT(*) FROM suket WHERE id = '{id}' AND state = 'expired' AND ended_at IS NOT NULL")), 1);
}

#[test]
fn the_card_handed_over_supersedes_the_suket_and_the_exchange_list_calls_the_holder() {
    let k = counter(PEOPLE, 2, 2);
    k.suket_on();
    let first = k.suket(0).unwrap();
    k.suket(1).unwrap();
    let exchange = || k.o.call(&k.kasih(), "suket.exchange", json!({})).unwrap()["items"].as_array().unwrap().iter()
        .map(|i| i["full_name"].as_str().unwrap().to_string()).collect::<Vec<_>>();
    assert!(exchange().is_empty(), "no card printed yet");
    k.print(0, "KTP-0101", false);
    assert_eq!(exchange(), ["RUDI HARTONO"]);
    let hub = common::hub(k.o.app.clone());
    let dir = tempfile::tempdir().unwrap();
    let (_, qr) = letter(&k, &hub, first["id"].as_str().unwrap(), dir.path());

    let h = k.issue(json!({"recording_id": k.recordings[0], "collector": "applicant", "signature_png_base64": signature()})).unwrap();
    assert!(exchange().is_empty());
    let s = k.o.call(&k.kasih(), "suket.get", json!({"suket_id": first["id"]})).unwrap();
    assert_eq!(s["state"], "superseded");
    let v = k.verify(None, &qr);
    assert_eq!((v["genuine"].as_bool(), v["state"].as_str()), (Some(true), Some("superseded")));
    assert!(v["message"].as_str().unwrap().contains("KTP-el sudah diterima"));
    assert_eq!(k.count(&format!("SELECT COUNT(*) FROM suket WHERE handover_id = '{}'", h["id"].as_str().unwrap())), 1);
    assert_eq!(k.count("SELECT COUNT(*) FROM outbox WHERE json_extract(payload, '$.event') = 'suket_superseded'
        AND json_extract(payload, '$.suket_number') = 'SKT-610109-2026-00001'"), 1);
    // The other holder's letter is untouched; a card holder gets no new letter.
    assert_eq!(k.o.call(&k.kasih(), "suket.register", json!({"state": "valid"})).unwrap()["items"].as_array().unwrap().len(), 1);
    let e = k.suket(0).unwrap_err();
    assert!(e.message.contains("sudah menerima KTP-el"), "{}", e.message);
    // The pickup receipt has the collector's signature drawn on it (an image in the PDF).
    let r = common::http().get(format!("{}/api/v1/files/handover.receipt?handover_id={}", hub.url, h["id"].as_str().unwrap()))
        .bearer_auth(k.kasih()).send().unwrap();
    let pdf = dir.path().join("receipt.pdf");
    std::fs::write(&pdf, r.bytes().unwrap()).unwrap();

    let images = String::from_utf8(std::process::Command::new("pdfimages").arg("-list").arg(&pdf).output().unwrap().stdout).unwrap();
    assert!(images.lines().count() >= 3, "the signature is an image on the receipt: {images}");
}
