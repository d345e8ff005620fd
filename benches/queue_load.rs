//! 50 concurrent HTTP clients issuing tickets against the hub, beside a bare SQLite baseline
//! measured in the same run: one connection inserting one row per transaction, sequentially,
//! with the hub's pragmas (WAL, synchronous=FULL). Reports p50/p99 latency and throughput, and
//! checks that no number was given twice.
//!
//! Run: `cargo bench -p loket --bench queue_load` (numbers go to docs/benchmarks.md by hand).

use serde_json::json;
use std::collections::HashSet;
use std::time::{Duration, Instant};

const CLIENTS: usize = 50;
const PER_CLIENT: usize = 20;
const BASELINE_COMMITS: usize = 1000;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 * p).ceil() as usize).saturating_sub(1).min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn baseline(dir: &std::path::Path) -> Vec<Duration> {
    let conn = rusqlite::Connection::open(dir.join("baseline.db")).unwrap();
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;
         CREATE TABLE t (id INTEGER PRIMARY KEY, number TEXT NOT NULL, at TEXT NOT NULL);",
    )
    .unwrap();
    let mut out = Vec::with_capacity(BASELINE_COMMITS);
    for i in 0..BASELINE_COMMITS {
        let start = Instant::now();
        conn.execute_batch("BEGIN IMMEDIATE").unwrap();
        conn.execute("INSERT INTO t (number, at) VALUES (?1, datetime('now'))", [format!("A-{i:03}")]).unwrap();
        conn.execute_batch("COMMIT").unwrap();
        out.push(start.elapsed());
    }
    out
}

/// A set-up office whose four services are open every day with room for the whole run.
fn office(dir: &std::path::Path) -> (std::sync::Arc<loket::App>, String) {
    let app = loket::App::open(dir).unwrap();
    app.call(None, "setup.initialise", json!({"district_code": "61.01.09", "office_name": "Kantor Bench",
        "admin_username": "admin", "admin_full_name": "Admin", "admin_password": "rahasia-admin-1"})).unwrap();
    let admin = app.call(None, "auth.login", json!({"username": "admin", "password": "rahasia-admin-1"})).unwrap();
    let token = admin["token"].as_str().unwrap().to_string();
    let services = app.call(Some(&token), "queue.service_list", json!({})).unwrap();
    for mut s in services["items"].as_array().unwrap().iter().cloned() {
        s["daily_quota"] = json!(999);
        s["active_days"] = json!("1234567");
        app.call(Some(&token), "queue.service_save", s).unwrap();
    }
    (app, token)
}

fn main() {
    // `cargo bench` passes --bench; a plain `cargo test --benches` run passes nothing: keep it short.
    let quick = !std::env::args().any(|a| a == "--bench");
    let per_client = if quick { 2 } else { PER_CLIENT };
    let dir = tempfile::tempdir_in(std::env::var_os("LOKET_BENCH_DIR").unwrap_or_else(|| std::env::temp_dir().into())).unwrap();

    let mut base = baseline(dir.path());
    base.sort();

    let (app, _) = office(&dir.path().join("hub"));
    let (inproc_app, _) = office(&dir.path().join("inprocess"));
    // The same 50-way concurrency without HTTP: what the store and the command cost alone.
    let inproc_started = Instant::now();
    let threads: Vec<_> = (0..CLIENTS)
        .map(|c| {
            let app = inproc_app.clone();
            std::thread::spawn(move || {
                let prefix = ["A", "B", "C", "D"][c % 4];
                (0..per_client)
                    .map(|_| {
                        let t = Instant::now();
                        app.call(None, "queue.issue", json!({"service_prefix": prefix})).unwrap();
                        t.elapsed()
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let mut inproc: Vec<Duration> = threads.into_iter().flat_map(|t| t.join().unwrap()).collect();
    let inproc_wall = inproc_started.elapsed();
    inproc.sort();

    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let listener = rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let url = format!("http://{}/api/v1/queue.issue", listener.local_addr().unwrap());
    rt.spawn(async move { axum::serve(listener, loket::hub::router(app, None)).await });

    let started = Instant::now();
    let threads: Vec<_> = (0..CLIENTS)
        .map(|c| {
            let url = url.clone();
            std::thread::spawn(move || {
                let client = reqwest::blocking::Client::new();
                let prefix = ["A", "B", "C", "D"][c % 4];
                let mut lat = Vec::with_capacity(per_client);
                let mut numbers = Vec::with_capacity(per_client);
                for _ in 0..per_client {
                    let t = Instant::now();
                    let resp = client.post(&url).json(&json!({"service_prefix": prefix})).send().unwrap();
                    assert!(resp.status().is_success(), "{}", resp.text().unwrap_or_default());
                    let v: serde_json::Value = resp.json().unwrap();
                    lat.push(t.elapsed());
                    numbers.push(v["ticket"]["number"].as_str().unwrap().to_string());
                }
                (lat, numbers)
            })
        })
        .collect();
    let mut lat = Vec::new();
    let mut numbers = Vec::new();
    for t in threads {
        let (l, n) = t.join().unwrap();
        lat.extend(l);
        numbers.extend(n);
    }
    let wall = started.elapsed();
    lat.sort();
    let unique: HashSet<&String> = numbers.iter().collect();
    let duplicates = numbers.len() - unique.len();
    // Each service's numbers must run 001..N with nothing missing.
    let gapless = ["A", "B", "C", "D"].iter().all(|p| {
        let n = numbers.iter().filter(|x| x.starts_with(p)).count();
        (1..=n).all(|i| unique.contains(&format!("{p}-{i:03}")))
    });

    println!("queue_load: {} tickets from {CLIENTS} clients ({per_client} each)", numbers.len());
    println!("| measure | p50 ms | p99 ms | throughput /s |");
    println!("|---|---:|---:|---:|");
    println!(
        "| bare SQLite, 1 row per commit, sequential ({BASELINE_COMMITS}) | {:.2} | {:.2} | {:.0} |",
        ms(percentile(&base, 0.5)),
        ms(percentile(&base, 0.99)),
        BASELINE_COMMITS as f64 / base.iter().sum::<Duration>().as_secs_f64()
    );
    println!(
        "| hub `queue.issue` over HTTP, {CLIENTS} concurrent clients | {:.2} | {:.2} | {:.0} |",
        ms(percentile(&lat, 0.5)),
        ms(percentile(&lat, 0.99)),
        numbers.len() as f64 / wall.as_secs_f64()
    );
    println!(
        "| hub `queue.issue` in-process (no HTTP), {CLIENTS} concurrent threads | {:.2} | {:.2} | {:.0} |",
        ms(percentile(&inproc, 0.5)),
        ms(percentile(&inproc, 0.99)),
        inproc.len() as f64 / inproc_wall.as_secs_f64()
    );
    println!(
        "hub p99 / baseline p99 = {:.2} (goal <= 1.5); duplicates: {duplicates}; gapless per service: {gapless}",
        ms(percentile(&lat, 0.99)) / ms(percentile(&base, 0.99))
    );
    assert_eq!(duplicates, 0, "a ticket number was given twice");
    assert!(gapless, "a number is missing");
}
