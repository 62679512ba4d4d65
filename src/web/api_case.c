/*
 * api_case.c - cases in the JSON API. A municipality reports incidents for
 * its own organisations, sees its cases and their correspondence (never the
 * CERT's internal notes), and writes to them; the CERT triages, replies,
 * shares and closes. Visibility is kc_case_get's (TLP and organisation).
 */
#include <jansson.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "auth/visibility.h"
#include "case/case.h"
#include "org/org.h"
#include "web/api_internal.h"
#include "base/kc.h"

static int is_cert(const kc_req *r)
{
	return r->user.role == KC_ROLE_ADMIN || r->user.role == KC_ROLE_ANALYST;
}

static kc_actor actor_of(kc_req *r)
{
	kc_actor a = { .user = &r->user, .name = r->user.name };

	return a;
}

static json_t *str_or_null(const char *s)
{
	return s && *s ? json_string(s) : json_null();
}

static json_t *case_json(const kc_case *c)
{
	json_t *o = json_pack("{s:I,s:s,s:s,s:s,s:s,s:o,s:o,s:o,s:o,s:s,s:o,s:s,s:o,s:o,s:o,s:b,s:s,s:s}", "id",
			      (json_int_t)c->id, "kind", c->kind, "title", c->title, "status", c->status, "severity",
			      c->severity, "taxonomy", str_or_null(c->taxonomy), "type", str_or_null(c->type), "organisation",
			      str_or_null(c->org), "assignee", str_or_null(c->assignee), "tlp", c->tlp, "reporter",
			      str_or_null(c->reporter), "channel", c->channel, "first_response_due",
			      str_or_null(c->first_response_due), "first_response_at", str_or_null(c->first_response_at),
			      "next_due", str_or_null(c->next_due), "overdue", c->overdue, "created_at", c->created_at,
			      "updated_at", c->updated_at);

	if (c->parent_id)
		json_object_set_new(o, "merged_into", json_integer(c->parent_id));
	if (c->description) {
		json_object_set_new(o, "description", json_string(c->description));
		json_object_set_new(o, "systems", json_string(c->systems));
		json_object_set_new(o, "personal_data", json_string(c->personal_data));
		json_object_set_new(o, "services_down", json_string(c->services_down));
		json_object_set_new(o, "reported_to", json_string(c->reported_to));
		json_object_set_new(o, "discovered_at", str_or_null(c->discovered_at));
		json_object_set_new(o, "lessons", str_or_null(c->lessons));
	}
	return o;
}

static int64_t path_id(kc_req *r)
{
	char *end;
	long long v = strtoll(r->params[0], &end, 10);

	return *end || v <= 0 ? 0 : v;
}

/* The JSON body as an object, or a 400 answered. */
static json_t *body_object(kc_req *r)
{
	json_error_t jerr;
	json_t *b = json_loadb(kc_buf_str(&r->body), r->body.len, JSON_REJECT_DUPLICATES, &jerr);

	if (!json_is_object(b)) {
		json_decref(b);
		kc_resp_error(r, 400, "invalid", kc_req_tr(r, "send a JSON object"));
		return NULL;
	}
	return b;
}

