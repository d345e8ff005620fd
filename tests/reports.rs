//! The daily report on a real SQLite file: a day of tickets driven through the commands with known
//! times, the expected figures computed here from what the test did, and the PDF (pdftotext), the
//! CSV (a CSV parser) and the XLSX (calamine) each read back and compared; the report kept at the
//! day's close and unchanged by what happens after; every refusal with its field.

mod common;

use calamine::{Data, Reader};
use chrono::Duration;
use common::Office;
use loket::ErrorCode;
use serde_json::{json, Value};

const PASSWORD: &str = "sandi-baru-123";

struct Day {
    o: Office,
    hub: common::Hub,
}

impl Day {
    fn token(&self, user: &str) -> String {
        self.o.login(user, PASSWORD)
    }

    fn at(&self, hh: u32, mm: u32) {
        // The office clock to hh:mm WIB on Monday 23 November 2026.
        let target = chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 11, 23, hh - 7, mm, 0).unwrap();
        let now = self.o.app.now();
        assert!(target >= now, "the test's clock only moves forward");
        self.o.clock.advance(target - now);
    }

    fn act(&self, user: &str, cmd: &str, ticket: &Value) -> Value {
        self.o.call(&self.token(user), cmd, json!({"ticket_id": ticket["id"]})).unwrap()
    }

    fn file(&self, name: &str, query: &str) -> (u16, Vec<u8>) {
        let r = common::http()
            .get(format!("{}/api/v1/files/{name}?{query}", self.hub.url))
            .bearer_auth(self.token("sari"))
            .send()
            .unwrap();
        (r.status().as_u16(), r.bytes().unwrap().to_vec())
    }
}

fn issue(o: &Office, prefix: &str) -> Value {
    o.app.call(None, "queue.issue", json!({"service_prefix": prefix})).unwrap()["ticket"].clone()
}

/// The day: five tickets, three served, one no-show, one still waiting at the close.
///
/// | ticket | issued | called | started | finished | wait | service |
/// |---|---|---|---|---|---|---|
/// | A-001 | 08:00 | 08:04 | 08:05 | 08:15 | 4 | 10 (standard 15: met) |
/// | C-001 | 08:03 | 08:06 | 08:07 | 08:12 | 3 | 5 (standard 5: met) |
/// | A-002 | 08:02 | 08:15 | 08:16 | 08:40 | 13 | 24 (not met) |
/// | A-003 | 08:05 | 08:40, again 08:41 and 08:43 | no-show 08:45 | | 38 | |
/// | A-004 | 08:10 | never | | | | |
fn day() -> Day {
    let o = common::office();
    o.long_sessions();
    o.staff_with("sari", &["supervisor"]);
    o.staff_with("kasih", &["counter_officer"]);
    o.staff_with("budi", &["counter_officer"]);
    let hub = common::hub(o.app.clone());
    let d = Day { o, hub };
    d.o.call(&d.token("kasih"), "queue.counter_sign_in", json!({"counter_id": 1})).unwrap();
    d.o.call(&d.token("budi"), "queue.counter_sign_in", json!({"counter_id": 3})).unwrap();
    let a1 = issue(&d.o, "A");
    d.at(8, 2);
    issue(&d.o, "A");
    d.at(8, 3);
    let c1 = issue(&d.o, "C");
    d.at(8, 4);
    let called = d.o.call(&d.token("kasih"), "queue.call_next", json!({})).unwrap();
    assert_eq!(called["ticket"]["id"], a1["id"]);
    d.at(8, 5);
    issue(&d.o, "A");
    d.act("kasih", "queue.start", &a1);
    d.at(8, 6);
    let called_c = d.o.call(&d.token("budi"), "queue.call_next", json!({})).unwrap()["ticket"].clone();
    assert_eq!(called_c["id"], c1["id"]);
    d.at(8, 7);
    d.act("budi", "queue.start", &c1);
    d.at(8, 10);
    issue(&d.o, "A");
    d.at(8, 12);
    d.act("budi", "queue.finish", &c1);
    d.at(8, 15);
    d.act("kasih", "queue.finish", &a1);
    let a2 = d.o.call(&d.token("kasih"), "queue.call_next", json!({})).unwrap()["ticket"].clone();
    assert_eq!(a2["number"], "A-002");
    d.at(8, 16);
    d.act("kasih", "queue.start", &a2);
    d.at(8, 40);
    d.act("kasih", "queue.finish", &a2);
    let a3 = d.o.call(&d.token("kasih"), "queue.call_next", json!({})).unwrap()["ticket"].clone();
    assert_eq!(a3["number"], "A-003");
    // Called three times before the no-show; the wait counts to the last call.
    d.at(8, 41);
    d.act("kasih", "queue.recall", &a3);
    d.at(8, 43);
    d.act("kasih", "queue.recall", &a3);
    d.at(8, 45);
    d.act("kasih", "queue.no_show", &a3);
    d
}

