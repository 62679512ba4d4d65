/*
 * spf.h - SPF records (RFC 7208): term parsing and the DNS lookup count.
 *
 * kc_spf_evaluate walks a domain's policy the way a receiver would, without a
 * sender address: it follows include: and redirect= (fetching their TXT
 * records) and counts every term that costs a DNS lookup (a, mx, ptr,
 * exists, include, redirect; RFC 7208 §4.6.4: more than 10 is a permerror)
 * and the void lookups among them (no records; more than 2 is a permerror).
 * Terms with macros (%{...}) are counted but not resolved. The walk is
 * bounded: it stops once the limit is exceeded. DNS comes through a lookup
 * function, so tests can hand in a fake resolver.
 */
#ifndef KC_SCAN_SPF_H
#define KC_SCAN_SPF_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"
#include "scan/dns.h"

#define KC_SPF_TERMS_MAX 64

struct kc_spf_term {
	char qualifier;	 /* '+', '-', '~', '?' for mechanisms; '=' for modifiers */
	char name[16];	 /* "all", "include", "a", "mx", "ptr", "ip4", "ip6", "exists", "redirect", "exp", ... */
	kc_slice arg;	 /* after ':' or '=' (may be empty); points into the record */
};

struct kc_spf_record {
	struct kc_spf_term t[KC_SPF_TERMS_MAX];
	size_t n;
};

/* Parse "v=spf1 ..." (len bytes). KC_EPARSE names the bad term. */
int kc_spf_parse(const char *rec, size_t len, struct kc_spf_record *out, kc_err *err);

/* 1 when a TXT string is an SPF record ("v=spf1" alone or followed by a space). */
int kc_spf_is_record(const char *txt, size_t len);

/* Fills ans (kc_dns_answer_init'ed by the caller); 0, or an error code. */
typedef int (*kc_spf_lookup_fn)(void *arg, const char *name, uint16_t type,
	struct kc_dns_answer *ans);

struct kc_spf_result {
	int nrecords;	     /* SPF records at the domain itself */
	char record[512];    /* the domain's record (cut) */
	char all;	     /* qualifier of the effective all ('\0' none; via redirect too) */
	int lookups;	     /* DNS-querying terms counted */
	int void_lookups;
	int permerror;	     /* limits exceeded, include/redirect target without SPF, syntax */
	int temperror;	     /* a lookup failed or timed out */
	char problem[256];   /* English text of the first problem, "" when none */
};

int kc_spf_evaluate(const char *domain, kc_spf_lookup_fn fn, void *arg, struct kc_spf_result *res);

#endif
