//! The office hub (in this process) against a real `loket-central` process, for blank cards
//! (issue 10): the office receives blanks, prints a card through the print job path, spoils and
//! returns blanks, syncs, and central's `status` shows that kecamatan's cards and stock.
//! Runs against SQLite always and against PostgreSQL when `LOKET_TEST_DATABASE_URL` is set.

mod support;

use chrono::{Duration, Utc};
use loket::printing::jobs::{self, StartRequest};
use loket::printing::machine::{JobState, Step};
use serde_json::json;
use support::backends;
use support::office::{call, enrolled, staff};
use support::processes;

const OFFICE: &str = "61.01.09";

#[test]
fn an_offices_received_printed_spoiled_and_returned_blanks_show_in_centrals_status() {
    let root = tempfile::tempdir().unwrap();
    for (n, backend) in backends(root.path()).into_iter().enumerate() {
        let registry = root.path().join(format!("registry-{n}.csv"));
        processes::central_cli(&backend, &["registry", "generate", "--count", "2", "--office", OFFICE, "--seed", "5", "--out", registry.to_str().unwrap()]);
        processes::central_cli(&backend, &["registry", "import", registry.to_str().unwrap()]);
        let central = processes::central(&backend, "127.0.0.1:0");

        let (app, admin, sup) = enrolled(&root.path().join(format!("office-{n}")), OFFICE, &backend, &central);
        let operator = staff(&app, &admin, "pono", "print_operator");

        // One recording of a registered person: central answers PRINT_READY_RECORD.
        let people = loket::sync::backlog::read_people(&registry).unwrap();
        loket::sync::backlog::seed(&app, &people[..1], 1, 1).unwrap();
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(loket::sync::cycle(&app)).unwrap();
        let recording: String = app
            .store
            .read(|c| Ok(c.query_row("SELECT id FROM recording WHERE status = 'print_ready_record'", [], |r| r.get(0))?))
            .unwrap();

        // Four blanks in (office-local today, WIB): one printed through the print job, one spoiled
        // and then destroyed, one returned unused, one left in the drawer.
        let today = (Utc::now() + Duration::hours(7)).format("%Y-%m-%d").to_string();
        call(&app, &sup, "stock.receive", json!({"report_number": "BA-12/2026", "received_on": today, "blank_version": "V2024",
            "serial_from": "KTP-0000101", "serial_to": "KTP-0000104"}));
        let printer = call(&app, &sup, "printing.printer_save", json!({"name": "Evolis Primacy", "uri": "ipp://127.0.0.1:8631/ipp/print",
            "offset_x_mm": 0.0, "offset_y_mm": 0.0, "active": true}));
        let caller = loket::auth::authenticate(&app, &operator, true).unwrap();
        let req = StartRequest { recording_id: recording.clone(), serial: "KTP-0000101".into(), printer_id: printer["id"].as_i64().unwrap(), reprint_reason: None, reprint_note: None };
        let now = app.now();
        let job = app.store.write(move |c| jobs::claim(c, now, &caller, &req)).unwrap();
        let id = job.id.clone();
        app.store
            .write(move |c| {
                jobs::claim_state(c, now, &id, JobState::Printing, &Step::PrinterDone, None)?;
                jobs::set_chip_uid(c, &id, "04A1B2C3D4E5F6")?;
                jobs::claim_state(c, now, &id, JobState::Personalising, &Step::Encoded, None)
            })
            .unwrap();
        call(&app, &operator, "printing.confirm", json!({"job_id": job.id}));
        call(&app, &operator, "stock.spoil_blank", json!({"serial": "KTP-0000102", "cause": "rusak_fisik", "corner_cut": true}));
        call(&app, &sup, "stock.dispose", json!({"serials": ["KTP-0000103"], "disposal": "returned", "report_number": "BA-R/12", "witnesses": "Ani, Budi"}));
        call(&app, &sup, "stock.dispose", json!({"serials": ["KTP-0000102"], "disposal": "destroyed", "report_number": "BA-M/12", "witnesses": "Ani, Budi"}));

        let report = rt.block_on(loket::sync::cycle(&app)).unwrap();
        assert_eq!((report.sent, report.quarantined), (8, 0), "[{backend:?}] 4 received, printed, spoiled, returned, destroyed: {report:?}");
        let status = call(&app, &sup, "sync.status", json!({}));
        assert_eq!(status["waiting"], 0, "{status}");

        let text = processes::central_cli(&backend, &["status", "--office", OFFICE]);
        assert!(
            text.contains(&format!(
                "{OFFICE}  diterima 4  dicetak 1 (KTP-el untuk 1 perekaman)  rusak 1 (rusak_fisik 1)  dikembalikan 1  dimusnahkan 1  di gudang 1"
            )),
            "[{backend:?}] {text}"
        );
        assert!(text.contains("blank_event") && !text.contains("belum diterima pusat"), "{text}");
        // The office's own count agrees.
        let summary = call(&app, &sup, "stock.summary", json!({}));
        assert_eq!(summary["counts"]["in_stock"], 1, "{summary}");
        drop(central);
    }
}
