/*
 * api.c - the JSON API under /api/v1. Every read goes through kc_may_read();
 * every error has the shape {"error": {"code": ..., "message": ...}}.
 */
#include <jansson.h>
#include <microhttpd.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "auth/visibility.h"
#include "base/csv.h"
#include "base/time.h"
#include "feed/event.h"
#include "notify/notice.h"
#include "picture/situation.h"
#include "picture/trend.h"
#include "org/asset.h"
#include "org/org.h"
#include "web/api_internal.h"
#include "web/route.h"
#include "web/web.h"
#include "base/kc.h"

#define PAGE_DEFAULT 50
#define PAGE_MAX 200

/* Match r's path against a pattern with {name} segments; fills r->params. */
static int match(kc_req *r, const char *pattern)
{
	static __thread kc_route_params prm;

	if (!kc_route_match(r->path, pattern, &prm))
		return 0;
	for (int i = 0; i < prm.n; i++)
		r->params[i] = prm.v[i];
	return 1;
}

static int need_auth(kc_req *r)
{
	if (r->authed)
		return 1;
	kc_resp_error(r, 401, "unauthenticated", kc_req_tr(r, "log in, or give an API token"));
	return 0;
}

/* State-changing requests on a session need the session's CSRF token. */
static int need_csrf(kc_req *r)
{
	const char *h;

	if (r->by_token)
		return 1;
	h = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "X-CSRF-Token");
	if (h && r->csrf[0] && sodium_memcmp(h, r->csrf, KC_SECRET_LEN) == 0 && strlen(h) == KC_SECRET_LEN)
		return 1;
	kc_resp_error(r, 403, "csrf", kc_req_tr(r, "missing or wrong CSRF token"));
	return 0;
}

static void fail(kc_req *r, int rc, const kc_err *err)
{
	switch (rc) {
	case KC_ENOENT: kc_resp_error(r, 404, "not_found", err->msg); break;
	case KC_EINVAL:
	case KC_EPARSE: kc_resp_error(r, 400, "invalid", err->msg); break;
	case KC_EEXIST: kc_resp_error(r, 409, "conflict", err->msg); break;
	case KC_EPERM: kc_resp_error(r, 403, "forbidden", err->msg); break;
	default:
		kc_error("api %s %s: %s", r->method, r->path, err->msg);
		kc_resp_error(r, 500, "internal", kc_req_tr(r, "internal error"));
	}
}

static json_t *cursor_encode(size_t offset)
{
	char out[32];

	kc_cursor_encode(offset, out);
	return json_string(out);
}

static int page_args(kc_req *r, size_t *limit, size_t *offset)
{
	const char *l = kc_req_arg(r, "limit");
	char *end;

	*limit = PAGE_DEFAULT;
	if (l) {
		unsigned long v = strtoul(l, &end, 10);

		if (*end || !*l || v == 0 || v > PAGE_MAX) {
			kc_resp_error(r, 400, "invalid", kc_req_tr(r, "limit is a number from 1 to 200"));
			return 0;
		}
		*limit = v;
	}
	if (kc_cursor_decode(kc_req_arg(r, "cursor"), offset)) {
		kc_resp_error(r, 400, "invalid", kc_req_tr(r, "bad cursor"));
		return 0;
	}
	return 1;
}

static json_t *org_json(const kc_org *o)
{
	return json_pack("{s:I,s:s,s:s?,s:s,s:s,s:s?,s:s?,s:s,s:b,s:b,s:s}", "id", (json_int_t)o->id, "slug",
			 o->slug, "code", o->code[0] ? o->code : NULL, "name", o->name, "kind", o->kind, "county",
			 o->county[0] ? o->county : NULL, "county_code", o->county_code[0] ? o->county_code : NULL,
			 "lang", o->lang, "member", o->member, "active", o->active, "tlp", kc_tlp_name(KC_TLP_ORG));
}

/*
 * Organisations are TLP:CLEAR, so a listing is the same for every user who
 * may read CLEAR records; each worker thread keeps the last one it made, by
 * its query, until the audit log moves on (every change to an organisation
 * appends to it). A dashboard polling the list costs one indexed query.
 */
