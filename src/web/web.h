/*
 * web.h - the HTTP server: JSON API under /api/v1, server-rendered pages,
 * static assets, /healthz. libmicrohttpd with a thread pool on epoll; each
 * worker thread has its own store connection.
 */
#ifndef KC_WEB_H
#define KC_WEB_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "auth/user.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/i18n.h"
#include "store/store.h"

typedef struct kc_web_config {
	const char *listen;	   /* "127.0.0.1:8080", "[::1]:8080" */
	const char *db;		   /* store target */
	unsigned threads;	   /* worker threads; 0: 2 */
	int session_ttl;	   /* seconds */
	int secure_cookies;	   /* set Secure on cookies (behind TLS) */
	size_t max_body;	   /* request body limit in bytes */
} kc_web_config;

/* Serve until *stop becomes non-zero (a signal handler sets it). */
int kc_web_run(const kc_web_config *cfg, volatile sig_atomic_t *stop, kc_err *err);

/* ---- what handlers see ---- */

struct MHD_Connection;
struct kc_registry;

/* What each worker thread keeps between requests; freed at shutdown. */
typedef struct kc_thread_state {
	kc_store *st;
	struct kc_registry *reg; /* attribution registry, rebuilt when reg_version moves */
	int64_t reg_version;
	/* The last organisation listing served (TLP:CLEAR, the same for every
	 * user), by its query and the audit sequence it was made at. */
	char list_key[512];
	int64_t list_version;
	kc_buf list_body;
	/* Recently seen credentials (hash of the session id or token) and whom
	 * they belong to, valid while the audit sequence stays where it was:
	 * every login, logout, password change, disabling and token creation
	 * appends to the audit log, so any of them empties this cache. */
	struct {
		char hash[65];
		int64_t version;
		time_t expires;
		int by_token;
		kc_user user;
		char csrf[KC_SECRET_LEN + 1];
	} auth[8];
	unsigned auth_next;
} kc_thread_state;

typedef struct kc_req {
	struct MHD_Connection *conn;
	const char *method;
	const char *path;	   /* without the query string */
	kc_buf body;
	kc_store *st;
	kc_thread_state *ts;
	int64_t version;	   /* the audit sequence when the request began */
	const kc_web_config *cfg;
	kc_user user;
	int authed;		   /* user is set */
	int by_token;		   /* authenticated with a bearer token (no CSRF needed) */
	char session[KC_SECRET_LEN + 1];
	char csrf[KC_SECRET_LEN + 1];
	char addr[64];
	kc_lang lang;
	const char *params[4];	   /* path parameters matched by the router */
	/* A multipart/form-data body, read on first use (kc_req_form, kc_req_file). */
	struct kc_form_part *parts;
	size_t nparts;
	int parts_read;
	/* The response being built. */
	int status;
	kc_buf out;
	const char *content_type;
	char set_cookie[2][256];
	char location[512];
	char disposition[400];	   /* Content-Disposition of a download, or "" */
	char headers[4][2][128];   /* more response headers: name, value ("" unused) */
} kc_req;

/* Query-string or form value; NULL when absent. */
const char *kc_req_arg(kc_req *r, const char *name);
/* A form value from an application/x-www-form-urlencoded body. */
const char *kc_req_form(kc_req *r, const char *name, char *buf, size_t cap);
/* The idx-th uploaded file of field name in a multipart/form-data body, or NULL. */
const struct kc_form_part *kc_req_file(kc_req *r, const char *name, size_t idx);

/* Request bodies of forms with files (multipart/form-data) may be this large. */
#define KC_UPLOAD_MAX (25u << 20)

/* Translate for the request's language. */
const char *kc_req_tr(const kc_req *r, const char *msgid) __attribute__((format_arg(2)));

/* Responses. */
void kc_resp_json(kc_req *r, int status, void *json /* json_t *, stolen */);
void kc_resp_error(kc_req *r, int status, const char *code, const char *message);
void kc_resp_html(kc_req *r, int status);
void kc_resp_redirect(kc_req *r, const char *to);

/* HTML escaping into the response. */
void kc_html(kc_buf *b, const char *s);

/* Requests answered by this process, by status class (index status / 100;
 * 0: other), and their total time in microseconds. */
void kc_web_counters(uint64_t by_class[6], uint64_t *microseconds);

/* GET /metrics (metrics.c): Prometheus text, for the CERT's own tokens. */
void kc_metrics(kc_req *r);

/* TAXII 2.1 under /taxii2/ (taxii.c). */
void kc_taxii_route(kc_req *r);

/* Handlers (api.c, ui.c). */
void kc_api_route(kc_req *r);
void kc_ui_route(kc_req *r);
void kc_api_openapi(kc_req *r);
/* advisory_web.c: /.well-known/csaf/ and /.well-known/security.txt */
void kc_csaf_route(kc_req *r);

#endif
