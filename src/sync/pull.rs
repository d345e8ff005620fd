//! Central's answers coming back: SIAK statuses of recordings and appointments for the kiosk.
//! Applying a change twice is harmless, so a cursor reset after a central restore is safe.

use super::wire::{Change, ChangeKind};
use crate::clock::to_db;
use crate::error::Result;
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::json;

const STATUSES: &[(&str, &str)] = &[
    ("PRINT_READY_RECORD", "print_ready_record"),
    ("DUPLICATE_RECORD", "duplicate_record"),
    ("ENROLL_FAILURE", "enroll_failure"),
    ("SENT_FOR_ENROLLMENT", "sent_for_enrollment"),
];

/// Applies a page of changes and moves the cursor past them, in one transaction.
pub fn apply(conn: &Connection, now: DateTime<Utc>, changes: &[Change]) -> Result<()> {
    for change in changes {
        match &change.what {
            ChangeKind::RecordingStatus { recording_id, status, reason } => recording_status(conn, now, recording_id, status, reason.as_deref())?,
            ChangeKind::Appointment(a) => crate::queue::import_central_appointment(conn, now, a)?,
        }
        super::state::set_change_cursor(conn, change.cursor)?;
    }
    Ok(())
}

fn recording_status(conn: &Connection, now: DateTime<Utc>, recording_id: &str, status: &str, reason: Option<&str>) -> Result<()> {
    let Some((_, local)) = STATUSES.iter().find(|(siak, _)| *siak == status) else {
        tracing::warn!(recording_id, status, "unknown status from central ignored");
        return Ok(());
    };
    let row: Option<(String, String)> = conn
        .query_row("SELECT status, application_id FROM recording WHERE id = ?1", [recording_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((current, application_id)) = row else {
        tracing::warn!(recording_id, "status for a recording this office does not have");
        return Ok(());
    };
    if current == *local || current == "in_progress" || current == "cancelled" {
        return Ok(());
    }
    conn.execute("UPDATE recording SET status = ?2, status_at = ?3 WHERE id = ?1", params![recording_id, local, to_db(now)])?;
    let note = match reason {
        Some(r) => format!("Server pusat: {status} ({r})"),
        None => format!("Server pusat: {status}"),
    };
    // The timeline keeps the application's own status and notes central's verdict.
    conn.execute(
        "INSERT INTO application_event (application_id, at, status, staff_id, note)
         SELECT id, ?2, status, NULL, ?3 FROM application WHERE id = ?1",
        params![application_id, to_db(now), note],
    )?;
    crate::audit::append(conn, now, None, "central_status", Some(recording_id), json!({"status": status, "reason": reason}))?;
    Ok(())
}
