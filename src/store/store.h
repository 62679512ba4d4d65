/*
 * store.h - the one store every record lives in: SQLite (embedded default) or,
 * later, PostgreSQL, behind one interface.
 *
 * Callers write SQL once, with `?` placeholders, in the subset both engines
 * accept (no engine-specific syntax outside src/store/). PostgreSQL infers a
 * parameter's type from its context, so where there is none (`? IS NULL`, a
 * function argument such as lower(?)) write CAST(? AS TEXT). A back end is a struct
 * of function pointers (kc_store_ops) chosen at open time from the target:
 * "postgresql://..." or "postgres://..." selects PostgreSQL, anything else is a
 * SQLite file path. Migrations use a few tokens that each back end expands
 * (see kc_store_expand_sql): @PK@ for an auto-assigned integer primary key.
 *
 * Every change is one transaction: kc_store_begin / kc_store_commit, with
 * kc_store_rollback on any error path.
 */
#ifndef KC_STORE_H
#define KC_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

typedef struct kc_store kc_store;
typedef struct kc_stmt kc_stmt;

/* kc_stmt_step results (besides negative errors). */
#define KC_DONE 0
#define KC_ROW 1

typedef struct kc_store_ops {
	const char *name; /* "sqlite", "postgresql" */
	const char *pk_type; /* expansion of @PK@ in migrations */
	int (*open)(kc_store *st, const char *target, kc_err *err);
	void (*close)(kc_store *st);
	int (*exec_script)(kc_store *st, const char *sql, kc_err *err);
	int (*prepare)(kc_store *st, const char *sql, kc_stmt **out, kc_err *err);
	int (*bind_text)(kc_stmt *s, int idx, const char *v, size_t len);
	int (*bind_int)(kc_stmt *s, int idx, int64_t v);
	int (*bind_null)(kc_stmt *s, int idx);
	int (*step)(kc_stmt *s, kc_err *err);
	int (*column_count)(kc_stmt *s);
	const char *(*column_name)(kc_stmt *s, int col);
	const char *(*column_text)(kc_stmt *s, int col);
	int64_t (*column_int)(kc_stmt *s, int col);
	int (*column_is_null)(kc_stmt *s, int col);
	void (*reset)(kc_stmt *s);    /* clear bindings and results for reuse */
	void (*finalize)(kc_stmt *s); /* free it for good */
	int (*begin)(kc_store *st, kc_err *err);
	int (*commit)(kc_store *st, kc_err *err);
	int (*rollback)(kc_store *st);
	/* After rows were inserted with explicit keys: move the table's key
	 * generator past them (NULL when the engine needs nothing). */
	int (*reset_sequence)(kc_store *st, const char *table, kc_err *err);
} kc_store_ops;

#define KC_STMT_CACHE 64

struct kc_store {
	const kc_store_ops *ops;
	void *impl;	   /* back-end state */
	char *target;	   /* what was opened, for messages (never a password) */
	int in_tx;	   /* nesting depth of kc_store_begin */
	/* Prepared statements kept for reuse, by SQL text, whatever the engine. */
	struct {
		char *sql;
		kc_stmt *stmt;
		int in_use;
	} cache[KC_STMT_CACHE];
};

struct kc_stmt {
	kc_store *st;
	int slot; /* cache slot + 1, or 0 when not cached */
};

extern const kc_store_ops kc_store_sqlite_ops;
extern const kc_store_ops kc_store_pg_ops;

/* Open the store named by target (a path or a postgresql:// URI). */
int kc_store_open(const char *target, kc_store **out, kc_err *err);
void kc_store_close(kc_store *st);

/* Name of the back end ("sqlite", "postgresql"). */
const char *kc_store_engine(const kc_store *st);
/* What was opened, fit for messages: a path, or a URI without its password. */
const char *kc_store_target(const kc_store *st);

/* Transactions. They nest: the outermost begin/commit/rollback are the engine's
 * transaction, inner ones are savepoints, so an inner rollback undoes only the
 * inner work and the outer transaction may still commit. */
int kc_store_begin(kc_store *st, kc_err *err);
int kc_store_commit(kc_store *st, kc_err *err);
void kc_store_rollback(kc_store *st);

/* Statements. Column and parameter indexes: parameters from 1, columns from 0. */
int kc_store_prepare(kc_store *st, const char *sql, kc_stmt **out, kc_err *err);
int kc_stmt_bind_text(kc_stmt *s, int idx, const char *v); /* NULL binds NULL */
int kc_stmt_bind_textn(kc_stmt *s, int idx, const char *v, size_t len);
int kc_stmt_bind_int(kc_stmt *s, int idx, int64_t v);
int kc_stmt_bind_null(kc_stmt *s, int idx);
int kc_stmt_step(kc_stmt *s, kc_err *err); /* KC_ROW, KC_DONE or < 0 */
int kc_stmt_columns(kc_stmt *s);
const char *kc_stmt_column_name(kc_stmt *s, int col);
const char *kc_stmt_text(kc_stmt *s, int col); /* NULL for SQL NULL */
int64_t kc_stmt_int(kc_stmt *s, int col);
int kc_stmt_is_null(kc_stmt *s, int col);
/* Clear bindings and results so that the statement can run again. */
void kc_stmt_reset(kc_stmt *s);
void kc_stmt_finalize(kc_stmt *s);

/*
 * One-shot statement. types has one letter per parameter: 't' const char *
 * (NULL binds NULL), 'i' int64_t, 'n' no argument (binds NULL). When the
 * statement returns a row and out_id is not NULL, its first column is stored
 * there (use with RETURNING id). Returns 0 or a negative code.
 */
int kc_store_exec(kc_store *st, kc_err *err, int64_t *out_id, const char *sql,
		  const char *types, ...);

/* Prepare and bind with the same type letters; the caller steps and finalizes. */
int kc_store_query(kc_store *st, kc_err *err, kc_stmt **out, const char *sql,
		   const char *types, ...);

/* Single integer result of a query (e.g. SELECT count(*)), or the error. */
int kc_store_scalar_int(kc_store *st, kc_err *err, int64_t *out, const char *sql,
			const char *types, ...);

/*
 * Step s to the end, filling one elem-sized record per row with fill(), into a
 * malloc'd array (*out, *n; free() it). Finalizes s in every case.
 */
int kc_store_collect(kc_stmt *s, size_t elem, void (*fill)(kc_stmt *s, void *rec), void **out,
		     size_t *n, kc_err *err);

/* Schema: apply pending migrations in order, each in its own transaction.
 * *applied (may be NULL) receives how many were applied. */
int kc_store_migrate(kc_store *st, int *applied, kc_err *err);
/* Current schema version (0 when the store is empty) and the latest known. */
int kc_store_schema_version(kc_store *st, int *version, kc_err *err);
int kc_store_schema_latest(void);
/* Fails with a message telling the operator what to run when the schema is
 * missing or older than this program. */
int kc_store_check_schema(kc_store *st, kc_err *err);

/* Expand the migration tokens for a back end into a malloc'd string. */
char *kc_store_expand_sql(const kc_store_ops *ops, const char *sql);

/* Key-value settings kept in the store (table setting). */
int kc_store_setting_get(kc_store *st, const char *key, char **value, kc_err *err);
int kc_store_setting_set(kc_store *st, const char *key, const char *value, kc_err *err);

#endif
