//! What a supervisor sets: services (layanan), counters (loket) and the queue policy.

use super::MANAGERS;
use crate::api::{Access, Empty, Registry};
use crate::error::{Error, ErrorCode, Result};
use crate::settings::{get_raw, set_raw};
use rusqlite::{params, Connection, OptionalExtension};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema, TS)]
#[serde(rename_all = "snake_case")]
pub enum ServiceKind {
    Recording,
    Replacement,
    Pickup,
    Letter,
    Other,
}

impl ServiceKind {
    fn as_str(self) -> &'static str {
        match self {
            ServiceKind::Recording => "recording",
            ServiceKind::Replacement => "replacement",
            ServiceKind::Pickup => "pickup",
            ServiceKind::Letter => "letter",
            ServiceKind::Other => "other",
        }
    }
    fn parse(s: &str) -> ServiceKind {
        match s {
            "recording" => ServiceKind::Recording,
            "replacement" => ServiceKind::Replacement,
            "pickup" => ServiceKind::Pickup,
            "letter" => ServiceKind::Letter,
            _ => ServiceKind::Other,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema, TS)]
pub struct ServiceView {
    #[ts(type = "number")]
    pub id: i64,
    pub prefix: String,
    pub name: String,
    pub kind: ServiceKind,
    pub daily_quota: u32,
    /// Mutu baku: the service time standard, in minutes.
    pub time_standard_minutes: u32,
    /// ISO weekdays the service runs, e.g. "12345" for Senin–Jumat.
    pub active_days: String,
    pub active: bool,
}

pub(super) fn services(conn: &Connection, only_active: bool) -> Result<Vec<ServiceView>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, prefix, name, kind, daily_quota, time_standard_minutes, active_days, active FROM service
         WHERE active = 1 OR ?1 = 0 ORDER BY sort_order, prefix",
    )?;
    let rows = stmt.query_map([only_active], service_from_row)?.collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

pub(super) fn service(conn: &Connection, id: i64) -> Result<ServiceView> {
    conn.prepare_cached(
        "SELECT id, prefix, name, kind, daily_quota, time_standard_minutes, active_days, active FROM service WHERE id = ?1",
    )?
    .query_row([id], service_from_row)
    .optional()?
    .ok_or_else(|| Error { field: Some("service_id".into()), ..Error::not_found("Layanan") })
}

fn service_from_row(r: &rusqlite::Row) -> rusqlite::Result<ServiceView> {
    Ok(ServiceView {
        id: r.get("id")?,
        prefix: r.get("prefix")?,
        name: r.get("name")?,
        kind: ServiceKind::parse(&r.get::<_, String>("kind")?),
        daily_quota: r.get("daily_quota")?,
        time_standard_minutes: r.get("time_standard_minutes")?,
        active_days: r.get("active_days")?,
        active: r.get("active")?,
    })
}

#[derive(Debug, Clone, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct ServiceSaveRequest {
    /// Absent to create a new service.
    #[serde(default)]
    #[ts(optional, type = "number | null")]
    pub id: Option<i64>,
    pub prefix: String,
    pub name: String,
    pub kind: ServiceKind,
    pub daily_quota: u32,
    pub time_standard_minutes: u32,
    pub active_days: String,
    pub active: bool,
}

#[derive(Debug, Clone, Serialize, JsonSchema, TS)]
pub struct ServiceList {
    pub items: Vec<ServiceView>,
}

