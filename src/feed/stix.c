/*
 * stix.c - STIX 2.1 bundles into events, and the STIX pattern reader.
 *
 * A CERT receives STIX from partners and vendors as bundles of indicators
 * ("[ipv4-addr:value = '198.51.100.7'] OR [domain-name:value = 'x.no']") and
 * observed data (which addresses were seen). Only network indicators concern
 * a municipality's systems, so only patterns made of ipv4-addr, ipv6-addr,
 * domain-name and url :value comparisons become events; everything else a
 * pattern can say (file hashes, MATCHES, FOLLOWEDBY, qualifiers) is read to
 * the end, to tell a valid pattern from a broken one, and counted as skipped.
 * A broken pattern or a bad address is quarantined with the object's number
 * and id; the rest of the bundle goes on. The pattern reader follows the
 * ANTLR grammar of STIX 2.1 (STIXPattern.g4) as a recursive descent.
 *
 * This file also holds what the JSON formats share (loading a file, checking
 * a value before it reaches the sink, so that the reason names the object).
 */
#include "feed/ingest.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "auth/visibility.h"
#include "base/domain.h"
#include "base/ip.h"
#include "base/time.h"
#include "feed/sink.h"
#include "base/kc.h"

#define JSON_MAX_BYTES (256u << 20)
#define PATTERN_MAX_VALUES 4096
#define PATTERN_MAX_DEPTH 100

/* ---- shared by the format readers ---- */

static int ip_of(const char *v, int family)
{
	kc_cidr net;
	kc_ip ip;

	if (strchr(v, '/'))
		return !kc_cidr_parse(v, strlen(v), &net, 0, NULL) && (!family || net.addr.family == family);
	return !kc_ip_parse(v, strlen(v), &ip, NULL) && (!family || ip.family == family);
}

const char *kc_value_check(kc_value_kind kind, const char *v)
{
	char fqdn[KC_DOMAIN_MAX];
	kc_slice host;
	kc_ip ip;

	switch (kind) {
	case KC_VALUE_IPV4:
		return ip_of(v, 4) ? NULL : _("not an IPv4 address or prefix");
	case KC_VALUE_IPV6:
		return ip_of(v, 6) ? NULL : _("not an IPv6 address or prefix");
	case KC_VALUE_IP:
		return ip_of(v, 0) ? NULL : _("not an IP address or prefix");
	case KC_VALUE_DOMAIN:
		return !kc_domain_normalise(v, strlen(v), fqdn, NULL) ? NULL : _("not a domain name");
	case KC_VALUE_URL:
		if (kc_url_host(v, strlen(v), &host, NULL))
			return _("not a URL with a host");
		if (kc_ip_parse(host.ptr, host.len, &ip, NULL) &&
		    kc_domain_normalise(host.ptr, host.len, fqdn, NULL))
			return _("the URL's host is not a domain name");
		return NULL;
	}
	return _("not an address");
}

int kc_ingest_json_load(const char *path, json_t **out, kc_err *err)
{
	json_error_t je;
	struct stat sb;

	*out = NULL;
	if (stat(path, &sb))
		return kc_err_set(err, errno == ENOENT ? KC_ENOENT : KC_EIO, _("cannot open %s: %s"), path,
				  strerror(errno));
	if (sb.st_size > (off_t)JSON_MAX_BYTES)
		return kc_err_set(err, KC_ETOOBIG, _("%s: larger than %zu bytes"), path,
				  (size_t)JSON_MAX_BYTES);
	*out = json_load_file(path, 0, &je);
	if (!*out)
		return kc_err_set(err, KC_EPARSE, _("%s: not JSON: %s (line %d, column %d)"), path, je.text,
				  je.line, je.column);
	return KC_OK;
}

/* ---- the pattern reader ---- */

enum tok {
	T_EOF, T_LBRACK, T_RBRACK, T_LPAREN, T_RPAREN, T_COMMA, T_COLON, T_DOT, T_STAR,
	T_EQ, T_NEQ, T_LT, T_LE, T_GT, T_GE,
	T_AND, T_OR, T_NOT, T_FOLLOWEDBY, T_LIKE, T_MATCHES, T_ISSUPERSET, T_ISSUBSET, T_LAST, T_IN,
	T_START, T_STOP, T_SECONDS, T_WITHIN, T_REPEATS, T_TIMES, T_BOOL,
	T_IDENT,	/* [a-zA-Z_][a-zA-Z0-9_]* */
	T_IDENT_H,	/* the same with hyphens: object types only */
	T_STRING, T_INT, T_INTNEG, T_FLOAT, T_FLOATNEG, T_HEX, T_BIN, T_TIME,
};

