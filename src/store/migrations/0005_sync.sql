-- Sync with the central server: each outbox row becomes a change with its own id (central dedups
-- on it forever), remembers what central answered, and the hub's enrollment and cursors.

ALTER TABLE outbox ADD COLUMN change_id TEXT;
-- Rows written before this migration get an id now; new rows get a UUIDv7 from the writer.
UPDATE outbox SET change_id = lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-7' || substr(hex(randomblob(2)), 2)
    || '-8' || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))) WHERE change_id IS NULL;
CREATE UNIQUE INDEX outbox_change_id ON outbox (change_id);
-- Set once central has committed the row; cleared again if central turns out to have lost it.
ALTER TABLE outbox ADD COLUMN delivered_at TEXT;
-- accepted | duplicate | invalid | conflict
ALTER TABLE outbox ADD COLUMN outcome TEXT;
ALTER TABLE outbox ADD COLUMN reason TEXT;
-- A quarantined row (invalid, conflict) stays listed until a supervisor re-sends or dismisses it.
ALTER TABLE outbox ADD COLUMN resolved_at TEXT;
ALTER TABLE outbox ADD COLUMN resolved_by TEXT REFERENCES staff(id);
CREATE INDEX outbox_waiting ON outbox (seq) WHERE delivered_at IS NULL;

CREATE TABLE sync_state (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    central_url     TEXT,
    device_id       TEXT,
    secret          TEXT,
    office          TEXT,
    enrolled_at     TEXT,
    -- Central's change cursor up to which status changes and appointments were applied here.
    change_cursor   INTEGER NOT NULL DEFAULT 0,
    last_success_at TEXT,
    warn_after_days INTEGER NOT NULL DEFAULT 3
);
INSERT INTO sync_state (id) VALUES (1);
