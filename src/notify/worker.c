/*
 * worker.c - one round of background work; see worker.h.
 */
#include "notify/worker.h"
#include "picture/report.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "advisory/notify.h"
#include "scan/run.h"
#include "base/kc.h"

void kc_worker_name(char *out, size_t cap)
{
	char host[128] = "localhost";

	gethostname(host, sizeof(host) - 1);
	host[sizeof(host) - 1] = '\0';
	snprintf(out, cap, "%s:%d", host, (int)getpid());
}

/* This process's rounds, for /metrics (job latency). */
static atomic_uint_fast64_t rounds, failures, total_us, last_us;

void kc_worker_stats_get(kc_worker_stats *s)
{
	s->rounds = atomic_load(&rounds);
	s->failures = atomic_load(&failures);
	s->total_us = atomic_load(&total_us);
	s->last_us = atomic_load(&last_us);
}

static uint64_t mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static int round_once(kc_store *st, const char *owner, kc_worker_result *r, kc_err *err);

int kc_worker_round(kc_store *st, const char *owner, kc_worker_result *r, kc_err *err)
{
	uint64_t t0 = mono_us(), us;
	int rc = round_once(st, owner, r, err);

	us = mono_us() - t0;
	atomic_fetch_add(&rounds, 1);
	atomic_fetch_add(&total_us, us);
	atomic_store(&last_us, us);
	if (rc)
		atomic_fetch_add(&failures, 1);
	return rc;
}

static int round_once(kc_store *st, const char *owner, kc_worker_result *r, kc_err *err)
{
	kc_notify_opts o = { .actor = "worker" };
	kc_smtp_conf conf;
	int rc;

	memset(r, 0, sizeof(*r));
	rc = kc_feed_run(st, owner, NULL, NULL, &r->feeds, err);
	if (!rc)
		rc = kc_scan_schedule_run(st, owner, NULL, err);
	if (!rc) {
		size_t nq;

		rc = kc_scan_notify_digest(st, 0, 0, &nq, NULL, err); /* the daily findings notice */
	}
	if (!rc)
		rc = kc_notify_run(st, &o, NULL, NULL, &r->notices, err);
	if (!rc)
		rc = kc_report_mail_due(st, "worker", NULL, err); /* the weekly situation report */
	if (!rc) {
		kc_adv_digest_result ad;

		rc = kc_advisory_digest_run(st, "worker", &ad, err);
	}
	if (!rc) {
		kc_smtp_conf_from_env(&conf);
		rc = kc_outbox_deliver(st, &conf, owner, 0, &r->outbox, err);
	}
	return rc;
}
