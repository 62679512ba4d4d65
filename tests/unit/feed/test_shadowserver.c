/* Unit tests: report types from Shadowserver file names, and the table. */
#include "../test.h"
#include "feed/shadowserver.h"

static void report_from_filename(void **state)
{
	char t[64];

	(void)state;
	assert_int_equal(kc_ss_report_from_filename("/x/2024-05-01-scan_rdp-norway-geo.csv", t, sizeof(t)), 0);
	assert_string_equal(t, "scan_rdp");
	assert_int_equal(kc_ss_report_from_filename("scan_ssl_poodle.csv", t, sizeof(t)), 0);
	assert_string_equal(t, "scan_ssl_poodle");
	assert_int_equal(kc_ss_report_from_filename("2021-03-04-event4_sinkhole_http-no.csv", t, sizeof(t)), 0);
	assert_string_equal(t, "event4_sinkhole_http");
	assert_int_equal(kc_ss_report_from_filename("report.txt", t, sizeof(t)), -1);
	assert_int_equal(kc_ss_report_from_filename("-.csv", t, sizeof(t)), -1);
	assert_int_equal(kc_ss_report_from_filename("scan rdp.csv", t, sizeof(t)), -1);
	assert_int_equal(kc_ss_report_from_filename("scan_rdp.csv", t, 4), -1);
}

static void table(void **state)
{
	const kc_ss_report *r;
	size_t n;

	(void)state;
	r = kc_ss_report_find("scan_rdp");
	assert_non_null(r);
	assert_string_equal(r->identifier, "open-rdp");
	r = kc_ss_report_find("event4_sinkhole_dns");
	assert_non_null(r); /* the generic event4 row */
	assert_null(r->identifier);
	assert_string_equal(r->ip, "src_ip");
	assert_null(kc_ss_report_find("scan_nothing"));
	r = kc_ss_reports(&n);
	assert_true(n >= 14);
	for (size_t i = 0; i < n; i++) {
		assert_non_null(r[i].taxonomy);
		assert_non_null(r[i].type);
		assert_true(r[i].ip || r[i].fqdn);
		assert_ptr_equal(kc_ss_report_find(r[i].name), &r[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(report_from_filename),
		cmocka_unit_test(table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
