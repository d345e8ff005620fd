//! Blank card stock (stok blangko). Every numbered blank the kabupaten delivers is a row that is in
//! exactly one state — in stock, printed, spoiled, returned or destroyed — and every change of state
//! is an event row written in the same transaction as the change and its audit row. The daily
//! posting, days of cover and the spoilage figures are computed from those events.
//!
//! A blank taken into the printer by a print job stays `in_stock` but is *held* by that job until
//! the job ends (printed or spoiled) or the operator says the blank never left the drawer: a crash
//! between "printing" and "done" therefore never loses a blank (see `printing/`).

pub mod monthly;
pub mod serials;

use crate::api::{Access, Registry, MANAGERS};
use crate::auth::{Caller, Role};
use crate::clock::to_db;
use crate::error::{Error, ErrorCode, Result};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;
use ts_rs::TS;

/// Who sees the stock: supervisors, administrators, and the print operator (read-only).
pub const STOCK_READERS: &[Role] = &[Role::PrintOperator, Role::Supervisor, Role::Administrator];
/// Who may spoil a blank found damaged in the drawer: the print operator and the supervisor.
pub const SPOILERS: &[Role] = &[Role::PrintOperator, Role::Supervisor];

/// The national spoilage figure the office is compared with (about 5%).
pub const BASELINE_SPOILAGE: f64 = 0.05;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema, TS)]
#[serde(rename_all = "snake_case")]
pub enum BlankState {
    InStock,
    Printed,
    Spoiled,
    Returned,
    Destroyed,
}

impl BlankState {
    pub const ALL: [BlankState; 5] =
        [BlankState::InStock, BlankState::Printed, BlankState::Spoiled, BlankState::Returned, BlankState::Destroyed];

    pub fn as_str(self) -> &'static str {
        match self {
            BlankState::InStock => "in_stock",
            BlankState::Printed => "printed",
            BlankState::Spoiled => "spoiled",
            BlankState::Returned => "returned",
            BlankState::Destroyed => "destroyed",
        }
    }

    pub fn parse(s: &str) -> Result<BlankState> {
        BlankState::ALL.into_iter().find(|x| x.as_str() == s).ok_or_else(|| Error::internal(format!("blank state {s}")))
    }

    pub fn label(self) -> &'static str {
        match self {
            BlankState::InStock => "di gudang",
            BlankState::Printed => "sudah dicetak",
            BlankState::Spoiled => "rusak",
            BlankState::Returned => "dikembalikan ke kabupaten",
            BlankState::Destroyed => "dimusnahkan",
        }
    }

    /// The one transition rule: a blank leaves the drawer once (printed, spoiled, returned or
    /// destroyed); a spoiled card may still be returned or destroyed with a berita acara.
    pub fn may_become(self, to: BlankState) -> bool {
        matches!(
            (self, to),
            (BlankState::InStock, BlankState::Printed | BlankState::Spoiled | BlankState::Returned | BlankState::Destroyed)
                | (BlankState::Spoiled, BlankState::Returned | BlankState::Destroyed)
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema, TS)]
#[serde(rename_all = "snake_case")]
pub enum SpoilCause {
    RusakFisik,
    SalahCetak,
    PrinterMacet,
    GagalEncoding,
    Lainnya,
}

impl SpoilCause {
    pub const ALL: [SpoilCause; 5] =
        [SpoilCause::RusakFisik, SpoilCause::SalahCetak, SpoilCause::PrinterMacet, SpoilCause::GagalEncoding, SpoilCause::Lainnya];

    pub fn as_str(self) -> &'static str {
        match self {
            SpoilCause::RusakFisik => "rusak_fisik",
            SpoilCause::SalahCetak => "salah_cetak",
            SpoilCause::PrinterMacet => "printer_macet",
            SpoilCause::GagalEncoding => "gagal_encoding",
            SpoilCause::Lainnya => "lainnya",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SpoilCause::RusakFisik => "Rusak fisik",
            SpoilCause::SalahCetak => "Salah cetak",
            SpoilCause::PrinterMacet => "Printer macet",
            SpoilCause::GagalEncoding => "Gagal encoding chip",
            SpoilCause::Lainnya => "Lainnya",
        }
    }

    fn parse(s: &str) -> Option<SpoilCause> {
        SpoilCause::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// A spoiled blank: why, and whether its top right corner was cut (SE Mendagri 471.13/9730/Dukcapil).
#[derive(Debug, Clone, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct Spoilage {
    pub cause: SpoilCause,
    /// Required for `lainnya`.
    #[serde(default)]
    #[ts(optional)]
    pub note: Option<String>,
    /// The operator confirms the top right corner was cut.
    pub corner_cut: bool,
}

impl Spoilage {
    /// The corner is cut and "other" has a note; the note, trimmed.
    pub fn check(&self) -> Result<Option<String>> {
        let note = self.note.as_deref().map(str::trim).filter(|n| !n.is_empty()).map(str::to_string);
        if self.cause == SpoilCause::Lainnya && note.is_none() {
            return Err(Error::field("note", "Tulis penyebab kerusakan bila memilih 'Lainnya'."));
        }
        if !self.corner_cut {
            return Err(Error::field("corner_cut", "Potong sudut kanan atas blangko yang rusak, lalu centang konfirmasinya."));
        }
        Ok(note)
    }
}

// ---- reading ----------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema, TS)]
pub struct BlankView {
    pub serial: String,
    pub state: BlankState,
    pub state_label: String,
    pub state_at: String,
    pub delivery_report: String,
    pub cause: Option<SpoilCause>,
    pub note: Option<String>,
    pub corner_cut: bool,
    pub report_number: Option<String>,
    pub witnesses: Option<String>,
    pub was_spoiled: bool,
    /// The print job holding this blank in the printer, if any.
    pub held_by_job: Option<String>,
}

