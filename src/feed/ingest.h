/*
 * ingest.h - threat-feed reports in, harmonised events out: parse, classify,
 * attribute to the organisation that owns the address or name, deduplicate,
 * quarantine what cannot be read, and store, in one transaction per file.
 */
#ifndef KC_INGEST_H
#define KC_INGEST_H

#include <stddef.h>

#include "base/err.h"
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
} kc_ingest_report;

/* Ingest one Shadowserver CSV report from path. */
int kc_ingest_file(kc_store *st, const kc_registry *reg, const char *path, const kc_ingest_opts *opts,
		   kc_ingest_report *rep, kc_err *err);

/*
 * Ingest a plain list: one IPv4/IPv6 address, CIDR prefix, domain name or URL
 * per line, classified as o->taxonomy/type/identifier (all required).
 * Defanged forms are refanged first (hxxp, [.], (.), [:]); blank lines and
 * lines or tails starting with '#' are comments. Bad lines are quarantined.
 */
int kc_ingest_list(kc_store *st, const kc_registry *reg, const char *path, const kc_ingest_opts *opts,
		   kc_ingest_report *rep, kc_err *err);

/* Refang s in place ("hxxps://a[.]b" -> "https://a.b"). */
void kc_refang(char *s);

#endif
