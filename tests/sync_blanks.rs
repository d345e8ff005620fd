//! Blank card events go to central through the outbox (issue 10): every change of a blank writes
//! one `blank_event` row with its own record id in the transaction that made the change, and a
//! refused step writes none.

mod common;

use loket::printing::jobs::{self, StartRequest};
use loket::printing::machine::{JobState, Step};
use loket::sync::wire::{Change, ChangeKind};
use loket::ErrorCode;
use serde_json::{json, Value};

/// The office's blank_event outbox rows, oldest first: (record id, created_at, payload).
fn blank_rows(o: &common::Office) -> Vec<(String, String, Value)> {
    o.app
        .store
        .read(|c| {
            let rows = c
                .prepare("SELECT record_id, created_at, payload FROM outbox WHERE kind = 'blank_event' ORDER BY seq")?
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, serde_json::from_str(&r.get::<_, String>(2)?).unwrap())))?
                .collect::<rusqlite::Result<_>>()?;
            Ok(rows)
        })
        .unwrap()
}

/// One recording central answered PRINT_READY_RECORD, and a card printer: (recording id, printer id).
fn print_ready(o: &common::Office, sup: &str, nik: &str) -> (String, i64) {
    let person = loket::sync::backlog::Person {
        nik: nik.into(),
        full_name: "WARGA UJI CETAK".into(),
        sex: "L".into(),
        birth_place: "SAMBAS".into(),
        birth_date: "2005-08-17".into(),
    };
    loket::sync::backlog::seed(&o.app, &[person], 1, 7).unwrap();
    let recording: String = o.app.store.read(|c| Ok(c.query_row("SELECT id FROM recording", [], |r| r.get(0))?)).unwrap();
    let ready = vec![Change {
        cursor: 1,
        what: ChangeKind::RecordingStatus { recording_id: recording.clone(), status: "PRINT_READY_RECORD".into(), reason: None },
    }];
    let now = o.app.now();
    o.app.store.write(move |c| loket::sync::pull::apply(c, now, &ready)).unwrap();
    let printer = o.call(sup, "printing.printer_save", json!({"name": "Evolis Primacy", "uri": "ipp://127.0.0.1:8631/ipp/print",
        "offset_x_mm": 0.0, "offset_y_mm": 0.0, "active": true})).unwrap();
    (recording, printer["id"].as_i64().unwrap())
}

/// Claims `serial` for the recording's job as the operator: the job is printing.
fn claim(o: &common::Office, operator: &str, recording: &str, serial: &str, printer_id: i64) -> jobs::JobView {
    let caller = loket::auth::authenticate(&o.app, operator, true).unwrap();
    let req = StartRequest { recording_id: recording.into(), serial: serial.into(), printer_id, reprint_reason: None, reprint_note: None };
    let now = o.app.now();
    o.app.store.write(move |c| jobs::claim(c, now, &caller, &req)).unwrap()
}

