/*
 * fuzz_domain.c - libFuzzer harness for domain names, AS numbers and URL hosts
 * (src/base/domain.c): no crash, and a normalised name normalises to itself.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/domain.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	char out[KC_DOMAIN_MAX], again[KC_DOMAIN_MAX];
	kc_slice host;
	uint32_t asn;

	if (size > 4096)
		return 0;
	if (kc_domain_normalise(s, size, out, NULL) == 0) {
		size_t n = strlen(out);

		if (n == 0 || n > 253)
			abort();
		if (kc_domain_normalise(out, n, again, NULL) != 0 || strcmp(out, again))
			abort();
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)out[i] >= 0x80 || (out[i] >= 'A' && out[i] <= 'Z'))
				abort();
	}
	if (kc_asn_parse(s, size, &asn, NULL) == 0 && (asn == 0 || asn == UINT32_MAX))
		abort();
	if (kc_url_host(s, size, &host, NULL) == 0) {
		if (host.len == 0 || host.ptr < s || host.ptr + host.len > s + size)
			abort();
	}
	return 0;
}
