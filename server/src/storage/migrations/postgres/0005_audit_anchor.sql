-- The head of each device's audit chain (its last row's seq and hash) as the office sends it with
-- its batches: one row per device, holding the highest head it was ever sent. A later head with a
-- lower seq (rows cut off the end at the office, or a restore) does not replace it; it is noted in
-- reported_seq so central can see the chain went back.

CREATE TABLE audit_anchor (
    device_id     TEXT PRIMARY KEY REFERENCES device(id),
    office        TEXT NOT NULL,
    seq           BIGINT NOT NULL,
    hash          TEXT NOT NULL,
    at            TIMESTAMPTZ NOT NULL,                 -- the audit row's own time at the office
    anchored_at   TIMESTAMPTZ NOT NULL,                 -- when central stored this head
    reported_seq  BIGINT NOT NULL,                 -- the head the device sent last
    reported_at   TIMESTAMPTZ NOT NULL
);
