/*
 * trend.c - the picture over time and by place; see trend.h.
 */
#include "picture/trend.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/kc.h"
#include "base/time.h"
#include "picture/window.h"
#include "scan/finding.h"

static void day_of(time_t t, char out[11])
{
	char iso[KC_TIME_STRLEN];

	kc_time_iso(t, iso);
	memcpy(out, iso, 10);
	out[10] = '\0';
}

static int day_index(const kc_trend *t, const char *day)
{
	int lo = 0, hi = t->ndays - 1;

	while (day && lo <= hi) {
		int mid = (lo + hi) / 2, c = strncmp(day, t->day[mid], 10);

		if (!c)
			return mid;
		if (c < 0)
			hi = mid - 1;
		else
			lo = mid + 1;
	}
	return -1;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static double median(int64_t *v, size_t n)
{
	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), cmp_i64);
	return n % 2 ? (double)v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

static int cmp_id(const void *a, const void *b)
{
	return cmp_i64(a, b);
}

/* The median per day over every active municipality. */
static int fill_median(kc_store *st, kc_trend *t, const char *since, kc_err *err)
{
	int64_t *ids = NULL, *grid = NULL, *col = NULL;
	size_t nids = 0, cap = 0;
	kc_stmt *s = NULL;
	int rc;

	rc = kc_store_query(st, err, &s, "SELECT id FROM org WHERE kind = 'municipality' AND active = 1 ORDER BY id", "");
	while (!rc && (rc = kc_stmt_step(s, err)) == KC_ROW) {
		if (nids == cap) {
			int64_t *p = realloc(ids, (cap = cap ? 2 * cap : 512) * sizeof(*ids));

			if (!p) {
				rc = kc_err_set(err, KC_ENOMEM, _("out of memory"));
				break;
			}
			ids = p;
		}
		ids[nids++] = kc_stmt_int(s, 0);
		rc = 0;
	}
	if (s)
		kc_stmt_finalize(s);
	if (rc < 0)
		goto out;
	t->municipalities = (int64_t)nids;
	rc = 0;
	if (!nids)
		goto out;
	grid = calloc(nids * (size_t)t->ndays, sizeof(*grid));
	col = calloc(nids, sizeof(*col));
	if (!grid || !col) {
		rc = kc_err_set(err, KC_ENOMEM, _("out of memory"));
		goto out;
	}
	s = NULL;
	rc = kc_store_query(st, err, &s,
			    "SELECT e.org_id, substr(e.time_source, 1, 10), count(*) FROM event e JOIN org o ON o.id = e.org_id "
			    "WHERE e.time_source >= ? AND o.kind = 'municipality' AND o.active = 1 GROUP BY e.org_id, "
			    "substr(e.time_source, 1, 10)",
			    "t", since);
	while (!rc && (rc = kc_stmt_step(s, err)) == KC_ROW) {
		int64_t id = kc_stmt_int(s, 0), *at = bsearch(&id, ids, nids, sizeof(*ids), cmp_id);
		int d = day_index(t, kc_stmt_text(s, 1));

		if (at && d >= 0)
			grid[(size_t)(at - ids) * (size_t)t->ndays + (size_t)d] = kc_stmt_int(s, 2);
		rc = 0;
	}
	if (s)
		kc_stmt_finalize(s);
	if (rc < 0)
		goto out;
	rc = 0;
	for (int d = 0; d < t->ndays; d++) {
		for (size_t m = 0; m < nids; m++)
			col[m] = grid[m * (size_t)t->ndays + (size_t)d];
		t->median[d] = median(col, nids);
	}
	for (size_t m = 0; m < nids; m++) {
		col[m] = 0;
		for (int d = 0; d < t->ndays; d++)
			col[m] += grid[m * (size_t)t->ndays + (size_t)d];
	}
	t->total_median = median(col, nids);
out:
	free(ids);
	free(grid);
	free(col);
	return rc;
}

