/* Unit tests: the attribution engine (prefixes, AS numbers, domains), and a
 * randomised cross-check against a linear scan over thousands of nested
 * prefixes: the test that makes the fast path trustworthy. */
#include "../test.h"
#include "base/i18n.h"
#include "base/ip.h"
#include "org/attrib.h"

typedef unsigned __int128 u128;

static kc_cidr P(const char *s)
{
	kc_cidr c;
	kc_err err;

	if (kc_cidr_parse(s, strlen(s), &c, KC_CIDR_BARE_HOST, &err))
		fail_msg("%s: %s", s, err.msg);
	return c;
}

static kc_ip A(const char *s)
{
	kc_ip ip;
	kc_err err;

	if (kc_ip_parse(s, strlen(s), &ip, &err))
		fail_msg("%s: %s", s, err.msg);
	return ip;
}

static void add(kc_attrib *a, const char *prefix, uint32_t value)
{
	kc_cidr c = P(prefix);
	kc_err err;

	if (kc_attrib_add_prefix(a, &c, value, &err))
		fail_msg("add %s: %s", prefix, err.msg);
}

static void build(kc_attrib *a)
{
	kc_err err;

	if (kc_attrib_build(a, &err))
		fail_msg("build: %s", err.msg);
}

/* The value kc_attrib_ip1 finds for ip, or 0 when none (values here are > 0). */
static uint32_t who(const kc_attrib *a, const char *ip)
{
	kc_ip x = A(ip);
	uint32_t v = 999999;
	int found = kc_attrib_ip1(a, &x, &v);

	if (!found && v != 999999)
		fail_msg("%s: not found, but *value was written", ip);
	return found ? v : 0;
}

static void nested_ipv4_most_specific_wins(void **state)
{
	kc_attrib *a = kc_attrib_new();

	(void)state;
	assert_non_null(a);
	add(a, "10.0.0.0/16", 16);
	add(a, "10.0.1.0/24", 24);
	add(a, "10.0.1.16/28", 28);
	add(a, "10.0.2.0/24", 2);   /* adjacent /24s */
	add(a, "10.0.3.0/24", 3);
	add(a, "10.0.4.0/22", 22);  /* adjacent to 10.0.3.0/24, nested /32 at its end */
	add(a, "10.0.7.255/32", 32);
	add(a, "10.1.0.0/16", 161); /* adjacent to 10.0.0.0/16 */
	build(a);

	assert_int_equal(who(a, "10.0.1.16"), 28); /* a /28 beats a /24 and a /16 */
	assert_int_equal(who(a, "10.0.1.17"), 28);
	assert_int_equal(who(a, "10.0.1.31"), 28);
	assert_int_equal(who(a, "10.0.1.32"), 24);
	assert_int_equal(who(a, "10.0.1.15"), 24);
	assert_int_equal(who(a, "10.0.1.0"), 24);
	assert_int_equal(who(a, "10.0.1.255"), 24);
	assert_int_equal(who(a, "10.0.0.0"), 16);
	assert_int_equal(who(a, "10.0.0.255"), 16);
	assert_int_equal(who(a, "10.0.2.0"), 2);
	assert_int_equal(who(a, "10.0.2.255"), 2);
	assert_int_equal(who(a, "10.0.3.0"), 3);
	assert_int_equal(who(a, "10.0.3.255"), 3);
	assert_int_equal(who(a, "10.0.4.0"), 22);
	assert_int_equal(who(a, "10.0.7.254"), 22);
	assert_int_equal(who(a, "10.0.7.255"), 32);
	assert_int_equal(who(a, "10.0.8.0"), 16);
	assert_int_equal(who(a, "10.0.255.255"), 16);
	assert_int_equal(who(a, "10.1.0.0"), 161);
	assert_int_equal(who(a, "10.1.255.255"), 161);
	assert_int_equal(who(a, "10.2.0.0"), 0);
	assert_int_equal(who(a, "9.255.255.255"), 0);
	assert_int_equal(who(a, "0.0.0.0"), 0);
	assert_int_equal(who(a, "255.255.255.255"), 0);
	/* IPv4-mapped IPv6 addresses are looked up as IPv4. */
	assert_int_equal(who(a, "::ffff:10.0.1.20"), 28);
	assert_int_equal(who(a, "::ffff:10.2.0.0"), 0);
	assert_int_equal(who(a, "::10.0.1.20"), 0); /* IPv4-compatible is not mapped */
	assert_int_equal(who(a, "2001:db8::1"), 0);
	assert_true(kc_attrib_memory(a) > 0);
	kc_attrib_free(a);
}

