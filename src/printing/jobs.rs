//! Print jobs in the store: each step of `machine::next` applied in one transaction with its effect
//! on the blank (`stock`), its event row and its audit row. Nothing here talks to a printer or an
//! encoder; `mod.rs` does that between these steps, outside any transaction.

use super::machine::{self, BlankEffect, JobState, Step};
use crate::auth::Caller;
use crate::clock::to_db;
use crate::error::{Error, ErrorCode, Result};
use crate::stock::{self, SpoilCause, Spoilage};
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;
use ts_rs::TS;

/// Why a card is printed again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema, TS)]
#[serde(rename_all = "snake_case")]
pub enum ReprintReason {
    /// The card was lost (hilang).
    Lost,
    /// The card was damaged (rusak).
    Damaged,
    /// The data on it changed (perubahan data).
    DataChange,
    /// The last print spoiled its blank: no card exists yet.
    SpoiledInPrint,
}

impl ReprintReason {
    pub fn as_str(self) -> &'static str {
        match self {
            ReprintReason::Lost => "lost",
            ReprintReason::Damaged => "damaged",
            ReprintReason::DataChange => "data_change",
            ReprintReason::SpoiledInPrint => "spoiled_in_print",
        }
    }
    fn parse(s: &str) -> Option<ReprintReason> {
        [ReprintReason::Lost, ReprintReason::Damaged, ReprintReason::DataChange, ReprintReason::SpoiledInPrint]
            .into_iter()
            .find(|r| r.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema, TS)]
pub struct JobView {
    pub id: String,
    pub recording_id: String,
    pub receipt_number: String,
    pub nik: String,
    pub full_name: String,
    pub state: JobState,
    pub state_label: String,
    pub serial: Option<String>,
    #[ts(type = "number | null")]
    pub printer_id: Option<i64>,
    pub printer_name: Option<String>,
    #[ts(type = "number | null")]
    pub printer_job_id: Option<i64>,
    pub chip_uid: Option<String>,
    pub reprint_reason: Option<ReprintReason>,
    pub reprint_note: Option<String>,
    /// A reprint of a card that exists waits for a supervisor.
    pub needs_approval: bool,
    pub approved_by: Option<String>,
    pub cause: Option<SpoilCause>,
    /// The last thing the printer or the encoder said, for the operator.
    pub message: Option<String>,
    pub created_by: String,
    pub created_at: String,
    pub updated_at: String,
}

const JOB_SELECT: &str = "SELECT j.id, j.recording_id, r.receipt_number, p.nik, p.full_name, j.state, j.serial, j.printer_id,
    cp.name AS printer_name, j.printer_job_id, j.chip_uid, j.reprint_reason, j.reprint_note, j.needs_approval,
    ap.full_name AS approved_by, j.cause, j.message, cb.full_name AS created_by, j.created_at, j.updated_at
    FROM print_job j JOIN recording r ON r.id = j.recording_id JOIN application a ON a.id = r.application_id
    JOIN applicant p ON p.id = a.applicant_id LEFT JOIN card_printer cp ON cp.id = j.printer_id
    LEFT JOIN staff ap ON ap.id = j.approved_by JOIN staff cb ON cb.id = j.created_by";

fn job_from_row(r: &rusqlite::Row) -> rusqlite::Result<JobView> {
    let state: String = r.get("state")?;
    let state = JobState::parse(&state).ok_or(rusqlite::Error::InvalidQuery)?;
    let reason: Option<String> = r.get("reprint_reason")?;
    let cause: Option<String> = r.get("cause")?;
    Ok(JobView {
        id: r.get("id")?,
        recording_id: r.get("recording_id")?,
        receipt_number: r.get::<_, Option<String>>("receipt_number")?.unwrap_or_default(),
        nik: r.get("nik")?,
        full_name: r.get("full_name")?,
        state,
        state_label: state.label().to_string(),
        serial: r.get("serial")?,
        printer_id: r.get("printer_id")?,
        printer_name: r.get("printer_name")?,
        printer_job_id: r.get("printer_job_id")?,
        chip_uid: r.get("chip_uid")?,
        reprint_reason: reason.as_deref().and_then(ReprintReason::parse),
        reprint_note: r.get("reprint_note")?,
        needs_approval: r.get("needs_approval")?,
        approved_by: r.get("approved_by")?,
        cause: cause.as_deref().and_then(|c| SpoilCause::ALL.into_iter().find(|x| x.as_str() == c)),
        message: r.get("message")?,
        created_by: r.get("created_by")?,
        created_at: r.get("created_at")?,
        updated_at: r.get("updated_at")?,
    })
}

