-- Complaints (pengaduan) from the offices: every accepted `complaint_event` record, once per
-- (office, event_id). No complaint text or contact travels. A complaint's state now is its latest
-- event's `state` per (office, number): the greatest `at`, then the later arrival (`id`).

CREATE TABLE complaint_event (
    id            INTEGER PRIMARY KEY,
    office        TEXT NOT NULL,
    record_id     TEXT NOT NULL UNIQUE REFERENCES record(id),
    event_id      TEXT NOT NULL,                     -- the office's id of the event (a re-send keeps it)
    event         TEXT NOT NULL CHECK (event IN ('received', 'verified', 'rejected', 'assigned', 'answered', 'closed', 'escalated')),
    at            TEXT NOT NULL,
    number        TEXT NOT NULL,                     -- ADU-610109-20261123-0001
    state         TEXT NOT NULL CHECK (state IN ('diterima', 'diverifikasi', 'ditolak', 'ditindaklanjuti', 'selesai', 'ditutup')),
    channel       TEXT NOT NULL,
    category      TEXT NOT NULL,
    received_on   TEXT NOT NULL,                      -- office-local
    deadline      TEXT NOT NULL,                      -- office-local, received_on + N working days
    level         TEXT NOT NULL,                     -- supervisor, sekretaris, kepala_bidang, kepala_dinas
    note          TEXT,                              -- a rejection's reason, an escalation's note
    UNIQUE (office, event_id)
);
CREATE INDEX complaint_event_number ON complaint_event (office, number, at, id);
