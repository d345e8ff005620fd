//! How a ticket is numbered and issued: prefix + zero-padded sequence per service per office-local
//! day (`A-007`), taken with one UPSERT … RETURNING inside the writer's transaction, so concurrent
//! kiosks never get a duplicate or a gap; a full quota answers "kuota habis". Appointments (booking
//! codes) become tickets at check-in.

use super::config::{service, QueuePolicy, ServiceView};
use super::{close_open_before, load_ticket, office_day, record, Priority, TicketView};
use crate::api::{Access, Registry, MANAGERS};
use crate::app::App;
use crate::clock::{from_db, to_db};
use crate::error::{Error, ErrorCode, Result};
use crate::events::Event;
use crate::setup::require_office;
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct IssueRequest {
    /// The service's letter, e.g. "A".
    pub service_prefix: String,
    #[serde(default)]
    #[ts(optional)]
    pub priority: Option<Priority>,
    /// Print on the ticket printer set in the queue policy.
    #[serde(default)]
    #[ts(optional)]
    pub print: Option<bool>,
}

#[derive(Debug, Clone, Serialize, JsonSchema, TS)]
pub struct IssuedTicket {
    pub ticket: TicketView,
    /// People in this service's line before this ticket.
    pub waiting_ahead: u32,
    /// Set when printing was asked for and failed: the ticket is issued all the same; reprint later.
    pub print_error: Option<String>,
}

/// Checks the service can take a ticket today and takes the next number. Runs in the writer.
fn take_number(conn: &Connection, svc: &ServiceView, day: &str, weekday: u32) -> Result<(i64, String)> {
    if !svc.active || !svc.active_days.contains(char::from_digit(weekday, 10).unwrap_or('0')) {
        return Err(Error::field("service_prefix", format!("Layanan {} ({}) tidak dibuka hari ini.", svc.prefix, svc.name)));
    }
    let seq: Option<i64> = conn
        .prepare_cached(
            "INSERT INTO ticket_sequence (service_id, day, last_seq) VALUES (?1, ?2, 1)
             ON CONFLICT (service_id, day) DO UPDATE SET last_seq = last_seq + 1 WHERE last_seq < ?3
             RETURNING last_seq",
        )?
        .query_row(params![svc.id, day, svc.daily_quota], |r| r.get(0))
        .optional()?;
    let seq = seq.ok_or_else(|| Error {
        code: ErrorCode::Conflict,
        ..Error::field(
            "service_prefix",
            format!("Kuota habis: layanan {} sudah mencapai {} antrian hari ini. Silakan datang kembali besok.", svc.name, svc.daily_quota),
        )
    })?;
    Ok((seq, format!("{}-{:03}", svc.prefix, seq)))
}

/// Inserts a waiting ticket and its first history row.
#[allow(clippy::too_many_arguments)]
fn insert_ticket(
    conn: &Connection,
    now: DateTime<Utc>,
    day: &str,
    svc: &ServiceView,
    seq: i64,
    number: &str,
    priority: Option<Priority>,
    appointment: Option<(&str, Option<DateTime<Utc>>)>,
) -> Result<String> {
    let id = uuid::Uuid::now_v7().to_string();
    conn.prepare_cached(
        "INSERT INTO ticket (id, day, issued_service_id, seq, number, service_id, priority, appointment_id, slot_at, issued_at, queued_at, status)
         VALUES (?1, ?2, ?3, ?4, ?5, ?3, ?6, ?7, ?8, ?9, ?9, 'waiting')",
    )?
    .execute(params![
        id,
        day,
        svc.id,
        seq,
        number,
        priority.map(|p| p.as_str()),
        appointment.map(|a| a.0),
        appointment.and_then(|a| a.1).map(to_db),
        to_db(now)
    ])?;
    record(conn, &id, now, "issued", Some(svc.id), None, None, None)?;
    Ok(id)
}

fn waiting_ahead(conn: &Connection, ticket: &TicketView) -> Result<u32> {
    Ok(conn
        .prepare_cached("SELECT COUNT(*) FROM ticket WHERE day = ?1 AND service_id = ?2 AND status = 'waiting' AND queued_at <= ?3 AND id <> ?4")?
        .query_row(params![ticket.day, ticket.service_id, ticket.queued_at, ticket.id], |r| r.get(0))?)
}

fn service_by_prefix(conn: &Connection, prefix: &str) -> Result<ServiceView> {
    let prefix = prefix.trim().to_uppercase();
    let id: Option<i64> =
        conn.prepare_cached("SELECT id FROM service WHERE prefix = ?1")?.query_row([&prefix], |r| r.get(0)).optional()?;
    match id {
        Some(id) => service(conn, id),
        None => Err(Error { code: ErrorCode::NotFound, ..Error::field("service_prefix", format!("Layanan '{prefix}' tidak dikenal.")) }),
    }
}

