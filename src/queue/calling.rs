//! The counter officer's actions: sign in to a counter, call next, recall, no-show, park and call
//! back, transfer, start, finish. One officer serves one ticket at a time; the writer thread runs
//! each action alone, so two counters pressing "call next" together get different tickets.

use super::config::{counters, CounterView, QueuePolicy, ServiceView};
use super::ordering::{pick_next, Candidate};
use super::{close_open_before, close_ticket, load_ticket, load_tickets, office_day, record, speech, TicketStatus, TicketView, COUNTER_ROLES, MANAGERS};
use crate::api::{Access, Empty, Registry};
use crate::app::App;
use crate::auth::Caller;
use crate::clock::{from_db, to_db};
use crate::error::{Error, ErrorCode, Result};
use crate::events::{Announcement, Event};
use crate::setup::require_office;
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

struct Seat {
    counter_id: i64,
    number: u32,
    name: String,
}

fn my_seat(conn: &Connection, staff_id: &str) -> Result<Seat> {
    conn.query_row(
        "SELECT c.id, c.number, c.name FROM counter_staff cs JOIN counter c ON c.id = cs.counter_id WHERE cs.staff_id = ?1",
        [staff_id],
        |r| Ok(Seat { counter_id: r.get(0)?, number: r.get(1)?, name: r.get(2)? }),
    )
    .optional()?
    .ok_or_else(|| Error::field("counter_id", "Anda belum masuk ke loket. Pilih loket Anda terlebih dahulu."))
}

/// The ticket this officer is calling or serving now, if any.
fn current_ticket(conn: &Connection, staff_id: &str) -> Result<Option<TicketView>> {
    Ok(load_tickets(conn, "t.staff_id = ?1 AND t.status IN ('called', 'serving') ORDER BY t.last_called_at DESC LIMIT 1", [staff_id])?.pop())
}

