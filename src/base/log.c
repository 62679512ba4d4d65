/*
 * log.c - timestamped diagnostic lines on stderr.
 */
#include "base/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/err.h"

static kc_log_level min_level = KC_LOG_WARN;

static const char *const level_names[] = { "debug", "info", "warn", "error", "off" };

void kc_log_set_level(kc_log_level level)
{
	min_level = level;
}

kc_log_level kc_log_get_level(void)
{
	return min_level;
}

int kc_log_level_parse(const char *s, kc_log_level *out)
{
	for (size_t i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++) {
		if (s && !strcmp(s, level_names[i])) {
			*out = (kc_log_level)i;
			return KC_OK;
		}
	}
	return KC_EINVAL;
}

void kc_log(kc_log_level level, const char *fmt, ...)
{
	char stamp[32], line[2048];
	struct timespec ts;
	struct tm tm;
	va_list ap;

	if (level < min_level || level >= KC_LOG_OFF)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* One write per entry so that lines from several threads do not interleave. */
	fprintf(stderr, "%s.%03ldZ kcert %s: %s\n", stamp, ts.tv_nsec / 1000000L,
		level_names[level], line);
}
