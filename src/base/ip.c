/*
 * ip.c - strict IPv4/IPv6 address and prefix parsing, canonical formatting.
 *
 * Hand-written rather than inet_pton because the rules here are stricter and
 * the messages must say what is wrong: inet_pton cannot tell "octet out of
 * range" from "too many groups", and it needs a NUL-terminated copy of every
 * field of a feed. The parsers below never read past s[n) and record why they
 * refused in a struct why, which one function turns into the message; every
 * message starts with the input as given (control bytes shown as '?', long
 * input cut), so the CLI can print it as it is.
 */
#include "base/ip.h"

#include <stdio.h>
#include <string.h>

#include "base/kc.h"

#define SHOWN_MAX 64

/* Why an address was refused. */
enum bad {
	BAD_NOT_IP,	    /* nothing like an address */
	BAD_EMPTY,	    /* n == 0 */
	BAD_SPACE,	    /* white space anywhere */
	BAD_ZONE,	    /* fe80::1%eth0 */
	BAD_CHAR,	    /* an unexpected character at `at` */
	BAD_OCTET_EMPTY,    /* 1..2.3 */
	BAD_OCTET_RANGE,    /* 300, or 4+ digits */
	BAD_OCTET_ZERO,	    /* 010 */
	BAD_OCTETS_FEW,	    /* 1.2.3 (count) */
	BAD_OCTETS_MANY,    /* 1.2.3.4.5 */
	BAD_GROUP_LONG,	    /* 12345:: */
	BAD_GROUPS_FEW,	    /* 1:2:3 (count) */
	BAD_GROUPS_MANY,    /* nine groups, or eight and "::" */
	BAD_DOUBLE_GAP,	    /* ::1::2 */
	BAD_LONE_COLON,	    /* :1::, 1::2: */
	BAD_V4_NOT_LAST,    /* ::1.2.3.4:5 */
};

struct why {
	enum bad code;
	const char *at; /* the offending part of the input */
	size_t len;
	int count;
};

static int refuse(struct why *w, enum bad code, const char *at, size_t len)
{
	w->code = code;
	w->at = at;
	w->len = len;
	return -1;
}

/* s[0..n) made safe to print: control and non-ASCII bytes as '?', cut with
 * "..." beyond SHOWN_MAX. */
