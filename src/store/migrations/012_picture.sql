-- 012_picture: what the situational picture reads fast, and the weekly
-- situation report's deliveries.

-- The dashboard counts events by when they were last seen (24 h / 7 d / 30 d,
-- per type, per municipality) and new events by when they were first seen
-- (the daily trend, the median per municipality): index both, with the
-- columns those counts group by, so they are answered from the index.
CREATE INDEX event_last_seen ON event (time_last, identifier, org_id);
CREATE INDEX event_first_seen ON event (time_source, org_id);

-- One row per report period and recipient: the weekly report goes to each
-- subscriber once per period, whatever the number of workers.
CREATE TABLE report_delivery (
	period TEXT NOT NULL,                  -- 2026-W48, 2026-11
	rcpt TEXT NOT NULL,
	outbox_id INTEGER REFERENCES outbox (id),
	created_at TEXT NOT NULL,
	PRIMARY KEY (period, rcpt)
);
