-- 004_notify: the outbox every outgoing message goes through, and the notices
-- that tell municipalities what the feeds saw (which events went into which
-- notice, for repeat suppression and for the record).

-- How often an organisation gets its digest: high-severity events go out at
-- the next run whatever this says.
ALTER TABLE org ADD COLUMN notify_period TEXT NOT NULL DEFAULT 'daily'
	CHECK (notify_period IN ('immediate', 'daily', 'weekly'));

-- One message to one recipient, complete (RFC 5322), written in the same
-- transaction as the change that causes it and delivered by a worker.
-- state: queued -> sent; queued -> (retries with backoff) -> failed;
-- uncertain: the process died between the end of the message and the
-- server's answer, so it may or may not have arrived: never resent by
-- itself (an operator decides: kcert outbox retry ID).
CREATE TABLE outbox (
	id @PK@,
	kind TEXT NOT NULL,                    -- notice, case-reply, ...
	ref TEXT NOT NULL,                     -- what it belongs to: a notice reference, a case number
	mail_from TEXT NOT NULL,
	rcpt TEXT NOT NULL,
	subject TEXT NOT NULL,
	message_id TEXT NOT NULL UNIQUE,
	body TEXT NOT NULL,
	state TEXT NOT NULL DEFAULT 'queued'
		CHECK (state IN ('queued', 'sending', 'sent', 'failed', 'uncertain')),
	attempts INTEGER NOT NULL DEFAULT 0,
	next_attempt TEXT NOT NULL,
	lease_owner TEXT,
	lease_until TEXT,
	last_error TEXT,
	created_at TEXT NOT NULL,
	sent_at TEXT
);
CREATE INDEX outbox_due ON outbox (state, next_attempt);
CREATE INDEX outbox_ref ON outbox (kind, ref);

-- One digest to one recipient of one organisation.
CREATE TABLE notice (
	id @PK@,
	ref TEXT NOT NULL UNIQUE,              -- KC-V-2026-000123, in the subject and the mail
	org_id INTEGER NOT NULL REFERENCES org (id) ON DELETE CASCADE,
	contact_id INTEGER REFERENCES contact (id) ON DELETE SET NULL,
	rcpt TEXT NOT NULL,
	lang TEXT NOT NULL,
	events INTEGER NOT NULL,
	high INTEGER NOT NULL DEFAULT 0,       -- carries high-severity events
	outbox_id INTEGER REFERENCES outbox (id),
	ack_token_hash TEXT NOT NULL,          -- SHA-256 of the token in the mail's link
	acked_at TEXT,
	acked_by TEXT,
	created_at TEXT NOT NULL
);
CREATE INDEX notice_org ON notice (org_id, created_at);

-- Which events went into which notice. skey (identifier|address|port) and
-- rcpt repeat the event's and notice's so that repeat suppression is one
-- index lookup.
CREATE TABLE notice_event (
	notice_id INTEGER NOT NULL REFERENCES notice (id) ON DELETE CASCADE,
	event_id INTEGER NOT NULL REFERENCES event (id) ON DELETE CASCADE,
	rcpt TEXT NOT NULL,
	skey TEXT NOT NULL,
	created_at TEXT NOT NULL,
	PRIMARY KEY (notice_id, event_id)
);
CREATE INDEX notice_event_event ON notice_event (event_id);
CREATE INDEX notice_event_suppress ON notice_event (rcpt, skey, created_at);

-- Per organisation: the last event considered and when its last digest went.
CREATE TABLE notify_state (
	org_id INTEGER PRIMARY KEY REFERENCES org (id) ON DELETE CASCADE,
	last_event_id INTEGER NOT NULL DEFAULT 0,
	last_run TEXT
);
