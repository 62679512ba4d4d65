/*
 * target.h - what the scanner may touch: the registered assets of an
 * organisation expanded into addresses, minus the organisation's exclusions;
 * and the check that refuses any target given by hand that no constituent
 * registered.
 *
 * Expansion, per asset kind:
 *   cidr    IPv4 prefixes of /22 or longer (at most 1,024 addresses) become
 *           their addresses (network and broadcast addresses of prefixes up to
 *           /30 left out); IPv6 prefixes of /120 or longer (at most 256). A
 *           shorter prefix is not swept: it is reported as skipped, and its
 *           machines are scanned through the hosts and domains registered in
 *           it (sweeping a /48 is neither possible nor wanted).
 *   host    an address, or a name resolved to its A/AAAA addresses.
 *   domain  its own A/AAAA addresses, and its MX and NS hosts' addresses when
 *           those hosts are themselves registered to the organisation (a name
 *           under one of its domains, or an address in one of its ranges): a
 *           municipality's mail at a cloud provider is not the municipality's
 *           to have scanned. The domain itself is kept for the mail checks.
 *   asn     not expanded (no routing data here).
 *
 * A target given by hand (an IP address, a host name or a domain) is accepted
 * only under one of these rules, else refused with the rule that failed:
 *   an address inside a cidr or host asset of a constituent organisation;
 *   a name that is a registered host or lies under a registered domain;
 *   any other name whose every address lies inside the ranges of one
 *   organisation.
 * Exclusions (kcert scan exclude) apply to both.
 */
#ifndef KC_SCAN_TARGET_H
#define KC_SCAN_TARGET_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "org/asset.h"
#include "scan/scan.h"
#include "store/store.h"

struct kc_dns; /* scan/dns.h */

/* The caps on sweeping a registered range (prefix lengths). */
#define KC_SCAN_V4_MIN_PLEN 22
#define KC_SCAN_V6_MIN_PLEN 120
/* The most targets one organisation expands to. */
#define KC_SCAN_ORG_MAX_TARGETS 65536

/* A registered domain to run the mail and DNS checks on. */
struct kc_scan_domain {
	int64_t org_id;
	char name[256];
};

/* Why something was not scanned. */
struct kc_scan_refusal {
	int64_t org_id;	   /* 0 when nobody owns it */
	char what[256];	   /* the target or asset */
	char rule[24];	   /* unregistered, resolves-outside, excluded, too-large, unresolved, invalid, other-org */
	char why[320];	   /* translated sentence */
};

struct kc_scan_targets {
	struct kc_scan_target *v;
	size_t n, cap;
	struct kc_scan_domain *domains;
	size_t ndomains, capd;
	struct kc_scan_refusal *refused;
	size_t nrefused, capr;
	size_t excluded; /* addresses left out by exclusions */
};

void kc_scan_targets_init(struct kc_scan_targets *t);
void kc_scan_targets_release(struct kc_scan_targets *t);

/*
 * Add org_id's registered assets, expanded, minus its exclusions. reg is the
 * loaded registry; dns may be NULL (then host names and domains give no
 * addresses, and domains are still kept for the mail checks).
 */
int kc_scan_targets_org(kc_store *st, const kc_registry *reg, struct kc_dns *dns, int64_t org_id,
			struct kc_scan_targets *t, kc_err *err);

/*
 * Add one target given by hand. Returns 0 when it was accepted (targets
 * added), 1 when it was refused (a refusal added with its rule), < 0 on an
 * error. only_org != 0: refuse what belongs to another organisation.
 */
int kc_scan_targets_manual(kc_store *st, const kc_registry *reg, struct kc_dns *dns, int64_t only_org,
			   const char *arg, struct kc_scan_targets *t, kc_err *err);

/* Organisations with something to scan (cidr, host or domain assets). *out malloc'd. */
int kc_scan_orgs(kc_store *st, int64_t **out, size_t *n, kc_err *err);

/* ---- exclusions ---- */

typedef struct kc_scan_exclusion {
	int64_t id, org_id;
	char org[80];
	char value[256], reason[512], created_by[128], created_at[32];
} kc_scan_exclusion;

/* Opt a range (a prefix, an address) or a host name of org_id out. It must lie
 * inside the organisation's registered assets. Audited. */
int kc_scan_exclude_add(kc_store *st, const char *actor, const kc_registry *reg, int64_t org_id, const char *value,
			const char *reason, kc_err *err);
int kc_scan_exclude_rm(kc_store *st, const char *actor, int64_t org_id, const char *value, kc_err *err);
/* org_id 0: all. *out malloc'd. */
int kc_scan_exclude_list(kc_store *st, int64_t org_id, kc_scan_exclusion **out, size_t *n, kc_err *err);

#endif
