//! The recording desk end to end on a real SQLite file: photo, signature, biometrics from the
//! scanner folder, an exception a supervisor approves, finishing once, and the receipt PDF.

mod common;

use base64::Engine;
use loket::ErrorCode;
use serde_json::{json, Value};

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn photo_jpeg() -> Vec<u8> {
    common::portrait_jpeg()
}

fn signature_png() -> Vec<u8> {
    common::signature_png()
}

fn ridges(w: u32, h: u32) -> Vec<u8> {
    common::ridges_png(w, h)
}

/// Rudi Hartono's data saved and a new-card application opened for him by `officer`.
fn open_new_application(o: &common::Office, officer: &str) -> Value {
    o.call(officer, "intake.save_applicant", json!({
        "nik": "6101091708050001", "kk_number": "6101090101050003", "full_name": "Rudi Hartono", "sex": "L",
        "birth_place": "Sambas", "birth_date": "2005-08-17", "blood_type": "O", "religion": "ISLAM",
        "marital_status": "BELUM KAWIN", "occupation": "PELAJAR/MAHASISWA", "education": "SLTA/SEDERAJAT",
        "citizenship": "WNI", "address": "Jl. Merdeka No. 1", "rt": "1", "rw": "2",
        "village_code": "61.01.09.2002", "mobile": "081234567890"})).unwrap();
    o.call(officer, "intake.open_application", json!({"nik": "6101091708050001", "kind": "new"})).unwrap()
}

/// An applicant whose documents are complete, and the application id.
fn ready_application(o: &common::Office) -> String {
    let officer = o.staff_with("budi", &["counter_officer"]);
    let app = open_new_application(o, &officer);
    let id = app["id"].as_str().unwrap().to_string();
    let list = o.call(&officer, "intake.checklist", json!({"application_id": id})).unwrap();
    for item in list["items"].as_array().unwrap() {
        o.call(&officer, "intake.check_requirement", json!({"application_id": id, "requirement_id": item["requirement_id"], "status": "present"})).unwrap();
    }
    o.call(&officer, "intake.complete_checks", json!({"application_id": id})).unwrap();
    id
}

