//! Batches over HTTP: bad input refused with a code (never a crash), per-record outcomes, dedup on
//! id forever, conflicts never overwrite, and the device's contiguous seq across gaps.

mod common;

use chrono::Duration;
use common::*;
use loket::sync::wire::{self, Batch, Outcome, WireRecord};
use serde::Serialize;
use std::collections::BTreeSet;

fn outcomes(r: &wire::BatchResult) -> Vec<Outcome> {
    r.results.iter().map(|x| x.outcome).collect()
}

#[test]
fn a_record_for_another_office_refuses_the_whole_batch() {
    each_backend(|c| {
        let office = c.enroll(OFFICE);
        let now = c.now();
        let batch = Batch {
            protocol: wire::PROTOCOL,
            records: vec![application(1, 0, OFFICE, now), application(2, 1, OTHER_OFFICE, now), application(3, 2, OFFICE, now)],
            audit_head: None,
        };
        let (status, body) = office.send_batch(&batch);
        assert_eq!(status, 403, "[{}] {body}", c.backend);
        let (code, message) = error_of(&body);
        assert_eq!(code, "WRONG_OFFICE");
        assert!(message.contains(OTHER_OFFICE) && message.contains(OFFICE), "{message}");
        assert!(c.record_ids(office.device_id()).is_empty(), "nothing stored");
        assert_eq!(office.state().contiguous_seq, 0);
    });
}

#[test]
fn an_oversized_batch_is_413_with_our_json() {
    each_backend(|c| {
        let office = c.enroll(OFFICE);
        let big = vec![7u8; wire::MAX_BODY_BYTES + 1];
        let (status, body) = office.post_raw(big.clone());
        assert_eq!(status, 413, "[{}] {body}", c.backend);
        let (code, message) = error_of(&body);
        assert_eq!(code, "BATCH_TOO_LARGE");
        assert!(message.contains("16 MiB"), "{message}");
        // Well over the limit: still our JSON, not a broken pipe halfway through the upload.
        let (status, body) = office.post_raw(vec![7u8; 24 * 1024 * 1024]);
        assert_eq!((status, error_of(&body).0.as_str()), (413, "BATCH_TOO_LARGE"), "[{}]", c.backend);

        // Without a Content-Length (chunked), the limit is counted while reading.
        let res = c
            .client
            .post(c.url("/api/v1/batches"))
            .header("Authorization", &office.auth)
            .body(reqwest::blocking::Body::new(std::io::Cursor::new(big)))
            .send()
            .unwrap();
        assert_eq!(res.status(), 413);
        assert_eq!(res.json::<serde_json::Value>().unwrap()["code"], "BATCH_TOO_LARGE");

        // Central is fine afterwards.
        let r = office.send(vec![application(1, 0, OFFICE, c.now())]);
        assert_eq!(outcomes(&r), [Outcome::Accepted]);
    });
}

