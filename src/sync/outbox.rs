//! The outbox: every change the central server must learn about, written in the same transaction
//! as the change. The uploader reads it in `seq` order and turns each row into a wire record.

use super::wire::{self, ApplicantBody, ApplicationBody, BiometricBody, BlankEventBody, ComplaintEventBody, DailySummaryBody, IssuanceEventBody, RecordingBody, SummaryFigure, WireRecord};
use crate::clock::to_db;
use crate::error::{Error, Result};
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::Value;

/// Queues a record for central; call it inside the transaction that made the change.
pub fn enqueue(conn: &Connection, now: DateTime<Utc>, record_id: &str, kind: &str, payload: &Value) -> Result<()> {
    conn.prepare_cached("INSERT INTO outbox (change_id, record_id, kind, payload, created_at) VALUES (?1, ?2, ?3, ?4, ?5)")?
        .execute(params![uuid::Uuid::now_v7().to_string(), record_id, kind, payload.to_string(), to_db(now)])?;
    Ok(())
}

/// One outbox row as stored.
#[derive(Debug, Clone)]
pub struct OutboxRow {
    pub seq: i64,
    pub change_id: String,
    pub record_id: String,
    pub kind: String,
    pub payload: String,
    pub created_at: String,
}

fn row(r: &rusqlite::Row) -> rusqlite::Result<OutboxRow> {
    Ok(OutboxRow {
        seq: r.get("seq")?,
        change_id: r.get("change_id")?,
        record_id: r.get("record_id")?,
        kind: r.get("kind")?,
        payload: r.get("payload")?,
        created_at: r.get("created_at")?,
    })
}

/// Up to `limit` rows not yet delivered after `after_seq`, oldest first, with the seq of the row
/// before the first.
pub fn waiting(conn: &Connection, after_seq: i64, limit: usize) -> Result<(i64, Vec<OutboxRow>)> {
    let rows: Vec<OutboxRow> = conn
        .prepare_cached(
            "SELECT seq, change_id, record_id, kind, payload, created_at FROM outbox
             WHERE delivered_at IS NULL AND seq > ?1 ORDER BY seq LIMIT ?2",
        )?
        .query_map([after_seq, limit as i64], row)?
        .collect::<rusqlite::Result<_>>()?;
    let prev = match rows.first() {
        Some(first) => conn
            // Rows set aside as unsendable never reach central: the chain skips them.
            .query_row(
                "SELECT MAX(seq) FROM outbox WHERE seq < ?1 AND (outcome IS NULL OR outcome <> 'unsendable')",
                [first.seq],
                |r| r.get::<_, Option<i64>>(0),
            )?
            .unwrap_or(0),
        None => 0,
    };
    Ok((prev, rows))
}

/// The row with this seq (for a supervisor re-sending a quarantined record).
pub fn by_seq(conn: &Connection, seq: i64) -> Result<Option<OutboxRow>> {
    Ok(conn
        .query_row("SELECT seq, change_id, record_id, kind, payload, created_at FROM outbox WHERE seq = ?1", [seq], row)
        .optional()?)
}

fn field<'a>(payload: &'a Value, name: &str) -> Result<&'a Value> {
    payload.get(name).ok_or_else(|| Error::internal(format!("outbox payload without {name}")))
}

fn text(payload: &Value, name: &str) -> Result<String> {
    Ok(field(payload, name)?.as_str().unwrap_or_default().to_string())
}

/// The wire form of an outbox row. A recording's photo, signature and biometrics are read from the
/// recording itself: they never change once it is finished, so every send carries the same bytes.
pub fn to_wire(conn: &Connection, office: &str, prev_seq: i64, row: &OutboxRow) -> Result<WireRecord> {
    let payload: Value = serde_json::from_str(&row.payload).map_err(Error::internal)?;
    let body = match row.kind.as_str() {
        "applicant" => wire::encode_body(&ApplicantBody {
            applicant_id: text(&payload, "id")?,
            biodata: serde_json::from_value(field(&payload, "biodata")?.clone()).map_err(Error::internal)?,
        }),
        "application" => wire::encode_body(&ApplicationBody {
            application_id: text(&payload, "id")?,
            number: text(&payload, "number")?,
            nik: text(&payload, "nik")?,
            kind: text(&payload, "kind")?,
            status: text(&payload, "status")?,
        }),
        "recording" => wire::encode_body(&recording_body(conn, &payload)?),
        "blank_event" => wire::encode_body(&blank_event_body(&row.record_id, &payload)?),
        "issuance_event" => wire::encode_body(&issuance_event_body(&row.record_id, &payload)?),
        "complaint_event" => wire::encode_body(&complaint_event_body(&row.record_id, &payload)?),
        "daily_summary" => wire::encode_body(&daily_summary_body(&payload)?),
        other => return Err(Error::internal(format!("outbox kind {other} has no wire form"))),
    };
    Ok(WireRecord {
        id: row.change_id.clone(),
        seq: row.seq,
        prev_seq,
        kind: row.kind.clone(),
        office: office.to_string(),
        created_at: crate::clock::from_db(&row.created_at),
        body,
    })
}

