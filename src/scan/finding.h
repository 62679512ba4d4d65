/*
 * finding.h - the scanner's results in the store: findings, their history,
 * comply-or-explain acceptance, and each organisation's rating.
 *
 * A finding is keyed by (org, check, target, port). The sink (kc_finding_sink)
 * turns a run's reports into rows: a new key opens a finding, a known key gets
 * its last-seen time (and severity, evidence) updated, a fixed finding seen
 * again is reopened, and a family a run covered on a target without seeing a
 * finding there closes it as fixed. History rows are written only on a change
 * (opened, severity, fixed, reopened, accepted, expired), each audited.
 *
 * The rating follows basisbeveiliging.nl: the worst open finding that is not
 * accepted decides the colour - high red, medium orange, low yellow, only
 * info or nothing green - and an organisation with no CIDR, host or domain
 * registered (nothing to scan) is grey. kc_rating_record keeps one row per
 * organisation and day for the trend.
 */
#ifndef KC_SCAN_FINDING_H
#define KC_SCAN_FINDING_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "scan/scan.h"
#include "store/store.h"

/* Longest check id kept: a product finding's carries its CPE's vendor and
 * product ("product.http:f5:nginx"), so several products on one port are
 * several findings; the product is also recorded as one of the
 * organisation's products (kc_org_product_observe, vuln/exposure.h). */
#define KC_FINDING_CHECK_MAX 160

/* ---- the sink: a run's reports into findings ---- */

struct kc_finding_sink {
	kc_store *st;
	int64_t run_id;
	const char *actor;	/* audit actor: "cli:kari", "worker" */
	char now[32];		/* the run's clock (ISO 8601) */
	size_t seen, opened, reopened, fixed, changed;
	int64_t *new_high;	/* ids of findings opened or reopened as high in this run */
	size_t nnew_high, cap_high;
	int rc;			/* first error (0: none); later reports are dropped */
	kc_err err;
	/* Chained: progress reports are passed on here (may be NULL). */
	void (*progress)(void *arg, const char *phase, uint64_t done, uint64_t total);
	void *progress_arg;
};

/* Start a sink for run_id (its findings carry it). */
void kc_finding_sink_init(struct kc_finding_sink *fs, kc_store *st, int64_t run_id, const char *actor);
void kc_finding_sink_release(struct kc_finding_sink *fs);
/* The kc_scan_sink the checks report to. */
void kc_finding_sink_bind(struct kc_finding_sink *fs, struct kc_scan_sink *out);

/* Report directly (what the bound sink's callbacks call). */
int kc_finding_observe(struct kc_finding_sink *fs, const struct kc_finding *f);
/* Close, as fixed, the open (or accepted) findings of family at target (port 0:
 * any port) that this run did not report. "service" also covers "product"
 * (both come from the same handshakes). Returns how many were closed. */
int kc_finding_covered(struct kc_finding_sink *fs, int64_t org_id, const char *family, const char *target,
		       int port);

/* "service" for "service.rdp": the text before the first dot, into out. */
void kc_finding_family(const char *check, char *out, size_t cap);

/* ---- reading, accepting ---- */

typedef struct kc_finding_row {
	int64_t id, org_id;
	char org_code[8], org_slug[80], org_name[201];
	char check[KC_FINDING_CHECK_MAX], family[16], target[256], host[256];
	int port;
	char severity[8];
	int confidence;
	char title[256];
	char *evidence; /* malloc'd JSON text, or NULL (kc_finding_rows_free) */
	char cpe[160];
	char status[12];
	char first_seen[32], last_seen[32], fixed_at[32];
	char accept_reason[1001], accept_until[16], accept_by[128];
} kc_finding_row;

typedef struct kc_finding_filter {
	int64_t org_id;		/* 0: all */
	const int64_t *orgs;	/* when norgs > 0: only these (a member's organisations) */
	size_t norgs;
	const char *status;	/* open, fixed, accepted; NULL: all */
	const char *severity;	/* NULL: all */
	const char *check;	/* a check ("tls.expired") or a family ("tls"); NULL: all */
	size_t limit, offset;	/* limit 0: 1000 */
} kc_finding_filter;

