-- Queue: services (layanan), counters (loket), tickets, their history, appointments.

CREATE TABLE service (
    id                    INTEGER PRIMARY KEY,
    prefix                TEXT NOT NULL UNIQUE CHECK (length(prefix) = 1 AND prefix BETWEEN 'A' AND 'Z'),
    name                  TEXT NOT NULL,
    kind                  TEXT NOT NULL CHECK (kind IN ('recording', 'replacement', 'pickup', 'letter', 'other')),
    daily_quota           INTEGER NOT NULL CHECK (daily_quota BETWEEN 1 AND 999),
    time_standard_minutes INTEGER NOT NULL CHECK (time_standard_minutes BETWEEN 1 AND 480),
    active_days           TEXT NOT NULL DEFAULT '12345', -- ISO weekdays, 1 = Senin … 7 = Minggu
    active                INTEGER NOT NULL DEFAULT 1,
    sort_order            INTEGER NOT NULL DEFAULT 0
);

-- Shipped defaults for a kecamatan office; a supervisor changes them.
INSERT INTO service (prefix, name, kind, daily_quota, time_standard_minutes, active_days, sort_order) VALUES
    ('A', 'Perekaman KTP-el Baru', 'recording', 100, 15, '12345', 1),
    ('B', 'Penggantian KTP-el (hilang/rusak/perubahan data)', 'replacement', 100, 15, '12345', 2),
    ('C', 'Pengambilan KTP-el', 'pickup', 150, 5, '12345', 3),
    ('D', 'Surat Keterangan dan Lainnya', 'letter', 100, 10, '12345', 4);

CREATE TABLE counter (
    id     INTEGER PRIMARY KEY,
    number INTEGER NOT NULL UNIQUE CHECK (number BETWEEN 1 AND 99),
    name   TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE counter_service (
    counter_id INTEGER NOT NULL REFERENCES counter(id) ON DELETE CASCADE,
    service_id INTEGER NOT NULL REFERENCES service(id),
    PRIMARY KEY (counter_id, service_id)
);

INSERT INTO counter (number, name) VALUES (1, 'Loket 1'), (2, 'Loket 2'), (3, 'Loket 3');
INSERT INTO counter_service (counter_id, service_id) VALUES (1, 1), (1, 2), (2, 1), (2, 2), (3, 3), (3, 4);

-- Who serves at which counter now: one officer per counter, one counter per officer.
CREATE TABLE counter_staff (
    counter_id INTEGER PRIMARY KEY REFERENCES counter(id),
    staff_id   TEXT NOT NULL UNIQUE REFERENCES staff(id),
    since      TEXT NOT NULL
);

-- The last number given per service per office-local day: issuing is one UPSERT … RETURNING.
CREATE TABLE ticket_sequence (
    service_id INTEGER NOT NULL REFERENCES service(id),
    day        TEXT NOT NULL,
    last_seq   INTEGER NOT NULL,
    PRIMARY KEY (service_id, day)
);

CREATE TABLE appointment (
    id             TEXT PRIMARY KEY,
    booking_code   TEXT NOT NULL UNIQUE,
    service_id     INTEGER NOT NULL REFERENCES service(id),
    day            TEXT NOT NULL,
    slot_at        TEXT NOT NULL,
    applicant_name TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('booked', 'checked_in', 'cancelled')),
    ticket_id      TEXT,
    source         TEXT NOT NULL DEFAULT 'local',
    created_at     TEXT NOT NULL
);

CREATE TABLE ticket (
    id                TEXT PRIMARY KEY,            -- UUIDv7
    day               TEXT NOT NULL,               -- office-local YYYY-MM-DD
    issued_service_id INTEGER NOT NULL REFERENCES service(id),
    seq               INTEGER NOT NULL,
    number            TEXT NOT NULL,               -- A-007
    service_id        INTEGER NOT NULL REFERENCES service(id), -- current line (changes on transfer)
    priority          TEXT CHECK (priority IN ('elderly', 'disability', 'pregnant', 'child')),
    appointment_id    TEXT REFERENCES appointment(id),
    slot_at           TEXT,                        -- appointment slot when checked in on time
    issued_at         TEXT NOT NULL,
    queued_at         TEXT NOT NULL,               -- place in line; kept on transfer
    status            TEXT NOT NULL CHECK (status IN ('waiting', 'called', 'serving', 'parked', 'done', 'no_show', 'closed')),
    counter_id        INTEGER REFERENCES counter(id),
    staff_id          TEXT REFERENCES staff(id),
    call_count        INTEGER NOT NULL DEFAULT 0,
    last_called_at    TEXT,
    started_at        TEXT,
    finished_at       TEXT,
    transfers         INTEGER NOT NULL DEFAULT 0,
    outcome           TEXT,
    UNIQUE (issued_service_id, day, seq)
);
CREATE INDEX ticket_by_day_status ON ticket (day, status, service_id);

-- Every step of every ticket, for metrics and the timeline.
CREATE TABLE ticket_event (
    id         INTEGER PRIMARY KEY,
    ticket_id  TEXT NOT NULL REFERENCES ticket(id),
    at         TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('issued', 'called', 'recalled', 'started', 'finished', 'no_show', 'parked', 'transferred', 'closed')),
    service_id INTEGER,
    counter_id INTEGER,
    staff_id   TEXT,
    detail     TEXT
);
CREATE INDEX ticket_event_by_ticket ON ticket_event (ticket_id);
CREATE INDEX ticket_event_by_kind_at ON ticket_event (kind, at);

-- Open tickets only: closing the day's leftovers must not scan the whole history.
CREATE INDEX ticket_open ON ticket (day) WHERE status IN ('waiting', 'called', 'serving', 'parked');
