/*
 * user.c - accounts, Argon2id passwords, login throttling, sessions, tokens.
 */
#include "auth/user.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "audit/audit.h"
#include "base/time.h"
#include "base/kc.h"

#define THROTTLE_WINDOW 900    /* seconds */
#define THROTTLE_ACCOUNT 5     /* failures per account in the window */
#define THROTTLE_ADDRESS 20    /* failures per address in the window */

static const char *const role_names[] = { "admin", "analyst", "member", "partner" };

int kc_role_parse(const char *s, kc_role *out)
{
	for (size_t i = 0; s && i < KC_ARRAY_LEN(role_names); i++)
		if (!strcmp(s, role_names[i])) {
			*out = (kc_role)i;
			return KC_OK;
		}
	return KC_EINVAL;
}

const char *kc_role_name(kc_role r)
{
	return (size_t)r < KC_ARRAY_LEN(role_names) ? role_names[r] : "?";
}

/* Passwords people choose first; compared without regard to case. */
static const char *const common[] = {
	"123456789012", "1234567890123", "qwertyuiopas", "qwertyuiop123", "passwordpassword", "password1234",
	"password12345", "passord12345", "passord123456", "passordpassord", "Passw0rd1234", "administrator",
	"administrator1", "adminadminadmin", "letmein12345", "welcome12345", "velkommen123", "velkommen1234",
	"sommer2023!!", "sommer2024!!", "sommer2025!!", "sommer2026!!", "vinter2024!!", "vinter2025!!",
	"vinter2026!!", "hoest2025!!!", "kommune12345", "kommunecert1", "kommunecert123", "changeme1234",
	"iloveyou1234", "trustno1trustno1", "abcdefghijkl", "abc123abc123", "111111111111", "000000000000",
	"aaaaaaaaaaaa", "qwerty123456", "1q2w3e4r5t6y", "zaq12wsxcde3", "monkey123456", "football1234",
	"baseball1234", "superman1234", "dragon123456", "sunshine1234", "princess1234", "master123456",
	"nordmann1234", "norge1234567", "oslo12345678", "bergen123456",
};

int kc_password_check(const char *password, const char *username, kc_err *err)
{
	size_t n = strlen(password), same = 0;

	if (n < KC_PASSWORD_MIN)
		return kc_err_set(err, KC_EINVAL, _("a password needs at least %d characters"), KC_PASSWORD_MIN);
	if (n > KC_PASSWORD_MAX)
		return kc_err_set(err, KC_EINVAL, _("a password has at most %d characters"), KC_PASSWORD_MAX);
	for (size_t i = 1; i < n; i++)
		same += password[i] == password[0];
	if (same == n - 1 || (username && !strcasecmp(password, username)))
		return kc_err_set(err, KC_EINVAL, _("that password is too easy to guess"));
	for (size_t i = 0; i < KC_ARRAY_LEN(common); i++)
		if (!strcasecmp(password, common[i]))
			return kc_err_set(err, KC_EINVAL, _("that password is on the list of common passwords"));
	return KC_OK;
}

