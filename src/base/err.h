/*
 * err.h - error codes and the error record every fallible library call fills.
 *
 * The library never prints and never exits (DESIGN.md §5). A fallible function
 * returns 0 on success or a negative KC_E* code, and, when the caller passed a
 * kc_err, leaves a human-readable message in it for the CLI or web layer to show.
 * The message is already translated (see i18n.h) and never contains secrets.
 */
#ifndef KC_ERR_H
#define KC_ERR_H

#include <stdarg.h>
#include <stddef.h>

enum {
	KC_OK = 0,
	KC_EINVAL = -1,	    /* invalid input (bad argument, malformed value) */
	KC_ENOMEM = -2,	    /* out of memory */
	KC_ENOENT = -3,	    /* no such object */
	KC_EEXIST = -4,	    /* object already exists / conflicts */
	KC_ETOOBIG = -5,    /* input exceeds its size limit */
	KC_EIO = -6,	    /* file or network I/O failed */
	KC_ESTORE = -7,	    /* the store (database) failed */
	KC_EPARSE = -8,	    /* malformed data in a file or stream */
	KC_EPERM = -9,	    /* not allowed */
	KC_EAGAIN = -10,    /* would block / try again (busy) */
	KC_EINTERNAL = -11, /* a bug: an impossible state was reached */
};

#define KC_ERR_MSG_MAX 512

typedef struct kc_err {
	int code;
	char msg[KC_ERR_MSG_MAX];
} kc_err;

/* Human-readable name of an error code ("invalid input", ...), translated. */
const char *kc_strerror(int code);

/*
 * Record an error and return its code, so that call sites read
 *     return kc_err_set(err, KC_EINVAL, _("bad prefix length %d"), len);
 * err may be NULL; fmt is a printf format (already passed through _()).
 */
int kc_err_set(kc_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int kc_err_vset(kc_err *err, int code, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

/* Prefix the existing message with more context: "FILE:LINE: <old message>". */
int kc_err_prefix(kc_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Reset to "no error". */
void kc_err_clear(kc_err *err);

#endif