const BLANK_SELECT: &str = "SELECT b.serial, b.state, b.state_at, d.report_number AS delivery_report, b.cause, b.note,
    b.corner_cut, b.report_number, b.witnesses, b.was_spoiled, b.held_by_job
    FROM blank_card b JOIN blank_delivery d ON d.id = b.delivery_id";

fn blank_from_row(r: &rusqlite::Row) -> rusqlite::Result<BlankView> {
    let state: String = r.get("state")?;
    let state = BlankState::parse(&state).map_err(|_| rusqlite::Error::InvalidQuery)?;
    let cause: Option<String> = r.get("cause")?;
    Ok(BlankView {
        serial: r.get("serial")?,
        state,
        state_label: state.label().to_string(),
        state_at: r.get("state_at")?,
        delivery_report: r.get("delivery_report")?,
        cause: cause.as_deref().and_then(SpoilCause::parse),
        note: r.get("note")?,
        corner_cut: r.get("corner_cut")?,
        report_number: r.get("report_number")?,
        witnesses: r.get("witnesses")?,
        was_spoiled: r.get("was_spoiled")?,
        held_by_job: r.get("held_by_job")?,
    })
}

pub fn blank(conn: &Connection, serial: &str) -> Result<Option<BlankView>> {
    Ok(conn.query_row(&format!("{BLANK_SELECT} WHERE b.serial = ?1"), [serial], blank_from_row).optional()?)
}

fn require_blank(conn: &Connection, serial: &str, field: &str) -> Result<BlankView> {
    blank(conn, serial)?.ok_or_else(|| Error::field(field, format!("Blangko {serial} tidak tercatat di stok kantor ini.")))
}

/// How many blanks are in each state now.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, JsonSchema, TS)]
pub struct StateCounts {
    pub in_stock: i64,
    /// Of those in stock, held in the printer by a print job right now.
    pub in_printer: i64,
    pub printed: i64,
    pub spoiled: i64,
    pub returned: i64,
    pub destroyed: i64,
    pub total: i64,
}

pub fn counts(conn: &Connection) -> Result<StateCounts> {
    let mut c = StateCounts::default();
    let mut stmt = conn.prepare_cached("SELECT state, COUNT(*), COUNT(held_by_job) FROM blank_card GROUP BY state")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?)))?;
    for row in rows {
        let (state, n, held) = row?;
        match BlankState::parse(&state)? {
            BlankState::InStock => {
                c.in_stock = n;
                c.in_printer = held;
            }
            BlankState::Printed => c.printed = n,
            BlankState::Spoiled => c.spoiled = n,
            BlankState::Returned => c.returned = n,
            BlankState::Destroyed => c.destroyed = n,
        }
        c.total += n;
    }
    Ok(c)
}

/// What moved on one office-local day, from the event rows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, JsonSchema, TS)]
pub struct Movements {
    pub received: i64,
    pub printed: i64,
    pub spoiled: i64,
    /// Unused blanks returned to the kabupaten or destroyed (spoiled cards disposed of do not count:
    /// they already left the stock when they were spoiled).
    pub returned: i64,
}

/// Movements over `[from, to]` (office-local days, inclusive).
pub fn movements(conn: &Connection, from: &str, to: &str) -> Result<Movements> {
    let mut m = Movements::default();
    let mut stmt = conn.prepare_cached(
        "SELECT kind, COUNT(*) FROM blank_event WHERE day BETWEEN ?1 AND ?2
         AND (kind = 'received' OR from_state = 'in_stock') GROUP BY kind",
    )?;
    for row in stmt.query_map([from, to], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))? {
        let (kind, n) = row?;
        match kind.as_str() {
            "received" => m.received += n,
            "printed" => m.printed += n,
            "spoiled" => m.spoiled += n,
            _ => m.returned += n,
        }
    }
    Ok(m)
}

/// Blanks in stock at the end of office-local day `day`.
pub fn in_stock_after(conn: &Connection, day: &str) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT COALESCE(SUM(CASE WHEN kind = 'received' THEN 1 WHEN from_state = 'in_stock' THEN -1 ELSE 0 END), 0)
         FROM blank_event WHERE day <= ?1",
        [day],
        |r| r.get(0),
    )?)
}

/// One day's balance: opening + received − printed − spoiled − returned = closing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema, TS)]
pub struct DayBalance {
    pub day: String,
    pub opening: i64,
    pub movements: Movements,
    pub closing: i64,
}

pub fn day_balance(conn: &Connection, day: NaiveDate) -> Result<DayBalance> {
    let d = day.format("%Y-%m-%d").to_string();
    let before = (day - Duration::days(1)).format("%Y-%m-%d").to_string();
    let opening = in_stock_after(conn, &before)?;
    let movements = movements(conn, &d, &d)?;
    let closing = opening + movements.received - movements.printed - movements.spoiled - movements.returned;
    Ok(DayBalance { day: d, opening, movements, closing })
}

