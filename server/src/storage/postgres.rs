//! The PostgreSQL backend (`--database-url postgres://…`), for a kabupaten or a province.
//! A small pool of synchronous clients, each with its own prepared statements; writers take a
//! transaction-level advisory lock, so even several central processes on one database write one at
//! a time (see the module comment in `storage`).

use super::{
    AppointmentRow, BlankEventCount, BlankEventRow, ComplaintEventRow, ComplaintTally, DailySummary, DeviceRow, IssuanceEventRow, NewRecord, Person, RecordCount, RecordingState, Storage,
    SuketInForce, SummaryFilter, TokenRow, Tx,
};
use super::AuditAnchorRow;
use crate::error::{Code, Error, Result};
use chrono::{DateTime, NaiveDate, Utc};
use postgres::{Client, Config, NoTls, Row, Statement};
use std::collections::HashMap;
use std::sync::{Condvar, Mutex};

const MIGRATIONS: &[&str] = &[
    include_str!("migrations/postgres/0001_init.sql"),
    include_str!("migrations/postgres/0002_blank_event.sql"),
    include_str!("migrations/postgres/0003_issuance_event.sql"),
    include_str!("migrations/postgres/0004_complaint_event.sql"),
    include_str!("migrations/postgres/0005_audit_anchor.sql"),
    include_str!("migrations/postgres/0006_daily_summary.sql"),
];
/// The advisory lock key every writer takes ("LKCE" in ASCII).
const WRITE_LOCK: i64 = 0x4C4B_4345;
/// Connections one central process opens at most; requests beyond wait for one to come back.
const MAX_CLIENTS: usize = 8;

struct Conn {
    client: Client,
    statements: HashMap<&'static str, Statement>,
}

struct Pool {
    idle: Vec<Conn>,
    /// Connections open now, idle or lent out.
    open: usize,
}

pub struct PgStorage {
    config: Config,
    describe: String,
    pool: Mutex<Pool>,
    returned: Condvar,
    /// One writer per process as well, so waiting writers do not each hold a pooled connection.
    writer: Mutex<()>,
}

/// A lent connection; goes back to the pool when dropped, even if the borrower panicked.
struct Lent<'a> {
    storage: &'a PgStorage,
    conn: Option<Conn>,
}

impl Lent<'_> {
    fn conn(&mut self) -> &mut Conn {
        self.conn.as_mut().expect("lent connection present until dropped")
    }
}

impl Drop for Lent<'_> {
    fn drop(&mut self) {
        let mut pool = self.storage.pool.lock().unwrap_or_else(|p| p.into_inner());
        match self.conn.take() {
            Some(c) if !c.client.is_closed() && !std::thread::panicking() => pool.idle.push(c),
            _ => pool.open -= 1,
        }
        self.storage.returned.notify_one();
    }
}

impl PgStorage {
    pub fn open(url: &str) -> Result<PgStorage> {
        let config: Config = url
            .parse()
            .map_err(|e| Error::new(Code::Storage, format!("Alamat PostgreSQL tidak sah: {e}")))?;
        let host = config
            .get_hosts()
            .first()
            .map(|h| match h {
                postgres::config::Host::Tcp(name) => name.clone(),
                #[cfg(unix)]
                postgres::config::Host::Unix(path) => path.display().to_string(),
            })
            .unwrap_or_else(|| "localhost".into());
        let port = config.get_ports().first().copied().unwrap_or(5432);
        let describe = format!("PostgreSQL {}@{host}:{port}", config.get_dbname().unwrap_or("(default)"));
        let storage = PgStorage {
            config,
            describe,
            pool: Mutex::new(Pool { idle: Vec::new(), open: 0 }),
            returned: Condvar::new(),
            writer: Mutex::new(()),
        };
        migrate(&mut storage.take()?.conn().client)?;
        Ok(storage)
    }

