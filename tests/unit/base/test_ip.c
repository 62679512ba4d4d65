/* Unit tests: strict IP and prefix parsing, its messages, canonical formatting. */
#include "../test.h"
#include "base/ip.h"
#include "base/i18n.h"

#define HOST KC_CIDR_BARE_HOST

/* kc_cidr_parse(s) must fail with KC_EINVAL and a message containing want. */
static void bad_cidr(const char *s, unsigned flags, const char *want)
{
	kc_cidr c;
	kc_err err;

	kc_err_clear(&err);
	memset(&c, 0x5a, sizeof(c));
	if (kc_cidr_parse(s, strlen(s), &c, flags, &err) != KC_EINVAL)
		fail_msg("\"%s\" was accepted", s);
	if (err.code != KC_EINVAL)
		fail_msg("\"%s\": err.code %d", s, err.code);
	if (!strstr(err.msg, want))
		fail_msg("\"%s\": message \"%s\" lacks \"%s\"", s, err.msg, want);
	if (c.addr.family != 0 || c.len != 0)
		fail_msg("\"%s\": output not cleared on failure", s);
}

/* kc_ip_parse(s) must fail likewise. */
static void bad_ip(const char *s, const char *want)
{
	kc_ip ip;
	kc_err err;

	kc_err_clear(&err);
	if (kc_ip_parse(s, strlen(s), &ip, &err) != KC_EINVAL)
		fail_msg("\"%s\" was accepted as an address", s);
	if (!strstr(err.msg, want))
		fail_msg("\"%s\": message \"%s\" lacks \"%s\"", s, err.msg, want);
}

static void refuses_the_listed_inputs_with_precise_messages(void **state)
{
	(void)state;
	kc_i18n_set_lang(KC_LANG_EN);
	bad_cidr("10.0.0.0/33", 0, "10.0.0.0/33: prefix length 33 is out of range for IPv4 (0-32)");
	bad_cidr("300.1.1.1/8", 0, "300.1.1.1/8: IPv4 octet 300 is out of range (0-255)");
	bad_cidr("::1/129", 0, "::1/129: prefix length 129 is out of range for IPv6 (0-128)");
	bad_cidr("10.0.0.1/8", 0, "10.0.0.1/8: host bits are set; did you mean 10.0.0.0/8?");
	bad_cidr("2001:db8::1/32", 0, "2001:db8::1/32: host bits are set; did you mean 2001:db8::/32?");
	bad_cidr("1.2.3", HOST, "1.2.3: an IPv4 address has four octets, not 3");
	bad_cidr("1.2.3.4.5", HOST, "1.2.3.4.5: more than four octets in an IPv4 address");
	bad_cidr("01.2.3.4", HOST, "01.2.3.4: IPv4 octet 01 has a leading zero");
	bad_cidr("1.2.3.4/08", 0, "1.2.3.4/08: prefix length 08 has a leading zero");
	bad_cidr("::1::2", HOST, "::1::2: more than one \"::\" in an IPv6 address");
	bad_cidr("fe80::1%eth0", HOST, "fe80::1%eth0: zone ids (%eth0) are not accepted");
	bad_cidr("12345::", HOST, "12345::: IPv6 group 12345 has more than four hex digits");
	bad_cidr("", HOST, "an empty string is not an IP address");
	bad_cidr("", 0, "an empty string is not an IP address");
	/* The same through kc_ip_parse. */
	bad_ip("300.1.1.1", "300.1.1.1: IPv4 octet 300 is out of range (0-255)");
	bad_ip("1.2.3", "four octets, not 3");
	bad_ip("1.2.3.4.5", "more than four octets");
	bad_ip("01.2.3.4", "octet 01 has a leading zero");
	bad_ip("::1::2", "more than one \"::\"");
	bad_ip("fe80::1%eth0", "zone ids (%eth0)");
	bad_ip("12345::", "group 12345 has more than four hex digits");
	bad_ip("", "an empty string is not an IP address");
	bad_ip("10.0.0.0/8", "unexpected character '/'");
}

