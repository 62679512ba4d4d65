/*
 * attrib.h - the attribution engine: who owns an IP address, an AS number or a
 * domain name.
 *
 * Built once from the registry (kc_attrib_new, kc_attrib_add_*, kc_attrib_build)
 * and then read-only, so any number of threads may look up concurrently. Every
 * entry carries an opaque uint32 value chosen by the caller (the registry uses
 * the index of the asset in its own array). The most specific match wins: the
 * longest prefix for addresses, the longest matching suffix for domain names
 * (a domain covers its subdomains; an exact-host entry covers only itself).
 * IPv4-mapped IPv6 addresses are looked up as IPv4.
 */
#ifndef KC_ATTRIB_H
#define KC_ATTRIB_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/ip.h"

typedef struct kc_attrib kc_attrib;

typedef struct kc_attrib_hit {
	uint32_t value;	 /* the caller's value for the matching entry */
	uint8_t plen;	 /* prefix length; for domains, the number of labels matched */
	uint8_t exact;	 /* 1 when the entry is exactly the key looked up */
} kc_attrib_hit;

kc_attrib *kc_attrib_new(void);
void kc_attrib_free(kc_attrib *a);

/* Add entries (only before kc_attrib_build). The same prefix, AS number or
 * domain added twice returns KC_EEXIST and keeps the first. */
int kc_attrib_add_prefix(kc_attrib *a, const kc_cidr *prefix, uint32_t value, kc_err *err);
int kc_attrib_add_asn(kc_attrib *a, uint32_t asn, uint32_t value, kc_err *err);
/* name: a normalised domain name (lower-case ASCII, A-labels, no trailing dot).
 * exact=1 registers a single host name that does not cover its subdomains. */
int kc_attrib_add_domain(kc_attrib *a, const char *name, int exact, uint32_t value, kc_err *err);

/* Freeze and build the lookup structures. */
int kc_attrib_build(kc_attrib *a, kc_err *err);

/* Fast path: the most specific entry covering ip. Returns 1 and sets *value, or 0. */
int kc_attrib_ip1(const kc_attrib *a, const kc_ip *ip, uint32_t *value);

/* Every entry covering ip, most specific first, at most max; returns the count. */
int kc_attrib_ip(const kc_attrib *a, const kc_ip *ip, kc_attrib_hit *hits, int max);

/* Every entry covering prefix p (entries whose prefix contains p, p itself
 * included, reported with exact=1), most specific first; returns the count. */
int kc_attrib_prefix(const kc_attrib *a, const kc_cidr *p, kc_attrib_hit *hits, int max);

/* The entry for an AS number: returns 1 and sets *value, or 0. */
int kc_attrib_asn(const kc_attrib *a, uint32_t asn, uint32_t *value);

/* Every entry covering the domain name (ASCII case-insensitive, a trailing dot
 * ignored), most specific first, at most max; returns the count. */
int kc_attrib_domain(const kc_attrib *a, const char *name, size_t n, kc_attrib_hit *hits, int max);

/* Bytes of memory the built structures use. */
size_t kc_attrib_memory(const kc_attrib *a);

#endif
