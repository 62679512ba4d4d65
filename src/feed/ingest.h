/*
 * ingest.h - threat-feed reports in, harmonised events out: parse, classify,
 * attribute to the organisation that owns the address or name, deduplicate,
 * quarantine what cannot be read, and store, in one transaction per file.
 */
#ifndef KC_INGEST_H
#define KC_INGEST_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/refang.h"
#include "org/asset.h"
#include "store/store.h"

typedef struct kc_ingest_opts {
	const char *feed;	    /* feed.name; NULL: "shadowserver" */
	const char *report;	    /* report type; NULL: from the file name */
	int keep_unattributed;	    /* store events no constituent owns */
	const char *quarantine;	    /* file the bad lines are appended to (NULL: none) */
	int window_hours;	    /* deduplication window; 0: 24 */
	int dry_run;		    /* parse, classify and attribute; store nothing (bench/ingest) */
	/* Plain lists carry no classification: it is given here ("other",
	 * "blacklist", "blacklisted-ip"). */
	const char *taxonomy, *type, *identifier;
	/* Generic CSV: the mapping file (see kc_ingest_csv). */
	const char *mapping;
	/*
	 * Called now and then while a file is read (every few thousand records):
	 * done of total units (bytes for CSV formats, objects or attributes for
	 * JSON once parsed) and the records read so far. The caller decides
	 * whether and how often to show it. NULL: none.
	 */
	void (*progress)(void *arg, uint64_t done, uint64_t total, size_t records);
	void *progress_arg;
} kc_ingest_opts;

typedef struct kc_ingest_report {
	char report[64];
	char sha256[65];
	int already;		    /* the same content was ingested before: nothing done */
	size_t lines;		    /* data lines read */
	size_t events;		    /* new events stored */
	size_t duplicates;	    /* merged into an event of the window */
	size_t unattributed;	    /* no constituent owns it */
	size_t quarantined;	    /* malformed lines set aside */
	size_t skipped;		    /* well-formed but not for us (STIX, MISP): complex patterns,
				       other pattern types, hashes and other attribute types */
} kc_ingest_report;

/* Ingest one Shadowserver CSV report from path. */
int kc_ingest_file(kc_store *st, const kc_registry *reg, const char *path, const kc_ingest_opts *opts,
		   kc_ingest_report *rep, kc_err *err);

/*
 * Ingest a plain list: one IPv4/IPv6 address, CIDR prefix, domain name or URL
 * per line, classified as o->taxonomy/type/identifier (all required).
 * Defanged forms are refanged first (kc_refang: hxxp, [.], [at] ...); blank lines and
 * lines or tails starting with '#' are comments. Bad lines are quarantined.
 */
int kc_ingest_list(kc_store *st, const kc_registry *reg, const char *path, const kc_ingest_opts *opts,
		   kc_ingest_report *rep, kc_err *err);

/*
 * STIX 2.1 (and 2.0) bundle: indicators with pattern_type "stix" and a simple
 * pattern (comparisons of ipv4-addr, ipv6-addr, domain-name or url :value
 * with '=' joined by AND/OR), and observed-data with such SCOs (object_refs
 * into the bundle, or 2.0's embedded objects). One event per value; the
 * classification from indicator_types unless o->taxonomy/type/identifier;
 * TLP from object_marking_refs. Other patterns are counted in rep->skipped;
 * malformed objects are quarantined with their number in the bundle. A file
 * that is not JSON or not a bundle is KC_EPARSE and nothing is stored.
 */
int kc_ingest_stix(kc_store *st, const kc_registry *reg, const char *path, const kc_ingest_opts *opts,
		   kc_ingest_report *rep, kc_err *err);

/*
 * MISP event JSON ({"Event":{...}}, a bare event, a list of them, or a REST
 * search's {"response":[...]}): attributes and object attributes of the
 * types ip-src, ip-dst, ip-src|port, ip-dst|port, domain, hostname, url and
 * domain|ip, one event each; other types count as skipped. Classification
 * from o->taxonomy/type/identifier, else an rsit: tag, else the category;
 * TLP from tlp: tags. Position in quarantine: the attribute's number.
 */
int kc_ingest_misp(kc_store *st, const kc_registry *reg, const char *path, const kc_ingest_opts *opts,
		   kc_ingest_report *rep, kc_err *err);

/*
 * Any CSV, described by the mapping file o->mapping (docs/kcert-ingest.md):
 * which column is source.ip, source.port, source.fqdn, source.url,
 * source.asn, time.source, classification.identifier; the classification,
 * delimiter, header, time format and feed name. Unmapped columns go to extra.
 */
int kc_ingest_csv(kc_store *st, const kc_registry *reg, const char *path, const kc_ingest_opts *opts,
		  kc_ingest_report *rep, kc_err *err);

/* ---- shared by the format readers ---- */

/* What an indicator's value should be. */
typedef enum kc_value_kind {
	KC_VALUE_IPV4 = 1,	    /* an IPv4 address or prefix */
	KC_VALUE_IPV6,		    /* an IPv6 address or prefix */
	KC_VALUE_IP,		    /* either */
	KC_VALUE_DOMAIN,	    /* a domain or host name */
	KC_VALUE_URL		    /* an absolute URL with a host */
} kc_value_kind;

/* NULL when v is a kind as the sink will accept it, else why not (translated). */
const char *kc_value_check(kc_value_kind kind, const char *v);

struct json_t;

/* Load a JSON file (at most 256 MiB). Not JSON: KC_EPARSE naming jansson's
 * line and column. *out is the caller's (json_decref). */
int kc_ingest_json_load(const char *path, struct json_t **out, kc_err *err);

/* ---- the STIX pattern reader, for kc_ingest_stix and its tests ---- */

typedef struct kc_stix_value {
	kc_value_kind kind;	    /* IPV4, IPV6, DOMAIN or URL */
	char *value;		    /* the literal, unescaped; malloc'd */
} kc_stix_value;

typedef struct kc_stix_values {
	kc_stix_value *v;
	size_t n, cap;
} kc_stix_values;

#define KC_STIX_COMPLEX 1

/*
 * Read a STIX 2.1 pattern. Returns 0 and appends the values to out when every
 * comparison is ipv4-addr/ipv6-addr/domain-name/url :value = 'literal'
 * (ISSUBSET 'prefix' for addresses), joined by AND and OR, in brackets and
 * parentheses; KC_STIX_COMPLEX when it is a valid pattern of another kind
 * (other objects or properties, other operators, NOT, FOLLOWEDBY,
 * qualifiers); KC_EPARSE with the reason and its column when it is not a
 * pattern at all; KC_ETOOBIG past 4096 values or 100 levels of nesting.
 */
int kc_stix_pattern_parse(const char *pattern, kc_stix_values *out, kc_err *err);
void kc_stix_values_release(kc_stix_values *v);

#endif