/// Loads a ticket and checks it is at this officer's counter in one of `statuses`.
fn ticket_at_my_counter(conn: &Connection, id: &str, seat: &Seat, staff_id: &str, statuses: &[TicketStatus]) -> Result<TicketView> {
    let ticket = load_ticket(conn, id)?;
    let (counter_id, owner): (Option<i64>, Option<String>) =
        conn.query_row("SELECT counter_id, staff_id FROM ticket WHERE id = ?1", [id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let parked = ticket.status == TicketStatus::Parked;
    // A parked ticket belongs to its counter; a called or served one to its officer.
    let mine = counter_id == Some(seat.counter_id) && (parked || owner.as_deref() == Some(staff_id));
    if !mine {
        let where_ = ticket.counter_number.map(|n| format!(" di Loket {n}")).unwrap_or_default();
        return Err(Error::new(ErrorCode::Forbidden, format!("Tiket {} sedang ditangani petugas lain{where_}.", ticket.number)));
    }
    if !statuses.contains(&ticket.status) {
        return Err(Error::new(ErrorCode::Conflict, format!("Tiket {} tidak dapat diproses: statusnya {:?}.", ticket.number, ticket.status)));
    }
    Ok(ticket)
}

fn announcement(ticket: &TicketView, seat: &Seat) -> Announcement {
    Announcement {
        ticket_id: ticket.id.clone(),
        number: ticket.number.clone(),
        service_name: ticket.service_name.clone(),
        counter_number: seat.number,
        counter_name: seat.name.clone(),
        call_count: ticket.call_count,
        clips: speech::call_clips(&ticket.number, seat.number),
    }
}

/// Normal walk-ins called since the last priority walk-in today, office-wide (the ratio's state).
fn normals_since_priority(conn: &Connection, day: &str) -> Result<u32> {
    let mut stmt = conn.prepare_cached(
        "SELECT t.priority IS NOT NULL FROM ticket_event e JOIN ticket t ON t.id = e.ticket_id
         WHERE e.kind = 'called' AND t.day = ?1 AND t.slot_at IS NULL ORDER BY e.id DESC LIMIT 100",
    )?;
    let recent: Vec<bool> = stmt.query_map([day], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    Ok(recent.iter().take_while(|p| !**p).count() as u32)
}

#[derive(Debug, Clone, Serialize, JsonSchema, TS)]
pub struct CallResult {
    pub ticket: TicketView,
    pub announcement: Announcement,
}

fn call_next(app: &App, caller: &Caller) -> Result<CallResult> {
    let (now, staff_id) = (app.now(), caller.staff_id.clone());
    let (ticket, seat) = app.store.write(move |tx| {
        let seat = my_seat(tx, &staff_id)?;
        if let Some(t) = current_ticket(tx, &staff_id)? {
            return Err(Error::new(
                ErrorCode::Conflict,
                format!("Selesaikan, parkir atau alihkan tiket {} dulu sebelum memanggil berikutnya.", t.number),
            ));
        }
        let office = require_office(tx)?;
        let day = office_day(&office, now);
        close_open_before(tx, &day, now)?;
        let waiting = load_tickets(
            tx,
            "t.day = ?1 AND t.status = 'waiting' AND t.service_id IN (SELECT service_id FROM counter_service WHERE counter_id = ?2)
             ORDER BY t.queued_at, t.id",
            params![day, seat.counter_id],
        )?;
        let candidates: Vec<Candidate> = waiting
            .iter()
            .map(|t| Candidate { priority: t.priority.is_some(), queued_at: from_db(&t.queued_at), slot_at: t.slot_at.as_deref().map(from_db) })
            .collect();
        let policy = QueuePolicy::load(tx)?.priority();
        let pick = pick_next(&candidates, normals_since_priority(tx, &day)?, now, &policy)
            .ok_or_else(|| Error::new(ErrorCode::NotFound, "Tidak ada antrian yang menunggu untuk loket ini."))?;
        let id = waiting[pick].id.clone();
        tx.execute(
            "UPDATE ticket SET status = 'called', counter_id = ?2, staff_id = ?3, call_count = 1, last_called_at = ?4 WHERE id = ?1",
            params![id, seat.counter_id, staff_id, to_db(now)],
        )?;
        record(tx, &id, now, "called", Some(waiting[pick].service_id), Some(seat.counter_id), Some(&staff_id), None)?;
        Ok((load_ticket(tx, &id)?, seat))
    })?;
    Ok(announce(app, ticket, &seat))
}

/// Puts the call on the display and tells every screen the queue changed.
fn announce(app: &App, ticket: TicketView, seat: &Seat) -> CallResult {
    let announcement = announcement(&ticket, seat);
    app.events.publish(Event::TicketCalled(announcement.clone()));
    app.events.publish(Event::QueueChanged);
    CallResult { ticket, announcement }
}

/// Recall (a called ticket) or call back (a parked one): announced again, the call counted.
fn call_again(app: &App, caller: &Caller, id: String, from: TicketStatus) -> Result<CallResult> {
    let (now, staff_id) = (app.now(), caller.staff_id.clone());
    let (ticket, seat) = app.store.write(move |tx| {
        let seat = my_seat(tx, &staff_id)?;
        let ticket = ticket_at_my_counter(tx, &id, &seat, &staff_id, &[from])?;
        if from == TicketStatus::Parked {
            if let Some(t) = current_ticket(tx, &staff_id)? {
                return Err(Error::new(ErrorCode::Conflict, format!("Selesaikan tiket {} dulu sebelum memanggil tiket yang diparkir.", t.number)));
            }
        }
        tx.execute(
            "UPDATE ticket SET status = 'called', staff_id = ?2, call_count = call_count + 1, last_called_at = ?3 WHERE id = ?1",
            params![id, staff_id, to_db(now)],
        )?;
        record(tx, &id, now, "recalled", Some(ticket.service_id), Some(seat.counter_id), Some(&staff_id), None)?;
        Ok((load_ticket(tx, &id)?, seat))
    })?;
    Ok(announce(app, ticket, &seat))
}

#[derive(Debug, Clone, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct TransferRequest {
    pub ticket_id: String,
    /// The letter of the service the applicant goes to next.
    pub service_prefix: String,
}

/// Moves a ticket at this counter to another state; `change` does the update and returns the event kind.
fn act(
    app: &App,
    caller: &Caller,
    id: String,
    from: &'static [TicketStatus],
    change: impl FnOnce(&Connection, &TicketView, DateTime<Utc>, &QueuePolicy) -> Result<(&'static str, Option<String>)> + Send + 'static,
) -> Result<TicketView> {
    let (now, staff_id) = (app.now(), caller.staff_id.clone());
    let ticket = app.store.write(move |tx| {
        let seat = my_seat(tx, &staff_id)?;
        let ticket = ticket_at_my_counter(tx, &id, &seat, &staff_id, from)?;
        let policy = QueuePolicy::load(tx)?;
        let (kind, detail) = change(tx, &ticket, now, &policy)?;
        record(tx, &id, now, kind, Some(ticket.service_id), Some(seat.counter_id), Some(&staff_id), detail.as_deref())?;
        load_ticket(tx, &id)
    })?;
    app.events.publish(Event::QueueChanged);
    Ok(ticket)
}

fn start(app: &App, caller: &Caller, id: String) -> Result<TicketView> {
    act(app, caller, id, &[TicketStatus::Called], |tx, t, now, _| {
        tx.execute("UPDATE ticket SET status = 'serving', started_at = ?2 WHERE id = ?1", params![t.id, to_db(now)])?;
        Ok(("started", None))
    })
}

fn finish(app: &App, caller: &Caller, id: String) -> Result<TicketView> {
    act(app, caller, id, &[TicketStatus::Serving, TicketStatus::Called], |tx, t, now, _| {
        // Finishing straight from "called" means the service was too short to press start.
        tx.execute(
            "UPDATE ticket SET status = 'done', outcome = 'served', started_at = COALESCE(started_at, ?2), finished_at = ?2 WHERE id = ?1",
            params![t.id, to_db(now)],
        )?;
        Ok(("finished", None))
    })
}

fn no_show(app: &App, caller: &Caller, id: String) -> Result<TicketView> {
    act(app, caller, id, &[TicketStatus::Called], |tx, t, now, policy| {
        if t.call_count < policy.no_show_after_calls {
            return Err(Error::new(
                ErrorCode::Conflict,
                format!(
                    "Tiket {} baru dipanggil {} kali. Panggil ulang sampai {} kali sebelum menandai tidak hadir.",
                    t.number, t.call_count, policy.no_show_after_calls
                ),
            ));
        }
        tx.execute("UPDATE ticket SET status = 'no_show', outcome = 'no_show', finished_at = ?2 WHERE id = ?1", params![t.id, to_db(now)])?;
        Ok(("no_show", None))
    })
}

fn park(app: &App, caller: &Caller, id: String) -> Result<TicketView> {
    act(app, caller, id, &[TicketStatus::Called, TicketStatus::Serving], |tx, t, _, _| {
        tx.execute("UPDATE ticket SET status = 'parked', staff_id = NULL WHERE id = ?1", [&t.id])?;
        Ok(("parked", None))
    })
}

fn transfer(app: &App, caller: &Caller, req: TransferRequest) -> Result<TicketView> {
    let prefix = req.service_prefix.trim().to_uppercase();
    act(app, caller, req.ticket_id, &[TicketStatus::Called, TicketStatus::Serving], move |tx, t, _, _| {
        let target: Option<(i64, bool)> =
            tx.query_row("SELECT id, active FROM service WHERE prefix = ?1", [&prefix], |r| Ok((r.get(0)?, r.get(1)?))).optional()?;
        let (service_id, active) = target.ok_or_else(|| Error::field("service_prefix", format!("Layanan '{prefix}' tidak dikenal.")))?;
        if !active {
            return Err(Error::field("service_prefix", format!("Layanan {prefix} sedang tidak aktif.")));
        }
        if service_id == t.service_id {
            return Err(Error::field("service_prefix", "Tiket sudah berada di layanan ini."));
        }
        // The applicant keeps their place: queued_at stays, so they are not sent to the back.
        tx.execute(
            "UPDATE ticket SET service_id = ?2, status = 'waiting', counter_id = NULL, staff_id = NULL, call_count = 0,
             last_called_at = NULL, started_at = NULL, transfers = transfers + 1 WHERE id = ?1",
            params![t.id, service_id],
        )?;
        Ok(("transferred", Some(serde_json::json!({"from": t.service_id, "to": service_id}).to_string())))
    })
}

#[derive(Debug, Clone, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct CounterSignInRequest {
    #[ts(type = "number")]
    pub counter_id: i64,
}

#[derive(Debug, Clone, Serialize, JsonSchema, TS)]
pub struct ServiceLine {
    pub service: ServiceView,
    pub waiting: Vec<TicketView>,
}

#[derive(Debug, Clone, Serialize, JsonSchema, TS)]
pub struct CounterState {
    /// Null until the officer signs in to a counter.
    pub counter: Option<CounterView>,
    pub current: Option<TicketView>,
    pub lines: Vec<ServiceLine>,
    pub parked: Vec<TicketView>,
    pub no_show_after_calls: u32,
    pub day: String,
}

fn counter_state(app: &App, caller: &Caller) -> Result<CounterState> {
    let now = app.now();
    app.store.read(|c| {
        let office = require_office(c)?;
        let day = office_day(&office, now);
        let policy = QueuePolicy::load(c)?;
        let seat = my_seat(c, &caller.staff_id).ok();
        let counter = match &seat {
            Some(s) => counters(c)?.into_iter().find(|x| x.id == s.counter_id),
            None => None,
        };
        let mut lines = Vec::new();
        let mut parked = Vec::new();
        if let Some(counter) = &counter {
            for sid in &counter.service_ids {
                let service = super::config::service(c, *sid)?;
                let waiting = load_tickets(c, "t.day = ?1 AND t.status = 'waiting' AND t.service_id = ?2 ORDER BY t.queued_at", params![day, sid])?;
                lines.push(ServiceLine { service, waiting });
            }
            parked = load_tickets(c, "t.day = ?1 AND t.status = 'parked' AND t.counter_id = ?2 ORDER BY t.last_called_at", params![day, counter.id])?;
        }
        Ok(CounterState { counter, current: current_ticket(c, &caller.staff_id)?, lines, parked, no_show_after_calls: policy.no_show_after_calls, day })
    })
}

fn sign_in(app: &App, caller: &Caller, counter_id: i64) -> Result<CounterState> {
    let (now, staff_id) = (app.now(), caller.staff_id.clone());
    app.store.write(move |tx| {
        let counter: Option<(String, bool)> =
            tx.query_row("SELECT name, active FROM counter WHERE id = ?1", [counter_id], |r| Ok((r.get(0)?, r.get(1)?))).optional()?;
        let (name, active) = counter.ok_or_else(|| Error { field: Some("counter_id".into()), ..Error::not_found("Loket") })?;
        if !active {
            return Err(Error::field("counter_id", format!("{name} sedang tidak aktif.")));
        }
        let occupant: Option<(String, String)> = tx
            .query_row(
                "SELECT cs.staff_id, st.full_name FROM counter_staff cs JOIN staff st ON st.id = cs.staff_id WHERE cs.counter_id = ?1",
                [counter_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        if let Some((other, who)) = occupant.filter(|(o, _)| *o != staff_id) {
            let _ = other;
            return Err(Error { code: ErrorCode::Conflict, ..Error::field("counter_id", format!("{name} sedang dipakai oleh {who}.")) });
        }
        if let Some(t) = current_ticket(tx, &staff_id)? {
            return Err(Error::new(ErrorCode::Conflict, format!("Selesaikan tiket {} dulu sebelum pindah loket.", t.number)));
        }
        tx.execute("DELETE FROM counter_staff WHERE staff_id = ?1", [&staff_id])?;
        tx.execute("INSERT INTO counter_staff (counter_id, staff_id, since) VALUES (?1, ?2, ?3)", params![counter_id, staff_id, to_db(now)])?;
        Ok(())
    })?;
    app.events.publish(Event::QueueChanged);
    counter_state(app, caller)
}

fn sign_out(app: &App, caller: &Caller) -> Result<CounterState> {
    let staff_id = caller.staff_id.clone();
    app.store.write(move |tx| {
        if let Some(t) = current_ticket(tx, &staff_id)? {
            return Err(Error::new(ErrorCode::Conflict, format!("Selesaikan tiket {} dulu sebelum keluar dari loket.", t.number)));
        }
        tx.execute("DELETE FROM counter_staff WHERE staff_id = ?1", [&staff_id])?;
        Ok(())
    })?;
    app.events.publish(Event::QueueChanged);
    counter_state(app, caller)
}

#[derive(Debug, Clone, Serialize, JsonSchema, TS)]
pub struct CloseDayResult {
    pub closed: u32,
}

/// Closes every open ticket of today and earlier (the office's day is over).
fn close_day(app: &App, caller: &Caller) -> Result<CloseDayResult> {
    let (now, actor) = (app.now(), caller.username.clone());
    let closed = app.store.write(move |tx| {
        let ids: Vec<String> = tx
            .prepare("SELECT id FROM ticket WHERE status IN ('waiting', 'called', 'serving', 'parked')")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for id in &ids {
            close_ticket(tx, id, now, "ditutup_akhir_hari")?;
        }
        tx.execute("DELETE FROM counter_staff", [])?;
        crate::audit::append(tx, now, Some(&actor), "queue_day_closed", None, serde_json::json!({"closed": ids.len()}))?;
        Ok(ids.len() as u32)
    })?;
    app.events.publish(Event::QueueChanged);
    // The day's report as it stands now, kept for the days to come.
    crate::reports::keep_day(app, caller);
    Ok(CloseDayResult { closed })
}

pub fn register(r: &mut Registry) {
    use super::tickets::TicketIdRequest;
    let counter = Access::Roles(COUNTER_ROLES);
    r.add_staff("queue.counter_state", counter, "This officer's counter, current ticket and lines", counter_state_cmd);
    r.add_staff("queue.counter_sign_in", counter, "Sign in to a counter", |app, c, req: CounterSignInRequest| sign_in(app, c, req.counter_id));
    r.add_staff("queue.counter_sign_out", counter, "Leave the counter", |app, c, _: Empty| sign_out(app, c));
    r.add_staff("queue.call_next", counter, "Call the next ticket for this counter", |app, c, _: Empty| call_next(app, c));
    r.add_staff("queue.recall", counter, "Announce the called ticket again", |app, c, req: TicketIdRequest| {
        call_again(app, c, req.ticket_id, TicketStatus::Called)
    });
    r.add_staff("queue.call_parked", counter, "Call back a parked ticket", |app, c, req: TicketIdRequest| {
        call_again(app, c, req.ticket_id, TicketStatus::Parked)
    });
    r.add_staff("queue.start", counter, "The applicant arrived: start serving", |app, c, req: TicketIdRequest| start(app, c, req.ticket_id));
    r.add_staff("queue.finish", counter, "Service finished", |app, c, req: TicketIdRequest| finish(app, c, req.ticket_id));
    r.add_staff("queue.no_show", counter, "The applicant did not come after the calls", |app, c, req: TicketIdRequest| no_show(app, c, req.ticket_id));
    r.add_staff("queue.park", counter, "Set the ticket aside (the applicant fetches a document)", |app, c, req: TicketIdRequest| park(app, c, req.ticket_id));
    r.add_staff("queue.transfer", counter, "Send the ticket to another service, keeping its place", transfer);
    r.add_staff("queue.close_day", Access::Roles(MANAGERS), "Close every open ticket: the day is over", |app, c, _: Empty| close_day(app, c));
}

fn counter_state_cmd(app: &App, caller: &Caller, _: Empty) -> Result<CounterState> {
    counter_state(app, caller)
}