fn recording_body(conn: &Connection, payload: &Value) -> Result<RecordingBody> {
    let id = text(payload, "id")?;
    let (photo, signature): (Option<Vec<u8>>, Option<Vec<u8>>) =
        conn.query_row("SELECT photo, signature FROM recording WHERE id = ?1", [&id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let biometrics = conn
        .prepare_cached("SELECT part, image, score, exception_reason FROM biometric WHERE recording_id = ?1 ORDER BY part")?
        .query_map([&id], |r| {
            Ok(BiometricBody {
                part: r.get(0)?,
                image: r.get::<_, Option<Vec<u8>>>(1)?.unwrap_or_default(),
                score: r.get(2)?,
                exception_reason: r.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(RecordingBody {
        recording_id: id,
        application_number: text(payload, "application")?,
        application_kind: text(payload, "application_kind")?,
        receipt_number: text(payload, "receipt_number")?,
        recorded_at: serde_json::from_value(field(payload, "recorded_at")?.clone()).map_err(Error::internal)?,
        biodata: serde_json::from_value(field(payload, "biodata")?.clone()).map_err(Error::internal)?,
        photo: photo.unwrap_or_default(),
        signature: signature.unwrap_or_default(),
        biometrics,
    })
}

/// An optional text field of a payload (absent or null: none).
fn opt_text(payload: &Value, name: &str) -> Option<String> {
    payload.get(name).and_then(Value::as_str).map(str::to_string)
}

/// A blank's event (written by `stock::event`); the row's record id is the event's own id.
fn blank_event_body(event_id: &str, payload: &Value) -> Result<BlankEventBody> {
    let opt = |name: &str| opt_text(payload, name);
    Ok(BlankEventBody {
        event_id: event_id.to_string(),
        serial: text(payload, "serial")?,
        event: text(payload, "event")?,
        from_state: opt("from_state"),
        at: crate::clock::from_db(&text(payload, "at")?),
        cause: opt("cause"),
        report_number: opt("report_number"),
        recording_id: opt("recording_id"),
        job_id: opt("job_id"),
        chip_uid: opt("chip_uid"),
    })
}

/// A card hand-over or a Suket's event (written by `handover` and `suket`); the row's record id is
/// the event's own id. A `valid_until` that is not a `YYYY-MM-DD` date makes the row unsendable
/// rather than travel without it.
fn issuance_event_body(event_id: &str, payload: &Value) -> Result<IssuanceEventBody> {
    let opt = |name: &str| opt_text(payload, name);
    let valid_until = match opt("valid_until") {
        Some(d) => Some(chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d").map_err(|e| Error::internal(format!("valid_until {d}: {e}")))?),
        None => None,
    };
    Ok(IssuanceEventBody {
        event_id: event_id.to_string(),
        event: text(payload, "event")?,
        at: crate::clock::from_db(&text(payload, "at")?),
        nik: text(payload, "nik")?,
        recording_id: text(payload, "recording_id")?,
        handover_id: opt("handover_id"),
        serial: opt("serial"),
        collector: opt("collector"),
        old_card: opt("old_card"),
        suket_number: opt("suket_number"),
        valid_until,
        reason: opt("reason"),
    })
}

/// A complaint's step (written by `complaints`); the row's record id is the event's own id. Dates
/// that are not `YYYY-MM-DD` make the row unsendable rather than travel without them.
fn complaint_event_body(event_id: &str, payload: &Value) -> Result<ComplaintEventBody> {
    let date = |name: &str| -> Result<chrono::NaiveDate> {
        let d = text(payload, name)?;
        chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d").map_err(|e| Error::internal(format!("{name} {d}: {e}")))
    };
    Ok(ComplaintEventBody {
        event_id: event_id.to_string(),
        event: text(payload, "event")?,
        at: crate::clock::from_db(&text(payload, "at")?),
        number: text(payload, "number")?,
        state: text(payload, "state")?,
        channel: text(payload, "channel")?,
        category: text(payload, "category")?,
        received_on: date("received_on")?,
        deadline: date("deadline")?,
        level: text(payload, "level")?,
        note: opt_text(payload, "note"),
    })
}

/// A closed day's summary (written by `reports::keep_day`). A day that is not `YYYY-MM-DD` or a
/// figure without a number makes the row unsendable rather than travel without it.
fn daily_summary_body(payload: &Value) -> Result<DailySummaryBody> {
    let d = text(payload, "day")?;
    let day = chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d").map_err(|e| Error::internal(format!("day {d}: {e}")))?;
    let figures = field(payload, "figures")?
        .as_array()
        .ok_or_else(|| Error::internal("daily_summary figures is not a list"))?
        .iter()
        .map(|f| {
            Ok(SummaryFigure {
                section: text(f, "section")?,
                label: text(f, "label")?,
                value: field(f, "value")?.as_f64().ok_or_else(|| Error::internal("daily_summary figure without a number"))?,
            })
        })
        .collect::<Result<_>>()?;
    Ok(DailySummaryBody { day, generated_at: crate::clock::from_db(&text(payload, "generated_at")?), figures })
}
