//! What the waiting room sees: the display board (current call per counter, last calls, waiting per
//! service, running text) and the kiosk's buttons. Public: ticket numbers only, no names.

use super::config::{counters, services, QueuePolicy};
use super::office_day;
use crate::api::{Access, Empty, Registry};
use crate::app::App;
use crate::error::Result;
use crate::regions::TimeZone;
use crate::setup::require_office;
use chrono::Datelike;
use rusqlite::params;
use schemars::JsonSchema;
use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, Serialize, JsonSchema, TS)]
pub struct BoardCall {
    pub number: String,
    pub service_name: String,
    pub counter_number: u32,
    pub counter_name: String,
    pub at: String,
}

#[derive(Debug, Clone, Serialize, JsonSchema, TS)]
pub struct BoardCounter {
    pub number: u32,
    pub name: String,
    pub open: bool,
    /// The ticket called or being served here now.
    pub current: Option<String>,
}

#[derive(Debug, Clone, Serialize, JsonSchema, TS)]
pub struct BoardService {
    pub prefix: String,
    pub name: String,
    pub waiting: u32,
}

#[derive(Debug, Clone, Serialize, JsonSchema, TS)]
pub struct Board {
    pub office_name: String,
    pub time_zone: TimeZone,
    pub utc_offset_minutes: i32,
    pub day: String,
    pub counters: Vec<BoardCounter>,
    /// Newest first.
    pub recent_calls: Vec<BoardCall>,
    pub services: Vec<BoardService>,
    pub running_text: String,
}

fn board(app: &App) -> Result<Board> {
    let now = app.now();
    app.store.read(|c| {
        let office = require_office(c)?;
        let day = office_day(&office, now);
        let mut current = c.prepare_cached(
            "SELECT number FROM ticket WHERE counter_id = ?1 AND day = ?2 AND status IN ('called', 'serving') ORDER BY last_called_at DESC LIMIT 1",
        )?;
        let mut board_counters = Vec::new();
        for k in counters(c)?.into_iter().filter(|k| k.active) {
            let cur: Option<String> = current.query_map(params![k.id, day], |r| r.get(0))?.next().transpose()?;
            board_counters.push(BoardCounter { number: k.number, name: k.name, open: k.officer.is_some(), current: cur });
        }
        let recent_calls = c
            .prepare_cached(
                // Each ticket once, at its latest call.
                "SELECT t.number, s.name, k.number, k.name, e.at FROM ticket_event e
                 JOIN ticket t ON t.id = e.ticket_id JOIN service s ON s.id = t.service_id JOIN counter k ON k.id = e.counter_id
                 WHERE e.id IN (SELECT MAX(e2.id) FROM ticket_event e2 JOIN ticket t2 ON t2.id = e2.ticket_id
                                WHERE e2.kind IN ('called', 'recalled') AND t2.day = ?1 GROUP BY e2.ticket_id)
                 ORDER BY e.id DESC LIMIT 8",
            )?
            .query_map([&day], |r| Ok(BoardCall { number: r.get(0)?, service_name: r.get(1)?, counter_number: r.get(2)?, counter_name: r.get(3)?, at: r.get(4)? }))?
            .collect::<rusqlite::Result<_>>()?;
        let mut waiting = c.prepare_cached("SELECT COUNT(*) FROM ticket WHERE day = ?1 AND service_id = ?2 AND status = 'waiting'")?;
        let mut board_services = Vec::new();
        for s in services(c, true)? {
            let n: u32 = waiting.query_row(params![day, s.id], |r| r.get(0))?;
            board_services.push(BoardService { prefix: s.prefix, name: s.name, waiting: n });
        }
        Ok(Board {
            office_name: office.name.clone(),
            time_zone: office.time_zone,
            utc_offset_minutes: office.utc_offset_minutes,
            day,
            counters: board_counters,
            recent_calls,
            services: board_services,
            running_text: QueuePolicy::load(c)?.running_text,
        })
    })
}

#[derive(Debug, Clone, Serialize, JsonSchema, TS)]
pub struct KioskService {
    pub prefix: String,
    pub name: String,
    pub open_today: bool,
    pub remaining_quota: u32,
    pub waiting: u32,
}

#[derive(Debug, Clone, Serialize, JsonSchema, TS)]
pub struct Kiosk {
    pub office_name: String,
    pub time_zone: TimeZone,
    pub utc_offset_minutes: i32,
    pub day: String,
    pub services: Vec<KioskService>,
    /// A ticket printer is set up: the kiosk prints instead of showing the ticket only.
    pub printer_configured: bool,
}

fn kiosk(app: &App) -> Result<Kiosk> {
    let now = app.now();
    app.store.read(|c| {
        let office = require_office(c)?;
        let day = office_day(&office, now);
        let weekday = char::from_digit(now.with_timezone(&office.offset()).weekday().number_from_monday(), 10).unwrap_or('0');
        let mut issued = c.prepare_cached("SELECT COALESCE((SELECT last_seq FROM ticket_sequence WHERE service_id = ?1 AND day = ?2), 0)")?;
        let mut waiting = c.prepare_cached("SELECT COUNT(*) FROM ticket WHERE day = ?1 AND service_id = ?2 AND status = 'waiting'")?;
        let mut list = Vec::new();
        for s in services(c, true)? {
            let used: u32 = issued.query_row(params![s.id, day], |r| r.get(0))?;
            list.push(KioskService {
                open_today: s.active_days.contains(weekday),
                remaining_quota: s.daily_quota.saturating_sub(used),
                waiting: waiting.query_row(params![day, s.id], |r| r.get(0))?,
                prefix: s.prefix,
                name: s.name,
            });
        }
        Ok(Kiosk {
            office_name: office.name.clone(),
            time_zone: office.time_zone,
            utc_offset_minutes: office.utc_offset_minutes,
            day,
            services: list,
            printer_configured: !QueuePolicy::load(c)?.ticket_printer.trim().is_empty(),
        })
    })
}

pub fn register(r: &mut Registry) {
    r.add("queue.board", Access::Public, "The waiting-room display", |app, _, _: Empty| board(app));
    r.add("queue.kiosk", Access::Public, "The kiosk's services and remaining quota", |app, _, _: Empty| kiosk(app));
}
