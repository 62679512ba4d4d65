-- 013_share: what an analyst marked shareable, and with whom. Nothing leaves
-- kcert through exports or TAXII unless a mark names it. A mark names one
-- case, one event, one observable, a set of events (by organisation, type and
-- time; later events that fit join the set), or a vulnerability (CVE id) or
-- advisory (KCERT-YYYY-NNNN) for the modules that make those objects. Each
-- mark carries the TLP it is shared under and the community (collection) it
-- goes to: "partners", "nsm", ...
CREATE TABLE share_mark (
	id @PK@,
	kind TEXT NOT NULL CHECK (kind IN ('case', 'event', 'events', 'observable', 'vulnerability', 'advisory')),
	object_id INTEGER,                     -- case, event or observable id
	ref TEXT,                              -- CVE id or advisory number
	set_org_id INTEGER REFERENCES org (id) ON DELETE CASCADE, -- events: of this organisation
	set_type TEXT,                         -- events: classification.identifier or .type
	set_since TEXT,                        -- events: time.source >= this
	set_until TEXT,                        -- events: time.source < this
	tlp TEXT NOT NULL CHECK (tlp IN ('CLEAR', 'GREEN', 'AMBER')),
	community TEXT NOT NULL,
	marked_by TEXT NOT NULL,
	marked_at TEXT NOT NULL
);
CREATE INDEX share_mark_community ON share_mark (community, marked_at);
CREATE INDEX share_mark_object ON share_mark (kind, object_id);

-- Partner CERTs that belong to a community: they may read its TLP:AMBER
-- collection (CLEAR and GREEN are theirs anyway).
CREATE TABLE share_member (
	community TEXT NOT NULL,
	org_id INTEGER NOT NULL REFERENCES org (id) ON DELETE CASCADE,
	added_by TEXT NOT NULL,
	added_at TEXT NOT NULL,
	PRIMARY KEY (community, org_id)
);
