/*
 * bench/whois.c - lookups per second of the attribution engine, beside a
 * naive linear scan in the same run.
 *
 * Registers 60,000 random prefixes (deterministic seed): half IPv4 /8-/32
 * (one in 500 shorter than /16), half IPv6 /20-/64 inside 2001:db8::/32,
 * 2001:700::/32 and the /16s 2a01::, 2a02::, 2a03:: (one in 500 shorter than
 * /32); a third are drawn inside an earlier prefix, so they nest (the output
 * counts how many ended up inside another). Then 1,000,000 addresses, half
 * inside a registered prefix (they hit, at some depth), half uniform (IPv4
 * anywhere, IPv6 anywhere inside the five regions), go through kc_attrib_ip1,
 * several passes, the best reported, also per family. The baseline is a
 * linear scan with kc_cidr_contains over the same prefixes; it is thousands
 * of times slower, so it runs on an evenly spread sample of the addresses and
 * the output says so. Both must agree on that sample (exit 1 if not). A
 * checksum of the values found keeps the compiler from dropping the work.
 *
 *   make build/bench/whois && build/bench/whois [PREFIXES [LOOKUPS [SAMPLE]]]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/ip.h"
#include "org/attrib.h"
#include "bench.h"

#define PASSES 7
#define TARGET 20e6 /* lookups/s the engine is meant to reach on one core */

static void clear_host_bits(kc_cidr *c)
{
	unsigned total = c->addr.family == 4 ? 32 : 128;

	for (unsigned bit = c->len; bit < total; bit++)
		c->addr.bytes[bit / 8] &= (uint8_t) ~(0x80u >> (bit % 8));
}

/* The IPv6 regions: 2001:db8::/32, 2001:700::/32, 2a01::/16, 2a02::/16, 2a03::/16. */
static void v6_region(uint8_t *b)
{
	static const uint8_t tops[][4] = { { 0x20, 0x01, 0x0d, 0xb8 }, { 0x20, 0x01, 0x07, 0x00 } };
	unsigned r = (unsigned)(next() % 5);

	if (r < 2) {
		memcpy(b, tops[r], 4);
	} else {
		b[0] = 0x2a;
		b[1] = (uint8_t)(r - 1);
	}
}

static void make_prefix(kc_cidr *c, int v6, const kc_cidr *parent)
{
	memset(c, 0, sizeof(*c));
	c->addr.family = v6 ? 6 : 4;
	for (int i = 0; i < (v6 ? 16 : 4); i++)
		c->addr.bytes[i] = (uint8_t)next();
	if (v6) {
		v6_region(c->addr.bytes);
		c->len = (uint8_t)(next() % 500 == 0 ? 20 + next() % 12 : 32 + next() % 33);
	} else {
		c->len = (uint8_t)(next() % 500 == 0 ? 8 + next() % 8 : 16 + next() % 17);
	}
	if (parent && parent->addr.family == c->addr.family && parent->len < (v6 ? 64 : 32)) {
		/* Nest: the parent's bits, then a longer length. */
		unsigned max = v6 ? 64 : 32;

		for (unsigned bit = 0; bit < parent->len; bit++) {
			uint8_t m = (uint8_t)(0x80u >> (bit % 8));

			c->addr.bytes[bit / 8] = (uint8_t)((c->addr.bytes[bit / 8] & ~m) | (parent->addr.bytes[bit / 8] & m));
		}
		if (c->len <= parent->len)
			c->len = (uint8_t)(parent->len + 1 + next() % (max - parent->len));
	}
	clear_host_bits(c);
}

static int naive(const kc_cidr *ps, size_t n, const kc_ip *ip, uint32_t *value)
{
	int best = -1;

	for (size_t k = 0; k < n; k++)
		if (ps[k].len > best && kc_cidr_contains(&ps[k], ip)) {
			best = ps[k].len;
			*value = (uint32_t)k;
		}
	return best >= 0;
}

/* Best of PASSES over the addresses of one family (0: both); returns seconds
 * per lookup, and the hits and checksum of one pass. */
static double timed(const kc_attrib *a, const kc_ip *ips, size_t n, int family, size_t *hits, uint64_t *sum)
{
	double best = 1e9;
	size_t count = 0;

	for (int pass = 0; pass < PASSES; pass++) {
		double s = now(), e;

		*hits = 0;
		*sum = 0;
		count = 0;
		for (size_t i = 0; i < n; i++) {
			uint32_t v;

			if (family && ips[i].family != family)
				continue;
			count++;
			if (kc_attrib_ip1(a, &ips[i], &v)) {
				(*hits)++;
				*sum += v;
			}
		}
		e = now() - s;
		if (e < best)
			best = e;
	}
	return count ? best / (double)count : 0;
}

