//! The SQLite backend: `central.db` in the data directory. WAL, synchronous=FULL, one writer
//! connection (SQLite allows one writer anyway; waiting on a mutex is cheaper than on busy retries),
//! and a few reader connections so authentication and pulls do not wait behind a large batch.

use super::{
    AppointmentRow, BlankEventCount, BlankEventRow, ComplaintEventRow, ComplaintTally, DailySummary, DeviceRow, IssuanceEventRow, NewRecord, Person, RecordCount, RecordingState, Storage,
    SuketInForce, SummaryFilter, TokenRow, Tx,
};
use super::AuditAnchorRow;
use crate::error::{Code, Error, Result};
use chrono::{DateTime, NaiveDate, Utc};
use loket_contract::clock::{from_db, to_db};
use loket_contract::migrate::{MigrateError, Schema};
use rusqlite::{params, Connection, OpenFlags, OptionalExtension, TransactionBehavior};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Marks the file as central's ("LKCE"), so a hub's `loket.db` is never migrated by mistake.
const APPLICATION_ID: i32 = 0x4C4B_4345;
const SCHEMA: Schema = Schema { application_id: APPLICATION_ID, migrations: &[
    include_str!("migrations/sqlite/0001_init.sql"),
    include_str!("migrations/sqlite/0002_blank_event.sql"),
    include_str!("migrations/sqlite/0003_issuance_event.sql"),
    include_str!("migrations/sqlite/0004_complaint_event.sql"),
    include_str!("migrations/sqlite/0005_audit_anchor.sql"),
    include_str!("migrations/sqlite/0006_daily_summary.sql"),
] };
const MAX_IDLE_READERS: usize = 4;

pub struct SqliteStorage {
    path: PathBuf,
    writer: Mutex<Connection>,
    readers: Mutex<Vec<Connection>>,
}

fn connect(path: &Path) -> Result<Connection> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    conn.execute_batch("PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;")?;
    Ok(conn)
}

impl SqliteStorage {
    pub fn open(dir: &Path) -> Result<SqliteStorage> {
        std::fs::create_dir_all(dir).map_err(|e| {
            Error::new(Code::Storage, format!("Folder data {} tidak dapat dibuat: {e}", dir.display()))
        })?;
        let path = dir.join("central.db");
        let conn = connect(&path).map_err(|_| {
            Error::new(Code::Storage, format!("Basis data {} tidak dapat dibuka.", path.display()))
        })?;
        // Refused before WAL mode is switched on, so a foreign or newer file is not touched.
        SCHEMA.check(&conn).map_err(|e| refused(&path, e))?;
        conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0))?;
        let (from, to) = SCHEMA.migrate(&conn).map_err(|e| refused(&path, e))?;
        for version in from + 1..=to {
            tracing::info!(version, "sqlite migration applied");
        }
        Ok(SqliteStorage { path, writer: Mutex::new(conn), readers: Mutex::new(Vec::new()) })
    }
}

/// Central's words for why the migration runner would not (or could not) bring `path` up to date.
fn refused(path: &Path, e: MigrateError) -> Error {
    match e {
        MigrateError::Foreign(_) => {
            Error::new(Code::Storage, format!("{} bukan basis data loket-central; tidak disentuh.", path.display()))
        }
        MigrateError::Newer { version, .. } => Error::new(
            Code::Storage,
            format!("{} dibuat oleh versi loket-central yang lebih baru (skema {version}); perbarui program ini.", path.display()),
        ),
        MigrateError::Unreadable(e) | MigrateError::Failed { error: e, .. } => Error::from(e),
    }
}

impl Storage for SqliteStorage {
    fn write_dyn(&self, f: &mut dyn FnMut(&mut dyn Tx) -> Result<()>) -> Result<()> {
        // A panic inside `f` rolled its transaction back on unwind; the connection is still good.
        let mut conn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        f(&mut SqliteTx(&tx))?;
        tx.commit()?;
        Ok(())
    }

