/* Unit tests: DNS record data parsed from wire bytes. */
#include "../test.h"
#include "scan/dns.h"

static char buf[KC_DNS_TEXT_MAX + 64];

static void parses_records(void **state)
{
	struct kc_dns_rr rr;
	kc_err err;
	const uint8_t a[] = { 192, 0, 2, 1 };
	const uint8_t mx[] = { 0, 10, 2, 'M', 'x', 2, 'n', 'o', 0 };
	const uint8_t odd[] = { 3, 'a', '.', 0xff, 0 };
	const uint8_t txt[] = { 3, 'v', '=', 's', 0, 4, 'p', 'f', '1', ' ' };

	(void)state;
	assert_int_equal(kc_dns_rdata_parse(KC_DNS_A, a, 4, &rr, buf, sizeof(buf), &err), 0);
	assert_string_equal(rr.text, "192.0.2.1");
	assert_int_equal(kc_dns_rdata_parse(KC_DNS_A, a, 3, &rr, buf, sizeof(buf), &err), KC_EPARSE);
	assert_int_equal(kc_dns_rdata_parse(KC_DNS_MX, mx, sizeof(mx), &rr, buf, sizeof(buf), &err), 0);
	assert_int_equal(rr.pref, 10);
	assert_string_equal(rr.text, "mx.no");
	assert_int_equal(kc_dns_rdata_parse(KC_DNS_NS, odd, sizeof(odd), &rr, buf, sizeof(buf), &err), 0);
	assert_string_equal(rr.text, "a\\.\\255");
	assert_int_equal(kc_dns_rdata_parse(KC_DNS_TXT, txt, sizeof(txt), &rr, buf, sizeof(buf), &err), 0);
	assert_int_equal(rr.len, 7);
	assert_memory_equal(rr.text, "v=spf1 ", 7);
}

static void refuses_bad_wire(void **state)
{
	struct kc_dns_rr rr;
	kc_err err;
	const uint8_t ptr[] = { 0, 10, 0xc0, 12 };
	const uint8_t trunc[] = { 5, 'a', 'b' };
	const uint8_t trail[] = { 1, 'a', 0, 7 };
	const uint8_t txt[] = { 9, 'a' };
	uint8_t longname[300];

	(void)state;
	assert_int_equal(kc_dns_rdata_parse(KC_DNS_MX, ptr, 4, &rr, buf, sizeof(buf), &err), KC_EPARSE);
	assert_non_null(strstr(err.msg, "compression"));
	assert_int_equal(kc_dns_rdata_parse(KC_DNS_CNAME, trunc, 3, &rr, buf, sizeof(buf), &err), KC_EPARSE);
	assert_int_equal(kc_dns_rdata_parse(KC_DNS_CNAME, trail, 4, &rr, buf, sizeof(buf), &err), KC_EPARSE);
	assert_int_equal(kc_dns_rdata_parse(KC_DNS_TXT, txt, 2, &rr, buf, sizeof(buf), &err), KC_EPARSE);
	assert_int_equal(kc_dns_rdata_parse(KC_DNS_TXT, txt, 0, &rr, buf, sizeof(buf), &err), KC_EPARSE);
	for (size_t i = 0; i < 5; i++) {
		longname[i * 60] = 59;
		memset(longname + i * 60 + 1, 'a', 59);
	}
	longname[300 - 1] = 0;
	assert_int_equal(kc_dns_rdata_parse(KC_DNS_NS, longname, 300, &rr, buf, sizeof(buf), &err), KC_EPARSE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_records),
		cmocka_unit_test(refuses_bad_wire),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
