/*
 * domain.h - domain names, AS numbers and URLs as people and feeds write them.
 *
 * A normalised domain name is lower-case ASCII with internationalised labels
 * as A-labels (bø.kommune.no -> xn--b-5fa.kommune.no, through libidn2), no
 * trailing dot, at most 253 bytes, labels of 1-63 letters, digits and inner
 * hyphens, and at least two labels.
 */
#ifndef KC_DOMAIN_H
#define KC_DOMAIN_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"

#define KC_DOMAIN_MAX 254 /* 253 bytes and a NUL */

/* Normalise s[0..n) into out (KC_DOMAIN_MAX bytes). Returns 0 or KC_EINVAL. */
int kc_domain_normalise(const char *s, size_t n, char *out, kc_err *err);

/* Parse "AS64500", "as64500" or "64500" (1 .. 4294967294). Returns 0 or KC_EINVAL. */
int kc_asn_parse(const char *s, size_t n, uint32_t *asn, kc_err *err);

/* The host part of an absolute URL ("scheme://[user@]host[:port][/...]"), with
 * the brackets of an IPv6 literal removed. Returns 0 and a slice into s, or
 * KC_EINVAL when s is not such a URL. Refanged forms are not undone here. */
int kc_url_host(const char *s, size_t n, kc_slice *host, kc_err *err);

#endif