fn pdf_text(bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("laporan.pdf");
    std::fs::write(&path, bytes).unwrap();
    let out = std::process::Command::new("pdftotext").arg("-layout").arg(&path).arg("-").output().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

/// The "Jumlah" row of the queue's per-service table, as the CSV has it.
fn csv_total(bytes: &[u8]) -> Vec<String> {
    assert!(bytes.starts_with("\u{FEFF}".as_bytes()), "UTF-8 with a byte-order mark");
    let mut r = csv::ReaderBuilder::new().delimiter(b';').flexible(true).has_headers(false).from_reader(&bytes[3..]);
    let rows: Vec<Vec<String>> = r.records().map(|x| x.unwrap().iter().map(str::to_string).collect()).collect();
    // Tables are apart by a truly empty line (a spreadsheet shows nothing there), not a quoted `""`.
    let text = String::from_utf8_lossy(&bytes[3..]);
    assert!(text.contains("\n\n") && !text.lines().any(|l| l.trim() == "\"\""), "{text}");
    let header = rows.iter().position(|row| row.first().is_some_and(|c| c == "Layanan")).expect("the per-service table");
    assert_eq!(rows[header][5], "Tunggu rata-rata (menit)", "the unit is in the header");
    rows[header..].iter().find(|row| row.first().is_some_and(|c| c == "Jumlah")).expect("the total row").clone()
}

#[test]
fn the_daily_report_has_the_figures_of_the_day_in_every_format() {
    let d = day();
    d.at(16, 0);
    // The report before the close is computed live; the close keeps it.
    d.o.call(&d.token("sari"), "queue.close_day", json!({})).unwrap();
    let index = d.o.call(&d.token("sari"), "reports.index", json!({})).unwrap();
    assert_eq!(index["kept"][0]["day"], "2026-11-23");
    assert_eq!(index["kept"][0]["generated_by"], "Pegawai sari");
    assert!(index["sections"].as_array().unwrap().iter().any(|s| s["id"] == "standards"));

    // Expected, from the table in `day()`: waits 4, 3, 13, 38 minutes.
    let waits = [4.0f64, 3.0, 13.0, 38.0];
    let avg = waits.iter().sum::<f64>() / waits.len() as f64;
    let (arrived, served, no_show, unserved, within) = (5, 3, 1, 1, 2.0 / 3.0);

    let (status, pdf) = d.file("reports.pdf", "from=2026-11-23&to=2026-11-23");
    assert_eq!(status, 200);
    if let Ok(keep) = std::env::var("LOKET_KEEP_REPORT") {
        std::fs::write(keep, &pdf).unwrap();
    }
    let text = pdf_text(&pdf);
    for needle in ["LAPORAN HARIAN", "Kantor Kecamatan Sajingan Besar", "Senin, 23 November 2026", "Diekspor oleh Pegawai sari", "Antrean",
        "Kedatangan per jam", "Lama menunggu", "Perekaman", "Pengiriman data ke pusat", "Pencetakan dan blangko", "Penyerahan KTP-el dan Suket",
        "Pemenuhan standar pelayanan", "Halaman 1 dari"] {
        assert!(text.contains(needle), "{needle} not in the PDF:\n{text}");
    }
    let total_line = text.lines().find(|l| l.trim_start().starts_with("Jumlah") && l.contains('%')).expect("the queue's total row");
    let cols: Vec<&str> = total_line.split_whitespace().collect();
    let expected = [arrived, served, no_show, unserved].map(|n| n.to_string());
    assert_eq!(cols[1..5], expected, "{total_line}");
    // Tunggu rata-rata, median, P90, terlama (menit), lama layanan, sesuai standar.
    assert_eq!(cols[5..11], [format!("{avg:.1}").replace('.', ","), "4,0".into(), "38,0".into(), "38,0".into(), "13,0".into(), "66,7%".into()], "{total_line}");
    assert!(text.contains("Tunggu rata-rata") && text.contains("(menit)"), "the unit in the header");

    let (status, csv) = d.file("reports.csv", "from=2026-11-23&to=2026-11-23&section=queue");
    assert_eq!(status, 200);
    let total = csv_total(&csv);
    assert_eq!(&total[1..5], [arrived.to_string(), served.to_string(), no_show.to_string(), unserved.to_string()]);
    assert_eq!(total[5], format!("{avg:.1}").replace('.', ","), "decimal comma");
    assert_eq!(total[6], "4,0", "median (nearest rank)");
    assert_eq!(total[7], "38,0", "90th percentile");
    assert_eq!(total[10], format!("{:.1}", within * 100.0).replace('.', ","));
    let (_, point) = d.file("reports.csv", "from=2026-11-23&to=2026-11-23&section=queue&separator=,&decimal=point");
    assert!(String::from_utf8_lossy(&point).contains(&format!("Jumlah,5,3,1,1,{avg:.1},4.0,38.0")), "{}", String::from_utf8_lossy(&point));

    let (status, xlsx) = d.file("reports.xlsx", "from=2026-11-23&to=2026-11-23");
    assert_eq!(status, 200);
    let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx)).unwrap();
    assert!(book.sheet_names().iter().any(|n| n == "Antrean"), "{:?}", book.sheet_names());
    let sheet = book.worksheet_range("Antrean").unwrap();
    let row = sheet.rows().find(|r| matches!(&r[0], Data::String(s) if s == "Jumlah")).expect("the total row");
    assert_eq!(row[1], Data::Float(5.0), "counts are numbers");
    assert_eq!(row[2], Data::Float(3.0));
    // A wait is a duration cell: Excel's fraction of a day, shown [h]:mm:ss.
    let Data::DateTime(wait) = &row[5] else { panic!("a wait is a duration: {:?}", row[5]) };
    assert!(wait.is_duration(), "{wait:?}");
    assert!((wait.as_f64() * 1440.0 - avg).abs() < 1e-6, "{wait:?}");
    assert!(matches!(row[10], Data::Float(x) if (x - within).abs() < 5e-4), "a share, to a tenth of a percent: {:?}", row[10]);

    // What happens after the close does not change the kept day.
    d.at(16, 30);
    issue(&d.o, "A");
    let (_, again) = d.file("reports.csv", "from=2026-11-23&to=2026-11-23&section=queue");
    assert_eq!(csv_total(&again)[1], "5");
}

