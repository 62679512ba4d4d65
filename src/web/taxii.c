/*
 * taxii.c - a read-only TAXII 2.1 server under /taxii2/: discovery, one API
 * root (/taxii2/kcert/), a collection per community and TLP of the share
 * marks, their objects (added_after, limit, next, match[type|id|version|
 * spec_version]), single objects, versions and the manifest.
 *
 * Who sees what (docs/kcert-share.md): the CERT (admin, analyst) every
 * collection; a partner CERT the CLEAR and GREEN collections, and the AMBER
 * one of each community its organisation is a member of; a municipality user
 * every collection, but in it only the objects about their own
 * organisations (and the identity and marking definitions). Every object
 * also passes kc_may_read(). can_write is false everywhere.
 */
#include <jansson.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "auth/visibility.h"
#include "share/share.h"
#include "web/web.h"
#include "base/kc.h"

#define TAXII_TYPE "application/taxii+json;version=2.1"
#define STIX_TYPE "application/stix+json;version=2.1"
#define ROOT "/taxii2/kcert/"
#define COLLECTION_NS "5b0d3c1e-7c2a-4f7e-9a51-2d6c8e4b9f30"
#define PAGE_DEFAULT 100
#define MAX_CONTENT (10u << 20)

static void set_header(kc_req *r, const char *name, const char *value)
{
	for (size_t i = 0; i < KC_ARRAY_LEN(r->headers); i++)
		if (!r->headers[i][0][0] || !strcasecmp(r->headers[i][0], name)) {
			snprintf(r->headers[i][0], sizeof(r->headers[i][0]), "%s", name);
			snprintf(r->headers[i][1], sizeof(r->headers[i][1]), "%s", value);
			return;
		}
}

static void reply(kc_req *r, int status, json_t *body)
{
	char *text = json_dumps(body, JSON_COMPACT);

	kc_buf_clear(&r->out);
	kc_buf_adds(&r->out, text ? text : "{}");
	kc_buf_addc(&r->out, '\n');
	free(text);
	json_decref(body);
	r->status = status;
	r->content_type = TAXII_TYPE;
}

static void error(kc_req *r, int status, const char *title, const char *description)
{
	char code[8];

	snprintf(code, sizeof(code), "%d", status);
	reply(r, status, json_pack("{s:s,s:s,s:s}", "title", title, "description", description, "http_status", code));
}

/* The Accept header: absent, * / *, or TAXII 2.1's media type. */
static int accept_ok(kc_req *r)
{
	const char *a = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Accept");
	const char *v;

	if (!a || !*a || strstr(a, "*/*"))
		return 1;
	if (!strcasestr(a, "application/taxii+json"))
		return 0;
	v = strcasestr(a, "version=");
	return !v || !strncmp(v + 8, "2.1", 3);
}

typedef struct coll {
	char id[37];
	char community[KC_COMMUNITY_MAX + 1];
	kc_tlp tlp;
	int can_read;
} coll;

static int user_is_cert(const kc_user *u)
{
	return u->role == KC_ROLE_ADMIN || u->role == KC_ROLE_ANALYST;
}

static int partner_member(kc_req *r, const char *community)
{
	kc_err err;

	for (size_t i = 0; i < r->user.norgs; i++)
		if (kc_share_is_member(r->st, community, r->user.orgs[i], &err))
			return 1;
	return 0;
}

static int collections(kc_req *r, coll **out, size_t *n, kc_err *err)
{
	kc_stmt *s;
	int rc = kc_store_query(r->st, err, &s, "SELECT DISTINCT community, tlp FROM share_mark ORDER BY community, tlp", ""),
	    step;
	size_t cap = 0;

	*out = NULL;
	*n = 0;
	if (rc)
		return rc;
	while ((step = kc_stmt_step(s, err)) == KC_ROW) {
		char name[200];
		coll *c;

		if (*n == cap) {
			coll *v = realloc(*out, (cap = cap ? cap * 2 : 8) * sizeof(**out));

			if (!v) {
				step = KC_ENOMEM;
				break;
			}
			*out = v;
		}
		c = &(*out)[(*n)++];
		memset(c, 0, sizeof(*c));
		snprintf(c->community, sizeof(c->community), "%s", kc_stmt_text(s, 0));
		kc_tlp_parse(kc_stmt_text(s, 1), &c->tlp);
		snprintf(name, sizeof(name), "collection|%s|%s", c->community, kc_tlp_name(c->tlp));
		kc_uuid5(COLLECTION_NS, name, strlen(name), c->id);
		c->can_read = user_is_cert(&r->user) || r->user.role == KC_ROLE_MEMBER ||
			      (r->user.role == KC_ROLE_PARTNER && (c->tlp <= KC_TLP_GREEN || partner_member(r, c->community)));
	}
	kc_stmt_finalize(s);
	if (step < 0) {
		free(*out);
		*out = NULL;
		*n = 0;
		return step;
	}
	return KC_OK;
}

