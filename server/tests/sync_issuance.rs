//! The office hub (in this process) against a real `loket-central` process, for card hand-overs
//! and Suket: `issuance_event` rows queued with `loket::sync::enqueue`, the way `handover` and
//! `suket` queue them, reach central through a real sync; central's `status` counts them per
//! kecamatan, and the one central refuses waits in the office's quarantine under a readable label.
//! Runs against SQLite always and against PostgreSQL when `LOKET_TEST_DATABASE_URL` is set.

mod support;

use chrono::Duration;
use serde_json::{json, Value};
use support::backends;
use support::office::{call, enrolled};
use support::processes;

const OFFICE: &str = "61.01.09";
const NIK: &str = "6101091708050001";

#[test]
fn hand_overs_and_suket_queued_at_the_office_show_in_centrals_status() {
    let root = tempfile::tempdir().unwrap();
    for (n, backend) in backends(root.path()).into_iter().enumerate() {
        let central = processes::central(&backend, "127.0.0.1:0");
        let (app, _, sup) = enrolled(&root.path().join(format!("office-{n}")), OFFICE, &backend, &central);

        let now = app.now();
        let at = loket::clock::to_db(now);
        let day = |d: i64| (now + Duration::days(d)).format("%Y-%m-%d").to_string();
        let suket = |event: &str, number: &str, extra: Value| {
            let mut p = json!({"event": event, "at": at, "nik": NIK, "recording_id": "rec-1", "suket_number": number});
            p.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
            p
        };
        let payloads = vec![
            json!({"event": "card_handed_over", "at": at, "nik": NIK, "recording_id": "rec-1", "handover_id": "ho-1",
                   "serial": "KTP-0000101", "collector": "representative", "old_card": "handed_in"}),
            suket("suket_issued", "SKT-610109-2026-00001", json!({"valid_until": day(180)})),
            suket("suket_issued", "SKT-610109-2026-00002", json!({"valid_until": day(180)})),
            suket("suket_reprinted", "SKT-610109-2026-00002", json!({"valid_until": day(180)})),
            suket("suket_withdrawn", "SKT-610109-2026-00002", json!({"reason": "data salah"})),
            suket("suket_issued", "SKT-610109-2026-00003", json!({"valid_until": day(180)})),
            suket("suket_superseded", "SKT-610109-2026-00003", json!({})),
            // Central refuses this one: an issued Suket without its last valid day.
            suket("suket_issued", "SKT-610109-2026-00004", json!({})),
        ];
        let ids: Vec<String> = payloads.iter().map(|_| uuid::Uuid::now_v7().to_string()).collect();
        let queued = (ids.clone(), payloads.clone());
        app.store
            .write(move |c| {
                for (id, payload) in queued.0.iter().zip(&queued.1) {
                    loket::sync::enqueue(c, now, id, "issuance_event", payload)?;
                }
                Ok(())
            })
            .unwrap();

        let rt = tokio::runtime::Runtime::new().unwrap();
        let report = rt.block_on(loket::sync::cycle(&app)).unwrap();
        assert_eq!((report.sent, report.quarantined), (7, 1), "[{backend:?}] {report:?}");
        let status = call(&app, &sup, "sync.status", json!({}));
        assert_eq!(status["waiting"], 0, "{status}");
        let list = call(&app, &sup, "sync.quarantine_list", json!({}));
        let item = &list["items"][0];
        assert_eq!(item["label"], format!("Suket SKT-610109-2026-00004 · terbit · NIK {NIK}"), "{list}");
        assert!(item["reason"].as_str().unwrap().contains("tanpa tanggal berlaku (valid_until)"), "{list}");

        let text = processes::central_cli(&backend, &["status", "--office", OFFICE]);
        assert!(
            text.contains(&format!(
                "{OFFICE}  KTP-el diserahkan 1  Suket terbit 3  dicetak ulang 1  ditarik 1  digantikan KTP-el 1  masih berlaku 1\n"
            )),
            "[{backend:?}] {text}"
        );
        assert!(text.contains("issuance_event") && text.contains("invalid"), "{text}");

        // Sent again under new record ids (a supervisor re-sending from quarantine keeps the event
        // id): central stores the records and still counts each event once.
        let again = (ids, payloads);
        let later = now + Duration::minutes(1);
        app.store
            .write(move |c| {
                for (id, payload) in again.0.iter().zip(&again.1).take(3) {
                    loket::sync::enqueue(c, later, id, "issuance_event", payload)?;
                }
                Ok(())
            })
            .unwrap();
        let report = rt.block_on(loket::sync::cycle(&app)).unwrap();
        assert_eq!((report.sent, report.quarantined), (3, 0), "[{backend:?}] {report:?}");
        let text = processes::central_cli(&backend, &["status", "--office", OFFICE]);
        assert!(text.contains("KTP-el diserahkan 1  Suket terbit 3  dicetak ulang 1"), "[{backend:?}] {text}");
        drop(central);
    }
}
