/*
 * fuzz_attrib.c - libFuzzer harness for the attribution engine
 * (src/org/attrib.c). The input chooses up to 63 prefixes and 15 domain
 * names, then any number of address and name lookups; each lookup must agree
 * with a naive scan: kc_attrib_ip1 with the most specific prefix, kc_attrib_ip
 * with the whole chain, kc_attrib_domain with every covering name. The naive
 * model follows the engine's rule for IPv4-mapped IPv6 (::ffff:0:0/96):
 * such addresses and prefixes are IPv4.
 *
 * Layout: [nprefix & 63] [ndomain & 15] then per prefix 18 bytes (family bit,
 * length, address), per domain 3 bytes (label count, exact bit, 4 label
 * picks of 3 bits), then lookups of 17 bytes: bit 1 of the first byte picks a
 * domain lookup (the next 3 bytes as above, plus case and trailing dot) over
 * an address lookup.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/ip.h"
#include "org/attrib.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAXP 63
#define MAXD 15
#define CHAIN 160

static size_t take(const uint8_t **d, size_t *n, void *out, size_t want)
{
	size_t k = want < *n ? want : *n;

	memset(out, 0, want);
	if (k)
		memcpy(out, *d, k);
	*d += k;
	*n -= k;
	return k;
}

static void clear_host_bits(kc_cidr *c)
{
	unsigned total = c->addr.family == 4 ? 32 : 128;

	for (unsigned bit = c->len; bit < total; bit++)
		c->addr.bytes[bit / 8] &= (uint8_t) ~(0x80u >> (bit % 8));
}

/* A name from 3 bytes: 1-4 labels out of a few that nest into each other. */
static void make_name(const uint8_t b[3], char *out, size_t cap, int *exact)
{
	static const char *const labels[] = { "no", "kommune", "bergen", "a", "b", "xbergen", "www", "x-1" };
	unsigned picks = (unsigned)b[1] << 8 | b[2], nl = 1 + (b[0] & 3);
	size_t at = 0;

	*exact = (b[0] >> 2) & 1;
	out[0] = '\0';
	/* Built from the TLD outwards, so that names share suffixes. */
	for (unsigned i = 0; i < nl; i++) {
		const char *l = i == 0 ? ((picks & 1) ? "no" : "kommune.no") : labels[(picks >> (3 * i)) & 7];
		char tmp[128];

		snprintf(tmp, sizeof(tmp), "%s%s%s", l, at ? "." : "", out);
		at = strlen(tmp);
		if (at >= cap)
			return;
		memcpy(out, tmp, at + 1);
	}
}

static int ends_with_label(const char *name, const char *suffix)
{
	size_t n = strlen(name), k = strlen(suffix);

	return n > k && name[n - k - 1] == '.' && !memcmp(name + n - k, suffix, k);
}

static size_t count_labels(const char *s)
{
	size_t n = 1;

	for (; *s; s++)
		n += *s == '.';
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	kc_cidr ps[MAXP];
	char names[MAXD][128];
	int exact[MAXD];
	size_t np = 0, nd = 0;
	kc_attrib *a = kc_attrib_new();
	uint8_t hdr[2];

	if (!a)
		return 0;
	take(&data, &size, hdr, 2);
	for (int i = 0; i < (hdr[0] & MAXP) && size; i++) {
		uint8_t b[18];
		kc_cidr *c = &ps[np];

		take(&data, &size, b, sizeof(b));
		memset(c, 0, sizeof(*c));
		c->addr.family = (b[0] & 1) ? 6 : 4;
		c->len = (uint8_t)(b[1] % (c->addr.family == 4 ? 33 : 129));
		memcpy(c->addr.bytes, b + 2, c->addr.family == 4 ? 4 : 16);
		c->addr.bytes[0] &= 3; /* few distinct top bytes, so that prefixes nest */
		if (c->addr.family == 6 && (b[0] & 2)) /* now and then IPv4-mapped */
			memcpy(c->addr.bytes, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12);
		clear_host_bits(c);
		if (kc_attrib_add_prefix(a, c, (uint32_t)np, NULL) != 0)
			continue;
		if (c->addr.family == 6 && c->len >= 96 && kc_ip_unmap(&c->addr).family == 4) {
			c->addr = kc_ip_unmap(&c->addr);
			c->len = (uint8_t)(c->len - 96);
		}
		np++;
	}
	for (int i = 0; i < (hdr[1] & MAXD) && size; i++) {
		uint8_t b[3];

		take(&data, &size, b, sizeof(b));
		make_name(b, names[nd], sizeof(names[nd]), &exact[nd]);
		if (kc_attrib_add_domain(a, names[nd], exact[nd], (uint32_t)nd, NULL) == 0)
			nd++;
	}
	if (kc_attrib_build(a, NULL))
		abort();
	while (size) {
		uint8_t b[17];

		take(&data, &size, b, sizeof(b));
		if (b[0] & 2) {
			char q[130];
			kc_attrib_hit hits[MAXD + 1];
			uint32_t want[MAXD];
			size_t wl[MAXD];
			int dummy, nw = 0, nh;
			size_t qn;

			make_name(b + 1, q, sizeof(q) - 1, &dummy);
			for (size_t k = 0; k < nd; k++) {
				int at;

				if (strcmp(names[k], q) && (exact[k] || !ends_with_label(q, names[k])))
					continue;
				for (at = nw++; at > 0 && wl[at - 1] < count_labels(names[k]); at--) {
					want[at] = want[at - 1];
					wl[at] = wl[at - 1];
				}
				want[at] = (uint32_t)k;
				wl[at] = count_labels(names[k]);
			}
			qn = strlen(q);
			if (b[4] & 1) /* a trailing dot is ignored */
				q[qn++] = '.';
			for (size_t k = 0; k < qn; k++) /* so is ASCII case */
				if ((b[5 + k % 8] >> (k / 16 % 8)) & 1 && q[k] >= 'a' && q[k] <= 'z')
					q[k] = (char)(q[k] - 'a' + 'A');
			nh = kc_attrib_domain(a, q, qn, hits, MAXD + 1);
			if (nh != nw)
				abort();
			for (int k = 0; k < nh; k++)
				if (hits[k].value != want[k] || hits[k].plen != wl[k])
					abort();
			continue;
		}
		{
			kc_attrib_hit hits[CHAIN];
			uint32_t got = 0, want[CHAIN];
			int nw = 0, nh, found;
			kc_ip ip, look;

			memset(&ip, 0, sizeof(ip));
			ip.family = (b[0] & 1) ? 6 : 4;
			memcpy(ip.bytes, b + 1, ip.family == 4 ? 4 : 16);
			ip.bytes[0] &= 3;
			if (ip.family == 6 && (b[0] & 4))
				memcpy(ip.bytes, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12);
			look = ip;
			ip = kc_ip_unmap(&ip);
			for (size_t k = 0; k < np; k++) {
				int at;

				if (!kc_cidr_contains(&ps[k], &ip))
					continue;
				for (at = nw++; at > 0 && ps[want[at - 1]].len < ps[k].len; at--)
					want[at] = want[at - 1];
				want[at] = (uint32_t)k;
			}
			found = kc_attrib_ip1(a, &look, &got);
			if (found != (nw > 0) || (found && got != want[0]))
				abort();
			nh = kc_attrib_ip(a, &look, hits, CHAIN);
			if (nh != nw)
				abort();
			for (int k = 0; k < nh; k++)
				if (hits[k].value != want[k] || hits[k].plen != ps[want[k]].len)
					abort();
		}
	}
	kc_attrib_free(a);
	return 0;
}
