//! The return slip ("tanda pengembalian berkas"): the counter officer found the application's
//! documents incomplete, so the applicant goes home with a list of what is missing and a QR code
//! that resumes the same application when they come back.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::layout::Face;
use super::paper::{fit, ItemRow, Paper, Row};
use super::thermal_fields::{field, letterhead};
use crate::error::Result;
use crate::thermal::{Align, PaperWidth, Size, Slip};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema, TS)]
pub struct ReturnSlip {
    /// "Kantor Kecamatan Sajingan Besar"
    pub office_name: String,
    pub office_address: Option<String>,
    pub applicant_name: String,
    /// The 16-digit NIK, printed as given (monospace, ungrouped: people copy it digit by digit).
    pub nik: String,
    /// "KTP-el baru (pemula)"
    pub application_type: String,
    /// "PMH-20261123-0007"
    pub application_number: String,
    pub missing: Vec<MissingItem>,
    /// Formatted by the caller: "Senin, 23 November 2026 09.12 WIB"
    pub returned_at: String,
    pub officer_name: String,
    /// The application id, printed as a QR code so the same application resumes.
    pub qr_payload: String,
    /// "Bawa slip ini dan dokumen yang kurang saat kembali. Berkas Anda tidak perlu diisi ulang."
    pub footer: Option<String>,
}

/// One document the application lacks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema, TS)]
pub struct MissingItem {
    /// "Fotokopi Kartu Keluarga"
    pub name: String,
    /// "Tidak ada" or "Tidak sah"
    pub status: String,
    /// "Nama ibu berbeda dengan akta kelahiran"
    pub note: Option<String>,
}

const TITLE: &str = "TANDA PENGEMBALIAN BERKAS";

fn steps() -> Vec<String> {
    vec![
        "Lengkapi dokumen yang tercantum di atas; dokumen yang tidak sah diganti dengan yang sah.".into(),
        "Kembali ke loket dengan membawa tanda ini dan dokumen tersebut.".into(),
        "Petugas memindai kode QR pada tanda ini; permohonan Anda dilanjutkan tanpa pendaftaran ulang.".into(),
    ]
}

/// The return slip on an A5 portrait page.
pub fn return_slip_pdf_a5(s: &ReturnSlip) -> Result<Vec<u8>> {
    let rows: Vec<ItemRow> = if s.missing.is_empty() {
        vec![ItemRow {
            number: "-".into(),
            name: "Tidak ada dokumen yang dicatat".into(),
            status: String::new(),
            note: None,
        }]
    } else {
        s.missing
            .iter()
            .enumerate()
            .map(|(i, m)| ItemRow {
                number: format!("{}.", i + 1),
                name: m.name.clone(),
                status: m.status.clone(),
                note: m.note.clone(),
            })
            .collect()
    };
    let steps = steps();
    let paper = fit("missing", |k| {
        let mut p = Paper::a5(k);
        p.letterhead(&s.office_name, s.office_address.as_deref());
        p.title(TITLE, Some("Berkas permohonan belum lengkap dan dikembalikan kepada pemohon"));
        p.table(
            &[
                Row { label: "Nama pemohon", value: &s.applicant_name, face: Face::Bold },
                Row { label: "NIK", value: &s.nik, face: Face::MonoBold },
                Row { label: "Jenis permohonan", value: &s.application_type, face: Face::Regular },
                Row { label: "Nomor permohonan", value: &s.application_number, face: Face::MonoBold },
                Row { label: "Dikembalikan", value: &s.returned_at, face: Face::Regular },
            ],
            Some((&s.qr_payload, "Pindai saat kembali ke loket")),
        )?;
        p.heading("Dokumen yang belum lengkap");
        p.items_table(&rows);
        p.list_and_signature("Yang perlu dilakukan", &steps, "Petugas loket,", &s.officer_name)?;
        if let Some(f) = s.footer.as_deref().filter(|f| !f.trim().is_empty()) {
            p.footer(f);
        }
        Ok(p)
    })?;
    Ok(paper.canvas.into_pdf(&format!("Tanda pengembalian berkas {}", s.application_number.trim())))
}

/// The return slip for a 58/80 mm roll: the same content, compact.
pub fn return_slip_thermal(s: &ReturnSlip, width: PaperWidth) -> Slip {
    let mut slip = letterhead(Slip::new(), &s.office_name, s.office_address.as_deref())
        .text(TITLE, Align::Center, Size::TALL, true)
        .center("Berkas belum lengkap")
        .separator();
    slip = field(slip, "Nama", &s.applicant_name, width);
    slip = field(slip, "NIK", &s.nik, width);
    slip = field(slip, "Permohonan", &s.application_type, width);
    slip = field(slip, "No. permohonan", &s.application_number, width);
    slip = field(slip, "Dikembalikan", &s.returned_at, width);
    slip = slip.separator().text("Dokumen yang belum lengkap:", Align::Left, Size::NORMAL, true);
    if s.missing.is_empty() {
        slip = slip.text("Tidak ada dokumen yang dicatat.", Align::Left, Size::NORMAL, false);
    }
    for (i, m) in s.missing.iter().enumerate() {
        slip = slip.text(&format!("{}. {}", i + 1, m.name.trim()), Align::Left, Size::NORMAL, true);
        let note = m.note.as_deref().map(str::trim).filter(|n| !n.is_empty());
        let detail = match note {
            Some(n) => format!("{}: {n}", m.status.trim()),
            None => m.status.trim().to_string(),
        };
        slip = slip.text(&detail, Align::Left, Size::NORMAL, false);
    }
    slip = slip.separator().text("Yang perlu dilakukan:", Align::Left, Size::NORMAL, true);
    for (i, step) in steps().iter().enumerate() {
        slip = slip.text(&format!("{}. {step}", i + 1), Align::Left, Size::NORMAL, false);
    }
    slip = slip
        .qr(&s.qr_payload)
        .center("Tunjukkan kode ini di loket saat kembali.")
        .feed(1)
        .center(&format!("Petugas loket: {}", s.officer_name.trim()));
    if let Some(f) = s.footer.as_deref().filter(|f| !f.trim().is_empty()) {
        slip = slip.separator().center(f);
    }
    slip
}
