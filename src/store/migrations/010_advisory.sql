-- 010_advisory: KommuneCERT's advisories (råd og anbefalinger), published as
-- HTML, Atom and CSAF 2.0. An advisory is a draft until it is published
-- (revision 1); every publish and update adds a revision.

-- The per-year sequence behind KCERT-YYYY-NNNN: one row per year, bumped with
-- an upsert inside the transaction that creates the advisory, so two writers
-- never get the same number (PostgreSQL locks the row; SQLite the database).
CREATE TABLE advisory_seq (
	year INTEGER PRIMARY KEY,
	last INTEGER NOT NULL
);

CREATE TABLE advisory (
	id @PK@,
	ident TEXT NOT NULL UNIQUE,            -- KCERT-2026-0001
	title TEXT NOT NULL,
	summary TEXT NOT NULL DEFAULT '',
	body TEXT NOT NULL DEFAULT '',         -- Markdown (bokmål)
	title_en TEXT,                         -- optional English version
	summary_en TEXT,
	body_en TEXT,
	tlp TEXT NOT NULL DEFAULT 'CLEAR',
	severity TEXT NOT NULL DEFAULT 'moderat'
		CHECK (severity IN ('lav', 'moderat', 'alvorlig', 'kritisk')),
	status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'final')),
	version INTEGER NOT NULL DEFAULT 0,    -- the number of the latest revision (0: draft)
	initial_release TEXT,
	current_release TEXT,
	created_by TEXT NOT NULL,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
);
CREATE INDEX advisory_release ON advisory (status, current_release);

CREATE TABLE advisory_cve (
	advisory_id INTEGER NOT NULL REFERENCES advisory (id) ON DELETE CASCADE,
	cve TEXT NOT NULL,
	cvss_vector TEXT,                      -- CVSS:3.1/... when known
	cvss_score TEXT,                       -- its base score ("9.8")
	PRIMARY KEY (advisory_id, cve)
);

-- Affected products (CPE 2.3) and the version that fixes each, when known.
CREATE TABLE advisory_product (
	advisory_id INTEGER NOT NULL REFERENCES advisory (id) ON DELETE CASCADE,
	cpe TEXT NOT NULL,
	fixed_version TEXT,
	PRIMARY KEY (advisory_id, cpe)
);

-- Recommendations (mitigation) and workarounds, in order.
CREATE TABLE advisory_remedy (
	id @PK@,
	advisory_id INTEGER NOT NULL REFERENCES advisory (id) ON DELETE CASCADE,
	category TEXT NOT NULL CHECK (category IN ('mitigation', 'workaround')),
	text TEXT NOT NULL
);
CREATE INDEX advisory_remedy_adv ON advisory_remedy (advisory_id);

CREATE TABLE advisory_ref (
	id @PK@,
	advisory_id INTEGER NOT NULL REFERENCES advisory (id) ON DELETE CASCADE,
	url TEXT NOT NULL,
	summary TEXT NOT NULL
);
CREATE INDEX advisory_ref_adv ON advisory_ref (advisory_id);

CREATE TABLE advisory_revision (
	advisory_id INTEGER NOT NULL REFERENCES advisory (id) ON DELETE CASCADE,
	number INTEGER NOT NULL,
	date TEXT NOT NULL,
	summary TEXT NOT NULL,
	PRIMARY KEY (advisory_id, number)
);

-- Who was told about which revision: one row per organisation (the affected
-- organisations' notice) or per contact (the subscribers' digest), so each is
-- told exactly once per revision.
CREATE TABLE advisory_notice (
	advisory_id INTEGER NOT NULL REFERENCES advisory (id) ON DELETE CASCADE,
	revision INTEGER NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('affected', 'digest')),
	org_id INTEGER NOT NULL REFERENCES org (id) ON DELETE CASCADE,
	contact_id INTEGER NOT NULL DEFAULT 0,
	outbox_id INTEGER,
	created_at TEXT NOT NULL,
	PRIMARY KEY (advisory_id, revision, kind, org_id, contact_id)
);
