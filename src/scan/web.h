/*
 * web.h - HTTP(S) checks of web endpoints over libcurl's multi interface.
 *
 * Each target is one endpoint (address, host name, port, TLS or not). The
 * connection is pinned to the address (CURLOPT_RESOLVE) while the host name
 * is used for Host: and SNI. Only GETs of public paths ("/", the
 * security.txt, Exchange's /owa/auth/logon.aspx), no redirect followed, no
 * login; bodies and headers bounded by opts->max_read, every transfer by
 * opts->timeout_ms (connect) and twice that overall; at most opts->per_ip_rate
 * requests per second to one address.
 *
 * Endpoints of the same (org, address, host) are judged together: a plain
 * HTTP endpoint on port 80 should redirect to HTTPS when the host has an HTTPS
 * endpoint in the list; HSTS is required on HTTPS only when the host also
 * answers plain HTTP. Pass all of a host's endpoints in one call.
 *
 * Checks: http.redirect, http.hsts, http.csp, http.xfo, http.xcto,
 * http.referrer, http.securitytxt, product.http (see
 * docs/kcert-scan-checks-web.md).
 */
#ifndef KC_SCAN_WEB_H
#define KC_SCAN_WEB_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "scan/scan.h"

struct kc_web_target {
	int64_t org_id;
	char ip[48];	/* numeric IPv4 or IPv6 */
	char host[256]; /* "" for a bare address */
	int port;
	int tls;	/* 1: HTTPS */
};

int kc_scan_web(const struct kc_scan_opts *opts, const struct kc_web_target *t, size_t n,
	const struct kc_scan_sink *sink, kc_err *err);

#endif
