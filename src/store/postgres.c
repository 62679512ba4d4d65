/*
 * postgres.c - the PostgreSQL back end of the store (libpq).
 *
 * One connection per kc_store. Statements are prepared on the server (named
 * kc_N; the store keeps them for reuse) after the portable `?`
 * placeholders are rewritten to $1, $2, ... outside string literals and quoted
 * identifiers. Parameters travel as text and the server infers their types
 * from the statement. Results come back whole (PQexecPrepared) and step()
 * walks their rows.
 *
 * The target is a libpq URI: postgresql://user@host:port/db?host=/run/sock. The
 * password, if any, is never repeated in messages (kc_store keeps the target
 * for messages with the password removed).
 */
#include <ctype.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "base/kc.h"

#define MAX_PARAMS 64

struct pg_stmt {
	kc_stmt base;
	char name[16];
	int nparams;
	char *values[MAX_PARAMS];
	int lengths[MAX_PARAMS];
	PGresult *res;
	int row, nrows, executed;
};

struct pg_db {
	PGconn *conn;
	int next_name;
};

static struct pg_db *DB(kc_store *st)
{
	return st->impl;
}

/* Map a failed result's SQLSTATE onto an error code, with the server's words. */
static int pg_fail(kc_store *st, const PGresult *res, kc_err *err, const char *what)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = res ? PQresultErrorMessage(res) : PQerrorMessage(DB(st)->conn);
	char clean[400];
	int kc = KC_ESTORE;
	size_t n;

	if (state && !strncmp(state, "23", 2))
		kc = KC_EEXIST; /* integrity constraint violation */
	else if (state && (!strcmp(state, "40001") || !strcmp(state, "40P01") || !strcmp(state, "55P03")))
		kc = KC_EAGAIN; /* serialization failure, deadlock, lock not available */
	else if (state && !strncmp(state, "08", 2))
		kc = KC_EIO; /* connection exception */
	else if (!state && PQstatus(DB(st)->conn) != CONNECTION_OK)
		kc = KC_EIO;
	snprintf(clean, sizeof(clean), "%s", msg && *msg ? msg : "?");
	n = strlen(clean);
	while (n && (clean[n - 1] == '\n' || clean[n - 1] == ' '))
		clean[--n] = '\0';
	return kc_err_set(err, kc, "%s: %s: %s", st->target, what, clean);
}

static int pg_exec_script(kc_store *st, const char *sql, kc_err *err)
{
	PGresult *res = PQexec(DB(st)->conn, sql);
	int rc = KC_OK;

	if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK)
		rc = pg_fail(st, res, err, _("statement failed"));
	PQclear(res);
	return rc;
}