#[test]
fn closing_the_day_queues_its_summary_for_central_in_the_outbox() {
    let d = day();
    d.at(16, 0);
    d.o.call(&d.token("sari"), "queue.close_day", json!({})).unwrap();
    let rows: Vec<(String, String)> = d
        .o
        .app
        .store
        .read(|c| {
            Ok(c.prepare("SELECT kind, payload FROM outbox WHERE kind = 'daily_summary' ORDER BY seq")?
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?)
        })
        .unwrap();
    assert_eq!(rows.len(), 1, "{rows:?}");
    let payload: Value = serde_json::from_str(&rows[0].1).unwrap();
    assert_eq!(payload["day"], "2026-11-23");
    assert!(payload["generated_at"].as_str().unwrap().starts_with("2026-11-23T09:00:00"), "{payload}");
    let figure = |section: &str, label: &str| {
        payload["figures"].as_array().unwrap().iter().find(|f| f["section"] == section && f["label"] == label).map(|f| f["value"].as_f64().unwrap())
    };
    assert_eq!(figure("queue", "Tiket diambil"), Some(5.0), "{payload}");
    assert_eq!(figure("queue", "Dilayani"), Some(3.0), "{payload}");
    assert!(payload["figures"].as_array().unwrap().iter().all(|f| f["value"].is_number() && f["label"].is_string()), "{payload}");
    // Central receiving it (and refusing a bad one) is server/tests/summaries.rs.
}

