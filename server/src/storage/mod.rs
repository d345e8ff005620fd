//! Storage behind one trait, so a kecamatan pilot runs on a SQLite file and a kabupaten or province
//! on PostgreSQL with the same rules. The backends only do primitives inside a transaction; every
//! decision (dedup outcome, contiguous seq, verification, adjudication) lives above, once.
//!
//! Both backends run one writer at a time (SQLite: one connection; PostgreSQL: a transaction-level
//! advisory lock). Besides keeping the NIK duplicate check honest, that makes change cursors commit
//! in the order they were handed out, so an office pulling `after=N` can never skip a change.

mod postgres;
mod sqlite;

use crate::error::{Code, Error, Result};
use chrono::{DateTime, NaiveDate, Utc};
use std::path::PathBuf;
use std::sync::Arc;

/// Where the data lives.
#[derive(Debug, Clone)]
pub enum Target {
    /// A data directory holding `central.db`.
    Sqlite(PathBuf),
    /// `postgres://user@host:port/db`.
    Postgres(String),
}

pub fn open(target: &Target) -> Result<Arc<dyn Storage>> {
    match target {
        Target::Sqlite(dir) => Ok(Arc::new(sqlite::SqliteStorage::open(dir)?)),
        Target::Postgres(url) => Ok(Arc::new(postgres::PgStorage::open(url)?)),
    }
}

pub trait Storage: Send + Sync {
    /// Runs `f` in one write transaction; commits when it returns Ok, rolls back otherwise.
    fn write_dyn(&self, f: &mut dyn FnMut(&mut dyn Tx) -> Result<()>) -> Result<()>;
    /// Runs `f` in a read-only transaction (one consistent snapshot).
    fn read_dyn(&self, f: &mut dyn FnMut(&mut dyn Tx) -> Result<()>) -> Result<()>;
    /// For logs and `status`: "SQLite /path/central.db", "PostgreSQL db@host".
    fn describe(&self) -> String;
}

impl dyn Storage {
    pub fn write<R>(&self, f: impl FnOnce(&mut dyn Tx) -> Result<R>) -> Result<R> {
        run(f, |g| self.write_dyn(g))
    }

    pub fn read<R>(&self, f: impl FnOnce(&mut dyn Tx) -> Result<R>) -> Result<R> {
        run(f, |g| self.read_dyn(g))
    }
}

/// Adapts a typed `FnOnce` to the object-safe `FnMut` the backends take.
fn run<R>(
    f: impl FnOnce(&mut dyn Tx) -> Result<R>,
    exec: impl FnOnce(&mut dyn FnMut(&mut dyn Tx) -> Result<()>) -> Result<()>,
) -> Result<R> {
    let mut f = Some(f);
    let mut out = None;
    exec(&mut |tx| {
        let f = f.take().ok_or_else(|| Error::internal("transaction body ran twice"))?;
        out = Some(f(tx)?);
        Ok(())
    })?;
    out.ok_or_else(|| Error::new(Code::Internal, "Transaksi selesai tanpa hasil."))
}

#[derive(Debug, Clone, PartialEq)]
pub struct TokenRow {
    pub office: String,
    pub label: String,
    pub expires_at: DateTime<Utc>,
    pub used: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DeviceRow {
    pub id: String,
    pub office: String,
    pub name: String,
    pub secret_hash: String,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub contiguous_seq: i64,
    pub last_seen_at: Option<DateTime<Utc>>,
}

/// A record as stored: what the office sent, plus whether central refused its content.
#[derive(Debug, Clone)]
pub struct NewRecord<'a> {
    pub id: &'a str,
    pub device_id: &'a str,
    pub seq: i64,
    pub prev_seq: i64,
    pub kind: &'a str,
    pub office: &'a str,
    pub created_at: DateTime<Utc>,
    pub content_hash: &'a str,
    pub body: &'a [u8],
    pub received_at: DateTime<Utc>,
    /// `Some(reason)` for a record stored as invalid.
    pub invalid_reason: Option<&'a str>,
}

