//! The print station's reads on a busy office, each beside a same-run baseline:
//! - `queue/printing.queue` — the print queue with 5,000 print-ready records (goal ≤ 50 ms),
//!   against `queue/bare_sql`: the same rows (PRR, no card yet, oldest 200) with no job details;
//! - `reconcile/year` — the daily balances of a year of blank movements (≈ 16,000 blanks received,
//!   15,000 printed, ~5% spoiled, goal ≤ 100 ms), against `reconcile/bare_sql`: the grouped count
//!   of the same events per day and kind;
//! - `reconcile/stock.summary` — the stock screen's summary over the same year.
//!
//! Rows are written straight into the store (the bench measures reads, not the seeding).

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use criterion::{criterion_group, criterion_main, Criterion};
use rusqlite::params;
use serde_json::json;
use std::sync::Arc;

fn office() -> (tempfile::TempDir, Arc<loket::App>, String) {
    let dir = tempfile::tempdir().unwrap();
    // 31 December 2026, 15.00 WIB: the end of a busy year.
    let clock = Arc::new(loket::clock::ManualClock::new(Utc.with_ymd_and_hms(2026, 12, 31, 8, 0, 0).unwrap()));
    let app = loket::App::open_with_clock(dir.path(), clock).unwrap();
    app.call(None, "setup.initialise", json!({"district_code": "61.01.09", "office_name": "Kantor Bench", "admin_username": "admin",
        "admin_full_name": "Admin", "admin_password": "rahasia-admin-1"})).unwrap();
    let admin = app.call(None, "auth.login", json!({"username": "admin", "password": "rahasia-admin-1"})).unwrap()["token"].as_str().unwrap().to_string();
    app.call(Some(&admin), "staff.create", json!({"username": "sari", "full_name": "Sari", "roles": ["supervisor", "print_operator"], "initial_password": "sementara-123"})).unwrap();
    let t = app.call(None, "auth.login", json!({"username": "sari", "password": "sementara-123"})).unwrap()["token"].as_str().unwrap().to_string();
    app.call(Some(&t), "auth.change_password", json!({"current_password": "sementara-123", "new_password": "sandi-baru-123"})).unwrap();
    (dir, app, t)
}

/// `n` print-ready recordings (no photo needed for the listing), 10% of them with a card printed.
fn seed_recordings(app: &loket::App, n: usize) {
    app.store.write(move |c| {
        let staff: String = c.query_row("SELECT id FROM staff LIMIT 1", [], |r| r.get(0))?;
        let base = Utc.with_ymd_and_hms(2026, 1, 1, 1, 0, 0).unwrap();
        for i in 0..n {
            let at = loket::clock::to_db(base + Duration::minutes(i as i64 * 90));
            let (p, a, r) = (format!("p{i}"), format!("a{i}"), format!("r{i:06}"));
            c.execute("INSERT INTO applicant (id, nik, kk_number, full_name, sex, birth_place, birth_date, blood_type, religion, marital_status,
                occupation, education, citizenship, address, rt, rw, village_code, mobile, created_at, updated_at)
                VALUES (?1, ?2, '6101090101050003', ?3, 'L', 'SAMBAS', '2000-01-01', 'O', 'ISLAM', 'BELUM KAWIN', 'PELAJAR/MAHASISWA',
                'SLTA/SEDERAJAT', 'WNI', 'JL. MERDEKA', '1', '2', '61.01.09.2002', '081234567890', ?4, ?4)",
                params![p, format!("61010901{:08}", i + 1), format!("WARGA BENCH {i}"), at])?;
            c.execute("INSERT INTO application (id, number, applicant_id, kind, status, created_at, updated_at) VALUES (?1, ?2, ?3, 'new', 'recorded', ?4, ?4)",
                params![a, format!("PMH-B-{i:06}"), p, at])?;
            c.execute("INSERT INTO recording (id, application_id, status, operator_id, started_at, finished_at, receipt_number, status_at)
                VALUES (?1, ?2, 'print_ready_record', ?3, ?4, ?4, ?5, ?4)", params![r, a, staff, at, format!("BP-610109-B-{i:06}")])?;
            if i % 10 == 0 {
                c.execute("INSERT INTO print_job (id, recording_id, state, created_by, created_at, updated_at, finished_at) VALUES (?1, ?2, 'done', ?3, ?4, ?4, ?4)",
                    params![format!("j{i}"), r, staff, at])?;
            }
        }
        Ok(())
    }).unwrap();
}

