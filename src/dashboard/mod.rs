//! The supervisor's home: today so far, on one screen, fetched again whenever the hub's event
//! stream says something changed. One read transaction, a handful of indexed queries: waiting now
//! per service and the longest wait, served, recordings, what waits to go to central and for how
//! long, the print queue, the blank stock and its days of cover, cards waiting to be collected,
//! Suket about to end, overdue complaints, and the alerts that need the supervisor.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection};
use schemars::JsonSchema;
use serde::Serialize;
use ts_rs::TS;

use crate::api::{Access, Empty, Registry, MANAGERS};
use crate::app::App;
use crate::clock::{from_db, to_db};
use crate::error::Result;

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema, TS)]
pub struct ServiceNow {
    pub prefix: String,
    pub name: String,
    pub waiting: u32,
    /// Minutes the longest-waiting ticket has waited so far.
    pub longest_wait_minutes: Option<f64>,
    pub served: u32,
    pub taken: u32,
}

/// How urgent an alert is: red needs the supervisor today, amber soon.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema, TS)]
#[serde(rename_all = "snake_case")]
pub enum AlertLevel {
    Red,
    Amber,
}

/// What an alert is about (the screen it points to).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema, TS)]
#[serde(rename_all = "snake_case")]
pub enum AlertKind {
    Complaints,
    Stock,
    Sync,
    Wait,
    Uncollected,
    Suket,
    /// The database's recovery key page has never been printed.
    DataKey,
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema, TS)]
pub struct Alert {
    pub level: AlertLevel,
    pub kind: AlertKind,
    /// In Bahasa Indonesia.
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema, TS)]
pub struct Dashboard {
    /// The office-local day, `YYYY-MM-DD`.
    pub day: String,
    pub services: Vec<ServiceNow>,
    pub waiting: u32,
    pub served: u32,
    pub taken: u32,
    /// Tickets taken per office-local hour, 07 to 16 (wider when tickets came earlier or later).
    pub arrivals_hours: Vec<String>,
    pub arrivals: Vec<u32>,
    pub recordings: u32,
    /// Outbox rows not yet delivered to central, and since when the oldest waits.
    pub sync_waiting: u32,
    pub sync_oldest_hours: Option<f64>,
    /// Print-ready records without a printed card.
    pub print_queue: u32,
    pub printed: u32,
    pub blanks_in_stock: i64,
    pub days_of_cover: Option<f64>,
    pub handed_over: u32,
    pub uncollected: u32,
    pub suket_expiring: u32,
    pub complaints_overdue: u32,
    /// What needs the supervisor, most urgent first.
    pub alerts: Vec<Alert>,
}

fn count(c: &Connection, sql: &str, p: impl rusqlite::Params) -> Result<u32> {
    Ok(c.prepare_cached(sql)?.query_row(p, |r| r.get::<_, i64>(0))? as u32)
}

