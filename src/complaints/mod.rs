//! The complaints register (pengaduan): a complaint received at the counter, by telephone,
//! WhatsApp, e-mail or the suggestion box gets a tracking number `ADU-<kecamatan>-<YYYYMMDD>-<seq>`
//! and a deadline N working days after the day it came in (the office calendar). Its life:
//!
//! ```text
//! diterima ─► diverifikasi ─► ditindaklanjuti (assigned) ─► selesai (answer) ─► ditutup
//!     └─────► ditolak (reason)
//! ```
//!
//! and, while it is open, escalation supervisor → sekretaris → kepala_bidang → kepala_dinas, each
//! with a note. Every step writes the complaint, a `complaint_event` history row, an audit row and a
//! `complaint_event` outbox row for central in one transaction. The kiosk's public status shows the
//! state and the deadline only.

use crate::api::{Access, Empty, FileOut, Registry, MANAGERS};
use crate::app::App;
use crate::auth::{Caller, Role};
use crate::calendar;
use crate::clock::{from_db, to_db};
use crate::error::{Error, ErrorCode, Result};
use chrono::{DateTime, NaiveDate, Utc};
use loket_contract::wire::{COMPLAINT_CATEGORIES, COMPLAINT_CHANNELS};
use rusqlite::{params, Connection, OptionalExtension, Row};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;
use ts_rs::TS;

/// Who records complaints: the counter and its supervisor.
pub const RECORD_ROLES: &[Role] = &[Role::CounterOfficer, Role::Supervisor];
/// Who sees the register: those who record and the administrator who may close.
pub const VIEW_ROLES: &[Role] = &[Role::CounterOfficer, Role::Supervisor, Role::Administrator];
pub const DEFAULT_DEADLINE_WORKING_DAYS: u32 = 5;
const DEADLINE_KEY: &str = "complaints.deadline_working_days";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema, TS)]
#[serde(rename_all = "snake_case")]
pub enum ComplaintState {
    Diterima,
    Diverifikasi,
    Ditolak,
    Ditindaklanjuti,
    Selesai,
    Ditutup,
}

impl ComplaintState {
    const ALL: [ComplaintState; 6] = [
        ComplaintState::Diterima,
        ComplaintState::Diverifikasi,
        ComplaintState::Ditolak,
        ComplaintState::Ditindaklanjuti,
        ComplaintState::Selesai,
        ComplaintState::Ditutup,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ComplaintState::Diterima => "diterima",
            ComplaintState::Diverifikasi => "diverifikasi",
            ComplaintState::Ditolak => "ditolak",
            ComplaintState::Ditindaklanjuti => "ditindaklanjuti",
            ComplaintState::Selesai => "selesai",
            ComplaintState::Ditutup => "ditutup",
        }
    }

    fn parse(s: &str) -> ComplaintState {
        ComplaintState::ALL.into_iter().find(|c| c.as_str() == s).unwrap_or(ComplaintState::Diterima)
    }

    pub fn label(self) -> &'static str {
        match self {
            ComplaintState::Diterima => "Diterima",
            ComplaintState::Diverifikasi => "Diverifikasi",
            ComplaintState::Ditolak => "Ditolak",
            ComplaintState::Ditindaklanjuti => "Sedang ditindaklanjuti",
            ComplaintState::Selesai => "Selesai dijawab",
            ComplaintState::Ditutup => "Ditutup",
        }
    }

    /// The states this one may move to.
    pub fn next(self) -> &'static [ComplaintState] {
        match self {
            ComplaintState::Diterima => &[ComplaintState::Diverifikasi, ComplaintState::Ditolak],
            ComplaintState::Diverifikasi => &[ComplaintState::Ditindaklanjuti],
            ComplaintState::Ditindaklanjuti => &[ComplaintState::Selesai],
            ComplaintState::Selesai => &[ComplaintState::Ditutup],
            ComplaintState::Ditolak | ComplaintState::Ditutup => &[],
        }
    }

    /// Answered, closed or rejected: no deadline runs and no escalation.
    pub fn finished(self) -> bool {
        matches!(self, ComplaintState::Ditolak | ComplaintState::Selesai | ComplaintState::Ditutup)
    }

    /// The event (history, audit, central) of moving into this state.
    fn event(self) -> &'static str {
        match self {
            ComplaintState::Diterima => "received",
            ComplaintState::Diverifikasi => "verified",
            ComplaintState::Ditolak => "rejected",
            ComplaintState::Ditindaklanjuti => "assigned",
            ComplaintState::Selesai => "answered",
            ComplaintState::Ditutup => "closed",
        }
    }
}

