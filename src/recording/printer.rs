//! The recording desk's receipt printer: a 58/80 mm roll printer reached over the network
//! (port 9100), a device file or a spool file, sent ESC/POS as the queue's ticket printer is.

use super::RECORDING_ROLES;
use crate::api::{Access, Empty, Registry, MANAGERS};
use crate::error::{Error, Result};
use crate::thermal::{self, PaperWidth, PrinterTarget};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::time::Duration;
use ts_rs::TS;

const PRINT_TIMEOUT: Duration = Duration::from_secs(3);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct ReceiptPrinter {
    /// `tcp://192.168.1.50:9100`, `/dev/usb/lp0` or a file; empty when the desk has none.
    pub target: String,
    /// `80` or `58` (mm).
    pub paper: String,
}

fn load(conn: &rusqlite::Connection) -> Result<ReceiptPrinter> {
    Ok(ReceiptPrinter {
        target: crate::settings::get_raw(conn, "receipt_printer")?.unwrap_or_default(),
        paper: crate::settings::get_raw(conn, "receipt_paper")?.unwrap_or_else(|| "80".into()),
    })
}

fn width(paper: &str) -> Result<PaperWidth> {
    match paper {
        "80" => Ok(PaperWidth::Mm80),
        "58" => Ok(PaperWidth::Mm58),
        _ => Err(Error::field("paper", "Lebar kertas printer struk: 80 atau 58 mm.")),
    }
}

fn save(app: &crate::App, caller: &crate::auth::Caller, req: ReceiptPrinter) -> Result<ReceiptPrinter> {
    width(&req.paper)?;
    let target = req.target.trim().to_string();
    if !target.is_empty() {
        PrinterTarget::parse(&target).map_err(|e| Error::field("target", e.message))?;
    }
    let (now, actor) = (app.now(), caller.username.clone());
    app.store.write(move |tx| {
        crate::settings::set_raw(tx, "receipt_printer", &target)?;
        crate::settings::set_raw(tx, "receipt_paper", &req.paper)?;
        crate::audit::append(tx, now, Some(&actor), "receipt_printer_changed", None, json!({"target": target, "paper": req.paper}))?;
        load(tx)
    })
}

#[derive(Debug, Clone, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct PrintReceiptRequest {
    pub recording_id: String,
}

/// Prints the receipt on the desk's roll printer. A printer that does not answer is reported
/// (PRINTER_UNAVAILABLE); the recording and its receipt number stay as they are.
fn print(app: &crate::App, req: PrintReceiptRequest) -> Result<Empty> {
    let printer = app.store.read(load)?;
    if printer.target.trim().is_empty() {
        return Err(Error::field("target", "Printer struk belum diatur. Unduh PDF 80 mm, atau minta supervisor mengatur printer."));
    }
    let paper = width(&printer.paper)?;
    let target = PrinterTarget::parse(&printer.target)?;
    let receipt = super::commands::receipt_data(app, &req.recording_id)?;
    thermal::send(&crate::documents::receipt_thermal(&receipt, paper).escpos(paper), &target, PRINT_TIMEOUT)?;
    Ok(Empty {})
}

pub fn register(r: &mut Registry) {
    let desk = Access::Roles(RECORDING_ROLES);
    r.add_staff("recording.printer_get", desk, "The recording desk's receipt printer", |app, _, _: Empty| app.store.read(load));
    r.add_staff("recording.printer_save", Access::Roles(MANAGERS), "Set the recording desk's receipt printer", save);
    r.add_staff("recording.print_receipt", desk, "Print the recording receipt on the roll printer (ESC/POS)", |app, _, req: PrintReceiptRequest| print(app, req));
}
