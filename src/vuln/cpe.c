/*
 * cpe.c - CPE 2.3 formatted strings: unbinding (parse), binding (format),
 * version comparison and name matching (after NISTIR 7695 and 7696, as NVD's
 * applicability statements use them).
 */
#include "vuln/cpe.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "base/banned.h"
#include "base/i18n.h"

static const char *const attr_names[KC_CPE_NATTR] = {
	"part",	    "vendor",	  "product",   "version",   "update", "edition",
	"language", "sw_edition", "target_sw", "target_hw", "other",
};

const char *kc_cpe_attr_name(int attr)
{
	return attr >= 0 && attr < KC_CPE_NATTR ? attr_names[attr] : "?";
}

const char *kc_cpe_literal(const kc_cpe *c, int attr)
{
	if (attr < 0 || attr >= KC_CPE_NATTR || c->v[attr].kind != KC_CPE_VALUE)
		return "";
	return c->text + c->v[attr].off;
}

/* Characters that stand unquoted in a formatted string's literal. */
static int fs_plain(unsigned char ch)
{
	return isalnum(ch) || ch == '_' || ch == '.' || ch == '-';
}

/* Parse one attribute s[0..len) that starts at byte pos (0-based) of the name. */
static int parse_attr(const char *s, size_t len, size_t pos, int attr, kc_cpe *c, size_t *used,
		      kc_err *err)
{
	kc_cpe_value *v = &c->v[attr];
	const char *name = attr_names[attr];
	size_t i = 0, end = len;

	memset(v, 0, sizeof(*v));
	if (len == 0)
		return kc_err_set(err, KC_EINVAL, _("the %s attribute (position %zu) is empty"),
				  name, pos + 1);
	if (len == 1 && s[0] == '*') {
		v->kind = KC_CPE_ANY;
		return 0;
	}
	if (len == 1 && s[0] == '-') {
		v->kind = KC_CPE_NA;
		return 0;
	}
	/* Leading wildcard: one "*" or a run of "?". */
	if (s[0] == '*') {
		v->lead_star = 1;
		i = 1;
	} else {
		while (i < len && s[i] == '?' && i < 255)
			i++;
		v->lead_q = (uint8_t)i;
	}
	/* Trailing wildcard, unless quoted (an odd run of backslashes before it). */
	if (end > i && s[end - 1] == '*') {
		size_t bs = 0;
		while (end - 1 - bs > i && s[end - 2 - bs] == '\\')
			bs++;
		if (bs % 2 == 0) {
			v->trail_star = 1;
			end--;
		}
	} else {
		while (end > i && s[end - 1] == '?' && v->trail_q < 255) {
			size_t bs = 0;
			while (end - 1 - bs > i && s[end - 2 - bs] == '\\')
				bs++;
			if (bs % 2)
				break;
			v->trail_q++;
			end--;
		}
	}
	if (i == end)
		return kc_err_set(err, KC_EINVAL,
				  _("the %s attribute (position %zu) has wildcards and nothing else"),
				  name, pos + 1);
	v->off = (uint16_t)*used;
	for (; i < end; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch == '\\') {
			if (i + 1 >= end)
				return kc_err_set(err, KC_EINVAL,
						  _("the %s attribute ends in a lone backslash "
						    "(position %zu)"),
						  name, pos + i + 1);
			ch = (unsigned char)s[++i];
			if (ch < 0x21 || ch > 0x7e)
				return kc_err_set(err, KC_EINVAL,
						  _("byte 0x%02x at position %zu is not a printable "
						    "ASCII character"),
						  ch, pos + i + 1);
		} else if (ch == '*' || ch == '?') {
			return kc_err_set(err, KC_EINVAL,
					  _("unquoted \"%c\" inside the %s attribute (position %zu): "
					    "a wildcard may only begin or end a value"),
					  ch, name, pos + i + 1);
		} else if (ch < 0x21 || ch > 0x7e) {
			return kc_err_set(err, KC_EINVAL,
					  _("byte 0x%02x at position %zu is not a printable "
					    "ASCII character"),
					  ch, pos + i + 1);
		} else if (!fs_plain(ch)) {
			return kc_err_set(err, KC_EINVAL,
					  _("\"%c\" in the %s attribute (position %zu) must be quoted "
					    "with a backslash"),
					  ch, name, pos + i + 1);
		}
		c->text[(*used)++] = (char)tolower(ch);
	}
	v->len = (uint16_t)(*used - v->off);
	c->text[(*used)++] = '\0';
	return 0;
}