static int hash_password(const char *password, char out[crypto_pwhash_STRBYTES], kc_err *err)
{
	if (crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return kc_err_set(err, KC_ENOMEM, "%s", kc_strerror(KC_ENOMEM));
	return KC_OK;
}

void kc_secret_new(char out[KC_SECRET_LEN + 1])
{
	unsigned char raw[32];

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(out, KC_SECRET_LEN + 1, raw, sizeof(raw), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
}

void kc_secret_hash(const char *secret, char out[65])
{
	unsigned char d[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(d, (const unsigned char *)secret, strlen(secret));
	sodium_bin2hex(out, 65, d, sizeof(d));
}

static int valid_name(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > 64)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!(isalnum((unsigned char)name[i]) || strchr("._-@", name[i])))
			return 0;
	return 1;
}

#define USER_COLUMNS "id, name, role, lang, disabled, must_change, created_at, COALESCE(last_login, '') FROM app_user "

static void fill_user(kc_stmt *s, void *rec)
{
	kc_user *u = rec;
	const char *role = kc_stmt_text(s, 2);

	u->id = kc_stmt_int(s, 0);
	snprintf(u->name, sizeof(u->name), "%s", kc_stmt_text(s, 1));
	kc_role_parse(role, &u->role);
	snprintf(u->lang, sizeof(u->lang), "%s", kc_stmt_text(s, 3));
	u->disabled = (int)kc_stmt_int(s, 4);
	u->must_change = (int)kc_stmt_int(s, 5);
	snprintf(u->created_at, sizeof(u->created_at), "%s", kc_stmt_text(s, 6));
	snprintf(u->last_login, sizeof(u->last_login), "%s", kc_stmt_text(s, 7));
}

static int load_orgs(kc_store *st, kc_user *u, kc_err *err)
{
	kc_stmt *s;
	int rc = kc_store_query(st, err, &s, "SELECT org_id FROM user_org WHERE user_id = ? ORDER BY org_id", "i",
				u->id);

	if (rc)
		return rc;
	u->norgs = 0;
	while ((rc = kc_stmt_step(s, err)) == KC_ROW)
		if (u->norgs < KC_USER_MAX_ORGS)
			u->orgs[u->norgs++] = kc_stmt_int(s, 0);
	kc_stmt_finalize(s);
	return rc < 0 ? rc : KC_OK;
}

static int get_where(kc_store *st, const char *where, const char *types, const char *tv, int64_t iv,
		     kc_user *out, kc_err *err)
{
	char sql[256];
	kc_user *v;
	size_t n;
	kc_stmt *s;
	int rc;

	snprintf(sql, sizeof(sql), "SELECT " USER_COLUMNS "WHERE %s", where);
	rc = types[0] == 't' ? kc_store_query(st, err, &s, sql, "t", tv) : kc_store_query(st, err, &s, sql, "i", iv);
	if (rc)
		return rc;
	rc = kc_store_collect(s, sizeof(*v), fill_user, (void **)&v, &n, err);
	if (rc)
		return rc;
	if (n == 0)
		rc = kc_err_set(err, KC_ENOENT, _("no user %s"), tv ? tv : "");
	else
		*out = v[0];
	free(v);
	return rc ? rc : load_orgs(st, out, err);
}

int kc_user_get(kc_store *st, const char *name, kc_user *out, kc_err *err)
{
	return get_where(st, "name = ?", "t", name, 0, out, err);
}

int kc_user_get_id(kc_store *st, int64_t id, kc_user *out, kc_err *err)
{
	return get_where(st, "id = ?", "i", NULL, id, out, err);
}

int kc_user_list(kc_store *st, kc_user **out, size_t *n, kc_err *err)
{
	kc_stmt *s;
	int rc = kc_store_query(st, err, &s, "SELECT " USER_COLUMNS "ORDER BY name", "");

	if (!rc)
		rc = kc_store_collect(s, sizeof(**out), fill_user, (void **)out, n, err);
	for (size_t i = 0; !rc && i < *n; i++)
		rc = load_orgs(st, &(*out)[i], err);
	return rc;
}

int kc_user_add(kc_store *st, const char *actor, const char *name, kc_role role, const int64_t *orgs,
		size_t norgs, const char *password, kc_user *out, kc_err *err)
{
	char hash[crypto_pwhash_STRBYTES], now[KC_TIME_STRLEN];
	int64_t id = 0, exists = 0;
	int rc;

	if (!valid_name(name))
		return kc_err_set(err, KC_EINVAL, _("%s: a user name has 1-64 letters, digits and . _ - @"), name);
	if (role == KC_ROLE_MEMBER && norgs == 0)
		return kc_err_set(err, KC_EINVAL, _("a member acts for at least one organisation (--org)"));
	if (role == KC_ROLE_PARTNER && norgs != 1)
		return kc_err_set(err, KC_EINVAL, _("a partner belongs to exactly one partner CERT (--org)"));
	if ((role == KC_ROLE_ADMIN || role == KC_ROLE_ANALYST) && norgs)
		return kc_err_set(err, KC_EINVAL, _("admins and analysts see every organisation; give no --org"));
	if (norgs > KC_USER_MAX_ORGS)
		return kc_err_set(err, KC_EINVAL, _("at most %d organisations per user"), KC_USER_MAX_ORGS);
	rc = kc_password_check(password, name, err);
	if (rc)
		return rc;
	rc = hash_password(password, hash, err);
	if (rc)
		return rc;
	rc = kc_store_begin(st, err);
	if (rc)
		return rc;
	rc = kc_store_scalar_int(st, err, &exists, "SELECT count(*) FROM app_user WHERE name = ?", "t", name);
	if (!rc && exists)
		rc = kc_err_set(err, KC_EEXIST, _("user %s already exists"), name);
	if (!rc)
		rc = kc_store_exec(st, err, &id,
				   "INSERT INTO app_user (name, role, password_hash, created_at) VALUES (?, ?, ?, ?) "
				   "RETURNING id",
				   "tttt", name, kc_role_name(role), hash, kc_time_now_iso(now));
	for (size_t i = 0; !rc && i < norgs; i++)
		rc = kc_store_exec(st, err, NULL, "INSERT INTO user_org (user_id, org_id) VALUES (?, ?)", "ii", id,
				   orgs[i]);
	if (!rc)
		rc = kc_audit_appendf(st, err, actor, "user.add", name, "role %s, %zu organisations", kc_role_name(role),
				      norgs);
	sodium_memzero(hash, sizeof(hash));
	if (rc) {
		kc_store_rollback(st);
		return rc;
	}
	rc = kc_store_commit(st, err);
	return rc || !out ? rc : kc_user_get_id(st, id, out, err);
}

int kc_user_set_password(kc_store *st, const char *actor, int64_t id, const char *password, kc_err *err)
{
	char hash[crypto_pwhash_STRBYTES];
	kc_user u;
	int rc = kc_user_get_id(st, id, &u, err);

	if (!rc)
		rc = kc_password_check(password, u.name, err);
	if (!rc)
		rc = hash_password(password, hash, err);
	if (rc)
		return rc;
	rc = kc_store_begin(st, err);
	if (!rc)
		rc = kc_store_exec(st, err, NULL, "UPDATE app_user SET password_hash = ?, must_change = 0 WHERE id = ?",
				   "ti", hash, id);
	/* A new password ends every session of the account. */
	if (!rc)
		rc = kc_store_exec(st, err, NULL, "DELETE FROM app_session WHERE user_id = ?", "i", id);
	if (!rc)
		rc = kc_audit_append(st, actor, "user.passwd", u.name, "password changed", err);
	sodium_memzero(hash, sizeof(hash));
	if (rc) {
		kc_store_rollback(st);
		return rc;
	}
	return kc_store_commit(st, err);
}

int kc_user_set_disabled(kc_store *st, const char *actor, int64_t id, int disabled, kc_err *err)
{
	kc_user u;
	int rc = kc_user_get_id(st, id, &u, err);

	if (!rc)
		rc = kc_store_begin(st, err);
	if (rc)
		return rc;
	rc = kc_store_exec(st, err, NULL, "UPDATE app_user SET disabled = ? WHERE id = ?", "ii", (int64_t)(disabled != 0),
			   id);
	if (!rc && disabled)
		rc = kc_store_exec(st, err, NULL, "DELETE FROM app_session WHERE user_id = ?", "i", id);
	if (!rc && disabled)
		rc = kc_store_exec(st, err, NULL, "DELETE FROM api_token WHERE user_id = ?", "i", id);
	if (!rc)
		rc = kc_audit_append(st, actor, disabled ? "user.disable" : "user.enable", u.name, "", err);
	if (rc) {
		kc_store_rollback(st);
		return rc;
	}
	return kc_store_commit(st, err);
}

int kc_user_set_lang(kc_store *st, int64_t id, const char *lang, kc_err *err)
{
	kc_user u;
	int rc;

	if (strcmp(lang, "nb") && strcmp(lang, "nn") && strcmp(lang, "en"))
		return kc_err_set(err, KC_EINVAL, _("%s: language must be nb, nn or en"), lang);
	rc = kc_user_get_id(st, id, &u, err);
	if (!rc)
		rc = kc_store_begin(st, err);
	if (rc)
		return rc;
	rc = kc_store_exec(st, err, NULL, "UPDATE app_user SET lang = ? WHERE id = ?", "ti", lang, id);
	if (!rc)
		rc = kc_audit_append(st, u.name, "user.lang", u.name, lang, err);
	if (rc) {
		kc_store_rollback(st);
		return rc;
	}
	return kc_store_commit(st, err);
}

/* ---- throttling ---- */

static int failures(kc_store *st, const char *key, time_t now, int64_t *n, kc_err *err)
{
	char since[KC_TIME_STRLEN];

	kc_time_iso(now - THROTTLE_WINDOW, since);
	*n = 0;
	return kc_store_scalar_int(st, err, n,
				   "SELECT COALESCE(MAX(failures), 0) FROM login_failure WHERE key = ? AND window_start > ?",
				   "tt", key, since);
}

static int note_failure(kc_store *st, const char *key, time_t now, kc_err *err)
{
	char at[KC_TIME_STRLEN], since[KC_TIME_STRLEN];

	kc_time_iso(now, at);
	kc_time_iso(now - THROTTLE_WINDOW, since);
	return kc_store_exec(st, err, NULL,
			     "INSERT INTO login_failure (key, failures, window_start) VALUES (?, 1, ?) "
			     "ON CONFLICT (key) DO UPDATE SET "
			     "failures = CASE WHEN login_failure.window_start > ? THEN login_failure.failures + 1 ELSE 1 END, "
			     "window_start = CASE WHEN login_failure.window_start > ? THEN login_failure.window_start ELSE excluded.window_start END",
			     "tttt", key, at, since, since);
}

int kc_login(kc_store *st, const char *name, const char *password, const char *address, int ttl_seconds,
	     kc_user *user, char session_id[KC_SECRET_LEN + 1], char csrf[KC_SECRET_LEN + 1], kc_err *err)
{
	/* Verified against when the user does not exist, so that the answer takes as long. */
	static char dummy[crypto_pwhash_STRBYTES];
	char ukey[96], akey[96], hash[crypto_pwhash_STRBYTES] = "", sid_hash[65], created[KC_TIME_STRLEN],
		expires[KC_TIME_STRLEN];
	int64_t fu = 0, fa = 0;
	time_t now = kc_now();
	kc_stmt *s;
	int rc, ok;

	if (!dummy[0] && hash_password("kcert-dummy-password", dummy, err))
		return KC_ENOMEM;
	snprintf(ukey, sizeof(ukey), "user:%s", name);
	snprintf(akey, sizeof(akey), "addr:%s", address ? address : "-");
	rc = failures(st, ukey, now, &fu, err);
	if (!rc)
		rc = failures(st, akey, now, &fa, err);
	if (rc)
		return rc;
	if (fu >= THROTTLE_ACCOUNT || fa >= THROTTLE_ADDRESS)
		return kc_err_set(err, KC_EAGAIN, _("too many failed logins; try again in 15 minutes"));
	rc = kc_store_query(st, err, &s, "SELECT password_hash FROM app_user WHERE name = ? AND disabled = 0", "t",
			    name);
	if (rc)
		return rc;
	if (kc_stmt_step(s, err) == KC_ROW)
		snprintf(hash, sizeof(hash), "%s", kc_stmt_text(s, 0));
	kc_stmt_finalize(s);
	ok = crypto_pwhash_str_verify(hash[0] ? hash : dummy, password, strlen(password)) == 0 && hash[0];
	sodium_memzero(hash, sizeof(hash));
	rc = kc_store_begin(st, err);
	if (rc)
		return rc;
	if (!ok) {
		rc = note_failure(st, ukey, now, err);
		if (!rc)
			rc = note_failure(st, akey, now, err);
		if (!rc)
			rc = kc_audit_appendf(st, err, "web", "login.fail", name, "from %s", address ? address : "-");
		if (rc) {
			kc_store_rollback(st);
			return rc;
		}
		rc = kc_store_commit(st, err);
		return rc ? rc : kc_err_set(err, KC_EPERM, _("wrong user name or password"));
	}
	kc_secret_new(session_id);
	kc_secret_new(csrf);
	kc_secret_hash(session_id, sid_hash);
	kc_time_iso(now, created);
	kc_time_iso(now + ttl_seconds, expires);
	rc = kc_store_exec(st, err, NULL, "DELETE FROM login_failure WHERE key = ?", "t", ukey);
	if (!rc)
		rc = kc_store_exec(st, err, NULL,
				   "INSERT INTO app_session (id_hash, user_id, csrf, created_at, expires_at, address) "
				   "SELECT ?, id, ?, ?, ?, ? FROM app_user WHERE name = ?",
				   "tttttt", sid_hash, csrf, created, expires, address, name);
	if (!rc)
		rc = kc_store_exec(st, err, NULL, "UPDATE app_user SET last_login = ? WHERE name = ?", "tt", created,
				   name);
	/* Sessions that expired are of no use to anyone. */
	if (!rc)
		rc = kc_store_exec(st, err, NULL, "DELETE FROM app_session WHERE expires_at < ?", "t", created);
	if (!rc)
		rc = kc_audit_appendf(st, err, name, "login", name, "from %s", address ? address : "-");
	if (rc) {
		kc_store_rollback(st);
		return rc;
	}
	rc = kc_store_commit(st, err);
	return rc ? rc : kc_user_get(st, name, user, err);
}

int kc_session_user(kc_store *st, const char *session_id, kc_user *user, char csrf[KC_SECRET_LEN + 1],
		    kc_err *err)
{
	char h[65], now[KC_TIME_STRLEN];
	int64_t uid = 0;
	kc_stmt *s;
	int rc;

	if (!session_id || strlen(session_id) != KC_SECRET_LEN)
		return KC_ENOENT;
	kc_secret_hash(session_id, h);
	rc = kc_store_query(st, err, &s,
			    "SELECT s.user_id, s.csrf FROM app_session s JOIN app_user u ON u.id = s.user_id "
			    "WHERE s.id_hash = ? AND s.expires_at > ? AND u.disabled = 0",
			    "tt", h, kc_time_now_iso(now));
	if (rc)
		return rc;
	rc = kc_stmt_step(s, err);
	if (rc == KC_ROW) {
		uid = kc_stmt_int(s, 0);
		if (csrf)
			snprintf(csrf, KC_SECRET_LEN + 1, "%s", kc_stmt_text(s, 1));
	}
	kc_stmt_finalize(s);
	if (rc < 0)
		return rc;
	if (!uid)
		return KC_ENOENT;
	return kc_user_get_id(st, uid, user, err);
}

int kc_logout(kc_store *st, const char *session_id, kc_err *err)
{
	char h[65], name[80] = "";
	kc_stmt *s;
	int rc;

	kc_secret_hash(session_id, h);
	rc = kc_store_begin(st, err);
	if (rc)
		return rc;
	rc = kc_store_query(st, err, &s,
			    "SELECT u.name FROM app_session s JOIN app_user u ON u.id = s.user_id WHERE s.id_hash = ?", "t",
			    h);
	if (!rc) {
		if (kc_stmt_step(s, err) == KC_ROW)
			snprintf(name, sizeof(name), "%s", kc_stmt_text(s, 0));
		kc_stmt_finalize(s);
	}
	if (!rc)
		rc = kc_store_exec(st, err, NULL, "DELETE FROM app_session WHERE id_hash = ?", "t", h);
	/* The audit entry also tells the servers' credential caches to forget it. */
	if (!rc && name[0])
		rc = kc_audit_append(st, name, "logout", name, "", err);
	if (rc) {
		kc_store_rollback(st);
		return rc;
	}
	return kc_store_commit(st, err);
}

int kc_token_create(kc_store *st, const char *actor, int64_t user_id, const char *name, time_t expires,
		    char token[KC_SECRET_LEN + 1], kc_err *err)
{
	char h[65], now[KC_TIME_STRLEN], exp[KC_TIME_STRLEN];
	kc_user u;
	int rc = kc_user_get_id(st, user_id, &u, err);

	if (rc)
		return rc;
	if (!name || !*name || strlen(name) > 100)
		return kc_err_set(err, KC_EINVAL, _("a token needs a name of 1-100 characters"));
	kc_secret_new(token);
	kc_secret_hash(token, h);
	if (expires)
		kc_time_iso(expires, exp);
	rc = kc_store_begin(st, err);
	if (rc)
		return rc;
	rc = kc_store_exec(st, err, NULL,
			   "INSERT INTO api_token (user_id, name, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
			   "itttt", user_id, name, h, kc_time_now_iso(now), expires ? exp : NULL);
	if (!rc)
		rc = kc_audit_appendf(st, err, actor, "token.create", u.name, "%s, expires %s", name,
				      expires ? exp : "never");
	if (rc) {
		kc_store_rollback(st);
		return rc;
	}
	return kc_store_commit(st, err);
}

int kc_token_user(kc_store *st, const char *token, kc_user *user, kc_err *err)
{
	char h[65], now[KC_TIME_STRLEN];
	int64_t uid = 0;
	kc_stmt *s;
	int rc;

	if (!token || strlen(token) != KC_SECRET_LEN)
		return KC_ENOENT;
	kc_secret_hash(token, h);
	rc = kc_store_query(st, err, &s,
			    "SELECT t.user_id FROM api_token t JOIN app_user u ON u.id = t.user_id "
			    "WHERE t.token_hash = ? AND (t.expires_at IS NULL OR t.expires_at > ?) AND u.disabled = 0",
			    "tt", h, kc_time_now_iso(now));
	if (rc)
		return rc;
	if ((rc = kc_stmt_step(s, err)) == KC_ROW)
		uid = kc_stmt_int(s, 0);
	kc_stmt_finalize(s);
	if (rc < 0)
		return rc;
	return uid ? kc_user_get_id(st, uid, user, err) : KC_ENOENT;
}
