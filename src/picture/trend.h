/*
 * trend.h - the situational picture over time and by place: new events per
 * day, open cases by classification, the most exposed services, events per
 * municipality for the map, and one organisation's trend beside the national
 * median per municipality (no other municipality is named).
 *
 * Days are UTC calendar days; a series of ndays ends with today.
 */
#ifndef KC_TREND_H
#define KC_TREND_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "base/err.h"
#include "picture/map.h"
#include "picture/situation.h"
#include "store/store.h"

#define KC_TREND_MAX_DAYS 92

typedef struct kc_trend {
	int ndays;
	char day[KC_TREND_MAX_DAYS][11];	/* "YYYY-MM-DD", oldest first */
	int64_t own[KC_TREND_MAX_DAYS];	/* new events (time.source) that day */
	double median[KC_TREND_MAX_DAYS];	/* median over the municipalities; only with compare */
	int64_t total_own;
	double total_median;			/* median of the municipalities' totals */
	int64_t municipalities;		/* how many the median is over */
} kc_trend;

/*
 * New events per day over the last ndays (1..KC_TREND_MAX_DAYS). org_id 0:
 * national. compare 1 also fills the median per municipality (over every
 * active municipality, those with no events counting as 0).
 */
int kc_trend_daily(kc_store *st, int64_t org_id, int ndays, int compare, kc_trend *out, kc_err *err);

/*
 * New events (time.source) in the ndays x 24 hours before end, in 24-hour
 * slots ending at end (not calendar days): total_own is exactly the events
 * first seen in [end - ndays x 24 h, end). day[d] is the (UTC) date on which
 * slot d starts. No median.
 */
int kc_trend_slots(kc_store *st, int64_t org_id, int ndays, time_t end, kc_trend *out, kc_err *err);

/* Open cases by RSIT classification (taxonomy; "" unclassified): key and d1
 * (the count) are filled, most first. org_id 0: national. */
int kc_trend_case_classes(kc_store *st, int64_t org_id, kc_situation_count **out, size_t *n, kc_err *err);

typedef struct kc_exposed {
	char org[80];		/* the organisation's slug */
	char name[128];		/* and its name */
	char identifier[64];	/* open-rdp, open-smb, accessible-... */
	int64_t n;		/* events in the last 30 days */
} kc_exposed;

/* The most exposed services: events of the last 30 days whose identifier
 * names a service left open (open-*, accessible-*, exposed-*), counted per
 * organisation and identifier, most first, at most max. org_id 0: all. */
int kc_trend_exposed(kc_store *st, int64_t org_id, size_t max, kc_exposed **out, size_t *n, kc_err *err);

/* Events seen in the last ndays per municipality, as map cells classed by
 * kc_map_count_class (municipalities with none get a cell with 0).
 * *out holds KC_MAP_MUNICIPALITIES cells at most; free() it. */
int kc_trend_map_events(kc_store *st, int ndays, kc_map_cell **out, size_t *n, kc_err *err);

/* Every municipality on the map, by code, with cls 0 and no value. */
int kc_trend_all_municipalities(kc_map_cell **out, size_t *n, kc_err *err);

/*
 * The scanner's current ratings (kc_rating_list) as map cells: one per
 * municipality, cls = kc_map_rating_class(colour) (grey: nothing to scan),
 * value = its open findings (not accepted), "-" when grey; draw with
 * kc_map_rating_legend. *out holds KC_MAP_MUNICIPALITIES cells; free() it.
 */
int kc_trend_map_ratings(kc_store *st, kc_map_cell **out, size_t *n, kc_err *err);
/* The same from a rating list already read. */
struct kc_rating;
int kc_trend_map_from_ratings(const struct kc_rating *v, size_t nv, kc_map_cell **out, size_t *n, kc_err *err);

#endif
