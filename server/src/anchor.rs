//! Audit anchors: the head of each office's audit chain (its last row's seq and hash), sent with
//! every batch. Central keeps the highest head per device and answers it back, so the office can
//! later tell rows cut off the end of its chain — which its own hash chain cannot show. A head
//! with a lower seq never replaces a higher one (that is exactly what truncation looks like); a
//! head with the same seq and another hash does not either (the chain was rewritten). Both are
//! noted as the device's last report and logged.

use crate::error::Result;
use crate::storage::{AuditAnchorRow, DeviceRow, Tx};
use chrono::{DateTime, Utc};
use loket_contract::wire::{AuditAnchor, AuditHead};

/// Whether a head is well-formed: seq from 1, a SHA-256 in lower-case hex.
fn well_formed(h: &AuditHead) -> bool {
    h.seq >= 1 && h.hash.len() == 64 && h.hash.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Records the head a device sent (if any) inside the batch's transaction, and returns the anchor
/// central now holds for it. A malformed head is ignored (logged): it must not cost the records.
pub fn record(tx: &mut dyn Tx, device: &DeviceRow, head: Option<&AuditHead>, now: DateTime<Utc>) -> Result<Option<AuditAnchor>> {
    let stored = tx.audit_anchor(&device.id)?;
    let Some(head) = head else { return Ok(stored.map(answer)) };
    if !well_formed(head) {
        tracing::warn!(device = %device.id, seq = head.seq, "audit head ignored: not a seq from 1 and a SHA-256 hash");
        return Ok(stored.map(answer));
    }
    let next = match stored {
        Some(s) if head.seq < s.seq || (head.seq == s.seq && head.hash != s.hash) => {
            tracing::warn!(
                device = %device.id, office = %device.office, anchored_seq = s.seq, reported_seq = head.seq,
                "the office's audit chain no longer reaches the anchor central holds"
            );
            AuditAnchorRow { reported_seq: head.seq, reported_at: now, ..s }
        }
        Some(s) if head.seq == s.seq => AuditAnchorRow { reported_seq: head.seq, reported_at: now, ..s },
        _ => AuditAnchorRow {
            device_id: device.id.clone(),
            office: device.office.clone(),
            seq: head.seq,
            hash: head.hash.clone(),
            at: head.at,
            anchored_at: now,
            reported_seq: head.seq,
            reported_at: now,
        },
    };
    tx.set_audit_anchor(&next)?;
    Ok(Some(answer(next)))
}

fn answer(a: AuditAnchorRow) -> AuditAnchor {
    AuditAnchor { seq: a.seq, hash: a.hash, at: a.at, anchored_at: a.anchored_at }
}
