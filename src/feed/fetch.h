/*
 * fetch.h - feeds fetched on a schedule: kcert feed add NAME URL --format F
 * --every 1d. The worker downloads each due feed with libcurl into the spool
 * (var/feeds/NAME/TIME/FILE, kept: what was received is never lost), ingests
 * it like kcert ingest (a file with the same content as before is a no-op),
 * and records the outcome on the feed.
 */
#ifndef KC_FETCH_H
#define KC_FETCH_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "feed/ingest.h"
#include "store/store.h"

typedef struct kc_feed {
	int64_t id;
	char name[64];
	char url[1024];
	char format[16];
	char report[64];	  /* "" when the URL names it */
	char classification[256]; /* TAXONOMY/TYPE/IDENTIFIER for lists */
	char mapping[512];	  /* generic CSV mapping file */
	int64_t every;		  /* seconds */
	int enabled;
	char next_fetch[32], last_fetch[32], last_status[16], last_error[512];
	int64_t last_events;
} kc_feed;

/* "1d", "6h", "30m", "3600s" or "3600" -> seconds; 0 when invalid. */
int64_t kc_interval_parse(const char *s);

int kc_feed_add(kc_store *st, const char *actor, const kc_feed *f, kc_err *err);
int kc_feed_rm(kc_store *st, const char *actor, const char *name, kc_err *err);
int kc_feed_list(kc_store *st, kc_feed **out, size_t *n, kc_err *err);

/* Ingest path in the given format (shadowserver, list, ...). */
int kc_ingest_format(kc_store *st, const kc_registry *reg, const char *format, const char *path,
		     const kc_ingest_opts *o, kc_ingest_report *rep, kc_err *err);

typedef struct kc_fetch_result {
	size_t fetched, unchanged, failed, events, quarantined;
} kc_fetch_result;

/*
 * Fetch and ingest every due feed (only != NULL: that feed, due or not), as
 * worker owner, into the spool directory (NULL: KCERT_SPOOL or var/feeds).
 * A feed that fails is recorded as failed and tried again at its next time;
 * the others go on.
 */
int kc_feed_run(kc_store *st, const char *owner, const char *only, const char *spool, kc_fetch_result *r,
		kc_err *err);

#endif
