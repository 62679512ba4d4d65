/*
 * httphdr.h - parsing HTTP response headers as a scanner sees them: the
 * header block, the security headers' values, and product fingerprints.
 *
 * Everything here is a pure function over bytes a hostile server chose: every
 * loop is bounded by the input length and the fixed limits below, and
 * fuzz/fuzz_http_header.c drives it all.
 */
#ifndef KC_SCAN_HTTPHDR_H
#define KC_SCAN_HTTPHDR_H

#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"

#define KC_HTTP_HDR_MAX 128

struct kc_http_header {
	kc_slice name;
	kc_slice value; /* leading and trailing blanks removed */
};

struct kc_http_headers {
	int status;	/* status code of the last response in the block */
	struct kc_http_header h[KC_HTTP_HDR_MAX];
	size_t n;
	int truncated;	/* more than KC_HTTP_HDR_MAX headers: the rest ignored */
	int malformed;	/* lines that were not "Name: value" (ignored) */
};

/*
 * Parse a raw header block (status line, header lines, CRLF or LF endings) as
 * curl hands it over; when it holds several responses (1xx, or a proxy's),
 * the last one counts. The slices point into p. KC_EPARSE when no status line
 * is found.
 */
int kc_http_headers_parse(const char *p, size_t len, struct kc_http_headers *out, kc_err *err);

/* The first header of that name (case-insensitive), or NULL; the count. */
const kc_slice *kc_http_header_get(const struct kc_http_headers *h, const char *name);
size_t kc_http_header_count(const struct kc_http_headers *h, const char *name);

/*
 * Strict-Transport-Security: 0 and *max_age (seconds, capped at 2^31) when a
 * single valid max-age directive is present; KC_EPARSE otherwise.
 */
int kc_hsts_parse(kc_slice v, long *max_age, int *include_subdomains);

/* 1 when the Content-Security-Policy value has the directive (case-insensitive). */
int kc_csp_has_directive(kc_slice v, const char *directive);

/* X-Frame-Options is DENY or SAMEORIGIN. */
int kc_xfo_valid(kc_slice v);

/* X-Content-Type-Options is nosniff. */
int kc_xcto_nosniff(kc_slice v);

/*
 * Referrer-Policy: the policy in effect (the last token browsers know), or
 * NULL when none is recognised. *weak is set for unsafe-url and
 * no-referrer-when-downgrade, which leak full URLs to other sites.
 */
const char *kc_referrer_policy(kc_slice v, int *weak);

/* A product seen in headers or a page, as a CPE 2.3 name. */
struct kc_http_product {
	const char *name;  /* "Apache HTTP Server", ... */
	const char *where; /* "Server", "X-OWA-Version", "body", ... */
	char version[64];  /* "" when not seen */
	char cpe[160];
	int confidence;	   /* 80 with a patch level (x.y.z), else 30 */
};

#define KC_HTTP_PRODUCT_MAX 8

/*
 * Products from the headers (Server, X-Powered-By, X-AspNet-Version,
 * X-OWA-Version, cookies) and the first bytes of the body (OWA resource
 * paths, Fortinet, Citrix and Ivanti login pages). Returns how many were
 * written to out (at most max).
 */
size_t kc_http_fingerprint(const struct kc_http_headers *h, const char *body, size_t body_len,
	struct kc_http_product *out, size_t max);

#endif
