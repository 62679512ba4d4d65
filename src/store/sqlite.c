/*
 * sqlite.c - the SQLite back end of the store (the embedded default).
 *
 * One connection per kc_store, in WAL mode with foreign keys enforced and a busy
 * timeout, so that a CLI run and the server can share the file. Write
 * transactions start with BEGIN IMMEDIATE: taking the write lock up front means
 * two writers queue on the busy timeout instead of failing on lock upgrade.
 */
#include <errno.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "base/ip.h"
#include "store/store.h"
#include "base/kc.h"

#define BUSY_TIMEOUT_MS 10000

struct sq_stmt {
	kc_stmt base;
	sqlite3_stmt *s;
};

struct sq_db {
	sqlite3 *db;
};

static struct sq_db *DB(kc_store *st)
{
	return st->impl;
}

static int sq_fail(kc_store *st, kc_err *err, const char *what)
{
	sqlite3 *db = DB(st)->db;
	int code = sqlite3_errcode(db) & 0xff; /* the primary code of an extended one */
	int kc = KC_ESTORE;

	if (code == SQLITE_CONSTRAINT)
		kc = KC_EEXIST;
	else if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
		kc = KC_EAGAIN;
	else if (code == SQLITE_NOMEM)
		kc = KC_ENOMEM;
	else if (code == SQLITE_CANTOPEN || code == SQLITE_IOERR || code == SQLITE_FULL ||
		 code == SQLITE_READONLY)
		kc = KC_EIO;
	return kc_err_set(err, kc, "%s: %s: %s", st->target, what, sqlite3_errmsg(db));
}