/// Every day's balance over `[from, to]` from one grouped read of the events (the reconciliation
/// of a month or a year): each day's opening is the previous day's closing.
pub fn balances(conn: &Connection, from: NaiveDate, to: NaiveDate) -> Result<Vec<DayBalance>> {
    let mut by_day: std::collections::BTreeMap<String, Movements> = std::collections::BTreeMap::new();
    let mut stmt = conn.prepare_cached(
        "SELECT day, kind, COUNT(*) FROM blank_event WHERE day BETWEEN ?1 AND ?2
         AND (kind = 'received' OR from_state = 'in_stock') GROUP BY day, kind",
    )?;
    for row in stmt.query_map([from.to_string(), to.to_string()], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)?)))? {
        let (day, kind, n) = row?;
        let m = by_day.entry(day).or_default();
        match kind.as_str() {
            "received" => m.received += n,
            "printed" => m.printed += n,
            "spoiled" => m.spoiled += n,
            _ => m.returned += n,
        }
    }
    let mut opening = in_stock_after(conn, &(from - Duration::days(1)).to_string())?;
    let mut out = Vec::with_capacity((to - from).num_days().max(0) as usize + 1);
    let mut day = from;
    while day <= to {
        let d = day.to_string();
        let movements = by_day.remove(&d).unwrap_or_default();
        let closing = opening + movements.received - movements.printed - movements.spoiled - movements.returned;
        out.push(DayBalance { day: d, opening, movements, closing });
        opening = closing;
        day += Duration::days(1);
    }
    Ok(out)
}

// ---- changing ---------------------------------------------------------------------------------

fn office_day(conn: &Connection, at: DateTime<Utc>) -> Result<String> {
    let office = crate::setup::require_office(conn)?;
    Ok(crate::queue::office_day(&office, at))
}

/// What central learns about an event besides the blank and its state: the berita acara of a
/// delivery, return or destruction, and the print job (its recording and chip) that used the blank.
#[derive(Debug, Clone, Copy, Default)]
struct EventContext<'a> {
    report_number: Option<&'a str>,
    job_id: Option<&'a str>,
    print: Option<&'a PrintContext<'a>>,
}

/// The print job's side of a printed or spoiled blank, for central: which recording's card it was
/// and, once printed, the chip written on it.
#[derive(Debug, Clone, Copy)]
pub struct PrintContext<'a> {
    pub recording_id: &'a str,
    pub chip_uid: Option<&'a str>,
}

/// The `blank_event` outbox payload (see `sync::outbox::to_wire`).
#[derive(Serialize)]
struct EventPayload<'a> {
    serial: &'a str,
    event: &'a str,
    from_state: Option<&'a str>,
    at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    cause: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    report_number: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    recording_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    job_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    chip_uid: Option<&'a str>,
}

/// The event row of one change of a blank, and its outbox row for central (its own UUIDv7), in the
/// caller's transaction.
#[allow(clippy::too_many_arguments)]
fn event(conn: &Connection, at: DateTime<Utc>, serial: &str, kind: BlankState, from: Option<BlankState>, staff: Option<&str>, cause: Option<&str>, ctx: &EventContext) -> Result<()> {
    let kind = match kind {
        BlankState::InStock => "received",
        other => other.as_str(),
    };
    conn.prepare_cached(
        "INSERT INTO blank_event (serial, at, day, kind, from_state, staff_id, cause) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![serial, to_db(at), office_day(conn, at)?, kind, from.map(BlankState::as_str), staff, cause])?;
    let payload = EventPayload {
        serial,
        event: kind,
        from_state: from.map(BlankState::as_str),
        at: to_db(at),
        cause,
        report_number: ctx.report_number,
        recording_id: ctx.print.map(|p| p.recording_id),
        job_id: ctx.job_id,
        chip_uid: ctx.print.and_then(|p| p.chip_uid),
    };
    let payload = serde_json::to_value(&payload).map_err(Error::internal)?;
    crate::sync::enqueue(conn, at, &uuid::Uuid::now_v7().to_string(), "blank_event", &payload)
}

/// Moves one blank to `to`, checking the transition and that no job holds it (unless `job` is
/// the holder). The caller writes the audit row.
fn transition(conn: &Connection, at: DateTime<Utc>, b: &BlankView, to: BlankState, staff: &str, cause: Option<SpoilCause>, ctx: &EventContext) -> Result<()> {
    let job = ctx.job_id;
    if !b.state.may_become(to) {
        return Err(Error::new(
            ErrorCode::Conflict,
            format!("Blangko {} {}, tidak dapat dicatat {}.", b.serial, b.state.label(), to.label()),
        ));
    }
    if b.held_by_job.is_some() && b.held_by_job.as_deref() != job {
        return Err(Error::new(ErrorCode::Conflict, format!("Blangko {} sedang dipakai pekerjaan cetak lain.", b.serial)));
    }
    conn.prepare_cached(
        "UPDATE blank_card SET state = ?2, state_at = ?3, state_by = ?4, held_by_job = NULL,
         was_spoiled = was_spoiled OR state = 'spoiled' WHERE serial = ?1",
    )?
    .execute(params![b.serial, to.as_str(), to_db(at), staff])?;
    event(conn, at, &b.serial, to, Some(b.state), Some(staff), cause.map(SpoilCause::as_str), ctx)
}

#[derive(Debug, Clone, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct ReceiveRequest {
    /// Nomor berita acara serah terima from the kabupaten.
    pub report_number: String,
    /// Office-local date of the delivery, `2026-11-23`.
    pub received_on: String,
    pub blank_version: String,
    /// A range: first and last serial (both included) …
    #[serde(default)]
    #[ts(optional)]
    pub serial_from: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub serial_to: Option<String>,
    /// … or a list (typed, pasted or scanned one by one).
    #[serde(default)]
    #[ts(optional)]
    pub serials: Option<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema, TS)]
pub struct DeliveryView {
    pub id: String,
    pub report_number: String,
    pub received_on: String,
    pub blank_version: String,
    pub card_count: i64,
    pub first_serial: String,
    pub last_serial: String,
    pub received_by: String,
}

