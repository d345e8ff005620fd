//! The queue: services (layanan), counters (loket), tickets from the kiosk, calling, the display
//! board and the queue metrics. Numbering and the call order live here and nowhere else:
//! `tickets.rs` (numbering, appointments), `ordering.rs` (who is next), `calling.rs` (the counter's
//! actions), `board.rs` (the display), `config.rs` (services, counters, policy), `metrics.rs`.

mod board;
mod calling;
mod config;
pub mod metrics;
pub mod ordering;
mod printing;
pub mod speech;
mod tickets;

pub use board::Board;
pub use config::QueuePolicy;
pub use metrics::{Metrics, MetricsRequest, Stats};
pub use printing::{print_ticket, ticket_pdf};
pub use tickets::{import_central_appointment, IssueRequest, IssuedTicket};

use crate::api::Registry;
use crate::auth::Role;
use crate::clock::from_db;
use crate::error::{Error, Result};
use crate::setup::Office;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Who works a counter: the counter officer, or a supervisor covering one.
pub const COUNTER_ROLES: &[Role] = &[Role::CounterOfficer, Role::Supervisor];
pub const MANAGERS: &[Role] = crate::api::MANAGERS;

/// Priority groups served ahead of the normal line (within the ratio and the wait bound).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema, TS)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    /// Lansia
    Elderly,
    /// Penyandang disabilitas
    Disability,
    /// Ibu hamil / menyusui
    Pregnant,
    /// Anak
    Child,
}

impl Priority {
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Elderly => "elderly",
            Priority::Disability => "disability",
            Priority::Pregnant => "pregnant",
            Priority::Child => "child",
        }
    }
    pub fn parse(s: &str) -> Option<Priority> {
        [Priority::Elderly, Priority::Disability, Priority::Pregnant, Priority::Child].into_iter().find(|p| p.as_str() == s)
    }
    pub fn label(self) -> &'static str {
        match self {
            Priority::Elderly => "Lansia",
            Priority::Disability => "Disabilitas",
            Priority::Pregnant => "Ibu hamil/menyusui",
            Priority::Child => "Anak",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema, TS)]
#[serde(rename_all = "snake_case")]
pub enum TicketStatus {
    Waiting,
    Called,
    Serving,
    Parked,
    Done,
    NoShow,
    Closed,
}

impl TicketStatus {
    fn parse(s: &str) -> TicketStatus {
        match s {
            "called" => TicketStatus::Called,
            "serving" => TicketStatus::Serving,
            "parked" => TicketStatus::Parked,
            "done" => TicketStatus::Done,
            "no_show" => TicketStatus::NoShow,
            "closed" => TicketStatus::Closed,
            _ => TicketStatus::Waiting,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema, TS)]
pub struct TicketView {
    pub id: String,
    pub number: String,
    pub day: String,
    #[ts(type = "number")]
    pub service_id: i64,
    pub service_prefix: String,
    pub service_name: String,
    pub priority: Option<Priority>,
    pub status: TicketStatus,
    pub issued_at: String,
    pub queued_at: String,
    pub slot_at: Option<String>,
    pub counter_number: Option<u32>,
    pub call_count: u32,
    pub last_called_at: Option<String>,
    pub started_at: Option<String>,
    pub finished_at: Option<String>,
    pub transfers: u32,
    pub outcome: Option<String>,
}

const TICKET_SELECT: &str = "SELECT t.id, t.number, t.day, t.service_id, s.prefix AS service_prefix, s.name AS service_name, t.priority,
        t.status, t.issued_at, t.queued_at, t.slot_at, c.number AS counter_number, t.call_count, t.last_called_at, t.started_at,
        t.finished_at, t.transfers, t.outcome
    FROM ticket t JOIN service s ON s.id = t.service_id LEFT JOIN counter c ON c.id = t.counter_id";

fn ticket_from_row(r: &rusqlite::Row) -> rusqlite::Result<TicketView> {
    Ok(TicketView {
        id: r.get("id")?,
        number: r.get("number")?,
        day: r.get("day")?,
        service_id: r.get("service_id")?,
        service_prefix: r.get("service_prefix")?,
        service_name: r.get("service_name")?,
        priority: r.get::<_, Option<String>>("priority")?.and_then(|p| Priority::parse(&p)),
        status: TicketStatus::parse(&r.get::<_, String>("status")?),
        issued_at: r.get("issued_at")?,
        queued_at: r.get("queued_at")?,
        slot_at: r.get("slot_at")?,
        counter_number: r.get("counter_number")?,
        call_count: r.get("call_count")?,
        last_called_at: r.get("last_called_at")?,
        started_at: r.get("started_at")?,
        finished_at: r.get("finished_at")?,
        transfers: r.get("transfers")?,
        outcome: r.get("outcome")?,
    })
}

pub fn load_ticket(conn: &Connection, id: &str) -> Result<TicketView> {
    conn.query_row(&format!("{TICKET_SELECT} WHERE t.id = ?1"), [id], ticket_from_row)
        .optional()?
        .ok_or_else(|| Error { field: Some("ticket_id".into()), ..Error::not_found("Tiket") })
}

/// Tickets matching a WHERE clause over `t` (ticket), `s` (service), `c` (counter).
fn load_tickets(conn: &Connection, filter: &str, params: impl rusqlite::Params) -> Result<Vec<TicketView>> {
    let mut stmt = conn.prepare(&format!("{TICKET_SELECT} WHERE {filter}"))?;
    let rows = stmt.query_map(params, ticket_from_row)?.collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// The office-local date (`2026-11-21`) of an instant: days, quotas and reports follow the office.
pub fn office_day(office: &Office, t: DateTime<Utc>) -> String {
    t.with_timezone(&office.offset()).format("%Y-%m-%d").to_string()
}

/// Tickets of earlier days still open are closed with an outcome that says so; history stays.
fn close_open_before(conn: &Connection, day: &str, now: DateTime<Utc>) -> Result<usize> {
    let ids: Vec<String> = conn
        .prepare_cached("SELECT id FROM ticket WHERE day < ?1 AND status IN ('waiting', 'called', 'serving', 'parked')")?
        .query_map([day], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for id in &ids {
        close_ticket(conn, id, now, "ditutup_akhir_hari")?;
    }
    Ok(ids.len())
}

fn close_ticket(conn: &Connection, id: &str, now: DateTime<Utc>, outcome: &str) -> Result<()> {
    conn.execute(
        "UPDATE ticket SET status = 'closed', outcome = ?2, finished_at = ?3 WHERE id = ?1",
        rusqlite::params![id, outcome, crate::clock::to_db(now)],
    )?;
    record(conn, id, now, "closed", None, None, None, Some(outcome))
}

/// One row of a ticket's history.
#[allow(clippy::too_many_arguments)]
fn record(
    conn: &Connection,
    ticket_id: &str,
    at: DateTime<Utc>,
    kind: &str,
    service_id: Option<i64>,
    counter_id: Option<i64>,
    staff_id: Option<&str>,
    detail: Option<&str>,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO ticket_event (ticket_id, at, kind, service_id, counter_id, staff_id, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(rusqlite::params![ticket_id, crate::clock::to_db(at), kind, service_id, counter_id, staff_id, detail])?;
    Ok(())
}

pub fn minutes_between(a: &str, b: &str) -> f64 {
    (from_db(b) - from_db(a)).num_milliseconds() as f64 / 60_000.0
}

pub fn register(r: &mut Registry) {
    tickets::register(r);
    calling::register(r);
    board::register(r);
    config::register(r);
    metrics::register(r);
}
