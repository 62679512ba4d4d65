/*
 * scan.h - what the attack-surface scanner's parts share: options, targets and
 * the sink every check reports to.
 *
 * The scanner is three layers. The checks (engine.c: ports, service
 * handshakes and TLS on epoll; web.c: HTTP(S) over libcurl's multi interface;
 * mail.c: SPF, DMARC, DNSSEC, MTA-STS, TLS-RPT and STARTTLS through dns.c on
 * libunbound) know nothing of the store: they take plain target lists and
 * report what they see through a kc_scan_sink. The orchestrator (run.c, behind
 * `kcert scan` and the worker) expands an organisation's registered assets
 * into targets, refuses anything not registered, and turns the reports into
 * findings (finding.c), closing those a rescan no longer sees.
 *
 * Nothing here logs in anywhere or sends more than a handshake needs.
 */
#ifndef KC_SCAN_H
#define KC_SCAN_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "base/err.h"

enum kc_sev {
	KC_SEV_INFO = 0,
	KC_SEV_LOW = 1,
	KC_SEV_MEDIUM = 2,
	KC_SEV_HIGH = 3,
};

/* "info", "low", "medium", "high"; kc_sev_parse returns -1 for anything else. */
const char *kc_sev_name(enum kc_sev s);
int kc_sev_parse(const char *s);

/* Scanner settings; kc_scan_opts_default fills the production defaults. */
struct kc_scan_opts {
	const char *user_agent;	    /* names kcert and a contact URL */
	const char *resolver;	    /* "ADDR" or "ADDR@PORT"; NULL: /etc/resolv.conf */
	const char *trust_anchor;   /* file of DS/DNSKEY trust anchors; NULL: root key */
	const char *ca_file;	    /* CA bundle for chain checks; NULL: system store */
	double per_ip_rate;	    /* requests per second per IP per check (1) */
	double per_ip_connect_rate; /* connection attempts per second per IP (5) */
	double global_rate;	    /* connection attempts per second overall (0: none) */
	int timeout_ms;		    /* per connect / read step (5000) */
	int retries;		    /* extra connection attempts after a timeout (1) */
	int max_inflight;	    /* sockets open at once (2048) */
	size_t max_read;	    /* bytes read from any one service (64 KiB) */
	time_t now;		    /* clock for certificate/expiry verdicts (KCERT_NOW) */
};

void kc_scan_opts_default(struct kc_scan_opts *o);

/* One address to probe, with the host name it was reached through (SNI, Host:). */
struct kc_scan_target {
	int64_t org_id;
	char ip[48];	/* numeric IPv4 or IPv6 */
	char host[256]; /* "" when the target is a bare address */
};

/*
 * What a check reports. A finding is keyed by (org_id, check, target, port):
 * reporting the same key again in a later run updates last seen; a key the
 * run covered (see covered below) but did not report is closed as fixed.
 * Strings are only valid during the call.
 */
struct kc_finding {
	int64_t org_id;
	const char *check;    /* stable id: "service.rdp", "tls.protocol", "http.hsts", "mail.dmarc" */
	const char *target;   /* IP literal or domain name */
	const char *host;     /* host name used, or NULL */
	int port;	      /* 0 for checks that are not about a port (DNS) */
	enum kc_sev severity;
	int confidence;	      /* 0-100 */
	const char *title;    /* short English text, an msgid (N_()), shown translated */
	const char *evidence; /* JSON object with what was seen (banner, versions, record) */
	const char *cpe;      /* CPE 2.3 name for product findings, else NULL */
};

struct kc_scan_sink {
	void *arg;
	/* A problem (or, with severity info, a fact such as a product seen). */
	void (*finding)(void *arg, const struct kc_finding *f);
	/*
	 * The check family ("service", "tls", "http", "mail", "product") was
	 * run to completion on target (and port, 0 for all ports of the target):
	 * open findings of that family there that were not reported are fixed.
	 * Not called when the target could not be reached at all (timeouts), so a
	 * network hiccup never closes findings.
	 */
	void (*covered)(void *arg, int64_t org_id, const char *family, const char *target, int port);
	/* Progress for a TTY or the worker: done of total probes. May be NULL. */
	void (*progress)(void *arg, const char *phase, uint64_t done, uint64_t total);
};

#endif
