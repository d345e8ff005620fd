//! The office hub's SQLite file: opening it safely, migrations, integrity check, backup and restore.
//! The file is encrypted as a whole with SQLCipher (`crate::vault` keeps its key); every connection,
//! copy and restore here applies that key first.
//!
//! One writer thread owns the only writing connection (writes are serialised in SQLite anyway) and
//! commits concurrent requests together: each request runs in its own SAVEPOINT inside one
//! transaction, so one failing request rolls back alone, and one fsync covers the whole group.
//! A small pool of readers reads beside it (WAL). `synchronous=FULL`: a record the officer saw saved
//! survives a power cut, because nobody is answered before the group's commit returned.

use crate::error::{Error, ErrorCode, Result};
use crate::vault::{self, DbKey};
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
    key: Option<DbKey>,
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
    /// Opens (creating if needed) `DIR/loket.db`, encrypted. Refuses, without touching the file, a
    /// database written by a newer Loket, a file that is not a Loket database, a database whose key
    /// is gone, and a folder it cannot write. A plain database from before encryption is encrypted
    /// in place first (`encrypt_in_place`).
    pub fn open_dir(dir: &Path) -> Result<Store> {
        prepare_dir(dir)?;
        let path = dir.join(DB_FILE_NAME);
        let key = match file_kind(&path) {
            FileKind::Plain => {
                inspect_existing(&path, None)?;
                let key = match vault::find_key(dir)? {
                    Some((key, _)) => key,
                    None => {
                        let key = DbKey::generate();
                        vault::keep_key(dir, &key)?;
                        key
                    }
                };
                encrypt_in_place(&path, &key)?;
                key
            }
            FileKind::Encrypted => {
                let (key, _) = vault::find_key(dir)?.ok_or_else(|| {
                    startup_error(format!(
                        "Basis data {} terenkripsi, tetapi catatan kuncinya ({}) tidak ada. Pulihkan dengan kunci pemulihan: \
                         loket key recover --recovery-key <kunci>. Berkas data tidak diubah.",
                        path.display(),
                        vault::MANIFEST_FILE
                    ))
                })?;
                inspect_existing(&path, Some(&key))?;
                key
            }
            // A new office: its key is made now and kept before the first page is written.
            FileKind::Missing => match vault::find_key(dir) {
                Ok(Some((key, _))) => key,
                _ => {
                    let key = DbKey::generate();
                    vault::keep_key(dir, &key)?;
                    key
                }
            },
        };
        Store::open_keyed(path, Some(key))
    }

    /// The same store without encryption: only for the benchmark that measures what encryption
    /// costs (`benches/hub.rs`), never for an office.
    #[doc(hidden)]
    pub fn open_dir_unencrypted_for_benchmark(dir: &Path) -> Result<Store> {
        prepare_dir(dir)?;
        Store::open_keyed(dir.join(DB_FILE_NAME), None)
    }

    fn open_keyed(path: PathBuf, key: Option<DbKey>) -> Result<Store> {
        let writer = open_connection(&path, key.as_ref())?;
        migrate(&writer, &path)?;
        let mut readers = Vec::with_capacity(READERS);
        for _ in 0..READERS {
            readers.push(open_connection(&path, key.as_ref())?);
        }
        let (jobs, queue) = mpsc::channel::<Job>();
        let writer_thread = std::thread::Builder::new()
            .name("loket-writer".into())
            .spawn(move || write_loop(writer, queue))
            .map_err(Error::internal)?;
        Ok(Store {
            path,
            key,
            writer: Mutex::new(Some(jobs)),
            writer_thread: Some(writer_thread),
            readers: Mutex::new(readers),
            reader_free: Condvar::new(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The database's key (`None` only for the benchmark's unencrypted store).
    pub fn key(&self) -> Option<&DbKey> {
        self.key.as_ref()
    }

    /// A connection of its own to the live file, keyed (backups verify and copy through one).
    pub fn connect(&self, read_only: bool) -> Result<Connection> {
        open_file(&self.path, self.key.as_ref(), read_only)
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
        let conn = open_connection(&self.path, self.key.as_ref())?;
        let mut dst = open_file(target, self.key.as_ref(), false).map_err(|e| {
            Error::field("to", format!("Berkas cadangan {} tidak dapat dibuat: {}", target.display(), e.message))
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
        let conn = open_connection(&self.path, self.key.as_ref()).map_err(SnapshotError::Live)?;
        conn.execute_batch("BEGIN DEFERRED").map_err(|e| SnapshotError::Live(e.into()))?;
        let out = inspect(&conn).map_err(SnapshotError::Live)?;
        let mut dst = Connection::open(target).map_err(SnapshotError::Target)?;
        if let Some(key) = &self.key {
            // The copy is encrypted with the live database's key: a backup on a USB drive reads
            // no better than the PC's own file.
            key.apply(&dst).map_err(SnapshotError::Target)?;
        }
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

fn prepare_dir(dir: &Path) -> Result<()> {
    if let Err(e) = std::fs::create_dir_all(dir) {
        return Err(startup_error(format!("Folder data {} tidak dapat dibuat: {e}.", dir.display())));
    }
    check_writable(dir)
}

enum FileKind {
    Missing,
    Plain,
    Encrypted,
}

/// A plain SQLite file starts with its magic string; an SQLCipher file is random from byte 0.
fn file_kind(path: &Path) -> FileKind {
    use std::io::Read;
    let mut head = [0u8; 16];
    match std::fs::File::open(path) {
        Err(_) => FileKind::Missing,
        Ok(mut f) => match f.read_exact(&mut head) {
            // Empty (or shorter than a header): SQLite treats it as a new database.
            Err(_) => FileKind::Missing,
            Ok(()) if &head == b"SQLite format 3\0" => FileKind::Plain,
            Ok(()) => FileKind::Encrypted,
        },
    }
}

/// Whether `path` is a plain (unencrypted) SQLite file.
pub fn is_plain_file(path: &Path) -> bool {
    matches!(file_kind(path), FileKind::Plain)
}

/// One connection to `path` with `key` applied before anything reads the file. Tests and tools
/// that look inside an office database open it through here (`open_raw`).
pub fn open_file(path: &Path, key: Option<&DbKey>, read_only: bool) -> Result<Connection> {
    let flags = if read_only {
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI
    } else {
        OpenFlags::default()
    };
    let conn = Connection::open_with_flags(path, flags)
        .map_err(|e| startup_error(format!("Basis data {} tidak dapat dibuka: {e}.", path.display())))?;
    if let Some(key) = key {
        key.apply(&conn)?;
    }
    Ok(conn)
}

/// Runs every statement of `sql` in turn; rows come back as `a|b|c` lines (NULL as empty), as the
/// sqlite3 shell prints them. For `loket dev sql`.
pub fn run_sql(conn: &Connection, sql: &str) -> Result<Vec<String>> {
    let mut out = Vec::new();
    use rusqlite::fallible_iterator::FallibleIterator;
    let mut batch = rusqlite::Batch::new(conn, sql);
    while let Some(mut stmt) = batch.next()? {
        let columns = stmt.column_count();
        let mut rows = stmt.raw_query();
        while let Some(row) = rows.next()? {
            let cells: Vec<String> = (0..columns)
                .map(|i| match row.get_ref(i) {
                    Ok(rusqlite::types::ValueRef::Null) | Err(_) => String::new(),
                    Ok(rusqlite::types::ValueRef::Integer(n)) => n.to_string(),
                    Ok(rusqlite::types::ValueRef::Real(x)) => x.to_string(),
                    Ok(rusqlite::types::ValueRef::Text(t)) => String::from_utf8_lossy(t).into_owned(),
                    Ok(rusqlite::types::ValueRef::Blob(b)) => format!("<{} bytes>", b.len()),
                })
                .collect();
            out.push(cells.join("|"));
        }
    }
    Ok(out)
}

/// The database in `dir` opened with its own key (from `vault`), outside any Store: for tests,
/// benchmarks and repair tools that read or damage the file on purpose.
pub fn open_raw(dir: &Path, read_only: bool) -> Result<Connection> {
    let path = dir.join(DB_FILE_NAME);
    let key = match file_kind(&path) {
        FileKind::Plain => None,
        _ => vault::find_key(dir)?.map(|(k, _)| k),
    };
    let conn = open_file(&path, key.as_ref(), read_only)?;
    conn.execute_batch("PRAGMA busy_timeout = 5000;")?;
    Ok(conn)
}

fn open_connection(path: &Path, key: Option<&DbKey>) -> Result<Connection> {
    let conn = open_file(path, key, false)?;
    conn.execute_batch(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = FULL;
         PRAGMA foreign_keys = ON;
         PRAGMA busy_timeout = 5000;",
    )?;
    Ok(conn)
}

/// Reads an existing file read-only: is it ours (or still empty), and not from a newer version of
/// Loket? With a key that does not open it, says so (SQLCipher reads a wrong key as "not a database").
fn inspect_existing(path: &Path, key: Option<&DbKey>) -> Result<()> {
    let conn = open_file(path, key, true)?;
    match SCHEMA.check(&conn) {
        Err(MigrateError::Unreadable(_)) if key.is_some() => Err(startup_error(format!(
            "Basis data {} tidak dapat dibuka dengan kunci yang tersimpan (kunci {}). Kunci yang benar dapat \
             dipasang lagi dengan: loket key recover --recovery-key <kunci>. Berkas data tidak diubah.",
            path.display(),
            key.map(|k| k.fingerprint()).unwrap_or_default()
        ))),
        other => other.map(|_| ()).map_err(|e| refused(path, e)),
    }
}

/// Encrypts a plain database (from before encryption) in place: a plain backup first, then
/// `sqlcipher_export` into a new file, checked table by table against the plain one, then swapped
/// in. The plain backup is deleted only after the encrypted file is checked: left behind it would
/// undo the encryption; if anything fails it stays, and the message names it.
fn encrypt_in_place(path: &Path, key: &DbKey) -> Result<()> {
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S");
    let backup = path.with_file_name(format!("{DB_FILE_NAME}.plain-backup-{stamp}"));
    let staging = path.with_file_name(format!("{DB_FILE_NAME}.encrypting"));
    let _ = std::fs::remove_file(&staging);
    let failed = |what: String| {
        startup_error(format!(
            "Enkripsi basis data {} gagal ({what}). Berkas asli tidak diubah; salinannya ada di {}.",
            path.display(),
            backup.display()
        ))
    };
    let plain = open_file(path, None, false)?;
    plain.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    {
        let mut copy = Connection::open(&backup).map_err(|e| failed(e.to_string()))?;
        rusqlite::backup::Backup::new(&plain, &mut copy)
            .and_then(|b| b.run_to_completion(256, std::time::Duration::ZERO, None))
            .map_err(|e| failed(e.to_string()))?;
    }
    let (user_version, application_id): (i64, i64) =
        plain.query_row("SELECT (SELECT user_version FROM pragma_user_version), (SELECT application_id FROM pragma_application_id)", [], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let export = || -> rusqlite::Result<()> {
        plain.execute("ATTACH DATABASE ?1 AS encrypted KEY ?2", [staging.to_string_lossy().into_owned(), key.pragma_value()])?;
        plain.query_row("SELECT sqlcipher_export('encrypted')", [], |_| Ok(()))?;
        plain.execute_batch(&format!(
            "PRAGMA encrypted.user_version = {user_version}; PRAGMA encrypted.application_id = {application_id}; DETACH DATABASE encrypted;"
        ))
    };
    export().map_err(|e| failed(e.to_string()))?;
    let encrypted = open_file(&staging, Some(key), false)?;
    let ok: String = encrypted.query_row("PRAGMA integrity_check", [], |r| r.get(0)).map_err(|e| failed(e.to_string()))?;
    if ok != "ok" {
        return Err(failed(format!("pemeriksaan salinan terenkripsi: {ok}")));
    }
    for table in table_names(&plain)? {
        let count = |c: &Connection| -> rusqlite::Result<i64> {
            c.query_row(&format!("SELECT count(*) FROM \"{}\"", table.replace('"', "\"\"")), [], |r| r.get(0))
        };
        let (before, after) = (count(&plain)?, count(&encrypted).map_err(|e| failed(e.to_string()))?);
        if before != after {
            return Err(failed(format!("tabel {table}: {before} baris, salinan {after}")));
        }
    }
    drop(encrypted);
    drop(plain);
    for side in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{side}", path.display()));
    }
    std::fs::rename(&staging, path).map_err(|e| failed(e.to_string()))?;
    if let Ok(dir) = std::fs::File::open(path.parent().unwrap_or(Path::new("."))) {
        let _ = dir.sync_all();
    }
    std::fs::remove_file(&backup).map_err(|e| failed(format!("salinan polos tidak dapat dihapus: {e}")))?;
    tracing::warn!(path = %path.display(), "plain database encrypted in place");
    Ok(())
}

fn table_names(c: &Connection) -> Result<Vec<String>> {
    Ok(c.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?)
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
///
/// The backup is opened with `recovery` when given (a new machine, or this machine's key is gone),
/// else with this machine's key; a recovery key that opens it becomes this machine's key. A plain
/// backup from before encryption is restored and then encrypted in place.
pub fn restore(dir: &Path, from: &Path, recovery: Option<DbKey>) -> Result<PathBuf> {
    if !from.is_file() {
        return Err(Error::field("from", format!("Berkas cadangan {} tidak ada.", from.display())));
    }
    let plain = is_plain_file(from);
    let machine = match vault::find_key(dir) {
        Ok(found) => found.map(|(k, _)| k),
        // The machine's key is gone: only a recovery key opens the backup.
        Err(_) if recovery.is_some() => None,
        Err(e) => return Err(e),
    };
    let key = if plain { None } else { recovery.clone().or_else(|| machine.clone()) };
    if !plain && key.is_none() {
        return Err(Error::field(
            "recovery_key",
            "Kunci basis data mesin ini tidak ada; berikan kunci pemulihan kantor (--recovery-key) untuk membuka cadangan.",
        ));
    }
    let src = open_file(from, key.as_ref(), true)
        .map_err(|e| Error::field("from", format!("Berkas {} tidak dapat dibuka: {}", from.display(), e.message)))?;
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
        Err(_) if !plain => {
            return Err(match recovery {
                Some(_) => Error::field(
                    "recovery_key",
                    format!("Kunci pemulihan tidak cocok dengan cadangan {}; tidak ada yang diubah.", from.display()),
                ),
                None => Error::field(
                    "from",
                    format!(
                        "Cadangan {} dikunci dengan kunci lain (kantor atau komputer lain); berikan kunci pemulihannya (--recovery-key). Tidak ada yang diubah.",
                        from.display()
                    ),
                ),
            })
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
        // The current file as it is (still encrypted with its own key, which may be the lost one).
        if let Ok(live) = open_file(&target, machine.as_ref(), false) {
            let _ = live.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
        }
        std::fs::copy(&target, &kept).map_err(|e| Error::field("data_dir", format!("Salinan {} gagal: {e}.", kept.display())))?;
        std::fs::remove_file(&target).map_err(|e| Error::field("data_dir", e.to_string()))?;
        for side in ["-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{side}", target.display()));
        }
    }
    {
        let mut dst = open_file(&target, key.as_ref(), false)?;
        rusqlite::backup::Backup::new(&src, &mut dst)?.run_to_completion(256, std::time::Duration::ZERO, None)?;
    }
    let key = match key {
        Some(k) => k,
        None => {
            // A plain backup: encrypted now with this machine's key (or a new one).
            let k = machine.clone().unwrap_or_else(DbKey::generate);
            encrypt_in_place(&target, &k)?;
            k
        }
    };
    if machine.as_ref() != Some(&key) {
        vault::keep_key(dir, &key)?;
    }
    // An older backup is brought up to this binary's schema.
    let conn = open_connection(&target, Some(&key))?;
    migrate(&conn, &target)?;
    Ok(kept)
}

/// Puts the key back for the database in `dir` from its recovery key (this machine's credential
/// store or key file lost it). Refuses a recovery key that does not open the database.
pub fn recover_key(dir: &Path, recovery: DbKey) -> Result<vault::KeyPlace> {
    let path = dir.join(DB_FILE_NAME);
    if !matches!(file_kind(&path), FileKind::Encrypted) {
        return Err(Error::field("data_dir", format!("Tidak ada basis data terenkripsi di {}.", dir.display())));
    }
    let conn = open_file(&path, Some(&recovery), true)?;
    if SCHEMA.check(&conn).is_err() {
        return Err(Error::field("recovery_key", format!("Kunci pemulihan tidak cocok dengan basis data {}; tidak ada yang diubah.", path.display())));
    }
    drop(conn);
    vault::keep_key(dir, &recovery)
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