fn save_service(conn: &Connection, req: &ServiceSaveRequest) -> Result<ServiceView> {
    let prefix = req.prefix.trim().to_uppercase();
    if prefix.len() != 1 || !prefix.chars().all(|c| c.is_ascii_uppercase()) {
        return Err(Error::field("prefix", "Huruf layanan harus satu huruf A–Z."));
    }
    let name = req.name.trim();
    if name.is_empty() || name.chars().count() > 80 {
        return Err(Error::field("name", "Nama layanan wajib diisi (maksimal 80 karakter)."));
    }
    if !(1..=999).contains(&req.daily_quota) {
        return Err(Error::field("daily_quota", "Kuota harian harus 1 sampai 999."));
    }
    if !(1..=480).contains(&req.time_standard_minutes) {
        return Err(Error::field("time_standard_minutes", "Standar waktu layanan harus 1 sampai 480 menit."));
    }
    let mut days: Vec<char> = req.active_days.chars().filter(|c| !c.is_whitespace()).collect();
    days.sort();
    days.dedup();
    if days.is_empty() || days.iter().any(|c| !('1'..='7').contains(c)) {
        return Err(Error::field("active_days", "Hari layanan diisi angka 1 (Senin) sampai 7 (Minggu), misalnya 12345."));
    }
    let days: String = days.into_iter().collect();
    let clash: Option<i64> = conn
        .query_row("SELECT id FROM service WHERE prefix = ?1 AND id IS NOT ?2", params![prefix, req.id], |r| r.get(0))
        .optional()?;
    if clash.is_some() {
        return Err(Error { code: ErrorCode::Conflict, ..Error::field("prefix", format!("Huruf {prefix} sudah dipakai layanan lain.")) });
    }
    let id = match req.id {
        Some(id) => {
            service(conn, id)?;
            conn.execute(
                "UPDATE service SET prefix = ?1, name = ?2, kind = ?3, daily_quota = ?4, time_standard_minutes = ?5,
                 active_days = ?6, active = ?7 WHERE id = ?8",
                params![prefix, name, req.kind.as_str(), req.daily_quota, req.time_standard_minutes, days, req.active, id],
            )?;
            id
        }
        None => {
            conn.execute(
                "INSERT INTO service (prefix, name, kind, daily_quota, time_standard_minutes, active_days, active, sort_order)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, (SELECT COALESCE(MAX(sort_order), 0) + 1 FROM service))",
                params![prefix, name, req.kind.as_str(), req.daily_quota, req.time_standard_minutes, days, req.active],
            )?;
            conn.last_insert_rowid()
        }
    };
    service(conn, id)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema, TS)]
pub struct CounterView {
    #[ts(type = "number")]
    pub id: i64,
    pub number: u32,
    pub name: String,
    pub active: bool,
    #[ts(type = "Array<number>")]
    pub service_ids: Vec<i64>,
    /// The letters of those services, e.g. ["A", "B"].
    pub service_prefixes: Vec<String>,
    /// The officer signed in here now (full name and staff id).
    pub officer: Option<String>,
    pub officer_id: Option<String>,
}

#[derive(Debug, Clone, Serialize, JsonSchema, TS)]
pub struct CounterList {
    pub items: Vec<CounterView>,
}

