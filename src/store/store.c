/*
 * store.c - the engine-independent half of the store: choosing a back end,
 * nested transactions, typed one-shot statements, migrations and settings.
 */
#include "store/store.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/time.h"
#include "store/migrate.h"
#include "base/kc.h"

static int is_pg_uri(const char *t)
{
	return !strncmp(t, "postgresql://", 13) || !strncmp(t, "postgres://", 11);
}

int kc_store_open(const char *target, kc_store **out, kc_err *err)
{
	const kc_store_ops *ops = &kc_store_sqlite_ops;
	kc_store *st;
	int rc;

	*out = NULL;
	if (!target || !*target)
		return kc_err_set(err, KC_EINVAL, _("no database given (--db or KCERT_DB)"));
	if (is_pg_uri(target))
		ops = &kc_store_pg_ops;
	st = calloc(1, sizeof(*st));
	if (!st)
		return kc_err_set(err, KC_ENOMEM, "%s", kc_strerror(KC_ENOMEM));
	st->ops = ops;
	st->target = strdup(target);
	if (!st->target) {
		free(st);
		return kc_err_set(err, KC_ENOMEM, "%s", kc_strerror(KC_ENOMEM));
	}
	rc = ops->open(st, target, err);
	if (rc) {
		free(st->target);
		free(st);
		return rc;
	}
	*out = st;
	return KC_OK;
}

void kc_store_close(kc_store *st)
{
	if (!st)
		return;
	if (st->in_tx)
		st->ops->rollback(st);
	/* Close first: a statement finalized after its connection is gone has no
	 * server-side work left (SQLite's close_v2 waits for it; PostgreSQL
	 * dropped it with the connection). */
	st->ops->close(st);
	for (int i = 0; i < KC_STMT_CACHE; i++) {
		if (st->cache[i].stmt)
			st->ops->finalize(st->cache[i].stmt);
		free(st->cache[i].sql);
	}
	free(st->target);
	free(st);
}

const char *kc_store_engine(const kc_store *st)
{
	return st->ops->name;
}

/* Inner transactions are savepoints: rolling one back undoes only its own work. */
static int savepoint(kc_store *st, const char *verb, int depth, kc_err *err)
{
	char sql[64];

	snprintf(sql, sizeof(sql), "%s kc_sp%d", verb, depth);
	return st->ops->exec_script(st, sql, err);
}

const char *kc_store_target(const kc_store *st)
{
	return st->target;
}

int kc_store_begin(kc_store *st, kc_err *err)
{
	int rc;

	if (st->in_tx) {
		rc = savepoint(st, "SAVEPOINT", st->in_tx, err);
		if (!rc)
			st->in_tx++;
		return rc;
	}
	rc = st->ops->begin(st, err);
	if (!rc)
		st->in_tx = 1;
	return rc;
}

int kc_store_commit(kc_store *st, kc_err *err)
{
	int rc;

	if (st->in_tx <= 0)
		return kc_err_set(err, KC_EINTERNAL, _("commit without a transaction"));
	if (--st->in_tx)
		return savepoint(st, "RELEASE", st->in_tx, err);
	rc = st->ops->commit(st, err);
	if (rc)
		st->ops->rollback(st);
	return rc;
}

void kc_store_rollback(kc_store *st)
{
	if (st->in_tx <= 0)
		return;
	if (--st->in_tx) {
		/* Undo the inner work and drop the savepoint; the outer transaction goes on. */
		if (savepoint(st, "ROLLBACK TO", st->in_tx, NULL) == KC_OK)
			savepoint(st, "RELEASE", st->in_tx, NULL);
		return;
	}
	st->ops->rollback(st);
}

int kc_store_prepare(kc_store *st, const char *sql, kc_stmt **out, kc_err *err)
{
	int free_slot = -1, rc;

	for (int i = 0; i < KC_STMT_CACHE; i++) {
		if (!st->cache[i].sql) {
			if (free_slot < 0)
				free_slot = i;
		} else if (!st->cache[i].in_use && !strcmp(st->cache[i].sql, sql)) {
			st->cache[i].in_use = 1;
			*out = st->cache[i].stmt;
			return KC_OK;
		}
	}
	rc = st->ops->prepare(st, sql, out, err);
	if (rc)
		return rc;
	(*out)->st = st;
	(*out)->slot = 0;
	if (free_slot >= 0 && (st->cache[free_slot].sql = strdup(sql))) {
		st->cache[free_slot].stmt = *out;
		st->cache[free_slot].in_use = 1;
		(*out)->slot = free_slot + 1;
	}
	return KC_OK;
}

