/*
 * sink.h - what every feed format shares once it has read an indicator:
 * the file's content hash (a file ingested before is a no-op), the
 * transaction, attribution through the registry, the deduplication window,
 * the quarantine file and the counts. A format parser (shadowserver, list,
 * STIX, MISP, generic CSV) reads its input and calls kc_sink_emit() for each
 * indicator and kc_sink_quarantine() for each thing it cannot read.
 *
 *	kc_sink s;
 *	if ((rc = kc_sink_open(&s, st, reg, path, opts, "stix", rep, err)) || rep->already)
 *		return rc;
 *	... kc_sink_emit(&s, &ev, line, raw, err) ...
 *	return kc_sink_close(&s, rc, err);
 */
#ifndef KC_SINK_H
#define KC_SINK_H

#include <stdint.h>
#include <stdio.h>

#include "base/time.h"
#include "feed/ingest.h"

typedef struct kc_sink {
	kc_store *st;
	const kc_registry *reg;
	const kc_ingest_opts *o;
	kc_ingest_report *rep;
	FILE *q;			/* quarantine file, or NULL */
	const char *feed;		/* feed.name */
	char report[64];		/* report type stored with each event */
	char shown[160];		/* the file name as shown in messages */
	char now[KC_TIME_STRLEN];	/* time.observation */
	int in_tx;
	/* The dedup keys of this feed's events from bloom_since on, as a Bloom
	 * filter: a key it has never seen needs no lookup in the store. */
	uint64_t *bloom;
	size_t bloom_bits;		/* a power of two; 0: not loaded */
	time_t bloom_since;
	int bloom_tried;
} kc_sink;

/* One indicator as a parser read it. Strings may be NULL. */
typedef struct kc_sink_event {
	const char *taxonomy, *type, *identifier; /* classification.*; required */
	const char *ip;		/* an address or a CIDR prefix */
	const char *fqdn;	/* a host or domain name (normalised here) */
	const char *url;	/* a URL; its host is the address or name when ip and fqdn are NULL */
	int64_t port;		/* -1: none */
	int64_t asn;		/* 0: unknown */
	const char *time;	/* time.source, any form kc_time_parse reads; NULL: now */
	const char *extra;	/* a JSON object as text; NULL: "{}" */
	const char *tlp;	/* NULL: AMBER */
} kc_sink_event;

/*
 * Hash path, check whether that content was ingested before (then rep->already
 * is set and nothing else happens), open the quarantine file and begin the
 * transaction. report is the report type recorded for the file and its events.
 */
int kc_sink_open(kc_sink *s, kc_store *st, const kc_registry *reg, const char *path, const kc_ingest_opts *o,
		 const char *report, kc_ingest_report *rep, kc_err *err);

/*
 * One indicator: validated (a bad address, name, URL, port or time is
 * quarantined with the reason, and 1 is returned), attributed (unattributed
 * ones are counted and dropped unless opts->keep_unattributed), merged into
 * an event of the window or stored. Counts rep->lines once per call.
 * line is the input's line number (0: none), raw what to show in quarantine.
 * Returns 0 stored or dropped, 1 quarantined, < 0 a store error (stop).
 */
int kc_sink_emit(kc_sink *s, const kc_sink_event *ev, size_t line, const char *raw, kc_err *err);

/* A thing the parser could not read at all: counted as a line and quarantined. */
void kc_sink_quarantine(kc_sink *s, size_t line, const char *why, const char *raw);
void kc_sink_quarantinen(kc_sink *s, size_t line, const char *why, const char *raw, size_t len);

/* Record the file and commit when rc is 0, else roll back; close everything.
 * Returns rc, or the commit's error. */
int kc_sink_close(kc_sink *s, int rc, kc_err *err);

/* Shared by the parsers that keep their own loop (Shadowserver, for speed). */
int kc_sink_hash_file(const char *path, char out[65], kc_err *err);
int kc_sink_attribute(const kc_registry *reg, const kc_ip *ip, int have_ip, const char *fqdn, int64_t *org_id);
int kc_sink_store(kc_sink *s, const kc_sink_event *ev, int64_t org_id, const char *when, int *merged, kc_err *err);

#endif
