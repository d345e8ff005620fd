//! Looking into central's storage from a test (while the server runs), and the backup and restore
//! an administrator would do: a file copy for SQLite, a template copy for PostgreSQL.

use super::processes::Backend;
use loket_central::storage::{self, Target};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn target(backend: &Backend) -> Target {
    match backend {
        Backend::Sqlite(dir) => Target::Sqlite(dir.clone()),
        Backend::Postgres(url) => Target::Postgres(url.clone()),
    }
}

/// The record ids central holds from the devices of `office`, and how many rows that was.
pub fn record_ids(backend: &Backend, office: &str) -> (BTreeSet<String>, usize) {
    let store = storage::open(&target(backend)).unwrap();
    store
        .read(|tx| {
            let mut ids = Vec::new();
            for device in tx.devices()?.into_iter().filter(|d| d.office == office) {
                ids.extend(tx.record_ids(&device.id)?);
            }
            let rows = ids.len();
            Ok((ids.into_iter().collect(), rows))
        })
        .unwrap()
}

/// The audit anchor central holds for the (first) device of `office`.
pub fn audit_anchor(backend: &Backend, office: &str) -> Option<storage::AuditAnchorRow> {
    let store = storage::open(&target(backend)).unwrap();
    store
        .read(|tx| {
            let Some(device) = tx.devices()?.into_iter().find(|d| d.office == office) else { return Ok(None) };
            tx.audit_anchor(&device.id)
        })
        .unwrap()
}

/// Where a backup went.
pub enum Backup {
    Files(PathBuf),
    Database(String),
}

const SQLITE_FILES: &[&str] = &["central.db", "central.db-wal", "central.db-shm"];

/// Copies central's data while the server is stopped.
pub fn backup(backend: &Backend, to: &Path) -> Backup {
    match backend {
        Backend::Sqlite(dir) => {
            std::fs::create_dir_all(to).unwrap();
            for f in SQLITE_FILES {
                if dir.join(f).exists() {
                    std::fs::copy(dir.join(f), to.join(f)).unwrap();
                }
            }
            Backup::Files(to.to_path_buf())
        }
        Backend::Postgres(url) => {
            let live = super::pg::database_name(url);
            let copy = format!("{live}_backup");
            with_retries(|| super::pg::admin(url).batch_execute(&format!("CREATE DATABASE {copy} TEMPLATE {live}")));
            Backup::Database(copy)
        }
    }
}

/// Puts the backup back in place of central's data (server stopped).
pub fn restore(backend: &Backend, backup: &Backup) {
    match (backend, backup) {
        (Backend::Sqlite(dir), Backup::Files(from)) => {
            for f in SQLITE_FILES {
                let _ = std::fs::remove_file(dir.join(f));
                if from.join(f).exists() {
                    std::fs::copy(from.join(f), dir.join(f)).unwrap();
                }
            }
        }
        (Backend::Postgres(url), Backup::Database(copy)) => {
            let live = super::pg::database_name(url);
            let admin_url = super::pg::with_database(url, "postgres");
            with_retries(|| {
                let mut admin = super::pg::admin(&admin_url);
                admin.batch_execute(&format!("DROP DATABASE IF EXISTS {live} WITH (FORCE)"))?;
                admin.batch_execute(&format!("CREATE DATABASE {live} TEMPLATE {copy}"))
            });
        }
        _ => panic!("backup of another backend"),
    }
}

/// A killed server's sessions take a moment to leave PostgreSQL; a template copy needs them gone.
fn with_retries(mut f: impl FnMut() -> Result<(), postgres::Error>) {
    let mut last = None;
    for _ in 0..50 {
        match f() {
            Ok(()) => return,
            Err(e) => last = Some(e),
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    panic!("PostgreSQL refused: {last:?}");
}
