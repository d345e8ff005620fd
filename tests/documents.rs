//! The applicant's papers (return slip, recording receipt) checked with real tools: poppler's
//! pdfinfo (one A5 page), pdftotext (the text is all there, wrapped not clipped), pdftotext -bbox
//! (every word inside the margins and no two words on top of each other) and pdftoppm (PNGs in
//! `target/documents/` to look at). The thermal versions are checked as ESC/POS bytes.

use std::path::{Path, PathBuf};
use std::process::Command;

#[path = "common/pdf_words.rs"]
mod pdf_words;
#[path = "common/samples.rs"]
mod samples;
use pdf_words::Word;
use samples::{receipt, return_slip};

use loket::documents::{
    receipt_pdf_a5, receipt_thermal, return_slip_pdf_a5, return_slip_thermal, MissingItem, RecordingReceipt, ReturnSlip,
};
use loket::thermal::{PaperWidth, PARTIAL_CUT};
use loket::ErrorCode;

const LONG_NAME: &str =
    "RADEN AJENG SITI NURHALIZA KARTIKASARI PUSPITANINGRUM WULANDARI HADININGRAT BINTI MUHAMMAD ABDULLAH";
const LONG_ADDRESS: &str =
    "JL. PANGERAN DIPONEGORO GANG MAWAR MERAH NO. 117 B RT 012/RW 034, DUSUN SUNGAI KELAPA HILIR, \
DESA SEBUNGA, KECAMATAN SAJINGAN BESAR, KABUPATEN SAMBAS, KALIMANTAN BARAT 79466";
const LONG_OFFICE: &str =
    "Dinas Kependudukan dan Pencatatan Sipil Kabupaten Sambas - Unit Pelayanan Kecamatan Sajingan Besar";

fn long_return_slip() -> ReturnSlip {
    let mut s = return_slip();
    s.office_name = LONG_OFFICE.into();
    s.office_address = Some(LONG_ADDRESS.into());
    s.applicant_name = LONG_NAME.into();
    s.application_type = "Penggantian KTP-el karena rusak atau hilang, disertai perubahan elemen data alamat".into();
    s.officer_name = "Dra. Hj. Nurul Hidayati Kusumawardhani, S.Sos., M.Si.".into();
    s.missing.push(MissingItem {
        name: "Surat keterangan kehilangan dari Kepolisian Sektor setempat".into(),
        status: "Tidak sah".into(),
        note: Some(
            "Surat keterangan sudah lewat masa berlaku; minta surat baru dari Polsek dengan tanggal terbaru \
             dan stempel basah."
                .into(),
        ),
    });
    s.missing.push(MissingItem {
        name: "KTP-el lama yang rusak".into(),
        status: "Tidak ada".into(),
        note: Some("Wajib diserahkan".into()),
    });
    s
}

fn long_receipt() -> RecordingReceipt {
    let mut r = receipt();
    r.office_name = LONG_OFFICE.into();
    r.office_address = Some(LONG_ADDRESS.into());
    r.applicant_name = LONG_NAME.into();
    r.address = LONG_ADDRESS.into();
    r.birth_place_date = "KABUPATEN KEPULAUAN SERIBU UTARA, 17-08-2005".into();
    r.operator_name = "Dra. Hj. Nurul Hidayati Kusumawardhani, S.Sos., M.Si.".into();
    r.qr_payload = "https://dukcapil.sambaskab.go.id/verifikasi/BP-610109-20261123-0007?k=9f00a2c4".into();
    r.notes.push(
        "Apabila bukti ini hilang, laporkan ke kantor kecamatan dengan membawa Kartu Keluarga; bukti pengganti \
         dicetak dari data perekaman yang sama."
            .into(),
    );
    r
}

