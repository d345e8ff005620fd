//! The daily backup on a busy office's database: 20,000 finished recordings (photo, signature,
//! biodata and their outbox rows, as `sync::backlog` seeds them, `BP-SEED-…`). Measured:
//! - `backup/fs_copy` — baseline in the same run: `std::fs::copy` of the same (checkpointed) file;
//! - `backup/online_copy` — the SQLite online backup alone, in one read transaction (`Store::snapshot_to`);
//! - `backup/backup_and_verify` — what the schedule runs: online backup to a temporary file,
//!   integrity check, schema version, key-table counts, audit chain, rename, audit head, prune.

mod common;

use common::cpu_model;
use chrono::{Duration, FixedOffset, TimeZone, Utc};
use criterion::{criterion_group, criterion_main, Criterion};
use loket::sync::backlog::Person;
use serde_json::json;
use std::sync::Arc;

const RECORDINGS: usize = 20_000;

fn office(dir: &std::path::Path) -> Arc<loket::App> {
    let clock = Arc::new(loket::clock::ManualClock::new(Utc.with_ymd_and_hms(2026, 12, 1, 10, 30, 0).unwrap()));
    let app = loket::App::open_with_clock(dir, clock).unwrap();
    app.call(None, "setup.initialise", json!({"district_code": "61.01.09", "office_name": "Kantor Bench", "admin_username": "admin",
        "admin_full_name": "Admin", "admin_password": "rahasia-admin-1"})).unwrap();
    let people: Vec<Person> = (0..RECORDINGS)
        .map(|i| Person {
            nik: format!("6101090101{i:06}"),
            full_name: format!("WARGA BENCH {i}"),
            sex: if i % 2 == 0 { "L".into() } else { "P".into() },
            birth_place: "SAMBAS".into(),
            birth_date: "2000-01-01".into(),
        })
        .collect();
    loket::sync::backlog::seed(&app, &people, RECORDINGS, 7).unwrap();
    // Everything in the main file, so the plain copy copies the whole database.
    let c = app.store.connect(false).unwrap();
    c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).unwrap();
    app
}

fn backup(c: &mut Criterion) {
    let data = tempfile::tempdir().unwrap();
    let folder = tempfile::tempdir().unwrap();
    let started = std::time::Instant::now();
    let app = office(data.path());
    let live = app.store.path().to_path_buf();
    let bytes = std::fs::metadata(&live).unwrap().len();
    println!("database: {RECORDINGS} recordings, {bytes} bytes ({:.1} MB), seeded in {:.1} s", bytes as f64 / 1e6, started.elapsed().as_secs_f64());
    println!("machine: {} | {} cores", cpu_model(), std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1));
    let wib = FixedOffset::east_opt(7 * 3600).unwrap();
    let mut tick = 0i64;
    let mut g = c.benchmark_group("backup");
    g.sample_size(10).measurement_time(std::time::Duration::from_secs(40));
    g.bench_function("fs_copy", |b| {
        b.iter(|| {
            let to = folder.path().join("plain-copy.db");
            std::fs::copy(&live, &to).unwrap();
            std::fs::remove_file(&to).unwrap();
        })
    });
    g.bench_function("online_copy", |b| {
        b.iter(|| {
            let to = folder.path().join("online-copy.db");
            app.store.snapshot_to(&to, |_| Ok(())).unwrap();
            std::fs::remove_file(&to).unwrap();
        })
    });
    g.bench_function("backup_and_verify", |b| {
        b.iter(|| {
            tick += 1;
            let now = Utc.with_ymd_and_hms(2026, 12, 1, 10, 30, 0).unwrap() + Duration::seconds(tick);
            loket::backup::backup_into(&app, folder.path(), now, wib, 1).unwrap()
        })
    });
    g.finish();
}

criterion_group!(benches, backup);
criterion_main!(benches);
