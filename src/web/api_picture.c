/*
 * api_picture.c - the parts of GET /api/v1/situation that compare one
 * organisation with the country: its new events per day over 30 days beside
 * the median per municipality (a figure over all of them; no other
 * municipality is named).
 */
#include <jansson.h>
#include <stdlib.h>

#include "base/kc.h"
#include "picture/trend.h"
#include "web/api_internal.h"

json_t *kc_api_situation_compare(kc_store *st, int64_t org_id, kc_err *err)
{
	kc_trend *t = malloc(sizeof(*t));
	json_t *days, *o;

	if (!t) {
		kc_err_set(err, KC_ENOMEM, _("out of memory"));
		return NULL;
	}
	if (kc_trend_daily(st, org_id, 30, 1, t, err)) {
		free(t);
		return NULL;
	}
	days = json_array();
	for (int d = 0; d < t->ndays; d++)
		json_array_append_new(days, json_pack("{s:s,s:I,s:f}", "day", t->day[d], "own", (json_int_t)t->own[d],
						      "median", t->median[d]));
	o = json_pack("{s:i,s:I,s:f,s:I,s:o}", "days", t->ndays, "own_total", (json_int_t)t->total_own,
		      "median_total", t->total_median, "municipalities", (json_int_t)t->municipalities, "daily", days);
	free(t);
	return o;
}