fn tool(cmd: &str, args: &[&str]) -> String {
    let out = Command::new(cmd).args(args).output().unwrap_or_else(|e| panic!("{cmd}: {e} (poppler-utils installed?)"));
    assert!(out.status.success(), "{cmd} {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn out_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target").join("documents");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Whitespace collapsed, so wrapped text can be searched across line breaks.
fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn words(pdf: &Path) -> Vec<Word> {
    pdf_words::parse(&tool("pdftotext", &["-bbox", pdf.to_str().unwrap(), "-"]))
}

/// When zbar is installed (`apt install zbar-tools`), the QR code on the 100 dpi rendering scans
/// back to its payload.
fn qr_scans(png: &Path, payload: &str) {
    let Ok(out) = Command::new("zbarimg").args(["-q", "--raw"]).arg(png).output() else {
        eprintln!("zbarimg not installed: QR not scanned");
        return;
    };
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), payload, "{}", png.display());
}

/// Write the PDF, check it is one A5 page whose words sit inside the margins without touching one
/// another, render it to `target/documents/<name>.png`, and return its text (`-layout`, squashed)
/// and raw-order text (squashed).
fn check_a5(name: &str, pdf: &[u8], qr: &str) -> (String, String) {
    assert!(pdf.starts_with(b"%PDF-"));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(format!("{name}.pdf"));
    std::fs::write(&path, pdf).unwrap();
    let p = path.to_str().unwrap();

    let info = tool("pdfinfo", &[p]);
    let field =
        |k: &str| info.lines().find(|l| l.starts_with(k)).unwrap_or_else(|| panic!("{k} in {info}")).to_string();
    assert_eq!(field("Pages:").split_whitespace().nth(1), Some("1"), "{info}");
    let size: Vec<f64> =
        field("Page size:").split_whitespace().filter_map(|t| t.parse().ok()).collect::<Vec<_>>()[..2].to_vec();
    assert!((size[0] - 419.53).abs() <= 1.0 && (size[1] - 595.28).abs() <= 1.0, "{info}");

    // Inside the page with a margin of at least 10 mm, and no two words overlapping.
    let ws = words(&path);
    assert!(ws.len() > 40, "{} words", ws.len());
    let margin = 10.0 * 72.0 / 25.4;
    for w in &ws {
        assert!(
            w.x0 >= margin && w.y0 >= margin && w.x1 <= size[0] - margin && w.y1 <= size[1] - margin,
            "{name}: {w:?} outside the margins"
        );
    }
    for (i, a) in ws.iter().enumerate() {
        for b in &ws[i + 1..] {
            // Line boxes may share a hair at the edges; real overlap is more than that.
            let dx = a.x1.min(b.x1) - a.x0.max(b.x0);
            let dy = a.y1.min(b.y1) - a.y0.max(b.y0);
            assert!(dx <= 0.5 || dy <= 1.5, "{name}: {a:?} overlaps {b:?}");
        }
    }

    let png_root = out_dir().join(name);
    tool("pdftoppm", &["-png", "-r", "100", "-singlefile", p, png_root.to_str().unwrap()]);
    let png = png_root.with_extension("png");
    assert!(png.exists());
    qr_scans(&png, qr);
    let _ = std::fs::write(out_dir().join(format!("{name}.pdf")), pdf);

    (squash(&tool("pdftotext", &["-layout", p, "-"])), squash(&tool("pdftotext", &[p, "-"])))
}

#[test]
fn return_slip_a5() {
    let s = return_slip();
    let (text, _) = check_a5("return-slip", &return_slip_pdf_a5(&s).unwrap(), &s.qr_payload);
    for needle in [
        "TANDA PENGEMBALIAN BERKAS",
        "Kantor Kecamatan Sajingan Besar",
        "SITI NURHALIZA",
        "6101091203900001",
        "PMH-20261123-0007",
        "KTP-el baru (pemula)",
        "Fotokopi Kartu Keluarga",
        "Akta Kelahiran",
        "Surat pengantar RT/RW",
        "Tidak sah",
        "Senin, 23 November 2026 09.12 WIB",
        "Budi Santoso",
        "Berkas Anda tidak perlu diisi ulang.",
    ] {
        assert!(text.contains(needle), "{needle:?} not in {text}");
    }
}