/// One person in the registry (the SIAK mirror). Names are stored normalised (upper case, single spaces).
#[derive(Debug, Clone, PartialEq)]
pub struct Person {
    pub nik: String,
    pub full_name: String,
    /// `L` or `P`.
    pub sex: String,
    pub birth_place: String,
    /// `YYYY-MM-DD`.
    pub birth_date: String,
    pub kk_number: Option<String>,
}

/// The SIAK status of one recording as central last decided it.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordingState {
    pub recording_id: String,
    pub record_id: String,
    pub nik: String,
    pub office: String,
    pub status: String,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AppointmentRow {
    pub id: String,
    pub office: String,
    pub booking_code: String,
    pub service: String,
    pub slot: String,
    pub applicant_name: String,
    pub cancelled: bool,
    pub created_at: DateTime<Utc>,
}

/// The audit anchor central keeps for one device: the highest head of its audit chain it was sent,
/// and the head it sent last (lower when the office's chain went back).
#[derive(Debug, Clone, PartialEq)]
pub struct AuditAnchorRow {
    pub device_id: String,
    pub office: String,
    pub seq: i64,
    pub hash: String,
    /// The audit row's own time at the office.
    pub at: DateTime<Utc>,
    /// When central stored this head.
    pub anchored_at: DateTime<Utc>,
    pub reported_seq: i64,
    pub reported_at: DateTime<Utc>,
}

/// Stored records grouped by office, kind and outcome (`accepted` or `invalid`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct RecordCount {
    pub office: String,
    pub kind: String,
    pub outcome: String,
    pub count: i64,
}

/// One event as central keeps it: a valid event record's body, with the office and the record it
/// came in.
#[derive(Debug)]
pub struct EventRow<'a, B> {
    pub office: &'a str,
    pub record_id: &'a str,
    pub event: &'a B,
}

// By hand: a derive would ask the body to be `Copy` as well.
impl<B> Clone for EventRow<'_, B> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<B> Copy for EventRow<'_, B> {}

/// A `blank_event` record's blank card event.
pub type BlankEventRow<'a> = EventRow<'a, loket_contract::wire::BlankEventBody>;
/// An `issuance_event` record's card hand-over or Suket event.
pub type IssuanceEventRow<'a> = EventRow<'a, loket_contract::wire::IssuanceEventBody>;

/// A `complaint_event` record's step of a complaint.
pub type ComplaintEventRow<'a> = EventRow<'a, loket_contract::wire::ComplaintEventBody>;

/// One office's summary of one closed day, as central keeps it (the latest generated).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DailySummary {
    pub office: String,
    pub day: NaiveDate,
    pub generated_at: DateTime<Utc>,
    /// The record it came in.
    pub record_id: String,
    pub figures: Vec<loket_contract::wire::SummaryFigure>,
}

/// Which summaries `Tx::daily_summaries` lists: any of office, first and last day (inclusive).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SummaryFilter {
    pub office: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// Per office: its complaints as their latest events tell them.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct ComplaintTally {
    pub office: String,
    /// Distinct complaints (any event of theirs arrived).
    pub received: i64,
    /// Latest state `selesai` or `ditutup`.
    pub resolved: i64,
    pub rejected: i64,
    /// Neither resolved nor rejected.
    pub open: i64,
    /// Open, and the deadline is before `today`.
    pub overdue: i64,
}

/// Both backends' query for `Tx::complaint_tally` (`$1` is today, as in `SUKET_IN_FORCE`).
const COMPLAINT_TALLY: &str = "SELECT office, COUNT(*) AS received,
            COUNT(*) FILTER (WHERE state IN ('selesai', 'ditutup')) AS resolved,
            COUNT(*) FILTER (WHERE state = 'ditolak') AS rejected,
            COUNT(*) FILTER (WHERE state NOT IN ('selesai', 'ditutup', 'ditolak')) AS open,
            COUNT(*) FILTER (WHERE state NOT IN ('selesai', 'ditutup', 'ditolak') AND deadline < $1) AS overdue
     FROM (SELECT office, state, deadline,
                  ROW_NUMBER() OVER (PARTITION BY office, number ORDER BY at DESC, id DESC) AS latest
           FROM complaint_event) e
     WHERE latest = 1
     GROUP BY office ORDER BY office";

