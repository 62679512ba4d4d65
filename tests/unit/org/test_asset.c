/* Unit tests: canonical asset values, ownership rules, the registry's whois,
 * and imports that are all-or-nothing. */
#include "../test.h"
#include "org/asset.h"
#include "org/org.h"
#include "org/seed.h"

struct fx {
	char path[256];
	kc_store *st;
	int64_t bergen, oslo, asker;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	kc_seed_report rep;
	kc_org o;
	kc_err err;

	f->st = test_store(1, f->path);
	assert_int_equal(kc_seed_registry(f->st, "test", &rep, &err), 0);
	assert_int_equal(kc_org_get(f->st, "4601", &o, &err), 0);
	f->bergen = o.id;
	assert_int_equal(kc_org_get(f->st, "0301", &o, &err), 0);
	f->oslo = o.id;
	assert_int_equal(kc_org_get(f->st, "3203", &o, &err), 0);
	f->asker = o.id;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	test_store_done(f->st, f->path);
	free(f);
	return 0;
}

static void canonical_values(void **state)
{
	char out[KC_ASSET_VALUE_MAX];
	kc_err err;

	(void)state;
	assert_int_equal(kc_asset_canonical("cidr", "2001:DB8:0:0::/32", out, &err), 0);
	assert_string_equal(out, "2001:db8::/32");
	assert_int_equal(kc_asset_canonical("asn", "as64500", out, &err), 0);
	assert_string_equal(out, "64500");
	assert_int_equal(kc_asset_canonical("domain", "WWW.Bø.kommune.no.", out, &err), 0);
	assert_string_equal(out, "www.xn--b-5ga.kommune.no");
	assert_int_equal(kc_asset_canonical("host", "2001:db8::0001", out, &err), 0);
	assert_string_equal(out, "2001:db8::1");
	assert_int_equal(kc_asset_canonical("host", "Mail.Example.NO", out, &err), 0);
	assert_string_equal(out, "mail.example.no");
	assert_int_equal(kc_asset_canonical("cidr", "10.0.0.1/8", out, &err), KC_EINVAL);
	assert_non_null(strstr(err.msg, "10.0.0.0/8"));
	assert_int_equal(kc_asset_canonical("host", "10.0.0.256", out, &err), KC_EINVAL);
	assert_int_equal(kc_asset_canonical("prefix", "10.0.0.0/8", out, &err), KC_EINVAL);
	assert_int_equal(kc_asset_canonical("cidr", "", out, &err), KC_EINVAL);
}

static void ownership_and_whois(void **state)
{
	struct fx *f = *state;
	kc_asset_outcome out;
	kc_registry *reg;
	kc_whois w;
	kc_err err;

	assert_int_equal(kc_asset_add(f->st, "t", NULL, f->oslo, "cidr", "10.20.0.0/16", NULL, &out, &err), 0);
	assert_int_equal(out.parent_found, 0);
	assert_int_equal(kc_asset_add(f->st, "t", NULL, f->asker, "cidr", "10.20.30.0/24", "IKS", &out, &err), 0);
	assert_int_equal(out.parent_found, 1);
	assert_int_equal(out.parent.org_id, f->oslo);
	assert_string_equal(out.parent.value, "10.20.0.0/16");
	assert_int_equal(kc_asset_add(f->st, "t", NULL, f->bergen, "cidr", "10.20.30.0/24", NULL, &out, &err),
			 KC_EEXIST);
	assert_non_null(strstr(err.msg, "asker"));
	assert_int_equal(kc_asset_add(f->st, "t", NULL, f->asker, "cidr", "10.20.30.0/24", NULL, &out, &err), 0);
	assert_int_equal(out.unchanged, 1);
	assert_int_equal(kc_asset_add(f->st, "t", NULL, f->bergen, "host", "10.20.30.40", NULL, &out, &err), 0);
	assert_int_equal(kc_asset_add(f->st, "t", NULL, f->asker, "cidr", "10.20.30.40/32", NULL, &out, &err),
			 KC_EEXIST);
	assert_int_equal(kc_asset_add(f->st, "t", NULL, f->bergen, "domain", "bergen.kommune.no", NULL, &out, &err), 0);
	assert_int_equal(kc_asset_add(f->st, "t", NULL, f->oslo, "domain", "intern.bergen.kommune.no", NULL, &out, &err),
			 0);
	assert_int_equal(out.parent_found, 1);
	assert_int_equal(kc_asset_add(f->st, "t", NULL, f->oslo, "asn", "AS65001", NULL, &out, &err), 0);
	assert_int_equal(kc_asset_add(f->st, "t", NULL, f->bergen, "asn", "65001", NULL, &out, &err), KC_EEXIST);

	assert_int_equal(kc_registry_load(f->st, &reg, &err), 0);
	assert_int_equal(kc_registry_whois(reg, "10.20.30.40", &w, &err), 0);
	assert_int_equal(w.nhits, 3); /* host, /24, /16 */
	assert_int_equal(w.hits[0]->org_id, f->bergen);
	assert_int_equal(w.hits[1]->org_id, f->asker);
	assert_int_equal(w.hits[2]->org_id, f->oslo);
	assert_int_equal(kc_registry_whois(reg, "10.20.31.1", &w, &err), 0);
	assert_int_equal(w.nhits, 1);
	assert_int_equal(w.hits[0]->org_id, f->oslo);
	assert_int_equal(kc_registry_whois(reg, "10.21.0.1", &w, &err), 0);
	assert_int_equal(w.nhits, 0);
	assert_int_equal(kc_registry_whois(reg, "x.intern.bergen.kommune.no", &w, &err), 0);
	assert_int_equal(w.hits[0]->org_id, f->oslo);
	assert_int_equal(w.hits[1]->org_id, f->bergen);
	assert_string_equal(w.type, "domain");
	assert_int_equal(kc_registry_whois(reg, "http://www.BERGEN.kommune.no/a", &w, &err), 0);
	assert_int_equal(w.hits[0]->org_id, f->bergen);
	assert_int_equal(kc_registry_whois(reg, "AS65001", &w, &err), 0);
	assert_int_equal(w.hits[0]->org_id, f->oslo);
	assert_string_equal(w.key, "AS65001");
	assert_int_equal(kc_registry_whois(reg, "  ", &w, &err), KC_EINVAL);
	assert_int_equal(kc_registry_whois(reg, "10.1.2", &w, &err), KC_EINVAL);
	kc_registry_free(reg);

	assert_int_equal(kc_asset_rm(f->st, "t", f->oslo, "cidr", "10.20.0.0/16", &err), 0);
	assert_int_equal(kc_asset_rm(f->st, "t", f->oslo, "cidr", "10.20.0.0/16", &err), KC_ENOENT);
}