pub fn issue(app: &App, req: IssueRequest) -> Result<IssuedTicket> {
    let now = app.now();
    let print = req.print.unwrap_or(false);
    let (ticket, ahead) = app.store.write(move |tx| {
        let office = require_office(tx)?;
        let day = office_day(&office, now);
        close_open_before(tx, &day, now)?;
        let svc = service_by_prefix(tx, &req.service_prefix)?;
        let weekday = now.with_timezone(&office.offset()).weekday().number_from_monday();
        let (seq, number) = take_number(tx, &svc, &day, weekday)?;
        let id = insert_ticket(tx, now, &day, &svc, seq, &number, req.priority, None)?;
        let ticket = load_ticket(tx, &id)?;
        let ahead = waiting_ahead(tx, &ticket)?;
        Ok((ticket, ahead))
    })?;
    app.events.publish(Event::QueueChanged);
    let print_error = if print { super::printing::print_ticket(app, &ticket.id).err().map(|e| e.message) } else { None };
    Ok(IssuedTicket { ticket, waiting_ahead: ahead, print_error })
}

#[derive(Debug, Clone, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct AppointmentCreateRequest {
    pub service_prefix: String,
    /// Office-local date, `2026-11-21`.
    pub day: String,
    /// Office-local time of the slot, `09:30`.
    pub slot_time: String,
    pub applicant_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema, TS)]
pub struct AppointmentView {
    pub id: String,
    pub booking_code: String,
    pub service_prefix: String,
    pub day: String,
    pub slot_at: String,
    pub applicant_name: String,
    pub status: String,
    pub ticket_id: Option<String>,
}

fn load_appointment(conn: &Connection, code: &str) -> Result<Option<AppointmentView>> {
    Ok(conn
        .query_row(
            "SELECT a.id, a.booking_code, s.prefix AS service_prefix, a.day, a.slot_at, a.applicant_name, a.status, a.ticket_id
             FROM appointment a JOIN service s ON s.id = a.service_id WHERE a.booking_code = ?1",
            [code],
            |r| {
                Ok(AppointmentView {
                    id: r.get("id")?,
                    booking_code: r.get("booking_code")?,
                    service_prefix: r.get("service_prefix")?,
                    day: r.get("day")?,
                    slot_at: r.get("slot_at")?,
                    applicant_name: r.get("applicant_name")?,
                    status: r.get("status")?,
                    ticket_id: r.get("ticket_id")?,
                })
            },
        )
        .optional()?)
}

/// Booking codes avoid letters and digits people confuse (0/O, 1/I/L).
fn new_booking_code() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    let mut rng = rand::thread_rng();
    (0..6).map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char).collect()
}

fn create_appointment(app: &App, actor: &str, req: AppointmentCreateRequest) -> Result<AppointmentView> {
    let day = NaiveDate::parse_from_str(req.day.trim(), "%Y-%m-%d")
        .map_err(|_| Error::field("day", "Tanggal janji temu ditulis TTTT-BB-HH, misalnya 2026-11-23."))?;
    let time = NaiveTime::parse_from_str(req.slot_time.trim(), "%H:%M")
        .map_err(|_| Error::field("slot_time", "Jam janji temu ditulis JJ:MM, misalnya 09:30."))?;
    let name = req.applicant_name.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() || name.chars().count() > 100 {
        return Err(Error::field("applicant_name", "Nama pemohon wajib diisi (maksimal 100 karakter)."));
    }
    let (now, actor) = (app.now(), actor.to_string());
    app.store.write(move |tx| {
        let office = require_office(tx)?;
        let svc = service_by_prefix(tx, &req.service_prefix)?;
        let slot = day.and_time(time).and_local_timezone(office.offset()).single().ok_or_else(|| Error::field("slot_time", "Jam tidak valid."))?;
        let slot = slot.with_timezone(&Utc);
        if slot < now {
            return Err(Error::field("day", "Janji temu tidak boleh di masa lalu."));
        }
        let id = uuid::Uuid::now_v7().to_string();
        let code = loop {
            let code = new_booking_code();
            if load_appointment(tx, &code)?.is_none() {
                break code;
            }
        };
        tx.execute(
            "INSERT INTO appointment (id, booking_code, service_id, day, slot_at, applicant_name, status, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'booked', ?7)",
            params![id, code, svc.id, day.format("%Y-%m-%d").to_string(), to_db(slot), name, to_db(now)],
        )?;
        crate::audit::append(tx, now, Some(&actor), "appointment_created", Some(&code), serde_json::json!({"service": svc.prefix, "slot_at": to_db(slot)}))?;
        load_appointment(tx, &code)?.ok_or_else(|| Error::internal("appointment vanished"))
    })
}

#[derive(Debug, Clone, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct CheckInRequest {
    pub booking_code: String,
    #[serde(default)]
    #[ts(optional)]
    pub print: Option<bool>,
}

