/*
 * server.c - the HTTP server around the handlers: listening, the request
 * lifecycle, authentication (session cookie or bearer token), security
 * headers on every response, the access log, and graceful shutdown.
 */
#include <arpa/inet.h>
#include <jansson.h>
#include <malloc.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "base/time.h"
#include "org/asset.h"
#include "web/form.h"
#include "web/web.h"
#include "base/kc.h"

#define SESSION_COOKIE "kcert_session"
#define MAX_STORES 256

/* Every worker thread's own state (store connection, registry), freed at shutdown. */
static pthread_mutex_t states_lock = PTHREAD_MUTEX_INITIALIZER;
static kc_thread_state *states[MAX_STORES];
static size_t nstates;
static __thread kc_thread_state *thread_state;

static kc_thread_state *state_for_thread(const kc_web_config *cfg, kc_err *err)
{
	kc_thread_state *ts;

	if (thread_state)
		return thread_state;
	ts = calloc(1, sizeof(*ts));
	if (!ts) {
		kc_err_set(err, KC_ENOMEM, "%s", kc_strerror(KC_ENOMEM));
		return NULL;
	}
	ts->reg_version = -1;
	ts->list_version = -1;
	kc_buf_init(&ts->list_body, 16u << 20);
	if (kc_store_open(cfg->db, &ts->st, err)) {
		free(ts);
		return NULL;
	}
	pthread_mutex_lock(&states_lock);
	if (nstates < MAX_STORES)
		states[nstates++] = ts;
	pthread_mutex_unlock(&states_lock);
	thread_state = ts;
	return ts;
}

const char *kc_req_tr(const kc_req *r, const char *msgid)
{
	return kc_tr_lang(r->lang, msgid);
}

const char *kc_req_arg(kc_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode one application/x-www-form-urlencoded value into buf. */
static void url_decode(const char *s, size_t n, char *buf, size_t cap)
{
	size_t k = 0;

	for (size_t i = 0; i < n && k + 1 < cap; i++) {
		if (s[i] == '+') {
			buf[k++] = ' ';
		} else if (s[i] == '%' && i + 2 < n + 0 && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
			char c = (char)(hexval(s[i + 1]) << 4 | hexval(s[i + 2]));

			buf[k++] = c ? c : '?';
			i += 2;
		} else {
			buf[k++] = s[i];
		}
	}
	buf[k] = '\0';
}

static const char *content_type_of(kc_req *r)
{
	return r->conn ? MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Content-Type") : NULL;
}

static void read_parts(kc_req *r)
{
	const char *ct = content_type_of(r);

	if (r->parts_read)
		return;
	r->parts_read = 1;
	if (ct && !strncasecmp(ct, "multipart/form-data", 19) &&
	    kc_form_multipart(ct, kc_buf_str(&r->body), r->body.len, 200, &r->parts, &r->nparts))
		r->nparts = 0;
}

const struct kc_form_part *kc_req_file(kc_req *r, const char *name, size_t idx)
{
	read_parts(r);
	for (size_t i = 0; i < r->nparts; i++)
		if (r->parts[i].filename && !strcmp(r->parts[i].name, name) && idx-- == 0)
			return &r->parts[i];
	return NULL;
}

const char *kc_req_form(kc_req *r, const char *name, char *buf, size_t cap)
{
	const char *p = kc_buf_str(&r->body), *end = p + r->body.len;
	size_t nl = strlen(name);

	read_parts(r);
	if (r->parts_read && r->nparts) {
		for (size_t i = 0; i < r->nparts; i++)
			if (!r->parts[i].filename && !strcmp(r->parts[i].name, name) && cap) {
				size_t n = r->parts[i].len < cap - 1 ? r->parts[i].len : cap - 1;

				memcpy(buf, r->parts[i].data, n);
				buf[n] = '\0';
				return buf;
			}
		return NULL;
	}

	while (p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *fe = amp ? amp : end, *eq = memchr(p, '=', (size_t)(fe - p));

		if (eq && (size_t)(eq - p) == nl && !memcmp(p, name, nl)) {
			url_decode(eq + 1, (size_t)(fe - eq - 1), buf, cap);
			return buf;
		}
		p = fe + 1;
	}
	return NULL;
}

void kc_html(kc_buf *b, const char *s)
{
	kc_buf_html(b, s);
}

void kc_resp_json(kc_req *r, int status, void *json)
{
	char *text = json_dumps(json, JSON_COMPACT);

	kc_buf_clear(&r->out);
	kc_buf_adds(&r->out, text ? text : "{}");
	kc_buf_addc(&r->out, '\n');
	free(text);
	json_decref(json);
	r->status = status;
	r->content_type = "application/json";
}

void kc_resp_error(kc_req *r, int status, const char *code, const char *message)
{
	kc_resp_json(r, status, json_pack("{s:{s:s,s:s}}", "error", "code", code, "message", message));
}

void kc_resp_html(kc_req *r, int status)
{
	r->status = status;
	r->content_type = "text/html; charset=utf-8";
}

void kc_resp_redirect(kc_req *r, const char *to)
{
	r->status = 303;
	snprintf(r->location, sizeof(r->location), "%s", to);
	kc_buf_clear(&r->out);
	r->content_type = "text/plain; charset=utf-8";
}

static void client_address(kc_req *r)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;

	snprintf(r->addr, sizeof(r->addr), "-");
	if (sa && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, r->addr, sizeof(r->addr));
	else if (sa && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, r->addr, sizeof(r->addr));
}

