//! Scheduled, verified backups: once a day at the supervisor's time (office zone), on hub start
//! when the last good copy is older than a day, and on "Cadangkan sekarang". Each copy is written
//! to a temporary file in the backup folder (a second disk or a USB drive), verified there —
//! integrity check, schema version, the key tables' row counts against the live counts read in the
//! same transaction, the audit chain — then renamed to `loket-YYYYMMDD-HHMMSS.db` with its
//! `.audit-head.json` beside it, and the folder pruned to the newest N. Every attempt is a
//! `backup_run` row; a missing folder, an unplugged drive, no permission or a full disk is a failed
//! attempt with a message for the supervisor, never a panic.

mod schedule;

pub use schedule::{next_run, spawn, spawn_with, Trigger, DEFAULT_TICK};

use crate::api::{Access, Empty, Registry, MANAGERS};
use crate::app::App;
use crate::auth::Caller;
use crate::clock::{from_db, to_db};
use crate::error::{Error, ErrorCode, Result};
use crate::store::SnapshotError;
use chrono::{DateTime, Duration, FixedOffset, NaiveTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use ts_rs::TS;

pub const DEFAULT_TIME: &str = "17:30";
pub const DEFAULT_GENERATIONS: u32 = 7;
/// The tables whose row counts are compared between the live database and the copy.
pub const KEY_TABLES: &[&str] = &[
    "staff", "audit_log", "ticket", "applicant", "application", "recording", "outbox", "blank_card", "print_job", "handover",
];
/// The status warns when the last good backup is older than this.
pub const STALE_AFTER: Duration = Duration::days(2);

const KEY_ENABLED: &str = "backup.enabled";
const KEY_TIME: &str = "backup.time";
const KEY_FOLDER: &str = "backup.folder";
const KEY_GENERATIONS: &str = "backup.generations";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct BackupSettings {
    /// Back up every day at `time`.
    pub enabled: bool,
    /// The daily time, `HH:MM` in the office's zone.
    pub time: String,
    /// The backup folder: an absolute path on a second disk or a USB drive.
    pub folder: String,
    /// How many backups to keep (1–60); older ones are deleted.
    pub generations: u32,
}

impl Default for BackupSettings {
    fn default() -> Self {
        BackupSettings { enabled: false, time: DEFAULT_TIME.into(), folder: String::new(), generations: DEFAULT_GENERATIONS }
    }
}

pub fn load_settings(conn: &Connection) -> Result<BackupSettings> {
    let get = |k| crate::settings::get_raw(conn, k);
    let d = BackupSettings::default();
    Ok(BackupSettings {
        enabled: get(KEY_ENABLED)?.is_some_and(|v| v == "true"),
        time: get(KEY_TIME)?.unwrap_or(d.time),
        folder: get(KEY_FOLDER)?.unwrap_or(d.folder),
        generations: get(KEY_GENERATIONS)?.and_then(|v| v.parse().ok()).unwrap_or(d.generations),
    })
}

/// `HH:MM`, 00:00–23:59.
pub fn parse_time(s: &str) -> Option<NaiveTime> {
    let (h, m) = s.split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    NaiveTime::from_hms_opt(h.parse().ok()?, m.parse().ok()?, 0)
}

/// Refuses bad settings with the field named. `data_dir`: the live database's folder, which is no
/// place for its backup.
pub fn validate(s: &BackupSettings, data_dir: &Path) -> Result<()> {
    if parse_time(s.time.trim()).is_none() {
        return Err(Error::field("time", "Jam cadangan harus berbentuk JJ:MM (00:00 sampai 23:59), misalnya 17:30."));
    }
    let folder = s.folder.trim();
    if folder.is_empty() {
        if s.enabled {
            return Err(Error::field("folder", "Folder cadangan wajib diisi bila cadangan terjadwal aktif."));
        }
    } else if !Path::new(folder).is_absolute() {
        return Err(Error::field("folder", "Folder cadangan harus alamat lengkap, misalnya /media/usb/cadangan-loket."));
    } else if same_dir(Path::new(folder), data_dir) {
        return Err(Error::field("folder", "Folder cadangan tidak boleh sama dengan folder data; pilih diska kedua atau USB."));
    }
    if !(1..=60).contains(&s.generations) {
        return Err(Error::field("generations", "Jumlah cadangan yang disimpan harus 1 sampai 60."));
    }
    Ok(())
}

fn same_dir(a: &Path, b: &Path) -> bool {
    let canon = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    canon(a) == canon(b)
}

/// One attempt, as the status shows it.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema, TS)]
pub struct BackupRun {
    /// When it started (RFC 3339 UTC).
    pub at: String,
    /// The same in the office's words (`Senin, 23 November 2026 17.30 WIB`).
    pub at_text: String,
    pub trigger: Trigger,
    pub ok: bool,
    pub file: Option<String>,
    #[ts(type = "number | null")]
    pub size_bytes: Option<i64>,
    /// Rows per key table in the verified copy.
    #[ts(type = "Record<string, number>")]
    pub counts: BTreeMap<String, i64>,
    #[ts(type = "number | null")]
    pub audit_seq: Option<i64>,
    pub error: Option<String>,
}

/// A backup file in the folder.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema, TS)]
pub struct BackupFile {
    pub name: String,
    #[ts(type = "number")]
    pub size_bytes: i64,
    /// Whether its `.audit-head.json` is beside it.
    pub has_audit_head: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema, TS)]
