//! Concurrent clients issuing tickets against the hub, beside a bare SQLite baseline measured in the
//! same run: one connection inserting one row per transaction, sequentially, with the hub's pragmas
//! (WAL, synchronous=FULL). Reports p50/p99 latency and throughput for 10 clients (an office's
//! kiosks and counters) and 50, over HTTP and in-process, and checks that no number was given twice
//! and none is missing.
//!
//! The load generator must not measure itself: all HTTP clients are virtual clients on ONE
//! current-thread tokio runtime sharing ONE `reqwest::Client` (built once: with native-tls every
//! client loads the system CA store), and their connections are opened before the clock starts.
//! The hub gets its own 2-worker runtime, as in `loket serve` on a 2-core office PC.
//!
//! Run: `cargo bench -p loket --bench queue_load` (numbers go to docs/benchmarks.md by hand).
//! Short run: without `--bench` (as `cargo test --benches` runs it) or with `QUEUE_LOAD_QUICK=1`.

use serde_json::json;
use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Concurrent clients per run: an office's kiosks and counters, and a stress figure.
const CLIENT_COUNTS: [usize; 2] = [10, 50];
/// Tickets per run; each client issues `TICKETS / clients` one after another.
const TICKETS: usize = 1000;
const QUICK_TICKETS: usize = 100;
const BASELINE_COMMITS: usize = 1000;
const PREFIXES: [&str; 4] = ["A", "B", "C", "D"];

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 * p).ceil() as usize).saturating_sub(1).min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn baseline(dir: &std::path::Path, commits: usize) -> Vec<Duration> {
    let conn = rusqlite::Connection::open(dir.join("baseline.db")).unwrap();
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;
         CREATE TABLE t (id INTEGER PRIMARY KEY, number TEXT NOT NULL, at TEXT NOT NULL);",
    )
    .unwrap();
    let mut out = Vec::with_capacity(commits);
    for i in 0..commits {
        let start = Instant::now();
        conn.execute_batch("BEGIN IMMEDIATE").unwrap();
        conn.execute("INSERT INTO t (number, at) VALUES (?1, datetime('now'))", [format!("A-{i:03}")]).unwrap();
        conn.execute_batch("COMMIT").unwrap();
        out.push(start.elapsed());
    }
    out
}

/// A set-up office whose four services are open every day with room for the whole run.
fn office(dir: &std::path::Path) -> Arc<loket::App> {
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
    app
}

/// One run's latencies (sorted), wall time and the numbers given.
struct Run {
    latencies: Vec<Duration>,
    wall: Duration,
    numbers: Vec<String>,
}

impl Run {
    fn new(mut latencies: Vec<Duration>, wall: Duration, numbers: Vec<String>) -> Run {
        latencies.sort();
        Run { latencies, wall, numbers }
    }

    fn row(&self, what: &str) -> String {
        format!(
            "| {what} | {:.2} | {:.2} | {:.0} |",
            ms(percentile(&self.latencies, 0.5)),
            ms(percentile(&self.latencies, 0.99)),
            self.latencies.len() as f64 / self.wall.as_secs_f64()
        )
    }

    /// No number given twice, and each service's numbers run 001..N with nothing missing.
    fn check(&self, what: &str) {
        let unique: HashSet<&String> = self.numbers.iter().collect();
        let duplicates = self.numbers.len() - unique.len();
        let gapless = PREFIXES.iter().all(|p| {
            let n = self.numbers.iter().filter(|x| x.starts_with(p)).count();
            (1..=n).all(|i| unique.contains(&format!("{p}-{i:03}")))
        });
        println!("{what}: {} tickets; duplicates: {duplicates}; gapless per service: {gapless}", self.numbers.len());
        assert_eq!(duplicates, 0, "{what}: a ticket number was given twice");
        assert!(gapless, "{what}: a number is missing");
    }
}

