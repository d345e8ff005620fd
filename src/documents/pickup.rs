//! The pickup receipt ("tanda terima pengambilan KTP-el"): proof that a printed card left the
//! office, to whom and when. Its QR is the recording receipt's number, which the counter's lookup
//! also takes.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::layout::Face;
use super::paper::{fit, Paper, Row};
use super::thermal_fields::{field, letterhead};
use crate::error::Result;
use crate::thermal::{Align, PaperWidth, Size, Slip};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema, TS)]
pub struct PickupReceipt {
    pub office_name: String,
    pub office_address: Option<String>,
    pub applicant_name: String,
    pub nik: String,
    /// The recording receipt's number: "BP-610109-20261123-0007".
    pub receipt_number: String,
    /// The blank's serial the card was printed on.
    pub serial: String,
    /// Formatted by the caller, in the office's zone.
    pub printed_at: String,
    pub handed_over_at: String,
    /// "Pemohon sendiri" or "NAME (relationship), NIK …".
    pub collector: String,
    pub staff_name: String,
    pub qr_payload: String,
    pub notes: Vec<String>,
    /// The collector's signature from the pad (PNG), drawn over their name.
    #[serde(skip)]
    #[ts(skip)]
    #[schemars(skip)]
    pub signature_png: Option<Vec<u8>>,
    /// The name under the collector's signature.
    pub collector_name: String,
}

const TITLE: &str = "TANDA TERIMA PENGAMBILAN KTP-EL";

/// The pickup receipt on an A5 portrait page.
pub fn pickup_pdf_a5(r: &PickupReceipt) -> Result<Vec<u8>> {
    let paper = fit("notes", |k| {
        let mut p = Paper::a5(k);
        p.letterhead(&r.office_name, r.office_address.as_deref());
        p.title(TITLE, Some("Kartu Tanda Penduduk Elektronik"));
        p.number_box("NOMOR BUKTI PEREKAMAN", &r.receipt_number);
        let rows = [
            Row { label: "Nama", value: &r.applicant_name, face: Face::Bold },
            Row { label: "NIK", value: &r.nik, face: Face::MonoBold },
            Row { label: "Nomor blangko", value: &r.serial, face: Face::MonoBold },
            Row { label: "Dicetak", value: &r.printed_at, face: Face::Regular },
            Row { label: "Diserahkan", value: &r.handed_over_at, face: Face::Regular },
            Row { label: "Diterima oleh", value: &r.collector, face: Face::Bold },
        ];
        p.table(&rows, Some((&r.qr_payload, "Kode bukti perekaman")))?;
        p.numbered("Catatan", &r.notes);
        let drawn = r.signature_png.as_deref().map(|png| (png, "signature_png"));
        p.two_signatures(("Yang menerima,", &r.collector_name, drawn), ("Petugas yang menyerahkan,", &r.staff_name))?;
        Ok(p)
    })?;
    Ok(paper.canvas.into_pdf(&format!("Tanda terima pengambilan KTP-el {}", r.receipt_number.trim())))
}

/// The pickup receipt for a 58/80 mm roll.
pub fn pickup_thermal(r: &PickupReceipt, width: PaperWidth) -> Slip {
    let head = letterhead(Slip::new(), &r.office_name, r.office_address.as_deref()).text(TITLE, Align::Center, Size::TALL, true);
    let mut slip = head.separator().center("Nomor bukti perekaman").text(&r.receipt_number, Align::Center, Size::TALL, true).separator();
    for (label, value) in [
        ("Nama", &r.applicant_name),
        ("NIK", &r.nik),
        ("Blangko", &r.serial),
        ("Dicetak", &r.printed_at),
        ("Diserahkan", &r.handed_over_at),
        ("Diterima oleh", &r.collector),
        ("Petugas", &r.staff_name),
    ] {
        slip = field(slip, label, value, width);
    }
    slip = slip.separator();
    for n in &r.notes {
        slip = slip.text(&format!("- {n}"), Align::Left, Size::NORMAL, false);
    }
    slip.qr(&r.qr_payload).center("Kode bukti perekaman")
}