static json_t *coll_json(const coll *c)
{
	char title[120], desc[200];

	snprintf(title, sizeof(title), "%s TLP:%s", c->community, kc_tlp_name(c->tlp));
	snprintf(desc, sizeof(desc), "What KommuneCERT shares with the community %s at TLP:%s", c->community,
		 kc_tlp_name(c->tlp));
	return json_pack("{s:s,s:s,s:s,s:b,s:b,s:[s]}", "id", c->id, "title", title, "description", desc, "can_read",
			 c->can_read, "can_write", 0, "media_types", STIX_TYPE);
}

/* May the user see this object of a collection they may read? */
static int visible(kc_req *r, const coll *c, const kc_share_obj *o, int member)
{
	int64_t org = r->user.orgs[0];
	kc_share sh = { member ? &org : NULL, member ? 1 : 0, NULL, 0 };

	if (o->tlp != c->tlp || strcmp(o->community, c->community))
		return 0;
	if (o->org_id == -1)
		return 1;
	if (r->user.role == KC_ROLE_MEMBER && !(o->org_id > 0 && kc_user_in_org(&r->user, o->org_id)))
		return 0;
	return kc_may_read(&r->user, o->org_id > 0 ? o->org_id : 0, o->tlp, &sh);
}

static const char *query_get(void *ctx, const char *name)
{
	return kc_req_arg(ctx, name);
}

enum what { OBJECTS, OBJECT, VERSIONS, MANIFEST };

static void serve_objects(kc_req *r, const coll *c, enum what w, const char *oid)
{
	kc_share_filter f = { c->community, NULL };
	kc_taxii_query q;
	kc_share_set set;
	json_t *list = json_array(), *body;
	size_t limit, matched = 0, shown = 0;
	char first[32] = "", last[32] = "";
	int member = r->user.role == KC_ROLE_PARTNER && r->user.norgs && partner_member(r, c->community);
	kc_err err;
	int rc;

	kc_err_clear(&err);
	if ((rc = kc_taxii_query_parse(query_get, r, &q, &err))) {
		json_decref(list);
		return error(r, 400, "bad query", err.msg);
	}
	if (oid) {
		if (q.nids) {
			json_decref(list);
			return error(r, 400, "bad query", "match[id] is not allowed here");
		}
		snprintf(q.ids[0], sizeof(q.ids[0]), "%s", oid);
		q.nids = 1;
	}
	if ((rc = kc_share_collect(r->st, &f, &set, &err))) {
		json_decref(list);
		kc_error("taxii: %s", err.msg);
		return error(r, 500, "internal error", "the store failed");
	}
	limit = q.limit ? q.limit : PAGE_DEFAULT;
	for (size_t i = 0; i < set.n; i++) {
		const kc_share_obj *o = &set.v[i];

		if (!visible(r, c, o, member) || !kc_taxii_match(&q, o))
			continue;
		if (q.added_after[0] && strcmp(o->date_added, q.added_after) <= 0)
			continue;
		if (matched++ < q.offset)
			continue;
		if (shown == limit)
			continue;
		shown++;
		if (!first[0])
			snprintf(first, sizeof(first), "%s", o->date_added);
		snprintf(last, sizeof(last), "%s", o->date_added);
		if (w == MANIFEST)
			json_array_append_new(list, json_pack("{s:s,s:s,s:s,s:s}", "id", o->id, "date_added", o->date_added,
							      "version", o->version, "media_type", STIX_TYPE));
		else if (w == VERSIONS)
			json_array_append_new(list, json_string(o->version));
		else
			json_array_append(list, o->json);
	}
	kc_share_set_release(&set);
	if (oid && !matched) {
		json_decref(list);
		return error(r, 404, "not found", "no such object in this collection");
	}
	body = json_pack("{s:b}", "more", matched > q.offset + shown);
	if (matched > q.offset + shown) {
		char next[96];

		kc_taxii_next_encode(q.offset + shown, q.added_after, next);
		json_object_set_new(body, "next", json_string(next));
	}
	if (json_array_size(list))
		json_object_set_new(body, w == MANIFEST ? "objects" : w == VERSIONS ? "versions" : "objects", list);
	else
		json_decref(list);
	if (first[0]) {
		set_header(r, "X-TAXII-Date-Added-First", first);
		set_header(r, "X-TAXII-Date-Added-Last", last);
	}
	reply(r, 200, body);
}