/// `clients` threads calling the command directly (what the Tauri IPC adapter does), no HTTP.
fn in_process(app: &Arc<loket::App>, clients: usize, per_client: usize) -> Run {
    let start = Arc::new(std::sync::Barrier::new(clients + 1));
    let threads: Vec<_> = (0..clients)
        .map(|c| {
            let (app, start) = (app.clone(), start.clone());
            std::thread::spawn(move || {
                let prefix = PREFIXES[c % PREFIXES.len()];
                start.wait();
                (0..per_client)
                    .map(|_| {
                        let t = Instant::now();
                        let v = app.call(None, "queue.issue", json!({"service_prefix": prefix})).unwrap();
                        (t.elapsed(), v["ticket"]["number"].as_str().unwrap().to_string())
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    start.wait();
    let started = Instant::now();
    let results: Vec<(Duration, String)> = threads.into_iter().flat_map(|t| t.join().unwrap()).collect();
    let wall = started.elapsed();
    let (latencies, numbers) = results.into_iter().unzip();
    Run::new(latencies, wall, numbers)
}

/// `clients` virtual clients on the generator's one runtime and one connection pool, each issuing
/// `per_client` tickets one after another over HTTP.
async fn over_http(http: &reqwest::Client, base: &str, clients: usize, per_client: usize) -> Run {
    // Open every client's connection before the clock starts: `clients` requests at once leave
    // `clients` idle connections in the pool.
    let health = format!("{base}/api/v1/health");
    let mut warm = tokio::task::JoinSet::new();
    for _ in 0..clients {
        let (http, health) = (http.clone(), health.clone());
        warm.spawn(async move {
            let resp = http.get(&health).send().await.unwrap();
            assert!(resp.status().is_success());
            resp.bytes().await.unwrap();
        });
    }
    warm.join_all().await;

    let url = format!("{base}/api/v1/queue.issue");
    let started = Instant::now();
    let mut runs = tokio::task::JoinSet::new();
    for c in 0..clients {
        let (http, url) = (http.clone(), url.clone());
        runs.spawn(async move {
            let body = json!({"service_prefix": PREFIXES[c % PREFIXES.len()]});
            let mut out = Vec::with_capacity(per_client);
            for _ in 0..per_client {
                let t = Instant::now();
                let resp = http.post(&url).json(&body).send().await.unwrap();
                let status = resp.status();
                let bytes = resp.bytes().await.unwrap();
                assert!(status.is_success(), "{status}: {}", String::from_utf8_lossy(&bytes));
                let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
                out.push((t.elapsed(), v["ticket"]["number"].as_str().unwrap().to_string()));
            }
            out
        });
    }
    let results: Vec<(Duration, String)> = runs.join_all().await.into_iter().flatten().collect();
    let wall = started.elapsed();
    let (latencies, numbers) = results.into_iter().unzip();
    Run::new(latencies, wall, numbers)
}

fn main() {
    // `cargo bench` passes --bench; a plain `cargo test --benches` run passes nothing: keep it short.
    let quick = !std::env::args().any(|a| a == "--bench") || std::env::var_os("QUEUE_LOAD_QUICK").is_some();
    let tickets = if quick { QUICK_TICKETS } else { TICKETS };
    let commits = if quick { QUICK_TICKETS } else { BASELINE_COMMITS };
    let dir = tempfile::tempdir_in(std::env::var_os("LOKET_BENCH_DIR").unwrap_or_else(|| std::env::temp_dir().into())).unwrap();

    let mut base = baseline(dir.path(), commits);
    base.sort();

    // The hub as `loket serve` runs it; one fresh office per run so every run's numbers start at 001.
    let hub_rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let serve = |name: String| {
        let app = office(&dir.path().join(name));
        let listener = hub_rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        hub_rt.spawn(async move { axum::serve(listener, loket::hub::router(app, None)).await });
        base
    };
    // The load generator: one thread, one runtime, one client, built before any clock starts.
    let client_rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let http = client_rt.block_on(async { reqwest::Client::builder().pool_max_idle_per_host(usize::MAX).build().unwrap() });

    let mut rows = Vec::new();
    let mut ratios = Vec::new();
    for clients in CLIENT_COUNTS {
        let per_client = tickets / clients;
        let base_url = serve(format!("hub-{clients}"));
        let http_run = client_rt.block_on(over_http(&http, &base_url, clients, per_client));
        http_run.check(&format!("HTTP, {clients} clients"));
        let inproc = in_process(&office(&dir.path().join(format!("inprocess-{clients}"))), clients, per_client);
        inproc.check(&format!("in-process, {clients} threads"));
        rows.push(http_run.row(&format!("hub `queue.issue` over HTTP, {clients} concurrent clients")));
        rows.push(inproc.row(&format!("hub `queue.issue` in-process (no HTTP), {clients} concurrent threads")));
        ratios.push(format!("{clients} clients {:.2}", ms(percentile(&http_run.latencies, 0.99)) / ms(percentile(&base, 0.99))));
    }

    println!("queue_load: {tickets} tickets per run{}", if quick { " (short run)" } else { "" });
    println!("| measure | p50 ms | p99 ms | throughput /s |");
    println!("|---|---:|---:|---:|");
    println!(
        "| bare SQLite, 1 row per commit, sequential ({commits}) | {:.2} | {:.2} | {:.0} |",
        ms(percentile(&base, 0.5)),
        ms(percentile(&base, 0.99)),
        commits as f64 / base.iter().sum::<Duration>().as_secs_f64()
    );
    for row in rows {
        println!("{row}");
    }
    println!("hub p99 over HTTP / baseline p99: {} (goal <= 1.5)", ratios.join(", "));
}
