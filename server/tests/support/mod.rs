//! Helpers for the sync tests that run real processes (office hub, central) on loopback.
#![allow(dead_code)]

pub mod central_db;
pub mod office;
pub mod pg;
pub mod processes;
pub mod proxy;

use std::path::Path;

use processes::Backend;

/// Every backend a suite runs on, each a fresh, empty store: SQLite under `root` always, and
/// PostgreSQL when `LOKET_TEST_DATABASE_URL` is set.
pub fn backends(root: &Path) -> Vec<Backend> {
    let mut out = vec![Backend::Sqlite(root.join("central"))];
    if let Ok(url) = std::env::var("LOKET_TEST_DATABASE_URL") {
        out.push(Backend::Postgres(pg::fresh_database(&url)));
    }
    out
}
