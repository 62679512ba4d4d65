/*
 * httphdr.c - HTTP response headers, security header values and product
 * fingerprints, parsed from bytes a scanned server chose (see httphdr.h).
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "scan/httphdr.h"
#include "base/kc.h"

static int
is_tchar(unsigned char c)
{
	return isalnum(c) || (c && strchr("!#$%&'*+-.^_`|~", c));
}

static kc_slice
trim(const char *p, size_t n)
{
	while (n && (*p == ' ' || *p == '\t'))
		p++, n--;
	while (n && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r'))
		n--;
	return kc_slice_of(p, n);
}

static int
slice_ieq(kc_slice s, const char *lit)
{
	size_t n = strlen(lit);

	return s.len == n && strncasecmp(s.ptr, lit, n) == 0;
}

int
kc_http_headers_parse(const char *p, size_t len, struct kc_http_headers *out, kc_err *err)
{
	size_t off = 0;
	int seen_status = 0;

	memset(out, 0, sizeof(*out));
	while (off < len) {
		const char *line = p + off;
		const char *nl = memchr(line, '\n', len - off);
		size_t n = nl ? (size_t)(nl - line) : len - off;

		off += n + (nl != NULL);
		if (n && line[n - 1] == '\r')
			n--;
		if (n == 0)
			continue;
		if (n >= 5 && memcmp(line, "HTTP/", 5) == 0) {
			const char *sp = memchr(line, ' ', n);
			int code = 0;

			/* A new response: forget the previous one's headers. */
			out->n = 0;
			out->truncated = 0;
			seen_status = 1;
			if (sp && (size_t)(sp - line) + 4 <= n && isdigit((unsigned char)sp[1]) &&
			    isdigit((unsigned char)sp[2]) && isdigit((unsigned char)sp[3]))
				code = (sp[1] - '0') * 100 + (sp[2] - '0') * 10 + (sp[3] - '0');
			out->status = code;
			continue;
		}
		if (line[0] == ' ' || line[0] == '\t') {
			/* obs-fold continuation: not supported, ignored. */
			out->malformed++;
			continue;
		}
		{
			const char *colon = memchr(line, ':', n);
			size_t nl2;
			int ok = colon != NULL && colon != line;

			nl2 = ok ? (size_t)(colon - line) : 0;
			for (size_t i = 0; ok && i < nl2; i++)
				ok = is_tchar((unsigned char)line[i]);
			if (!ok) {
				out->malformed++;
				continue;
			}
			if (out->n >= KC_HTTP_HDR_MAX) {
				out->truncated = 1;
				continue;
			}
			out->h[out->n].name = kc_slice_of(line, nl2);
			out->h[out->n].value = trim(colon + 1, n - nl2 - 1);
			out->n++;
		}
	}
	if (!seen_status)
		return kc_err_set(err, KC_EPARSE, _("no HTTP status line in the response headers"));
	return 0;
}

const kc_slice *
kc_http_header_get(const struct kc_http_headers *h, const char *name)
{
	for (size_t i = 0; i < h->n; i++)
		if (slice_ieq(h->h[i].name, name))
			return &h->h[i].value;
	return NULL;
}

size_t
kc_http_header_count(const struct kc_http_headers *h, const char *name)
{
	size_t c = 0;

	for (size_t i = 0; i < h->n; i++)
		c += slice_ieq(h->h[i].name, name);
	return c;
}

/* Split v at sep into trimmed items; calls fn for each until it returns non-zero. */
static int
each_item(kc_slice v, char sep, int (*fn)(kc_slice item, void *arg), void *arg)
{
	size_t start = 0;

	for (size_t i = 0; i <= v.len; i++) {
		if (i == v.len || v.ptr[i] == sep) {
			kc_slice it = trim(v.ptr + start, i - start);
			int r;

			if (it.len && (r = fn(it, arg)) != 0)
				return r;
			start = i + 1;
		}
	}
	return 0;
}

struct hsts {
	long max_age;
	int n_max_age;
	int include_sub;
	int bad;
};

static int
hsts_item(kc_slice it, void *arg)
{
	struct hsts *h = arg;
	const char *eq = memchr(it.ptr, '=', it.len);
	kc_slice name = trim(it.ptr, eq ? (size_t)(eq - it.ptr) : it.len);

	if (slice_ieq(name, "includeSubDomains")) {
		h->include_sub = 1;
	} else if (slice_ieq(name, "max-age")) {
		kc_slice val;
		long n = 0;

		h->n_max_age++;
		if (!eq) {
			h->bad = 1;
			return 0;
		}
		val = trim(eq + 1, it.len - (size_t)(eq + 1 - it.ptr));
		if (val.len >= 2 && val.ptr[0] == '"' && val.ptr[val.len - 1] == '"')
			val = kc_slice_of(val.ptr + 1, val.len - 2);
		if (val.len == 0)
			h->bad = 1;
		for (size_t i = 0; i < val.len; i++) {
			if (!isdigit((unsigned char)val.ptr[i])) {
				h->bad = 1;
				break;
			}
			if (n < 2147483647L / 10)
				n = n * 10 + (val.ptr[i] - '0');
			else
				n = 2147483647L;
		}
		h->max_age = n;
	}
	return 0;
}