    fn connect(&self) -> Result<Conn> {
        let client = self.config.connect(NoTls).map_err(|e| {
            tracing::error!(error = %e, target = %self.describe, "postgres connect failed");
            Error::new(Code::Storage, format!("{} tidak dapat dihubungi: {e}", self.describe))
        })?;
        Ok(Conn { client, statements: HashMap::new() })
    }

    /// An idle connection, a new one while fewer than `MAX_CLIENTS` are open, or the next one returned.
    fn take(&self) -> Result<Lent<'_>> {
        let mut pool = self.pool.lock().unwrap_or_else(|p| p.into_inner());
        loop {
            if let Some(c) = pool.idle.pop() {
                if c.client.is_closed() {
                    pool.open -= 1;
                    continue;
                }
                return Ok(Lent { storage: self, conn: Some(c) });
            }
            if pool.open < MAX_CLIENTS {
                pool.open += 1;
                drop(pool);
                return match self.connect() {
                    Ok(c) => Ok(Lent { storage: self, conn: Some(c) }),
                    Err(e) => {
                        self.pool.lock().unwrap_or_else(|p| p.into_inner()).open -= 1;
                        self.returned.notify_one();
                        Err(e)
                    }
                };
            }
            pool = self.returned.wait(pool).unwrap_or_else(|p| p.into_inner());
        }
    }
}

fn migrate(client: &mut Client) -> Result<()> {
    let mut tx = client.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&WRITE_LOCK])?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS loket_central_migration (
             version INTEGER PRIMARY KEY,
             applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
    )?;
    let version: i32 = tx.query_one("SELECT COALESCE(MAX(version), 0) FROM loket_central_migration", &[])?.get(0);
    if version as usize > MIGRATIONS.len() {
        return Err(Error::new(
            Code::Storage,
            format!("Basis data dibuat oleh versi loket-central yang lebih baru (skema {version}); perbarui program ini."),
        ));
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        tx.batch_execute(sql)?;
        tx.execute("INSERT INTO loket_central_migration (version) VALUES ($1)", &[&((i + 1) as i32)])?;
        tracing::info!(version = i + 1, "postgres migration applied");
    }
    tx.commit()?;
    Ok(())
}

impl Storage for PgStorage {
    fn write_dyn(&self, f: &mut dyn FnMut(&mut dyn Tx) -> Result<()>) -> Result<()> {
        let _one = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let mut lent = self.take()?;
        let conn = lent.conn();
        let mut tx = conn.client.transaction()?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&WRITE_LOCK])?;
        f(&mut PgTx { tx: &mut tx, statements: &mut conn.statements })?;
        tx.commit()?;
        Ok(())
    }

    fn read_dyn(&self, f: &mut dyn FnMut(&mut dyn Tx) -> Result<()>) -> Result<()> {
        let mut lent = self.take()?;
        let conn = lent.conn();
        let mut tx = conn.client.build_transaction().read_only(true).start()?;
        f(&mut PgTx { tx: &mut tx, statements: &mut conn.statements })?;
        tx.rollback()?;
        Ok(())
    }

    fn describe(&self) -> String {
        self.describe.clone()
    }
}

struct PgTx<'a, 'b> {
    tx: &'a mut postgres::Transaction<'b>,
    statements: &'a mut HashMap<&'static str, Statement>,
}

impl PgTx<'_, '_> {
    /// Prepared once per connection: a batch runs the same few statements hundreds of times.
    fn stmt(&mut self, sql: &'static str) -> Result<Statement> {
        if let Some(s) = self.statements.get(sql) {
            return Ok(s.clone());
        }
        let s = self.tx.prepare(sql)?;
        self.statements.insert(sql, s.clone());
        Ok(s)
    }

    fn execute(&mut self, sql: &'static str, params: &[&(dyn postgres::types::ToSql + Sync)]) -> Result<u64> {
        let s = self.stmt(sql)?;
        Ok(self.tx.execute(&s, params)?)
    }

    fn query(&mut self, sql: &'static str, params: &[&(dyn postgres::types::ToSql + Sync)]) -> Result<Vec<Row>> {
        let s = self.stmt(sql)?;
        Ok(self.tx.query(&s, params)?)
    }

