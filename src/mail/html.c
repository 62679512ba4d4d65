/*
 * html.c - HTML mail reduced to safe plain text; see html.h.
 */
#include "mail/html.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mail/charset.h"
#include "base/kc.h"

#define HREF_MAX 2048

typedef struct writer {
	kc_buf *out;
	size_t start;	   /* out->len when we began: what we wrote is out->ptr[start..] */
	int nl;		   /* line ends at the end of what we wrote (at most 2) */
	int space;	   /* a collapsed white space is pending */
	int pre;	   /* inside <pre>: white space is kept */
	int rc;
	int in_link;
	size_t link_start; /* out->len at the <a> */
	char href[HREF_MAX];
	size_t href_len;
} writer;

static int written(const writer *w)
{
	return w->out->len > w->start;
}

static void put(writer *w, const char *s, size_t n)
{
	if (w->rc || !n)
		return;
	if (w->space && !w->nl && written(w))
		w->rc = kc_buf_addc(w->out, ' ');
	w->space = 0;
	if (!w->rc)
		w->rc = kc_buf_add(w->out, s, n);
	w->nl = 0;
}

static void put_cp(writer *w, uint32_t cp)
{
	char u[4];

	put(w, u, kc_utf8_encode(cp, u));
}

/* At least n line ends (n <= 2) at the end of the text; none at its start. */
static void newline(writer *w, int n)
{
	w->space = 0;
	while (!w->rc && written(w) && w->nl < n) {
		w->rc = kc_buf_addc(w->out, '\n');
		w->nl++;
	}
}

/* One more line end, as <br> gives, up to a blank line. */
static void line_break(writer *w)
{
	newline(w, w->nl + 1 > 2 ? 2 : w->nl + 1);
}

static void white(writer *w)
{
	if (written(w) && !w->nl)
		w->space = 1;
}

/* Character references HTML mail uses; the rest are left as written. */
static const struct entity {
	const char *name;
	uint32_t cp;
} entities[] = {
	{ "AElig", 0xC6 },   { "Aacute", 0xC1 },  { "Aring", 0xC5 },   { "Auml", 0xC4 },    { "Eacute", 0xC9 },
	{ "Oslash", 0xD8 },  { "Ouml", 0xD6 },	  { "Uuml", 0xDC },    { "aacute", 0xE1 },  { "aelig", 0xE6 },
	{ "agrave", 0xE0 },  { "amp", '&' },	  { "apos", '\'' },    { "aring", 0xE5 },   { "auml", 0xE4 },
	{ "bdquo", 0x201E }, { "bull", 0x2022 },  { "ccedil", 0xE7 },  { "cent", 0xA2 },    { "copy", 0xA9 },
	{ "deg", 0xB0 },     { "divide", 0xF7 },  { "eacute", 0xE9 },  { "egrave", 0xE8 },  { "emsp", ' ' },
	{ "ensp", ' ' },     { "euro", 0x20AC },  { "frac12", 0xBD },  { "gt", '>' },	    { "hellip", 0x2026 },
	{ "iacute", 0xED },  { "iexcl", 0xA1 },	  { "iquest", 0xBF },  { "laquo", 0xAB },   { "ldquo", 0x201C },
	{ "lrm", 0 },	     { "lsquo", 0x2018 }, { "lt", '<' },       { "mdash", 0x2014 }, { "micro", 0xB5 },
	{ "middot", 0xB7 },  { "nbsp", ' ' },	  { "ndash", 0x2013 }, { "ntilde", 0xF1 },  { "oacute", 0xF3 },
	{ "oslash", 0xF8 },  { "ouml", 0xF6 },	  { "para", 0xB6 },    { "plusmn", 0xB1 },  { "pound", 0xA3 },
	{ "quot", '"' },     { "raquo", 0xBB },	  { "rdquo", 0x201D }, { "reg", 0xAE },	    { "rlm", 0 },
	{ "rsquo", 0x2019 }, { "sbquo", 0x201A }, { "sect", 0xA7 },    { "shy", 0 },	    { "szlig", 0xDF },
	{ "thinsp", ' ' },   { "times", 0xD7 },	  { "trade", 0x2122 }, { "uacute", 0xFA },  { "uuml", 0xFC },
	{ "yen", 0xA5 },     { "zwj", 0 },	  { "zwnj", 0 },
};

/* Named references that old HTML writes without the ';'. */
static int legacy(const char *name)
{
	return !strcmp(name, "amp") || !strcmp(name, "lt") || !strcmp(name, "gt") || !strcmp(name, "quot") ||
	       !strcmp(name, "nbsp");
}