static const struct {
	const char *word;
	enum tok t;
} keywords[] = {
	{ "AND", T_AND },	  { "OR", T_OR },	  { "NOT", T_NOT },	      { "FOLLOWEDBY", T_FOLLOWEDBY },
	{ "LIKE", T_LIKE },	  { "MATCHES", T_MATCHES }, { "ISSUPERSET", T_ISSUPERSET },
	{ "ISSUBSET", T_ISSUBSET }, { "LAST", T_LAST },	  { "IN", T_IN },	      { "START", T_START },
	{ "STOP", T_STOP },	  { "SECONDS", T_SECONDS }, { "WITHIN", T_WITHIN },     { "REPEATS", T_REPEATS },
	{ "TIMES", T_TIMES },	  { "true", T_BOOL },	  { "false", T_BOOL },
};

typedef struct pattern_reader {
	const char *s;
	size_t pos;		/* where the next token starts */
	enum tok t;		/* the current token ... */
	size_t at, len;		/* ... its place in s */
	int complex;		/* something beyond the simple form was read */
	int depth;
	int rc;			/* the first error, or 0 */
	kc_stix_values vals;	/* what the simple comparisons named */
	kc_err *err;
} pattern_reader;

static int fail(pattern_reader *p, int code, size_t at, const char *what)
{
	if (!p->rc)
		p->rc = kc_err_set(p->err, code, _("column %zu: %s"), at + 1, what);
	return p->rc;
}

/* Whitespace as the grammar has it: ASCII and the Unicode spaces in UTF-8. */
static size_t space_len(const unsigned char *u)
{
	if (*u == ' ' || (*u >= '\t' && *u <= '\r'))
		return 1;
	if (u[0] == 0xc2 && (u[1] == 0x85 || u[1] == 0xa0))
		return 2;
	if (u[0] == 0xe1 && u[1] == 0x9a && u[2] == 0x80)
		return 3;
	if (u[0] == 0xe2 && u[1] == 0x80 &&
	    ((u[2] >= 0x80 && u[2] <= 0x8a) || u[2] == 0xa8 || u[2] == 0xa9 || u[2] == 0xaf))
		return 3;
	if ((u[0] == 0xe2 && u[1] == 0x81 && u[2] == 0x9f) || (u[0] == 0xe3 && u[1] == 0x80 && u[2] == 0x80))
		return 3;
	return 0;
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int is_ident(char c, int first)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (!first && is_digit(c));
}

/* The body of a quoted literal from q (at the quote); returns its length with
 * the quotes, 0 when it does not close or has an escape other than \' and \\. */
static size_t quoted_len(pattern_reader *p, size_t q)
{
	const char *s = p->s;
	size_t i = q + 1;

	for (;;) {
		if (!s[i]) {
			fail(p, KC_EPARSE, q, _("a quoted string does not end"));
			return 0;
		}
		if (s[i] == '\'')
			return i + 1 - q;
		if (s[i] == '\\') {
			if (s[i + 1] != '\'' && s[i + 1] != '\\') {
				fail(p, KC_EPARSE, i, _("only \\' and \\\\ may follow a backslash"));
				return 0;
			}
			i++;
		}
		i++;
	}
}

/* Digits of a number from i: [0-9]* ( '.' [0-9]+ )?; sets *is_float. */
static size_t number_len(const char *s, size_t i, int *is_float)
{
	size_t start = i;

	*is_float = 0;
	if (s[i] == '0' && is_digit(s[i + 1]))
		return 0; /* no leading zeros in integers */
	while (is_digit(s[i]))
		i++;
	if (s[i] == '.' && is_digit(s[i + 1])) {
		*is_float = 1;
		for (i++; is_digit(s[i]); i++)
			;
	}
	return i - start;
}

static int prefixed_literal_ok(const char *s, size_t len, char kind)
{
	const char *b = s + 2;
	size_t n = len - 3;
	time_t t;

	if (kind == 'h') {
		if (n % 2)
			return 0;
		for (size_t i = 0; i < n; i++)
			if (!strchr("0123456789abcdefABCDEF", b[i]))
				return 0;
		return 1;
	}
	if (kind == 'b') {
		size_t pad = 0;

		if (n % 4)
			return 0;
		for (size_t i = 0; i < n; i++) {
			if (b[i] == '=') {
				pad++;
				continue;
			}
			if (pad || !(is_ident(b[i], 0) || b[i] == '+' || b[i] == '/') || b[i] == '_')
				return 0;
		}
		return pad <= 2;
	}
	/* t'YYYY-MM-DDTHH:MM:SS(.fff)Z' */
	{
		char tmp[64];

		if (n < 20 || n >= sizeof(tmp) || b[4] != '-' || b[10] != 'T' || b[n - 1] != 'Z')
			return 0;
		memcpy(tmp, b, n);
		tmp[n] = '\0';
		return !kc_time_parse(tmp, &t);
	}
}

