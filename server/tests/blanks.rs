//! Blank card events at central (issue 10): a valid `blank_event` record is stored once and counted
//! in `status` per office; a malformed one is invalid with its reason; the same record id is a
//! duplicate, and the same event re-sent under a new record id is still counted once; a blank's
//! state now is its latest event by time, whatever order the events arrived in.

mod common;

use chrono::{DateTime, Duration, Utc};
use common::*;
use loket::sync::wire::{self, BlankEventBody, Outcome, WireRecord};
use loket_central::status::BlankCounts;
use serde::Serialize;
use std::collections::BTreeMap;

fn body(serial: &str, event: &str, from_state: Option<&str>, at: DateTime<Utc>) -> BlankEventBody {
    BlankEventBody {
        event_id: record_id(),
        serial: serial.into(),
        event: event.into(),
        from_state: from_state.map(str::to_string),
        at,
        cause: None,
        report_number: None,
        recording_id: None,
        job_id: None,
        chip_uid: None,
    }
}

fn record(seq: i64, office: &str, created_at: DateTime<Utc>, body: &BlankEventBody) -> WireRecord {
    body_record(seq, "blank_event", office, created_at, body)
}

/// Numbers records 1, 2, … in order.
fn records(office: &str, now: DateTime<Utc>, bodies: &[BlankEventBody]) -> Vec<WireRecord> {
    body_records("blank_event", office, now, bodies)
}

fn blanks(c: &TestCentral, office: &str) -> BlankCounts {
    c.summary().blanks.get(office).cloned().unwrap_or_default()
}

#[test]
fn blank_events_are_stored_and_status_shows_each_offices_cards_and_stock() {
    each_backend(|c| {
        let office = c.enroll(OFFICE);
        let other = c.enroll(OTHER_OFFICE);
        let now = c.now();
        let t = |minutes: i64| now - Duration::hours(2) + Duration::minutes(minutes);
        let received = |serial: &str| BlankEventBody { report_number: Some("BA-1/2026".into()), ..body(serial, "received", None, t(0)) };
        let spoiled = |serial: &str, cause: &str, at| BlankEventBody { cause: Some(cause.into()), ..body(serial, "spoiled", Some("in_stock"), at) };
        let bodies = vec![
            received("KTP-1"),
            received("KTP-2"),
            received("KTP-3"),
            received("KTP-4"),
            received("KTP-5"),
            BlankEventBody {
                recording_id: Some("rec-1".into()),
                job_id: Some("job-1".into()),
                chip_uid: Some("04A1B2C3D4E5F6".into()),
                ..body("KTP-1", "printed", Some("in_stock"), t(10))
            },
            spoiled("KTP-2", "rusak_fisik", t(11)),
            BlankEventBody { report_number: Some("BA-R/1".into()), ..body("KTP-3", "returned", Some("in_stock"), t(12)) },
            spoiled("KTP-4", "printer_macet", t(13)),
            BlankEventBody { report_number: Some("BA-M/1".into()), ..body("KTP-4", "destroyed", Some("spoiled"), t(14)) },
        ];
        let r = office.send(records(OFFICE, now, &bodies));
        assert_eq!(outcomes(&r), [Outcome::Accepted; 10], "[{}] {r:?}", c.backend);
        assert_eq!(r.contiguous_seq, 10);
        // Another kecamatan's stock is its own.
        let r = other.send(records(OTHER_OFFICE, now, &[body("KTP-9001", "received", None, t(0))]));
        assert_eq!(outcomes(&r), [Outcome::Accepted]);

        let s = c.summary();
        assert_eq!(loket_central::status::count(&s, OFFICE, Some("blank_event"), "accepted"), 10);
        let b = blanks(c, OFFICE);
        let causes: BTreeMap<String, i64> = [("printer_macet".to_string(), 1), ("rusak_fisik".to_string(), 1)].into();
        assert_eq!((b.received, b.printed, b.spoiled, b.returned, b.destroyed), (5, 1, 2, 1, 1), "[{}] {b:?}", c.backend);
        assert_eq!(b.spoiled_by_cause, causes);
        // Printed, two spoiled, one returned unused: four left the stock; the spoiled card destroyed
        // later had already left it.
        assert_eq!((b.left_stock, b.in_stock, b.cards_printed), (4, 1, 1));
        let latest: BTreeMap<String, i64> =
            [("destroyed", 1), ("printed", 1), ("received", 1), ("returned", 1), ("spoiled", 1)].map(|(e, n)| (e.to_string(), n)).into();
        assert_eq!(b.latest, latest);
        assert_eq!((blanks(c, OTHER_OFFICE).received, blanks(c, OTHER_OFFICE).in_stock), (1, 1));

        let text = loket_central::status::render(&s, Some(OFFICE));
        assert!(
            text.contains(&format!(
                "{OFFICE}  diterima 5  dicetak 1 (KTP-el untuk 1 perekaman)  rusak 2 (printer_macet 1, rusak_fisik 1)  dikembalikan 1  dimusnahkan 1  di gudang 1"
            )),
            "{text}"
        );
        assert!(!text.contains("KTP-9001") && !text.contains(OTHER_OFFICE), "{text}");
        assert!(!text.contains("belum diterima pusat"), "every event arrived: {text}");
    });
}

