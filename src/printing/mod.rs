//! Card printing (cetak KTP-el): print jobs for print-ready records, each tied to one numbered
//! blank; the card printer over IPP; the chip written by Dukcapil's own encoder through an
//! adapter (Loket never holds keys); the operator's check.
//!
//! `machine.rs` is the job's life as a pure rule, `jobs.rs` applies it in the store, and this file
//! talks to the printer and the encoder *between* transactions, so a slow printer never holds the
//! writer and a crash at any point leaves the blank held by an interrupted job (`jobs::recover`).

pub mod encoder;
pub mod ipp;
pub mod jobs;
pub mod machine;

use crate::api::{Access, Empty, Registry, MANAGERS};
use crate::auth::{Caller, Role};
use crate::error::{Error, Result};
use jobs::JobView;
use machine::Step;
use rusqlite::{params, Connection, OptionalExtension};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;
use ts_rs::TS;

/// Who prints: the print operator, or a supervisor covering the station.
pub const PRINT_ROLES: &[Role] = &[Role::PrintOperator, Role::Supervisor];

// ---- card printers ------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct CardPrinter {
    /// None when adding a printer.
    #[serde(default)]
    #[ts(optional, type = "number")]
    pub id: Option<i64>,
    pub name: String,
    /// `ipp://printer.local:631/ipp/print`, `ipps://…`, or a CUPS queue `http://127.0.0.1:631/printers/NAME`.
    pub uri: String,
    /// Calibration: shift the print right (+) or left (−), in mm.
    pub offset_x_mm: f64,
    /// Calibration: shift the print down (+) or up (−), in mm.
    pub offset_y_mm: f64,
    pub active: bool,
}

#[derive(Debug, Clone, Serialize, JsonSchema, TS)]
pub struct PrinterList {
    pub items: Vec<CardPrinter>,
}

fn printer_from_row(r: &rusqlite::Row) -> rusqlite::Result<CardPrinter> {
    Ok(CardPrinter {
        id: Some(r.get("id")?),
        name: r.get("name")?,
        uri: r.get("uri")?,
        offset_x_mm: r.get("offset_x_mm")?,
        offset_y_mm: r.get("offset_y_mm")?,
        active: r.get("active")?,
    })
}

pub fn printers(conn: &Connection) -> Result<PrinterList> {
    let items = conn
        .prepare_cached("SELECT id, name, uri, offset_x_mm, offset_y_mm, active FROM card_printer ORDER BY name")?
        .query_map([], printer_from_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(PrinterList { items })
}

pub fn printer(conn: &Connection, id: i64) -> Result<CardPrinter> {
    conn.query_row("SELECT id, name, uri, offset_x_mm, offset_y_mm, active FROM card_printer WHERE id = ?1", [id], printer_from_row)
        .optional()?
        .ok_or_else(|| Error::field("printer_id", "Printer kartu tidak dikenal; atur di Pengaturan Cetak."))
}

fn save_printer(conn: &Connection, at: chrono::DateTime<chrono::Utc>, caller: &Caller, p: &CardPrinter) -> Result<CardPrinter> {
    let name = p.name.trim();
    if name.is_empty() || name.chars().count() > 60 {
        return Err(Error::field("name", "Nama printer wajib diisi (paling panjang 60 huruf)."));
    }
    let uri = p.uri.trim();
    let lower = uri.to_ascii_lowercase();
    if !(lower.starts_with("ipp://") || lower.starts_with("ipps://") || lower.starts_with("http://") || lower.starts_with("https://")) || uri.len() < 10 {
        return Err(Error::field("uri", "Alamat printer harus seperti ipp://192.168.1.20:631/ipp/print atau http://127.0.0.1:631/printers/NAMA."));
    }
    for (field, v) in [("offset_x_mm", p.offset_x_mm), ("offset_y_mm", p.offset_y_mm)] {
        if !v.is_finite() || v.abs() > 5.0 {
            return Err(Error::field(field, "Geser kalibrasi paling jauh 5 mm ke tiap arah."));
        }
    }
    let taken: Option<i64> = conn.query_row("SELECT id FROM card_printer WHERE name = ?1", [name], |r| r.get(0)).optional()?;
    if taken.is_some_and(|t| Some(t) != p.id) {
        return Err(Error::field("name", format!("Nama printer '{name}' sudah dipakai.")));
    }
    let id = match p.id {
        Some(id) => {
            let n = conn.execute(
                "UPDATE card_printer SET name = ?2, uri = ?3, offset_x_mm = ?4, offset_y_mm = ?5, active = ?6 WHERE id = ?1",
                params![id, name, uri, p.offset_x_mm, p.offset_y_mm, p.active],
            )?;
            if n == 0 {
                return Err(Error::field("id", "Printer kartu tidak dikenal."));
            }
            id
        }
        None => {
            conn.execute(
                "INSERT INTO card_printer (name, uri, offset_x_mm, offset_y_mm, active) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![name, uri, p.offset_x_mm, p.offset_y_mm, p.active],
            )?;
            conn.last_insert_rowid()
        }
    };
    crate::audit::append(conn, at, Some(&caller.username), "card_printer_saved", Some(&id.to_string()), json!({
        "name": name, "uri": uri, "offset_x_mm": p.offset_x_mm, "offset_y_mm": p.offset_y_mm, "active": p.active,
    }))?;
    printer(conn, id)
}

// ---- commands -------------------------------------------------------------------------------------

#[derive(Debug, Clone, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct JobIdRequest {
    pub job_id: String,
}

