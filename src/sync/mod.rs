//! Sending the office's records to the central server and taking its answers back (issue 5).
//!
//! - `outbox`: every change central must learn about, written in the same transaction as the change.
//! - `wire`: the batch format both sides compile (office and `loket-central`).
//! - `central`: the HTTP client; `uploader`: the one background sender with backoff;
//!   `pull`: central's statuses and appointments applied here; `state`: enrollment and the
//!   status in every screen's header. Quarantine (records central refused) is below.

pub mod central;
pub mod backlog;
mod outbox;
pub mod pull;
pub mod state;
pub mod uploader;
/// The batch format, compiled by both sides from the shared crate.
pub use loket_contract::wire;

pub use outbox::enqueue;
pub use state::SyncStatus;
pub use uploader::{cycle, spawn, CycleReport, SyncHandle, Timing};

use crate::api::{Access, Empty, Registry, MANAGERS};
use crate::auth::Caller;
use crate::clock::to_db;
use crate::error::{Error, ErrorCode, Result};
use crate::App;
use rusqlite::params;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use ts_rs::TS;

#[derive(Debug, Clone, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct EnrollRequest {
    /// The central server's address, `https://sync.dukcapil.example.go.id`.
    pub central_url: String,
    /// The one-time token `loket-central device add` printed.
    pub token: String,
}

/// Enrolls this hub at central with a one-time token (settings screen or `loket sync enroll`).
pub fn enroll(app: &App, actor: &str, req: EnrollRequest) -> Result<SyncStatus> {
    let url = req.central_url.trim().trim_end_matches('/').to_string();
    if !(url.starts_with("http://") || url.starts_with("https://")) || url.len() < 12 {
        return Err(Error::field("central_url", "Alamat server pusat diawali http:// atau https://, misalnya https://sinkron.dukcapil.go.id."));
    }
    if req.token.trim().is_empty() {
        return Err(Error::field("token", "Token pendaftaran wajib diisi."));
    }
    let office = app.store.read(crate::setup::require_office)?;
    let name = format!("Loket {}", office.name);
    let enrollment = crate::runtime::block_on(central::enroll(&url, &req.token, &name, app.sync.timing.timeout)).map_err(|f| match f {
        central::Failure::Unauthorized(_) => Error::field("token", "Token tidak dikenal, sudah dipakai, atau kedaluwarsa. Minta token baru ke server pusat."),
        central::Failure::Unreachable(m) => Error { code: ErrorCode::CentralUnavailable, ..Error::field("central_url", format!("Server pusat tidak terjangkau ({m}). Periksa alamat dan sambungan internet.")) },
        other => Error::field("token", other.message()),
    })?;
    if enrollment.office != office.district_code {
        return Err(Error::field(
            "token",
            format!("Token ini untuk kantor {}, sedangkan kantor ini {}. Minta token untuk kantor ini.", enrollment.office, office.district_code),
        ));
    }
    let (now, actor) = (app.now(), actor.to_string());
    app.store.write(move |tx| {
        state::save_enrollment(tx, &url, &enrollment, now)?;
        crate::audit::append(tx, now, Some(&actor), "sync_enrolled", Some(&enrollment.device_id), json!({"central_url": url}))?;
        Ok(())
    })?;
    app.sync.now();
    status(app)
}

pub fn status(app: &App) -> Result<SyncStatus> {
    let now = app.now();
    app.store.read(|c| state::status(c, &app.sync.live, now))
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema, TS)]
pub struct QuarantinedRecord {
    pub seq: i64,
    /// `applicant`, `application`, `recording`, `blank_event`, `issuance_event`, `complaint_event`,
    /// `daily_summary`.
    pub kind: String,
    /// What a person recognises: name and NIK, or the application number.
    pub label: String,
    /// `invalid`, `conflict`, `unsendable`.
    pub outcome: String,
    pub reason: Option<String>,
    pub created_at: String,
}

#[derive(Debug, Clone, Serialize, JsonSchema, TS)]
pub struct QuarantineList {
    pub items: Vec<QuarantinedRecord>,
}

fn label(kind: &str, payload: &Value) -> String {
    let s = |v: &Value| v.as_str().unwrap_or_default().to_string();
    match kind {
        "applicant" | "recording" => {
            let b = &payload["biodata"];
            let who = format!("{} · NIK {}", s(&b["full_name"]), s(&b["nik"]));
            if kind == "recording" { format!("Perekaman {} · {who}", s(&payload["receipt_number"])) } else { format!("Biodata {who}") }
        }
        "application" => format!("Permohonan {} · NIK {}", s(&payload["number"]), s(&payload["nik"])),
        "blank_event" => format!("Blangko {} · {}", s(&payload["serial"]), s(&payload["event"])),
        "issuance_event" => {
            let nik = s(&payload["nik"]);
            let suket = s(&payload["suket_number"]);
            match s(&payload["event"]).as_str() {
                "card_handed_over" => format!("KTP-el diserahkan · NIK {nik}"),
                "suket_issued" => format!("Suket {suket} · terbit · NIK {nik}"),
                "suket_reprinted" => format!("Suket {suket} · dicetak ulang · NIK {nik}"),
                "suket_withdrawn" => format!("Suket {suket} · ditarik · NIK {nik}"),
                "suket_superseded" => format!("Suket {suket} · digantikan KTP-el · NIK {nik}"),
                other => format!("Penyerahan {other} · NIK {nik}"),
            }
        }
        "complaint_event" => format!("Pengaduan {} · {} · {}", s(&payload["number"]), s(&payload["event"]), s(&payload["state"])),
        "daily_summary" => format!("Ringkasan laporan harian {}", s(&payload["day"])),
        other => other.to_string(),
    }
}