    fn read_dyn(&self, f: &mut dyn FnMut(&mut dyn Tx) -> Result<()>) -> Result<()> {
        let idle = self.readers.lock().unwrap_or_else(|p| p.into_inner()).pop();
        let mut conn = match idle {
            Some(c) => c,
            None => connect(&self.path)?,
        };
        let result = (|| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Deferred)?;
            f(&mut SqliteTx(&tx))?;
            tx.rollback()?;
            Ok(())
        })();
        let mut idle = self.readers.lock().unwrap_or_else(|p| p.into_inner());
        if idle.len() < MAX_IDLE_READERS {
            idle.push(conn);
        }
        result
    }

    fn describe(&self) -> String {
        format!("SQLite {}", self.path.display())
    }
}

struct SqliteTx<'a>(&'a Connection);

fn time(s: String) -> DateTime<Utc> {
    from_db(&s)
}

fn opt_time(s: Option<String>) -> Option<DateTime<Utc>> {
    s.map(time)
}

fn device_row(r: &rusqlite::Row) -> rusqlite::Result<DeviceRow> {
    Ok(DeviceRow {
        id: r.get("id")?,
        office: r.get("office")?,
        name: r.get("name")?,
        secret_hash: r.get("secret_hash")?,
        created_at: time(r.get("created_at")?),
        revoked_at: opt_time(r.get("revoked_at")?),
        contiguous_seq: r.get("contiguous_seq")?,
        last_seen_at: opt_time(r.get("last_seen_at")?),
    })
}

const DEVICE_COLUMNS: &str = "id, office, name, secret_hash, created_at, revoked_at, contiguous_seq, last_seen_at";

fn recording_row(r: &rusqlite::Row) -> rusqlite::Result<RecordingState> {
    Ok(RecordingState {
        recording_id: r.get("recording_id")?,
        record_id: r.get("record_id")?,
        nik: r.get("nik")?,
        office: r.get("office")?,
        status: r.get("status")?,
        reason: r.get("reason")?,
    })
}