/// Stored blank events grouped by office, event, the state before it and the spoil cause.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct BlankEventCount {
    pub office: String,
    pub event: String,
    pub from_state: Option<String>,
    pub cause: Option<String>,
    pub count: i64,
}

/// Per office: the Suket whose latest event is `suket_issued` or `suket_reprinted`, split by
/// whether `valid_until` is still ahead (or today) or already past.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SuketInForce {
    pub office: String,
    pub valid: i64,
    pub expired: i64,
}

/// Both backends' query for `Tx::suket_in_force` (`$1`, today, is positional in PostgreSQL and a
/// named parameter with index 1 in SQLite; SQLite stores dates as `YYYY-MM-DD` text, which compares
/// like the dates). Each Suket's latest event by time, then arrival, decides.
const SUKET_IN_FORCE: &str = "SELECT office,
            COUNT(*) FILTER (WHERE valid_until >= $1) AS valid,
            COUNT(*) FILTER (WHERE valid_until < $1) AS expired
     FROM (SELECT office, event, valid_until,
                  ROW_NUMBER() OVER (PARTITION BY office, suket_number ORDER BY at DESC, id DESC) AS latest
           FROM issuance_event WHERE suket_number IS NOT NULL AND event <> 'card_handed_over') e
     WHERE latest = 1 AND event IN ('suket_issued', 'suket_reprinted')
     GROUP BY office ORDER BY office";

/// The primitives a backend offers inside a transaction. Methods take owned-or-borrowed plain data;
/// none of them decides anything.
pub trait Tx {
    // Enrollment tokens and devices.
    fn insert_token(&mut self, hash: &str, office: &str, label: &str, created_at: DateTime<Utc>, expires_at: DateTime<Utc>) -> Result<()>;
    fn token(&mut self, hash: &str) -> Result<Option<TokenRow>>;
    fn use_token(&mut self, hash: &str, device_id: &str, at: DateTime<Utc>) -> Result<()>;
    fn insert_device(&mut self, device: &DeviceRow) -> Result<()>;
    fn device(&mut self, id: &str) -> Result<Option<DeviceRow>>;
    fn devices(&mut self) -> Result<Vec<DeviceRow>>;
    fn set_device_revoked(&mut self, id: &str, at: DateTime<Utc>) -> Result<()>;
    fn set_device_progress(&mut self, id: &str, contiguous_seq: i64, last_seen_at: DateTime<Utc>) -> Result<()>;

    // Audit anchors (the head of each device's audit chain).
    fn audit_anchor(&mut self, device_id: &str) -> Result<Option<AuditAnchorRow>>;
    /// Inserts or replaces the device's anchor.
    fn set_audit_anchor(&mut self, anchor: &AuditAnchorRow) -> Result<()>;

    // Records.
    fn record_hash(&mut self, id: &str) -> Result<Option<String>>;
    fn insert_record(&mut self, record: &NewRecord) -> Result<()>;
    /// Keeps the rejected copy of a conflicting record for a person at central to compare.
    fn insert_conflict(&mut self, record_id: &str, device_id: &str, seq: i64, content_hash: &str, at: DateTime<Utc>) -> Result<()>;
    /// Notes that this device's `seq` (following `prev_seq`) was answered; a second note is ignored.
    fn mark_seq(&mut self, device_id: &str, seq: i64, prev_seq: i64) -> Result<()>;
    /// The lowest answered seq of this device whose `prev_seq` is the given one.
    fn next_seq(&mut self, device_id: &str, prev_seq: i64) -> Result<Option<i64>>;

