/* Unit tests: the attribution engine, and a randomized cross-check against a
 * naive scan over thousands of nested prefixes. */
#include "../test.h"
#include "base/ip.h"
#include "org/attrib.h"

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

static uint32_t who(const kc_attrib *a, const char *ip)
{
	kc_ip x = A(ip);
	uint32_t v = 999;

	return kc_attrib_ip1(a, &x, &v) ? v : 0;
}

static void longest_prefix_wins(void **state)
{
	kc_attrib *a = kc_attrib_new();
	kc_attrib_hit hits[8];
	kc_cidr c;
	kc_ip ip;
	kc_err err;

	(void)state;
	c = P("10.0.0.0/16");
	assert_int_equal(kc_attrib_add_prefix(a, &c, 16, &err), 0);
	c = P("10.0.1.0/24");
	assert_int_equal(kc_attrib_add_prefix(a, &c, 24, &err), 0);
	c = P("10.0.1.16/28");
	assert_int_equal(kc_attrib_add_prefix(a, &c, 28, &err), 0);
	c = P("10.0.2.0/24");
	assert_int_equal(kc_attrib_add_prefix(a, &c, 242, &err), 0);
	c = P("10.0.1.0/24");
	assert_int_equal(kc_attrib_add_prefix(a, &c, 1, &err), KC_EEXIST);
	c = P("2001:db8::/32");
	assert_int_equal(kc_attrib_add_prefix(a, &c, 32, &err), 0);
	c = P("2001:db8:1::/48");
	assert_int_equal(kc_attrib_add_prefix(a, &c, 48, &err), 0);
	c = P("2001:db8:1::5");
	assert_int_equal(kc_attrib_add_prefix(a, &c, 128, &err), 0);
	c = P("::ffff:192.0.2.0/120");
	assert_int_equal(kc_attrib_add_prefix(a, &c, 4, &err), 0); /* stored as 192.0.2.0/24 */
	assert_int_equal(kc_attrib_build(a, &err), 0);
	assert_int_equal(kc_attrib_add_prefix(a, &c, 4, &err), KC_EINTERNAL);

	assert_int_equal(who(a, "10.0.1.17"), 28);
	assert_int_equal(who(a, "10.0.1.32"), 24);
	assert_int_equal(who(a, "10.0.1.15"), 24);
	assert_int_equal(who(a, "10.0.0.255"), 16);
	assert_int_equal(who(a, "10.0.2.0"), 242);
	assert_int_equal(who(a, "10.0.3.0"), 16);
	assert_int_equal(who(a, "10.1.0.0"), 0);
	assert_int_equal(who(a, "9.255.255.255"), 0);
	assert_int_equal(who(a, "0.0.0.0"), 0);
	assert_int_equal(who(a, "255.255.255.255"), 0);
	assert_int_equal(who(a, "2001:db8:1::5"), 128);
	assert_int_equal(who(a, "2001:db8:1::6"), 48);
	assert_int_equal(who(a, "2001:db8:2::"), 32);
	assert_int_equal(who(a, "2001:db9::"), 0);
	assert_int_equal(who(a, "192.0.2.77"), 4);
	assert_int_equal(who(a, "::ffff:10.0.1.20"), 28); /* mapped is looked up as IPv4 */

	ip = A("10.0.1.20");
	assert_int_equal(kc_attrib_ip(a, &ip, hits, 8), 3);
	assert_int_equal(hits[0].value, 28);
	assert_int_equal(hits[0].plen, 28);
	assert_int_equal(hits[1].value, 24);
	assert_int_equal(hits[2].value, 16);
	assert_int_equal(kc_attrib_ip(a, &ip, hits, 2), 2);
	c = P("10.0.1.0/24");
	assert_int_equal(kc_attrib_prefix(a, &c, hits, 8), 2);
	assert_int_equal(hits[0].value, 24);
	assert_true(hits[0].exact);
	assert_false(hits[1].exact);
	c = P("10.0.1.0/25");
	assert_int_equal(kc_attrib_prefix(a, &c, hits, 8), 2);
	assert_false(hits[0].exact);
	c = P("10.0.0.0/8");
	assert_int_equal(kc_attrib_prefix(a, &c, hits, 8), 0);
	assert_true(kc_attrib_memory(a) > 0);
	kc_attrib_free(a);
}

static void default_routes_and_empty(void **state)
{
	kc_attrib *a = kc_attrib_new();
	kc_cidr c;
	kc_err err;

	(void)state;
	assert_int_equal(kc_attrib_build(a, &err), 0);
	assert_int_equal(who(a, "1.2.3.4"), 0);
	assert_int_equal(who(a, "::1"), 0);
	kc_attrib_free(a);
	a = kc_attrib_new();
	c = P("0.0.0.0/0");
	assert_int_equal(kc_attrib_add_prefix(a, &c, 1, &err), 0);
	c = P("::/0");
	assert_int_equal(kc_attrib_add_prefix(a, &c, 2, &err), 0);
	c = P("255.255.255.255/32");
	assert_int_equal(kc_attrib_add_prefix(a, &c, 3, &err), 0);
	assert_int_equal(kc_attrib_build(a, &err), 0);
	assert_int_equal(who(a, "1.2.3.4"), 1);
	assert_int_equal(who(a, "255.255.255.255"), 3);
	assert_int_equal(who(a, "255.255.255.254"), 1);
	assert_int_equal(who(a, "ffff::1"), 2);
	kc_attrib_free(a);
}

