-- Central's first schema (PostgreSQL). Same tables as the SQLite backend.

CREATE TABLE enroll_token (
    token_hash TEXT PRIMARY KEY,          -- SHA-256 of the one-time token; the token itself is never stored
    office     TEXT NOT NULL,
    label      TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    used_at    TIMESTAMPTZ,
    device_id  TEXT
);

CREATE TABLE device (
    id             TEXT PRIMARY KEY,
    office         TEXT NOT NULL,
    name           TEXT NOT NULL,
    secret_hash    TEXT NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL,
    revoked_at     TIMESTAMPTZ,
    contiguous_seq BIGINT NOT NULL DEFAULT 0,
    last_seen_at   TIMESTAMPTZ
);

-- Every record ever received, once: dedup is on id, forever.
CREATE TABLE record (
    id           TEXT PRIMARY KEY,
    device_id    TEXT NOT NULL REFERENCES device(id),
    seq          BIGINT NOT NULL,
    prev_seq     BIGINT NOT NULL,
    kind         TEXT NOT NULL,
    office       TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    content_hash TEXT NOT NULL,
    body         BYTEA NOT NULL,
    received_at  TIMESTAMPTZ NOT NULL,
    outcome      TEXT NOT NULL CHECK (outcome IN ('accepted', 'invalid')),
    reason       TEXT
);
CREATE INDEX record_device ON record (device_id, seq);
CREATE INDEX record_office ON record (office, kind, outcome);

-- Which seqs of a device were answered (stored, duplicate or conflict), for the contiguous seq.
CREATE TABLE device_seq (
    device_id TEXT NOT NULL,
    seq       BIGINT NOT NULL,
    prev_seq  BIGINT NOT NULL,
    PRIMARY KEY (device_id, seq)
);
CREATE INDEX device_seq_prev ON device_seq (device_id, prev_seq, seq);

-- The refused copy of a record whose id was already stored with other content.
CREATE TABLE conflict (
    id           BIGSERIAL PRIMARY KEY,
    record_id    TEXT NOT NULL,
    device_id    TEXT NOT NULL,
    seq          BIGINT NOT NULL,
    content_hash TEXT NOT NULL,
    received_at  TIMESTAMPTZ NOT NULL
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
    updated_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX recording_status_nik ON recording_status (nik, status);

-- What the offices pull, per office, by cursor. Cursors are chosen by `changes::append` (never
-- reused, even after a restore from an older backup).
CREATE TABLE change (
    cursor     BIGINT PRIMARY KEY,
    office     TEXT NOT NULL,
    body       TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX change_office ON change (office, cursor);

CREATE TABLE appointment (
    id             TEXT PRIMARY KEY,
    office         TEXT NOT NULL,
    booking_code   TEXT NOT NULL UNIQUE,
    service        TEXT NOT NULL,
    slot           TEXT NOT NULL,
    applicant_name TEXT NOT NULL,
    cancelled      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at     TIMESTAMPTZ NOT NULL
);
