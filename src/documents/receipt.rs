//! The recording receipt ("bukti perekaman KTP-el"): proof that the applicant's data and
//! biometrics were recorded, kept to collect the card.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::layout::Face;
use super::paper::{fit, Paper, Row};
use super::thermal_fields::{field, letterhead};
use crate::error::Result;
use crate::thermal::{Align, PaperWidth, Size, Slip};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema, TS)]
pub struct RecordingReceipt {
    pub office_name: String,
    pub office_address: Option<String>,
    pub applicant_name: String,
    /// The 16-digit NIK, printed as given in monospace.
    pub nik: String,
    /// "SAMBAS, 17-08-2005"
    pub birth_place_date: String,
    /// "JL. MERDEKA NO. 1 RT 001/RW 002, SEBUNGA, SAJINGAN BESAR"
    pub address: String,
    /// Formatted by the caller: "Senin, 23 November 2026 10.05 WIB"
    pub recorded_at: String,
    /// "BP-610109-20261123-0007"
    pub receipt_number: String,
    pub operator_name: String,
    /// The receipt number or a verification id/URL, printed as a QR code.
    pub qr_payload: String,
    /// "Simpan bukti ini untuk mengambil KTP-el."
    pub notes: Vec<String>,
}

const TITLE: &str = "BUKTI PEREKAMAN KTP-EL";

fn notes(r: &RecordingReceipt) -> Vec<String> {
    r.notes.iter().map(|n| n.trim().to_string()).filter(|n| !n.is_empty()).collect()
}

/// The recording receipt on an A5 portrait page.
pub fn receipt_pdf_a5(r: &RecordingReceipt) -> Result<Vec<u8>> {
    let notes = notes(r);
    let paper = fit("notes", |k| {
        let mut p = Paper::a5(k);
        p.letterhead(&r.office_name, r.office_address.as_deref());
        p.title(TITLE, Some("Kartu Tanda Penduduk Elektronik"));
        p.number_box("NOMOR BUKTI PEREKAMAN", &r.receipt_number);
        p.table(
            &[
                Row { label: "Nama", value: &r.applicant_name, face: Face::Bold },
                Row { label: "NIK", value: &r.nik, face: Face::MonoBold },
                Row { label: "Tempat/Tgl. Lahir", value: &r.birth_place_date, face: Face::Regular },
                Row { label: "Alamat", value: &r.address, face: Face::Regular },
                Row { label: "Waktu perekaman", value: &r.recorded_at, face: Face::Regular },
            ],
            Some((&r.qr_payload, "Kode verifikasi bukti perekaman")),
        )?;
        p.list_and_signature("Catatan", &notes, "Petugas perekaman,", &r.operator_name)?;
        Ok(p)
    })?;
    Ok(paper.canvas.into_pdf(&format!("Bukti perekaman KTP-el {}", r.receipt_number.trim())))
}

/// The recording receipt for a 58/80 mm roll.
pub fn receipt_thermal(r: &RecordingReceipt, width: PaperWidth) -> Slip {
    let mut slip = letterhead(Slip::new(), &r.office_name, r.office_address.as_deref())
        .text(TITLE, Align::Center, Size::TALL, true)
        .separator()
        .center("Nomor bukti perekaman")
        .text(&r.receipt_number, Align::Center, Size::TALL, true)
        .separator();
    slip = field(slip, "Nama", &r.applicant_name, width);
    slip = field(slip, "NIK", &r.nik, width);
    slip = field(slip, "Tempat/Tgl lahir", &r.birth_place_date, width);
    slip = field(slip, "Alamat", &r.address, width);
    slip = field(slip, "Direkam", &r.recorded_at, width);
    slip = field(slip, "Petugas", &r.operator_name, width);
    let notes = notes(r);
    if !notes.is_empty() {
        slip = slip.separator();
        for n in notes {
            slip = slip.text(&format!("- {n}"), Align::Left, Size::NORMAL, false);
        }
    }
    slip.qr(&r.qr_payload).center("Kode verifikasi bukti perekaman")
}
