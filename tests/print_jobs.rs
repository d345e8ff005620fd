//! Print jobs in the store, each step as the print station takes it (the printer and the encoder
//! are driven in tests/printing.rs against real processes): only print-ready records print, one
//! open job per record, the blank is held from "printing" until done or spoiled, an encoder failure
//! spoils it with "gagal encoding" and puts the record back, reprints need a reason and — for a card
//! that exists — a supervisor, and a restart leaves interrupted jobs for the operator to resolve.

mod common;

use loket::printing::jobs::{self, ReprintReason, StartRequest};
use loket::printing::machine::{JobState, Step};
use loket::stock::BlankState;
use loket::sync::wire::{Change, ChangeKind};
use loket::ErrorCode;
use serde_json::{json, Value};

struct Station {
    o: common::Office,
    sup: String,
    operator: String,
    printer_id: i64,
    recordings: Vec<String>,
}

/// An office with 10 blanks, one card printer, and `n` finished recordings of which the first
/// `prr` were answered PRINT_READY_RECORD by central (through the office's own pull code).
fn station(n: usize, prr: usize) -> Station {
    let o = common::office();
    o.long_sessions();
    let sup = o.staff_with("sari", &["supervisor"]);
    let operator = o.staff_with("pono", &["print_operator"]);
    o.call(&sup, "stock.receive", json!({"report_number": "BA-1", "received_on": "2026-11-23", "blank_version": "V1",
        "serial_from": "KTP-0001", "serial_to": "KTP-0010"})).unwrap();
    let p = o.call(&sup, "printing.printer_save", json!({"name": "Evolis Primacy", "uri": "ipp://127.0.0.1:8631/ipp/print",
        "offset_x_mm": 0.5, "offset_y_mm": -0.25, "active": true})).unwrap();
    let people: Vec<loket::sync::backlog::Person> = (0..n)
        .map(|i| loket::sync::backlog::Person {
            nik: format!("61010917080500{:02}", i + 1),
            full_name: format!("WARGA NOMOR {}", i + 1),
            sex: "L".into(),
            birth_place: "SAMBAS".into(),
            birth_date: "2005-08-17".into(),
        })
        .collect();
    if n > 0 {
        loket::sync::backlog::seed(&o.app, &people, n, 7).unwrap();
    }
    let recordings: Vec<String> = o.app.store.read(|c| Ok(c.prepare("SELECT id FROM recording ORDER BY receipt_number")?
        .query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?)).unwrap();
    let changes: Vec<Change> = recordings[..prr].iter().enumerate().map(|(i, id)| Change {
        cursor: i as i64 + 1,
        what: ChangeKind::RecordingStatus { recording_id: id.clone(), status: "PRINT_READY_RECORD".into(), reason: None },
    }).collect();
    let now = o.app.now();
    o.app.store.write(move |c| loket::sync::pull::apply(c, now, &changes)).unwrap();
    Station { printer_id: p["id"].as_i64().unwrap(), o, sup, operator, recordings }
}

impl Station {
    fn caller(&self, token: &str) -> loket::auth::Caller {
        loket::auth::authenticate(&self.o.app, token, true).unwrap()
    }

    fn claim(&self, recording: usize, serial: &str, reprint: Option<ReprintReason>) -> loket::Result<jobs::JobView> {
        let req = StartRequest { recording_id: self.recordings[recording].clone(), serial: serial.into(), printer_id: self.printer_id, reprint_reason: reprint, reprint_note: None };
        let (now, caller) = (self.o.app.now(), self.caller(&self.operator));
        self.o.app.store.write(move |c| jobs::claim(c, now, &caller, &req))
    }

    /// A step the printer or the encoder causes (no person behind it).
    fn machine(&self, job: &str, from: JobState, s: Step) -> Option<jobs::JobView> {
        let (now, job) = (self.o.app.now(), job.to_string());
        self.o.app.store.write(move |c| jobs::claim_state(c, now, &job, from, &s, None)).unwrap()
    }

