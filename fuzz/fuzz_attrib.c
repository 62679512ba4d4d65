/*
 * fuzz_attrib.c - libFuzzer harness for the attribution engine
 * (src/org/attrib.c): the input chooses up to 64 prefixes and 64 addresses;
 * every lookup must agree with a naive scan. The naive model follows the
 * engine's rule for IPv4-mapped IPv6 (::ffff:0:0/96): such addresses and
 * prefixes are IPv4.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/ip.h"
#include "org/attrib.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t take(const uint8_t **d, size_t *n, void *out, size_t want)
{
	size_t k = want < *n ? want : *n;

	memset(out, 0, want);
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	kc_cidr ps[64];
	size_t np = 0;
	kc_attrib *a = kc_attrib_new();
	uint8_t hdr;

	if (!a)
		return 0;
	if (!take(&data, &size, &hdr, 1))
		goto out;
	for (int i = 0; i < (hdr & 63) && size; i++) {
		uint8_t b[18];
		kc_cidr *c = &ps[np];

		take(&data, &size, b, sizeof(b));
		memset(c, 0, sizeof(*c));
		c->addr.family = (b[0] & 1) ? 6 : 4;
		c->len = (uint8_t)(b[1] % (c->addr.family == 4 ? 33 : 129));
		/* Few distinct top bytes, so that prefixes nest. */
		memcpy(c->addr.bytes, b + 2, c->addr.family == 4 ? 4 : 16);
		c->addr.bytes[0] &= 3;
		clear_host_bits(c);
		if (kc_attrib_add_prefix(a, c, (uint32_t)np, NULL) != 0)
			continue;
		if (c->addr.family == 6 && c->len >= 96 && kc_ip_unmap(&c->addr).family == 4) {
			c->addr = kc_ip_unmap(&c->addr);
			c->len = (uint8_t)(c->len - 96);
		}
		np++;
	}
	if (kc_attrib_build(a, NULL))
		abort();
	while (size) {
		uint8_t b[17];
		kc_ip ip;
		uint32_t got = 0, want = 0;
		int best = -1, found;

		take(&data, &size, b, sizeof(b));
		memset(&ip, 0, sizeof(ip));
		ip.family = (b[0] & 1) ? 6 : 4;
		memcpy(ip.bytes, b + 1, ip.family == 4 ? 4 : 16);
		ip.bytes[0] &= 3;
		ip = kc_ip_unmap(&ip);
		for (size_t k = 0; k < np; k++)
			if (kc_cidr_contains(&ps[k], &ip) && (int)ps[k].len > best) {
				best = ps[k].len;
				want = (uint32_t)k;
			}
		found = kc_attrib_ip1(a, &ip, &got);
		if (found != (best >= 0) || (found && got != want))
			abort();
	}
out:
	kc_attrib_free(a);
	return 0;
}