static int sq_exec_script(kc_store *st, const char *sql, kc_err *err)
{
	char *msg = NULL;

	if (sqlite3_exec(DB(st)->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		kc_err_set(err, KC_ESTORE, "%s: %s", st->target, msg ? msg : sqlite3_errmsg(DB(st)->db));
		sqlite3_free(msg);
		return KC_ESTORE;
	}
	return KC_OK;
}

/* kc_in_prefix(ADDRESS, PREFIX): 1 when the address (or prefix) lies within
 * the prefix: what PostgreSQL's inet <<= cidr does, for the same queries. */
static void fn_in_prefix(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *a = (const char *)sqlite3_value_text(argv[0]), *p = (const char *)sqlite3_value_text(argv[1]);
	kc_cidr outer, inner;
	kc_ip ip;

	(void)argc;
	if (!a || !p || kc_cidr_parse(p, strlen(p), &outer, 0, NULL)) {
		sqlite3_result_null(ctx);
		return;
	}
	if (strchr(a, '/'))
		sqlite3_result_int(ctx, !kc_cidr_parse(a, strlen(a), &inner, 0, NULL) && kc_cidr_covers(&outer, &inner));
	else
		sqlite3_result_int(ctx, !kc_ip_parse(a, strlen(a), &ip, NULL) && kc_cidr_contains(&outer, &ip));
}

static int sq_open(kc_store *st, const char *target, kc_err *err)
{
	static const char pragmas[] = "PRAGMA page_size = 16384;" /* new files: fewer, fuller pages for bulk event inserts */
				      "PRAGMA journal_mode = WAL;"
				      "PRAGMA synchronous = NORMAL;"
				      "PRAGMA foreign_keys = ON;"
				      "PRAGMA trusted_schema = OFF;"
				      "PRAGMA cache_size = -32768;";
	struct sq_db *d = calloc(1, sizeof(*d));
	int rc;

	if (!d)
		return kc_err_set(err, KC_ENOMEM, "%s", kc_strerror(KC_ENOMEM));
	st->impl = d;
	rc = sqlite3_open_v2(target, &d->db,
			     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX |
				     SQLITE_OPEN_EXRESCODE,
			     NULL);
	if (rc != SQLITE_OK) {
		kc_err_set(err, KC_EIO, _("cannot open database %s: %s"), target,
			   d->db ? sqlite3_errmsg(d->db) : sqlite3_errstr(rc));
		goto fail;
	}
	sqlite3_extended_result_codes(d->db, 1);
	sqlite3_busy_timeout(d->db, BUSY_TIMEOUT_MS);
	/* Defensive settings for a database file that could have been tampered with. */
	sqlite3_db_config(d->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_db_config(d->db, SQLITE_DBCONFIG_DQS_DML, 0, NULL);
	sqlite3_db_config(d->db, SQLITE_DBCONFIG_DQS_DDL, 0, NULL);
	sqlite3_create_function(d->db, "kc_in_prefix", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
				fn_in_prefix, NULL, NULL);
	rc = sq_exec_script(st, pragmas, err);
	if (rc) {
		kc_err_prefix(err, _("cannot open database %s"), target);
		goto fail;
	}
	return KC_OK;
fail:
	sqlite3_close_v2(d->db);
	free(d);
	st->impl = NULL;
	return err ? err->code : KC_EIO;
}

static void sq_close(kc_store *st)
{
	struct sq_db *d = DB(st);

	if (!d)
		return;
	sqlite3_close_v2(d->db);
	free(d);
	st->impl = NULL;
}

static int sq_prepare(kc_store *st, const char *sql, kc_stmt **out, kc_err *err)
{
	struct sq_stmt *s = calloc(1, sizeof(*s));

	if (!s)
		return kc_err_set(err, KC_ENOMEM, "%s", kc_strerror(KC_ENOMEM));
	s->base.st = st;
	if (sqlite3_prepare_v3(DB(st)->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s->s, NULL) != SQLITE_OK) {
		free(s);
		return sq_fail(st, err, _("cannot prepare statement"));
	}
	*out = &s->base;
	return KC_OK;
}

static sqlite3_stmt *S(kc_stmt *s)
{
	return ((struct sq_stmt *)s)->s;
}

static int bind_rc(int rc)
{
	if (rc == SQLITE_OK)
		return KC_OK;
	return rc == SQLITE_TOOBIG ? KC_ETOOBIG : rc == SQLITE_NOMEM ? KC_ENOMEM : KC_EINVAL;
}

static int sq_bind_text(kc_stmt *s, int idx, const char *v, size_t len)
{
	if (len > (size_t)0x7fffffff)
		return KC_ETOOBIG;
	return bind_rc(sqlite3_bind_text(S(s), idx, v, (int)len, SQLITE_TRANSIENT));
}

static int sq_bind_int(kc_stmt *s, int idx, int64_t v)
{
	return bind_rc(sqlite3_bind_int64(S(s), idx, v));
}

static int sq_bind_null(kc_stmt *s, int idx)
{
	return bind_rc(sqlite3_bind_null(S(s), idx));
}

static int sq_step(kc_stmt *s, kc_err *err)
{
	int rc = sqlite3_step(S(s));

	if (rc == SQLITE_ROW)
		return KC_ROW;
	if (rc == SQLITE_DONE)
		return KC_DONE;
	return sq_fail(s->st, err, _("statement failed"));
}

static int sq_column_count(kc_stmt *s)
{
	return sqlite3_column_count(S(s));
}

static const char *sq_column_name(kc_stmt *s, int col)
{
	return sqlite3_column_name(S(s), col);
}

static const char *sq_column_text(kc_stmt *s, int col)
{
	return (const char *)sqlite3_column_text(S(s), col);
}

static int64_t sq_column_int(kc_stmt *s, int col)
{
	return sqlite3_column_int64(S(s), col);
}

static int sq_column_is_null(kc_stmt *s, int col)
{
	return sqlite3_column_type(S(s), col) == SQLITE_NULL;
}

static void sq_reset(kc_stmt *s)
{
	sqlite3_reset(S(s));
	sqlite3_clear_bindings(S(s));
}

static void sq_finalize(kc_stmt *ks)
{
	struct sq_stmt *s = (struct sq_stmt *)ks;

	sqlite3_finalize(s->s);
	free(s);
}

static int sq_begin(kc_store *st, kc_err *err)
{
	return sq_exec_script(st, "BEGIN IMMEDIATE", err);
}

static int sq_commit(kc_store *st, kc_err *err)
{
	return sq_exec_script(st, "COMMIT", err);
}

static int sq_rollback(kc_store *st)
{
	return sq_exec_script(st, "ROLLBACK", NULL);
}

const kc_store_ops kc_store_sqlite_ops = {
	.name = "sqlite",
	.pk_type = "INTEGER PRIMARY KEY",
	.open = sq_open,
	.close = sq_close,
	.exec_script = sq_exec_script,
	.prepare = sq_prepare,
	.bind_text = sq_bind_text,
	.bind_int = sq_bind_int,
	.bind_null = sq_bind_null,
	.step = sq_step,
	.column_count = sq_column_count,
	.column_name = sq_column_name,
	.column_text = sq_column_text,
	.column_int = sq_column_int,
	.column_is_null = sq_column_is_null,
	.reset = sq_reset,
	.finalize = sq_finalize,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
};
