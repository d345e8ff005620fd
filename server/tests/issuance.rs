//! Card hand-overs and Suket events at central: a valid `issuance_event` record is stored once and
//! counted in `status` per office; a malformed one is invalid with its reason and counts nothing;
//! the same record id is a duplicate and the same event re-sent under a new record id is counted
//! once; a Suket is in force when its latest event (by time) is issued or reprinted, and valid
//! while its `valid_until` is not behind central's date.

mod common;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use common::*;
use loket::sync::wire::{self, IssuanceEventBody, Outcome, WireRecord};
use loket_central::status::IssuanceCounts;
use serde::Serialize;

const KIND: &str = "issuance_event";
const NIK: &str = "6101091708050001";

fn body(event: &str, at: DateTime<Utc>) -> IssuanceEventBody {
    IssuanceEventBody {
        event_id: record_id(),
        event: event.into(),
        at,
        nik: NIK.into(),
        recording_id: "rec-1".into(),
        handover_id: None,
        serial: None,
        collector: None,
        old_card: None,
        suket_number: None,
        valid_until: None,
        reason: None,
    }
}

fn handed_over(at: DateTime<Utc>) -> IssuanceEventBody {
    IssuanceEventBody {
        handover_id: Some(record_id()),
        serial: Some("KTP-0000101".into()),
        collector: Some("applicant".into()),
        old_card: Some("handed_in".into()),
        ..body("card_handed_over", at)
    }
}

fn suket(event: &str, number: &str, at: DateTime<Utc>, valid_until: Option<NaiveDate>) -> IssuanceEventBody {
    IssuanceEventBody { suket_number: Some(number.into()), valid_until, ..body(event, at) }
}

fn issuance(c: &TestCentral, office: &str) -> IssuanceCounts {
    c.summary().issuance.get(office).cloned().unwrap_or_default()
}

#[test]
fn hand_overs_and_suket_events_are_stored_and_status_counts_them_per_office() {
    each_backend(|c| {
        let office = c.enroll(OFFICE);
        let other = c.enroll(OTHER_OFFICE);
        let now = c.now();
        let today = now.date_naive();
        let t = |minutes: i64| now - Duration::hours(2) + Duration::minutes(minutes);
        let in_days = |d: i64| Some(today + Duration::days(d));
        let bodies = vec![
            handed_over(t(0)),
            IssuanceEventBody { collector: Some("representative".into()), old_card: None, ..handed_over(t(1)) },
            // Still valid, until today inclusive.
            suket("suket_issued", "SKT-610109-2026-00001", t(2), in_days(180)),
            suket("suket_issued", "SKT-610109-2026-00002", t(3), in_days(0)),
            // Reprinted, then withdrawn: not in force.
            suket("suket_issued", "SKT-610109-2026-00003", t(4), in_days(180)),
            suket("suket_reprinted", "SKT-610109-2026-00003", t(5), in_days(180)),
            IssuanceEventBody { reason: Some("salah data".into()), ..suket("suket_withdrawn", "SKT-610109-2026-00003", t(6), None) },
            // Superseded by the card.
            suket("suket_issued", "SKT-610109-2026-00004", t(7), in_days(180)),
            suket("suket_superseded", "SKT-610109-2026-00004", t(8), None),
            // Never withdrawn, but its last valid day was yesterday.
            suket("suket_issued", "SKT-610109-2026-00005", t(9), in_days(-1)),
            // Reprinted with a new date: in force on the reprint's date.
            suket("suket_issued", "SKT-610109-2026-00006", t(10), in_days(-10)),
            suket("suket_reprinted", "SKT-610109-2026-00006", t(11), in_days(30)),
        ];
        let r = office.send(body_records(KIND, OFFICE, now, &bodies));
        assert_eq!(outcomes(&r), vec![Outcome::Accepted; bodies.len()], "[{}] {r:?}", c.backend);
        assert_eq!(r.contiguous_seq, bodies.len() as i64);
        // Another kecamatan's Suket are its own, even under the same number.
        let r = other.send(body_records(KIND, OTHER_OFFICE, now, &[suket("suket_issued", "SKT-610109-2026-00003", t(0), in_days(5))]));
        assert_eq!(outcomes(&r), [Outcome::Accepted]);

        let s = c.summary();
        assert_eq!(loket_central::status::count(&s, OFFICE, Some("issuance_event"), "accepted"), bodies.len() as i64);
        let want = IssuanceCounts {
            cards_handed_over: 2,
            suket_issued: 6,
            suket_reprinted: 2,
            suket_withdrawn: 1,
            suket_superseded: 1,
            suket_valid: 3,
            suket_expired: 1,
        };
        assert_eq!(issuance(c, OFFICE), want, "[{}]", c.backend);
        let theirs = issuance(c, OTHER_OFFICE);
        assert_eq!((theirs.suket_issued, theirs.suket_valid, theirs.cards_handed_over), (1, 1, 0), "[{}] {theirs:?}", c.backend);

        let text = loket_central::status::render(&s, Some(OFFICE));
        assert!(
            text.contains(&format!(
                "{OFFICE}  KTP-el diserahkan 2  Suket terbit 6  dicetak ulang 2  ditarik 1  digantikan KTP-el 1  masih berlaku 3 (lewat masa berlaku 1)"
            )),
            "[{}] {text}",
            c.backend
        );
        assert!(!text.contains(OTHER_OFFICE), "{text}");

        // A week on, by central's clock: the two Suket valid until today or for 30 days less one.
        c.clock.advance(Duration::days(7));
        let later = issuance(c, OFFICE);
        assert_eq!((later.suket_valid, later.suket_expired), (2, 2), "[{}] {later:?}", c.backend);
    });
}

