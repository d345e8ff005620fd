//! Blank card stock: receipts by range and list, refusals that name the serial, spoiling with the
//! corner cut, disposal with a berita acara, the daily posting against a physical count, days of
//! cover, spoilage per operator — and a property test that every serial is always in exactly one
//! state and the day's sum identity holds after every step, whatever happens in between.

mod common;

use chrono::Duration;
use loket::stock::{self, BlankState};
use loket::ErrorCode;
use proptest::prelude::*;
use serde_json::{json, Value};

fn receive(o: &common::Office, sup: &str, report: &str, from: &str, to: &str) -> loket::Result<Value> {
    o.call(sup, "stock.receive", json!({
        "report_number": report, "received_on": "2026-11-23", "blank_version": "V2024",
        "serial_from": from, "serial_to": to,
    }))
}

fn state_of(o: &common::Office, serial: &str) -> BlankState {
    o.app.store.read(|c| Ok(stock::blank(c, serial)?.expect("known serial").state)).unwrap()
}

#[test]
fn a_delivery_is_recorded_once_and_overlaps_are_named() {
    let o = common::office();
    let sup = o.staff_with("sari", &["supervisor"]);
    let printer = o.staff_with("pono", &["print_operator"]);
    let d = receive(&o, &sup, "BA-001/2026", "KTP-0000991", "KTP-0001000").unwrap();
    assert_eq!(d["card_count"], 10);
    assert_eq!(d["first_serial"], "KTP-0000991");
    assert_eq!(d["last_serial"], "KTP-0001000");

    // The print operator reads the stock but cannot receive.
    assert_eq!(receive(&o, &printer, "BA-X", "KTP-1", "KTP-2").unwrap_err().code, ErrorCode::Forbidden);
    // A range overlapping a known one: refused naming the first known serial; nothing written.
    let e = receive(&o, &sup, "BA-002/2026", "KTP-0000995", "KTP-0001005").unwrap_err();
    assert_eq!(e.field.as_deref(), Some("serial_from"));
    assert!(e.message.contains("KTP-0000995"), "{}", e.message);
    // The same berita acara twice.
    let e = receive(&o, &sup, "BA-001/2026", "KTP-0002001", "KTP-0002002").unwrap_err();
    assert_eq!(e.field.as_deref(), Some("report_number"));
    // A list scanned one by one, with a repeat.
    let e = o.call(&sup, "stock.receive", json!({"report_number": "BA-003", "received_on": "2026-11-23", "blank_version": "V2024",
        "serials": ["KTP-0003001", "ktp-0003001"]})).unwrap_err();
    assert!(e.message.contains("KTP-0003001"), "{}", e.message);
    // A delivery in the future.
    let e = o.call(&sup, "stock.receive", json!({"report_number": "BA-004", "received_on": "2026-11-30", "blank_version": "V2024",
        "serials": ["KTP-0004001"]})).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("received_on"));

    let s = o.call(&printer, "stock.summary", json!({})).unwrap();
    assert_eq!(s["counts"]["in_stock"], 10);
    assert_eq!(s["counts"]["total"], 10);
    assert_eq!(s["today"]["movements"]["received"], 10);
    assert_eq!(s["today"]["closing"], 10);
    // 10 left is under the default warning of 50.
    assert!(s["warning"].as_str().unwrap().contains("Sisa blangko 10"), "{s}");
    // Every change is audited.
    let audit = o.call(&sup, "audit.list", json!({})).unwrap();
    assert!(audit.to_string().contains("blank_received"));
}

