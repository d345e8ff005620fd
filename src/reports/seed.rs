//! A synthetic year of one busy kecamatan office, written straight into the store: for the report
//! and dashboard benchmarks (`benches/reports.rs`) and for demos. About 240 tickets, 100
//! applications, 80 recordings, 60 printed cards and 50 hand-overs a working day, and a complaint
//! every few days: over the 250 working days of a year, 60,000 tickets, 25,000 applications,
//! 20,000 recordings, 15,000 prints and 300 complaints. The rows follow the real ones' shape
//! (states, times in order, office-local days), not their every rule: no photos, no audit rows.

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc, Weekday};
use rand::{rngs::StdRng, Rng, SeedableRng};
use rusqlite::params;

use crate::clock::to_db;
use crate::error::Result;
use crate::App;

/// What one working day holds.
#[derive(Debug, Clone, Copy)]
pub struct Scale {
    pub tickets: u32,
    pub applications: u32,
    pub recordings: u32,
    pub prints: u32,
    pub handovers: u32,
    /// One complaint every this many working days (on average).
    pub complaint_every: u32,
}

/// 60,000 tickets, 25,000 applications, 20,000 recordings, 15,000 prints, 300 complaints in 250 days.
pub const BUSY: Scale = Scale { tickets: 240, applications: 100, recordings: 80, prints: 60, handovers: 50, complaint_every: 1 };

#[derive(Debug, Clone, Default)]
pub struct Seeded {
    pub days: u32,
    pub tickets: u32,
    pub applications: u32,
    pub recordings: u32,
    pub prints: u32,
    pub handovers: u32,
    pub complaints: u32,
}

fn working_days(year: i32) -> Vec<NaiveDate> {
    let mut d = NaiveDate::from_ymd_opt(year, 1, 1).expect("a year");
    let mut out = Vec::new();
    while d.year() == year {
        if !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
            out.push(d);
        }
        d += Duration::days(1);
    }
    out.truncate(250);
    out
}