static void refuses_more_bad_inputs(void **state)
{
	(void)state;
	kc_i18n_set_lang(KC_LANG_EN);
	/* Prefix lengths. */
	bad_cidr("1.2.3.4", 0, "1.2.3.4: a prefix needs a length (ADDRESS/LENGTH)");
	bad_cidr("1.2.3.4/", 0, "1.2.3.4/: no prefix length after '/'");
	bad_cidr("1.2.3.4/-1", 0, "the prefix length must be a number from 0 to 32");
	bad_cidr("1.2.3.4/+8", 0, "the prefix length must be a number from 0 to 32");
	bad_cidr("1.2.3.0/24/", 0, "the prefix length must be a number from 0 to 32");
	bad_cidr("::/1000", 0, "the prefix length must be a number from 0 to 128");
	bad_cidr("::/0x10", 0, "the prefix length must be a number from 0 to 128");
	bad_cidr("1.2.3.4/00", 0, "prefix length 00 has a leading zero");
	bad_cidr("1.2.3.4/3 ", 0, "white space in an IP address");
	bad_cidr("1.2.3.4 /32", 0, "white space in an IP address");
	bad_cidr("/8", 0, "an empty string is not an IP address");
	bad_cidr("2001:db8:8000::/32", 0, "2001:db8:8000::/32: host bits are set; did you mean 2001:db8::/32?");
	bad_cidr("2001:db8::/28", 0, "did you mean 2001:db0::/28?"); /* 0db8: bit 28 set */
	bad_cidr("1.2.3.255/31", 0, "did you mean 1.2.3.254/31?");
	bad_cidr("::1/0", 0, "did you mean ::/0?");
	/* White space, zone ids, garbage. */
	bad_cidr(" 1.2.3.4", HOST, "white space in an IP address");
	bad_cidr("1.2.3.4\n", HOST, "white space in an IP address");
	bad_cidr("1.2.3.4%1", HOST, "zone ids (%1) are not accepted");
	bad_cidr("example.com", HOST, "example.com: not an IP address");
	bad_cidr("-1.2.3.4", HOST, "-1.2.3.4: not an IP address");
	bad_cidr("1.2.3.4x", HOST, "unexpected character 'x'");
	bad_cidr("1.2.3.-4", HOST, "unexpected character '-'");
	/* IPv4. */
	bad_cidr("256.0.0.0", HOST, "IPv4 octet 256 is out of range");
	bad_cidr("1.2.3.1000", HOST, "IPv4 octet 1000 is out of range");
	bad_cidr("1.2.3.04", HOST, "IPv4 octet 04 has a leading zero");
	bad_cidr("1.2.3.00", HOST, "IPv4 octet 00 has a leading zero");
	bad_cidr("1..2.3", HOST, "empty octet in an IPv4 address");
	bad_cidr("1.2.3.", HOST, "empty octet in an IPv4 address");
	bad_cidr(".1.2.3", HOST, "empty octet in an IPv4 address");
	bad_cidr("1", HOST, "four octets, not 1");
	/* IPv6. */
	bad_cidr("1:2:3:4:5:6:7:8:9", HOST, "too many groups in an IPv6 address");
	bad_cidr("1:2:3:4:5:6:7:8::", HOST, "too many groups in an IPv6 address");
	bad_cidr("::1:2:3:4:5:6:7:8", HOST, "too many groups in an IPv6 address");
	bad_cidr("1:2:3:4:5:6:7:1.2.3.4", HOST, "too many groups in an IPv6 address");
	bad_cidr("1:2:3:4:5:6::1.2.3.4", HOST, "too many groups in an IPv6 address");
	bad_cidr("1:2:3:4:5:6:7", HOST, "eight groups or \"::\", not 7 groups");
	bad_cidr("1:2:3:4:5:1.2.3.4", HOST, "eight groups or \"::\", not 7 groups");
	bad_cidr(":1::", HOST, "cannot start or end with a single ':'");
	bad_cidr("1::2:", HOST, "cannot start or end with a single ':'");
	bad_cidr(":", HOST, "cannot start or end with a single ':'");
	bad_cidr(":::", HOST, "unexpected character ':'");
	bad_cidr("1:::2", HOST, "unexpected character ':'");
	bad_cidr("::1.2.3.4:5", HOST, "the IPv4 part of an IPv6 address must come last");
	bad_cidr("1.2.3.4::", HOST, "the IPv4 part of an IPv6 address must come last");
	bad_cidr("::ffff:300.1.1.1", HOST, "IPv4 octet 300 is out of range");
	bad_cidr("::ffff:1.2.3", HOST, "four octets, not 3");
	bad_cidr("::ffff:01.2.3.4", HOST, "octet 01 has a leading zero");
	bad_cidr("::g", HOST, "unexpected character 'g'");
	bad_cidr("[::1]", HOST, "[::1]: not an IP address");
	bad_cidr("00000::", HOST, "IPv6 group 00000 has more than four hex digits");
	/* Long input is cut in the message, and the message stays in bounds. */
	{
		char longer[600];

		memset(longer, '1', sizeof(longer) - 1);
		longer[sizeof(longer) - 1] = '\0';
		bad_cidr(longer, HOST, "...: IPv4 octet 1111111111");
	}
}