static int auth_cached(kc_req *r, const char *hash)
{
	kc_thread_state *ts = r->ts;

	for (size_t i = 0; i < KC_ARRAY_LEN(ts->auth); i++) {
		if (ts->auth[i].version != r->version || strcmp(ts->auth[i].hash, hash) ||
		    ts->auth[i].expires <= kc_now())
			continue;
		r->user = ts->auth[i].user;
		r->by_token = ts->auth[i].by_token;
		snprintf(r->csrf, sizeof(r->csrf), "%s", ts->auth[i].csrf);
		return 1;
	}
	return 0;
}

static void auth_remember(kc_req *r, const char *hash, time_t expires)
{
	kc_thread_state *ts = r->ts;
	unsigned i = ts->auth_next++ % KC_ARRAY_LEN(ts->auth);

	snprintf(ts->auth[i].hash, sizeof(ts->auth[i].hash), "%s", hash);
	ts->auth[i].version = r->version;
	/* Check the store again at least once a minute: expiry needs no audit entry. */
	ts->auth[i].expires = expires;
	ts->auth[i].by_token = r->by_token;
	ts->auth[i].user = r->user;
	snprintf(ts->auth[i].csrf, sizeof(ts->auth[i].csrf), "%s", r->csrf);
}

/* Who is asking: a bearer token, else a session cookie. */
static void authenticate(kc_req *r)
{
	const char *auth = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Authorization");
	const char *cookie = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, SESSION_COOKIE);
	char hash[65];
	kc_err err;

	char basic[128];

	/* HTTP Basic with an API token as the password (TAXII clients): any user name. */
	if (auth && !strncasecmp(auth, "Basic ", 6)) {
		size_t n;
		char *colon;

		if (strlen(auth + 6) > 120 || sodium_base642bin((unsigned char *)basic, sizeof(basic) - 1, auth + 6,
							       strlen(auth + 6), NULL, &n, NULL,
							       sodium_base64_VARIANT_ORIGINAL))
			return;
		basic[n] = '\0';
		colon = strchr(basic, ':');
		if (!colon)
			return;
		auth = colon + 1;
	} else if (auth && !strncasecmp(auth, "Bearer ", 7)) {
		auth += 7;
	} else {
		auth = NULL;
	}
	if (auth) {
		if (strlen(auth) != KC_SECRET_LEN)
			return;
		kc_secret_hash(auth, hash);
		if (auth_cached(r, hash)) {
			r->authed = 1;
		} else if (kc_token_user(r->st, auth, &r->user, &err) == KC_OK) {
			r->authed = r->by_token = 1;
			auth_remember(r, hash, kc_now() + 60);
		}
		return;
	}
	if (!cookie || strlen(cookie) != KC_SECRET_LEN)
		return;
	kc_secret_hash(cookie, hash);
	if (auth_cached(r, hash) || kc_session_user(r->st, cookie, &r->user, r->csrf, &err) == KC_OK) {
		if (!r->csrf[0])
			return;
		r->authed = 1;
		snprintf(r->session, sizeof(r->session), "%s", cookie);
		auth_remember(r, hash, kc_now() + 60);
	}
}

static void pick_language(kc_req *r)
{
	const char *q = kc_req_arg(r, "lang");
	const char *c = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, "kcert_lang");
	kc_lang l = KC_LANG_NB;

	if (q && kc_lang_parse(q, &l) == KC_OK)
		r->lang = l;
	else if (r->authed && kc_lang_parse(r->user.lang, &l) == KC_OK)
		r->lang = l;
	else if (c && kc_lang_parse(c, &l) == KC_OK)
		r->lang = l;
	else
		r->lang = KC_LANG_NB;
}

