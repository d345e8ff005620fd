-- Central's first schema. Times are RFC 3339 UTC text with milliseconds (sorts as text).

CREATE TABLE enroll_token (
    token_hash TEXT PRIMARY KEY,          -- SHA-256 of the one-time token; the token itself is never stored
    office     TEXT NOT NULL,
    label      TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT,
    device_id  TEXT
);

CREATE TABLE device (
    id             TEXT PRIMARY KEY,
    office         TEXT NOT NULL,
    name           TEXT NOT NULL,
    secret_hash    TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    revoked_at     TEXT,
    contiguous_seq INTEGER NOT NULL DEFAULT 0,
    last_seen_at   TEXT
);

-- Every record ever received, once: dedup is on id, forever.
CREATE TABLE record (
    id           TEXT PRIMARY KEY,
    device_id    TEXT NOT NULL REFERENCES device(id),
    seq          INTEGER NOT NULL,
    prev_seq     INTEGER NOT NULL,
    kind         TEXT NOT NULL,
    office       TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    body         BLOB NOT NULL,
    received_at  TEXT NOT NULL,
    outcome      TEXT NOT NULL CHECK (outcome IN ('accepted', 'invalid')),
    reason       TEXT
);
CREATE INDEX record_device ON record (device_id, seq);
CREATE INDEX record_office ON record (office, kind, outcome);

-- Which seqs of a device were answered (stored, duplicate or conflict), for the contiguous seq.
CREATE TABLE device_seq (
    device_id TEXT NOT NULL,
    seq       INTEGER NOT NULL,
    prev_seq  INTEGER NOT NULL,
    PRIMARY KEY (device_id, seq)
);
CREATE INDEX device_seq_prev ON device_seq (device_id, prev_seq, seq);

-- The refused copy of a record whose id was already stored with other content.
CREATE TABLE conflict (
    id           INTEGER PRIMARY KEY,
    record_id    TEXT NOT NULL,
    device_id    TEXT NOT NULL,
    seq          INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    received_at  TEXT NOT NULL
);

-- The population registry (SIAK mirror).
CREATE TABLE person (
    nik         TEXT PRIMARY KEY,
    full_name   TEXT NOT NULL,
    sex         TEXT NOT NULL CHECK (sex IN ('L', 'P')),
    birth_place TEXT NOT NULL,
    birth_date  TEXT NOT NULL,
    kk_number   TEXT
);

CREATE TABLE recording_status (
    recording_id TEXT PRIMARY KEY,
    record_id    TEXT NOT NULL,
    nik          TEXT NOT NULL,
    office       TEXT NOT NULL,
    status       TEXT NOT NULL,
    reason       TEXT,
    updated_at   TEXT NOT NULL
);
CREATE INDEX recording_status_nik ON recording_status (nik, status);

-- What the offices pull, per office, by cursor. Cursors are chosen by `changes::append` (never
-- reused, even after a restore from an older backup).
CREATE TABLE change (
    cursor     INTEGER PRIMARY KEY,
    office     TEXT NOT NULL,
    body       TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX change_office ON change (office, cursor);

CREATE TABLE appointment (
    id             TEXT PRIMARY KEY,
    office         TEXT NOT NULL,
    booking_code   TEXT NOT NULL UNIQUE,
    service        TEXT NOT NULL,
    slot           TEXT NOT NULL,
    applicant_name TEXT NOT NULL,
    cancelled      INTEGER NOT NULL DEFAULT 0,
    created_at     TEXT NOT NULL
);