/* Worst first (severity, then status open, then last seen). *out malloc'd. */
int kc_finding_list(kc_store *st, const kc_finding_filter *f, kc_finding_row **out, size_t *n, kc_err *err);
int kc_finding_get(kc_store *st, int64_t id, kc_finding_row *out, kc_err *err);
void kc_finding_rows_free(kc_finding_row *v, size_t n);

typedef struct kc_finding_change {
	char at[32], change[16], severity[8], detail[256], actor[128];
} kc_finding_change;

/* History of one finding, oldest first. *out malloc'd. */
int kc_finding_history(kc_store *st, int64_t id, kc_finding_change **out, size_t *n, kc_err *err);

/*
 * Comply or explain: accept an open finding with a reason until a day
 * (YYYY-MM-DD, after today, at most two years ahead); it no longer counts for
 * the rating, and is open again the day after until. Accepting an accepted
 * finding changes its reason and day. Audited.
 */
int kc_finding_accept(kc_store *st, const char *actor, int64_t id, const char *reason, const char *until,
		      kc_err *err);

/* Withdraw an acceptance: the finding is open again (and counts for the
 * rating) at once. Audited; KC_EINVAL when the finding is not accepted. */
int kc_finding_withdraw(kc_store *st, const char *actor, int64_t id, kc_err *err);

/* Reopen accepted findings whose day has passed (relative to kc_now()).
 * *n (may be NULL) receives how many. Audited. */
int kc_finding_expire(kc_store *st, const char *actor, size_t *n, kc_err *err);

/* ---- rating ---- */

typedef enum kc_colour {
	KC_COLOUR_GREY = 0,
	KC_COLOUR_GREEN = 1,
	KC_COLOUR_YELLOW = 2,
	KC_COLOUR_ORANGE = 3,
	KC_COLOUR_RED = 4,
} kc_colour;

/* "grey", "green", "yellow", "orange", "red". */
const char *kc_colour_name(kc_colour c);

typedef struct kc_rating {
	int64_t org_id;
	char org_code[8], org_slug[80], org_name[201], county[201], county_code[8];
	kc_colour colour;
	int64_t high, medium, low, info, accepted; /* open findings by severity; accepted */
	int64_t assets;			       /* scannable assets (cidr, host, domain) */
} kc_rating;

/* The colour from the counts (grey when assets == 0). */
kc_colour kc_rating_colour(const kc_rating *r);

/* One organisation's rating now. */
int kc_rating_get(kc_store *st, int64_t org_id, kc_rating *out, kc_err *err);

/* Every municipality (county: NULL or a county's code; org_id != 0: that one
 * only), in county then name order. *out malloc'd. */
int kc_rating_list(kc_store *st, const char *county, int64_t org_id, kc_rating **out, size_t *n, kc_err *err);

/* Record today's rating (UTC day) of org_id in rating_history. */
int kc_rating_record(kc_store *st, int64_t org_id, kc_err *err);

typedef struct kc_rating_day {
	char day[16];
	kc_colour colour;
	int64_t high, medium, low, info;
} kc_rating_day;

/* The last days of org_id's rating, oldest first, at most max rows. */
int kc_rating_trend(kc_store *st, int64_t org_id, size_t max, kc_rating_day **out, size_t *n, kc_err *err);

/* The national trend: for each day with a recorded rating in the last days
 * days (at most max rows, oldest first), how many active municipalities had
 * each colour (index kc_colour), each by its latest rating on or before that
 * day; a municipality with no rating recorded yet is not counted. */
typedef struct kc_rating_tally {
	char day[16];
	int64_t n[5];
} kc_rating_tally;

int kc_rating_national(kc_store *st, size_t days, kc_rating_tally **out, size_t *n, kc_err *err);

#endif