/// Why a move from `from` to `to` is refused (field `state`), naming what is allowed.
pub fn check_transition(from: ComplaintState, to: ComplaintState) -> Result<()> {
    if from.next().contains(&to) {
        return Ok(());
    }
    let allowed: Vec<&str> = from.next().iter().map(|s| s.as_str()).collect();
    let message = if allowed.is_empty() {
        format!("Pengaduan yang {} tidak dapat diubah lagi.", from.label().to_lowercase())
    } else {
        format!("Dari status {} hanya boleh ke: {}.", from.as_str(), allowed.join(" atau "))
    };
    Err(Error { code: ErrorCode::Conflict, ..Error::field("state", message) })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema, TS)]
#[serde(rename_all = "snake_case")]
pub enum ComplaintLevel {
    Supervisor,
    Sekretaris,
    KepalaBidang,
    KepalaDinas,
}

impl ComplaintLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            ComplaintLevel::Supervisor => "supervisor",
            ComplaintLevel::Sekretaris => "sekretaris",
            ComplaintLevel::KepalaBidang => "kepala_bidang",
            ComplaintLevel::KepalaDinas => "kepala_dinas",
        }
    }

    fn parse(s: &str) -> ComplaintLevel {
        match s {
            "sekretaris" => ComplaintLevel::Sekretaris,
            "kepala_bidang" => ComplaintLevel::KepalaBidang,
            "kepala_dinas" => ComplaintLevel::KepalaDinas,
            _ => ComplaintLevel::Supervisor,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ComplaintLevel::Supervisor => "Supervisor",
            ComplaintLevel::Sekretaris => "Sekretaris Dinas",
            ComplaintLevel::KepalaBidang => "Kepala Bidang",
            ComplaintLevel::KepalaDinas => "Kepala Dinas",
        }
    }

    pub fn up(self) -> Option<ComplaintLevel> {
        match self {
            ComplaintLevel::Supervisor => Some(ComplaintLevel::Sekretaris),
            ComplaintLevel::Sekretaris => Some(ComplaintLevel::KepalaBidang),
            ComplaintLevel::KepalaBidang => Some(ComplaintLevel::KepalaDinas),
            ComplaintLevel::KepalaDinas => None,
        }
    }
}

fn channel_label(c: &str) -> &'static str {
    match c {
        "langsung" => "Datang langsung",
        "telepon" => "Telepon",
        "whatsapp" => "WhatsApp",
        "email" => "E-mail",
        _ => "Kotak saran",
    }
}

fn category_label(c: &str) -> &'static str {
    match c {
        "pelayanan_lambat" => "Pelayanan lambat",
        "sikap_petugas" => "Sikap petugas",
        "data_salah" => "Data salah",
        "blangko_habis" => "Blangko habis",
        "biaya_pungli" => "Biaya / pungutan liar",
        "sistem_gangguan" => "Sistem gangguan",
        "persyaratan" => "Persyaratan tidak jelas",
        _ => "Lainnya",
    }
}