pub struct BackupStatus {
    pub settings: BackupSettings,
    pub last_good: Option<BackupRun>,
    pub last_attempt: Option<BackupRun>,
    /// The next scheduled backup (RFC 3339 UTC), when enabled.
    pub next_at: Option<String>,
    pub next_at_text: Option<String>,
    /// For the supervisor's home: no good backup for over 2 days, or the last attempt failed.
    pub warning: Option<String>,
    /// The backups in the folder, newest first (empty when the folder cannot be read).
    pub generations: Vec<BackupFile>,
}

/// The office's zone, or UTC before setup.
pub(crate) fn office_offset(conn: &Connection) -> Result<FixedOffset> {
    Ok(crate::setup::load_office(conn)?.map(|o| o.offset()).unwrap_or_else(|| FixedOffset::east_opt(0).expect("zero")))
}

pub(crate) fn long_time(conn: &Connection, t: DateTime<Utc>) -> Result<String> {
    Ok(match crate::setup::load_office(conn)? {
        Some(o) => o.long_date_time(t),
        None => to_db(t),
    })
}

fn run_from_row(conn: &Connection, r: &rusqlite::Row) -> rusqlite::Result<(String, BackupRun)> {
    let at: String = r.get("started_at")?;
    let counts: Option<String> = r.get("counts")?;
    let trigger: String = r.get("trigger")?;
    Ok((
        at.clone(),
        BackupRun {
            at_text: String::new(),
            at,
            trigger: Trigger::parse(&trigger),
            ok: r.get("ok")?,
            file: r.get("file")?,
            size_bytes: r.get("size_bytes")?,
            counts: counts.and_then(|c| serde_json::from_str(&c).ok()).unwrap_or_default(),
            audit_seq: r.get("audit_seq")?,
            error: r.get("error")?,
        },
    ))
    .map(|(at, mut run)| {
        run.at_text = long_time(conn, from_db(&at)).unwrap_or_default();
        (at, run)
    })
}

fn latest(conn: &Connection, only_ok: bool) -> Result<Option<BackupRun>> {
    let sql = if only_ok {
        "SELECT * FROM backup_run WHERE ok = 1 ORDER BY started_at DESC, id DESC LIMIT 1"
    } else {
        "SELECT * FROM backup_run ORDER BY started_at DESC, id DESC LIMIT 1"
    };
    Ok(conn.prepare_cached(sql)?.query_row([], |r| run_from_row(conn, r)).optional()?.map(|(_, run)| run))
}

