/*
 * bench/whois.c - lookups per second of the attribution engine.
 *
 * Registers 60,000 prefixes (deterministic: 30,000 IPv4 /8-/32 and 30,000
 * IPv6 /20-/64 concentrated in a few /16s, about a third nested inside
 * others), then looks up 1,000,000 addresses (half inside registered prefixes,
 * half uniform) through kc_attrib_ip1, five passes, best reported. The
 * baseline in the same run is a naive linear scan over the same prefixes, on
 * a sample of the addresses (it is ~10,000 times slower), and the two are
 * checked to agree on that sample. Prints build time and memory too.
 *
 *   make build/bench/whois && build/bench/whois [PREFIXES] [LOOKUPS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/ip.h"
#include "org/attrib.h"

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void clear_host_bits(kc_cidr *c)
{
	unsigned total = c->addr.family == 4 ? 32 : 128;

	for (unsigned bit = c->len; bit < total; bit++)
		c->addr.bytes[bit / 8] &= (uint8_t) ~(0x80u >> (bit % 8));
}

static void make_prefix(kc_cidr *c, int v6, const kc_cidr *parent)
{
	memset(c, 0, sizeof(*c));
	c->addr.family = v6 ? 6 : 4;
	for (int i = 0; i < 16; i++)
		c->addr.bytes[i] = (uint8_t)next();
	if (v6) {
		static const uint16_t tops[] = { 0x2001, 0x2a01, 0x2a02, 0x2a03 };
		uint16_t top = tops[next() % 4];

		c->addr.bytes[0] = (uint8_t)(top >> 8);
		c->addr.bytes[1] = (uint8_t)top;
		c->len = (uint8_t)(28 + next() % 37);
	} else {
		memset(c->addr.bytes + 4, 0, 12);
		c->len = (uint8_t)(14 + next() % 17);
	}
	if (parent && parent->addr.family == c->addr.family && parent->len < (v6 ? 128 : 32)) {
		/* Nest: copy the parent's bits, then lengthen. */
		unsigned max = v6 ? 64 : 32;

		memcpy(c->addr.bytes, parent->addr.bytes, parent->len / 8 + 1 > 16 ? 16 : parent->len / 8 + 1);
		if (c->len <= parent->len)
			c->len = (uint8_t)(parent->len + 1 + next() % (max > parent->len ? max - parent->len : 1));
		if (c->len > max)
			c->len = (uint8_t)max;
		for (unsigned bit = (unsigned)parent->len; bit < c->len; bit++)
			if (next() & 1)
				c->addr.bytes[bit / 8] ^= (uint8_t)(0x80u >> (bit % 8));
		for (unsigned bit = 0; bit < parent->len; bit++) {
			uint8_t m = (uint8_t)(0x80u >> (bit % 8));

			c->addr.bytes[bit / 8] = (uint8_t)((c->addr.bytes[bit / 8] & ~m) | (parent->addr.bytes[bit / 8] & m));
		}
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

int main(int argc, char **argv)
{
	size_t nprefix = argc > 1 ? strtoul(argv[1], NULL, 10) : 60000;
	size_t nlookup = argc > 2 ? strtoul(argv[2], NULL, 10) : 1000000;
	size_t sample = 2000, n = 0, hits = 0;
	kc_cidr *ps = calloc(nprefix, sizeof(*ps));
	kc_ip *ips = calloc(nlookup, sizeof(*ips));
	kc_attrib *a = kc_attrib_new();
	double t0, t1, best = 1e9, tnaive;
	uint64_t checksum = 0;
	kc_err err;

	if (!ps || !ips || !a)
		return 1;
	t0 = now();
	for (size_t i = 0; i < nprefix; i++) {
		const kc_cidr *parent = (n > 0 && next() % 3 == 0) ? &ps[next() % n] : NULL;

		make_prefix(&ps[n], (int)(i % 2), parent);
		if (kc_attrib_add_prefix(a, &ps[n], (uint32_t)n, NULL) == 0)
			n++;
	}
	if (kc_attrib_build(a, &err)) {
		fprintf(stderr, "build: %s\n", err.msg);
		return 1;
	}
	t1 = now();
	for (size_t i = 0; i < nlookup; i++) {
		if (i % 2) {
			const kc_cidr *p = &ps[next() % n];

			ips[i] = p->addr;
			for (unsigned bit = p->len; bit < (ips[i].family == 4 ? 32u : 128u); bit++)
				if (next() & 1)
					ips[i].bytes[bit / 8] ^= (uint8_t)(0x80u >> (bit % 8));
		} else {
			kc_cidr r;

			make_prefix(&r, (int)(next() & 1), NULL);
			ips[i] = r.addr;
			for (int k = 2; k < (ips[i].family == 4 ? 4 : 16); k++)
				ips[i].bytes[k] = (uint8_t)next();
		}
	}
	for (int pass = 0; pass < 5; pass++) {
		double s = now(), e;

		hits = 0;
		for (size_t i = 0; i < nlookup; i++) {
			uint32_t v;

			if (kc_attrib_ip1(a, &ips[i], &v)) {
				hits++;
				checksum += v;
			}
		}
		e = now() - s;
		if (e < best)
			best = e;
	}
	/* Baseline and agreement, on a sample. */
	{
		double s = now();

		for (size_t i = 0; i < sample; i++) {
			uint32_t want = 0, got = 0;
			size_t at = i * (nlookup / sample);
			int w = naive(ps, n, &ips[at], &want), g = kc_attrib_ip1(a, &ips[at], &got);

			if (w != g || (w && want != got)) {
				char s1[KC_CIDR_STRLEN], s2[KC_CIDR_STRLEN], s3[KC_CIDR_STRLEN];

				fprintf(stderr, "MISMATCH at lookup %zu: %s: engine %s, naive %s\n", at,
					kc_ip_format(&ips[at], s1), g ? kc_cidr_format(&ps[got], s2) : "-",
					w ? kc_cidr_format(&ps[want], s3) : "-");
				return 1;
			}
		}
		tnaive = (now() - s) / (double)sample;
	}
	printf("bench/whois: %zu prefixes (IPv4 and IPv6, ~1/3 nested), %zu lookups, %.0f%% hits\n", n, nlookup,
	       100.0 * (double)hits / (double)nlookup);
	printf("  engine  kc_attrib_ip1   %12.0f lookups/s  (%.1f ns/lookup, best of 5 passes)\n",
	       (double)nlookup / best, best / (double)nlookup * 1e9);
	printf("  baseline naive scan      %12.0f lookups/s  (%.1f us/lookup, %zu-lookup sample)\n", 1.0 / tnaive,
	       tnaive * 1e6, sample);
	printf("  speed-up %.0fx; build %.1f ms; memory %.1f MiB; checksum %llu; results agree on the sample\n",
	       tnaive / (best / (double)nlookup), (t1 - t0) * 1e3, (double)kc_attrib_memory(a) / (1 << 20),
	       (unsigned long long)checksum);
	kc_attrib_free(a);
	free(ps);
	free(ips);
	return 0;
}
