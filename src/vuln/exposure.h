/*
 * exposure.h - which organisations run a vulnerable product: the products of
 * each organisation (table org_product: declared by analysts, observed by the
 * scanner) matched against CPE criteria (a CVE's, from NVD, or an advisory's).
 *
 * A CVE's criteria are its cpeMatch entries with vulnerable = true. NVD's AND
 * configurations ("X running on Y") are approximated: the vulnerable criterion
 * alone decides, the platform is not required (docs/kcert-vuln.md). Matching
 * is kc_cpe_match (cpe.h): a product either matches, does not, or is
 * "uncertain" (its version is unknown or does not compare with the bound);
 * uncertain exposures are reported too, flagged, never as matches.
 */
#ifndef KC_EXPOSURE_H
#define KC_EXPOSURE_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "store/store.h"
#include "vuln/cpe.h"

/* Confidence of a declared product. */
#define KC_PRODUCT_DECLARED_CONFIDENCE 100

/* One organisation's product falling under one criterion. The strings live
 * only during the callback. */
typedef struct kc_exposure {
	int64_t org_id;
	const char *org_slug, *org_name;
	const char *cve;	 /* the CVE (kc_exposure_for_cve), else NULL */
	const char *product;	 /* the organisation's CPE name */
	const char *criterion;	 /* the criterion it fell under */
	kc_cpe_range range;	 /* the criterion's version bounds */
	const char *source;	 /* "declared" or "scan" */
	int confidence;		 /* 0-100: declared 100, scan as observed */
	const char *evidence;	 /* the scanner's evidence or the declaration's note; may be NULL */
	kc_cpe_match_result result; /* KC_CPE_MATCH or KC_CPE_UNCERTAIN */
} kc_exposure;

/* Called once per (organisation, product): with the first criterion that
 * matches, or, when none does, the first that is uncertain. A non-zero
 * return stops the walk and is returned by the walker. */
typedef int (*kc_exposure_fn)(const kc_exposure *e, void *arg);

/* The organisations whose products fall under the vulnerable criteria of cve
 * (as imported by kcert vuln import). KC_ENOENT when the CVE is not known. */
int kc_exposure_for_cve(kc_store *st, const char *cve, kc_exposure_fn fn, void *arg, kc_err *err);

/* The same for a list of CPE 2.3 criteria without version bounds (an
 * advisory's affected products). An invalid criterion is KC_EINVAL naming it. */
int kc_exposure_for_cpes(kc_store *st, const char *const *criteria, size_t n, kc_exposure_fn fn,
			 void *arg, kc_err *err);

/* A criterion with version bounds (an advisory's product and fixed version:
 * end_excl = the first fixed version). */
typedef struct kc_exposure_criterion {
	const char *cpe;
	kc_cpe_range range;
} kc_exposure_criterion;

int kc_exposure_for_criteria(kc_store *st, const kc_exposure_criterion *c, size_t n,
			     kc_exposure_fn fn, void *arg, kc_err *err);

/* What kc_exposure_all looked at: products loaded, vulnerable criteria
 * stored, criteria that may concern a product some organisation runs (the
 * others are passed over unparsed), how many of those differ (text and
 * bounds: each is matched once), CVEs with such criteria, and
 * product-criterion comparisons (kc_cpe_match calls). */
typedef struct kc_exposure_counts {
	size_t products, criteria, criteria_examined, criteria_distinct, cves_examined, comparisons;
} kc_exposure_counts;

/* Every imported CVE against every organisation's products: for each CVE (in
 * id order) the same reports, in the same order, as kc_exposure_for_cve gives,
 * with e->cve set. Products are loaded once and indexed by vendor and
 * product; criteria are read once, and a criterion that recurs (same text and
 * bounds) is matched once. counts may be NULL. */
int kc_exposure_all(kc_store *st, kc_exposure_fn fn, void *arg, kc_exposure_counts *counts,
		    kc_err *err);

/* ---- organisation products ---- */

/* The scanner saw cpe at org: insert it (source 'scan') or refresh last_seen,
 * confidence and evidence. cpe is validated and stored canonical. One
 * transaction. */
int kc_org_product_observe(kc_store *st, int64_t org, const char *cpe, int confidence,
			   const char *evidence, kc_err *err);

/* An analyst (actor) declares that org runs cpe (source 'declared',
 * confidence 100); KC_EEXIST when already declared. Vendor and product must
 * be named. *canonical (may be NULL) receives the stored form (malloc'd).
 * One transaction, with its audit entry. */
int kc_org_product_declare(kc_store *st, const char *actor, int64_t org, const char *cpe,
			   const char *note, char **canonical, kc_err *err);

/* Remove a declared or observed product (both when source is NULL);
 * KC_ENOENT when there was none. Audited. */
int kc_org_product_remove(kc_store *st, const char *actor, int64_t org, const char *cpe,
			  const char *source, kc_err *err);

#endif
