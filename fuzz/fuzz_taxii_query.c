/*
 * fuzz_taxii_query.c - libFuzzer harness for the TAXII 2.1 query parameters
 * and the next cursor (src/share/taxii_query.c). The input is a query string
 * (name=value&...); no crash, limits hold, and a cursor the server encodes
 * decodes to the same offset.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "share/share.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct qs {
	char buf[4096];
	const char *names[16], *values[16];
	size_t n;
};

static const char *get(void *ctx, const char *name)
{
	struct qs *q = ctx;

	for (size_t i = 0; i < q->n; i++)
		if (!strcmp(q->names[i], name))
			return q->values[i];
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct qs q = { .n = 0 };
	kc_taxii_query tq;
	kc_share_obj o;
	char *p, next[96];
	size_t off;

	if (size >= sizeof(q.buf))
		return 0;
	memcpy(q.buf, data, size);
	q.buf[size] = '\0';
	for (p = q.buf; p && *p && q.n < 16;) {
		char *amp = strchr(p, '&'), *eq;

		if (amp)
			*amp = '\0';
		eq = strchr(p, '=');
		if (eq) {
			*eq = '\0';
			q.names[q.n] = p;
			q.values[q.n++] = eq + 1;
		}
		p = amp ? amp + 1 : NULL;
	}
	if (kc_taxii_query_parse(get, &q, &tq, NULL) == 0) {
		if (tq.limit > KC_TAXII_LIMIT_MAX || tq.ntypes > KC_TAXII_MATCH_MAX || tq.nids > KC_TAXII_MATCH_MAX ||
		    tq.nversions > KC_TAXII_MATCH_MAX)
			abort();
		memset(&o, 0, sizeof(o));
		snprintf(o.id, sizeof(o.id), "indicator--00000000-0000-5000-8000-000000000000");
		snprintf(o.type, sizeof(o.type), "indicator");
		snprintf(o.version, sizeof(o.version), "2026-01-01T00:00:00.000Z");
		kc_taxii_match(&tq, &o);
		kc_taxii_next_encode(tq.offset + 1, tq.added_after, next);
		if (kc_taxii_next_decode(next, tq.added_after, &off) != 0 || off != tq.offset + 1)
			abort();
	}
	return 0;
}
