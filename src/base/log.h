/*
 * log.h - diagnostics for operators, on stderr (or a file), one line per entry,
 * with an ISO 8601 UTC time stamp and a level. Logging is the one output the
 * library may produce; it must never carry secrets (passwords, tokens, keys).
 */
#ifndef KC_LOG_H
#define KC_LOG_H

typedef enum kc_log_level {
	KC_LOG_DEBUG = 0,
	KC_LOG_INFO = 1,
	KC_LOG_WARN = 2,
	KC_LOG_ERROR = 3,
	KC_LOG_OFF = 4,
} kc_log_level;

void kc_log_set_level(kc_log_level level);
kc_log_level kc_log_get_level(void);
/* Parse "debug", "info", "warn", "error", "off"; returns 0 or KC_EINVAL. */
int kc_log_level_parse(const char *s, kc_log_level *out);

void kc_log(kc_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define kc_debug(...) kc_log(KC_LOG_DEBUG, __VA_ARGS__)
#define kc_info(...) kc_log(KC_LOG_INFO, __VA_ARGS__)
#define kc_warn(...) kc_log(KC_LOG_WARN, __VA_ARGS__)
#define kc_error(...) kc_log(KC_LOG_ERROR, __VA_ARGS__)

#endif
