//! Intake at the counter: biodata checked against the NIK, applications, document checklists,
//! returning an incomplete file and resuming it, on a real SQLite file.

mod common;

use loket::ErrorCode;
use serde_json::{json, Value};

fn biodata() -> Value {
    json!({
        "nik": "6101091708050001", "kk_number": "6101090101050003", "full_name": "Rudi Hartono",
        "sex": "L", "birth_place": "Sambas", "birth_date": "2005-08-17", "blood_type": "o+",
        "religion": "islam", "marital_status": "BELUM KAWIN", "occupation": "PELAJAR/MAHASISWA",
        "education": "SLTA/SEDERAJAT", "citizenship": "WNI", "address": "Jl. Merdeka No. 1",
        "rt": "1", "rw": "2", "village_code": "61.01.09.2002", "mobile": "+62 812-3456-7890"
    })
}

fn outbox_rows(o: &common::Office) -> i64 {
    o.app.store.read(|c| Ok(c.query_row("SELECT COUNT(*) FROM outbox", [], |r| r.get(0))?)).unwrap()
}

#[test]
fn biodata_is_cleaned_and_nik_differences_are_warnings() {
    let o = common::office();
    let officer = o.staff_with("budi", &["counter_officer"]);
    let saved = o.call(&officer, "intake.save_applicant", biodata()).unwrap();
    let b = &saved["applicant"]["biodata"];
    assert_eq!(b["full_name"], "RUDI HARTONO");
    assert_eq!((b["rt"].as_str(), b["rw"].as_str()), (Some("001"), Some("002")));
    assert_eq!(b["mobile"], "081234567890");
    assert_eq!(b["blood_type"], "O+");
    assert_eq!(saved["warnings"], json!([]));
    // Saving again (a double click) updates the same applicant: one row, one NIK.
    let mut changed = biodata();
    changed["birth_date"] = json!("2005-08-18");
    let again = o.call(&officer, "intake.save_applicant", changed).unwrap();
    assert_eq!(again["applicant"]["id"], saved["applicant"]["id"]);
    let w = again["warnings"].as_array().unwrap();
    assert_eq!(w.len(), 1);
    assert!(w[0].as_str().unwrap().contains("tidak berubah"));
    let n: i64 = o.app.store.read(|c| Ok(c.query_row("SELECT COUNT(*) FROM applicant", [], |r| r.get(0))?)).unwrap();
    assert_eq!(n, 1);
    assert_eq!(outbox_rows(&o), 2, "each save is an outbox row in the same transaction");
}

#[test]
fn bad_biodata_names_the_field_and_saves_nothing() {
    let o = common::office();
    let officer = o.staff_with("budi", &["counter_officer"]);
    let cases: Vec<(&str, Value, &str)> = vec![
        ("nik", json!("610109170805000"), "nik"),
        ("nik", json!("9999991708050001"), "nik"),
        ("birth_date", json!("2027-01-01"), "birth_date"),
        ("birth_date", json!("2005-02-30"), "birth_date"),
        ("village_code", json!("61.01.09.9999"), "village_code"),
        ("religion", json!("JEDI"), "religion"),
        ("full_name", json!("Dr. Rudi Hartono"), "full_name"),
        ("mobile", json!("12345"), "mobile"),
        ("kk_number", json!("123"), "kk_number"),
        ("email", json!("rudi@"), "email"),
    ];
    for (key, value, field) in cases {
        let mut form = biodata();
        form[key] = value.clone();
        let e = o.call(&officer, "intake.save_applicant", form).unwrap_err();
        assert_eq!(e.field.as_deref(), Some(field), "{key}={value}: {e:?}");
    }
    let n: i64 = o.app.store.read(|c| Ok(c.query_row("SELECT COUNT(*) FROM applicant", [], |r| r.get(0))?)).unwrap();
    assert_eq!(n, 0);
    assert_eq!(outbox_rows(&o), 0);
}