#[test]
fn return_slip_a5_long_text_wraps() {
    let s = long_return_slip();
    let (layout, raw) = check_a5("return-slip-long", &return_slip_pdf_a5(&s).unwrap(), &s.qr_payload);
    for needle in [LONG_NAME, LONG_OFFICE, LONG_ADDRESS, "6101091203900001", "PMH-20261123-0007"] {
        assert!(layout.contains(needle), "{needle:?} not in {layout}");
    }
    // Table cells wrap side by side, so `-layout` interleaves them; poppler's reading order keeps
    // each cell together.
    for m in &s.missing {
        assert!(raw.contains(&m.name), "{:?} not in {raw}", m.name);
        if let Some(n) = &m.note {
            assert!(raw.contains(n.as_str()), "{n:?} not in {raw}");
        }
    }
    assert!(raw.contains(&s.officer_name), "{raw}");
}

#[test]
fn receipt_a5() {
    let r = receipt();
    let (text, _) = check_a5("receipt", &receipt_pdf_a5(&r).unwrap(), &r.qr_payload);
    for needle in [
        "BUKTI PEREKAMAN KTP-EL",
        "Kantor Kecamatan Sajingan Besar",
        "SITI NURHALIZA",
        "6101091203900001",
        "BP-610109-20261123-0007",
        "SAMBAS, 17-08-2005",
        "JL. MERDEKA NO. 1 RT 001/RW 002, SEBUNGA, SAJINGAN BESAR",
        "Senin, 23 November 2026 10.05 WIB",
        "Rina Marlina",
        "Simpan bukti ini untuk mengambil KTP-el.",
        "KTP-el dapat diambil setelah status CETAK SIAP.",
    ] {
        assert!(text.contains(needle), "{needle:?} not in {text}");
    }
}

#[test]
fn receipt_a5_long_text_wraps() {
    let r = long_receipt();
    let (layout, raw) = check_a5("receipt-long", &receipt_pdf_a5(&r).unwrap(), &r.qr_payload);
    for needle in [LONG_NAME, LONG_OFFICE, "6101091203900001", "BP-610109-20261123-0007", r.birth_place_date.as_str()] {
        assert!(layout.contains(needle), "{needle:?} not in {layout}");
    }
    // In the letterhead and in the table (where the QR caption sits beside it in `-layout`).
    assert!(layout.contains(LONG_ADDRESS), "{layout}");
    assert_eq!(raw.matches(LONG_ADDRESS).count(), 2, "{raw}");
    for n in &r.notes {
        assert!(raw.contains(n.as_str()), "{n:?} not in {raw}");
    }
    assert!(raw.contains(&r.operator_name), "{raw}");
}

#[test]
fn non_ascii_text_is_transliterated() {
    let mut r = receipt();
    r.applicant_name = "JOSÉ “ÑOÑO” SANTOSO – 日本".into();
    let (text, _) = check_a5("receipt-accents", &receipt_pdf_a5(&r).unwrap(), &r.qr_payload);
    assert!(text.contains("JOSE \"NONO\" SANTOSO - ??"), "{text}");
}