static void base_url(kc_req *r, char *out, size_t cap)
{
	const char *host = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Host");

	if (!host || strpbrk(host, " \"<>\\/") || strlen(host) > 200)
		host = "localhost";
	snprintf(out, cap, "%s://%s", r->cfg->secure_cookies ? "https" : "http", host);
}

void kc_taxii_route(kc_req *r)
{
	char path[512], url[300], root[400], seg[5][128];
	const char *p;
	coll *cs = NULL;
	size_t ncs = 0, nseg = 0, len;
	kc_err err;

	if (!r->authed) {
		set_header(r, "WWW-Authenticate", "Basic realm=\"kcert TAXII\", Bearer realm=\"kcert TAXII\"");
		return error(r, 401, "unauthorized", "give an API token: Authorization: Bearer TOKEN, or Basic with the token as password");
	}
	if (!accept_ok(r))
		return error(r, 406, "not acceptable", "this server speaks " TAXII_TYPE);
	if (strcmp(r->method, "GET") && strcmp(r->method, "HEAD"))
		return error(r, 405, "method not allowed", "the collections here are read-only");
	snprintf(path, sizeof(path), "%s", r->path);
	len = strlen(path);
	if (len && path[len - 1] != '/' && len + 1 < sizeof(path))
		snprintf(path + len, sizeof(path) - len, "/");
	base_url(r, url, sizeof(url));
	if (!strcmp(path, "/taxii2/")) {
		snprintf(root, sizeof(root), "%s%s", url, ROOT);
		return reply(r, 200,
			     json_pack("{s:s,s:s,s:s,s:s,s:[s]}", "title", "KommuneCERT TAXII", "description",
				       "Indicators, observations, reports and vulnerabilities KommuneCERT shares", "contact",
				       "KommuneCERT", "default", root, "api_roots", root));
	}
	if (strncmp(path, ROOT, strlen(ROOT)))
		return error(r, 404, "not found", "no such API root");
	p = path + strlen(ROOT);
	while (*p && nseg < 5) {
		const char *slash = strchr(p, '/');
		size_t n = (size_t)(slash - p);

		if (!slash || !n || n >= sizeof(seg[0]))
			return error(r, 404, "not found", "no such resource");
		memcpy(seg[nseg], p, n);
		seg[nseg++][n] = '\0';
		p = slash + 1;
	}
	if (*p)
		return error(r, 404, "not found", "no such resource");
	if (nseg == 0)
		return reply(r, 200, json_pack("{s:s,s:s,s:[s],s:I}", "title", "kcert", "description",
					       "KommuneCERT's shared collections", "versions", TAXII_TYPE,
					       "max_content_length", (json_int_t)MAX_CONTENT));
	if (strcmp(seg[0], "collections"))
		return error(r, 404, "not found", "no such resource");
	kc_err_clear(&err);
	if (collections(r, &cs, &ncs, &err)) {
		kc_error("taxii: %s", err.msg);
		return error(r, 500, "internal error", "the store failed");
	}
	if (nseg == 1) {
		json_t *list = json_array();

		for (size_t i = 0; i < ncs; i++)
			json_array_append_new(list, coll_json(&cs[i]));
		free(cs);
		return reply(r, 200, json_array_size(list) ? json_pack("{s:o}", "collections", list) : (json_decref(list), json_object()));
	}
	{
		const coll *c = NULL;

		for (size_t i = 0; i < ncs && !c; i++)
			if (!strcmp(cs[i].id, seg[1]))
				c = &cs[i];
		if (!c) {
			free(cs);
			return error(r, 404, "not found", "no such collection");
		}
		if (nseg == 2)
			reply(r, 200, coll_json(c));
		else if (!c->can_read)
			error(r, 403, "forbidden", "you may not read this collection");
		else if (nseg == 3 && !strcmp(seg[2], "objects"))
			serve_objects(r, c, OBJECTS, NULL);
		else if (nseg == 3 && !strcmp(seg[2], "manifest"))
			serve_objects(r, c, MANIFEST, NULL);
		else if (nseg == 4 && !strcmp(seg[2], "objects"))
			serve_objects(r, c, OBJECT, seg[3]);
		else if (nseg == 5 && !strcmp(seg[2], "objects") && !strcmp(seg[4], "versions"))
			serve_objects(r, c, VERSIONS, seg[3]);
		else
			error(r, 404, "not found", "no such resource");
		free(cs);
	}
}