/* Silence NOTICEs ("relation already exists, skipping"): they are not errors. */
static void quiet_notices(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

/* The target without its password, for messages. */
static void redact_target(kc_store *st)
{
	char *at = strchr(st->target, '@'), *scheme = strstr(st->target, "://");
	char *colon;

	if (!at || !scheme)
		return;
	colon = memchr(scheme + 3, ':', (size_t)(at - scheme - 3));
	if (colon)
		memmove(colon, at, strlen(at) + 1);
}

static int pg_open(kc_store *st, const char *target, kc_err *err)
{
	struct pg_db *d = calloc(1, sizeof(*d));
	int rc;

	if (!d)
		return kc_err_set(err, KC_ENOMEM, "%s", kc_strerror(KC_ENOMEM));
	st->impl = d;
	redact_target(st);
	d->conn = PQconnectdb(target);
	if (!d->conn || PQstatus(d->conn) != CONNECTION_OK) {
		char msg[300];
		size_t n;

		snprintf(msg, sizeof(msg), "%s", d->conn ? PQerrorMessage(d->conn) : "out of memory");
		n = strlen(msg);
		while (n && msg[n - 1] == '\n')
			msg[--n] = '\0';
		rc = kc_err_set(err, KC_EIO, _("cannot open database %s: %s"), st->target, msg);
		PQfinish(d->conn);
		free(d);
		st->impl = NULL;
		return rc;
	}
	PQsetNoticeProcessor(d->conn, quiet_notices, NULL);
	rc = pg_exec_script(st, "SET TIME ZONE 'UTC'; SET client_min_messages = warning", err);
	if (rc) {
		PQfinish(d->conn);
		free(d);
		st->impl = NULL;
	}
	return rc;
}

static void stmt_clear(struct pg_stmt *s)
{
	for (int i = 0; i < s->nparams; i++) {
		free(s->values[i]);
		s->values[i] = NULL;
	}
	PQclear(s->res);
	s->res = NULL;
	s->row = s->nrows = s->executed = 0;
}

static void pg_close(kc_store *st)
{
	struct pg_db *d = DB(st);

	if (!d)
		return;
	PQfinish(d->conn);
	free(d);
	st->impl = NULL;
}

/*
 * Rewrite `?` to $N outside '...' literals, "..." identifiers and -- comments.
 * Returns the number of parameters, or -1 when there are too many.
 */
static int rewrite_placeholders(const char *sql, kc_buf *out)
{
	int n = 0;
	char quote = 0;

	for (const char *p = sql; *p; p++) {
		if (quote) {
			if (*p == quote)
				quote = 0;
		} else if (*p == '\'' || *p == '"') {
			quote = *p;
		} else if (p[0] == '-' && p[1] == '-') {
			const char *eol = strchr(p, '\n');
			size_t len = eol ? (size_t)(eol - p) : strlen(p);

			kc_buf_add(out, p, len);
			p += len - 1;
			continue;
		} else if (*p == '?') {
			if (++n > MAX_PARAMS)
				return -1;
			kc_buf_addf(out, "$%d", n);
			continue;
		}
		kc_buf_addc(out, *p);
	}
	return n;
}

static int pg_prepare(kc_store *st, const char *sql, kc_stmt **out, kc_err *err)
{
	struct pg_db *d = DB(st);
	struct pg_stmt *s;
	PGresult *res;
	kc_buf text;
	int n;

	s = calloc(1, sizeof(*s));
	if (!s)
		return kc_err_set(err, KC_ENOMEM, "%s", kc_strerror(KC_ENOMEM));
	s->base.st = st;
	kc_buf_init(&text, 1u << 20);
	n = rewrite_placeholders(sql, &text);
	if (n < 0) {
		kc_buf_release(&text);
		free(s);
		return kc_err_set(err, KC_EINTERNAL, _("too many statement parameters"));
	}
	s->nparams = n;
	snprintf(s->name, sizeof(s->name), "kc_%d", ++d->next_name);
	res = PQprepare(d->conn, s->name, kc_buf_str(&text), n, NULL);
	kc_buf_release(&text);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		int rc = pg_fail(st, res, err, _("cannot prepare statement"));

		PQclear(res);
		free(s);
		return rc;
	}
	PQclear(res);
	*out = &s->base;
	return KC_OK;
}

static struct pg_stmt *S(kc_stmt *s)
{
	return (struct pg_stmt *)s;
}

static int set_param(kc_stmt *ks, int idx, char *v, int len)
{
	struct pg_stmt *s = S(ks);

	if (idx < 1 || idx > s->nparams) {
		free(v);
		return KC_EINVAL;
	}
	free(s->values[idx - 1]);
	s->values[idx - 1] = v;
	s->lengths[idx - 1] = len;
	return KC_OK;
}

static int pg_bind_text(kc_stmt *s, int idx, const char *v, size_t len)
{
	char *copy;

	if (len > 0x3fffffff)
		return KC_ETOOBIG;
	if (memchr(v, '\0', len))
		return KC_EINVAL; /* text parameters cannot carry NUL */
	copy = malloc(len + 1);
	if (!copy)
		return KC_ENOMEM;
	memcpy(copy, v, len);
	copy[len] = '\0';
	return set_param(s, idx, copy, (int)len);
}

static int pg_bind_int(kc_stmt *s, int idx, int64_t v)
{
	char num[24];

	snprintf(num, sizeof(num), "%lld", (long long)v);
	return pg_bind_text(s, idx, num, strlen(num));
}

static int pg_bind_null(kc_stmt *s, int idx)
{
	return set_param(s, idx, NULL, 0);
}