static void add_security_headers(struct MHD_Response *resp, const kc_req *r)
{
	MHD_add_response_header(resp, "Content-Security-Policy",
				"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
				"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, "Cross-Origin-Opener-Policy", "same-origin");
	if (r->cfg->secure_cookies)
		MHD_add_response_header(resp, "Strict-Transport-Security", "max-age=31536000");
	if (strncmp(r->path, "/static/", 8))
		MHD_add_response_header(resp, "Cache-Control", "no-store");
}

/* Requests this process answered, by status class, and their time: for
 * GET /metrics. */
static atomic_uint_fast64_t requests[6]; /* index: status / 100 (1-5), 0: other */
static atomic_uint_fast64_t request_us;

void kc_web_counters(uint64_t by_class[6], uint64_t *microseconds)
{
	for (int i = 0; i < 6; i++)
		by_class[i] = atomic_load(&requests[i]);
	*microseconds = atomic_load(&request_us);
}

static void access_log(const kc_req *r, double ms)
{
	char stamp[KC_TIME_STRLEN];

	/* The path without its query; never cookies, tokens or bodies. */
	fprintf(stderr, "%s %s %s %s %s %d %zu %.1fms\n", kc_time_now_iso(stamp), r->addr,
		r->authed ? r->user.name : "-", r->method, r->path, r->status, r->out.len, ms);
}

static void dispatch(kc_req *r)
{
	if (!strcmp(r->path, "/healthz")) {
		kc_buf_adds(&r->out, "ok\n");
		r->status = 200;
		r->content_type = "text/plain; charset=utf-8";
	} else if (!strcmp(r->path, "/metrics")) {
		kc_metrics(r);
	} else if (!strncmp(r->path, "/.well-known/", 13)) {
		kc_csaf_route(r);
	} else if (!strncmp(r->path, "/api/", 5)) {
		kc_api_route(r);
	} else if (!strncmp(r->path, "/taxii2", 7)) {
		kc_taxii_route(r);
	} else {
		kc_ui_route(r);
	}
}

struct conn_state {
	kc_req req;
	int too_big;
	struct timespec start;
};

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
				  const char *version, const char *upload_data, size_t *upload_data_size,
				  void **con_cls)
{
	const kc_web_config *cfg = cls;
	struct conn_state *cs = *con_cls;
	struct MHD_Response *resp;
	enum MHD_Result ret;
	kc_req *r;
	kc_err err;

	(void)version;
	if (!cs) {
		cs = calloc(1, sizeof(*cs));
		if (!cs)
			return MHD_NO;
		clock_gettime(CLOCK_MONOTONIC, &cs->start);
		r = &cs->req;
		r->conn = conn;
		r->method = method;
		r->path = url;
		r->cfg = cfg;
		r->status = 500;
		{
			const char *ct = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Type");

			kc_buf_init(&r->body, ct && !strncasecmp(ct, "multipart/form-data", 19) && cfg->max_body < KC_UPLOAD_MAX
						      ? KC_UPLOAD_MAX
						      : cfg->max_body);
		}
		kc_buf_init(&r->out, 64u << 20);
		*con_cls = cs;
		return MHD_YES;
	}
	r = &cs->req;
	if (*upload_data_size) {
		if (kc_buf_add(&r->body, upload_data, *upload_data_size))
			cs->too_big = 1;
		*upload_data_size = 0;
		return MHD_YES;
	}
	client_address(r);
	r->ts = state_for_thread(cfg, &err);
	r->st = r->ts ? r->ts->st : NULL;
	if (cs->too_big) {
		kc_resp_error(r, 413, "too_large", "request body too large");
	} else if (!r->st) {
		kc_error("store: %s", err.msg);
		kc_resp_error(r, 503, "unavailable", "the store is unavailable");
	} else if (kc_store_scalar_int(r->st, &err, &r->version, "SELECT COALESCE(MAX(seq), 0) FROM audit", "")) {
		kc_error("store: %s", err.msg);
		kc_resp_error(r, 503, "unavailable", "the store is unavailable");
	} else {
		authenticate(r);
		pick_language(r);
		dispatch(r);
	}
	resp = MHD_create_response_from_buffer(r->out.len, r->out.len ? r->out.ptr : (void *)"",
					       MHD_RESPMEM_MUST_COPY);
	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, "Content-Type", r->content_type ? r->content_type : "text/plain");
	if (r->disposition[0])
		MHD_add_response_header(resp, "Content-Disposition", r->disposition);
	add_security_headers(resp, r);
	for (int i = 0; i < 2; i++)
		if (r->set_cookie[i][0])
			MHD_add_response_header(resp, "Set-Cookie", r->set_cookie[i]);
	if (r->location[0])
		MHD_add_response_header(resp, "Location", r->location);
	for (size_t i = 0; i < KC_ARRAY_LEN(r->headers); i++)
		if (r->headers[i][0][0])
			MHD_add_response_header(resp, r->headers[i][0], r->headers[i][1]);
	ret = MHD_queue_response(conn, (unsigned)r->status, resp);
	MHD_destroy_response(resp);
	{
		struct timespec end;

		double ms;

		clock_gettime(CLOCK_MONOTONIC, &end);
		ms = (double)(end.tv_sec - cs->start.tv_sec) * 1e3 + (double)(end.tv_nsec - cs->start.tv_nsec) / 1e6;
		atomic_fetch_add(&requests[r->status >= 100 && r->status < 600 ? r->status / 100 : 0], 1);
		atomic_fetch_add(&request_us, (uint_fast64_t)(ms * 1000));
		access_log(r, ms);
	}
	return ret;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct conn_state *cs = *con_cls;

	(void)cls;
	(void)conn;
	(void)toe;
	if (!cs)
		return;
	kc_buf_release(&cs->req.body);
	kc_buf_release(&cs->req.out);
	kc_form_parts_free(cs->req.parts, cs->req.nparts);
	free(cs);
	*con_cls = NULL;
}

