/*
 * case.h - incident handling: cases through the phases of NSM's framework for
 * handling ICT incidents, their timeline, clocks, tasks, correspondence,
 * sharing with partner teams, and the observables that link them.
 *
 * A case is an incident report (what one organisation told us) or an
 * incident (which gathers reports: merge and split). Status:
 *
 *	reported -> triage -> handling -> recovery -> closed
 *	        \-> rejected          (any open one) -> merged (into an incident)
 *
 * Every change is an entry on the case's timeline and in the audit log, in the
 * same transaction; every outgoing message is written to the outbox in that
 * transaction too.
 */
#ifndef KC_CASE_H
#define KC_CASE_H

#include <stddef.h>
#include <stdint.h>

#include "auth/user.h"
#include "base/err.h"
#include "store/store.h"

typedef struct kc_case_new {
	const char *kind;		/* "report" (default) or "incident" */
	const char *title, *description;
	const char *channel;		/* web, api, email, cli */
	const char *reporter, *reporter_email;
	const char *discovered_at;	/* ISO 8601 or NULL */
	const char *systems;		/* systems and services affected */
	const char *personal_data;	/* yes, no, unknown (NULL) */
	const char *services_down;	/* yes, no, unknown (NULL) */
	const char *reported_to;	/* police, Datatilsynet, NSM, ... */
	const char *severity;		/* lav, moderat (NULL), alvorlig, kritisk */
	const char *tlp;		/* NULL: AMBER */
	const char *taxonomy, *type;	/* RSIT, or NULL */
	int64_t org_id;			/* 0: not known yet */
} kc_case_new;

typedef struct kc_case {
	int64_t id;
	char kind[12];
	int64_t parent_id;
	char title[256];
	char status[12];
	char severity[12];
	char taxonomy[40], type[40];
	char tlp[16];
	int64_t org_id;
	char org[80], org_name[128];
	int64_t assignee_id;
	char assignee[64];
	char channel[8];
	char reporter[256], reporter_email[256];
	char discovered_at[32];
	char systems[1024];
	char personal_data[8], services_down[8];
	char reported_to[256];
	char first_response_due[32], first_response_at[32];
	char next_due[32];		/* the earliest open deadline: first response or a legal clock */
	int overdue;			/* next_due has passed */
	char created_at[32], updated_at[32], closed_at[32];
	char *description;		/* only from kc_case_get; kc_case_release frees it */
	char *lessons;
} kc_case;

void kc_case_release(kc_case *c);

/* The acting user: what they may see and do. NULL user: the command line
 * (the CERT itself). */
typedef struct kc_actor {
	const kc_user *user;
	const char *name;		/* for the audit log and the timeline */
} kc_actor;

int kc_case_create(kc_store *st, const kc_actor *a, const kc_case_new *n, int64_t *id, kc_err *err);

/* 0, or KC_ENOENT also when the actor may not see it (existence not revealed). */
int kc_case_get(kc_store *st, const kc_actor *a, int64_t id, kc_case *out, kc_err *err);

typedef struct kc_case_filter {
	const char *queue;		/* "open" (default), "mine", "unassigned", "overdue", "closed", "all" */
	int64_t org_id;
	const char *taxonomy;
	const char *search;		/* full text over cases and their timelines */
	size_t limit, offset;
} kc_case_filter;

/* Overdue and due-soon first, then the newest. */
int kc_case_list(kc_store *st, const kc_actor *a, const kc_case_filter *f, kc_case **out, size_t *n, kc_err *err);

int kc_case_set_status(kc_store *st, const kc_actor *a, int64_t id, const char *status, const char *lessons,
		       kc_err *err);
int kc_case_assign(kc_store *st, const kc_actor *a, int64_t id, const char *user, kc_err *err);
/* Any of taxonomy/type, severity, tlp, title may be NULL (unchanged). A new
 * classification adds its checklist of tasks when the case has none. */
int kc_case_classify(kc_store *st, const kc_actor *a, int64_t id, const char *taxonomy, const char *type,
		     const char *severity, const char *tlp, const char *title, kc_err *err);
int kc_case_add_org(kc_store *st, const kc_actor *a, int64_t id, int64_t org_id, const char *role, kc_err *err);

/* An internal note (only the CERT sees it). */
int kc_case_note(kc_store *st, const kc_actor *a, int64_t id, const char *text, kc_err *err);

/* A message from the organisation's side (a municipality user on the web or
 * through the API): correspondence, seen by the organisation and the CERT. */
int kc_case_message(kc_store *st, const kc_actor *a, int64_t id, const char *text, kc_err *err);

/* A reply to the organisation: to `to`, or the reporter's address, or the
 * organisation's contacts. Queued in the outbox with the subject tag and the
 * TLP label; counts as the first response. */
int kc_case_reply(kc_store *st, const kc_actor *a, int64_t id, const char *to, const char *text, kc_err *err);

