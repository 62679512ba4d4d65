/*
 * fuzz_route.c - libFuzzer harness for the API's path matching and cursors
 * (src/web/route.c). Invariants: no crash; a matched path rebuilds from the
 * pattern and its parameters; a decoded cursor encodes back to itself.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "web/route.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const patterns[] = {
	"/api/v1/orgs", "/api/v1/orgs/{org}", "/api/v1/orgs/{org}/contacts", "/api/v1/orgs/{org}/contacts/{id}",
	"/api/v1/whois", "/{a}/{b}/{c}/{d}", "/{a}/{b}/{c}/{d}/{e}",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[2048];
	kc_route_params p;
	size_t off;

	if (size >= sizeof(path))
		return 0;
	memcpy(path, data, size);
	path[size] = '\0';
	for (size_t i = 0; i < sizeof(patterns) / sizeof(patterns[0]); i++) {
		kc_buf b;
		int k = 0;

		if (!kc_route_match(path, patterns[i], &p))
			continue;
		/* Rebuild the path from the pattern and the parameters. */
		kc_buf_init(&b, 4096);
		for (const char *q = patterns[i]; *q; q++) {
			if (*q == '{') {
				if (k >= p.n || strchr(p.v[k], '/') || !*p.v[k])
					abort();
				kc_buf_adds(&b, p.v[k++]);
				q = strchr(q, '}');
			} else {
				kc_buf_addc(&b, *q);
			}
		}
		if (k != p.n || strcmp(kc_buf_str(&b), path))
			abort();
		kc_buf_release(&b);
	}
	if (kc_cursor_decode(path, &off) == 0) {
		char again[32];

		kc_cursor_encode(off, again);
		if (strcmp(again, path) && strlen(path) > 0) {
			size_t off2;

			/* Another spelling of the same offset (leading zeros) must decode alike. */
			if (kc_cursor_decode(again, &off2) || off2 != off)
				abort();
		}
	}
	return 0;
}
