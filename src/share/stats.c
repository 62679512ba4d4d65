/*
 * stats.c - the statistics a sectoral CERT reports to NSM NCSC, for a
 * month, quarter or year, as CSV in long form (one figure a row):
 *
 *   period_start,period_end,measure,key,subkey,count
 *
 *   incidents            RSIT taxonomy ("unclassified")  severity   cases opened
 *   incidents_by_county  county name ("unknown")         ""         cases opened
 *   notices              delivery state of the mail      ""         notices made
 *   events               classification.taxonomy         .type      events first seen
 *
 * Cases count once: reports merged into an incident and rejected reports are
 * left out. Periods are [start, end) in UTC dates.
 */
#include "share/share.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/csv.h"
#include "base/time.h"
#include "base/kc.h"

int kc_period_parse(const char *s, kc_period *p)
{
	if (!s)
		return KC_EINVAL;
	if (!strcmp(s, "month"))
		*p = KC_PERIOD_MONTH;
	else if (!strcmp(s, "quarter"))
		*p = KC_PERIOD_QUARTER;
	else if (!strcmp(s, "year"))
		*p = KC_PERIOD_YEAR;
	else
		return KC_EINVAL;
	return KC_OK;
}

int kc_period_bounds(kc_period p, const char *from, char start[11], char end[11], kc_err *err)
{
	int y, m, months = p == KC_PERIOD_MONTH ? 1 : p == KC_PERIOD_QUARTER ? 3 : 12;

	if (from) {
		int d;

		if (strlen(from) < 10 || sscanf(from, "%4d-%2d-%2d", &y, &m, &d) != 3 || m < 1 || m > 12 || d < 1 ||
		    d > 31 || y < 1970 || y > 9999)
			return kc_err_set(err, KC_EINVAL, _("--from %s: a date YYYY-MM-DD"), from);
	} else {
		time_t now = kc_now();
		struct tm tm;

		gmtime_r(&now, &tm);
		y = tm.tm_year + 1900;
		m = tm.tm_mon + 1;
		/* The whole period before the current one. */
		m = (m - 1) / months * months + 1 - months;
		if (m < 1) {
			m += 12;
			y--;
		}
	}
	m = (m - 1) / months * months + 1;
	snprintf(start, 11, "%04d-%02d-01", y, m);
	m += months;
	if (m > 12) {
		m -= 12;
		y++;
	}
	snprintf(end, 11, "%04d-%02d-01", y, m);
	return KC_OK;
}

static int rows(kc_store *st, kc_buf *out, const char *start, const char *end, const char *measure, const char *sql,
		int has_sub, kc_err *err)
{
	kc_stmt *s;
	int rc = kc_store_query(st, err, &s, sql, "tt", start, end), step;

	if (rc)
		return rc;
	while ((step = kc_stmt_step(s, err)) == KC_ROW) {
		const char *key = kc_stmt_text(s, 0), *sub = has_sub ? kc_stmt_text(s, 1) : "";

		kc_buf_addf(out, "%s,%s,%s,", start, end, measure);
		kc_csv_field(out, key ? key : "");
		kc_buf_addc(out, ',');
		kc_csv_field(out, sub ? sub : "");
		kc_buf_addf(out, ",%lld\r\n", (long long)kc_stmt_int(s, has_sub ? 2 : 1));
	}
	kc_stmt_finalize(s);
	return step < 0 ? step : KC_OK;
}

int kc_stats_nsm_csv(kc_store *st, kc_period p, const char *from, kc_buf *out, kc_err *err)
{
	char start[11], end[11];
	int rc = kc_period_bounds(p, from, start, end, err);

	if (rc)
		return rc;
	kc_buf_adds(out, "period_start,period_end,measure,key,subkey,count\r\n");
	rc = rows(st, out, start, end, "incidents",
		  "SELECT COALESCE(taxonomy, 'unclassified'), severity, count(*) FROM incident_case"
		  " WHERE created_at >= ? AND created_at < ? AND status NOT IN ('merged', 'rejected')"
		  " GROUP BY COALESCE(taxonomy, 'unclassified'), severity ORDER BY 1, 2",
		  1, err);
	if (!rc)
		rc = rows(st, out, start, end, "incidents_by_county",
			  "SELECT COALESCE(cty.name, CASE WHEN o.kind = 'county' THEN o.name END, 'unknown'), count(*)"
			  " FROM incident_case c LEFT JOIN org o ON o.id = c.org_id LEFT JOIN org cty ON cty.id = o.county_id"
			  " WHERE c.created_at >= ? AND c.created_at < ? AND c.status NOT IN ('merged', 'rejected')"
			  " GROUP BY COALESCE(cty.name, CASE WHEN o.kind = 'county' THEN o.name END, 'unknown') ORDER BY 1",
			  0, err);
	if (!rc)
		rc = rows(st, out, start, end, "notices",
			  "SELECT COALESCE(b.state, 'none'), count(*) FROM notice n LEFT JOIN outbox b ON b.id = n.outbox_id"
			  " WHERE n.created_at >= ? AND n.created_at < ? GROUP BY COALESCE(b.state, 'none') ORDER BY 1",
			  0, err);
	if (!rc)
		rc = rows(st, out, start, end, "events",
			  "SELECT taxonomy, type, count(*) FROM event WHERE time_source >= ? AND time_source < ?"
			  " GROUP BY taxonomy, type ORDER BY 1, 2",
			  1, err);
	return rc;
}
