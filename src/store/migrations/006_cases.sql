-- 006_cases: incident handling. A case is an incident report (what one
-- organisation told us, by web, API or e-mail) or an incident (which gathers
-- reports). Its status follows the phases of NSM's framework for handling ICT
-- incidents; everything that happens to it is an entry on its timeline.

CREATE TABLE incident_case (
	id @PK@,
	kind TEXT NOT NULL DEFAULT 'report' CHECK (kind IN ('report', 'incident')),
	parent_id INTEGER REFERENCES incident_case (id),   -- the incident a report was merged into
	title TEXT NOT NULL,
	status TEXT NOT NULL DEFAULT 'reported'
		CHECK (status IN ('reported', 'triage', 'handling', 'recovery', 'closed', 'merged', 'rejected')),
	severity TEXT NOT NULL DEFAULT 'moderat' CHECK (severity IN ('lav', 'moderat', 'alvorlig', 'kritisk')),
	taxonomy TEXT,                         -- RSIT classification
	type TEXT,                             -- RSIT type
	tlp TEXT NOT NULL DEFAULT 'AMBER',
	org_id INTEGER REFERENCES org (id),    -- the organisation it concerns first
	assignee_id INTEGER REFERENCES app_user (id) ON DELETE SET NULL,
	channel TEXT NOT NULL CHECK (channel IN ('web', 'api', 'email', 'cli')),
	reporter TEXT NOT NULL DEFAULT '',     -- who reported it: a name, an address
	reporter_email TEXT,
	discovered_at TEXT,
	systems TEXT NOT NULL DEFAULT '',      -- systems and services affected
	personal_data TEXT NOT NULL DEFAULT 'unknown' CHECK (personal_data IN ('yes', 'no', 'unknown')),
	services_down TEXT NOT NULL DEFAULT 'unknown' CHECK (services_down IN ('yes', 'no', 'unknown')),
	reported_to TEXT NOT NULL DEFAULT '',  -- police, Datatilsynet, NSM, ... as the reporter said
	description TEXT NOT NULL DEFAULT '',
	lessons TEXT,                          -- lessons learned, when closed
	first_response_due TEXT NOT NULL,
	first_response_at TEXT,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	closed_at TEXT
);
CREATE INDEX case_status ON incident_case (status, first_response_due);
CREATE INDEX case_by_org ON incident_case (org_id, created_at);
CREATE INDEX case_assignee ON incident_case (assignee_id, status);

-- Organisations involved, and how.
CREATE TABLE case_org (
	case_id INTEGER NOT NULL REFERENCES incident_case (id) ON DELETE CASCADE,
	org_id INTEGER NOT NULL REFERENCES org (id),
	role TEXT NOT NULL DEFAULT 'affected' CHECK (role IN ('affected', 'reporter', 'partner')),
	PRIMARY KEY (case_id, org_id)
);
CREATE INDEX case_org_org ON case_org (org_id);

-- The timeline. internal = 1: only the CERT sees it (notes, status changes);
-- correspondence (mail in and out) is seen by the organisations of the case.
CREATE TABLE case_entry (
	id @PK@,
	case_id INTEGER NOT NULL REFERENCES incident_case (id) ON DELETE CASCADE,
	at TEXT NOT NULL,
	actor TEXT NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('created', 'note', 'mail-in', 'mail-out', 'status', 'assign', 'classify',
		'clock', 'task', 'share', 'partner-ref', 'merge', 'split', 'observable')),
	internal INTEGER NOT NULL DEFAULT 1 CHECK (internal IN (0, 1)),
	body TEXT NOT NULL DEFAULT '',
	mail_id INTEGER,                       -- mail_message of a mail-in
	outbox_id INTEGER REFERENCES outbox (id)  -- the message of a mail-out or share
);
CREATE INDEX case_entry_case ON case_entry (case_id, id);

CREATE TABLE case_task (
	id @PK@,
	case_id INTEGER NOT NULL REFERENCES incident_case (id) ON DELETE CASCADE,
	position INTEGER NOT NULL,
	title TEXT NOT NULL,
	done_at TEXT,
	done_by TEXT
);
CREATE INDEX case_task_case ON case_task (case_id, position);