#[test]
fn a_complete_recording_gets_one_receipt() {
    let o = common::office();
    let application = ready_application(&o);
    let operator = o.staff_with("rina", &["recording_operator"]);
    let ready = o.call(&operator, "recording.ready_list", json!({})).unwrap();
    assert_eq!(ready["items"][0]["id"], application.as_str());
    let rec = o.call(&operator, "recording.start", json!({"application_id": application})).unwrap();
    let id = rec["id"].as_str().unwrap().to_string();
    // Starting again resumes the same recording.
    assert_eq!(o.call(&operator, "recording.start", json!({"application_id": application})).unwrap()["id"], id.as_str());
    assert_eq!(rec["missing"].as_array().unwrap().len(), 2 + 12);

    let after_photo = o.call(&operator, "recording.photo", json!({"recording_id": id, "image_base64": b64(&photo_jpeg())})).unwrap();
    assert_eq!(after_photo["has_photo"], true);
    assert!(after_photo["photo_checks"].as_array().unwrap().iter().all(|c| c["code"] != "background_mismatch"), "{}", after_photo["photo_checks"]);
    let e = o.call(&operator, "recording.photo", json!({"recording_id": id, "image_base64": b64(b"GIF89a....")})).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("photo"));
    o.call(&operator, "recording.signature", json!({"recording_id": id, "image_base64": b64(&signature_png())})).unwrap();

    // The scanners wrote eleven parts; the left little finger is missing (amputated).
    let scanner = o.dir.path().join("scanner");
    std::fs::create_dir_all(&scanner).unwrap();
    for stem in ["right_thumb", "right_index", "right_middle", "right_ring", "right_little", "left_thumb", "left_index", "left_middle", "left_ring"] {
        std::fs::write(scanner.join(format!("{stem}.png")), ridges(300, 300)).unwrap();
    }
    for stem in ["iris_right", "iris_left"] {
        std::fs::write(scanner.join(format!("{stem}.png")), ridges(400, 300)).unwrap();
    }
    let scanned = o.call(&operator, "recording.import_biometrics", json!({"recording_id": id})).unwrap();
    assert_eq!(scanned["parts"].as_array().unwrap().iter().filter(|p| p["acceptable"] == true).count(), 11);
    assert_eq!(std::fs::read_dir(&scanner).unwrap().count(), 0, "the folder is emptied for the next applicant");
    let e = o.call(&operator, "recording.finish", json!({"recording_id": id})).unwrap_err();
    assert!(e.message.contains("Kelingking kiri"), "{}", e.message);

    o.call(&operator, "recording.exception", json!({"recording_id": id, "part": {"finger": "left_little"},
        "reason": "Jari kelingking kiri diamputasi", "photo_base64": b64(&photo_jpeg())})).unwrap();
    let e = o.call(&operator, "recording.approve_exception", json!({"recording_id": id, "part": {"finger": "left_little"}})).unwrap_err();
    assert_eq!(e.code, ErrorCode::Forbidden);
    assert_eq!(o.call(&operator, "recording.finish", json!({"recording_id": id})).unwrap_err().code, ErrorCode::Conflict);
    let supervisor = o.staff_with("sari", &["supervisor"]);
    o.call(&supervisor, "recording.approve_exception", json!({"recording_id": id, "part": {"finger": "left_little"}})).unwrap();

    let done = o.call(&operator, "recording.finish", json!({"recording_id": id})).unwrap();
    assert_eq!(done["status"], "bio_captured");
    assert_eq!(done["receipt_number"], "BP-610109-20261123-0001");
    assert_eq!(done["application"]["status"], "recorded");
    // A double click finishes nothing twice.
    let again = o.call(&operator, "recording.finish", json!({"recording_id": id})).unwrap();
    assert_eq!(again["receipt_number"], done["receipt_number"]);
    let rows: Vec<(String, i64)> = o.app.store.read(|c| {
        Ok(c.prepare("SELECT kind, COUNT(*) FROM outbox GROUP BY kind ORDER BY kind")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?)
    }).unwrap();
    assert!(rows.contains(&("recording".to_string(), 1)), "{rows:?}");

    // The receipt, as the applicant gets it.
    let hub = common::hub(o.app.clone());
    let r = common::http().get(format!("{}/api/v1/files/recording.receipt?recording_id={id}", hub.url)).bearer_auth(&operator).send().unwrap();
    assert_eq!(r.status(), 200);
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("bukti.pdf");
    std::fs::write(&pdf, r.bytes().unwrap()).unwrap();
    let text = String::from_utf8(std::process::Command::new("pdftotext").arg(&pdf).arg("-").output().unwrap().stdout).unwrap();
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for needle in ["BUKTI PEREKAMAN", "RUDI HARTONO", "6101091708050001", "BP-610109-20261123-0001", "SAMBAS, 17-08-2005", "Pegawai rina"] {
        assert!(flat.contains(needle), "{needle} not in {flat}");
    }
    let png = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/documents/http-receipt-a5");
    std::fs::create_dir_all(png.parent().unwrap()).unwrap();
    assert!(std::process::Command::new("pdftoppm").args(["-png", "-r", "90", "-singlefile"]).arg(&pdf).arg(&png).status().unwrap().success());

    // The roll printer at the desk: not set → a clear message; unreachable → PRINTER_UNAVAILABLE
    // and the recording stays finished; a listening printer gets ESC/POS with the receipt number.
    let e = o.call(&operator, "recording.print_receipt", json!({"recording_id": id})).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("target"), "{e:?}");
    assert_eq!(o.call(&operator, "recording.printer_save", json!({"target": "tcp://x:1", "paper": "80"})).unwrap_err().code, ErrorCode::Forbidden);
    let e = o.call(&supervisor, "recording.printer_save", json!({"target": "tcp://127.0.0.1:9100", "paper": "75"})).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("paper"));
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    o.call(&supervisor, "recording.printer_save", json!({"target": format!("tcp://{closed}"), "paper": "80"})).unwrap();
    let e = o.call(&operator, "recording.print_receipt", json!({"recording_id": id})).unwrap_err();
    assert_eq!(e.code, ErrorCode::PrinterUnavailable, "{e:?}");
    assert_eq!(o.call(&operator, "recording.get", json!({"recording_id": id})).unwrap()["status"], "bio_captured");
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let printer = listener.local_addr().unwrap();
    let received = std::thread::spawn(move || {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut listener.incoming().next().unwrap().unwrap(), &mut buf).unwrap();
        buf
    });
    o.call(&supervisor, "recording.printer_save", json!({"target": format!("tcp://{printer}"), "paper": "58"})).unwrap();
    assert_eq!(o.call(&operator, "recording.printer_get", json!({})).unwrap()["paper"], "58");
    o.call(&operator, "recording.print_receipt", json!({"recording_id": id})).unwrap();
    let bytes = received.join().unwrap();
    assert!(bytes.starts_with(&loket::thermal::INIT), "ESC @ first");
    assert!(bytes.windows(loket::thermal::PARTIAL_CUT.len()).any(|w| w == loket::thermal::PARTIAL_CUT), "cut at the end");
    let text = String::from_utf8_lossy(&bytes);
    for needle in ["BP-610109-20261123-0001", "RUDI HARTONO", "6101091708050001"] {
        assert!(text.contains(needle), "{needle} not in the printer bytes");
    }

    // Re-recording needs a supervisor.
    let e = o.call(&operator, "recording.start", json!({"application_id": application})).unwrap_err();
    assert_eq!(e.code, ErrorCode::Forbidden);
    let redo = o.call(&supervisor, "recording.start", json!({"application_id": application})).unwrap();
    assert_ne!(redo["id"], id.as_str());
}