int
kc_hsts_parse(kc_slice v, long *max_age, int *include_subdomains)
{
	struct hsts h = { 0 };

	each_item(v, ';', hsts_item, &h);
	*max_age = h.max_age;
	if (include_subdomains)
		*include_subdomains = h.include_sub;
	if (h.n_max_age != 1 || h.bad)
		return KC_EPARSE;
	return 0;
}

struct csp_find {
	const char *dir;
};

static int
csp_item(kc_slice it, void *arg)
{
	struct csp_find *c = arg;
	size_t n = 0;

	while (n < it.len && it.ptr[n] != ' ' && it.ptr[n] != '\t')
		n++;
	return slice_ieq(kc_slice_of(it.ptr, n), c->dir) ? 1 : 0;
}

int
kc_csp_has_directive(kc_slice v, const char *directive)
{
	struct csp_find c = { directive };

	/* Several policies may be joined with ","; each is ";"-separated. */
	for (size_t start = 0, i = 0; i <= v.len; i++) {
		if (i == v.len || v.ptr[i] == ',') {
			if (each_item(kc_slice_of(v.ptr + start, i - start), ';', csp_item, &c))
				return 1;
			start = i + 1;
		}
	}
	return 0;
}

int
kc_xfo_valid(kc_slice v)
{
	kc_slice t = trim(v.ptr, v.len);

	return slice_ieq(t, "DENY") || slice_ieq(t, "SAMEORIGIN");
}

int
kc_xcto_nosniff(kc_slice v)
{
	kc_slice t = trim(v.ptr, v.len);

	return slice_ieq(t, "nosniff");
}

static const char *const referrer_policies[] = {
	"no-referrer", "no-referrer-when-downgrade", "same-origin", "origin",
	"strict-origin", "origin-when-cross-origin", "strict-origin-when-cross-origin", "unsafe-url",
};

struct refpol {
	const char *last;
};

static int
ref_item(kc_slice it, void *arg)
{
	struct refpol *r = arg;

	for (size_t i = 0; i < KC_ARRAY_LEN(referrer_policies); i++)
		if (slice_ieq(it, referrer_policies[i]))
			r->last = referrer_policies[i];
	return 0;
}

const char *
kc_referrer_policy(kc_slice v, int *weak)
{
	struct refpol r = { NULL };

	each_item(v, ',', ref_item, &r);
	*weak = r.last && (!strcmp(r.last, "unsafe-url") || !strcmp(r.last, "no-referrer-when-downgrade"));
	return r.last;
}

/* Copy a version made of [0-9A-Za-z._-] from p (at most n bytes); returns its length. */
static size_t
take_version(const char *p, size_t n, char out[64])
{
	size_t k = 0;

	while (k < n && k < 63 &&
		(isalnum((unsigned char)p[k]) || p[k] == '.' || p[k] == '_' || p[k] == '-'))
		k++;
	/* A version starts with a digit. */
	if (k == 0 || !isdigit((unsigned char)p[0]))
		k = 0;
	memcpy(out, p, k);
	out[k] = '\0';
	return k;
}

/* x.y.z or longer: the patch level is visible. */
static int
has_patch_level(const char *v)
{
	int dots = 0;

	for (; *v; v++)
		dots += *v == '.';
	return dots >= 2;
}

static void
set_product(struct kc_http_product *p, const char *name, const char *where, const char *cpe_pfx,
	const char *version)
{
	p->name = name;
	p->where = where;
	snprintf(p->version, sizeof(p->version), "%s", version ? version : "");
	snprintf(p->cpe, sizeof(p->cpe), "cpe:2.3:%s:%s:*:*:*:*:*:*:*", cpe_pfx,
		p->version[0] ? p->version : "*");
	p->confidence = p->version[0] && has_patch_level(p->version) ? 80 : 30;
}

/* Find needle (NUL-terminated) in p[0..n), case-insensitively; offset or -1. */
static long
find_ci(const char *p, size_t n, const char *needle)
{
	size_t m = strlen(needle);

	if (m == 0 || m > n)
		return -1;
	for (size_t i = 0; i + m <= n; i++)
		if (strncasecmp(p + i, needle, m) == 0)
			return (long)i;
	return -1;
}