int kc_stmt_bind_text(kc_stmt *s, int idx, const char *v)
{
	if (!v)
		return s->st->ops->bind_null(s, idx);
	return s->st->ops->bind_text(s, idx, v, strlen(v));
}

int kc_stmt_bind_textn(kc_stmt *s, int idx, const char *v, size_t len)
{
	return s->st->ops->bind_text(s, idx, v, len);
}

int kc_stmt_bind_int(kc_stmt *s, int idx, int64_t v)
{
	return s->st->ops->bind_int(s, idx, v);
}

int kc_stmt_bind_null(kc_stmt *s, int idx)
{
	return s->st->ops->bind_null(s, idx);
}

int kc_stmt_step(kc_stmt *s, kc_err *err)
{
	return s->st->ops->step(s, err);
}

int kc_stmt_columns(kc_stmt *s)
{
	return s->st->ops->column_count(s);
}

const char *kc_stmt_column_name(kc_stmt *s, int col)
{
	return s->st->ops->column_name(s, col);
}

const char *kc_stmt_text(kc_stmt *s, int col)
{
	return s->st->ops->column_text(s, col);
}

int64_t kc_stmt_int(kc_stmt *s, int col)
{
	return s->st->ops->column_int(s, col);
}

int kc_stmt_is_null(kc_stmt *s, int col)
{
	return s->st->ops->column_is_null(s, col);
}

void kc_stmt_reset(kc_stmt *s)
{
	s->st->ops->reset(s);
}

void kc_stmt_finalize(kc_stmt *s)
{
	if (!s)
		return;
	if (s->slot) { /* back to the cache */
		s->st->ops->reset(s);
		s->st->cache[s->slot - 1].in_use = 0;
		return;
	}
	s->st->ops->finalize(s);
}

static int bind_va(kc_stmt *s, const char *types, va_list ap, kc_err *err)
{
	int rc = KC_OK;

	for (int i = 0; types && types[i] && !rc; i++) {
		switch (types[i]) {
		case 't':
			rc = kc_stmt_bind_text(s, i + 1, va_arg(ap, const char *));
			break;
		case 'i':
			rc = kc_stmt_bind_int(s, i + 1, va_arg(ap, int64_t));
			break;
		case 'n':
			rc = kc_stmt_bind_null(s, i + 1);
			break;
		default:
			return kc_err_set(err, KC_EINTERNAL, _("bad parameter type '%c'"), types[i]);
		}
	}
	if (rc)
		return kc_err_set(err, rc, _("cannot bind statement parameters"));
	return KC_OK;
}

static int query_va(kc_store *st, kc_err *err, kc_stmt **out, const char *sql,
		    const char *types, va_list ap)
{
	int rc = kc_store_prepare(st, sql, out, err);

	if (rc)
		return rc;
	rc = bind_va(*out, types, ap, err);
	if (rc) {
		kc_stmt_finalize(*out);
		*out = NULL;
	}
	return rc;
}

int kc_store_query(kc_store *st, kc_err *err, kc_stmt **out, const char *sql,
		   const char *types, ...)
{
	va_list ap;
	int rc;

	va_start(ap, types);
	rc = query_va(st, err, out, sql, types, ap);
	va_end(ap);
	return rc;
}

int kc_store_exec(kc_store *st, kc_err *err, int64_t *out_id, const char *sql,
		  const char *types, ...)
{
	kc_stmt *s;
	va_list ap;
	int rc;

	va_start(ap, types);
	rc = query_va(st, err, &s, sql, types, ap);
	va_end(ap);
	if (rc)
		return rc;
	rc = kc_stmt_step(s, err);
	if (rc == KC_ROW && out_id)
		*out_id = kc_stmt_int(s, 0);
	/* Drain, so that the statement completes on every engine. */
	while (rc == KC_ROW)
		rc = kc_stmt_step(s, err);
	kc_stmt_finalize(s);
	return rc < 0 ? rc : KC_OK;
}

