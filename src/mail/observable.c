/*
 * observable.c - observables in free text; see observable.h.
 *
 * One pass from left to right: at the start of each token (a run of letters,
 * digits, '.', '-' and '_', or a ':' for IPv6) the matchers are tried in turn
 * (URL, e-mail address, CVE id, IPv4, IPv6, hash, domain); the first that
 * matches consumes its text, else the whole token is skipped, so nothing is
 * ever found in the middle of a word or of a rejected file name. Order of
 * first appearance then comes for free, and a hash set keeps each value once.
 */
#include "mail/observable.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/domain.h"
#include "base/ip.h"
#include "base/refang.h"
#include "base/kc.h"

#define URL_MAX 4096

typedef struct scan {
	const char *t; /* the refanged text */
	size_t n;
	kc_observable *v;
	size_t count, cap, max;
	uint32_t *set; /* open addressing: index + 1 into v, 0 empty */
	size_t setcap;
	int oom;
} scan;

const char *kc_observable_kind_name(kc_obs_kind kind)
{
	static const char *const names[] = { "ip", "cidr", "domain", "url", "email", "md5", "sha1", "sha256", "cve" };

	return (unsigned)kind < KC_ARRAY_LEN(names) ? names[kind] : "?";
}

void kc_observables_free(kc_observable *obs, size_t n)
{
	for (size_t i = 0; obs && i < n; i++)
		free(obs[i].value);
	free(obs);
}

/* ---- characters ---- */

/* The length of the UTF-8 letter (or other word character) at p, 0 when p does not
 * start one: punctuation, symbols, spaces and invalid bytes are not letters. */
static size_t u8letter(const unsigned char *p, size_t left)
{
	uint32_t cp;
	size_t n;

	if (p[0] < 0xC3 || p[0] > 0xF4) /* below U+00C0: controls, NBSP, «, », ¿ ... */
		return 0;
	n = p[0] < 0xE0 ? 2 : p[0] < 0xF0 ? 3 : 4;
	if (left < n)
		return 0;
	cp = p[0] & (n == 2 ? 0x1F : n == 3 ? 0x0F : 0x07);
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3F);
	}
	if (cp < 0xC0 || cp == 0xD7 || cp == 0xF7 || (cp >= 0x2000 && cp <= 0x2BFF) || (cp >= 0x3000 && cp <= 0x303F) ||
	    (cp >= 0xD800 && cp <= 0xDFFF) || (cp >= 0xE000 && cp <= 0xF8FF) || (cp >= 0xFE00 && cp <= 0xFE6F) ||
	    (cp >= 0xFEFF && cp <= 0xFF20) || cp > 0x10FFFF)
		return 0;
	return n;
}

/* Length of the token character at i (letters, digits, '.', '-', '_'), or 0. */
static size_t token_char(const scan *s, size_t i)
{
	unsigned char c = (unsigned char)s->t[i];

	if (c < 0x80)
		return isalnum(c) || c == '.' || c == '-' || c == '_' ? 1 : 0;
	return u8letter((const unsigned char *)s->t + i, s->n - i);
}

/* Length of the domain character at i (letters, digits, '.', '-'), or 0. */
static size_t domain_char(const scan *s, size_t i)
{
	unsigned char c = (unsigned char)s->t[i];

	if (c < 0x80)
		return isalnum(c) || c == '.' || c == '-' ? 1 : 0;
	return u8letter((const unsigned char *)s->t + i, s->n - i);
}

static int alnum_at(const scan *s, size_t i)
{
	return i < s->n && (isalnum((unsigned char)s->t[i]) || u8letter((const unsigned char *)s->t + i, s->n - i));
}

/* ---- the result ---- */

static uint32_t hash(kc_obs_kind kind, const char *v)
{
	uint32_t h = 2166136261u ^ (uint32_t)kind;

	for (; *v; v++)
		h = (h ^ (unsigned char)*v) * 16777619u;
	return h;
}

