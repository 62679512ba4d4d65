/* Unit tests: the audit chain links every entry and finds alterations. */
#include "../test.h"
#include "audit/audit.h"

static void chains_and_verifies(void **state)
{
	char path[256];
	kc_store *st = test_store(1, path);
	kc_audit_entry *v = NULL;
	int64_t count = 0, bad = 0;
	size_t n = 0;
	kc_err err;

	(void)state;
	assert_int_equal(kc_audit_verify(st, &count, &bad, &err), 0);
	assert_int_equal(count, 0);
	for (int i = 0; i < 5; i++)
		assert_int_equal(kc_audit_appendf(st, &err, "cli:test", "org.update", "bergen", "change %d", i), 0);
	assert_int_equal(kc_audit_verify(st, &count, &bad, &err), 0);
	assert_int_equal(count, 5);
	assert_int_equal(kc_audit_list(st, 2, 0, &v, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].seq, 5);
	assert_string_equal(v[0].summary, "change 4");
	assert_string_equal(v[0].prev_hash, v[1].hash);
	assert_int_equal(strlen(v[0].hash), 64);
	free(v);
	/* The store refuses changes to the log ... */
	assert_int_not_equal(kc_store_exec(st, &err, NULL, "UPDATE audit SET summary = 'x' WHERE seq = 2", ""), 0);
	assert_int_not_equal(kc_store_exec(st, &err, NULL, "DELETE FROM audit WHERE seq = 5", ""), 0);
	/* ... and one who gets round that is caught by verify. */
	assert_int_equal(kc_store_exec(st, &err, NULL, "DROP TRIGGER audit_no_update", ""), 0);
	assert_int_equal(kc_store_exec(st, &err, NULL, "UPDATE audit SET summary = 'forged' WHERE seq = 3", ""), 0);
	assert_int_equal(kc_audit_verify(st, &count, &bad, &err), KC_EPARSE);
	assert_int_equal(bad, 3);
	assert_int_equal(kc_store_exec(st, &err, NULL, "UPDATE audit SET summary = 'change 2' WHERE seq = 3", ""), 0);
	assert_int_equal(kc_audit_verify(st, &count, &bad, &err), 0);
	assert_int_equal(kc_store_exec(st, &err, NULL, "DROP TRIGGER audit_no_delete", ""), 0);
	assert_int_equal(kc_store_exec(st, &err, NULL, "DELETE FROM audit WHERE seq = 2", ""), 0);
	assert_int_equal(kc_audit_verify(st, &count, &bad, &err), KC_EPARSE);
	assert_int_equal(bad, 2);
	test_store_done(st, path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(chains_and_verifies),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