/// When the last good backup started and when the last attempt did (the scheduler's inputs).
pub(crate) fn last_times(conn: &Connection) -> Result<(Option<DateTime<Utc>>, Option<DateTime<Utc>>)> {
    let q = |sql: &str| -> Result<Option<DateTime<Utc>>> {
        Ok(conn.query_row(sql, [], |r| r.get::<_, Option<String>>(0))?.map(|s| from_db(&s)))
    };
    Ok((q("SELECT MAX(started_at) FROM backup_run WHERE ok = 1")?, q("SELECT MAX(started_at) FROM backup_run")?))
}

pub fn status(app: &App) -> Result<BackupStatus> {
    let now = app.now();
    let (settings, last_good, last_attempt, next, next_text) = app.store.read(|c| {
        let s = load_settings(c)?;
        let offset = office_offset(c)?;
        let next = next_run(&s, offset, now);
        let next_text = next.map(|t| long_time(c, t)).transpose()?;
        Ok((s, latest(c, true)?, latest(c, false)?, next, next_text))
    })?;
    let warning = warning(&settings, last_good.as_ref(), last_attempt.as_ref(), now);
    let generations = if settings.folder.trim().is_empty() { Vec::new() } else { list_generations(Path::new(settings.folder.trim())) };
    Ok(BackupStatus { settings, last_good, last_attempt, next_at: next.map(to_db), next_at_text: next_text, warning, generations })
}

fn warning(s: &BackupSettings, good: Option<&BackupRun>, attempt: Option<&BackupRun>, now: DateTime<Utc>) -> Option<String> {
    if let Some(a) = attempt.filter(|a| !a.ok) {
        return Some(format!("Cadangan terakhir GAGAL ({}): {}", a.at_text, a.error.as_deref().unwrap_or("sebab tidak diketahui")));
    }
    match good {
        None if !s.enabled => Some("Belum ada cadangan data. Atur folder dan jam cadangan di menu Cadangan data.".into()),
        None => Some("Belum ada cadangan data yang berhasil.".into()),
        Some(g) if now - from_db(&g.at) > STALE_AFTER => Some(format!(
            "Cadangan terakhir yang berhasil sudah {} hari lalu ({}). Periksa diska/USB cadangan.",
            (now - from_db(&g.at)).num_days(),
            g.at_text
        )),
        Some(_) => None,
    }
}

/// The backups in `folder` (only `loket-YYYYMMDD-HHMMSS.db`), newest first.
pub fn list_generations(folder: &Path) -> Vec<BackupFile> {
    let Ok(entries) = std::fs::read_dir(folder) else { return Vec::new() };
    let mut out: Vec<BackupFile> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            is_generation(&name).then(|| BackupFile {
                size_bytes: e.metadata().map(|m| m.len() as i64).unwrap_or(0),
                has_audit_head: folder.join(head_name(&name)).is_file(),
                name,
            })
        })
        .collect();
    out.sort_by(|a, b| b.name.cmp(&a.name));
    out
}

/// `loket-YYYYMMDD-HHMMSS.db`, nothing else: pruning never touches a file it did not make.
pub fn is_generation(name: &str) -> bool {
    let Some(stamp) = name.strip_prefix("loket-").and_then(|n| n.strip_suffix(".db")) else { return false };
    let b = stamp.as_bytes();
    b.len() == 15 && b[8] == b'-' && b.iter().enumerate().all(|(i, c)| i == 8 || c.is_ascii_digit())
}

/// The audit head written beside a backup: what the chain ended at when the copy was taken.
#[derive(Debug, Clone, PartialEq)]
pub struct BackupHead {
    /// The backup's file name, `loket-YYYYMMDD-HHMMSS.db`.
    pub file: String,
    pub seq: i64,
    pub hash: String,
    /// When the copy was taken, from its name (written in the office's zone `offset`).
    pub taken_at: Option<DateTime<Utc>>,
}