/// An appointment becomes a ticket ordered by its slot; past the grace period it joins the normal line.
fn check_in(app: &App, req: CheckInRequest) -> Result<IssuedTicket> {
    let now = app.now();
    let code = req.booking_code.trim().to_uppercase();
    let (ticket, ahead) = app.store.write(move |tx| {
        let office = require_office(tx)?;
        let day = office_day(&office, now);
        close_open_before(tx, &day, now)?;
        let appt = load_appointment(tx, &code)?.ok_or_else(|| Error {
            code: ErrorCode::NotFound,
            ..Error::field("booking_code", format!("Kode booking {code} tidak ditemukan. Periksa kembali kodenya."))
        })?;
        if appt.status != "booked" {
            return Err(Error { code: ErrorCode::Conflict, ..Error::field("booking_code", format!("Kode booking {code} sudah dipakai.")) });
        }
        if appt.day != day {
            return Err(Error::field("booking_code", format!("Kode booking {code} untuk tanggal {}, bukan hari ini.", appt.day)));
        }
        let svc = service_by_prefix(tx, &appt.service_prefix)?;
        let weekday = now.with_timezone(&office.offset()).weekday().number_from_monday();
        let (seq, number) = take_number(tx, &svc, &day, weekday)?;
        let policy = QueuePolicy::load(tx)?;
        let slot = from_db(&appt.slot_at);
        let on_time = now <= slot + Duration::minutes(policy.appointment_grace_minutes as i64);
        let id = insert_ticket(tx, now, &day, &svc, seq, &number, None, Some((&appt.id, on_time.then_some(slot))))?;
        tx.execute("UPDATE appointment SET status = 'checked_in', ticket_id = ?1 WHERE id = ?2", params![id, appt.id])?;
        let ticket = load_ticket(tx, &id)?;
        let ahead = waiting_ahead(tx, &ticket)?;
        Ok((ticket, ahead))
    })?;
    app.events.publish(Event::QueueChanged);
    let print_error = if req.print.unwrap_or(false) { super::printing::print_ticket(app, &ticket.id).err().map(|e| e.message) } else { None };
    Ok(IssuedTicket { ticket, waiting_ahead: ahead, print_error })
}

#[derive(Debug, Clone, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct TicketIdRequest {
    pub ticket_id: String,
}

#[derive(Debug, Clone, Serialize, JsonSchema, TS)]
pub struct PrintResult {
    pub printed: bool,
}

pub fn register(r: &mut Registry) {
    r.add("queue.issue", Access::Public, "Take a ticket (kiosk or counter)", |app, _, req: IssueRequest| issue(app, req));
    r.add("queue.check_in", Access::Public, "Turn a booking code into a ticket (kiosk)", |app, _, req: CheckInRequest| check_in(app, req));
    r.add("queue.reprint", Access::Public, "Print a ticket again on the ticket printer", |app, _, req: TicketIdRequest| {
        super::printing::print_ticket(app, &req.ticket_id)?;
        Ok(PrintResult { printed: true })
    });
    r.add_file("queue.ticket_pdf", Access::Public, "application/pdf", "A ticket as a roll-width PDF (no personal data)", |app, _, req: TicketIdRequest| {
        super::printing::ticket_pdf(app, &req.ticket_id)
    });
    r.add_staff("queue.appointment_create", Access::Roles(MANAGERS), "Book an appointment (filled by central sync later)", |app, c, req: AppointmentCreateRequest| {
        create_appointment(app, &c.username, req)
    });
}

/// An appointment booked at central for this office, as the sync pull delivers it. Applying it
/// again (after a cursor reset) changes nothing; a cancellation never undoes a check-in.
pub fn import_central_appointment(conn: &Connection, now: DateTime<Utc>, a: &crate::sync::wire::CentralAppointment) -> Result<()> {
    let office = require_office(conn)?;
    let Ok(svc) = service_by_prefix(conn, &a.service) else {
        tracing::warn!(booking = %a.booking_code, service = %a.service, "central appointment for an unknown service skipped");
        return Ok(());
    };
    let Some(slot) = chrono::NaiveDateTime::parse_from_str(&a.slot, "%Y-%m-%dT%H:%M")
        .ok()
        .and_then(|t| t.and_local_timezone(office.offset()).single())
    else {
        tracing::warn!(booking = %a.booking_code, slot = %a.slot, "central appointment with an unreadable slot skipped");
        return Ok(());
    };
    let status = if a.cancelled { "cancelled" } else { "booked" };
    let changed = conn.execute(
        "INSERT INTO appointment (id, booking_code, service_id, day, slot_at, applicant_name, status, source, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'central', ?8)
         ON CONFLICT (id) DO UPDATE SET service_id = excluded.service_id, day = excluded.day, slot_at = excluded.slot_at,
             applicant_name = excluded.applicant_name, status = excluded.status
         WHERE appointment.status <> 'checked_in'
         ON CONFLICT (booking_code) DO NOTHING",
        params![a.id, a.booking_code, svc.id, slot.date_naive().format("%Y-%m-%d").to_string(), to_db(slot.with_timezone(&Utc)),
                a.applicant_name, status, to_db(now)],
    )?;
    if changed > 0 {
        crate::audit::append(conn, now, None, "appointment_from_central", Some(&a.booking_code), serde_json::json!({"status": status}))?;
    }
    Ok(())
}
