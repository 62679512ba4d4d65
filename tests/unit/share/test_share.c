/* Unit tests: UUIDv5 ids, STIX timestamps, TAXII query parameters and the
 * next cursor, and the periods of the NSM statistics. */
#include "../test.h"
#include "base/err.h"
#include "base/buf.h"
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

/* An event whose URL is not UTF-8 (stored before ingestion checked it, or
 * written by another tool) is left out of the export; the rest goes out. */
static void export_skips_values_not_utf8(void **state)
{
	char path[256];
	kc_store *st = test_store(1, path);
	kc_share_mark_new m = { .kind = "events", .set_since = "1970-01-01", .tlp = "GREEN", .community = "t" };
	const char *ins = "INSERT INTO event (feed_name, report, taxonomy, type, identifier, source_ip, source_url, "
			  "time_source, time_last, time_observation, dedup_key, extra, tlp) VALUES ('f', 'list', "
			  "'other', 'blacklist', 'x', ?, ?, '2026-11-27T00:00:00Z', '2026-11-27T00:00:00Z', "
			  "'2026-11-27T00:00:00Z', ?, '{}', 'GREEN')";
	kc_share_set set;
	kc_buf b;
	kc_err err;

	(void)state;
	assert_int_equal(kc_store_exec(st, &err, NULL, ins, "ttt", "192.0.2.7", NULL, "k1"), 0);
	assert_int_equal(kc_store_exec(st, &err, NULL, ins, "ttt", NULL, "http://bad.example/\xd1\x9a\x89", "k2"), 0);
	assert_int_equal(kc_share_mark_add(st, "test", &m, NULL, &err), 0);
	assert_int_equal(kc_share_collect(st, NULL, &set, &err), 0);
	kc_buf_init(&b, 1u << 22);
	assert_int_equal(kc_share_stix_bundle(&set, &b, &err), 0);
	assert_non_null(strstr(kc_buf_str(&b), "[ipv4-addr:value = '192.0.2.7']"));
	assert_null(strstr(kc_buf_str(&b), "bad.example"));
	assert_true(kc_utf8_valid("Ålesund", strlen("Ålesund")));
	assert_false(kc_utf8_valid("\xd1\x9a\x89", 3));
	assert_false(kc_utf8_valid("\xc0\xaf", 2));	    /* overlong '/' */
	assert_false(kc_utf8_valid("\xed\xa0\x80", 3)); /* a surrogate */
	kc_buf_release(&b);
	kc_share_set_release(&set);
	test_store_done(st, path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(uuid5_matches_the_rfc),
		cmocka_unit_test(stix_times_have_milliseconds),
		cmocka_unit_test(taxii_query_and_cursor),
		cmocka_unit_test(periods),
		cmocka_unit_test(export_skips_values_not_utf8),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