/// The newest backup in `folder` whose `.audit-head.json` reads: an anchor for `audit verify`.
/// A missing folder, an unreadable or malformed head file are passed over, never an error.
pub fn newest_head(folder: &Path, offset: FixedOffset) -> Option<BackupHead> {
    list_generations(folder).into_iter().filter(|g| g.has_audit_head).find_map(|g| {
        let text = std::fs::read(folder.join(head_name(&g.name))).ok()?;
        let v: serde_json::Value = serde_json::from_slice(&text).ok()?;
        let seq = v["audit_head"]["seq"].as_i64().filter(|s| *s >= 1)?;
        let hash = v["audit_head"]["hash"].as_str()?.to_string();
        let stamp = g.name.strip_prefix("loket-")?.strip_suffix(".db")?;
        let taken_at = chrono::NaiveDateTime::parse_from_str(stamp, "%Y%m%d-%H%M%S")
            .ok()
            .and_then(|t| t.and_local_timezone(offset).single())
            .map(|t| t.with_timezone(&Utc));
        Some(BackupHead { file: g.name, seq, hash, taken_at })
    })
}

fn head_name(db_name: &str) -> String {
    format!("{}.audit-head.json", db_name.trim_end_matches(".db"))
}

/// What a verified copy holds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verified {
    pub file: PathBuf,
    pub size_bytes: i64,
    pub counts: BTreeMap<String, i64>,
    pub audit_seq: i64,
    pub audit_hash: String,
}

/// The live side, read in the copy's own transaction.
struct Snapshot {
    counts: BTreeMap<String, i64>,
    audit_seq: i64,
    audit_hash: String,
}

