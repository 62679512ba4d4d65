/*
 * situation.h - the situational picture (situasjonsbilde) as figures: the
 * national threat level an analyst sets, open cases by severity and phase,
 * deadlines, and what the feeds saw over 24 hours, 7 and 30 days, nationally
 * and per organisation.
 */
#ifndef KC_SITUATION_H
#define KC_SITUATION_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "base/err.h"
#include "store/store.h"

typedef struct kc_threat_level {
	int level;		/* 1-5; 0 when never set */
	char rationale[1024], set_by[128], set_at[32];
} kc_threat_level;

int kc_threat_level_set(kc_store *st, const char *actor, int level, const char *rationale, kc_err *err);
/* Newest first, at most max. */
int kc_threat_level_history(kc_store *st, size_t max, kc_threat_level **out, size_t *n, kc_err *err);

typedef struct kc_situation_count {
	char key[80];
	int64_t d1, d7, d30;	/* in the last 24 hours, 7 and 30 days */
} kc_situation_count;

typedef struct kc_situation {
	kc_threat_level level;
	int64_t cases_by_severity[4];	/* lav, moderat, alvorlig, kritisk: open */
	int64_t cases_by_phase[4];	/* reported, triage, handling, recovery */
	int64_t cases_overdue;		/* open cases past their next deadline */
	int64_t clocks_due_24h;		/* legal clocks running out within a day (or past) */
	kc_situation_count *types;	/* events by identifier, busiest first */
	size_t ntypes;
	kc_situation_count *orgs;	/* events by organisation (slug), busiest first */
	size_t norgs;
	/* The events of the 30 days these counts come from (picture/window.h):
	 * for the exposed services and the map without reading them again. */
	struct kc_event_window *window;
} kc_situation;

/* The picture now; org_id 0: national, else that organisation's own. */
int kc_situation_get(kc_store *st, int64_t org_id, kc_situation *out, kc_err *err);
/* The same, at `now` (the 24 hours, 7 and 30 days before it). */
int kc_situation_get_at(kc_store *st, int64_t org_id, time_t now, kc_situation *out, kc_err *err);
void kc_situation_release(kc_situation *s);

#endif
