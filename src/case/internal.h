/*
 * internal.h - what the parts of src/case share and nothing else uses.
 */
#ifndef KC_CASE_INTERNAL_H
#define KC_CASE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "store/store.h"

/* An entry on the case's timeline (and the full-text index); the caller's
 * transaction. */
int kc_case_entry_add(kc_store *st, int64_t case_id, const char *actor, const char *kind, int internal,
		      const char *body, int64_t mail_id, int64_t outbox_id, kc_err *err);

/* "[KommuneCERT #123] [TLP:AMBER] title" (prefix: KCERT_SUBJECT_PREFIX). */
void kc_case_subject(int64_t id, const char *tlp, const char *title, char *out, size_t cap);

#endif
