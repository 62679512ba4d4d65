/*
 * worker.c - one round of background work; see worker.h.
 */
#include "notify/worker.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "scan/run.h"
#include "base/kc.h"

void kc_worker_name(char *out, size_t cap)
{
	char host[128] = "localhost";

	gethostname(host, sizeof(host) - 1);
	host[sizeof(host) - 1] = '\0';
	snprintf(out, cap, "%s:%d", host, (int)getpid());
}

int kc_worker_round(kc_store *st, const char *owner, kc_worker_result *r, kc_err *err)
{
	kc_notify_opts o = { .actor = "worker" };
	kc_smtp_conf conf;
	int rc;

	memset(r, 0, sizeof(*r));
	rc = kc_feed_run(st, owner, NULL, NULL, &r->feeds, err);
	if (!rc)
		rc = kc_scan_schedule_run(st, owner, NULL, err);
	if (!rc)
		rc = kc_notify_run(st, &o, NULL, NULL, &r->notices, err);
	if (!rc) {
		kc_smtp_conf_from_env(&conf);
		rc = kc_outbox_deliver(st, &conf, owner, 0, &r->outbox, err);
	}
	return rc;
}
