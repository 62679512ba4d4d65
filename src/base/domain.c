/*
 * domain.c - domain name normalisation (libidn2 for internationalised names),
 * AS numbers and the host part of URLs.
 */
#include "base/domain.h"

#include <ctype.h>
#include <idn2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/kc.h"

static int check_ldh(const char *d, const char *shown, kc_err *err)
{
	size_t total = strlen(d), labels = 0;
	const char *p = d;

	if (total == 0 || total > 253)
		return kc_err_set(err, KC_EINVAL, _("%s: a domain name has 1-253 characters"), shown);
	while (*p) {
		size_t len = strcspn(p, ".");

		if (len == 0 || len > 63)
			return kc_err_set(err, KC_EINVAL, _("%s: every label of a domain name has 1-63 characters"),
					  shown);
		if (p[0] == '-' || p[len - 1] == '-')
			return kc_err_set(err, KC_EINVAL, _("%s: a label cannot start or end with a hyphen"), shown);
		for (size_t i = 0; i < len; i++) {
			unsigned char c = (unsigned char)p[i];

			if (!(isalnum(c) || c == '-'))
				return kc_err_set(err, KC_EINVAL, _("%s: invalid character in domain name"), shown);
		}
		labels++;
		p += len;
		if (*p == '.')
			p++;
		if (*p == '\0' && p[-1] == '.')
			return kc_err_set(err, KC_EINVAL, _("%s: empty label in domain name"), shown);
	}
	if (labels < 2)
		return kc_err_set(err, KC_EINVAL, _("%s: a domain name needs at least two labels"), shown);
	return KC_OK;
}

/*
 * The common case in one pass and no locale calls: a plain ASCII
 * letter-digit-hyphen name, lower-cased straight into out. Returns 0 when the
 * name is such a name and valid, -1 when the careful path must decide (and
 * word any error).
 */
static int normalise_ldh_fast(const char *s, size_t n, char *out)
{
	size_t label = 0, labels = 0;

	if (n > 0 && s[n - 1] == '.')
		n--;
	if (n == 0 || n > 253)
		return -1;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '.') {
			if (label == 0 || s[i - 1] == '-')
				return -1;
			label = 0;
			labels++;
			out[i] = '.';
			continue;
		}
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c + 32);
		else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c == '-' && label > 0)))
			return -1;
		if (++label > 63)
			return -1;
		out[i] = (char)c;
	}
	if (label == 0 || s[n - 1] == '-' || labels < 1)
		return -1;
	out[n] = '\0';
	return 0;
}

int kc_domain_normalise(const char *s, size_t n, char *out, kc_err *err)
{
	char in[KC_DOMAIN_MAX * 4], shown[80];
	int ascii = 1, rc;

	if (normalise_ldh_fast(s, n, out) == 0)
		return KC_OK;

	/* Only a caller that wants the message pays for it (ingestion passes NULL). */
	shown[0] = '\0';
	if (err)
		snprintf(shown, sizeof(shown), "%.*s", (int)(n > 60 ? 60 : n), s);
	if (n > 0 && s[n - 1] == '.')
		n--;
	if (n == 0 || n >= sizeof(in))
		return kc_err_set(err, KC_EINVAL, _("%s: a domain name has 1-253 characters"), shown);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == 0 || isspace(c))
			return kc_err_set(err, KC_EINVAL, _("%s: invalid character in domain name"), shown);
		if (c >= 0x80)
			ascii = 0;
		in[i] = (char)(c < 0x80 ? tolower(c) : c);
	}
	in[n] = '\0';
	if (ascii) {
		rc = check_ldh(in, shown, err);
		if (rc)
			return rc;
		memcpy(out, in, n + 1);
		return KC_OK;
	} else {
		char *alabel = NULL;

		rc = idn2_lookup_u8((const uint8_t *)in, (uint8_t **)&alabel,
				    IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL);
		if (rc != IDN2_OK)
			return kc_err_set(err, KC_EINVAL, _("%s: not a valid internationalised domain name (%s)"),
					  shown, idn2_strerror(rc));
		rc = check_ldh(alabel, shown, err);
		if (!rc)
			snprintf(out, KC_DOMAIN_MAX, "%s", alabel);
		idn2_free(alabel);
		return rc;
	}
}

int kc_asn_parse(const char *s, size_t n, uint32_t *asn, kc_err *err)
{
	char shown[40];
	uint64_t v = 0;
	size_t i = 0;

	snprintf(shown, sizeof(shown), "%.*s", (int)(n > 30 ? 30 : n), s);
	if (n >= 2 && (s[0] == 'A' || s[0] == 'a') && (s[1] == 'S' || s[1] == 's'))
		i = 2;
	if (i == n || s[i] == '0')
		return kc_err_set(err, KC_EINVAL, _("%s: not an AS number (AS1-AS4294967294)"), shown);
	for (; i < n; i++) {
		if (!isdigit((unsigned char)s[i]) || v > 429496729u)
			return kc_err_set(err, KC_EINVAL, _("%s: not an AS number (AS1-AS4294967294)"), shown);
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v == 0 || v >= 4294967295u)
		return kc_err_set(err, KC_EINVAL, _("%s: not an AS number (AS1-AS4294967294)"), shown);
	*asn = (uint32_t)v;
	return KC_OK;
}

int kc_url_host(const char *s, size_t n, kc_slice *host, kc_err *err)
{
	const char *p = s, *end = s + n, *h, *he;
	char shown[80];

	snprintf(shown, sizeof(shown), "%.*s", (int)(n > 60 ? 60 : n), s);
	/* scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":" "//" */
	if (p == end || !isalpha((unsigned char)*p))
		goto bad;
	while (p < end && (isalnum((unsigned char)*p) || *p == '+' || *p == '-' || *p == '.'))
		p++;
	if (end - p < 3 || p[0] != ':' || p[1] != '/' || p[2] != '/')
		goto bad;
	h = p + 3;
	he = h;
	while (he < end && *he != '/' && *he != '?' && *he != '#')
		he++;
	/* Drop userinfo: the last '@' in the authority. */
	for (const char *q = he; q > h; q--) {
		if (q[-1] == '@') {
			h = q;
			break;
		}
	}
	if (h < he && *h == '[') {
		const char *rb = memchr(h, ']', (size_t)(he - h));

		if (!rb || (rb + 1 != he && rb[1] != ':'))
			goto bad;
		host->ptr = h + 1;
		host->len = (size_t)(rb - h - 1);
	} else {
		const char *colon = memchr(h, ':', (size_t)(he - h));

		host->ptr = h;
		host->len = (size_t)((colon ? colon : he) - h);
	}
	if (host->len == 0)
		goto bad;
	return KC_OK;
bad:
	return kc_err_set(err, KC_EINVAL, _("%s: not a URL with a host"), shown);
}