fn counts_and_head(c: &Connection) -> Result<Snapshot> {
    let mut counts = BTreeMap::new();
    for t in KEY_TABLES {
        counts.insert(t.to_string(), c.query_row(&format!("SELECT COUNT(*) FROM {t}"), [], |r| r.get(0))?);
    }
    let (audit_seq, audit_hash) = c
        .query_row("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .unwrap_or((0, String::new()));
    Ok(Snapshot { counts, audit_seq, audit_hash })
}

/// Why the folder or the file could not be written, for the supervisor.
fn io_problem(folder: &Path, e: &std::io::Error) -> Error {
    use std::io::ErrorKind::*;
    let msg = match e.kind() {
        NotFound => format!("Folder cadangan {} tidak ditemukan. Pastikan diska/USB cadangan terpasang.", folder.display()),
        PermissionDenied | ReadOnlyFilesystem => {
            format!("Tidak ada izin menulis ke folder cadangan {}. Periksa izin folder atau kunci tulis USB.", folder.display())
        }
        StorageFull | QuotaExceeded => format!("Diska cadangan {} penuh. Kosongkan ruang atau kurangi jumlah cadangan yang disimpan.", folder.display()),
        _ => format!("Folder cadangan {} tidak dapat ditulisi: {e}.", folder.display()),
    };
    Error::field("folder", msg)
}

fn sqlite_problem(folder: &Path, e: &rusqlite::Error) -> Error {
    use rusqlite::ErrorCode as C;
    let kind = match e.sqlite_error_code() {
        Some(C::DiskFull) => std::io::ErrorKind::StorageFull,
        Some(C::ReadOnly) | Some(C::PermissionDenied) => std::io::ErrorKind::PermissionDenied,
        Some(C::CannotOpen) if !folder.is_dir() => std::io::ErrorKind::NotFound,
        _ => return Error::field("folder", format!("Cadangan ke {} gagal ditulis: {e}.", folder.display())),
    };
    io_problem(folder, &std::io::Error::from(kind))
}

fn verify_failed(what: String) -> Error {
    Error::new(ErrorCode::Storage, format!("Salinan cadangan tidak lolos pemeriksaan: {what}. Salinan dibuang."))
}

/// Checks the copy at `path` against what the live database held when it was taken.
/// The copy is opened with the live database's key: a copy that only opens without it (written
/// plain) or not at all fails here.
fn verify_copy(path: &Path, key: Option<&crate::vault::DbKey>, live: &Snapshot) -> Result<()> {
    if key.is_some() && crate::store::is_plain_file(path) {
        return Err(verify_failed("salinan tidak terenkripsi".into()));
    }
    let c = crate::store::open_file(path, key, true)
        .map_err(|e| verify_failed(format!("salinan tidak dapat dibuka ({})", e.message)))?;
    let integrity: String = c
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .map_err(|e| verify_failed(format!("salinan tidak dapat dibaca ({e})")))?;
    if integrity != "ok" {
        return Err(verify_failed(format!("pemeriksaan integritas: {integrity}")));
    }
    let version: u32 = c.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version != crate::store::schema_version() {
        return Err(verify_failed(format!("versi skema {version}, seharusnya {}", crate::store::schema_version())));
    }
    let copy = counts_and_head(&c)?;
    for (table, n) in &live.counts {
        let got = copy.counts.get(table).copied().unwrap_or(-1);
        if got != *n {
            return Err(verify_failed(format!("tabel {table} berisi {got} baris, seharusnya {n}")));
        }
    }
    let audit = crate::audit::verify(&c)?;
    if !audit.ok {
        return Err(verify_failed(format!("jejak audit rusak mulai baris {}", audit.first_broken_seq.unwrap_or_default())));
    }
    if (copy.audit_seq, &copy.audit_hash) != (live.audit_seq, &live.audit_hash) {
        return Err(verify_failed(format!("ujung jejak audit baris {}, seharusnya {}", copy.audit_seq, live.audit_seq)));
    }
    Ok(())
}

/// Takes one verified backup of `app`'s database into `folder`, named by `now` in `offset`, and
/// prunes the folder to `generations`. Records nothing (see `run`).
pub fn backup_into(app: &App, folder: &Path, now: DateTime<Utc>, offset: FixedOffset, generations: u32) -> Result<Verified> {
    match std::fs::metadata(folder) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => return Err(Error::field("folder", format!("{} bukan folder.", folder.display()))),
        Err(e) => return Err(io_problem(folder, &e)),
    }
    let name = format!("loket-{}.db", now.with_timezone(&offset).format("%Y%m%d-%H%M%S"));
    let file = folder.join(&name);
    if file.exists() {
        return Err(Error::field("folder", format!("Cadangan {name} sudah ada; coba lagi sebentar lagi.")));
    }
    let tmp = folder.join(format!(".{name}.tmp"));
    let _ = std::fs::remove_file(&tmp);
    let out = write_verified(app, folder, &tmp, &file);
    if out.is_err() {
        let _ = std::fs::remove_file(&tmp);
        let _ = std::fs::remove_file(tmp.with_extension("tmp-journal"));
    }
    let verified = out?;
    prune(folder, generations);
    Ok(verified)
}