#[test]
fn receiving_printing_and_spoiling_write_one_outbox_row_per_event_and_refusals_write_none() {
    let (o, sup, operator) = common::stock_office();
    let at = loket::clock::to_db(o.app.now());

    let (recording, printer_id) = print_ready(&o, &sup, "6101091708050001");
    let now = o.app.now();
    assert!(blank_rows(&o).is_empty(), "no blank has moved yet");

    // Three blanks received: three rows, each with the berita acara.
    o.call(&sup, "stock.receive", json!({"report_number": "BA-7/2026", "received_on": "2026-11-23", "blank_version": "V2024",
        "serial_from": "KTP-0001", "serial_to": "KTP-0003"})).unwrap();
    // Refused (overlapping serials; the same berita acara): nothing more.
    o.call(&sup, "stock.receive", json!({"report_number": "BA-8/2026", "received_on": "2026-11-23", "blank_version": "V2024",
        "serial_from": "KTP-0003", "serial_to": "KTP-0004"})).unwrap_err();
    assert_eq!(blank_rows(&o).len(), 3);

    // Printing KTP-0001 through the print job: claiming holds the blank (no event), the printer
    // and the encoder move the job, the operator confirms: one `printed` row naming the job.
    let job = claim(&o, &operator, &recording, "KTP-0001", printer_id);
    let machine = |from: JobState, s: Step| {
        let id = job.id.clone();
        o.app.store.write(move |c| jobs::claim_state(c, now, &id, from, &s, None)).unwrap().expect("the step applies");
    };
    machine(JobState::Printing, Step::PrinterDone);
    let id = job.id.clone();
    o.app.store.write(move |c| jobs::set_chip_uid(c, &id, "04A1B2C3D4E5F6")).unwrap();
    machine(JobState::Personalising, Step::Encoded);
    assert_eq!(blank_rows(&o).len(), 3, "a blank held by a job has not changed state");
    o.call(&operator, "printing.confirm", json!({"job_id": job.id})).unwrap();
    // Confirmed twice: refused, nothing written.
    assert_eq!(o.call(&operator, "printing.confirm", json!({"job_id": job.id})).unwrap_err().code, ErrorCode::Conflict);

    // KTP-0002 found damaged in the drawer: refused without the corner cut, then spoiled.
    o.call(&operator, "stock.spoil_blank", json!({"serial": "KTP-0002", "cause": "rusak_fisik", "corner_cut": false})).unwrap_err();
    o.call(&operator, "stock.spoil_blank", json!({"serial": "KTP-0002", "cause": "rusak_fisik", "corner_cut": true})).unwrap();

    // Returning KTP-0003 together with the printed KTP-0001 is refused as a whole: KTP-0003's
    // event and its outbox row, written before the refusal, go with the transaction.
    let e = o.call(&sup, "stock.dispose", json!({"serials": ["KTP-0003", "KTP-0001"], "disposal": "returned",
        "report_number": "BA-R/1", "witnesses": "Ani, Budi"})).unwrap_err();
    assert!(e.message.contains("KTP-0001"), "{}", e.message);
    let events: i64 = o.app.store.read(|c| Ok(c.query_row("SELECT COUNT(*) FROM blank_event", [], |r| r.get(0))?)).unwrap();
    assert_eq!(events, 5, "three received, one printed, one spoiled");

    let rows = blank_rows(&o);
    let payloads: Vec<&Value> = rows.iter().map(|(_, _, p)| p).collect();
    let received = |serial: &str| json!({"serial": serial, "event": "received", "from_state": null, "at": at, "report_number": "BA-7/2026"});
    assert_eq!(payloads, [
        &received("KTP-0001"),
        &received("KTP-0002"),
        &received("KTP-0003"),
        &json!({"serial": "KTP-0001", "event": "printed", "from_state": "in_stock", "at": at,
                "recording_id": recording, "job_id": job.id, "chip_uid": "04A1B2C3D4E5F6"}),
        &json!({"serial": "KTP-0002", "event": "spoiled", "from_state": "in_stock", "at": at, "cause": "rusak_fisik"}),
    ]);
    // Each event is its own record (a UUIDv7 central dedups on), queued at the event's time.
    let ids: std::collections::BTreeSet<&str> = rows.iter().map(|(id, _, _)| id.as_str()).collect();
    assert_eq!(ids.len(), 5);
    for (id, created_at, _) in &rows {
        assert_eq!(uuid::Uuid::parse_str(id).unwrap().get_version_num(), 7, "{id}");
        assert_eq!(created_at, &at);
    }

    // A return with its berita acara, and a spoiled card destroyed: the report number goes along.
    o.call(&sup, "stock.dispose", json!({"serials": ["KTP-0003"], "disposal": "returned", "report_number": "BA-R/2", "witnesses": "Ani, Budi"})).unwrap();
    o.call(&sup, "stock.dispose", json!({"serials": ["KTP-0002"], "disposal": "destroyed", "report_number": "BA-M/1", "witnesses": "Ani, Budi"})).unwrap();
    let rows = blank_rows(&o);
    assert_eq!(rows[5].2, json!({"serial": "KTP-0003", "event": "returned", "from_state": "in_stock", "at": at, "report_number": "BA-R/2"}));
    assert_eq!(rows[6].2, json!({"serial": "KTP-0002", "event": "destroyed", "from_state": "spoiled", "at": at, "report_number": "BA-M/1"}));
    assert_eq!(rows.len(), 7);
}

#[test]
fn an_encoder_failure_in_a_job_sends_the_spoiled_blank_with_its_recording() {
    let o = common::office();
    let sup = o.staff_with("sari", &["supervisor"]);
    let operator = o.staff_with("pono", &["print_operator"]);
    let (recording, printer_id) = print_ready(&o, &sup, "6101091708050002");
    let now = o.app.now();
    o.call(&sup, "stock.receive", json!({"report_number": "BA-9", "received_on": "2026-11-23", "blank_version": "V2024",
        "serials": ["KTP-0100"]})).unwrap();
    let job = claim(&o, &operator, &recording, "KTP-0100", printer_id);
    for (from, s) in [(JobState::Printing, Step::PrinterDone), (JobState::Personalising, Step::EncodeFailed)] {
        let id = job.id.clone();
        o.app.store.write(move |c| jobs::claim_state(c, now, &id, from, &s, Some("chip tidak menjawab"))).unwrap().unwrap();
    }
    let rows = blank_rows(&o);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1].2, json!({"serial": "KTP-0100", "event": "spoiled", "from_state": "in_stock", "at": loket::clock::to_db(now),
        "cause": "gagal_encoding", "recording_id": recording, "job_id": job.id}));
}