/// Records a delivery from the kabupaten; every serial must be new. Nothing is written if one is not.
pub fn receive(conn: &Connection, at: DateTime<Utc>, caller: &Caller, req: &ReceiveRequest) -> Result<DeliveryView> {
    let report = req.report_number.trim();
    if report.is_empty() {
        return Err(Error::field("report_number", "Nomor berita acara serah terima wajib diisi."));
    }
    let version = req.blank_version.trim();
    if version.is_empty() {
        return Err(Error::field("blank_version", "Versi blangko wajib diisi (tertulis di kotak blangko)."));
    }
    let day = parse_past_day(conn, at, &req.received_on, "received_on")?;
    let list = match (&req.serial_from, &req.serial_to, &req.serials) {
        (Some(a), Some(b), None) => serials::expand_range(a, b)?,
        (None, None, Some(list)) => serials::parse_list(list)?,
        (Some(_), None, None) => return Err(Error::field("serial_to", "Isi nomor seri akhir rentang.")),
        (None, Some(_), None) => return Err(Error::field("serial_from", "Isi nomor seri awal rentang.")),
        (None, None, None) => return Err(Error::field("serial_from", "Isi rentang nomor seri atau daftar nomor seri.")),
        _ => return Err(Error::field("serials", "Isi rentang atau daftar nomor seri, bukan keduanya.")),
    };
    if conn.query_row("SELECT 1 FROM blank_delivery WHERE report_number = ?1", [report], |_| Ok(())).optional()?.is_some() {
        return Err(Error::field("report_number", format!("Berita acara {report} sudah pernah dicatat.")));
    }
    let mut known = conn.prepare_cached("SELECT 1 FROM blank_card WHERE serial = ?1")?;
    for s in &list {
        if known.exists([s])? {
            let field = if req.serials.is_some() { "serials" } else { "serial_from" };
            return Err(Error::field(field, format!("Blangko {s} sudah tercatat; rentang atau daftar ini bertumpang tindih dengan penerimaan lain.")));
        }
    }
    let id = uuid::Uuid::now_v7().to_string();
    conn.execute(
        "INSERT INTO blank_delivery (id, report_number, received_on, blank_version, card_count, received_by, received_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![id, report, day.to_string(), version, list.len() as i64, caller.staff_id, to_db(at)],
    )?;
    let mut insert = conn.prepare_cached("INSERT INTO blank_card (serial, delivery_id, state_at, state_by) VALUES (?1, ?2, ?3, ?4)")?;
    for s in &list {
        insert.execute(params![s, id, to_db(at), caller.staff_id])?;
        event(conn, at, s, BlankState::InStock, None, Some(&caller.staff_id), None, &EventContext { report_number: Some(report), ..Default::default() })?;
    }
    crate::audit::append(conn, at, Some(&caller.username), "blank_received", Some(&id), json!({
        "report_number": report, "count": list.len(), "first": list.first(), "last": list.last(),
    }))?;
    Ok(DeliveryView {
        id,
        report_number: report.to_string(),
        received_on: day.to_string(),
        blank_version: version.to_string(),
        card_count: list.len() as i64,
        first_serial: list.first().cloned().unwrap_or_default(),
        last_serial: list.last().cloned().unwrap_or_default(),
        received_by: caller.username.clone(),
    })
}

/// A date the office has lived through: `YYYY-MM-DD`, not after today (office-local).
pub fn parse_past_day(conn: &Connection, now: DateTime<Utc>, day: &str, field: &str) -> Result<NaiveDate> {
    let d = NaiveDate::parse_from_str(day.trim(), "%Y-%m-%d")
        .map_err(|_| Error::field(field, format!("Tanggal '{}' tidak sah; tulis seperti 2026-11-23.", day.trim())))?;
    let today = NaiveDate::parse_from_str(&office_day(conn, now)?, "%Y-%m-%d").map_err(Error::internal)?;
    if d > today {
        return Err(Error::field(field, format!("Tanggal {d} belum tiba.")));
    }
    Ok(d)
}

/// A print job takes the blank in the printer: it must be in stock and not held by another job.
pub fn hold_for_job(conn: &Connection, serial: &str, job_id: &str) -> Result<BlankView> {
    let serial = serials::clean(serial, "serial")?;
    let b = require_blank(conn, &serial, "serial")?;
    if b.state != BlankState::InStock {
        return Err(Error::field("serial", format!("Blangko {serial} {} — pakai blangko lain dari laci.", b.state.label())));
    }
    if let Some(other) = b.held_by_job.as_deref().filter(|j| *j != job_id) {
        return Err(Error::field("serial", format!("Blangko {serial} sedang dipakai pekerjaan cetak {other}.")));
    }
    conn.prepare_cached("UPDATE blank_card SET held_by_job = ?2 WHERE serial = ?1")?.execute(params![serial, job_id])?;
    Ok(b)
}

/// The job ended without touching the blank (printer refused the job, or the operator says the
/// blank never went in): it is simply in the drawer again.
pub fn release(conn: &Connection, serial: &str, job_id: &str) -> Result<()> {
    conn.prepare_cached("UPDATE blank_card SET held_by_job = NULL WHERE serial = ?1 AND held_by_job = ?2")?
        .execute(params![serial, job_id])?;
    Ok(())
}

/// The job's card is good: the blank is printed. `print` names the recording and the chip for central.
pub fn mark_printed(conn: &Connection, at: DateTime<Utc>, serial: &str, staff: &str, job_id: &str, print: Option<&PrintContext>) -> Result<()> {
    let b = require_blank(conn, serial, "serial")?;
    transition(conn, at, &b, BlankState::Printed, staff, None, &EventContext { job_id: Some(job_id), print, ..Default::default() })
}

