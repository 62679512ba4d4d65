/*
 * test_advisory.c - advisories: ids per year under concurrency of writers in
 * one store, validation of input, revisions, the CSAF document kcert makes
 * (passes kcert's mandatory tests), and the checker against one failing
 * fixture per implemented mandatory test (tests/fixtures/csaf/fail/TEST.json).
 */
#include <dirent.h>

#include "../test.h"

#include "advisory/advisory.h"
#include "advisory/csaf.h"
#include "advisory/csaf_check.h"

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static void test_fail_fixtures(void **state)
{
	DIR *d = opendir("tests/fixtures/csaf/fail");
	struct dirent *e;
	int seen = 0;

	(void)state;
	assert_non_null(d);
	while ((e = readdir(d))) {
		char path[512], test[32];
		kc_csaf_problem *p;
		size_t n, len;
		kc_err err;
		char *data;
		int found = 0;

		if (!strstr(e->d_name, ".json"))
			continue;
		snprintf(test, sizeof(test), "%.*s", (int)(strlen(e->d_name) - 5), e->d_name);
		snprintf(path, sizeof(path), "tests/fixtures/csaf/fail/%s", e->d_name);
		data = slurp(path, &len);
		assert_int_equal(kc_csaf_check(data, len, &p, &n, &err), 0);
		for (size_t i = 0; i < n; i++) {
			found |= !strcmp(p[i].test, test);
			assert_true(p[i].path[0] == '/');
		}
		if (!found)
			fail_msg("%s does not fail test %s", path, test);
		free(p);
		free(data);
		seen++;
	}
	closedir(d);
	assert_true(seen >= 40);
}

static void test_valid_examples(void **state)
{
	static const char *const files[] = { "tests/fixtures/csaf/bsi-2022-0001.json", "tests/fixtures/csaf/sec-vex-2022-0001.json",
					     "tests/fixtures/csaf/oasis_csaf_tc-csaf_2_0-2021-6-1-14-11.json",
					     "tests/fixtures/csaf/kcert-2026-0001.json" };
	(void)state;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		kc_csaf_problem *p;
		size_t n, len;
		kc_err err;
		char *data = slurp(files[i], &len);

		assert_int_equal(kc_csaf_check(data, len, &p, &n, &err), 0);
		if (n)
			fail_msg("%s: %s %s %s", files[i], p[0].test, p[0].path, p[0].message);
		free(p);
		free(data);
	}
}

static void test_bad_json(void **state)
{
	kc_csaf_problem *p;
	size_t n;
	kc_err err;

	(void)state;
	assert_int_equal(kc_csaf_check("{\"document\": [", 14, &p, &n, &err), KC_EPARSE);
	assert_non_null(strstr(err.msg, "line 1"));
	assert_int_equal(kc_csaf_check("[]", 2, &p, &n, &err), KC_EPARSE);
	assert_int_equal(kc_csaf_check("{}", 2, &p, &n, &err), 0);
	free(p);
}

static void test_store_and_csaf(void **state)
{
	const char *cves[] = { "CVE-2024-38476=9.8=CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" };
	const char *prods[] = { "cpe:2.3:a:apache:http_server:2.4.58:*:*:*:*:*:*:*" };
	const char *bad_prods[] = { "cpe:2.3:a:apache:http server:2.4.58:*:*:*:*:*:*:*" };
	kc_adv_input in = { .title = "Apache", .summary = "S", .tlp = "green", .severity = "high", .cves = cves,
			    .ncves = 1, .products = prods, .nproducts = 1 };
	kc_advisory a, b, got;
	kc_csaf_conf conf;
	kc_csaf_problem *p;
	char path[256];
	size_t n;
	kc_buf doc;
	kc_err err;
	kc_store *st = test_store(1, path);

	(void)state;
	assert_int_equal(kc_advisory_new(st, "t", &in, &a, &err), 0);
	assert_int_equal(kc_advisory_new(st, "t", &in, &b, &err), 0);
	assert_int_equal(strncmp(a.ident, "KCERT-", 6), 0);
	assert_int_equal(atoi(b.ident + 11), atoi(a.ident + 11) + 1);
	in.products = bad_prods;
	assert_int_equal(kc_advisory_new(st, "t", &in, &got, &err), KC_EINVAL);
	assert_non_null(strstr(err.msg, "CPE"));
	assert_int_equal(kc_advisory_update(st, "t", a.ident, NULL, "x", &err), KC_EPERM);
	assert_int_equal(kc_advisory_publish(st, "t", a.ident, NULL, &err), 0);
	assert_int_equal(kc_advisory_publish(st, "t", a.ident, NULL, &err), KC_EEXIST);
	assert_int_equal(kc_advisory_update(st, "t", a.ident, NULL, "Second.", &err), 0);
	assert_int_equal(kc_advisory_get(st, a.ident, &got, &err), 0);
	assert_int_equal(got.version, 2);
	assert_int_equal(got.nrevs, 2);
	assert_int_equal(got.tlp, KC_TLP_GREEN);
	assert_string_equal(got.severity, "alvorlig");
	kc_csaf_conf_load(st, &conf);
	kc_buf_init(&doc, 1u << 20);
	assert_int_equal(kc_csaf_document(&got, &conf, &doc, &err), 0);
	assert_non_null(strstr(kc_buf_str(&doc), "\"label\": \"GREEN\""));
	assert_int_equal(kc_csaf_check(doc.ptr, doc.len, &p, &n, &err), 0);
	if (n)
		fail_msg("%s %s %s", p[0].test, p[0].path, p[0].message);
	free(p);
	kc_buf_release(&doc);
	kc_advisory_release(&got);
	assert_int_equal(kc_advisory_get(st, "kcert-2026-x", &got, &err), KC_EINVAL);
	kc_store_close(st);
}

static void test_markdown_safe(void **state)
{
	kc_buf b;

	(void)state;
	kc_buf_init(&b, 1u << 20);
	assert_int_equal(kc_markdown_html("<script>x</script>\n\n[a](javascript:alert(1)) *b*", &b), 0);
	assert_null(strstr(kc_buf_str(&b), "<script"));
	assert_null(strstr(kc_buf_str(&b), "javascript:"));
	assert_non_null(strstr(kc_buf_str(&b), "<em>b</em>"));
	kc_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fail_fixtures), cmocka_unit_test(test_valid_examples),
		cmocka_unit_test(test_bad_json),      cmocka_unit_test(test_store_and_csaf),
		cmocka_unit_test(test_markdown_safe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