/// Working days a complaint may take (the office setting, default 5).
fn deadline_days(conn: &Connection) -> Result<u32> {
    Ok(crate::settings::get_raw(conn, DEADLINE_KEY)?.and_then(|v| v.parse().ok()).unwrap_or(DEFAULT_DEADLINE_WORKING_DAYS))
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct ComplaintSettings {
    /// A complaint should be answered within this many working days of the day it came in (1–60).
    pub deadline_working_days: u32,
}

fn save_settings(app: &App, caller: &Caller, s: ComplaintSettings) -> Result<ComplaintSettings> {
    if !(1..=60).contains(&s.deadline_working_days) {
        return Err(Error::field("deadline_working_days", "Batas waktu penyelesaian: 1 sampai 60 hari kerja."));
    }
    let (now, actor) = (app.now(), caller.username.clone());
    app.store.write(move |tx| {
        crate::settings::set_raw(tx, DEADLINE_KEY, &s.deadline_working_days.to_string())?;
        crate::audit::append(tx, now, Some(&actor), "complaint_settings", None, json!({"deadline_working_days": s.deadline_working_days}))?;
        Ok(ComplaintSettings { deadline_working_days: deadline_days(tx)? })
    })
}

/// One complaint as the register and the detail show it.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema, TS)]
pub struct ComplaintView {
    pub id: String,
    pub number: String,
    /// The office-local day it came in, `YYYY-MM-DD`.
    pub received_on: String,
    pub received_at: String,
    pub channel: String,
    pub channel_label: String,
    pub category: String,
    pub category_label: String,
    pub text: String,
    pub ticket_number: Option<String>,
    pub nik: Option<String>,
    pub application_number: Option<String>,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    pub state: ComplaintState,
    pub state_label: String,
    pub level: ComplaintLevel,
    pub level_label: String,
    /// The last office-local day to answer it, `YYYY-MM-DD`.
    pub deadline: String,
    /// Not answered, closed or rejected, and today is past the deadline.
    pub overdue: bool,
    /// Working days from today to the deadline (negative once overdue).
    #[ts(type = "number")]
    pub working_days_left: i64,
    pub assignee_id: Option<String>,
    pub assignee_name: Option<String>,
    pub reject_reason: Option<String>,
    pub answer: Option<String>,
    pub staff_name: String,
    pub updated_at: String,
    /// The states it may move to next.
    pub allowed: Vec<ComplaintState>,
    /// Open and below the highest level.
    pub can_escalate: bool,
}

const VIEW: &str = "SELECT c.*, st.full_name AS staff_name, a.full_name AS assignee_name
    FROM complaint c JOIN staff st ON st.id = c.staff_id LEFT JOIN staff a ON a.id = c.assignee_id";

/// The condition of an overdue complaint; `?1` is today.
const OVERDUE: &str = "(c.state NOT IN ('selesai', 'ditutup', 'ditolak') AND c.deadline < ?1)";

/// Complaints past their deadline on the office-local day `today` (`YYYY-MM-DD`).
pub fn overdue_count(conn: &Connection, today: &str) -> Result<u32> {
    Ok(conn.prepare_cached(&format!("SELECT COUNT(*) FROM complaint c WHERE {OVERDUE}"))?.query_row([today], |r| r.get(0))?)
}

struct Today {
    day: NaiveDate,
    holidays: std::collections::BTreeSet<NaiveDate>,
}

fn today(conn: &Connection, now: DateTime<Utc>) -> Result<Today> {
    Ok(Today { day: calendar::today(conn, now)?, holidays: calendar::holidays(conn)? })
}

fn view_row(r: &Row, t: &Today) -> rusqlite::Result<ComplaintView> {
    let state = ComplaintState::parse(&r.get::<_, String>("state")?);
    let level = ComplaintLevel::parse(&r.get::<_, String>("level")?);
    let deadline: String = r.get("deadline")?;
    let due = NaiveDate::parse_from_str(&deadline, "%Y-%m-%d").unwrap_or(t.day);
    let channel: String = r.get("channel")?;
    let category: String = r.get("category")?;
    Ok(ComplaintView {
        id: r.get("id")?,
        number: r.get("number")?,
        received_on: r.get("day")?,
        received_at: r.get("received_at")?,
        channel_label: channel_label(&channel).to_string(),
        channel,
        category_label: category_label(&category).to_string(),
        category,
        text: r.get("text")?,
        ticket_number: r.get("ticket_number")?,
        nik: r.get("nik")?,
        application_number: r.get("application_number")?,
        contact_name: r.get("contact_name")?,
        contact_phone: r.get("contact_phone")?,
        state,
        state_label: state.label().to_string(),
        level,
        level_label: level.label().to_string(),
        overdue: !state.finished() && t.day > due,
        working_days_left: calendar::working_days_between(t.day, due, &t.holidays),
        deadline,
        assignee_id: r.get("assignee_id")?,
        assignee_name: r.get("assignee_name")?,
        reject_reason: r.get("reject_reason")?,
        answer: r.get("answer")?,
        staff_name: r.get("staff_name")?,
        updated_at: r.get("updated_at")?,
        allowed: state.next().to_vec(),
        can_escalate: !state.finished() && level.up().is_some(),
    })
}

fn not_found(field: &str) -> Error {
    Error { code: ErrorCode::NotFound, ..Error::field(field, "Pengaduan tidak ditemukan.") }
}

fn load(conn: &Connection, id: &str, t: &Today) -> Result<ComplaintView> {
    conn.prepare_cached(&format!("{VIEW} WHERE c.id = ?1"))?.query_row([id], |r| view_row(r, t)).optional()?.ok_or_else(|| not_found("complaint_id"))
}

/// One step: the history row, the audit row and central's event, in the caller's transaction.
fn record_step(tx: &Connection, now: DateTime<Utc>, caller: &Caller, event: &str, c: &ComplaintView, note: Option<&str>) -> Result<()> {
    tx.execute(
        "INSERT INTO complaint_event (complaint_id, at, event, state, level, note, staff_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![c.id, to_db(now), event, c.state.as_str(), c.level.as_str(), note, caller.staff_id],
    )?;
    crate::audit::append(tx, now, Some(&caller.username), &format!("complaint_{event}"), Some(&c.number), json!({"state": c.state.as_str(), "level": c.level.as_str(), "note": note}))?;
    // Only what central counts: no complaint text, no contact, no answer.
    let central_note = if matches!(event, "rejected" | "escalated") { note } else { None };
    let payload = json!({"event": event, "at": to_db(now), "number": c.number, "state": c.state.as_str(), "channel": c.channel,
                         "category": c.category, "received_on": c.received_on, "deadline": c.deadline, "level": c.level.as_str(),
                         "note": central_note});
    crate::sync::enqueue(tx, now, &uuid::Uuid::now_v7().to_string(), "complaint_event", &payload)
}

#[derive(Debug, Clone, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct ComplaintCreateRequest {
    /// `langsung`, `telepon`, `whatsapp`, `email`, `kotak_saran`.
    #[serde(default)]
    pub channel: String,
    /// `pelayanan_lambat`, `sikap_petugas`, `data_salah`, `blangko_habis`, `biaya_pungli`,
    /// `sistem_gangguan`, `persyaratan`, `lainnya`.
    #[serde(default)]
    pub category: String,
    /// What the complainant says (10–2000 letters).
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    #[ts(optional)]
    pub ticket_number: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub nik: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub application_number: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub contact_name: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub contact_phone: Option<String>,
}

