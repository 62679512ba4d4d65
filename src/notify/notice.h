/*
 * notice.h - digests of events to the municipalities (varsling).
 *
 * A run takes, for each organisation, the events stored since its last run;
 * if the organisation is due (its period: immediate, daily or weekly; a
 * high-severity event makes it due at once), each contact subscribed to the
 * events' kinds gets one notice: a summary per event type in the contact's
 * language (what was seen, why it matters, what to do), a CSV attachment with
 * IntelMQ's field names, a reference and a link to acknowledge it. The same
 * problem (classification, address, port) is not notified to the same
 * recipient again within the repeat period (7 days for infected systems, 30
 * otherwise; settings notify.repeat_days_infected and notify.repeat_days).
 * Everything for one organisation is one transaction with its outbox rows.
 */
#ifndef KC_NOTICE_H
#define KC_NOTICE_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "store/store.h"

typedef struct kc_notify_opts {
	int64_t org_id;		/* 0: every organisation */
	int dry_run;		/* compose everything, then roll back */
	int force;		/* send what is pending whatever the period */
	const char *actor;	/* for the audit log */
} kc_notify_opts;

typedef struct kc_notify_result {
	size_t orgs;		/* organisations with new events */
	size_t notices;		/* notices composed (one per recipient) */
	size_t events;		/* event rows put into notices */
	size_t suppressed;	/* left out: notified to that recipient within the repeat period */
	size_t not_due;		/* organisations whose digest is not due yet */
	size_t no_contact;	/* organisations with events and nobody to tell */
} kc_notify_result;

typedef struct kc_notice_info {
	int64_t id;
	char ref[32];
	int64_t org_id;
	char org[80], org_name[128];
	char rcpt[255], lang[4];
	int64_t events;
	int high;
	char state[16];		/* the outbox's: queued, sending, sent, failed, uncertain; or acknowledged */
	char created_at[32], acked_at[32], acked_by[128];
	int64_t outbox_id;
} kc_notice_info;

/* Called for each notice composed (also in a dry run, with id 0). */
typedef void (*kc_notify_cb)(void *arg, const kc_notice_info *n);

int kc_notify_run(kc_store *st, const kc_notify_opts *o, kc_notify_cb cb, void *arg, kc_notify_result *r,
		  kc_err *err);

/* Notices, newest first; org_id 0: all. *out is malloc'd. */
int kc_notice_list(kc_store *st, int64_t org_id, size_t limit, size_t offset, kc_notice_info **out, size_t *n,
		   kc_err *err);
/* One notice by id or by reference ("KC-V-2026-000012"). */
int kc_notice_get(kc_store *st, int64_t id, const char *ref, kc_notice_info *out, kc_err *err);
/* The ids of the events that went into notice id. *out is malloc'd. */
int kc_notice_events(kc_store *st, int64_t id, int64_t **out, size_t *n, kc_err *err);

/* Acknowledge: by an authenticated user (by id), or by the token in the
 * mail's link (token != NULL; id 0). Acknowledging twice is not an error. */
int kc_notice_ack(kc_store *st, int64_t id, const char *token, const char *actor, kc_notice_info *out, kc_err *err);

/* A contact's notices setting ("all", "none", or a comma or space separated
 * list of kinds): does the list name w? ("all" is for the caller to decide:
 * some kinds, such as the weekly report, are opt-in only.) */
int kc_notices_lists(const char *list, const char *w);

#endif