fn write_verified(app: &App, folder: &Path, tmp: &Path, file: &Path) -> Result<Verified> {
    // A probe first: an io error says plainly "not found", "no permission" or "full".
    std::fs::write(tmp, b"").map_err(|e| io_problem(folder, &e))?;
    std::fs::remove_file(tmp).map_err(|e| io_problem(folder, &e))?;
    let live = app.store.snapshot_to(tmp, counts_and_head).map_err(|e| match e {
        SnapshotError::Live(e) => e,
        SnapshotError::Target(e) => sqlite_problem(folder, &e),
    })?;
    std::fs::File::open(tmp).and_then(|f| f.sync_all()).map_err(|e| io_problem(folder, &e))?;
    verify_copy(tmp, app.store.key(), &live)?;
    std::fs::rename(tmp, file).map_err(|e| io_problem(folder, &e))?;
    let size_bytes = std::fs::metadata(file).map(|m| m.len() as i64).unwrap_or(0);
    let name = file.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    let head = json!({
        "file": name,
        "schema_version": crate::store::schema_version(),
        "audit_head": {"seq": live.audit_seq, "hash": live.audit_hash},
        "counts": live.counts,
        "size_bytes": size_bytes,
    });
    let head_path = folder.join(head_name(name));
    let head_tmp = folder.join(format!(".{}.tmp", head_name(name)));
    let text = serde_json::to_vec_pretty(&head).map_err(Error::internal)?;
    std::fs::write(&head_tmp, text)
        .and_then(|_| std::fs::File::open(&head_tmp)?.sync_all())
        .and_then(|_| std::fs::rename(&head_tmp, &head_path))
        .map_err(|e| {
            let _ = std::fs::remove_file(&head_tmp);
            io_problem(folder, &e)
        })?;
    // The renames are durable once the folder is synced (best effort: not every filesystem can).
    if let Ok(d) = std::fs::File::open(folder) {
        let _ = d.sync_all();
    }
    Ok(Verified { file: file.to_path_buf(), size_bytes, counts: live.counts, audit_seq: live.audit_seq, audit_hash: live.audit_hash })
}

/// Keeps the newest `keep` backups (by their time-stamped names) and each one's audit head.
fn prune(folder: &Path, keep: u32) {
    for old in list_generations(folder).into_iter().skip(keep as usize) {
        for f in [old.name.clone(), head_name(&old.name)] {
            if let Err(e) = std::fs::remove_file(folder.join(&f)) {
                if e.kind() != std::io::ErrorKind::NotFound {
                    tracing::warn!(file = %f, error = %e, "old backup not removed");
                }
            }
        }
    }
}

/// One backup attempt with the saved settings, recorded in `backup_run` whatever happens.
pub fn run(app: &App, trigger: Trigger, actor: Option<&str>) -> Result<Verified> {
    // One backup at a time per process (the scheduler and a button press may meet).
    static RUNNING: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _one = RUNNING.lock().unwrap_or_else(|p| p.into_inner());
    let started = app.now();
    let (settings, offset) = app.store.read(|c| Ok((load_settings(c)?, office_offset(c)?)))?;
    let folder = settings.folder.trim().to_string();
    let out = if folder.is_empty() {
        Err(Error::field("folder", "Folder cadangan belum diatur. Isi folder di menu Cadangan data."))
    } else {
        backup_into(app, Path::new(&folder), started, offset, settings.generations)
    };
    match &out {
        Ok(v) => tracing::info!(file = %v.file.display(), bytes = v.size_bytes, "backup verified"),
        Err(e) => tracing::warn!(message = %e.message, "backup failed"),
    }
    let (finished, actor) = (app.now(), actor.map(str::to_string));
    let row = out.as_ref().map(Clone::clone).map_err(|e| e.message.clone());
    app.store.write(move |tx| {
        let (ok, v, err) = match &row {
            Ok(v) => (true, Some(v), None),
            Err(m) => (false, None, Some(m.clone())),
        };
        tx.execute(
            "INSERT INTO backup_run (started_at, finished_at, trigger, actor, ok, file, size_bytes, counts, audit_seq, audit_hash, error)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![
                to_db(started),
                to_db(finished),
                trigger.as_str(),
                actor,
                ok,
                v.map(|v| v.file.display().to_string()),
                v.map(|v| v.size_bytes),
                v.map(|v| serde_json::to_string(&v.counts).unwrap_or_default()),
                v.map(|v| v.audit_seq),
                v.map(|v| v.audit_hash.clone()),
                err,
            ],
        )?;
        Ok(())
    })?;
    out
}

