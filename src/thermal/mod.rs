//! Thermal ticket and receipt printing (ESC/POS on 58/80 mm rolls) and roll-sized PDFs.
//!
//! A print job is first a [`Slip`] — lines of text, label/value pairs, a QR code, separators —
//! and then either ESC/POS bytes for a roll printer ([`Slip::escpos`], sent with [`send`]) or a
//! PDF page the width of the roll ([`Slip::pdf`]) for a printer behind the system spooler. The
//! queue ticket is [`ticket_slip`]; the KTP-el recording receipt will be another slip.

mod escpos;
pub(crate) mod pdf;
pub(crate) mod slip;
mod target;

use std::time::Duration;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::Result;

pub use escpos::{INIT, PARTIAL_CUT};
pub use slip::{to_ascii, wrap, Align, Line, Size, Slip};
pub use target::{PrinterTarget, RAW_PORT};

/// Width of the paper roll.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, JsonSchema, TS)]
#[serde(rename_all = "snake_case")]
pub enum PaperWidth {
    /// 58 mm roll: 48 mm printable, 32 characters a line.
    Mm58,
    /// 80 mm roll: 72 mm printable, 48 characters a line.
    #[default]
    Mm80,
}

impl PaperWidth {
    /// Characters per line in the printer's standard font (Font A, 12×24 dots).
    pub fn columns(self) -> usize {
        match self {
            PaperWidth::Mm58 => 32,
            PaperWidth::Mm80 => 48,
        }
    }
    /// Width of the roll.
    pub fn mm(self) -> f32 {
        match self {
            PaperWidth::Mm58 => 58.0,
            PaperWidth::Mm80 => 80.0,
        }
    }
    /// Width the print head reaches (384 or 576 dots at 8 dots/mm).
    pub fn printable_mm(self) -> f32 {
        match self {
            PaperWidth::Mm58 => 48.0,
            PaperWidth::Mm80 => 72.0,
        }
    }
}

/// A queue ticket as the applicant gets it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema, TS)]
pub struct TicketSlip {
    /// "Kantor Kecamatan Sajingan Besar"
    pub office_name: String,
    /// "Perekaman KTP-el Baru"
    pub service_name: String,
    /// "A-007"
    pub number: String,
    /// "Prioritas: Lansia"
    pub priority_label: Option<String>,
    /// Formatted by the caller: "Sabtu, 21 November 2026 08.15 WIB"
    pub issued_at: String,
    pub waiting_ahead: u32,
    /// The ticket id, printed as a QR code.
    pub qr_payload: String,
    /// "Simpan tiket ini. Nomor dipanggil di layar."
    pub footer: Option<String>,
}

impl Slip {
    /// ESC/POS bytes: reset, the lines, feed to the cutter and a partial cut.
    pub fn escpos(&self, width: PaperWidth) -> Vec<u8> {
        escpos::render(self, width)
    }
    /// A one-page PDF as wide as the roll and as tall as the content.
    pub fn pdf(&self, width: PaperWidth, title: &str) -> Result<Vec<u8>> {
        pdf::render(self, width, title)
    }
}

/// The queue ticket's layout, shared by the printer and the PDF.
pub fn ticket_slip(t: &TicketSlip, width: PaperWidth) -> Slip {
    // The number as large as the line allows, up to 4× (a 6-character number on 58 mm paper).
    let number = to_ascii(t.number.trim());
    let chars = number.chars().count().max(1);
    let big = (1..=4u8).rev().find(|&k| chars * k as usize <= width.columns()).unwrap_or(1);
    let mut s = Slip::new()
        .text(&t.office_name, Align::Center, Size::TALL, true)
        .center(&t.service_name)
        .separator()
        .center("Nomor Antrian")
        .text(&number, Align::Center, Size::times(big), true);
    if let Some(p) = t.priority_label.as_deref().filter(|p| !p.trim().is_empty()) {
        s = s.text(p, Align::Center, Size::NORMAL, true);
    }
    s = s
        .feed(1)
        .center(&t.issued_at)
        .text(&format!("Menunggu di depan Anda: {}", t.waiting_ahead), Align::Center, Size::NORMAL, true)
        .qr(&t.qr_payload);
    if let Some(f) = t.footer.as_deref().filter(|f| !f.trim().is_empty()) {
        s = s.center(f);
    }
    s
}

/// ESC/POS bytes of a queue ticket.
pub fn ticket_escpos(slip: &TicketSlip, width: PaperWidth) -> Vec<u8> {
    ticket_slip(slip, width).escpos(width)
}

/// A roll-sized PDF of a queue ticket.
pub fn ticket_pdf(slip: &TicketSlip, width: PaperWidth) -> Result<Vec<u8>> {
    ticket_slip(slip, width).pdf(width, &format!("Tiket antrian {}", to_ascii(&slip.number)))
}

/// Send print bytes to a printer (see [`target`](PrinterTarget)); the error names the printer.
pub fn send(bytes: &[u8], target: &PrinterTarget, timeout: Duration) -> Result<()> {
    target::send(bytes, target, timeout)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ticket() -> TicketSlip {
        TicketSlip {
            office_name: "Kantor Kecamatan Sajingan Besar".into(),
            service_name: "Perekaman KTP-el Baru".into(),
            number: "A-007".into(),
            priority_label: Some("Prioritas: Lansia".into()),
            issued_at: "Sabtu, 21 November 2026 08.15 WIB".into(),
            waiting_ahead: 3,
            qr_payload: "0191d3a2-7c4e-7b3a-9f00-123456789abc".into(),
            footer: Some("Simpan tiket ini. Nomor dipanggil di layar.".into()),
        }
    }

    fn count(hay: &[u8], needle: &[u8]) -> usize {
        hay.windows(needle.len()).filter(|w| *w == needle).count()
    }

    #[test]
    fn user_text_cannot_inject_printer_commands() {
        let mut t = ticket();
        t.office_name = "Kantor\u{1b}@\u{1d}V\u{0}X".into();
        t.footer = Some("cut\u{1d}V\u{42}\u{0}now".into());
        let bytes = ticket_escpos(&t, PaperWidth::Mm58);
        assert_eq!(count(&bytes, &INIT), 1);
        assert_eq!(count(&bytes, &[0x1d, b'V']), 1);
        assert!(bytes.ends_with(&PARTIAL_CUT));
    }

    #[test]
    fn number_is_as_big_as_fits() {
        let gs_size = |b: &[u8], n: u8| count(b, &[0x1d, b'!', n]);
        let b = ticket_escpos(&ticket(), PaperWidth::Mm58);
        assert_eq!(gs_size(&b, 0x33), 1, "4x4 for A-007");
        let mut t = ticket();
        t.number = "PRIO-12345".into(); // 10 chars: 3x on 58 mm (30 cols), 4x on 80 mm (40 cols)
        assert_eq!(gs_size(&ticket_escpos(&t, PaperWidth::Mm58), 0x22), 1);
        assert_eq!(gs_size(&ticket_escpos(&t, PaperWidth::Mm80), 0x33), 1);
    }

    #[test]
    fn paper_width_serde_names() {
        assert_eq!(serde_json::to_string(&PaperWidth::Mm58).unwrap(), "\"mm58\"");
        assert_eq!(serde_json::from_str::<PaperWidth>("\"mm80\"").unwrap(), PaperWidth::Mm80);
    }

    #[test]
    fn pdf_is_roll_sized() {
        let pdf = ticket_pdf(&ticket(), PaperWidth::Mm58).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
    }
}