#[test]
fn spoiling_needs_the_corner_cut_and_a_note_for_other_causes() {
    let o = common::office();
    let sup = o.staff_with("sari", &["supervisor"]);
    let printer = o.staff_with("pono", &["print_operator"]);
    receive(&o, &sup, "BA-1", "B-01", "B-05").unwrap();
    let e = o.call(&printer, "stock.spoil_blank", json!({"serial": "B-01", "cause": "rusak_fisik", "corner_cut": false})).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("corner_cut"));
    let e = o.call(&printer, "stock.spoil_blank", json!({"serial": "B-01", "cause": "lainnya", "corner_cut": true})).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("note"));
    assert_eq!(state_of(&o, "B-01"), BlankState::InStock, "a refusal changes nothing");
    let b = o.call(&printer, "stock.spoil_blank", json!({"serial": "b-01", "cause": "rusak_fisik", "corner_cut": true})).unwrap();
    assert_eq!(b["state"], "spoiled");
    assert_eq!(b["corner_cut"], true);
    // Spoiled once is spoiled: a second time is refused, naming the serial.
    let e = o.call(&printer, "stock.spoil_blank", json!({"serial": "B-01", "cause": "rusak_fisik", "corner_cut": true})).unwrap_err();
    assert!(e.message.contains("B-01") && e.message.contains("rusak"), "{}", e.message);
    let e = o.call(&printer, "stock.spoil_blank", json!({"serial": "B-99", "cause": "rusak_fisik", "corner_cut": true})).unwrap_err();
    assert!(e.message.contains("B-99"), "{}", e.message);

    // The spoiled card and two unused blanks go back to the kabupaten with a berita acara.
    let e = o.call(&sup, "stock.dispose", json!({"serials": ["B-01"], "disposal": "returned", "report_number": "BA-R1", "witnesses": "Sari"})).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("witnesses"));
    let r = o.call(&sup, "stock.dispose", json!({"serials": ["B-01", "B-02", "B-03"], "disposal": "returned", "report_number": "BA-R1", "witnesses": "Sari, Budi"})).unwrap();
    assert_eq!(r["count"], 3);
    // All or nothing: one of these is already returned.
    let e = o.call(&sup, "stock.dispose", json!({"serials": ["B-04", "B-03"], "disposal": "destroyed", "report_number": "BA-D1", "witnesses": "Sari, Budi"})).unwrap_err();
    assert!(e.message.contains("B-03"), "{}", e.message);
    assert_eq!(state_of(&o, "B-04"), BlankState::InStock);

    let s = o.call(&sup, "stock.summary", json!({})).unwrap();
    assert_eq!(s["counts"]["in_stock"], 2);
    assert_eq!(s["counts"]["returned"], 3);
    assert_eq!(s["counts"]["spoiled"], 0, "the spoiled card was returned");
    // Today: 5 received, 1 spoiled, 2 unused returned (the spoiled one left the stock when spoiled).
    assert_eq!(s["today"]["movements"], json!({"received": 5, "printed": 0, "spoiled": 1, "returned": 2}));
    assert_eq!(s["today"]["closing"], 2);
}

#[test]
fn the_daily_posting_balances_or_stays_flagged_until_explained() {
    let (o, sup, printer) = common::stock_office();
    receive(&o, &sup, "BA-1", "C-001", "C-100").unwrap();
    for serial in ["C-001", "C-002"] {
        o.call(&printer, "stock.spoil_blank", json!({"serial": serial, "cause": "printer_macet", "corner_cut": true})).unwrap();
    }
    let p = o.call(&sup, "stock.post_day", json!({"day": "2026-11-23", "physical_count": 98})).unwrap();
    assert_eq!((p["opening"].as_i64(), p["closing"].as_i64(), p["difference"].as_i64()), (Some(0), Some(98), Some(0)));
    assert_eq!(p["flagged"], false);
    let e = o.call(&sup, "stock.post_day", json!({"day": "2026-11-23", "physical_count": 98})).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("day"));

    // Next day (a new login: sessions end after 12 hours): one blank missing from the drawer.
    o.clock.advance(Duration::days(1));
    let (sup, printer) = (o.login("sari", "sandi-baru-123"), o.login("pono", "sandi-baru-123"));
    o.call(&printer, "stock.spoil_blank", json!({"serial": "C-003", "cause": "salah_cetak", "corner_cut": true})).unwrap();
    let p = o.call(&sup, "stock.post_day", json!({"day": "2026-11-24", "physical_count": 96})).unwrap();
    assert_eq!(p["opening"], 98);
    assert_eq!(p["closing"], 97);
    assert_eq!(p["difference"], -1);
    assert_eq!(p["flagged"], true);
    let s = o.call(&sup, "stock.summary", json!({})).unwrap();
    assert_eq!(s["unexplained_postings"][0]["day"], "2026-11-24");
    let e = o.call(&sup, "stock.explain", json!({"day": "2026-11-24", "explanation": "hilang"})).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("explanation"));
    let p = o.call(&sup, "stock.explain", json!({"day": "2026-11-24", "explanation": "Satu blangko terselip di printer, ditemukan sore."})).unwrap();
    assert_eq!(p["flagged"], false);
    assert_eq!(o.call(&sup, "stock.summary", json!({})).unwrap()["unexplained_postings"], json!([]));
    // Bad days and counts name their field; the print operator cannot post.
    assert_eq!(o.call(&sup, "stock.post_day", json!({"day": "2026-12-31", "physical_count": 1})).unwrap_err().field.as_deref(), Some("day"));
    assert_eq!(o.call(&sup, "stock.post_day", json!({"day": "24-11-2026", "physical_count": 1})).unwrap_err().field.as_deref(), Some("day"));
    assert_eq!(o.call(&sup, "stock.post_day", json!({"day": "2026-11-22", "physical_count": -1})).unwrap_err().field.as_deref(), Some("physical_count"));
    assert_eq!(o.call(&printer, "stock.post_day", json!({"day": "2026-11-22", "physical_count": 0})).unwrap_err().code, ErrorCode::Forbidden);

    // Three spoiled over 14 days: 3/14 a day → ~450 days of cover, no warning once above 50 blanks.
    let s = o.call(&sup, "stock.summary", json!({})).unwrap();
    assert!((s["daily_use"].as_f64().unwrap() - 3.0 / 14.0).abs() < 1e-9);
    assert!(s["warning"].is_null(), "{s}");
    let sp = o.call(&sup, "stock.spoilage", json!({"from": "2026-11-23", "to": "2026-11-24"})).unwrap();
    assert_eq!(sp["spoiled"], 3);
    assert_eq!(sp["by_operator"][0]["operator"], "Pegawai pono");
    assert_eq!(sp["by_operator"][0]["above_baseline"], true);
    let causes: Vec<(String, i64)> = sp["by_cause"].as_array().unwrap().iter().map(|c| (c["cause"].as_str().unwrap().to_string(), c["count"].as_i64().unwrap())).collect();
    assert!(causes.contains(&("printer_macet".into(), 2)) && causes.contains(&("salah_cetak".into(), 1)), "{causes:?}");
    let e = o.call(&sup, "stock.spoilage", json!({"from": "2025-01-01", "to": "2026-11-24"})).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("to"));
}