int kc_cpe_parse(const char *s, size_t len, kc_cpe *out, kc_err *err)
{
	size_t pos, used = 0;
	int attr, rc;

	memset(out, 0, sizeof(*out));
	if (len == 0)
		return kc_err_set(err, KC_EINVAL, _("an empty string is not a CPE name"));
	if (len >= KC_CPE_MAX)
		return kc_err_set(err, KC_EINVAL, _("a CPE name of %zu bytes is longer than %d"),
				  len, KC_CPE_MAX - 1);
	if (len < 8 || strncasecmp(s, "cpe:2.3:", 8) != 0) {
		if (len >= 5 && strncasecmp(s, "cpe:/", 5) == 0)
			return kc_err_set(err, KC_EINVAL,
					  _("%.*s: a CPE 2.2 URI; give the CPE 2.3 formatted string "
					    "(cpe:2.3:...)"),
					  (int)(len > 80 ? 80 : len), s);
		return kc_err_set(err, KC_EINVAL,
				  _("%.*s: a CPE 2.3 name begins with \"cpe:2.3:\""),
				  (int)(len > 80 ? 80 : len), s);
	}
	pos = 8;
	for (attr = 0; attr < KC_CPE_NATTR; attr++) {
		size_t j = pos;
		if (pos > len)
			return kc_err_set(err, KC_EINVAL,
					  _("a CPE 2.3 name has 11 attributes after \"cpe:2.3:\"; this "
					    "one ends after %d"),
					  attr);
		while (j < len && s[j] != ':') {
			if (s[j] == '\\' && j + 1 < len)
				j++;
			j++;
		}
		if (j > len)
			j = len;
		if ((rc = parse_attr(s + pos, j - pos, pos, attr, out, &used, err)) < 0) {
			memset(out, 0, sizeof(*out));
			return rc;
		}
		pos = j + 1;
	}
	if (pos <= len) {
		memset(out, 0, sizeof(*out));
		return kc_err_set(err, KC_EINVAL,
				  _("more than 11 attributes after \"cpe:2.3:\" (extra text at "
				    "position %zu; quote a colon inside a value as \"\\:\")"),
				  pos);
	}
	{
		const kc_cpe_value *p = &out->v[KC_CPE_PART];
		const char *lit = out->text + p->off;
		if (p->kind == KC_CPE_NA ||
		    (p->kind == KC_CPE_VALUE &&
		     (p->len != 1 || p->lead_star || p->trail_star || p->lead_q || p->trail_q ||
		      (lit[0] != 'a' && lit[0] != 'o' && lit[0] != 'h')))) {
			memset(out, 0, sizeof(*out));
			return kc_err_set(err, KC_EINVAL,
					  _("the part attribute (position 9) must be a, o, h or *"));
		}
	}
	return 0;
}