    fn blank(&self, serial: &str) -> (BlankState, Option<String>) {
        self.o.app.store.read(|c| Ok(loket::stock::blank(c, serial)?.map(|b| (b.state, b.held_by_job)).unwrap())).unwrap()
    }

    fn queue(&self, search: Option<&str>) -> Value {
        self.o.call(&self.operator, "printing.queue", json!({"search": search})).unwrap()
    }
}

#[test]
fn only_print_ready_records_print_and_one_job_per_record() {
    let s = station(3, 2);
    // The third recording is still BIO_CAPTURED: refused with its status, no blank touched.
    let e = s.claim(2, "KTP-0001", None).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("recording_id"));
    assert!(e.message.contains("BIO_CAPTURED"), "{}", e.message);
    assert_eq!(s.blank("KTP-0001"), (BlankState::InStock, None));
    // Searching it by receipt number tells why it is not in the queue.
    let receipt: String = s.o.app.store.read(|c| Ok(c.query_row("SELECT receipt_number FROM recording WHERE id = ?1", [&s.recordings[2]], |r| r.get(0))?)).unwrap();
    let q = s.queue(Some(&receipt));
    assert_eq!(q["items"], json!([]));
    assert!(q["not_printable"].as_str().unwrap().contains("BIO_CAPTURED"), "{q}");

    let q = s.queue(None);
    assert_eq!(q["items"].as_array().unwrap().len(), 2, "{q}");
    assert_eq!(q["today"]["waiting"], 2);

    // A serial not in stock, then a good one.
    let e = s.claim(0, "KTP-9999", None).unwrap_err();
    assert!(e.message.contains("KTP-9999"), "{}", e.message);
    let job = s.claim(0, "ktp-0001", None).unwrap();
    assert_eq!(job.state, JobState::Printing);
    assert_eq!(s.blank("KTP-0001"), (BlankState::InStock, Some(job.id.clone())), "held, still counted in stock");
    // A double click: the same record again is refused, naming the open job; no second blank held.
    let e = s.claim(0, "KTP-0002", None).unwrap_err();
    assert_eq!(e.code, ErrorCode::Conflict);
    assert_eq!(s.blank("KTP-0002"), (BlankState::InStock, None));
    // Another record cannot take the blank already in the printer.
    let e = s.claim(1, "KTP-0001", None).unwrap_err();
    assert!(e.message.contains("KTP-0001"), "{}", e.message);
    // The record with an open job stays in the queue, showing the job.
    let q = s.queue(None);
    assert_eq!(q["items"][0]["open_job"]["state"], "printing");

    // Printer done → chip written → the operator checks → done; the blank is printed.
    s.machine(&job.id, JobState::Printing, Step::PrinterDone).unwrap();
    assert!(s.machine(&job.id, JobState::Printing, Step::PrinterDone).is_none(), "a second poll changes nothing");
    s.machine(&job.id, JobState::Personalising, Step::Encoded).unwrap();
    let done = s.o.call(&s.operator, "printing.confirm", json!({"job_id": job.id})).unwrap();
    assert_eq!(done["state"], "done");
    assert_eq!(s.blank("KTP-0001").0, BlankState::Printed);
    let q = s.queue(None);
    assert_eq!(q["items"].as_array().unwrap().len(), 1, "the printed record left the queue");
    // Searched by name, it is found again with its card counted: a reprint starts there.
    let found = s.queue(Some("warga nomor 1"));
    let printed = found["items"].as_array().unwrap().iter().find(|i| i["recording_id"] == s.recordings[0].as_str()).unwrap();
    assert_eq!(printed["cards_printed"], 1, "{found}");
    assert_eq!(q["today"]["printed"], 1);
    // The kiosk's timeline note.
    let timeline = s.o.app.store.read(|c| Ok(c.query_row(
        "SELECT COUNT(*) FROM application_event e JOIN recording r ON r.application_id = e.application_id WHERE r.id = ?1 AND e.note LIKE 'KTP-el sudah dicetak%'",
        [&s.recordings[0]], |r| r.get::<_, i64>(0))?)).unwrap();
    assert_eq!(timeline, 1);
}

