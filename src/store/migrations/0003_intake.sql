-- Intake: applicants (biodata), applications with their timeline, document requirements and checks,
-- and the outbox that the sync sends to the central server.

CREATE TABLE applicant (
    id             TEXT PRIMARY KEY,          -- UUIDv7
    nik            TEXT NOT NULL UNIQUE,
    kk_number      TEXT NOT NULL,
    full_name      TEXT NOT NULL,
    sex            TEXT NOT NULL CHECK (sex IN ('L', 'P')),
    birth_place    TEXT NOT NULL,
    birth_date     TEXT NOT NULL,             -- YYYY-MM-DD
    blood_type     TEXT NOT NULL,
    religion       TEXT NOT NULL,
    marital_status TEXT NOT NULL,
    occupation     TEXT NOT NULL,
    education      TEXT NOT NULL,
    citizenship    TEXT NOT NULL,
    address        TEXT NOT NULL,
    rt             TEXT NOT NULL,
    rw             TEXT NOT NULL,
    village_code   TEXT NOT NULL,             -- dotted kelurahan/desa code
    postal_code    TEXT,
    mobile         TEXT NOT NULL,
    telephone      TEXT,
    email          TEXT,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);

CREATE TABLE application (
    id           TEXT PRIMARY KEY,            -- UUIDv7
    number       TEXT NOT NULL UNIQUE,        -- PMH-20261123-0007
    applicant_id TEXT NOT NULL REFERENCES applicant(id),
    kind         TEXT NOT NULL CHECK (kind IN ('new', 'lost', 'damaged', 'data_change', 'moved_in')),
    status       TEXT NOT NULL CHECK (status IN ('checking', 'returned', 'ready_to_record', 'recorded', 'cancelled')),
    ticket_id    TEXT REFERENCES ticket(id),
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX application_by_applicant ON application (applicant_id);

CREATE TABLE application_event (
    id             INTEGER PRIMARY KEY,
    application_id TEXT NOT NULL REFERENCES application(id),
    at             TEXT NOT NULL,
    status         TEXT NOT NULL,
    staff_id       TEXT REFERENCES staff(id),
    note           TEXT
);
CREATE INDEX application_event_by_application ON application_event (application_id);

-- What each kind of application needs. A supervisor edits these; the defaults follow the office's
-- procedures. `condition`: 'always', or 'under_17_married' (needed only for a married applicant under 17).
CREATE TABLE requirement (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('new', 'lost', 'damaged', 'data_change', 'moved_in')),
    code       TEXT NOT NULL,
    name       TEXT NOT NULL,
    condition  TEXT NOT NULL DEFAULT 'always' CHECK (condition IN ('always', 'under_17_married')),
    sort_order INTEGER NOT NULL DEFAULT 0,
    active     INTEGER NOT NULL DEFAULT 1,
    UNIQUE (kind, code)
);

INSERT INTO requirement (kind, code, name, condition, sort_order) VALUES
    ('new', 'kk', 'Fotokopi Kartu Keluarga (KK)', 'always', 1),
    ('new', 'marriage', 'Buku nikah / akta perkawinan (pemohon belum 17 tahun yang sudah kawin)', 'under_17_married', 2),
    ('lost', 'kk', 'Fotokopi Kartu Keluarga (KK)', 'always', 1),
    ('lost', 'police_letter', 'Surat keterangan kehilangan dari kepolisian', 'always', 2),
    ('damaged', 'kk', 'Fotokopi Kartu Keluarga (KK)', 'always', 1),
    ('damaged', 'damaged_card', 'KTP-el yang rusak (diserahkan)', 'always', 2),
    ('data_change', 'kk', 'Fotokopi Kartu Keluarga (KK)', 'always', 1),
    ('data_change', 'old_card', 'KTP-el lama (diserahkan)', 'always', 2),
    ('data_change', 'supporting_docs', 'Dokumen pendukung perubahan data', 'always', 3),
    ('moved_in', 'kk', 'Fotokopi Kartu Keluarga (KK)', 'always', 1),
    ('moved_in', 'skpwni', 'Surat Keterangan Pindah WNI (SKPWNI)', 'always', 2);

CREATE TABLE document_check (
    application_id TEXT NOT NULL REFERENCES application(id),
    requirement_id INTEGER NOT NULL REFERENCES requirement(id),
    status         TEXT NOT NULL CHECK (status IN ('present', 'missing', 'invalid')),
    note           TEXT,
    scan           BLOB,                      -- image or PDF, size-capped
    scan_type      TEXT,
    checked_by     TEXT REFERENCES staff(id),
    checked_at     TEXT NOT NULL,
    PRIMARY KEY (application_id, requirement_id)
);

-- Every change the central server must learn about, written in the same transaction as the change.
CREATE TABLE outbox (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    record_id  TEXT NOT NULL,
    kind       TEXT NOT NULL,
    payload    TEXT NOT NULL,
    created_at TEXT NOT NULL
);
