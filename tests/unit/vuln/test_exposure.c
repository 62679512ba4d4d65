/* Unit tests: exposure matching (src/vuln/exposure.c) on a hand-made NVD
 * document and declared products: which (organisation, product) falls under
 * which criterion, through kc_exposure_for_cve, kc_exposure_for_criteria and
 * kc_exposure_all, which must agree CVE by CVE. */
#include "../test.h"
#include "org/org.h"
#include "org/seed.h"
#include "vuln/exposure.h"
#include "vuln/vuln.h"

#define CRIT(cpe, extra) "{\"vulnerable\":true,\"criteria\":\"" cpe "\"" extra "}"
#define CVE(id, ...)                                                                               \
	"{\"cve\":{\"id\":\"" id "\",\"descriptions\":[],\"configurations\":[{\"nodes\":[{"        \
	"\"operator\":\"OR\",\"cpeMatch\":[" __VA_ARGS__ "]}]}]}}"

static const char doc[] =
	"{\"vulnerabilities\":["
	/* a range, then an exact version */
	CVE("CVE-2099-0001",
	    CRIT("cpe:2.3:a:acme:widget:*:*:*:*:*:*:*:*", ",\"versionEndExcluding\":\"2.0\"") ","
	    CRIT("cpe:2.3:a:acme:widget:2.5:*:*:*:*:*:*:*", "")) ","
	/* the vendor only; and a criterion that is not vulnerable */
	CVE("CVE-2099-0002",
	    CRIT("cpe:2.3:a:acme:*:*:*:*:*:*:*:*:*", "") ","
	    "{\"vulnerable\":false,\"criteria\":\"cpe:2.3:a:other:gadget:*:*:*:*:*:*:*:*\"}") ","
	/* the product under any vendor; a vendor with a wildcard */
	CVE("CVE-2099-0003", CRIT("cpe:2.3:a:*:gadget:1.0:*:*:*:*:*:*:*", "") ","
			     CRIT("cpe:2.3:a:ac*:widget:3.0:*:*:*:*:*:*:*", "")) ","
	/* nobody runs it */
	CVE("CVE-2099-0004", CRIT("cpe:2.3:a:nobody:nothing:*:*:*:*:*:*:*:*", "")) ","
	/* the range again, under another CVE (kc_exposure_all matches it once) */
	CVE("CVE-2099-0005",
	    CRIT("cpe:2.3:a:acme:widget:*:*:*:*:*:*:*:*", ",\"versionEndExcluding\":\"2.0\"")) "]}";

static const struct {
	const char *org, *cpe;
} products[] = {
	{ "0301", "cpe:2.3:a:acme:widget:1.5:*:*:*:*:*:*:*" },
	{ "0301", "cpe:2.3:a:acme:gadget:1.0:*:*:*:*:*:*:*" },
	{ "4601", "cpe:2.3:a:acme:widget:*:*:*:*:*:*:*:*" },
	{ "4601", "cpe:2.3:a:acme:widget:2.5:*:*:*:*:*:*:*" },
	{ "1103", "cpe:2.3:a:other:gadget:1.0:*:*:*:*:*:*:*" },
	{ "1103", "cpe:2.3:a:acme:widget:3.0:*:*:*:*:*:*:*" },
};

static int collect(const kc_exposure *e, void *arg)
{
	kc_buf *b = arg;

	kc_buf_addf(b, "%s %s %s <- %s%s%s %s\n", e->cve ? e->cve : "-", e->org_slug, e->product,
		    e->criterion, e->range.end_excl ? " <" : "", e->range.end_excl ? e->range.end_excl : "",
		    kc_cpe_match_name(e->result));
	return 0;
}

static kc_store *setup(char path[256])
{
	kc_store *st = test_store(1, path);
	kc_vuln_import *imp;
	kc_vuln_stats vs;
	kc_seed_report sr;
	kc_err err;

	assert_int_equal(kc_seed_registry(st, "unit", &sr, &err), 0);
	assert_int_equal(kc_vuln_import_new(st, "unit", NULL, NULL, &imp, &err), 0);
	if (kc_vuln_import_mem(imp, "doc", doc, strlen(doc), &err) != 0)
		fail_msg("import: %s", err.msg);
	assert_int_equal(kc_vuln_import_finish(imp, &vs, &err), 0);
	kc_vuln_import_free(imp);
	assert_int_equal(vs.cve_inserted, 5);
	for (size_t i = 0; i < sizeof(products) / sizeof(products[0]); i++) {
		kc_org o;
		assert_int_equal(kc_org_get(st, products[i].org, &o, &err), 0);
		if (kc_org_product_declare(st, "unit", o.id, products[i].cpe, NULL, NULL, &err) != 0)
			fail_msg("declare %s: %s", products[i].cpe, err.msg);
	}
	return st;
}

