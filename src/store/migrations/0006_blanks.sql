-- Blank card stock (blangko): every numbered blank from the kabupaten, and where it is now.
-- A serial is in exactly one state; every change of state is a blank_event row, so the daily
-- posting and the monthly report are computed from events, never from counters kept on the side.

CREATE TABLE blank_delivery (
    id            TEXT PRIMARY KEY,          -- UUIDv7
    report_number TEXT NOT NULL UNIQUE,      -- the berita acara serah terima from the kabupaten
    received_on   TEXT NOT NULL,             -- office-local date, 2026-11-23
    blank_version TEXT NOT NULL,             -- the blank's print version, as on the box
    card_count    INTEGER NOT NULL CHECK (card_count > 0),
    received_by   TEXT NOT NULL REFERENCES staff(id),
    received_at   TEXT NOT NULL
);

CREATE TABLE blank_card (
    serial        TEXT PRIMARY KEY,
    delivery_id   TEXT NOT NULL REFERENCES blank_delivery(id),
    state         TEXT NOT NULL DEFAULT 'in_stock'
                  CHECK (state IN ('in_stock', 'printed', 'spoiled', 'returned', 'destroyed')),
    state_at      TEXT NOT NULL,
    state_by      TEXT REFERENCES staff(id),
    -- spoiled: rusak_fisik | salah_cetak | printer_macet | gagal_encoding | lainnya
    cause         TEXT,
    note          TEXT,
    corner_cut    INTEGER NOT NULL DEFAULT 0, -- the spoiled card's top right corner was cut
    report_number TEXT,                      -- returned / destroyed: the berita acara
    witnesses     TEXT,                      -- returned / destroyed: who saw it
    -- spoiled and then returned or destroyed keeps its cause; this says it was spoiled first
    was_spoiled   INTEGER NOT NULL DEFAULT 0,
    -- the print job that holds this blank in the printer right now (still in stock until the job ends)
    held_by_job   TEXT
);
CREATE INDEX blank_card_state ON blank_card (state);

CREATE TABLE blank_event (
    id        INTEGER PRIMARY KEY,
    serial    TEXT NOT NULL REFERENCES blank_card(serial),
    at        TEXT NOT NULL,
    day       TEXT NOT NULL,                 -- office-local date of `at`
    kind      TEXT NOT NULL CHECK (kind IN ('received', 'printed', 'spoiled', 'returned', 'destroyed')),
    from_state TEXT,                         -- NULL for received
    staff_id  TEXT REFERENCES staff(id),
    cause     TEXT
);
CREATE INDEX blank_event_day ON blank_event (day, kind);

-- The daily posting a supervisor makes against a physical count of the drawer.
CREATE TABLE blank_posting (
    day            TEXT PRIMARY KEY,         -- office-local date
    opening        INTEGER NOT NULL,
    received       INTEGER NOT NULL,
    printed        INTEGER NOT NULL,
    spoiled        INTEGER NOT NULL,
    returned       INTEGER NOT NULL,         -- unused blanks returned or destroyed
    closing        INTEGER NOT NULL,
    physical_count INTEGER NOT NULL,
    posted_by      TEXT NOT NULL REFERENCES staff(id),
    posted_at      TEXT NOT NULL,
    explanation    TEXT,                     -- required before a difference stops being flagged
    explained_by   TEXT REFERENCES staff(id),
    explained_at   TEXT
);