#[test]
fn a_malformed_blank_event_is_invalid_with_its_reason_and_counts_nothing() {
    #[derive(Serialize)]
    struct WithColour {
        event_id: String,
        serial: &'static str,
        event: &'static str,
        from_state: Option<&'static str>,
        at: DateTime<Utc>,
        cause: Option<&'static str>,
        report_number: Option<&'static str>,
        recording_id: Option<&'static str>,
        job_id: Option<&'static str>,
        chip_uid: Option<&'static str>,
        colour: &'static str,
    }
    each_backend(|c| {
        let office = c.enroll(OFFICE);
        let now = c.now();
        let ok = body("KTP-1", "received", None, now);
        let cause = |b: BlankEventBody, cause: &str| BlankEventBody { cause: Some(cause.into()), ..b };
        let cases: Vec<(BlankEventBody, &str)> = vec![
            (body("", "received", None, now), "nomor seri"),
            (body(&"K".repeat(33), "received", None, now), "lebih dari 32"),
            (body("KTP-1", "lost", None, now), "'lost' tidak dikenal"),
            (body("KTP-1", "spoiled", Some("in_stock"), now), "tanpa penyebab"),
            (cause(body("KTP-1", "spoiled", Some("in_stock"), now), "dimakan_rayap"), "'dimakan_rayap' tidak dikenal"),
            (cause(body("KTP-1", "received", None, now), "rusak_fisik"), "hanya untuk blangko rusak"),
            (body("KTP-1", "printed", None, now), "tidak dapat printed"),
            (body("KTP-1", "printed", Some("spoiled"), now), "dari keadaan spoiled"),
            (body("KTP-1", "received", None, now + Duration::hours(1)), "masa depan"),
            (BlankEventBody { event_id: String::new(), ..ok.clone() }, "event_id"),
        ];
        let mut batch: Vec<WireRecord> = cases.iter().enumerate().map(|(i, (b, _))| record(i as i64 + 1, OFFICE, now, b)).collect();
        let n = batch.len() as i64;
        let mut colour = record(n + 1, OFFICE, now, &ok);
        colour.body = wire::encode_body(&WithColour {
            event_id: record_id(),
            serial: "KTP-1",
            event: "received",
            from_state: None,
            at: now,
            cause: None,
            report_number: None,
            recording_id: None,
            job_id: None,
            chip_uid: None,
            colour: "merah",
        });
        batch.push(colour);
        // Within the clock drift central allows: accepted.
        batch.push(record(n + 2, OFFICE, now, &body("KTP-2", "received", None, now + Duration::minutes(4))));
        let r = office.send(batch);
        let got = outcomes(&r);
        assert_eq!(got[..cases.len() + 1], vec![Outcome::Invalid; cases.len() + 1], "[{}] {r:?}", c.backend);
        assert_eq!(got[cases.len() + 1], Outcome::Accepted, "{r:?}");
        for ((_, hint), result) in cases.iter().zip(&r.results) {
            let reason = result.reason.as_deref().unwrap_or_default();
            assert!(reason.starts_with("isi blank_event tidak sah") && reason.contains(hint), "{hint}: {reason}");
        }
        assert!(r.results[cases.len()].reason.as_deref().unwrap().contains("colour"), "{:?}", r.results[cases.len()]);
        // Stored as refused (the seq moves on), but no blank is counted for them.
        assert_eq!(r.contiguous_seq, n + 2);
        let s = c.summary();
        assert_eq!(loket_central::status::count(&s, OFFICE, Some("blank_event"), "invalid"), n + 1);
        let b = blanks(c, OFFICE);
        assert_eq!((b.received, b.in_stock), (1, 1), "[{}] only KTP-2: {b:?}", c.backend);
    });
}