static void test_for_cve(void **state)
{
	char path[256];
	kc_store *st = setup(path);
	kc_buf b;
	kc_err err;

	(void)state;
	kc_buf_init(&b, 1u << 20);
	/* By organisation name (Bergen, Oslo, Stavanger); per product the first
	 * criterion that matches, else the first uncertain one. */
	assert_int_equal(kc_exposure_for_cve(st, "CVE-2099-0001", collect, &b, &err), 0);
	assert_string_equal(kc_buf_str(&b),
			    "CVE-2099-0001 bergen cpe:2.3:a:acme:widget:*:*:*:*:*:*:*:* <- "
			    "cpe:2.3:a:acme:widget:*:*:*:*:*:*:*:* <2.0 uncertain\n"
			    "CVE-2099-0001 bergen cpe:2.3:a:acme:widget:2.5:*:*:*:*:*:*:* <- "
			    "cpe:2.3:a:acme:widget:2.5:*:*:*:*:*:*:* match\n"
			    "CVE-2099-0001 oslo cpe:2.3:a:acme:widget:1.5:*:*:*:*:*:*:* <- "
			    "cpe:2.3:a:acme:widget:*:*:*:*:*:*:*:* <2.0 match\n");
	kc_buf_clear(&b);
	/* vendor only: every acme product, whatever its version */
	assert_int_equal(kc_exposure_for_cve(st, "CVE-2099-0002", collect, &b, &err), 0);
	assert_string_equal(kc_buf_str(&b),
			    "CVE-2099-0002 bergen cpe:2.3:a:acme:widget:*:*:*:*:*:*:*:* <- "
			    "cpe:2.3:a:acme:*:*:*:*:*:*:*:*:* match\n"
			    "CVE-2099-0002 bergen cpe:2.3:a:acme:widget:2.5:*:*:*:*:*:*:* <- "
			    "cpe:2.3:a:acme:*:*:*:*:*:*:*:*:* match\n"
			    "CVE-2099-0002 oslo cpe:2.3:a:acme:widget:1.5:*:*:*:*:*:*:* <- "
			    "cpe:2.3:a:acme:*:*:*:*:*:*:*:*:* match\n"
			    "CVE-2099-0002 oslo cpe:2.3:a:acme:gadget:1.0:*:*:*:*:*:*:* <- "
			    "cpe:2.3:a:acme:*:*:*:*:*:*:*:*:* match\n"
			    "CVE-2099-0002 stavanger cpe:2.3:a:acme:widget:3.0:*:*:*:*:*:*:* <- "
			    "cpe:2.3:a:acme:*:*:*:*:*:*:*:*:* match\n");
	kc_buf_clear(&b);
	/* the product under any vendor, and a vendor wildcard */
	assert_int_equal(kc_exposure_for_cve(st, "CVE-2099-0003", collect, &b, &err), 0);
	assert_string_equal(kc_buf_str(&b),
			    "CVE-2099-0003 bergen cpe:2.3:a:acme:widget:*:*:*:*:*:*:*:* <- "
			    "cpe:2.3:a:ac*:widget:3.0:*:*:*:*:*:*:* uncertain\n"
			    "CVE-2099-0003 oslo cpe:2.3:a:acme:gadget:1.0:*:*:*:*:*:*:* <- "
			    "cpe:2.3:a:*:gadget:1.0:*:*:*:*:*:*:* match\n"
			    "CVE-2099-0003 stavanger cpe:2.3:a:other:gadget:1.0:*:*:*:*:*:*:* <- "
			    "cpe:2.3:a:*:gadget:1.0:*:*:*:*:*:*:* match\n"
			    "CVE-2099-0003 stavanger cpe:2.3:a:acme:widget:3.0:*:*:*:*:*:*:* <- "
			    "cpe:2.3:a:ac*:widget:3.0:*:*:*:*:*:*:* match\n");
	kc_buf_clear(&b);
	assert_int_equal(kc_exposure_for_cve(st, "CVE-2099-0004", collect, &b, &err), 0);
	assert_int_equal(b.len, 0);
	assert_int_equal(kc_exposure_for_cve(st, "CVE-2099-9999", collect, &b, &err), KC_ENOENT);
	kc_buf_release(&b);
	test_store_done(st, path);
}