#[test]
fn under_17_and_never_married_cannot_apply_but_married_can_with_the_marriage_book() {
    let o = common::office();
    let officer = o.staff_with("budi", &["counter_officer"]);
    let mut young = biodata();
    young["nik"] = json!("6101091708120001"); // born 17-08-2012: 14 years old
    young["birth_date"] = json!("2012-08-17");
    o.call(&officer, "intake.save_applicant", young.clone()).unwrap();
    let e = o.call(&officer, "intake.open_application", json!({"nik": "6101091708120001", "kind": "new"})).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("nik"));
    assert!(e.message.contains("17 tahun"), "{}", e.message);

    young["marital_status"] = json!("KAWIN");
    o.call(&officer, "intake.save_applicant", young).unwrap();
    let app = o.call(&officer, "intake.open_application", json!({"nik": "6101091708120001", "kind": "new"})).unwrap();
    let list = o.call(&officer, "intake.checklist", json!({"application_id": app["id"]})).unwrap();
    let codes: Vec<&str> = list["items"].as_array().unwrap().iter().map(|i| i["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["kk", "marriage"]);
}

#[test]
fn an_incomplete_file_is_returned_and_the_same_application_resumes() {
    let o = common::office();
    let officer = o.staff_with("budi", &["counter_officer"]);
    let mut form = biodata();
    form["nik"] = json!("6101095708850002");
    form["sex"] = json!("P");
    form["birth_date"] = json!("1985-08-17");
    form["marital_status"] = json!("KAWIN");
    o.call(&officer, "intake.save_applicant", form).unwrap();
    let app = o.call(&officer, "intake.open_application", json!({"nik": "6101095708850002", "kind": "lost"})).unwrap();
    assert!(app["number"].as_str().unwrap().starts_with("PMH-20261123-"));
    // A second application for the same NIK is refused while this one is open.
    let e = o.call(&officer, "intake.open_application", json!({"nik": "6101095708850002", "kind": "damaged"})).unwrap_err();
    assert_eq!(e.code, ErrorCode::Conflict);
    let id = app["id"].clone();
    let list = o.call(&officer, "intake.checklist", json!({"application_id": id})).unwrap();
    let ids: Vec<i64> = list["items"].as_array().unwrap().iter().map(|i| i["requirement_id"].as_i64().unwrap()).collect();
    assert_eq!(list["items"][1]["code"], "police_letter");
    o.call(&officer, "intake.check_requirement", json!({"application_id": id, "requirement_id": ids[0], "status": "present"})).unwrap();
    let e = o.call(&officer, "intake.check_requirement", json!({"application_id": id, "requirement_id": ids[1], "status": "invalid"})).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("note"), "not valid needs a reason");
    o.call(&officer, "intake.check_requirement", json!({"application_id": id, "requirement_id": ids[1], "status": "missing", "note": "Belum lapor polisi"})).unwrap();
    let e = o.call(&officer, "intake.complete_checks", json!({"application_id": id})).unwrap_err();
    assert!(e.message.contains("kepolisian"), "{}", e.message);
    let returned = o.call(&officer, "intake.return_application", json!({"application_id": id})).unwrap();
    assert_eq!(returned["application"]["status"], "returned");
    // The kiosk shows the status by number, without personal data.
    let status = o.app.call(None, "intake.public_status", json!({"number": app["number"]})).unwrap();
    assert_eq!(status["status"], "returned");
    assert!(status.get("full_name").is_none());

    // Back with the police letter (a scan attached): the same application resumes and completes.
    let pdf = base64_encode(b"%PDF-1.4 surat kehilangan");
    o.call(&officer, "intake.check_requirement", json!({"application_id": id, "requirement_id": ids[1], "status": "present", "scan_base64": pdf})).unwrap();
    let done = o.call(&officer, "intake.complete_checks", json!({"application_id": id})).unwrap();
    assert_eq!(done["application"]["status"], "ready_to_record");
    let statuses: Vec<&str> = done["application"]["timeline"].as_array().unwrap().iter().map(|t| t["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["checking", "returned", "ready_to_record"]);
    // Found by NIK, by name and by number.
    for q in ["6101095708850002", "hartono", app["number"].as_str().unwrap()] {
        let found = o.call(&officer, "intake.find", json!({"query": q})).unwrap();
        assert_eq!(found["items"][0]["id"], id, "{q}");
    }
    // A scan that is not an image or PDF is refused by field.
    let e = o.call(&officer, "intake.check_requirement", json!({"application_id": id, "requirement_id": ids[1], "status": "present", "scan_base64": base64_encode(b"GIF89a")})).unwrap_err();
    assert!(e.field.as_deref() == Some("scan_base64") || e.code == ErrorCode::Conflict, "{e:?}");
}

fn base64_encode(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[test]
fn the_return_slip_lists_what_is_missing_as_a5_and_roll_pdf() {
    let o = common::office();
    let officer = o.staff_with("budi", &["counter_officer"]);
    o.call(&officer, "intake.save_applicant", biodata()).unwrap();
    let app = o.call(&officer, "intake.open_application", json!({"nik": "6101091708050001", "kind": "damaged"})).unwrap();
    let id = app["id"].as_str().unwrap().to_string();
    let list = o.call(&officer, "intake.checklist", json!({"application_id": id})).unwrap();
    let kk = list["items"][0]["requirement_id"].clone();
    let card = list["items"][1]["requirement_id"].clone();
    o.call(&officer, "intake.check_requirement", json!({"application_id": id, "requirement_id": kk, "status": "invalid", "note": "Fotokopi tidak terbaca"})).unwrap();
    o.call(&officer, "intake.check_requirement", json!({"application_id": id, "requirement_id": card, "status": "missing"})).unwrap();
    let hub = common::hub(o.app.clone());
    let url = format!("{}/api/v1/files/intake.return_slip?application_id={id}", hub.url);
    // Not returned yet: refused.
    let r = common::http().get(&url).bearer_auth(&officer).send().unwrap();
    assert_eq!(r.status(), 409);
    o.call(&officer, "intake.return_application", json!({"application_id": id})).unwrap();
    assert_eq!(common::http().get(&url).send().unwrap().status(), 401);
    let dir = tempfile::tempdir().unwrap();
    for (paper, width_pt) in [("a5", 419.53), ("80", 226.77)] {
        let r = common::http().get(format!("{url}&paper={paper}")).bearer_auth(&officer).send().unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["content-type"], "application/pdf");
        assert_eq!(r.headers()["cache-control"], "no-store");
        let disposition = r.headers()["content-disposition"].to_str().unwrap().to_string();
        assert_eq!(disposition, format!("inline; filename=\"tanda-pengembalian-{}-{paper}.pdf\"", app["number"].as_str().unwrap()));
        let pdf = dir.path().join(format!("slip-{paper}.pdf"));
        std::fs::write(&pdf, r.bytes().unwrap()).unwrap();
        let info = String::from_utf8(std::process::Command::new("pdfinfo").arg(&pdf).output().unwrap().stdout).unwrap();
        let size = info.lines().find(|l| l.starts_with("Page size:")).unwrap();
        let w: f64 = size.split_whitespace().nth(2).unwrap().parse().unwrap();
        assert!((w - width_pt).abs() < 1.0, "{paper}: {size}");
        let text = String::from_utf8(std::process::Command::new("pdftotext").arg(&pdf).arg("-").output().unwrap().stdout).unwrap();
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        for needle in ["RUDI HARTONO", "6101091708050001", "Fotokopi Kartu Keluarga", "Tidak sah", "KTP-el yang rusak", app["number"].as_str().unwrap()] {
            assert!(flat.contains(needle), "{paper}: {needle} missing in {flat}");
        }
        let png = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("target/documents/http-return-slip-{paper}"));
        std::fs::create_dir_all(png.parent().unwrap()).unwrap();
        let ok = std::process::Command::new("pdftoppm").args(["-png", "-r", "90", "-singlefile"]).arg(&pdf).arg(&png).status().unwrap();
        assert!(ok.success());
    }
}

#[test]
fn a_supervisor_edits_requirements_and_new_applications_follow() {
    let o = common::office();
    let sup = o.staff_with("sari", &["supervisor"]);
    let officer = o.staff_with("budi", &["counter_officer"]);
    let e = o.call(&officer, "intake.requirement_save", json!({"kind": "new", "code": "akta", "name": "Akta kelahiran", "condition": "always", "active": true})).unwrap_err();
    assert_eq!(e.code, ErrorCode::Forbidden);
    let e = o.call(&sup, "intake.requirement_save", json!({"kind": "new", "code": "akta lahir", "name": "Akta kelahiran", "condition": "always", "active": true})).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("code"));
    o.call(&sup, "intake.requirement_save", json!({"kind": "new", "code": "akta", "name": "Fotokopi akta kelahiran", "condition": "always", "active": true})).unwrap();
    o.call(&officer, "intake.save_applicant", biodata()).unwrap();
    let app = o.call(&officer, "intake.open_application", json!({"nik": "6101091708050001", "kind": "new"})).unwrap();
    let list = o.call(&officer, "intake.checklist", json!({"application_id": app["id"]})).unwrap();
    let codes: Vec<&str> = list["items"].as_array().unwrap().iter().map(|i| i["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["kk", "akta"]);
}
