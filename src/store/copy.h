/*
 * copy.h - copy every row of one store into another (SQLite -> PostgreSQL is
 * the path a growing deployment takes), verified by row counts and content
 * checksums.
 */
#ifndef KC_COPY_H
#define KC_COPY_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "store/store.h"

#define KC_COPY_MAX 128 /* tables a store may have; copy.c checks its list against it */

typedef struct kc_copy_table {
	const char *name;
	int64_t rows;
	char checksum[65]; /* SHA-256 over the rows in key order, as text */
} kc_copy_table;

typedef struct kc_copy_report {
	kc_copy_table tables[KC_COPY_MAX];
	size_t ntables;
	int64_t rows;
} kc_copy_report;

/* The tables copied, parents before children. Every table of the schema is
 * listed here (a unit test holds the list to the schema). */
extern const char *const kc_copy_tables[];
extern const size_t kc_copy_ntables;

/*
 * Copy src into dst: dst is migrated first and must hold no organisations
 * (KC_EEXIST otherwise). One transaction on dst; afterwards every table's row
 * count and checksum are compared on both sides (KC_EINTERNAL on a mismatch).
 */
int kc_store_copy(kc_store *src, kc_store *dst, kc_copy_report *rep, kc_err *err);

/* Row count and checksum of one table (the verification half of the copy). */
int kc_store_table_checksum(kc_store *st, const char *table, kc_copy_table *out, kc_err *err);

#endif
