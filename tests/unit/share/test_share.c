/* Unit tests: UUIDv5 ids, STIX timestamps, TAXII query parameters and the
 * next cursor, and the periods of the NSM statistics. */
#include "../test.h"
#include "base/err.h"
#include "share/share.h"

static void uuid5_matches_the_rfc(void **state)
{
	char out[37];

	(void)state;
	/* Python: uuid.uuid5(uuid.NAMESPACE_DNS, "python.org") */
	assert_int_equal(kc_uuid5("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "python.org", 10, out), 0);
	assert_string_equal(out, "886313e1-3b8a-5372-9b90-0c9aee199e5d");
	assert_int_equal(kc_uuid5("not-a-uuid", "x", 1, out), KC_EINVAL);
}

static void stix_times_have_milliseconds(void **state)
{
	char out[32];

	(void)state;
	assert_int_equal(kc_stix_time("2026-11-27T01:00:05Z", out), 0);
	assert_string_equal(out, "2026-11-27T01:00:05.000Z");
	assert_int_equal(kc_stix_time("2026-11-27T01:00:05.123456Z", out), 0);
	assert_string_equal(out, "2026-11-27T01:00:05.123Z");
	assert_int_not_equal(kc_stix_time("yesterday", out), 0);
}

struct kv {
	const char *k[6], *v[6];
};

static const char *get(void *ctx, const char *name)
{
	struct kv *p = ctx;

	for (int i = 0; i < 6 && p->k[i]; i++)
		if (!strcmp(p->k[i], name))
			return p->v[i];
	return NULL;
}

static void taxii_query_and_cursor(void **state)
{
	struct kv q = { { "limit", "match[type]", "added_after", "match[version]" },
			{ "5000", "indicator,report", "2026-11-01T00:00:00Z", "last,2026-11-02T00:00:00.000Z" } };
	struct kv bad = { { "match[type]" }, { "Indicator" } };
	struct kv badlimit = { { "limit" }, { "-1" } };
	kc_taxii_query tq;
	kc_share_obj o = { .type = "report" };
	char next[96];
	size_t off;
	kc_err err;

	(void)state;
	assert_int_equal(kc_taxii_query_parse(get, &q, &tq, &err), 0);
	assert_int_equal(tq.limit, KC_TAXII_LIMIT_MAX);
	assert_int_equal(tq.ntypes, 2);
	assert_string_equal(tq.added_after, "2026-11-01T00:00:00.000Z");
	assert_int_equal(tq.nversions, 2);
	assert_true(kc_taxii_match(&tq, &o));
	snprintf(o.type, sizeof(o.type), "identity");
	assert_false(kc_taxii_match(&tq, &o));
	assert_int_equal(kc_taxii_query_parse(get, &bad, &tq, &err), KC_EINVAL);
	assert_non_null(strstr(err.msg, "match[type]"));
	assert_int_equal(kc_taxii_query_parse(get, &badlimit, &tq, &err), KC_EINVAL);
	kc_taxii_next_encode(42, "2026-11-01T00:00:00.000Z", next);
	assert_int_equal(kc_taxii_next_decode(next, "2026-11-01T00:00:00.000Z", &off), 0);
	assert_int_equal(off, 42);
	/* A cursor made for another added_after is refused. */
	assert_int_equal(kc_taxii_next_decode(next, "", &off), KC_EINVAL);
	assert_int_equal(kc_taxii_next_decode("bm9wZQ", "", &off), KC_EINVAL);
}

static void periods(void **state)
{
	char s[11], e[11];
	kc_err err;

	(void)state;
	assert_int_equal(kc_period_bounds(KC_PERIOD_MONTH, "2026-12-15", s, e, &err), 0);
	assert_string_equal(s, "2026-12-01");
	assert_string_equal(e, "2027-01-01");
	assert_int_equal(kc_period_bounds(KC_PERIOD_QUARTER, "2026-08-31", s, e, &err), 0);
	assert_string_equal(s, "2026-07-01");
	assert_string_equal(e, "2026-10-01");
	assert_int_equal(kc_period_bounds(KC_PERIOD_YEAR, "2026-02-01", s, e, &err), 0);
	assert_string_equal(s, "2026-01-01");
	assert_string_equal(e, "2027-01-01");
	assert_int_equal(kc_period_bounds(KC_PERIOD_MONTH, "2026-13-01", s, e, &err), KC_EINVAL);
	assert_true(kc_community_valid("partners"));
	assert_false(kc_community_valid("Partners"));
	assert_false(kc_community_valid(""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(uuid5_matches_the_rfc),
		cmocka_unit_test(stix_times_have_milliseconds),
		cmocka_unit_test(taxii_query_and_cursor),
		cmocka_unit_test(periods),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