int kc_store_scalar_int(kc_store *st, kc_err *err, int64_t *out, const char *sql,
			const char *types, ...)
{
	kc_stmt *s;
	va_list ap;
	int rc;

	va_start(ap, types);
	rc = query_va(st, err, &s, sql, types, ap);
	va_end(ap);
	if (rc)
		return rc;
	rc = kc_stmt_step(s, err);
	if (rc == KC_ROW) {
		*out = kc_stmt_int(s, 0);
		rc = KC_OK;
	} else if (rc == KC_DONE) {
		rc = kc_err_set(err, KC_ENOENT, _("query returned no row"));
	}
	kc_stmt_finalize(s);
	return rc;
}

int kc_store_collect(kc_stmt *s, size_t elem, void (*fill)(kc_stmt *s, void *rec), void **out,
		     size_t *n, kc_err *err)
{
	char *v = NULL;
	size_t cap = 0, cnt = 0;
	int rc;

	while ((rc = kc_stmt_step(s, err)) == KC_ROW) {
		if (cnt == cap) {
			char *nv;

			cap = cap ? cap * 2 : 16;
			nv = realloc(v, cap * elem);
			if (!nv) {
				rc = kc_err_set(err, KC_ENOMEM, "%s", kc_strerror(KC_ENOMEM));
				break;
			}
			v = nv;
		}
		memset(v + cnt * elem, 0, elem);
		fill(s, v + cnt * elem);
		cnt++;
	}
	kc_stmt_finalize(s);
	if (rc < 0) {
		free(v);
		*out = NULL;
		*n = 0;
		return rc;
	}
	*out = v;
	*n = cnt;
	return KC_OK;
}

/*
 * Expand a migration for one engine: @PK@ becomes the engine's auto-assigned
 * integer key, and the lines between "-- @engine NAME" and "-- @engine all" are
 * kept only when NAME is this engine.
 */
char *kc_store_expand_sql(const kc_store_ops *ops, const char *sql)
{
	static const char tok[] = "@PK@", marker[] = "-- @engine ";
	const char *line, *end, *p, *hit;
	int keep = 1;
	kc_buf b;

	kc_buf_init(&b, 16u << 20);
	for (line = sql; *line; line = end) {
		end = strchr(line, '\n');
		end = end ? end + 1 : line + strlen(line);
		if (!strncmp(line, marker, sizeof(marker) - 1)) {
			const char *name = line + sizeof(marker) - 1;
			size_t n = strcspn(name, " \r\n");

			keep = (n == 3 && !strncmp(name, "all", 3)) ||
			       (n == strlen(ops->name) && !strncmp(name, ops->name, n));
			continue;
		}
		if (!keep)
			continue;
		for (p = line; (hit = strstr(p, tok)) && hit < end; p = hit + sizeof(tok) - 1) {
			if (kc_buf_add(&b, p, (size_t)(hit - p)) || kc_buf_adds(&b, ops->pk_type))
				goto fail;
		}
		if (kc_buf_add(&b, p, (size_t)(end - p)))
			goto fail;
	}
	return kc_buf_detach(&b, NULL);
fail:
	kc_buf_release(&b);
	return NULL;
}

int kc_store_schema_latest(void)
{
	return kc_migrations_len ? kc_migrations[kc_migrations_len - 1].version : 0;
}

static int ensure_migration_table(kc_store *st, kc_err *err)
{
	return st->ops->exec_script(st,
				    "CREATE TABLE IF NOT EXISTS schema_migration ("
				    " version INTEGER PRIMARY KEY,"
				    " name TEXT NOT NULL,"
				    " applied_at TEXT NOT NULL)",
				    err);
}

int kc_store_schema_version(kc_store *st, int *version, kc_err *err)
{
	int64_t v = 0;
	int rc = ensure_migration_table(st, err);

	if (rc)
		return rc;
	rc = kc_store_scalar_int(st, err, &v, "SELECT COALESCE(MAX(version), 0) FROM schema_migration", "");
	*version = (int)v;
	return rc;
}