/// Today's figures; `now` decides the office day.
pub fn today(c: &Connection, now: DateTime<Utc>) -> Result<Dashboard> {
    let office = crate::setup::require_office(c)?;
    let day = crate::queue::office_day(&office, now);
    let range = crate::reports::range::Range::day(now.with_timezone(&office.offset()).date_naive(), office.offset());
    let mut services = Vec::new();
    let mut stmt = c.prepare_cached(
        "SELECT v.prefix, v.name,
                COALESCE(SUM(t.status IN ('waiting', 'called', 'parked')), 0),
                MIN(CASE WHEN t.status = 'waiting' THEN t.queued_at END),
                COALESCE(SUM(t.status = 'done'), 0), COUNT(t.id)
         FROM service v LEFT JOIN ticket t ON t.service_id = v.id AND t.day = ?1
         WHERE v.active = 1 GROUP BY v.id ORDER BY v.sort_order, v.prefix",
    )?;
    let rows = stmt.query_map([&day], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, u32>(2)?, r.get::<_, Option<String>>(3)?, r.get::<_, u32>(4)?, r.get::<_, u32>(5)?))
    })?;
    for row in rows {
        let (prefix, name, waiting, oldest, served, taken) = row?;
        let longest = oldest.map(|t| ((now - from_db(&t)).num_seconds().max(0) as f64 / 6.0).round() / 10.0);
        services.push(ServiceNow { prefix, name, waiting, longest_wait_minutes: longest, served, taken });
    }
    let mut hours = [0u32; 24];
    let mut stmt = c.prepare_cached("SELECT issued_at FROM ticket WHERE day = ?1")?;
    for at in stmt.query_map([&day], |r| r.get::<_, String>(0))? {
        hours[range.hour(&at?) as usize] += 1;
    }
    let first = hours.iter().position(|&n| n > 0).unwrap_or(7).min(7);
    let last = hours.iter().rposition(|&n| n > 0).unwrap_or(16).max(16);

    let (sync_waiting, oldest): (u32, Option<String>) =
        c.prepare_cached("SELECT COUNT(*), MIN(created_at) FROM outbox WHERE delivered_at IS NULL")?.query_row([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let sync_oldest_hours = oldest.map(|t| ((now - from_db(&t)).num_minutes().max(0) as f64 / 6.0).round() / 10.0);
    let stock = crate::stock::summary(c, now)?;
    let uncollected_days = crate::settings::get_raw(c, "handover.uncollected_days")?.and_then(|v| v.parse().ok()).unwrap_or(crate::handover::DEFAULT_UNCOLLECTED_DAYS);
    let bound = to_db(now - chrono::Duration::days(i64::from(uncollected_days)));
    let today = range.from.to_string();
    let soon = (range.from + chrono::Duration::days(i64::from(crate::suket::EXPIRING_DAYS))).to_string();
    let d = Dashboard {
        day: day.clone(),
        waiting: services.iter().map(|s| s.waiting).sum(),
        served: services.iter().map(|s| s.served).sum(),
        taken: services.iter().map(|s| s.taken).sum(),
        services,
        arrivals_hours: (first..=last).map(|h| format!("{h:02}")).collect(),
        arrivals: hours[first..=last].to_vec(),
        recordings: count(
            c,
            "SELECT COUNT(*) FROM recording WHERE status NOT IN ('in_progress', 'cancelled') AND finished_at >= ?1 AND finished_at < ?2",
            params![range.start, range.end],
        )?,
        sync_waiting,
        sync_oldest_hours,
        print_queue: count(c, "SELECT COUNT(*) FROM recording WHERE card_printed_at IS NULL AND status = 'print_ready_record'", [])?,
        printed: count(c, "SELECT COUNT(*) FROM print_job WHERE state = 'done' AND finished_at >= ?1 AND finished_at < ?2", params![range.start, range.end])?,
        blanks_in_stock: stock.counts.in_stock,
        days_of_cover: stock.days_of_cover.map(|d| (d * 10.0).round() / 10.0),
        handed_over: count(c, "SELECT COUNT(*) FROM handover WHERE at >= ?1 AND at < ?2", params![range.start, range.end])?,
        uncollected: count(
            c,
            "SELECT COUNT(*) FROM recording WHERE card_printed_at IS NOT NULL AND card_handed_over = 0 AND card_printed_at <= ?1",
            [&bound],
        )?,
        suket_expiring: count(c, "SELECT COUNT(*) FROM suket WHERE state = 'valid' AND valid_until BETWEEN ?1 AND ?2", params![today, soon])?,
        complaints_overdue: crate::complaints::overdue_count(c, &today)?,
        alerts: Vec::new(),
    };
    let mut alerts = Vec::new();
    let mut alert = |level, kind, text: String| alerts.push(Alert { level, kind, text });
    use {AlertKind as K, AlertLevel as L};
    if d.complaints_overdue > 0 {
        alert(L::Red, K::Complaints, format!("{} pengaduan melewati batas waktu penyelesaian.", d.complaints_overdue));
    }
    if let Some(w) = &stock.warning {
        alert(L::Red, K::Stock, w.clone());
    }
    if let Some(h) = d.sync_oldest_hours.filter(|h| *h >= 24.0) {
        alert(L::Red, K::Sync, format!("{} data menunggu dikirim ke pusat; yang terlama sejak {} jam lalu.", d.sync_waiting, h.round() as i64));
    }
    if let Some(s) = d.services.iter().find(|s| s.longest_wait_minutes.is_some_and(|m| m >= 30.0)) {
        let m = s.longest_wait_minutes.unwrap_or(0.0).round() as i64;
        alert(L::Amber, K::Wait, format!("Antrean {} ({}): ada yang sudah menunggu {m} menit.", s.prefix, s.name));
    }
    if d.uncollected > 0 {
        alert(L::Amber, K::Uncollected, format!("{} KTP-el sudah dicetak lebih dari {uncollected_days} hari tetapi belum diambil.", d.uncollected));
    }
    if d.suket_expiring > 0 {
        alert(L::Amber, K::Suket, format!("{} Suket habis masa berlakunya dalam {} hari.", d.suket_expiring, crate::suket::EXPIRING_DAYS));
    }
    let recovery_printed: bool =
        c.query_row("SELECT EXISTS (SELECT 1 FROM audit_log WHERE action = 'recovery_key_printed')", [], |r| r.get(0))?;
    if !recovery_printed {
        alert(
            L::Amber,
            K::DataKey,
            "Kunci pemulihan data belum pernah dicetak. Cetak di Pengaturan > Keamanan data dan simpan di lemari terkunci: \
             tanpa kunci itu, cadangan tidak dapat dibuka di komputer lain."
                .into(),
        );
    }
    Ok(Dashboard { alerts, ..d })
}

pub fn register(r: &mut Registry) {
    r.add_staff("dashboard.today", Access::Roles(MANAGERS), "Today so far for the supervisor's home", |app: &App, _, _: Empty| {
        let now = app.now();
        app.store.read(|c| today(c, now))
    });
}
