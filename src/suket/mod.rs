//! Suket (Surat Keterangan pengganti KTP-el): while there are no blank cards, a recorded applicant
//! gets a numbered A4 letter valid six months, with a QR the hub can check. The register keeps every
//! letter and its state: valid, expired (derived from its date), superseded by the card handed over,
//! or withdrawn with a reason. One letter in force per NIK; a lost letter is reprinted (and counted),
//! never issued twice. Every issue, reprint, withdrawal and supersession goes to central as an
//! `issuance_event`.

mod seal;

use crate::api::{Access, Empty, FileOut, Registry, MANAGERS};
use crate::app::App;
use crate::auth::{Caller, Role};
use crate::clock::{from_db, to_db};
use crate::error::{Error, ErrorCode, Result};
use base64::Engine;
use chrono::{DateTime, Months, NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;
use ts_rs::TS;

/// Who issues letters: the counter and its supervisor.
pub const SUKET_ROLES: &[Role] = &[Role::CounterOfficer, Role::Supervisor];
/// A Suket is valid six months from the day it is issued.
pub const VALID_MONTHS: u32 = 6;
/// The supervisor's home lists letters that end within this many days.
pub const EXPIRING_DAYS: u32 = 14;

const ENABLED_KEY: &str = "suket.enabled";
const LETTERHEAD_KEY: &str = "suket.letterhead";
const SIGNER_TITLE_KEY: &str = "suket.signer_title";
const SIGNER_NAME_KEY: &str = "suket.signer_name";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema, TS)]
#[serde(rename_all = "snake_case")]
pub enum SuketState {
    Valid,
    /// Past its last valid day.
    Expired,
    /// The holder received the card.
    Superseded,
    /// Taken back by the supervisor, with a reason.
    Withdrawn,
}

impl SuketState {
    fn parse(s: &str) -> SuketState {
        match s {
            "expired" => SuketState::Expired,
            "superseded" => SuketState::Superseded,
            "withdrawn" => SuketState::Withdrawn,
            _ => SuketState::Valid,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SuketState::Valid => "berlaku",
            SuketState::Expired => "habis masa berlaku",
            SuketState::Superseded => "tidak berlaku: KTP-el sudah diterima",
            SuketState::Withdrawn => "ditarik",
        }
    }
}

/// The office's policy and the letter's fixed texts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct SuketPolicy {
    /// Whether letters are issued at all (follows the national blank supply).
    pub enabled: bool,
    /// The letterhead lines, one per line ("PEMERINTAH KABUPATEN …", "DINAS KEPENDUDUKAN …").
    pub letterhead: String,
    /// Over the signature: "Kepala Dinas Kependudukan dan Pencatatan Sipil", "Petugas Pelayanan".
    pub signer_title: String,
    /// Under the signature; the issuing officer's name when empty.
    pub signer_name: String,
}

fn policy(conn: &Connection) -> Result<SuketPolicy> {
    let get = |k: &str| crate::settings::get_raw(conn, k);
    let default_head = match crate::setup::load_office(conn)? {
        Some(o) => format!("PEMERINTAH {}\nDINAS KEPENDUDUKAN DAN PENCATATAN SIPIL", o.regency_name),
        None => "DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL".to_string(),
    };
    Ok(SuketPolicy {
        enabled: get(ENABLED_KEY)?.as_deref() == Some("1"),
        letterhead: get(LETTERHEAD_KEY)?.unwrap_or(default_head),
        signer_title: get(SIGNER_TITLE_KEY)?.unwrap_or_else(|| "Petugas Pelayanan".to_string()),
        signer_name: get(SIGNER_NAME_KEY)?.unwrap_or_default(),
    })
}

