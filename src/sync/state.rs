//! What the hub knows about its link to central: its enrollment, its cursors, the last success,
//! and the status every screen's header shows.

use crate::clock::{from_db, to_db};
use crate::error::{Error, Result};
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::sync::Mutex;
use ts_rs::TS;

/// The hub's device credentials at central.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub central_url: String,
    pub device_id: String,
    pub secret: String,
    pub office: String,
}

pub fn credentials(conn: &Connection) -> Result<Option<Credentials>> {
    let row: (Option<String>, Option<String>, Option<String>, Option<String>) =
        conn.query_row("SELECT central_url, device_id, secret, office FROM sync_state WHERE id = 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?;
    Ok(match row {
        (Some(central_url), Some(device_id), Some(secret), Some(office)) => Some(Credentials { central_url, device_id, secret, office }),
        _ => None,
    })
}

/// Stores a new enrollment. The cursor starts again: a new device id has its own history at central.
pub fn save_enrollment(conn: &Connection, url: &str, e: &super::wire::Enrollment, now: DateTime<Utc>) -> Result<()> {
    conn.execute(
        "UPDATE sync_state SET central_url = ?1, device_id = ?2, secret = ?3, office = ?4, enrolled_at = ?5, change_cursor = 0 WHERE id = 1",
        params![url.trim().trim_end_matches('/'), e.device_id, e.secret, e.office, to_db(now)],
    )?;
    // Everything is sent again under the new device: central answers "duplicate" for what it has.
    conn.execute("UPDATE outbox SET delivered_at = NULL, outcome = NULL, reason = NULL WHERE resolved_at IS NULL AND outcome IS NOT 'unsendable'", [])?;
    Ok(())
}

pub fn change_cursor(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT change_cursor FROM sync_state WHERE id = 1", [], |r| r.get(0))?)
}

pub fn set_change_cursor(conn: &Connection, cursor: i64) -> Result<()> {
    conn.execute("UPDATE sync_state SET change_cursor = ?1 WHERE id = 1", [cursor])?;
    Ok(())
}

pub fn record_success(conn: &Connection, now: DateTime<Utc>) -> Result<()> {
    conn.execute("UPDATE sync_state SET last_success_at = ?1 WHERE id = 1", [to_db(now)])?;
    Ok(())
}

/// What is known only while the process runs: the last attempt and its error.
#[derive(Debug, Clone, Default)]
pub struct Live {
    pub online: Option<bool>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub uploader_running: bool,
}

/// The sync state in every screen's header.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema, TS)]
pub struct SyncStatus {
    /// Whether this hub has been enrolled at a central server.
    pub enrolled: bool,
    pub central_url: Option<String>,
    pub device_id: Option<String>,
    /// `true` after a successful exchange, `false` after a failed one, `null` before the first try.
    pub online: Option<bool>,
    /// Records not yet committed at central.
    pub waiting: i64,
    pub oldest_waiting_at: Option<String>,
    pub last_success_at: Option<String>,
    pub last_attempt_at: Option<String>,
    pub last_error: Option<String>,
    pub next_attempt_at: Option<String>,
    /// Records central refused, waiting for a supervisor.
    pub quarantined: i64,
    pub warn_after_days: u32,
    /// For supervisors: nothing has reached central for too long.
    pub warning: Option<String>,
    /// The hub's clock when this was read: screens count ages from it, not from their own clock.
    pub now: String,
}

pub fn status(conn: &Connection, live: &Mutex<Live>, now: DateTime<Utc>) -> Result<SyncStatus> {
    let creds = credentials(conn)?;
    let (last_success_at, warn_after_days): (Option<String>, u32) =
        conn.query_row("SELECT last_success_at, warn_after_days FROM sync_state WHERE id = 1", [], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let (waiting, oldest_waiting_at): (i64, Option<String>) =
        conn.query_row("SELECT COUNT(*), MIN(created_at) FROM outbox WHERE delivered_at IS NULL", [], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let quarantined: i64 = conn.query_row(
        "SELECT COUNT(*) FROM outbox WHERE outcome IN ('invalid', 'conflict', 'unsendable') AND resolved_at IS NULL",
        [],
        |r| r.get(0),
    )?;
    let live = live.lock().unwrap_or_else(|p| p.into_inner()).clone();
    let warning = stale_warning(creds.is_some(), last_success_at.as_deref(), oldest_waiting_at.as_deref(), warn_after_days, now);
    Ok(SyncStatus {
        enrolled: creds.is_some(),
        central_url: creds.as_ref().map(|c| c.central_url.clone()),
        device_id: creds.map(|c| c.device_id),
        online: live.online,
        waiting,
        oldest_waiting_at,
        last_success_at,
        last_attempt_at: live.last_attempt_at.map(to_db),
        last_error: live.last_error,
        next_attempt_at: live.next_attempt_at.map(to_db),
        quarantined,
        warn_after_days,
        warning,
        now: to_db(now),
    })
}

/// Warns when records have waited longer than the limit since the last success (or since the
/// oldest waiting record, for a hub that never reached central).
fn stale_warning(enrolled: bool, last_success: Option<&str>, oldest_waiting: Option<&str>, days: u32, now: DateTime<Utc>) -> Option<String> {
    if !enrolled {
        return oldest_waiting.map(|_| "Kantor ini belum terdaftar di server pusat: data belum pernah dikirim.".to_string());
    }
    let oldest = from_db(oldest_waiting?);
    let since = last_success.map(from_db).unwrap_or(oldest).max(oldest);
    let age = now - since;
    (age > chrono::Duration::days(days as i64)).then(|| {
        format!("Tidak ada sinkronisasi ke server pusat selama {} hari; periksa sambungan internet.", age.num_days())
    })
}

#[derive(Debug, Clone, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct SyncSettings {
    /// Warn supervisors when nothing has synced for this many days (1–60).
    pub warn_after_days: u32,
}

pub fn save_settings(conn: &Connection, s: &SyncSettings) -> Result<()> {
    if !(1..=60).contains(&s.warn_after_days) {
        return Err(Error::field("warn_after_days", "Batas peringatan sinkronisasi harus 1 sampai 60 hari."));
    }
    conn.execute("UPDATE sync_state SET warn_after_days = ?1 WHERE id = 1", [s.warn_after_days])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn warns_only_when_records_waited_past_the_limit() {
        let now = t("2026-11-21T08:00:00Z");
        // Synced an hour ago, something new waiting: fine.
        assert_eq!(stale_warning(true, Some("2026-11-21T07:00:00.000Z"), Some("2026-11-21T07:30:00.000Z"), 3, now), None);
        // Nothing waiting: never a warning, however old the last success.
        assert_eq!(stale_warning(true, Some("2026-10-01T00:00:00.000Z"), None, 3, now), None);
        // Last success 5 days ago and records waiting since 4 days: warn.
        let w = stale_warning(true, Some("2026-11-16T08:00:00.000Z"), Some("2026-11-17T07:00:00.000Z"), 3, now).unwrap();
        assert!(w.contains("4 hari"), "{w}");
        // Never synced, records from 10 days ago.
        assert!(stale_warning(true, None, Some("2026-11-11T08:00:00.000Z"), 3, now).is_some());
        // Not enrolled with records waiting: say so.
        assert!(stale_warning(false, None, Some("2026-11-21T07:00:00.000Z"), 3, now).unwrap().contains("belum terdaftar"));
    }
}