/* Input is s[0..n): nothing past n is read (ASan sees the bounds of a heap copy). */
static void never_reads_past_n(void **state)
{
	static const char *const cases[] = { "1.2.3.4", "10.0.0.0/8", "2001:db8::/32", "::ffff:1.2.3.4", "::" };
	kc_cidr c;
	kc_ip ip;
	kc_err err;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t n = strlen(cases[i]);
		char *copy = malloc(n ? n : 1);

		assert_non_null(copy);
		memcpy(copy, cases[i], n); /* no NUL */
		assert_int_equal(kc_cidr_parse(copy, n, &c, HOST, &err), 0);
		for (size_t k = 0; k < n; k++) /* every proper prefix too, no crash */
			(void)kc_cidr_parse(copy, k, &c, HOST, NULL);
		free(copy);
	}
	/* A prefix of a longer string: "10.0.0.1" of "10.0.0.10". */
	assert_int_equal(kc_ip_parse("10.0.0.10", 8, &ip, &err), 0);
	assert_memory_equal(ip.bytes, "\x0a\x00\x00\x01", 4);
	assert_int_equal(kc_cidr_parse("10.0.0.0/8x", 10, &c, 0, &err), 0);
	assert_int_equal(c.len, 8);
}

static void canon(const char *in, const char *want)
{
	char out[KC_CIDR_STRLEN], again[KC_CIDR_STRLEN];
	kc_cidr c, c2;
	kc_err err;

	if (kc_cidr_parse(in, strlen(in), &c, HOST, &err))
		fail_msg("%s refused: %s", in, err.msg);
	if (strchr(in, '/'))
		kc_cidr_format(&c, out);
	else
		kc_ip_format(&c.addr, out);
	if (strcmp(out, want))
		fail_msg("%s formats as %s, want %s", in, out, want);
	/* The canonical text parses back to the same value and formats the same. */
	if (kc_cidr_parse(out, strlen(out), &c2, HOST, &err))
		fail_msg("%s (from %s) refused: %s", out, in, err.msg);
	assert_true(kc_ip_equal(&c.addr, &c2.addr));
	assert_int_equal(c.len, c2.len);
	kc_cidr_format(&c2, again);
	kc_cidr_format(&c, out);
	assert_string_equal(out, again);
}

static void formats_canonically(void **state)
{
	(void)state;
	canon("2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1");
	canon("2001:DB8:0:0:1:0:0:1", "2001:db8::1:0:0:1");   /* first run on a tie */
	canon("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"); /* one zero group stays */
	canon("2001:db8:0:1:0:1:0:1", "2001:db8:0:1:0:1:0:1");
	canon("2001:0:0:1:0:0:0:1", "2001:0:0:1::1");		/* the longer run wins */
	canon("2001:db8::0:1:0:0:0", "2001:db8:0:0:1::");
	canon("2001:db8:0:0:0:0:2:1", "2001:db8::2:1");
	canon("1:0:0:2:0:0:0:0", "1:0:0:2::");
	canon("0:0:1:0:0:0:0:0", "0:0:1::");
	canon("1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0"); /* "::" for one group is expanded */
	canon("::2:3:4:5:6:7:8", "0:2:3:4:5:6:7:8");
	canon("0:0:0:0:0:0:0:0", "::");
	canon("::", "::");
	canon("::1", "::1");
	canon("1::", "1::");
	canon("ABCD:EF01:2345:6789:ABCD:EF01:2345:6789", "abcd:ef01:2345:6789:abcd:ef01:2345:6789");
	canon("fe80:0:0:0:0:0:0:0/10", "fe80::/10");
	canon("::ffff:192.0.2.1", "::ffff:192.0.2.1");
	canon("0:0:0:0:0:FFFF:192.0.2.1", "::ffff:192.0.2.1");
	canon("::FFFF:c000:0201", "::ffff:192.0.2.1");
	canon("::ffff:0.0.0.0/96", "::ffff:0.0.0.0/96");
	canon("::192.0.2.1", "::c000:201"); /* deprecated IPv4-compatible: plain hex */
	canon("64:ff9b::192.0.2.1", "64:ff9b::c000:201");
	canon("1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:102:304");
	canon("2001:db8:0:0:0:0:0:0/32", "2001:db8::/32");
	canon("::/0", "::/0");
	canon("::1/128", "::1/128");
	canon("0.0.0.0/0", "0.0.0.0/0");
	canon("0.0.0.0", "0.0.0.0");
	canon("192.0.2.0/24", "192.0.2.0/24");
	canon("255.255.255.255", "255.255.255.255");
	canon("255.255.255.255/32", "255.255.255.255/32");
	canon("10.0.0.0/8", "10.0.0.0/8");
	canon("1.2.3.0/24", "1.2.3.0/24");
}

