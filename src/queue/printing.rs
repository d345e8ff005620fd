//! Queue tickets on paper: ESC/POS to the kiosk's thermal printer, or a roll-sized PDF for a printer
//! behind the system spooler.

use super::config::QueuePolicy;
use super::load_ticket;
use crate::app::App;
use crate::clock::from_db;
use crate::error::{Error, Result};
use crate::setup::require_office;
use crate::thermal::{self, PaperWidth, PrinterTarget, TicketSlip};
use std::time::Duration;

const PRINT_TIMEOUT: Duration = Duration::from_secs(3);

fn slip(app: &App, ticket_id: &str) -> Result<(TicketSlip, QueuePolicy)> {
    app.store.read(|c| {
        let office = require_office(c)?;
        let t = load_ticket(c, ticket_id)?;
        let ahead: u32 = c.query_row(
            "SELECT COUNT(*) FROM ticket WHERE day = ?1 AND service_id = ?2 AND status = 'waiting' AND queued_at <= ?3 AND id <> ?4",
            rusqlite::params![t.day, t.service_id, t.queued_at, t.id],
            |r| r.get(0),
        )?;
        let slip = TicketSlip {
            office_name: office.name.clone(),
            service_name: t.service_name.clone(),
            number: t.number.clone(),
            priority_label: t.priority.map(|p| format!("Prioritas: {}", p.label())),
            issued_at: office.long_date_time(from_db(&t.issued_at)),
            waiting_ahead: ahead,
            qr_payload: t.id.clone(),
            footer: Some("Simpan tiket ini. Nomor Anda dipanggil di layar dan pengeras suara.".into()),
        };
        Ok((slip, QueuePolicy::load(c)?))
    })
}

fn paper(policy: &QueuePolicy) -> PaperWidth {
    if policy.ticket_paper_mm == 58 { PaperWidth::Mm58 } else { PaperWidth::Mm80 }
}

/// Sends the ticket to the printer in the queue policy. The ticket exists whatever happens here.
pub fn print_ticket(app: &App, ticket_id: &str) -> Result<()> {
    let (slip, policy) = slip(app, ticket_id)?;
    let target = policy.ticket_printer.trim();
    if target.is_empty() {
        return Err(Error::field("ticket_printer", "Printer tiket belum diatur di Pengaturan Antrian."));
    }
    let target = PrinterTarget::parse(target)?;
    thermal::send(&thermal::ticket_escpos(&slip, paper(&policy)), &target, PRINT_TIMEOUT)
}

/// The ticket as a PDF the width of the roll, for printers behind the system spooler.
pub fn ticket_pdf(app: &App, ticket_id: &str) -> Result<crate::api::FileOut> {
    let (slip, policy) = slip(app, ticket_id)?;
    let bytes = thermal::ticket_pdf(&slip, paper(&policy))?;
    Ok(crate::api::FileOut::pdf(bytes, crate::documents::file_name(&format!("tiket-{}", slip.number), "", "pdf")))
}