static void orgs_list(kc_req *r)
{
	kc_thread_state *ts = r->ts;
	kc_org_filter f = { 0 };
	char key[512];
	int64_t version = 0;
	json_t *items;
	kc_org *v;
	size_t n;
	kc_err err;
	int rc;

	if (!page_args(r, &f.limit, &f.offset))
		return;
	f.kind = kc_req_arg(r, "kind");
	f.county = kc_req_arg(r, "county");
	f.search = kc_req_arg(r, "q");
	snprintf(key, sizeof(key), "%zu\n%zu\n%s\n%s\n%s", f.limit, f.offset, f.kind ? f.kind : "\001",
		 f.county ? f.county : "\001", f.search ? f.search : "\001");
	version = r->version;
	if (kc_may_read(&r->user, 0, KC_TLP_ORG, NULL) && ts->list_version == version && !strcmp(ts->list_key, key)) {
		kc_buf_clear(&r->out);
		kc_buf_add(&r->out, ts->list_body.ptr, ts->list_body.len);
		r->status = 200;
		r->content_type = "application/json";
		return;
	}
	f.limit++; /* one more tells whether there is a next page */
	rc = kc_org_list(r->st, &f, &v, &n, &err);
	if (rc)
		return fail(r, rc, &err);
	items = json_array();
	for (size_t i = 0; i < n && i + 1 < f.limit; i++)
		if (kc_may_read(&r->user, v[i].id, KC_TLP_ORG, NULL))
			json_array_append_new(items, org_json(&v[i]));
	kc_resp_json(r, 200, json_pack("{s:o,s:o}", "items", items, "next_cursor",
				       n == f.limit ? cursor_encode(f.offset + f.limit - 1) : json_null()));
	free(v);
	kc_buf_clear(&ts->list_body);
	if (kc_buf_add(&ts->list_body, r->out.ptr, r->out.len) == KC_OK) {
		snprintf(ts->list_key, sizeof(ts->list_key), "%s", key);
		ts->list_version = version;
	} else {
		ts->list_version = -1;
	}
}

static int get_org(kc_req *r, kc_org *o)
{
	kc_err err;
	int rc = kc_org_get(r->st, r->params[0], o, &err);

	if (rc) {
		fail(r, rc, &err);
		return 0;
	}
	if (!kc_may_read(&r->user, o->id, KC_TLP_ORG, NULL)) {
		kc_resp_error(r, 404, "not_found", kc_req_tr(r, "not found"));
		return 0;
	}
	return 1;
}

/* {"items": [...], "next_cursor": null} from n records of size bytes; frees v. */
static void items_response(kc_req *r, void *v, size_t n, size_t size, json_t *(*to_json)(const void *rec))
{
	json_t *items = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, to_json((const char *)v + i * size));
	free(v);
	kc_resp_json(r, 200, json_pack("{s:o,s:n}", "items", items, "next_cursor"));
}

static void org_show(kc_req *r)
{
	kc_org o;

	if (get_org(r, &o))
		kc_resp_json(r, 200, org_json(&o));
}

static json_t *contact_json(const void *rec)
{
	const kc_contact *c = rec;

	return json_pack("{s:I,s:s,s:s,s:s?,s:s,s:s,s:s?,s:s,s:s}", "id", (json_int_t)c->id, "name", c->name,
			 "email", c->email, "phone", c->phone[0] ? c->phone : NULL, "role", c->role, "lang", c->lang,
			 "pgp_fingerprint", c->pgp[0] ? c->pgp : NULL, "notices", c->notices, "tlp",
			 kc_tlp_name(KC_TLP_CONTACT));
}

static void org_contacts(kc_req *r)
{
	kc_contact *v;
	kc_org o;
	size_t n;
	kc_err err;
	int rc;

	if (!get_org(r, &o))
		return;
	if (!kc_may_read(&r->user, o.id, KC_TLP_CONTACT, NULL))
		return kc_resp_error(r, 403, "forbidden", kc_req_tr(r, "you may not see this organisation's contacts"));
	rc = kc_contact_list(r->st, o.id, &v, &n, &err);
	if (rc)
		return fail(r, rc, &err);
	items_response(r, v, n, sizeof(*v), contact_json);
}

/* The fields of a contact from the JSON body into c; 0, or a response was sent. */
static int contact_from_json(kc_req *r, kc_contact *c)
{
	static const char *const known[] = { "name", "email", "phone", "role", "lang", "pgp_fingerprint", "notices" };
	char *dst[] = { c->name, c->email, c->phone, c->role, c->lang, c->pgp, c->notices };
	const size_t cap[] = { sizeof(c->name), sizeof(c->email), sizeof(c->phone), sizeof(c->role),
			       sizeof(c->lang), sizeof(c->pgp), sizeof(c->notices) };
	json_error_t jerr;
	const char *key;
	json_t *body, *val;

	body = json_loadb(kc_buf_str(&r->body), r->body.len, JSON_REJECT_DUPLICATES, &jerr);
	if (!json_is_object(body)) {
		json_decref(body);
		kc_resp_error(r, 400, "invalid", kc_req_tr(r, "the body must be a JSON object"));
		return -1;
	}
	json_object_foreach(body, key, val) {
		size_t i;

		for (i = 0; i < KC_ARRAY_LEN(known) && strcmp(key, known[i]); i++)
			;
		if (i == KC_ARRAY_LEN(known) || !json_is_string(val) || strlen(json_string_value(val)) >= cap[i]) {
			char msg[200];

			snprintf(msg, sizeof(msg), kc_req_tr(r, "field %s: unknown, not a string, or too long"), key);
			json_decref(body);
			kc_resp_error(r, 400, "invalid", msg);
			return -1;
		}
		snprintf(dst[i], cap[i], "%s", json_string_value(val));
	}
	json_decref(body);
	return 0;
}