fn save_policy(app: &App, caller: &Caller, p: SuketPolicy) -> Result<SuketPolicy> {
    let lines: Vec<&str> = p.letterhead.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    if lines.is_empty() || lines.len() > 4 || lines.iter().any(|l| l.chars().count() > 80) {
        return Err(Error::field("letterhead", "Kop surat: 1 sampai 4 baris, paling panjang 80 huruf per baris."));
    }
    let title = p.signer_title.trim();
    if title.is_empty() || title.chars().count() > 80 {
        return Err(Error::field("signer_title", "Jabatan penanda tangan wajib diisi (paling panjang 80 huruf)."));
    }
    let name = p.signer_name.trim();
    if name.chars().count() > 80 {
        return Err(Error::field("signer_name", "Nama penanda tangan paling panjang 80 huruf."));
    }
    let saved = SuketPolicy {
        enabled: p.enabled,
        letterhead: lines.join("\n").to_uppercase(),
        signer_title: title.to_string(),
        signer_name: name.to_string(),
    };
    let (now, actor) = (app.now(), caller.username.clone());
    app.store.write(move |tx| {
        crate::settings::set_raw(tx, ENABLED_KEY, if saved.enabled { "1" } else { "0" })?;
        crate::settings::set_raw(tx, LETTERHEAD_KEY, &saved.letterhead)?;
        crate::settings::set_raw(tx, SIGNER_TITLE_KEY, &saved.signer_title)?;
        crate::settings::set_raw(tx, SIGNER_NAME_KEY, &saved.signer_name)?;
        crate::audit::append(tx, now, Some(&actor), "suket_policy", None, json!({"enabled": saved.enabled}))?;
        policy(tx)
    })
}

/// One letter as the register, the counter and the lists show it.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema, TS)]
pub struct SuketView {
    pub id: String,
    pub number: String,
    pub recording_id: String,
    pub receipt_number: String,
    pub nik: String,
    pub full_name: String,
    /// The number to call (exchange and expiry lists).
    pub mobile: String,
    pub issued_at: String,
    /// The last day it is valid, `YYYY-MM-DD` in the office's zone.
    pub valid_until: String,
    pub state: SuketState,
    pub state_label: String,
    /// Days from today to the last valid day (negative once expired).
    #[ts(type = "number")]
    pub days_left: i64,
    pub ended_at: Option<String>,
    pub ended_reason: Option<String>,
    pub prints: u32,
    pub staff_name: String,
    /// The holder's card is printed and waits at the counter: exchange the letter for it.
    pub card_ready: bool,
}

const VIEW: &str = "SELECT s.id, s.number, s.recording_id, r.receipt_number, s.nik, p.full_name, p.mobile, s.issued_at, s.valid_until,
        s.state, s.ended_at, s.ended_reason, s.prints, st.full_name AS staff_name,
        EXISTS (SELECT 1 FROM print_job j JOIN recording r2 ON r2.id = j.recording_id JOIN application a2 ON a2.id = r2.application_id
                WHERE a2.applicant_id = a.applicant_id AND j.state = 'done'
                  AND NOT EXISTS (SELECT 1 FROM handover h WHERE h.print_job_id = j.id)) AS card_ready
    FROM suket s JOIN recording r ON r.id = s.recording_id JOIN application a ON a.id = r.application_id
    JOIN applicant p ON p.id = a.applicant_id JOIN staff st ON st.id = s.staff_id";

fn view_row(r: &Row, today: NaiveDate) -> rusqlite::Result<SuketView> {
    let until: String = r.get("valid_until")?;
    let days_left = NaiveDate::parse_from_str(&until, "%Y-%m-%d").map(|d| (d - today).num_days()).unwrap_or(0);
    let stored = SuketState::parse(&r.get::<_, String>("state")?);
    let state = if stored == SuketState::Valid && days_left < 0 { SuketState::Expired } else { stored };
    Ok(SuketView {
        id: r.get("id")?,
        number: r.get("number")?,
        recording_id: r.get("recording_id")?,
        receipt_number: r.get::<_, Option<String>>("receipt_number")?.unwrap_or_default(),
        nik: r.get("nik")?,
        full_name: r.get("full_name")?,
        mobile: r.get("mobile")?,
        issued_at: r.get("issued_at")?,
        valid_until: until,
        state,
        state_label: state.label().to_string(),
        days_left,
        ended_at: r.get("ended_at")?,
        ended_reason: r.get("ended_reason")?,
        prints: r.get("prints")?,
        staff_name: r.get("staff_name")?,
        card_ready: r.get("card_ready")?,
    })
}

