-- Hand-over (pengambilan): each printed card given to the applicant or a representative, with the
-- collector's signature and, for a representative, the power of attorney or family card scanned.

CREATE TABLE handover (
    id                     TEXT PRIMARY KEY,     -- UUIDv7
    recording_id           TEXT NOT NULL REFERENCES recording(id),
    print_job_id           TEXT NOT NULL UNIQUE REFERENCES print_job(id),  -- one hand-over per printed card
    serial                 TEXT REFERENCES blank_card(serial),
    nik                    TEXT NOT NULL,        -- the card holder's NIK
    collector              TEXT NOT NULL CHECK (collector IN ('applicant', 'representative')),
    rep_name               TEXT,
    rep_nik                TEXT,
    rep_relationship       TEXT,
    rep_document_kind      TEXT CHECK (rep_document_kind IN ('surat_kuasa', 'kk')),
    rep_document           BLOB,
    rep_document_mime      TEXT,
    signature              BLOB NOT NULL,        -- the collector's signature, transparent PNG
    old_card               TEXT CHECK (old_card IN ('handed_in', 'withdrawn')),
    -- One card per NIK is live: a newer hand-over supersedes the holder's previous card.
    state                  TEXT NOT NULL DEFAULT 'live' CHECK (state IN ('live', 'superseded')),
    superseded_by          TEXT,
    staff_id               TEXT NOT NULL REFERENCES staff(id),
    at                     TEXT NOT NULL,
    CHECK ((collector = 'applicant') = (rep_nik IS NULL))
);
CREATE UNIQUE INDEX handover_one_live_card ON handover (nik) WHERE state = 'live';
CREATE INDEX handover_by_recording ON handover (recording_id, at);