/// Spoils a blank (in a job, or found damaged in the drawer); the caller writes the audit row.
/// `print` names the job's recording for central.
pub fn mark_spoiled(conn: &Connection, at: DateTime<Utc>, serial: &str, staff: &str, job: Option<&str>, s: &Spoilage, print: Option<&PrintContext>) -> Result<()> {
    let note = s.check()?;
    let b = require_blank(conn, serial, "serial")?;
    transition(conn, at, &b, BlankState::Spoiled, staff, Some(s.cause), &EventContext { job_id: job, print, ..Default::default() })?;
    conn.prepare_cached("UPDATE blank_card SET cause = ?2, note = ?3, corner_cut = 1 WHERE serial = ?1")?
        .execute(params![serial, s.cause.as_str(), note])?;
    Ok(())
}

#[derive(Debug, Clone, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct SpoilBlankRequest {
    pub serial: String,
    pub cause: SpoilCause,
    #[serde(default)]
    #[ts(optional)]
    pub note: Option<String>,
    pub corner_cut: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema, TS)]
#[serde(rename_all = "snake_case")]
pub enum Disposal {
    /// Returned to the kabupaten.
    Returned,
    /// Destroyed at the office.
    Destroyed,
}

#[derive(Debug, Clone, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct DisposeRequest {
    pub serials: Vec<String>,
    pub disposal: Disposal,
    /// Nomor berita acara of the return or destruction.
    pub report_number: String,
    /// Who witnessed it (names, separated by commas): at least two.
    pub witnesses: String,
}

/// Returns blanks to the kabupaten or destroys them, with a berita acara and witnesses. Unused
/// blanks and spoiled cards both may go; all or none are recorded.
pub fn dispose(conn: &Connection, at: DateTime<Utc>, caller: &Caller, req: &DisposeRequest) -> Result<usize> {
    let report = req.report_number.trim();
    if report.is_empty() {
        return Err(Error::field("report_number", "Nomor berita acara wajib diisi."));
    }
    let witnesses: Vec<&str> = req.witnesses.split(',').map(str::trim).filter(|w| !w.is_empty()).collect();
    if witnesses.len() < 2 {
        return Err(Error::field("witnesses", "Tulis paling sedikit dua saksi, dipisah koma."));
    }
    let list = serials::parse_list(&req.serials)?;
    let to = match req.disposal {
        Disposal::Returned => BlankState::Returned,
        Disposal::Destroyed => BlankState::Destroyed,
    };
    for s in &list {
        let b = require_blank(conn, s, "serials")?;
        let ctx = EventContext { report_number: Some(report), ..Default::default() };
        transition(conn, at, &b, to, &caller.staff_id, None, &ctx).map_err(|e| Error { field: Some("serials".into()), ..e })?;
        conn.prepare_cached("UPDATE blank_card SET report_number = ?2, witnesses = ?3 WHERE serial = ?1")?
            .execute(params![s, report, witnesses.join(", ")])?;
    }
    crate::audit::append(conn, at, Some(&caller.username), "blank_disposed", None, json!({
        "disposal": to.as_str(), "report_number": report, "serials": list, "witnesses": witnesses,
    }))?;
    Ok(list.len())
}

// ---- daily posting ----------------------------------------------------------------------------

#[derive(Debug, Clone, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct PostDayRequest {
    /// Office-local date, `2026-11-23`; today or earlier.
    pub day: String,
    /// Blanks counted in the drawer and the printer at the end of that day.
    pub physical_count: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema, TS)]
pub struct PostingView {
    pub day: String,
    pub opening: i64,
    pub received: i64,
    pub printed: i64,
    pub spoiled: i64,
    pub returned: i64,
    pub closing: i64,
    pub physical_count: i64,
    /// physical − closing; anything but 0 stays flagged until explained.
    pub difference: i64,
    pub flagged: bool,
    pub explanation: Option<String>,
    pub posted_at: String,
}

const POSTING_SELECT: &str = "SELECT day, opening, received, printed, spoiled, returned, closing, physical_count,
    explanation, posted_at FROM blank_posting";

fn posting_from_row(r: &rusqlite::Row) -> rusqlite::Result<PostingView> {
    let closing: i64 = r.get("closing")?;
    let physical: i64 = r.get("physical_count")?;
    let explanation: Option<String> = r.get("explanation")?;
    Ok(PostingView {
        day: r.get("day")?,
        opening: r.get("opening")?,
        received: r.get("received")?,
        printed: r.get("printed")?,
        spoiled: r.get("spoiled")?,
        returned: r.get("returned")?,
        closing,
        physical_count: physical,
        difference: physical - closing,
        flagged: physical != closing && explanation.is_none(),
        explanation,
        posted_at: r.get("posted_at")?,
    })
}

pub fn post_day(conn: &Connection, at: DateTime<Utc>, caller: &Caller, req: &PostDayRequest) -> Result<PostingView> {
    let day = parse_past_day(conn, at, &req.day, "day")?;
    if req.physical_count < 0 {
        return Err(Error::field("physical_count", "Jumlah fisik tidak boleh negatif."));
    }
    let d = day.format("%Y-%m-%d").to_string();
    if conn.query_row("SELECT 1 FROM blank_posting WHERE day = ?1", [&d], |_| Ok(())).optional()?.is_some() {
        return Err(Error::field("day", format!("Stok tanggal {d} sudah diposting.")));
    }
    let b = day_balance(conn, day)?;
    conn.execute(
        "INSERT INTO blank_posting (day, opening, received, printed, spoiled, returned, closing, physical_count, posted_by, posted_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![d, b.opening, b.movements.received, b.movements.printed, b.movements.spoiled, b.movements.returned, b.closing,
            req.physical_count, caller.staff_id, to_db(at)],
    )?;
    crate::audit::append(conn, at, Some(&caller.username), "blank_posted", Some(&d), json!({
        "closing": b.closing, "physical_count": req.physical_count,
    }))?;
    posting(conn, &d)?.ok_or_else(|| Error::internal("posting vanished"))
}

