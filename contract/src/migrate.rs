//! The one migration runner of the two SQLite files, the office's `loket.db` and central's
//! `central.db`. A file carries whose it is in `PRAGMA application_id` and how many numbered
//! migrations ran in `PRAGMA user_version`. The runner refuses, before writing anything, a file of
//! another program and a file written by a newer version; each store turns the refusal into its own
//! message for the people who run it.

use rusqlite::{Connection, Transaction, TransactionBehavior};

/// One store's schema: its application id and its migrations in order (the first is version 1).
#[derive(Debug, Clone, Copy)]
pub struct Schema<'a> {
    pub application_id: i32,
    pub migrations: &'a [&'a str],
}

/// What a file says about itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Identity {
    pub application_id: i32,
    pub user_version: u32,
    pub has_tables: bool,
}

impl Identity {
    /// A file nothing was written to yet (new, or empty): migrations start from the first.
    pub fn is_blank(&self) -> bool {
        self.application_id == 0 && self.user_version == 0 && !self.has_tables
    }
}

/// Why a file was not migrated. Every case but `Failed` left the file as it was.
#[derive(Debug)]
pub enum MigrateError {
    /// The pragmas could not be read: not a SQLite file, or not readable.
    Unreadable(rusqlite::Error),
    /// Another program's file: a different application id, or tables without any id.
    Foreign(Identity),
    /// Written by a newer version: `version` migrations ran, this binary knows `known`.
    Newer { version: u32, known: u32 },
    /// Migration `version` failed and was rolled back; the ones before it stay applied.
    Failed { version: u32, error: rusqlite::Error },
}

impl std::fmt::Display for MigrateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MigrateError::Unreadable(e) => write!(f, "unreadable database: {e}"),
            MigrateError::Foreign(id) => write!(f, "foreign database (application_id {:#x})", id.application_id),
            MigrateError::Newer { version, known } => write!(f, "database schema {version} is newer than {known}"),
            MigrateError::Failed { version, error } => write!(f, "migration {version} failed: {error}"),
        }
    }
}

impl std::error::Error for MigrateError {}

/// Reads the file's identity without writing.
pub fn identity(conn: &Connection) -> rusqlite::Result<Identity> {
    let application_id: i32 = conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
    let user_version: u32 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let has_tables: bool =
        conn.query_row("SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table')", [], |r| r.get(0))?;
    Ok(Identity { application_id, user_version, has_tables })
}

