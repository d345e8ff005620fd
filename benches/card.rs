//! The KTP-el card face PDF (`loket::printing::card`): time and size per card, beside a baseline
//! measured in the same run: the smallest printpdf page of the card's size holding the same photo
//! (passed through as DCTDecode, as the card does), i.e. what the photo alone costs.
//!
//! Goals (issue #10): ≤ 15 ms per card; size ≤ photo + signature + 40 kB with both font subsets.
//!
//! `cargo bench --workspace --features loket-desktop/custom-protocol --bench card` prints a markdown table.

use std::collections::BTreeMap;
use std::time::Duration;

mod common;
#[path = "../tests/common/samples.rs"]
mod samples;
use common::{cpu_model, Row};

use image::{LumaA, Rgb};
use loket::printing::card::{card_pdf, CardFace, CardOptions, CARD_HEIGHT_MM, CARD_WIDTH_MM};
use printpdf::{
    CurTransMat, DictItem, ExternalStream, ExternalXObject, Mm, Op, PdfDocument, PdfPage, PdfSaveOptions, Px,
    XObjectTransform,
};

const RUNS: usize = 50;
const WARMUP: usize = 5;

/// A 300 × 400 portrait with sensor noise, so the JPEG is as large as a stored camera photo.
fn photo() -> Vec<u8> {
    let mut seed = 0x9E37_79B9u32;
    let img = image::ImageBuffer::from_fn(300, 400, |x, y| {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        let n = (seed % 24) as i32 - 12;
        let skin = (x as i32 - 150).pow(2) * 4 + (y as i32 - 160).pow(2) * 2 < 9000 * 4;
        let base = if skin { [210, 168, 140] } else if y > 290 { [45, 52, 72] } else { [190, 32, 40] };
        Rgb(base.map(|c: i32| (c + n).clamp(0, 255) as u8))
    });
    samples::jpeg(&img, 90)
}

/// A 600 × 200 signature: a loop and a line of black ink, transparent elsewhere.
fn signature() -> Vec<u8> {
    let img = image::ImageBuffer::from_fn(600, 200, |x, y| {
        let (dx, dy) = (x as f32 - 180.0, y as f32 - 100.0);
        let on_loop = ((dx * dx / 2.2 + dy * dy).sqrt() - 70.0).abs() < 4.0;
        let on_line = (y as f32 - (40.0 + 0.22 * x as f32)).abs() < 3.0 && x > 240;
        LumaA([0u8, if on_loop || on_line { 255 } else { 0 }])
    });
    samples::png(&img)
}

fn face(photo: &[u8], signature: &[u8], long: bool) -> CardFace {
    let pick = |short: &str, longer: &str| if long { longer.to_string() } else { short.to_string() };
    CardFace {
        province: pick("KALIMANTAN BARAT", "DAERAH ISTIMEWA YOGYAKARTA"),
        regency: pick("KABUPATEN SAMBAS", "KABUPATEN KEPULAUAN SIAU TAGULANDANG BIARO"),
        nik: "6101091708050001".into(),
        name: pick("SITI NURHALIZA", "MUHAMMAD ABDURRAHMAN WAHYUDI SYAHPUTRA KUSUMANEGARA BIN SULAIMAN HADIWIJAYA"),
        birth_place: "SAMBAS".into(),
        birth_date: "17-08-2005".into(),
        sex: "PEREMPUAN".into(),
        blood_type: "O".into(),
        address: pick("JL. MERDEKA NO. 1", "JL. PANGERAN DIPONEGORO GANG SETIA KAWAN III NO. 1234 BLOK C-17 PERUMAHAN GRIYA"),
        rt: "001".into(),
        rw: "002".into(),
        village: pick("SEBUNGA", "KAMPUANG TANJUANG KOTO MAMBANG SUNGAI DURIAN"),
        district: pick("SAJINGAN BESAR", "BUAY PEMATANG RIBU RANAU TENGAH"),
        religion: "ISLAM".into(),
        marital_status: "BELUM KAWIN".into(),
        occupation: "PELAJAR/MAHASISWA".into(),
        citizenship: "WNI".into(),
        valid_until: "SEUMUR HIDUP".into(),
        issue_place: "SAMBAS".into(),
        issue_date: "01-12-2026".into(),
        photo_jpeg: photo.to_vec(),
        signature_png: Some(signature.to_vec()),
    }
}

/// The least a card page with this photo costs: the page and the JPEG as an image, nothing else.
fn baseline(jpeg: &[u8]) -> Vec<u8> {
    let n = |s: &str| DictItem::Name(s.into());
    let mut dict = BTreeMap::new();
    for (k, v) in [("Type", n("XObject")), ("Subtype", n("Image")), ("ColorSpace", n("DeviceRGB")), ("Filter", n("DCTDecode"))] {
        dict.insert(k.to_string(), v);
    }
    for (k, v) in [("Width", 300), ("Height", 400), ("BitsPerComponent", 8)] {
        dict.insert(k.to_string(), DictItem::Int(v));
    }
    let mut doc = PdfDocument::new("baseline");
    let id = doc.add_xobject(&ExternalXObject {
        stream: ExternalStream { dict, content: jpeg.to_vec(), compress: false },
        width: Some(Px(300)),
        height: Some(Px(400)),
        dpi: None,
    });
    let ops = vec![
        Op::SetTransformationMatrix { matrix: CurTransMat::Raw([56.7, 0.0, 0.0, 75.6, 177.4, 38.0]) },
        Op::UseXobject { id, transform: XObjectTransform { no_auto_scale: true, ..Default::default() } },
    ];
    let page = PdfPage::new(Mm(CARD_WIDTH_MM), Mm(CARD_HEIGHT_MM), ops);
    doc.with_pages(vec![page]).save(&PdfSaveOptions::default(), &mut Vec::new())
}

fn measure(name: &str, f: impl FnMut() -> Vec<u8>) -> Row {
    common::measure(name, WARMUP, RUNS, f)
}

fn main() {
    // Arguments (`--bench`, filters) are ignored: the whole table is always measured.
    let (jpeg, png) = (photo(), signature());
    let normal = face(&jpeg, &png, false);
    let long = face(&jpeg, &png, true);
    let print = CardOptions::default();
    let preview = CardOptions { background: true, ..print };
    let rows = [
        measure("baseline: printpdf, 85.6 x 53.98 mm, the photo only", || baseline(&jpeg)),
        measure("card_pdf, print (normal values)", || card_pdf(&normal, &print).unwrap()),
        measure("card_pdf, print (long values, shrunk and wrapped)", || card_pdf(&long, &print).unwrap()),
        measure("card_pdf, preview (normal values, stand-in blank)", || card_pdf(&normal, &preview).unwrap()),
    ];

    let cpu = cpu_model();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!("### Card face (`cargo bench --workspace --features loket-desktop/custom-protocol --bench card`)\n");
    println!("Machine: {cpu}, nproc = {cores}; release profile (thin LTO); {RUNS} runs after {WARMUP} warm-up runs, one thread.");
    println!("Photo {} bytes (300 x 400 JPEG), signature {} bytes (600 x 200 PNG).\n", jpeg.len(), png.len());
    println!("| What | median (ms) | p95 (ms) | size (bytes) | over photo + signature (bytes) |");
    println!("|---|---:|---:|---:|---:|");
    for r in &rows {
        let over = r.bytes as i64 - (jpeg.len() + png.len()) as i64;
        let ms = |d: Duration| format!("{:.2}", d.as_secs_f64() * 1000.0);
        println!("| {} | {} | {} | {} | {} |", r.name, ms(r.median), ms(r.p95), r.bytes, over);
    }
}
