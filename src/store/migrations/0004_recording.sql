-- KTP-el recording (perekaman): one row per recording session of an application, its biometrics.

CREATE TABLE recording (
    id                 TEXT PRIMARY KEY,     -- UUIDv7, the record id the central server dedups on
    application_id     TEXT NOT NULL REFERENCES application(id),
    status             TEXT NOT NULL CHECK (status IN ('in_progress', 'bio_captured', 'sent_for_enrollment',
                           'print_ready_record', 'duplicate_record', 'enroll_failure', 'cancelled')),
    operator_id        TEXT NOT NULL REFERENCES staff(id),
    started_at         TEXT NOT NULL,
    finished_at        TEXT,
    receipt_number     TEXT UNIQUE,
    photo              BLOB,                 -- normalised JPEG
    photo_checks       TEXT,                 -- JSON list of checks
    signature          BLOB,                 -- transparent PNG
    rerecord_of        TEXT REFERENCES recording(id),
    rerecord_approved_by TEXT REFERENCES staff(id)
);
CREATE INDEX recording_by_application ON recording (application_id);

CREATE TABLE biometric (
    recording_id     TEXT NOT NULL REFERENCES recording(id),
    part             TEXT NOT NULL,          -- right_thumb … left_little, iris_right, iris_left
    image            BLOB,                   -- greyscale PNG; NULL for an exception
    score            INTEGER,
    acceptable       INTEGER NOT NULL DEFAULT 0,
    exception_reason TEXT,                   -- a missing finger or eye
    exception_photo  BLOB,
    approved_by      TEXT REFERENCES staff(id),
    captured_at      TEXT NOT NULL,
    PRIMARY KEY (recording_id, part)
);
