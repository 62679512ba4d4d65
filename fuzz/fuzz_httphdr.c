/*
 * fuzz_httphdr.c - libFuzzer harness for HTTP response headers
 * (src/scan/httphdr.c): header blocks, HSTS/CSP/XFO/Referrer-Policy values and
 * product fingerprints. No crash; slices stay inside the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scan/httphdr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data;
	struct kc_http_headers h;
	struct kc_http_product prod[KC_HTTP_PRODUCT_MAX];
	long age;
	int sub, weak;
	size_t n;

	if (size > 65536)
		return 0;
	if (kc_http_headers_parse(p, size, &h, NULL) == 0) {
		if (h.n > KC_HTTP_HDR_MAX)
			abort();
		for (size_t i = 0; i < h.n; i++) {
			const kc_slice *v = &h.h[i].value;

			if (h.h[i].name.ptr < p || h.h[i].name.ptr + h.h[i].name.len > p + size ||
			    (v->len && (v->ptr < p || v->ptr + v->len > p + size)))
				abort();
			kc_hsts_parse(*v, &age, &sub);
			if (age < 0)
				abort();
			kc_csp_has_directive(*v, "frame-ancestors");
			kc_xfo_valid(*v);
			kc_xcto_nosniff(*v);
			kc_referrer_policy(*v, &weak);
		}
		n = kc_http_fingerprint(&h, p, size, prod, KC_HTTP_PRODUCT_MAX);
		if (n > KC_HTTP_PRODUCT_MAX)
			abort();
		for (size_t i = 0; i < n; i++)
			if (strncmp(prod[i].cpe, "cpe:2.3:", 8) != 0 ||
			    (prod[i].confidence != 30 && prod[i].confidence != 80))
				abort();
	}
	return 0;
}