/* kc_exposure_all gives, CVE by CVE, what kc_exposure_for_cve gives. */
static void test_all_agrees(void **state)
{
	char path[256];
	kc_store *st = setup(path);
	kc_buf all, per;
	kc_exposure_counts c;
	kc_err err;
	static const char *const cves[] = { "CVE-2099-0001", "CVE-2099-0002", "CVE-2099-0003",
					    "CVE-2099-0004", "CVE-2099-0005" };

	(void)state;
	kc_buf_init(&all, 1u << 20);
	kc_buf_init(&per, 1u << 20);
	assert_int_equal(kc_exposure_all(st, collect, &all, &c, &err), 0);
	for (size_t i = 0; i < sizeof(cves) / sizeof(cves[0]); i++)
		assert_int_equal(kc_exposure_for_cve(st, cves[i], collect, &per, &err), 0);
	assert_true(per.len > 0);
	assert_string_equal(kc_buf_str(&all), kc_buf_str(&per));
	assert_int_equal(c.products, 6);
	assert_int_equal(c.criteria, 7);	     /* the vulnerable ones */
	assert_int_equal(c.criteria_examined, 6);    /* nobody runs nobody:nothing */
	assert_int_equal(c.criteria_distinct, 5);    /* 0001's range recurs under 0005 */
	assert_int_equal(c.cves_examined, 4);
	kc_buf_release(&all);
	kc_buf_release(&per);
	test_store_done(st, path);
}

/* An advisory's criteria (kc_exposure_for_criteria): more than the
 * per-criterion look-up threshold takes the all-products path; both agree. */
static void test_criteria_paths(void **state)
{
	char path[256];
	kc_store *st = setup(path);
	kc_exposure_criterion few[2] = {
		{ "cpe:2.3:a:acme:widget:*:*:*:*:*:*:*:*", { NULL, NULL, NULL, "2.0" } },
		{ "cpe:2.3:a:*:gadget:*:*:*:*:*:*:*:*", { NULL, NULL, NULL, NULL } },
	};
	kc_exposure_criterion many[40];
	kc_buf a, b;
	kc_err err;

	(void)state;
	kc_buf_init(&a, 1u << 20);
	kc_buf_init(&b, 1u << 20);
	assert_int_equal(kc_exposure_for_criteria(st, few, 2, collect, &a, &err), 0);
	/* the same two first, then 38 that concern nobody */
	memset(many, 0, sizeof(many));
	many[0] = few[0];
	many[1] = few[1];
	for (size_t i = 2; i < 40; i++)
		many[i].cpe = "cpe:2.3:a:nobody:nothing:*:*:*:*:*:*:*:*";
	assert_int_equal(kc_exposure_for_criteria(st, many, 40, collect, &b, &err), 0);
	assert_string_equal(kc_buf_str(&a), kc_buf_str(&b));
	assert_string_equal(kc_buf_str(&a),
			    "- bergen cpe:2.3:a:acme:widget:*:*:*:*:*:*:*:* <- "
			    "cpe:2.3:a:acme:widget:*:*:*:*:*:*:*:* <2.0 uncertain\n"
			    "- oslo cpe:2.3:a:acme:widget:1.5:*:*:*:*:*:*:* <- "
			    "cpe:2.3:a:acme:widget:*:*:*:*:*:*:*:* <2.0 match\n"
			    "- oslo cpe:2.3:a:acme:gadget:1.0:*:*:*:*:*:*:* <- "
			    "cpe:2.3:a:*:gadget:*:*:*:*:*:*:*:* match\n"
			    "- stavanger cpe:2.3:a:other:gadget:1.0:*:*:*:*:*:*:* <- "
			    "cpe:2.3:a:*:gadget:*:*:*:*:*:*:*:* match\n");
	/* an invalid criterion is named */
	many[5].cpe = "cpe:2.3:a:bad";
	assert_int_equal(kc_exposure_for_criteria(st, many, 40, collect, &b, &err), KC_EINVAL);
	assert_non_null(strstr(err.msg, "cpe:2.3:a:bad"));
	kc_buf_release(&a);
	kc_buf_release(&b);
	test_store_done(st, path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_for_cve),
		cmocka_unit_test(test_all_agrees),
		cmocka_unit_test(test_criteria_paths),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
