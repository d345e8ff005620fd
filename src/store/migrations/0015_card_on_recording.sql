-- The recording's card as the supervisor's home counts it: when its latest card was printed and
-- whether that card was handed over. Written by the print job's `done` step and by the hand-over,
-- in their transactions; the print queue and the uncollected cards become counts on small
-- partial indexes instead of a walk over every card ever printed. (The lookup and the reports
-- still derive a card's state from the print jobs and hand-overs themselves.)

ALTER TABLE recording ADD COLUMN card_printed_at TEXT;
ALTER TABLE recording ADD COLUMN card_handed_over INTEGER NOT NULL DEFAULT 0;

UPDATE recording SET card_printed_at =
    (SELECT MAX(j.finished_at) FROM print_job j WHERE j.recording_id = recording.id AND j.state = 'done');
UPDATE recording SET card_handed_over = EXISTS (
    SELECT 1 FROM handover h JOIN print_job j ON j.id = h.print_job_id
    WHERE j.recording_id = recording.id AND j.finished_at = recording.card_printed_at)
WHERE card_printed_at IS NOT NULL;

CREATE INDEX recording_print_queue ON recording (status) WHERE card_printed_at IS NULL;
CREATE INDEX recording_uncollected ON recording (card_printed_at) WHERE card_printed_at IS NOT NULL AND card_handed_over = 0;