fn today(conn: &Connection, now: DateTime<Utc>) -> Result<NaiveDate> {
    Ok(now.with_timezone(&crate::setup::require_office(conn)?.offset()).date_naive())
}

fn load(conn: &Connection, id: &str, today: NaiveDate) -> Result<SuketView> {
    conn.prepare_cached(&format!("{VIEW} WHERE s.id = ?1"))?
        .query_row([id], |r| view_row(r, today))
        .optional()?
        .ok_or_else(|| Error { code: ErrorCode::NotFound, ..Error::field("suket_id", "Suket tidak ditemukan.") })
}

/// The holder's letter the counter should know of: the one in force (or past its date but never
/// replaced), else the latest.
pub fn current_for(conn: &Connection, nik: &str, now: DateTime<Utc>) -> Result<Option<SuketView>> {
    let today = today(conn, now)?;
    Ok(conn
        .prepare_cached(&format!("{VIEW} WHERE s.nik = ?1 ORDER BY s.state = 'valid' DESC, s.issued_at DESC LIMIT 1"))?
        .query_row([nik], |r| view_row(r, today))
        .optional()?)
}

fn event(tx: &Connection, now: DateTime<Utc>, kind: &str, s: &SuketView, extra: serde_json::Value) -> Result<()> {
    let mut payload = json!({"event": kind, "at": to_db(now), "nik": s.nik, "recording_id": s.recording_id,
                             "suket_number": s.number, "valid_until": s.valid_until});
    if let (Some(p), Some(e)) = (payload.as_object_mut(), extra.as_object()) {
        p.extend(e.clone());
    }
    crate::sync::enqueue(tx, now, &uuid::Uuid::now_v7().to_string(), "issuance_event", &payload)
}

fn timeline(tx: &Connection, now: DateTime<Utc>, recording_id: &str, staff_id: &str, note: &str) -> Result<()> {
    tx.execute(
        "INSERT INTO application_event (application_id, at, status, staff_id, note)
         SELECT a.id, ?2, a.status, ?3, ?4 FROM recording r JOIN application a ON a.id = r.application_id WHERE r.id = ?1",
        params![recording_id, to_db(now), staff_id, note],
    )?;
    Ok(())
}

#[derive(Debug, Clone, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct SuketIssueRequest {
    pub recording_id: String,
}

/// Why this recording cannot have a letter, from its status.
fn check_recorded(status: &str) -> Result<()> {
    let refuse = |m: &str| Err(Error { code: ErrorCode::Conflict, ..Error::field("recording_id", m) });
    match status {
        "bio_captured" | "sent_for_enrollment" | "print_ready_record" => Ok(()),
        "in_progress" => refuse("Perekaman belum selesai: Suket hanya untuk penduduk yang sudah direkam."),
        "cancelled" => refuse("Perekaman ini dibatalkan: Suket hanya untuk penduduk yang sudah direkam."),
        "duplicate_record" => refuse("Pusat menyatakan data ganda (DUPLICATE_RECORD): selesaikan dulu sebelum menerbitkan Suket."),
        "enroll_failure" => refuse("Pendaftaran di pusat gagal (ENROLL_FAILURE): rekam ulang dulu sebelum menerbitkan Suket."),
        _ => refuse("Status perekaman ini tidak memungkinkan penerbitan Suket."),
    }
}

