/*
 * audit.h - the append-only, tamper-evident audit log.
 *
 * Every change to the store appends one entry in the same transaction: time,
 * actor, action, object, summary, and a SHA-256 hash over the previous entry's
 * hash and this entry's fields, so that editing or deleting an old entry breaks
 * the chain and kc_audit_verify finds where. Summaries must never hold secrets.
 */
#ifndef KC_AUDIT_H
#define KC_AUDIT_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "store/store.h"

#define KC_AUDIT_HASH_HEX 65

typedef struct kc_audit_entry {
	int64_t seq;
	char at[32];
	char actor[128];
	char action[64];
	char object[128];
	char summary[512];
	char prev_hash[KC_AUDIT_HASH_HEX];
	char hash[KC_AUDIT_HASH_HEX];
} kc_audit_entry;

/* Append an entry; call inside the transaction of the change it records. */
int kc_audit_append(kc_store *st, const char *actor, const char *action, const char *object,
		    const char *summary, kc_err *err);

/* printf-style summary. */
int kc_audit_appendf(kc_store *st, kc_err *err, const char *actor, const char *action,
		     const char *object, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Newest first, at most limit entries after skipping offset. *out is malloc'd. */
int kc_audit_list(kc_store *st, size_t limit, size_t offset, kc_audit_entry **out, size_t *n,
		  kc_err *err);

/* Walk the whole chain. Returns 0 when intact (*count entries), or KC_EPARSE with
 * *bad_seq set to the first entry whose hash or link does not hold. */
int kc_audit_verify(kc_store *st, int64_t *count, int64_t *bad_seq, kc_err *err);

/* The actor name for this process: KCERT_ACTOR, else "cli:<login name>". */
const char *kc_audit_cli_actor(void);

#endif
