/*
 * time.c - UTC time stamps in ISO 8601.
 */
#include "base/time.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/kc.h"

time_t kc_now(void)
{
	const char *fixed = getenv("KCERT_NOW");
	time_t t;

	if (fixed && *fixed && kc_time_parse(fixed, &t) == KC_OK)
		return t;
	return time(NULL);
}

char *kc_time_iso(time_t t, char *out)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, KC_TIME_STRLEN, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return out;
}

char *kc_time_now_iso(char *out)
{
	return kc_time_iso(kc_now(), out);
}

static int digits(const char *s, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar: the
 * year is taken to start in March, so the leap day falls at its end. */
static int64_t days_from_civil(int y, int m, int d)
{
	int64_t yy = y - (m <= 2), era = (yy >= 0 ? yy : yy - 399) / 400;
	int64_t yoe = yy - era * 400, mp = (m + 9) % 12;
	int64_t doy = (153 * mp + 2) / 5 + d - 1, doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

int kc_time_parse(const char *s, time_t *t)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, mo, d, h = 0, mi = 0, sec = 0, off = 0;
	const char *p;

	if (strlen(s) < 10 || digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) ||
	    s[7] != '-' || digits(s + 8, 2, &d))
		return KC_EINVAL;
	p = s + 10;
	if (*p == 'T' || *p == ' ') {
		if (strlen(p) < 9 || digits(p + 1, 2, &h) || p[3] != ':' || digits(p + 4, 2, &mi) ||
		    p[6] != ':' || digits(p + 7, 2, &sec))
			return KC_EINVAL;
		p += 9;
		if (*p == '.')
			for (p++; isdigit((unsigned char)*p); p++)
				;
	}
	if (*p == 'Z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int oh, om;

		if (strlen(p) != 6 || digits(p + 1, 2, &oh) || p[3] != ':' || digits(p + 4, 2, &om) ||
		    oh > 23 || om > 59)
			return KC_EINVAL;
		off = (oh * 60 + om) * 60 * (*p == '+' ? 1 : -1);
		p += 6;
	}
	if (*p || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 || mi > 59 || sec > 60 ||
	    (mo == 2 && d == 29 && (y % 4 || (y % 100 == 0 && y % 400))))
		return KC_EINVAL;
	*t = (time_t)(days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - off);
	return KC_OK;
}

/* The last Sunday of month mon (0-based) in year y, at 01:00 UTC. */
static time_t last_sunday_0100(int y, int mon)
{
	struct tm tm;
	time_t t;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mon + 1; /* the first of the next month ... */
	tm.tm_mday = 1;
	tm.tm_hour = 1;
	t = timegm(&tm) - 86400; /* ... minus a day: the last of this month */
	gmtime_r(&t, &tm);
	return t - (time_t)tm.tm_wday * 86400;
}

char *kc_time_oslo(const char *iso, char *out)
{
	struct tm tm;
	time_t t;
	int offset;

	if (!iso || kc_time_parse(iso, &t) != KC_OK) {
		snprintf(out, KC_TIME_STRLEN, "%s", iso ? iso : "");
		return out;
	}
	gmtime_r(&t, &tm);
	offset = (t >= last_sunday_0100(tm.tm_year + 1900, 2) && t < last_sunday_0100(tm.tm_year + 1900, 9)) ? 7200
														   : 3600;
	t += offset;
	gmtime_r(&t, &tm);
	strftime(out, KC_TIME_STRLEN, "%Y-%m-%d %H:%M", &tm);
	return out;
}

int kc_time_parse_oslo(const char *local, time_t *t)
{
	char iso[KC_TIME_STRLEN];
	struct tm tm;
	time_t u;
	int y;

	/* "2026-11-30T07:15" or with seconds; read as UTC, then take Oslo's
	 * offset at that moment away (CET +1, CEST +2 from the last Sunday of
	 * March to the last Sunday of October, 01:00 UTC). */
	if (strlen(local) == 16)
		snprintf(iso, sizeof(iso), "%s:00Z", local);
	else
		snprintf(iso, sizeof(iso), "%sZ", local);
	if (kc_time_parse(iso, &u))
		return KC_EINVAL;
	gmtime_r(&u, &tm);
	y = tm.tm_year + 1900;
	u -= 3600;
	if (u >= last_sunday_0100(y, 2) && u < last_sunday_0100(y, 9))
		u -= 3600;
	*t = u;
	return KC_OK;
}
