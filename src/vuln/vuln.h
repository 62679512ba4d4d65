/*
 * vuln.h - importing vulnerability data (NVD CVE API 2.0 responses and
 * dumps, CISA's KEV catalogue) into the store, and reading it back.
 *
 * An import walks each file once with the streaming splitter (jsplit.h), so
 * memory does not grow with the file; ".gz" files are read through zlib.
 * Records are told apart by their shape: a KEV entry has "cveID", an NVD item
 * has "cve"; a file holding one bare NVD "cve" object is accepted too. Each
 * record is upserted: unchanged records (same canonical JSON) are left alone,
 * so re-importing is cheap and idempotent. A bad record is reported through
 * the report callback with its page, index and byte offset, counted, and
 * skipped; the rest are imported. CVSS v3.x/v4.0 vectors are recomputed with
 * kcert's calculator (cvss.h); a score that differs from NVD's is kept as
 * NVD gave it, and reported and noted on the record.
 *
 * After the files, kc_vuln_import_finish tells the organisations whose
 * products fall under a KEV entry that this import added (or whose CVE
 * criteria it brought) through the outbox: one mail per contact of each such
 * organisation, listing every new KEV entry for it, in the contact's
 * language; table kev_notice keeps each (organisation, CVE) to once.
 */
#ifndef KC_VULN_H
#define KC_VULN_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "store/store.h"

typedef struct kc_vuln_stats {
	size_t cve_inserted, cve_updated, cve_unchanged;
	size_t kev_inserted, kev_updated, kev_unchanged;
	size_t skipped;	      /* bad records */
	size_t cvss_mismatch; /* NVD's score differs from kcert's calculation */
	size_t criteria_bad;  /* cpeMatch criteria that are not CPE 2.3 names (left out) */
	size_t orgs_notified, mails;
} kc_vuln_stats;

/* A bad record (warning 0) or a warning (1) about one (file, page, index,
 * byte offset; index is (size_t)-1 for the page itself). */
typedef void (*kc_vuln_report_fn)(void *arg, const char *file, size_t page, size_t index,
				  uint64_t offset, int warning, const char *msg);

typedef struct kc_vuln_import kc_vuln_import;

int kc_vuln_import_new(kc_store *st, const char *actor, kc_vuln_report_fn report, void *arg,
		       kc_vuln_import **out, kc_err *err);
/* Import one file (plain or gzip). Fails only when the file cannot be read
 * or is not JSON of a known shape, or the store fails; bad records are
 * counted and skipped. */
int kc_vuln_import_file(kc_vuln_import *imp, const char *path, kc_err *err);
/* Import from memory (the fuzzer, the tests); name is used in reports. */
int kc_vuln_import_mem(kc_vuln_import *imp, const char *name, const char *data, size_t len,
		       kc_err *err);
/* Queue the KEV notices and return the counts. */
int kc_vuln_import_finish(kc_vuln_import *imp, kc_vuln_stats *stats, kc_err *err);

/* An organisation's products changed (declared, or seen by the scanner): mail
 * its contacts the KEV entries it now runs an affected version of and was
 * never told of (definite matches; each (organisation, CVE) once, as after an
 * import). stats (may be NULL) gets orgs_notified and mails. */
int kc_kev_notify_org(kc_store *st, const char *actor, int64_t org_id, kc_vuln_stats *stats, kc_err *err);
void kc_vuln_import_free(kc_vuln_import *imp);

/* A CVE as stored. Strings are malloc'd inside the record; free with
 * kc_cve_release. */
typedef struct kc_cve {
	char *id, *published, *modified, *status, *description, *cwes;
	char *cvss31_vector, *cvss31_score, *cvss40_vector, *cvss40_score;
	char *cvss2_vector, *cvss2_score, *severity, *cvss_check;
	/* KEV, when listed (kev_name NULL otherwise) */
	char *kev_vendor, *kev_product, *kev_name, *kev_added, *kev_due, *kev_ransomware,
		*kev_action, *kev_notes;
} kc_cve;

int kc_cve_get(kc_store *st, const char *id, kc_cve *out, kc_err *err);
void kc_cve_release(kc_cve *c);

/* 1 when s looks like a CVE id (CVE-YYYY-NNNN...). */
int kc_cve_id_valid(const char *s);

#endif