static void add(scan *s, kc_obs_kind kind, const char *value, size_t len)
{
	uint32_t h, slot;
	char *copy;

	if (s->oom || s->count >= s->max)
		return;
	copy = malloc(len + 1);
	if (!copy) {
		s->oom = 1;
		return;
	}
	memcpy(copy, value, len);
	copy[len] = '\0';
	h = hash(kind, copy);
	for (slot = h & (uint32_t)(s->setcap - 1); s->set[slot]; slot = (slot + 1) & (uint32_t)(s->setcap - 1)) {
		const kc_observable *o = &s->v[s->set[slot] - 1];

		if (o->kind == kind && !strcmp(o->value, copy)) {
			free(copy);
			return;
		}
	}
	if (s->count == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		kc_observable *grown = realloc(s->v, cap * sizeof(*grown));

		if (!grown) {
			free(copy);
			s->oom = 1;
			return;
		}
		s->v = grown;
		s->cap = cap;
	}
	s->v[s->count].kind = kind;
	s->v[s->count].value = copy;
	s->set[slot] = (uint32_t)++s->count;
}

static void add_str(scan *s, kc_obs_kind kind, const char *value)
{
	add(s, kind, value, strlen(value));
}

/* ---- domains ---- */

/* File names look like domains ("rapport.pdf"); these endings are taken for
 * file types in free text. */
static int file_like(const char *d)
{
	static const char *const ext[] = {
		"pdf", "png",  "jpg",  "jpeg", "gif",  "bmp",  "tif",	"tiff", "svg",	"webp", "ico", "doc", "docx",
		"docm", "dot", "dotx", "xls",  "xlsx", "xlsm", "xlsb", "ppt",  "pptx", "pptm", "odt", "ods", "odp",
		"rtf", "txt",  "csv",  "tsv",  "log",  "json", "xml",	"yaml", "yml",	"ini",	"cfg", "conf", "exe",
		"dll", "sys",  "msi",  "bat",  "cmd",  "ps1",  "vbs",	"vbe",	"js",	"jse",	"wsf", "hta", "lnk",
		"scr", "jar",  "apk",  "dmg",  "iso",  "img",  "vhd",	"vhdx", "zip",	"rar",	"7z",  "gz",  "tgz",
		"tar", "bz2",  "xz",   "cab",  "eml",  "msg",  "htm",	"html", "mht",	"php",	"asp", "aspx", "jsp",
		"py",  "sh",   "md",   "tmp",  "bak",  "dat",  "bin",	"db",	"sqlite", "pem", "crt", "cer", "der",
		"key", "pfx",  "p12",  "ics",  "vcf",  "mp3",  "mp4",	"wav",	"avi",	"mov",	"mkv", "one",
	};
	/* Norwegian abbreviations that look like domains. */
	static const char *const abbrev[] = { "f.eks", "m.fl", "st.meld", "st.prp", "t.eks", "bl.annet" };
	const char *dot = strrchr(d, '.');

	for (size_t i = 0; dot && i < KC_ARRAY_LEN(ext); i++)
		if (!strcmp(dot + 1, ext[i]))
			return 1;
	for (size_t i = 0; i < KC_ARRAY_LEN(abbrev); i++)
		if (!strcmp(d, abbrev[i]))
			return 1;
	return 0;
}

/*
 * s[0..n) as a domain name: normalised into out, last label alphabetic and at
 * least two letters (or an IDN A-label). strict (free text, not a URL host or
 * an address's domain) also refuses file names and a capitalised last label
 * ("trafikk.Vi" is a sentence that lacks a space, not a domain).
 */
static int domain_ok(const char *s, size_t n, int strict, char out[KC_DOMAIN_MAX])
{
	const char *last = NULL;
	size_t ll;

	if (n == 0 || n > 253 || !memchr(s, '.', n))
		return 0;
	for (size_t i = n; i > 0; i--)
		if (s[i - 1] == '.') {
			last = s + i;
			break;
		}
	ll = (size_t)(s + n - last);
	if (ll < 2)
		return 0;
	if (strict && isupper((unsigned char)last[0]))
		for (size_t i = 1; i < ll; i++)
			if (islower((unsigned char)last[i]))
				return 0;
	if (kc_domain_normalise(s, n, out, NULL))
		return 0;
	last = strrchr(out, '.') + 1;
	if (strncmp(last, "xn--", 4)) {
		for (const char *p = last; *p; p++)
			if (!isalpha((unsigned char)*p))
				return 0;
		if (strlen(last) < 2)
			return 0;
	}
	return !(strict && file_like(out));
}

/* ---- matchers: each returns the end of what it consumed, or 0 ---- */

