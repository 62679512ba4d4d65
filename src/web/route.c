/*
 * route.c - matching request paths against patterns, and pagination cursors.
 * Both read untrusted input straight from the request line.
 */
#include "web/route.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/kc.h"

int kc_route_match(const char *path, const char *pattern, kc_route_params *prm)
{
	const char *p = path, *q = pattern;

	prm->n = 0;
	while (*p && *q) {
		if (*q == '{') {
			const char *pe = strchr(p, '/'), *qe = strchr(q, '}');
			size_t len = pe ? (size_t)(pe - p) : strlen(p);

			if (!qe || len == 0 || len >= KC_ROUTE_PARAM_MAX || prm->n >= KC_ROUTE_PARAMS)
				return 0;
			memcpy(prm->seg[prm->n], p, len);
			prm->seg[prm->n][len] = '\0';
			prm->v[prm->n] = prm->seg[prm->n];
			prm->n++;
			p += len;
			q = qe + 1;
			continue;
		}
		if (*p != *q)
			return 0;
		p++;
		q++;
	}
	return !*p && !*q;
}

int kc_cursor_decode(const char *c, size_t *offset)
{
	unsigned char raw[32];
	char text[33], *end;
	unsigned long long v;
	size_t n;

	*offset = 0;
	if (!c)
		return KC_OK;
	if (strlen(c) > 40 ||
	    sodium_base642bin(raw, sizeof(raw) - 1, c, strlen(c), NULL, &n, NULL,
			      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
	    n < 3 || raw[0] != 'o' || raw[1] != ':')
		return KC_EINVAL;
	memcpy(text, raw + 2, n - 2);
	text[n - 2] = '\0';
	if (strspn(text, "0123456789") != n - 2)
		return KC_EINVAL;
	v = strtoull(text, &end, 10);
	if (*end || v > 100000000ULL)
		return KC_EINVAL;
	*offset = (size_t)v;
	return KC_OK;
}

void kc_cursor_encode(size_t offset, char out[32])
{
	char text[32];

	snprintf(text, sizeof(text), "o:%zu", offset);
	sodium_bin2base64(out, 32, (const unsigned char *)text, strlen(text), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}
