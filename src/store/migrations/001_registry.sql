-- 001_registry: settings, the constituency registry (organisations, the
-- municipalities an IKS serves, contacts, assets) and the audit log.
--
-- Portable SQL for SQLite and PostgreSQL 15. @PK@ expands to each engine's
-- auto-assigned integer key. Lines after "-- @engine NAME" up to the next
-- "-- @engine all" are kept only for that engine. Times are ISO 8601 UTC text.

CREATE TABLE setting (
	key TEXT PRIMARY KEY,
	value TEXT NOT NULL
);

CREATE TABLE org (
	id @PK@,
	slug TEXT NOT NULL UNIQUE,
	kind TEXT NOT NULL CHECK (kind IN ('municipality', 'county', 'iks', 'cert', 'authority')),
	-- kommunenummer (4 digits) for a municipality, fylkesnummer (2 digits) for a county
	code TEXT UNIQUE,
	name TEXT NOT NULL,
	county_id INTEGER REFERENCES org (id),
	lang TEXT NOT NULL DEFAULT 'nb' CHECK (lang IN ('nb', 'nn', 'en')),
	-- a member receives KommuneCERT's notices; partner CERTs and authorities do not
	member INTEGER NOT NULL DEFAULT 0 CHECK (member IN (0, 1)),
	-- 0 once a municipality has been merged away by a reform; kept for history
	active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
	note TEXT,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
);
CREATE INDEX org_kind ON org (kind, name);
CREATE INDEX org_county ON org (county_id);

-- An inter-municipal IT company (IKS) or other provider serving municipalities.
CREATE TABLE org_serves (
	provider_id INTEGER NOT NULL REFERENCES org (id) ON DELETE CASCADE,
	client_id INTEGER NOT NULL REFERENCES org (id) ON DELETE CASCADE,
	PRIMARY KEY (provider_id, client_id)
);
CREATE INDEX org_serves_client ON org_serves (client_id);

CREATE TABLE contact (
	id @PK@,
	org_id INTEGER NOT NULL REFERENCES org (id) ON DELETE CASCADE,
	name TEXT NOT NULL,
	email TEXT NOT NULL,
	phone TEXT,
	role TEXT NOT NULL DEFAULT 'security'
		CHECK (role IN ('security', 'it-operations', 'management', '24x7', 'abuse', 'other')),
	lang TEXT NOT NULL DEFAULT 'nb' CHECK (lang IN ('nb', 'nn', 'en')),
	pgp_fingerprint TEXT,
	-- which notices the contact receives: 'all', 'none' or a comma-separated list of kinds
	notices TEXT NOT NULL DEFAULT 'all',
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	UNIQUE (org_id, email)
);
CREATE INDEX contact_email ON contact (email);

-- What an organisation owns or runs. value is canonical: a CIDR prefix with
-- host bits clear, a decimal AS number, a lower-case A-label domain, or a host
-- (an IP address or a host name). The same value cannot belong to two
-- organisations; a prefix inside another organisation's prefix is a
-- sub-allocation, and the more specific one wins in attribution.
CREATE TABLE asset (
	id @PK@,
	org_id INTEGER NOT NULL REFERENCES org (id) ON DELETE CASCADE,
	kind TEXT NOT NULL CHECK (kind IN ('cidr', 'asn', 'domain', 'host')),
	value TEXT NOT NULL,
	note TEXT,
	source TEXT NOT NULL DEFAULT 'declared',
	created_at TEXT NOT NULL,
	UNIQUE (kind, value)
);
CREATE INDEX asset_org ON asset (org_id, kind);

-- Append-only, tamper-evident: each entry's hash covers the previous entry's hash.
CREATE TABLE audit (
	seq @PK@,
	at TEXT NOT NULL,
	actor TEXT NOT NULL,
	action TEXT NOT NULL,
	object TEXT NOT NULL,
	summary TEXT NOT NULL,
	prev_hash TEXT NOT NULL,
	hash TEXT NOT NULL
);

-- @engine sqlite
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN
	SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN
	SELECT RAISE(ABORT, 'the audit log is append-only');
END;
-- @engine postgresql
CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'the audit log is append-only';
END $$;
CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON audit
	FOR EACH ROW EXECUTE FUNCTION audit_append_only();
-- @engine all
