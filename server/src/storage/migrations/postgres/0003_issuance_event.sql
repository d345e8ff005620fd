-- Card hand-overs and Suket events from the offices: every accepted `issuance_event` record, once
-- per (office, event_id). A Suket's state now is its latest event per (office, suket_number): the
-- greatest `at`, then the later arrival (`id`).

CREATE TABLE issuance_event (
    id            BIGSERIAL PRIMARY KEY,             -- arrival order
    office        TEXT NOT NULL,
    record_id     TEXT NOT NULL UNIQUE REFERENCES record(id),
    event_id      TEXT NOT NULL,                     -- the office's id of the event (a re-send keeps it)
    event         TEXT NOT NULL CHECK (event IN ('card_handed_over', 'suket_issued', 'suket_reprinted',
                                                 'suket_withdrawn', 'suket_superseded')),
    at            TIMESTAMPTZ NOT NULL,
    nik           TEXT NOT NULL,
    recording_id  TEXT NOT NULL,
    handover_id   TEXT,                              -- card_handed_over
    serial        TEXT,                              -- the card's blank serial
    collector     TEXT,                              -- applicant, representative
    old_card      TEXT,                              -- handed_in, withdrawn
    suket_number  TEXT,                              -- suket_* events
    valid_until   DATE,                              -- suket_issued, suket_reprinted
    reason        TEXT,                              -- suket_withdrawn
    UNIQUE (office, event_id)
);
CREATE INDEX issuance_event_suket ON issuance_event (office, suket_number, at, id);
CREATE INDEX issuance_event_kind ON issuance_event (office, event);
CREATE INDEX issuance_event_nik ON issuance_event (nik);