/// An optional text: blank is none; longer than `max` is refused naming the field.
fn optional(v: &Option<String>, field: &str, max: usize, what: &str) -> Result<Option<String>> {
    match v.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) if s.chars().count() > max => Err(Error::field(field, format!("{what} paling panjang {max} huruf."))),
        Some(s) => Ok(Some(s.to_string())),
    }
}

/// A text that must be there, `min`–`max` letters after trimming.
fn required(v: &str, field: &str, min: usize, max: usize, what: &str) -> Result<String> {
    let s = v.trim();
    let n = s.chars().count();
    if n < min || n > max {
        return Err(Error::field(field, format!("{what} wajib diisi ({min} sampai {max} huruf).")));
    }
    Ok(s.to_string())
}

struct NewComplaint {
    channel: String,
    category: String,
    text: String,
    ticket_number: Option<String>,
    nik: Option<String>,
    application_number: Option<String>,
    contact_name: Option<String>,
    contact_phone: Option<String>,
}

fn checked(req: &ComplaintCreateRequest, today: NaiveDate) -> Result<NewComplaint> {
    let channel = req.channel.trim();
    if !COMPLAINT_CHANNELS.contains(&channel) {
        return Err(Error::field("channel", "Pilih saluran pengaduan: langsung, telepon, WhatsApp, e-mail atau kotak saran."));
    }
    let category = req.category.trim();
    if !COMPLAINT_CATEGORIES.contains(&category) {
        return Err(Error::field("category", "Pilih kategori pengaduan."));
    }
    let text = required(&req.text, "text", 10, 2000, "Isi pengaduan")?;
    let nik = optional(&req.nik, "nik", 16, "NIK")?;
    if let Some(n) = &nik {
        crate::intake::nik::parse(n, today)?;
    }
    let contact_phone = optional(&req.contact_phone, "contact_phone", 20, "Nomor telepon")?;
    if let Some(p) = &contact_phone {
        let digits = p.chars().filter(char::is_ascii_digit).count();
        if digits < 8 || !p.chars().all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | ' ')) {
            return Err(Error::field("contact_phone", "Nomor telepon: 8 sampai 20 angka (boleh diawali +62)."));
        }
    }
    Ok(NewComplaint {
        channel: channel.to_string(),
        category: category.to_string(),
        text,
        ticket_number: optional(&req.ticket_number, "ticket_number", 20, "Nomor antrean")?.map(|s| s.to_uppercase()),
        nik,
        application_number: optional(&req.application_number, "application_number", 40, "Nomor permohonan")?.map(|s| s.to_uppercase()),
        contact_name: optional(&req.contact_name, "contact_name", 100, "Nama pelapor")?,
        contact_phone,
    })
}

fn create(app: &App, caller: &Caller, req: ComplaintCreateRequest) -> Result<ComplaintView> {
    let now = app.now();
    let local_today = app.store.read(|c| calendar::today(c, now))?;
    let new = checked(&req, local_today)?;
    let caller = caller.clone();
    app.store.write(move |tx| {
        let t = today(tx, now)?;
        let day = t.day.to_string();
        let seq: i64 = tx.query_row("SELECT COALESCE(MAX(seq), 0) + 1 FROM complaint WHERE day = ?1", [&day], |r| r.get(0))?;
        let office = crate::setup::require_office(tx)?;
        let number = format!("ADU-{}-{}-{seq:04}", office.district_code.replace('.', ""), t.day.format("%Y%m%d"));
        let deadline = calendar::add_working_days(t.day, deadline_days(tx)?, &t.holidays);
        let id = uuid::Uuid::now_v7().to_string();
        tx.execute(
            "INSERT INTO complaint (id, number, day, seq, channel, category, text, ticket_number, nik, application_number, contact_name,
                                    contact_phone, deadline, received_at, staff_id, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?14)",
            params![id, number, day, seq, new.channel, new.category, new.text, new.ticket_number, new.nik, new.application_number,
                    new.contact_name, new.contact_phone, deadline.to_string(), to_db(now), caller.staff_id],
        )?;
        let c = load(tx, &id, &t)?;
        record_step(tx, now, &caller, "received", &c, None)?;
        Ok(c)
    })
}

