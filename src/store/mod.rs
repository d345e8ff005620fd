//! The office hub's SQLite file: opening it safely, migrations, integrity check, backup and restore.
//!
//! One writer thread owns the only writing connection (writes are serialised in SQLite anyway) and
//! commits concurrent requests together: each request runs in its own SAVEPOINT inside one
//! transaction, so one failing request rolls back alone, and one fsync covers the whole group.
//! A small pool of readers reads beside it (WAL). `synchronous=FULL`: a record the officer saw saved
//! survives a power cut, because nobody is answered before the group's commit returned.

use crate::error::{Error, ErrorCode, Result};
use loket_contract::migrate::{MigrateError, Schema};
use rusqlite::{Connection, OpenFlags, TransactionBehavior};
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Condvar, Mutex};

/// Marks a file as a Loket database (`PRAGMA application_id`), so restore can refuse anything else.
pub const APPLICATION_ID: i32 = 0x4C4B_5445; // "LKTE"
pub const DB_FILE_NAME: &str = "loket.db";

/// Numbered migrations, applied in order; `PRAGMA user_version` holds how many ran. The list is every
/// `migrations/NNNN_*.sql`, made by build.rs: adding a migration is adding a file.
const MIGRATIONS: &[&str] = include!(concat!(env!("OUT_DIR"), "/migrations.rs"));
const SCHEMA: Schema = Schema { application_id: APPLICATION_ID, migrations: MIGRATIONS };

pub fn schema_version() -> u32 {
    SCHEMA.version()
}

const READERS: usize = 4;
/// The most requests one commit covers; bounds how long the first of them waits.
const MAX_GROUP: usize = 128;

/// A write request: runs on the writer thread inside its savepoint, and returns what to do once the
/// group's commit is known (answer the caller with its result, or with the commit's error).
type Job = Box<dyn FnOnce(&Connection) -> Reply + Send>;
type Reply = Box<dyn FnOnce(Option<&Error>) + Send>;

pub struct Store {
    path: PathBuf,
    writer: Mutex<Option<mpsc::Sender<Job>>>,
    writer_thread: Option<std::thread::JoinHandle<()>>,
    readers: Mutex<Vec<Connection>>,
    reader_free: Condvar,
}

impl Drop for Store {
    /// Closing waits for the writer to finish and close its connection (the WAL checkpoint), so the
    /// file is complete when a Store is gone.
    fn drop(&mut self) {
        self.writer.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(t) = self.writer_thread.take() {
            let _ = t.join();
        }
    }
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
        migrate(&writer, &path)?;
        let mut readers = Vec::with_capacity(READERS);
        for _ in 0..READERS {
            readers.push(open_connection(&path)?);
        }
        let (jobs, queue) = mpsc::channel::<Job>();
        let writer_thread = std::thread::Builder::new()
            .name("loket-writer".into())
            .spawn(move || write_loop(writer, queue))
            .map_err(Error::internal)?;
        Ok(Store { path, writer: Mutex::new(Some(jobs)), writer_thread: Some(writer_thread), readers: Mutex::new(readers), reader_free: Condvar::new() })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `f` atomically on the writer thread and returns once its change is durable. If `f`
    /// fails, nothing it wrote is kept. Blocking: call it off the async threads.
    pub fn write<T, F>(&self, f: F) -> Result<T>
    where
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
        T: Send + 'static,
    {
        let (answer, result) = mpsc::sync_channel::<Result<T>>(1);
        let job: Job = Box::new(move |conn| {
            let out = run_in_savepoint(conn, f);
            Box::new(move |commit_error| {
                let out = match (out, commit_error) {
                    (Ok(_), Some(e)) => Err(e.clone()),
                    (out, _) => out,
                };
                let _ = answer.send(out);
            })
        });
        self.writer
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
            .ok_or_else(|| Error::internal("store closed"))?
            .send(job)
            .map_err(|_| Error::internal("writer thread stopped"))?;
        result.recv().map_err(|_| Error::internal("writer thread dropped a request"))?
    }

