//! The supervisor's reports and dashboard on a seeded year of one busy office (60,000 tickets,
//! 25,000 applications, 20,000 recordings, 15,000 prints, 300 complaints; `reports::seed`), each
//! beside a baseline measured in the same run: the bare SQL aggregates of the same numbers (tickets
//! by service and state with the average wait, recordings, prints, hand-overs, application
//! decisions, complaints, blank movements, deliveries to central) over the same days, with no
//! report around them.
//!
//! Goals (issue 12): a day ≤ 300 ms in every format, a month ≤ 1 s, a year ≤ 3 s, the dashboard
//! ≤ 20 ms. `cargo bench --bench reports` prints a markdown table for docs/benchmarks.md.

use std::sync::Arc;
use std::time::{Duration, Instant};

mod common;
use common::{cpu_model, time_runs};

use chrono::{NaiveDate, TimeZone, Utc};
use loket::clock::ManualClock;
use loket::reports::{self, range::Range};
use rusqlite::{params, Connection};
use serde_json::json;

fn bare(c: &Connection, r: &Range) -> i64 {
    let (from, to) = (r.from.to_string(), r.to.to_string());
    let mut n = 0i64;
    let mut one = |sql: &str, p: &[&dyn rusqlite::ToSql]| {
        let mut stmt = c.prepare_cached(sql).unwrap();
        let mut rows = stmt.query(p).unwrap();
        while let Some(row) = rows.next().unwrap() {
            n += row.get::<_, Option<i64>>(0).unwrap().unwrap_or(0);
        }
    };
    one(
        "SELECT COUNT(*), SUM(status = 'done'), SUM(status = 'no_show'),
                AVG(julianday(last_called_at) - julianday(issued_at)) FROM ticket WHERE day BETWEEN ?1 AND ?2 GROUP BY service_id",
        &[&from, &to],
    );
    for sql in [
        "SELECT COUNT(*) FROM recording WHERE status NOT IN ('in_progress', 'cancelled') AND finished_at >= ?1 AND finished_at < ?2",
        "SELECT COUNT(*) FROM print_job WHERE state = 'done' AND finished_at >= ?1 AND finished_at < ?2",
        "SELECT COUNT(*) FROM handover WHERE at >= ?1 AND at < ?2",
        "SELECT COUNT(*) FROM application_event WHERE at >= ?1 AND at < ?2 GROUP BY status",
        "SELECT COUNT(*) FROM complaint WHERE received_at >= ?1 AND received_at < ?2",
        "SELECT COUNT(*) FROM outbox WHERE delivered_at >= ?1 AND delivered_at < ?2",
    ] {
        one(sql, &[&r.start, &r.end]);
    }
    one("SELECT COUNT(*) FROM blank_event WHERE day BETWEEN ?1 AND ?2 GROUP BY kind", &[&from, &to]);
    n
}

