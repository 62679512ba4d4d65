/*
 * asset.h - what organisations own (IP prefixes, AS numbers, domains, hosts),
 * the in-memory registry built from them, and whois over it.
 *
 * Values are stored canonical (kc_asset_canonical): a prefix with host bits
 * clear in RFC 5952 form, "AS" stripped from AS numbers, domains normalised
 * (base/domain.h), a host as a canonical IP address or a normalised name.
 * The same value cannot belong to two organisations; a value inside another
 * organisation's is accepted as a sub-allocation (the more specific wins).
 */
#ifndef KC_ASSET_H
#define KC_ASSET_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "org/attrib.h"
#include "store/store.h"

#define KC_ASSET_VALUE_MAX 256

typedef struct kc_asset {
	int64_t id;
	int64_t org_id;
	char org_slug[80];
	char org_name[201];
	char org_kind[16];
	char kind[8];
	char value[KC_ASSET_VALUE_MAX];
	char note[256];
	char source[32];
	char created_at[32];
} kc_asset;

/* 1 when kind is cidr, asn, domain or host. */
int kc_asset_kind_valid(const char *kind);

/* Canonical form of value for kind into out (KC_ASSET_VALUE_MAX bytes). */
int kc_asset_canonical(const char *kind, const char *value, char *out, kc_err *err);

/* Assets of one organisation (org_id 0: all), optionally of one kind, ordered. */
int kc_asset_list(kc_store *st, int64_t org_id, const char *kind, kc_asset **out, size_t *n,
		  kc_err *err);

/* The registry: every asset, and the attribution engine built over them. */
typedef struct kc_registry {
	kc_attrib *engine;
	kc_asset *assets; /* engine values index this array */
	int64_t *org_of;  /* assets[i].org_id, packed: attribution reads only this */
	size_t n;
} kc_registry;

int kc_registry_load(kc_store *st, kc_registry **out, kc_err *err);
void kc_registry_free(kc_registry *reg);

#define KC_WHOIS_MAX_HITS 16

typedef struct kc_whois {
	char type[8];		     /* "ip", "asn", "domain" */
	char key[KC_ASSET_VALUE_MAX]; /* the normalised key looked up */
	size_t nhits;		     /* most specific first */
	const kc_asset *hits[KC_WHOIS_MAX_HITS];
} kc_whois;

/*
 * Who owns query: an IP address, "AS64500", a domain name, a URL or an e-mail
 * address. Returns 0 with w->nhits == 0 when no constituent owns it, or
 * KC_EINVAL when query is none of these.
 */
int kc_registry_whois(const kc_registry *reg, const char *query, kc_whois *w, kc_err *err);

/* What adding a value would mean, given the registry. */
typedef struct kc_asset_outcome {
	int64_t id;		     /* the new asset's id (0 when unchanged) */
	int unchanged;		     /* already registered to this organisation */
	char value[KC_ASSET_VALUE_MAX]; /* canonical value */
	kc_asset parent;	     /* covering asset, when parent_found */
	int parent_found;	     /* 1: inside another asset (see parent.org_id) */
} kc_asset_outcome;

/*
 * Add one asset to org_id. reg may be NULL (then it is loaded). A value owned
 * by another organisation fails with KC_EEXIST naming it; a value inside
 * another's is a sub-allocation, reported in out->parent. Audited.
 */
int kc_asset_add(kc_store *st, const char *actor, const kc_registry *reg, int64_t org_id,
		 const char *kind, const char *value, const char *note, kc_asset_outcome *out,
		 kc_err *err);

/* Remove an asset of org_id. KC_ENOENT when it is not registered there. Audited. */
int kc_asset_rm(kc_store *st, const char *actor, int64_t org_id, const char *kind, const char *value,
		kc_err *err);

/* Import report: one problem per bad row. */
typedef struct kc_import_problem {
	size_t line; /* CSV line, or JSON item number */
	char msg[KC_ERR_MSG_MAX];
} kc_import_problem;

typedef struct kc_import_report {
	size_t rows, added, unchanged, suballocations, skipped;
	kc_import_problem *problems;
	size_t nproblems;
} kc_import_report;

/*
 * Import assets from CSV (header org,kind,value[,note]) or JSON (an array of
 * objects with org, kind, value and optional note, or {"assets": [...]}); the
 * format is taken from the first non-blank byte. Kind "product" declares a
 * CPE 2.3 name the organisation runs (kc_org_product_declare, vuln/exposure.h;
 * one already declared counts as unchanged). One transaction: with a bad
 * row nothing changes (KC_EPARSE, every problem in the report) unless
 * skip_bad, which skips and reports the bad rows and imports the rest.
 * name labels messages (the file name).
 */
int kc_asset_import(kc_store *st, const char *actor, const char *name, const char *data, size_t len,
		    int skip_bad, kc_import_report *rep, kc_err *err);
void kc_import_report_release(kc_import_report *rep);

#endif
