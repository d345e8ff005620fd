//! Paper PDF generation: the A4 Suket letter (with the recorded photo), the A5 pickup receipt (with
//! the collector's signature), the A5 recording receipt, the 80 mm thermal receipt as a roll PDF (and
//! its ESC/POS bytes), each beside a baseline measured in the same run: the smallest printpdf
//! document of the same page size with one line of text, i.e. what any PDF costs here.
//!
//! `cargo bench --bench receipt` prints a markdown table for docs/benchmarks.md.

use std::time::Duration;

mod common;
#[path = "../tests/common/samples.rs"]
mod samples;
use common::{cpu_model, Row};
use samples::receipt;

use loket::documents::{pickup_pdf_a5, receipt_pdf_a5, receipt_thermal, return_slip_pdf_a5, suket_pdf, ReturnSlip};
use loket::thermal::PaperWidth;
use printpdf::{BuiltinFont, Mm, Op, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt, TextItem};

const RUNS: usize = 50;
const WARMUP: usize = 5;

/// The tests' return slip with two missing documents and the short footer.
fn return_slip() -> ReturnSlip {
    let mut s = samples::return_slip();
    s.missing.truncate(2);
    s.footer = Some("Bawa slip ini dan dokumen yang kurang saat kembali.".into());
    s
}

/// The least a PDF costs with printpdf: one page of the given size, one line of built-in Helvetica.
fn baseline_pdf(width_mm: f32, height_mm: f32) -> Vec<u8> {
    let ops = vec![
        Op::StartTextSection,
        Op::SetFont { font: PdfFontHandle::Builtin(BuiltinFont::Helvetica), size: Pt(10.0) },
        Op::SetTextCursor { pos: Point { x: Pt(40.0), y: Pt(40.0) } },
        Op::ShowText { items: vec![TextItem::Text("BP-610109-20261123-0007".into())] },
        Op::EndTextSection,
    ];
    let page = PdfPage::new(Mm(width_mm), Mm(height_mm), ops);
    PdfDocument::new("baseline").with_pages(vec![page]).save(&PdfSaveOptions::default(), &mut Vec::new())
}

/// The page size (mm) of a one-page PDF, read from its /MediaBox.
fn media_box_mm(pdf: &[u8]) -> Option<(f32, f32)> {
    let at = pdf.windows(9).position(|w| w == b"/MediaBox")?;
    let rest = String::from_utf8_lossy(&pdf[at + 9..(at + 120).min(pdf.len())]).into_owned();
    let inside = rest.split('[').nth(1)?.split(']').next()?.to_string();
    let n: Vec<f32> = inside.split_whitespace().filter_map(|t| t.parse().ok()).collect();
    (n.len() == 4).then(|| ((n[2] - n[0]) * 25.4 / 72.0, (n[3] - n[1]) * 25.4 / 72.0))
}

fn measure(name: &str, f: impl FnMut() -> Vec<u8>) -> Row {
    common::measure(name, WARMUP, RUNS, f)
}

fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

fn main() {
    // Arguments (`--bench`, filters) are ignored: the whole table is always measured.
    let r = receipt();
    let s = return_slip();
    let thermal = receipt_thermal(&r, PaperWidth::Mm80);
    let thermal_pdf = thermal.pdf(PaperWidth::Mm80, "Bukti perekaman").unwrap();
    let (tw, th) = media_box_mm(&thermal_pdf).unwrap_or((80.0, 150.0));

    let (letter, pickup) = (samples::suket_letter(), samples::pickup_receipt());
    let photo_bytes = letter.photo_jpeg.len();
    let signature_bytes = pickup.signature_png.as_ref().map_or(0, Vec::len);
    let rows = vec![
        measure("baseline: printpdf, A4, one line of text", || baseline_pdf(210.0, 297.0)),
        measure(&format!("suket_pdf (Suket letter, A4, photo {photo_bytes} B)"), || suket_pdf(&letter).unwrap()),
        measure("baseline: printpdf, A5, one line of text", || baseline_pdf(148.0, 210.0)),
        measure(&format!("pickup_pdf_a5 (pickup receipt, A5, signature {signature_bytes} B)"), || pickup_pdf_a5(&pickup).unwrap()),
        measure("receipt_pdf_a5 (recording receipt, A5)", || receipt_pdf_a5(&r).unwrap()),
        measure("return_slip_pdf_a5 (return slip, 2 items, A5)", || return_slip_pdf_a5(&s).unwrap()),
        measure(&format!("baseline: printpdf, {tw:.0} x {th:.0} mm, one line of text"), || baseline_pdf(tw, th)),
        measure("receipt_thermal(80 mm).pdf (roll PDF)", || {
            receipt_thermal(&r, PaperWidth::Mm80).pdf(PaperWidth::Mm80, "Bukti perekaman").unwrap()
        }),
        measure("receipt_thermal(80 mm).escpos (printer bytes)", || {
            receipt_thermal(&r, PaperWidth::Mm80).escpos(PaperWidth::Mm80)
        }),
    ];

    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    println!("### Receipt generation (`cargo bench --bench receipt`)\n");
    println!(
        "Machine: {}, nproc = {}, {} {}; release profile (thin LTO); {RUNS} runs after {WARMUP} warm-up runs, one thread.\n",
        cpu_model(),
        cores,
        std::env::consts::OS,
        std::env::consts::ARCH
    );
    println!("| What | median (ms) | p95 (ms) | size (bytes) |");
    println!("|---|---:|---:|---:|");
    for row in &rows {
        println!("| {} | {} | {} | {} |", row.name, ms(row.median), ms(row.p95), row.bytes);
    }
}
