/* Unit tests: SPF term parsing and lookup counting with a fake resolver. */
#include "../test.h"
#include "scan/spf.h"

/* The fake DNS: name, type, record ("" for a name with no records of that type). */
static const struct { const char *name; int type; const char *rec; } zone[] = {
	{ "ok.no", KC_DNS_TXT, "v=spf1 mx include:inc.no -all" },
	{ "ok.no", KC_DNS_MX, "mx.ok.no" },
	{ "inc.no", KC_DNS_TXT, "v=spf1 ip4:192.0.2.0/24 ~all" },
	{ "two.no", KC_DNS_TXT, "v=spf1 -all" },
	{ "two.no", KC_DNS_TXT, "v=spf1 ~all" },
	{ "redir.no", KC_DNS_TXT, "v=spf1 redirect=inc.no" },
	{ "deep.no", KC_DNS_TXT, "v=spf1 include:d1.no include:d2.no -all" },
	{ "d1.no", KC_DNS_TXT, "v=spf1 a mx ptr exists:%{i}.x.no a:h.no -all" },
	{ "d2.no", KC_DNS_TXT, "v=spf1 a mx a mx a -all" },
	{ "h.no", KC_DNS_A, "192.0.2.1" },
	{ "d1.no", KC_DNS_A, "192.0.2.2" },
	{ "d1.no", KC_DNS_MX, "mx.d1.no" },
	{ "d2.no", KC_DNS_A, "192.0.2.3" },
	{ "d2.no", KC_DNS_MX, "mx.d2.no" },
	{ "void.no", KC_DNS_TXT, "v=spf1 a:n1.no a:n2.no mx:n3.no -all" },
	{ "loop.no", KC_DNS_TXT, "v=spf1 include:loop.no -all" },
	{ "noinc.no", KC_DNS_TXT, "v=spf1 include:nothing.no -all" },
	{ "fail.no", KC_DNS_TXT, "v=spf1 include:timeout.no -all" },
};

static int
fake(void *arg, const char *name, uint16_t type, struct kc_dns_answer *ans)
{
	int *calls = arg;

	(*calls)++;
	if (!strcmp(name, "timeout.no")) {
		ans->timed_out = 1;
		ans->rcode = -1;
		return 0;
	}
	for (size_t i = 0; i < sizeof(zone) / sizeof(zone[0]); i++)
		if (!strcmp(zone[i].name, name) && zone[i].type == type)
			kc_dns_answer_add(ans, type, 10, zone[i].rec, strlen(zone[i].rec));
	return 0;
}

static void parses_terms(void **state)
{
	struct kc_spf_record r;
	kc_err err;
	const char *s = "v=spf1 +a:x.no/24 -mx ~ptr ?include:y.no ip6:2001:db8::/32 redirect=z.no exp=e.no";

	(void)state;
	assert_int_equal(kc_spf_parse(s, strlen(s), &r, &err), 0);
	assert_int_equal(r.n, 7);
	assert_string_equal(r.t[0].name, "a");
	assert_int_equal(r.t[0].arg.len, 7);
	assert_int_equal(r.t[1].qualifier, '-');
	assert_int_equal(r.t[3].qualifier, '?');
	assert_string_equal(r.t[4].name, "ip6");
	assert_int_equal(r.t[5].qualifier, '=');
	assert_int_equal(kc_spf_parse("v=spf1 foo:x", 12, &r, &err), KC_EPARSE);
	assert_non_null(strstr(err.msg, "foo"));
	assert_int_equal(kc_spf_parse("v=spf1 include", 14, &r, &err), KC_EPARSE);
	assert_int_equal(kc_spf_parse("v=spf10 -all", 12, &r, &err), KC_EPARSE);
	assert_int_equal(kc_spf_parse("v=spf1 -redirect=x", 18, &r, &err), KC_EPARSE);
	assert_true(kc_spf_is_record("V=SPF1", 6));
}

static void counts_lookups(void **state)
{
	struct kc_spf_result r;
	int calls = 0;

	(void)state;
	assert_int_equal(kc_spf_evaluate("ok.no", fake, &calls, &r), 0);
	assert_int_equal(r.nrecords, 1);
	assert_int_equal(r.lookups, 2);
	assert_int_equal(r.all, '-');
	assert_false(r.permerror);
	kc_spf_evaluate("redir.no", fake, &calls, &r);
	assert_int_equal(r.all, '~');
	assert_int_equal(r.lookups, 1);
	kc_spf_evaluate("two.no", fake, &calls, &r);
	assert_int_equal(r.nrecords, 2);
	assert_true(r.permerror);
	kc_spf_evaluate("deep.no", fake, &calls, &r);
	assert_true(r.lookups > 10);
	assert_true(r.permerror);
	assert_non_null(strstr(r.problem, "10 DNS lookups"));
	kc_spf_evaluate("void.no", fake, &calls, &r);
	assert_int_equal(r.void_lookups, 3);
	assert_non_null(strstr(r.problem, "void"));
	calls = 0;
	kc_spf_evaluate("loop.no", fake, &calls, &r);
	assert_true(r.permerror);
	assert_true(calls < 20);
	kc_spf_evaluate("noinc.no", fake, &calls, &r);
	assert_true(r.permerror);
	assert_non_null(strstr(r.problem, "nothing.no"));
	kc_spf_evaluate("fail.no", fake, &calls, &r);
	assert_true(r.temperror);
	kc_spf_evaluate("none.no", fake, &calls, &r);
	assert_int_equal(r.nrecords, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_terms),
		cmocka_unit_test(counts_lookups),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
