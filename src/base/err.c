/*
 * err.c - the error record: set, prefix, clear, and the names of error codes.
 */
#include "base/err.h"

#include <stdio.h>
#include <string.h>

#include "base/i18n.h"

const char *kc_strerror(int code)
{
	switch (code) {
	case KC_OK: return _("success");
	case KC_EINVAL: return _("invalid input");
	case KC_ENOMEM: return _("out of memory");
	case KC_ENOENT: return _("not found");
	case KC_EEXIST: return _("already exists");
	case KC_ETOOBIG: return _("input too large");
	case KC_EIO: return _("input/output error");
	case KC_ESTORE: return _("database error");
	case KC_EPARSE: return _("malformed data");
	case KC_EPERM: return _("permission denied");
	case KC_EAGAIN: return _("temporarily unavailable");
	case KC_EINTERNAL: return _("internal error");
	}
	return _("unknown error");
}

int kc_err_vset(kc_err *err, int code, const char *fmt, va_list ap)
{
	if (err) {
		err->code = code;
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	}
	return code;
}

int kc_err_set(kc_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kc_err_vset(err, code, fmt, ap);
	va_end(ap);
	return code;
}

int kc_err_prefix(kc_err *err, const char *fmt, ...)
{
	char head[KC_ERR_MSG_MAX], old[KC_ERR_MSG_MAX];
	va_list ap;

	if (!err)
		return KC_OK;
	va_start(ap, fmt);
	vsnprintf(head, sizeof(head), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	snprintf(err->msg, sizeof(err->msg), "%s: %s", head, old);
	return err->code;
}

void kc_err_clear(kc_err *err)
{
	if (err) {
		err->code = KC_OK;
		err->msg[0] = '\0';
	}
}
