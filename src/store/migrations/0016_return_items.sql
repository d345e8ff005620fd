-- What each returned file lacked, kept at the return. The document check is updated in place when
-- the applicant comes back with the document, so it no longer says what was missing then, and the
-- report's "Dokumen yang paling sering kurang" lost every file completed later the same day.
CREATE TABLE return_item (
    event_id       INTEGER NOT NULL REFERENCES application_event(id),
    requirement_id INTEGER NOT NULL REFERENCES requirement(id),
    status         TEXT NOT NULL CHECK (status IN ('missing', 'invalid')),
    PRIMARY KEY (event_id, requirement_id)
) WITHOUT ROWID;

-- Returns from before this version: what their checks still say (as the report counted them).
INSERT INTO return_item (event_id, requirement_id, status)
SELECT e.id, d.requirement_id, d.status
FROM application_event e JOIN document_check d ON d.application_id = e.application_id
WHERE e.status = 'returned' AND d.status IN ('missing', 'invalid') AND d.checked_at <= e.at;