fn save_settings(app: &App, caller: &Caller, mut s: BackupSettings) -> Result<BackupSettings> {
    s.time = s.time.trim().to_string();
    s.folder = s.folder.trim().to_string();
    validate(&s, &app.data_dir)?;
    let (now, actor) = (app.now(), caller.username.clone());
    app.store.write(move |tx| {
        let old = load_settings(tx)?;
        crate::settings::set_raw(tx, KEY_ENABLED, &s.enabled.to_string())?;
        crate::settings::set_raw(tx, KEY_TIME, &s.time)?;
        crate::settings::set_raw(tx, KEY_FOLDER, &s.folder)?;
        crate::settings::set_raw(tx, KEY_GENERATIONS, &s.generations.to_string())?;
        crate::audit::append(tx, now, Some(&actor), "backup_settings", None, json!({"before": old, "after": s}))?;
        load_settings(tx)
    })
}

fn run_now(app: &App, caller: &Caller, _: Empty) -> Result<BackupStatus> {
    run(app, Trigger::Manual, Some(&caller.username))?;
    status(app)
}

pub fn register(r: &mut Registry) {
    r.add_staff("backup.status", Access::Roles(MANAGERS), "Last good backup, last attempt, next time, warning, the files", |app, _, _: Empty| {
        status(app)
    });
    r.add_staff("backup.settings_save", Access::Roles(MANAGERS), "Change the scheduled backup settings", save_settings);
    r.add_staff("backup.run_now", Access::Roles(MANAGERS), "Take and verify a backup now", run_now);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_time_stamped_names_are_generations() {
        assert!(is_generation("loket-20261123-173000.db"));
        for n in ["loket.db", "loket-20261123-173000.db.tmp", "loket-2026112-173000.db", "loket-20261123x173000.db", "x-20261123-173000.db", "loket-20261123-173000.audit-head.json"] {
            assert!(!is_generation(n), "{n}");
        }
    }

    #[test]
    fn a_copy_that_differs_from_the_live_counts_or_audit_head_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let app = App::open(dir.path()).unwrap();
        let copy = dir.path().join("copy.db");
        let live = app.store.snapshot_to(&copy, counts_and_head).unwrap();
        verify_copy(&copy, app.store.key(), &live).unwrap();
        let mut more = Snapshot { counts: live.counts.clone(), audit_seq: live.audit_seq, audit_hash: live.audit_hash.clone() };
        *more.counts.get_mut("ticket").unwrap() += 1;
        assert!(verify_copy(&copy, app.store.key(), &more).unwrap_err().message.contains("tabel ticket berisi 0 baris, seharusnya 1"));
        let other_head = Snapshot { counts: live.counts.clone(), audit_seq: live.audit_seq + 1, audit_hash: "x".into() };
        assert!(verify_copy(&copy, app.store.key(), &other_head).unwrap_err().message.contains("ujung jejak audit"));
        assert!(!dir.path().join("copy.db-wal").exists(), "the copy is no WAL database");
    }

    #[test]
    fn settings_are_refused_with_the_field_named() {
        let dir = Path::new("/srv/loket-data");
        let ok = BackupSettings { enabled: true, time: "17:30".into(), folder: "/media/usb/cadangan".into(), generations: 7 };
        assert!(validate(&ok, dir).is_ok());
        let field = |s: BackupSettings| validate(&s, dir).unwrap_err().field.unwrap();
        assert_eq!(field(BackupSettings { time: "24:00".into(), ..ok.clone() }), "time");
        assert_eq!(field(BackupSettings { time: "7:30".into(), ..ok.clone() }), "time");
        assert_eq!(field(BackupSettings { folder: "cadangan".into(), ..ok.clone() }), "folder");
        assert_eq!(field(BackupSettings { folder: String::new(), ..ok.clone() }), "folder");
        assert_eq!(field(BackupSettings { folder: "/srv/loket-data".into(), ..ok.clone() }), "folder");
        assert_eq!(field(BackupSettings { generations: 0, ..ok.clone() }), "generations");
        assert_eq!(field(BackupSettings { generations: 61, ..ok.clone() }), "generations");
        assert!(validate(&BackupSettings { enabled: false, folder: String::new(), ..ok }, dir).is_ok());
    }
}