    fn query_opt(&mut self, sql: &'static str, params: &[&(dyn postgres::types::ToSql + Sync)]) -> Result<Option<Row>> {
        let s = self.stmt(sql)?;
        Ok(self.tx.query_opt(&s, params)?)
    }

    fn query_one(&mut self, sql: &'static str, params: &[&(dyn postgres::types::ToSql + Sync)]) -> Result<Row> {
        let s = self.stmt(sql)?;
        Ok(self.tx.query_one(&s, params)?)
    }
}

fn device_row(r: &Row) -> DeviceRow {
    DeviceRow {
        id: r.get("id"),
        office: r.get("office"),
        name: r.get("name"),
        secret_hash: r.get("secret_hash"),
        created_at: r.get("created_at"),
        revoked_at: r.get("revoked_at"),
        contiguous_seq: r.get("contiguous_seq"),
        last_seen_at: r.get("last_seen_at"),
    }
}

fn recording_row(r: &Row) -> RecordingState {
    RecordingState {
        recording_id: r.get("recording_id"),
        record_id: r.get("record_id"),
        nik: r.get("nik"),
        office: r.get("office"),
        status: r.get("status"),
        reason: r.get("reason"),
    }
}

fn appointment_row(r: &Row) -> AppointmentRow {
    AppointmentRow {
        id: r.get("id"),
        office: r.get("office"),
        booking_code: r.get("booking_code"),
        service: r.get("service"),
        slot: r.get("slot"),
        applicant_name: r.get("applicant_name"),
        cancelled: r.get("cancelled"),
        created_at: r.get("created_at"),
    }
}

impl Tx for PgTx<'_, '_> {
    fn insert_token(&mut self, hash: &str, office: &str, label: &str, created_at: DateTime<Utc>, expires_at: DateTime<Utc>) -> Result<()> {
        self.execute(
            "INSERT INTO enroll_token (token_hash, office, label, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
            &[&hash, &office, &label, &created_at, &expires_at],
        )?;
        Ok(())
    }

    fn token(&mut self, hash: &str) -> Result<Option<TokenRow>> {
        Ok(self
            .query_opt("SELECT office, label, expires_at, used_at IS NOT NULL FROM enroll_token WHERE token_hash = $1", &[&hash])?
            .map(|r| TokenRow { office: r.get(0), label: r.get(1), expires_at: r.get(2), used: r.get(3) }))
    }

    fn use_token(&mut self, hash: &str, device_id: &str, at: DateTime<Utc>) -> Result<()> {
        self.execute("UPDATE enroll_token SET used_at = $2, device_id = $3 WHERE token_hash = $1", &[&hash, &at, &device_id])?;
        Ok(())
    }

    fn insert_device(&mut self, d: &DeviceRow) -> Result<()> {
        self.execute(
            "INSERT INTO device (id, office, name, secret_hash, created_at, revoked_at, contiguous_seq, last_seen_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            &[&d.id, &d.office, &d.name, &d.secret_hash, &d.created_at, &d.revoked_at, &d.contiguous_seq, &d.last_seen_at],
        )?;
        Ok(())
    }

    fn device(&mut self, id: &str) -> Result<Option<DeviceRow>> {
        Ok(self
            .query_opt(
                "SELECT id, office, name, secret_hash, created_at, revoked_at, contiguous_seq, last_seen_at FROM device WHERE id = $1",
                &[&id],
            )?
            .map(|r| device_row(&r)))
    }

    fn devices(&mut self) -> Result<Vec<DeviceRow>> {
        Ok(self
            .query(
                "SELECT id, office, name, secret_hash, created_at, revoked_at, contiguous_seq, last_seen_at FROM device
                 ORDER BY office, created_at",
                &[],
            )?
            .iter()
            .map(device_row)
            .collect())
    }