/*
 * A character reference at s[0..len) (s[0] == '&'). Returns the bytes it takes
 * and sets *cp (0: the reference stands for nothing, such as &shy;), or returns
 * 0 when it is not one (the '&' is then text).
 */
static size_t reference(const char *s, size_t len, uint32_t *cp)
{
	size_t i = 1;

	if (i < len && s[i] == '#') {
		int hex = 0, digits = 0;
		uint32_t v = 0;

		i++;
		if (i < len && (s[i] == 'x' || s[i] == 'X')) {
			hex = 1;
			i++;
		}
		for (; i < len && (hex ? isxdigit((unsigned char)s[i]) : isdigit((unsigned char)s[i])); i++) {
			int d = isdigit((unsigned char)s[i]) ? s[i] - '0' : (tolower((unsigned char)s[i]) - 'a' + 10);

			if (v <= 0x10FFFF)
				v = v * (hex ? 16u : 10u) + (uint32_t)d;
			digits++;
		}
		if (!digits)
			return 0;
		if (i < len && s[i] == ';')
			i++;
		if (v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
			v = 0xFFFD;
		else if (v >= 0x80 && v < 0xA0)
			v = kc_cp1252((unsigned char)v); /* as browsers read &#150; */
		else if (v == 0xA0)
			v = ' ';
		*cp = v;
		return i;
	} else {
		char name[12];
		size_t n = 0;

		while (i < len && isalnum((unsigned char)s[i]) && n < sizeof(name) - 1)
			name[n++] = s[i++];
		name[n] = '\0';
		if (!n)
			return 0;
		for (size_t k = 0; k < KC_ARRAY_LEN(entities); k++) {
			if (strcmp(entities[k].name, name))
				continue;
			if (i < len && s[i] == ';')
				i++;
			else if (!legacy(name) || (i < len && (isalnum((unsigned char)s[i]) || s[i] == '=')))
				return 0;
			*cp = entities[k].cp;
			return i;
		}
		return 0;
	}
}

/* Text between tags. */
static void text(writer *w, const char *s, size_t len)
{
	size_t i = 0;

	while (i < len && !w->rc) {
		unsigned char c = (unsigned char)s[i];
		size_t run = i;
		uint32_t cp;
		size_t n;

		while (run < len && s[run] != '&' && !isspace((unsigned char)s[run]) &&
		       !((unsigned char)s[run] == 0xC2 && run + 1 < len && (unsigned char)s[run + 1] == 0xA0))
			run++;
		if (run > i) {
			put(w, s + i, run - i);
			i = run;
			continue;
		}
		if (c == '&') {
			n = reference(s + i, len - i, &cp);
			if (!n) {
				put(w, "&", 1);
				i++;
			} else {
				if (cp)
					put_cp(w, cp);
				i += n;
			}
		} else if (c == 0xC2) { /* U+00A0, a no-break space: a space that stays */
			put(w, " ", 1);
			i += 2;
		} else if (w->pre) {
			if (c == '\n') {
				w->rc = kc_buf_addc(w->out, '\n');
				w->nl = w->nl < 2 ? w->nl + 1 : 2;
			} else if (c != '\r') {
				put(w, " ", 1);
			}
			i++;
		} else {
			white(w);
			i++;
		}
	}
}

/* Decode the references in an attribute value into out (cap bytes, NUL-terminated);
 * white space and control characters are dropped (URLs have none). */
static size_t attr_value(const char *s, size_t len, char *out, size_t cap)
{
	size_t o = 0;

	for (size_t i = 0; i < len && o + 4 < cap;) {
		unsigned char c = (unsigned char)s[i];
		uint32_t cp;
		size_t n;

		if (c == '&' && (n = reference(s + i, len - i, &cp)) != 0) {
			i += n;
			if (cp > ' ')
				o += kc_utf8_encode(cp, out + o);
			continue;
		}
		i++;
		if (c <= ' ' || c == 0x7F)
			continue;
		if (c == '<' || c == '>') { /* they would end the "<url>" we write */
			out[o++] = '%';
			out[o++] = '3';
			out[o++] = c == '<' ? 'C' : 'E';
			continue;
		}
		out[o++] = (char)c;
	}
	out[o] = '\0';
	return o;
}

static int scheme_is(const char *href, const char *scheme)
{
	size_t n = strlen(scheme);

	return !strncasecmp(href, scheme, n);
}

/* Trimmed s[0..*n): returns the start, shortens *n. */
static const char *trim(const char *s, size_t *n)
{
	while (*n && isspace((unsigned char)*s)) {
		s++;
		(*n)--;
	}
	while (*n && isspace((unsigned char)s[*n - 1]))
		(*n)--;
	return s;
}

/* The end of a link: write where it goes unless its text says it already. */
static void link_end(writer *w)
{
	const char *target = w->href, *txt;
	size_t tl, hl = w->href_len;

	if (!w->in_link)
		return;
	w->in_link = 0;
	if (!hl || w->rc)
		return;
	if (!scheme_is(target, "http://") && !scheme_is(target, "https://") && !scheme_is(target, "ftp://") &&
	    !scheme_is(target, "mailto:"))
		return; /* javascript:, data:, relative and cid: links say nothing useful */
	tl = w->out->len - w->link_start;
	txt = trim(w->out->ptr ? w->out->ptr + w->link_start : "", &tl);
	if (scheme_is(target, "mailto:") && tl == hl - 7 && !strncasecmp(txt, target + 7, tl))
		return;
	if ((tl == hl && !strncasecmp(txt, target, tl)) ||
	    (tl + 1 == hl && target[hl - 1] == '/' && !strncasecmp(txt, target, tl)))
		return;
	if (tl)
		w->space = 1;
	put(w, "<", 1);
	put(w, target, hl);
	put(w, ">", 1);
}

static int name_is(const char *name, size_t n, const char *const *list, size_t count)
{
	for (size_t i = 0; i < count; i++)
		if (strlen(list[i]) == n && !strncasecmp(name, list[i], n))
			return 1;
	return 0;
}

static const char *const paragraph_tags[] = { "p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
					      "table", "ul", "ol", "dl", "hr", "pre", "address", "figure" };
static const char *const line_tags[] = { "div", "tr", "li", "dt", "dd", "section", "article", "header",
					 "footer", "nav", "aside", "main", "form", "fieldset", "figcaption",
					 "caption", "center", "option", "legend", "summary", "details" };
static const char *const hidden_tags[] = { "script", "style", "title", "template", "noscript", "xml", "head" };

/* Find "</name" (any case) in s[0..len); returns its offset or len. */
static size_t find_close(const char *s, size_t len, const char *name, size_t n)
{
	for (size_t i = 0; i + 2 + n <= len; i++) {
		const char *p = memchr(s + i, '<', len - i);

		if (!p)
			break;
		i = (size_t)(p - s);
		if (i + 2 + n <= len && s[i + 1] == '/' && !strncasecmp(s + i + 2, name, n) &&
		    (i + 2 + n == len || !isalnum((unsigned char)s[i + 2 + n])))
			return i;
	}
	return len;
}

/*
 * A tag at s[0..len) (s[0] == '<', s[1] a letter or '/'). Reads its name and
 * the attributes we need; returns the bytes up to and including its '>'. For an
 * element whose content is dropped, *skip_to is set to the offset (from s) of
 * its end tag.
 */
static size_t tag(writer *w, const char *s, size_t len, size_t *skip_to)
{
	int closing = s[1] == '/';
	size_t i = closing ? 2 : 1, nstart = i, nlen;
	const char *name;

	*skip_to = 0;
	while (i < len && (isalnum((unsigned char)s[i]) || s[i] == '-' || s[i] == ':' || s[i] == '_'))
		i++;
	name = s + nstart;
	nlen = i - nstart;
	if (nlen == 1 && (name[0] == 'a' || name[0] == 'A')) {
		link_end(w); /* links do not nest: a new one ends the last */
		w->href_len = 0;
	}
	/* Attributes: name[=value], values quoted or not. */
	while (i < len && s[i] != '>') {
		size_t an, as;

		if (isspace((unsigned char)s[i]) || s[i] == '/') {
			i++;
			continue;
		}
		as = i;
		while (i < len && !isspace((unsigned char)s[i]) && s[i] != '>' && s[i] != '=' && s[i] != '/')
			i++;
		an = i - as;
		if (an == 0)
			i++; /* a stray '=' */
		while (i < len && isspace((unsigned char)s[i]))
			i++;
		if (i < len && s[i] == '=') {
			size_t vs, vl;

			i++;
			while (i < len && isspace((unsigned char)s[i]))
				i++;
			if (i < len && (s[i] == '"' || s[i] == '\'')) {
				const char *q = memchr(s + i + 1, s[i], len - i - 1);

				vs = i + 1;
				vl = q ? (size_t)(q - s) - vs : len - vs;
				i = q ? (size_t)(q - s) + 1 : len;
			} else {
				vs = i;
				while (i < len && !isspace((unsigned char)s[i]) && s[i] != '>')
					i++;
				vl = i - vs;
			}
			if (!closing && nlen == 1 && (name[0] == 'a' || name[0] == 'A') && an == 4 &&
			    !strncasecmp(s + as, "href", 4))
				w->href_len = attr_value(s + vs, vl, w->href, sizeof(w->href));
		}
	}
	if (i < len)
		i++; /* the '>' */
	if (nlen == 1 && (name[0] == 'a' || name[0] == 'A')) {
		if (!closing) {
			w->in_link = 1;
			w->link_start = w->out->len;
		}
		return i;
	}
	if (!closing && name_is(name, nlen, hidden_tags, KC_ARRAY_LEN(hidden_tags))) {
		if (nlen == 4 && !strncasecmp(name, "head", 4)) {
			/* A head holds no text but its title, which we drop too; keep
			 * reading inside it so that a missing </head> loses nothing. */
			return i;
		}
		*skip_to = i + find_close(s + i, len - i, name, nlen);
		return i;
	}
	if (nlen == 2 && !strncasecmp(name, "br", 2)) {
		line_break(w);
	} else if (name_is(name, nlen, paragraph_tags, KC_ARRAY_LEN(paragraph_tags))) {
		newline(w, 2);
		if (nlen == 3 && !strncasecmp(name, "pre", 3))
			w->pre = closing ? (w->pre ? w->pre - 1 : 0) : w->pre + 1;
	} else if (name_is(name, nlen, line_tags, KC_ARRAY_LEN(line_tags))) {
		newline(w, 1);
		if (!closing && nlen == 2 && !strncasecmp(name, "li", 2))
			put(w, "- ", 2);
	} else if ((nlen == 2 && (!strncasecmp(name, "td", 2) || !strncasecmp(name, "th", 2))) && !closing) {
		white(w);
	}
	return i;
}

/* Drop the white space at line ends, keep at most one blank line, and none at the ends. */
static void tidy(kc_buf *out, size_t start)
{
	char *p = out->ptr;
	size_t r = start, o = start;
	int nls = 0;

	if (!p)
		return;
	while (r < out->len) {
		char c = p[r++];

		if (c == '\n') {
			while (o > start && (p[o - 1] == ' ' || p[o - 1] == '\t'))
				o--;
			if (o > start && ++nls <= 2)
				p[o++] = '\n';
			continue;
		}
		if ((c == ' ' || c == '\t') && o == start)
			continue;
		nls = 0;
		p[o++] = c;
	}
	while (o > start && (p[o - 1] == '\n' || p[o - 1] == ' ' || p[o - 1] == '\t'))
		o--;
	kc_buf_truncate(out, o);
}

int kc_html_to_text(const char *html, size_t len, kc_buf *out)
{
	writer *w = calloc(1, sizeof(*w));
	size_t i = 0;
	int rc;

	if (!w)
		return KC_ENOMEM;
	w->out = out;
	w->start = out->len;
	while (i < len && !w->rc) {
		const char *lt = memchr(html + i, '<', len - i);
		size_t end = lt ? (size_t)(lt - html) : len, skip;

		text(w, html + i, end - i);
		i = end;
		if (i >= len || w->rc)
			break;
		if (len - i >= 4 && !memcmp(html + i, "<!--", 4)) {
			const char *e = NULL;

			for (size_t k = i + 4; k + 3 <= len; k++) {
				const char *d = memchr(html + k, '-', len - k);

				if (!d || (size_t)(d - html) + 3 > len)
					break;
				k = (size_t)(d - html);
				if (!memcmp(d, "-->", 3)) {
					e = d;
					break;
				}
			}
			i = e ? (size_t)(e - html) + 3 : len;
		} else if (len - i >= 2 && (html[i + 1] == '!' || html[i + 1] == '?')) {
			const char *gt = memchr(html + i, '>', len - i);

			i = gt ? (size_t)(gt - html) + 1 : len;
		} else if (len - i >= 2 && (isalpha((unsigned char)html[i + 1]) ||
					    (html[i + 1] == '/' && len - i >= 3 && isalpha((unsigned char)html[i + 2])))) {
			size_t t = i;

			i = t + tag(w, html + t, len - t, &skip);
			if (skip)
				i = t + skip;
		} else {
			put(w, "<", 1);
			i++;
		}
	}
	link_end(w);
	rc = w->rc;
	if (rc != KC_ENOMEM)
		tidy(out, w->start);
	free(w);
	return rc;
}