/* POST .../contacts adds; PUT .../contacts/{id} replaces. */
static void contact_write(kc_req *r, int64_t id)
{
	kc_contact c;
	kc_org o;
	kc_err err;
	int rc;

	if (!get_org(r, &o) || !need_csrf(r))
		return;
	if (r->user.role == KC_ROLE_PARTNER || (r->user.role == KC_ROLE_MEMBER && !kc_user_in_org(&r->user, o.id)))
		return kc_resp_error(r, 403, "forbidden", kc_req_tr(r, "you may not change this organisation"));
	memset(&c, 0, sizeof(c));
	if (contact_from_json(r, &c))
		return;
	c.org_id = o.id;
	c.id = id;
	rc = id ? kc_contact_update(r->st, r->user.name, &c, &err) : kc_contact_add(r->st, r->user.name, &c, &err);
	if (rc)
		return fail(r, rc, &err);
	kc_resp_json(r, id ? 200 : 201, contact_json(&c));
}

static void org_contact_add(kc_req *r)
{
	contact_write(r, 0);
}

static void org_contact_put(kc_req *r)
{
	char *end;
	long long id = strtoll(r->params[1], &end, 10);

	if (*end || id <= 0)
		return kc_resp_error(r, 404, "not_found", kc_req_tr(r, "not found"));
	contact_write(r, id);
}

static json_t *asset_json(const void *rec)
{
	const kc_asset *a = rec;

	return json_pack("{s:I,s:s,s:s,s:s,s:s?,s:s,s:s,s:s}", "id", (json_int_t)a->id, "org", a->org_slug, "kind",
			 a->kind, "value", a->value, "note", a->note[0] ? a->note : NULL, "source", a->source,
			 "created_at", a->created_at, "tlp", kc_tlp_name(KC_TLP_ASSET));
}

static void org_assets(kc_req *r)
{
	kc_asset *v;
	kc_org o;
	size_t n;
	kc_err err;
	int rc;

	if (!get_org(r, &o))
		return;
	if (!kc_may_read(&r->user, o.id, KC_TLP_ASSET, NULL))
		return kc_resp_error(r, 403, "forbidden", kc_req_tr(r, "you may not see this organisation's assets"));
	rc = kc_asset_list(r->st, o.id, kc_req_arg(r, "kind"), &v, &n, &err);
	if (rc)
		return fail(r, rc, &err);
	items_response(r, v, n, sizeof(*v), asset_json);
}

/* The registry, rebuilt for this thread when the audit log moved on (every
 * asset change appends to it). */
static const kc_registry *thread_registry(kc_req *r, kc_err *err)
{
	kc_thread_state *ts = r->ts;
	int64_t v = r->version;

	if (ts->reg && v == ts->reg_version)
		return ts->reg;
	kc_registry_free(ts->reg);
	ts->reg = NULL;
	if (kc_registry_load(r->st, &ts->reg, err))
		return NULL;
	ts->reg_version = v;
	return ts->reg;
}

static void whois(kc_req *r)
{
	const char *q = kc_req_arg(r, "q");
	const kc_registry *reg;
	json_t *covering;
	kc_whois w;
	kc_org o;
	kc_err err;
	size_t first = 0;
	int rc;

	if (!q)
		return kc_resp_error(r, 400, "invalid", kc_req_tr(r, "give q=VALUE"));
	reg = thread_registry(r, &err);
	if (!reg)
		return fail(r, KC_ESTORE, &err);
	rc = kc_registry_whois(reg, q, &w, &err);
	if (rc)
		return fail(r, rc, &err);
	/* Only registrations this user may see count: skip the rest, so that
	 * nothing about another organisation's assets shows through. */
	while (first < w.nhits && !kc_may_read(&r->user, w.hits[first]->org_id, KC_TLP_ASSET, NULL))
		first++;
	if (first == w.nhits)
		return kc_resp_json(r, 200, json_pack("{s:s,s:s,s:n}", "query", w.key, "type", w.type, "org"));
	rc = kc_org_get_id(r->st, w.hits[first]->org_id, &o, &err);
	if (rc)
		return fail(r, rc, &err);
	covering = json_array();
	for (size_t i = first + 1; i < w.nhits; i++)
		if (kc_may_read(&r->user, w.hits[i]->org_id, KC_TLP_ASSET, NULL))
			json_array_append_new(covering, asset_json(w.hits[i]));
	kc_resp_json(r, 200, json_pack("{s:s,s:s,s:o,s:o,s:o}", "query", w.key, "type", w.type, "org", org_json(&o),
				       "matched", asset_json(w.hits[first]), "covering", covering));
}

static json_t *user_json(const void *rec)
{
	const kc_user *u = rec;
	json_t *orgs = json_array();

	for (size_t i = 0; i < u->norgs; i++)
		json_array_append_new(orgs, json_integer(u->orgs[i]));
	return json_pack("{s:I,s:s,s:s,s:s,s:b,s:o,s:s?}", "id", (json_int_t)u->id, "name", u->name, "role",
			 kc_role_name(u->role), "lang", u->lang, "disabled", u->disabled, "orgs", orgs, "last_login",
			 u->last_login[0] ? u->last_login : NULL);
}