int kc_cpe_format(const kc_cpe *c, kc_buf *out)
{
	int rc, attr;

	if ((rc = kc_buf_adds(out, "cpe:2.3")) < 0)
		return rc;
	for (attr = 0; attr < KC_CPE_NATTR; attr++) {
		const kc_cpe_value *v = &c->v[attr];
		const char *lit = c->text + v->off;
		size_t i;

		if ((rc = kc_buf_addc(out, ':')) < 0)
			return rc;
		if (v->kind == KC_CPE_ANY) {
			rc = kc_buf_addc(out, '*');
		} else if (v->kind == KC_CPE_NA) {
			rc = kc_buf_addc(out, '-');
		} else {
			rc = 0;
			if (v->lead_star)
				rc = kc_buf_addc(out, '*');
			for (i = 0; rc == 0 && i < v->lead_q; i++)
				rc = kc_buf_addc(out, '?');
			/* A literal that is exactly "-" would read back as NA. */
			if (rc == 0 && v->len == 1 && lit[0] == '-' && !v->lead_star &&
			    !v->trail_star && !v->lead_q && !v->trail_q)
				rc = kc_buf_addc(out, '\\');
			for (i = 0; rc == 0 && i < v->len; i++) {
				unsigned char ch = (unsigned char)lit[i];
				if (!fs_plain(ch))
					rc = kc_buf_addc(out, '\\');
				if (rc == 0)
					rc = kc_buf_addc(out, (char)ch);
			}
			for (i = 0; rc == 0 && i < v->trail_q; i++)
				rc = kc_buf_addc(out, '?');
			if (rc == 0 && v->trail_star)
				rc = kc_buf_addc(out, '*');
		}
		if (rc < 0)
			return rc;
	}
	return 0;
}

int kc_cpe_canonical(const char *s, char **out, kc_err *err)
{
	kc_cpe *c = malloc(sizeof(*c));
	kc_buf b;
	int rc;

	*out = NULL;
	if (!c)
		return kc_err_set(err, KC_ENOMEM, _("out of memory"));
	if ((rc = kc_cpe_parse(s, strlen(s), c, err)) < 0)
		goto out;
	kc_buf_init(&b, 4 * KC_CPE_MAX);
	if ((rc = kc_cpe_format(c, &b)) < 0) {
		kc_buf_release(&b);
		rc = kc_err_set(err, rc, _("out of memory"));
		goto out;
	}
	*out = kc_buf_detach(&b, NULL);
	if (!*out)
		rc = kc_err_set(err, KC_ENOMEM, _("out of memory"));
out:
	free(c);
	return rc;
}

/* ---- versions ---- */

typedef struct vseg {
	const char *p; /* segment text */
	size_t len;
	int numeric;
	char sep; /* class of the separator before it: 0 none/start, '.', '-', ' ' */
} vseg;

#define VSEG_MAX 64

static char sep_class(unsigned char ch)
{
	switch (ch) {
	case '.':
		return '.';
	case '-':
	case '_':
	case '+':
	case '~':
		return '-';
	default:
		return ' ';
	}
}

/* Split v into segments; returns their number, or -1 when there are too many. */
static int vsplit(const char *v, vseg *seg)
{
	int n = 0;
	char sep = 0;
	const char *p = v;

	while (*p) {
		unsigned char ch = (unsigned char)*p;
		if (!isalnum(ch)) {
			/* A run of separators counts as its first one. */
			if (sep == 0 || sep == 'x')
				sep = sep_class(ch);
			p++;
			continue;
		}
		if (n == VSEG_MAX)
			return -1;
		seg[n].p = p;
		seg[n].numeric = isdigit(ch) != 0;
		while (*p && isalnum((unsigned char)*p) &&
		       (isdigit((unsigned char)*p) != 0) == seg[n].numeric)
			p++;
		seg[n].len = (size_t)(p - seg[n].p);
		seg[n].sep = n == 0 ? 0 : (sep == 'x' ? 0 : sep);
		n++;
		sep = 'x'; /* no separator seen since this segment */
	}
	return n;
}

static int cmp_num(const vseg *a, const vseg *b)
{
	const char *pa = a->p, *pb = b->p;
	size_t la = a->len, lb = b->len;
	int c;

	while (la > 1 && *pa == '0')
		pa++, la--;
	while (lb > 1 && *pb == '0')
		pb++, lb--;
	if (la != lb)
		return la < lb ? -1 : 1;
	c = memcmp(pa, pb, la);
	return c < 0 ? -1 : c > 0;
}

static int cmp_alpha(const vseg *a, const vseg *b)
{
	size_t i, n = a->len < b->len ? a->len : b->len;

	for (i = 0; i < n; i++) {
		int ca = tolower((unsigned char)a->p[i]), cb = tolower((unsigned char)b->p[i]);
		if (ca != cb)
			return ca < cb ? -1 : 1;
	}
	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	return 0;
}

