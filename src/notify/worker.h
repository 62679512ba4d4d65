/*
 * worker.h - one round of the background work: fetch the feeds that are due,
 * queue the notices that are due, deliver the outbox. kcert worker runs
 * rounds in a loop (or one, --once); kcert serve runs them in a thread.
 * Every step takes leases, so any number of workers on any number of nodes
 * may share one PostgreSQL store.
 */
#ifndef KC_WORKER_H
#define KC_WORKER_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "feed/fetch.h"
#include "notify/notice.h"
#include "notify/outbox.h"
#include "store/store.h"

typedef struct kc_worker_result {
	kc_fetch_result feeds;
	kc_notify_result notices;
	kc_outbox_result outbox;
} kc_worker_result;

/* A name for this worker, unique among the nodes: "host:pid". */
void kc_worker_name(char *out, size_t cap);

int kc_worker_round(kc_store *st, const char *owner, kc_worker_result *r, kc_err *err);

/* The rounds this process has run (kcert serve's worker thread), for /metrics. */
typedef struct kc_worker_stats {
	uint64_t rounds, failures; /* rounds run; rounds that ended in an error */
	uint64_t total_us, last_us; /* time spent in them; the last one's */
} kc_worker_stats;

void kc_worker_stats_get(kc_worker_stats *s);

#endif