#[test]
fn more_than_a_page_is_refused_not_clipped() {
    let mut s = long_return_slip();
    let item = s.missing[3].clone();
    s.missing = vec![item.clone(); 30];
    let e = return_slip_pdf_a5(&s).unwrap_err();
    assert_eq!(e.code, ErrorCode::Validation);
    assert_eq!(e.field.as_deref(), Some("missing"));
    assert!(e.message.contains("satu halaman"), "{}", e.message);
    // Four of the longest items (two-line name, three-line note) with every other field long
    // still fit, set a little smaller; so do seven ordinary ones.
    s.missing.truncate(4);
    check_a5("return-slip-4-long-items", &return_slip_pdf_a5(&s).unwrap(), &s.qr_payload);
    let mut s = return_slip();
    s.missing = (0..7).map(|i| s.missing[i % 3].clone()).collect();
    check_a5("return-slip-7-items", &return_slip_pdf_a5(&s).unwrap(), &s.qr_payload);
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// The printed text runs (between command bytes) of an ESC/POS job.
fn printed_lines(bytes: &[u8]) -> Vec<String> {
    bytes
        .split(|b| *b == b'\n')
        .map(|seg| {
            let start = seg.iter().rposition(|b| !(0x20..0x7f).contains(b)).map_or(0, |i| i + 1);
            String::from_utf8_lossy(&seg[start..]).into_owned()
        })
        .collect()
}

#[test]
fn receipt_thermal_escpos() {
    let r = receipt();
    let b80 = receipt_thermal(&r, PaperWidth::Mm80).escpos(PaperWidth::Mm80);
    assert!(contains(&b80, "BP-610109-20261123-0007"));
    assert!(contains(&b80, "6101091203900001"));
    assert!(contains(&b80, "SITI NURHALIZA"));
    assert!(b80.ends_with(&PARTIAL_CUT), "ends with a cut");
    let _ = std::fs::write(out_dir().join("receipt-80.bin"), &b80);

    for r in [receipt(), long_receipt()] {
        let b58 = receipt_thermal(&r, PaperWidth::Mm58).escpos(PaperWidth::Mm58);
        assert!(b58.ends_with(&PARTIAL_CUT));
        assert!(contains(&b58, "6101091203900001"));
        for l in printed_lines(&b58) {
            assert!(l.len() <= 32, "{l:?}");
        }
        // The long name arrives whole, in 32-column pieces.
        let text = squash(&printed_lines(&b58).join(" "));
        assert!(text.contains(&r.applicant_name), "{text}");
    }
}

#[test]
fn return_slip_thermal_escpos() {
    for s in [return_slip(), long_return_slip()] {
        for width in [PaperWidth::Mm58, PaperWidth::Mm80] {
            let b = return_slip_thermal(&s, width).escpos(width);
            assert!(b.ends_with(&PARTIAL_CUT));
            let lines = printed_lines(&b);
            for l in &lines {
                assert!(l.len() <= width.columns(), "{width:?}: {l:?}");
            }
            let text = squash(&lines.join(" "));
            for needle in [s.nik.as_str(), &s.application_number, &s.applicant_name] {
                assert!(text.contains(needle), "{needle:?} not in {text}");
            }
            for m in &s.missing {
                assert!(text.contains(&m.name), "{:?} not in {text}", m.name);
            }
        }
    }
}

/// The roll PDFs of the same slips, rendered for a look beside the A5 papers.
#[test]
fn thermal_pdfs_render() {
    let dir = tempfile::tempdir().unwrap();
    let jobs = [
        ("receipt-80mm", receipt_thermal(&receipt(), PaperWidth::Mm80).pdf(PaperWidth::Mm80, "Bukti perekaman")),
        ("receipt-58mm-long", receipt_thermal(&long_receipt(), PaperWidth::Mm58).pdf(PaperWidth::Mm58, "Bukti")),
        ("return-slip-80mm", return_slip_thermal(&return_slip(), PaperWidth::Mm80).pdf(PaperWidth::Mm80, "Tanda")),
    ];
    for (name, pdf) in jobs {
        let path = dir.path().join(format!("{name}.pdf"));
        std::fs::write(&path, pdf.unwrap()).unwrap();
        let p = path.to_str().unwrap();
        assert!(tool("pdfinfo", &[p]).contains("Pages:           1"));
        let png = out_dir().join(name);
        tool("pdftoppm", &["-png", "-r", "150", "-singlefile", p, png.to_str().unwrap()]);
        let text = squash(&tool("pdftotext", &["-layout", p, "-"]));
        assert!(text.contains("6101091203900001"), "{text}");
    }
}