int kc_store_migrate(kc_store *st, int *applied, kc_err *err)
{
	char now[KC_TIME_STRLEN];
	int version, rc, n = 0;

	rc = kc_store_schema_version(st, &version, err);
	if (rc)
		return rc;
	if (version > kc_store_schema_latest())
		return kc_err_set(err, KC_ESTORE,
				  _("the database has schema version %d, newer than this program knows (%d); upgrade kcert"),
				  version, kc_store_schema_latest());
	for (size_t i = 0; i < kc_migrations_len; i++) {
		const struct kc_migration *m = &kc_migrations[i];
		int64_t have = 0;
		char *sql;

		/* Every migration not yet recorded, also one numbered below the
		 * newest applied (work developed side by side lands in any order). */
		if (m->version <= version &&
		    (rc = kc_store_scalar_int(st, err, &have, "SELECT count(*) FROM schema_migration WHERE version = ?", "i",
					      (int64_t)m->version)))
			return rc;
		if (have)
			continue;
		sql = kc_store_expand_sql(st->ops, m->sql);
		if (!sql)
			return kc_err_set(err, KC_ENOMEM, "%s", kc_strerror(KC_ENOMEM));
		rc = kc_store_begin(st, err);
		if (!rc)
			rc = st->ops->exec_script(st, sql, err);
		free(sql);
		if (!rc)
			rc = kc_store_exec(st, err, NULL,
					   "INSERT INTO schema_migration (version, name, applied_at) VALUES (?, ?, ?)",
					   "itt", (int64_t)m->version, m->name, kc_time_now_iso(now));
		if (rc) {
			kc_store_rollback(st);
			return kc_err_prefix(err, _("migration %03d_%s"), m->version, m->name);
		}
		rc = kc_store_commit(st, err);
		if (rc)
			return rc;
		n++;
	}
	if (applied)
		*applied = n;
	return KC_OK;
}

int kc_store_check_schema(kc_store *st, kc_err *err)
{
	int version, rc = kc_store_schema_version(st, &version, err);

	if (rc)
		return rc;
	if (version == 0)
		return kc_err_set(err, KC_ESTORE, _("%s is not initialised; run 'kcert --db %s init'"),
				  st->target, st->target);
	if (version <= kc_store_schema_latest()) {
		int64_t n = 0;

		rc = kc_store_scalar_int(st, err, &n, "SELECT count(DISTINCT version) FROM schema_migration", "");
		if (rc)
			return rc;
		if (version < kc_store_schema_latest() || (size_t)n < kc_migrations_len)
			return kc_err_set(err, KC_ESTORE,
					  _("%s has schema version %d, this program needs %d; run 'kcert --db %s db migrate'"),
					  st->target, version, kc_store_schema_latest(), st->target);
	}
	if (version > kc_store_schema_latest())
		return kc_err_set(err, KC_ESTORE,
				  _("the database has schema version %d, newer than this program knows (%d); upgrade kcert"),
				  version, kc_store_schema_latest());
	return KC_OK;
}

int kc_store_setting_get(kc_store *st, const char *key, char **value, kc_err *err)
{
	kc_stmt *s;
	int rc;

	*value = NULL;
	rc = kc_store_query(st, err, &s, "SELECT value FROM setting WHERE key = ?", "t", key);
	if (rc)
		return rc;
	rc = kc_stmt_step(s, err);
	if (rc == KC_ROW) {
		const char *v = kc_stmt_text(s, 0);

		*value = strdup(v ? v : "");
		rc = *value ? KC_OK : kc_err_set(err, KC_ENOMEM, "%s", kc_strerror(KC_ENOMEM));
	} else if (rc == KC_DONE) {
		rc = KC_ENOENT;
	}
	kc_stmt_finalize(s);
	return rc;
}

int kc_store_setting_set(kc_store *st, const char *key, const char *value, kc_err *err)
{
	return kc_store_exec(st, err, NULL,
			     "INSERT INTO setting (key, value) VALUES (?, ?) "
			     "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
			     "tt", key, value);
}