int main(int argc, char **argv)
{
	size_t nprefix = argc > 1 ? strtoul(argv[1], NULL, 10) : 60000;
	size_t nlookup = argc > 2 ? strtoul(argv[2], NULL, 10) : 1000000;
	size_t sample = argc > 3 ? strtoul(argv[3], NULL, 10) : 2000;
	kc_cidr *ps = calloc(nprefix ? nprefix : 1, sizeof(*ps));
	kc_ip *ips = calloc(nlookup ? nlookup : 1, sizeof(*ips));
	kc_attrib *a = kc_attrib_new();
	size_t n = 0, nested = 0, n4 = 0, hits, hits4, hits6;
	double t0, tbuild, per, per4, per6, tnaive;
	uint64_t sum, sum4, sum6;
	kc_err err;
	int rc = 0;

	if (!ps || !ips || !a || nprefix == 0 || nlookup == 0)
		return 1;
	if (sample > nlookup)
		sample = nlookup;
	for (size_t i = 0; i < nprefix; i++) {
		const kc_cidr *parent = (i > 0 && next() % 3 == 0) ? &ps[next() % i] : NULL;

		make_prefix(&ps[i], parent ? parent->addr.family == 6 : (int)(i % 2), parent);
	}
	/* Build time: adding every prefix (with the duplicate check) and the build. */
	t0 = now();
	for (size_t i = 0; i < nprefix; i++)
		if (kc_attrib_add_prefix(a, &ps[i], (uint32_t)n, NULL) == 0)
			ps[n++] = ps[i];
	if (kc_attrib_build(a, &err)) {
		fprintf(stderr, "build: %s\n", err.msg);
		return 1;
	}
	tbuild = now() - t0;
	for (size_t i = 0; i < n; i++) {
		kc_attrib_hit h[2];

		nested += kc_attrib_prefix(a, &ps[i], h, 2) > 1;
		n4 += ps[i].addr.family == 4;
	}
	for (size_t i = 0; i < nlookup; i++) {
		kc_ip *ip = &ips[i];

		if (i % 2) { /* inside a registered prefix */
			const kc_cidr *p = &ps[next() % n];

			*ip = p->addr;
			for (unsigned bit = p->len; bit < (ip->family == 4 ? 32u : 128u); bit++)
				if (next() & 1)
					ip->bytes[bit / 8] ^= (uint8_t)(0x80u >> (bit % 8));
		} else { /* uniform */
			memset(ip, 0, sizeof(*ip));
			ip->family = (next() & 1) ? 6 : 4;
			for (int k = 0; k < (ip->family == 4 ? 4 : 16); k++)
				ip->bytes[k] = (uint8_t)next();
			if (ip->family == 6)
				v6_region(ip->bytes);
		}
	}
	per = timed(a, ips, nlookup, 0, &hits, &sum);
	per4 = timed(a, ips, nlookup, 4, &hits4, &sum4);
	per6 = timed(a, ips, nlookup, 6, &hits6, &sum6);
	/* Baseline and agreement, on an evenly spread sample. */
	t0 = now();
	for (size_t i = 0; i < sample; i++) {
		size_t at = i * (nlookup / sample);
		uint32_t want = 0, got = 0;
		int w = naive(ps, n, &ips[at], &want), g = kc_attrib_ip1(a, &ips[at], &got);

		if (w != g || (w && want != got)) {
			char s1[KC_CIDR_STRLEN], s2[KC_CIDR_STRLEN], s3[KC_CIDR_STRLEN];

			fprintf(stderr, "MISMATCH at lookup %zu: %s: engine %s, naive %s\n", at, kc_ip_format(&ips[at], s1),
				g ? kc_cidr_format(&ps[got], s2) : "-", w ? kc_cidr_format(&ps[want], s3) : "-");
			rc = 1;
		}
	}
	tnaive = sample ? (now() - t0) / (double)sample : 0;

	printf("bench/whois: %zu prefixes (%zu IPv4 /8-/32, %zu IPv6 /20-/64; %zu nested in another, %.0f%%)\n", n, n4,
	       n - n4, nested, 100.0 * (double)nested / (double)n);
	printf("  %zu lookups (half inside a registered prefix, half uniform), %.1f%% hit\n", nlookup,
	       100.0 * (double)hits / (double)nlookup);
	printf("  engine   kc_attrib_ip1  %12.0f lookups/s  %6.1f ns/lookup  (best of %d passes)\n", 1.0 / per, per * 1e9,
	       PASSES);
	printf("           IPv4 only      %12.0f lookups/s  %6.1f ns/lookup\n", per4 ? 1.0 / per4 : 0, per4 * 1e9);
	printf("           IPv6 only      %12.0f lookups/s  %6.1f ns/lookup\n", per6 ? 1.0 / per6 : 0, per6 * 1e9);
	if (sample)
		printf("  baseline naive scan     %12.0f lookups/s  %6.1f us/lookup  (a sample of %zu lookups, scaled)\n",
		       1.0 / tnaive, tnaive * 1e6, sample);
	printf("  speed-up %.0fx; build %.1f ms (add + build); memory %.2f MiB (%.1f bytes/prefix)\n",
	       sample ? tnaive / per : 0, tbuild * 1e3, (double)kc_attrib_memory(a) / (1 << 20),
	       (double)kc_attrib_memory(a) / (double)n);
	printf("  checksum %llu (IPv4 %llu + IPv6 %llu); results %s on the sample; target %.0fM lookups/s %s\n",
	       (unsigned long long)sum, (unsigned long long)sum4, (unsigned long long)sum6,
	       rc ? "DIFFER" : "agree", TARGET / 1e6, 1.0 / per >= TARGET ? "met" : "NOT met");
	if (sum != sum4 + sum6 || hits != hits4 + hits6) {
		fprintf(stderr, "per-family passes disagree with the mixed pass\n");
		rc = 1;
	}
	kc_attrib_free(a);
	free(ps);
	free(ips);
	return rc;
}
