/*
 * user.h - accounts, passwords, sessions and API tokens.
 *
 * Roles: admin (everything, users), analyst (CERT staff: every organisation),
 * member (a municipality's staff: only the organisations in user_org),
 * partner (another CERT: what TLP and explicit sharing allow). Passwords are
 * hashed with Argon2id (libsodium crypto_pwhash_str); session ids and API
 * tokens are random, shown once, and stored only as SHA-256 hashes.
 */
#ifndef KC_USER_H
#define KC_USER_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "base/err.h"
#include "store/store.h"

#define KC_USER_MAX_ORGS 64
#define KC_PASSWORD_MIN 12
#define KC_PASSWORD_MAX 1024
#define KC_SECRET_LEN 43 /* 32 random bytes as unpadded base64url */

typedef enum kc_role { KC_ROLE_ADMIN, KC_ROLE_ANALYST, KC_ROLE_MEMBER, KC_ROLE_PARTNER } kc_role;

typedef struct kc_user {
	int64_t id;
	char name[65];
	kc_role role;
	char lang[4];
	int disabled;
	int must_change;
	char created_at[32];
	char last_login[32];
	size_t norgs;
	int64_t orgs[KC_USER_MAX_ORGS];
} kc_user;

int kc_role_parse(const char *s, kc_role *out);
const char *kc_role_name(kc_role r);

/* Refuse passwords shorter than KC_PASSWORD_MIN, or common ones. */
int kc_password_check(const char *password, const char *username, kc_err *err);

/* Create a user. orgs: for member, the organisations; for partner, its CERT. */
int kc_user_add(kc_store *st, const char *actor, const char *name, kc_role role, const int64_t *orgs,
		size_t norgs, const char *password, kc_user *out, kc_err *err);
int kc_user_get(kc_store *st, const char *name, kc_user *out, kc_err *err);
int kc_user_get_id(kc_store *st, int64_t id, kc_user *out, kc_err *err);
int kc_user_list(kc_store *st, kc_user **out, size_t *n, kc_err *err);
int kc_user_set_password(kc_store *st, const char *actor, int64_t id, const char *password, kc_err *err);
int kc_user_set_disabled(kc_store *st, const char *actor, int64_t id, int disabled, kc_err *err);
int kc_user_set_lang(kc_store *st, int64_t id, const char *lang, kc_err *err);

/* A random secret (password, token, session id) of KC_SECRET_LEN characters. */
void kc_secret_new(char out[KC_SECRET_LEN + 1]);
/* Hex SHA-256 of a secret, as stored. */
void kc_secret_hash(const char *secret, char out[65]);

/*
 * Log in: checks throttling (per account and per address), the password and
 * the disabled flag; on success creates a session. *session_id (shown once,
 * for the cookie) and *csrf receive fresh secrets. KC_EPERM on any failure,
 * with one message that does not tell which part was wrong; KC_EAGAIN while
 * throttled.
 */
int kc_login(kc_store *st, const char *name, const char *password, const char *address, int ttl_seconds,
	     kc_user *user, char session_id[KC_SECRET_LEN + 1], char csrf[KC_SECRET_LEN + 1], kc_err *err);
/* The user of a live session, and its CSRF token. KC_ENOENT when none. */
int kc_session_user(kc_store *st, const char *session_id, kc_user *user, char csrf[KC_SECRET_LEN + 1],
		    kc_err *err);
int kc_logout(kc_store *st, const char *session_id, kc_err *err);

/* API tokens: create (the secret is shown once) and resolve. */
int kc_token_create(kc_store *st, const char *actor, int64_t user_id, const char *name, time_t expires,
		    char token[KC_SECRET_LEN + 1], kc_err *err);
int kc_token_user(kc_store *st, const char *token, kc_user *user, kc_err *err);

#endif
