/*
 * run.h - a scan from start to end, and the schedules the worker runs.
 *
 * kc_scan_run expands the registered targets (target.h; targets given by hand
 * are checked against the registry and, when any is refused, nothing is
 * scanned), then runs the check families in order: the port sweep with
 * service handshakes ("service", engine.h), TLS on the TLS ports ("tls"), the
 * HTTP checks on the HTTP(S) ports ("http", web.h), the mail and DNS checks on
 * the registered domains ("mail", mail.h). Everything reported becomes a
 * finding (finding.h). The run is a scan_run row that shows its phase and
 * progress while it runs. Findings opened (or reopened) as high are told to
 * the organisation's contacts at once through the outbox, each opening once;
 * the rest go into the organisation's digest of findings.
 */
#ifndef KC_SCAN_RUN_H
#define KC_SCAN_RUN_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "scan/scan.h"
#include "scan/target.h"
#include "store/store.h"

/* Check families, as bits. */
enum {
	KC_CHECK_SERVICE = 1u << 0,
	KC_CHECK_TLS = 1u << 1,
	KC_CHECK_HTTP = 1u << 2,
	KC_CHECK_MAIL = 1u << 3,
	KC_CHECK_ALL = 0xf,
};

/* "service,tls,http,mail" (or "all") into bits; KC_EINVAL naming a bad word. */
int kc_scan_checks_parse(const char *s, unsigned *bits, kc_err *err);
/* Bits into "service,tls,http,mail" (out: 64 bytes). */
void kc_scan_checks_format(unsigned bits, char *out, size_t cap);

/* Scanner settings from the environment over the defaults:
 * KCERT_SCAN_RESOLVER (ADDR[@PORT]), KCERT_SCAN_TRUST_ANCHOR (file),
 * KCERT_SCAN_CA_FILE, KCERT_SCAN_CONTACT_URL (named in the User-Agent),
 * KCERT_SCAN_TIMEOUT_MS, KCERT_SCAN_RATE (requests per second per IP per
 * check, default 1; connection attempts per IP five times that). Strings
 * point into the environment. */
void kc_scan_opts_from_env(struct kc_scan_opts *o, char *ua, size_t uacap);

struct kc_scan_request {
	int64_t org_id;			/* one organisation */
	int all;			/* every organisation with something to scan */
	const char *const *targets;	/* given by hand (with org_id: must be that organisation's) */
	size_t ntargets;
	unsigned checks;		/* KC_CHECK_*; 0: all */
	const struct kc_scan_opts *opts;
	const char *actor;
	int64_t schedule_id;		/* 0 when not scheduled */
	int smtp_port;			/* SMTP port of MX hosts (0: 25; tests) */
	const uint16_t *ports;		/* NULL: the engine's default list */
	size_t nports;
	int no_notify;			/* do not queue high notices */
	void (*progress)(void *arg, const char *phase, uint64_t done, uint64_t total);
	void *progress_arg;
};

struct kc_scan_report {
	int64_t run_id;
	size_t targets, domains, excluded;
	size_t seen, opened, reopened, fixed;
	size_t notices;			/* notices queued: high findings, KEV entries of products seen */
	struct kc_scan_refusal *refused; /* malloc'd copy */
	size_t nrefused;
	int all_refused;		/* targets given by hand were refused: nothing scanned */
	char skipped[128];		/* families not available in this build */
};

void kc_scan_report_release(struct kc_scan_report *r);

/* Run a scan. A refused hand-given target is not an error: rep->all_refused. */
int kc_scan_run(kc_store *st, const struct kc_scan_request *rq, struct kc_scan_report *rep, kc_err *err);

/* Runs, newest first. */
typedef struct kc_scan_run_row {
	int64_t id;
	char scope[128], checks[64], actor[128], status[12], phase[16];
	int64_t targets, probes_total, probes_done, refused, opened, fixed;
	char error[256], started_at[32], finished_at[32];
} kc_scan_run_row;

int kc_scan_run_list(kc_store *st, size_t limit, kc_scan_run_row **out, size_t *n, kc_err *err);

/* ---- schedules ---- */

typedef struct kc_scan_schedule {
	int64_t id, org_id; /* org_id 0: every organisation */
	char org[80];
	char checks[64];
	int64_t every;
	char next_run[32], last_status[16];
	int64_t last_run_id;
} kc_scan_schedule;

int kc_scan_schedule_add(kc_store *st, const char *actor, int64_t org_id, unsigned checks, int64_t every,
			 int64_t *id, kc_err *err);
int kc_scan_schedule_rm(kc_store *st, const char *actor, int64_t id, kc_err *err);
int kc_scan_schedule_list(kc_store *st, kc_scan_schedule **out, size_t *n, kc_err *err);

/*
 * Run the scheduled scans that are due, as worker owner: each is claimed with
 * a lease (PostgreSQL: SKIP LOCKED), so one node runs it. Expired acceptances
 * are reopened first. *ran (may be NULL) receives how many ran.
 */
int kc_scan_schedule_run(kc_store *st, const char *owner, size_t *ran, kc_err *err);

/* Queue a notice for each high finding in ids not yet notified for its
 * current opening, to the organisation's contacts in their languages.
 * *queued receives the number of messages. */
int kc_scan_notify_high(kc_store *st, const int64_t *ids, size_t n, size_t *queued, kc_err *err);

/* Hours between two findings notices of one organisation (setting
 * scan.digest_hours overrides). */
#define KC_SCAN_DIGEST_HOURS 24

/*
 * The daily findings notice: for each organisation (org_id 0: all) with
 * medium or low findings opened (or reopened) since their last notice, when
 * its last notice is KC_SCAN_DIGEST_HOURS old (or force), one message to
 * each contact that takes findings (notices all, scan or findings), in the
 * contact's language, through the outbox. Each opening goes into one notice
 * only; high findings are told at once by kc_scan_notify_high instead. One
 * transaction per organisation, audited. *queued receives the number of
 * messages, *orgs (may be NULL) the organisations told.
 */
int kc_scan_notify_digest(kc_store *st, int64_t org_id, int force, size_t *queued, size_t *orgs, kc_err *err);

#endif
