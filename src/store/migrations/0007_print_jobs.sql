-- Card printing: the station's card printers and every print job, tied to the numbered blank it used.

-- When central's last verdict arrived: the print queue is oldest PRR first.
ALTER TABLE recording ADD COLUMN status_at TEXT;

CREATE TABLE card_printer (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL UNIQUE,
    uri          TEXT NOT NULL,              -- ipp://…, ipps://…, or a CUPS queue http://host:631/printers/NAME
    offset_x_mm  REAL NOT NULL DEFAULT 0,    -- calibration: every printer feeds a little differently
    offset_y_mm  REAL NOT NULL DEFAULT 0,
    active       INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE print_job (
    id             TEXT PRIMARY KEY,         -- UUIDv7
    recording_id   TEXT NOT NULL REFERENCES recording(id),
    state          TEXT NOT NULL CHECK (state IN ('queued', 'printing', 'personalising', 'checking', 'done',
                       'spoiled', 'interrupted', 'cancelled')),
    serial         TEXT REFERENCES blank_card(serial),
    printer_id     INTEGER REFERENCES card_printer(id),
    printer_job_id INTEGER,                  -- the job id the IPP printer gave
    chip_uid       TEXT,
    -- a reprint: lost | damaged | data_change | spoiled_in_print; NULL for the first card
    reprint_reason TEXT,
    reprint_note   TEXT,
    needs_approval INTEGER NOT NULL DEFAULT 0,
    approved_by    TEXT REFERENCES staff(id),
    cause          TEXT,                     -- spoiled: the blank's cause
    message        TEXT,                     -- the last thing the printer or encoder said, for the operator
    created_by     TEXT NOT NULL REFERENCES staff(id),
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    finished_at    TEXT
);
-- One open job per record: a double click, two operators or a retry make no second card.
CREATE UNIQUE INDEX print_job_one_open ON print_job (recording_id)
    WHERE state IN ('queued', 'printing', 'personalising', 'checking', 'interrupted');
CREATE INDEX print_job_by_recording ON print_job (recording_id, created_at);

CREATE TABLE print_job_event (
    id       INTEGER PRIMARY KEY,
    job_id   TEXT NOT NULL REFERENCES print_job(id),
    at       TEXT NOT NULL,
    state    TEXT NOT NULL,
    staff_id TEXT REFERENCES staff(id),
    detail   TEXT
);
CREATE INDEX print_job_event_by_job ON print_job_event (job_id, id);