/// One step of a random day at the print station.
#[derive(Debug, Clone)]
enum Step {
    Receive(u8),
    /// A job takes blank n into the printer …
    Hold(u8),
    /// … and the card comes out good,
    Print(u8),
    /// or spoiled (encoder failure, jam, …),
    Spoil(u8),
    /// or the printer never took it (printer down, crash before printing): back in the drawer.
    Release(u8),
    /// Spoiled in the drawer, without a job.
    SpoilLoose(u8),
    Return(u8),
    Destroy(u8),
    NextDay,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (1u8..6).prop_map(Step::Receive),
        any::<u8>().prop_map(Step::Hold),
        any::<u8>().prop_map(Step::Print),
        any::<u8>().prop_map(Step::Spoil),
        any::<u8>().prop_map(Step::Release),
        any::<u8>().prop_map(Step::SpoilLoose),
        any::<u8>().prop_map(Step::Return),
        any::<u8>().prop_map(Step::Destroy),
        Just(Step::NextDay),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Whatever the sequence — and whichever steps are refused — every received serial is in
    /// exactly one state, the counts add up to what was received, a held blank is always in stock,
    /// and each day's opening + received − printed − spoiled − returned equals its closing, which
    /// equals the blanks in stock at the end of that day.
    #[test]
    fn every_blank_is_in_exactly_one_state(steps in proptest::collection::vec(step(), 1..40)) {
        let o = common::office();
        o.long_sessions();
        let mut sup = o.staff_with("sari", &["supervisor"]);
        let staff_id = o.call(&sup, "auth.me", json!({})).unwrap()["staff"]["id"].as_str().unwrap().to_string();
        let mut received: Vec<String> = Vec::new();
        let mut deliveries = 0;
        let mut days = vec![o.app.store.read(|c| Ok(loket::queue::office_day(&loket::setup::require_office(c)?, o.app.now()))).unwrap()];
        let pick = |received: &[String], n: u8| received.get(n as usize % received.len().max(1)).cloned();
        for s in &steps {
            let now = o.app.now();
            let spoil = stock::Spoilage { cause: stock::SpoilCause::GagalEncoding, note: None, corner_cut: true };
            // Refusals are expected (a blank already printed, held by another job, …); each must
            // leave everything as it was, which the checks below see. A refusal is never about
            // the session or the request's shape.
            let outcome: loket::Result<()> = match s {
                Step::Receive(n) => {
                    deliveries += 1;
                    let list: Vec<String> = (0..*n).map(|i| format!("P-{deliveries:03}-{i}")).collect();
                    let r = o.call(&sup, "stock.receive", json!({"report_number": format!("BA-{deliveries}"), "received_on": days.last().unwrap(),
                        "blank_version": "V1", "serials": list}));
                    if r.is_ok() { received.extend(list); }
                    r.map(|_| ())
                }
                Step::Hold(n) => match pick(&received, *n) {
                    Some(serial) => o.app.store.write(move |c| stock::hold_for_job(c, &serial, "job-1").map(|_| ())),
                    None => Ok(()),
                },
                Step::Print(n) => match pick(&received, *n) {
                    Some(serial) => { let st = staff_id.clone(); o.app.store.write(move |c| stock::mark_printed(c, now, &serial, &st, "job-1", None)) }
                    None => Ok(()),
                },
                Step::Spoil(n) => match pick(&received, *n) {
                    Some(serial) => { let st = staff_id.clone(); o.app.store.write(move |c| stock::mark_spoiled(c, now, &serial, &st, Some("job-1"), &spoil, None)) }
                    None => Ok(()),
                },
                Step::Release(n) => match pick(&received, *n) {
                    Some(serial) => o.app.store.write(move |c| stock::release(c, &serial, "job-1")),
                    None => Ok(()),
                },
                Step::SpoilLoose(n) => match pick(&received, *n) {
                    Some(serial) => o.call(&sup, "stock.spoil_blank", json!({"serial": serial, "cause": "rusak_fisik", "corner_cut": true})).map(|_| ()),
                    None => Ok(()),
                },
                Step::Return(n) | Step::Destroy(n) => match pick(&received, *n) {
                    Some(serial) => {
                        let disposal = if matches!(s, Step::Return(_)) { "returned" } else { "destroyed" };
                        o.call(&sup, "stock.dispose", json!({"serials": [serial], "disposal": disposal, "report_number": "BA-X", "witnesses": "A, B"})).map(|_| ())
                    }
                    None => Ok(()),
                },
                Step::NextDay => {
                    o.clock.advance(Duration::days(1));
                    sup = o.login("sari", "sandi-baru-123"); // sessions end after 12 hours
                    days.push(o.app.store.read(|c| Ok(loket::queue::office_day(&loket::setup::require_office(c)?, o.app.now()))).unwrap());
                    Ok(())
                }
            };

            if let Err(e) = &outcome {
                prop_assert!(matches!(e.code, ErrorCode::Conflict | ErrorCode::Validation), "{:?}: {:?}", s, e);
            }
            let counts = o.app.store.read(stock::counts).unwrap();
            prop_assert_eq!(counts.total as usize, received.len());
            prop_assert_eq!(counts.in_stock + counts.printed + counts.spoiled + counts.returned + counts.destroyed, counts.total);
            prop_assert!(counts.in_printer <= counts.in_stock);
            let (states, held_outside): (i64, i64) = o.app.store.read(|c| Ok(c.query_row(
                "SELECT COUNT(DISTINCT serial), COUNT(*) FILTER (WHERE held_by_job IS NOT NULL AND state <> 'in_stock') FROM blank_card",
                [], |r| Ok((r.get(0)?, r.get(1)?)))?)).unwrap();
            prop_assert_eq!(states as usize, received.len());
            prop_assert_eq!(held_outside, 0, "a held blank is always in stock");
            let mut opening = 0;
            for day in &days {
                let d = chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap();
                let b = o.app.store.read(|c| stock::day_balance(c, d)).unwrap();
                prop_assert_eq!(b.opening, opening, "{}: opening is the previous closing", day);
                let m = &b.movements;
                prop_assert_eq!(b.closing, b.opening + m.received - m.printed - m.spoiled - m.returned);
                opening = b.closing;
            }
            prop_assert_eq!(opening, counts.in_stock, "the last closing is what is in stock now");
            let (first, last) = (chrono::NaiveDate::parse_from_str(&days[0], "%Y-%m-%d").unwrap(), chrono::NaiveDate::parse_from_str(days.last().unwrap(), "%Y-%m-%d").unwrap());
            let all = o.app.store.read(|c| stock::balances(c, first, last)).unwrap();
            prop_assert_eq!(all.len(), days.len());
            prop_assert_eq!(all.last().map(|b| b.closing), Some(counts.in_stock), "the grouped reconciliation agrees");
        }
    }
}