static void asns_and_domains(void **state)
{
	kc_attrib *a = kc_attrib_new();
	kc_attrib_hit hits[8];
	uint32_t v;
	kc_err err;

	(void)state;
	assert_int_equal(kc_attrib_add_asn(a, 64500, 1, &err), 0);
	assert_int_equal(kc_attrib_add_asn(a, 64500, 2, &err), KC_EEXIST);
	assert_int_equal(kc_attrib_add_domain(a, "bergen.kommune.no", 0, 10, &err), 0);
	assert_int_equal(kc_attrib_add_domain(a, "intern.bergen.kommune.no", 0, 11, &err), 0);
	assert_int_equal(kc_attrib_add_domain(a, "www.oslo.kommune.no", 1, 12, &err), 0);
	assert_int_equal(kc_attrib_add_domain(a, "bergen.kommune.no", 1, 13, &err), KC_EEXIST);
	assert_int_equal(kc_attrib_build(a, &err), 0);
	assert_true(kc_attrib_asn(a, 64500, &v));
	assert_int_equal(v, 1);
	assert_false(kc_attrib_asn(a, 64501, &v));
#define D(name) kc_attrib_domain(a, name, strlen(name), hits, 8)
	assert_int_equal(D("a.b.bergen.kommune.no"), 1);
	assert_int_equal(hits[0].value, 10);
	assert_int_equal(hits[0].plen, 3);
	assert_false(hits[0].exact);
	assert_int_equal(D("BERGEN.kommune.no."), 1);
	assert_true(hits[0].exact);
	assert_int_equal(D("xbergen.kommune.no"), 0);
	assert_int_equal(D("kommune.no"), 0);
	assert_int_equal(D("x.intern.bergen.kommune.no"), 2);
	assert_int_equal(hits[0].value, 11);
	assert_int_equal(hits[1].value, 10);
	assert_int_equal(D("www.oslo.kommune.no"), 1);
	assert_int_equal(D("sub.www.oslo.kommune.no"), 0);
	assert_int_equal(D(""), 0);
	kc_attrib_free(a);
}

/* xorshift: a fixed, portable sequence. */
static uint64_t rng = 88172645463325252ULL;
static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void random_prefix(kc_cidr *c, int v6)
{
	memset(c, 0, sizeof(*c));
	c->addr.family = v6 ? 6 : 4;
	if (v6) {
		uint64_t hi = next(), lo = next();

		/* Concentrate in a few /16s so that nesting happens. */
		hi = (hi & 0x0000ffffffffffffULL) | ((uint64_t)(0x2001 + (next() % 3)) << 48);
		for (int i = 0; i < 8; i++) {
			c->addr.bytes[i] = (uint8_t)(hi >> (56 - 8 * i));
			c->addr.bytes[8 + i] = (uint8_t)(lo >> (56 - 8 * i));
		}
		c->len = (uint8_t)(16 + next() % 113);
	} else {
		uint32_t x = (uint32_t)next();

		x = (x & 0x00ffffffu) | ((uint32_t)(10 + next() % 4) << 24);
		for (int i = 0; i < 4; i++)
			c->addr.bytes[i] = (uint8_t)(x >> (24 - 8 * i));
		c->len = (uint8_t)(8 + next() % 25);
	}
	for (unsigned bit = c->len; bit < (v6 ? 128u : 32u); bit++)
		c->addr.bytes[bit / 8] &= (uint8_t) ~(0x80u >> (bit % 8));
}

static void agrees_with_a_naive_scan(void **state)
{
	enum { NPREFIX = 5000, NLOOKUP = 40000 };
	kc_cidr *ps = calloc(NPREFIX, sizeof(*ps));
	kc_attrib *a = kc_attrib_new();
	size_t n = 0, hits = 0;
	kc_err err;

	(void)state;
	for (int i = 0; i < NPREFIX; i++) {
		random_prefix(&ps[n], i % 2);
		if (kc_attrib_add_prefix(a, &ps[n], (uint32_t)n, &err) == 0)
			n++;
	}
	assert_int_equal(kc_attrib_build(a, &err), 0);
	for (int i = 0; i < NLOOKUP; i++) {
		kc_ip ip;
		uint32_t got, want = UINT32_MAX;
		int best = -1, found;

		if (i % 2) { /* near a registered prefix, so that lookups hit */
			kc_cidr *p = &ps[next() % n];

			ip = p->addr;
			for (unsigned bit = p->len; bit < (ip.family == 4 ? 32u : 128u); bit++)
				if (next() & 1)
					ip.bytes[bit / 8] ^= (uint8_t)(0x80u >> (bit % 8));
		} else {
			kc_cidr r;

			random_prefix(&r, (int)(next() & 1));
			ip = r.addr;
			for (int k = 0; k < (ip.family == 4 ? 4 : 16); k++)
				ip.bytes[k] ^= (uint8_t)next();
		}
		for (size_t k = 0; k < n; k++) {
			if (kc_cidr_contains(&ps[k], &ip) && (int)ps[k].len > best) {
				best = ps[k].len;
				want = (uint32_t)k;
			}
		}
		found = kc_attrib_ip1(a, &ip, &got);
		if (found != (best >= 0) || (found && got != want)) {
			char t[KC_IP_STRLEN];

			fail_msg("lookup %d of %s: engine %d/%u, naive %u", i, kc_ip_format(&ip, t), found, found ? got : 0,
				 want);
		}
		hits += found;
	}
	assert_true(hits > NLOOKUP / 3);
	kc_attrib_free(a);
	free(ps);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(longest_prefix_wins),
		cmocka_unit_test(default_routes_and_empty),
		cmocka_unit_test(asns_and_domains),
		cmocka_unit_test(agrees_with_a_naive_scan),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
