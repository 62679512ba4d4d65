/* Unit tests: strict IP and prefix parsing, canonical formatting. */
#include "../test.h"
#include "base/ip.h"

static void bad(const char *s, unsigned flags, const char *want)
{
	kc_cidr c;
	kc_err err;

	kc_err_clear(&err);
	if (kc_cidr_parse(s, strlen(s), &c, flags, &err) != KC_EINVAL)
		fail_msg("%s was accepted", s);
	if (want && !strstr(err.msg, want))
		fail_msg("%s: message '%s' lacks '%s'", s, err.msg, want);
}

static void refuses_bad_prefixes(void **state)
{
	(void)state;
	bad("10.0.0.0/33", 0, "out of range for IPv4");
	bad("300.1.1.1/8", 0, "not an IP address");
	bad("::1/129", 0, "out of range for IPv6");
	bad("10.0.0.1/8", 0, "did you mean 10.0.0.0/8?");
	bad("2001:db8::1/32", 0, "did you mean 2001:db8::/32?");
	bad("1.2.3/8", 0, NULL);
	bad("1.2.3.4.5/32", 0, NULL);
	bad("01.2.3.4/32", 0, NULL);
	bad("1.2.3.4/08", 0, NULL);
	bad("1.2.3.4/", 0, NULL);
	bad("1.2.3.4/-1", 0, NULL);
	bad("1.2.3.4/3 ", 0, NULL);
	bad("1.2.3.4", 0, "needs a length");
	bad("::1::2/128", 0, NULL);
	bad("fe80::1%eth0/128", 0, NULL);
	bad("12345::/16", 0, NULL);
	bad("", KC_CIDR_BARE_HOST, NULL);
	bad(" 1.2.3.4", KC_CIDR_BARE_HOST, NULL);
	bad("1.2.3.4\n", KC_CIDR_BARE_HOST, NULL);
	bad("1:2:3:4:5:6:7:8:9", KC_CIDR_BARE_HOST, NULL);
	bad("1:2:3:4:5:6:7", KC_CIDR_BARE_HOST, NULL);
	bad(":1::", KC_CIDR_BARE_HOST, NULL);
	bad("1::2:", KC_CIDR_BARE_HOST, NULL);
	bad("::1.2.3.4:5", KC_CIDR_BARE_HOST, NULL);
	bad("256.0.0.0", KC_CIDR_BARE_HOST, NULL);
	bad("1.2.3.04", KC_CIDR_BARE_HOST, NULL);
}

static void canon(const char *in, const char *want)
{
	char out[KC_CIDR_STRLEN];
	kc_cidr c;
	kc_err err;

	if (kc_cidr_parse(in, strlen(in), &c, KC_CIDR_BARE_HOST, &err))
		fail_msg("%s refused: %s", in, err.msg);
	if (strchr(in, '/'))
		kc_cidr_format(&c, out);
	else
		kc_ip_format(&c.addr, out);
	if (strcmp(out, want))
		fail_msg("%s formats as %s, want %s", in, out, want);
}

static void formats_canonically(void **state)
{
	(void)state;
	canon("2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1");
	canon("2001:DB8:0:0:1:0:0:1", "2001:db8::1:0:0:1");       /* first run on a tie */
	canon("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1");     /* one zero group stays */
	canon("0:0:0:0:0:0:0:0", "::");
	canon("::", "::");
	canon("::1", "::1");
	canon("1::", "1::");
	canon("fe80:0:0:0:0:0:0:0/10", "fe80::/10");
	canon("::ffff:192.0.2.1", "::ffff:192.0.2.1");
	canon("::FFFF:c000:0201", "::ffff:192.0.2.1");
	canon("2001:db8:0:0:0:0:2:1", "2001:db8::2:1");
	canon("2001:db8::0:1:0:0:0", "2001:db8:0:0:1::"); /* the longer run wins */
	canon("0.0.0.0/0", "0.0.0.0/0");
	canon("192.0.2.0/24", "192.0.2.0/24");
	canon("255.255.255.255", "255.255.255.255");
	canon("10.0.0.0/8", "10.0.0.0/8");
	canon("::/0", "::/0");
}

static void unmaps_and_contains(void **state)
{
	kc_cidr outer, inner;
	kc_ip ip, v4;
	kc_err err;

	(void)state;
	assert_int_equal(kc_ip_parse("::ffff:192.0.2.1", 16, &ip, &err), 0);
	assert_int_equal(ip.family, 6);
	v4 = kc_ip_unmap(&ip);
	assert_int_equal(v4.family, 4);
	assert_memory_equal(v4.bytes, "\xc0\x00\x02\x01", 4);
	assert_int_equal(kc_cidr_parse("10.0.0.0/8", 10, &outer, 0, &err), 0);
	assert_int_equal(kc_cidr_parse("10.20.0.0/16", 12, &inner, 0, &err), 0);
	assert_true(kc_cidr_covers(&outer, &inner));
	assert_false(kc_cidr_covers(&inner, &outer));
	assert_int_equal(kc_ip_parse("10.255.1.1", 10, &ip, &err), 0);
	assert_true(kc_cidr_contains(&outer, &ip));
	assert_false(kc_cidr_contains(&inner, &ip));
	assert_int_equal(kc_cidr_parse("2001:db8::/29", 13, &outer, 0, &err), 0);
	assert_int_equal(kc_ip_parse("2001:dbf:ffff::1", 16, &ip, &err), 0);
	assert_true(kc_cidr_contains(&outer, &ip));
	assert_int_equal(kc_ip_parse("2001:dc0::1", 11, &ip, &err), 0);
	assert_false(kc_cidr_contains(&outer, &ip));
	assert_int_equal(kc_ip_parse("10.0.0.1", 8, &ip, &err), 0);
	assert_false(kc_cidr_contains(&outer, &ip)); /* other family */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(refuses_bad_prefixes),
		cmocka_unit_test(formats_canonically),
		cmocka_unit_test(unmaps_and_contains),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