#[derive(Debug, Clone, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct ComplaintIdRequest {
    pub complaint_id: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema, TS)]
pub struct ComplaintHistoryItem {
    pub at: String,
    pub event: String,
    /// In Bahasa Indonesia: "Diverifikasi", "Dieskalasi ke Sekretaris Dinas", …
    pub label: String,
    pub state: ComplaintState,
    pub level: ComplaintLevel,
    pub note: Option<String>,
    pub staff_name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema, TS)]
pub struct ComplaintDetail {
    pub complaint: ComplaintView,
    /// Oldest first.
    pub history: Vec<ComplaintHistoryItem>,
}

fn event_label(event: &str, level: ComplaintLevel) -> String {
    match event {
        "received" => "Pengaduan diterima".to_string(),
        "verified" => "Diverifikasi".to_string(),
        "rejected" => "Ditolak".to_string(),
        "assigned" => "Ditindaklanjuti".to_string(),
        "answered" => "Jawaban dicatat".to_string(),
        "closed" => "Ditutup".to_string(),
        _ => format!("Dieskalasi ke {}", level.label()),
    }
}

fn detail(conn: &Connection, id: &str, now: DateTime<Utc>) -> Result<ComplaintDetail> {
    let complaint = load(conn, id, &today(conn, now)?)?;
    let history = conn
        .prepare_cached(
            "SELECT e.at, e.event, e.state, e.level, e.note, s.full_name FROM complaint_event e JOIN staff s ON s.id = e.staff_id
             WHERE e.complaint_id = ?1 ORDER BY e.id",
        )?
        .query_map([id], |r| {
            let event: String = r.get(1)?;
            let level = ComplaintLevel::parse(&r.get::<_, String>(3)?);
            Ok(ComplaintHistoryItem {
                at: r.get(0)?,
                label: event_label(&event, level),
                event,
                state: ComplaintState::parse(&r.get::<_, String>(2)?),
                level,
                note: r.get(4)?,
                staff_name: r.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(ComplaintDetail { complaint, history })
}

#[derive(Debug, Clone, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct ComplaintTransitionRequest {
    pub complaint_id: String,
    /// The state to move to.
    pub state: ComplaintState,
    /// For `ditolak`: why ("bukan wewenang Dukcapil", …).
    #[serde(default)]
    #[ts(optional)]
    pub reason: Option<String>,
    /// For `ditindaklanjuti`: the staff member who follows it up.
    #[serde(default)]
    #[ts(optional)]
    pub assignee_id: Option<String>,
    /// For `selesai`: the answer given to the complainant.
    #[serde(default)]
    #[ts(optional)]
    pub answer: Option<String>,
}

fn is_manager(caller: &Caller) -> bool {
    MANAGERS.iter().any(|r| caller.has(*r))
}

fn transition(app: &App, caller: &Caller, req: ComplaintTransitionRequest) -> Result<ComplaintDetail> {
    let (now, caller) = (app.now(), caller.clone());
    app.store.write(move |tx| {
        let t = today(tx, now)?;
        let c = load(tx, &req.complaint_id, &t)?;
        check_transition(c.state, req.state)?;
        let may = is_manager(&caller) || (req.state == ComplaintState::Selesai && c.assignee_id.as_deref() == Some(caller.staff_id.as_str()));
        if !may {
            let message = if req.state == ComplaintState::Selesai {
                "Jawaban hanya dapat dicatat oleh petugas yang ditugaskan, supervisor atau administrator."
            } else {
                "Hanya supervisor atau administrator yang dapat mengubah status pengaduan."
            };
            return Err(Error { code: ErrorCode::Forbidden, ..Error::field("state", message) });
        }
        let note = match req.state {
            ComplaintState::Ditolak => {
                let reason = required(req.reason.as_deref().unwrap_or(""), "reason", 5, 500, "Alasan penolakan")?;
                tx.execute("UPDATE complaint SET reject_reason = ?2 WHERE id = ?1", params![c.id, reason])?;
                Some(reason)
            }
            ComplaintState::Ditindaklanjuti => {
                let assignee = req.assignee_id.as_deref().map(str::trim).unwrap_or("");
                let name: Option<String> = tx
                    .query_row(&format!("SELECT s.full_name FROM staff s WHERE s.id = ?1 AND {MAY_FOLLOW_UP}"), [assignee], |r| r.get(0))
                    .optional()?;
                let Some(name) = name else {
                    return Err(Error::field("assignee_id", "Pilih petugas yang menindaklanjuti pengaduan ini."));
                };
                tx.execute("UPDATE complaint SET assignee_id = ?2 WHERE id = ?1", params![c.id, assignee])?;
                Some(format!("Ditugaskan kepada {name}"))
            }
            ComplaintState::Selesai => {
                let answer = required(req.answer.as_deref().unwrap_or(""), "answer", 10, 2000, "Jawaban atau tindak lanjut")?;
                tx.execute("UPDATE complaint SET answer = ?2 WHERE id = ?1", params![c.id, answer])?;
                Some(answer)
            }
            _ => None,
        };
        tx.execute("UPDATE complaint SET state = ?2, updated_at = ?3 WHERE id = ?1", params![c.id, req.state.as_str(), to_db(now)])?;
        let c = load(tx, &c.id, &t)?;
        record_step(tx, now, &caller, req.state.event(), &c, note.as_deref())?;
        detail(tx, &c.id, now)
    })
}

#[derive(Debug, Clone, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct ComplaintEscalateRequest {
    pub complaint_id: String,
    /// Why it goes up a level.
    #[serde(default)]
    pub note: String,
}

fn escalate(app: &App, caller: &Caller, req: ComplaintEscalateRequest) -> Result<ComplaintDetail> {
    let note = required(&req.note, "note", 5, 500, "Catatan eskalasi")?;
    let (now, caller) = (app.now(), caller.clone());
    app.store.write(move |tx| {
        let t = today(tx, now)?;
        let c = load(tx, &req.complaint_id, &t)?;
        if c.state.finished() {
            return Err(Error {
                code: ErrorCode::Conflict,
                ..Error::field("state", format!("Pengaduan yang {} tidak dapat dieskalasi.", c.state.label().to_lowercase()))
            });
        }
        let Some(up) = c.level.up() else {
            return Err(Error { code: ErrorCode::Conflict, ..Error::field("level", "Pengaduan ini sudah di tingkat Kepala Dinas.") });
        };
        tx.execute("UPDATE complaint SET level = ?2, updated_at = ?3 WHERE id = ?1", params![c.id, up.as_str(), to_db(now)])?;
        let c = load(tx, &c.id, &t)?;
        record_step(tx, now, &caller, "escalated", &c, Some(&note))?;
        detail(tx, &c.id, now)
    })
}

#[derive(Debug, Clone, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct ComplaintListRequest {
    #[serde(default)]
    #[ts(optional)]
    pub state: Option<ComplaintState>,
    /// Only the overdue ones.
    #[serde(default)]
    #[ts(optional)]
    pub overdue: Option<bool>,
    /// Part of a number, a NIK, a name or the text.
    #[serde(default)]
    #[ts(optional)]
    pub query: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema, TS)]