static int need_admin(kc_req *r)
{
	if (r->user.role == KC_ROLE_ADMIN)
		return 1;
	kc_resp_error(r, 403, "forbidden", kc_req_tr(r, "only administrators may do this"));
	return 0;
}

static void users(kc_req *r)
{
	kc_user *v;
	size_t n;
	kc_err err;
	int rc;

	if (!need_admin(r))
		return;
	rc = kc_user_list(r->st, &v, &n, &err);
	if (rc)
		return fail(r, rc, &err);
	items_response(r, v, n, sizeof(*v), user_json);
}

static void audit(kc_req *r)
{
	kc_audit_entry *v;
	size_t limit, offset, n;
	json_t *items;
	kc_err err;
	int rc;

	if (!need_admin(r) || !page_args(r, &limit, &offset))
		return;
	rc = kc_audit_list(r->st, limit + 1, offset, &v, &n, &err);
	if (rc)
		return fail(r, rc, &err);
	items = json_array();
	for (size_t i = 0; i < n && i < limit; i++)
		json_array_append_new(items, json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s}", "seq", (json_int_t)v[i].seq, "at",
						       v[i].at, "actor", v[i].actor, "action", v[i].action, "object",
						       v[i].object, "summary", v[i].summary, "hash", v[i].hash));
	free(v);
	kc_resp_json(r, 200, json_pack("{s:o,s:o}", "items", items, "next_cursor",
				       n > limit ? cursor_encode(offset + limit) : json_null()));
}

static void session_create(kc_req *r)
{
	char sid[KC_SECRET_LEN + 1], csrf[KC_SECRET_LEN + 1];
	json_error_t jerr;
	const char *name = NULL, *password = NULL;
	json_t *body;
	kc_user u;
	kc_err err;
	int rc;

	body = json_loadb(kc_buf_str(&r->body), r->body.len, JSON_REJECT_DUPLICATES, &jerr);
	if (!json_is_object(body) || json_unpack_ex(body, &jerr, JSON_STRICT, "{s:s,s:s}", "name", &name, "password",
						    &password) != 0) {
		json_decref(body);
		return kc_resp_error(r, 400, "invalid", kc_req_tr(r, "send {\"name\": ..., \"password\": ...}"));
	}
	rc = kc_login(r->st, name, password, r->addr, r->cfg->session_ttl, &u, sid, csrf, &err);
	json_decref(body);
	if (rc == KC_EAGAIN)
		return kc_resp_error(r, 429, "throttled", err.msg);
	if (rc == KC_EPERM)
		return kc_resp_error(r, 401, "unauthenticated", kc_req_tr(r, "wrong user name or password"));
	if (rc)
		return fail(r, rc, &err);
	snprintf(r->set_cookie[0], sizeof(r->set_cookie[0]),
		 "kcert_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d%s", sid, r->cfg->session_ttl,
		 r->cfg->secure_cookies ? "; Secure" : "");
	kc_resp_json(r, 200, json_pack("{s:o,s:s}", "user", user_json(&u), "csrf", csrf));
}

static void session_delete(kc_req *r)
{
	kc_err err;

	if (r->by_token || !r->session[0])
		return kc_resp_error(r, 400, "invalid", kc_req_tr(r, "there is no session to end"));
	if (!need_csrf(r))
		return;
	kc_logout(r->st, r->session, &err);
	snprintf(r->set_cookie[0], sizeof(r->set_cookie[0]),
		 "kcert_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0%s", r->cfg->secure_cookies ? "; Secure" : "");
	kc_resp_json(r, 200, json_pack("{s:b}", "ok", 1));
}

/* Events are TLP:AMBER: the CERT sees all, a member their own organisations'. */
#define KC_TLP_EVENT KC_TLP_AMBER

static kc_tlp event_tlp(const kc_event *e)
{
	kc_tlp t = KC_TLP_EVENT;

	kc_tlp_parse(e->tlp, &t);
	return t;
}

static json_t *event_json(const kc_event *e)
{
	return json_pack("{s:I,s:s,s:s?,s:O,s:O,s:s?,s:s,s:s,s:s,s:s,s:s?,s:s,s:s,s:I,s:s}", "id", (json_int_t)e->id,
			 "time.source", e->time_source, "source.ip", e->ip[0] ? e->ip : NULL, "source.port",
			 e->port >= 0 ? json_integer(e->port) : json_null(), "source.asn",
			 e->asn ? json_integer(e->asn) : json_null(), "source.fqdn", e->fqdn[0] ? e->fqdn : NULL,
			 "classification.taxonomy", e->taxonomy, "classification.type", e->type,
			 "classification.identifier", e->identifier, "feed.name", e->feed, "organisation",
			 e->org[0] ? e->org : NULL, "time.last", e->time_last, "time.observation", e->time_observation,
			 "seen", (json_int_t)e->seen, "tlp", kc_tlp_name(event_tlp(e)));
}

