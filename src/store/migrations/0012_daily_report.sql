-- The day's report as it stood when the supervisor closed the day (queue.close_day): past days
-- are read back from here, unchanged by what is recorded later. The report's model as JSON.

CREATE TABLE daily_report (
    day          TEXT PRIMARY KEY,   -- office-local YYYY-MM-DD
    generated_at TEXT NOT NULL,
    generated_by TEXT NOT NULL,      -- the staff member's name
    report       TEXT NOT NULL
);