static void next(pattern_reader *p)
{
	const char *s = p->s;
	size_t i = p->pos, n;
	int is_float;

	if (p->rc) {
		p->t = T_EOF;
		return;
	}
	for (;;) { /* whitespace and comments */
		if ((n = space_len((const unsigned char *)s + i)) > 0) {
			i += n;
		} else if (s[i] == '/' && s[i + 1] == '*') {
			const char *end = strstr(s + i + 2, "*/");

			if (!end) {
				fail(p, KC_EPARSE, i, _("a comment does not end"));
				p->t = T_EOF;
				return;
			}
			i = (size_t)(end - s) + 2;
		} else if (s[i] == '/' && s[i + 1] == '/') {
			while (s[i] && s[i] != '\n' && s[i] != '\r')
				i++;
		} else {
			break;
		}
	}
	p->at = i;
	n = 1;
	switch (s[i]) {
	case '\0': p->t = T_EOF; n = 0; break;
	case '[': p->t = T_LBRACK; break;
	case ']': p->t = T_RBRACK; break;
	case '(': p->t = T_LPAREN; break;
	case ')': p->t = T_RPAREN; break;
	case ',': p->t = T_COMMA; break;
	case ':': p->t = T_COLON; break;
	case '*': p->t = T_STAR; break;
	case '=': p->t = T_EQ; n = s[i + 1] == '=' ? 2 : 1; break;
	case '!':
		if (s[i + 1] != '=')
			goto bad;
		p->t = T_NEQ;
		n = 2;
		break;
	case '<':
		p->t = s[i + 1] == '=' ? T_LE : s[i + 1] == '>' ? T_NEQ : T_LT;
		n = p->t == T_LT ? 1 : 2;
		break;
	case '>':
		p->t = s[i + 1] == '=' ? T_GE : T_GT;
		n = p->t == T_GE ? 2 : 1;
		break;
	case '\'':
		n = quoted_len(p, i);
		if (!n) {
			p->t = T_EOF;
			return;
		}
		p->t = T_STRING;
		break;
	case '.':
		if (!is_digit(s[i + 1])) {
			p->t = T_DOT;
			break;
		}
		/* .5 is a number */
		/* fall through */
	case '+': case '-':
	case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': case '8': case '9': {
		size_t sign = s[i] == '+' || s[i] == '-';

		n = number_len(s, i + sign, &is_float);
		if (!n)
			goto bad;
		n += sign;
		p->t = s[i] == '-' ? (is_float ? T_FLOATNEG : T_INTNEG) : (is_float ? T_FLOAT : T_INT);
		break;
	}
	default:
		if ((s[i] == 'h' || s[i] == 'b' || s[i] == 't') && s[i + 1] == '\'') {
			n = quoted_len(p, i + 1);
			if (!n) {
				p->t = T_EOF;
				return;
			}
			n++;
			if (!prefixed_literal_ok(s + i, n, s[i])) {
				fail(p, KC_EPARSE, i,
				     s[i] == 'h'   ? _("not a hex literal")
				     : s[i] == 'b' ? _("not a base64 literal")
						   : _("not a timestamp literal"));
				p->t = T_EOF;
				return;
			}
			p->t = s[i] == 'h' ? T_HEX : s[i] == 'b' ? T_BIN : T_TIME;
			break;
		}
		if (!is_ident(s[i], 1))
			goto bad;
		{
			int hyphen = 0;

			for (n = 1; is_ident(s[i + n], 0) || s[i + n] == '-'; n++)
				hyphen |= s[i + n] == '-';
			p->t = hyphen ? T_IDENT_H : T_IDENT;
			for (size_t k = 0; !hyphen && k < KC_ARRAY_LEN(keywords); k++)
				if (strlen(keywords[k].word) == n && !memcmp(keywords[k].word, s + i, n))
					p->t = keywords[k].t;
		}
	}
	p->len = n;
	p->pos = i + n;
	return;
bad:
	fail(p, KC_EPARSE, i, _("unexpected character"));
	p->t = T_EOF;
}

static int expect(pattern_reader *p, enum tok t, const char *what)
{
	if (p->t != t)
		return fail(p, KC_EPARSE, p->at, what);
	next(p);
	return p->rc;
}

/* The current T_STRING token's text without quotes and escapes (malloc'd). */
static char *unquote(const pattern_reader *p)
{
	const char *s = p->s + p->at + 1;
	size_t n = p->len - 2, w = 0;
	char *out = malloc(n + 1);

	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\')
			i++;
		out[w++] = s[i];
	}
	out[w] = '\0';
	return out;
}

static int add_value(pattern_reader *p, kc_value_kind kind)
{
	char *v;

	if (p->vals.n >= PATTERN_MAX_VALUES)
		return fail(p, KC_ETOOBIG, p->at, _("more than 4096 values"));
	if (p->vals.n == p->vals.cap) {
		size_t cap = p->vals.cap ? p->vals.cap * 2 : 8;
		kc_stix_value *nv = realloc(p->vals.v, cap * sizeof(*nv));

		if (!nv)
			return fail(p, KC_ENOMEM, p->at, kc_strerror(KC_ENOMEM));
		p->vals.v = nv;
		p->vals.cap = cap;
	}
	if (!(v = unquote(p)))
		return fail(p, KC_ENOMEM, p->at, kc_strerror(KC_ENOMEM));
	p->vals.v[p->vals.n].kind = kind;
	p->vals.v[p->vals.n++].value = v;
	return 0;
}