int kc_trend_daily(kc_store *st, int64_t org_id, int ndays, int compare, kc_trend *t, kc_err *err)
{
	char since[KC_TIME_STRLEN];
	time_t now = kc_now();
	kc_stmt *s = NULL;
	int rc;

	memset(t, 0, sizeof(*t));
	if (ndays < 1 || ndays > KC_TREND_MAX_DAYS)
		return kc_err_set(err, KC_EINVAL, _("a trend covers 1 to %d days"), KC_TREND_MAX_DAYS);
	t->ndays = ndays;
	for (int d = 0; d < ndays; d++)
		day_of(now - (time_t)(ndays - 1 - d) * 86400, t->day[d]);
	snprintf(since, sizeof(since), "%sT00:00:00Z", t->day[0]);
	rc = kc_store_query(st, err, &s,
			    "SELECT substr(time_source, 1, 10), count(*) FROM event WHERE time_source >= ? AND "
			    "org_id IS NOT NULL AND (? = 0 OR org_id = ?) GROUP BY substr(time_source, 1, 10)",
			    "tii", since, org_id, org_id);
	while (!rc && (rc = kc_stmt_step(s, err)) == KC_ROW) {
		int d = day_index(t, kc_stmt_text(s, 0));

		if (d >= 0) {
			t->own[d] = kc_stmt_int(s, 1);
			t->total_own += t->own[d];
		}
		rc = 0;
	}
	if (s)
		kc_stmt_finalize(s);
	if (rc < 0)
		return rc;
	return compare ? fill_median(st, t, since, err) : 0;
}

int kc_trend_slots(kc_store *st, int64_t org_id, int ndays, time_t end, kc_trend *t, kc_err *err)
{
	char edge[KC_TREND_MAX_DAYS + 1][KC_TIME_STRLEN];
	kc_stmt *s = NULL;
	int rc;

	memset(t, 0, sizeof(*t));
	if (ndays < 1 || ndays > KC_TREND_MAX_DAYS)
		return kc_err_set(err, KC_EINVAL, _("a trend covers 1 to %d days"), KC_TREND_MAX_DAYS);
	t->ndays = ndays;
	for (int d = 0; d <= ndays; d++)
		kc_time_iso(end - (time_t)(ndays - d) * 86400, edge[d]);
	for (int d = 0; d < ndays; d++)
		day_of(end - (time_t)(ndays - d) * 86400, t->day[d]);
	rc = kc_store_query(st, err, &s,
			    "SELECT time_source FROM event WHERE time_source >= ? AND time_source < ? AND org_id IS NOT NULL "
			    "AND (? = 0 OR org_id = ?)",
			    "ttii", edge[0], edge[ndays], org_id, org_id);
	while (!rc && (rc = kc_stmt_step(s, err)) == KC_ROW) {
		const char *ts = kc_stmt_text(s, 0);
		int lo = 0, hi = ndays - 1;

		rc = 0;
		if (!ts)
			continue;
		/* The last slot whose start is at or before ts. */
		while (lo < hi) {
			int mid = (lo + hi + 1) / 2;

			if (strcmp(ts, edge[mid]) >= 0)
				lo = mid;
			else
				hi = mid - 1;
		}
		t->own[lo]++;
		t->total_own++;
	}
	if (s)
		kc_stmt_finalize(s);
	return rc < 0 ? rc : 0;
}

static void fill_class(kc_stmt *s, void *rec)
{
	kc_situation_count *c = rec;
	const char *v = kc_stmt_text(s, 0);

	snprintf(c->key, sizeof(c->key), "%s", v ? v : "");
	c->d1 = kc_stmt_int(s, 1);
}

int kc_trend_case_classes(kc_store *st, int64_t org_id, kc_situation_count **out, size_t *n, kc_err *err)
{
	kc_stmt *s = NULL;
	int rc;

	rc = kc_store_query(st, err, &s,
			    "SELECT COALESCE(c.taxonomy, ''), count(*) FROM incident_case c WHERE c.status IN ('reported', "
			    "'triage', 'handling', 'recovery') AND (? = 0 OR EXISTS (SELECT 1 FROM case_org co WHERE "
			    "co.case_id = c.id AND co.org_id = ? AND co.role <> 'partner')) GROUP BY COALESCE(c.taxonomy, '') "
			    "ORDER BY 2 DESC, 1",
			    "ii", org_id, org_id);
	if (rc)
		return rc;
	return kc_store_collect(s, sizeof(kc_situation_count), fill_class, (void **)out, n, err);
}

int kc_trend_exposed(kc_store *st, int64_t org_id, size_t max, kc_exposed **out, size_t *n, kc_err *err)
{
	kc_event_window *w;
	int rc;

	*out = NULL;
	*n = 0;
	rc = kc_event_window_open(st, org_id, kc_now(), &w, err);
	if (!rc)
		rc = kc_event_window_exposed(w, 30, max, out, n, err);
	kc_event_window_free(w);
	return rc;
}

