//! What central decided, per office, in cursor order: recording statuses and appointments.
//! A change is written in the same transaction as the decision it reports.

use crate::error::{Error, Result};
use crate::storage::Tx;
use crate::Central;
use chrono::{DateTime, Utc};
use loket_contract::wire::{Change, ChangeKind, ChangePage};

pub const DEFAULT_LIMIT: i64 = 500;
pub const MAX_LIMIT: i64 = 1000;

/// The cursor of the next change: the time in microseconds, or one past the last cursor if that is
/// later. A plain counter would start again from the backup's last value after central is restored
/// from an older backup, and hand an office cursors it has already consumed, so it would never pull
/// the decisions made after the restore. Time keeps moving on; the cursor with it. (Microseconds
/// since 1970 stay below 2^53, so JavaScript reads them exactly.)
pub fn next_cursor(last: i64, now: DateTime<Utc>) -> i64 {
    (last + 1).max(now.timestamp_micros())
}

/// Appends a change for `office`; returns its cursor. Writers run one at a time (see `storage`), so
/// cursors are committed in the order they are handed out.
pub fn append(tx: &mut dyn Tx, office: &str, what: &ChangeKind, now: DateTime<Utc>) -> Result<i64> {
    let body = serde_json::to_string(what).map_err(Error::internal)?;
    let cursor = next_cursor(tx.last_cursor()?, now);
    tx.insert_change(cursor, office, &body, now)?;
    Ok(cursor)
}

/// The changes of `office` after `after`, at most `limit` (default 500, capped at 1000).
pub fn page(central: &Central, office: &str, after: i64, limit: Option<i64>) -> Result<ChangePage> {
    let limit = limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT);
    let rows = central.store.read(|tx| tx.changes_after(office, after.max(0), limit + 1))?;
    let more = rows.len() as i64 > limit;
    let changes = rows
        .into_iter()
        .take(limit as usize)
        .map(|(cursor, body)| {
            let what: ChangeKind = serde_json::from_str(&body).map_err(|e| Error::internal(format!("change {cursor}: {e}")))?;
            Ok(Change { cursor, what })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(ChangePage { changes, more })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_follow_time_and_never_repeat() {
        let t: DateTime<Utc> = "2026-11-23T01:00:00Z".parse().unwrap();
        assert_eq!(next_cursor(0, t), t.timestamp_micros());
        // Many changes in one microsecond, or a clock set back: still one past the last.
        assert_eq!(next_cursor(t.timestamp_micros() + 5, t), t.timestamp_micros() + 6);
        assert!(next_cursor(0, t) < (1i64 << 53));
    }
}
