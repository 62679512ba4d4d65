/*
 * mail.h - mail and DNS checks of a registered domain.
 *
 * For each domain: SPF (mail.spf), DMARC (mail.dmarc), DNSSEC (mail.dnssec),
 * MTA-STS (mail.mta-sts), TLS-RPT (mail.tls-rpt), and STARTTLS on each MX
 * (mail.starttls, one finding per MX address, port 25) followed by the TLS
 * checks through STARTTLS (tls.*, kc_scan_tls) where it is offered. Severity rules and
 * evidence are in docs/kcert-scan-checks-web.md. DNS goes through dns.h with
 * the options' resolver and trust anchor; SMTP reads are bounded by
 * opts->max_read and opts->timeout_ms per step.
 */
#ifndef KC_SCAN_MAIL_H
#define KC_SCAN_MAIL_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "scan/scan.h"

struct kc_mail_domain {
	int64_t org_id;
	char domain[256];
	int smtp_port; /* port of the MX hosts' SMTP service; 0 means 25 (tests use others) */
	/* May MX host mx at address ip be probed? NULL: every MX. The orchestrator
	 * allows only the MX addresses the organisation owns (target.h: a
	 * third-party MX is refused there with rule "third-party" and named). */
	int (*mx_allowed)(void *arg, int64_t org_id, const char *mx, const char *ip);
	void *mx_arg;
};

/*
 * Run the mail checks on n domains, reporting to sink (findings, and covered
 * with family "mail" for the domain, port 0, and for each MX address reached,
 * port smtp_port). Returns 0, or an error for a bad resolver / trust anchor
 * (nothing checked). DNS failures are not errors and not verdicts: a timeout,
 * SERVFAIL or REFUSED answer opens nothing and covers nothing, so neither a
 * missing record is claimed nor a finding closed on a resolver outage; only
 * NXDOMAIN or NODATA from a working resolver means a record is absent.
 */
int kc_scan_mail(const struct kc_scan_opts *opts, const struct kc_mail_domain *d, size_t n,
	const struct kc_scan_sink *sink, kc_err *err);

/* Parsed tag list of a DMARC record ("v=DMARC1; p=reject; pct=50"). */
struct kc_dmarc {
	int valid;	  /* starts with v=DMARC1 and has a p= tag */
	char p[16];	  /* "none", "quarantine", "reject" or "" */
	char sp[16];
	int pct;	  /* 100 when absent */
	int has_rua;
};
void kc_dmarc_parse(const char *rec, size_t len, struct kc_dmarc *out);

#endif
