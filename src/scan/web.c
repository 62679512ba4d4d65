/*
 * web.c - HTTP(S) checks over libcurl's multi interface (see web.h).
 *
 * Every endpoint gets a GET of "/"; the first HTTPS endpoint of a host (or
 * its first plain one) also gets /.well-known/security.txt and
 * /owa/auth/logon.aspx. The requests wait in one queue and start as soon as
 * their address's rate allows (opts->per_ip_rate), up to opts->max_inflight
 * at once. When all have finished, each host's endpoints are judged together.
 *
 * Severity rules (docs/kcert-scan-checks-web.md has the table):
 *   http.redirect    plain HTTP that does not redirect to HTTPS, or a site
 *                    with no HTTPS at all: medium.
 *   http.hsts        (only when the host also answers plain HTTP) missing:
 *                    medium; max-age below one year or malformed: low.
 *   http.csp         no Content-Security-Policy: low.
 *   http.xfo         neither X-Frame-Options (DENY/SAMEORIGIN) nor CSP
 *                    frame-ancestors: low.
 *   http.xcto        X-Content-Type-Options is not nosniff: low.
 *   http.referrer    no Referrer-Policy: info; unsafe-url or
 *                    no-referrer-when-downgrade: low.
 *   http.securitytxt missing, not text/plain, too large, or invalid (no
 *                    Contact, no or several Expires, expired): low.
 *   product.http     each product seen: info, with its CPE and confidence.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>
#include <jansson.h>

#include "scan/httphdr.h"
#include "scan/securitytxt.h"
#include "scan/web.h"
#include "base/kc.h"

enum kind { PAGE, SECTXT, OWA };

struct req {
	size_t t;	 /* index of the endpoint */
	enum kind kind;
	const char *path;
	CURL *h;
	struct curl_slist *resolve;
	kc_buf hdr, body;
	int hdr_overflow, body_truncated;
	int started, done, ok;
	long status;
	char error[CURL_ERROR_SIZE];
};

struct ipslot {
	char ip[48];
	double next; /* earliest start of the next request, seconds */
};

struct run {
	const struct kc_scan_opts *opts;
	const struct kc_web_target *t;
	size_t n;
	const struct kc_scan_sink *sink;
	struct req *r;
	size_t nr;
	struct ipslot *ips;
	size_t nips;
};

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static size_t
on_header(char *p, size_t size, size_t nmemb, void *arg)
{
	struct req *q = arg;
	size_t n = size * nmemb;

	if (kc_buf_add(&q->hdr, p, n) != 0) {
		q->hdr_overflow = 1;
		return 0;
	}
	return n;
}

static size_t
on_body(char *p, size_t size, size_t nmemb, void *arg)
{
	struct req *q = arg;
	size_t n = size * nmemb, room = q->body.max - q->body.len;

	if (n > room) {
		kc_buf_add(&q->body, p, room);
		q->body_truncated = 1;
		return 0; /* enough: abort the transfer */
	}
	kc_buf_add(&q->body, p, n);
	return n;
}

static struct ipslot *
slot(struct run *r, const char *ip)
{
	for (size_t i = 0; i < r->nips; i++)
		if (!strcmp(r->ips[i].ip, ip))
			return &r->ips[i];
	return NULL;
}