static int comparison_expr(pattern_reader *p);

static int is_literal(enum tok t, int orderable)
{
	return t == T_INT || t == T_INTNEG || t == T_FLOAT || t == T_FLOATNEG || t == T_STRING || t == T_BIN ||
	       t == T_HEX || t == T_TIME || (!orderable && t == T_BOOL);
}

/* objectPath NOT? operator literal, or ( comparisonExpression ). */
static int prop_test(pattern_reader *p)
{
	static const char *const types[] = { "ipv4-addr", "ipv6-addr", "domain-name", "url" };
	static const kc_value_kind kinds[] = { KC_VALUE_IPV4, KC_VALUE_IPV6, KC_VALUE_DOMAIN, KC_VALUE_URL };
	kc_value_kind kind = 0;
	int value_prop = 0, negated = 0;
	enum tok op;

	if (p->t == T_LPAREN) {
		if (++p->depth > PATTERN_MAX_DEPTH)
			return fail(p, KC_ETOOBIG, p->at, _("nested too deeply"));
		next(p);
		if (comparison_expr(p))
			return p->rc;
		p->depth--;
		return expect(p, T_RPAREN, _("expected ')'"));
	}
	if (p->t != T_IDENT && p->t != T_IDENT_H)
		return fail(p, KC_EPARSE, p->at, _("expected an object type such as ipv4-addr"));
	for (size_t k = 0; k < KC_ARRAY_LEN(types); k++)
		if (strlen(types[k]) == p->len && !memcmp(types[k], p->s + p->at, p->len))
			kind = kinds[k];
	next(p);
	if (expect(p, T_COLON, _("expected ':' after the object type")))
		return p->rc;
	if (p->t == T_IDENT) {
		value_prop = p->len == 5 && !memcmp(p->s + p->at, "value", 5);
	} else if (p->t == T_STRING) {
		value_prop = p->len == 7 && !memcmp(p->s + p->at, "'value'", 7);
	} else {
		return fail(p, KC_EPARSE, p->at, _("expected a property name"));
	}
	next(p);
	for (;;) { /* .name, .'name', [1], [-1], [*] */
		if (p->t == T_DOT) {
			next(p);
			if (p->t != T_IDENT && p->t != T_STRING)
				return fail(p, KC_EPARSE, p->at, _("expected a property name"));
		} else if (p->t == T_LBRACK) {
			next(p);
			if (p->t != T_INT && p->t != T_INTNEG && p->t != T_STAR)
				return fail(p, KC_EPARSE, p->at, _("expected an index or '*'"));
			next(p);
			if (p->t != T_RBRACK)
				return fail(p, KC_EPARSE, p->at, _("expected ']'"));
		} else {
			break;
		}
		value_prop = 0;
		next(p);
	}
	if (p->rc)
		return p->rc;
	if (p->t == T_NOT) {
		negated = 1;
		next(p);
	}
	op = p->t;
	switch (op) {
	case T_EQ:
	case T_NEQ:
	case T_LT:
	case T_LE:
	case T_GT:
	case T_GE:
		next(p);
		if (!is_literal(p->t, op != T_EQ && op != T_NEQ))
			return fail(p, KC_EPARSE, p->at, _("expected a literal"));
		if (op == T_EQ && kind && value_prop && !negated) {
			if (p->t != T_STRING)
				return fail(p, KC_EPARSE, p->at,
					    _("an address or name is compared with something not a string"));
			if (add_value(p, kind))
				return p->rc;
		} else {
			p->complex = 1;
		}
		next(p);
		return p->rc;
	case T_IN:
		next(p);
		if (expect(p, T_LPAREN, _("expected '(' after IN")))
			return p->rc;
		p->complex = 1;
		if (p->t == T_RPAREN) {
			next(p);
			return p->rc;
		}
		for (;;) {
			if (!is_literal(p->t, 0))
				return fail(p, KC_EPARSE, p->at, _("expected a literal"));
			next(p);
			if (p->t != T_COMMA)
				break;
			next(p);
		}
		return expect(p, T_RPAREN, _("expected ')'"));
	case T_LIKE:
	case T_MATCHES:
	case T_ISSUBSET:
	case T_ISSUPERSET:
		next(p);
		if (p->t != T_STRING)
			return fail(p, KC_EPARSE, p->at, _("expected a quoted string"));
		/* [ipv4-addr:value ISSUBSET '198.51.100.0/24']: any address of the prefix. */
		if (op == T_ISSUBSET && !negated && value_prop &&
		    (kind == KC_VALUE_IPV4 || kind == KC_VALUE_IPV6)) {
			if (add_value(p, kind))
				return p->rc;
		} else {
			p->complex = 1;
		}
		next(p);
		return p->rc;
	default:
		return fail(p, KC_EPARSE, p->at, _("expected a comparison operator"));
	}
}

