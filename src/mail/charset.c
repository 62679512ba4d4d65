/*
 * charset.c - text of incoming mail as clean UTF-8; see charset.h.
 *
 * Conversion goes through GMime's cached iconv descriptors (which know the
 * MIME names iconv does not: "ks_c_5601-1987", "x-mac-roman", ...). The Latin-1
 * family is decoded here as windows-1252, which is both what senders mean and
 * what cannot fail.
 */
#include "mail/charset.h"

#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gmime/gmime.h>
#include "mail/mime.h"
#include "base/kc.h"

/* windows-1252 0x80-0x9F; 0xFFFD where the code page assigns nothing. */
static const uint16_t cp1252_high[32] = {
	0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
	0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD, 0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
	0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178,
};

uint32_t kc_cp1252(unsigned char c)
{
	return c >= 0x80 && c < 0xA0 ? cp1252_high[c - 0x80] : c;
}

size_t kc_utf8_encode(uint32_t cp, char out[4])
{
	if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		cp = 0xFFFD;
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3F));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* Decode one UTF-8 sequence at s[0..len) (len > 0); returns its length and the
 * code point, or 0 when the bytes there are not a valid sequence. */
static size_t utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
	uint32_t c = s[0], min;
	size_t n;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		n = 2;
		c &= 0x1F;
		min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3;
		c &= 0x0F;
		min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4;
		c &= 0x07;
		min = 0x10000;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return n;
}

/* 1 when s[0..len) is valid UTF-8; *multi says whether it has a non-ASCII character. */
static int utf8_valid(const char *s, size_t len, int *multi)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	uint32_t cp;

	*multi = 0;
	while (i < len) {
		size_t n;

		if (p[i] < 0x80) {
			i++;
			continue;
		}
		n = utf8_decode(p + i, len - i, &cp);
		if (!n)
			return 0;
		*multi = 1;
		i += n;
	}
	return 1;
}

size_t kc_utf8_cut(const char *s, size_t len, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	uint32_t cp;

	while (i < len) {
		size_t n = p[i] < 0x80 ? 1 : utf8_decode(p + i, len - i, &cp);

		if (!n || i + n > max)
			break;
		i += n;
	}
	return i;
}

/* Invisible characters that reorder or hide text: bidirectional embeddings,
 * overrides and isolates, the Arabic letter mark, the byte order mark. */
static int invisible(uint32_t cp)
{
	return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x061C ||
	       cp == 0xFEFF;
}

int kc_utf8_clean(const char *s, size_t len, int oneline, kc_buf *out)
{
	static const char fffd[] = "\xEF\xBF\xBD";
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, start = out->len;
	int space = 0, rc = 0;

	while (i < len && !rc) {
		unsigned char c = p[i];
		size_t run = i;
		uint32_t cp;
		size_t n;

		/* The common case: a run of printable ASCII. */
		while (run < len && p[run] >= 0x20 && p[run] < 0x7F && !(oneline && p[run] == ' '))
			run++;
		if (run > i) {
			if (space && out->len > start)
				rc = kc_buf_addc(out, ' ');
			space = 0;
			if (!rc)
				rc = kc_buf_add(out, p + i, run - i);
			i = run;
			continue;
		}
		if (c < 0x80) {
			i++;
			if (c == '\r' && i < len && p[i] == '\n')
				continue; /* the LF that follows is the line end */
			if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
				if (oneline)
					space = 1;
				else
					rc = kc_buf_addc(out, c == '\r' ? '\n' : (char)c);
			}
			continue; /* other control characters are dropped */
		}
		n = utf8_decode(p + i, len - i, &cp);
		if (!n) {
			if (space && out->len > start)
				rc = kc_buf_addc(out, ' ');
			space = 0;
			if (!rc)
				rc = kc_buf_add(out, fffd, 3);
			i++;
			continue;
		}
		i += n;
		if (invisible(cp))
			continue;
		if (cp >= 0x80 && cp < 0xA0) {
			/* C1 controls are windows-1252 read as ISO-8859-1 (0x96 "-"). */
			char u[4];

			cp = kc_cp1252((unsigned char)cp);
			if (cp == 0xFFFD)
				continue;
			if (space && out->len > start)
				rc = kc_buf_addc(out, ' ');
			space = 0;
			if (!rc)
				rc = kc_buf_add(out, u, kc_utf8_encode(cp, u));
			continue;
		}
		if (cp == 0x2028 || cp == 0x2029 || (oneline && cp == 0xA0)) {
			if (oneline)
				space = 1;
			else
				rc = kc_buf_addc(out, '\n');
			continue;
		}
		if (space && out->len > start)
			rc = kc_buf_addc(out, ' ');
		space = 0;
		if (!rc)
			rc = kc_buf_add(out, p + i - n, n);
	}
	return rc;
}