pub fn posting(conn: &Connection, day: &str) -> Result<Option<PostingView>> {
    Ok(conn.query_row(&format!("{POSTING_SELECT} WHERE day = ?1"), [day], posting_from_row).optional()?)
}

#[derive(Debug, Clone, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct ExplainRequest {
    pub day: String,
    pub explanation: String,
}

pub fn explain(conn: &Connection, at: DateTime<Utc>, caller: &Caller, req: &ExplainRequest) -> Result<PostingView> {
    let text = req.explanation.trim();
    if text.len() < 10 {
        return Err(Error::field("explanation", "Tulis penjelasan selisih (paling sedikit 10 huruf)."));
    }
    let p = posting(conn, req.day.trim())?.ok_or_else(|| Error::field("day", format!("Belum ada posting stok tanggal {}.", req.day.trim())))?;
    if p.difference == 0 {
        return Err(Error::field("day", format!("Posting {} tidak berselisih; tidak perlu penjelasan.", p.day)));
    }
    conn.execute(
        "UPDATE blank_posting SET explanation = ?2, explained_by = ?3, explained_at = ?4 WHERE day = ?1",
        params![p.day, text, caller.staff_id, to_db(at)],
    )?;
    crate::audit::append(conn, at, Some(&caller.username), "blank_posting_explained", Some(&p.day), json!({"explanation": text}))?;
    posting(conn, &p.day)?.ok_or_else(|| Error::internal("posting vanished"))
}

// ---- the stock screen's summary -----------------------------------------------------------------

/// When to warn that stock is running out (settings `blank_warn_days`, `blank_warn_count`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct StockThresholds {
    /// Warn when the stock covers fewer days than this (1–90).
    pub warn_days: u32,
    /// … or when fewer blanks than this are left (0–10000).
    pub warn_count: u32,
}

pub fn thresholds(conn: &Connection) -> Result<StockThresholds> {
    let get = |k: &str, d: u32| -> Result<u32> { Ok(crate::settings::get_raw(conn, k)?.and_then(|v| v.parse().ok()).unwrap_or(d)) };
    Ok(StockThresholds { warn_days: get("blank_warn_days", 10)?, warn_count: get("blank_warn_count", 50)? })
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema, TS)]
pub struct StockSummary {
    pub counts: StateCounts,
    /// Blanks used (printed or spoiled) per day over the last 14 days.
    pub daily_use: f64,
    /// How many days the stock lasts at that use; None when nothing was used.
    pub days_of_cover: Option<f64>,
    pub thresholds: StockThresholds,
    /// Why the supervisor should reorder now, in Bahasa Indonesia; None when stock is fine.
    pub warning: Option<String>,
    /// Postings with a difference nobody explained yet.
    pub unexplained_postings: Vec<PostingView>,
    /// Last month's report when it has not been made yet: due by the 5th.
    pub monthly_due: Option<MonthlyDue>,
    pub today: DayBalance,
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema, TS)]
pub struct MonthlyDue {
    /// `2026-11`
    pub month: String,
    /// Office-local date it is due, `2026-12-05`.
    pub due: String,
    pub overdue: bool,
}

fn monthly_due(conn: &Connection, today: NaiveDate) -> Result<Option<MonthlyDue>> {
    use chrono::Datelike;
    let first = today.with_day(1).ok_or_else(|| Error::internal("day 1"))?;
    let last_month = (first - Duration::days(1)).format("%Y-%m").to_string();
    // Only once the office had blanks that month.
    let had_blanks: bool = conn.query_row("SELECT EXISTS (SELECT 1 FROM blank_event WHERE day < ?1)", [first.to_string()], |r| r.get(0))?;
    let made: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM audit_log WHERE action = 'blank_monthly_exported' AND subject = ?1)",
        [&last_month],
        |r| r.get(0),
    )?;
    let due = first + Duration::days(4);
    Ok((had_blanks && !made).then(|| MonthlyDue { month: last_month, due: due.to_string(), overdue: today > due }))
}

pub fn summary(conn: &Connection, now: DateTime<Utc>) -> Result<StockSummary> {
    let counts = counts(conn)?;
    let today = NaiveDate::parse_from_str(&office_day(conn, now)?, "%Y-%m-%d").map_err(Error::internal)?;
    let from = (today - Duration::days(13)).format("%Y-%m-%d").to_string();
    let used = movements(conn, &from, &today.format("%Y-%m-%d").to_string())?;
    let daily_use = (used.printed + used.spoiled) as f64 / 14.0;
    let days_of_cover = (daily_use > 0.0).then(|| counts.in_stock as f64 / daily_use);
    let thresholds = thresholds(conn)?;
    let warning = if counts.in_stock < thresholds.warn_count as i64 {
        Some(format!("Sisa blangko {} lembar, di bawah batas {} lembar: ajukan permintaan ke kabupaten.", counts.in_stock, thresholds.warn_count))
    } else {
        days_of_cover.filter(|d| *d < thresholds.warn_days as f64).map(|d| {
            format!("Sisa blangko cukup untuk sekitar {:.0} hari kerja (batas {} hari): ajukan permintaan ke kabupaten.", d.floor(), thresholds.warn_days)
        })
    };
    let unexplained_postings = conn
        .prepare_cached(&format!("{POSTING_SELECT} WHERE physical_count <> closing AND explanation IS NULL ORDER BY day"))?
        .query_map([], posting_from_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(StockSummary {
        counts,
        daily_use,
        days_of_cover,
        thresholds,
        warning,
        unexplained_postings,
        monthly_due: monthly_due(conn, today)?,
        today: day_balance(conn, today)?,
    })
}

#[derive(Debug, Clone, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct BlankListRequest {
    #[serde(default)]
    #[ts(optional)]
    pub state: Option<BlankState>,
    /// Part of a serial.
    #[serde(default)]
    #[ts(optional)]
    pub search: Option<String>,
}