/* Exports: CSV with IntelMQ's field names, or IntelMQ-style JSON lines. */
static void events_export(kc_req *r, const kc_event *v, size_t n, int csv)
{
	kc_buf *b = &r->out;

	if (csv)
		kc_buf_adds(b, "time.source,source.ip,source.port,source.fqdn,source.asn,classification.taxonomy,"
			       "classification.type,classification.identifier,feed.name,organisation,time.last,seen,tlp\r\n");
	for (size_t i = 0; i < n; i++) {
		const kc_event *e = &v[i];

		if (!kc_may_read(&r->user, e->org_id, event_tlp(e), NULL))
			continue;
		if (csv) {
			kc_buf_addf(b, "%s,%s,", e->time_source, e->ip);
			if (e->port >= 0)
				kc_buf_addf(b, "%lld", (long long)e->port);
			kc_buf_addc(b, ',');
			kc_csv_field(b, e->fqdn);
			kc_buf_addc(b, ',');
			if (e->asn)
				kc_buf_addf(b, "%lld", (long long)e->asn);
			kc_buf_addf(b, ",%s,%s,", e->taxonomy, e->type);
			kc_csv_field(b, e->identifier);
			kc_buf_addc(b, ',');
			kc_csv_field(b, e->feed);
			kc_buf_addf(b, ",%s,%s,%lld,%s\r\n", e->org, e->time_last, (long long)e->seen,
				    kc_tlp_name(event_tlp(e)));
		} else {
			json_t *o = event_json(e);
			char *line = json_dumps(o, JSON_COMPACT);

			if (line) {
				kc_buf_adds(b, line);
				kc_buf_addc(b, '\n');
			}
			free(line);
			json_decref(o);
		}
	}
	r->status = 200;
	r->content_type = csv ? "text/csv; charset=utf-8" : "application/x-ndjson";
}

#define EXPORT_MAX 100000

static void events(kc_req *r)
{
	const char *org = kc_req_arg(r, "org"), *since = kc_req_arg(r, "since"), *format = kc_req_arg(r, "format");
	kc_event_filter f = { 0 };
	json_t *items;
	kc_event *v;
	size_t n, limit;
	kc_err err;
	time_t t;
	int rc, csv = 0;

	if (format && strcmp(format, "json") && !(csv = !strcmp(format, "csv")) && strcmp(format, "jsonl"))
		return kc_resp_error(r, 400, "invalid", kc_req_tr(r, "format is json, csv or jsonl"));
	if (format && strcmp(format, "json")) {
		const char *l = kc_req_arg(r, "limit");

		limit = l ? strtoul(l, NULL, 10) : 10000;
		if (!limit || limit > EXPORT_MAX)
			limit = EXPORT_MAX;
		if (kc_cursor_decode(kc_req_arg(r, "cursor"), &f.offset))
			return kc_resp_error(r, 400, "invalid", kc_req_tr(r, "bad cursor"));
	} else if (!page_args(r, &limit, &f.offset)) {
		return;
	}
	if (r->user.role == KC_ROLE_PARTNER)
		return kc_resp_error(r, 403, "forbidden", kc_req_tr(r, "you may not see events"));
	if (since && kc_time_parse(since, &t))
		return kc_resp_error(r, 400, "invalid", kc_req_tr(r, "since is a time such as 2026-11-28T00:00:00Z"));
	if (org) {
		kc_org o;

		rc = kc_org_get(r->st, org, &o, &err);
		if (rc)
			return fail(r, rc, &err);
		f.org_id = o.id;
	} else if (r->user.role == KC_ROLE_MEMBER && r->user.norgs == 1) {
		f.org_id = r->user.orgs[0];
	}
	f.identifier = kc_req_arg(r, "type");
	f.address = kc_req_arg(r, "address");
	f.since = since;
	f.limit = limit + 1;
	rc = kc_event_list(r->st, &f, &v, &n, &err);
	if (rc)
		return fail(r, rc, &err);
	if (format && strcmp(format, "json")) {
		events_export(r, v, n < limit ? n : limit, csv);
		free(v);
		return;
	}
	items = json_array();
	for (size_t i = 0; i < n && i < limit; i++)
		if (kc_may_read(&r->user, v[i].org_id, event_tlp(&v[i]), NULL))
			json_array_append_new(items, event_json(&v[i]));
	free(v);
	kc_resp_json(r, 200, json_pack("{s:o,s:o}", "items", items, "next_cursor",
				       n > limit ? cursor_encode(f.offset + limit) : json_null()));
}

/* Notices are TLP:AMBER, like the events they carry. */
static json_t *notice_json(const kc_notice_info *n)
{
	return json_pack("{s:I,s:s,s:s,s:s,s:s,s:I,s:b,s:s,s:s,s:s?,s:s?,s:s}", "id", (json_int_t)n->id, "ref", n->ref,
			 "organisation", n->org, "recipient", n->rcpt, "lang", n->lang, "events", (json_int_t)n->events,
			 "urgent", n->high, "state", n->state, "created_at", n->created_at, "acked_at",
			 n->acked_at[0] ? n->acked_at : NULL, "acked_by", n->acked_by[0] ? n->acked_by : NULL, "tlp",
			 kc_tlp_name(KC_TLP_AMBER));
}