static void import_is_all_or_nothing(void **state)
{
	struct fx *f = *state;
	static const char bad[] = "org,kind,value\n"
				  "4601,cidr,192.0.2.0/25\n"
				  "4601,cidr,192.0.2.0/33\n"
				  "4601,domain,bergen.kommune.no\n";
	static const char dup[] = "org,kind,value\n"
				  "4601,cidr,192.0.2.0/25\n"
				  "0301,cidr,192.0.2.0/25\n";
	kc_import_report rep;
	kc_asset *v;
	size_t n;
	kc_err err;

	assert_int_equal(kc_asset_import(f->st, "t", "bad.csv", bad, strlen(bad), 0, &rep, &err), KC_EPARSE);
	assert_int_equal(rep.nproblems, 1);
	assert_int_equal(rep.problems[0].line, 3);
	assert_non_null(strstr(rep.problems[0].msg, "bad.csv:3: field value"));
	kc_import_report_release(&rep);
	assert_int_equal(kc_asset_list(f->st, f->bergen, NULL, &v, &n, &err), 0);
	assert_int_equal(n, 0);
	free(v);

	/* The same value twice for two organisations in one file: the second is bad. */
	assert_int_equal(kc_asset_import(f->st, "t", "dup.csv", dup, strlen(dup), 0, &rep, &err), KC_EPARSE);
	assert_int_equal(rep.problems[0].line, 3);
	kc_import_report_release(&rep);

	assert_int_equal(kc_asset_import(f->st, "t", "bad.csv", bad, strlen(bad), 1, &rep, &err), 0);
	assert_int_equal(rep.added, 2);
	assert_int_equal(rep.skipped, 1);
	kc_import_report_release(&rep);
	assert_int_equal(kc_asset_list(f->st, f->bergen, NULL, &v, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].source, "import");
	free(v);

	assert_int_equal(kc_asset_import(f->st, "t", "h.csv", "org,value\n", 10, 0, &rep, &err), KC_EPARSE);
	assert_non_null(strstr(err.msg, "header"));
	kc_import_report_release(&rep);
	assert_int_equal(kc_asset_import(f->st, "t", "e.csv", "", 0, 0, &rep, &err), KC_EPARSE);
	kc_import_report_release(&rep);
	{
		static const char js[] = "[1, {\"org\": \"0301\"}]";

		assert_int_equal(kc_asset_import(f->st, "t", "x.json", js, strlen(js), 0, &rep, &err), KC_EPARSE);
	}
	assert_int_equal(rep.nproblems, 2);
	kc_import_report_release(&rep);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(canonical_values),
		cmocka_unit_test_setup_teardown(ownership_and_whois, setup, teardown),
		cmocka_unit_test_setup_teardown(import_is_all_or_nothing, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
