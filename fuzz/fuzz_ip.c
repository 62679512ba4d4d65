/*
 * fuzz_ip.c - libFuzzer harness for the IP/CIDR parser (src/base/ip.c).
 *
 * The input is parsed as an address and as a prefix (with and without
 * KC_CIDR_BARE_HOST). Invariants, each checked with abort(): no crash and no
 * read past the input (ASan sees the exact buffer); a refusal is KC_EINVAL
 * with a message; whatever parses formats to text that parses back to the
 * same value and formats to the same text (canonical); a prefix never has
 * host bits set; a bare host parses the same as an address.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/ip.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_refusal(int rc, const kc_err *err)
{
	if (rc != KC_EINVAL || err->code != KC_EINVAL || err->msg[0] == '\0' ||
	    !memchr(err->msg, '\0', sizeof(err->msg)))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	char text[KC_CIDR_STRLEN], again[KC_CIDR_STRLEN];
	kc_cidr c, c2;
	kc_ip ip, ip2;
	kc_err err;
	int rc, ip_ok;

	rc = kc_ip_parse(s, size, &ip, &err);
	ip_ok = rc == 0;
	if (rc) {
		check_refusal(rc, &err);
	} else {
		if (ip.family != 4 && ip.family != 6)
			abort();
		kc_ip_format(&ip, text);
		if (kc_ip_parse(text, strlen(text), &ip2, NULL) || !kc_ip_equal(&ip, &ip2))
			abort();
		if (strcmp(kc_ip_format(&ip2, again), text))
			abort();
	}
	for (unsigned flags = 0; flags < 2; flags++) {
		rc = kc_cidr_parse(s, size, &c, flags, &err);
		if (rc) {
			check_refusal(rc, &err);
			if (c.addr.family != 0 || c.len != 0)
				abort();
			continue;
		}
		kc_cidr_format(&c, text);
		if (kc_cidr_parse(text, strlen(text), &c2, 0, NULL) || !kc_ip_equal(&c.addr, &c2.addr) ||
		    c.len != c2.len)
			abort();
		if (strcmp(kc_cidr_format(&c2, again), text))
			abort();
		if (!kc_cidr_covers(&c, &c2) || !kc_cidr_contains(&c, &c.addr))
			abort();
		/* Host bits are zero. */
		for (unsigned bit = c.len; bit < (c.addr.family == 4 ? 32u : 128u); bit++)
			if (c.addr.bytes[bit / 8] & (0x80u >> (bit % 8)))
				abort();
		/* A bare host is the address as a /32 or /128. */
		if (!memchr(s, '/', size) &&
		    (!ip_ok || !kc_ip_equal(&ip, &c.addr) || c.len != (ip.family == 4 ? 32 : 128)))
			abort();
	}
	return 0;
}
