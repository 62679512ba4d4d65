/*
 * fuzz_cpe.c - libFuzzer harness for CPE 2.3 parsing, binding, version
 * comparison and matching (src/vuln/cpe.c).
 *
 * Invariants (abort() on violation): no crash, no read past the input; a
 * refusal is KC_EINVAL with a message; whatever parses binds to a string that
 * parses again and binds to the same string (canonical); a name without
 * wildcards that names vendor and product matches itself; version comparison
 * is antisymmetric.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vuln/cpe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static kc_cpe c, c2;
	const char *s = (const char *)data;
	kc_buf b, b2;
	kc_err err;
	int rc;

	kc_err_clear(&err);
	rc = kc_cpe_parse(s, size, &c, &err);
	if (rc) {
		if (rc != KC_EINVAL || err.msg[0] == '\0')
			abort();
	} else {
		kc_buf_init(&b, 4 * KC_CPE_MAX);
		kc_buf_init(&b2, 4 * KC_CPE_MAX);
		if (kc_cpe_format(&c, &b) < 0 || kc_cpe_parse(b.ptr, b.len, &c2, &err) < 0 ||
		    kc_cpe_format(&c2, &b2) < 0 || strcmp(kc_buf_str(&b), kc_buf_str(&b2)))
			abort();
		{
			int wild = 0;
			for (int a = 0; a < KC_CPE_NATTR; a++)
				wild |= c.v[a].lead_star | c.v[a].trail_star | c.v[a].lead_q | c.v[a].trail_q;
			/* A name without wildcards, vendor and product named, matches itself. */
			if (!wild && c.v[KC_CPE_VENDOR].kind == KC_CPE_VALUE &&
			    c.v[KC_CPE_PRODUCT].kind == KC_CPE_VALUE &&
			    kc_cpe_match(&c, NULL, &c2) != KC_CPE_MATCH)
				abort();
		}
		kc_buf_release(&b);
		kc_buf_release(&b2);
	}
	/* Versions: split the input at its first NUL or newline. */
	{
		char *a = malloc(size + 1), *v;
		int x, y;
		if (!a)
			return 0;
		memcpy(a, data, size);
		a[size] = '\0';
		v = strchr(a, '\n');
		if (v) {
			*v++ = '\0';
			x = kc_version_compare(a, v);
			y = kc_version_compare(v, a);
			if ((x == KC_VERSION_UNCERTAIN) != (y == KC_VERSION_UNCERTAIN) ||
			    (x != KC_VERSION_UNCERTAIN && x != -y))
				abort();
		}
		free(a);
	}
	return 0;
}