#[test]
fn an_encoder_failure_spoils_the_blank_and_the_record_goes_back() {
    let s = station(1, 1);
    let job = s.claim(0, "KTP-0003", None).unwrap();
    s.machine(&job.id, JobState::Printing, Step::PrinterDone).unwrap();
    let spoiled = s.machine(&job.id, JobState::Personalising, Step::EncodeFailed).unwrap();
    assert_eq!(spoiled.state, JobState::Spoiled);
    assert_eq!(spoiled.cause, Some(loket::stock::SpoilCause::GagalEncoding));
    assert_eq!(s.blank("KTP-0003"), (BlankState::Spoiled, None));
    let q = s.queue(None);
    assert_eq!(q["items"][0]["last_spoiled"], true);
    // Printing it again needs the reason, but no supervisor: no card exists.
    let e = s.claim(0, "KTP-0004", None).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("reprint_reason"));
    let again = s.claim(0, "KTP-0004", Some(ReprintReason::SpoiledInPrint)).unwrap();
    assert_eq!(again.state, JobState::Printing);
    assert!(!again.needs_approval);
    // The operator spoils this one at the check: the corner must be cut.
    s.machine(&again.id, JobState::Printing, Step::PrinterDone).unwrap();
    s.machine(&again.id, JobState::Personalising, Step::Encoded).unwrap();
    let e = s.o.call(&s.operator, "printing.spoil", json!({"job_id": again.id, "cause": "salah_cetak", "corner_cut": false})).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("corner_cut"));
    assert_eq!(s.blank("KTP-0004").0, BlankState::InStock, "refused: nothing changed");
    s.o.call(&s.operator, "printing.spoil", json!({"job_id": again.id, "cause": "salah_cetak", "corner_cut": true})).unwrap();
    assert_eq!(s.blank("KTP-0004").0, BlankState::Spoiled);
    let summary = s.o.call(&s.sup, "stock.summary", json!({})).unwrap();
    assert_eq!(summary["counts"]["spoiled"], 2);
    assert_eq!(summary["counts"]["in_stock"], 8);
}

#[test]
fn a_reprint_of_a_card_that_exists_needs_a_reason_and_a_supervisor() {
    let s = station(1, 1);
    let job = s.claim(0, "KTP-0005", None).unwrap();
    s.machine(&job.id, JobState::Printing, Step::PrinterDone).unwrap();
    s.machine(&job.id, JobState::Personalising, Step::Encoded).unwrap();
    s.o.call(&s.operator, "printing.confirm", json!({"job_id": job.id})).unwrap();

    let e = s.claim(0, "KTP-0006", None).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("reprint_reason"));
    let pending = s.claim(0, "KTP-0006", Some(ReprintReason::Lost)).unwrap();
    assert_eq!(pending.state, JobState::Queued, "waits for a supervisor");
    assert!(pending.message.as_deref().unwrap().contains("persetujuan supervisor"));
    assert_eq!(s.blank("KTP-0006"), (BlankState::InStock, None), "no blank held while waiting for approval");
    // Pressing print again before the approval changes nothing.
    assert_eq!(s.claim(0, "KTP-0006", Some(ReprintReason::Lost)).unwrap().state, JobState::Queued);
    let waiting = s.queue(None)["items"][0]["open_job"].clone();
    assert_eq!(waiting["needs_approval"], true);
    let job_id = waiting["id"].as_str().unwrap();
    // The operator cannot approve their own reprint; the supervisor can.
    assert_eq!(s.o.call(&s.operator, "printing.approve_reprint", json!({"job_id": job_id})).unwrap_err().code, ErrorCode::Forbidden);
    let approved = s.o.call(&s.sup, "printing.approve_reprint", json!({"job_id": job_id})).unwrap();
    assert_eq!(approved["approved_by"], "Pegawai sari");
    let reprint = s.claim(0, "KTP-0006", Some(ReprintReason::Lost)).unwrap();
    assert_eq!(reprint.id, job_id, "the approved job is the one that prints");
    assert_eq!(reprint.state, JobState::Printing);
}