    /// Runs `f` on a reader connection (never blocks behind the writer). With every reader busy it
    /// waits for one: opening a connection costs far more than a short wait.
    pub fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let conn = {
            let mut pool = self.readers.lock().unwrap_or_else(|p| p.into_inner());
            loop {
                if let Some(c) = pool.pop() {
                    break c;
                }
                pool = self.reader_free.wait(pool).unwrap_or_else(|p| p.into_inner());
            }
        };
        let out = f(&conn);
        self.readers.lock().unwrap_or_else(|p| p.into_inner()).push(conn);
        self.reader_free.notify_one();
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
        let conn = open_connection(&self.path)?;
        let mut dst = Connection::open(target).map_err(|e| {
            Error::field("to", format!("Berkas cadangan {} tidak dapat dibuat: {e}.", target.display()))
        })?;
        let backup = rusqlite::backup::Backup::new(&conn, &mut dst)?;
        backup.run_to_completion(256, std::time::Duration::from_millis(0), None)?;
        Ok(())
    }

    /// Copies the live database to `target` (a new file) through SQLite's online backup, in one
    /// read transaction on a fresh connection: `inspect` runs first in that same transaction, so
    /// what it reads (row counts, the audit head) describes exactly the copy. Writers go on
    /// meanwhile (WAL); the copy is the snapshot the transaction started with.
    pub fn snapshot_to<T>(
        &self,
        target: &Path,
        inspect: impl FnOnce(&Connection) -> Result<T>,
    ) -> std::result::Result<T, SnapshotError> {
        let conn = open_connection(&self.path).map_err(SnapshotError::Live)?;
        conn.execute_batch("BEGIN DEFERRED").map_err(|e| SnapshotError::Live(e.into()))?;
        let out = inspect(&conn).map_err(SnapshotError::Live)?;
        let mut dst = Connection::open(target).map_err(SnapshotError::Target)?;
        {
            let backup = rusqlite::backup::Backup::new(&conn, &mut dst).map_err(SnapshotError::Target)?;
            // All pages in one step, inside the open read transaction: one consistent snapshot.
            match backup.step(-1).map_err(SnapshotError::Target)? {
                rusqlite::backup::StepResult::Done => {}
                other => return Err(SnapshotError::Live(Error::internal(format!("online backup stopped: {other:?}")))),
            }
        }
        // The copy stands alone: a rollback journal, so opening it never leaves -wal/-shm files beside it.
        dst.query_row("PRAGMA journal_mode = DELETE", [], |_| Ok(())).map_err(SnapshotError::Target)?;
        dst.close().map_err(|(_, e)| SnapshotError::Target(e))?;
        conn.execute_batch("COMMIT").map_err(|e| SnapshotError::Live(e.into()))?;
        Ok(out)
    }
}

/// Why `Store::snapshot_to` failed: reading the live database, or writing the copy (a missing
/// folder, no permission, a full disk: the caller explains it to the officer).
#[derive(Debug)]
pub enum SnapshotError {
    Live(Error),
    Target(rusqlite::Error),
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

fn run_in_savepoint<T>(conn: &Connection, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
    conn.prepare_cached("SAVEPOINT request")?.execute([])?;
    // A panic in one request must not take the writer thread (and every later write) down with it.
    let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(conn)))
        .unwrap_or_else(|_| Err(Error::internal("a write request panicked")));
    match out {
        Ok(v) => {
            conn.prepare_cached("RELEASE request")?.execute([])?;
            Ok(v)
        }
        Err(e) => {
            conn.execute_batch("ROLLBACK TO request; RELEASE request")?;
            Err(e)
        }
    }
}

/// Takes what is waiting (up to MAX_GROUP), runs each in its savepoint, commits once, then answers.
fn write_loop(mut conn: Connection, queue: mpsc::Receiver<Job>) {
    while let Ok(first) = queue.recv() {
        let mut group = vec![first];
        while group.len() < MAX_GROUP {
            match queue.try_recv() {
                Ok(job) => group.push(job),
                Err(_) => break,
            }
        }
        let tx = match conn.transaction_with_behavior(TransactionBehavior::Immediate) {
            Ok(tx) => tx,
            Err(e) => {
                // Dropping the jobs unrun answers each caller with an error; nothing was written.
                tracing::error!(error = %e, "write group not started");
                drop(group);
                continue;
            }
        };
        let replies: Vec<Reply> = group.into_iter().map(|job| job(&tx)).collect();
        let commit_error = tx.commit().err().map(Error::from);
        for reply in replies {
            reply(commit_error.as_ref());
        }
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

/// Reads an existing file read-only: is it ours (or still empty), and not from a newer version of Loket?
fn inspect_existing(path: &Path) -> Result<()> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| startup_error(format!("Basis data {} tidak dapat dibaca: {e}.", path.display())))?;
    SCHEMA.check(&conn).map_err(|e| refused(path, e))?;
    Ok(())
}

