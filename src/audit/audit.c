/*
 * audit.c - append and verify the hash-chained audit log.
 */
#include "audit/audit.h"

#include <pwd.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/time.h"
#include "base/kc.h"

#define GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

static void copy_field(char *dst, size_t cap, const char *src)
{
	snprintf(dst, cap, "%s", src ? src : "");
}

/* Each field is length-prefixed so that no two different entries hash alike. */
static void entry_hash(const kc_audit_entry *e, char out[KC_AUDIT_HASH_HEX])
{
	const char *fields[] = { e->prev_hash, e->at, e->actor, e->action, e->object, e->summary };
	unsigned char digest[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_state h;
	char num[32];

	crypto_hash_sha256_init(&h);
	snprintf(num, sizeof(num), "%lld\n", (long long)e->seq);
	crypto_hash_sha256_update(&h, (const unsigned char *)num, strlen(num));
	for (size_t i = 0; i < KC_ARRAY_LEN(fields); i++) {
		size_t len = strlen(fields[i]);

		snprintf(num, sizeof(num), "%zu:", len);
		crypto_hash_sha256_update(&h, (const unsigned char *)num, strlen(num));
		crypto_hash_sha256_update(&h, (const unsigned char *)fields[i], len);
	}
	crypto_hash_sha256_final(&h, digest);
	sodium_bin2hex(out, KC_AUDIT_HASH_HEX, digest, sizeof(digest));
}

int kc_audit_append(kc_store *st, const char *actor, const char *action, const char *object,
		    const char *summary, kc_err *err)
{
	kc_audit_entry e;
	kc_stmt *s;
	int rc;

	memset(&e, 0, sizeof(e));
	rc = kc_store_query(st, err, &s, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1", "");
	if (rc)
		return rc;
	rc = kc_stmt_step(s, err);
	if (rc == KC_ROW) {
		e.seq = kc_stmt_int(s, 0) + 1;
		copy_field(e.prev_hash, sizeof(e.prev_hash), kc_stmt_text(s, 1));
	} else if (rc == KC_DONE) {
		e.seq = 1;
		copy_field(e.prev_hash, sizeof(e.prev_hash), GENESIS);
	}
	kc_stmt_finalize(s);
	if (rc < 0)
		return rc;
	kc_time_now_iso(e.at);
	copy_field(e.actor, sizeof(e.actor), actor);
	copy_field(e.action, sizeof(e.action), action);
	copy_field(e.object, sizeof(e.object), object);
	copy_field(e.summary, sizeof(e.summary), summary);
	entry_hash(&e, e.hash);
	return kc_store_exec(st, err, NULL,
			     "INSERT INTO audit (seq, at, actor, action, object, summary, prev_hash, hash) "
			     "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			     "ittttttt", e.seq, e.at, e.actor, e.action, e.object, e.summary, e.prev_hash,
			     e.hash);
}

int kc_audit_appendf(kc_store *st, kc_err *err, const char *actor, const char *action,
		     const char *object, const char *fmt, ...)
{
	char summary[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(summary, sizeof(summary), fmt, ap);
	va_end(ap);
	return kc_audit_append(st, actor, action, object, summary, err);
}

static void row_to_entry(kc_stmt *s, kc_audit_entry *e)
{
	e->seq = kc_stmt_int(s, 0);
	copy_field(e->at, sizeof(e->at), kc_stmt_text(s, 1));
	copy_field(e->actor, sizeof(e->actor), kc_stmt_text(s, 2));
	copy_field(e->action, sizeof(e->action), kc_stmt_text(s, 3));
	copy_field(e->object, sizeof(e->object), kc_stmt_text(s, 4));
	copy_field(e->summary, sizeof(e->summary), kc_stmt_text(s, 5));
	copy_field(e->prev_hash, sizeof(e->prev_hash), kc_stmt_text(s, 6));
	copy_field(e->hash, sizeof(e->hash), kc_stmt_text(s, 7));
}

#define AUDIT_COLUMNS "seq, at, actor, action, object, summary, prev_hash, hash"

static void fill_entry(kc_stmt *s, void *rec)
{
	row_to_entry(s, rec);
}

int kc_audit_list(kc_store *st, size_t limit, size_t offset, kc_audit_entry **out, size_t *n,
		  kc_err *err)
{
	kc_stmt *s;
	int rc;

	rc = kc_store_query(st, err, &s,
			    "SELECT " AUDIT_COLUMNS " FROM audit ORDER BY seq DESC LIMIT ? OFFSET ?", "ii",
			    (int64_t)limit, (int64_t)offset);
	if (rc)
		return rc;
	return kc_store_collect(s, sizeof(**out), fill_entry, (void **)out, n, err);
}

int kc_audit_verify(kc_store *st, int64_t *count, int64_t *bad_seq, kc_err *err)
{
	char prev[KC_AUDIT_HASH_HEX] = GENESIS, want[KC_AUDIT_HASH_HEX];
	int64_t expect_seq = 1;
	kc_audit_entry e;
	kc_stmt *s;
	int rc;

	*count = 0;
	*bad_seq = 0;
	rc = kc_store_query(st, err, &s, "SELECT " AUDIT_COLUMNS " FROM audit ORDER BY seq", "");
	if (rc)
		return rc;
	while ((rc = kc_stmt_step(s, err)) == KC_ROW) {
		row_to_entry(s, &e);
		entry_hash(&e, want);
		if (e.seq != expect_seq) {
			*bad_seq = expect_seq;
			rc = kc_err_set(err, KC_EPARSE, _("audit entry %lld is missing"), (long long)expect_seq);
			break;
		}
		if (strcmp(e.prev_hash, prev)) {
			*bad_seq = e.seq;
			rc = kc_err_set(err, KC_EPARSE,
					_("audit entry %lld does not link to the entry before it"),
					(long long)e.seq);
			break;
		}
		if (strcmp(e.hash, want)) {
			*bad_seq = e.seq;
			rc = kc_err_set(err, KC_EPARSE, _("audit entry %lld was altered: its hash does not match"),
					(long long)e.seq);
			break;
		}
		memcpy(prev, e.hash, sizeof(prev));
		expect_seq++;
		(*count)++;
	}
	kc_stmt_finalize(s);
	return rc < 0 ? rc : KC_OK;
}

const char *kc_audit_cli_actor(void)
{
	static char actor[128];
	const char *env = getenv("KCERT_ACTOR");
	struct passwd *pw;

	if (env && *env)
		return env;
	if (!actor[0]) {
		pw = getpwuid(geteuid());
		snprintf(actor, sizeof(actor), "cli:%s", pw ? pw->pw_name : "unknown");
	}
	return actor;
}