#[test]
fn a_report_is_refused_for_days_it_cannot_have_and_for_unknown_parts() {
    let d = day();
    let sari = d.token("sari");
    let refused = |name: &str, payload: Value, field: &str| {
        let e = d.o.app.file(Some(&sari), name, payload).unwrap_err();
        assert_eq!(e.field.as_deref(), Some(field), "{name}: {e:?}");
        e
    };
    let day = |d: &str| json!({"from": d, "to": d});
    let e = refused("reports.pdf", day("2026-11-24"), "to");
    assert!(e.message.contains("belum terjadi"), "{}", e.message);
    let e = refused("reports.pdf", day("2026-11-01"), "from");
    assert!(e.message.contains("mulai memakai"), "{}", e.message);
    refused("reports.pdf", json!({"from": "23-11-2026", "to": "2026-11-23"}), "from");
    refused("reports.xlsx", json!({"from": "2026-11-23", "to": "2026-11-22"}), "to");
    let e = refused("reports.xlsx", json!({"from": "2025-11-01", "to": "2026-11-23"}), "to");
    assert!(e.message.contains("366"), "{}", e.message);
    let e = refused("reports.csv", json!({"from": "2026-11-23", "to": "2026-11-23", "section": "gaji"}), "section");
    assert!(e.message.contains("queue"), "{}", e.message);
    refused("reports.csv", json!({"from": "2026-11-23", "to": "2026-11-23", "section": "queue", "separator": "|"}), "separator");
    refused("reports.csv", json!({"from": "2026-11-23", "to": "2026-11-23", "section": "queue", "separator": ",", "decimal": "comma"}), "decimal");
    // Supervisors and administrators only.
    let e = d.o.app.file(Some(&d.token("kasih")), "reports.pdf", day("2026-11-23")).unwrap_err();
    assert_eq!(e.code, ErrorCode::Forbidden);
    // Before the close, today's report is computed live.
    d.o.clock.advance(Duration::minutes(1));
    let csv = d.o.app.file(Some(&sari), "reports.csv", json!({"from": "2026-11-23", "to": "2026-11-23", "section": "queue"})).unwrap();
    assert_eq!(csv_total(&csv.bytes)[1], "5");
}