static int is_zero(const vseg *s)
{
	size_t i;
	for (i = 0; i < s->len; i++)
		if (s->p[i] != '0')
			return 0;
	return 1;
}

/* vcompare results besides -1, 0, 1 and KC_VERSION_UNCERTAIN: b continues a
 * (or a continues b) after a separator other than ".<number>". */
#define V_A_PREFIX 3
#define V_B_PREFIX 4

static int vcompare(const char *a, const char *b)
{
	vseg sa[VSEG_MAX], sb[VSEG_MAX];
	int na, nb, n, i, first = 0;

	if (strcasecmp(a, b) == 0)
		return 0;
	na = vsplit(a, sa);
	nb = vsplit(b, sb);
	if (na <= 0 || nb <= 0)
		return KC_VERSION_UNCERTAIN;
	n = na < nb ? na : nb;
	/* The shapes must agree over the common part before any segment decides. */
	for (i = 0; i < n; i++)
		if (sa[i].numeric != sb[i].numeric || sa[i].sep != sb[i].sep)
			return KC_VERSION_UNCERTAIN;
	for (i = 0; i < n && first == 0; i++)
		first = sa[i].numeric ? cmp_num(&sa[i], &sb[i]) : cmp_alpha(&sa[i], &sb[i]);
	if (first != 0)
		return first;
	if (na == nb)
		return 0;
	{
		const vseg *rest = na > nb ? sa : sb;
		int nrest = na > nb ? na : nb, sign = na > nb ? 1 : -1, allzero = 1;
		/* "1.2" against "1.2.0.0": equal; against "1.2.1": smaller. */
		for (i = n; i < nrest; i++) {
			if (!rest[i].numeric || rest[i].sep != '.')
				return na > nb ? V_B_PREFIX : V_A_PREFIX;
			if (!is_zero(&rest[i]))
				allzero = 0;
		}
		return allzero ? 0 : sign;
	}
}

int kc_version_compare(const char *a, const char *b)
{
	int c = vcompare(a, b);
	return c == V_A_PREFIX || c == V_B_PREFIX ? KC_VERSION_UNCERTAIN : c;
}

/* ---- matching ---- */

int kc_cpe_range_any(const kc_cpe_range *r)
{
	return r && ((r->start_incl && *r->start_incl) || (r->start_excl && *r->start_excl) ||
		     (r->end_incl && *r->end_incl) || (r->end_excl && *r->end_excl));
}

const char *kc_cpe_match_name(kc_cpe_match_result r)
{
	switch (r) {
	case KC_CPE_MATCH:
		return "match";
	case KC_CPE_UNCERTAIN:
		return "uncertain";
	default:
		return "no match";
	}
}

/* Combine: any NO_MATCH wins, then any UNCERTAIN. */
static kc_cpe_match_result worst(kc_cpe_match_result a, kc_cpe_match_result b)
{
	if (a == KC_CPE_NO_MATCH || b == KC_CPE_NO_MATCH)
		return KC_CPE_NO_MATCH;
	if (a == KC_CPE_UNCERTAIN || b == KC_CPE_UNCERTAIN)
		return KC_CPE_UNCERTAIN;
	return KC_CPE_MATCH;
}

/* Literal src (with its wildcards) against a plain literal t. */
static int wild_match(const kc_cpe_value *sv, const char *s, const char *t, size_t tlen)
{
	size_t min = sv->len + sv->lead_q + sv->trail_q, i;

	if (tlen < min)
		return 0;
	if (!sv->lead_star && !sv->trail_star) {
		if (tlen != min)
			return 0;
		return memcmp(t + sv->lead_q, s, sv->len) == 0;
	}
	if (sv->lead_star && sv->trail_star) {
		/* Somewhere after lead_q and before trail_q characters. */
		for (i = sv->lead_q; i + sv->len + sv->trail_q <= tlen; i++)
			if (memcmp(t + i, s, sv->len) == 0)
				return 1;
		return 0;
	}
	if (sv->trail_star)
		return memcmp(t + sv->lead_q, s, sv->len) == 0;
	return memcmp(t + tlen - sv->trail_q - sv->len, s, sv->len) == 0;
}