impl Tx for SqliteTx<'_> {
    fn insert_token(&mut self, hash: &str, office: &str, label: &str, created_at: DateTime<Utc>, expires_at: DateTime<Utc>) -> Result<()> {
        self.0.execute(
            "INSERT INTO enroll_token (token_hash, office, label, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![hash, office, label, to_db(created_at), to_db(expires_at)],
        )?;
        Ok(())
    }

    fn token(&mut self, hash: &str) -> Result<Option<TokenRow>> {
        Ok(self
            .0
            .query_row("SELECT office, label, expires_at, used_at IS NOT NULL FROM enroll_token WHERE token_hash = ?1", [hash], |r| {
                Ok(TokenRow { office: r.get(0)?, label: r.get(1)?, expires_at: time(r.get(2)?), used: r.get(3)? })
            })
            .optional()?)
    }

    fn use_token(&mut self, hash: &str, device_id: &str, at: DateTime<Utc>) -> Result<()> {
        self.0.execute("UPDATE enroll_token SET used_at = ?2, device_id = ?3 WHERE token_hash = ?1", params![hash, to_db(at), device_id])?;
        Ok(())
    }

    fn insert_device(&mut self, d: &DeviceRow) -> Result<()> {
        self.0.execute(
            &format!("INSERT INTO device ({DEVICE_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"),
            params![
                d.id,
                d.office,
                d.name,
                d.secret_hash,
                to_db(d.created_at),
                d.revoked_at.map(to_db),
                d.contiguous_seq,
                d.last_seen_at.map(to_db)
            ],
        )?;
        Ok(())
    }

    fn device(&mut self, id: &str) -> Result<Option<DeviceRow>> {
        Ok(self
            .0
            .prepare_cached(&format!("SELECT {DEVICE_COLUMNS} FROM device WHERE id = ?1"))?
            .query_row([id], device_row)
            .optional()?)
    }

    fn devices(&mut self) -> Result<Vec<DeviceRow>> {
        let mut stmt = self.0.prepare(&format!("SELECT {DEVICE_COLUMNS} FROM device ORDER BY office, created_at"))?;
        let rows = stmt.query_map([], device_row)?.collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    fn set_device_revoked(&mut self, id: &str, at: DateTime<Utc>) -> Result<()> {
        self.0.execute("UPDATE device SET revoked_at = ?2 WHERE id = ?1", params![id, to_db(at)])?;
        Ok(())
    }

    fn set_device_progress(&mut self, id: &str, contiguous_seq: i64, last_seen_at: DateTime<Utc>) -> Result<()> {
        self.0
            .prepare_cached("UPDATE device SET contiguous_seq = ?2, last_seen_at = ?3 WHERE id = ?1")?
            .execute(params![id, contiguous_seq, to_db(last_seen_at)])?;
        Ok(())
    }

    fn audit_anchor(&mut self, device_id: &str) -> Result<Option<AuditAnchorRow>> {
        Ok(self
            .0
            .prepare_cached(
                "SELECT device_id, office, seq, hash, at, anchored_at, reported_seq, reported_at FROM audit_anchor WHERE device_id = ?1",
            )?
            .query_row([device_id], |r| {
                Ok(AuditAnchorRow {
                    device_id: r.get(0)?,
                    office: r.get(1)?,
                    seq: r.get(2)?,
                    hash: r.get(3)?,
                    at: time(r.get(4)?),
                    anchored_at: time(r.get(5)?),
                    reported_seq: r.get(6)?,
                    reported_at: time(r.get(7)?),
                })
            })
            .optional()?)
    }

    fn set_audit_anchor(&mut self, a: &AuditAnchorRow) -> Result<()> {
        self.0
            .prepare_cached(
                "INSERT INTO audit_anchor (device_id, office, seq, hash, at, anchored_at, reported_seq, reported_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                 ON CONFLICT (device_id) DO UPDATE SET office = excluded.office, seq = excluded.seq, hash = excluded.hash,
                     at = excluded.at, anchored_at = excluded.anchored_at, reported_seq = excluded.reported_seq,
                     reported_at = excluded.reported_at",
            )?
            .execute(params![a.device_id, a.office, a.seq, a.hash, to_db(a.at), to_db(a.anchored_at), a.reported_seq, to_db(a.reported_at)])?;
        Ok(())
    }

    fn record_hash(&mut self, id: &str) -> Result<Option<String>> {
        Ok(self.0.prepare_cached("SELECT content_hash FROM record WHERE id = ?1")?.query_row([id], |r| r.get(0)).optional()?)
    }

    fn insert_record(&mut self, r: &NewRecord) -> Result<()> {
        self.0
            .prepare_cached(
                "INSERT INTO record (id, device_id, seq, prev_seq, kind, office, created_at, content_hash, body, received_at, outcome, reason)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            )?
            .execute(params![
                r.id,
                r.device_id,
                r.seq,
                r.prev_seq,
                r.kind,
                r.office,
                to_db(r.created_at),
                r.content_hash,
                r.body,
                to_db(r.received_at),
                if r.invalid_reason.is_some() { "invalid" } else { "accepted" },
                r.invalid_reason
            ])?;
        Ok(())
    }

    fn insert_conflict(&mut self, record_id: &str, device_id: &str, seq: i64, content_hash: &str, at: DateTime<Utc>) -> Result<()> {
        self.0.execute(
            "INSERT INTO conflict (record_id, device_id, seq, content_hash, received_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![record_id, device_id, seq, content_hash, to_db(at)],
        )?;
        Ok(())
    }

    fn mark_seq(&mut self, device_id: &str, seq: i64, prev_seq: i64) -> Result<()> {
        self.0
            .prepare_cached("INSERT INTO device_seq (device_id, seq, prev_seq) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING")?
            .execute(params![device_id, seq, prev_seq])?;
        Ok(())
    }

    fn next_seq(&mut self, device_id: &str, prev_seq: i64) -> Result<Option<i64>> {
        Ok(self
            .0
            .prepare_cached("SELECT MIN(seq) FROM device_seq WHERE device_id = ?1 AND prev_seq = ?2")?
            .query_row(params![device_id, prev_seq], |r| r.get(0))?)
    }

    fn person(&mut self, nik: &str) -> Result<Option<Person>> {
        Ok(self
            .0
            .prepare_cached("SELECT nik, full_name, sex, birth_place, birth_date, kk_number FROM person WHERE nik = ?1")?
            .query_row([nik], |r| {
                Ok(Person {
                    nik: r.get("nik")?,
                    full_name: r.get("full_name")?,
                    sex: r.get("sex")?,
                    birth_place: r.get("birth_place")?,
                    birth_date: r.get("birth_date")?,
                    kk_number: r.get("kk_number")?,
                })
            })
            .optional()?)
    }

    fn upsert_person(&mut self, p: &Person) -> Result<()> {
        self.0
            .prepare_cached(
                "INSERT INTO person (nik, full_name, sex, birth_place, birth_date, kk_number) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (nik) DO UPDATE SET full_name = excluded.full_name, sex = excluded.sex,
                   birth_place = excluded.birth_place, birth_date = excluded.birth_date, kk_number = excluded.kk_number",
            )?
            .execute(params![p.nik, p.full_name, p.sex, p.birth_place, p.birth_date, p.kk_number])?;
        Ok(())
    }

    fn registry_size(&mut self) -> Result<i64> {
        Ok(self.0.query_row("SELECT COUNT(*) FROM person", [], |r| r.get(0))?)
    }

    fn recording(&mut self, recording_id: &str) -> Result<Option<RecordingState>> {
        Ok(self
            .0
            .prepare_cached("SELECT recording_id, record_id, nik, office, status, reason FROM recording_status WHERE recording_id = ?1")?
            .query_row([recording_id], recording_row)
            .optional()?)
    }

    fn print_ready_elsewhere(&mut self, nik: &str, recording_id: &str) -> Result<Option<String>> {
        Ok(self
            .0
            .prepare_cached(
                "SELECT recording_id FROM recording_status
                 WHERE nik = ?1 AND status = 'PRINT_READY_RECORD' AND recording_id <> ?2 ORDER BY updated_at LIMIT 1",
            )?
            .query_row([nik, recording_id], |r| r.get(0))
            .optional()?)
    }

    fn set_recording(&mut self, s: &RecordingState, at: DateTime<Utc>) -> Result<()> {
        self.0
            .prepare_cached(
                "INSERT INTO recording_status (recording_id, record_id, nik, office, status, reason, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT (recording_id) DO UPDATE SET record_id = excluded.record_id, nik = excluded.nik,
                   office = excluded.office, status = excluded.status, reason = excluded.reason, updated_at = excluded.updated_at",
            )?
            .execute(params![s.recording_id, s.record_id, s.nik, s.office, s.status, s.reason, to_db(at)])?;
        Ok(())
    }

    fn last_cursor(&mut self) -> Result<i64> {
        Ok(self.0.prepare_cached("SELECT COALESCE(MAX(cursor), 0) FROM change")?.query_row([], |r| r.get(0))?)
    }

    fn insert_change(&mut self, cursor: i64, office: &str, body_json: &str, at: DateTime<Utc>) -> Result<()> {
        self.0
            .prepare_cached("INSERT INTO change (cursor, office, body, created_at) VALUES (?1, ?2, ?3, ?4)")?
            .execute(params![cursor, office, body_json, to_db(at)])?;
        Ok(())
    }

    fn changes_after(&mut self, office: &str, after: i64, limit: i64) -> Result<Vec<(i64, String)>> {
        let mut stmt =
            self.0.prepare_cached("SELECT cursor, body FROM change WHERE office = ?1 AND cursor > ?2 ORDER BY cursor LIMIT ?3")?;
        let rows = stmt.query_map(params![office, after, limit], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    fn latest_change(&mut self, office: &str) -> Result<i64> {
        Ok(self
            .0
            .prepare_cached("SELECT COALESCE(MAX(cursor), 0) FROM change WHERE office = ?1")?
            .query_row([office], |r| r.get(0))?)
    }

    fn insert_appointment(&mut self, a: &AppointmentRow) -> Result<()> {
        self.0.execute(
            "INSERT INTO appointment (id, office, booking_code, service, slot, applicant_name, cancelled, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![a.id, a.office, a.booking_code, a.service, a.slot, a.applicant_name, a.cancelled, to_db(a.created_at)],
        )?;
        Ok(())
    }

    fn appointment(&mut self, id_or_code: &str) -> Result<Option<AppointmentRow>> {
        Ok(self
            .0
            .query_row(
                "SELECT id, office, booking_code, service, slot, applicant_name, cancelled, created_at FROM appointment
                 WHERE id = ?1 OR booking_code = ?1",
                [id_or_code],
                |r| {
                    Ok(AppointmentRow {
                        id: r.get("id")?,
                        office: r.get("office")?,
                        booking_code: r.get("booking_code")?,
                        service: r.get("service")?,
                        slot: r.get("slot")?,
                        applicant_name: r.get("applicant_name")?,
                        cancelled: r.get("cancelled")?,
                        created_at: time(r.get("created_at")?),
                    })
                },
            )
            .optional()?)
    }

    fn set_appointment_cancelled(&mut self, id: &str) -> Result<()> {
        self.0.execute("UPDATE appointment SET cancelled = 1 WHERE id = ?1", [id])?;
        Ok(())
    }

    fn insert_blank_event(&mut self, e: &BlankEventRow) -> Result<bool> {
        let b = e.event;
        let n = self
            .0
            .prepare_cached(
                "INSERT INTO blank_event (office, record_id, event_id, serial, event, from_state, at, cause, report_number, recording_id, job_id, chip_uid)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) ON CONFLICT (office, event_id) DO NOTHING",
            )?
            .execute(params![
                e.office,
                e.record_id,
                b.event_id,
                b.serial,
                b.event,
                b.from_state,
                to_db(b.at),
                b.cause,
                b.report_number,
                b.recording_id,
                b.job_id,
                b.chip_uid
            ])?;
        Ok(n == 1)
    }

    fn blank_event_counts(&mut self) -> Result<Vec<BlankEventCount>> {
        let mut stmt = self.0.prepare(
            "SELECT office, event, from_state, cause, COUNT(*) AS n FROM blank_event
             GROUP BY office, event, from_state, cause ORDER BY office, event, from_state, cause",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok(BlankEventCount {
                    office: r.get("office")?,
                    event: r.get("event")?,
                    from_state: r.get("from_state")?,
                    cause: r.get("cause")?,
                    count: r.get("n")?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    fn cards_printed(&mut self) -> Result<Vec<(String, i64)>> {
        let mut stmt = self.0.prepare(
            "SELECT office, COUNT(DISTINCT recording_id) FROM blank_event WHERE event = 'printed' GROUP BY office ORDER BY office",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    fn blank_latest_counts(&mut self) -> Result<Vec<(String, String, i64)>> {
        let mut stmt = self.0.prepare(
            "SELECT office, event, COUNT(*) AS n FROM (
                     SELECT office, event, ROW_NUMBER() OVER (PARTITION BY office, serial ORDER BY at DESC, id DESC) AS latest
                     FROM blank_event) e
                 WHERE latest = 1 GROUP BY office, event ORDER BY office, event",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get("office")?, r.get("event")?, r.get("n")?)))?.collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    fn blank_latest(&mut self, office: &str, serial: &str) -> Result<Option<String>> {
        Ok(self
            .0
            .prepare_cached("SELECT event FROM blank_event WHERE office = ?1 AND serial = ?2 ORDER BY at DESC, id DESC LIMIT 1")?
            .query_row([office, serial], |r| r.get(0))
            .optional()?)
    }

    fn insert_issuance_event(&mut self, e: &IssuanceEventRow) -> Result<bool> {
        let b = e.event;
        let n = self
            .0
            .prepare_cached(
                "INSERT INTO issuance_event (office, record_id, event_id, event, at, nik, recording_id, handover_id, serial, collector,
                                             old_card, suket_number, valid_until, reason)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14) ON CONFLICT (office, event_id) DO NOTHING",
            )?
            .execute(params![
                e.office,
                e.record_id,
                b.event_id,
                b.event,
                to_db(b.at),
                b.nik,
                b.recording_id,
                b.handover_id,
                b.serial,
                b.collector,
                b.old_card,
                b.suket_number,
                b.valid_until.map(|d| d.format("%Y-%m-%d").to_string()),
                b.reason
            ])?;
        Ok(n == 1)
    }

    fn issuance_event_counts(&mut self) -> Result<Vec<(String, String, i64)>> {
        let mut stmt = self.0.prepare("SELECT office, event, COUNT(*) FROM issuance_event GROUP BY office, event ORDER BY office, event")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    fn suket_in_force(&mut self, today: NaiveDate) -> Result<Vec<SuketInForce>> {
        let mut stmt = self.0.prepare(super::SUKET_IN_FORCE)?;
        let rows = stmt
            .query_map([today.format("%Y-%m-%d").to_string()], |r| Ok(SuketInForce { office: r.get(0)?, valid: r.get(1)?, expired: r.get(2)? }))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    fn insert_complaint_event(&mut self, e: &ComplaintEventRow) -> Result<bool> {
        let b = e.event;
        let day = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
        let n = self
            .0
            .prepare_cached(
                "INSERT INTO complaint_event (office, record_id, event_id, event, at, number, state, channel, category, received_on, deadline, level, note)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) ON CONFLICT (office, event_id) DO NOTHING",
            )?
            .execute(params![
                e.office,
                e.record_id,
                b.event_id,
                b.event,
                to_db(b.at),
                b.number,
                b.state,
                b.channel,
                b.category,
                day(b.received_on),
                day(b.deadline),
                b.level,
                b.note
            ])?;
        Ok(n == 1)
    }

    fn complaint_tally(&mut self, today: NaiveDate) -> Result<Vec<ComplaintTally>> {
        let mut stmt = self.0.prepare(super::COMPLAINT_TALLY)?;
        let rows = stmt
            .query_map([today.format("%Y-%m-%d").to_string()], |r| {
                Ok(ComplaintTally { office: r.get(0)?, received: r.get(1)?, resolved: r.get(2)?, rejected: r.get(3)?, open: r.get(4)?, overdue: r.get(5)? })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    fn upsert_daily_summary(&mut self, office: &str, record_id: &str, b: &loket_contract::wire::DailySummaryBody) -> Result<bool> {
        let figures = serde_json::to_string(&b.figures).map_err(Error::internal)?;
        // `to_db` times are fixed-width UTC text, so they compare as the times do.
        let n = self
            .0
            .prepare_cached(
                "INSERT INTO daily_summary (office, day, generated_at, record_id, figures) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (office, day) DO UPDATE SET generated_at = excluded.generated_at, record_id = excluded.record_id, figures = excluded.figures
                 WHERE daily_summary.generated_at < excluded.generated_at",
            )?
            .execute(params![office, b.day.format("%Y-%m-%d").to_string(), to_db(b.generated_at), record_id, figures])?;
        Ok(n == 1)
    }

    fn daily_summaries(&mut self, f: &SummaryFilter) -> Result<Vec<DailySummary>> {
        let day = |d: Option<NaiveDate>| d.map(|d| d.format("%Y-%m-%d").to_string());
        let mut stmt = self.0.prepare_cached(
            "SELECT office, day, generated_at, record_id, figures FROM daily_summary
             WHERE (?1 IS NULL OR office = ?1) AND (?2 IS NULL OR day >= ?2) AND (?3 IS NULL OR day <= ?3)
             ORDER BY office, day",
        )?;
        let rows: Vec<(String, String, String, String, String)> = stmt
            .query_map(params![f.office, day(f.from), day(f.to)], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?
            .collect::<rusqlite::Result<_>>()?;
        rows.into_iter()
            .map(|(office, day, generated_at, record_id, figures)| {
                Ok(DailySummary {
                    office,
                    day: NaiveDate::parse_from_str(&day, "%Y-%m-%d").map_err(Error::storage)?,
                    generated_at: time(generated_at),
                    record_id,
                    figures: serde_json::from_str(&figures).map_err(Error::storage)?,
                })
            })
            .collect()
    }

    fn record_counts(&mut self) -> Result<Vec<RecordCount>> {
        let mut stmt =
            self.0.prepare("SELECT office, kind, outcome, COUNT(*) FROM record GROUP BY office, kind, outcome ORDER BY office, kind, outcome")?;
        let rows = stmt
            .query_map([], |r| Ok(RecordCount { office: r.get(0)?, kind: r.get(1)?, outcome: r.get(2)?, count: r.get(3)? }))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    fn record_ids(&mut self, device_id: &str) -> Result<Vec<String>> {
        let mut stmt = self.0.prepare("SELECT id FROM record WHERE device_id = ?1 ORDER BY seq, id")?;
        let rows = stmt.query_map([device_id], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    fn conflict_count(&mut self) -> Result<i64> {
        Ok(self.0.query_row("SELECT COUNT(*) FROM conflict", [], |r| r.get(0))?)
    }

    fn recording_statuses(&mut self) -> Result<Vec<RecordingState>> {
        let mut stmt = self.0.prepare(
            "SELECT recording_id, record_id, nik, office, status, reason FROM recording_status ORDER BY office, updated_at, recording_id",
        )?;
        let rows = stmt.query_map([], recording_row)?.collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }
}