/* propTest (AND propTest)* (OR ...)*: AND binds tighter, which does not
 * matter here, since every simple value is an indicator either way. */
static int comparison_expr(pattern_reader *p)
{
	for (;;) {
		if (prop_test(p))
			return p->rc;
		if (p->t != T_AND && p->t != T_OR)
			return 0;
		next(p);
	}
}

static int observation_exprs(pattern_reader *p);

/* [ comparison ] or ( observations ), then any qualifiers. */
static int observation_expr(pattern_reader *p)
{
	if (++p->depth > PATTERN_MAX_DEPTH)
		return fail(p, KC_ETOOBIG, p->at, _("nested too deeply"));
	if (p->t == T_LBRACK) {
		next(p);
		if (comparison_expr(p) || expect(p, T_RBRACK, _("expected ']'")))
			return p->rc;
	} else if (p->t == T_LPAREN) {
		next(p);
		if (observation_exprs(p) || expect(p, T_RPAREN, _("expected ')'")))
			return p->rc;
	} else {
		return fail(p, KC_EPARSE, p->at, _("expected '[' or '('"));
	}
	p->depth--;
	for (;;) {
		if (p->t == T_START) {
			next(p);
			if (p->t != T_STRING && p->t != T_TIME)
				return fail(p, KC_EPARSE, p->at, _("expected a timestamp"));
			next(p);
			if (expect(p, T_STOP, _("expected STOP")))
				return p->rc;
			if (p->t != T_STRING && p->t != T_TIME)
				return fail(p, KC_EPARSE, p->at, _("expected a timestamp"));
		} else if (p->t == T_WITHIN) {
			next(p);
			if (p->t != T_INT && p->t != T_FLOAT)
				return fail(p, KC_EPARSE, p->at, _("expected a number"));
			next(p);
			if (p->t != T_SECONDS)
				return fail(p, KC_EPARSE, p->at, _("expected SECONDS"));
		} else if (p->t == T_REPEATS) {
			next(p);
			if (p->t != T_INT)
				return fail(p, KC_EPARSE, p->at, _("expected a number"));
			next(p);
			if (p->t != T_TIMES)
				return fail(p, KC_EPARSE, p->at, _("expected TIMES"));
		} else {
			return p->rc;
		}
		p->complex = 1; /* a time window or a count is more than "this address" */
		next(p);
	}
}

static int observation_exprs(pattern_reader *p)
{
	for (;;) {
		if (observation_expr(p))
			return p->rc;
		if (p->t == T_FOLLOWEDBY)
			p->complex = 1;
		else if (p->t != T_AND && p->t != T_OR)
			return 0;
		next(p);
	}
}

void kc_stix_values_release(kc_stix_values *v)
{
	for (size_t i = 0; i < v->n; i++)
		free(v->v[i].value);
	free(v->v);
	memset(v, 0, sizeof(*v));
}

int kc_stix_pattern_parse(const char *pattern, kc_stix_values *out, kc_err *err)
{
	pattern_reader p = { .s = pattern, .err = err };

	next(&p);
	if (!p.rc && p.t == T_EOF)
		fail(&p, KC_EPARSE, p.at, _("the pattern is empty"));
	if (!p.rc && !observation_exprs(&p) && p.t != T_EOF)
		fail(&p, KC_EPARSE, p.at, _("unexpected text after the pattern"));
	if (!p.rc && !p.complex) {
		for (size_t i = 0; i < p.vals.n; i++) {
			if (out->n == out->cap) {
				size_t cap = out->cap ? out->cap * 2 : 8;
				kc_stix_value *nv = realloc(out->v, cap * sizeof(*nv));

				if (!nv) {
					p.rc = kc_err_set(err, KC_ENOMEM, "%s", kc_strerror(KC_ENOMEM));
					break;
				}
				out->v = nv;
				out->cap = cap;
			}
			out->v[out->n++] = p.vals.v[i];
			p.vals.v[i].value = NULL;
		}
	}
	kc_stix_values_release(&p.vals);
	return p.rc ? p.rc : p.complex ? KC_STIX_COMPLEX : KC_OK;
}

/* ---- bundles ---- */

/* The TLP marking definitions of STIX 2.1 (TLP 1.0) and of the TLP 2.0
 * extension (cti-stix-common-objects), and OpenCTI's AMBER+STRICT. */