/// The office's words for why the migration runner would not (or could not) bring `path` up to date.
fn refused(path: &Path, e: MigrateError) -> Error {
    match e {
        MigrateError::Unreadable(e) => {
            startup_error(format!("Berkas {} bukan basis data SQLite yang dapat dibaca ({e}).", path.display()))
        }
        MigrateError::Foreign(_) => startup_error(format!("Berkas {} bukan basis data Loket KTP-el.", path.display())),
        MigrateError::Newer { version, known } => startup_error(format!(
            "Basis data {} dibuat oleh versi Loket yang lebih baru (skema {version}, aplikasi ini skema {known}). \
             Gunakan versi aplikasi yang lebih baru; berkas tidak diubah.",
            path.display()
        )),
        MigrateError::Failed { version, error } => Error::internal(format!("migration {version} failed: {error}")),
    }
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

fn migrate(conn: &Connection, path: &Path) -> Result<()> {
    let (from, to) = SCHEMA.migrate(conn).map_err(|e| refused(path, e))?;
    for version in from + 1..=to {
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
    let foreign = || Error::field("from", format!("Berkas {} bukan cadangan Loket KTP-el.", from.display()));
    match SCHEMA.check(&src) {
        // An empty file passes the runner (it would start from migration 1) but is no backup.
        Ok(found) if found.is_blank() => return Err(foreign()),
        Ok(_) => {}
        Err(MigrateError::Foreign(_)) => return Err(foreign()),
        Err(MigrateError::Newer { version, known }) => {
            return Err(Error::field(
                "from",
                format!("Cadangan {} berasal dari versi Loket yang lebih baru (skema {version}, aplikasi ini {known}).", from.display()),
            ))
        }
        Err(_) => return Err(Error::field("from", format!("Berkas {} bukan basis data SQLite.", from.display()))),
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
    migrate(&conn, &target)?;
    Ok(kept)
}

#[cfg(test)]
mod tests {
    use super::*;
    use loket_contract::migrate::identity;

    #[test]
    fn migrations_set_version_and_identity() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_dir(dir.path()).unwrap();
        let report = store.check().unwrap();
        assert!(report.healthy(), "{report:?}");
        let id = store.read(|c| Ok(identity(c)?)).unwrap();
        assert_eq!(id.application_id, APPLICATION_ID);
        assert_eq!(id.user_version, schema_version());
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

    #[test]
    fn every_migration_file_is_listed_in_order() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/store/migrations");
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "sql"))
            .collect();
        files.sort();
        assert_eq!(files.len(), MIGRATIONS.len());
        for (i, (file, sql)) in files.iter().zip(MIGRATIONS).enumerate() {
            assert!(file.file_name().unwrap().to_str().unwrap().starts_with(&format!("{:04}_", i + 1)), "{}", file.display());
            assert_eq!(&std::fs::read_to_string(file).unwrap(), sql, "{}", file.display());
        }
        assert_eq!(MIGRATIONS[0], include_str!("migrations/0001_foundation.sql"));
    }

    #[test]
    fn concurrent_writes_commit_together_and_a_failure_rolls_back_alone() {
        let dir = tempfile::tempdir().unwrap();
        let store = std::sync::Arc::new(Store::open_dir(dir.path()).unwrap());
        store.write(|c| Ok(c.execute_batch("CREATE TABLE t (n INTEGER PRIMARY KEY)")?)).unwrap();
        let threads: Vec<_> = (0..40)
            .map(|n| {
                let store = store.clone();
                std::thread::spawn(move || {
                    store.write(move |c| {
                        c.execute("INSERT INTO t (n) VALUES (?1)", [n])?;
                        if n % 10 == 3 {
                            return Err(Error::field("n", "ditolak"));
                        }
                        Ok(n)
                    })
                })
            })
            .collect();
        let results: Vec<_> = threads.into_iter().map(|t| t.join().unwrap()).collect();
        assert_eq!(results.iter().filter(|r| r.is_err()).count(), 4);
        let rows: Vec<i64> = store
            .read(|c| Ok(c.prepare("SELECT n FROM t ORDER BY n")?.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?))
            .unwrap();
        let expected: Vec<i64> = (0..40).filter(|n| n % 10 != 3).collect();
        assert_eq!(rows, expected);
        // A panicking request is answered with an error and the writer keeps going.
        let e = store.write(|_| -> Result<()> { panic!("boom") }).unwrap_err();
        assert_eq!(e.code, ErrorCode::Internal);
        store.write(|c| Ok(c.execute("INSERT INTO t (n) VALUES (100)", [])?)).unwrap();
    }
}