static size_t match_url(scan *s, size_t i)
{
	static const char *const schemes[] = { "https://", "http://", "ftp://" };
	const char *t = s->t;
	size_t e, sl = 0, auth, aend, hs, he, k;
	char dom[KC_DOMAIN_MAX], hostbuf[KC_IP_STRLEN + 2];
	const char *host;
	kc_ip ip;
	int depth_paren = 0, depth_brack = 0;
	kc_buf url;

	for (k = 0; k < KC_ARRAY_LEN(schemes); k++) {
		sl = strlen(schemes[k]);
		if (s->n - i >= sl && !strncasecmp(t + i, schemes[k], sl))
			break;
	}
	if (k == KC_ARRAY_LEN(schemes))
		return 0;
	for (e = i + sl; e < s->n;) {
		unsigned char c = (unsigned char)t[e];

		if (c >= 0x80) {
			size_t l = u8letter((const unsigned char *)t + e, s->n - e);

			if (!l)
				break;
			e += l;
			continue;
		}
		if (c <= ' ' || c == 0x7F || strchr("<>\"`{}|\\^'", c))
			break;
		depth_paren += c == '(' ? 1 : c == ')' ? -1 : 0;
		depth_brack += c == '[' ? 1 : c == ']' ? -1 : 0;
		e++;
	}
	/* Sentence punctuation and unbalanced closing brackets are not part of it. */
	while (e > i + sl) {
		char c = t[e - 1];

		if (strchr(".,;:!?*", c)) {
			e--;
		} else if (c == ')' && depth_paren < 0) {
			depth_paren++;
			e--;
		} else if (c == ']' && depth_brack < 0) {
			depth_brack++;
			e--;
		} else {
			break;
		}
	}
	/* Authority: [userinfo@]host[:port]. */
	auth = i + sl;
	for (aend = auth; aend < e && !strchr("/?#", t[aend]); aend++)
		;
	hs = auth;
	for (size_t q = aend; q > auth; q--)
		if (t[q - 1] == '@') {
			hs = q;
			break;
		}
	if (hs < aend && t[hs] == '[') {
		const char *rb = memchr(t + hs, ']', aend - hs);

		if (!rb)
			return 0;
		if (kc_ip_parse(t + hs + 1, (size_t)(rb - t) - hs - 1, &ip, NULL) || ip.family != 6)
			return 0;
		he = (size_t)(rb - t) + 1;
		hostbuf[0] = '[';
		kc_ip_format(&ip, hostbuf + 1);
		memcpy(hostbuf + strlen(hostbuf), "]", 2);
		host = hostbuf;
	} else {
		for (he = hs; he < aend && t[he] != ':'; he++)
			;
		if (!kc_ip_parse(t + hs, he - hs, &ip, NULL) && ip.family == 4) {
			host = kc_ip_format(&ip, hostbuf);
		} else if (domain_ok(t + hs, he - hs, 0, dom)) {
			host = dom;
		} else {
			return 0;
		}
	}
	if (he < aend && t[he] != ':')
		return 0;
	if (e - i <= URL_MAX) {
		kc_buf_init(&url, URL_MAX + KC_DOMAIN_MAX);
		for (size_t q = i; q < i + sl; q++)
			kc_buf_addc(&url, (char)tolower((unsigned char)t[q]));
		kc_buf_add(&url, t + auth, hs - auth);
		kc_buf_adds(&url, host);
		if (kc_buf_add(&url, t + he, e - he))
			s->oom = 1;
		else
			add(s, KC_OBS_URL, url.ptr, url.len);
		kc_buf_release(&url);
	}
	if (host == dom)
		add_str(s, KC_OBS_DOMAIN, dom);
	else if (host[0] == '[') {
		kc_ip_format(&ip, hostbuf);
		add_str(s, KC_OBS_IP, hostbuf);
	} else
		add_str(s, KC_OBS_IP, host);
	return e;
}

