//! Thermal printing end to end: ESC/POS to a fake network printer, to a file, an unreachable
//! printer, and the roll-sized PDF checked with poppler (pdfinfo, pdftotext, pdftoppm).

use std::io::Read;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use loket::thermal::{self, PaperWidth, PrinterTarget, TicketSlip, INIT, PARTIAL_CUT};
use loket::ErrorCode;

const TICKET_ID: &str = "0191d3a2-7c4e-7b3a-9f00-5e6d7c8b9a01";

fn ticket() -> TicketSlip {
    TicketSlip {
        office_name: "Kantor Kecamatan Sajingan Besar".into(),
        service_name: "Perekaman KTP-el Baru".into(),
        number: "A-007".into(),
        priority_label: Some("Prioritas: Lansia".into()),
        issued_at: "Sabtu, 21 November 2026 08.15 WIB".into(),
        waiting_ahead: 4,
        qr_payload: TICKET_ID.into(),
        footer: Some("Simpan tiket ini. Nomor dipanggil di layar.".into()),
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn contains(hay: &[u8], needle: &str) -> bool {
    find(hay, needle.as_bytes()).is_some()
}

/// A raw-port printer on loopback that keeps every byte of one job.
fn fake_printer() -> (PrinterTarget, std::thread::JoinHandle<Vec<u8>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let handle = std::thread::spawn(move || {
        let (mut conn, _) = listener.accept().unwrap();
        conn.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let mut got = Vec::new();
        conn.read_to_end(&mut got).unwrap();
        got
    });
    (PrinterTarget::parse(&format!("tcp://{addr}")).unwrap(), handle)
}

#[test]
fn ticket_reaches_a_network_printer_intact() {
    let (target, printer) = fake_printer();
    let bytes = thermal::ticket_escpos(&ticket(), PaperWidth::Mm80);
    thermal::send(&bytes, &target, Duration::from_secs(5)).unwrap();
    let got = printer.join().unwrap();

    assert_eq!(got, bytes, "the printer receives the whole job");
    assert!(got.starts_with(&INIT), "starts with ESC @");
    assert!(contains(&got, "A-007"));
    assert!(contains(&got, "Kantor Kecamatan Sajingan Besar"));
    assert!(contains(&got, "Perekaman KTP-el Baru"));
    assert!(contains(&got, "Menunggu di depan Anda: 4"));
    assert!(contains(&got, "Sabtu, 21 November 2026 08.15 WIB"));
    assert!(contains(&got, "Prioritas: Lansia"));

    // QR: model, then the store command GS ( k pL pH 49 80 48 <ticket id>, then print.
    let store_len = TICKET_ID.len() + 3;
    let mut store = vec![0x1D, b'(', b'k', store_len as u8, (store_len >> 8) as u8, 49, 80, 48];
    store.extend_from_slice(TICKET_ID.as_bytes());
    let at = find(&got, &store).expect("QR store command with the ticket id");
    let model = find(&got, &[0x1D, b'(', b'k', 4, 0, 49, 65, 50, 0]).expect("QR model 2");
    let print = find(&got, &[0x1D, b'(', b'k', 3, 0, 49, 81, 48]).expect("QR print");
    assert!(model < at && at < print);

    // The big number is printed magnified (GS ! with a size above 1x1) right before it.
    let number = find(&got, b"A-007").unwrap();
    let gs_size = got[..number].windows(2).rposition(|w| w == [0x1D, b'!']).expect("GS ! before the number");
    assert!(got[gs_size + 2] >= 0x11, "number is double size or more");
    assert!(got.ends_with(&PARTIAL_CUT), "ends with GS V partial cut");
}

#[test]
fn unreachable_printer_is_named_in_bahasa_indonesia() {
    // A port nothing listens on: bind, note it, close.
    let addr = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let target = PrinterTarget::parse(&format!("tcp://{addr}")).unwrap();
    let timeout = Duration::from_secs(2);
    let started = Instant::now();
    let err = thermal::send(b"\x1b@halo", &target, timeout).unwrap_err();
    assert!(started.elapsed() < timeout + Duration::from_millis(500), "{:?}", started.elapsed());
    assert_eq!(err.code, ErrorCode::PrinterUnavailable);
    assert!(err.message.starts_with(&format!("Printer {addr} tidak dapat dihubungi")), "{}", err.message);
    assert!(err.message.contains("koneksi ditolak"), "{}", err.message);
}

#[test]
fn missing_device_and_unwritable_file_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let dev = PrinterTarget::Device(dir.path().join("lp9"));
    let e = thermal::send(b"x", &dev, Duration::from_secs(1)).unwrap_err();
    assert!(e.message.contains("lp9 tidak dapat dihubungi: perangkat tidak ditemukan"), "{}", e.message);
    let file = PrinterTarget::File(dir.path().join("tidak-ada").join("x.bin"));
    let e = thermal::send(b"x", &file, Duration::from_secs(1)).unwrap_err();
    assert!(
        e.message.starts_with("Berkas cetak") && e.message.ends_with("tidak dapat ditulis: foldernya tidak ada."),
        "{}",
        e.message
    );
}

#[test]
fn file_target_gets_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tiket.bin");
    let target = PrinterTarget::parse(&format!("file://{}", path.display())).unwrap();
    for width in [PaperWidth::Mm58, PaperWidth::Mm80] {
        let bytes = thermal::ticket_escpos(&ticket(), width);
        thermal::send(&bytes, &target, Duration::from_secs(1)).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), bytes, "{width:?}: file replaced by each job");
        // Kept for a look (or `cat target/thermal-ticket-58.bin > /dev/usb/lp0` on a real printer).
        let keep =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("target").join(format!("thermal-ticket-{}.bin", width.mm()));
        let _ = std::fs::write(keep, &bytes);
    }
}

