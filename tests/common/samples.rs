//! Sample documents shared by the tests and the benches (`#[path = "../tests/common/samples.rs"]`).
#![allow(dead_code)]

use image::ImageEncoder;
use loket::documents::{MissingItem, PickupReceipt, RecordingReceipt, ReturnSlip, SuketLetter};
use rand::SeedableRng;

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

/// The recorded photo and signature of the samples: what a recording stores (300×400 JPEG, PNG).
pub fn photo_and_signature() -> (Vec<u8>, Vec<u8>) {
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    (loket::sync::backlog::synthetic_photo(&mut rng), loket::sync::backlog::synthetic_signature(&mut rng))
}

/// The pickup receipt of a card collected by the holder's father with a power of attorney.
pub fn pickup_receipt() -> PickupReceipt {
    PickupReceipt {
        office_name: "Kantor Kecamatan Sajingan Besar".into(),
        office_address: Some("Jl. Raya Sajingan No. 1, Sebunga, Kabupaten Sambas, Kalimantan Barat 79466".into()),
        applicant_name: "SITI NURHALIZA".into(),
        nik: "6101091203900001".into(),
        receipt_number: "BP-610109-20261123-0007".into(),
        serial: "KTP-0105".into(),
        printed_at: "Selasa, 24 November 2026 09.30 WIB".into(),
        handed_over_at: "Rabu, 25 November 2026 10.05 WIB".into(),
        collector: "BUDI HARTONO (ayah), NIK 6101091503780002".into(),
        staff_name: "Kasih Lestari".into(),
        qr_payload: "BP-610109-20261123-0007".into(),
        notes: vec!["Diambil dengan surat kuasa (pindaian disimpan).".into(), "KTP-el lama atau yang diserahkan sebelumnya tidak berlaku lagi.".into()],
        signature_png: Some(photo_and_signature().1),
        collector_name: "BUDI HARTONO".into(),
    }
}

/// A Suket letter with the sample photo.
pub fn suket_letter() -> SuketLetter {
    SuketLetter {
        letterhead: vec!["PEMERINTAH KABUPATEN SAMBAS".into(), "DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL".into()],
        office_line: "Kantor Kecamatan Sajingan Besar".into(),
        number: "SKT-610109-2026-00001".into(),
        nik: "6101091203900001".into(),
        name: "SITI NURHALIZA".into(),
        birth: "SAMBAS, 17-08-2005".into(),
        sex: "PEREMPUAN".into(),
        address: "JL. MERDEKA NO. 1".into(),
        rt_rw: "001/002".into(),
        village: "SEBUNGA".into(),
        district: "SAJINGAN BESAR".into(),
        regency: "KABUPATEN SAMBAS".into(),
        religion: "ISLAM".into(),
        marital_status: "BELUM KAWIN".into(),
        occupation: "PELAJAR/MAHASISWA".into(),
        citizenship: "WNI".into(),
        receipt_number: "BP-610109-20261123-0007".into(),
        recorded_on: "23 November 2026".into(),
        issued_on: "25 November 2026".into(),
        valid_until: "25 Mei 2027".into(),
        place: "Sajingan Besar".into(),
        signer_title: "Petugas Pelayanan".into(),
        signer_name: "Kasih Lestari".into(),
        qr_payload: "LOKET-SKT1|SKT-610109-2026-00001|6101091203900001|20270525|q1w2e3r4t5y6u7i8o9p0aa".into(),
        print_no: 1,
        photo_jpeg: photo_and_signature().0,
    }
}
