-- The office calendar and the complaints register (pengaduan).

-- Days the office is closed besides Saturday and Sunday: national holidays, cuti bersama and the
-- office's own days off, kept by a supervisor. `date` is office-local.
CREATE TABLE office_holiday (
    date        TEXT PRIMARY KEY,                 -- YYYY-MM-DD
    kind        TEXT NOT NULL CHECK (kind IN ('libur_nasional', 'cuti_bersama', 'libur_kantor')),
    name        TEXT NOT NULL,
    staff_id    TEXT NOT NULL REFERENCES staff(id),
    saved_at    TEXT NOT NULL
);

CREATE TABLE complaint (
    id                  TEXT PRIMARY KEY,         -- UUIDv7
    number              TEXT NOT NULL UNIQUE,     -- ADU-610109-20261123-0001
    day                 TEXT NOT NULL,            -- office-local day received
    seq                 INTEGER NOT NULL,         -- the day's sequence
    channel             TEXT NOT NULL CHECK (channel IN ('langsung', 'telepon', 'whatsapp', 'email', 'kotak_saran')),
    category            TEXT NOT NULL,
    text                TEXT NOT NULL,
    ticket_number       TEXT,
    nik                 TEXT,
    application_number  TEXT,
    contact_name        TEXT,
    contact_phone       TEXT,
    state               TEXT NOT NULL DEFAULT 'diterima'
                        CHECK (state IN ('diterima', 'diverifikasi', 'ditolak', 'ditindaklanjuti', 'selesai', 'ditutup')),
    level               TEXT NOT NULL DEFAULT 'supervisor'
                        CHECK (level IN ('supervisor', 'sekretaris', 'kepala_bidang', 'kepala_dinas')),
    deadline            TEXT NOT NULL,            -- office-local: day + N working days, fixed when received
    assignee_id         TEXT REFERENCES staff(id),
    reject_reason       TEXT,
    answer              TEXT,
    received_at         TEXT NOT NULL,
    staff_id            TEXT NOT NULL REFERENCES staff(id),
    updated_at          TEXT NOT NULL,
    UNIQUE (day, seq)
);
CREATE INDEX complaint_by_state ON complaint (state, deadline);
CREATE INDEX complaint_by_nik ON complaint (nik);

-- Every step of a complaint: the history the detail shows.
CREATE TABLE complaint_event (
    id            INTEGER PRIMARY KEY,
    complaint_id  TEXT NOT NULL REFERENCES complaint(id),
    at            TEXT NOT NULL,
    event         TEXT NOT NULL CHECK (event IN ('received', 'verified', 'rejected', 'assigned', 'answered', 'closed', 'escalated')),
    state         TEXT NOT NULL,                  -- after the step
    level         TEXT NOT NULL,                  -- after the step
    note          TEXT,                           -- reason, note, answer, the assignee's name
    staff_id      TEXT NOT NULL REFERENCES staff(id)
);
CREATE INDEX complaint_event_by_complaint ON complaint_event (complaint_id, id);
