/*
 * seed.h - the organisations every kcert store starts with: Norway's counties
 * and municipalities (from the register compiled into the binary), KommuneCERT
 * itself, and the national partners it coordinates with.
 */
#ifndef KC_SEED_H
#define KC_SEED_H

#include <stddef.h>

#include "base/err.h"
#include "store/store.h"

typedef struct kc_seed_report {
	size_t counties, municipalities, others; /* present after seeding */
	size_t added, updated;			 /* changed by this run */
} kc_seed_report;

/* Load or refresh the register in one transaction; idempotent. */
int kc_seed_registry(kc_store *st, const char *actor, kc_seed_report *rep, kc_err *err);

#endif