#[test]
fn the_same_record_is_a_duplicate_and_the_same_event_resent_is_counted_once() {
    each_backend(|c| {
        let office = c.enroll(OFFICE);
        let now = c.now();
        send_duplicate_and_resent(c, &office, "blank_event", &body("KTP-7", "received", None, now));
        let b = blanks(c, OFFICE);
        assert_eq!((b.received, b.in_stock), (1, 1), "[{}] counted once: {b:?}", c.backend);
    });
}

#[test]
fn a_blanks_state_is_its_latest_event_by_time_whatever_order_they_arrived_in() {
    each_backend(|c| {
        let office = c.enroll(OFFICE);
        let now = c.now();
        let at = |m: i64| now - Duration::minutes(60 - m);
        // The spoiled event waited in quarantine and arrives after the return that followed it.
        let received = body("KTP-8", "received", None, at(0));
        let returned = BlankEventBody { report_number: Some("BA-R/2".into()), ..body("KTP-8", "returned", Some("spoiled"), at(20)) };
        let spoiled = BlankEventBody { cause: Some("salah_cetak".into()), ..body("KTP-8", "spoiled", Some("in_stock"), at(10)) };
        // Two events at the same moment: the later arrival wins.
        let same_a = body("KTP-9", "received", None, at(5));
        let same_b = BlankEventBody { report_number: Some("BA-M/2".into()), ..body("KTP-9", "destroyed", Some("in_stock"), at(5)) };
        office.send(records(OFFICE, now, &[received, returned, same_a, same_b]));
        let latest = |serial: &str| c.central.store.read(|tx| tx.blank_latest(OFFICE, serial)).unwrap();
        assert_eq!(latest("KTP-8").as_deref(), Some("returned"), "[{}]", c.backend);
        assert_eq!(latest("KTP-9").as_deref(), Some("destroyed"));
        // Until the spoiled event arrives the counts say an event is missing.
        let text = loket_central::status::render(&c.summary(), Some(OFFICE));
        assert!(text.contains("belum diterima pusat"), "{text}");
        office.send(vec![record(5, OFFICE, now, &spoiled)]);
        assert_eq!(latest("KTP-8").as_deref(), Some("returned"), "an earlier event arriving late does not undo the return");
        assert_eq!(latest("KTP-1"), None);
        let b = blanks(c, OFFICE);
        assert_eq!((b.received, b.spoiled, b.returned, b.destroyed, b.in_stock), (2, 1, 1, 1, 0), "{b:?}");
        assert!(!loket_central::status::render(&c.summary(), Some(OFFICE)).contains("belum diterima pusat"));
    });
}