char *kc_utf8_line(const char *s, size_t len, size_t max)
{
	kc_buf b;
	char *r;

	kc_buf_init(&b, len * 3 + 16);
	if (kc_utf8_clean(s, len, 1, &b) || kc_buf_add(&b, "", 0)) {
		kc_buf_release(&b);
		return NULL;
	}
	kc_buf_truncate(&b, kc_utf8_cut(b.ptr, b.len, max));
	r = kc_buf_detach(&b, NULL);
	return r;
}

static int cp1252_to_utf8(const char *in, size_t len, kc_buf *tmp)
{
	int rc = 0;

	for (size_t i = 0; i < len && !rc; i++) {
		unsigned char c = (unsigned char)in[i];
		char u[4];

		if (c < 0x80)
			rc = kc_buf_addc(tmp, (char)c);
		else
			rc = kc_buf_add(tmp, u, kc_utf8_encode(kc_cp1252(c), u));
	}
	return rc;
}

/* Names that mean windows-1252 in practice (WHATWG Encoding, "windows-1252"). */
static int latin1_family(const char *cs)
{
	static const char *const names[] = { "iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "l1",
					     "windows-1252", "cp1252", "x-cp1252", "iso-ir-100", "csisolatin1",
					     "cp819", "ibm819", "iso_8859-1:1987" };

	for (size_t i = 0; i < KC_ARRAY_LEN(names); i++)
		if (!strcasecmp(cs, names[i]))
			return 1;
	return 0;
}

static int ascii_or_utf8(const char *cs)
{
	static const char *const names[] = { "utf-8", "utf8", "us-ascii", "ascii", "ansi_x3.4-1968", "unicode-1-1-utf-8" };

	for (size_t i = 0; i < KC_ARRAY_LEN(names); i++)
		if (!strcasecmp(cs, names[i]))
			return 1;
	return 0;
}

/* Names that say nothing (GMime would read "x-unknown" in the locale's charset,
 * so the result would depend on the machine). */
static int meaningless(const char *cs)
{
	static const char *const names[] = { "x-unknown", "unknown", "unknown-8bit", "x-user-defined", "default",
					     "charset", "none" };

	for (size_t i = 0; i < KC_ARRAY_LEN(names); i++)
		if (!strcasecmp(cs, names[i]))
			return 1;
	return 0;
}

/* iconv through GMime's cache; 0 on success, -1 when the charset is unknown or
 * the bytes are invalid in it (tmp then holds garbage the caller discards). */
static int iconv_to_utf8(const char *cs, const char *in, size_t len, kc_buf *tmp, int *rc)
{
	char chunk[4096];
	char *ip = (char *)in;
	size_t il = len;
	iconv_t cd;
	int ok = 0;

	kc_mail_init();
	cd = g_mime_iconv_open("UTF-8", cs);
	if (cd == (iconv_t)-1)
		return -1;
	for (;;) {
		char *op = chunk;
		size_t ol = sizeof(chunk), r;
		int flushing = !il, e;

		r = flushing ? iconv(cd, NULL, NULL, &op, &ol) : iconv(cd, &ip, &il, &op, &ol);
		e = errno;
		if (op > chunk && (*rc = kc_buf_add(tmp, chunk, (size_t)(op - chunk))) != 0)
			break;
		if (r == (size_t)-1 && e == E2BIG)
			continue;
		if (r == (size_t)-1)
			break; /* EILSEQ, EINVAL: bytes not valid in cs */
		if (flushing) {
			ok = 1;
			break;
		}
	}
	g_mime_iconv_close(cd);
	return ok ? 0 : -1;
}

static int from_cp1252(const char *in, size_t len, kc_buf *out)
{
	kc_buf tmp;
	int rc;

	kc_buf_init(&tmp, len * 3 + 16);
	rc = cp1252_to_utf8(in, len, &tmp);
	if (!rc)
		rc = kc_utf8_clean(kc_buf_str(&tmp), tmp.len, 0, out);
	kc_buf_release(&tmp);
	return rc;
}