int kc_trend_all_municipalities(kc_map_cell **out, size_t *n, kc_err *err)
{
	extern const char kc_data_map_tiles[];
	const char *p = strchr(kc_data_map_tiles, '\n');

	*n = 0;
	*out = calloc(KC_MAP_MUNICIPALITIES, sizeof(**out));
	if (!*out)
		return kc_err_set(err, KC_ENOMEM, _("out of memory"));
	for (; p && p[1] && *n < KC_MAP_MUNICIPALITIES; p = strchr(p + 1, '\n')) {
		memcpy((*out)[*n].code, p + 1, 4);
		(*out)[(*n)++].code[4] = '\0';
	}
	return 0;
}

static int cmp_cell(const void *a, const void *b)
{
	return strcmp(((const kc_map_cell *)a)->code, ((const kc_map_cell *)b)->code);
}

int kc_trend_map_events(kc_store *st, int ndays, kc_map_cell **out, size_t *n, kc_err *err)
{
	char since[KC_TIME_STRLEN];
	kc_stmt *s = NULL;
	int rc;

	if (ndays == 30) {
		kc_event_window *w;

		*out = NULL;
		*n = 0;
		rc = kc_event_window_open(st, 0, kc_now(), &w, err);
		if (!rc)
			rc = kc_event_window_map(w, out, n, err);
		kc_event_window_free(w);
		return rc;
	}
	rc = kc_trend_all_municipalities(out, n, err);
	if (rc)
		return rc;
	for (size_t i = 0; i < *n; i++)
		snprintf((*out)[i].value, sizeof((*out)[i].value), "0");
	kc_time_iso(kc_now() - (time_t)ndays * 86400, since);
	rc = kc_store_query(st, err, &s,
			    /* CROSS JOIN: SQLite keeps event (by time_last) as the outer loop
			     * instead of walking every municipality's events. */
			    "SELECT o.code, count(*) FROM event e CROSS JOIN org o WHERE o.id = e.org_id AND e.time_last >= ? "
			    "AND o.kind = 'municipality' GROUP BY o.code",
			    "t", since);
	while (!rc && (rc = kc_stmt_step(s, err)) == KC_ROW) {
		kc_map_cell key = { 0 }, *c;
		const char *code = kc_stmt_text(s, 0);

		rc = 0;
		if (!code || strlen(code) != 4)
			continue;
		memcpy(key.code, code, 5);
		c = bsearch(&key, *out, *n, sizeof(key), cmp_cell);
		if (c) {
			int64_t v = kc_stmt_int(s, 1);

			c->cls = kc_map_count_class(v);
			snprintf(c->value, sizeof(c->value), "%lld", (long long)v);
		}
	}
	if (s)
		kc_stmt_finalize(s);
	if (rc < 0) {
		free(*out);
		*out = NULL;
		*n = 0;
		return rc;
	}
	return 0;
}

int kc_trend_map_from_ratings(const kc_rating *v, size_t nv, kc_map_cell **out, size_t *n, kc_err *err)
{
	int rc = kc_trend_all_municipalities(out, n, err);

	for (size_t i = 0; !rc && i < *n; i++) {
		(*out)[i].cls = kc_map_rating_class(NULL);
		snprintf((*out)[i].value, sizeof((*out)[i].value), "-");
	}
	for (size_t i = 0; !rc && i < nv; i++) {
		kc_map_cell key = { 0 }, *c;

		if (strlen(v[i].org_code) != 4)
			continue;
		memcpy(key.code, v[i].org_code, 5);
		c = bsearch(&key, *out, *n, sizeof(key), cmp_cell);
		if (!c)
			continue;
		c->cls = kc_map_rating_class(kc_colour_name(v[i].colour));
		/* The open findings that decide the colour; "-" for nothing to scan. */
		if (v[i].colour != KC_COLOUR_GREY)
			snprintf(c->value, sizeof(c->value), "%lld",
				 (long long)(v[i].high + v[i].medium + v[i].low + v[i].info));
	}
	return rc;
}

int kc_trend_map_ratings(kc_store *st, kc_map_cell **out, size_t *n, kc_err *err)
{
	kc_rating *v = NULL;
	size_t nv = 0;
	int rc;

	*out = NULL;
	*n = 0;
	rc = kc_rating_list(st, NULL, 0, &v, &nv, err);
	if (!rc)
		rc = kc_trend_map_from_ratings(v, nv, out, n, err);
	free(v);
	return rc;
}
