-- Suket (Surat Keterangan pengganti KTP-el): the letter a recorded applicant carries while there are
-- no blank cards, valid six months, exchanged for the card when it is printed and handed over.

CREATE TABLE suket (
    id              TEXT PRIMARY KEY,                 -- UUIDv7
    number          TEXT NOT NULL UNIQUE,             -- SKT-610109-2026-00001
    year            INTEGER NOT NULL,                 -- office-local year of issue
    seq             INTEGER NOT NULL,                 -- the year's sequence
    recording_id    TEXT NOT NULL REFERENCES recording(id),
    nik             TEXT NOT NULL,
    issued_at       TEXT NOT NULL,
    valid_until     TEXT NOT NULL,                    -- office-local date, the last day it is valid
    -- `expired` is written when a new letter replaces one past its date; until then an old letter
    -- still reads `valid` here and the register derives `expired` from `valid_until`.
    state           TEXT NOT NULL DEFAULT 'valid' CHECK (state IN ('valid', 'expired', 'superseded', 'withdrawn')),
    ended_at        TEXT,
    ended_reason    TEXT,                             -- why it was withdrawn
    handover_id     TEXT REFERENCES handover(id),     -- the card that superseded it
    prints          INTEGER NOT NULL DEFAULT 1,       -- the first print and every reprint
    staff_id        TEXT NOT NULL REFERENCES staff(id),
    UNIQUE (year, seq),
    CHECK ((state = 'valid') = (ended_at IS NULL))
);
-- Never two letters in force for one person.
CREATE UNIQUE INDEX suket_one_valid ON suket (nik) WHERE state = 'valid';
CREATE INDEX suket_by_expiry ON suket (state, valid_until);
CREATE INDEX suket_by_recording ON suket (recording_id);