#[test]
fn the_index_gives_the_hubs_today_in_the_office_zone_and_marks_the_period_only_sections() {
    // A WIT office (Sentani, Papua, UTC+9): its day starts at 15:00 UTC, whatever the PC's clock says.
    let o = common::empty_office();
    o.app.call(None, "setup.initialise", json!({"district_code": "91.03.01", "office_name": "Kantor Distrik Sentani",
        "admin_username": "admin", "admin_full_name": "Admin Distrik", "admin_password": common::ADMIN_PASSWORD})).unwrap();
    let today = |o: &Office| o.call(&o.admin(), "reports.index", json!({})).unwrap()["today"].as_str().unwrap().to_string();
    // 2026-11-23 01:00 UTC is 10:00 WIT.
    assert_eq!(today(&o), "2026-11-23");
    o.clock.advance(Duration::hours(14) - Duration::seconds(1));
    assert_eq!(today(&o), "2026-11-23", "23:59:59 WIT");
    o.clock.advance(Duration::seconds(1));
    assert_eq!(today(&o), "2026-11-24", "midnight WIT is 15:00 UTC, still the 23rd in UTC and in WIB");
    // The report takes the same day: the 24th is today, the 25th not yet.
    let admin = o.admin();
    assert!(o.app.file(Some(&admin), "reports.pdf", json!({"from": "2026-11-24", "to": "2026-11-24"})).is_ok());
    let e = o.app.file(Some(&admin), "reports.pdf", json!({"from": "2026-11-25", "to": "2026-11-25"})).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("to"), "{e:?}");

    // A WIB office: the same instant is 22:00 on the 23rd.
    let d = day();
    let index = d.o.call(&d.token("sari"), "reports.index", json!({})).unwrap();
    assert_eq!(index["today"], "2026-11-23", "{index}");
    d.o.clock.advance(Duration::hours(15) + Duration::minutes(15));
    assert_eq!(d.o.call(&d.token("sari"), "reports.index", json!({})).unwrap()["today"], "2026-11-24", "00:00 WIB");

    // The sections: the period-only ones first (as a period report prints them), each section once.
    let sections = index["sections"].as_array().unwrap();
    let ids: Vec<&str> = sections.iter().map(|s| s["id"].as_str().unwrap()).collect();
    let period_only: Vec<&str> = sections.iter().filter(|s| s["period_only"] == true).map(|s| s["id"].as_str().unwrap()).collect();
    assert_eq!(period_only, ["comparison", "per_day"], "{index}");
    assert_eq!(&ids[..2], ["comparison", "per_day"]);
    assert_eq!(ids.len(), loket::reports::sections::SECTIONS.len() + 2, "{ids:?}");
    assert!(sections.iter().all(|s| s["title"].as_str().is_some_and(|t| !t.is_empty()) && s["period_only"].is_boolean()), "{index}");
    // What the index says is what the reports have: every section of a two-day range, and of one day
    // all but the period-only ones, which are refused under `section`.
    let sari = d.token("sari");
    for s in sections {
        let id = s["id"].as_str().unwrap();
        let csv = |from: &str, to: &str| d.o.app.file(Some(&sari), "reports.csv", json!({"from": from, "to": to, "section": id}));
        let two_days = csv("2026-11-23", "2026-11-24").unwrap_or_else(|e| panic!("{id} over two days: {e:?}"));
        // Under the title the index gives it (the CSV's first line is the section's title).
        let first_line = String::from_utf8(two_days.bytes[3..].to_vec()).unwrap().lines().next().unwrap().to_string();
        assert_eq!(first_line, s["title"].as_str().unwrap(), "{id}");
        let one = csv("2026-11-23", "2026-11-23");
        if s["period_only"] == true {
            assert_eq!(one.unwrap_err().field.as_deref(), Some("section"), "{id} for one day");
        } else {
            assert!(one.is_ok(), "{id} for one day");
        }
    }
}

#[test]
fn a_period_report_sums_per_day_and_compares_with_the_period_before() {
    let d = day();
    // Tuesday: two more tickets, one served.
    d.o.clock.advance(Duration::days(1));
    d.o.call(&d.token("kasih"), "queue.counter_sign_in", json!({"counter_id": 1})).unwrap();
    let t = issue(&d.o, "A");
    issue(&d.o, "B");
    d.o.call(&d.token("kasih"), "queue.call_next", json!({})).unwrap();
    d.act("kasih", "queue.start", &t);
    d.act("kasih", "queue.finish", &t);
    let (status, csv) = d.file("reports.csv", "from=2026-11-23&to=2026-11-24&section=per_day");
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&csv));
    let text = String::from_utf8(csv[3..].to_vec()).unwrap();
    assert!(text.contains("2026-11-23;5;3;"), "{text}");
    assert!(text.contains("2026-11-24;2;1;"), "{text}");
    assert!(text.contains("Jumlah;7;4;"), "{text}");
    // The two days before (21–22 November, before the office existed): nothing to compare with.
    let (_, csv) = d.file("reports.csv", "from=2026-11-23&to=2026-11-24&section=comparison");
    let text = String::from_utf8(csv[3..].to_vec()).unwrap();
    assert!(text.contains("21 November 2026 sampai 22 November 2026"), "{text}");
    assert!(text.contains("Antrean: Tiket diambil;7;0;"), "{text}");
    let (status, pdf) = d.file("reports.pdf", "from=2026-11-23&to=2026-11-24");
    assert_eq!(status, 200);
    let pdf = pdf_text(&pdf);
    for needle in ["LAPORAN PERIODE", "23 November 2026 sampai 24 November 2026", "Perbandingan dengan periode sebelumnya", "Per hari", "Tren 14 hari"] {
        assert!(pdf.contains(needle), "{needle}");
    }
    let (status, _) = d.file("reports.xlsx", "from=2026-11-23&to=2026-11-24");
    assert_eq!(status, 200);
}