    fn set_device_revoked(&mut self, id: &str, at: DateTime<Utc>) -> Result<()> {
        self.execute("UPDATE device SET revoked_at = $2 WHERE id = $1", &[&id, &at])?;
        Ok(())
    }

    fn set_device_progress(&mut self, id: &str, contiguous_seq: i64, last_seen_at: DateTime<Utc>) -> Result<()> {
        self.execute("UPDATE device SET contiguous_seq = $2, last_seen_at = $3 WHERE id = $1", &[&id, &contiguous_seq, &last_seen_at])?;
        Ok(())
    }

    fn audit_anchor(&mut self, device_id: &str) -> Result<Option<AuditAnchorRow>> {
        Ok(self
            .query_opt(
                "SELECT device_id, office, seq, hash, at, anchored_at, reported_seq, reported_at FROM audit_anchor WHERE device_id = $1",
                &[&device_id],
            )?
            .map(|r| AuditAnchorRow {
                device_id: r.get(0),
                office: r.get(1),
                seq: r.get(2),
                hash: r.get(3),
                at: r.get(4),
                anchored_at: r.get(5),
                reported_seq: r.get(6),
                reported_at: r.get(7),
            }))
    }

    fn set_audit_anchor(&mut self, a: &AuditAnchorRow) -> Result<()> {
        self.execute(
            "INSERT INTO audit_anchor (device_id, office, seq, hash, at, anchored_at, reported_seq, reported_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (device_id) DO UPDATE SET office = excluded.office, seq = excluded.seq, hash = excluded.hash,
                 at = excluded.at, anchored_at = excluded.anchored_at, reported_seq = excluded.reported_seq,
                 reported_at = excluded.reported_at",
            &[&a.device_id, &a.office, &a.seq, &a.hash, &a.at, &a.anchored_at, &a.reported_seq, &a.reported_at],
        )?;
        Ok(())
    }

    fn record_hash(&mut self, id: &str) -> Result<Option<String>> {
        Ok(self.query_opt("SELECT content_hash FROM record WHERE id = $1", &[&id])?.map(|r| r.get(0)))
    }