/// The dashboard's bare numbers: waiting per service, today's counts.
fn bare_dashboard(c: &Connection, day: &str, r: &Range) -> i64 {
    let mut n: i64 = c
        .query_row("SELECT COUNT(*) FROM ticket WHERE day = ?1 AND status IN ('waiting', 'called', 'parked')", [day], |x| x.get(0))
        .unwrap();
    for sql in [
        "SELECT COUNT(*) FROM recording WHERE finished_at >= ?1 AND finished_at < ?2",
        "SELECT COUNT(*) FROM print_job WHERE state = 'done' AND finished_at >= ?1 AND finished_at < ?2",
        "SELECT COUNT(*) FROM handover WHERE at >= ?1 AND at < ?2",
    ] {
        n += c.query_row(sql, params![r.start, r.end], |x| x.get::<_, i64>(0)).unwrap();
    }
    n += c.query_row("SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL", [], |x| x.get::<_, i64>(0)).unwrap();
    n
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1000.0)
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    // Set up on 1 January 2026, 07.00 WIB; the year is seeded, then the clock stands on 31 December.
    let clock = Arc::new(ManualClock::new(Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap()));
    let app = loket::App::open_with_clock(dir.path(), clock.clone()).unwrap();
    app.call(
        None,
        "setup.initialise",
        json!({"district_code": "61.01.09", "office_name": "Kantor Kecamatan Sajingan Besar", "admin_username": "admin",
               "admin_full_name": "Admin Kantor", "admin_password": "rahasia-admin-1"}),
    )
    .unwrap();
    let staff: String = app.store.read(|c| Ok(c.query_row("SELECT id FROM staff WHERE username = 'admin'", [], |r| r.get(0))?)).unwrap();
    let t = Instant::now();
    let seeded = reports::seed::seed_year(&app, 2026, reports::seed::BUSY, &staff).unwrap();
    let seed_time = t.elapsed();
    clock.advance(Utc.with_ymd_and_hms(2026, 12, 31, 10, 0, 0).unwrap() - app.now());
    let now = app.now();
    let wib = chrono::FixedOffset::east_opt(7 * 3600).unwrap();
    let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let (day, month, year) = ((d("2026-06-17"), d("2026-06-17")), (d("2026-06-01"), d("2026-06-30")), (d("2026-01-01"), d("2026-12-31")));

    let mut rows: Vec<(String, Duration, Duration, usize)> = Vec::new();
    let mut row = |name: &str, runs: usize, f: &mut dyn FnMut() -> usize| {
        let mut size = 0;
        let t = time_runs(1, runs, || size = f());
        rows.push((name.to_string(), t.median, t.p95, size));
    };
    for (label, (from, to), runs) in [("day", day, 10), ("month", month, 5), ("year", year, 3)] {
        let r = Range::new(from, to, wib);
        row(&format!("baseline: bare SQL aggregates, one {label}"), runs * 2, &mut || app.store.read(|c| Ok(bare(c, &r))).unwrap() as usize);
        for format in ["pdf", "xlsx", "csv"] {
            if label != "day" && format == "csv" {
                continue;
            }
            row(&format!("report, one {label}, {format}"), runs, &mut || {
                let report = app.store.read(|c| reports::load(c, from, to, now, "Bench")).unwrap();
                match format {
                    "pdf" => reports::render_pdf(&report).len(),
                    "xlsx" => reports::render_xlsx(&report).unwrap().len(),
                    _ => report
                        .sections
                        .iter()
                        .map(|s| reports::csv::section_csv(s, reports::csv::CsvStyle { separator: b';', decimal_comma: true }).unwrap().len())
                        .sum(),
                }
            });
        }
    }
    // The dashboard at 11.00 WIB on a seeded day.
    let dash_day = d("2026-06-17");
    let dash_now = Utc.with_ymd_and_hms(2026, 6, 17, 4, 0, 0).unwrap();
    let r = Range::day(dash_day, wib);
    row("baseline: bare SQL of the dashboard's counts", 50, &mut || app.store.read(|c| Ok(bare_dashboard(c, "2026-06-17", &r))).unwrap() as usize);
    row("dashboard.today", 50, &mut || {
        let dash = app.store.read(|c| loket::dashboard::today(c, dash_now)).unwrap();
        dash.taken as usize
    });

    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    println!("### Reports and dashboard (`cargo bench --bench reports`)\n");
    println!(
        "Machine: {}, nproc = {cores}, {} {}; release profile; seeded {} working days: {} tickets, {} applications, {} recordings, {} prints, {} hand-overs, {} complaints in {:.1} s.\n",
        cpu_model(),
        std::env::consts::OS,
        std::env::consts::ARCH,
        seeded.days,
        seeded.tickets,
        seeded.applications,
        seeded.recordings,
        seeded.prints,
        seeded.handovers,
        seeded.complaints,
        seed_time.as_secs_f64()
    );
    println!("| what | median ms | p95 ms | output |");
    println!("|---|---:|---:|---:|");
    for (name, median, p95, size) in &rows {
        println!("| {name} | {} | {} | {size} |", ms(*median), ms(*p95));
    }
}