-- Legal clocks the analyst starts: GDPR art. 33 (72 h to Datatilsynet),
-- digitalsikkerhetsloven (24 h to NSM), sikkerhetsloven § 4-5 ("straks").
CREATE TABLE case_clock (
	id @PK@,
	case_id INTEGER NOT NULL REFERENCES incident_case (id) ON DELETE CASCADE,
	kind TEXT NOT NULL CHECK (kind IN ('gdpr-33', 'digitalsikkerhetsloven', 'sikkerhetsloven')),
	started_at TEXT NOT NULL,
	due_at TEXT NOT NULL,
	met_at TEXT,
	started_by TEXT NOT NULL,
	UNIQUE (case_id, kind)
);
CREATE INDEX case_clock_due ON case_clock (met_at, due_at);

-- IPs, domains, URLs, e-mail addresses, hashes and CVE ids found in reports.
CREATE TABLE observable (
	id @PK@,
	kind TEXT NOT NULL,
	value TEXT NOT NULL,
	UNIQUE (kind, value)
);
CREATE TABLE case_observable (
	case_id INTEGER NOT NULL REFERENCES incident_case (id) ON DELETE CASCADE,
	observable_id INTEGER NOT NULL REFERENCES observable (id),
	added_at TEXT NOT NULL,
	PRIMARY KEY (case_id, observable_id)
);
CREATE INDEX case_observable_obs ON case_observable (observable_id);

-- Every message kcert mailgate received, raw (base64), whether it could be
-- parsed or not. The same Message-ID is stored once.
CREATE TABLE mail_message (
	id @PK@,
	message_id TEXT NOT NULL UNIQUE,
	case_id INTEGER REFERENCES incident_case (id),
	received_at TEXT NOT NULL,
	sender TEXT NOT NULL DEFAULT '',
	subject TEXT NOT NULL DEFAULT '',
	disposition TEXT NOT NULL CHECK (disposition IN ('filed', 'auto-reply', 'bounce', 'unparsed', 'partner')),
	note TEXT,
	raw_sha256 TEXT NOT NULL,
	raw TEXT NOT NULL
);

CREATE TABLE attachment (
	id @PK@,
	case_id INTEGER REFERENCES incident_case (id) ON DELETE CASCADE,
	mail_id INTEGER REFERENCES mail_message (id),
	name TEXT NOT NULL,
	content_type TEXT NOT NULL,
	size INTEGER NOT NULL,
	sha256 TEXT NOT NULL,
	kept INTEGER NOT NULL DEFAULT 1,       -- 0: over the size limit, only described
	data TEXT                              -- base64
);
CREATE INDEX attachment_case ON attachment (case_id);

-- Who was told what: the case shared with a partner team, and their reference.
CREATE TABLE case_share (
	id @PK@,
	case_id INTEGER NOT NULL REFERENCES incident_case (id) ON DELETE CASCADE,
	partner_id INTEGER NOT NULL REFERENCES org (id),
	at TEXT NOT NULL,
	actor TEXT NOT NULL,
	tlp TEXT NOT NULL,
	rcpt TEXT NOT NULL,
	their_ref TEXT,
	outbox_id INTEGER REFERENCES outbox (id)
);
CREATE INDEX case_share_case ON case_share (case_id);

-- Full-text search over cases and their timeline.
-- @engine sqlite
CREATE VIRTUAL TABLE case_fts USING fts5 (case_id UNINDEXED, body, tokenize = 'unicode61 remove_diacritics 0');
-- @engine postgresql
CREATE TABLE case_fts (
	case_id INTEGER NOT NULL,
	body TEXT NOT NULL,
	doc tsvector GENERATED ALWAYS AS (to_tsvector('simple', body)) STORED
);
CREATE INDEX case_fts_doc ON case_fts USING GIN (doc);
CREATE INDEX case_fts_case ON case_fts (case_id);
-- @engine all
