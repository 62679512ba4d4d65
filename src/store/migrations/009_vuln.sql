-- 009_vuln: vulnerability data (NVD CVE records, CISA's KEV catalogue, the
-- CPE match criteria of each CVE), the products each organisation runs, and
-- the KEV notices already sent (so that a re-import never notifies twice).

-- One CVE as NVD publishes it. Vectors and scores are stored as NVD gave them
-- (the primary source's metric when there are several). cwes is a
-- comma-separated list ("CWE-94,CWE-787"). severity is NVD's base severity of
-- the newest CVSS version present (CRITICAL, HIGH, MEDIUM, LOW, NONE).
CREATE TABLE cve (
	id TEXT PRIMARY KEY,
	published TEXT,
	modified TEXT,
	status TEXT,
	description TEXT NOT NULL DEFAULT '',
	cwes TEXT NOT NULL DEFAULT '',
	cvss31_vector TEXT,
	cvss31_score TEXT,
	cvss40_vector TEXT,
	cvss40_score TEXT,
	cvss2_vector TEXT,
	cvss2_score TEXT,
	severity TEXT,
	-- what kcert's CVSS calculator found wrong with the scores NVD gave (NULL: nothing)
	cvss_check TEXT,
	-- SHA-256 of the record's canonical JSON: re-imports of an unchanged record do nothing
	digest TEXT NOT NULL,
	imported_at TEXT NOT NULL
);
CREATE INDEX cve_modified ON cve (modified);

-- CISA's Known Exploited Vulnerabilities catalogue, one row per CVE.
CREATE TABLE kev (
	cve_id TEXT PRIMARY KEY,
	vendor TEXT NOT NULL,
	product TEXT NOT NULL,
	name TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	date_added TEXT NOT NULL,
	due_date TEXT,
	ransomware TEXT NOT NULL DEFAULT 'Unknown',
	required_action TEXT NOT NULL DEFAULT '',
	notes TEXT NOT NULL DEFAULT '',
	cwes TEXT NOT NULL DEFAULT '',
	digest TEXT NOT NULL,
	imported_at TEXT NOT NULL
);
CREATE INDEX kev_added ON kev (date_added);

-- The cpeMatch entries of a CVE's configurations. config and node number the
-- configuration and the node inside it (from 0); operators are kept so that
-- a later, exact evaluation is possible. Exposure today asks only: does an
-- organisation's product fall under a criterion with vulnerable = 1 (an AND
-- configuration's "running on" platform is not required; docs/kcert-vuln.md).
-- criterion is the canonical CPE 2.3 formatted string.
CREATE TABLE cpe_match (
	id @PK@,
	cve_id TEXT NOT NULL REFERENCES cve (id) ON DELETE CASCADE,
	config INTEGER NOT NULL,
	config_op TEXT NOT NULL DEFAULT 'OR',
	node INTEGER NOT NULL,
	node_op TEXT NOT NULL DEFAULT 'OR',
	negate INTEGER NOT NULL DEFAULT 0,
	vulnerable INTEGER NOT NULL CHECK (vulnerable IN (0, 1)),
	criterion TEXT NOT NULL,
	vendor TEXT NOT NULL,
	product TEXT NOT NULL,
	start_incl TEXT,
	start_excl TEXT,
	end_incl TEXT,
	end_excl TEXT,
	match_id TEXT
);
CREATE INDEX cpe_match_cve ON cpe_match (cve_id);
CREATE INDEX cpe_match_product ON cpe_match (vendor, product);

-- What software or hardware an organisation runs, as a CPE 2.3 name:
-- declared by an analyst (confidence 100) or observed by the scanner
-- (its fingerprint's confidence). vendor and product repeat the name's for lookup.
CREATE TABLE org_product (
	id @PK@,
	org_id INTEGER NOT NULL REFERENCES org (id) ON DELETE CASCADE,
	cpe TEXT NOT NULL,
	vendor TEXT NOT NULL,
	product TEXT NOT NULL,
	source TEXT NOT NULL CHECK (source IN ('declared', 'scan')),
	confidence INTEGER NOT NULL CHECK (confidence BETWEEN 0 AND 100),
	evidence TEXT,
	first_seen TEXT NOT NULL,
	last_seen TEXT NOT NULL,
	UNIQUE (org_id, cpe, source)
);
CREATE INDEX org_product_product ON org_product (vendor, product);

-- A KEV entry an organisation was told about: written with the notice, in the
-- same transaction, so that each (organisation, CVE) is notified once.
CREATE TABLE kev_notice (
	org_id INTEGER NOT NULL REFERENCES org (id) ON DELETE CASCADE,
	cve_id TEXT NOT NULL,
	notice_ref TEXT NOT NULL,
	created_at TEXT NOT NULL,
	PRIMARY KEY (org_id, cve_id)
);
