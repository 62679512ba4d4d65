/* Unit tests: the store interface on SQLite — migrations, nested transactions,
 * typed statements, settings, and the expansion of engine-specific migration SQL. */
#include "../test.h"
#include "store/copy.h"
#include "store/store.h"

static void migrates_once(void **state)
{
	char path[256];
	kc_store *st = test_store(0, path);
	int applied = -1, version = -1;
	kc_err err;

	(void)state;
	assert_int_equal(kc_store_check_schema(st, &err), KC_ESTORE);
	assert_non_null(strstr(err.msg, "init"));
	assert_int_equal(kc_store_migrate(st, &applied, &err), 0);
	assert_true(applied >= 1);
	assert_int_equal(kc_store_schema_version(st, &version, &err), 0);
	assert_int_equal(version, kc_store_schema_latest());
	assert_int_equal(kc_store_migrate(st, &applied, &err), 0);
	assert_int_equal(applied, 0);
	assert_int_equal(kc_store_check_schema(st, &err), 0);
	/* Work developed side by side lands in any order: a migration numbered
	 * below the newest applied one, but never applied, is found missing and
	 * applied (here: 012 undone by hand). */
	assert_int_equal(st->ops->exec_script(st,
					      "DELETE FROM schema_migration WHERE version = 12; DROP TABLE report_delivery;"
					      "DROP INDEX event_last_seen; DROP INDEX event_first_seen;",
					      &err),
			 0);
	assert_int_equal(kc_store_check_schema(st, &err), KC_ESTORE);
	assert_non_null(strstr(err.msg, "db migrate"));
	assert_int_equal(kc_store_migrate(st, &applied, &err), 0);
	assert_int_equal(applied, 1);
	assert_int_equal(kc_store_check_schema(st, &err), 0);
	assert_int_equal(kc_store_exec(st, &err, NULL, "INSERT INTO report_delivery (period, rcpt, created_at) VALUES ('p', 'r', 'x')", ""), 0);
	/* A store from a newer kcert is refused rather than misread. */
	assert_int_equal(kc_store_exec(st, &err, NULL,
				       "INSERT INTO schema_migration (version, name, applied_at) VALUES (999, 'future', 'x')", ""),
			 0);
	assert_int_equal(kc_store_check_schema(st, &err), KC_ESTORE);
	assert_non_null(strstr(err.msg, "newer"));
	test_store_done(st, path);
}

static void transactions_nest_and_roll_back(void **state)
{
	char path[256];
	kc_store *st = test_store(1, path);
	int64_t n = -1;
	kc_err err;

	(void)state;
	assert_int_equal(kc_store_begin(st, &err), 0);
	assert_int_equal(kc_store_setting_set(st, "a", "1", &err), 0);
	assert_int_equal(kc_store_begin(st, &err), 0); /* inner */
	assert_int_equal(kc_store_setting_set(st, "b", "2", &err), 0);
	kc_store_rollback(st); /* undoes b only */
	assert_int_equal(kc_store_commit(st, &err), 0);
	assert_int_equal(kc_store_scalar_int(st, &err, &n, "SELECT count(*) FROM setting", ""), 0);
	assert_int_equal(n, 1);
	assert_int_equal(kc_store_begin(st, &err), 0);
	assert_int_equal(kc_store_setting_set(st, "c", "3", &err), 0);
	kc_store_rollback(st);
	assert_int_equal(kc_store_scalar_int(st, &err, &n, "SELECT count(*) FROM setting", ""), 0);
	assert_int_equal(n, 1);
	assert_int_equal(kc_store_exec(st, &err, NULL, "DELETE FROM setting", ""), 0);

	assert_int_equal(kc_store_begin(st, &err), 0);
	assert_int_equal(kc_store_begin(st, &err), 0);
	assert_int_equal(kc_store_setting_set(st, "a", "1", &err), 0);
	assert_int_equal(kc_store_commit(st, &err), 0);
	assert_int_equal(kc_store_setting_set(st, "a", "2", &err), 0); /* upsert */
	assert_int_equal(kc_store_commit(st, &err), 0);
	{
		char *v = NULL;

		assert_int_equal(kc_store_setting_get(st, "a", &v, &err), 0);
		assert_string_equal(v, "2");
		free(v);
		assert_int_equal(kc_store_setting_get(st, "missing", &v, &err), KC_ENOENT);
	}
	assert_int_equal(kc_store_commit(st, &err), KC_EINTERNAL);
	test_store_done(st, path);
}