static void notices(kc_req *r)
{
	const char *org = kc_req_arg(r, "org");
	kc_notice_info *v;
	int64_t org_id = 0;
	size_t n, limit, offset;
	json_t *items;
	kc_err err;
	int rc;

	if (!page_args(r, &limit, &offset))
		return;
	if (r->user.role == KC_ROLE_PARTNER)
		return kc_resp_error(r, 403, "forbidden", kc_req_tr(r, "you may not see notices"));
	if (org) {
		kc_org o;

		rc = kc_org_get(r->st, org, &o, &err);
		if (rc)
			return fail(r, rc, &err);
		org_id = o.id;
	} else if (r->user.role == KC_ROLE_MEMBER && r->user.norgs == 1) {
		org_id = r->user.orgs[0];
	}
	rc = kc_notice_list(r->st, org_id, limit + 1, offset, &v, &n, &err);
	if (rc)
		return fail(r, rc, &err);
	items = json_array();
	for (size_t i = 0; i < n && i < limit; i++)
		if (kc_may_read(&r->user, v[i].org_id, KC_TLP_AMBER, NULL))
			json_array_append_new(items, notice_json(&v[i]));
	free(v);
	kc_resp_json(r, 200, json_pack("{s:o,s:o}", "items", items, "next_cursor",
				       n > limit ? cursor_encode(offset + limit) : json_null()));
}

/* The notice named in the path, if the user may see it (else 404: its
 * existence is not revealed). */
static int get_notice(kc_req *r, kc_notice_info *n)
{
	kc_err err;

	if (kc_notice_get(r->st, 0, r->params[0], n, &err) || !kc_may_read(&r->user, n->org_id, KC_TLP_AMBER, NULL)) {
		kc_resp_error(r, 404, "not_found", kc_req_tr(r, "no such notice"));
		return 0;
	}
	return 1;
}

static void notice_show(kc_req *r)
{
	kc_notice_info n;
	int64_t *ids = NULL;
	size_t nids = 0;
	json_t *o, *ev;
	kc_err err;
	int rc;

	if (!get_notice(r, &n))
		return;
	rc = kc_notice_events(r->st, n.id, &ids, &nids, &err);
	if (rc)
		return fail(r, rc, &err);
	o = notice_json(&n);
	ev = json_array();
	for (size_t i = 0; i < nids; i++)
		json_array_append_new(ev, json_integer(ids[i]));
	free(ids);
	json_object_set_new(o, "event_ids", ev);
	kc_resp_json(r, 200, o);
}

static void notice_ack(kc_req *r)
{
	kc_notice_info n;
	kc_err err;
	int rc;

	if (!get_notice(r, &n) || !need_csrf(r))
		return;
	if (r->user.role == KC_ROLE_PARTNER)
		return kc_resp_error(r, 403, "forbidden", kc_req_tr(r, "you may not see notices"));
	rc = kc_notice_ack(r->st, n.id, NULL, r->user.name, &n, &err);
	if (rc)
		return fail(r, rc, &err);
	kc_resp_json(r, 200, notice_json(&n));
}

static void me(kc_req *r)
{
	kc_resp_json(r, 200, user_json(&r->user));
}

static json_t *counts_json(const kc_situation_count *v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_pack("{s:s,s:I,s:I,s:I}", "key", v[i].key, "24h", (json_int_t)v[i].d1, "7d",
						   (json_int_t)v[i].d7, "30d", (json_int_t)v[i].d30));
	return a;
}

/* The situational picture: national for the CERT, one's own organisation's
 * for a municipality (org= picks one of a member's organisations). */
