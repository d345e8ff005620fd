//! Audit anchors at central, on each backend: the audit head a batch carries is stored per device
//! and answered back; a later, higher head replaces it; a lower head (rows cut off the end at the
//! office) or the same seq with another hash (a rewritten chain) never does, and is noted as the
//! device's last report; a batch without a head (an older office) is accepted and answered with the
//! anchor held; a malformed head is ignored without costing the records; devices keep their own.

mod common;

use chrono::{DateTime, Duration, Utc};
use common::*;
use loket::sync::wire::{self, AuditAnchor, AuditHead, Batch, BatchResult, Outcome};

fn hash(n: u8) -> String {
    format!("{n:02x}").repeat(32)
}

fn send(office: &Office, records: Vec<wire::WireRecord>, head: Option<AuditHead>) -> BatchResult {
    let (status, body) = office.send_batch(&Batch { protocol: wire::PROTOCOL, records, audit_head: head });
    assert_eq!(status, 200, "[{}] {body}", office.backend);
    serde_json::from_value(body).unwrap()
}

fn head(seq: i64, n: u8, at: DateTime<Utc>) -> AuditHead {
    AuditHead { seq, hash: hash(n), at }
}

fn stored(c: &TestCentral, device_id: &str) -> Option<loket_central::storage::AuditAnchorRow> {
    c.central.store.read(|tx| tx.audit_anchor(device_id)).unwrap()
}

#[test]
fn the_highest_audit_head_is_kept_per_device_and_answered_back() {
    each_backend(|c| {
        let office = c.enroll(OFFICE);
        let other = c.enroll(OTHER_OFFICE);
        // Whole milliseconds, as both backends keep times.
        c.clock.advance(-Duration::nanoseconds(i64::from(c.now().timestamp_subsec_nanos() % 1_000_000)));
        let t0 = c.now() - Duration::minutes(10);

        // An older office: no head, no anchor, records stored as ever.
        let r = send(&office, vec![application(1, 0, OFFICE, t0)], None);
        assert_eq!((outcomes(&r), r.audit_anchor), (vec![Outcome::Accepted], None), "[{}]", c.backend);
        assert_eq!(stored(c, office.device_id()), None);

        // The first head is the anchor, stamped with central's time.
        let r = send(&office, vec![application(2, 1, OFFICE, t0)], Some(head(40, 1, t0)));
        let anchored_at = c.now();
        let first = AuditAnchor { seq: 40, hash: hash(1), at: t0, anchored_at };
        assert_eq!(r.audit_anchor.as_ref(), Some(&first), "[{}]", c.backend);

        // An empty batch carrying only a head is an ordinary exchange.
        c.clock.advance(Duration::minutes(1));
        let t1 = t0 + Duration::minutes(1);
        let r = send(&office, vec![], Some(head(57, 2, t1)));
        let second = AuditAnchor { seq: 57, hash: hash(2), at: t1, anchored_at: c.now() };
        assert_eq!((r.contiguous_seq, r.audit_anchor.as_ref()), (2, Some(&second)), "[{}]", c.backend);

        // Lower (the end cut off) and rewritten (same seq, other hash): the anchor stays, the report is noted.
        c.clock.advance(Duration::minutes(1));
        let r = send(&office, vec![], Some(head(40, 1, t0)));
        assert_eq!(r.audit_anchor.as_ref(), Some(&second), "[{}] a lower head never replaces the anchor", c.backend);
        let row = stored(c, office.device_id()).unwrap();
        assert_eq!((row.seq, row.reported_seq, row.reported_at, row.office.as_str()), (57, 40, c.now(), OFFICE), "[{}]", c.backend);
        let r = send(&office, vec![], Some(head(57, 9, t1)));
        assert_eq!(r.audit_anchor.as_ref(), Some(&second), "[{}]", c.backend);
        assert_eq!(stored(c, office.device_id()).unwrap().hash, hash(2));

        // Without a head the answer still names the anchor held; a malformed head is ignored and
        // its records are stored.
        let r = send(&office, vec![application(3, 2, OFFICE, t0)], None);
        assert_eq!(r.audit_anchor.as_ref(), Some(&second), "[{}]", c.backend);
        let bad = AuditHead { seq: 99, hash: "not a hash".into(), at: t1 };
        let r = send(&office, vec![application(4, 3, OFFICE, t0)], Some(bad));
        assert_eq!((outcomes(&r), r.audit_anchor.as_ref()), (vec![Outcome::Accepted], Some(&second)), "[{}]", c.backend);
        let r = send(&office, vec![], Some(head(0, 3, t1)));
        assert_eq!(r.audit_anchor.as_ref(), Some(&second), "[{}]", c.backend);

        // Higher again: replaced.
        let r = send(&office, vec![], Some(head(58, 4, t1)));
        assert_eq!(r.audit_anchor.map(|a| (a.seq, a.hash)), Some((58, hash(4))), "[{}]", c.backend);

        // Another device keeps its own.
        let r = send(&other, vec![], Some(head(3, 5, t0)));
        assert_eq!(r.audit_anchor.map(|a| (a.seq, a.hash)), Some((3, hash(5))), "[{}]", c.backend);
        assert_eq!(stored(c, office.device_id()).unwrap().seq, 58);
        assert_eq!(stored(c, other.device_id()).unwrap().office, OTHER_OFFICE);
    });
}