#[test]
fn the_monthly_report_is_due_by_the_fifth_as_pdf_and_csv() {
    let (o, sup, printer) = common::stock_office();
    receive(&o, &sup, "BA-11/2026", "N-001", "N-020").unwrap();
    for (serial, cause) in [("N-001", "printer_macet"), ("N-002", "gagal_encoding"), ("N-003", "gagal_encoding")] {
        o.call(&printer, "stock.spoil_blank", json!({"serial": serial, "cause": cause, "corner_cut": true})).unwrap();
    }
    o.call(&sup, "stock.dispose", json!({"serials": ["N-019", "N-020"], "disposal": "returned", "report_number": "BA-R/11", "witnesses": "Sari, Budi"})).unwrap();
    o.call(&sup, "stock.post_day", json!({"day": "2026-11-23", "physical_count": 14})).unwrap();
    // December 2nd: November's report is due by the 5th.
    o.clock.advance(Duration::days(9));
    let (sup, printer) = (o.login("sari", "sandi-baru-123"), o.login("pono", "sandi-baru-123"));
    let s = o.call(&sup, "stock.summary", json!({})).unwrap();
    assert_eq!(s["monthly_due"], json!({"month": "2026-11", "due": "2026-12-05", "overdue": false}));

    let hub = common::hub(o.app.clone());
    let get = |query: &str| common::http().get(format!("{}/api/v1/files/{query}", hub.url)).bearer_auth(&printer).send().unwrap();
    let r = get("stock.monthly_pdf?month=2027-01");
    assert_eq!(r.status(), 422);
    let r = get("stock.monthly_pdf?month=2026-11");
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-disposition"], "inline; filename=\"laporan-blangko-2026-11.pdf\"");
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("laporan.pdf");
    std::fs::write(&pdf, r.bytes().unwrap()).unwrap();
    let text = String::from_utf8(std::process::Command::new("pdftotext").arg("-layout").arg(&pdf).arg("-").output().unwrap().stdout).unwrap();
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for needle in ["LAPORAN BULANAN BLANGKO KTP-EL", "Bulan November 2026", "Stok awal bulan 0", "Diterima dari kabupaten +20", "Rusak -3",
        "(belum terpakai) -2", "Stok akhir bulan 15", "Gagal encoding chip 2", "Printer macet 1", "No. BA-11/2026", "Dikembalikan - No. BA-R/11 2", "Sajingan Besar, 2 Desember 2026 Yang",
        "2026-11-23: belum dijelaskan -1", "Pegawai pono"] {
        assert!(flat.contains(needle), "'{needle}' not in: {flat}");
    }
    let info = String::from_utf8(std::process::Command::new("pdfinfo").arg(&pdf).output().unwrap().stdout).unwrap();
    let field = |k: &str| info.lines().find(|l| l.starts_with(k)).map(|l| l[k.len()..].trim().to_string()).unwrap_or_default();
    assert_eq!(field("Pages:"), "1", "{info}");
    assert!(field("Page size:").ends_with("(A4)"), "{info}");
    let png = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/documents/blank-monthly");
    std::fs::create_dir_all(png.parent().unwrap()).unwrap();
    assert!(std::process::Command::new("pdftoppm").args(["-png", "-r", "70", "-singlefile"]).arg(&pdf).arg(&png).status().unwrap().success());

    let r = get("stock.monthly_csv?month=2026-11");
    assert_eq!(r.headers()["content-type"], "text/csv; charset=utf-8");
    let bytes = r.bytes().unwrap();
    assert!(bytes.starts_with("\u{feff}".as_bytes()), "UTF-8 with BOM for Excel");
    let mut reader = csv::ReaderBuilder::new().delimiter(b';').from_reader(&bytes[3..]);
    let rows: Vec<Vec<String>> = reader.records().map(|r| r.unwrap().iter().map(str::to_string).collect()).collect();
    let find = |a: &str, b: &str| rows.iter().find(|r| r[0] == a && r[1] == b).map(|r| r[2].clone());
    assert_eq!(find("ringkasan", "Stok akhir bulan").as_deref(), Some("15"));
    assert_eq!(find("rusak", "Gagal encoding chip").as_deref(), Some("2"));
    assert_eq!(find("penerimaan", "BA-11/2026").as_deref(), Some("20"));
    assert_eq!(find("rasio", "Rasio kerusakan (%)").as_deref(), Some("100,0"), "3 spoiled of 3 used, with a decimal comma");
    // Made: no longer due.
    assert!(o.call(&sup, "stock.summary", json!({})).unwrap()["monthly_due"].is_null());
}