/* Products announced in a "Server"-style value: "Apache/2.4.57 (Debian)". */
static const struct {
	const char *token;
	const char *name;
	const char *cpe;
} server_products[] = {
	{ "Apache", "Apache HTTP Server", "a:apache:http_server" },
	{ "nginx", "nginx", "a:f5:nginx" },
	{ "Microsoft-IIS", "Microsoft IIS", "a:microsoft:internet_information_services" },
	{ "PHP", "PHP", "a:php:php" },
	{ "OpenSSL", "OpenSSL", "a:openssl:openssl" },
	{ "lighttpd", "lighttpd", "a:lighttpd:lighttpd" },
	{ "Microsoft-HTTPAPI", "Microsoft HTTP API", "o:microsoft:windows" },
};

static size_t
from_product_list(kc_slice v, const char *where, struct kc_http_product *out, size_t k, size_t max)
{
	for (size_t i = 0; i < KC_ARRAY_LEN(server_products) && k < max; i++) {
		size_t tl = strlen(server_products[i].token);
		char ver[64] = "";

		for (size_t j = 0; j + tl <= v.len; j++) {
			/* The token must start a word and end at "/" or the word's end. */
			if (j > 0 && (isalnum((unsigned char)v.ptr[j - 1]) || v.ptr[j - 1] == '-'))
				continue;
			if (strncasecmp(v.ptr + j, server_products[i].token, tl) != 0)
				continue;
			if (j + tl < v.len && v.ptr[j + tl] == '/')
				take_version(v.ptr + j + tl + 1, v.len - j - tl - 1, ver);
			else if (j + tl < v.len && (isalnum((unsigned char)v.ptr[j + tl]) || v.ptr[j + tl] == '-'))
				continue;
			set_product(&out[k++], server_products[i].name, where, server_products[i].cpe, ver);
			break;
		}
	}
	return k;
}

size_t
kc_http_fingerprint(const struct kc_http_headers *h, const char *body, size_t body_len,
	struct kc_http_product *out, size_t max)
{
	const kc_slice *v;
	size_t k = 0;
	long at;

	if (max == 0)
		return 0;
	if ((v = kc_http_header_get(h, "Server")) != NULL)
		k = from_product_list(*v, "Server", out, k, max);
	if ((v = kc_http_header_get(h, "X-Powered-By")) != NULL)
		k = from_product_list(*v, "X-Powered-By", out, k, max);
	if ((v = kc_http_header_get(h, "X-AspNet-Version")) != NULL && k < max) {
		char ver[64];

		take_version(v->ptr, v->len, ver);
		set_product(&out[k], "Microsoft ASP.NET", "X-AspNet-Version", "a:microsoft:asp.net", ver);
		/* The CLR version says nothing of the patch level. */
		out[k++].confidence = 30;
	}
	if (k < max) {
		char ver[64] = "";
		const char *where = NULL;

		if ((v = kc_http_header_get(h, "X-OWA-Version")) != NULL) {
			take_version(v->ptr, v->len, ver);
			where = "X-OWA-Version";
		} else if (body && (at = find_ci(body, body_len, "/owa/auth/")) >= 0) {
			size_t o = (size_t)at + 10;

			take_version(body + o, body_len - o, ver);
			where = "body";
		}
		if (where)
			set_product(&out[k++], "Microsoft Exchange Server", where, "a:microsoft:exchange_server", ver);
	}
	if (k < max && body &&
	    (find_ci(body, body_len, "/remote/login") >= 0 || find_ci(body, body_len, "fortinet") >= 0 ||
		    ((v = kc_http_header_get(h, "Set-Cookie")) && find_ci(v->ptr, v->len, "SVPNCOOKIE") >= 0)))
		set_product(&out[k++], "Fortinet FortiOS", "body", "o:fortinet:fortios", NULL);
	if (k < max && ((body && (find_ci(body, body_len, "/vpn/index.html") >= 0 ||
				     find_ci(body, body_len, "Citrix Gateway") >= 0 ||
				     find_ci(body, body_len, "NetScaler") >= 0)) ||
			   ((v = kc_http_header_get(h, "Set-Cookie")) && find_ci(v->ptr, v->len, "NSC_") >= 0)))
		set_product(&out[k++], "Citrix NetScaler Gateway", "body", "a:citrix:netscaler_gateway", NULL);
	if (k < max && body && (find_ci(body, body_len, "/dana-na/") >= 0 ||
				       find_ci(body, body_len, "Ivanti Connect Secure") >= 0))
		set_product(&out[k++], "Ivanti Connect Secure", "body", "a:ivanti:connect_secure", NULL);
	return k;
}
