//! The complaint's tracking slip ("tanda terima pengaduan"): the tracking number in a box and as a
//! QR, what the complaint is about, the deadline, and how to check its status at the kiosk.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::layout::Face;
use super::paper::{fit, Paper, Row};
use super::thermal_fields::{field, letterhead};
use crate::error::Result;
use crate::thermal::{Align, PaperWidth, Size, Slip};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema, TS)]
pub struct ComplaintSlip {
    pub office_name: String,
    /// `ADU-610109-20261123-0001`.
    pub number: String,
    /// Formatted by the caller, in the office's zone.
    pub received_at: String,
    pub channel: String,
    pub category: String,
    /// The start of the complaint's text.
    pub summary: String,
    pub complainant: String,
    /// The last day to answer it: "Senin, 30 November 2026".
    pub deadline: String,
    pub staff_name: String,
    pub qr_payload: String,
    pub notes: Vec<String>,
}

const TITLE: &str = "TANDA TERIMA PENGADUAN";

/// The slip on an A5 portrait page.
pub fn complaint_pdf_a5(s: &ComplaintSlip) -> Result<Vec<u8>> {
    let paper = fit("notes", |k| {
        let mut p = Paper::a5(k);
        p.letterhead(&s.office_name, None);
        p.title(TITLE, Some("Layanan Administrasi Kependudukan"));
        p.number_box("NOMOR PENGADUAN", &s.number);
        let rows = [
            Row { label: "Diterima", value: &s.received_at, face: Face::Regular },
            Row { label: "Saluran", value: &s.channel, face: Face::Regular },
            Row { label: "Kategori", value: &s.category, face: Face::Bold },
            Row { label: "Pelapor", value: &s.complainant, face: Face::Regular },
            Row { label: "Pokok pengaduan", value: &s.summary, face: Face::Regular },
            Row { label: "Target selesai", value: &s.deadline, face: Face::Bold },
            Row { label: "Petugas", value: &s.staff_name, face: Face::Regular },
        ];
        p.table(&rows, Some((&s.qr_payload, "Nomor pengaduan")))?;
        p.numbered("Catatan", &s.notes);
        Ok(p)
    })?;
    Ok(paper.canvas.into_pdf(&format!("Tanda terima pengaduan {}", s.number.trim())))
}

/// The slip for a 58/80 mm roll.
pub fn complaint_thermal(s: &ComplaintSlip, width: PaperWidth) -> Slip {
    let head = letterhead(Slip::new(), &s.office_name, None).text(TITLE, Align::Center, Size::TALL, true);
    let mut slip = head.separator().center("Nomor pengaduan").text(&s.number, Align::Center, Size::TALL, true).separator();
    for (label, value) in [
        ("Diterima", &s.received_at),
        ("Saluran", &s.channel),
        ("Kategori", &s.category),
        ("Target selesai", &s.deadline),
        ("Petugas", &s.staff_name),
    ] {
        slip = field(slip, label, value, width);
    }
    slip = slip.separator();
    for n in &s.notes {
        slip = slip.text(&format!("- {n}"), Align::Left, Size::NORMAL, false);
    }
    slip.qr(&s.qr_payload).center("Cek status di kios dengan nomor ini")
}
