//! The audit chain anchored at central: the office hub (in this process) syncs with a real
//! `loket-central` process, which keeps the head of the office's audit chain and answers it back;
//! rows then cut off the end of the office's audit_log — by someone with the file, who drops the
//! trigger that refuses DELETE — are found by `audit verify` and named, in the command and in the
//! `loket audit verify` CLI. Wiping the office's own copy of the anchor does not hide it: the next
//! sync brings central's back. Runs against SQLite always and PostgreSQL when
//! `LOKET_TEST_DATABASE_URL` is set.

mod support;

use serde_json::json;
use std::path::Path;
use support::office::{call, enrolled};
use support::{backends, central_db, processes};

const OFFICE: &str = "61.01.09";

fn head(app: &loket::App) -> (i64, String) {
    let h = app.store.read(loket::audit::head).unwrap().expect("the chain has rows");
    (h.seq, h.hash)
}

/// What an attacker with the database file does: drop the trigger, delete the chain's last rows.
fn cut_after(dir: &Path, keep: i64) {
    let c = loket::store::open_raw(&dir, false).unwrap();
    c.execute_batch("DROP TRIGGER audit_log_no_delete").unwrap();
    let n = c.execute("DELETE FROM audit_log WHERE seq > ?1", [keep]).unwrap();
    assert!(n > 0);
}

#[test]
fn rows_cut_off_the_end_after_a_sync_are_found_against_centrals_anchor() {
    let root = tempfile::tempdir().unwrap();
    for (n, backend) in backends(root.path()).into_iter().enumerate() {
        let dir = root.path().join(format!("office-{n}"));
        let central = processes::central(&backend, "127.0.0.1:0");
        let (app, _, sup) = enrolled(&dir, OFFICE, &backend, &central);
        let rt = tokio::runtime::Runtime::new().unwrap();

        // Nothing waits in the outbox: the head still goes (an empty batch), and is confirmed.
        let first = head(&app);
        rt.block_on(loket::sync::cycle(&app)).unwrap();
        let anchored = app.store.read(loket::audit::central_anchor).unwrap().expect("central confirmed an anchor");
        assert_eq!((anchored.0, anchored.1.clone()), first, "[{backend:?}]");
        let report = loket::audit::verify_app(&app).unwrap();
        assert!(report.ok, "[{backend:?}] {report:?}");
        assert!(report.anchor.as_ref().unwrap().matches);
        assert!(report.end_message.starts_with("Ujung rantai cocok dengan jangkar dari pusat"), "{}", report.end_message);

        // A change with its audit row and outbox row: the batch carries the new head.
        let now = app.now();
        app.store
            .write(move |c| {
                for i in 0..4 {
                    loket::audit::append(c, now, Some("sri"), "test_action", Some(&format!("x-{i}")), json!({}))?;
                }
                loket::sync::enqueue(c, now, &uuid::Uuid::now_v7().to_string(), "issuance_event", &json!({
                    "event": "card_handed_over", "at": loket::clock::to_db(now), "nik": "6101091708050001", "recording_id": "rec-1",
                    "handover_id": "ho-1", "serial": "KTP-0000101", "collector": "applicant", "old_card": "handed_in"}))
            })
            .unwrap();
        let (top, top_hash) = head(&app);
        let report = rt.block_on(loket::sync::cycle(&app)).unwrap();
        assert_eq!(report.sent, 1, "[{backend:?}] {report:?}");
        let at_central = central_db::audit_anchor(&backend, OFFICE).expect("central keeps the anchor");
        assert_eq!((at_central.seq, at_central.hash.clone(), at_central.reported_seq), (top, top_hash.clone(), top), "[{backend:?}]");
        assert_eq!(app.store.read(loket::audit::central_anchor).unwrap().unwrap().0, top);

        // The last five rows are cut off: the chain left is whole, but shorter than the anchor.
        let keep = top - 5;
        cut_after(&dir, keep);
        let plain = {
            let c = loket::store::open_raw(&dir, false).unwrap();
            loket::audit::verify(&c).unwrap()
        };
        assert!(plain.ok, "the chain alone cannot see it: {plain:?}");
        let expected = format!("Baris audit {}–{top} hilang: rantai berakhir di {keep}, padahal jangkar dari pusat pada ", keep + 1);
        let check = |report: &serde_json::Value| {
            assert_eq!(report["ok"], false, "[{backend:?}] {report}");
            assert_eq!(report["truncation"], json!({"chain_end": keep, "missing_from": keep + 1, "missing_to": top, "missing_rows": 5}), "{report}");
            assert_eq!(report["anchor"]["source"], "central");
            assert_eq!(report["anchor"]["seq"], top);
            assert_eq!(report["anchor"]["matches"], false);
            let message = report["end_message"].as_str().unwrap();
            assert!(message.starts_with(&expected) && message.ends_with(&format!(" mencatat {top}.")), "{message}");
            assert!(message.contains("WIB"), "the anchor's time in the office's words: {message}");
            assert_eq!(report["reason"], report["end_message"]);
            assert_eq!(report["first_broken_seq"], keep + 1);
        };
        check(&call(&app, &sup, "audit.verify", json!({})));

        // The office's own copy of the anchor wiped as well: the next sync brings central's back,
        // because central keeps the highest head it was sent and notes the lower one.
        {
            let c = loket::store::open_raw(&dir, false).unwrap();
            c.execute("DELETE FROM audit_anchor", []).unwrap();
        }
        let unanchored = call(&app, &sup, "audit.verify", json!({}));
        assert!(unanchored["end_message"].as_str().unwrap().contains("tidak dapat diperiksa"), "{unanchored}");
        rt.block_on(loket::sync::cycle(&app)).unwrap();
        let at_central = central_db::audit_anchor(&backend, OFFICE).unwrap();
        assert_eq!((at_central.seq, at_central.hash.clone()), (top, top_hash), "[{backend:?}] a lower head never replaces the anchor");
        assert!(at_central.reported_seq < top, "[{backend:?}] the lower head is noted: {at_central:?}");
        check(&call(&app, &sup, "audit.verify", json!({})));

        // The CLI says the same and fails.
        drop(app);
        let out = std::process::Command::new(processes::office_bin())
            .args(["--data-dir", dir.to_str().unwrap(), "audit", "verify"])
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(!out.status.success(), "{stdout}");
        assert!(stdout.contains(&expected) && stdout.contains(&format!("mencatat {top}.")), "{stdout}");
        drop(central);
    }
}