fn issue(app: &App, caller: &Caller, req: SuketIssueRequest) -> Result<SuketView> {
    let (now, caller) = (app.now(), caller.clone());
    app.store.write(move |tx| {
        if !policy(tx)?.enabled {
            return Err(Error {
                code: ErrorCode::Conflict,
                ..Error::field("enabled", "Penerbitan Suket sedang dimatikan oleh supervisor (kebijakan blangko).")
            });
        }
        let today = today(tx, now)?;
        let (status, nik, number): (String, String, String) = tx
            .query_row(
                "SELECT r.status, p.nik, a.number FROM recording r JOIN application a ON a.id = r.application_id
                 JOIN applicant p ON p.id = a.applicant_id WHERE r.id = ?1",
                [&req.recording_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?
            .ok_or_else(|| Error::field("recording_id", "Data perekaman tidak ditemukan."))?;
        check_recorded(&status)?;
        let card = crate::handover::card_state(tx, &req.recording_id)?;
        if card.status == crate::handover::CardStatus::Ready {
            return Err(Error {
                code: ErrorCode::Conflict,
                ..Error::field("recording_id", "KTP-el sudah dicetak dan menunggu di loket: serahkan kartunya, bukan Suket.")
            });
        }
        let live_card: bool = tx.query_row("SELECT EXISTS (SELECT 1 FROM handover WHERE nik = ?1 AND state = 'live')", [&nik], |r| r.get(0))?;
        if live_card {
            return Err(Error { code: ErrorCode::Conflict, ..Error::field("recording_id", "Penduduk ini sudah menerima KTP-el: Suket tidak diperlukan.") });
        }
        if let Some(old) = current_for(tx, &nik, now)?.filter(|s| s.state == SuketState::Valid || s.state == SuketState::Expired) {
            if old.state == SuketState::Valid {
                return Err(Error {
                    code: ErrorCode::Conflict,
                    ..Error::field(
                        "recording_id",
                        format!("Masih ada Suket yang berlaku: {} sampai {}. Bila hilang, cetak ulang surat itu.", old.number, old.valid_until),
                    )
                });
            }
            // Past its date and never replaced: it ends now, so the new one can be in force.
            tx.execute("UPDATE suket SET state = 'expired', ended_at = ?2 WHERE id = ?1 AND state = 'valid'", params![old.id, to_db(now)])?;
        }
        use chrono::Datelike;
        let year = today.year();
        let seq: i64 = tx.query_row("SELECT COALESCE(MAX(seq), 0) + 1 FROM suket WHERE year = ?1", [year], |r| r.get(0))?;
        let office = crate::setup::require_office(tx)?;
        let letter_number = format!("SKT-{}-{year}-{seq:05}", office.district_code.replace('.', ""));
        let valid_until = today.checked_add_months(Months::new(VALID_MONTHS)).ok_or_else(|| Error::internal("date out of range"))?;
        seal::key_or_create(tx)?;
        let id = uuid::Uuid::now_v7().to_string();
        tx.execute(
            "INSERT INTO suket (id, number, year, seq, recording_id, nik, issued_at, valid_until, staff_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![id, letter_number, year, seq, req.recording_id, nik, to_db(now), valid_until.to_string(), caller.staff_id],
        )?;
        let s = load(tx, &id, today)?;
        timeline(tx, now, &s.recording_id, &caller.staff_id, &format!("Suket {} diterbitkan, berlaku sampai {}", s.number, s.valid_until))?;
        crate::audit::append(tx, now, Some(&caller.username), "suket_issued", Some(&number), json!({"suket": s.number, "valid_until": s.valid_until}))?;
        event(tx, now, "suket_issued", &s, json!({}))?;
        Ok(s)
    })
}

#[derive(Debug, Clone, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct SuketIdRequest {
    pub suket_id: String,
}

/// A lost or damaged letter printed again: the same number, date and QR; the print is counted.
fn reprint(app: &App, caller: &Caller, req: SuketIdRequest) -> Result<SuketView> {
    let (now, caller) = (app.now(), caller.clone());
    app.store.write(move |tx| {
        let today = today(tx, now)?;
        let s = load(tx, &req.suket_id, today)?;
        if s.state != SuketState::Valid {
            return Err(Error { code: ErrorCode::Conflict, ..Error::field("suket_id", format!("Suket {} {}: tidak dapat dicetak ulang.", s.number, s.state_label)) });
        }
        tx.execute("UPDATE suket SET prints = prints + 1 WHERE id = ?1", [&s.id])?;
        let s = load(tx, &s.id, today)?;
        crate::audit::append(tx, now, Some(&caller.username), "suket_reprinted", Some(&s.number), json!({"prints": s.prints}))?;
        event(tx, now, "suket_reprinted", &s, json!({}))?;
        Ok(s)
    })
}

#[derive(Debug, Clone, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct SuketWithdrawRequest {
    pub suket_id: String,
    /// Why: "salah data", "diterbitkan untuk orang yang salah", …
    #[serde(default)]
    pub reason: String,
}

