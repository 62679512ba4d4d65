/*
 * advisory.h - KommuneCERT's advisories (råd og anbefalinger).
 *
 * An advisory has an id KCERT-YYYY-NNNN (a per-year sequence bumped inside the
 * creating transaction, so concurrent writers on either engine never share a
 * number), a title, summary and Markdown body in bokmål (optionally also in
 * English), a TLP, a severity (lav/moderat/alvorlig/kritisk, as cases have),
 * CVEs (with a CVSS v3.1 vector and base score when known), affected products
 * (CPE 2.3) with the versions that fix them, recommendations and workarounds,
 * references, and a revision history. It is a draft until published; publishing
 * makes revision 1 (CSAF status "final"), each update adds a revision with a
 * summary. Every change is one transaction with its audit entry.
 */
#ifndef KC_ADVISORY_H
#define KC_ADVISORY_H

#include <stddef.h>
#include <stdint.h>

#include "auth/visibility.h"
#include "base/err.h"
#include "store/store.h"

#define KC_ADV_ID_LEN 20	  /* "KCERT-2026-0001" and its NUL, with room */
#define KC_ADV_TITLE_MAX 300
#define KC_ADV_SUMMARY_MAX 4000
#define KC_ADV_BODY_MAX (256u << 10)
#define KC_ADV_LIST_MAX 200	  /* CVEs, products, remedies, references each */

typedef struct kc_adv_cve {
	char *cve;
	char *cvss_vector; /* NULL when unknown */
	char *cvss_score;  /* "9.8", NULL when unknown */
} kc_adv_cve;

typedef struct kc_adv_product {
	char *cpe;
	char *fixed; /* the version that fixes it, or NULL */
} kc_adv_product;

typedef struct kc_adv_remedy {
	char *category; /* "mitigation" (a recommendation) or "workaround" */
	char *text;
} kc_adv_remedy;

typedef struct kc_adv_ref {
	char *url, *summary;
} kc_adv_ref;

typedef struct kc_adv_revision {
	int number;
	char date[32];
	char *summary;
} kc_adv_revision;

typedef struct kc_advisory {
	int64_t id;
	char ident[KC_ADV_ID_LEN];
	char *title, *summary, *body;
	char *title_en, *summary_en, *body_en; /* NULL when there is no English */
	kc_tlp tlp;
	char severity[16];
	char status[8];	/* "draft" or "final" */
	int version;	/* latest revision number; 0 for a draft */
	char initial_release[32], current_release[32], created_at[32], updated_at[32];
	char created_by[128];
	kc_adv_cve *cves;
	size_t ncves;
	kc_adv_product *products;
	size_t nproducts;
	kc_adv_remedy *remedies;
	size_t nremedies;
	kc_adv_ref *refs;
	size_t nrefs;
	kc_adv_revision *revs;
	size_t nrevs;
} kc_advisory;

/*
 * What new and edit change. NULL (and a zero count with a NULL array) leaves
 * a field as it is in edit; arrays given (set_* = 1) replace the old list.
 */
typedef struct kc_adv_input {
	const char *title, *summary, *body;
	const char *title_en, *summary_en, *body_en;
	const char *tlp;      /* "CLEAR", "TLP:AMBER", ... */
	const char *severity; /* lav|moderat|alvorlig|kritisk (also low|medium|high|critical) */
	int set_cves, set_products, set_fixed, set_remedies, set_refs;
	const char *const *cves; /* "CVE-2026-1234" or "CVE-2026-1234=9.8=CVSS:3.1/AV:..." */
	size_t ncves;
	const char *const *products; /* cpe:2.3:... */
	size_t nproducts;
	const char *const *fixed; /* "cpe:2.3:...=VERSION" (the CPE is added when missing) */
	size_t nfixed;
	const char *const *recommendations, *const *workarounds;
	size_t nrecommendations, nworkarounds;
	const char *const *refs; /* "URL" or "URL SUMMARY" */
	size_t nrefs;
} kc_adv_input;

void kc_advisory_release(kc_advisory *a);

/* Create a draft; out->ident receives the new id. */
int kc_advisory_new(kc_store *st, const char *actor, const kc_adv_input *in, kc_advisory *out, kc_err *err);
/* Change a draft (published advisories change only through update). */
int kc_advisory_edit(kc_store *st, const char *actor, const char *ident, const kc_adv_input *in, kc_err *err);
/* Publish a draft: revision 1, status final, initial release now. */
int kc_advisory_publish(kc_store *st, const char *actor, const char *ident, const char *summary, kc_err *err);
/* Change a published advisory (in may be NULL) and add a revision with summary. */
int kc_advisory_update(kc_store *st, const char *actor, const char *ident, const kc_adv_input *in,
		       const char *summary, kc_err *err);

/* One advisory by ident ("KCERT-2026-0001", case-insensitive) with everything. */
int kc_advisory_get(kc_store *st, const char *ident, kc_advisory *out, kc_err *err);

typedef struct kc_adv_brief {
	int64_t id;
	char ident[KC_ADV_ID_LEN];
	char title[KC_ADV_TITLE_MAX + 1];
	kc_tlp tlp;
	char severity[16], status[8];
	int version;
	char initial_release[32], current_release[32], updated_at[32];
} kc_adv_brief;

/* Newest first. published_only: status final. *out is malloc'd. */
int kc_advisory_list(kc_store *st, int published_only, size_t limit, size_t offset, kc_adv_brief **out,
		     size_t *n, kc_err *err);

/* The CSAF/CVSS severity name for a kcert severity ("kritisk" -> "Critical"). */
const char *kc_advisory_severity_en(const char *sev);

/*
 * CPE 2.3 formatted string fields (escaping kept, as in the string): part,
 * vendor, product, version. Returns 0 or KC_EINVAL with a message naming what
 * is wrong. Only for naming products in documents; matching is src/vuln's.
 */
typedef struct kc_cpe_names {
	char part[4], vendor[128], product[128], version[128];
} kc_cpe_names;
int kc_cpe_names_parse(const char *cpe, kc_cpe_names *out, kc_err *err);

/* The CVSS v3 severity for a base score ("9.8" -> "CRITICAL"); NULL if not a score. */
const char *kc_cvss3_severity_of(const char *score, double *value);

#endif