#[test]
fn the_dashboard_counts_today_so_far_and_raises_the_alerts() {
    let d = day();
    // 08:45: A-004 waits since 08:10.
    let dash = d.o.call(&d.token("sari"), "dashboard.today", json!({})).unwrap();
    assert_eq!((dash["taken"].as_u64(), dash["served"].as_u64(), dash["waiting"].as_u64()), (Some(5), Some(3), Some(1)), "{dash}");
    let a = dash["services"].as_array().unwrap().iter().find(|s| s["prefix"] == "A").unwrap().clone();
    assert_eq!((a["taken"].as_u64(), a["served"].as_u64(), a["waiting"].as_u64()), (Some(4), Some(2), Some(1)));
    assert_eq!(a["longest_wait_minutes"], 35.0);
    let hours: Vec<String> = serde_json::from_value(dash["arrivals_hours"].clone()).unwrap();
    let at8 = hours.iter().position(|h| h == "08").unwrap();
    assert_eq!(dash["arrivals"][at8], 5);
    let wait = dash["alerts"].as_array().unwrap().iter().find(|x| x["kind"] == "wait").expect("the long-wait alert").clone();
    assert_eq!(wait["level"], "amber");
    assert!(wait["text"].as_str().unwrap().contains("menunggu 35 menit"), "{dash}");
    assert_eq!(d.o.call(&d.token("kasih"), "dashboard.today", json!({})).unwrap_err().code, ErrorCode::Forbidden);
    // Served: the alert goes.
    d.o.call(&d.token("kasih"), "queue.call_next", json!({})).unwrap();
    let dash = d.o.call(&d.token("sari"), "dashboard.today", json!({})).unwrap();
    assert_eq!(dash["waiting"], 1, "called still counts as waiting to be served");
    assert!(dash["services"][0]["longest_wait_minutes"].is_null(), "nobody is waiting in line any more");
    assert!(!dash["alerts"].as_array().unwrap().iter().any(|x| x["kind"] == "wait"));
}

#[test]
fn the_report_counts_complaints_received_resolved_and_overdue() {
    let d = day();
    let sari = d.token("sari");
    d.o.call(&sari, "complaints.settings_save", json!({"deadline_working_days": 1})).unwrap();
    let create = |text: &str| {
        d.o.call(&d.token("sari"), "complaints.create", json!({"channel": "telepon", "category": "pelayanan_lambat", "text": text})).unwrap()
    };
    // Monday: two complaints, due Tuesday.
    let late = create("Antrean perekaman sangat lama hari ini.");
    let answered = create("Petugas loket tidak ada di tempat pukul 09.00.");
    assert_eq!(late["deadline"], "2026-11-24");
    let step = |id: &Value, state: &str, extra: Value| {
        let mut req = json!({"complaint_id": id, "state": state});
        req.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        d.o.call(&d.token("sari"), "complaints.transition", req).unwrap()
    };
    // Tuesday: the second is answered.
    d.o.clock.advance(Duration::days(1));
    let sari_id: String = d.o.app.store.read(|c| Ok(c.query_row("SELECT id FROM staff WHERE username = 'sari'", [], |r| r.get(0))?)).unwrap();
    step(&answered["id"], "diverifikasi", json!({}));
    step(&answered["id"], "ditindaklanjuti", json!({"assignee_id": sari_id}));
    step(&answered["id"], "selesai", json!({"answer": "Jadwal jaga loket diperbaiki."}));
    // Wednesday: the first is past its deadline.
    d.o.clock.advance(Duration::days(1));
    let (status, csv) = d.file("reports.csv", "from=2026-11-23&to=2026-11-25&section=complaints");
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&csv));
    let text = String::from_utf8(csv[3..].to_vec()).unwrap();
    assert!(text.contains("Pengaduan diterima;2"), "{text}");
    assert!(text.contains("Selesai;1"), "{text}");
    assert!(text.contains("Melewati batas waktu;1"), "{text}");
    assert!(text.contains("Telepon;2"), "{text}");
    // On Monday's own report nothing was overdue yet.
    let (_, csv) = d.file("reports.csv", "from=2026-11-23&to=2026-11-23&section=complaints");
    assert!(String::from_utf8_lossy(&csv).contains("Melewati batas waktu;0"));
    let dash = d.o.call(&d.token("sari"), "dashboard.today", json!({})).unwrap();
    assert_eq!(dash["complaints_overdue"], 1);
    assert_eq!((dash["alerts"][0]["kind"].as_str(), dash["alerts"][0]["level"].as_str()), (Some("complaints"), Some("red")), "{dash}");
}