static int parse_listen(const char *listen, struct sockaddr_storage *ss, kc_err *err)
{
	char host[128];
	const char *colon;
	long port;
	char *end;

	memset(ss, 0, sizeof(*ss));
	if (listen[0] == '[') {
		const char *rb = strchr(listen, ']');

		if (!rb || rb[1] != ':' || (size_t)(rb - listen - 1) >= sizeof(host))
			goto bad;
		memcpy(host, listen + 1, (size_t)(rb - listen - 1));
		host[rb - listen - 1] = '\0';
		colon = rb + 1;
	} else {
		colon = strrchr(listen, ':');
		if (!colon || (size_t)(colon - listen) >= sizeof(host))
			goto bad;
		memcpy(host, listen, (size_t)(colon - listen));
		host[colon - listen] = '\0';
	}
	port = strtol(colon + 1, &end, 10);
	if (*end || port <= 0 || port > 65535)
		goto bad;
	if (inet_pton(AF_INET, host, &((struct sockaddr_in *)ss)->sin_addr) == 1) {
		((struct sockaddr_in *)ss)->sin_family = AF_INET;
		((struct sockaddr_in *)ss)->sin_port = htons((uint16_t)port);
		return KC_OK;
	}
	if (inet_pton(AF_INET6, host, &((struct sockaddr_in6 *)ss)->sin6_addr) == 1) {
		((struct sockaddr_in6 *)ss)->sin6_family = AF_INET6;
		((struct sockaddr_in6 *)ss)->sin6_port = htons((uint16_t)port);
		return KC_OK;
	}
bad:
	return kc_err_set(err, KC_EINVAL, _("%s: listen on ADDRESS:PORT (127.0.0.1:8080 or [::1]:8080)"), listen);
}

int kc_web_run(const kc_web_config *cfg, volatile sig_atomic_t *stop, kc_err *err)
{
	struct sockaddr_storage ss;
	struct MHD_Daemon *d;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG;
	int rc = parse_listen(cfg->listen, &ss, err);

	if (rc)
		return rc;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	/* A request allocates and frees some hundred KiB; without this glibc hands
	 * the memory back to the kernel after each one (madvise, TLB shootdowns),
	 * which measured as most of the time of a 50-row listing. */
	mallopt(M_TRIM_THRESHOLD, 64 << 20);
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
	d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, (void *)cfg, MHD_OPTION_SOCK_ADDR,
			     (struct sockaddr *)&ss, MHD_OPTION_THREAD_POOL_SIZE, cfg->threads ? cfg->threads : 2u,
			     MHD_OPTION_CONNECTION_LIMIT, 1000u, MHD_OPTION_CONNECTION_TIMEOUT, 30u,
			     MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(128 * 1024), MHD_OPTION_NOTIFY_COMPLETED,
			     on_completed, NULL, MHD_OPTION_END);
	if (!d)
		return kc_err_set(err, KC_EIO, _("cannot listen on %s (in use, or not an address of this machine)"),
				  cfg->listen);
	kc_log(KC_LOG_INFO, "listening on %s", cfg->listen);
	while (!*stop)
		usleep(100 * 1000);
	MHD_stop_daemon(d);
	pthread_mutex_lock(&states_lock);
	for (size_t i = 0; i < nstates; i++) {
		kc_registry_free(states[i]->reg);
		kc_buf_release(&states[i]->list_body);
		kc_store_close(states[i]->st);
		free(states[i]);
	}
	nstates = 0;
	pthread_mutex_unlock(&states_lock);
	return KC_OK;
}
