//! The card printer adapter against a real IPP printer: CUPS's `ippeveprinter` (Debian package
//! cups-ipp-utils) on 127.0.0.1 and ::1 only, one process per test, stopped by a guard.
//!
//! ippeveprinter has no Pause-Printer operation (its operations-supported has none), so its print
//! command (tests/support/card-printer-command.sh) acts out a printer's troubles: a job whose name
//! asks for it makes the command report `STATE: +paused` / `+media-empty` / `+marker-supply-low`
//! (which ippeveprinter then reports in printer-state-reasons, as `paused-report` and so on), or fail
//! with an `ERROR:` line (the job is aborted with that message).
//!
//! ippeveprinter refuses to start without a D-Bus system bus (Avahi client), even with `-r off`;
//! each test gives it a private bus (a dbus-daemon on a Unix socket in the test's temp folder), and
//! `-r off` keeps it from advertising anything.

mod common;

use common::printer::TestPrinter;
use std::process::Command;
use std::time::{Duration, Instant};

use loket::printing::ipp::{
    self, CardPrinter, IppPrinter, JobState, PrinterState, PrinterStatus, PrinterUri,
};
use loket::thermal::{self, PaperWidth, TicketSlip};
use loket::ErrorCode;


fn card_pdf() -> Vec<u8> {
    let slip = TicketSlip {
        office_name: "Dinas Dukcapil Kabupaten Sambas".into(),
        service_name: "Cetak KTP-el (uji printer)".into(),
        number: "KTP-2026-0000123".into(),
        priority_label: None,
        issued_at: "Senin, 1 Desember 2026 09.00 WIB".into(),
        waiting_ahead: 0,
        qr_payload: "0192f0aa-1111-7000-8000-000000000001".into(),
        footer: None,
    };
    let pdf = thermal::ticket_pdf(&slip, PaperWidth::Mm80).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    pdf
}