static void statements_bind_and_read(void **state)
{
	char path[256];
	kc_store *st = test_store(1, path);
	int64_t id = 0;
	kc_stmt *s;
	kc_err err;

	(void)state;
	assert_int_equal(kc_store_exec(st, &err, &id,
				       "INSERT INTO org (slug, kind, code, name, created_at, updated_at) "
				       "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
				       "tttttt", "tromso", "municipality", "5501", "Tromsø", "t", "t"),
			 0);
	assert_true(id > 0);
	/* NULL binds NULL; 'n' binds NULL. */
	assert_int_equal(kc_store_exec(st, &err, NULL, "UPDATE org SET note = ?, county_id = ? WHERE id = ?", "tni",
				       NULL, id),
			 0);
	assert_int_equal(kc_store_query(st, &err, &s, "SELECT name, note, id FROM org WHERE code = ?", "t", "5501"), 0);
	assert_int_equal(kc_stmt_step(s, &err), KC_ROW);
	assert_string_equal(kc_stmt_text(s, 0), "Tromsø");
	assert_true(kc_stmt_is_null(s, 1));
	assert_null(kc_stmt_text(s, 1));
	assert_int_equal(kc_stmt_int(s, 2), id);
	assert_string_equal(kc_stmt_column_name(s, 0), "name");
	assert_int_equal(kc_stmt_step(s, &err), KC_DONE);
	kc_stmt_finalize(s);
	/* The cached statement is reused and rebound. */
	assert_int_equal(kc_store_query(st, &err, &s, "SELECT name, note, id FROM org WHERE code = ?", "t", "0000"), 0);
	assert_int_equal(kc_stmt_step(s, &err), KC_DONE);
	kc_stmt_finalize(s);
	/* Constraint violations are reported as conflicts, with the engine's words. */
	assert_int_equal(kc_store_exec(st, &err, NULL,
				       "INSERT INTO org (slug, kind, code, name, created_at, updated_at) "
				       "VALUES ('x', 'municipality', '5501', 'Dup', 't', 't')",
				       ""),
			 KC_EEXIST);
	assert_non_null(strstr(err.msg, "UNIQUE"));
	assert_int_equal(kc_store_exec(st, &err, NULL, "INSERT INTO org (slug, kind, name, created_at, updated_at) "
						       "VALUES ('y', 'planet', 'Mars', 't', 't')", ""),
			 KC_EEXIST);
	assert_int_equal(kc_store_query(st, &err, &s, "SELECT nonsense FROM nowhere", ""), KC_ESTORE);
	test_store_done(st, path);
}

static void expands_engine_sections(void **state)
{
	static const kc_store_ops pg = { .name = "postgresql", .pk_type = "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY" };
	const char *sql = "CREATE TABLE t (id @PK@);\n-- @engine sqlite\nSQLITE ONLY;\n-- @engine postgresql\nPG ONLY;\n-- @engine all\nBOTH;\n";
	char *a = kc_store_expand_sql(&kc_store_sqlite_ops, sql);
	char *b = kc_store_expand_sql(&pg, sql);

	(void)state;
	assert_string_equal(a, "CREATE TABLE t (id INTEGER PRIMARY KEY);\nSQLITE ONLY;\nBOTH;\n");
	assert_string_equal(b, "CREATE TABLE t (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY);\nPG ONLY;\nBOTH;\n");
	free(a);
	free(b);
}

static void refuses_bad_targets(void **state)
{
	kc_store *st = NULL;
	kc_err err;

	(void)state;
	/* Nothing listens there: a clear I/O error naming the target, no password. */
	assert_int_equal(kc_store_open("postgresql://kcert:hemmelig@/kcert?host=/nonexistent&connect_timeout=2", &st, &err),
			 KC_EIO);
	assert_null(st);
	assert_null(strstr(err.msg, "hemmelig"));
	assert_int_equal(kc_store_open("", &st, &err), KC_EINVAL);
	assert_int_equal(kc_store_open("/nonexistent-dir/x/y.db", &st, &err), KC_EIO);
}

/* Every table of the schema must be in the copy list, or db copy loses it. */
static void copy_lists_every_table(void **state)
{
	char path[256];
	kc_store *st = test_store(1, path);
	kc_stmt *s;
	kc_err err;
	int n = 0;

	(void)state;
	assert_int_equal(kc_store_query(st, &err, &s,
					"SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
					"AND name != 'schema_migration' AND name NOT LIKE 'case_fts%'",
					""),
			 0);
	while (kc_stmt_step(s, &err) == KC_ROW) {
		const char *t = kc_stmt_text(s, 0);
		size_t i;

		for (i = 0; i < kc_copy_ntables; i++)
			if (!strcmp(t, kc_copy_tables[i]))
				break;
		if (i == kc_copy_ntables)
			fail_msg("table %s is not in kc_copy_tables", t);
		n++;
	}
	kc_stmt_finalize(s);
	assert_int_equal((size_t)n, kc_copy_ntables);
	test_store_done(st, path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(migrates_once),
		cmocka_unit_test(transactions_nest_and_roll_back),
		cmocka_unit_test(statements_bind_and_read),
		cmocka_unit_test(expands_engine_sections),
		cmocka_unit_test(refuses_bad_targets),
		cmocka_unit_test(copy_lists_every_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