static size_t match_email(scan *s, size_t i)
{
	const char *t = s->t;
	size_t at = i, e, de;
	char dom[KC_DOMAIN_MAX], *v;

	while (at < s->n && (isalnum((unsigned char)t[at]) || strchr("._%+-", t[at]) != NULL) && t[at])
		at++;
	if (at == i || at >= s->n || t[at] != '@' || t[i] == '.' || t[at - 1] == '.' || at - i > 64)
		return 0;
	for (e = at + 1; e < s->n;) {
		size_t l = domain_char(s, e);

		if (!l)
			break;
		e += l;
	}
	de = e;
	while (de > at + 1 && (t[de - 1] == '.' || t[de - 1] == '-'))
		de--;
	if (!domain_ok(t + at + 1, de - at - 1, 0, dom))
		return 0;
	v = malloc((at - i) + 1 + strlen(dom) + 1);
	if (!v) {
		s->oom = 1;
		return de;
	}
	for (size_t k = i; k < at; k++)
		v[k - i] = (char)tolower((unsigned char)t[k]);
	v[at - i] = '@';
	memcpy(v + (at - i) + 1, dom, strlen(dom) + 1);
	add_str(s, KC_OBS_EMAIL, v);
	add_str(s, KC_OBS_DOMAIN, dom);
	free(v);
	return de;
}

static size_t match_cve(scan *s, size_t i)
{
	const char *t = s->t;
	size_t e = i + 9, d;
	char v[32];

	if (s->n - i < 13 || strncasecmp(t + i, "cve-", 4) || t[i + 8] != '-')
		return 0;
	for (size_t k = i + 4; k < i + 8; k++)
		if (!isdigit((unsigned char)t[k]))
			return 0;
	while (e < s->n && isdigit((unsigned char)t[e]))
		e++;
	d = e - (i + 9);
	if (d < 4 || d > 9 || alnum_at(s, e))
		return 0;
	for (size_t k = i; k < e; k++)
		v[k - i] = (char)toupper((unsigned char)t[k]);
	add(s, KC_OBS_CVE, v, e - i);
	return e;
}

/* An address at i..e, and a prefix length after it when one follows. */
static size_t address_or_prefix(scan *s, size_t i, size_t e, const kc_ip *ip)
{
	char out[KC_CIDR_STRLEN];
	const char *t = s->t;

	if (e + 1 < s->n && t[e] == '/' && isdigit((unsigned char)t[e + 1])) {
		size_t pe = e + 1;
		kc_cidr net;

		while (pe < s->n && isdigit((unsigned char)t[pe]) && pe - e <= 3)
			pe++;
		if (!alnum_at(s, pe) && !kc_cidr_parse(t + i, pe - i, &net, 0, NULL)) {
			add_str(s, KC_OBS_CIDR, kc_cidr_format(&net, out));
			return pe;
		}
	}
	add_str(s, KC_OBS_IP, kc_ip_format(ip, out));
	return e;
}

static size_t match_ipv4(scan *s, size_t i)
{
	const char *t = s->t;
	size_t e = i;
	kc_ip ip;

	for (int part = 0; part < 4; part++) {
		size_t d = e;

		while (e < s->n && isdigit((unsigned char)t[e]) && e - d < 4)
			e++;
		if (e == d || e - d > 3)
			return 0;
		if (part < 3) {
			if (e >= s->n || t[e] != '.')
				return 0;
			e++;
		}
	}
	if (alnum_at(s, e) || (e + 1 < s->n && t[e] == '.' && isdigit((unsigned char)t[e + 1])))
		return 0;
	if (kc_ip_parse(t + i, e - i, &ip, NULL))
		return 0;
	return address_or_prefix(s, i, e, &ip);
}

static size_t match_ipv6(scan *s, size_t i)
{
	const char *t = s->t;
	size_t e = i, colons = 0, hex = 0;
	kc_ip ip;

	while (e < s->n && (isxdigit((unsigned char)t[e]) || t[e] == ':' || t[e] == '.')) {
		colons += t[e] == ':';
		hex += t[e] != ':' && t[e] != '.';
		e++;
	}
	if (colons < 2 || !hex || e - i > 45)
		return 0;
	while (e > i && t[e - 1] == '.')
		e--;
	if (e - i >= 2 && t[e - 1] == ':' && t[e - 2] != ':')
		e--;
	if (alnum_at(s, e) || kc_ip_parse(t + i, e - i, &ip, NULL) || ip.family != 6)
		return 0;
	return address_or_prefix(s, i, e, &ip);
}