pub struct ComplaintCounts {
    /// Not answered, closed nor rejected.
    pub open: u32,
    pub overdue: u32,
    pub total: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema, TS)]
pub struct ComplaintList {
    pub counts: ComplaintCounts,
    pub items: Vec<ComplaintView>,
}

fn list(conn: &Connection, now: DateTime<Utc>, req: &ComplaintListRequest) -> Result<ComplaintList> {
    let t = today(conn, now)?;
    let day = t.day.to_string();
    let (open, overdue, total) = conn.query_row(
        &format!("SELECT COALESCE(SUM(c.state NOT IN ('selesai', 'ditutup', 'ditolak')), 0), COALESCE(SUM({OVERDUE}), 0), COUNT(*) FROM complaint c"),
        [&day],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    let q = req.query.as_deref().map(str::trim).unwrap_or("").to_string();
    let sql = format!(
        "{VIEW} WHERE (?2 = '' OR c.state = ?2) AND (?3 = 0 OR {OVERDUE})
           AND (?4 = '' OR c.number LIKE '%' || ?4 || '%' OR c.nik = ?4 OR c.contact_name LIKE '%' || ?4 || '%'
                OR c.text LIKE '%' || ?4 || '%' OR c.ticket_number = ?4 OR c.application_number = ?4)
         ORDER BY c.received_at DESC, c.id DESC LIMIT ?5"
    );
    let state = req.state.map(|s| s.as_str()).unwrap_or("");
    let limit = req.limit.unwrap_or(200).clamp(1, 1000);
    let items = conn
        .prepare(&sql)?
        .query_map(params![day, state, req.overdue.unwrap_or(false), q, limit], |r| view_row(r, &t))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(ComplaintList { counts: ComplaintCounts { open, overdue, total }, items })
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema, TS)]
pub struct Assignee {
    pub staff_id: String,
    pub full_name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema, TS)]
pub struct AssigneeList {
    pub items: Vec<Assignee>,
}