static void shown(const char *s, size_t n, char out[SHOWN_MAX])
{
	size_t i, k = 0;

	for (i = 0; i < n && k + 4 < SHOWN_MAX; i++)
		out[k++] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
	if (i < n) {
		out[k++] = '.';
		out[k++] = '.';
		out[k++] = '.';
	}
	out[k] = '\0';
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int hexval(char c)
{
	if (is_digit(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Exactly four decimal octets 0-255, no leading zeros, into out[0..3]. */
static int parse_v4(const char *s, size_t n, uint8_t *out, struct why *w)
{
	size_t i = 0;
	int part = 0;

	for (;;) {
		size_t start = i;
		unsigned v = 0;

		while (i < n && is_digit(s[i])) {
			if (i - start < 4)
				v = v * 10 + (unsigned)(s[i] - '0');
			i++;
		}
		if (i == start) {
			if (i < n && s[i] != '.')
				return refuse(w, i == 0 ? BAD_NOT_IP : BAD_CHAR, s + i, 1);
			return refuse(w, BAD_OCTET_EMPTY, s, n);
		}
		if (i - start > 3 || v > 255)
			return refuse(w, BAD_OCTET_RANGE, s + start, i - start);
		if (i - start > 1 && s[start] == '0')
			return refuse(w, BAD_OCTET_ZERO, s + start, i - start);
		if (part == 4)
			return refuse(w, BAD_OCTETS_MANY, s, n);
		out[part++] = (uint8_t)v;
		if (i == n)
			break;
		if (s[i] != '.')
			return refuse(w, BAD_CHAR, s + i, 1);
		i++;
	}
	if (part < 4) {
		w->count = part;
		return refuse(w, BAD_OCTETS_FEW, s, n);
	}
	return 0;
}

/* RFC 4291 section 2.2 text forms, without zone ids, into out[0..15]. */
static int parse_v6(const char *s, size_t n, uint8_t *out, struct why *w)
{
	uint16_t head[8], tail[8];
	int nh = 0, nt = 0, gap = 0;
	size_t i = 0;

	if (n >= 2 && s[0] == ':' && s[1] == ':') {
		gap = 1;
		i = 2;
	} else if (s[0] == ':') {
		return refuse(w, BAD_LONE_COLON, s, 1);
	}
	while (i < n) {
		uint16_t *g = gap ? tail : head;
		int *ng = gap ? &nt : &nh;
		size_t start = i;
		unsigned v = 0;

		/* An IPv4 tail: the rest has a dot and no colon. */
		if (memchr(s + i, '.', n - i) && !memchr(s + i, ':', n - i)) {
			uint8_t v4[4];

			if (parse_v4(s + i, n - i, v4, w)) {
				if (w->code == BAD_NOT_IP)
					w->code = BAD_CHAR;
				return -1;
			}
			if (nh + nt + 2 > 8)
				return refuse(w, BAD_GROUPS_MANY, s, n);
			g[(*ng)++] = (uint16_t)(v4[0] << 8 | v4[1]);
			g[(*ng)++] = (uint16_t)(v4[2] << 8 | v4[3]);
			i = n;
			break;
		}
		while (i < n && hexval(s[i]) >= 0) {
			if (i - start < 4)
				v = v << 4 | (unsigned)hexval(s[i]);
			i++;
		}
		if (i == start)
			return refuse(w, i == 0 ? BAD_NOT_IP : BAD_CHAR, s + i, 1);
		if (i < n && s[i] == '.')
			return refuse(w, BAD_V4_NOT_LAST, s, n);
		if (i - start > 4)
			return refuse(w, BAD_GROUP_LONG, s + start, i - start);
		if (nh + nt == 8)
			return refuse(w, BAD_GROUPS_MANY, s, n);
		g[(*ng)++] = (uint16_t)v;
		if (i == n)
			break;
		if (s[i] != ':')
			return refuse(w, BAD_CHAR, s + i, 1);
		i++;
		if (i < n && s[i] == ':') {
			if (gap)
				return refuse(w, BAD_DOUBLE_GAP, s, n);
			gap = 1;
			i++;
		} else if (i == n) {
			return refuse(w, BAD_LONE_COLON, s + n - 1, 1);
		}
	}
	if (gap && nh + nt > 7)
		return refuse(w, BAD_GROUPS_MANY, s, n); /* "::" stands for one group at least */
	if (!gap && nh < 8) {
		w->count = nh;
		return refuse(w, BAD_GROUPS_FEW, s, n);
	}
	memset(out, 0, 16);
	for (int k = 0; k < nh; k++) {
		out[2 * k] = (uint8_t)(head[k] >> 8);
		out[2 * k + 1] = (uint8_t)head[k];
	}
	for (int k = 0; k < nt; k++) {
		int at = 8 - nt + k;

		out[2 * at] = (uint8_t)(tail[k] >> 8);
		out[2 * at + 1] = (uint8_t)tail[k];
	}
	return 0;
}

static int parse_addr(const char *s, size_t n, kc_ip *out, struct why *w)
{
	const char *zone;

	memset(out, 0, sizeof(*out));
	if (n == 0)
		return refuse(w, BAD_EMPTY, s, 0);
	for (size_t i = 0; i < n; i++)
		if (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r'))
			return refuse(w, BAD_SPACE, s, n);
	zone = memchr(s, '%', n);
	if (zone)
		return refuse(w, BAD_ZONE, zone, (size_t)(s + n - zone));
	if (memchr(s, ':', n)) {
		out->family = 6;
		return parse_v6(s, n, out->bytes, w);
	}
	out->family = 4;
	return parse_v4(s, n, out->bytes, w);
}

/* The message for a refused address; what is the whole input, shown. */
static int addr_error(kc_err *err, const char *what, const struct why *w)
{
	char part[SHOWN_MAX];

	shown(w->at, w->len, part);
	switch (w->code) {
	case BAD_EMPTY:
		return kc_err_set(err, KC_EINVAL, _("an empty string is not an IP address"));
	case BAD_SPACE:
		return kc_err_set(err, KC_EINVAL, _("%s: white space in an IP address"), what);
	case BAD_ZONE:
		return kc_err_set(err, KC_EINVAL, _("%s: zone ids (%s) are not accepted"), what, part);
	case BAD_CHAR:
		return kc_err_set(err, KC_EINVAL, _("%s: unexpected character '%s' in an IP address"), what, part);
	case BAD_OCTET_EMPTY:
		return kc_err_set(err, KC_EINVAL, _("%s: empty octet in an IPv4 address"), what);
	case BAD_OCTET_RANGE:
		return kc_err_set(err, KC_EINVAL, _("%s: IPv4 octet %s is out of range (0-255)"), what, part);
	case BAD_OCTET_ZERO:
		return kc_err_set(err, KC_EINVAL, _("%s: IPv4 octet %s has a leading zero (it could be read as octal)"),
				  what, part);
	case BAD_OCTETS_FEW:
		return kc_err_set(err, KC_EINVAL, _("%s: an IPv4 address has four octets, not %d"), what, w->count);
	case BAD_OCTETS_MANY:
		return kc_err_set(err, KC_EINVAL, _("%s: more than four octets in an IPv4 address"), what);
	case BAD_GROUP_LONG:
		return kc_err_set(err, KC_EINVAL, _("%s: IPv6 group %s has more than four hex digits"), what, part);
	case BAD_GROUPS_FEW:
		return kc_err_set(err, KC_EINVAL, _("%s: an IPv6 address has eight groups or \"::\", not %d groups"),
				  what, w->count);
	case BAD_GROUPS_MANY:
		return kc_err_set(err, KC_EINVAL, _("%s: too many groups in an IPv6 address"), what);
	case BAD_DOUBLE_GAP:
		return kc_err_set(err, KC_EINVAL, _("%s: more than one \"::\" in an IPv6 address"), what);
	case BAD_LONE_COLON:
		return kc_err_set(err, KC_EINVAL, _("%s: an IPv6 address cannot start or end with a single ':'"), what);
	case BAD_V4_NOT_LAST:
		return kc_err_set(err, KC_EINVAL, _("%s: the IPv4 part of an IPv6 address must come last"), what);
	case BAD_NOT_IP:
		break;
	}
	return kc_err_set(err, KC_EINVAL, _("%s: not an IP address"), what);
}

int kc_ip_parse(const char *s, size_t n, kc_ip *out, kc_err *err)
{
	char what[SHOWN_MAX];
	struct why w;

	if (parse_addr(s, n, out, &w) == 0)
		return KC_OK;
	memset(out, 0, sizeof(*out));
	shown(s, n, what);
	return addr_error(err, what, &w);
}

static void mask_host_bits(kc_ip *ip, unsigned len)
{
	unsigned total = ip->family == 4 ? 32 : 128;

	for (unsigned bit = len; bit < total; bit++)
		ip->bytes[bit / 8] &= (uint8_t) ~(0x80u >> (bit % 8));
}

int kc_cidr_parse(const char *s, size_t n, kc_cidr *out, unsigned flags, kc_err *err)
{
	const char *slash = n ? memchr(s, '/', n) : NULL, *ls;
	size_t alen = slash ? (size_t)(slash - s) : n, ln, digits;
	char what[SHOWN_MAX], part[SHOWN_MAX], net[KC_CIDR_STRLEN];
	unsigned len = 0, max;
	struct why w;
	kc_cidr masked;
	int rc;

	memset(out, 0, sizeof(*out));
	shown(s, n, what);
	/* White space is named as such wherever it is, also in the length. */
	for (size_t i = alen; i < n; i++)
		if (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r')) {
			refuse(&w, BAD_SPACE, s, n);
			rc = addr_error(err, what, &w);
			goto out;
		}
	if (parse_addr(s, alen, &out->addr, &w)) {
		rc = addr_error(err, what, &w);
		goto out;
	}
	max = out->addr.family == 4 ? 32 : 128;
	if (!slash) {
		if (flags & KC_CIDR_BARE_HOST) {
			out->len = (uint8_t)max;
			return KC_OK;
		}
		rc = kc_err_set(err, KC_EINVAL, _("%s: a prefix needs a length (ADDRESS/LENGTH)"), what);
		goto out;
	}
	ls = s + alen + 1;
	ln = n - alen - 1;
	shown(ls, ln, part);
	for (digits = 0; digits < ln && is_digit(ls[digits]); digits++)
		if (digits < 4)
			len = len * 10 + (unsigned)(ls[digits] - '0');
	if (ln == 0)
		rc = kc_err_set(err, KC_EINVAL, _("%s: no prefix length after '/'"), what);
	else if (digits < ln || digits > 3)
		rc = kc_err_set(err, KC_EINVAL, _("%s: the prefix length must be a number from 0 to %u"), what, max);
	else if (digits > 1 && ls[0] == '0')
		rc = kc_err_set(err, KC_EINVAL, _("%s: prefix length %s has a leading zero"), what, part);
	else if (len > max)
		rc = kc_err_set(err, KC_EINVAL,
				max == 32 ? _("%s: prefix length %u is out of range for IPv4 (0-32)")
					  : _("%s: prefix length %u is out of range for IPv6 (0-128)"),
				what, len);
	else
		rc = KC_OK;
	if (rc)
		goto out;
	out->len = (uint8_t)len;
	masked = *out;
	mask_host_bits(&masked.addr, len);
	if (!kc_ip_equal(&masked.addr, &out->addr))
		rc = kc_err_set(err, KC_EINVAL, _("%s: host bits are set; did you mean %s?"), what,
				kc_cidr_format(&masked, net));
out:
	if (rc)
		memset(out, 0, sizeof(*out));
	return rc;
}

char *kc_ip_format(const kc_ip *ip, char *out)
{
	const uint8_t *b = ip->bytes;
	int best = -1, best_len = 0, k = 0;
	size_t at = 0;

	if (ip->family == 4) {
		snprintf(out, KC_IP_STRLEN, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
		return out;
	}
	/* IPv4-mapped addresses keep their dotted tail (RFC 5952 section 5). */
	if (!memcmp(b, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12)) {
		snprintf(out, KC_IP_STRLEN, "::ffff:%u.%u.%u.%u", b[12], b[13], b[14], b[15]);
		return out;
	}
	/* "::" replaces the longest run of two or more zero groups, the first on a
	 * tie (RFC 5952 section 4.2). */
	while (k < 8) {
		int run = 0;

		while (k + run < 8 && !b[2 * (k + run)] && !b[2 * (k + run) + 1])
			run++;
		if (run > best_len && run >= 2) {
			best = k;
			best_len = run;
		}
		k += run ? run : 1;
	}
	for (k = 0; k < 8; k++) {
		if (k == best) {
			at += (size_t)snprintf(out + at, KC_IP_STRLEN - at, "::");
			k += best_len - 1;
			continue;
		}
		at += (size_t)snprintf(out + at, KC_IP_STRLEN - at, "%s%x", (k && k != best + best_len) ? ":" : "",
				       (unsigned)(b[2 * k] << 8 | b[2 * k + 1]));
	}
	return out;
}

char *kc_cidr_format(const kc_cidr *c, char *out)
{
	char ip[KC_IP_STRLEN];

	snprintf(out, KC_CIDR_STRLEN, "%s/%u", kc_ip_format(&c->addr, ip), c->len);
	return out;
}

kc_ip kc_ip_unmap(const kc_ip *ip)
{
	kc_ip v4;

	if (ip->family != 6 || memcmp(ip->bytes, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12))
		return *ip;
	memset(&v4, 0, sizeof(v4));
	v4.family = 4;
	memcpy(v4.bytes, ip->bytes + 12, 4);
	return v4;
}

int kc_ip_equal(const kc_ip *a, const kc_ip *b)
{
	return a->family == b->family && !memcmp(a->bytes, b->bytes, a->family == 4 ? 4 : 16);
}

static int prefix_match(const uint8_t *a, const uint8_t *b, unsigned len)
{
	unsigned full = len / 8, rest = len % 8;

	if (memcmp(a, b, full))
		return 0;
	return !rest || !((a[full] ^ b[full]) & (uint8_t)(0xff00u >> rest));
}

int kc_cidr_contains(const kc_cidr *outer, const kc_ip *ip)
{
	unsigned max = outer->addr.family == 4 ? 32 : 128;

	return outer->addr.family == ip->family && outer->len <= max &&
	       prefix_match(outer->addr.bytes, ip->bytes, outer->len);
}

int kc_cidr_covers(const kc_cidr *outer, const kc_cidr *inner)
{
	return outer->addr.family == inner->addr.family && outer->len <= inner->len &&
	       kc_cidr_contains(outer, &inner->addr);
}