#[test]
fn a_restart_mid_job_leaves_it_interrupted_and_the_operator_says_what_happened() {
    let s = station(2, 2);
    let a = s.claim(0, "KTP-0007", None).unwrap();
    let b = s.claim(1, "KTP-0008", None).unwrap();
    s.machine(&b.id, JobState::Printing, Step::PrinterDone).unwrap();
    // The hub restarts (what `loket serve` does at start).
    let now = s.o.app.now();
    assert_eq!(s.o.app.store.write(move |c| jobs::recover(c, now)).unwrap(), 2);
    for id in [&a.id, &b.id] {
        let j = s.o.app.store.read(|c| jobs::job(c, id)).unwrap();
        assert_eq!(j.state, JobState::Interrupted);
        assert!(j.message.unwrap().contains("Periksa blangko"));
    }
    assert_eq!(s.blank("KTP-0007").1.as_deref(), Some(a.id.as_str()), "the blank stays with its job, not lost");
    // The first blank never went in: back in the drawer; the job waits again.
    let r = s.o.call(&s.operator, "printing.resolve", json!({"job_id": a.id, "blank": "unused"})).unwrap();
    assert_eq!(r["state"], "queued");
    assert_eq!(s.blank("KTP-0007"), (BlankState::InStock, None));
    // The second card came out fine: check it and finish.
    let r = s.o.call(&s.operator, "printing.resolve", json!({"job_id": b.id, "blank": "good"})).unwrap();
    assert_eq!(r["state"], "checking");
    s.o.call(&s.operator, "printing.confirm", json!({"job_id": b.id})).unwrap();
    assert_eq!(s.blank("KTP-0008").0, BlankState::Printed);
    // Out-of-order steps are refused with the job's state.
    let e = s.o.call(&s.operator, "printing.confirm", json!({"job_id": a.id})).unwrap_err();
    assert_eq!(e.code, ErrorCode::Conflict);
    assert!(e.message.contains("Menunggu cetak"), "{}", e.message);
    // Every step is in the audit trail.
    let audit = s.o.call(&s.sup, "audit.list", json!({})).unwrap().to_string();
    assert!(audit.contains("print_job") && audit.contains("interrupted"), "audit lacks the job steps");
}

#[test]
fn printers_are_checked_when_saved() {
    let s = station(0, 0);
    let bad = |body: Value, field: &str| {
        let e = s.o.call(&s.sup, "printing.printer_save", body).unwrap_err();
        assert_eq!(e.field.as_deref(), Some(field), "{e:?}");
    };
    bad(json!({"name": "", "uri": "ipp://x:631/ipp/print", "offset_x_mm": 0, "offset_y_mm": 0, "active": true}), "name");
    bad(json!({"name": "A", "uri": "lpt1", "offset_x_mm": 0, "offset_y_mm": 0, "active": true}), "uri");
    bad(json!({"name": "A", "uri": "ipp://x:631/ipp/print", "offset_x_mm": 7.5, "offset_y_mm": 0, "active": true}), "offset_x_mm");
    bad(json!({"name": "Evolis Primacy", "uri": "ipp://x:631/ipp/print", "offset_x_mm": 0, "offset_y_mm": 0, "active": true}), "name");
    assert_eq!(s.o.call(&s.operator, "printing.printer_save", json!({"name": "B", "uri": "ipp://x:631/ipp/print", "offset_x_mm": 0, "offset_y_mm": 0, "active": true})).unwrap_err().code, ErrorCode::Forbidden);
    let list = s.o.call(&s.operator, "printing.printers", json!({})).unwrap();
    assert_eq!(list["items"][0]["offset_y_mm"], -0.25);
}
