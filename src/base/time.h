/*
 * time.h - time stamps. Stored in UTC as ISO 8601 text ("2026-11-28T13:55:59Z"),
 * which sorts correctly as text in both store engines; people see Europe/Oslo.
 */
#ifndef KC_TIME_H
#define KC_TIME_H

#include <stddef.h>
#include <time.h>

#define KC_TIME_STRLEN 32

/* The current time, or the time in KCERT_NOW when set (tests make time stand still). */
time_t kc_now(void);

/* Format t as ISO 8601 UTC ("...Z") into out (KC_TIME_STRLEN bytes); returns out. */
char *kc_time_iso(time_t t, char *out);

/* kc_time_iso(kc_now()). */
char *kc_time_now_iso(char *out);

/* Parse "YYYY-MM-DDTHH:MM:SSZ", "YYYY-MM-DD HH:MM:SS" (taken as UTC), optional
 * fraction, or "+HH:MM" offset. Returns 0 and sets *t, or KC_EINVAL. */
int kc_time_parse(const char *s, time_t *t);



/* The ISO 8601 UTC time iso as Europe/Oslo wall-clock time "YYYY-MM-DD HH:MM"
 * (CET, and CEST from the last Sunday of March to the last Sunday of October,
 * changing at 01:00 UTC as EU rules have it since 1996). out holds
 * KC_TIME_STRLEN bytes; an unparsable iso is copied as it is. */
char *kc_time_oslo(const char *iso, char *out);

/* Oslo local time without a zone ("2026-11-30T07:15", as an HTML
 * datetime-local field sends it) to a UTC instant. Returns 0 or KC_EINVAL. */
int kc_time_parse_oslo(const char *local, time_t *t);
#endif
