//! The Suket (Surat Keterangan pengganti KTP-el): an A4 letter for an applicant who is recorded but
//! whose card cannot be printed yet. The letterhead text is the office's; the photo and biodata are
//! the recording's; the QR carries the hub's seal, which the kiosk and the staff screens check.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::layout::{Face, MM};
use super::paper::{fit, Paper, Row};
use crate::error::Result;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema, TS)]
pub struct SuketLetter {
    /// The letterhead, one line each: "PEMERINTAH KABUPATEN SAMBAS", "DINAS KEPENDUDUKAN …".
    pub letterhead: Vec<String>,
    /// The office and its address, under the letterhead lines.
    pub office_line: String,
    /// "SKT-610109-2026-00001"
    pub number: String,
    pub nik: String,
    pub name: String,
    /// "SAMBAS, 12-03-1990"
    pub birth: String,
    pub sex: String,
    pub address: String,
    /// "003/001"
    pub rt_rw: String,
    pub village: String,
    pub district: String,
    pub regency: String,
    pub religion: String,
    pub marital_status: String,
    pub occupation: String,
    pub citizenship: String,
    pub receipt_number: String,
    /// Dates formatted by the caller, in the office's zone: "23 November 2026".
    pub recorded_on: String,
    pub issued_on: String,
    pub valid_until: String,
    /// Where it is signed: the kecamatan's name.
    pub place: String,
    pub signer_title: String,
    pub signer_name: String,
    pub qr_payload: String,
    /// 1 for the first print; a reprint says which print it is.
    pub print_no: u32,
    #[serde(skip)]
    #[ts(skip)]
    #[schemars(skip)]
    pub photo_jpeg: Vec<u8>,
}

const TITLE: &str = "SURAT KETERANGAN PENGGANTI KTP-EL";

/// The letter on one A4 page.
pub fn suket_pdf(l: &SuketLetter) -> Result<Vec<u8>> {
    let paper = fit("letterhead", |k| {
        let mut p = Paper::a4(k);
        p.letterhead(&l.letterhead.join("\n"), Some(&l.office_line));
        p.title(TITLE, Some(&format!("Nomor: {}", l.number)));
        p.paragraph("Yang bertanda tangan di bawah ini menerangkan bahwa penduduk berikut:");
        // The photo stands at the right of the biodata, 3 × 4 cm as on the forms.
        let (pw, ph) = (30.0 * MM, 40.0 * MM);
        let top = p.y;
        let (x, w) = (p.x, p.w);
        p.canvas.frame(x + w - pw - 1.0, top - 1.0, pw + 2.0, ph + 2.0, 0.5);
        p.canvas.photo(&l.photo_jpeg, "photo", (x + w - pw, top, pw, ph))?;
        p.w = w - pw - 8.0 * MM;
        let rows = [
            Row { label: "NIK", value: &l.nik, face: Face::MonoBold },
            Row { label: "Nama", value: &l.name, face: Face::Bold },
            Row { label: "Tempat/Tgl. Lahir", value: &l.birth, face: Face::Regular },
            Row { label: "Jenis Kelamin", value: &l.sex, face: Face::Regular },
            Row { label: "Alamat", value: &l.address, face: Face::Regular },
            Row { label: "RT/RW", value: &l.rt_rw, face: Face::Regular },
            Row { label: "Kel/Desa", value: &l.village, face: Face::Regular },
            Row { label: "Kecamatan", value: &l.district, face: Face::Regular },
            Row { label: "Kabupaten/Kota", value: &l.regency, face: Face::Regular },
            Row { label: "Agama", value: &l.religion, face: Face::Regular },
            Row { label: "Status Perkawinan", value: &l.marital_status, face: Face::Regular },
            Row { label: "Pekerjaan", value: &l.occupation, face: Face::Regular },
            Row { label: "Kewarganegaraan", value: &l.citizenship, face: Face::Regular },
        ];
        p.table(&rows, None)?;
        p.w = w;
        p.y = p.y.max(top + ph + 6.0 * MM);
        p.paragraph(&format!(
            "telah melakukan perekaman KTP-el pada {} dengan nomor bukti perekaman {}, dan KTP-el yang bersangkutan belum dapat \
             dicetak karena blangko KTP-el belum tersedia.",
            l.recorded_on, l.receipt_number
        ));
        p.paragraph(
            "Surat keterangan ini berlaku sebagai pengganti KTP-el untuk keperluan administrasi kependudukan dan pelayanan publik \
             selama 6 (enam) bulan sejak diterbitkan, dan tidak berlaku lagi setelah KTP-el diterima oleh yang bersangkutan.",
        );
        let rows = [
            Row { label: "Diterbitkan", value: &l.issued_on, face: Face::Regular },
            Row { label: "Berlaku sampai", value: &l.valid_until, face: Face::Bold },
        ];
        p.table(&rows, None)?;
        p.paragraph("Demikian surat keterangan ini dibuat untuk dipergunakan sebagaimana mestinya.");
        p.gap(4.0);
        let caption = "Pindai kode ini di kios atau loket kantor untuk memeriksa keaslian dan masa berlaku surat. \
                       Kode QR ini adalah kode pemeriksaan milik kantor ini, bukan tanda tangan elektronik Dukcapil.";
        p.qr_and_signature((&l.qr_payload, caption), &format!("{}, {}", l.place, l.issued_on), &format!("{},", l.signer_title), &l.signer_name)?;
        let print = if l.print_no > 1 { format!("Cetakan ke-{} - ", l.print_no) } else { String::new() };
        p.footer(&format!("{print}{} - Tukarkan surat ini dengan KTP-el saat kartu sudah dicetak.", l.number));
        Ok(p)
    })?;
    Ok(paper.canvas.into_pdf(&format!("Surat keterangan pengganti KTP-el {}", l.number)))
}