#[test]
fn malformed_batches_are_400_and_central_keeps_serving() {
    #[derive(Serialize)]
    struct ExtraTop {
        protocol: u32,
        records: Vec<WireRecord>,
        colour: &'static str,
    }
    each_backend(|c| {
        let office = c.enroll(OFFICE);
        let now = c.now();
        let compress = |raw: &[u8]| zstd::bulk::compress(raw, 1).unwrap();
        let batch = |protocol: u32, records: Vec<WireRecord>| wire::encode_batch(&Batch { protocol, records, audit_head: None });
        let mut no_id = application(1, 0, OFFICE, now);
        no_id.id = String::new();
        let bomb = compress(&vec![0u8; wire::MAX_INFLATED_BYTES + 1024]);
        let cases: Vec<(&str, Vec<u8>, &str)> = vec![
            ("garbage", b"this is not a batch at all".to_vec(), "zstd"),
            ("empty body", Vec::new(), ""),
            ("zstd of non-msgpack", compress(b"\xc1\xc1\xc1\xc1"), "tidak terbaca"),
            ("zstd of JSON", compress(br#"{"protocol":1,"records":[]}"#), "tidak terbaca"),
            (
                "unknown top-level field",
                compress(&rmp_serde::to_vec_named(&ExtraTop { protocol: 1, records: vec![], colour: "red" }).unwrap()),
                "colour",
            ),
            ("wrong protocol", batch(wire::PROTOCOL + 1, vec![application(1, 0, OFFICE, now)]), "Protokol"),
            ("seq not after prev_seq", batch(wire::PROTOCOL, vec![application(3, 3, OFFICE, now)]), "urutan"),
            ("negative prev_seq", batch(wire::PROTOCOL, vec![application(1, -1, OFFICE, now)]), "urutan"),
            ("empty id", batch(wire::PROTOCOL, vec![no_id]), "id kosong"),
            ("zip bomb", bomb, "melebihi"),
        ];
        for (what, bytes, hint) in cases {
            let (status, body) = office.post_raw(bytes);
            assert_eq!(status, 400, "[{}] {what}: {body}", c.backend);
            let (code, message) = error_of(&body);
            assert_eq!(code, "BATCH_MALFORMED", "{what}");
            assert!(message.contains(hint), "{what}: {message}");
        }
        assert!(c.record_ids(office.device_id()).is_empty());
        assert_eq!(c.client.get(c.url("/health")).send().unwrap().status(), 200);
        assert_eq!(outcomes(&office.send(vec![application(1, 0, OFFICE, now)])), [Outcome::Accepted]);
    });
}

#[test]
fn unknown_fields_and_unknown_kinds_are_stored_as_invalid_and_do_not_block() {
    #[derive(Serialize)]
    struct ApplicationWithColour {
        application_id: &'static str,
        number: &'static str,
        nik: &'static str,
        kind: &'static str,
        status: &'static str,
        colour: &'static str,
    }
    each_backend(|c| {
        let office = c.enroll(OFFICE);
        let now = c.now();
        let mut extra = application(1, 0, OFFICE, now);
        extra.body = wire::encode_body(&ApplicationWithColour {
            application_id: "a",
            number: "PMH-1",
            nik: "6101091708050001",
            kind: "baru",
            status: "checking",
            colour: "red",
        });
        let mut unknown_kind = application(2, 1, OFFICE, now);
        unknown_kind.kind = "vaccination".into();
        let mut not_msgpack = application(3, 2, OFFICE, now);
        not_msgpack.kind = "recording".into();
        not_msgpack.body = b"\xc1 not a body".to_vec();
        let fine = application(4, 3, OFFICE, now);
        let r = office.send(vec![extra.clone(), unknown_kind, not_msgpack, fine]);
        assert_eq!(outcomes(&r), [Outcome::Invalid, Outcome::Invalid, Outcome::Invalid, Outcome::Accepted], "[{}]", c.backend);
        let reasons: Vec<String> = r.results.iter().map(|x| x.reason.clone().unwrap_or_default()).collect();
        assert!(reasons[0].contains("colour"), "{}", reasons[0]);
        assert!(reasons[1].contains("vaccination"), "{}", reasons[1]);
        assert!(reasons[2].contains("recording"), "{}", reasons[2]);
        assert_eq!(r.results[3].reason, None);
        // Stored (so the seq moves past them) and counted as invalid.
        assert_eq!(r.contiguous_seq, 4);
        assert_eq!(c.record_ids(office.device_id()).len(), 4);
        let s = c.summary();
        assert_eq!(loket_central::status::count(&s, OFFICE, None, "invalid"), 3);
        assert_eq!(loket_central::status::count(&s, OFFICE, Some("application"), "accepted"), 1);
        // Sending an invalid record again is a duplicate: it was stored.
        assert_eq!(outcomes(&office.send(vec![extra])), [Outcome::Duplicate]);
    });
}

#[test]
fn a_record_from_the_future_is_invalid_but_small_clock_drift_is_not() {
    each_backend(|c| {
        let office = c.enroll(OFFICE);
        let now = c.now();
        let r = office.send(vec![
            application(1, 0, OFFICE, now + Duration::hours(1)),
            application(2, 1, OFFICE, now + Duration::minutes(4)),
            application(3, 2, OFFICE, now - Duration::days(30)),
        ]);
        assert_eq!(outcomes(&r), [Outcome::Invalid, Outcome::Accepted, Outcome::Accepted], "[{}]", c.backend);
        assert!(r.results[0].reason.as_deref().unwrap().contains("waktu di masa depan"), "{:?}", r.results[0].reason);
        assert_eq!(r.contiguous_seq, 3);
    });
}

#[test]
fn the_same_batch_twice_is_answered_duplicate_and_stored_once() {
    each_backend(|c| {
        let office = c.enroll(OFFICE);
        let now = c.now();
        let records = vec![
            application(1, 0, OFFICE, now),
            recording(2, 1, OFFICE, "rec-1", biodata("6101091708050001", "BUDI", loket::intake::nik::Sex::L, "2005-08-17"), now),
            application(3, 2, OFFICE, now),
        ];
        let first = office.send(records.clone());
        assert_eq!(outcomes(&first), [Outcome::Accepted; 3], "[{}]", c.backend);
        let second = office.send(records.clone());
        assert_eq!(outcomes(&second), [Outcome::Duplicate; 3]);
        assert_eq!((first.contiguous_seq, second.contiguous_seq), (3, 3));
        let ids = c.record_ids(office.device_id());
        let expected: Vec<String> = records.iter().map(|r| r.id.clone()).collect();
        assert_eq!(ids, expected, "each record exactly once");
        // The recording was verified once: one change, not two.
        assert_eq!(office.changes(0, None).changes.len(), 1);
    });
}

#[test]
fn the_same_id_with_other_content_is_a_conflict_and_never_overwrites() {
    each_backend(|c| {
        let office = c.enroll(OFFICE);
        let now = c.now();
        let original = application(1, 0, OFFICE, now);
        office.send(vec![original.clone()]);
        let mut changed = original.clone();
        changed.body = wire::encode_body(&wire::ApplicationBody {
            application_id: "x".into(),
            number: "PMH-X".into(),
            nik: "6101091708050001".into(),
            kind: "baru".into(),
            status: "returned".into(),
        });
        let r = office.send(vec![changed.clone()]);
        assert_eq!(outcomes(&r), [Outcome::Conflict], "[{}]", c.backend);
        assert!(r.results[0].reason.as_deref().unwrap().contains("tidak ditimpa"));
        // Still the original: sending it again is a duplicate, the changed one a conflict again.
        assert_eq!(outcomes(&office.send(vec![original.clone()])), [Outcome::Duplicate]);
        assert_eq!(outcomes(&office.send(vec![changed])), [Outcome::Conflict]);
        assert_eq!(c.record_ids(office.device_id()), vec![original.id]);
        assert_eq!(c.summary().conflicts, 2);
    });
}

#[test]
fn the_contiguous_seq_stops_at_a_gap_and_jumps_when_it_fills() {
    each_backend(|c| {
        let office = c.enroll(OFFICE);
        let now = c.now();
        let r = office.send(vec![application(1, 0, OFFICE, now), application(2, 1, OFFICE, now), application(4, 3, OFFICE, now)]);
        assert_eq!(r.contiguous_seq, 2, "[{}] 3 is missing", c.backend);
        assert_eq!(office.state().contiguous_seq, 2);
        let r = office.send(vec![application(3, 2, OFFICE, now)]);
        assert_eq!(r.contiguous_seq, 4, "[{}] 3 filled the gap", c.backend);
        // A row skipped at the office (seq 5 never sent) is no gap: 6 names 4 as the one before it.
        let r = office.send(vec![application(6, 4, OFFICE, now)]);
        assert_eq!(r.contiguous_seq, 6);
        // An empty batch just reports.
        assert_eq!(office.send(vec![]).contiguous_seq, 6);
        assert_eq!(office.state().contiguous_seq, 6);
    });
}

#[test]
fn a_re_enrolled_hub_resending_everything_gets_duplicates_and_its_seq_advances() {
    each_backend(|c| {
        let before = c.enroll(OFFICE);
        let now = c.now();
        let records: Vec<WireRecord> = (1..=5).map(|s| application(s, s - 1, OFFICE, now)).collect();
        assert_eq!(before.send(records.clone()).contiguous_seq, 5);
        // The hub was re-enrolled (new device id) and sends its whole outbox again.
        let after = c.enroll(OFFICE);
        let r = after.send(records.clone());
        assert_eq!(outcomes(&r), [Outcome::Duplicate; 5], "[{}]", c.backend);
        assert_eq!(r.contiguous_seq, 5);
        let all: BTreeSet<String> = c.record_ids(before.device_id()).into_iter().chain(c.record_ids(after.device_id())).collect();
        assert_eq!(all.len(), 5);
        assert_eq!(loket_central::status::count(&c.summary(), OFFICE, None, "accepted"), 5);
    });
}

#[test]
fn many_devices_at_once_each_record_stored_exactly_once() {
    each_backend(|c| {
        let offices: Vec<Office> = (0..6).map(|i| c.enroll(if i % 2 == 0 { OFFICE } else { OTHER_OFFICE })).collect();
        let now = c.now();
        std::thread::scope(|s| {
            for office in &offices {
                s.spawn(move || {
                    let code = office.enrollment.office.clone();
                    let records: Vec<WireRecord> = (1..=60).map(|seq| application(seq, seq - 1, &code, now)).collect();
                    for chunk in records.chunks(10) {
                        let first = office.send(chunk.to_vec());
                        assert!(first.results.iter().all(|r| r.outcome == Outcome::Accepted));
                        // Every batch is delivered twice, as after a lost answer.
                        let again = office.send(chunk.to_vec());
                        assert!(again.results.iter().all(|r| r.outcome == Outcome::Duplicate));
                        assert_eq!(again.contiguous_seq, chunk.last().unwrap().seq);
                        assert_eq!(office.state().contiguous_seq, chunk.last().unwrap().seq);
                    }
                });
            }
        });
        let mut all = BTreeSet::new();
        for office in &offices {
            let ids = c.record_ids(office.device_id());
            assert_eq!(ids.len(), 60, "[{}]", c.backend);
            all.extend(ids);
        }
        assert_eq!(all.len(), 360, "no record stored twice");
        let s = c.summary();
        assert_eq!(loket_central::status::count(&s, OFFICE, None, "accepted"), 180);
        assert_eq!(loket_central::status::count(&s, OTHER_OFFICE, None, "accepted"), 180);
    });
}
