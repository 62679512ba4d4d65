/*
 * fuzz_spf.c - libFuzzer harness for SPF records (src/scan/spf.c), the TXT
 * data a scanned domain publishes. The input is a record; it is parsed, and
 * then evaluated with a fake resolver that answers every TXT query with the
 * same record (so include: and redirect= recurse into it) and every A/MX
 * query with one address. Invariants: the terms lie inside the record, at
 * most KC_SPF_TERMS_MAX of them; the evaluation ends (the lookup limits stop
 * any loop) within a bounded number of queries, and its counts stay sane.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scan/dns.h"
#include "scan/spf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fake {
	const char *rec;
	size_t len;
	int calls;
};

static int lookup(void *arg, const char *name, uint16_t type, struct kc_dns_answer *ans)
{
	struct fake *f = arg;

	(void)name;
	if (++f->calls > 200) /* the evaluation must stop long before */
		abort();
	if (type == KC_DNS_TXT)
		kc_dns_answer_add(ans, type, 0, f->rec, f->len);
	else if (type == KC_DNS_MX)
		kc_dns_answer_add(ans, type, 10, "mx.example.no", 13);
	else
		kc_dns_answer_add(ans, type, 0, "192.0.2.1", 9);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kc_spf_record r;
	struct kc_spf_result res;
	struct fake f = { (const char *)data, size, 0 };
	kc_err err;

	if (size > 4096)
		return 0;
	if (kc_spf_parse((const char *)data, size, &r, &err) == 0) {
		if (r.n > KC_SPF_TERMS_MAX)
			abort();
		for (size_t i = 0; i < r.n; i++)
			if (r.t[i].arg.len && (r.t[i].arg.ptr < (const char *)data ||
					       r.t[i].arg.ptr + r.t[i].arg.len > (const char *)data + size))
				abort();
	}
	if (memchr(data, '\0', size)) /* TXT text as the resolver hands it: no NUL */
		return 0;
	memset(&res, 0, sizeof(res));
	kc_spf_evaluate("fuzz.example.no", lookup, &f, &res);
	if (res.lookups < 0 || res.void_lookups < 0 || res.nrecords < 0 || strlen(res.record) >= sizeof(res.record))
		abort();
	return 0;
}