static void situation(kc_req *r)
{
	static const char *const sev[] = { "lav", "moderat", "alvorlig", "kritisk" };
	static const char *const phase[] = { "reported", "triage", "handling", "recovery" };
	int cert = r->user.role == KC_ROLE_ADMIN || r->user.role == KC_ROLE_ANALYST;
	const char *org = kc_req_arg(r, "org");
	json_t *bysev = json_object(), *byphase = json_object(), *o;
	int64_t org_id = 0;
	kc_situation sit;
	kc_err err;
	int rc;

	if (org) {
		kc_org og;

		rc = kc_org_get(r->st, org, &og, &err);
		if (rc) {
			json_decref(bysev);
			json_decref(byphase);
			return fail(r, rc, &err);
		}
		org_id = og.id;
	} else if (!cert) {
		org_id = r->user.norgs ? r->user.orgs[0] : -1;
	}
	if (!cert && (org_id <= 0 || !kc_user_in_org(&r->user, org_id))) {
		json_decref(bysev);
		json_decref(byphase);
		return kc_resp_error(r, 403, "forbidden", kc_req_tr(r, "only your own organisation's picture"));
	}
	rc = kc_situation_get(r->st, org_id, &sit, &err);
	if (rc) {
		json_decref(bysev);
		json_decref(byphase);
		return fail(r, rc, &err);
	}
	for (int i = 0; i < 4; i++) {
		json_object_set_new(bysev, sev[i], json_integer(sit.cases_by_severity[i]));
		json_object_set_new(byphase, phase[i], json_integer(sit.cases_by_phase[i]));
	}
	o = json_pack("{s:o,s:o,s:o,s:I,s:I,s:o}", "threat_level",
		      sit.level.level ? json_pack("{s:i,s:s,s:s,s:s}", "level", sit.level.level, "rationale",
						  sit.level.rationale, "set_by", sit.level.set_by, "set_at", sit.level.set_at)
				      : json_null(),
		      "open_cases_by_severity", bysev, "open_cases_by_phase", byphase, "cases_overdue",
		      (json_int_t)sit.cases_overdue, "clocks_due_24h", (json_int_t)sit.clocks_due_24h, "events_by_type",
		      counts_json(sit.types, sit.ntypes));
	if (cert && !org_id)
		json_object_set_new(o, "events_by_organisation", counts_json(sit.orgs, sit.norgs));
	kc_situation_release(&sit);
	if (org_id > 0) {
		json_t *cmp = kc_api_situation_compare(r->st, org_id, &err);

		if (!cmp) {
			json_decref(o);
			return fail(r, KC_ESTORE, &err);
		}
		json_object_set_new(o, "compare", cmp);
	}
	if (kc_api_situation_scan(r->st, &r->user, org_id, o, &err)) {
		json_decref(o);
		return fail(r, KC_ESTORE, &err);
	}
	kc_resp_json(r, 200, o);
}

/* For the handlers in the other api_*.c files (api_internal.h). */
void kc_api_fail(kc_req *r, int rc, const kc_err *err)
{
	fail(r, rc, err);
}

int kc_api_need_csrf(kc_req *r)
{
	return need_csrf(r);
}

int kc_api_page_args(kc_req *r, size_t *limit, size_t *offset)
{
	return page_args(r, limit, offset);
}

void *kc_api_cursor(size_t offset)
{
	return cursor_encode(offset);
}

#define PUBLIC 0
#define AUTH 1

/* The API: one table drives the router and the OpenAPI document. */
static const struct route {
	const char *method, *pattern;
	void (*fn)(kc_req *r);
	int auth;
	const char *summary;
} routes[] = {
	{ "GET", "/api/v1/openapi.json", kc_api_openapi, PUBLIC, "This document" },
	{ "POST", "/api/v1/session", session_create, PUBLIC, "Log in: {name, password}; sets the session cookie, returns the CSRF token" },
	{ "DELETE", "/api/v1/session", session_delete, AUTH, "Log out (X-CSRF-Token)" },
	{ "GET", "/api/v1/me", me, AUTH, "The logged-in user" },
	{ "GET", "/api/v1/orgs", orgs_list, AUTH, "Organisations (kind, county, q, limit, cursor)" },
	{ "GET", "/api/v1/orgs/{org}", org_show, AUTH, "One organisation by kommunenummer, fylkesnummer, slug or #id" },
	{ "GET", "/api/v1/orgs/{org}/contacts", org_contacts, AUTH, "An organisation's contacts (TLP:AMBER)" },
	{ "POST", "/api/v1/orgs/{org}/contacts", org_contact_add, AUTH, "Add a contact (X-CSRF-Token with a session)" },
	{ "PUT", "/api/v1/orgs/{org}/contacts/{id}", org_contact_put, AUTH, "Change a contact (X-CSRF-Token with a session)" },
	{ "GET", "/api/v1/orgs/{org}/assets", org_assets, AUTH, "An organisation's assets (TLP:AMBER)" },
	{ "GET", "/api/v1/events", events, AUTH, "Events from threat feeds (org, type, since, address, limit, cursor; format=csv|jsonl exports; TLP:AMBER)" },
	{ "GET", "/api/v1/notices", notices, AUTH, "Notices sent to organisations (org, limit, cursor; TLP:AMBER)" },
	{ "GET", "/api/v1/notices/{ref}", notice_show, AUTH, "One notice and the ids of its events" },
	{ "POST", "/api/v1/notices/{ref}/ack", notice_ack, AUTH, "Acknowledge a notice (X-CSRF-Token with a session)" },
	{ "GET", "/api/v1/cases", kc_api_cases, AUTH, "Cases: incident reports and incidents (queue, org, classification, q, limit, cursor)" },
	{ "POST", "/api/v1/cases", kc_api_case_create, AUTH, "Report an incident (a municipality for itself; X-CSRF-Token with a session)" },
	{ "GET", "/api/v1/cases/{id}", kc_api_case_show, AUTH, "One case with its timeline, tasks, clocks, observables and related cases" },
	{ "PATCH", "/api/v1/cases/{id}", kc_api_case_update, AUTH, "Triage: status, lessons, severity, tlp, classification, title, assignee (the CERT)" },
	{ "POST", "/api/v1/cases/{id}/messages", kc_api_case_message, AUTH, "Correspondence: a reply to the organisation from the CERT, or a message from the organisation" },
	{ "POST", "/api/v1/cases/{id}/notes", kc_api_case_note, AUTH, "An internal note (the CERT)" },
	{ "POST", "/api/v1/cases/{id}/shares", kc_api_case_share, AUTH, "Share with a partner team: {partner, note} (the CERT)" },
	{ "POST", "/api/v1/cases/{id}/clocks", kc_api_case_clock, AUTH, "Start a legal clock: {kind, from} or stop one: {kind, met: true} (the CERT)" },
	{ "POST", "/api/v1/cases/{id}/attachments", kc_api_case_attach, AUTH, "Add a file: {name, content_type, data (base64)} (1 MiB of JSON at most; larger files through the web form, 10 MiB)" },
	{ "GET", "/api/v1/situation", situation, AUTH, "The situational picture: threat level, open cases, deadlines, events over 24 h / 7 d / 30 d (org)" },
	{ "GET", "/api/v1/campaigns", kc_api_campaigns, AUTH, "Observables two or more cases share, with the cases (the CERT)" },
	{ "GET", "/api/v1/stats/nsm", kc_api_stats_nsm, AUTH, "Statistics for NSM as CSV (period=month|quarter|year, from=YYYY-MM-DD; the CERT)" },
	{ "GET", "/api/v1/findings", kc_api_findings, AUTH, "Scanner findings (org, status, severity, check, limit, cursor; format=csv exports; a municipality its own)" },
	{ "GET", "/api/v1/ratings", kc_api_ratings, AUTH, "Rating per municipality: colour and open findings by severity (county, org; a municipality its own)" },
	{ "GET", "/api/v1/whois", whois, AUTH, "Who owns an IP address, AS number, domain, URL or e-mail address (q)" },
	{ "GET", "/api/v1/advisories", kc_api_advisories, PUBLIC, "Advisories the reader may see (TLP:CLEAR without logging in; drafts for the CERT)" },
	{ "GET", "/api/v1/advisories/{ident}", kc_api_advisory_show, PUBLIC, "One advisory (KCERT-YYYY-NNNN) with its products, CVEs, remediations, references and revisions" },
	{ "GET", "/api/v1/users", users, AUTH, "Users (admin)" },
	{ "GET", "/api/v1/audit", audit, AUTH, "The audit log, newest first (admin; limit, cursor)" },
};