static size_t match_hash(scan *s, size_t i)
{
	const char *t = s->t;
	size_t e = i, len;
	int digit = 0, letter = 0;
	char v[65];

	while (e < s->n && isxdigit((unsigned char)t[e]) && e - i <= 64) {
		if (isdigit((unsigned char)t[e]))
			digit = 1;
		else
			letter = 1;
		e++;
	}
	len = e - i;
	if ((len != 32 && len != 40 && len != 64) || !digit || !letter || alnum_at(s, e) || (e < s->n && t[e] == '_'))
		return 0;
	for (size_t k = 0; k < len; k++)
		v[k] = (char)tolower((unsigned char)t[i + k]);
	add(s, len == 32 ? KC_OBS_MD5 : len == 40 ? KC_OBS_SHA1 : KC_OBS_SHA256, v, len);
	return e;
}

static size_t match_domain(scan *s, size_t i)
{
	const char *t = s->t;
	size_t e = i, de;
	char dom[KC_DOMAIN_MAX];

	if (!alnum_at(s, i))
		return 0;
	while (e < s->n) {
		size_t l = domain_char(s, e);

		if (!l)
			break;
		e += l;
	}
	if (e < s->n && (t[e] == '@' || t[e] == '_' || (s->n - e >= 3 && !memcmp(t + e, "://", 3))))
		return 0;
	de = e;
	while (de > i && (t[de - 1] == '.' || t[de - 1] == '-'))
		de--;
	if (!domain_ok(t + i, de - i, 1, dom))
		return 0;
	add_str(s, KC_OBS_DOMAIN, dom);
	return de;
}

static size_t match(scan *s, size_t i)
{
	size_t (*const matchers[])(scan *, size_t) = { match_url,  match_email, match_cve,	match_ipv4,
						       match_ipv6, match_hash,	match_domain };

	for (size_t k = 0; k < KC_ARRAY_LEN(matchers); k++) {
		size_t e = matchers[k](s, i);

		if (e)
			return e;
	}
	return 0;
}

int kc_observables_extract(const char *text, size_t len, size_t max, kc_observable **out, size_t *n, kc_err *err)
{
	scan s;
	char *buf;
	size_t i = 0;

	*out = NULL;
	*n = 0;
	memset(&s, 0, sizeof(s));
	s.max = max ? max : KC_OBSERVABLES_MAX;
	if (s.max > 1000000)
		s.max = 1000000;
	for (s.setcap = 64; s.setcap < s.max * 2; s.setcap *= 2)
		;
	buf = malloc(len + 1);
	s.set = calloc(s.setcap, sizeof(*s.set));
	if (!buf || !s.set) {
		free(buf);
		free(s.set);
		return kc_err_set(err, KC_ENOMEM, "%s", kc_strerror(KC_ENOMEM));
	}
	for (size_t k = 0; k < len; k++)
		buf[k] = text[k] ? text[k] : ' ';
	buf[len] = '\0';
	kc_refang(buf);
	s.t = buf;
	s.n = strlen(buf);
	while (i < s.n && !s.oom && s.count < s.max) {
		unsigned char c = (unsigned char)s.t[i];
		size_t l, e;

		if (c == '.' || c == '-') {
			i++; /* punctuation before a word */
			continue;
		}
		if (c == '_') {
			while (i < s.n && (l = token_char(&s, i)) != 0)
				i += l; /* "_dmarc.example.com" is no host name */
			continue;
		}
		l = token_char(&s, i);
		if (!l && !(c == ':' && (i == 0 || !alnum_at(&s, i - 1)))) {
			i++;
			continue;
		}
		e = match(&s, i);
		if (e > i) {
			i = e;
			continue;
		}
		if (!l) {
			i++;
			continue;
		}
		/* What looked like an IPv6 address and is not ("a::b::c", a MAC
		 * address) is skipped whole, or its tail would be tried again. */
		if (isxdigit(c)) {
			size_t e6 = i, colons = 0;

			while (e6 < s.n && (isxdigit((unsigned char)s.t[e6]) || s.t[e6] == ':' || s.t[e6] == '.'))
				colons += s.t[e6++] == ':';
			if (colons >= 2) {
				i = e6;
				continue;
			}
		}
		while (i < s.n && (l = token_char(&s, i)) != 0)
			i += l;
	}
	free(buf);
	free(s.set);
	if (s.oom) {
		kc_observables_free(s.v, s.count);
		return kc_err_set(err, KC_ENOMEM, "%s", kc_strerror(KC_ENOMEM));
	}
	*out = s.v;
	*n = s.count;
	return KC_OK;
}