#[test]
fn a_malformed_issuance_event_is_invalid_with_its_reason_and_counts_nothing() {
    #[derive(Serialize)]
    struct WithColour {
        #[serde(flatten)]
        body: IssuanceEventBody,
        colour: &'static str,
    }
    each_backend(|c| {
        let office = c.enroll(OFFICE);
        let now = c.now();
        let valid = Some(now.date_naive() + Duration::days(90));
        let issued = suket("suket_issued", "SKT-610109-2026-00001", now, valid);
        let cases: Vec<(IssuanceEventBody, &str)> = vec![
            (body("card_lost", now), "'card_lost' tidak dikenal"),
            (IssuanceEventBody { nik: "61010917080500".into(), ..issued.clone() }, "16 angka"),
            (IssuanceEventBody { nik: "9999991708050001".into(), ..issued.clone() }, "kode kecamatan"),
            (IssuanceEventBody { nik: format!(" {NIK}"), ..issued.clone() }, "16 angka"),
            (IssuanceEventBody { recording_id: " ".into(), ..issued.clone() }, "recording_id"),
            (IssuanceEventBody { event_id: String::new(), ..issued.clone() }, "event_id"),
            (IssuanceEventBody { suket_number: None, ..issued.clone() }, "tanpa nomor Suket"),
            (suket("suket_withdrawn", "", now, None), "suket_number kosong"),
            (suket("suket_reprinted", "SKT-610109-2026-00001", now, None), "suket_reprinted tanpa tanggal berlaku"),
            (IssuanceEventBody { valid_until: None, ..issued.clone() }, "valid_until"),
            (IssuanceEventBody { handover_id: None, ..handed_over(now) }, "tanpa handover_id"),
            (IssuanceEventBody { collector: None, ..handed_over(now) }, "tanpa collector"),
            (IssuanceEventBody { collector: Some("tetangga".into()), ..handed_over(now) }, "collector 'tetangga' tidak dikenal"),
            (IssuanceEventBody { old_card: Some("hilang".into()), ..handed_over(now) }, "old_card 'hilang' tidak dikenal"),
            (IssuanceEventBody { serial: Some("K".repeat(33)), ..handed_over(now) }, "serial kosong atau lebih dari 32"),
            (IssuanceEventBody { at: now + Duration::hours(1), ..issued.clone() }, "masa depan"),
        ];
        let mut batch: Vec<WireRecord> = cases.iter().enumerate().map(|(i, (b, _))| body_record(i as i64 + 1, KIND, OFFICE, now, b)).collect();
        let n = batch.len() as i64;
        let mut colour = body_record(n + 1, KIND, OFFICE, now, &issued);
        colour.body = wire::encode_body(&WithColour { body: issued.clone(), colour: "merah" });
        batch.push(colour);
        // Within the clock drift central allows: accepted.
        batch.push(body_record(n + 2, KIND, OFFICE, now, &IssuanceEventBody { at: now + Duration::minutes(4), ..handed_over(now) }));
        let r = office.send(batch);
        let got = outcomes(&r);
        assert_eq!(got[..cases.len() + 1], vec![Outcome::Invalid; cases.len() + 1], "[{}] {r:?}", c.backend);
        assert_eq!(got[cases.len() + 1], Outcome::Accepted, "{r:?}");
        for ((_, hint), result) in cases.iter().zip(&r.results) {
            let reason = result.reason.as_deref().unwrap_or_default();
            assert!(reason.starts_with("isi issuance_event tidak sah") && reason.contains(hint), "[{}] {hint}: {reason}", c.backend);
        }
        assert!(r.results[cases.len()].reason.as_deref().unwrap().contains("colour"), "{:?}", r.results[cases.len()]);
        // Stored as refused (the seq moves on), but nothing is counted for them.
        assert_eq!(r.contiguous_seq, n + 2);
        let s = c.summary();
        assert_eq!(loket_central::status::count(&s, OFFICE, Some("issuance_event"), "invalid"), n + 1);
        assert_eq!(issuance(c, OFFICE), IssuanceCounts { cards_handed_over: 1, ..Default::default() }, "[{}]", c.backend);
    });
}

#[test]
fn the_same_record_is_a_duplicate_and_the_same_event_resent_is_counted_once() {
    each_backend(|c| {
        let office = c.enroll(OFFICE);
        let now = c.now();
        let event = suket("suket_issued", "SKT-610109-2026-00007", now, Some(now.date_naive() + Duration::days(30)));
        send_duplicate_and_resent(c, &office, KIND, &event);
        let i = issuance(c, OFFICE);
        assert_eq!((i.suket_issued, i.suket_valid), (1, 1), "[{}] counted once: {i:?}", c.backend);
    });
}

#[test]
fn a_suket_is_in_force_by_its_latest_event_by_time_whatever_order_they_arrived_in() {
    each_backend(|c| {
        let office = c.enroll(OFFICE);
        let now = c.now();
        let at = |m: i64| now - Duration::minutes(60 - m);
        let valid = Some(now.date_naive() + Duration::days(30));
        // The withdrawal arrives first, the issue it follows later (it waited in quarantine).
        office.send(body_records(KIND, OFFICE, now, &[suket("suket_withdrawn", "SKT-610109-2026-00008", at(20), None)]));
        office.send(vec![body_record(2, KIND, OFFICE, now, &suket("suket_issued", "SKT-610109-2026-00008", at(10), valid))]);
        let i = issuance(c, OFFICE);
        assert_eq!((i.suket_issued, i.suket_withdrawn, i.suket_valid, i.suket_expired), (1, 1, 0, 0), "[{}] {i:?}", c.backend);
    });
}