/// Follows a job until it is final, at most 20 s.
fn follow(p: &dyn CardPrinter, job_id: i32) -> ipp::JobProgress {
    let until = Instant::now() + Duration::from_secs(20);
    loop {
        let progress = p.job_state(job_id).unwrap();
        if progress.state.is_final() {
            return progress;
        }
        assert!(Instant::now() < until, "job {job_id} still {:?}", progress.state);
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Prints one card whose job name makes the printer's command act out a trouble, waits for it to
/// complete, and returns the printer's status after it.
fn act_out(card: &IppPrinter, job_name: &str) -> PrinterStatus {
    let job = card.submit(&card_pdf(), job_name).unwrap();
    assert_eq!(follow(card, job.job_id).state, JobState::Completed, "{job_name}");
    card.status().unwrap()
}

fn run(cmd: &str, args: &[&str]) -> String {
    let out = Command::new(cmd).args(args).output().unwrap_or_else(|e| panic!("{cmd}: {e}"));
    assert!(out.status.success(), "{cmd} {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn a_card_pdf_reaches_the_printer_and_the_job_completes() {
    let printer = TestPrinter::start();
    let device = printer.device();
    let card: &dyn CardPrinter = &device;

    let status = card.status().unwrap();
    assert_eq!(status.state, PrinterState::Idle, "{status:?}");
    assert!(status.accepting);
    assert_eq!(status.reasons, vec!["none".to_string()]);
    assert_eq!(status.reasons_text, vec!["Tidak ada masalah".to_string()]);
    assert_eq!(status.refusal(), None);

    let pdf = card_pdf();
    let job = card.submit(&pdf, "KTP-el 6101050101900001").unwrap();
    assert!(job.job_id > 0);
    assert!(job.job_uri.as_deref().is_some_and(|u| u.ends_with(&format!("/{}", job.job_id))), "{job:?}");

    let done = follow(card, job.job_id);
    assert_eq!(done.state, JobState::Completed, "{done:?}\n{}", printer.log());

    let received = printer.received();
    assert_eq!(received.len(), 1, "{received:?}");
    let file = &received[0];
    assert!(file.file_name().unwrap().to_string_lossy().starts_with(&format!("{}-", job.job_id)));
    assert_eq!(std::fs::read(file).unwrap(), pdf, "the printer received the PDF byte for byte");
    let info = run("pdfinfo", &[file.to_str().unwrap()]);
    assert!(info.lines().any(|l| l.starts_with("Pages:") && l.trim_end().ends_with(" 1")), "{info}");
    let png = printer.dir.path().join("page");
    run("pdftoppm", &["-png", "-r", "50", "-singlefile", file.to_str().unwrap(), png.to_str().unwrap()]);
    let png = std::fs::read(png.with_extension("png")).unwrap();
    assert!(png.starts_with(b"\x89PNG"), "pdftoppm renders the received page");
}

#[test]
fn a_paused_printer_is_refused_before_anything_is_sent() {
    let printer = TestPrinter::start();
    let card = printer.device();
    // The printer's command acts out a pause while printing this job.
    let status = act_out(&card, "uji jeda");
    assert!(status.reasons.iter().any(|r| r.starts_with("paused")), "{status:?}");
    assert!(status.reasons_text.contains(&"Printer dijeda".to_string()), "{status:?}");
    assert!(status.refusal().is_some_and(|r| r.contains("dijeda")));

    let e = card.submit(&card_pdf(), "KTP-el berikutnya").unwrap_err();
    assert_eq!(e.code, ErrorCode::PrinterUnavailable);
    assert!(e.message.contains("dijeda"), "{}", e.message);
    assert!(e.message.contains(&format!("127.0.0.1:{}/ipp/print", printer.port)), "{}", e.message);
    assert!(e.message.contains("tetap di antrean"), "{}", e.message);
    assert_eq!(printer.received().len(), 1, "nothing more reached the printer");
}

#[test]
fn ribbon_low_is_reported_but_prints_and_no_blanks_refuses() {
    let printer = TestPrinter::start();
    let card = printer.device();
    let status = act_out(&card, "uji pita-tipis");
    assert!(status.reasons_text.contains(&"Pita (ribbon) hampir habis".to_string()), "{status:?}");
    assert_eq!(status.refusal(), None, "a low ribbon is a warning: {status:?}");
    let next = card.submit(&card_pdf(), "KTP-el berikutnya").unwrap();
    assert_eq!(follow(&card, next.job_id).state, JobState::Completed);

    let status = act_out(&card, "uji blanko-habis");
    assert!(status.reasons.iter().any(|r| r.starts_with("media-empty")), "{status:?}");
    assert!(status.reasons_text.contains(&"Blangko di printer habis".to_string()), "{status:?}");
    let e = card.submit(&card_pdf(), "KTP-el tanpa blangko").unwrap_err();
    assert_eq!(e.code, ErrorCode::PrinterUnavailable);
    assert!(e.message.contains("Blangko di printer habis"), "{}", e.message);
    assert_eq!(printer.received().len(), 3, "the refused card was not sent");
}

#[test]
fn a_print_that_fails_at_the_printer_is_aborted_with_its_message() {
    let printer = TestPrinter::start();
    let card = printer.device();
    let job = card.submit(&card_pdf(), "uji gagal").unwrap();
    let done = follow(&card, job.job_id);
    assert_eq!(done.state, JobState::Aborted, "{done:?}");
    assert!(done.message.as_deref().is_some_and(|m| m.contains("Pita macet")), "{done:?}");

    let e = card.job_state(job.job_id + 100).unwrap_err();
    assert_eq!(e.code, ErrorCode::PrinterUnavailable);
    assert!(e.message.contains("tidak dikenal"), "{}", e.message);
}

#[test]
fn an_unreachable_printer_is_printer_unavailable_naming_its_address() {
    let mut printer = TestPrinter::start();
    let card = printer.device();
    card.status().unwrap();
    printer.stop();

    let address = format!("127.0.0.1:{}/ipp/print", printer.port);
    let e = card.status().unwrap_err();
    assert_eq!(e.code, ErrorCode::PrinterUnavailable);
    assert!(e.message.contains(&address), "{}", e.message);
    assert!(e.message.contains("tidak dapat dihubungi"), "{}", e.message);
    for raw in ["hyper", "reqwest", "error sending", "tcp connect", "os error"] {
        assert!(!e.message.to_lowercase().contains(raw), "raw transport text: {}", e.message);
    }
    let e = card.submit(&card_pdf(), "KTP-el").unwrap_err();
    assert_eq!(e.code, ErrorCode::PrinterUnavailable);
    assert!(e.message.contains(&address), "{}", e.message);
    let e = card.job_state(1).unwrap_err();
    assert_eq!(e.code, ErrorCode::PrinterUnavailable);
}

#[test]
fn printer_addresses_are_checked_for_the_printer_uri_field() {
    let ok = PrinterUri::parse(" ipp://192.168.1.20/ipp/print ").unwrap();
    assert_eq!(ok.label(), "192.168.1.20:631/ipp/print");
    assert_eq!(ok.as_str(), "ipp://192.168.1.20/ipp/print");
    assert!(!ok.is_secure());
    let tls = PrinterUri::parse("IPPS://evolis-loket.local:8631/ipp/print").unwrap();
    assert!(tls.is_secure());
    assert_eq!(tls.label(), "evolis-loket.local:8631/ipp/print");
    let cups = PrinterUri::parse("http://127.0.0.1:631/printers/Evolis_Primacy_2").unwrap();
    assert_eq!(cups.label(), "127.0.0.1:631/printers/Evolis_Primacy_2");
    assert_eq!(cups.to_string(), "http://127.0.0.1:631/printers/Evolis_Primacy_2");
    let v6 = PrinterUri::parse("ipp://[fe80::1]/ipp/print").unwrap();
    assert_eq!(v6.label(), "[fe80::1]:631/ipp/print");

    for (text, words) in [
        ("", "wajib diisi"),
        ("192.168.1.20", "tidak dikenali"),
        ("tcp://192.168.1.20:9100", "tidak dikenal"),
        ("http://127.0.0.1/printers/Evolis", "port antrean CUPS, biasanya 631"),
        ("http://127.0.0.1:631/", "menyebut antreannya"),
        ("ipp://192.168.1.20:0/ipp/print", "Port printer kartu"),
        ("ipp://192.168.1.20:99999/ipp/print", "Port printer kartu"),
        ("ipp://admin:rahasia@192.168.1.20/ipp/print", "kata sandi"),
        ("ipp://192.168.1.20/ipp/print?x=1", "tanda ?"),
        ("ipp:///ipp/print", "tidak menyebut alamat"),
        ("ipp://fe80::1/ipp/print", "kurung siku"),
        ("ipp://printer kartu/ipp/print", "tidak sah"),
    ] {
        let e = PrinterUri::parse(text).unwrap_err();
        assert_eq!(e.code, ErrorCode::Validation, "{text}");
        assert_eq!(e.field.as_deref(), Some("printer_uri"), "{text}");
        assert!(e.message.contains(words), "{text}: {}", e.message);
    }
}

#[test]
fn the_refusal_names_each_reason_that_stops_a_card() {
    let status = |state, reasons: &[&str], accepting| PrinterStatus {
        state,
        reasons: reasons.iter().map(|r| r.to_string()).collect(),
        message: Some("Ribbon door open".into()),
        accepting,
        reasons_text: reasons.iter().map(|r| ipp::explain_reason(r)).collect(),
    };
    assert_eq!(status(PrinterState::Idle, &["none"], true).refusal(), None);
    assert_eq!(status(PrinterState::Processing, &["marker-supply-low-warning"], true).refusal(), None);
    assert_eq!(
        status(PrinterState::Stopped, &["paused"], true).refusal().as_deref(),
        Some("Printer dijeda")
    );
    assert_eq!(
        status(PrinterState::Stopped, &["media-empty-error", "marker-supply-low-warning"], true).refusal().as_deref(),
        Some("Blangko di printer habis")
    );
    assert_eq!(
        status(PrinterState::Stopped, &["offline-report"], false).refusal().as_deref(),
        Some("Printer tidak terhubung; Printer tidak menerima pekerjaan cetak baru")
    );
    assert_eq!(
        status(PrinterState::Stopped, &["none"], true).refusal().as_deref(),
        Some("Printer berhenti (stopped): Ribbon door open")
    );
    assert_eq!(
        status(PrinterState::Idle, &["com.evolis-ribbon-mismatch-error"], true).refusal().as_deref(),
        Some("Keadaan printer: com.evolis-ribbon-mismatch-error")
    );
    assert_eq!(ipp::explain_reason("marker-supply-low"), "Pita (ribbon) hampir habis");
    assert_eq!(ipp::explain_reason("media-empty-error"), "Blangko di printer habis");
    assert_eq!(ipp::explain_reason("paused"), "Printer dijeda");
    assert_eq!(ipp::explain_reason("offline"), "Printer tidak terhubung");
}