static const struct {
	const char *id;
	kc_tlp tlp;
} tlp_markings[] = {
	{ "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9", KC_TLP_CLEAR },
	{ "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da", KC_TLP_GREEN },
	{ "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82", KC_TLP_AMBER },
	{ "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed", KC_TLP_RED },
	{ "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487", KC_TLP_CLEAR },
	{ "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb", KC_TLP_GREEN },
	{ "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421", KC_TLP_AMBER },
	{ "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003", KC_TLP_AMBER_STRICT },
	{ "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1", KC_TLP_RED },
	{ "marking-definition--826578e1-40ad-459f-bc73-ede076f81f37", KC_TLP_AMBER_STRICT },
};

/* indicator_types (labels in STIX 2.0) to RSIT with IntelMQ's names, the
 * first that an indicator carries in this order. "benign" is not a threat:
 * such indicators are skipped. */
static const struct {
	const char *itype, *taxonomy, *type;
} itypes[] = {
	{ "compromised", "intrusions", "system-compromise" },
	{ "malicious-activity", "malicious-code", "malware-distribution" },
	{ "anonymization", "other", "proxy" },
	{ "anomalous-activity", "other", "undetermined" },
	{ "attribution", "other", "other" },
};

typedef struct stix_ctx {
	kc_sink s;
	const kc_ingest_opts *o;
	json_t *byid;		/* id -> object, for object_refs and marking definitions */
	size_t n;		/* the object's number in the bundle, 1-based */
	const char *id;		/* its id, or "" */
} stix_ctx;