fn withdraw(app: &App, caller: &Caller, req: SuketWithdrawRequest) -> Result<SuketView> {
    let reason = req.reason.trim().to_string();
    if reason.chars().count() < 5 || reason.chars().count() > 200 {
        return Err(Error::field("reason", "Alasan penarikan wajib diisi (5 sampai 200 huruf)."));
    }
    let (now, caller) = (app.now(), caller.clone());
    app.store.write(move |tx| {
        let today = today(tx, now)?;
        let s = load(tx, &req.suket_id, today)?;
        if !matches!(s.state, SuketState::Valid | SuketState::Expired) || s.ended_at.is_some() {
            return Err(Error { code: ErrorCode::Conflict, ..Error::field("suket_id", format!("Suket {} sudah {}.", s.number, s.state_label)) });
        }
        tx.execute(
            "UPDATE suket SET state = 'withdrawn', ended_at = ?2, ended_reason = ?3 WHERE id = ?1",
            params![s.id, to_db(now), reason],
        )?;
        let s = load(tx, &s.id, today)?;
        timeline(tx, now, &s.recording_id, &caller.staff_id, &format!("Suket {} ditarik: {reason}", s.number))?;
        crate::audit::append(tx, now, Some(&caller.username), "suket_withdrawn", Some(&s.number), json!({"reason": reason}))?;
        event(tx, now, "suket_withdrawn", &s, json!({"reason": reason}))?;
        Ok(s)
    })
}

/// The card handed over ends the holder's letter (inside the hand-over's transaction); returns
/// the letter's number when there was one.
pub fn supersede(tx: &Connection, now: DateTime<Utc>, nik: &str, handover_id: &str) -> Result<Option<String>> {
    let Some(s) = current_for(tx, nik, now)?.filter(|s| s.ended_at.is_none()) else { return Ok(None) };
    tx.execute(
        "UPDATE suket SET state = 'superseded', ended_at = ?2, handover_id = ?3 WHERE id = ?1",
        params![s.id, to_db(now), handover_id],
    )?;
    event(tx, now, "suket_superseded", &s, json!({"handover_id": handover_id}))?;
    Ok(Some(s.number))
}

#[derive(Debug, Clone, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct SuketRegisterRequest {
    #[serde(default)]
    #[ts(optional)]
    pub state: Option<SuketState>,
    /// Part of a number, a NIK or part of a name.
    #[serde(default)]
    #[ts(optional)]
    pub query: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema, TS)]
pub struct SuketCounts {
    pub valid: u32,
    pub expired: u32,
    pub superseded: u32,
    pub withdrawn: u32,
    /// Every print, reprints included.
    pub prints: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema, TS)]
pub struct SuketRegister {
    pub counts: SuketCounts,
    pub items: Vec<SuketView>,
}