static kc_cpe_match_result attr_match(const kc_cpe *crit, const kc_cpe *name, int attr)
{
	const kc_cpe_value *sv = &crit->v[attr], *tv = &name->v[attr];
	const char *s = crit->text + sv->off, *t = name->text + tv->off;
	int identity = attr <= KC_CPE_PRODUCT;

	if (sv->kind == KC_CPE_ANY)
		return KC_CPE_MATCH;
	if (sv->kind == KC_CPE_NA)
		return tv->kind == KC_CPE_NA ? KC_CPE_MATCH
		       : tv->kind == KC_CPE_ANY && !identity ? KC_CPE_UNCERTAIN
							     : KC_CPE_NO_MATCH;
	if (tv->kind == KC_CPE_ANY)
		return identity ? KC_CPE_NO_MATCH : KC_CPE_UNCERTAIN;
	if (tv->kind == KC_CPE_NA)
		return KC_CPE_NO_MATCH;
	if (tv->lead_star || tv->trail_star || tv->lead_q || tv->trail_q)
		return identity ? KC_CPE_NO_MATCH : KC_CPE_UNCERTAIN;
	if (sv->lead_star || sv->trail_star || sv->lead_q || sv->trail_q)
		return wild_match(sv, s, t, tv->len) ? KC_CPE_MATCH : KC_CPE_NO_MATCH;
	if (attr == KC_CPE_VERSION) {
		int c = kc_version_compare(t, s);
		return c == 0 ? KC_CPE_MATCH : c == KC_VERSION_UNCERTAIN ? KC_CPE_UNCERTAIN
									  : KC_CPE_NO_MATCH;
	}
	return sv->len == tv->len && memcmp(s, t, sv->len) == 0 ? KC_CPE_MATCH
								 : KC_CPE_NO_MATCH;
}

/* Version v against one bound: ok when cmp(v, bound) has a sign in want. */
static kc_cpe_match_result bound(const char *v, const char *b, int lo, int incl)
{
	int c;

	if (!b || !*b)
		return KC_CPE_MATCH;
	c = vcompare(v, b);
	/* A bound that v continues ("13.1" for "13.1-48.47") names v's release
	 * line: an inclusive bound takes the whole line in; an exclusive one
	 * cannot say whether it meant the line or its first build. */
	if (c == V_B_PREFIX)
		return incl ? KC_CPE_MATCH : KC_CPE_UNCERTAIN;
	if (c == KC_VERSION_UNCERTAIN || c == V_A_PREFIX)
		return KC_CPE_UNCERTAIN;
	if (c == 0)
		return incl ? KC_CPE_MATCH : KC_CPE_NO_MATCH;
	return (lo ? c > 0 : c < 0) ? KC_CPE_MATCH : KC_CPE_NO_MATCH;
}

kc_cpe_match_result kc_cpe_match(const kc_cpe *criterion, const kc_cpe_range *range,
				 const kc_cpe *name)
{
	kc_cpe_match_result r = KC_CPE_MATCH;
	int attr;

	for (attr = 0; attr < KC_CPE_NATTR && r != KC_CPE_NO_MATCH; attr++)
		r = worst(r, attr_match(criterion, name, attr));
	if (r == KC_CPE_NO_MATCH || !kc_cpe_range_any(range))
		return r;
	{
		const kc_cpe_value *tv = &name->v[KC_CPE_VERSION];
		const char *v = name->text + tv->off;
		kc_cpe_match_result rr;

		if (tv->kind == KC_CPE_NA)
			return KC_CPE_NO_MATCH;
		if (tv->kind == KC_CPE_ANY || tv->lead_star || tv->trail_star || tv->lead_q ||
		    tv->trail_q)
			return worst(r, KC_CPE_UNCERTAIN);
		rr = bound(v, range->start_incl, 1, 1);
		rr = worst(rr, bound(v, range->start_excl, 1, 0));
		rr = worst(rr, bound(v, range->end_incl, 0, 1));
		rr = worst(rr, bound(v, range->end_excl, 0, 0));
		return worst(r, rr);
	}
}