#[test]
fn every_printed_line_fits_58mm() {
    let mut t = ticket();
    t.office_name = "Dinas Kependudukan dan Pencatatan Sipil Kabupaten Kepulauan Seribu Utara".into();
    t.service_name = "Perekaman KTP-el Baru bagi Penduduk yang Baru Berusia 17 Tahun".into();
    let bytes = thermal::ticket_escpos(&t, PaperWidth::Mm58);
    // Text runs between command bytes; none is longer than 32 columns.
    for seg in bytes.split(|b| *b == b'\n') {
        let start = seg.iter().rposition(|b| !(0x20..0x7f).contains(b)).map_or(0, |i| i + 1);
        let text = &seg[start..];
        assert!(text.len() <= 32, "{:?}", String::from_utf8_lossy(text));
    }
    assert!(contains(&bytes, "Dinas Kependudukan dan\n"));
}

fn tool(cmd: &str, args: &[&str]) -> String {
    let out = Command::new(cmd).args(args).output().unwrap_or_else(|e| panic!("{cmd}: {e} (poppler-utils installed?)"));
    assert!(out.status.success(), "{cmd} {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn check_pdf(width: PaperWidth, expected_width_pt: f64) {
    let pdf = thermal::ticket_pdf(&ticket(), width).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tiket.pdf");
    std::fs::write(&path, &pdf).unwrap();
    let p = path.to_str().unwrap();

    let info = tool("pdfinfo", &[p]);
    assert!(info.lines().any(|l| l.starts_with("Pages:") && l.ends_with(" 1")), "{info}");
    let size = info.lines().find(|l| l.starts_with("Page size:")).expect("Page size line");
    let nums: Vec<f64> = size.split_whitespace().filter_map(|w| w.parse().ok()).collect();
    let (w, h) = (nums[0], nums[1]);
    assert!((w - expected_width_pt).abs() < 1.0, "{width:?}: {size}");
    assert!(h < 300.0 * 72.0 / 25.4, "{width:?} too tall: {size}");
    assert!(h > 60.0 * 72.0 / 25.4, "{width:?} suspiciously short: {size}");

    // Lines wrap differently in the PDF (measured widths) than on the printer (columns): compare words.
    let text = tool("pdftotext", &[p, "-"]);
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for needle in
        ["A-007", "Kantor Kecamatan Sajingan Besar", "Menunggu di depan Anda: 4", "Perekaman KTP-el Baru", "08.15 WIB"]
    {
        assert!(text.contains(needle), "{width:?}: {needle:?} missing from:\n{text}");
    }

    let png: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join(format!("thermal-ticket-{}", if width == PaperWidth::Mm58 { 58 } else { 80 }));
    std::fs::create_dir_all(png.parent().unwrap()).unwrap();
    tool("pdftoppm", &["-png", "-r", "150", "-singlefile", p, png.to_str().unwrap()]);
    let png = png.with_extension("png");
    let bytes = std::fs::read(&png).unwrap();
    assert!(bytes.starts_with(b"\x89PNG"));
    // 150 dpi: the image is as wide as the roll (58 mm ≈ 343 px, 80 mm ≈ 472 px).
    let px_w = u32::from_be_bytes(bytes[16..20].try_into().unwrap()) as f64;
    assert!((px_w - expected_width_pt / 72.0 * 150.0).abs() < 2.0, "{px_w}");
}

#[test]
fn pdf_is_58mm_wide() {
    check_pdf(PaperWidth::Mm58, 164.4);
}

#[test]
fn pdf_is_80mm_wide() {
    check_pdf(PaperWidth::Mm80, 226.8);
}

#[test]
fn a_receipt_reuses_the_slip_lines() {
    use loket::thermal::{Align, Size, Slip};
    let slip = Slip::new()
        .text("Kantor Kecamatan Sajingan Besar", Align::Center, Size::TALL, true)
        .center("BUKTI PEREKAMAN KTP-el")
        .separator()
        .pair("Nama", "Siti Nurhaliza Binti Abdullah Rahman", false)
        .pair("NIK", "6101014107990001", true)
        .pair("Waktu", "21-11-2026 08.42 WIB", false)
        .pair("No. bukti", "BP-2026-000123", false)
        .separator()
        .qr("BP-2026-000123")
        .center("Bukan pengganti KTP-el. Simpan untuk mengambil KTP-el.");
    let bytes = slip.escpos(PaperWidth::Mm58);
    assert!(contains(&bytes, &format!("NIK{}6101014107990001\n", " ".repeat(32 - 3 - 16))));
    assert!(contains(&bytes, "Nama\n"), "a long name goes under its label");

    let pdf = slip.pdf(PaperWidth::Mm58, "Bukti perekaman").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bukti.pdf");
    std::fs::write(&path, &pdf).unwrap();
    let text = tool("pdftotext", &[path.to_str().unwrap(), "-"]);
    for needle in ["6101014107990001", "Siti Nurhaliza", "BP-2026-000123", "BUKTI PEREKAMAN"] {
        assert!(text.contains(needle), "{needle:?} missing from:\n{text}");
    }
    let png = Path::new(env!("CARGO_MANIFEST_DIR")).join("target").join("thermal-receipt-58");
    tool("pdftoppm", &["-png", "-r", "150", "-singlefile", path.to_str().unwrap(), png.to_str().unwrap()]);
}