static const char *sfield(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

void kc_api_cases(kc_req *r)
{
	kc_case_filter f = { .queue = kc_req_arg(r, "queue"), .taxonomy = kc_req_arg(r, "classification"),
			     .search = kc_req_arg(r, "q") };
	kc_actor a = actor_of(r);
	const char *org = kc_req_arg(r, "org");
	size_t limit, n;
	json_t *items;
	kc_case *v;
	kc_err err;
	int rc;

	if (!kc_api_page_args(r, &limit, &f.offset))
		return;
	if (org) {
		kc_org o;

		rc = kc_org_get(r->st, org, &o, &err);
		if (rc)
			return kc_api_fail(r, rc, &err);
		f.org_id = o.id;
	}
	f.limit = limit + 1;
	rc = kc_case_list(r->st, &a, &f, &v, &n, &err);
	if (rc)
		return kc_api_fail(r, rc, &err);
	items = json_array();
	for (size_t i = 0; i < n && i < limit; i++)
		json_array_append_new(items, case_json(&v[i]));
	free(v);
	kc_resp_json(r, 200, json_pack("{s:o,s:o}", "items", items, "next_cursor",
				       n > limit ? (json_t *)kc_api_cursor(f.offset + limit) : json_null()));
}

void kc_api_case_create(kc_req *r)
{
	kc_actor a = actor_of(r);
	kc_case_new n = { .channel = "api" };
	char tax[64] = "", type[64] = "";
	const char *org, *cls;
	int64_t id;
	json_t *b;
	kc_case c;
	kc_err err;
	int rc;

	if (!kc_api_need_csrf(r) || !(b = body_object(r)))
		return;
	if (r->user.role == KC_ROLE_PARTNER) {
		json_decref(b);
		return kc_resp_error(r, 403, "forbidden", kc_req_tr(r, "partners report to their own team"));
	}
	n.title = sfield(b, "title");
	n.description = sfield(b, "description");
	n.discovered_at = sfield(b, "discovered_at");
	n.systems = sfield(b, "systems");
	n.personal_data = sfield(b, "personal_data");
	n.services_down = sfield(b, "services_down");
	n.reported_to = sfield(b, "reported_to");
	n.tlp = sfield(b, "tlp");
	n.reporter = r->user.name;
	if (sfield(b, "channel") && !strcmp(sfield(b, "channel"), "web"))
		n.channel = "web";
	if (is_cert(r)) {
		n.severity = sfield(b, "severity");
		n.reporter_email = sfield(b, "reporter_email");
		if (sfield(b, "kind"))
			n.kind = sfield(b, "kind");
		if ((cls = sfield(b, "classification")) && sscanf(cls, "%63[^/]/%63s", tax, type) == 2) {
			n.taxonomy = tax;
			n.type = type;
		}
	}
	org = sfield(b, "org");
	if (org) {
		kc_org o;

		rc = kc_org_get(r->st, org, &o, &err);
		if (rc) {
			json_decref(b);
			return kc_api_fail(r, rc, &err);
		}
		n.org_id = o.id;
	} else if (r->user.role == KC_ROLE_MEMBER && r->user.norgs == 1) {
		n.org_id = r->user.orgs[0];
	}
	if (r->user.role == KC_ROLE_MEMBER && (!n.org_id || !kc_user_in_org(&r->user, n.org_id))) {
		json_decref(b);
		return kc_resp_error(r, 403, "forbidden", kc_req_tr(r, "report for your own organisation (org)"));
	}
	rc = kc_case_create(r->st, &a, &n, &id, &err);
	json_decref(b);
	if (!rc)
		rc = kc_case_get(r->st, &a, id, &c, &err);
	if (rc)
		return kc_api_fail(r, rc, &err);
	kc_resp_json(r, 201, case_json(&c));
	kc_case_release(&c);
}

void kc_api_case_show(kc_req *r)
{
	kc_actor a = actor_of(r);
	int64_t id = path_id(r);
	kc_case_detail d;
	json_t *o, *arr;
	kc_case c;
	kc_err err;
	int rc;

	rc = kc_case_get(r->st, &a, id, &c, &err);
	if (!rc)
		rc = kc_case_detail_get(r->st, &a, id, &d, &err);
	if (rc) {
		if (rc == KC_ENOENT)
			return kc_resp_error(r, 404, "not_found", kc_req_tr(r, "no such case"));
		return kc_api_fail(r, rc, &err);
	}
	o = case_json(&c);
	kc_case_release(&c);
	arr = json_array();
	for (size_t i = 0; i < d.nentries; i++)
		json_array_append_new(arr, json_pack("{s:I,s:s,s:s,s:s,s:b,s:s,s:o}", "id", (json_int_t)d.entries[i].id, "at",
						     d.entries[i].at, "actor", d.entries[i].actor, "kind", d.entries[i].kind,
						     "internal", d.entries[i].internal, "body", d.entries[i].body, "delivery",
						     str_or_null(d.entries[i].outbox_state)));
	json_object_set_new(o, "timeline", arr);
	arr = json_array();
	for (size_t i = 0; i < d.ntasks; i++)
		json_array_append_new(arr, json_pack("{s:I,s:s,s:o}", "position", (json_int_t)d.tasks[i].position, "title",
						     kc_req_tr(r, d.tasks[i].title), "done_at", str_or_null(d.tasks[i].done_at)));
	json_object_set_new(o, "tasks", arr);
	arr = json_array();
	for (size_t i = 0; i < d.nclocks; i++)
		json_array_append_new(arr, json_pack("{s:s,s:s,s:s,s:o,s:b}", "kind", d.clocks[i].kind, "started_at",
						     d.clocks[i].started_at, "due_at", d.clocks[i].due_at, "met_at",
						     str_or_null(d.clocks[i].met_at), "overdue", d.clocks[i].overdue));
	json_object_set_new(o, "clocks", arr);
	arr = json_array();
	for (size_t i = 0; i < d.nobservables; i++)
		json_array_append_new(arr, json_pack("{s:s,s:s}", "kind", d.observables[i].kind, "value",
						     d.observables[i].value));
	json_object_set_new(o, "observables", arr);
	arr = json_array();
	for (size_t i = 0; i < d.nlinks; i++)
		json_array_append_new(arr, json_pack("{s:I,s:s,s:s,s:s}", "case", (json_int_t)d.links[i].case_id, "title",
						     d.links[i].title, "kind", d.links[i].kind, "value", d.links[i].value));
	json_object_set_new(o, "related", arr);
	arr = json_array();
	for (size_t i = 0; i < d.nshares && is_cert(r); i++)
		json_array_append_new(arr, json_pack("{s:s,s:s,s:s,s:s,s:o,s:o}", "partner", d.shares[i].partner, "at",
						     d.shares[i].at, "tlp", d.shares[i].tlp, "recipient", d.shares[i].rcpt,
						     "their_ref", str_or_null(d.shares[i].their_ref), "delivery",
						     str_or_null(d.shares[i].state)));
	json_object_set_new(o, "shares", arr);
	{
		kc_case_attachment *att = NULL;
		size_t natt = 0;

		arr = json_array();
		if (!kc_case_attachments(r->st, &a, id, &att, &natt, &err))
			for (size_t i = 0; i < natt; i++)
				json_array_append_new(arr, json_pack("{s:I,s:s,s:s,s:I,s:s,s:b}", "id", (json_int_t)att[i].id, "name",
								     att[i].name, "content_type", att[i].content_type, "size",
								     (json_int_t)att[i].size, "sha256", att[i].sha256, "kept",
								     att[i].kept));
		free(att);
		json_object_set_new(o, "attachments", arr);
	}
	kc_case_detail_release(&d);
	kc_resp_json(r, 200, o);
}

/* Answer with the case as it is now. */
static void respond_case(kc_req *r, int64_t id, int status)
{
	kc_actor a = actor_of(r);
	kc_case c;
	kc_err err;
	int rc = kc_case_get(r->st, &a, id, &c, &err);

	if (rc)
		return kc_api_fail(r, rc, &err);
	kc_resp_json(r, status, case_json(&c));
	kc_case_release(&c);
}

static int cert_only(kc_req *r)
{
	if (is_cert(r))
		return 1;
	kc_resp_error(r, 403, "forbidden", kc_req_tr(r, "only the CERT's analysts do this"));
	return 0;
}

/* A case the user may not see is 404 before anything else. */
static int visible(kc_req *r, int64_t id)
{
	kc_actor a = actor_of(r);
	kc_case c;
	kc_err err;

	if (id && kc_case_get(r->st, &a, id, &c, &err) == KC_OK) {
		kc_case_release(&c);
		return 1;
	}
	kc_resp_error(r, 404, "not_found", kc_req_tr(r, "no such case"));
	return 0;
}

/* What every change of a case begins with: the case visible to the user,
 * the CERT's when cert_needed, the CSRF token, a JSON object. NULL when
 * one of them failed and the answer is given. */
static json_t *change_body(kc_req *r, int64_t id, int cert_needed)
{
	if (!visible(r, id) || (cert_needed && !cert_only(r)) || !kc_api_need_csrf(r))
		return NULL;
	return body_object(r);
}

/* ... and ends with: the error, or the case as it is now. */
static void change_done(kc_req *r, json_t *b, int rc, const kc_err *err, int64_t id, int status)
{
	json_decref(b);
	if (rc)
		return kc_api_fail(r, rc, err);
	respond_case(r, id, status);
}

void kc_api_case_update(kc_req *r)
{
	const char *status, *lessons, *sev, *tlp, *title, *cls;
	kc_actor a = actor_of(r);
	int64_t id = path_id(r);
	char tax[64] = "", type[64] = "";
	json_t *b, *assignee;
	kc_err err;
	int rc = KC_OK;

	if (!(b = change_body(r, id, 1)))
		return;
	status = sfield(b, "status");
	lessons = sfield(b, "lessons");
	sev = sfield(b, "severity");
	tlp = sfield(b, "tlp");
	title = sfield(b, "title");
	cls = sfield(b, "classification");
	if (cls && sscanf(cls, "%63[^/]/%63s", tax, type) != 2) {
		json_decref(b);
		return kc_resp_error(r, 400, "invalid", kc_req_tr(r, "classification is TAXONOMY/TYPE (RSIT)"));
	}
	if (cls || sev || tlp || title)
		rc = kc_case_classify(r->st, &a, id, cls ? tax : NULL, cls ? type : NULL, sev, tlp, title, &err);
	assignee = json_object_get(b, "assignee");
	if (!rc && assignee)
		rc = kc_case_assign(r->st, &a, id, json_is_string(assignee) ? json_string_value(assignee) : NULL, &err);
	if (!rc && status)
		rc = kc_case_set_status(r->st, &a, id, status, lessons, &err);
	change_done(r, b, rc, &err, id, 200);
}

void kc_api_case_message(kc_req *r)
{
	kc_actor a = actor_of(r);
	int64_t id = path_id(r);
	const char *text;
	json_t *b;
	kc_err err;
	int rc;

	if (!(b = change_body(r, id, 0)))
		return;
	text = sfield(b, "text");
	rc = is_cert(r) ? kc_case_reply(r->st, &a, id, sfield(b, "to"), text, &err) : kc_case_message(r->st, &a, id, text, &err);
	change_done(r, b, rc, &err, id, 201);
}

void kc_api_case_note(kc_req *r)
{
	kc_actor a = actor_of(r);
	int64_t id = path_id(r);
	json_t *b;
	kc_err err;
	int rc;

	if (!(b = change_body(r, id, 1)))
		return;
	rc = kc_case_note(r->st, &a, id, sfield(b, "text"), &err);
	change_done(r, b, rc, &err, id, 201);
}

void kc_api_case_share(kc_req *r)
{
	kc_actor a = actor_of(r);
	int64_t id = path_id(r);
	const char *partner;
	json_t *b;
	kc_org p;
	kc_err err;
	int rc;

	if (!(b = change_body(r, id, 1)))
		return;
	partner = sfield(b, "partner");
	rc = partner ? kc_org_get(r->st, partner, &p, &err) : kc_err_set(&err, KC_EINVAL, "%s", kc_req_tr(r, "give partner"));
	if (!rc)
		rc = kc_case_share(r->st, &a, id, p.id, sfield(b, "note"), &err);
	change_done(r, b, rc, &err, id, 201);
}

void kc_api_case_clock(kc_req *r)
{
	kc_actor a = actor_of(r);
	int64_t id = path_id(r);
	const char *kind;
	json_t *b;
	kc_err err;
	int rc;

	if (!(b = change_body(r, id, 1)))
		return;
	kind = sfield(b, "kind");
	if (!kind)
		rc = kc_err_set(&err, KC_EINVAL, "%s", kc_req_tr(r, "give kind"));
	else if (json_is_true(json_object_get(b, "met")))
		rc = kc_case_clock_met(r->st, &a, id, kind, &err);
	else
		rc = kc_case_clock_start(r->st, &a, id, kind, sfield(b, "from"), &err);
	change_done(r, b, rc, &err, id, 201);
}

void kc_api_campaigns(kc_req *r)
{
	kc_actor a = actor_of(r);
	kc_campaign *v = NULL;
	json_t *items;
	size_t n = 0;
	kc_err err;
	int rc;

	rc = kc_case_campaigns(r->st, &a, &v, &n, &err);
	if (rc)
		return kc_api_fail(r, rc, &err);
	items = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *cases = json_array();

		for (size_t k = 0; k < v[i].nlisted; k++)
			json_array_append_new(cases, json_pack("{s:I,s:s,s:s,s:o}", "id", (json_int_t)v[i].cases[k].id, "title",
								v[i].cases[k].title, "status", v[i].cases[k].status,
								"organisation", str_or_null(v[i].cases[k].org)));
		json_array_append_new(items, json_pack("{s:s,s:s,s:I,s:o}", "kind", v[i].kind, "value", v[i].value, "cases_total",
							(json_int_t)v[i].ncases, "cases", cases));
	}
	free(v);
	kc_resp_json(r, 200, json_pack("{s:o}", "items", items));
}

/* POST .../attachments {"name", "content_type", "data": base64} */
void kc_api_case_attach(kc_req *r)
{
	kc_actor a = actor_of(r);
	int64_t id = path_id(r);
	const char *name, *b64;
	size_t cap, len = 0;
	char *data;
	json_t *b;
	kc_err err;
	int rc;

	if (!(b = change_body(r, id, 0)))
		return;
	name = sfield(b, "name");
	b64 = sfield(b, "data");
	if (!name || !*name || !b64) {
		json_decref(b);
		return kc_resp_error(r, 400, "invalid", kc_req_tr(r, "send {\"name\": ..., \"data\": base64}"));
	}
	cap = strlen(b64) / 4 * 3 + 3;
	data = malloc(cap + 1);
	if (!data || sodium_base642bin((unsigned char *)data, cap, b64, strlen(b64), "\r\n", &len, NULL,
				       sodium_base64_VARIANT_ORIGINAL)) {
		free(data);
		json_decref(b);
		return kc_resp_error(r, 400, "invalid", kc_req_tr(r, "data is not base64"));
	}
	rc = kc_case_attach(r->st, &a, id, name, sfield(b, "content_type"), data, len, &err);
	free(data);
	change_done(r, b, rc, &err, id, 201);
}
