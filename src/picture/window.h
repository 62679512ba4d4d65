/*
 * window.h - the events seen in the last 30 days, read once. The dashboard
 * shows four figures of the same events (per type, per organisation, the
 * most exposed services, per municipality on the map); each used to be its
 * own GROUP BY over the 30-day range of the event_last_seen index, and the
 * temporary B-tree of each GROUP BY cost more than reading the range. The
 * window reads that range once (identifier, org_id, time_last: answered
 * from the index alone) and counts in memory, per type and organisation,
 * what was last seen in the 24 hours, 7 days and 30 days before `now`.
 */
#ifndef KC_WINDOW_H
#define KC_WINDOW_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "base/err.h"
#include "picture/map.h"
#include "picture/situation.h"
#include "picture/trend.h"
#include "store/store.h"

typedef struct kc_event_window kc_event_window;

/* Events with an organisation, last seen since now - 30 days; org_id 0: all
 * organisations, else that one's. */
int kc_event_window_open(kc_store *st, int64_t org_id, time_t now, kc_event_window **out, kc_err *err);
void kc_event_window_free(kc_event_window *w);

/* Per type (identifier) and per organisation (slug): d1, d7, d30; busiest
 * (7 days, then 30 days) first, then by name, at most max (0: 50). */
int kc_event_window_types(const kc_event_window *w, size_t max, kc_situation_count **out, size_t *n, kc_err *err);
int kc_event_window_orgs(const kc_event_window *w, size_t max, kc_situation_count **out, size_t *n, kc_err *err);

/* As kc_trend_exposed, from the window: events last seen in the last
 * `days` (1, 7 or 30) per organisation and service. */
int kc_event_window_exposed(const kc_event_window *w, int days, size_t max, kc_exposed **out, size_t *n, kc_err *err);

/* As kc_trend_map_events(st, 30, ...), from the window. */
int kc_event_window_map(const kc_event_window *w, kc_map_cell **out, size_t *n, kc_err *err);

#endif