fn register_list(conn: &Connection, now: DateTime<Utc>, req: &SuketRegisterRequest) -> Result<SuketRegister> {
    let today = today(conn, now)?;
    let t = today.to_string();
    let mut counts = SuketCounts::default();
    (counts.valid, counts.expired, counts.superseded, counts.withdrawn, counts.prints) = conn.query_row(
        "SELECT COALESCE(SUM(state = 'valid' AND valid_until >= ?1), 0), COALESCE(SUM(state = 'expired' OR (state = 'valid' AND valid_until < ?1)), 0),
                COALESCE(SUM(state = 'superseded'), 0), COALESCE(SUM(state = 'withdrawn'), 0), COALESCE(SUM(prints), 0) FROM suket",
        [&t],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
    )?;
    let state = req.state.map(|s| match s {
        SuketState::Valid => "(s.state = 'valid' AND s.valid_until >= ?1)",
        SuketState::Expired => "(s.state = 'expired' OR (s.state = 'valid' AND s.valid_until < ?1))",
        SuketState::Superseded => "s.state = 'superseded'",
        SuketState::Withdrawn => "s.state = 'withdrawn'",
    });
    let q = req.query.as_deref().map(str::trim).unwrap_or("").to_uppercase();
    let sql = format!(
        "{VIEW} WHERE {} AND (?2 = '' OR s.number LIKE '%' || ?2 || '%' OR s.nik = ?2 OR p.full_name LIKE '%' || ?2 || '%')
         ORDER BY s.issued_at DESC, s.id DESC LIMIT ?3",
        state.unwrap_or("?1 = ?1")
    );
    let limit = req.limit.unwrap_or(200).clamp(1, 1000);
    let items = conn.prepare(&sql)?.query_map(params![t, q, limit], |r| view_row(r, today))?.collect::<rusqlite::Result<_>>()?;
    Ok(SuketRegister { counts, items })
}

#[derive(Debug, Clone, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct SuketExpiringRequest {
    /// Letters ending within this many days (14 when left out).
    #[serde(default)]
    #[ts(optional)]
    pub days: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema, TS)]
pub struct SuketList {
    pub items: Vec<SuketView>,
}

/// Letters in force that end within `days`, soonest first.
fn expiring(conn: &Connection, now: DateTime<Utc>, days: u32) -> Result<SuketList> {
    let today = today(conn, now)?;
    let until = today + chrono::Duration::days(i64::from(days.min(366)));
    let items = conn
        .prepare_cached(&format!("{VIEW} WHERE s.state = 'valid' AND s.valid_until BETWEEN ?1 AND ?2 ORDER BY s.valid_until, s.number"))?
        .query_map([today.to_string(), until.to_string()], |r| view_row(r, today))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(SuketList { items })
}

/// Holders of a letter not yet ended whose card is printed and waiting: call them to exchange it,
/// the oldest expiry first.
fn exchange(conn: &Connection, now: DateTime<Utc>) -> Result<SuketList> {
    let today = today(conn, now)?;
    let items: Vec<SuketView> = conn
        .prepare_cached(&format!("{VIEW} WHERE s.state = 'valid' ORDER BY s.valid_until, s.number"))?
        .query_map([], |r| view_row(r, today))?
        .filter(|v| v.as_ref().map_or(true, |v| v.card_ready))
        .collect::<rusqlite::Result<_>>()?;
    Ok(SuketList { items })
}

#[derive(Debug, Clone, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct SuketVerifyRequest {
    /// The QR's content as the scanner typed it.
    pub qr: String,
}

/// What the kiosk and the staff screens show for a scanned letter.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema, TS)]
pub struct SuketCheck {
    /// Sealed by this hub, unaltered, and in the register.
    pub genuine: bool,
    pub state: Option<SuketState>,
    pub number: Option<String>,
    pub full_name: Option<String>,
    /// The kiosk shows `610109******0001`; staff see it whole.
    pub nik: Option<String>,
    pub issued_on: Option<String>,
    pub valid_until: Option<String>,
    /// In Bahasa Indonesia, for the screen.
    pub message: String,
    /// The recorded photo, for staff to compare with the person (never at the kiosk).
    pub photo_base64: Option<String>,
}