static const char *str(const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static int has_string(const json_t *arr, const char *s)
{
	size_t i;
	json_t *v;

	json_array_foreach(arr, i, v)
		if (json_is_string(v) && !strcmp(json_string_value(v), s))
			return 1;
	return 0;
}

static void quarantine(stix_ctx *c, const json_t *obj, const char *what)
{
	char why[KC_ERR_MSG_MAX];
	char *raw = obj ? json_dumps(obj, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;

	if (c->id[0])
		snprintf(why, sizeof(why), _("object %zu (%s): %s"), c->n, c->id, what);
	else
		snprintf(why, sizeof(why), _("object %zu: %s"), c->n, what);
	kc_sink_quarantine(&c->s, c->n, why, raw ? raw : "");
	free(raw);
}

/* The TLP a marking definition in the bundle states, or -1. */
static int bundle_tlp(const json_t *md)
{
	const json_t *ext, *e;
	const char *k, *v;
	kc_tlp t;

	if (!md || !json_is_object(md) || !str(md, "type") || strcmp(str(md, "type"), "marking-definition"))
		return -1;
	if ((v = str(md, "definition_type")) && !strcmp(v, "tlp") &&
	    !kc_tlp_parse(str(json_object_get(md, "definition"), "tlp"), &t))
		return (int)t;
	ext = json_object_get(md, "extensions");
	json_object_foreach((json_t *)ext, k, e)
		if (!kc_tlp_parse(str(e, "tlp_2_0"), &t))
			return (int)t;
	if ((v = str(md, "name")) && !strncmp(v, "TLP:", 4) && !kc_tlp_parse(v, &t))
		return (int)t;
	return -1;
}

/* The strictest TLP among obj's object_marking_refs, at least *tlp. */
static void marking_tlp(stix_ctx *c, const json_t *obj, int *tlp)
{
	const json_t *refs = json_object_get(obj, "object_marking_refs");
	size_t i;
	json_t *r;

	json_array_foreach(refs, i, r) {
		const char *id = json_string_value(r);
		int t = -1;

		if (!id)
			continue;
		for (size_t k = 0; k < KC_ARRAY_LEN(tlp_markings) && t < 0; k++)
			if (!strcmp(id, tlp_markings[k].id))
				t = (int)tlp_markings[k].tlp;
		if (t < 0)
			t = bundle_tlp(json_object_get(c->byid, id));
		if (t > *tlp)
			*tlp = t;
	}
}

/* One value: refanged, checked, emitted. Returns < 0 only for store errors. */
static int emit_value(stix_ctx *c, const json_t *obj, kc_value_kind kind, const char *value, kc_sink_event *ev,
		      kc_err *err)
{
	char why[KC_ERR_MSG_MAX];
	const char *bad;
	char *v = strdup(value);
	int rc;

	if (!v)
		return kc_err_set(err, KC_ENOMEM, "%s", kc_strerror(KC_ENOMEM));
	kc_refang(v);
	if ((bad = kc_value_check(kind, v))) {
		snprintf(why, sizeof(why), "%s: %s", bad, v);
		quarantine(c, obj, why);
		free(v);
		return 0;
	}
	ev->ip = ev->fqdn = ev->url = NULL;
	if (kind == KC_VALUE_DOMAIN)
		ev->fqdn = v;
	else if (kind == KC_VALUE_URL)
		ev->url = v;
	else
		ev->ip = v;
	rc = kc_sink_emit(&c->s, ev, c->n, v, err);
	free(v);
	return rc < 0 ? rc : 0;
}

static char *extra_json(json_t *extra)
{
	char *s = json_dumps(extra, JSON_COMPACT | JSON_SORT_KEYS);

	json_decref(extra);
	return s;
}

/* Where an event's time comes from: the first of keys that obj has; a key
 * present but not a time is a malformed object. */
static int object_time(stix_ctx *c, const json_t *obj, const char *k1, const char *k2, const char **when)
{
	const char *keys[] = { k1, k2 };
	char why[KC_ERR_MSG_MAX];
	time_t t;

	*when = NULL;
	for (size_t i = 0; i < KC_ARRAY_LEN(keys); i++) {
		const json_t *v = json_object_get(obj, keys[i]);

		if (!v)
			continue;
		if (!json_is_string(v) || kc_time_parse(json_string_value(v), &t)) {
			snprintf(why, sizeof(why), _("%s: not a time"), keys[i]);
			quarantine(c, obj, why);
			return 1;
		}
		*when = json_string_value(v);
		return 0;
	}
	return 0;
}

static int indicator(stix_ctx *c, const json_t *obj, kc_err *err)
{
	const char *ptype = str(obj, "pattern_type"), *pattern = str(obj, "pattern");
	const json_t *types = json_object_get(obj, "indicator_types"), *labels = json_object_get(obj, "labels");
	kc_sink_event ev = { .port = -1 };
	kc_stix_values vals = { 0 };
	char why[KC_ERR_MSG_MAX];
	int tlp = -1, rc = 0;
	char *extra_s;
	json_t *extra;
	kc_err perr;

	if (ptype && strcmp(ptype, "stix")) {
		c->s.rep->skipped++; /* sigma, snort, yara, ...: not ours to read */
		return 0;
	}
	if (json_is_true(json_object_get(obj, "revoked"))) {
		c->s.rep->skipped++;
		return 0;
	}
	if (!json_is_array(types))
		types = labels; /* STIX 2.0 */
	if (has_string(types, "benign")) {
		c->s.rep->skipped++;
		return 0;
	}
	if (!pattern) {
		quarantine(c, obj, _("an indicator without a pattern"));
		return 0;
	}
	if (object_time(c, obj, "valid_from", "created", &ev.time))
		return 0;
	rc = kc_stix_pattern_parse(pattern, &vals, &perr);
	if (rc == KC_STIX_COMPLEX) {
		c->s.rep->skipped++;
		return 0;
	}
	if (rc == KC_ENOMEM) {
		*err = perr;
		return rc;
	}
	if (rc) {
		snprintf(why, sizeof(why), _("pattern: %s"), perr.msg);
		quarantine(c, obj, why);
		return 0;
	}
	if (c->o->taxonomy && c->o->type && c->o->identifier) {
		ev.taxonomy = c->o->taxonomy;
		ev.type = c->o->type;
		ev.identifier = c->o->identifier;
	} else {
		ev.taxonomy = "other";
		ev.type = "other";
		ev.identifier = "stix-indicator";
		for (size_t k = 0; k < KC_ARRAY_LEN(itypes); k++)
			if (has_string(types, itypes[k].itype)) {
				ev.taxonomy = itypes[k].taxonomy;
				ev.type = itypes[k].type;
				ev.identifier = itypes[k].itype;
				break;
			}
	}
	marking_tlp(c, obj, &tlp);
	ev.tlp = tlp >= 0 ? kc_tlp_name((kc_tlp)tlp) : NULL;
	extra = json_object();
	json_object_set_new(extra, "stix.id", json_string(c->id));
	if (str(obj, "name"))
		json_object_set(extra, "stix.name", json_object_get(obj, "name"));
	if (json_is_array(labels))
		json_object_set(extra, "stix.labels", (json_t *)labels);
	extra_s = extra_json(extra);
	ev.extra = extra_s;
	for (size_t i = 0; i < vals.n && rc >= 0; i++)
		rc = emit_value(c, obj, vals.v[i].kind, vals.v[i].value, &ev, err);
	free(extra_s);
	kc_stix_values_release(&vals);
	return rc < 0 ? rc : 0;
}

static kc_value_kind sco_kind(const json_t *sco)
{
	static const char *const types[] = { "ipv4-addr", "ipv6-addr", "domain-name", "url" };
	static const kc_value_kind kinds[] = { KC_VALUE_IPV4, KC_VALUE_IPV6, KC_VALUE_DOMAIN, KC_VALUE_URL };
	const char *t = str(sco, "type");

	for (size_t k = 0; t && k < KC_ARRAY_LEN(types); k++)
		if (!strcmp(t, types[k]))
			return kinds[k];
	return 0;
}

static int observed_sco(stix_ctx *c, const json_t *obj, const json_t *sco, const char *sco_id,
			kc_sink_event *ev, int tlp, kc_err *err)
{
	kc_value_kind kind = sco_kind(sco);
	const char *value = str(sco, "value");
	char why[KC_ERR_MSG_MAX], *extra_s;
	json_t *extra;
	int rc;

	if (!kind) {
		c->s.rep->skipped++; /* a file, a process, network traffic: not an address */
		return 0;
	}
	if (!value) {
		snprintf(why, sizeof(why), _("%s without a value"), sco_id);
		quarantine(c, obj, why);
		return 0;
	}
	marking_tlp(c, sco, &tlp);
	ev->tlp = tlp >= 0 ? kc_tlp_name((kc_tlp)tlp) : NULL;
	extra = json_object();
	json_object_set_new(extra, "stix.id", json_string(c->id));
	json_object_set_new(extra, "stix.sco_id", json_string(sco_id));
	if (json_is_integer(json_object_get(obj, "number_observed")))
		json_object_set(extra, "stix.number_observed", json_object_get(obj, "number_observed"));
	extra_s = extra_json(extra);
	ev->extra = extra_s;
	rc = emit_value(c, obj, kind, value, ev, err);
	free(extra_s);
	return rc;
}

static int observed_data(stix_ctx *c, const json_t *obj, kc_err *err)
{
	const json_t *refs = json_object_get(obj, "object_refs"), *embedded = json_object_get(obj, "objects");
	kc_sink_event ev = { .port = -1, .taxonomy = "other", .type = "other",
			     .identifier = "stix-observed-data" };
	const json_t *v;
	int tlp = -1, rc = 0;
	const char *key;
	size_t i;

	if (!json_is_array(refs) && !json_is_object(embedded)) {
		quarantine(c, obj, _("observed-data without object_refs or objects"));
		return 0;
	}
	if (object_time(c, obj, "first_observed", "created", &ev.time))
		return 0;
	if (c->o->taxonomy && c->o->type && c->o->identifier) {
		ev.taxonomy = c->o->taxonomy;
		ev.type = c->o->type;
		ev.identifier = c->o->identifier;
	}
	marking_tlp(c, obj, &tlp);
	json_array_foreach(refs, i, v) {
		const json_t *sco = json_object_get(c->byid, json_is_string(v) ? json_string_value(v) : "");

		if (!sco) {
			c->s.rep->skipped++; /* a reference outside this bundle */
			continue;
		}
		if ((rc = observed_sco(c, obj, sco, json_string_value(v), &ev, tlp, err)) < 0)
			break;
	}
	json_object_foreach((json_t *)embedded, key, v) {
		if (rc < 0)
			break;
		if (!json_is_object(v)) {
			c->s.rep->skipped++;
			continue;
		}
		rc = observed_sco(c, obj, v, key, &ev, tlp, err);
	}
	return rc < 0 ? rc : 0;
}

int kc_ingest_stix(kc_store *st, const kc_registry *reg, const char *path, const kc_ingest_opts *o,
		   kc_ingest_report *rep, kc_err *err)
{
	stix_ctx c = { .o = o, .id = "" };
	json_t *root = NULL, *objects, *single = NULL, *obj;
	const char *type;
	size_t i, n;
	int rc;

	memset(rep, 0, sizeof(*rep));
	rc = kc_sink_open(&c.s, st, reg, path, o, "stix", rep, err);
	if (rc || rep->already)
		return rc;
	if ((rc = kc_ingest_json_load(path, &root, err)))
		goto out;
	type = str(root, "type");
	objects = json_object_get(root, "objects");
	if (type && !strcmp(type, "bundle") && json_is_array(objects)) {
		/* the usual case */
	} else if (type && strcmp(type, "bundle") && str(root, "id")) {
		single = json_array(); /* one object on its own: a bundle of one */
		json_array_append(single, root);
		objects = single;
	} else {
		rc = kc_err_set(err, KC_EPARSE, _("%s: not a STIX bundle (no \"type\": \"bundle\" with \"objects\")"),
				c.s.shown);
		goto out;
	}
	c.byid = json_object();
	json_array_foreach(objects, i, obj)
		if (str(obj, "id"))
			json_object_set(c.byid, str(obj, "id"), obj);
	n = json_array_size(objects);
	json_array_foreach(objects, i, obj) {
		c.n = i + 1;
		c.id = str(obj, "id") ? str(obj, "id") : "";
		if (o->progress && i % 256 == 0)
			o->progress(o->progress_arg, i, n, rep->lines);
		if (!json_is_object(obj)) {
			quarantine(&c, obj, _("not a JSON object"));
			continue;
		}
		if (!(type = str(obj, "type"))) {
			quarantine(&c, obj, _("no type"));
			continue;
		}
		if (!strcmp(type, "indicator"))
			rc = indicator(&c, obj, err);
		else if (!strcmp(type, "observed-data"))
			rc = observed_data(&c, obj, err);
		if (rc)
			break;
	}
	if (o->progress && !rc)
		o->progress(o->progress_arg, n, n, rep->lines);
out:
	json_decref(c.byid);
	json_decref(single);
	json_decref(root);
	return kc_sink_close(&c.s, rc, err);
}
