-- 003_events: harmonised events from threat feeds (IntelMQ field names), and
-- the files already ingested (by content hash, so a second ingest is a no-op).

CREATE TABLE event (
	id @PK@,
	org_id INTEGER REFERENCES org (id) ON DELETE SET NULL,
	feed_name TEXT NOT NULL,               -- feed.name
	report TEXT NOT NULL,                  -- the report type (scan_rdp, ...)
	taxonomy TEXT NOT NULL,                -- classification.taxonomy
	type TEXT NOT NULL,                    -- classification.type
	identifier TEXT NOT NULL,              -- classification.identifier
	source_ip TEXT,                        -- source.ip, canonical
	source_port INTEGER,                   -- source.port
	source_asn INTEGER,                    -- source.asn
	source_fqdn TEXT,                      -- source.fqdn
	source_url TEXT,                       -- source.url
	time_source TEXT NOT NULL,             -- time.source: first seen by the feed (UTC)
	time_last TEXT NOT NULL,               -- the latest sighting merged into this event
	time_observation TEXT NOT NULL,        -- time.observation: when kcert ingested it
	seen INTEGER NOT NULL DEFAULT 1,       -- sightings merged into this event
	dedup_key TEXT NOT NULL,               -- feed, type, ip, port, identifier
	tlp TEXT NOT NULL DEFAULT 'AMBER',
	extra TEXT NOT NULL DEFAULT '{}'       -- every other column, as a JSON object
);
CREATE INDEX event_dedup ON event (dedup_key, time_last);
CREATE INDEX event_org ON event (org_id, time_source);
CREATE INDEX event_type ON event (identifier, time_source);

CREATE TABLE ingest_file (
	sha256 TEXT PRIMARY KEY,
	name TEXT NOT NULL,
	feed_name TEXT NOT NULL,
	report TEXT NOT NULL,
	ingested_at TEXT NOT NULL,
	lines INTEGER NOT NULL,
	events INTEGER NOT NULL,
	duplicates INTEGER NOT NULL,
	unattributed INTEGER NOT NULL,
	quarantined INTEGER NOT NULL
);