static int pg_step(kc_stmt *ks, kc_err *err)
{
	struct pg_stmt *s = S(ks);

	if (!s->executed) {
		ExecStatusType status;

		s->executed = 1;
		s->res = PQexecPrepared(DB(ks->st)->conn, s->name, s->nparams, (const char *const *)s->values,
					s->lengths, NULL, 0);
		status = PQresultStatus(s->res);
		if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK)
			return pg_fail(ks->st, s->res, err, _("statement failed"));
		s->nrows = status == PGRES_TUPLES_OK ? PQntuples(s->res) : 0;
		s->row = -1;
	}
	if (s->row + 1 < s->nrows) {
		s->row++;
		return KC_ROW;
	}
	s->row = s->nrows;
	return KC_DONE;
}

static int pg_column_count(kc_stmt *s)
{
	return S(s)->res ? PQnfields(S(s)->res) : 0;
}

static const char *pg_column_name(kc_stmt *s, int col)
{
	return S(s)->res ? PQfname(S(s)->res, col) : NULL;
}

static int in_row(struct pg_stmt *s, int col)
{
	return s->res && s->row >= 0 && s->row < s->nrows && col >= 0 && col < PQnfields(s->res);
}

static const char *pg_column_text(kc_stmt *ks, int col)
{
	struct pg_stmt *s = S(ks);

	if (!in_row(s, col) || PQgetisnull(s->res, s->row, col))
		return NULL;
	return PQgetvalue(s->res, s->row, col);
}

static int64_t pg_column_int(kc_stmt *ks, int col)
{
	const char *v = pg_column_text(ks, col);

	return v ? strtoll(v, NULL, 10) : 0;
}

static int pg_column_is_null(kc_stmt *ks, int col)
{
	struct pg_stmt *s = S(ks);

	return !in_row(s, col) || PQgetisnull(s->res, s->row, col);
}

static void pg_finalize(kc_stmt *ks)
{
	struct pg_stmt *s = S(ks);

	stmt_clear(s);
	/* Drop the server-side statement too (a closing connection drops them all). */
	if (DB(ks->st)) {
		char sql[40];
		PGresult *res;

		snprintf(sql, sizeof(sql), "DEALLOCATE %s", s->name);
		res = PQexec(DB(ks->st)->conn, sql);
		PQclear(res);
	}
	free(s);
}

static int pg_begin(kc_store *st, kc_err *err)
{
	return pg_exec_script(st, "BEGIN", err);
}

static int pg_commit(kc_store *st, kc_err *err)
{
	return pg_exec_script(st, "COMMIT", err);
}

static int pg_rollback(kc_store *st)
{
	return pg_exec_script(st, "ROLLBACK", NULL);
}

/* Identity columns keep their own counter: set it past the copied keys. */
static int pg_reset_sequence(kc_store *st, const char *table, kc_err *err)
{
	char column[64] = "", sql[320];
	kc_stmt *s;
	int rc;

	rc = kc_store_query(st, err, &s,
			    "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
			    "AND table_name = ? AND is_identity = 'YES'",
			    "t", table);
	if (rc)
		return rc;
	rc = kc_stmt_step(s, err);
	if (rc == KC_ROW)
		snprintf(column, sizeof(column), "%s", kc_stmt_text(s, 0));
	kc_stmt_finalize(s);
	if (rc < 0 || !column[0])
		return rc < 0 ? rc : KC_OK;
	snprintf(sql, sizeof(sql),
		 "SELECT setval(pg_get_serial_sequence('%s', '%s'), COALESCE(MAX(%s), 0) + 1, false) FROM %s", table,
		 column, column, table);
	return pg_exec_script(st, sql, err);
}

static void pg_reset(kc_stmt *s)
{
	stmt_clear(S(s));
}

const kc_store_ops kc_store_pg_ops = {
	.name = "postgresql",
	.pk_type = "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
	.open = pg_open,
	.close = pg_close,
	.exec_script = pg_exec_script,
	.prepare = pg_prepare,
	.bind_text = pg_bind_text,
	.bind_int = pg_bind_int,
	.bind_null = pg_bind_null,
	.step = pg_step,
	.column_count = pg_column_count,
	.column_name = pg_column_name,
	.column_text = pg_column_text,
	.column_int = pg_column_int,
	.column_is_null = pg_column_is_null,
	.reset = pg_reset,
	.finalize = pg_finalize,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.reset_sequence = pg_reset_sequence,
};
