-- Scheduled, verified backups (src/backup): one row per attempt, good or not. The settings are
-- rows of `setting` (backup.enabled, backup.time, backup.folder, backup.generations).

CREATE TABLE backup_run (
    id           INTEGER PRIMARY KEY,
    started_at   TEXT NOT NULL,                    -- RFC 3339 UTC
    finished_at  TEXT NOT NULL,
    trigger      TEXT NOT NULL CHECK (trigger IN ('schedule', 'startup', 'manual')),
    actor        TEXT,                             -- the username for "Cadangkan sekarang"
    ok           INTEGER NOT NULL CHECK (ok IN (0, 1)),
    file         TEXT,                             -- the verified copy's full path
    size_bytes   INTEGER,
    counts       TEXT,                             -- JSON: table → rows, as verified in the copy
    audit_seq    INTEGER,
    audit_hash   TEXT,
    error        TEXT                              -- for the supervisor, in Bahasa Indonesia
);

CREATE INDEX backup_run_ok ON backup_run (ok, started_at);