    fn insert_record(&mut self, r: &NewRecord) -> Result<()> {
        let outcome = if r.invalid_reason.is_some() { "invalid" } else { "accepted" };
        self.execute(
            "INSERT INTO record (id, device_id, seq, prev_seq, kind, office, created_at, content_hash, body, received_at, outcome, reason)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            &[
                &r.id,
                &r.device_id,
                &r.seq,
                &r.prev_seq,
                &r.kind,
                &r.office,
                &r.created_at,
                &r.content_hash,
                &r.body,
                &r.received_at,
                &outcome,
                &r.invalid_reason,
            ],
        )?;
        Ok(())
    }

    fn insert_conflict(&mut self, record_id: &str, device_id: &str, seq: i64, content_hash: &str, at: DateTime<Utc>) -> Result<()> {
        self.execute(
            "INSERT INTO conflict (record_id, device_id, seq, content_hash, received_at) VALUES ($1, $2, $3, $4, $5)",
            &[&record_id, &device_id, &seq, &content_hash, &at],
        )?;
        Ok(())
    }

    fn mark_seq(&mut self, device_id: &str, seq: i64, prev_seq: i64) -> Result<()> {
        self.execute(
            "INSERT INTO device_seq (device_id, seq, prev_seq) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            &[&device_id, &seq, &prev_seq],
        )?;
        Ok(())
    }

    fn next_seq(&mut self, device_id: &str, prev_seq: i64) -> Result<Option<i64>> {
        Ok(self.query_one("SELECT MIN(seq) FROM device_seq WHERE device_id = $1 AND prev_seq = $2", &[&device_id, &prev_seq])?.get(0))
    }

    fn person(&mut self, nik: &str) -> Result<Option<Person>> {
        Ok(self
            .query_opt("SELECT nik, full_name, sex, birth_place, birth_date, kk_number FROM person WHERE nik = $1", &[&nik])?
            .map(|r| Person {
                nik: r.get("nik"),
                full_name: r.get("full_name"),
                sex: r.get("sex"),
                birth_place: r.get("birth_place"),
                birth_date: r.get("birth_date"),
                kk_number: r.get("kk_number"),
            }))
    }

    fn upsert_person(&mut self, p: &Person) -> Result<()> {
        self.execute(
            "INSERT INTO person (nik, full_name, sex, birth_place, birth_date, kk_number) VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (nik) DO UPDATE SET full_name = excluded.full_name, sex = excluded.sex,
               birth_place = excluded.birth_place, birth_date = excluded.birth_date, kk_number = excluded.kk_number",
            &[&p.nik, &p.full_name, &p.sex, &p.birth_place, &p.birth_date, &p.kk_number],
        )?;
        Ok(())
    }

    fn registry_size(&mut self) -> Result<i64> {
        Ok(self.query_one("SELECT COUNT(*) FROM person", &[])?.get(0))
    }

    fn recording(&mut self, recording_id: &str) -> Result<Option<RecordingState>> {
        Ok(self
            .query_opt(
                "SELECT recording_id, record_id, nik, office, status, reason FROM recording_status WHERE recording_id = $1",
                &[&recording_id],
            )?
            .map(|r| recording_row(&r)))
    }

    fn print_ready_elsewhere(&mut self, nik: &str, recording_id: &str) -> Result<Option<String>> {
        Ok(self
            .query_opt(
                "SELECT recording_id FROM recording_status
                 WHERE nik = $1 AND status = 'PRINT_READY_RECORD' AND recording_id <> $2 ORDER BY updated_at LIMIT 1",
                &[&nik, &recording_id],
            )?
            .map(|r| r.get(0)))
    }

    fn set_recording(&mut self, s: &RecordingState, at: DateTime<Utc>) -> Result<()> {
        self.execute(
            "INSERT INTO recording_status (recording_id, record_id, nik, office, status, reason, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (recording_id) DO UPDATE SET record_id = excluded.record_id, nik = excluded.nik,
               office = excluded.office, status = excluded.status, reason = excluded.reason, updated_at = excluded.updated_at",
            &[&s.recording_id, &s.record_id, &s.nik, &s.office, &s.status, &s.reason, &at],
        )?;
        Ok(())
    }

    fn last_cursor(&mut self) -> Result<i64> {
        Ok(self.query_one("SELECT COALESCE(MAX(cursor), 0)::BIGINT FROM change", &[])?.get(0))
    }

    fn insert_change(&mut self, cursor: i64, office: &str, body_json: &str, at: DateTime<Utc>) -> Result<()> {
        self.execute("INSERT INTO change (cursor, office, body, created_at) VALUES ($1, $2, $3, $4)", &[&cursor, &office, &body_json, &at])?;
        Ok(())
    }

    fn changes_after(&mut self, office: &str, after: i64, limit: i64) -> Result<Vec<(i64, String)>> {
        Ok(self
            .query("SELECT cursor, body FROM change WHERE office = $1 AND cursor > $2 ORDER BY cursor LIMIT $3", &[&office, &after, &limit])?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect())
    }

    fn latest_change(&mut self, office: &str) -> Result<i64> {
        Ok(self.query_one("SELECT COALESCE(MAX(cursor), 0)::BIGINT FROM change WHERE office = $1", &[&office])?.get(0))
    }

    fn insert_appointment(&mut self, a: &AppointmentRow) -> Result<()> {
        self.execute(
            "INSERT INTO appointment (id, office, booking_code, service, slot, applicant_name, cancelled, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            &[&a.id, &a.office, &a.booking_code, &a.service, &a.slot, &a.applicant_name, &a.cancelled, &a.created_at],
        )?;
        Ok(())
    }

    fn appointment(&mut self, id_or_code: &str) -> Result<Option<AppointmentRow>> {
        Ok(self
            .query_opt(
                "SELECT id, office, booking_code, service, slot, applicant_name, cancelled, created_at FROM appointment
                 WHERE id = $1 OR booking_code = $1",
                &[&id_or_code],
            )?
            .map(|r| appointment_row(&r)))
    }

    fn set_appointment_cancelled(&mut self, id: &str) -> Result<()> {
        self.execute("UPDATE appointment SET cancelled = TRUE WHERE id = $1", &[&id])?;
        Ok(())
    }

    fn insert_blank_event(&mut self, e: &BlankEventRow) -> Result<bool> {
        let b = e.event;
        let n = self.execute(
            "INSERT INTO blank_event (office, record_id, event_id, serial, event, from_state, at, cause, report_number, recording_id, job_id, chip_uid)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (office, event_id) DO NOTHING",
            &[
                &e.office,
                &e.record_id,
                &b.event_id,
                &b.serial,
                &b.event,
                &b.from_state,
                &b.at,
                &b.cause,
                &b.report_number,
                &b.recording_id,
                &b.job_id,
                &b.chip_uid,
            ],
        )?;
        Ok(n == 1)
    }

    fn blank_event_counts(&mut self) -> Result<Vec<BlankEventCount>> {
        Ok(self
            .query(
                "SELECT office, event, from_state, cause, COUNT(*) AS n FROM blank_event
                 GROUP BY office, event, from_state, cause ORDER BY office, event, from_state, cause",
                &[],
            )?
            .iter()
            .map(|r| BlankEventCount {
                office: r.get("office"),
                event: r.get("event"),
                from_state: r.get("from_state"),
                cause: r.get("cause"),
                count: r.get("n"),
            })
            .collect())
    }

    fn cards_printed(&mut self) -> Result<Vec<(String, i64)>> {
        Ok(self
            .query("SELECT office, COUNT(DISTINCT recording_id) FROM blank_event WHERE event = 'printed' GROUP BY office ORDER BY office", &[])?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect())
    }

    fn blank_latest_counts(&mut self) -> Result<Vec<(String, String, i64)>> {
        Ok(self
            .query(
                "SELECT office, event, COUNT(*) AS n FROM (
                     SELECT office, event, ROW_NUMBER() OVER (PARTITION BY office, serial ORDER BY at DESC, id DESC) AS latest
                     FROM blank_event) e
                 WHERE latest = 1 GROUP BY office, event ORDER BY office, event",
                &[],
            )?
            .iter()
            .map(|r| (r.get("office"), r.get("event"), r.get("n")))
            .collect())
    }

    fn blank_latest(&mut self, office: &str, serial: &str) -> Result<Option<String>> {
        Ok(self
            .query_opt("SELECT event FROM blank_event WHERE office = $1 AND serial = $2 ORDER BY at DESC, id DESC LIMIT 1", &[&office, &serial])?
            .map(|r| r.get(0)))
    }

    fn insert_issuance_event(&mut self, e: &IssuanceEventRow) -> Result<bool> {
        let b = e.event;
        let n = self.execute(
            "INSERT INTO issuance_event (office, record_id, event_id, event, at, nik, recording_id, handover_id, serial, collector,
                                         old_card, suket_number, valid_until, reason)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) ON CONFLICT (office, event_id) DO NOTHING",
            &[
                &e.office,
                &e.record_id,
                &b.event_id,
                &b.event,
                &b.at,
                &b.nik,
                &b.recording_id,
                &b.handover_id,
                &b.serial,
                &b.collector,
                &b.old_card,
                &b.suket_number,
                &b.valid_until,
                &b.reason,
            ],
        )?;
        Ok(n == 1)
    }

    fn issuance_event_counts(&mut self) -> Result<Vec<(String, String, i64)>> {
        Ok(self
            .query("SELECT office, event, COUNT(*) FROM issuance_event GROUP BY office, event ORDER BY office, event", &[])?
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2)))
            .collect())
    }

    fn suket_in_force(&mut self, today: NaiveDate) -> Result<Vec<SuketInForce>> {
        Ok(self
            .query(super::SUKET_IN_FORCE, &[&today])?
            .iter()
            .map(|r| SuketInForce { office: r.get(0), valid: r.get(1), expired: r.get(2) })
            .collect())
    }

    fn insert_complaint_event(&mut self, e: &ComplaintEventRow) -> Result<bool> {
        let b = e.event;
        let n = self.execute(
            "INSERT INTO complaint_event (office, record_id, event_id, event, at, number, state, channel, category, received_on, deadline, level, note)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT (office, event_id) DO NOTHING",
            &[
                &e.office,
                &e.record_id,
                &b.event_id,
                &b.event,
                &b.at,
                &b.number,
                &b.state,
                &b.channel,
                &b.category,
                &b.received_on,
                &b.deadline,
                &b.level,
                &b.note,
            ],
        )?;
        Ok(n == 1)
    }

    fn complaint_tally(&mut self, today: NaiveDate) -> Result<Vec<ComplaintTally>> {
        Ok(self
            .query(super::COMPLAINT_TALLY, &[&today])?
            .iter()
            .map(|r| ComplaintTally { office: r.get(0), received: r.get(1), resolved: r.get(2), rejected: r.get(3), open: r.get(4), overdue: r.get(5) })
            .collect())
    }

    fn upsert_daily_summary(&mut self, office: &str, record_id: &str, b: &loket_contract::wire::DailySummaryBody) -> Result<bool> {
        let figures = serde_json::to_string(&b.figures).map_err(Error::internal)?;
        let n = self.execute(
            "INSERT INTO daily_summary (office, day, generated_at, record_id, figures) VALUES ($1, $2, $3, $4, CAST($5::text AS jsonb))
             ON CONFLICT (office, day) DO UPDATE SET generated_at = excluded.generated_at, record_id = excluded.record_id, figures = excluded.figures
             WHERE daily_summary.generated_at < excluded.generated_at",
            &[&office, &b.day, &b.generated_at, &record_id, &figures],
        )?;
        Ok(n == 1)
    }

    fn daily_summaries(&mut self, f: &SummaryFilter) -> Result<Vec<DailySummary>> {
        let rows = self.query(
            "SELECT office, day, generated_at, record_id, figures::text FROM daily_summary
             WHERE ($1::text IS NULL OR office = $1) AND ($2::date IS NULL OR day >= $2) AND ($3::date IS NULL OR day <= $3)
             ORDER BY office, day",
            &[&f.office, &f.from, &f.to],
        )?;
        rows.iter()
            .map(|r| {
                Ok(DailySummary {
                    office: r.get(0),
                    day: r.get(1),
                    generated_at: r.get(2),
                    record_id: r.get(3),
                    figures: serde_json::from_str(&r.get::<_, String>(4)).map_err(Error::storage)?,
                })
            })
            .collect()
    }

    fn record_counts(&mut self) -> Result<Vec<RecordCount>> {
        Ok(self
            .query("SELECT office, kind, outcome, COUNT(*) FROM record GROUP BY office, kind, outcome ORDER BY office, kind, outcome", &[])?
            .iter()
            .map(|r| RecordCount { office: r.get(0), kind: r.get(1), outcome: r.get(2), count: r.get(3) })
            .collect())
    }

    fn record_ids(&mut self, device_id: &str) -> Result<Vec<String>> {
        Ok(self.query("SELECT id FROM record WHERE device_id = $1 ORDER BY seq, id", &[&device_id])?.iter().map(|r| r.get(0)).collect())
    }

    fn conflict_count(&mut self) -> Result<i64> {
        Ok(self.query_one("SELECT COUNT(*) FROM conflict", &[])?.get(0))
    }

    fn recording_statuses(&mut self) -> Result<Vec<RecordingState>> {
        Ok(self
            .query(
                "SELECT recording_id, record_id, nik, office, status, reason FROM recording_status
                 ORDER BY office, updated_at, recording_id",
                &[],
            )?
            .iter()
            .map(recording_row)
            .collect())
    }
}