int kc_charset_to_utf8(const char *charset, const char *in, size_t len, kc_buf *out, int *fallback)
{
	int declared = charset && *charset, multi, rc = 0;
	kc_buf tmp;

	*fallback = 0;
	if (declared && latin1_family(charset)) {
		/* UTF-8 labelled Latin-1 (mail clients do it): read it as what it is. */
		if (utf8_valid(in, len, &multi) && multi) {
			*fallback = 1;
			return kc_utf8_clean(in, len, 0, out);
		}
		return from_cp1252(in, len, out);
	}
	if (declared && !ascii_or_utf8(charset) && !meaningless(charset)) {
		kc_buf_init(&tmp, len * 6 + 64);
		if (!iconv_to_utf8(charset, in, len, &tmp, &rc) && utf8_valid(kc_buf_str(&tmp), tmp.len, &multi)) {
			rc = kc_utf8_clean(kc_buf_str(&tmp), tmp.len, 0, out);
			kc_buf_release(&tmp);
			return rc;
		}
		kc_buf_release(&tmp);
		if (rc == KC_ENOMEM)
			return rc;
	}
	/* Undeclared, UTF-8 or ASCII, a name that says nothing, or bytes the
	 * declared charset cannot read: UTF-8 when they are, else windows-1252. */
	if (utf8_valid(in, len, &multi)) {
		if (declared && !ascii_or_utf8(charset))
			*fallback = meaningless(charset) ? multi : 1;
		return kc_utf8_clean(in, len, 0, out);
	}
	*fallback = 1;
	return from_cp1252(in, len, out);
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static int b64val(char c)
{
	return c >= 'A' && c <= 'Z'   ? c - 'A'
	       : c >= 'a' && c <= 'z' ? c - 'a' + 26
	       : c >= '0' && c <= '9' ? c - '0' + 52
	       : c == '+'	      ? 62
	       : c == '/'	      ? 63
				      : -1;
}

/* One encoded word at p ("=?cs?X?text?="): its charset (without a language)
 * into cs, its bytes appended to bytes; returns its length, or 0 when p does
 * not start one. */
static size_t encoded_word(const char *p, char *cs, size_t cscap, kc_buf *bytes, int *rc)
{
	const char *q, *t, *end;
	size_t n;
	char enc;

	if (p[0] != '=' || p[1] != '?')
		return 0;
	q = strchr(p + 2, '?');
	if (!q || q == p + 2 || (size_t)(q - p - 2) >= cscap || !q[1] || q[2] != '?')
		return 0;
	enc = (char)(q[1] | 0x20);
	if (enc != 'q' && enc != 'b')
		return 0;
	t = q + 3;
	end = strstr(t, "?=");
	if (!end)
		return 0;
	n = (size_t)(q - p - 2);
	memcpy(cs, p + 2, n);
	cs[n] = '\0';
	if (strchr(cs, '*'))
		*strchr(cs, '*') = '\0';
	if (enc == 'q') {
		for (const char *c = t; c < end && !*rc; c++) {
			if (*c == '_') {
				*rc = kc_buf_addc(bytes, ' ');
			} else if (*c == '=' && c + 2 < end && hexval(c[1]) >= 0 && hexval(c[2]) >= 0) {
				*rc = kc_buf_addc(bytes, (char)(hexval(c[1]) << 4 | hexval(c[2])));
				c += 2;
			} else {
				*rc = kc_buf_addc(bytes, *c);
			}
		}
	} else {
		unsigned acc = 0;
		int bits = 0;

		for (const char *c = t; c < end && !*rc; c++) {
			int v = b64val(*c);

			if (v < 0)
				continue;
			acc = (acc << 6 | (unsigned)v) & 0xFFFFFF;
			bits += 6;
			if (bits >= 8) {
				bits -= 8;
				*rc = kc_buf_addc(bytes, (char)(acc >> bits & 0xFF));
			}
		}
	}
	return (size_t)(end + 2 - p);
}

int kc_rfc2047_decode(const char *value, kc_buf *out, int *fallback)
{
	char cs[64] = "", next[64];
	size_t len = strlen(value), i = 0, ws = 0;
	kc_buf run, word, text;
	int rc = 0, fb = 0, in_run = 0;

	*fallback = 0;
	kc_buf_init(&run, len + 16);
	kc_buf_init(&word, len + 16);
	kc_buf_init(&text, len * 6 + 64);
	while (i <= len && !rc) {
		size_t n = i < len ? encoded_word(value + i, next, sizeof(next), &word, &rc) : 0;

		if (n) {
			if (in_run && strcasecmp(cs, next)) {
				rc = kc_charset_to_utf8(cs, kc_buf_str(&run), run.len, &text, &fb);
				*fallback |= fb;
				kc_buf_clear(&run);
			}
			/* White space between two encoded words is not text. */
			memcpy(cs, next, sizeof(cs));
			if (!rc)
				rc = kc_buf_add(&run, kc_buf_str(&word), word.len);
			kc_buf_clear(&word);
			in_run = 1;
			i += n;
			ws = i;
			while (i < len && (value[i] == ' ' || value[i] == '\t' || value[i] == '\r' || value[i] == '\n'))
				i++;
			continue;
		}
		kc_buf_clear(&word);
		if (in_run) {
			rc = kc_charset_to_utf8(cs, kc_buf_str(&run), run.len, &text, &fb);
			*fallback |= fb;
			kc_buf_clear(&run);
			in_run = 0;
			i = ws; /* the white space after the last word is text again */
		}
		if (i >= len)
			break;
		{
			size_t e = i + 1;

			while (e < len && !(value[e] == '=' && value[e + 1] == '?'))
				e++;
			if (!rc)
				rc = kc_charset_to_utf8(NULL, value + i, e - i, &text, &fb);
			*fallback |= fb;
			i = e;
		}
	}
	if (!rc)
		rc = kc_utf8_clean(kc_buf_str(&text), text.len, 1, out);
	kc_buf_release(&run);
	kc_buf_release(&word);
	kc_buf_release(&text);
	return rc;
}
