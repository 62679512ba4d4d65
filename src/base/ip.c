/*
 * ip.c - strict IPv4/IPv6 address and prefix parsing, canonical formatting.
 *
 * Hand-written rather than inet_pton because the rules here are stricter and
 * the messages must say what is wrong: inet_pton accepts nothing we refuse,
 * but it cannot tell "octet out of range" from "too many groups", and it needs
 * a NUL-terminated copy of every field of a feed.
 */
#include "base/ip.h"

#include <stdio.h>
#include <string.h>

#include "base/kc.h"

#define SHOWN_MAX 64

static void shown(const char *s, size_t n, char *out)
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

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Exactly four decimal octets, no leading zeros, into out[0..3]. */
static int parse_v4(const char *s, size_t n, uint8_t *out)
{
	size_t i = 0;

	for (int part = 0; part < 4; part++) {
		unsigned v = 0;
		size_t start = i;

		if (part > 0) {
			if (i >= n || s[i] != '.')
				return -1;
			start = ++i;
		}
		while (i < n && s[i] >= '0' && s[i] <= '9' && i - start < 4)
			v = v * 10 + (unsigned)(s[i++] - '0');
		if (i == start || i - start > 3 || v > 255 || (i - start > 1 && s[start] == '0'))
			return -1;
		out[part] = (uint8_t)v;
	}
	return i == n ? 0 : -1;
}

static int parse_v6(const char *s, size_t n, uint8_t *out)
{
	uint16_t head[8], tail[8];
	int nh = 0, nt = 0, gap = 0;
	size_t i = 0;

	if (n >= 2 && s[0] == ':' && s[1] == ':') {
		gap = 1;
		i = 2;
	} else if (n >= 1 && s[0] == ':') {
		return -1;
	}
	while (i < n) {
		size_t start = i;
		unsigned v = 0;
		int digits = 0;
		uint16_t *g = gap ? tail : head;
		int *ng = gap ? &nt : &nh;

		/* An IPv4 tail: the rest has a dot before any colon. */
		{
			const char *dot = memchr(s + i, '.', n - i), *colon = memchr(s + i, ':', n - i);

			if (dot && !colon) {
				uint8_t v4[4];

				if (nh + nt + 2 > 8 || parse_v4(s + i, n - i, v4))
					return -1;
				g[(*ng)++] = (uint16_t)(v4[0] << 8 | v4[1]);
				g[(*ng)++] = (uint16_t)(v4[2] << 8 | v4[3]);
				i = n;
				break;
			}
		}
		while (i < n && hexval(s[i]) >= 0 && digits < 5) {
			v = v << 4 | (unsigned)hexval(s[i++]);
			digits++;
		}
		if (digits == 0 || digits > 4 || nh + nt >= 8)
			return -1;
		g[(*ng)++] = (uint16_t)v;
		if (i == n)
			break;
		if (s[i] != ':')
			return -1;
		i++;
		if (i < n && s[i] == ':') {
			if (gap)
				return -1; /* a second "::" */
			gap = 1;
			i++;
		} else if (i == n) {
			return -1; /* a trailing single ':' */
		}
		(void)start;
	}
	if (gap ? nh + nt > 7 : nh != 8)
		return -1;
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

int kc_ip_parse(const char *s, size_t n, kc_ip *out, kc_err *err)
{
	char what[SHOWN_MAX];

	memset(out, 0, sizeof(*out));
	if (n > 0 && n <= 45 && memchr(s, ':', n)) {
		if (parse_v6(s, n, out->bytes) == 0) {
			out->family = 6;
			return KC_OK;
		}
	} else if (n > 0 && n <= 15 && parse_v4(s, n, out->bytes) == 0) {
		out->family = 4;
		return KC_OK;
	}
	shown(s, n, what);
	return kc_err_set(err, KC_EINVAL, _("%s: not an IP address"), what);
}

static void mask_host_bits(kc_ip *ip, unsigned len)
{
	unsigned total = ip->family == 4 ? 32 : 128;

	for (unsigned bit = len; bit < total; bit++)
		ip->bytes[bit / 8] &= (uint8_t) ~(0x80u >> (bit % 8));
}

int kc_cidr_parse(const char *s, size_t n, kc_cidr *out, unsigned flags, kc_err *err)
{
	const char *slash = memchr(s, '/', n);
	char what[SHOWN_MAX], net[KC_CIDR_STRLEN];
	unsigned len = 0, max;
	size_t i, alen;
	kc_cidr masked;
	int rc;

	memset(out, 0, sizeof(*out));
	shown(s, n, what);
	alen = slash ? (size_t)(slash - s) : n;
	rc = kc_ip_parse(s, alen, &out->addr, NULL);
	if (rc) {
		char addr[SHOWN_MAX];

		shown(s, alen, addr);
		return kc_err_set(err, KC_EINVAL, _("%s: %s is not an IP address"), what, addr);
	}
	max = out->addr.family == 4 ? 32 : 128;
	if (!slash) {
		if (!(flags & KC_CIDR_BARE_HOST))
			return kc_err_set(err, KC_EINVAL, _("%s: a prefix needs a length (ADDRESS/LENGTH)"), what);
		out->len = (uint8_t)max;
		return KC_OK;
	}
	i = alen + 1;
	if (i == n || (n - i > 1 && s[i] == '0') || n - i > 3)
		return kc_err_set(err, KC_EINVAL, _("%s: the prefix length must be a number from 0 to %u"), what, max);
	for (; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return kc_err_set(err, KC_EINVAL, _("%s: the prefix length must be a number from 0 to %u"), what,
					  max);
		len = len * 10 + (unsigned)(s[i] - '0');
	}
	if (len > max)
		return kc_err_set(err, KC_EINVAL, out->addr.family == 4
							  ? _("%s: prefix length %u is out of range for IPv4 (0-32)")
							  : _("%s: prefix length %u is out of range for IPv6 (0-128)"),
				  what, len);
	out->len = (uint8_t)len;
	masked = *out;
	mask_host_bits(&masked.addr, len);
	if (!kc_ip_equal(&masked.addr, &out->addr))
		return kc_err_set(err, KC_EINVAL, _("%s: host bits are set; did you mean %s?"), what,
				  kc_cidr_format(&masked, net));
	return KC_OK;
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
	/* The longest run of two or more zero groups, the first on a tie. */
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
	return outer->addr.family == ip->family && prefix_match(outer->addr.bytes, ip->bytes, outer->len);
}

int kc_cidr_covers(const kc_cidr *outer, const kc_cidr *inner)
{
	return outer->addr.family == inner->addr.family && outer->len <= inner->len &&
	       prefix_match(outer->addr.bytes, inner->addr.bytes, outer->len);
}
