-- Blank card events from the offices (issue 10): every accepted `blank_event` record, once, so the
-- kabupaten sees each kecamatan's cards and stock. A blank's state now is its latest event per
-- (office, serial): the greatest `at`, then the later arrival (`id`).

CREATE TABLE blank_event (
    id            INTEGER PRIMARY KEY,               -- arrival order
    office        TEXT NOT NULL,
    record_id     TEXT NOT NULL UNIQUE REFERENCES record(id),
    event_id      TEXT NOT NULL,                     -- the office's id of the event (a re-send keeps it)
    serial        TEXT NOT NULL,
    event         TEXT NOT NULL CHECK (event IN ('received', 'printed', 'spoiled', 'returned', 'destroyed')),
    from_state    TEXT,                              -- NULL for received
    at            TEXT NOT NULL,
    cause         TEXT,                              -- spoiled only
    report_number TEXT,                              -- berita acara: received, returned, destroyed
    recording_id  TEXT,                              -- printed or spoiled in a print job
    job_id        TEXT,
    chip_uid      TEXT,                              -- printed
    UNIQUE (office, event_id)
);
CREATE INDEX blank_event_serial ON blank_event (office, serial, at, id);
CREATE INDEX blank_event_kind ON blank_event (office, event);