/* Share with a partner team (an organisation of kind cert or authority):
 * what the TLP allows (not RED, not AMBER+STRICT), to its contacts. */
int kc_case_share(kc_store *st, const kc_actor *a, int64_t id, int64_t partner_id, const char *note, kc_err *err);
/* The partner's own reference for the case. */
int kc_case_partner_ref(kc_store *st, const kc_actor *a, int64_t id, int64_t partner_id, const char *ref,
			kc_err *err);

/* Merge a report into an incident; split it out again. */
int kc_case_merge(kc_store *st, const kc_actor *a, int64_t report, int64_t incident, kc_err *err);
int kc_case_split(kc_store *st, const kc_actor *a, int64_t report, kc_err *err);

/* Legal clocks: "gdpr-33" (72 h), "digitalsikkerhetsloven" (24 h),
 * "sikkerhetsloven" (straks). from: the moment of awareness (NULL: now).
 * kc_case_clock_met stops one. */
int kc_case_clock_start(kc_store *st, const kc_actor *a, int64_t id, const char *kind, const char *from, kc_err *err);
int kc_case_clock_met(kc_store *st, const kc_actor *a, int64_t id, const char *kind, kc_err *err);

int kc_case_task_done(kc_store *st, const kc_actor *a, int64_t id, int64_t task, int done, kc_err *err);

/* Observables found in text (refanged first) are added to the case. */
int kc_case_add_observables(kc_store *st, int64_t id, const char *text, kc_err *err);

/* The timeline, and what else belongs to a case. Internal entries only for
 * the CERT. */
typedef struct kc_case_entry {
	int64_t id;
	char at[32], actor[128], kind[16];
	int internal;
	char *body;
	int64_t outbox_id;
	char outbox_state[16];
} kc_case_entry;

typedef struct kc_case_task {
	int64_t id, position;
	char title[256], done_at[32], done_by[128];
} kc_case_task;

typedef struct kc_case_clock {
	char kind[32], started_at[32], due_at[32], met_at[32];
	int overdue;
} kc_case_clock;

typedef struct kc_case_link {
	int64_t case_id;
	char title[256], org[80];
	char kind[16], value[512];	/* the observable they share */
} kc_case_link;

typedef struct kc_case_share_info {
	char partner[80], at[32], actor[128], tlp[16], rcpt[256], their_ref[128], state[16];
} kc_case_share_info;

typedef struct kc_case_observable {
	char kind[16], value[512];
} kc_case_observable;

typedef struct kc_case_detail {
	kc_case_entry *entries;
	size_t nentries;
	kc_case_task *tasks;
	size_t ntasks;
	kc_case_clock *clocks;
	size_t nclocks;
	kc_case_observable *observables;
	size_t nobservables;
	kc_case_link *links;		/* other cases that share an observable */
	size_t nlinks;
	kc_case_share_info *shares;
	size_t nshares;
	int64_t *orgs;			/* organisations involved */
	size_t norgs;
} kc_case_detail;

/* Campaigns: observables that two or more cases share (merged reports aside),
 * the most shared first, with the cases. The CERT only. */
typedef struct kc_campaign {
	int64_t observable_id;
	char kind[16], value[512];
	size_t ncases;			/* how many cases share it */
	struct {
		int64_t id;
		char title[256], org[80], status[12];
	} cases[20];			/* the first of them */
	size_t nlisted;
} kc_campaign;

int kc_case_campaigns(kc_store *st, const kc_actor *a, kc_campaign **out, size_t *n, kc_err *err);

/* Files on a case: uploaded on the web or through the API, or attached to
 * mail (kcert mailgate). Kept base64 in the store. */
#define KC_CASE_ATTACHMENT_MAX (10u << 20)

typedef struct kc_case_attachment {
	int64_t id;
	char name[256], content_type[128], sha256[65];
	int64_t size;
	int kept;			/* 0: over the size limit, only described */
} kc_case_attachment;

int kc_case_attach(kc_store *st, const kc_actor *a, int64_t id, const char *name, const char *ctype, const char *data,
		   size_t len, kc_err *err);
int kc_case_attachments(kc_store *st, const kc_actor *a, int64_t id, kc_case_attachment **out, size_t *n, kc_err *err);
/* The bytes of one (malloc'd, *len of them). */
int kc_case_attachment_data(kc_store *st, const kc_actor *a, int64_t id, int64_t att, kc_case_attachment *info,
			    char **data, size_t *len, kc_err *err);

int kc_case_detail_get(kc_store *st, const kc_actor *a, int64_t id, kc_case_detail *d, kc_err *err);
void kc_case_detail_release(kc_case_detail *d);

/* Valid RSIT classification/type (share/data/rsit-taxonomy.csv, compiled in). */
int kc_rsit_valid(const char *taxonomy, const char *type);
/* Every RSIT "classification/type", in the file's order; returns how many. */
size_t kc_rsit_list(char (*out)[96], size_t max);

#endif