static void nested_ipv6_and_mapped_prefixes(void **state)
{
	kc_attrib *a = kc_attrib_new();
	kc_cidr c;
	kc_err err;

	(void)state;
	add(a, "2001:db8::/32", 32);
	add(a, "2001:db8:1::/48", 48);
	add(a, "2001:db8:1:2::/64", 64);
	add(a, "2001:db8:1:2::5", 128);
	add(a, "2001:db8:1:3::/64", 643); /* adjacent to the /64 above */
	add(a, "2001:db9::/32", 9);	  /* adjacent to 2001:db8::/32 */
	add(a, "::ffff:192.0.2.0/120", 4); /* stored as 192.0.2.0/24 */
	build(a);
	assert_int_equal(who(a, "2001:db8:1:2::5"), 128);
	assert_int_equal(who(a, "2001:db8:1:2::4"), 64);
	assert_int_equal(who(a, "2001:db8:1:2::6"), 64);
	assert_int_equal(who(a, "2001:db8:1:2:ffff:ffff:ffff:ffff"), 64);
	assert_int_equal(who(a, "2001:db8:1:3::"), 643);
	assert_int_equal(who(a, "2001:db8:1:4::"), 48);
	assert_int_equal(who(a, "2001:db8:1:ffff:ffff:ffff:ffff:ffff"), 48);
	assert_int_equal(who(a, "2001:db8:2::"), 32);
	assert_int_equal(who(a, "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"), 32);
	assert_int_equal(who(a, "2001:db9::"), 9);
	assert_int_equal(who(a, "2001:dba::"), 0);
	assert_int_equal(who(a, "2001:db7:ffff:ffff:ffff:ffff:ffff:ffff"), 0);
	assert_int_equal(who(a, "::"), 0);
	assert_int_equal(who(a, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), 0);
	assert_int_equal(who(a, "192.0.2.77"), 4);
	assert_int_equal(who(a, "::ffff:192.0.2.77"), 4);
	/* The mapped form and the IPv4 form are the same prefix. */
	c = P("192.0.2.0/24");
	kc_attrib_free(a);
	a = kc_attrib_new();
	assert_int_equal(kc_attrib_add_prefix(a, &c, 1, &err), 0);
	c = P("::ffff:192.0.2.0/120");
	assert_int_equal(kc_attrib_add_prefix(a, &c, 2, &err), KC_EEXIST);
	kc_attrib_free(a);
}