#[derive(Debug, Clone, Serialize, JsonSchema, TS)]
pub struct BlankList {
    pub items: Vec<BlankView>,
    /// More matched than the 500 shown.
    pub truncated: bool,
}

pub fn list(conn: &Connection, req: &BlankListRequest) -> Result<BlankList> {
    let search = format!("%{}%", req.search.as_deref().unwrap_or("").trim().to_uppercase());
    let state = req.state.map(BlankState::as_str);
    let mut items: Vec<BlankView> = conn
        .prepare_cached(&format!("{BLANK_SELECT} WHERE (?1 IS NULL OR b.state = ?1) AND b.serial LIKE ?2 ORDER BY b.serial LIMIT 501"))?
        .query_map(params![state, search], blank_from_row)?
        .collect::<rusqlite::Result<_>>()?;
    let truncated = items.len() > 500;
    items.truncate(500);
    Ok(BlankList { items, truncated })
}

/// Spoilage per cause and per operator over a range of days, against the ~5% baseline.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema, TS)]
pub struct SpoilageReport {
    pub from: String,
    pub to: String,
    pub used: i64,
    pub spoiled: i64,
    pub rate: f64,
    pub baseline: f64,
    pub by_cause: Vec<CauseCount>,
    pub by_operator: Vec<OperatorSpoilage>,
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema, TS)]
pub struct CauseCount {
    pub cause: SpoilCause,
    pub label: String,
    pub count: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema, TS)]
pub struct OperatorSpoilage {
    pub operator: String,
    pub used: i64,
    pub spoiled: i64,
    pub rate: f64,
    pub above_baseline: bool,
}