void kc_api_route(kc_req *r)
{
	int path_known = 0;

	for (size_t i = 0; i < KC_ARRAY_LEN(routes); i++) {
		if (!match(r, routes[i].pattern))
			continue;
		path_known = 1;
		if (strcmp(r->method, routes[i].method))
			continue;
		if (routes[i].auth && !need_auth(r))
			return;
		routes[i].fn(r);
		return;
	}
	if (path_known)
		return kc_resp_error(r, 405, "method_not_allowed", kc_req_tr(r, "method not allowed"));
	kc_resp_error(r, 404, "not_found", kc_req_tr(r, "no such resource"));
}

void kc_api_openapi(kc_req *r)
{
	json_t *paths = json_object();

	for (size_t i = 0; i < KC_ARRAY_LEN(routes); i++) {
		json_t *item = json_object_get(paths, routes[i].pattern), *params = json_array();
		char method[8];
		size_t k;

		if (!item) {
			item = json_object();
			json_object_set_new(paths, routes[i].pattern, item);
		}
		for (k = 0; routes[i].method[k] && k + 1 < sizeof(method); k++)
			method[k] = (char)(routes[i].method[k] | 0x20);
		method[k] = '\0';
		if (strstr(routes[i].pattern, "{org}"))
			json_array_append_new(params, json_pack("{s:s,s:s,s:b,s:{s:s}}", "name", "org", "in", "path",
								"required", 1, "schema", "type", "string"));
		if (strstr(routes[i].pattern, "{id}"))
			json_array_append_new(params, json_pack("{s:s,s:s,s:b,s:{s:s}}", "name", "id", "in", "path",
								"required", 1, "schema", "type", "integer"));
		json_object_set_new(item, method,
				    json_pack("{s:s,s:o,s:o,s:{s:{s:s},s:{s:s}}}", "summary", routes[i].summary,
					      "parameters", params, "security",
					      routes[i].auth ? json_pack("[{s:[]},{s:[]}]", "session", "token")
							     : json_array(),
					      "responses", "200", "description", "OK", "default", "description",
					      "Error: {\"error\": {\"code\", \"message\"}}"));
	}
	kc_resp_json(r, 200,
		     json_pack("{s:s,s:{s:s,s:s},s:o,s:{s:{s:{s:s,s:s,s:s},s:{s:s,s:s}}}}", "openapi", "3.1.0", "info",
			       "title", "kcert API", "version", KCERT_VERSION, "paths", paths, "components",
			       "securitySchemes", "session", "type", "apiKey", "in", "cookie", "name", "kcert_session",
			       "token", "type", "http", "scheme", "bearer"));
}
