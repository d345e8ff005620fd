//! Sample documents shared by the tests and the benches (`#[path = "../tests/common/samples.rs"]`).
#![allow(dead_code)]

use image::ImageEncoder;
use loket::documents::{MissingItem, RecordingReceipt, ReturnSlip};

/// The recording receipt of Kec. Sajingan Besar for one applicant, with the usual two notes.
pub fn receipt() -> RecordingReceipt {
    RecordingReceipt {
        office_name: "Kantor Kecamatan Sajingan Besar".into(),
        office_address: Some("Jl. Raya Sajingan No. 1, Sebunga, Kabupaten Sambas, Kalimantan Barat 79466".into()),
        applicant_name: "SITI NURHALIZA".into(),
        nik: "6101091203900001".into(),
        birth_place_date: "SAMBAS, 17-08-2005".into(),
        address: "JL. MERDEKA NO. 1 RT 001/RW 002, SEBUNGA, SAJINGAN BESAR".into(),
        recorded_at: "Senin, 23 November 2026 10.05 WIB".into(),
        receipt_number: "BP-610109-20261123-0007".into(),
        operator_name: "Rina Marlina".into(),
        qr_payload: "BP-610109-20261123-0007".into(),
        notes: vec![
            "Simpan bukti ini untuk mengambil KTP-el.".into(),
            "KTP-el dapat diambil setelah status CETAK SIAP.".into(),
        ],
    }
}

/// The return slip of the same office: three documents missing or not valid.
pub fn return_slip() -> ReturnSlip {
    ReturnSlip {
        office_name: "Kantor Kecamatan Sajingan Besar".into(),
        office_address: Some("Jl. Raya Sajingan No. 1, Sebunga, Kabupaten Sambas, Kalimantan Barat 79466".into()),
        applicant_name: "SITI NURHALIZA".into(),
        nik: "6101091203900001".into(),
        application_type: "KTP-el baru (pemula)".into(),
        application_number: "PMH-20261123-0007".into(),
        missing: vec![
            MissingItem { name: "Fotokopi Kartu Keluarga".into(), status: "Tidak ada".into(), note: None },
            MissingItem {
                name: "Akta Kelahiran".into(),
                status: "Tidak sah".into(),
                note: Some("Nama ibu berbeda dengan Kartu Keluarga; minta perbaikan ke Dukcapil.".into()),
            },
            MissingItem {
                name: "Surat pengantar RT/RW".into(),
                status: "Tidak ada".into(),
                note: Some("Dari RT/RW tempat tinggal sekarang".into()),
            },
        ],
        returned_at: "Senin, 23 November 2026 09.12 WIB".into(),
        officer_name: "Budi Santoso".into(),
        qr_payload: "0191d3a2-7c4e-7b3a-9f00-5e6d7c8b9a01".into(),
        footer: Some("Bawa slip ini dan dokumen yang kurang saat kembali. Berkas Anda tidak perlu diisi ulang.".into()),
    }
}

/// `img` as a JPEG of the given quality, the way a stored photo is.
pub fn jpeg(img: &image::RgbImage, quality: u8) -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
        .write_image(img.as_raw(), img.width(), img.height(), image::ExtendedColorType::Rgb8)
        .unwrap();
    out
}

/// `img` as a PNG, the way a stored signature is.
pub fn png<P: image::PixelWithColorType<Subpixel = u8>>(img: &image::ImageBuffer<P, Vec<u8>>) -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(&mut out).write_image(img.as_raw(), img.width(), img.height(), P::COLOR_TYPE).unwrap();
    out
}