static void default_routes_empty_and_misuse(void **state)
{
	kc_attrib *a = kc_attrib_new();
	kc_attrib_hit hits[4];
	kc_cidr c;
	kc_ip ip;
	kc_err err;
	uint32_t v;

	(void)state;
	kc_i18n_set_lang(KC_LANG_EN);
	/* Before the build, and empty: nothing is found. */
	ip = A("1.2.3.4");
	assert_int_equal(kc_attrib_ip1(a, &ip, &v), 0);
	build(a);
	assert_int_equal(who(a, "1.2.3.4"), 0);
	assert_int_equal(who(a, "::1"), 0);
	assert_int_equal(kc_attrib_ip(a, &ip, hits, 4), 0);
	assert_int_equal(kc_attrib_asn(a, 1, &v), 0);
	assert_int_equal(kc_attrib_domain(a, "a.no", 4, hits, 4), 0);
	assert_int_equal(kc_attrib_build(a, &err), 0); /* twice is harmless */
	kc_attrib_free(a);
	kc_attrib_free(NULL);

	a = kc_attrib_new();
	add(a, "0.0.0.0/0", 1);
	add(a, "::/0", 2);
	add(a, "255.255.255.255/32", 3);
	add(a, "0.0.0.0/32", 5);
	add(a, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128", 6);
	add(a, "128.0.0.0/1", 7);
	build(a);
	assert_int_equal(who(a, "1.2.3.4"), 1);
	assert_int_equal(who(a, "0.0.0.0"), 5);
	assert_int_equal(who(a, "0.0.0.1"), 1);
	assert_int_equal(who(a, "127.255.255.255"), 1);
	assert_int_equal(who(a, "128.0.0.0"), 7);
	assert_int_equal(who(a, "255.255.255.255"), 3);
	assert_int_equal(who(a, "255.255.255.254"), 7);
	assert_int_equal(who(a, "ffff::1"), 2);
	assert_int_equal(who(a, "::"), 2);
	assert_int_equal(who(a, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), 6);
	assert_int_equal(who(a, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe"), 2);
	assert_int_equal(who(a, "::ffff:1.2.3.4"), 1); /* mapped: the IPv4 default, not ::/0 */
	ip = A("255.255.255.255");
	assert_int_equal(kc_attrib_ip(a, &ip, hits, 4), 3);
	assert_int_equal(hits[0].value, 3);
	assert_int_equal(hits[0].plen, 32);
	assert_true(hits[0].exact);
	assert_int_equal(hits[1].value, 7);
	assert_int_equal(hits[2].value, 1);
	assert_int_equal(hits[2].plen, 0);
	assert_false(hits[2].exact);

	/* Adding after the build is a bug in the caller. */
	c = P("10.0.0.0/8");
	assert_int_equal(kc_attrib_add_prefix(a, &c, 9, &err), KC_EINTERNAL);
	assert_int_equal(kc_attrib_add_asn(a, 1, 9, &err), KC_EINTERNAL);
	assert_int_equal(kc_attrib_add_domain(a, "x.no", 0, 9, &err), KC_EINTERNAL);
	assert_string_equal(err.msg, "the attribution engine is already built");
	kc_attrib_free(a);

	/* A prefix with host bits set, or no family, is refused. */
	a = kc_attrib_new();
	memset(&c, 0, sizeof(c));
	c.addr.family = 4;
	c.addr.bytes[0] = 10;
	c.addr.bytes[3] = 1;
	c.len = 8;
	assert_int_equal(kc_attrib_add_prefix(a, &c, 1, &err), KC_EINVAL);
	assert_non_null(strstr(err.msg, "10.0.0.1/8: host bits are set; did you mean 10.0.0.0/8?"));
	c.len = 33;
	assert_int_equal(kc_attrib_add_prefix(a, &c, 1, &err), KC_EINVAL);
	c.addr.family = 0;
	c.len = 0;
	assert_int_equal(kc_attrib_add_prefix(a, &c, 1, &err), KC_EINVAL);
	kc_attrib_free(a);
}

static void duplicates_keep_the_first(void **state)
{
	kc_attrib *a = kc_attrib_new();
	kc_cidr c;
	kc_err err;

	(void)state;
	kc_i18n_set_lang(KC_LANG_EN);
	add(a, "10.0.1.0/24", 1);
	c = P("10.0.1.0/24");
	assert_int_equal(kc_attrib_add_prefix(a, &c, 2, &err), KC_EEXIST);
	assert_string_equal(err.msg, "10.0.1.0/24 is registered twice");
	add(a, "10.0.1.0/25", 3); /* same start, other length: not a duplicate */
	add(a, "2001:db8::/32", 4);
	c = P("2001:db8::/32");
	assert_int_equal(kc_attrib_add_prefix(a, &c, 5, &err), KC_EEXIST);
	assert_string_equal(err.msg, "2001:db8::/32 is registered twice");
	assert_int_equal(kc_attrib_add_asn(a, 64500, 6, &err), 0);
	assert_int_equal(kc_attrib_add_asn(a, 64500, 7, &err), KC_EEXIST);
	assert_string_equal(err.msg, "AS64500 is registered twice");
	assert_int_equal(kc_attrib_add_domain(a, "bergen.kommune.no", 0, 8, &err), 0);
	assert_int_equal(kc_attrib_add_domain(a, "bergen.kommune.no", 1, 9, &err), KC_EEXIST);
	assert_string_equal(err.msg, "bergen.kommune.no is registered twice");
	build(a);
	assert_int_equal(who(a, "10.0.1.200"), 1);
	assert_int_equal(who(a, "10.0.1.100"), 3);
	assert_int_equal(who(a, "2001:db8::1"), 4);
	kc_attrib_free(a);
}

static void chains_most_specific_first(void **state)
{
	kc_attrib *a = kc_attrib_new();
	kc_attrib_hit hits[8];
	kc_cidr c;
	kc_ip ip;

	(void)state;
	add(a, "10.0.0.0/8", 8);
	add(a, "10.0.0.0/16", 16);
	add(a, "10.0.1.0/24", 24);
	add(a, "10.0.1.16/28", 28);
	add(a, "10.0.1.20/32", 32);
	add(a, "2001:db8::/32", 632);
	add(a, "2001:db8:1::/48", 648);
	build(a);

	ip = A("10.0.1.20");
	assert_int_equal(kc_attrib_ip(a, &ip, hits, 8), 5);
	for (int i = 0; i < 5; i++) {
		static const uint32_t want[] = { 32, 28, 24, 16, 8 };

		assert_int_equal(hits[i].value, want[i]);
		assert_int_equal(hits[i].plen, want[i]);
		assert_int_equal(hits[i].exact, i == 0);
	}
	assert_int_equal(kc_attrib_ip(a, &ip, hits, 2), 2); /* at most max, the most specific */
	assert_int_equal(hits[0].value, 32);
	assert_int_equal(hits[1].value, 28);
	assert_int_equal(kc_attrib_ip(a, &ip, hits, 0), 0);
	ip = A("10.0.1.21");
	assert_int_equal(kc_attrib_ip(a, &ip, hits, 8), 4);
	assert_int_equal(hits[0].value, 28);
	assert_false(hits[0].exact);
	ip = A("10.200.0.1");
	assert_int_equal(kc_attrib_ip(a, &ip, hits, 8), 1);
	assert_int_equal(hits[0].value, 8);
	ip = A("2001:db8:1::1");
	assert_int_equal(kc_attrib_ip(a, &ip, hits, 8), 2);
	assert_int_equal(hits[0].value, 648);
	assert_int_equal(hits[0].plen, 48);
	assert_int_equal(hits[1].value, 632);

	/* kc_attrib_prefix: entries that contain p, p itself flagged exact. */
	c = P("10.0.1.0/24");
	assert_int_equal(kc_attrib_prefix(a, &c, hits, 8), 3);
	assert_int_equal(hits[0].value, 24);
	assert_true(hits[0].exact);
	assert_int_equal(hits[1].value, 16);
	assert_false(hits[1].exact);
	assert_int_equal(hits[2].value, 8);
	c = P("10.0.1.0/25"); /* inside the /24, not registered */
	assert_int_equal(kc_attrib_prefix(a, &c, hits, 8), 3);
	assert_int_equal(hits[0].value, 24);
	assert_false(hits[0].exact);
	c = P("10.0.1.16/28");
	assert_int_equal(kc_attrib_prefix(a, &c, hits, 8), 4);
	assert_int_equal(hits[0].value, 28);
	assert_true(hits[0].exact);
	c = P("10.0.0.0/7"); /* wider than everything */
	assert_int_equal(kc_attrib_prefix(a, &c, hits, 8), 0);
	c = P("10.0.0.0/8");
	assert_int_equal(kc_attrib_prefix(a, &c, hits, 8), 1);
	assert_true(hits[0].exact);
	c = P("10.0.1.20"); /* a host: its /32 and everything around it */
	assert_int_equal(kc_attrib_prefix(a, &c, hits, 8), 5);
	assert_true(hits[0].exact);
	c = P("::ffff:10.0.1.0/120"); /* mapped: the IPv4 /24 */
	assert_int_equal(kc_attrib_prefix(a, &c, hits, 8), 3);
	assert_int_equal(hits[0].value, 24);
	assert_true(hits[0].exact);
	c = P("2001:db8::/33");
	assert_int_equal(kc_attrib_prefix(a, &c, hits, 8), 1);
	assert_int_equal(hits[0].value, 632);
	assert_false(hits[0].exact);
	c = P("2001:db8:1::/48");
	assert_int_equal(kc_attrib_prefix(a, &c, hits, 1), 1);
	assert_int_equal(hits[0].value, 648);
	assert_true(hits[0].exact);
	kc_attrib_free(a);
}

static void as_numbers(void **state)
{
	kc_attrib *a = kc_attrib_new();
	uint32_t v = 0;
	kc_err err;

	(void)state;
	assert_int_equal(kc_attrib_add_asn(a, 64500, 1, &err), 0);
	assert_int_equal(kc_attrib_add_asn(a, 0, 2, &err), 0);
	assert_int_equal(kc_attrib_add_asn(a, UINT32_MAX, 3, &err), 0);
	for (uint32_t i = 0; i < 3000; i++) /* past a few table growths */
		assert_int_equal(kc_attrib_add_asn(a, 100000 + i * 7, 1000 + i, &err), 0);
	build(a);
	assert_true(kc_attrib_asn(a, 64500, &v));
	assert_int_equal(v, 1);
	assert_true(kc_attrib_asn(a, 0, &v));
	assert_int_equal(v, 2);
	assert_true(kc_attrib_asn(a, UINT32_MAX, &v));
	assert_int_equal(v, 3);
	assert_false(kc_attrib_asn(a, 64501, &v));
	for (uint32_t i = 0; i < 3000; i++) {
		assert_true(kc_attrib_asn(a, 100000 + i * 7, &v));
		assert_int_equal(v, 1000 + i);
		assert_false(kc_attrib_asn(a, 100000 + i * 7 + 1, &v));
	}
	kc_attrib_free(a);
}

static void domains_by_suffix(void **state)
{
	kc_attrib *a = kc_attrib_new();
	kc_attrib_hit hits[8];
	kc_err err;

	(void)state;
	kc_i18n_set_lang(KC_LANG_EN);
	assert_int_equal(kc_attrib_add_domain(a, "bergen.kommune.no", 0, 10, &err), 0);
	assert_int_equal(kc_attrib_add_domain(a, "intern.bergen.kommune.no", 0, 11, &err), 0);
	assert_int_equal(kc_attrib_add_domain(a, "www.oslo.kommune.no", 1, 12, &err), 0);
	assert_int_equal(kc_attrib_add_domain(a, "no", 0, 13, &err), 0);
	assert_int_equal(kc_attrib_add_domain(a, "xn--b-5fa.kommune.no", 0, 14, &err), 0);
	assert_int_equal(kc_attrib_add_domain(a, "mail.bergen.kommune.no", 1, 15, &err), 0);
	/* Malformed names are refused. */
	assert_int_equal(kc_attrib_add_domain(a, "", 0, 1, &err), KC_EINVAL);
	assert_int_equal(kc_attrib_add_domain(a, ".", 0, 1, &err), KC_EINVAL);
	assert_int_equal(kc_attrib_add_domain(a, "a..no", 0, 1, &err), KC_EINVAL);
	assert_string_equal(err.msg, "a..no: not a domain name");
	assert_int_equal(kc_attrib_add_domain(a, ".a.no", 0, 1, &err), KC_EINVAL);
	assert_int_equal(kc_attrib_add_domain(a, "a b.no", 0, 1, &err), KC_EINVAL);
	assert_int_equal(kc_attrib_add_domain(a, "bø.no", 0, 1, &err), KC_EINVAL);
	{
		char label[70], name[300];

		memset(label, 'a', 64);
		label[64] = '\0';
		snprintf(name, sizeof(name), "%s.no", label);
		assert_int_equal(kc_attrib_add_domain(a, name, 0, 1, &err), KC_EINVAL);
		label[63] = '\0';
		snprintf(name, sizeof(name), "%s.no", label); /* 63 is the limit */
		assert_int_equal(kc_attrib_add_domain(a, name, 0, 16, &err), 0);
		memset(name, 0, sizeof(name));
		for (int i = 0; i < 127; i++)
			memcpy(name + 2 * i, "a.", 2);
		name[253] = 'a'; /* 254 bytes */
		assert_int_equal(kc_attrib_add_domain(a, name, 0, 1, &err), KC_EINVAL);
		name[253] = '\0';
		name[252] = 'b'; /* "a.a. ... .ab": 253 bytes */
		assert_int_equal(kc_attrib_add_domain(a, name, 0, 17, &err), 0);
	}
	build(a);
#define D(name) kc_attrib_domain(a, name, strlen(name), hits, 8)
	assert_int_equal(D("a.b.bergen.kommune.no"), 2);
	assert_int_equal(hits[0].value, 10);
	assert_int_equal(hits[0].plen, 3);
	assert_false(hits[0].exact);
	assert_int_equal(hits[1].value, 13); /* then "no" */
	assert_int_equal(hits[1].plen, 1);
	assert_int_equal(D("bergen.kommune.no"), 2);
	assert_int_equal(hits[0].value, 10);
	assert_true(hits[0].exact);
	assert_int_equal(D("BERGEN.kommune.no."), 2);
	assert_int_equal(hits[0].value, 10);
	assert_true(hits[0].exact);
	assert_int_equal(D("xbergen.kommune.no"), 1); /* not bergen's; only "no" */
	assert_int_equal(hits[0].value, 13);
	assert_int_equal(D("kommune.no"), 1);
	assert_int_equal(hits[0].value, 13);
	assert_int_equal(D("x.intern.bergen.kommune.no"), 3); /* longest suffix first */
	assert_int_equal(hits[0].value, 11);
	assert_int_equal(hits[0].plen, 4);
	assert_int_equal(hits[1].value, 10);
	assert_int_equal(hits[2].value, 13);
	assert_int_equal(kc_attrib_domain(a, "x.intern.bergen.kommune.no", 26, hits, 1), 1);
	assert_int_equal(hits[0].value, 11);
	/* An exact-host entry covers only itself. */
	assert_int_equal(D("www.oslo.kommune.no"), 2);
	assert_int_equal(hits[0].value, 12);
	assert_true(hits[0].exact);
	assert_int_equal(D("sub.www.oslo.kommune.no"), 1);
	assert_int_equal(hits[0].value, 13);
	assert_int_equal(D("Mail.Bergen.Kommune.No"), 3);
	assert_int_equal(hits[0].value, 15);
	assert_int_equal(hits[1].value, 10);
	assert_int_equal(D("x.mail.bergen.kommune.no"), 2);
	assert_int_equal(hits[0].value, 10);
	assert_int_equal(D("xn--b-5fa.kommune.no"), 2);
	assert_int_equal(hits[0].value, 14);
	/* Not names: nothing found. */
	assert_int_equal(D(""), 0);
	assert_int_equal(D("."), 0);
	assert_int_equal(D("a..bergen.kommune.no"), 0);
	assert_int_equal(D(".bergen.kommune.no"), 0);
	assert_int_equal(D("bergen.kommune.no.."), 0);
	assert_int_equal(D("com"), 0);
	/* Only s[0..n) is read. */
	assert_int_equal(kc_attrib_domain(a, "bergen.kommune.nox", 17, hits, 8), 2);
	assert_int_equal(hits[0].value, 10);
	kc_attrib_free(a);
}

/* A fixed, portable sequence (xorshift64). */
static uint64_t rng = 88172645463325252ULL;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void clear_host_bits(kc_cidr *c)
{
	unsigned total = c->addr.family == 4 ? 32 : 128;

	for (unsigned bit = c->len; bit < total; bit++)
		c->addr.bytes[bit / 8] &= (uint8_t) ~(0x80u >> (bit % 8));
}

/* A random prefix; inside parent (when given, same family) for nesting. IPv4
 * falls in 10.0.0.0/6, IPv6 in a few /32s, so that prefixes crowd. */
static void random_prefix(kc_cidr *c, int v6, const kc_cidr *parent)
{
	memset(c, 0, sizeof(*c));
	c->addr.family = v6 ? 6 : 4;
	for (int i = 0; i < (v6 ? 16 : 4); i++)
		c->addr.bytes[i] = (uint8_t)next();
	if (v6) {
		static const uint8_t tops[][4] = { { 0x20, 0x01, 0x0d, 0xb8 }, { 0x20, 0x01, 0x07, 0x00 },
						   { 0x2a, 0x01, 0x00, 0x00 }, { 0xfc, 0x00, 0x00, 0x00 } };

		memcpy(c->addr.bytes, tops[next() % 4], 4);
		c->len = (uint8_t)(next() % 8 == 0 ? 16 + next() % 16 : 32 + next() % 97);
	} else {
		c->addr.bytes[0] = (uint8_t)(10 + next() % 4);
		c->len = (uint8_t)(4 + next() % 29);
	}
	if (parent && parent->addr.family == c->addr.family && parent->len < (v6 ? 128 : 32)) {
		unsigned max = v6 ? 128 : 32;

		for (unsigned bit = 0; bit < parent->len; bit++) {
			uint8_t m = (uint8_t)(0x80u >> (bit % 8));

			c->addr.bytes[bit / 8] = (uint8_t)((c->addr.bytes[bit / 8] & ~m) | (parent->addr.bytes[bit / 8] & m));
		}
		c->len = (uint8_t)(parent->len + 1 + next() % (max - parent->len));
	}
	clear_host_bits(c);
}

/* The naive model: every prefix as (family, start, mask) integers. */
struct model {
	uint8_t family;
	uint8_t len;
	u128 start, mask;
};

static u128 key_of(const kc_ip *ip)
{
	u128 k = 0;

	for (int i = 0; i < (ip->family == 4 ? 4 : 16); i++)
		k = k << 8 | ip->bytes[i];
	return k;
}

static struct model model_of(const kc_cidr *c)
{
	unsigned bits = c->addr.family == 4 ? 32 : 128;
	struct model m;

	m.family = c->addr.family;
	m.len = c->len;
	m.start = key_of(&c->addr);
	m.mask = c->len == 0 ? 0 : ~(u128)0 << (bits - c->len);
	return m;
}

/* Indexes of the prefixes that contain ip, most specific first; the count.
 * Along one chain the lengths are distinct, so the order is total. */
static int naive(const struct model *ms, size_t n, const kc_ip *ip, uint32_t *out, int max)
{
	u128 k = key_of(ip);
	int cnt = 0;

	for (size_t i = 0; i < n; i++) {
		int at;

		if (ms[i].family != ip->family || (k & ms[i].mask) != ms[i].start)
			continue;
		if (cnt == max)
			fail_msg("a chain longer than %d", max);
		for (at = cnt++; at > 0 && ms[out[at - 1]].len < ms[i].len; at--)
			out[at] = out[at - 1];
		out[at] = (uint32_t)i;
	}
	return cnt;
}

static void set_key(kc_ip *ip, u128 k)
{
	for (int i = (ip->family == 4 ? 4 : 16) - 1; i >= 0; i--, k >>= 8)
		ip->bytes[i] = (uint8_t)k;
}

/* Half inside a registered prefix (so that lookups hit), some of those just
 * outside one, the rest anywhere near the registered space; now and then
 * written IPv4-mapped. */
static void random_address(kc_ip *ip, const kc_cidr *ps, size_t n)
{
	if (next() % 2) {
		const kc_cidr *p = &ps[next() % n];
		unsigned bits = p->addr.family == 4 ? 32 : 128;

		*ip = p->addr;
		if (next() % 8 == 0) {
			u128 start = key_of(&p->addr), host = p->len == bits ? 0 : (~(u128)0 >> (128 - bits + p->len));

			set_key(ip, (next() & 1) ? start - 1 : (start | host) + 1);
		} else {
			for (unsigned bit = p->len; bit < bits; bit++)
				if (next() & 1)
					ip->bytes[bit / 8] ^= (uint8_t)(0x80u >> (bit % 8));
		}
	} else {
		kc_cidr r;

		random_prefix(&r, (int)(next() & 1), NULL);
		*ip = r.addr;
		for (int i = 1; i < (ip->family == 4 ? 4 : 16); i++)
			ip->bytes[i] = (uint8_t)next();
		if (next() % 16 == 0) /* anywhere at all */
			ip->bytes[0] = (uint8_t)next();
	}
	if (ip->family == 4 && next() % 16 == 0) {
		uint8_t v4[4];

		memcpy(v4, ip->bytes, 4);
		memset(ip, 0, sizeof(*ip));
		ip->family = 6;
		ip->bytes[10] = ip->bytes[11] = 0xff;
		memcpy(ip->bytes + 12, v4, 4);
	}
}

static void agrees_with_a_naive_scan(void **state)
{
	enum { NPREFIX = 5000, NLOOKUP = 100000, CHAIN = 64 };
	kc_cidr *ps = calloc(NPREFIX + 8, sizeof(*ps));
	struct model *ms = calloc(NPREFIX + 8, sizeof(*ms));
	kc_attrib *a = kc_attrib_new();
	size_t n = 0, found_n = 0, nested = 0, chains = 0;
	kc_err err;

	(void)state;
	assert_non_null(ps);
	assert_non_null(ms);
	for (int i = 0; i < NPREFIX; i++) {
		const kc_cidr *parent = n > 0 && next() % 3 == 0 ? &ps[next() % n] : NULL;
		int rc;

		random_prefix(&ps[n], parent ? parent->addr.family == 6 : (int)(i % 2), parent);
		rc = kc_attrib_add_prefix(a, &ps[n], (uint32_t)n, &err);
		if (rc == KC_EEXIST)
			continue;
		assert_int_equal(rc, 0);
		nested += parent != NULL;
		ms[n] = model_of(&ps[n]);
		n++;
	}
	build(a);
	assert_true(nested > NPREFIX / 4);
	for (int i = 0; i < NLOOKUP; i++) {
		uint32_t want[CHAIN], got = 0;
		kc_attrib_hit hits[CHAIN];
		kc_ip ip, look;
		int nw, found, nh;

		random_address(&look, ps, n);
		ip = kc_ip_unmap(&look); /* the model: mapped is IPv4 */
		nw = naive(ms, n, &ip, want, CHAIN);
		found = kc_attrib_ip1(a, &look, &got);
		if (found != (nw > 0) || (found && got != want[0])) {
			char t[KC_IP_STRLEN], p1[KC_CIDR_STRLEN], p2[KC_CIDR_STRLEN];

			fail_msg("lookup %d of %s: engine %s, naive %s", i, kc_ip_format(&look, t),
				 found ? kc_cidr_format(&ps[got], p1) : "-", nw ? kc_cidr_format(&ps[want[0]], p2) : "-");
		}
		found_n += (size_t)found;
		if (i % 10)
			continue;
		/* The whole chain, every tenth lookup. */
		nh = kc_attrib_ip(a, &look, hits, CHAIN);
		assert_int_equal(nh, nw);
		for (int k = 0; k < nh; k++) {
			assert_int_equal(hits[k].value, want[k]);
			assert_int_equal(hits[k].plen, ms[want[k]].len);
		}
		chains += nh > 1;
	}
	/* kc_attrib_prefix for every registered prefix: itself, exact, first. */
	for (size_t i = 0; i < n; i++) {
		kc_attrib_hit hits[CHAIN];
		uint32_t want[CHAIN];
		int nw = naive(ms, n, &ps[i].addr, want, CHAIN), nh = kc_attrib_prefix(a, &ps[i], hits, CHAIN), k = 0;

		assert_true(nh >= 1);
		assert_int_equal(hits[0].value, i);
		assert_true(hits[0].exact);
		for (int j = 0; j < nw; j++) /* the naive chain of its first address, cut at its length */
			if (ms[want[j]].len <= ps[i].len) {
				assert_true(k < nh);
				assert_int_equal(hits[k].value, want[j]);
				assert_int_equal(hits[k].exact, k == 0);
				k++;
			}
		assert_int_equal(k, nh);
	}
	assert_true(found_n > NLOOKUP / 3);
	assert_true(found_n < NLOOKUP);
	assert_true(chains > NLOOKUP / 100);
	kc_attrib_free(a);
	free(ps);
	free(ms);
}

/* Many prefixes inside one /48: the index must go deep, and still agree. */
static void crowded_prefixes_agree(void **state)
{
	enum { N = 3000 };
	kc_cidr *ps = calloc(N, sizeof(*ps));
	struct model *ms = calloc(N, sizeof(*ms));
	kc_attrib *a = kc_attrib_new();
	kc_cidr outer = P("2001:db8:77::/48");
	size_t n = 0;

	(void)state;
	for (int i = 0; i < N; i++) {
		random_prefix(&ps[n], 1, &outer);
		if (i % 3 == 0 && n > 0)
			random_prefix(&ps[n], 1, &ps[next() % n]);
		if (kc_attrib_add_prefix(a, &ps[n], (uint32_t)n, NULL) == 0) {
			ms[n] = model_of(&ps[n]);
			n++;
		}
	}
	build(a);
	for (int i = 0; i < 30000; i++) {
		uint32_t want[160], got = 0;
		kc_ip ip;
		int nw, found;

		random_address(&ip, ps, n);
		if (i % 2)
			memcpy(ip.bytes, outer.addr.bytes, 6);
		nw = naive(ms, n, &ip, want, 160);
		found = kc_attrib_ip1(a, &ip, &got);
		assert_int_equal(found, nw > 0);
		if (found)
			assert_int_equal(got, want[0]);
	}
	kc_attrib_free(a);
	free(ps);
	free(ms);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(nested_ipv4_most_specific_wins),
		cmocka_unit_test(nested_ipv6_and_mapped_prefixes),
		cmocka_unit_test(default_routes_empty_and_misuse),
		cmocka_unit_test(duplicates_keep_the_first),
		cmocka_unit_test(chains_most_specific_first),
		cmocka_unit_test(as_numbers),
		cmocka_unit_test(domains_by_suffix),
		cmocka_unit_test(agrees_with_a_naive_scan),
		cmocka_unit_test(crowded_prefixes_agree),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
