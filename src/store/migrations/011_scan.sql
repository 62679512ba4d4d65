-- 011_scan: attack-surface scanning of the registered assets: runs, opt-outs,
-- schedules, findings with their history (kept only on change), and the daily
-- rating of each organisation.

-- One scan: who started it, of what, when, with which checks, how far it got.
CREATE TABLE scan_run (
	id @PK@,
	org_id INTEGER REFERENCES org (id) ON DELETE SET NULL, -- NULL: every organisation
	scope TEXT NOT NULL,                   -- "org:4601", "all", or "targets:..." (by hand)
	checks TEXT NOT NULL,                  -- service,tls,http,mail
	actor TEXT NOT NULL,                   -- cli:kari, worker, schedule:3
	schedule_id INTEGER,
	status TEXT NOT NULL DEFAULT 'running'
		CHECK (status IN ('running', 'done', 'failed')),
	phase TEXT,                            -- targets, ports, tls, http, mail, findings
	targets INTEGER NOT NULL DEFAULT 0,
	probes_total INTEGER NOT NULL DEFAULT 0,
	probes_done INTEGER NOT NULL DEFAULT 0,
	refused INTEGER NOT NULL DEFAULT 0,    -- targets refused (not registered, excluded)
	findings_opened INTEGER NOT NULL DEFAULT 0,
	findings_fixed INTEGER NOT NULL DEFAULT 0,
	error TEXT,
	started_at TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	finished_at TEXT
);
CREATE INDEX scan_run_started ON scan_run (started_at);

-- An organisation's opt-out: a range or host it does not want scanned.
CREATE TABLE scan_exclude (
	id @PK@,
	org_id INTEGER NOT NULL REFERENCES org (id) ON DELETE CASCADE,
	value TEXT NOT NULL,                   -- canonical prefix (a host as /32 or /128) or host name
	reason TEXT NOT NULL,
	created_by TEXT NOT NULL,
	created_at TEXT NOT NULL,
	UNIQUE (org_id, value)
);

-- Scans the worker runs on a schedule; the lease keeps one node on one run.
CREATE TABLE scan_schedule (
	id @PK@,
	org_id INTEGER REFERENCES org (id) ON DELETE CASCADE, -- NULL: every organisation
	checks TEXT NOT NULL,
	every_seconds INTEGER NOT NULL,
	enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
	next_run TEXT NOT NULL,
	lease_owner TEXT,
	lease_until TEXT,
	last_run_id INTEGER,
	last_status TEXT,
	created_by TEXT NOT NULL,
	created_at TEXT NOT NULL
);
CREATE INDEX scan_schedule_due ON scan_schedule (enabled, next_run);

-- One scanner result, keyed by (org, check, target, port).
CREATE TABLE finding (
	id @PK@,
	org_id INTEGER NOT NULL REFERENCES org (id) ON DELETE CASCADE,
	check_id TEXT NOT NULL,                -- service.rdp, tls.expired, http.hsts, mail.dmarc
	family TEXT NOT NULL,                  -- service, tls, http, mail, product
	target TEXT NOT NULL,                  -- IP literal or domain name
	port INTEGER NOT NULL DEFAULT 0,
	host TEXT,
	severity TEXT NOT NULL CHECK (severity IN ('info', 'low', 'medium', 'high')),
	confidence INTEGER NOT NULL DEFAULT 100,
	title TEXT NOT NULL,
	evidence TEXT,                         -- JSON object
	cpe TEXT,
	status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'fixed', 'accepted')),
	first_seen TEXT NOT NULL,
	last_seen TEXT NOT NULL,
	fixed_at TEXT,
	accept_reason TEXT,
	accept_until TEXT,                     -- YYYY-MM-DD: open again after this day
	accept_by TEXT,
	run_id INTEGER,                        -- the run that last saw it
	notified_high INTEGER NOT NULL DEFAULT 0, -- the opening a high notice went out for
	opened_count INTEGER NOT NULL DEFAULT 1,  -- times opened (first + reopenings)
	UNIQUE (org_id, check_id, target, port)
);
CREATE INDEX finding_org ON finding (org_id, status);
CREATE INDEX finding_place ON finding (org_id, family, target, port, status);

-- Only changes: opened, severity, fixed, reopened, accepted, expired.
CREATE TABLE finding_history (
	id @PK@,
	finding_id INTEGER NOT NULL REFERENCES finding (id) ON DELETE CASCADE,
	at TEXT NOT NULL,
	change TEXT NOT NULL,
	severity TEXT NOT NULL,
	detail TEXT,
	actor TEXT NOT NULL
);
CREATE INDEX finding_history_finding ON finding_history (finding_id, id);

-- The rating of each organisation per day (Europe/Oslo is not needed: UTC day).
CREATE TABLE rating_history (
	id @PK@,
	org_id INTEGER NOT NULL REFERENCES org (id) ON DELETE CASCADE,
	day TEXT NOT NULL,                     -- YYYY-MM-DD
	colour TEXT NOT NULL CHECK (colour IN ('red', 'orange', 'yellow', 'green', 'grey')),
	high INTEGER NOT NULL DEFAULT 0,
	medium INTEGER NOT NULL DEFAULT 0,
	low INTEGER NOT NULL DEFAULT 0,
	info INTEGER NOT NULL DEFAULT 0,
	accepted INTEGER NOT NULL DEFAULT 0,
	updated_at TEXT NOT NULL,
	UNIQUE (org_id, day)
);
