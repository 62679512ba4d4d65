/*
 * share.h - sharing with partner CERTs and NSM: shareable marks, the STIX 2.1
 * objects made from them, the MISP event, TAXII query parameters, and the
 * statistics export for NSM.
 *
 * Nothing is shared unless an analyst marked it (share_mark): a case, an
 * event, a set of events (organisation, type, time), an observable, or a
 * vulnerability / advisory. A mark carries a TLP (CLEAR, GREEN or AMBER:
 * AMBER+STRICT stays with the organisation and RED with its named recipients,
 * so neither can be marked) and a community ("partners", "nsm", ...). A
 * TAXII collection is one community at one TLP; partner CERTs that are
 * members of a community (share_member) may read its AMBER collection.
 */
#ifndef KC_SHARE_H
#define KC_SHARE_H

#include <stddef.h>
#include <stdint.h>

#include "auth/visibility.h"
#include "base/buf.h"
#include "base/err.h"
#include "store/store.h"

#define KC_COMMUNITY_MAX 48

typedef struct kc_share_mark {
	int64_t id;
	char kind[16];		/* case, event, events, observable, vulnerability, advisory */
	int64_t object_id;	/* 0 for sets and references */
	char ref[64];		/* CVE id or advisory number */
	int64_t set_org_id;	/* events: 0 any organisation */
	char set_org[80];
	char set_type[80];
	char set_since[32], set_until[32];
	char tlp[16];
	char community[KC_COMMUNITY_MAX + 1];
	char marked_by[128];
	char marked_at[32];
} kc_share_mark;

/* What kc_share_mark_add needs: kind and the fields of that kind. */
typedef struct kc_share_mark_new {
	const char *kind;
	int64_t object_id;
	const char *ref;
	int64_t set_org_id;
	const char *set_type, *set_since, *set_until;
	const char *tlp;	/* CLEAR (WHITE), GREEN or AMBER */
	const char *community;	/* [a-z0-9-], 1-48 characters */
} kc_share_mark_new;

/* A community name: lower-case letters, digits and '-', 1-48 of them. */
int kc_community_valid(const char *s);

/* Mark something shareable (audited). The object must exist; the same mark
 * twice is KC_EEXIST. */
int kc_share_mark_add(kc_store *st, const char *actor, const kc_share_mark_new *m, int64_t *id, kc_err *err);
/* Remove a mark (audited); KC_ENOENT when there is none. */
int kc_share_mark_rm(kc_store *st, const char *actor, int64_t id, kc_err *err);
/* Marks, oldest first; community NULL: every one. *out is malloc'd. */
int kc_share_mark_list(kc_store *st, const char *community, kc_share_mark **out, size_t *n, kc_err *err);

/* Partner CERTs in a community (audited). */
int kc_share_member_add(kc_store *st, const char *actor, const char *community, int64_t org_id, kc_err *err);
int kc_share_member_rm(kc_store *st, const char *actor, const char *community, int64_t org_id, kc_err *err);
/* 1 when org_id belongs to community. */
int kc_share_is_member(kc_store *st, const char *community, int64_t org_id, kc_err *err);

/* ---- STIX 2.1 objects (stix_out.c) ---- */

/* One shareable STIX object in one collection. */
typedef struct kc_share_obj {
	char id[96];		/* type--uuid */
	char type[32];
	char community[KC_COMMUNITY_MAX + 1];
	kc_tlp tlp;
	int64_t org_id;		/* the organisation it is about; 0 none; -1 common (identity, markings) */
	char date_added[32];	/* when it entered the collection (ms precision) */
	char version[32];	/* its modified time, or created for objects without one */
	/* For MISP and the tests: the network value of an indicator, or "". */
	char vkind[16];		/* ip-src, ip-dst, domain, hostname, url */
	char value[512];
	char first_seen[32], last_seen[32];
	void *json;		/* json_t * */
} kc_share_obj;

typedef struct kc_share_set {
	kc_share_obj *v;
	size_t n, cap;
} kc_share_set;

typedef struct kc_share_filter {
	const char *community;	/* NULL: every community */
	const char *since;	/* date_added >= since, or NULL */
} kc_share_filter;

/*
 * Every object the marks make, sorted by date_added then id: for each
 * collection (community, TLP) its objects plus the identity of KommuneCERT and
 * the TLP marking definition they refer to. Ids are UUIDv5 over a kcert
 * namespace (SCOs: STIX's own namespace over their id contributing
 * properties), so a second export gives the same ids.
 */