pub(super) fn counters(conn: &Connection) -> Result<Vec<CounterView>> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.id, c.number, c.name, c.active, st.full_name AS officer, st.id AS officer_id FROM counter c
         LEFT JOIN counter_staff cs ON cs.counter_id = c.id LEFT JOIN staff st ON st.id = cs.staff_id ORDER BY c.number",
    )?;
    let mut list: Vec<CounterView> = stmt
        .query_map([], |r| {
            Ok(CounterView {
                id: r.get("id")?,
                number: r.get("number")?,
                name: r.get("name")?,
                active: r.get("active")?,
                service_ids: vec![],
                service_prefixes: vec![],
                officer: r.get("officer")?,
                officer_id: r.get("officer_id")?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut svc = conn.prepare_cached(
        "SELECT s.id, s.prefix FROM counter_service cs JOIN service s ON s.id = cs.service_id WHERE cs.counter_id = ?1 ORDER BY s.prefix",
    )?;
    for c in &mut list {
        let rows: Vec<(i64, String)> = svc.query_map([c.id], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
        (c.service_ids, c.service_prefixes) = rows.into_iter().unzip();
    }
    Ok(list)
}

#[derive(Debug, Clone, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct CounterSaveRequest {
    #[serde(default)]
    #[ts(optional, type = "number | null")]
    pub id: Option<i64>,
    pub number: u32,
    pub name: String,
    pub active: bool,
    #[ts(type = "Array<number>")]
    pub service_ids: Vec<i64>,
}

fn save_counter(conn: &Connection, req: &CounterSaveRequest) -> Result<CounterView> {
    if !(1..=99).contains(&req.number) {
        return Err(Error::field("number", "Nomor loket harus 1 sampai 99."));
    }
    let name = req.name.trim();
    if name.is_empty() || name.chars().count() > 40 {
        return Err(Error::field("name", "Nama loket wajib diisi (maksimal 40 karakter)."));
    }
    if req.service_ids.is_empty() {
        return Err(Error::field("service_ids", "Pilih paling sedikit satu layanan untuk loket ini."));
    }
    for id in &req.service_ids {
        service(conn, *id).map_err(|_| Error::field("service_ids", format!("Layanan {id} tidak ada.")))?;
    }
    let clash: Option<i64> =
        conn.query_row("SELECT id FROM counter WHERE number = ?1 AND id IS NOT ?2", params![req.number, req.id], |r| r.get(0)).optional()?;
    if clash.is_some() {
        return Err(Error { code: ErrorCode::Conflict, ..Error::field("number", format!("Loket {} sudah ada.", req.number)) });
    }
    let id = match req.id {
        Some(id) => {
            let n = conn.execute("UPDATE counter SET number = ?1, name = ?2, active = ?3 WHERE id = ?4", params![req.number, name, req.active, id])?;
            if n == 0 {
                return Err(Error { field: Some("id".into()), ..Error::not_found("Loket") });
            }
            id
        }
        None => {
            conn.execute("INSERT INTO counter (number, name, active) VALUES (?1, ?2, ?3)", params![req.number, name, req.active])?;
            conn.last_insert_rowid()
        }
    };
    conn.execute("DELETE FROM counter_service WHERE counter_id = ?1", [id])?;
    for s in &req.service_ids {
        conn.execute("INSERT INTO counter_service (counter_id, service_id) VALUES (?1, ?2)", params![id, s])?;
    }
    if !req.active {
        conn.execute("DELETE FROM counter_staff WHERE counter_id = ?1", [id])?;
    }
    counters(conn)?.into_iter().find(|c| c.id == id).ok_or_else(|| Error::not_found("Loket"))
}

/// How the queue behaves; one JSON setting row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct QueuePolicy {
    /// One priority ticket after every this many normal tickets (1–10).
    pub priority_every: u32,
    /// A priority ticket never waits longer than this behind later normal tickets (1–120 minutes).
    pub priority_max_wait_minutes: u32,
    /// "Tidak hadir" is allowed after this many calls (1–10).
    pub no_show_after_calls: u32,
    /// An appointment checked in later than this after its slot joins the normal line (0–120 minutes).
    pub appointment_grace_minutes: u32,
    /// The running text at the bottom of the display board.
    pub running_text: String,
    /// Where kiosk tickets print: `tcp://HOST:9100`, a device such as `/dev/usb/lp0`, `file:///path`; empty for none.
    pub ticket_printer: String,
    /// Roll width of the ticket printer: 58 or 80 (mm).
    pub ticket_paper_mm: u32,
}

impl Default for QueuePolicy {
    fn default() -> Self {
        QueuePolicy {
            priority_every: 2,
            priority_max_wait_minutes: 15,
            no_show_after_calls: 3,
            appointment_grace_minutes: 15,
            running_text: "Selamat datang. Siapkan fotokopi KK dan dokumen pendukung sebelum dipanggil. Layanan KTP-el tidak dipungut biaya.".into(),
            ticket_printer: String::new(),
            ticket_paper_mm: 80,
        }
    }
}

impl QueuePolicy {
    pub fn load(conn: &Connection) -> Result<QueuePolicy> {
        Ok(get_raw(conn, "queue.policy")?.and_then(|v| serde_json::from_str(&v).ok()).unwrap_or_default())
    }

    pub fn validate(&self) -> Result<()> {
        let range = |v: u32, lo: u32, hi: u32, field: &str, what: &str| {
            if (lo..=hi).contains(&v) { Ok(()) } else { Err(Error::field(field, format!("{what} harus {lo} sampai {hi}."))) }
        };
        range(self.priority_every, 1, 10, "priority_every", "Jumlah antrian biasa di antara dua antrian prioritas")?;
        range(self.priority_max_wait_minutes, 1, 120, "priority_max_wait_minutes", "Batas tunggu antrian prioritas (menit)")?;
        range(self.no_show_after_calls, 1, 10, "no_show_after_calls", "Jumlah panggilan sebelum tidak hadir")?;
        range(self.appointment_grace_minutes, 0, 120, "appointment_grace_minutes", "Toleransi keterlambatan janji temu (menit)")?;
        if self.running_text.chars().count() > 500 {
            return Err(Error::field("running_text", "Teks berjalan maksimal 500 karakter."));
        }
        if ![58, 80].contains(&self.ticket_paper_mm) {
            return Err(Error::field("ticket_paper_mm", "Lebar kertas tiket 58 atau 80 mm."));
        }
        if !self.ticket_printer.trim().is_empty() {
            crate::thermal::PrinterTarget::parse(self.ticket_printer.trim())
                .map_err(|e| Error::field("ticket_printer", e.message))?;
        }
        Ok(())
    }

    pub fn priority(&self) -> super::ordering::Policy {
        super::ordering::Policy {
            priority_every: self.priority_every,
            priority_max_wait: chrono::Duration::minutes(self.priority_max_wait_minutes as i64),
        }
    }
}

pub fn register(r: &mut Registry) {
    let managers = Access::Roles(MANAGERS);
    r.add_staff("queue.service_list", managers, "All services, active or not", |app, _, _: Empty| {
        Ok(ServiceList { items: app.store.read(|c| services(c, false))? })
    });
    r.add_staff("queue.service_save", managers, "Create or change a service", |app, caller, req: ServiceSaveRequest| {
        let (now, actor) = (app.now(), caller.username.clone());
        let saved = app.store.write(move |tx| {
            let saved = save_service(tx, &req)?;
            crate::audit::append(tx, now, Some(&actor), "service_saved", Some(&saved.prefix), json!(saved))?;
            Ok(saved)
        })?;
        app.events.publish(crate::events::Event::QueueChanged);
        Ok(saved)
    });
    r.add_staff("queue.counter_list", Access::AnyStaff, "Counters, their services and who is signed in", |app, _, _: Empty| {
        Ok(CounterList { items: app.store.read(counters)? })
    });
    r.add_staff("queue.counter_save", managers, "Create or change a counter", |app, caller, req: CounterSaveRequest| {
        let (now, actor) = (app.now(), caller.username.clone());
        let saved = app.store.write(move |tx| {
            let saved = save_counter(tx, &req)?;
            crate::audit::append(tx, now, Some(&actor), "counter_saved", Some(&saved.name), json!(saved))?;
            Ok(saved)
        })?;
        app.events.publish(crate::events::Event::QueueChanged);
        Ok(saved)
    });
    r.add_staff("queue.policy_get", managers, "The queue policy", |app, _, _: Empty| app.store.read(QueuePolicy::load));
    r.add_staff("queue.policy_update", managers, "Change the queue policy", |app, caller, new: QueuePolicy| {
        new.validate()?;
        let (now, actor) = (app.now(), caller.username.clone());
        app.store.write(move |tx| {
            let old = QueuePolicy::load(tx)?;
            set_raw(tx, "queue.policy", &serde_json::to_string(&new).map_err(Error::internal)?)?;
            crate::audit::append(tx, now, Some(&actor), "queue_policy_changed", None, json!({"before": old, "after": new}))?;
            Ok(new)
        })
    });
}