/// Seeds `year` into the office (set up, with its staff `staff_id`). Each day is one transaction.
pub fn seed_year(app: &App, year: i32, scale: Scale, staff_id: &str) -> Result<Seeded> {
    let office = app.store.read(crate::setup::require_office)?;
    let offset = office.offset();
    let district = office.district_code.replace('.', "");
    let village = format!("{}.2001", office.district_code);
    let at = move |d: NaiveDate, minutes: i64| -> DateTime<Utc> {
        offset.from_local_datetime(&d.and_hms_opt(7, 30, 0).expect("07:30")).single().expect("fixed offset").with_timezone(&Utc)
            + Duration::minutes(minutes)
    };
    let mut rng = StdRng::seed_from_u64(2026);
    let mut seeded = Seeded::default();
    let mut prr: std::collections::VecDeque<String> = Default::default();
    let mut printed: std::collections::VecDeque<(String, String, String)> = Default::default();
    let days = working_days(year);
    // Blanks: one delivery a month of what the month prints and spoils, with some to spare.
    let mut serial = 0u32;
    for (n, day) in days.iter().copied().enumerate() {
        let d = day.to_string();
        let plan: Vec<(i64, i64, i64, u8)> = (0..scale.tickets)
            .map(|_| (rng.gen_range(0..420), rng.gen_range(0..45), rng.gen_range(3..25), rng.gen_range(0..100u8)))
            .collect();
        let kinds: Vec<(u8, bool, bool)> = (0..scale.applications).map(|_| (rng.gen_range(0..100u8), rng.gen_bool(0.1), rng.gen_bool(0.02))).collect();
        let complaint = rng.gen_range(0..scale.complaint_every.max(1) * 5) < 6;
        let staff = staff_id.to_string();
        let (district, village) = (district.clone(), village.clone());
        let mut new_prr = Vec::new();
        let take_prr: Vec<String> = (0..scale.prints).filter_map(|_| prr.pop_front()).collect();
        let take_printed: Vec<(String, String, String)> = (0..scale.handovers).filter_map(|_| printed.pop_front()).collect();
        let first_serial = serial;
        serial += take_prr.len() as u32;
        let deliver = n % 21 == 0;
        let out = app.store.write(move |tx| {
            let mut made = Seeded { days: 1, ..Default::default() };
            if deliver {
                let id = uuid::Uuid::now_v7().to_string();
                tx.execute(
                    "INSERT INTO blank_delivery (id, report_number, received_on, blank_version, card_count, received_by, received_at)
                     VALUES (?1, ?2, ?3, 'V1', 1400, ?4, ?5)",
                    params![id, format!("BA-{d}"), d, staff, to_db(at(day, 0))],
                )?;
                for k in 0..1400u32 {
                    let s = format!("KTP-{:07}", first_serial + k);
                    tx.execute("INSERT OR IGNORE INTO blank_card (serial, delivery_id, state_at) VALUES (?1, ?2, ?3)", params![s, id, to_db(at(day, 0))])?;
                    tx.execute(
                        "INSERT INTO blank_event (serial, at, day, kind, staff_id) SELECT ?1, ?2, ?3, 'received', ?4 WHERE changes() > 0",
                        params![s, to_db(at(day, 0)), d, staff],
                    )?;
                }
            }
            let services = [(1i64, 'A', 100u8), (2, 'B', 140), (3, 'C', 210), (4, 'D', 240)];
            let mut seq = [0u32; 4];
            let mut ticket_ids = Vec::new();
            for (i, (issued, wait, service, fate)) in plan.iter().enumerate() {
                let slot = ((i as u32 * 240 / scale.tickets.max(1)) as u8).min(239);
                let k = services.iter().position(|s| slot < s.2).unwrap_or(3);
                seq[k] += 1;
                let (sid, prefix) = (services[k].0, services[k].1);
                let id = uuid::Uuid::now_v7().to_string();
                let issued_at = at(day, *issued);
                let called = issued_at + Duration::minutes(*wait);
                let (status, started, finished) = match fate {
                    0..=4 => ("no_show", None, None),
                    5..=6 => ("closed", None, None),
                    _ => ("done", Some(called + Duration::minutes(1)), Some(called + Duration::minutes(1 + service))),
                };
                let counter = if k < 2 { 1 + (i % 2) as i64 } else { 3 };
                tx.execute(
                    "INSERT INTO ticket (id, day, issued_service_id, seq, number, service_id, issued_at, queued_at, status, counter_id, staff_id,
                        call_count, last_called_at, started_at, finished_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?3, ?6, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                    params![
                        id, d, sid, seq[k], format!("{prefix}-{:03}", seq[k]), to_db(issued_at), status, counter, staff,
                        if status == "closed" { 0 } else { 1 }, (status != "closed").then(|| to_db(called)),
                        started.map(to_db), finished.map(to_db)
                    ],
                )?;
                if k < 2 && status == "done" {
                    ticket_ids.push((id, finished.expect("done")));
                }
                made.tickets += 1;
            }
            let mut recorded_today = 0u32;
            for (i, (kind, returned, exception)) in kinds.iter().enumerate() {
                let Some((ticket, served)) = ticket_ids.get(i % ticket_ids.len().max(1)).cloned() else { break };
                let applicant = uuid::Uuid::now_v7().to_string();
                let nik = format!("{district}{:02}{:02}{:02}{:04}", 1 + (n % 28), 1 + (i % 12), 90 + (i % 9), (n * 131 + i) % 10_000);
                tx.execute(
                    "INSERT OR IGNORE INTO applicant (id, nik, kk_number, full_name, sex, birth_place, birth_date, blood_type, religion, marital_status,
                        occupation, education, citizenship, address, rt, rw, village_code, mobile, created_at, updated_at)
                     VALUES (?1, ?2, ?2, ?3, 'L', 'SAMBAS', '1990-01-01', 'O', 'ISLAM', 'KAWIN', 'WIRASWASTA', 'SLTA/SEDERAJAT', 'WNI',
                        'JL. CONTOH', '001', '002', ?4, '081234567890', ?5, ?5)",
                    params![applicant, nik, format!("PENDUDUK {n}-{i}"), village, to_db(served)],
                )?;
                let applicant: String = tx.query_row("SELECT id FROM applicant WHERE nik = ?1", [&nik], |r| r.get(0))?;
                let app_id = uuid::Uuid::now_v7().to_string();
                let kind_name = match kind {
                    0..=59 => "new",
                    60..=74 => "lost",
                    75..=89 => "damaged",
                    90..=96 => "data_change",
                    _ => "moved_in",
                };
                let checked = served - Duration::minutes(2);
                let status = if *returned {
                    "returned"
                } else if recorded_today < scale.recordings {
                    recorded_today += 1;
                    "recorded"
                } else {
                    "ready_to_record"
                };
                tx.execute(
                    "INSERT INTO application (id, number, applicant_id, kind, status, ticket_id, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
                    params![app_id, format!("PMH-{}-{:04}", d.replace('-', ""), i + 1), applicant, kind_name, status, ticket, to_db(checked - Duration::minutes(8))],
                )?;
                tx.execute(
                    "INSERT INTO application_event (application_id, at, status, staff_id) VALUES (?1, ?2, ?3, ?4)",
                    params![app_id, to_db(checked), if *returned { "returned" } else { "ready_to_record" }, staff],
                )?;
                if *returned {
                    tx.execute(
                        "INSERT INTO document_check (application_id, requirement_id, status, checked_by, checked_at)
                         SELECT ?1, id, 'missing', ?2, ?3 FROM requirement WHERE kind = ?4 ORDER BY sort_order LIMIT 1",
                        params![app_id, staff, to_db(checked), kind_name],
                    )?;
                }
                made.applications += 1;
                if status != "recorded" {
                    continue;
                }
                let rec = uuid::Uuid::now_v7().to_string();
                let done = served + Duration::minutes(6);
                let answer = done + Duration::hours(20);
                tx.execute(
                    "INSERT INTO recording (id, application_id, status, operator_id, started_at, finished_at, receipt_number, status_at)
                     VALUES (?1, ?2, 'print_ready_record', ?3, ?4, ?5, ?6, ?7)",
                    params![rec, app_id, staff, to_db(served), to_db(done), format!("BP-{district}-{}-{:04}", d.replace('-', ""), i + 1), to_db(answer)],
                )?;
                if *exception {
                    tx.execute(
                        "INSERT INTO biometric (recording_id, part, exception_reason, approved_by, captured_at) VALUES (?1, 'left_thumb', 'amputasi', ?2, ?3)",
                        params![rec, staff, to_db(done)],
                    )?;
                }
                tx.execute(
                    "INSERT INTO outbox (record_id, kind, payload, created_at, change_id, delivered_at, outcome) VALUES (?1, 'recording', '{}', ?2, ?3, ?4, 'accepted')",
                    params![rec, to_db(done), uuid::Uuid::now_v7().to_string(), to_db(done + Duration::minutes(40))],
                )?;
                new_prr.push(rec);
                made.recordings += 1;
            }
            // Cards for records that came back print-ready on earlier days.
            let mut cards = Vec::new();
            for (j, rec) in take_prr.iter().enumerate() {
                let job = uuid::Uuid::now_v7().to_string();
                let s = format!("KTP-{:07}", first_serial + j as u32);
                let t = at(day, 30 + j as i64 * 6);
                tx.execute(
                    "INSERT INTO print_job (id, recording_id, state, serial, created_by, created_at, updated_at, finished_at) VALUES (?1, ?2, 'done', ?3, ?4, ?5, ?6, ?6)",
                    params![job, rec, s, staff, to_db(t), to_db(t + Duration::minutes(3))],
                )?;
                tx.execute("UPDATE blank_card SET state = 'printed', state_at = ?2 WHERE serial = ?1", params![s, to_db(t)])?;
                tx.execute("UPDATE recording SET card_printed_at = ?2, card_handed_over = 0 WHERE id = ?1", params![rec, to_db(t + Duration::minutes(3))])?;
                tx.execute(
                    "INSERT INTO blank_event (serial, at, day, kind, from_state, staff_id) VALUES (?1, ?2, ?3, 'printed', 'in_stock', ?4)",
                    params![s, to_db(t), d, staff],
                )?;
                let nik: String = tx.query_row(
                    "SELECT p.nik FROM recording r JOIN application a ON a.id = r.application_id JOIN applicant p ON p.id = a.applicant_id WHERE r.id = ?1",
                    [rec],
                    |r| r.get(0),
                )?;
                cards.push((rec.clone(), job, nik));
                made.prints += 1;
            }
            for (j, (rec, job, nik)) in take_printed.iter().enumerate() {
                let t = at(day, 60 + j as i64 * 7);
                tx.execute("UPDATE handover SET state = 'superseded' WHERE nik = ?1 AND state = 'live'", [nik])?;
                tx.execute(
                    "INSERT INTO handover (id, recording_id, print_job_id, nik, collector, signature, staff_id, at) VALUES (?1, ?2, ?3, ?4, 'applicant', x'89504E47', ?5, ?6)",
                    params![uuid::Uuid::now_v7().to_string(), rec, job, nik, staff, to_db(t)],
                )?;
                tx.execute("UPDATE recording SET card_handed_over = 1 WHERE id = ?1", [rec])?;
                made.handovers += 1;
            }
            if complaint {
                let id = uuid::Uuid::now_v7().to_string();
                let t = at(day, 120);
                let deadline = (day + Duration::days(7)).to_string();
                tx.execute(
                    "INSERT INTO complaint (id, number, day, seq, channel, category, text, state, deadline, received_at, staff_id, updated_at)
                     VALUES (?1, ?2, ?3, 1, 'telepon', 'pelayanan_lambat', 'Antrean terlalu lama.', ?4, ?5, ?6, ?7, ?6)",
                    params![id, format!("ADU-{district}-{}-0001", d.replace('-', "")), d, if n % 3 == 0 { "diterima" } else { "selesai" }, deadline, to_db(t), staff],
                )?;
                tx.execute(
                    "INSERT INTO complaint_event (complaint_id, at, event, state, level, staff_id) VALUES (?1, ?2, 'received', 'diterima', 'supervisor', ?3)",
                    params![id, to_db(t), staff],
                )?;
                made.complaints += 1;
            }
            Ok((made, new_prr, cards))
        })?;
        let (made, new_prr, cards) = out;
        prr.extend(new_prr);
        printed.extend(cards);
        seeded.days += made.days;
        seeded.tickets += made.tickets;
        seeded.applications += made.applications;
        seeded.recordings += made.recordings;
        seeded.prints += made.prints;
        seeded.handovers += made.handovers;
        seeded.complaints += made.complaints;
    }
    Ok(seeded)
}