fn quarantine_list(app: &App) -> Result<QuarantineList> {
    app.store.read(|c| {
        let items = c
            .prepare(
                "SELECT seq, kind, payload, outcome, reason, created_at FROM outbox
                 WHERE outcome IN ('invalid', 'conflict', 'unsendable') AND resolved_at IS NULL ORDER BY seq",
            )?
            .query_map([], |r| {
                let kind: String = r.get("kind")?;
                let payload: Value = serde_json::from_str(&r.get::<_, String>("payload")?).unwrap_or(Value::Null);
                Ok(QuarantinedRecord {
                    seq: r.get("seq")?,
                    label: label(&kind, &payload),
                    kind,
                    outcome: r.get("outcome")?,
                    reason: r.get("reason")?,
                    created_at: r.get("created_at")?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(QuarantineList { items })
    })
}

#[derive(Debug, Clone, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct QuarantineRequest {
    pub seq: i64,
}

/// Sends a quarantined record again as a new change built from the record as it is now (after
/// a supervisor fixed the biodata, say), and takes the old one off the list.
fn quarantine_resend(app: &App, caller: &Caller, req: QuarantineRequest) -> Result<QuarantineList> {
    let (now, caller) = (app.now(), caller.clone());
    app.store.write(move |tx| {
        let row = quarantined(tx, req.seq)?;
        let mut payload: Value = serde_json::from_str(&row.payload).map_err(Error::internal)?;
        if let Some(nik) = payload["biodata"]["nik"].as_str().map(str::to_string) {
            if let Some(applicant) = crate::intake::load_applicant(tx, &nik)? {
                payload["biodata"] = serde_json::to_value(applicant.biodata).map_err(Error::internal)?;
            }
        }
        enqueue(tx, now, &row.record_id, &row.kind, &payload)?;
        resolve(tx, now, &caller, row.seq, "sync_quarantine_resent")
    })?;
    app.sync.nudge();
    quarantine_list(app)
}

/// Takes a quarantined record off the list without sending it again (a conflict a person checked).
fn quarantine_dismiss(app: &App, caller: &Caller, req: QuarantineRequest) -> Result<QuarantineList> {
    let (now, caller) = (app.now(), caller.clone());
    app.store.write(move |tx| {
        let row = quarantined(tx, req.seq)?;
        resolve(tx, now, &caller, row.seq, "sync_quarantine_dismissed")
    })?;
    quarantine_list(app)
}

fn quarantined(conn: &rusqlite::Connection, seq: i64) -> Result<outbox::OutboxRow> {
    let open: bool = conn
        .query_row(
            "SELECT COUNT(*) FROM outbox WHERE seq = ?1 AND outcome IN ('invalid', 'conflict', 'unsendable') AND resolved_at IS NULL",
            [seq],
            |r| r.get::<_, i64>(0),
        )?
        > 0;
    if !open {
        return Err(Error::not_found("catatan karantina"));
    }
    outbox::by_seq(conn, seq)?.ok_or_else(|| Error::not_found("catatan karantina"))
}

fn resolve(conn: &rusqlite::Connection, now: chrono::DateTime<chrono::Utc>, caller: &Caller, seq: i64, action: &str) -> Result<()> {
    conn.execute("UPDATE outbox SET resolved_at = ?2, resolved_by = ?3 WHERE seq = ?1", params![seq, to_db(now), caller.staff_id])?;
    crate::audit::append(conn, now, Some(&caller.username), action, Some(&seq.to_string()), json!({}))?;
    Ok(())
}

pub fn register(r: &mut Registry) {
    r.add_staff("sync.status", Access::AnyStaff, "Sync state for the header: online, waiting, oldest, last success", |app, _, _: Empty| status(app))
        .background();
    r.add_staff("sync.enroll", Access::Roles(MANAGERS), "Enroll this hub at the central server with a one-time token", |app, caller, req: EnrollRequest| {
        enroll(app, &caller.username, req)
    });
    r.add_staff("sync.now", Access::Roles(MANAGERS), "Sync now, without waiting out a backoff", |app, _, _: Empty| {
        app.sync.now();
        status(app)
    });
    r.add_staff("sync.settings", Access::Roles(MANAGERS), "When to warn that nothing has synced", |app, caller, req: state::SyncSettings| {
        let (now, actor) = (app.now(), caller.username.clone());
        app.store.write(move |tx| {
            state::save_settings(tx, &req)?;
            crate::audit::append(tx, now, Some(&actor), "sync_settings_changed", None, json!({"warn_after_days": req.warn_after_days}))
        })?;
        status(app)
    });
    r.add_staff("sync.quarantine_list", Access::Roles(MANAGERS), "Records central refused, for a supervisor", |app, _, _: Empty| quarantine_list(app));
    r.add_staff("sync.quarantine_resend", Access::Roles(MANAGERS), "Send a refused record again as it is now", quarantine_resend);
    r.add_staff("sync.quarantine_dismiss", Access::Roles(MANAGERS), "Take a refused record off the list", quarantine_dismiss);
}