pub fn job(conn: &Connection, id: &str) -> Result<JobView> {
    conn.query_row(&format!("{JOB_SELECT} WHERE j.id = ?1"), [id], job_from_row)
        .optional()?
        .ok_or_else(|| Error::field("job_id", "Pekerjaan cetak tidak ditemukan."))
}

fn open_job_for(conn: &Connection, recording_id: &str) -> Result<Option<JobView>> {
    Ok(conn
        .query_row(
            &format!("{JOB_SELECT} WHERE j.recording_id = ?1 AND j.state IN ('queued', 'printing', 'personalising', 'checking', 'interrupted')"),
            [recording_id],
            job_from_row,
        )
        .optional()?)
}

/// The record's status in words, for a refusal to print it.
pub(crate) fn status_label(status: &str) -> &'static str {
    match status {
        "in_progress" => "perekaman belum selesai",
        "bio_captured" => "BIO_CAPTURED: belum dikirim ke server pusat",
        "sent_for_enrollment" => "SENT_FOR_ENROLLMENT: menunggu jawaban server pusat",
        "duplicate_record" => "DUPLICATE_RECORD: data ganda, tunggu keputusan pusat",
        "enroll_failure" => "ENROLL_FAILURE: gagal di server pusat",
        "cancelled" => "perekaman dibatalkan",
        _ => "belum siap cetak",
    }
}

/// Applies `step` to the job in this transaction: the state, the blank, an event row and an audit row.
pub fn apply(conn: &Connection, at: DateTime<Utc>, job_id: &str, step: &Step, staff: Option<&Caller>, message: Option<&str>) -> Result<JobView> {
    let j = job(conn, job_id)?;
    let (to, effect) = machine::next(j.state, step).ok_or_else(|| {
        Error::new(ErrorCode::Conflict, format!("Pekerjaan cetak {} sedang '{}'; langkah ini tidak dapat dilakukan.", j.receipt_number, j.state.label()))
    })?;
    let staff_id = staff.map(|c| c.staff_id.as_str());
    let serial = j.serial.clone();
    let need_serial = || serial.clone().ok_or_else(|| Error::field("serial", "Pekerjaan cetak ini belum memakai blangko."));
    let operator = staff_id.map(str::to_string).unwrap_or_else(|| j_created_by_id(conn, job_id).unwrap_or_default());
    match effect {
        BlankEffect::None => {}
        BlankEffect::Hold => {
            stock::hold_for_job(conn, &need_serial()?, job_id)?;
        }
        BlankEffect::Release => stock::release(conn, &need_serial()?, job_id)?,
        BlankEffect::Printed => {
            let print = stock::PrintContext { recording_id: &j.recording_id, chip_uid: j.chip_uid.as_deref() };
            stock::mark_printed(conn, at, &need_serial()?, &operator, job_id, Some(&print))?
        }
        BlankEffect::Spoiled(cause) => {
            let spoilage = Spoilage { cause, note: message.map(str::to_string), corner_cut: true };
            let print = stock::PrintContext { recording_id: &j.recording_id, chip_uid: None };
            stock::mark_spoiled(conn, at, &need_serial()?, &operator, Some(job_id), &spoilage, Some(&print))?;
            conn.execute("UPDATE print_job SET cause = ?2 WHERE id = ?1", params![job_id, cause.as_str()])?;
        }
    }
    let finished = (!to.is_open()).then(|| to_db(at));
    conn.execute(
        "UPDATE print_job SET state = ?2, updated_at = ?3, finished_at = COALESCE(?4, finished_at), message = ?5 WHERE id = ?1",
        params![job_id, to.as_str(), to_db(at), finished, message],
    )?;
    conn.execute(
        "INSERT INTO print_job_event (job_id, at, state, staff_id, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![job_id, to_db(at), to.as_str(), staff_id, message],
    )?;
    crate::audit::append(conn, at, staff.map(|c| c.username.as_str()), "print_job", Some(job_id), json!({
        "state": to.as_str(), "serial": j.serial, "receipt_number": j.receipt_number, "message": message,
    }))?;
    if to == JobState::Done {
        // The recording's latest card: printed now, not handed over yet (the supervisor's counts).
        conn.execute("UPDATE recording SET card_printed_at = ?2, card_handed_over = 0 WHERE id = ?1", params![j.recording_id, to_db(at)])?;
        // The applicant's timeline and the kiosk: the card is ready to collect.
        conn.execute(
            "INSERT INTO application_event (application_id, at, status, staff_id, note)
             SELECT a.id, ?2, a.status, ?3, 'KTP-el sudah dicetak, silakan ambil' FROM recording r
             JOIN application a ON a.id = r.application_id WHERE r.id = ?1",
            params![j.recording_id, to_db(at), staff_id],
        )?;
    }
    job(conn, job_id)
}