fn not_genuine(message: &str) -> SuketCheck {
    SuketCheck {
        genuine: false,
        state: None,
        number: None,
        full_name: None,
        nik: None,
        issued_on: None,
        valid_until: None,
        message: message.to_string(),
        photo_base64: None,
    }
}

fn verify(app: &App, staff: bool, qr: &str) -> Result<SuketCheck> {
    if qr.trim().is_empty() {
        return Err(Error::field("qr", "Pindai kode QR pada Suket."));
    }
    if qr.len() > 500 {
        return Ok(not_genuine("Kode ini bukan kode QR Suket."));
    }
    let now = app.now();
    app.store.read(|c| {
        if !seal::looks_like(qr) {
            return Ok(not_genuine("Kode ini bukan kode QR Suket."));
        }
        let opened = seal::key(c)?.and_then(|k| seal::open(&k, qr));
        let Some(sealed) = opened else {
            return Ok(not_genuine("TIDAK ASLI: kode QR ini tidak diterbitkan oleh kantor ini atau isinya sudah diubah."));
        };
        let today = today(c, now)?;
        let found = c
            .prepare_cached(&format!("{VIEW} WHERE s.number = ?1"))?
            .query_row([&sealed.number], |r| view_row(r, today))
            .optional()?
            .filter(|s| s.nik == sealed.nik && s.valid_until == sealed.valid_until.to_string());
        let Some(s) = found else {
            return Ok(not_genuine("TIDAK ASLI: nomor Suket ini tidak ada dalam register kantor."));
        };
        let office = crate::setup::require_office(c)?;
        let until = crate::setup::date_words(sealed.valid_until);
        let message = match s.state {
            SuketState::Valid => format!("Suket asli dan BERLAKU sampai {until}."),
            SuketState::Expired => format!("Suket asli, tetapi SUDAH HABIS masa berlakunya sejak {until}."),
            SuketState::Superseded => "Suket asli, tetapi TIDAK BERLAKU LAGI: KTP-el sudah diterima pemiliknya.".to_string(),
            SuketState::Withdrawn => "Suket asli, tetapi TELAH DITARIK oleh kantor.".to_string(),
        };
        let photo: Option<Vec<u8>> = if staff { c.query_row("SELECT photo FROM recording WHERE id = ?1", [&s.recording_id], |r| r.get(0))? } else { None };
        let nik = if staff { s.nik.clone() } else { format!("{}******{}", &s.nik[..6], &s.nik[12..]) };
        Ok(SuketCheck {
            genuine: true,
            state: Some(s.state),
            number: Some(s.number),
            full_name: Some(s.full_name),
            nik: Some(nik),
            issued_on: Some(office.long_date_time(from_db(&s.issued_at))),
            valid_until: Some(until),
            message,
            photo_base64: photo.map(|p| base64::engine::general_purpose::STANDARD.encode(p)),
        })
    })
}