impl Schema<'_> {
    /// The version a fully migrated file has.
    pub fn version(&self) -> u32 {
        self.migrations.len() as u32
    }

    /// Whether this binary may migrate and use the file. Only reads, so it also works read-only.
    pub fn check(&self, conn: &Connection) -> Result<Identity, MigrateError> {
        let id = identity(conn).map_err(MigrateError::Unreadable)?;
        if id.application_id != self.application_id && !id.is_blank() {
            return Err(MigrateError::Foreign(id));
        }
        if id.user_version > self.version() {
            return Err(MigrateError::Newer { version: id.user_version, known: self.version() });
        }
        Ok(id)
    }

    /// Checks the file, then applies the migrations it lacks, each in its own transaction that also
    /// sets the application id and the new version. Returns the versions before and after.
    pub fn migrate(&self, conn: &Connection) -> Result<(u32, u32), MigrateError> {
        let from = self.check(conn)?.user_version;
        for (i, sql) in self.migrations.iter().enumerate().skip(from as usize) {
            let version = i as u32 + 1;
            let apply = || -> rusqlite::Result<()> {
                let tx = Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
                tx.execute_batch(sql)?;
                tx.pragma_update(None, "application_id", self.application_id)?;
                tx.pragma_update(None, "user_version", version)?;
                tx.commit()
            };
            apply().map_err(|error| MigrateError::Failed { version, error })?;
        }
        Ok((from, self.version()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    const SCHEMA: Schema = Schema {
        application_id: 0x5445_5354, // "TEST"
        migrations: &["CREATE TABLE a (x INTEGER);", "CREATE TABLE b (y INTEGER); INSERT INTO a VALUES (1);"],
    };

    fn db() -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        (dir, path)
    }

    fn tables(conn: &Connection) -> Vec<String> {
        let mut st = conn.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").unwrap();
        st.query_map([], |r| r.get(0)).unwrap().collect::<rusqlite::Result<_>>().unwrap()
    }

    /// Refuses through a fresh connection and shows the file's bytes did not change.
    fn refused_unchanged(path: &Path) -> MigrateError {
        let before = std::fs::read(path).unwrap();
        let e = SCHEMA.migrate(&Connection::open(path).unwrap()).unwrap_err();
        assert_eq!(std::fs::read(path).unwrap(), before, "a refused file must stay as it was");
        e
    }

    #[test]
    fn a_fresh_file_gets_every_migration_and_the_id() {
        let (_dir, path) = db();
        let conn = Connection::open(&path).unwrap();
        assert_eq!(SCHEMA.migrate(&conn).unwrap(), (0, 2));
        let id = identity(&conn).unwrap();
        assert_eq!((id.application_id, id.user_version), (SCHEMA.application_id, 2));
        assert_eq!(tables(&conn), ["a", "b"]);
        assert_eq!(conn.query_row("SELECT count(*) FROM a", [], |r| r.get::<_, i64>(0)).unwrap(), 1);
        // Again: nothing left to do, nothing applied twice.
        assert_eq!(SCHEMA.migrate(&conn).unwrap(), (2, 2));
        assert_eq!(conn.query_row("SELECT count(*) FROM a", [], |r| r.get::<_, i64>(0)).unwrap(), 1);
    }

    #[test]
    fn an_older_file_gets_only_the_missing_migrations() {
        let (_dir, path) = db();
        let conn = Connection::open(&path).unwrap();
        Schema { migrations: &SCHEMA.migrations[..1], ..SCHEMA }.migrate(&conn).unwrap();
        conn.execute("INSERT INTO a VALUES (7)", []).unwrap();
        assert_eq!(SCHEMA.migrate(&conn).unwrap(), (1, 2));
        assert_eq!(conn.query_row("SELECT group_concat(x) FROM a", [], |r| r.get::<_, String>(0)).unwrap(), "7,1");
    }

    #[test]
    fn a_newer_file_is_refused_and_left_unchanged() {
        let (_dir, path) = db();
        let conn = Connection::open(&path).unwrap();
        SCHEMA.migrate(&conn).unwrap();
        conn.pragma_update(None, "user_version", 9).unwrap();
        drop(conn);
        match refused_unchanged(&path) {
            MigrateError::Newer { version: 9, known: 2 } => {}
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn another_programs_file_is_refused_and_left_unchanged() {
        let (_dir, path) = db();
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch("CREATE TABLE lain (x); PRAGMA application_id = 1234;").unwrap();
        drop(conn);
        match refused_unchanged(&path) {
            MigrateError::Foreign(id) => assert_eq!(id.application_id, 1234),
            other => panic!("{other:?}"),
        }
        // Tables without any id are someone else's too, whatever their version says.
        for version in [0, 1] {
            let (_dir, path) = db();
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(&format!("CREATE TABLE lain (x); PRAGMA user_version = {version};")).unwrap();
            drop(conn);
            assert!(matches!(refused_unchanged(&path), MigrateError::Foreign(_)));
        }
        // And a bare version without our id.
        let (_dir, path) = db();
        Connection::open(&path).unwrap().pragma_update(None, "user_version", 1).unwrap();
        assert!(matches!(refused_unchanged(&path), MigrateError::Foreign(_)));
    }

    #[test]
    fn a_file_that_is_not_sqlite_is_unreadable() {
        let (_dir, path) = db();
        std::fs::write(&path, "ini bukan basis data, hanya teks yang cukup panjang untuk sebuah header").unwrap();
        assert!(matches!(refused_unchanged(&path), MigrateError::Unreadable(_)));
    }

    #[test]
    fn a_failing_migration_rolls_back_alone() {
        let (_dir, path) = db();
        let conn = Connection::open(&path).unwrap();
        let broken = Schema { migrations: &[SCHEMA.migrations[0], "CREATE TABLE c (z); INSERT INTO nope VALUES (1);"], ..SCHEMA };
        match broken.migrate(&conn).unwrap_err() {
            MigrateError::Failed { version: 2, .. } => {}
            other => panic!("{other:?}"),
        }
        assert_eq!(identity(&conn).unwrap().user_version, 1);
        assert_eq!(tables(&conn), ["a"]);
        // The connection is usable and the fixed list finishes the job.
        assert_eq!(SCHEMA.migrate(&conn).unwrap(), (1, 2));
    }
}
