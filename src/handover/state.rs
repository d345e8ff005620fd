//! Where a recording's card is: waiting for central, in the print queue, spoiled and waiting for a
//! new blank, printed and waiting at the counter, or handed over.

use crate::error::{Error, Result};
use rusqlite::{Connection, OptionalExtension};
use schemars::JsonSchema;
use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema, TS)]
#[serde(rename_all = "snake_case")]
pub enum CardStatus {
    NotPrinted,
    /// Printed, at the counter.
    Ready,
    HandedOver,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema, TS)]
#[serde(rename_all = "snake_case")]
pub enum NotPrintedWhere {
    /// BIO_CAPTURED, SENT_FOR_ENROLLMENT, DUPLICATE_RECORD or ENROLL_FAILURE.
    WaitingForCentral,
    /// Print-ready, no card yet.
    InPrintQueue,
    /// The last print spoiled its blank: it waits for a reprint on a new blank.
    SpoiledWaitingBlank,
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema, TS)]
pub struct CardState {
    pub status: CardStatus,
    /// Only when not printed.
    pub location: Option<NotPrintedWhere>,
    /// The recording's status as central names it: BIO_CAPTURED, PRINT_READY_RECORD, …
    pub recording_status: String,
    /// In Bahasa Indonesia, for the officer.
    pub label: String,
    pub print_job_id: Option<String>,
    pub serial: Option<String>,
    pub printed_at: Option<String>,
    pub handover_id: Option<String>,
    pub handed_over_at: Option<String>,
    /// "pemohon sendiri" or the representative's name and relationship.
    pub handed_over_to: Option<String>,
}

/// The card of this recording, from its print jobs and hand-overs.
pub fn card_state(conn: &Connection, recording_id: &str) -> Result<CardState> {
    let status: String = conn
        .query_row("SELECT status FROM recording WHERE id = ?1", [recording_id], |r| r.get(0))
        .optional()?
        .ok_or_else(|| Error::field("recording_id", "Data perekaman tidak ditemukan."))?;
    let mut s = CardState {
        status: CardStatus::NotPrinted,
        location: None,
        recording_status: status.to_uppercase(),
        label: String::new(),
        print_job_id: None,
        serial: None,
        printed_at: None,
        handover_id: None,
        handed_over_at: None,
        handed_over_to: None,
    };
    let done: Option<(String, Option<String>, Option<String>)> = conn
        .query_row(
            "SELECT id, serial, finished_at FROM print_job WHERE recording_id = ?1 AND state = 'done' ORDER BY finished_at DESC, id DESC LIMIT 1",
            [recording_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    if let Some((job, serial, printed)) = done {
        let handed: Option<(String, String, Option<String>, Option<String>)> = conn
            .query_row("SELECT id, at, rep_name, rep_relationship FROM handover WHERE print_job_id = ?1", [&job], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .optional()?;
        s.label = format!("sudah dicetak pada blangko {}", serial.as_deref().unwrap_or("-"));
        (s.print_job_id, s.serial, s.printed_at) = (Some(job), serial, printed);
        s.status = CardStatus::Ready;
        if let Some((id, at, name, relationship)) = handed {
            let to = match (name, relationship) {
                (Some(n), Some(rel)) => format!("{n} ({rel})"),
                (Some(n), None) => n,
                _ => "pemohon sendiri".to_string(),
            };
            let when = match crate::setup::load_office(conn)? {
                Some(office) => office.long_date_time(crate::clock::from_db(&at)),
                None => at.clone(),
            };
            s.label = format!("diserahkan pada {when} kepada {to}");
            (s.status, s.handover_id, s.handed_over_at, s.handed_over_to) = (CardStatus::HandedOver, Some(id), Some(at), Some(to));
        }
        return Ok(s);
    }
    if status != "print_ready_record" {
        s.location = Some(NotPrintedWhere::WaitingForCentral);
        s.label = crate::printing::jobs::status_label(&status).to_string();
        return Ok(s);
    }
    let last: Option<String> = conn
        .query_row("SELECT state FROM print_job WHERE recording_id = ?1 ORDER BY created_at DESC, id DESC LIMIT 1", [recording_id], |r| r.get(0))
        .optional()?;
    if last.as_deref() == Some("spoiled") {
        s.location = Some(NotPrintedWhere::SpoiledWaitingBlank);
        s.label = "cetakan terakhir rusak, menunggu cetak ulang pada blangko baru".into();
    } else {
        s.location = Some(NotPrintedWhere::InPrintQueue);
        s.label = "siap cetak, dalam antrean cetak".into();
    }
    Ok(s)
}