static int
start(struct run *r, CURLM *m, struct req *q)
{
	const struct kc_web_target *t = &r->t[q->t];
	char url[600], res[400];
	const char *name = t->host[0] ? t->host : t->ip;
	int v6 = strchr(t->ip, ':') != NULL;
	long tmo = r->opts->timeout_ms > 0 ? r->opts->timeout_ms : 5000;

	q->h = curl_easy_init();
	if (q->h == NULL)
		return KC_ENOMEM;
	if (t->host[0]) {
		snprintf(url, sizeof(url), "%s://%s:%d%s", t->tls ? "https" : "http", name, t->port, q->path);
		snprintf(res, sizeof(res), v6 ? "%s:%d:[%s]" : "%s:%d:%s", t->host, t->port, t->ip);
		q->resolve = curl_slist_append(NULL, res);
		curl_easy_setopt(q->h, CURLOPT_RESOLVE, q->resolve);
	} else {
		snprintf(url, sizeof(url), v6 ? "%s://[%s]:%d%s" : "%s://%s:%d%s", t->tls ? "https" : "http",
			t->ip, t->port, q->path);
	}
	curl_easy_setopt(q->h, CURLOPT_URL, url);
	curl_easy_setopt(q->h, CURLOPT_PRIVATE, q);
	curl_easy_setopt(q->h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(q->h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(q->h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(q->h, CURLOPT_PROXY, "");
	curl_easy_setopt(q->h, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(q->h, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
	/* The TLS verdicts are the TLS checks' job: look at the headers whatever the certificate. */
	curl_easy_setopt(q->h, CURLOPT_SSL_VERIFYPEER, 0L);
	curl_easy_setopt(q->h, CURLOPT_SSL_VERIFYHOST, 0L);
	curl_easy_setopt(q->h, CURLOPT_USERAGENT, r->opts->user_agent ? r->opts->user_agent : "kcert-scanner");
	curl_easy_setopt(q->h, CURLOPT_CONNECTTIMEOUT_MS, tmo);
	curl_easy_setopt(q->h, CURLOPT_TIMEOUT_MS, 2 * tmo);
	curl_easy_setopt(q->h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(q->h, CURLOPT_HEADERDATA, q);
	curl_easy_setopt(q->h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(q->h, CURLOPT_WRITEDATA, q);
	curl_easy_setopt(q->h, CURLOPT_ERRORBUFFER, q->error);
	if (curl_multi_add_handle(m, q->h) != CURLM_OK)
		return KC_EIO;
	q->started = 1;
	return 0;
}

static void
finish(struct req *q, CURLcode res)
{
	q->done = 1;
	curl_easy_getinfo(q->h, CURLINFO_RESPONSE_CODE, &q->status);
	/* A body cut at max_read is still an answer; headers too big are not. */
	q->ok = q->status > 0 && !q->hdr_overflow &&
		(res == CURLE_OK || (res == CURLE_WRITE_ERROR && q->body_truncated));
}

/* Run every request to completion (or its timeout). */
static int
run_all(struct run *r, kc_err *err)
{
	CURLM *m = curl_multi_init();
	double interval = r->opts->per_ip_rate > 0 ? 1.0 / r->opts->per_ip_rate : 0;
	int maxin = r->opts->max_inflight > 0 ? r->opts->max_inflight : 256;
	size_t done = 0;
	int running = 0, inflight = 0, rc = 0;

	if (m == NULL)
		return kc_err_set(err, KC_ENOMEM, _("cannot start the HTTP client"));
	while (done < r->nr) {
		double now = now_s(), wake = now + 0.2;
		CURLMsg *msg;
		int left;

		for (size_t i = 0; i < r->nr && inflight < maxin; i++) {
			struct req *q = &r->r[i];
			struct ipslot *s;

			if (q->started)
				continue;
			s = slot(r, r->t[q->t].ip);
			if (s->next > now) {
				if (s->next < wake)
					wake = s->next;
				continue;
			}
			s->next = now + interval;
			if ((rc = start(r, m, q)) != 0) {
				rc = kc_err_set(err, rc, _("cannot start an HTTP request"));
				goto out;
			}
			inflight++;
		}
		curl_multi_perform(m, &running);
		while ((msg = curl_multi_info_read(m, &left)) != NULL) {
			struct req *q = NULL;

			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&q);
			finish(q, msg->data.result);
			curl_multi_remove_handle(m, q->h);
			inflight--;
			done++;
			if (r->sink->progress)
				r->sink->progress(r->sink->arg, "http", done, r->nr);
		}
		if (done < r->nr) {
			int ms = (int)((wake - now_s()) * 1000);

			curl_multi_poll(m, NULL, 0, ms < 1 ? 1 : ms > 200 ? 200 : ms, NULL);
		}
	}
out:
	curl_multi_cleanup(m);
	return rc;
}

static void
report(struct run *r, const struct kc_web_target *t, const char *check, enum kc_sev sev,
	int confidence, const char *title, json_t *ev, const char *cpe)
{
	struct kc_finding f = { 0 };
	char *evs = json_dumps(ev, JSON_COMPACT | JSON_SORT_KEYS);

	f.org_id = t->org_id;
	f.check = check;
	f.target = t->ip;
	f.host = t->host[0] ? t->host : NULL;
	f.port = t->port;
	f.severity = sev;
	f.confidence = confidence;
	f.title = title;
	f.evidence = evs ? evs : "{}";
	f.cpe = cpe;
	if (r->sink->finding)
		r->sink->finding(r->sink->arg, &f);
	free(evs);
}

static json_t *
sl(const kc_slice *s)
{
	if (s == NULL)
		return json_null();
	return json_stringn_nocheck(s->ptr, s->len > 512 ? 512 : s->len);
}

static int
same_host(const struct kc_web_target *a, const struct kc_web_target *b)
{
	return a->org_id == b->org_id && !strcmp(a->ip, b->ip) && !strcmp(a->host, b->host);
}

static struct req *
find_req(struct run *r, size_t t, enum kind k)
{
	for (size_t i = 0; i < r->nr; i++)
		if (r->r[i].t == t && r->r[i].kind == k)
			return &r->r[i];
	return NULL;
}

static int
redirects_to_https(const struct kc_http_headers *h)
{
	const kc_slice *loc = kc_http_header_get(h, "Location");

	return h->status >= 300 && h->status < 400 && loc && loc->len >= 8 &&
		strncasecmp(loc->ptr, "https://", 8) == 0;
}

static void
judge_headers(struct run *r, const struct kc_web_target *t, const struct kc_http_headers *h,
	int has_plain, const char *url)
{
	const kc_slice *hsts = kc_http_header_get(h, "Strict-Transport-Security");
	const kc_slice *csp = kc_http_header_get(h, "Content-Security-Policy");
	const kc_slice *xfo = kc_http_header_get(h, "X-Frame-Options");
	const kc_slice *xcto = kc_http_header_get(h, "X-Content-Type-Options");
	const kc_slice *rp = kc_http_header_get(h, "Referrer-Policy");
	json_t *ev;

	if (t->tls && has_plain) {
		long age = 0;
		int sub = 0, bad = hsts ? kc_hsts_parse(*hsts, &age, &sub) : 0;

		ev = json_pack("{s:s,s:o,s:I}", "url", url, "strict-transport-security", sl(hsts),
			"max_age", (json_int_t)age);
		if (!hsts)
			report(r, t, "http.hsts", KC_SEV_MEDIUM, 100, N_("No HSTS header"), ev, NULL);
		else if (bad)
			report(r, t, "http.hsts", KC_SEV_LOW, 100, N_("HSTS header is malformed"), ev, NULL);
		else if (age < 31536000)
			report(r, t, "http.hsts", KC_SEV_LOW, 100, N_("HSTS max-age is shorter than one year"),
				ev, NULL);
		json_decref(ev);
	}
	ev = json_pack("{s:s,s:o}", "url", url, "content-security-policy", sl(csp));
	if (!csp)
		report(r, t, "http.csp", KC_SEV_LOW, 100, N_("No Content-Security-Policy header"), ev, NULL);
	json_decref(ev);
	ev = json_pack("{s:s,s:o,s:o}", "url", url, "x-frame-options", sl(xfo),
		"content-security-policy", sl(csp));
	if (!(xfo && kc_xfo_valid(*xfo)) && !(csp && kc_csp_has_directive(*csp, "frame-ancestors")))
		report(r, t, "http.xfo", KC_SEV_LOW, 100,
			N_("No protection against framing (X-Frame-Options or CSP frame-ancestors)"), ev, NULL);
	json_decref(ev);
	ev = json_pack("{s:s,s:o}", "url", url, "x-content-type-options", sl(xcto));
	if (!(xcto && kc_xcto_nosniff(*xcto)))
		report(r, t, "http.xcto", KC_SEV_LOW, 100, N_("X-Content-Type-Options is not nosniff"), ev,
			NULL);
	json_decref(ev);
	{
		int weak = 0;
		const char *pol = rp ? kc_referrer_policy(*rp, &weak) : NULL;

		ev = json_pack("{s:s,s:o}", "url", url, "referrer-policy", sl(rp));
		if (!pol)
			report(r, t, "http.referrer", KC_SEV_INFO, 100, N_("No Referrer-Policy header"), ev, NULL);
		else if (weak)
			report(r, t, "http.referrer", KC_SEV_LOW, 100,
				N_("Referrer-Policy leaks full addresses to other sites"), ev, NULL);
		json_decref(ev);
	}
}

static void
judge_securitytxt(struct run *r, const struct kc_web_target *t, struct req *q, const char *url)
{
	struct kc_http_headers h;
	struct kc_securitytxt st;
	const char *problem = NULL;
	const kc_slice *ct;
	json_t *ev;
	kc_err err = { 0 };

	if (!q->ok || kc_http_headers_parse(q->hdr.ptr ? q->hdr.ptr : "", q->hdr.len, &h, NULL) != 0)
		return;
	ct = kc_http_header_get(&h, "Content-Type");
	memset(&st, 0, sizeof(st));
	if (h.status != 200)
		problem = N_("No security.txt");
	else if (!ct || ct->len < 10 || strncasecmp(ct->ptr, "text/plain", 10) != 0)
		problem = N_("security.txt is not served as text/plain");
	else if (q->body_truncated)
		problem = N_("security.txt is too large");
	else if (kc_securitytxt_parse(kc_buf_str(&q->body), q->body.len, &st, &err) != 0)
		problem = N_("security.txt cannot be parsed");
	else
		problem = kc_securitytxt_problem(&st, r->opts->now);
	ev = json_pack("{s:s,s:i,s:o,s:i,s:s,s:s,s:b,s:s}", "url", url, "status", h.status,
		"content-type", sl(ct), "contacts", (int)st.ncontact, "contact", st.contact, "expires",
		st.expires_raw, "pgp_signed", st.pgp_signed, "error", err.msg);
	if (problem)
		report(r, t, "http.securitytxt", KC_SEV_LOW, 100, problem, ev, NULL);
	json_decref(ev);
}

static void
judge_products(struct run *r, const struct kc_web_target *t, struct req *q, const char *url)
{
	struct kc_http_headers h;
	struct kc_http_product p[KC_HTTP_PRODUCT_MAX];
	size_t np;

	if (!q || !q->ok || kc_http_headers_parse(q->hdr.ptr ? q->hdr.ptr : "", q->hdr.len, &h, NULL) != 0)
		return;
	np = kc_http_fingerprint(&h, kc_buf_str(&q->body), q->body.len, p, KC_HTTP_PRODUCT_MAX);
	for (size_t i = 0; i < np; i++) {
		json_t *ev = json_pack("{s:s,s:s,s:s,s:s,s:o,s:o}", "url", url, "product", p[i].name,
			"version", p[i].version, "where", p[i].where, "server",
			sl(kc_http_header_get(&h, "Server")), "x-powered-by",
			sl(kc_http_header_get(&h, "X-Powered-By")));

		report(r, t, "product.http", KC_SEV_INFO, p[i].confidence, p[i].name, ev, p[i].cpe);
		json_decref(ev);
	}
}

static void
url_of(const struct kc_web_target *t, const char *path, char *out, size_t n)
{
	snprintf(out, n, "%s://%s:%d%s", t->tls ? "https" : "http", t->host[0] ? t->host : t->ip,
		t->port, path);
}

static void
judge(struct run *r)
{
	for (size_t i = 0; i < r->n; i++) {
		const struct kc_web_target *t = &r->t[i];
		struct req *page = find_req(r, i, PAGE);
		struct kc_http_headers h;
		int has_plain = 0, has_tls = 0;
		char url[600];

		for (size_t j = 0; j < r->n; j++)
			if (same_host(t, &r->t[j])) {
				has_plain |= !r->t[j].tls;
				has_tls |= r->t[j].tls;
			}
		if (!page->ok ||
		    kc_http_headers_parse(kc_buf_str(&page->hdr), page->hdr.len, &h, NULL) != 0)
			continue; /* unreachable: no verdict, not covered */
		url_of(t, "/", url, sizeof(url));
		if (!t->tls) {
			json_t *ev = json_pack("{s:s,s:i,s:o}", "url", url, "status", h.status, "location",
				sl(kc_http_header_get(&h, "Location")));

			if (!has_tls)
				report(r, t, "http.redirect", KC_SEV_MEDIUM, 100,
					N_("Site is served over plain HTTP only"), ev, NULL);
			else if (!redirects_to_https(&h))
				report(r, t, "http.redirect", KC_SEV_MEDIUM, 100,
					N_("HTTP does not redirect to HTTPS"), ev, NULL);
			json_decref(ev);
		}
		if (t->tls || !redirects_to_https(&h))
			judge_headers(r, t, &h, has_plain, url);
		{
			struct req *s = find_req(r, i, SECTXT);

			if (s) {
				url_of(t, s->path, url, sizeof(url));
				judge_securitytxt(r, t, s, url);
			}
		}
		url_of(t, "/", url, sizeof(url));
		judge_products(r, t, page, url);
		{
			struct req *o = find_req(r, i, OWA);

			url_of(t, "/owa/auth/logon.aspx", url, sizeof(url));
			if (o && o->ok) {
				struct kc_http_headers oh;
				struct kc_http_product p[KC_HTTP_PRODUCT_MAX];

				/* Only Exchange is looked for there; the page's own products are known. */
				if (kc_http_headers_parse(kc_buf_str(&o->hdr), o->hdr.len, &oh, NULL) == 0 &&
				    (kc_http_header_get(&oh, "X-OWA-Version") ||
					    strstr(kc_buf_str(&o->body), "/owa/auth/"))) {
					size_t np = kc_http_fingerprint(&oh, kc_buf_str(&o->body), o->body.len, p,
						KC_HTTP_PRODUCT_MAX);

					for (size_t k = 0; k < np; k++) {
						json_t *ev;

						if (strcmp(p[k].name, "Microsoft Exchange Server"))
							continue;
						ev = json_pack("{s:s,s:s,s:s,s:s}", "url", url, "product", p[k].name,
							"version", p[k].version, "where", p[k].where);
						report(r, t, "product.http", KC_SEV_INFO, p[k].confidence, p[k].name,
							ev, p[k].cpe);
						json_decref(ev);
					}
				}
			}
		}
		if (r->sink->covered) {
			r->sink->covered(r->sink->arg, t->org_id, "http", t->ip, t->port);
			r->sink->covered(r->sink->arg, t->org_id, "product", t->ip, t->port);
		}
	}
}

static int
add_req(struct run *r, size_t t, enum kind k, const char *path, size_t max)
{
	struct req *q = &r->r[r->nr++];

	memset(q, 0, sizeof(*q));
	q->t = t;
	q->kind = k;
	q->path = path;
	kc_buf_init(&q->hdr, max);
	kc_buf_init(&q->body, max);
	return 0;
}

int
kc_scan_web(const struct kc_scan_opts *opts, const struct kc_web_target *t, size_t n,
	const struct kc_scan_sink *sink, kc_err *err)
{
	struct run r = { opts, t, n, sink, NULL, 0, NULL, 0 };
	size_t max = opts->max_read ? opts->max_read : 65536;
	int rc = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char tmp[16];

		if (t[i].port < 1 || t[i].port > 65535 ||
		    (inet_pton(AF_INET, t[i].ip, tmp) != 1 && inet_pton(AF_INET6, t[i].ip, tmp) != 1))
			return kc_err_set(err, KC_EINVAL, _("web target %zu: bad address %s or port %d"),
				i + 1, t[i].ip, t[i].port);
	}
	if (n == 0)
		return 0;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	r.r = calloc(3 * n, sizeof(*r.r));
	r.ips = calloc(n, sizeof(*r.ips));
	if (r.r == NULL || r.ips == NULL) {
		rc = kc_err_set(err, KC_ENOMEM, _("out of memory"));
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		int primary = 1;

		add_req(&r, i, PAGE, "/", max);
		/* The host's primary endpoint: its first HTTPS one, else its first one. */
		for (size_t j = 0; j < n && primary; j++) {
			if (j == i || !same_host(&t[i], &t[j]))
				continue;
			if (t[j].tls && !t[i].tls)
				primary = 0;
			else if (j < i && t[j].tls == t[i].tls)
				primary = 0;
		}
		if (primary) {
			add_req(&r, i, SECTXT, "/.well-known/security.txt", max);
			if (t[i].tls)
				add_req(&r, i, OWA, "/owa/auth/logon.aspx", max);
		}
		if (!slot(&r, t[i].ip))
			snprintf(r.ips[r.nips++].ip, sizeof(r.ips[0].ip), "%s", t[i].ip);
	}
	rc = run_all(&r, err);
	if (rc == 0)
		judge(&r);
out:
	for (size_t i = 0; i < r.nr; i++) {
		if (r.r[i].h)
			curl_easy_cleanup(r.r[i].h);
		curl_slist_free_all(r.r[i].resolve);
		kc_buf_release(&r.r[i].hdr);
		kc_buf_release(&r.r[i].body);
	}
	free(r.r);
	free(r.ips);
	return rc;
}
