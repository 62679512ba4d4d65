/*
 * scanpic.h - the scanner's and the vulnerability data's part of the
 * situational picture: open findings by severity, the most exposed services
 * (open findings by check) and products (declared or observed, by CPE
 * vendor:product), the KEV entries that affect constituents (through
 * src/vuln's exposure), the ratings per county, one organisation's rating
 * beside the national median, and the advisories that concern it.
 *
 * org_id 0 is national; otherwise only that organisation's own rows are
 * read, and no other organisation is named in what comes back.
 */
#ifndef KC_SCANPIC_H
#define KC_SCANPIC_H

#include <stddef.h>
#include <stdint.h>

#include "advisory/advisory.h"
#include "auth/user.h"
#include "base/err.h"
#include "scan/finding.h"
#include "store/store.h"

/* Open findings by severity (not counting accepted ones), and the accepted. */
typedef struct kc_pic_findings {
	int64_t info, low, medium, high, accepted;
} kc_pic_findings;

int kc_pic_findings_count(kc_store *st, int64_t org_id, kc_pic_findings *out, kc_err *err);

/* Both at once, in one pass: the counts by severity and (checks may be NULL)
 * the open findings per check, most first, at most max (0: all). */
typedef struct kc_pic_count kc_pic_count;
int kc_pic_findings_scan(kc_store *st, int64_t org_id, size_t max, kc_pic_findings *f, kc_pic_count **checks,
			 size_t *nchecks, kc_err *err);

/* A key (a check id, or "vendor:product") with how many rows and organisations. */
struct kc_pic_count {
	char key[200];
	char severity[8];	/* checks: the worst open severity; products: "" */
	int64_t n, orgs;
};

/* Open findings per check, most first, at most max. */
int kc_pic_top_checks(kc_store *st, int64_t org_id, size_t max, kc_pic_count **out, size_t *n, kc_err *err);
/* Organisation products (declared and observed) per CPE vendor:product,
 * by organisations then rows, at most max. */
int kc_pic_top_products(kc_store *st, int64_t org_id, size_t max, kc_pic_count **out, size_t *n, kc_err *err);

/* One KEV entry whose NVD criteria take in an organisation's product. */
typedef struct kc_pic_kev {
	char cve[24];
	char vendor[80], product[120], name[200];
	char added[16], ransomware[16];
	char products[240];	/* the organisations' matching CPE names, "; "-separated (first few) */
	int64_t definite;	/* organisations with a product that matches */
	int64_t uncertain;	/* organisations with only an uncertain one */
} kc_pic_kev;

/* Newest KEV entry first. org_id != 0: only entries affecting that
 * organisation, counted for it alone. */
int kc_pic_kev_affected(kc_store *st, int64_t org_id, kc_pic_kev **out, size_t *n, kc_err *err);

/* Ratings counted per county: by[kc_colour] municipalities. */
typedef struct kc_pic_county {
	char code[8], name[201];
	int64_t by[5];
} kc_pic_county;

/* From a kc_rating_list (county then name order); *out malloc'd, the last
 * row is the whole country (code ""). */
int kc_pic_county_ratings(const kc_rating *v, size_t n, kc_pic_county **out, size_t *nout, kc_err *err);

/* Colour as a score (green 1 .. red 4; grey 0) and back (rounded, 0 grey). */
int kc_pic_colour_score(kc_colour c);
kc_colour kc_pic_score_colour(double score);

/* One day of an organisation's rating beside the national median over the
 * rated municipalities (grey left out) that day. */
typedef struct kc_pic_rating_day {
	char day[16];
	kc_colour own;
	int64_t high, medium, low, info;
	double median;		/* score; 0 when no municipality was rated that day */
	int64_t rated;		/* municipalities the median is over */
} kc_pic_rating_day;

/* The last max days of org_id's rating history, oldest first. */
int kc_pic_rating_compare(kc_store *st, int64_t org_id, size_t max, kc_pic_rating_day **out, size_t *n,
			  kc_err *err);

/* The national median of the current ratings (kc_rating_list; grey left
 * out): score, and how many it is over. */
double kc_pic_rating_median(const kc_rating *v, size_t n, int64_t *rated);

/* An advisory as the picture lists it. concerns: its products or CVEs
 * match one of the organisation's products (definite matches only). */
typedef struct kc_pic_advisory {
	kc_adv_brief a;
	int concerns;
} kc_pic_advisory;

/*
 * The published advisories that concern org_id (org_id != 0) and every
 * published CLEAR or GREEN one, newest first, at most max, each one u may
 * read (kc_may_read, as about org_id). org_id 0: the newest published ones
 * u may read, concerns 0.
 */
int kc_pic_advisories(kc_store *st, const kc_user *u, int64_t org_id, size_t max, kc_pic_advisory **out, size_t *n,
		      kc_err *err);

#endif