    // Registry.
    fn person(&mut self, nik: &str) -> Result<Option<Person>>;
    fn upsert_person(&mut self, person: &Person) -> Result<()>;
    fn registry_size(&mut self) -> Result<i64>;

    // Recording statuses.
    fn recording(&mut self, recording_id: &str) -> Result<Option<RecordingState>>;
    /// Another recording of this NIK already print-ready: its recording id.
    fn print_ready_elsewhere(&mut self, nik: &str, recording_id: &str) -> Result<Option<String>>;
    fn set_recording(&mut self, state: &RecordingState, at: DateTime<Utc>) -> Result<()>;

    // Changes for the offices to pull.
    /// The highest cursor handed out to any office (0 when none).
    fn last_cursor(&mut self) -> Result<i64>;
    fn insert_change(&mut self, cursor: i64, office: &str, body_json: &str, at: DateTime<Utc>) -> Result<()>;
    fn changes_after(&mut self, office: &str, after: i64, limit: i64) -> Result<Vec<(i64, String)>>;
    fn latest_change(&mut self, office: &str) -> Result<i64>;

    // Appointments booked at central.
    fn insert_appointment(&mut self, appointment: &AppointmentRow) -> Result<()>;
    /// By id or by booking code.
    fn appointment(&mut self, id_or_code: &str) -> Result<Option<AppointmentRow>>;
    fn set_appointment_cancelled(&mut self, id: &str) -> Result<()>;

    // Blank card events.
    /// Stores an event; false (and nothing stored) when the office's event id is already there.
    fn insert_blank_event(&mut self, event: &BlankEventRow) -> Result<bool>;
    fn blank_event_counts(&mut self) -> Result<Vec<BlankEventCount>>;
    /// Per office: how many recordings have a printed card.
    fn cards_printed(&mut self) -> Result<Vec<(String, i64)>>;
    /// Per office and event: how many blanks have that event as their latest (by `at`, then arrival).
    fn blank_latest_counts(&mut self) -> Result<Vec<(String, String, i64)>>;
    /// The latest event of one blank of one office.
    fn blank_latest(&mut self, office: &str, serial: &str) -> Result<Option<String>>;

    // Card hand-overs and Suket events.
    /// Stores an event; false (and nothing stored) when the office's event id is already there.
    fn insert_issuance_event(&mut self, event: &IssuanceEventRow) -> Result<bool>;
    /// Per office and event: how many events were stored.
    fn issuance_event_counts(&mut self) -> Result<Vec<(String, String, i64)>>;
    /// Per office: the Suket in force on `today` (latest event by `at`, then arrival).
    fn suket_in_force(&mut self, today: NaiveDate) -> Result<Vec<SuketInForce>>;

    // Complaints.
    /// Stores an event; false (and nothing stored) when the office's event id is already there.
    fn insert_complaint_event(&mut self, event: &ComplaintEventRow) -> Result<bool>;
    /// Per office: complaints received, resolved, rejected, open and overdue on `today`.
    fn complaint_tally(&mut self, today: NaiveDate) -> Result<Vec<ComplaintTally>>;

    // Daily summaries.
    /// Stores the office's summary of its day unless one generated at the same time or later is
    /// already there; true when stored.
    fn upsert_daily_summary(&mut self, office: &str, record_id: &str, summary: &loket_contract::wire::DailySummaryBody) -> Result<bool>;
    /// By office, then day.
    fn daily_summaries(&mut self, filter: &SummaryFilter) -> Result<Vec<DailySummary>>;

    // Reading for `status` and tests.
    fn record_counts(&mut self) -> Result<Vec<RecordCount>>;
    fn record_ids(&mut self, device_id: &str) -> Result<Vec<String>>;
    fn conflict_count(&mut self) -> Result<i64>;
    fn recording_statuses(&mut self) -> Result<Vec<RecordingState>>;
}