fn j_created_by_id(conn: &Connection, job_id: &str) -> Result<String> {
    Ok(conn.query_row("SELECT created_by FROM print_job WHERE id = ?1", [job_id], |r| r.get(0))?)
}

/// What the operator asks for: print this record on this blank with this printer.
#[derive(Debug, Clone, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct StartRequest {
    pub recording_id: String,
    /// The blank in the printer (scanned or typed).
    pub serial: String,
    #[ts(type = "number")]
    pub printer_id: i64,
    /// Required when the record already has a card, or its last print spoiled.
    #[serde(default)]
    #[ts(optional)]
    pub reprint_reason: Option<ReprintReason>,
    #[serde(default)]
    #[ts(optional)]
    pub reprint_note: Option<String>,
}

/// Opens the job (or takes the record's open queued job: a double click is one job) and claims the
/// blank: the job is `printing` with the blank held before anything is sent to the printer.
pub fn claim(conn: &Connection, at: DateTime<Utc>, caller: &Caller, req: &StartRequest) -> Result<JobView> {
    let (status, printed_before): (String, bool) = conn
        .query_row(
            "SELECT status, EXISTS (SELECT 1 FROM print_job WHERE recording_id = r.id AND state = 'done') FROM recording r WHERE id = ?1",
            [&req.recording_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?
        .ok_or_else(|| Error::field("recording_id", "Data perekaman tidak ditemukan."))?;
    if status != "print_ready_record" {
        return Err(Error::field("recording_id", format!("Belum dapat dicetak: status {}.", status_label(&status))));
    }
    let printer: Option<bool> =
        conn.query_row("SELECT active FROM card_printer WHERE id = ?1", [req.printer_id], |r| r.get(0)).optional()?;
    match printer {
        None => return Err(Error::field("printer_id", "Printer kartu tidak dikenal; atur di Pengaturan Cetak.")),
        Some(false) => return Err(Error::field("printer_id", "Printer kartu ini dinonaktifkan di Pengaturan Cetak.")),
        Some(true) => {}
    }
    let job = match open_job_for(conn, &req.recording_id)? {
        Some(j) if j.state == JobState::Queued => j,
        Some(j) => {
            return Err(Error::new(ErrorCode::Conflict, format!("KTP-el {} sudah dalam pekerjaan cetak ({}).", j.receipt_number, j.state.label())))
        }
        None => {
            let spoiled_last: bool = conn
                .query_row(
                    "SELECT state = 'spoiled' FROM print_job WHERE recording_id = ?1 AND state <> 'cancelled' ORDER BY created_at DESC, rowid DESC LIMIT 1",
                    [&req.recording_id],
                    |r| r.get(0),
                )
                .optional()?
                .unwrap_or(false);
            let reason = req.reprint_reason;
            if (printed_before || spoiled_last) && reason.is_none() {
                return Err(Error::field("reprint_reason", "KTP-el ini pernah dicetak: pilih alasan cetak ulang."));
            }
            if !printed_before && !spoiled_last && reason.is_some() {
                return Err(Error::field("reprint_reason", "KTP-el ini belum pernah dicetak: bukan cetak ulang."));
            }
            let note = req.reprint_note.as_deref().map(str::trim).filter(|n| !n.is_empty());
            // A card that exists is printed again only with a supervisor's approval at the desk.
            let needs_approval = printed_before;
            let id = uuid::Uuid::now_v7().to_string();
            conn.execute(
                "INSERT INTO print_job (id, recording_id, state, printer_id, reprint_reason, reprint_note, needs_approval, created_by, created_at, updated_at)
                 VALUES (?1, ?2, 'queued', ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
                params![id, req.recording_id, req.printer_id, reason.map(ReprintReason::as_str), note, needs_approval, caller.staff_id, to_db(at)],
            )?;
            conn.execute("INSERT INTO print_job_event (job_id, at, state, staff_id) VALUES (?1, ?2, 'queued', ?3)", params![id, to_db(at), caller.staff_id])?;
            crate::audit::append(conn, at, Some(&caller.username), "print_job_created", Some(&id), json!({
                "recording_id": req.recording_id, "reprint_reason": reason.map(ReprintReason::as_str),
            }))?;
            self::job(conn, &id)?
        }
    };
    if job.needs_approval && job.approved_by.is_none() {
        // The job is kept (queued, no blank held) so a supervisor can approve it at this desk.
        set_message(conn, &job.id, &format!("Cetak ulang KTP-el {} perlu persetujuan supervisor di meja ini.", job.receipt_number))?;
        return self::job(conn, &job.id);
    }
    // The blank is checked (in stock, not in another job) before the job names it.
    let serial = stock::hold_for_job(conn, &req.serial, &job.id)?.serial;
    conn.execute("UPDATE print_job SET serial = ?2, printer_id = ?3 WHERE id = ?1", params![job.id, serial, req.printer_id])?;
    apply(conn, at, &job.id, &Step::Claim, Some(caller), None)
}

/// A supervisor approves a reprint of a card that exists (their own session, at the operator's desk).
pub fn approve(conn: &Connection, at: DateTime<Utc>, supervisor: &Caller, job_id: &str) -> Result<JobView> {
    let j = job(conn, job_id)?;
    if !j.needs_approval || j.state != JobState::Queued {
        return Err(Error::field("job_id", "Pekerjaan cetak ini tidak menunggu persetujuan."));
    }
    conn.execute("UPDATE print_job SET approved_by = ?2, updated_at = ?3 WHERE id = ?1", params![job_id, supervisor.staff_id, to_db(at)])?;
    crate::audit::append(conn, at, Some(&supervisor.username), "print_reprint_approved", Some(job_id), json!({"receipt_number": j.receipt_number}))?;
    job(conn, job_id)
}

/// After a restart: jobs that were at the printer or the encoder are interrupted; the operator says
/// what happened to each blank. Returns how many.
pub fn recover(conn: &Connection, at: DateTime<Utc>) -> Result<usize> {
    let ids: Vec<String> = conn
        .prepare("SELECT id FROM print_job WHERE state IN ('printing', 'personalising')")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for id in &ids {
        apply(conn, at, id, &Step::Crashed, None, Some("Hub berhenti saat mencetak. Periksa blangko di printer."))?;
    }
    Ok(ids.len())
}

/// A job's state changes only if it is still `from` (two screens polling the same job: one wins).
pub fn claim_state(conn: &Connection, at: DateTime<Utc>, job_id: &str, from: JobState, step: &Step, message: Option<&str>) -> Result<Option<JobView>> {
    let state: String = conn.query_row("SELECT state FROM print_job WHERE id = ?1", [job_id], |r| r.get(0))?;
    if state != from.as_str() {
        return Ok(None);
    }
    apply(conn, at, job_id, step, None, message).map(Some)
}

pub fn set_printer_job(conn: &Connection, job_id: &str, printer_job_id: i64, message: Option<&str>) -> Result<()> {
    conn.execute("UPDATE print_job SET printer_job_id = ?2, message = ?3 WHERE id = ?1", params![job_id, printer_job_id, message])?;
    Ok(())
}

pub fn set_chip_uid(conn: &Connection, job_id: &str, uid: &str) -> Result<()> {
    conn.execute("UPDATE print_job SET chip_uid = ?2 WHERE id = ?1", params![job_id, uid])?;
    Ok(())
}

pub fn set_message(conn: &Connection, job_id: &str, message: &str) -> Result<()> {
    conn.execute("UPDATE print_job SET message = ?2 WHERE id = ?1", params![job_id, message])?;
    Ok(())
}

// ---- the print queue ------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema, TS)]
pub struct QueueItem {
    pub recording_id: String,
    pub receipt_number: String,
    pub nik: String,
    pub full_name: String,
    /// When central answered PRINT_READY_RECORD.
    pub ready_at: Option<String>,
    /// Cards printed for this record before (a reprint is needed to print again).
    #[ts(type = "number")]
    pub cards_printed: i64,
    /// The last print spoiled its blank: print again with reason `spoiled_in_print`.
    pub last_spoiled: bool,
    pub open_job: Option<JobView>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct QueueRequest {
    /// Name, NIK, or receipt number (a scan of the bukti perekaman QR).
    #[serde(default)]
    #[ts(optional)]
    pub search: Option<String>,
}

#[derive(Debug, Clone, Serialize, JsonSchema, TS)]
pub struct PrintQueue {
    pub items: Vec<QueueItem>,
    /// More matched than shown (200).
    pub truncated: bool,
    /// When the search is a receipt number or NIK of a record that cannot be printed: why.
    pub not_printable: Option<String>,
    pub today: TodayCounts,
}

#[derive(Debug, Clone, Default, Serialize, JsonSchema, TS)]
pub struct TodayCounts {
    #[ts(type = "number")]
    pub printed: i64,
    #[ts(type = "number")]
    pub spoiled: i64,
    #[ts(type = "number")]
    pub reprints: i64,
    #[ts(type = "number")]
    pub waiting: i64,
}

/// PRR records without a card yet, and records with an open job; oldest first. A search also finds
/// records that have a card (a reprint for a lost, damaged or changed card starts from there).
pub fn queue(conn: &Connection, now: DateTime<Utc>, req: &QueueRequest) -> Result<PrintQueue> {
    let search = req.search.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_uppercase);
    let like = search.as_ref().map(|s| format!("%{s}%"));
    let mut stmt = conn.prepare_cached(
        "SELECT r.id, r.receipt_number, p.nik, p.full_name, r.status_at,
            (SELECT COUNT(*) FROM print_job d WHERE d.recording_id = r.id AND d.state = 'done') AS cards_printed,
            (SELECT state = 'spoiled' FROM print_job l WHERE l.recording_id = r.id AND l.state <> 'cancelled'
               ORDER BY l.created_at DESC, l.rowid DESC LIMIT 1) AS last_spoiled,
            (SELECT id FROM print_job o WHERE o.recording_id = r.id
               AND o.state IN ('queued', 'printing', 'personalising', 'checking', 'interrupted')) AS open_job
         FROM recording r JOIN application a ON a.id = r.application_id JOIN applicant p ON p.id = a.applicant_id
         WHERE r.status = 'print_ready_record'
           AND (open_job IS NOT NULL OR cards_printed = 0 OR ?1 IS NOT NULL)
           AND (?1 IS NULL OR r.receipt_number = ?1 OR p.nik = ?1 OR upper(p.full_name) LIKE ?2)
         ORDER BY COALESCE(r.status_at, r.finished_at), r.id LIMIT 201",
    )?;
    let rows: Vec<(QueueItem, Option<String>)> = stmt
        .query_map(params![search, like], |r| {
            Ok((
                QueueItem {
                    recording_id: r.get("id")?,
                    receipt_number: r.get::<_, Option<String>>("receipt_number")?.unwrap_or_default(),
                    nik: r.get("nik")?,
                    full_name: r.get("full_name")?,
                    ready_at: r.get("status_at")?,
                    cards_printed: r.get("cards_printed")?,
                    last_spoiled: r.get::<_, Option<bool>>("last_spoiled")?.unwrap_or(false),
                    open_job: None,
                },
                r.get("open_job")?,
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let truncated = rows.len() > 200;
    let mut items = Vec::with_capacity(rows.len().min(200));
    for (mut item, open) in rows.into_iter().take(200) {
        if let Some(id) = open {
            item.open_job = Some(job(conn, &id)?);
        }
        items.push(item);
    }
    let not_printable = match (&search, items.is_empty()) {
        (Some(s), true) => conn
            .query_row(
                "SELECT r.status, r.receipt_number FROM recording r JOIN application a ON a.id = r.application_id
                 JOIN applicant p ON p.id = a.applicant_id WHERE r.receipt_number = ?1 OR p.nik = ?1
                 ORDER BY r.started_at DESC LIMIT 1",
                [s],
                |r| Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?)),
            )
            .optional()?
            .map(|(status, number)| {
                let number = number.unwrap_or_else(|| s.clone());
                format!("{number} belum dapat dicetak: status {}.", status_label(&status))
            }),
        _ => None,
    };
    Ok(PrintQueue { items, truncated, not_printable, today: today(conn, now)? })
}

fn today(conn: &Connection, now: DateTime<Utc>) -> Result<TodayCounts> {
    let office = crate::setup::require_office(conn)?;
    let day = crate::queue::office_day(&office, now);
    let m = stock::movements(conn, &day, &day)?;
    // Jobs are stored in UTC; the office-local day is [start, end) in UTC.
    let start = chrono::NaiveDate::parse_from_str(&day, "%Y-%m-%d")
        .map_err(Error::internal)?
        .and_hms_opt(0, 0, 0)
        .and_then(|t| t.and_local_timezone(office.offset()).single())
        .ok_or_else(|| Error::internal("office day"))?
        .with_timezone(&Utc);
    let end = start + chrono::Duration::days(1);
    let reprints: i64 = conn.query_row(
        "SELECT COUNT(*) FROM print_job WHERE reprint_reason IS NOT NULL AND state = 'done' AND finished_at >= ?1 AND finished_at < ?2",
        params![to_db(start), to_db(end)],
        |r| r.get(0),
    )?;
    let waiting: i64 = conn.query_row(
        "SELECT COUNT(*) FROM recording r WHERE r.status = 'print_ready_record'
         AND NOT EXISTS (SELECT 1 FROM print_job d WHERE d.recording_id = r.id AND d.state = 'done')",
        [],
        |r| r.get(0),
    )?;
    Ok(TodayCounts { printed: m.printed, spoiled: m.spoiled, reprints, waiting })
}

/// Whether a record has a card printed (for the kiosk and the applicant's timeline).
pub fn card_printed(conn: &Connection, recording_id: &str) -> Result<bool> {
    Ok(conn.query_row("SELECT EXISTS (SELECT 1 FROM print_job WHERE recording_id = ?1 AND state = 'done')", [recording_id], |r| r.get(0))?)
}
