-- 002_accounts: logins, their organisations, sessions, API tokens and login
-- throttling. Passwords are Argon2id strings (libsodium crypto_pwhash_str);
-- session ids and tokens are stored only as SHA-256 hashes.

CREATE TABLE app_user (
	id @PK@,
	name TEXT NOT NULL UNIQUE,
	role TEXT NOT NULL CHECK (role IN ('admin', 'analyst', 'member', 'partner')),
	password_hash TEXT NOT NULL,
	lang TEXT NOT NULL DEFAULT 'nb' CHECK (lang IN ('nb', 'nn', 'en')),
	disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
	must_change INTEGER NOT NULL DEFAULT 0 CHECK (must_change IN (0, 1)),
	created_at TEXT NOT NULL,
	last_login TEXT
);

-- The organisations a member acts for, or the partner CERT a partner belongs to.
CREATE TABLE user_org (
	user_id INTEGER NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
	org_id INTEGER NOT NULL REFERENCES org (id) ON DELETE CASCADE,
	PRIMARY KEY (user_id, org_id)
);

CREATE TABLE app_session (
	id_hash TEXT PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
	csrf TEXT NOT NULL,
	created_at TEXT NOT NULL,
	expires_at TEXT NOT NULL,
	address TEXT
);
CREATE INDEX app_session_user ON app_session (user_id);

CREATE TABLE api_token (
	id @PK@,
	user_id INTEGER NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
	name TEXT NOT NULL,
	token_hash TEXT NOT NULL UNIQUE,
	created_at TEXT NOT NULL,
	expires_at TEXT,
	last_used TEXT
);

-- Failed logins per account and per address, in a sliding window.
CREATE TABLE login_failure (
	key TEXT PRIMARY KEY,
	failures INTEGER NOT NULL,
	window_start TEXT NOT NULL
);
