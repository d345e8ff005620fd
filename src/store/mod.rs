//! The office hub's SQLite file: opening it safely, migrations, integrity check, backup and restore.
//!
//! One writer connection (writes are serialised anyway in SQLite) and a small pool of readers (WAL lets
//! them read while the writer commits). `synchronous=FULL`: a record the officer saw saved survives a
//! power cut.

use crate::error::{Error, ErrorCode, Result};
use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Marks a file as a Loket database (`PRAGMA application_id`), so restore can refuse anything else.
pub const APPLICATION_ID: i32 = 0x4C4B_5445; // "LKTE"
pub const DB_FILE_NAME: &str = "loket.db";

/// Numbered migrations, applied in order; `PRAGMA user_version` holds how many ran.
const MIGRATIONS: &[&str] = &[include_str!("migrations/0001_foundation.sql")];

pub fn schema_version() -> u32 {
    MIGRATIONS.len() as u32
}

const READERS: usize = 4;

pub struct Store {
    path: PathBuf,
    writer: Mutex<Connection>,
    readers: Mutex<Vec<Connection>>,
}

/// Why a data directory could not be opened. Each says what to do, in Bahasa Indonesia.
fn startup_error(message: String) -> Error {
    Error::new(ErrorCode::Storage, message)
}

impl Store {
    /// Opens (creating if needed) `DIR/loket.db`. Refuses, without touching the file, a database
    /// written by a newer Loket or a file that is not a Loket database, and a folder it cannot write.
    pub fn open_dir(dir: &Path) -> Result<Store> {
        if let Err(e) = std::fs::create_dir_all(dir) {
            return Err(startup_error(format!("Folder data {} tidak dapat dibuat: {e}.", dir.display())));
        }
        check_writable(dir)?;
        let path = dir.join(DB_FILE_NAME);
        if path.exists() {
            inspect_existing(&path)?;
        }
        let writer = open_connection(&path)?;
        migrate(&writer)?;
        let mut readers = Vec::with_capacity(READERS);
        for _ in 0..READERS {
            readers.push(open_connection(&path)?);
        }
        Ok(Store { path, writer: Mutex::new(writer), readers: Mutex::new(readers) })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `f` in one IMMEDIATE transaction; commits only if `f` succeeds.
    pub fn write<T>(&self, f: impl FnOnce(&Transaction) -> Result<T>) -> Result<T> {
        let mut conn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    /// Runs `f` on a reader connection (never blocks behind the writer).
    pub fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let conn = self.readers.lock().unwrap_or_else(|p| p.into_inner()).pop();
        let conn = match conn {
            Some(c) => c,
            None => open_connection(&self.path)?,
        };
        let out = f(&conn);
        let mut pool = self.readers.lock().unwrap_or_else(|p| p.into_inner());
        if pool.len() < READERS {
            pool.push(conn);
        }
        out
    }

    /// `PRAGMA integrity_check` and `foreign_key_check`, plus the migration state.
    pub fn check(&self) -> Result<CheckReport> {
        self.read(|c| {
            let integrity: Vec<String> = c
                .prepare("PRAGMA integrity_check")?
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            let fk_violations: i64 =
                c.prepare("PRAGMA foreign_key_check")?.query_map([], |_| Ok(()))?.count() as i64;
            let version: u32 = c.query_row("PRAGMA user_version", [], |r| r.get(0))?;
            Ok(CheckReport {
                integrity_ok: integrity == ["ok"],
                integrity_messages: integrity,
                foreign_key_violations: fk_violations,
                schema_version: version,
                expected_schema_version: schema_version(),
            })
        })
    }

    /// A consistent copy of the live database through SQLite's online backup, safe while the hub runs.
    pub fn backup_to(&self, target: &Path) -> Result<()> {
        if target.exists() {
            return Err(Error::field("to", format!("Berkas {} sudah ada; pilih nama lain.", target.display())));
        }
        let conn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let mut dst = Connection::open(target).map_err(|e| {
            Error::field("to", format!("Berkas cadangan {} tidak dapat dibuat: {e}.", target.display()))
        })?;
        let backup = rusqlite::backup::Backup::new(&conn, &mut dst)?;
        backup.run_to_completion(256, std::time::Duration::from_millis(0), None)?;
        Ok(())
    }
}

#[derive(Debug, serde::Serialize)]
pub struct CheckReport {
    pub integrity_ok: bool,
    pub integrity_messages: Vec<String>,
    pub foreign_key_violations: i64,
    pub schema_version: u32,
    pub expected_schema_version: u32,
}

impl CheckReport {
    pub fn healthy(&self) -> bool {
        self.integrity_ok && self.foreign_key_violations == 0 && self.schema_version == self.expected_schema_version
    }
}

fn open_connection(path: &Path) -> Result<Connection> {
    let conn = Connection::open(path).map_err(|e| {
        startup_error(format!("Basis data {} tidak dapat dibuka: {e}.", path.display()))
    })?;
    conn.execute_batch(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = FULL;
         PRAGMA foreign_keys = ON;
         PRAGMA busy_timeout = 5000;",
    )?;
    Ok(conn)
}

/// Reads an existing file read-only: is it ours, and not from a newer version of Loket?
fn inspect_existing(path: &Path) -> Result<()> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| startup_error(format!("Basis data {} tidak dapat dibaca: {e}.", path.display())))?;
    let (app_id, version) = read_identity(&conn).map_err(|e| {
        startup_error(format!("Berkas {} bukan basis data SQLite yang dapat dibaca ({e}).", path.display()))
    })?;
    if version == 0 && app_id == 0 {
        return Ok(()); // an empty file: treated as new
    }
    if app_id != APPLICATION_ID {
        return Err(startup_error(format!("Berkas {} bukan basis data Loket KTP-el.", path.display())));
    }
    if version > schema_version() {
        return Err(startup_error(format!(
            "Basis data {} dibuat oleh versi Loket yang lebih baru (skema {version}, aplikasi ini skema {}). \
             Gunakan versi aplikasi yang lebih baru; berkas tidak diubah.",
            path.display(),
            schema_version()
        )));
    }
    Ok(())
}