/// Who a complaint may be assigned to: an active account that can open the register (a counter
/// officer, a supervisor or an administrator), so the one assigned can find it and answer it.
const MAY_FOLLOW_UP: &str = "s.active = 1 AND EXISTS (SELECT 1 FROM staff_role r WHERE r.staff_id = s.id
                                                   AND r.role IN ('counter_officer', 'supervisor', 'administrator'))";

fn assignees(conn: &Connection) -> Result<AssigneeList> {
    let items = conn
        .prepare_cached(&format!("SELECT s.id, s.full_name FROM staff s WHERE {MAY_FOLLOW_UP} ORDER BY s.full_name, s.id"))?
        .query_map([], |r| Ok(Assignee { staff_id: r.get(0)?, full_name: r.get(1)? }))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(AssigneeList { items })
}

#[derive(Debug, Clone, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct ComplaintPublicStatusRequest {
    /// The tracking number on the slip: `ADU-610109-20261123-0001`.
    #[serde(default)]
    pub number: String,
}

/// What the kiosk shows: no text, no names, no NIK.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema, TS)]
pub struct ComplaintPublicStatus {
    pub number: String,
    pub state: ComplaintState,
    pub state_label: String,
    pub received_on: String,
    pub deadline: String,
    pub overdue: bool,
    /// In Bahasa Indonesia, for the screen.
    pub message: String,
}

/// Looks like a tracking number: `ADU-` and then digits and dashes.
pub fn looks_like_number(s: &str) -> bool {
    let s = s.trim().to_uppercase();
    s.len() <= 40 && s.strip_prefix("ADU-").is_some_and(|r| !r.is_empty() && r.chars().all(|c| c.is_ascii_digit() || c == '-'))
}

fn public_status(app: &App, req: ComplaintPublicStatusRequest) -> Result<ComplaintPublicStatus> {
    if !looks_like_number(&req.number) {
        return Err(Error::field("number", "Masukkan nomor pengaduan seperti pada tanda terima (ADU-…)."));
    }
    let number = req.number.trim().to_uppercase();
    let now = app.now();
    app.store.read(|conn| {
        let t = today(conn, now)?;
        let c = conn
            .prepare_cached(&format!("{VIEW} WHERE c.number = ?1"))?
            .query_row([&number], |r| view_row(r, &t))
            .optional()?
            .ok_or_else(|| not_found("number"))?;
        let due = crate::setup::require_office(conn)?.long_date(NaiveDate::parse_from_str(&c.deadline, "%Y-%m-%d").unwrap_or(t.day));
        let message = match c.state {
            ComplaintState::Diterima => format!("Pengaduan Anda sudah kami terima dan akan diperiksa. Target selesai {due}."),
            ComplaintState::Diverifikasi => format!("Pengaduan Anda sudah diperiksa dan akan ditindaklanjuti. Target selesai {due}."),
            ComplaintState::Ditindaklanjuti => format!("Pengaduan Anda sedang ditindaklanjuti petugas. Target selesai {due}."),
            ComplaintState::Ditolak => "Pengaduan tidak dapat diproses. Silakan tanyakan alasannya di loket.".to_string(),
            ComplaintState::Selesai | ComplaintState::Ditutup => "Pengaduan Anda sudah selesai ditanggapi. Jawaban dapat ditanyakan di loket.".to_string(),
        };
        Ok(ComplaintPublicStatus {
            number: c.number,
            state_label: c.state_label,
            state: c.state,
            received_on: c.received_on,
            deadline: c.deadline,
            overdue: c.overdue,
            message,
        })
    })
}

#[derive(Debug, Clone, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct ComplaintSlipRequest {
    pub complaint_id: String,
    /// `a5` (default), `80` or `58`.
    #[serde(default)]
    #[ts(optional)]
    pub paper: Option<String>,
}

/// The tracking slip (tanda terima pengaduan) as a PDF: A5 or a roll.
pub fn slip_file(app: &App, req: &ComplaintSlipRequest) -> Result<FileOut> {
    use crate::documents::{complaint_pdf_a5, complaint_thermal, file_name, ComplaintSlip, Paper};
    let paper = Paper::parse(req.paper.as_deref())?;
    let now = app.now();
    let slip = app.store.read(|c| {
        let v = load(c, &req.complaint_id, &today(c, now)?)?;
        let office = crate::setup::require_office(c)?;
        let due = NaiveDate::parse_from_str(&v.deadline, "%Y-%m-%d").map_err(Error::internal)?;
        let summary: String = v.text.chars().take(160).collect();
        let summary = if v.text.chars().count() > 160 { format!("{summary}…") } else { summary };
        Ok(ComplaintSlip {
            office_name: office.name.clone(),
            number: v.number.clone(),
            received_at: office.long_date_time(from_db(&v.received_at)),
            channel: v.channel_label,
            category: v.category_label,
            summary,
            complainant: v.contact_name.unwrap_or_else(|| "-".to_string()),
            deadline: office.long_date(due),
            staff_name: v.staff_name,
            qr_payload: v.number,
            notes: vec![
                "Cek status di kios dengan nomor ini (atau pindai kode QR).".to_string(),
                "Simpan tanda terima ini sampai pengaduan selesai ditanggapi.".to_string(),
                "Pengaduan tidak dipungut biaya.".to_string(),
            ],
        })
    })?;
    let bytes = match paper {
        Paper::A5 => complaint_pdf_a5(&slip)?,
        Paper::Roll(width) => complaint_thermal(&slip, width).pdf(width, &format!("Tanda terima pengaduan {}", slip.number))?,
    };
    Ok(FileOut::pdf(bytes, file_name(&format!("tanda-terima-pengaduan-{}", slip.number), paper.as_str(), "pdf")))
}

