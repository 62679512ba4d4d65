/*
 * securitytxt.h - a parser of security.txt files (RFC 9116).
 *
 * The file may be PGP clear-signed (RFC 4880 §7): the armour lines are
 * skipped and dash-escaped lines unescaped; the signature is not verified
 * (the scanner has no key to check it against). Lines are "Field: value",
 * comments start with "#". The parser is pure and fuzzed
 * (fuzz/fuzz_securitytxt.c).
 */
#ifndef KC_SCAN_SECURITYTXT_H
#define KC_SCAN_SECURITYTXT_H

#include <stddef.h>
#include <time.h>

#include "base/err.h"

struct kc_securitytxt {
	int pgp_signed;
	size_t ncontact;
	char contact[256];    /* the first Contact value */
	size_t nexpires;
	time_t expires;	      /* the first valid Expires, when expires_ok */
	int expires_ok;	      /* an Expires value parsed as an RFC 3339 date-time */
	char expires_raw[64];
	size_t nfields;	      /* field lines seen */
	size_t bad_lines;     /* lines that are neither fields, comments nor blank */
	size_t first_bad_line; /* 1-based, 0 when none */
};

/* Parse len bytes; 0, or KC_EPARSE for binary data (NUL bytes) or a broken signature armour. */
int kc_securitytxt_parse(const char *p, size_t len, struct kc_securitytxt *out, kc_err *err);

/*
 * What is wrong with a parsed file at time now, as an English msgid
 * (translate with _()), or NULL when it is valid: no Contact, no Expires,
 * more than one Expires, an unparsable Expires, expired.
 */
const char *kc_securitytxt_problem(const struct kc_securitytxt *s, time_t now);

/* Parse an RFC 3339 date-time ("2026-01-31T12:00:00Z", "...+01:00"); 0 or KC_EPARSE. */
int kc_rfc3339_parse(const char *s, size_t len, time_t *out);

#endif
