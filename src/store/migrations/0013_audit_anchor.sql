-- The last head of the audit chain (seq, hash, the row's time) that central confirmed it holds for
-- this office: `audit verify` compares the live chain with it, so rows cut off the end show. Written
-- only from central's answer; an anchor the office merely sent is not trusted.

CREATE TABLE audit_anchor (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    seq             INTEGER NOT NULL,
    hash            TEXT NOT NULL,
    at              TEXT NOT NULL,                 -- the audit row's own time
    anchored_at     TEXT NOT NULL,                 -- when central stored it (central's clock)
    acknowledged_at TEXT NOT NULL,                 -- when this office read central's answer
    central_url     TEXT,
    device_id       TEXT
);