static void parses_bare_hosts_and_bounds(void **state)
{
	kc_cidr c;
	kc_ip ip;
	kc_err err;

	(void)state;
	assert_int_equal(kc_cidr_parse("192.0.2.1", 9, &c, HOST, &err), 0);
	assert_int_equal(c.addr.family, 4);
	assert_int_equal(c.len, 32);
	assert_int_equal(kc_cidr_parse("2001:db8::1", 11, &c, HOST, &err), 0);
	assert_int_equal(c.addr.family, 6);
	assert_int_equal(c.len, 128);
	assert_int_equal(kc_cidr_parse("10.0.0.0/0", 10, &c, 0, &err), KC_EINVAL); /* host bits */
	assert_int_equal(kc_cidr_parse("0.0.0.0/0", 9, &c, 0, &err), 0);
	assert_int_equal(c.len, 0);
	assert_int_equal(kc_cidr_parse("1.2.3.4/32", 10, &c, 0, &err), 0);
	assert_int_equal(kc_cidr_parse("::1/128", 7, &c, 0, &err), 0);
	assert_int_equal(kc_ip_parse("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255", 45, &ip, &err), 0);
	assert_memory_equal(ip.bytes, "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", 16);
	assert_int_equal(kc_ip_parse("1.2.3.4", 7, &ip, &err), 0);
	assert_int_equal(ip.family, 4);
	assert_memory_equal(ip.bytes, "\x01\x02\x03\x04\0\0\0\0\0\0\0\0\0\0\0\0", 16); /* the rest zero */
}

static void unmaps_and_contains(void **state)
{
	kc_cidr outer, inner;
	kc_ip ip, v4, same;
	char text[KC_IP_STRLEN];
	kc_err err;

	(void)state;
	assert_int_equal(kc_ip_parse("::ffff:192.0.2.1", 16, &ip, &err), 0);
	assert_int_equal(ip.family, 6);
	assert_string_equal(kc_ip_format(&ip, text), "::ffff:192.0.2.1");
	v4 = kc_ip_unmap(&ip);
	assert_int_equal(v4.family, 4);
	assert_memory_equal(v4.bytes, "\xc0\x00\x02\x01\0\0\0\0\0\0\0\0\0\0\0\0", 16);
	assert_string_equal(kc_ip_format(&v4, text), "192.0.2.1");
	/* Not mapped: unchanged. */
	assert_int_equal(kc_ip_parse("::192.0.2.1", 11, &ip, &err), 0);
	same = kc_ip_unmap(&ip);
	assert_true(kc_ip_equal(&same, &ip));
	assert_int_equal(kc_ip_parse("::fffe:192.0.2.1", 16, &ip, &err), 0);
	same = kc_ip_unmap(&ip);
	assert_int_equal(same.family, 6);
	same = kc_ip_unmap(&v4);
	assert_true(kc_ip_equal(&same, &v4));

	assert_int_equal(kc_cidr_parse("10.0.0.0/8", 10, &outer, 0, &err), 0);
	assert_int_equal(kc_cidr_parse("10.20.0.0/16", 12, &inner, 0, &err), 0);
	assert_true(kc_cidr_covers(&outer, &inner));
	assert_false(kc_cidr_covers(&inner, &outer));
	assert_true(kc_cidr_covers(&outer, &outer));
	assert_int_equal(kc_ip_parse("10.255.1.1", 10, &ip, &err), 0);
	assert_true(kc_cidr_contains(&outer, &ip));
	assert_false(kc_cidr_contains(&inner, &ip));
	assert_int_equal(kc_ip_parse("11.0.0.0", 8, &ip, &err), 0);
	assert_false(kc_cidr_contains(&outer, &ip));
	assert_int_equal(kc_cidr_parse("2001:db8::/29", 13, &outer, 0, &err), 0);
	assert_int_equal(kc_ip_parse("2001:dbf:ffff::1", 16, &ip, &err), 0);
	assert_true(kc_cidr_contains(&outer, &ip));
	assert_int_equal(kc_ip_parse("2001:dc0::1", 11, &ip, &err), 0);
	assert_false(kc_cidr_contains(&outer, &ip));
	assert_int_equal(kc_ip_parse("10.0.0.1", 8, &ip, &err), 0);
	assert_false(kc_cidr_contains(&outer, &ip)); /* other family */
	assert_int_equal(kc_cidr_parse("::/0", 4, &outer, 0, &err), 0);
	assert_false(kc_cidr_contains(&outer, &ip));
	assert_int_equal(kc_cidr_parse("0.0.0.0/0", 9, &outer, 0, &err), 0);
	assert_true(kc_cidr_contains(&outer, &ip));
	assert_int_equal(kc_ip_parse("::1", 3, &ip, &err), 0);
	assert_false(kc_ip_equal(&ip, &v4));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(refuses_the_listed_inputs_with_precise_messages),
		cmocka_unit_test(refuses_more_bad_inputs),
		cmocka_unit_test(never_reads_past_n),
		cmocka_unit_test(formats_canonically),
		cmocka_unit_test(parses_bare_hosts_and_bounds),
		cmocka_unit_test(unmaps_and_contains),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