fn read_identity(conn: &Connection) -> rusqlite::Result<(i32, u32)> {
    let app_id: i32 = conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
    let version: u32 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    Ok((app_id, version))
}

fn check_writable(dir: &Path) -> Result<()> {
    let probe = dir.join(".loket-write-test");
    match std::fs::write(&probe, b"ok") {
        Ok(()) => {
            let _ = std::fs::remove_file(&probe);
            Ok(())
        }
        Err(e) => Err(startup_error(format!(
            "Folder data {} tidak dapat ditulisi ({e}). Periksa izin folder atau pilih folder lain dengan --data-dir.",
            dir.display()
        ))),
    }
}

fn migrate(conn: &Connection) -> Result<()> {
    let current: u32 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let version = i as u32 + 1;
        conn.execute_batch(&format!(
            "BEGIN IMMEDIATE; {sql}\n PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = {version}; COMMIT;"
        ))
        .map_err(|e| {
            let _ = conn.execute_batch("ROLLBACK");
            Error::internal(format!("migration {version} failed: {e}"))
        })?;
        tracing::info!(version, "applied migration");
    }
    Ok(())
}

/// Replaces the database in `dir` with the backup `from`. The hub must not be running. Refuses a file
/// that is not a Loket database, fails its integrity check, or is newer than this binary. The current
/// database is first kept beside it as `loket.db.before-restore-<time>`.
pub fn restore(dir: &Path, from: &Path) -> Result<PathBuf> {
    let src = Connection::open_with_flags(from, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| Error::field("from", format!("Berkas {} tidak dapat dibuka: {e}.", from.display())))?;
    let (app_id, version) = read_identity(&src)
        .map_err(|_| Error::field("from", format!("Berkas {} bukan basis data SQLite.", from.display())))?;
    if app_id != APPLICATION_ID {
        return Err(Error::field("from", format!("Berkas {} bukan cadangan Loket KTP-el.", from.display())));
    }
    if version > schema_version() {
        return Err(Error::field(
            "from",
            format!(
                "Cadangan {} berasal dari versi Loket yang lebih baru (skema {version}, aplikasi ini {}).",
                from.display(),
                schema_version()
            ),
        ));
    }
    let ok: String = src.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
    if ok != "ok" {
        return Err(Error::field("from", format!("Cadangan {} rusak: {ok}.", from.display())));
    }
    std::fs::create_dir_all(dir).map_err(|e| Error::field("data_dir", e.to_string()))?;
    let target = dir.join(DB_FILE_NAME);
    let mut kept = PathBuf::new();
    if target.exists() {
        kept = dir.join(format!("{DB_FILE_NAME}.before-restore-{}", chrono::Utc::now().format("%Y%m%dT%H%M%S")));
        let live = Connection::open(&target)?;
        let mut copy = Connection::open(&kept)?;
        rusqlite::backup::Backup::new(&live, &mut copy)?.run_to_completion(256, std::time::Duration::ZERO, None)?;
    }
    let mut dst = Connection::open(&target)?;
    rusqlite::backup::Backup::new(&src, &mut dst)?.run_to_completion(256, std::time::Duration::ZERO, None)?;
    drop(dst);
    // An older backup is brought up to this binary's schema.
    let conn = open_connection(&target)?;
    migrate(&conn)?;
    Ok(kept)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_set_version_and_identity() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_dir(dir.path()).unwrap();
        let report = store.check().unwrap();
        assert!(report.healthy(), "{report:?}");
        let (app_id, version) = store.read(|c| Ok(read_identity(c)?)).unwrap();
        assert_eq!(app_id, APPLICATION_ID);
        assert_eq!(version, schema_version());
        let pragmas: (String, i64, i64) = store
            .read(|c| {
                Ok(c.query_row(
                    "SELECT (SELECT journal_mode FROM pragma_journal_mode), (SELECT synchronous FROM pragma_synchronous), (SELECT foreign_keys FROM pragma_foreign_keys)",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )?)
            })
            .unwrap();
        assert_eq!(pragmas, ("wal".to_string(), 2, 1));
    }
}
