/*
 * fuzz_ip.c - libFuzzer harness for the IP/CIDR parser (src/base/ip.c).
 * Invariants: no crash; whatever parses formats canonically and parses back
 * to the same value; a prefix never has host bits set.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/ip.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	char text[KC_CIDR_STRLEN];
	kc_cidr c, again;
	kc_ip ip, ip2;

	if (kc_ip_parse(s, size, &ip, NULL) == 0) {
		kc_ip_format(&ip, text);
		if (kc_ip_parse(text, strlen(text), &ip2, NULL) || !kc_ip_equal(&ip, &ip2))
			abort();
	}
	for (unsigned flags = 0; flags < 2; flags++) {
		if (kc_cidr_parse(s, size, &c, flags, NULL))
			continue;
		kc_cidr_format(&c, text);
		if (kc_cidr_parse(text, strlen(text), &again, 0, NULL) || !kc_ip_equal(&c.addr, &again.addr) ||
		    c.len != again.len)
			abort();
		if (!kc_cidr_covers(&c, &again) || !kc_cidr_contains(&c, &c.addr))
			abort();
	}
	return 0;
}