#[derive(Debug, Clone, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct SpoilJobRequest {
    pub job_id: String,
    pub cause: crate::stock::SpoilCause,
    #[serde(default)]
    #[ts(optional)]
    pub note: Option<String>,
    /// The top right corner of the spoiled card was cut.
    pub corner_cut: bool,
}

/// After an interruption, what the operator found in the printer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema, TS)]
#[serde(rename_all = "snake_case")]
pub enum BlankFound {
    /// The blank never went in: it is back in the drawer.
    Unused,
    /// The card came out good: check it.
    Good,
}

#[derive(Debug, Clone, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct ResolveRequest {
    pub job_id: String,
    pub blank: BlankFound,
}

pub fn register(r: &mut Registry) {
    let print = Access::Roles(PRINT_ROLES);
    r.add_staff("printing.queue", print, "Print-ready records waiting for a card, and open print jobs", |app, _, req: jobs::QueueRequest| {
        let now = app.now();
        app.store.read(|c| jobs::queue(c, now, &req))
    });
    r.add_staff("printing.printers", Access::Roles(&[Role::PrintOperator, Role::Supervisor, Role::Administrator]), "The station's card printers", |app, _, _: Empty| {
        app.store.read(printers)
    });
    r.add_staff("printing.printer_save", Access::Roles(MANAGERS), "Add or change a card printer (address, calibration)", |app, caller: &Caller, p: CardPrinter| {
        let (now, caller) = (app.now(), caller.clone());
        app.store.write(move |c| save_printer(c, now, &caller, &p))
    });
    r.add_staff("printing.approve_reprint", Access::Roles(MANAGERS), "A supervisor approves printing a card again", |app, caller: &Caller, req: JobIdRequest| {
        let (now, caller) = (app.now(), caller.clone());
        app.store.write(move |c| jobs::approve(c, now, &caller, &req.job_id))
    });
    r.add_staff("printing.confirm", print, "The printed card matches the screen: done", |app, caller: &Caller, req: JobIdRequest| {
        step(app, caller, req.job_id, Step::Confirmed, None)
    });
    r.add_staff("printing.spoil", print, "The card is spoiled: its blank is recorded with the cause", |app, caller: &Caller, req: SpoilJobRequest| {
        let spoilage = crate::stock::Spoilage { cause: req.cause, note: req.note.clone(), corner_cut: req.corner_cut };
        // The same checks as a loose spoiled blank (corner cut, a note for "other"), before anything changes.
        let note = spoilage.check()?;
        step(app, caller, req.job_id, Step::Spoil(req.cause), note)
    });
    r.add_staff("printing.resolve", print, "After an interruption: the blank was not used, or the card is good", |app, caller: &Caller, req: ResolveRequest| {
        let s = match req.blank {
            BlankFound::Unused => Step::BlankUnused,
            BlankFound::Good => Step::CardGood,
        };
        step(app, caller, req.job_id, s, None)
    });
    r.add_staff("printing.cancel", print, "Cancel a queued print job", |app, caller: &Caller, req: JobIdRequest| {
        step(app, caller, req.job_id, Step::Cancel, None)
    });
}

fn step(app: &crate::App, caller: &Caller, job_id: String, s: Step, message: Option<String>) -> Result<JobView> {
    let (now, caller) = (app.now(), caller.clone());
    let view = app.store.write(move |c| jobs::apply(c, now, &job_id, &s, Some(&caller), message.as_deref()))?;
    app.events.publish(crate::events::Event::PrintChanged);
    Ok(view)
}
