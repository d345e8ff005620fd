//! Complaints (pengaduan) at central: a valid `complaint_event` record is stored once and counted in
//! `status` per office by each complaint's latest event (received, resolved, rejected, open, overdue
//! by central's date); a malformed one is invalid with its reason and counts nothing; the same
//! record id is a duplicate and the same event re-sent under a new record id is counted once.

mod common;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use common::*;
use loket::sync::wire::{self, ComplaintEventBody, Outcome, WireRecord};
use loket_central::storage::ComplaintTally;
use serde::Serialize;

const KIND: &str = "complaint_event";

fn step(event: &str, state: &str, number: &str, at: DateTime<Utc>, deadline: NaiveDate) -> ComplaintEventBody {
    ComplaintEventBody {
        event_id: record_id(),
        event: event.into(),
        at,
        number: number.into(),
        state: state.into(),
        channel: "langsung".into(),
        category: "pelayanan_lambat".into(),
        received_on: deadline - Duration::days(7),
        deadline,
        level: "supervisor".into(),
        note: None,
    }
}

fn tally(c: &TestCentral, office: &str) -> ComplaintTally {
    c.summary().complaints.get(office).cloned().unwrap_or(ComplaintTally { office: office.into(), ..Default::default() })
}

#[test]
fn complaints_are_counted_per_office_by_their_latest_step() {
    each_backend(|c| {
        let office = c.enroll(OFFICE);
        let other = c.enroll(OTHER_OFFICE);
        let now = c.now();
        let today = now.date_naive();
        let t = |m: i64| now - Duration::hours(2) + Duration::minutes(m);
        let (soon, past) = (today + Duration::days(3), today - Duration::days(1));
        let n = |i: u32| format!("ADU-610109-20261123-{i:04}");
        let bodies = vec![
            // 1: received, still open, deadline ahead.
            step("received", "diterima", &n(1), t(0), soon),
            // 2: the whole way to closed.
            step("received", "diterima", &n(2), t(1), soon),
            step("verified", "diverifikasi", &n(2), t(2), soon),
            step("assigned", "ditindaklanjuti", &n(2), t(3), soon),
            ComplaintEventBody { level: "sekretaris".into(), note: Some("perlu keputusan".into()), ..step("escalated", "ditindaklanjuti", &n(2), t(4), soon) },
            step("answered", "selesai", &n(2), t(5), soon),
            step("closed", "ditutup", &n(2), t(6), soon),
            // 3: rejected.
            step("received", "diterima", &n(3), t(7), soon),
            ComplaintEventBody { note: Some("bukan wewenang".into()), ..step("rejected", "ditolak", &n(3), t(8), soon) },
            // 4: open past its deadline; 5: answered after its deadline (resolved, not overdue).
            step("received", "diterima", &n(4), t(9), past),
            step("verified", "diverifikasi", &n(4), t(10), past),
            step("received", "diterima", &n(5), t(11), past),
            step("answered", "selesai", &n(5), t(12), past),
        ];
        let r = office.send(body_records(KIND, OFFICE, now, &bodies));
        assert_eq!(outcomes(&r), vec![Outcome::Accepted; bodies.len()], "[{}] {r:?}", c.backend);
        // Another kecamatan's complaints are its own, even under the same number.
        let r = other.send(body_records(KIND, OTHER_OFFICE, now, &[step("received", "diterima", &n(1), t(0), soon)]));
        assert_eq!(outcomes(&r), [Outcome::Accepted]);

        let s = c.summary();
        assert_eq!(loket_central::status::count(&s, OFFICE, Some(KIND), "accepted"), bodies.len() as i64);
        let want = ComplaintTally { office: OFFICE.into(), received: 5, resolved: 2, rejected: 1, open: 2, overdue: 1 };
        assert_eq!(tally(c, OFFICE), want, "[{}]", c.backend);
        assert_eq!(tally(c, OTHER_OFFICE).received, 1);
        let text = loket_central::status::render(&s, Some(OFFICE));
        assert!(text.contains(&format!("{OFFICE}  diterima 5  selesai 2  ditolak 1  terbuka 2  lewat batas waktu 1")), "[{}] {text}", c.backend);
        assert!(!text.contains(OTHER_OFFICE), "{text}");

        // Four days on by central's clock, the first one is late too.
        c.clock.advance(Duration::days(4));
        assert_eq!(tally(c, OFFICE).overdue, 2, "[{}]", c.backend);
    });
}