#[test]
fn a_seeded_year_reads_back_as_many_tickets_recordings_and_prints_as_were_seeded() {
    let dir = tempfile::tempdir().unwrap();
    let clock = std::sync::Arc::new(loket::clock::ManualClock::new(chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 1, 1, 0, 0, 0).unwrap()));
    let app = loket::App::open_with_clock(dir.path(), clock.clone()).unwrap();
    app.call(None, "setup.initialise", json!({"district_code": "61.01.09", "office_name": "Kantor Kecamatan Sajingan Besar",
        "admin_username": "admin", "admin_full_name": "Admin Kantor", "admin_password": common::ADMIN_PASSWORD})).unwrap();
    let staff: String = app.store.read(|c| Ok(c.query_row("SELECT id FROM staff", [], |r| r.get(0))?)).unwrap();
    let scale = loket::reports::seed::Scale { tickets: 12, applications: 5, recordings: 4, prints: 3, handovers: 2, complaint_every: 1 };
    let seeded = loket::reports::seed::seed_year(&app, 2026, scale, &staff).unwrap();
    assert_eq!((seeded.days, seeded.tickets), (250, 3000));
    clock.advance(chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 12, 31, 9, 0, 0).unwrap() - app.now());
    let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let report = app.store.read(|c| loket::reports::compute(c, d("2026-01-01"), d("2026-12-31"), app.now(), "Uji")).unwrap();
    let figure = |section: &str, label: &str| {
        let s = report.sections.iter().find(|s| s.id == section).unwrap();
        s.figures.iter().find(|f| f.label == label).unwrap_or_else(|| panic!("{section}: {label}")).value.value().unwrap() as u32
    };
    assert_eq!(figure("queue", "Tiket diambil"), seeded.tickets);
    assert_eq!(figure("recording", "Perekaman selesai"), seeded.recordings);
    assert_eq!(figure("printing", "KTP-el dicetak"), seeded.prints);
    assert_eq!(figure("handover", "KTP-el diserahkan"), seeded.handovers);
    assert_eq!(figure("complaints", "Pengaduan diterima"), seeded.complaints);
    assert!(seeded.complaints > 100 && seeded.complaints < 400, "about one every working day or so: {}", seeded.complaints);
    // The per-day table sums to the same.
    let per_day = report.sections.iter().find(|s| s.id == "per_day").unwrap();
    let total = per_day.tables[0].rows.last().unwrap();
    assert_eq!(total[1].value(), Some(f64::from(seeded.tickets)));
    assert_eq!(total[3].value(), Some(f64::from(seeded.recordings)));
    let pdf = loket::reports::render_pdf(&report);
    assert!(pdf_text(&pdf).contains("LAPORAN PERIODE"));
    assert!(loket::reports::render_xlsx(&report).unwrap().starts_with(b"PK"));
}
