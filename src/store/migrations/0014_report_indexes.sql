-- What the reports and the dashboard look up by time: a day, a month or a year of each kind of
-- row is a range on its time column instead of a scan of the whole table, and a recording's
-- delivery to central is found by its record id (the "data sent within an hour" standard).

CREATE INDEX outbox_by_record ON outbox (record_id);
CREATE INDEX outbox_by_delivery ON outbox (delivered_at) WHERE delivered_at IS NOT NULL;
CREATE INDEX recording_by_finish ON recording (finished_at);
CREATE INDEX recording_by_status ON recording (status, status_at);
CREATE INDEX print_job_by_finish ON print_job (finished_at) WHERE state = 'done';
CREATE INDEX application_event_by_time ON application_event (at, status);
CREATE INDEX application_by_created ON application (created_at);
CREATE INDEX handover_by_time ON handover (at);
CREATE INDEX suket_by_issue ON suket (issued_at);
CREATE INDEX complaint_by_received ON complaint (received_at);
CREATE INDEX complaint_event_by_time ON complaint_event (event, at);