/// A year of blank movements: a delivery of 400 every ~9 days, ~60 used per working day, ~5% spoiled.
fn seed_year(app: &loket::App) -> usize {
    app.store.write(move |c| {
        let staff: String = c.query_row("SELECT id FROM staff LIMIT 1", [], |r| r.get(0))?;
        let mut serial = 0usize;
        let mut stock: Vec<String> = Vec::new();
        let mut events = 0;
        let first = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        for d in 0..365 {
            let day = first + Duration::days(d);
            let at = loket::clock::to_db(Utc.from_utc_datetime(&day.and_hms_opt(2, 0, 0).unwrap()));
            if d % 9 == 0 {
                let id = format!("d{d}");
                c.execute("INSERT INTO blank_delivery (id, report_number, received_on, blank_version, card_count, received_by, received_at)
                    VALUES (?1, ?2, ?3, 'V1', 400, ?4, ?5)", params![id, format!("BA-{d}"), day.to_string(), staff, at])?;
                for _ in 0..400 {
                    serial += 1;
                    let s = format!("KTP-{serial:07}");
                    c.execute("INSERT INTO blank_card (serial, delivery_id, state_at, state_by) VALUES (?1, ?2, ?3, ?4)", params![s, id, at, staff])?;
                    c.execute("INSERT INTO blank_event (serial, at, day, kind, staff_id) VALUES (?1, ?2, ?3, 'received', ?4)", params![s, at, day.to_string(), staff])?;
                    stock.push(s);
                    events += 1;
                }
            }
            if chrono::Datelike::weekday(&day).number_from_monday() <= 5 {
                for k in 0..60 {
                    let Some(s) = stock.pop() else { break };
                    let (kind, cause) = if k % 20 == 0 { ("spoiled", Some("printer_macet")) } else { ("printed", None) };
                    c.execute("UPDATE blank_card SET state = ?2, cause = ?3 WHERE serial = ?1", params![s, kind, cause])?;
                    c.execute("INSERT INTO blank_event (serial, at, day, kind, from_state, staff_id, cause) VALUES (?1, ?2, ?3, ?4, 'in_stock', ?5, ?6)",
                        params![s, at, day.to_string(), kind, staff, cause])?;
                    events += 1;
                }
            }
        }
        Ok(events)
    }).unwrap()
}

fn queue(c: &mut Criterion) {
    let (_dir, app, token) = office();
    seed_recordings(&app, 5_500);
    let waiting: i64 = app.store.read(|c| Ok(c.query_row("SELECT COUNT(*) FROM recording r WHERE status = 'print_ready_record'
        AND NOT EXISTS (SELECT 1 FROM print_job d WHERE d.recording_id = r.id AND d.state = 'done')", [], |r| r.get(0))?)).unwrap();
    println!("print queue: {waiting} print-ready records without a card");
    let mut g = c.benchmark_group("queue");
    g.bench_function("bare_sql", |b| {
        b.iter(|| {
            app.store.read(|c| {
                let n = c.prepare_cached("SELECT r.id, r.receipt_number, p.nik, p.full_name, r.status_at FROM recording r
                    JOIN application a ON a.id = r.application_id JOIN applicant p ON p.id = a.applicant_id
                    WHERE r.status = 'print_ready_record' AND NOT EXISTS (SELECT 1 FROM print_job d WHERE d.recording_id = r.id AND d.state = 'done')
                    ORDER BY r.status_at LIMIT 201")?.query_map([], |r| r.get::<_, String>(0))?.count();
                Ok(n)
            }).unwrap()
        })
    });
    g.bench_function("printing.queue", |b| b.iter(|| app.call(Some(&token), "printing.queue", json!({})).unwrap()));
    g.bench_function("printing.queue_search_name", |b| b.iter(|| app.call(Some(&token), "printing.queue", json!({"search": "bench 4999"})).unwrap()));
    g.finish();
}

fn reconcile(c: &mut Criterion) {
    let (_dir, app, token) = office();
    let events = seed_year(&app);
    println!("reconciliation: {events} blank events over 2026");
    let (from, to) = (NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(), NaiveDate::from_ymd_opt(2026, 12, 31).unwrap());
    let check = app.store.read(|c| loket::stock::balances(c, from, to)).unwrap();
    let counts = app.store.read(loket::stock::counts).unwrap();
    assert_eq!(check.last().unwrap().closing, counts.in_stock, "the year's reconciliation ends at the stock");
    let mut g = c.benchmark_group("reconcile");
    g.bench_function("bare_sql", |b| {
        b.iter(|| {
            app.store.read(|c| {
                let n = c.prepare_cached("SELECT day, kind, COUNT(*) FROM blank_event WHERE day BETWEEN ?1 AND ?2
                    AND (kind = 'received' OR from_state = 'in_stock') GROUP BY day, kind")?
                    .query_map(["2026-01-01", "2026-12-31"], |r| r.get::<_, i64>(2))?.count();
                Ok(n)
            }).unwrap()
        })
    });
    g.bench_function("year", |b| b.iter(|| app.store.read(|c| loket::stock::balances(c, from, to)).unwrap()));
    g.bench_function("stock.summary", |b| b.iter(|| app.call(Some(&token), "stock.summary", json!({})).unwrap()));
    g.finish();
}

criterion_group!(benches, queue, reconcile);
criterion_main!(benches);