#[test]
fn an_application_with_open_checks_cannot_be_recorded() {
    let o = common::office();
    let officer = o.staff_with("budi", &["counter_officer"]);
    let app = open_new_application(&o, &officer);
    let operator = o.staff_with("rina", &["recording_operator"]);
    let e = o.call(&operator, "recording.start", json!({"application_id": app["id"]})).unwrap_err();
    assert_eq!(e.code, ErrorCode::Conflict);
    assert!(e.message.contains("belum siap direkam"));
}

/// What the desk's screen reads: the scanner folder, the stored photo and signature; and the kiosk
/// finds the application by the receipt number once it is recorded.
#[test]
fn the_desk_sees_its_scanner_folder_and_stored_media() {
    let o = common::office();
    let application = ready_application(&o);
    let operator = o.staff_with("rina", &["recording_operator"]);
    let scanner = o.dir.path().join("scanner");
    let info = o.call(&operator, "recording.scanner_dir", json!({})).unwrap();
    assert_eq!(info["dir"], scanner.display().to_string());
    assert_eq!(info["exists"], false);
    std::fs::create_dir_all(&scanner).unwrap();
    assert_eq!(o.call(&operator, "recording.scanner_dir", json!({})).unwrap()["exists"], true);

    let id = o.call(&operator, "recording.start", json!({"application_id": application})).unwrap()["id"].as_str().unwrap().to_string();
    let empty = o.call(&operator, "recording.media", json!({"recording_id": id})).unwrap();
    assert_eq!(empty, json!({"photo_base64": null, "signature_base64": null}));
    let e = o.call(&operator, "recording.media", json!({"recording_id": "nope"})).unwrap_err();
    assert_eq!((e.code, e.field.as_deref()), (ErrorCode::NotFound, Some("recording_id")));

    o.call(&operator, "recording.photo", json!({"recording_id": id, "image_base64": b64(&photo_jpeg())})).unwrap();
    o.call(&operator, "recording.signature", json!({"recording_id": id, "image_base64": b64(&signature_png())})).unwrap();
    let media = o.call(&operator, "recording.media", json!({"recording_id": id})).unwrap();
    let decode = |v: &Value| base64::engine::general_purpose::STANDARD.decode(v.as_str().unwrap()).unwrap();
    let photo = image::load_from_memory_with_format(&decode(&media["photo_base64"]), image::ImageFormat::Jpeg).unwrap();
    assert_eq!((photo.width(), photo.height()), (300, 400), "the normalised photo, not the upload");
    let sig = image::load_from_memory_with_format(&decode(&media["signature_base64"]), image::ImageFormat::Png).unwrap();
    assert!(sig.color().has_alpha());

    for stem in ["right_thumb", "right_index", "right_middle", "right_ring", "right_little", "left_thumb", "left_index", "left_middle", "left_ring", "left_little"] {
        std::fs::write(scanner.join(format!("{stem}.png")), ridges(300, 300)).unwrap();
    }
    for stem in ["iris_right", "iris_left"] {
        std::fs::write(scanner.join(format!("{stem}.png")), ridges(400, 300)).unwrap();
    }
    o.call(&operator, "recording.import_biometrics", json!({"recording_id": id})).unwrap();
    let done = o.call(&operator, "recording.finish", json!({"recording_id": id})).unwrap();
    let receipt = done["receipt_number"].as_str().unwrap();
    let status = o.app.call(None, "intake.public_status", json!({"number": receipt.to_lowercase()})).unwrap();
    assert_eq!(status["number"], done["application"]["number"]);
    assert_eq!(status["status"], "recorded");

    // Nobody outside the desk reads a photo.
    let officer = o.staff_with("budi2", &["counter_officer"]);
    assert_eq!(o.call(&officer, "recording.media", json!({"recording_id": id})).unwrap_err().code, ErrorCode::Forbidden);
}
