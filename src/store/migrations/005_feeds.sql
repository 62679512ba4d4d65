-- 005_feeds: feeds fetched on a schedule by the worker (kcert feed add).

CREATE TABLE feed (
	id @PK@,
	name TEXT NOT NULL UNIQUE,             -- feed.name of its events
	url TEXT NOT NULL,                     -- http:// or https://
	format TEXT NOT NULL,                  -- shadowserver, list, stix, misp, csv
	report TEXT,                           -- Shadowserver report type, when the URL does not name it
	classification TEXT,                   -- TAXONOMY/TYPE/IDENTIFIER for lists
	mapping TEXT,                          -- the mapping file of a generic CSV feed
	every_seconds INTEGER NOT NULL,
	enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
	next_fetch TEXT NOT NULL,
	lease_owner TEXT,
	lease_until TEXT,
	last_fetch TEXT,
	last_status TEXT,                      -- ok, unchanged, quarantined, failed
	last_error TEXT,
	last_events INTEGER,
	created_at TEXT NOT NULL
);
CREATE INDEX feed_due ON feed (enabled, next_fetch);