pub fn spoilage(conn: &Connection, from: &str, to: &str) -> Result<SpoilageReport> {
    let by_cause = SpoilCause::ALL
        .iter()
        .map(|c| -> Result<CauseCount> {
            let count = conn.query_row(
                "SELECT COUNT(*) FROM blank_event WHERE kind = 'spoiled' AND day BETWEEN ?1 AND ?2 AND cause = ?3",
                params![from, to, c.as_str()],
                |r| r.get(0),
            )?;
            Ok(CauseCount { cause: *c, label: c.label().to_string(), count })
        })
        .collect::<Result<Vec<_>>>()?;
    let rate = |spoiled: i64, used: i64| if used > 0 { spoiled as f64 / used as f64 } else { 0.0 };
    let by_operator: Vec<OperatorSpoilage> = conn
        .prepare_cached(
            "SELECT s.full_name AS operator, COUNT(*) AS used, SUM(e.kind = 'spoiled') AS spoiled
             FROM blank_event e JOIN staff s ON s.id = e.staff_id
             WHERE e.kind IN ('printed', 'spoiled') AND e.from_state = 'in_stock' AND e.day BETWEEN ?1 AND ?2
             GROUP BY e.staff_id ORDER BY s.full_name",
        )?
        .query_map([from, to], |r| {
            let (used, spoiled): (i64, i64) = (r.get("used")?, r.get("spoiled")?);
            Ok(OperatorSpoilage {
                operator: r.get("operator")?,
                used,
                spoiled,
                rate: rate(spoiled, used),
                above_baseline: rate(spoiled, used) > BASELINE_SPOILAGE,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let m = movements(conn, from, to)?;
    let used = m.printed + m.spoiled;
    Ok(SpoilageReport {
        from: from.to_string(),
        to: to.to_string(),
        used,
        spoiled: m.spoiled,
        rate: rate(m.spoiled, used),
        baseline: BASELINE_SPOILAGE,
        by_cause,
        by_operator,
    })
}

// ---- commands ---------------------------------------------------------------------------------

#[derive(Debug, Clone, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct DayRangeRequest {
    pub from: String,
    pub to: String,
}

impl DayRangeRequest {
    fn check(&self, conn: &Connection, now: DateTime<Utc>) -> Result<(String, String)> {
        let from = parse_past_day(conn, now, &self.from, "from")?;
        let to = parse_past_day(conn, now, &self.to, "to")?;
        if to < from {
            return Err(Error::field("to", "Tanggal akhir sebelum tanggal awal."));
        }
        if (to - from).num_days() > 366 {
            return Err(Error::field("to", "Rentang paling panjang 366 hari."));
        }
        Ok((from.to_string(), to.to_string()))
    }
}

#[derive(Debug, Clone, Serialize, JsonSchema, TS)]
pub struct PostingList {
    pub items: Vec<PostingView>,
}

#[derive(Debug, Clone, Serialize, JsonSchema, TS)]
pub struct DisposeResult {
    pub count: u32,
}

#[derive(Debug, Clone, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct MonthRequest {
    /// `2026-11`
    pub month: String,
}

/// The monthly report as the kabupaten gets it; making it is recorded (it is due by the 5th).
fn monthly_file(app: &crate::App, caller: &Caller, req: &MonthRequest, csv: bool) -> Result<crate::api::FileOut> {
    let now = app.now();
    let report = app.store.read(|c| {
        let office = crate::setup::require_office(c)?;
        let today = NaiveDate::parse_from_str(&crate::queue::office_day(&office, now), "%Y-%m-%d").map_err(Error::internal)?;
        let name: String = c.query_row("SELECT full_name FROM staff WHERE id = ?1", [&caller.staff_id], |r| r.get(0))?;
        // "Rabu, 2 Desember 2026 08.00 WIB" → "2 Desember 2026": the date the report is signed.
        let long = office.long_date_time(now);
        let date = long.split(", ").nth(1).and_then(|d| d.rsplitn(3, ' ').nth(2)).unwrap_or(&long).to_string();
        monthly::build(c, &req.month, today, date, name)
    })?;
    let (month, user) = (report.month.clone(), caller.username.clone());
    app.store.write(move |c| crate::audit::append(c, now, Some(&user), "blank_monthly_exported", Some(&month), json!({"format": if csv { "csv" } else { "pdf" }})))?;
    let stem = format!("laporan-blangko-{}", report.month);
    Ok(if csv {
        crate::api::FileOut { bytes: monthly::csv(&report), content_type: "text/csv; charset=utf-8", file_name: crate::documents::file_name(&stem, "", "csv") }
    } else {
        crate::api::FileOut::pdf(monthly::pdf(&report), crate::documents::file_name(&stem, "", "pdf"))
    })
}

pub fn register(r: &mut Registry) {
    let managers = Access::Roles(MANAGERS);
    let readers = Access::Roles(STOCK_READERS);
    r.add_staff_file("stock.monthly_pdf", readers, "application/pdf", "The monthly blank report for the kabupaten (A4 PDF)", |app, caller, req: MonthRequest| {
        monthly_file(app, caller, &req, false)
    });
    r.add_staff_file("stock.monthly_csv", readers, "text/csv; charset=utf-8", "The monthly blank report as CSV (; and decimal comma, for Excel in Indonesian)", |app, caller, req: MonthRequest| {
        monthly_file(app, caller, &req, true)
    });
    r.add_staff("stock.summary", readers, "Blank stock by state, days of cover, warnings, today's balance", |app, _, _: crate::api::Empty| {
        let now = app.now();
        app.store.read(|c| summary(c, now))
    });
    r.add_staff("stock.list", readers, "Blank serials by state or part of the serial", |app, _, req: BlankListRequest| {
        app.store.read(|c| list(c, &req))
    });
    r.add_staff("stock.receive", managers, "Record a delivery of blanks from the kabupaten", |app, caller: &Caller, req: ReceiveRequest| {
        let (now, caller) = (app.now(), caller.clone());
        app.store.write(move |c| receive(c, now, &caller, &req))
    });
    r.add_staff("stock.spoil_blank", Access::Roles(SPOILERS), "Record a blank found damaged in the drawer", |app, caller: &Caller, req: SpoilBlankRequest| {
        let (now, caller) = (app.now(), caller.clone());
        app.store.write(move |c| {
            let serial = serials::clean(&req.serial, "serial")?;
            let spoilage = Spoilage { cause: req.cause, note: req.note, corner_cut: req.corner_cut };
            mark_spoiled(c, now, &serial, &caller.staff_id, None, &spoilage, None)?;
            crate::audit::append(c, now, Some(&caller.username), "blank_spoiled", Some(&serial), json!({"cause": req.cause.as_str()}))?;
            blank(c, &serial)?.ok_or_else(|| Error::internal("blank vanished"))
        })
    });
    r.add_staff("stock.dispose", managers, "Return blanks to the kabupaten or destroy them, with a berita acara", |app, caller: &Caller, req: DisposeRequest| {
        let (now, caller) = (app.now(), caller.clone());
        let n = app.store.write(move |c| dispose(c, now, &caller, &req))?;
        Ok(DisposeResult { count: n as u32 })
    });
    r.add_staff("stock.post_day", managers, "Post a day's balance against the physical count", |app, caller: &Caller, req: PostDayRequest| {
        let (now, caller) = (app.now(), caller.clone());
        app.store.write(move |c| post_day(c, now, &caller, &req))
    });
    r.add_staff("stock.explain", managers, "Explain a posting's difference", |app, caller: &Caller, req: ExplainRequest| {
        let (now, caller) = (app.now(), caller.clone());
        app.store.write(move |c| explain(c, now, &caller, &req))
    });
    r.add_staff("stock.postings", readers, "Daily postings in a range", |app, _, req: DayRangeRequest| {
        let now = app.now();
        app.store.read(|c| {
            let (from, to) = req.check(c, now)?;
            let items = c
                .prepare_cached(&format!("{POSTING_SELECT} WHERE day BETWEEN ?1 AND ?2 ORDER BY day"))?
                .query_map([from, to], posting_from_row)?
                .collect::<rusqlite::Result<_>>()?;
            Ok(PostingList { items })
        })
    });
    r.add_staff("stock.spoilage", readers, "Spoilage per cause and operator against the ~5% baseline", |app, _, req: DayRangeRequest| {
        let now = app.now();
        app.store.read(|c| {
            let (from, to) = req.check(c, now)?;
            spoilage(c, &from, &to)
        })
    });
    r.add_staff("stock.thresholds_save", managers, "When to warn that blanks run out", |app, caller: &Caller, req: StockThresholds| {
        if !(1..=90).contains(&req.warn_days) {
            return Err(Error::field("warn_days", "Batas hari harus 1 sampai 90."));
        }
        if req.warn_count > 10_000 {
            return Err(Error::field("warn_count", "Batas jumlah paling besar 10000."));
        }
        let (now, user) = (app.now(), caller.username.clone());
        app.store.write(move |c| {
            crate::settings::set_raw(c, "blank_warn_days", &req.warn_days.to_string())?;
            crate::settings::set_raw(c, "blank_warn_count", &req.warn_count.to_string())?;
            crate::audit::append(c, now, Some(&user), "blank_thresholds", None, json!({"warn_days": req.warn_days, "warn_count": req.warn_count}))?;
            thresholds(c)
        })
    });
}