/// The letter as a PDF: the same number, date and QR on every print.
pub fn letter_file(app: &App, req: &SuketIdRequest) -> Result<FileOut> {
    let now = app.now();
    let letter = app.store.read(|c| {
        let today = today(c, now)?;
        let s = load(c, &req.suket_id, today)?;
        let p = policy(c)?;
        let office = crate::setup::require_office(c)?;
        let key = seal::key(c)?.ok_or_else(|| Error::internal("a Suket without the hub's seal key"))?;
        let until = NaiveDate::parse_from_str(&s.valid_until, "%Y-%m-%d").map_err(Error::internal)?;
        let issued = from_db(&s.issued_at);
        let face = crate::printing::face_of(c, &s.recording_id, issued)?;
        let recorded: Option<String> = c.query_row("SELECT finished_at FROM recording WHERE id = ?1", [&s.recording_id], |r| r.get(0))?;
        let local_day = |t: DateTime<Utc>| crate::setup::date_words(t.with_timezone(&office.offset()).date_naive());
        Ok(crate::documents::SuketLetter {
            letterhead: p.letterhead.lines().map(str::to_string).collect(),
            office_line: office.name.clone(),
            number: s.number.clone(),
            nik: face.nik,
            name: face.name,
            birth: format!("{}, {}", face.birth_place, face.birth_date),
            sex: face.sex,
            address: face.address,
            rt_rw: format!("{}/{}", face.rt, face.rw),
            village: face.village.to_uppercase(),
            district: face.district.to_uppercase(),
            regency: face.regency,
            religion: face.religion,
            marital_status: face.marital_status,
            occupation: face.occupation,
            citizenship: face.citizenship,
            receipt_number: s.receipt_number.clone(),
            recorded_on: recorded.map(|r| local_day(from_db(&r))).unwrap_or_default(),
            issued_on: local_day(issued),
            valid_until: crate::setup::date_words(until),
            place: office.district_name.clone(),
            signer_title: p.signer_title.clone(),
            signer_name: if p.signer_name.is_empty() { s.staff_name.clone() } else { p.signer_name.clone() },
            qr_payload: seal::seal(&key, &s.number, &s.nik, until),
            print_no: s.prints,
            photo_jpeg: face.photo_jpeg,
        })
    })?;
    let bytes = crate::documents::suket_pdf(&letter)?;
    Ok(FileOut::pdf(bytes, crate::documents::file_name(&format!("suket-{}", letter.number), "a4", "pdf")))
}

pub fn register(r: &mut Registry) {
    let counter = Access::Roles(SUKET_ROLES);
    r.add_staff("suket.policy_get", counter, "Whether Suket letters are issued, and the letter's texts", |app, _, _: Empty| {
        app.store.read(policy)
    });
    r.add_staff("suket.policy_save", Access::Roles(MANAGERS), "Turn Suket issuing on or off; the letterhead and signer", save_policy);
    r.add_staff("suket.issue", counter, "Issue a Suket to a recorded applicant", issue);
    r.add_staff("suket.reprint", counter, "Print a valid Suket again (counted)", reprint);
    r.add_staff("suket.withdraw", Access::Roles(MANAGERS), "Withdraw a Suket, with the reason", withdraw);
    r.add_staff("suket.get", counter, "One Suket from the register", |app, _, req: SuketIdRequest| {
        let now = app.now();
        app.store.read(|c| load(c, &req.suket_id, today(c, now)?))
    });
    r.add_staff("suket.register", counter, "The Suket register with counts by state", |app, _, req: SuketRegisterRequest| {
        let now = app.now();
        app.store.read(|c| register_list(c, now, &req))
    });
    r.add_staff("suket.expiring", counter, "Suket in force that end within N days (14), soonest first", |app, _, req: SuketExpiringRequest| {
        let now = app.now();
        app.store.read(|c| expiring(c, now, req.days.unwrap_or(EXPIRING_DAYS)))
    });
    r.add_staff("suket.exchange", counter, "Suket holders whose card is printed: the exchange list, oldest expiry first", |app, _, _: Empty| {
        let now = app.now();
        app.store.read(|c| exchange(c, now))
    });
    r.add("suket.verify", Access::Public, "Check a scanned Suket QR: genuine, valid, expired, superseded or withdrawn", |app, caller, req: SuketVerifyRequest| {
        verify(app, caller.is_some(), &req.qr)
    });
    r.add_staff_file("suket.letter", counter, "application/pdf", "The Suket letter (A4 PDF)", |app, _, req: SuketIdRequest| letter_file(app, &req));
}