pub fn register(r: &mut Registry) {
    let view = Access::Roles(VIEW_ROLES);
    r.add_staff("complaints.create", Access::Roles(RECORD_ROLES), "Record a complaint (pengaduan): its tracking number and deadline", create);
    r.add_staff("complaints.get", view, "One complaint with its history", |app, _, req: ComplaintIdRequest| {
        let now = app.now();
        app.store.read(|c| detail(c, &req.complaint_id, now))
    });
    r.add_staff("complaints.list", view, "The complaints register, by state, overdue or a search", |app, _, req: ComplaintListRequest| {
        let now = app.now();
        app.store.read(|c| list(c, now, &req))
    });
    // Any staff member: the one assigned records the answer; the rest is checked per step.
    r.add_staff("complaints.transition", Access::AnyStaff, "Move a complaint on: verify, reject, assign, answer, close", transition);
    r.add_staff("complaints.escalate", Access::Roles(MANAGERS), "Escalate a complaint one level up, with a note", escalate);
    r.add_staff("complaints.assignees", Access::Roles(MANAGERS), "Staff a complaint can be assigned to", |app, _, _: Empty| app.store.read(assignees));
    r.add_staff("complaints.settings_get", view, "How many working days a complaint may take", |app, _, _: Empty| {
        app.store.read(|c| Ok(ComplaintSettings { deadline_working_days: deadline_days(c)? }))
    });
    r.add_staff("complaints.settings_save", Access::Roles(MANAGERS), "Change the working days a complaint may take", save_settings);
    r.add("complaints.public_status", Access::Public, "The kiosk's check of a complaint by its number: state and deadline only", |app, _, req: ComplaintPublicStatusRequest| {
        public_status(app, req)
    });
    r.add_staff_file("complaints.slip", view, "application/pdf", "The complaint's tracking slip (A5 or 80/58 mm PDF)", |app, _, req: ComplaintSlipRequest| {
        slip_file(app, &req)
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_drawn_transitions_are_allowed() {
        use ComplaintState::*;
        let allowed = [(Diterima, Diverifikasi), (Diterima, Ditolak), (Diverifikasi, Ditindaklanjuti), (Ditindaklanjuti, Selesai), (Selesai, Ditutup)];
        for from in ComplaintState::ALL {
            for to in ComplaintState::ALL {
                let r = check_transition(from, to);
                assert_eq!(r.is_ok(), allowed.contains(&(from, to)), "{from:?} → {to:?}");
                if let Err(e) = r {
                    assert_eq!(e.field.as_deref(), Some("state"));
                }
            }
        }
        let e = check_transition(Diterima, Selesai).unwrap_err();
        assert!(e.message.contains("diverifikasi atau ditolak"), "{}", e.message);
        assert!(check_transition(Ditutup, Diterima).unwrap_err().message.contains("tidak dapat diubah lagi"));
    }

    #[test]
    fn escalation_goes_up_to_the_head_of_the_service_and_stops() {
        let mut l = ComplaintLevel::Supervisor;
        let mut seen = vec![l.as_str()];
        while let Some(up) = l.up() {
            l = up;
            seen.push(l.as_str());
        }
        assert_eq!(seen, loket_contract::wire::COMPLAINT_LEVELS);
        for s in ComplaintState::ALL {
            assert_eq!(loket_contract::wire::complaint_event_state(s.event()), Some(s.as_str()));
        }
    }

    #[test]
    fn tracking_numbers_are_recognised() {
        assert!(looks_like_number("ADU-610109-20261123-0001"));
        assert!(looks_like_number(" adu-610109-20261123-0001 "));
        assert!(!looks_like_number("PMH-20261123-0001"));
        assert!(!looks_like_number("ADU-"));
        assert!(!looks_like_number("ADU-61'; DROP"));
    }
}