#[test]
fn a_malformed_complaint_event_is_invalid_with_its_reason_and_counts_nothing() {
    #[derive(Serialize)]
    struct WithText {
        #[serde(flatten)]
        body: ComplaintEventBody,
        text: &'static str,
    }
    each_backend(|c| {
        let office = c.enroll(OFFICE);
        let now = c.now();
        let due = now.date_naive() + Duration::days(5);
        let ok = step("received", "diterima", "ADU-610109-20261123-0001", now, due);
        let cases: Vec<(ComplaintEventBody, &str)> = vec![
            (ComplaintEventBody { event: "forwarded".into(), ..ok.clone() }, "'forwarded' tidak dikenal"),
            (ComplaintEventBody { event_id: " ".into(), ..ok.clone() }, "event_id"),
            (ComplaintEventBody { number: "PMH-20261123-0001".into(), ..ok.clone() }, "ADU-"),
            (ComplaintEventBody { state: "menunggu".into(), ..ok.clone() }, "status 'menunggu' tidak dikenal"),
            (ComplaintEventBody { state: "selesai".into(), ..ok.clone() }, "harus berstatus diterima"),
            (ComplaintEventBody { channel: "surat".into(), ..ok.clone() }, "channel 'surat'"),
            (ComplaintEventBody { category: "cuaca".into(), ..ok.clone() }, "category 'cuaca'"),
            (ComplaintEventBody { level: "bupati".into(), ..ok.clone() }, "level 'bupati'"),
            (ComplaintEventBody { deadline: ok.received_on - Duration::days(1), ..ok.clone() }, "sebelum tanggal diterima"),
            (ComplaintEventBody { at: now + Duration::hours(1), ..ok.clone() }, "masa depan"),
            (step("rejected", "ditolak", "ADU-610109-20261123-0001", now, due), "rejected tanpa catatan"),
            (step("escalated", "diverifikasi", "ADU-610109-20261123-0001", now, due), "escalated tanpa catatan"),
            (ComplaintEventBody { note: Some("x".into()), ..step("escalated", "ditutup", "ADU-610109-20261123-0001", now, due) }, "tidak dapat dieskalasi"),
        ];
        let mut batch: Vec<WireRecord> = cases.iter().enumerate().map(|(i, (b, _))| body_record(i as i64 + 1, KIND, OFFICE, now, b)).collect();
        let n = batch.len() as i64;
        // The complaint's text never travels: a body carrying it is refused.
        let mut with_text = body_record(n + 1, KIND, OFFICE, now, &ok);
        with_text.body = wire::encode_body(&WithText { body: ok.clone(), text: "isi pengaduan" });
        batch.push(with_text);
        batch.push(body_record(n + 2, KIND, OFFICE, now, &ok));
        let r = office.send(batch);
        let got = outcomes(&r);
        assert_eq!(got[..cases.len() + 1], vec![Outcome::Invalid; cases.len() + 1], "[{}] {r:?}", c.backend);
        assert_eq!(got[cases.len() + 1], Outcome::Accepted, "{r:?}");
        for ((_, hint), result) in cases.iter().zip(&r.results) {
            let reason = result.reason.as_deref().unwrap_or_default();
            assert!(reason.starts_with("isi complaint_event tidak sah") && reason.contains(hint), "[{}] {hint}: {reason}", c.backend);
        }
        assert!(r.results[cases.len()].reason.as_deref().unwrap().contains("text"), "{:?}", r.results[cases.len()]);
        assert_eq!(r.contiguous_seq, n + 2);
        let s = c.summary();
        assert_eq!(loket_central::status::count(&s, OFFICE, Some(KIND), "invalid"), n + 1);
        assert_eq!(tally(c, OFFICE), ComplaintTally { office: OFFICE.into(), received: 1, open: 1, ..Default::default() }, "[{}]", c.backend);
    });
}

#[test]
fn the_same_record_is_a_duplicate_and_the_same_event_resent_is_counted_once() {
    each_backend(|c| {
        let office = c.enroll(OFFICE);
        let now = c.now();
        let event = step("received", "diterima", "ADU-610109-20261123-0007", now, now.date_naive() + Duration::days(7));
        send_duplicate_and_resent(c, &office, KIND, &event);
        let t = tally(c, OFFICE);
        assert_eq!((t.received, t.open), (1, 1), "[{}] counted once: {t:?}", c.backend);
    });
}

#[test]
fn a_complaints_state_is_its_latest_step_by_time_whatever_order_they_arrived_in() {
    each_backend(|c| {
        let office = c.enroll(OFFICE);
        let now = c.now();
        let at = |m: i64| now - Duration::minutes(60 - m);
        let due = now.date_naive() + Duration::days(7);
        let number = "ADU-610109-20261123-0008";
        office.send(body_records(KIND, OFFICE, now, &[step("answered", "selesai", number, at(30), due)]));
        office.send(vec![body_record(2, KIND, OFFICE, now, &step("received", "diterima", number, at(10), due))]);
        let t = tally(c, OFFICE);
        assert_eq!((t.received, t.resolved, t.open), (1, 1, 0), "[{}] {t:?}", c.backend);
    });
}
