-- Each office's closed days: the compact summary of its daily report (every numeric figure, as a
-- JSON list of {section, label, value}), one row per (office, day). A summary generated later
-- replaces the row; an older one arriving afterwards (a late re-send) never does.

CREATE TABLE daily_summary (
    office        TEXT NOT NULL,
    day           TEXT NOT NULL,                 -- office-local, YYYY-MM-DD
    generated_at  TEXT NOT NULL,                 -- when the office computed the report
    record_id     TEXT NOT NULL REFERENCES record(id),
    figures       TEXT NOT NULL,                 -- JSON: [{"section", "label", "value"}]
    PRIMARY KEY (office, day)
);
CREATE INDEX daily_summary_day ON daily_summary (day, office);