int kc_share_collect(kc_store *st, const kc_share_filter *f, kc_share_set *out, kc_err *err);
void kc_share_set_release(kc_share_set *s);

/* A STIX 2.1 bundle of the set, each object once. */
int kc_share_stix_bundle(const kc_share_set *s, kc_buf *out, kc_err *err);
/* One MISP event JSON with the indicators of the set. */
int kc_share_misp_event(const kc_share_set *s, kc_buf *out, kc_err *err);

/* UUIDv5 (RFC 9562) of name in namespace ns ("xxxxxxxx-xxxx-..."), into out[37]. */
int kc_uuid5(const char *ns, const char *name, size_t len, char out[37]);
/* An ISO 8601 UTC time with milliseconds (2024-05-01T12:00:00.000Z); out[32]. */
int kc_stix_time(const char *iso, char out[32]);

/*
 * Hooks for the vulnerability and advisory modules (set them at start-up).
 * kc_share_vuln_hook: fill obj (a STIX vulnerability already holding type, id,
 * name and the CVE external reference) with what the store knows about the
 * CVE: description, more references. NULL: the object goes out as it is.
 * kc_share_advisory_hook: add the objects of advisory ref to the set (a report
 * and its vulnerabilities), in collection community at tlp, added at added;
 * NULL: advisory marks make nothing yet.
 */
typedef int (*kc_share_vuln_fn)(kc_store *st, const char *cve, void *obj /* json_t * */, kc_err *err);
typedef int (*kc_share_advisory_fn)(kc_store *st, const char *ref, const char *community, kc_tlp tlp,
				    const char *added, kc_share_set *out, kc_err *err);
extern kc_share_vuln_fn kc_share_vuln_hook;
extern kc_share_advisory_fn kc_share_advisory_hook;
/* Add obj (a json_t *, stolen) to a set; for the hooks. */
int kc_share_set_add(kc_share_set *s, void *obj, const char *community, kc_tlp tlp, int64_t org_id,
		     const char *added, kc_err *err);

/* ---- TAXII 2.1 query parameters (taxii_query.c) ---- */

#define KC_TAXII_LIMIT_MAX 1000
#define KC_TAXII_MATCH_MAX 16

typedef enum { KC_TAXII_VER_LAST, KC_TAXII_VER_FIRST, KC_TAXII_VER_ALL, KC_TAXII_VER_AT } kc_taxii_ver;

typedef struct kc_taxii_query {
	char added_after[32];	/* "" none; else normalised with ms */
	size_t limit;		/* 0: the server's default */
	size_t offset;		/* from next */
	size_t ntypes, nids, nversions;
	char types[KC_TAXII_MATCH_MAX][32];
	char ids[KC_TAXII_MATCH_MAX][96];
	kc_taxii_ver ver[KC_TAXII_MATCH_MAX];
	char ver_at[KC_TAXII_MATCH_MAX][32];
	int spec_21_only;	/* match[spec_version] given and names 2.1 */
} kc_taxii_query;

/* Parse the parameters: get(ctx, name) returns a value or NULL. Errors name
 * the parameter. */
int kc_taxii_query_parse(const char *(*get)(void *ctx, const char *name), void *ctx, kc_taxii_query *q,
			 kc_err *err);
/* The opaque cursor of next: base64url, an offset and a check of the query. */
void kc_taxii_next_encode(size_t offset, const char *added_after, char out[96]);
int kc_taxii_next_decode(const char *s, const char *added_after, size_t *offset);
/* 1 when obj passes the match[] filters of q. */
int kc_taxii_match(const kc_taxii_query *q, const kc_share_obj *o);

/* ---- statistics for NSM (stats.c) ---- */

typedef enum { KC_PERIOD_MONTH, KC_PERIOD_QUARTER, KC_PERIOD_YEAR } kc_period;

int kc_period_parse(const char *s, kc_period *p);
/* The period containing from (YYYY-MM-DD; NULL: the last whole period
 * before now): [start, end) as YYYY-MM-DD. */
int kc_period_bounds(kc_period p, const char *from, char start[11], char end[11], kc_err *err);
/* The NSM statistics as CSV (columns in docs/kcert-share.md). */
int kc_stats_nsm_csv(kc_store *st, kc_period p, const char *from, kc_buf *out, kc_err *err);

#endif
