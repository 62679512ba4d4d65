/*
 * securitytxt.c - RFC 9116 security.txt files, parsed line by line with the
 * PGP clear-signature armour (RFC 4880 §7) taken off.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "scan/securitytxt.h"
#include "base/kc.h"

static int
num(const char *s, size_t n, int *out)
{
	int v = 0;

	for (size_t i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

int
kc_rfc3339_parse(const char *s, size_t len, time_t *out)
{
	struct tm tm;
	int y, mo, d, h, mi, sec, off = 0;
	size_t i = 19;
	time_t t;

	if (len < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
	    s[13] != ':' || s[16] != ':')
		return KC_EPARSE;
	if (num(s, 4, &y) || num(s + 5, 2, &mo) || num(s + 8, 2, &d) || num(s + 11, 2, &h) ||
	    num(s + 14, 2, &mi) || num(s + 17, 2, &sec))
		return KC_EPARSE;
	if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return KC_EPARSE;
	if (s[i] == '.') {
		i++;
		if (i >= len || !isdigit((unsigned char)s[i]))
			return KC_EPARSE;
		while (i < len && isdigit((unsigned char)s[i]))
			i++;
	}
	if (i < len && (s[i] == 'Z' || s[i] == 'z')) {
		i++;
	} else if (i + 6 == len && (s[i] == '+' || s[i] == '-') && s[i + 3] == ':') {
		int oh, om;

		if (num(s + i + 1, 2, &oh) || num(s + i + 4, 2, &om) || oh > 23 || om > 59)
			return KC_EPARSE;
		off = (oh * 60 + om) * 60 * (s[i] == '+' ? 1 : -1);
		i += 6;
	} else {
		return KC_EPARSE;
	}
	if (i != len)
		return KC_EPARSE;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	t = timegm(&tm);
	if (t == (time_t)-1)
		return KC_EPARSE;
	*out = t - off;
	return 0;
}

static int
starts(const char *p, size_t n, const char *lit)
{
	size_t m = strlen(lit);

	return n >= m && memcmp(p, lit, m) == 0;
}

int
kc_securitytxt_parse(const char *p, size_t len, struct kc_securitytxt *out, kc_err *err)
{
	enum { BODY, PGP_HEADERS, SIGNED, SIGNATURE } state = BODY;
	size_t off = 0, lineno = 0;

	memset(out, 0, sizeof(*out));
	if (memchr(p, '\0', len))
		return kc_err_set(err, KC_EPARSE, _("security.txt holds NUL bytes"));
	while (off < len) {
		const char *line = p + off;
		const char *nl = memchr(line, '\n', len - off);
		size_t n = nl ? (size_t)(nl - line) : len - off;
		const char *colon;

		off += n + (nl != NULL);
		lineno++;
		if (n && line[n - 1] == '\r')
			n--;
		if (state == SIGNATURE) {
			if (starts(line, n, "-----END PGP SIGNATURE-----"))
				state = BODY;
			continue;
		}
		if (state == PGP_HEADERS) {
			if (n == 0)
				state = SIGNED;
			continue;
		}
		if (starts(line, n, "-----BEGIN PGP SIGNED MESSAGE-----")) {
			if (state != BODY || out->nfields)
				return kc_err_set(err, KC_EPARSE,
					_("security.txt line %zu: signed message inside the file"), lineno);
			out->pgp_signed = 1;
			state = PGP_HEADERS;
			continue;
		}
		if (starts(line, n, "-----BEGIN PGP SIGNATURE-----")) {
			if (state != SIGNED)
				return kc_err_set(err, KC_EPARSE,
					_("security.txt line %zu: signature without a signed message"), lineno);
			state = SIGNATURE;
			continue;
		}
		if (state == SIGNED && starts(line, n, "- ")) {
			line += 2;
			n -= 2;
		}
		if (n == 0 || line[0] == '#')
			continue;
		colon = memchr(line, ':', n);
		if (colon == NULL || colon == line || memchr(line, ' ', (size_t)(colon - line))) {
			out->bad_lines++;
			if (!out->first_bad_line)
				out->first_bad_line = lineno;
			continue;
		}
		{
			size_t fl = (size_t)(colon - line);
			const char *v = colon + 1;
			size_t vl = n - fl - 1;

			while (vl && (*v == ' ' || *v == '\t'))
				v++, vl--;
			while (vl && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
				vl--;
			out->nfields++;
			if (fl == 7 && strncasecmp(line, "Contact", 7) == 0) {
				if (out->ncontact++ == 0)
					snprintf(out->contact, sizeof(out->contact), "%.*s", (int)(vl > 255 ? 255 : vl), v);
			} else if (fl == 7 && strncasecmp(line, "Expires", 7) == 0) {
				if (out->nexpires++ == 0) {
					snprintf(out->expires_raw, sizeof(out->expires_raw), "%.*s",
						(int)(vl > 63 ? 63 : vl), v);
					out->expires_ok = kc_rfc3339_parse(v, vl, &out->expires) == 0;
				}
			}
		}
	}
	if (state == PGP_HEADERS || state == SIGNED || state == SIGNATURE)
		return kc_err_set(err, KC_EPARSE, _("security.txt: PGP signature armour not closed"));
	return 0;
}

const char *
kc_securitytxt_problem(const struct kc_securitytxt *s, time_t now)
{
	if (s->ncontact == 0)
		return N_("security.txt has no Contact field");
	if (s->nexpires == 0)
		return N_("security.txt has no Expires field");
	if (s->nexpires > 1)
		return N_("security.txt has more than one Expires field");
	if (!s->expires_ok)
		return N_("security.txt Expires is not an RFC 3339 date-time");
	if (s->expires <= now)
		return N_("security.txt has expired");
	return NULL;
}
