/*
 * api_scan.c - the scanner's findings and ratings in the JSON API.
 *
 * The CERT (admin, analyst) sees every organisation; a municipality's member
 * only its own organisations (the filter is applied in the query, so other
 * organisations' findings are never read); partners see none.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "auth/visibility.h"
#include "base/csv.h"
#include "web/route.h"
#include "org/org.h"
#include "scan/finding.h"
#include "web/api_internal.h"
#include "base/kc.h"

static int is_cert(const kc_req *r)
{
	return r->user.role == KC_ROLE_ADMIN || r->user.role == KC_ROLE_ANALYST;
}

/* The organisation of ?org=, checked against the user; 0 when none. -1 when answered. */
static int64_t org_arg(kc_req *r)
{
	const char *org = kc_req_arg(r, "org");
	kc_org o;
	kc_err err;
	int rc;

	if (r->user.role == KC_ROLE_PARTNER) {
		kc_resp_error(r, 403, "forbidden", kc_req_tr(r, "scan findings are for the CERT and the municipalities"));
		return -1;
	}
	if (!org)
		return 0;
	rc = kc_org_get(r->st, org, &o, &err);
	if (rc) {
		kc_api_fail(r, rc, &err);
		return -1;
	}
	if (!is_cert(r) && !kc_user_in_org(&r->user, o.id)) {
		kc_resp_error(r, 403, "forbidden", kc_req_tr(r, "only your own organisation's findings"));
		return -1;
	}
	return o.id;
}

/* The largest CSV export. */
#define FINDINGS_EXPORT_MAX 100000

/* format=csv: the same rows as a spreadsheet, with the title translated. */
static void findings_csv(kc_req *r, const kc_finding_row *v, size_t n)
{
	kc_buf *b = &r->out;

	kc_buf_clear(b);
	kc_buf_adds(b, "id,org,org_name,check,target,port,host,severity,confidence,title,status,cpe,first_seen,"
		       "last_seen,fixed_at,accept_reason,accept_until,accept_by\r\n");
	for (size_t i = 0; i < n; i++) {
		const kc_finding_row *f = &v[i];

		kc_buf_addf(b, "%lld,", (long long)f->id);
		kc_csv_field(b, f->org_code[0] ? f->org_code : f->org_slug);
		kc_buf_addc(b, ',');
		kc_csv_field(b, f->org_name);
		kc_buf_addc(b, ',');
		kc_csv_field(b, f->check);
		kc_buf_addc(b, ',');
		kc_csv_field(b, f->target);
		kc_buf_addf(b, ",%d,", f->port);
		kc_csv_field(b, f->host);
		kc_buf_addf(b, ",%s,%d,", f->severity, f->confidence);
		kc_csv_field(b, kc_req_tr(r, f->title));
		kc_buf_addf(b, ",%s,", f->status);
		kc_csv_field(b, f->cpe);
		kc_buf_addf(b, ",%s,%s,%s,", f->first_seen, f->last_seen, f->fixed_at);
		kc_csv_field(b, f->accept_reason);
		kc_buf_addf(b, ",%s,", f->accept_until);
		kc_csv_field(b, f->accept_by);
		kc_buf_adds(b, "\r\n");
	}
	r->status = 200;
	r->content_type = "text/csv; charset=utf-8";
	snprintf(r->disposition, sizeof(r->disposition), "attachment; filename=\"kcert-findings.csv\"");
}

void kc_api_findings(kc_req *r)
{
	kc_finding_filter f = { 0 };
	const char *status = kc_req_arg(r, "status"), *sev = kc_req_arg(r, "severity");
	const char *check = kc_req_arg(r, "check"), *format = kc_req_arg(r, "format");
	kc_finding_row *v = NULL;
	json_t *items;
	size_t n = 0, limit, offset;
	kc_err err;
	int rc, csv = format && !strcmp(format, "csv");

	if ((f.org_id = org_arg(r)) < 0)
		return;
	if (status && strcmp(status, "open") && strcmp(status, "fixed") && strcmp(status, "accepted"))
		return kc_resp_error(r, 400, "bad_request", kc_req_tr(r, "--status is open, fixed or accepted"));
	if (sev && kc_sev_parse(sev) < 0)
		return kc_resp_error(r, 400, "bad_request", kc_req_tr(r, "--severity is high, medium, low or info"));
	if (format && !csv && strcmp(format, "json"))
		return kc_resp_error(r, 400, "bad_request", kc_req_tr(r, "format is json or csv"));
	if (check && (!*check || strlen(check) > 63 || strspn(check, "abcdefghijklmnopqrstuvwxyz0123456789._-") != strlen(check)))
		return kc_resp_error(r, 400, "bad_request", kc_req_tr(r, "check is a check (tls.expired) or a family (tls)"));
	if (csv) {
		const char *l = kc_req_arg(r, "limit");

		limit = l ? strtoul(l, NULL, 10) : FINDINGS_EXPORT_MAX;
		if (!limit || limit > FINDINGS_EXPORT_MAX)
			limit = FINDINGS_EXPORT_MAX;
		if (kc_cursor_decode(kc_req_arg(r, "cursor"), &offset))
			return kc_resp_error(r, 400, "bad_request", kc_req_tr(r, "bad cursor"));
	} else if (!kc_api_page_args(r, &limit, &offset)) {
		return;
	}
	f.check = check;
	f.status = status;
	f.severity = sev;
	f.limit = limit;
	f.offset = offset;
	if (!is_cert(r)) {
		if (!r->user.norgs)
			return csv ? findings_csv(r, NULL, 0) : kc_resp_json(r, 200, json_pack("{s:[]}", "items"));
		f.orgs = r->user.orgs;
		f.norgs = r->user.norgs;
	}
	rc = kc_finding_list(r->st, &f, &v, &n, &err);
	if (rc)
		return kc_api_fail(r, rc, &err);
	if (csv) {
		findings_csv(r, v, n);
		kc_finding_rows_free(v, n);
		return;
	}
	items = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *ev = v[i].evidence ? json_loads(v[i].evidence, 0, NULL) : NULL;

		json_array_append_new(
			items, json_pack("{s:I,s:s,s:s,s:s,s:s,s:i,s:s,s:s,s:i,s:s,s:s,s:o,s:s,s:s,s:s,s:s,s:s,s:s}", "id",
					 (json_int_t)v[i].id, "org", v[i].org_code[0] ? v[i].org_code : v[i].org_slug,
					 "org_name", v[i].org_name, "check", v[i].check, "target", v[i].target, "port",
					 v[i].port, "host", v[i].host, "severity", v[i].severity, "confidence",
					 v[i].confidence, "title", kc_req_tr(r, v[i].title), "status", v[i].status,
					 "evidence", ev ? ev : json_null(), "cpe", v[i].cpe, "first_seen", v[i].first_seen,
					 "last_seen", v[i].last_seen, "fixed_at", v[i].fixed_at, "accept_reason",
					 v[i].accept_reason, "accept_until", v[i].accept_until));
	}
	kc_finding_rows_free(v, n);
	kc_resp_json(r, 200, json_pack("{s:o,s:o}", "items", items, "next_cursor", n == limit ? (json_t *)kc_api_cursor(offset + limit) : json_null()));
}

void kc_api_ratings(kc_req *r)
{
	kc_rating *v = NULL;
	json_t *items;
	int64_t org;
	size_t n = 0;
	kc_err err;
	int rc;

	if ((org = org_arg(r)) < 0)
		return;
	if (!is_cert(r) && !org)
		org = r->user.norgs ? r->user.orgs[0] : -1;
	if (org < 0)
		return kc_resp_json(r, 200, json_pack("{s:[]}", "items"));
	rc = kc_rating_list(r->st, kc_req_arg(r, "county"), org, &v, &n, &err);
	if (!rc && !n && org) {
		v = calloc(1, sizeof(*v));
		rc = v ? kc_rating_get(r->st, org, v, &err) : KC_ENOMEM;
		n = rc ? 0 : 1;
	}
	if (rc) {
		free(v);
		return kc_api_fail(r, rc, &err);
	}
	items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, json_pack("{s:s,s:s,s:s,s:s,s:I,s:I,s:I,s:I,s:I,s:I}", "org",
						       v[i].org_code[0] ? v[i].org_code : v[i].org_slug, "name",
						       v[i].org_name, "county", v[i].county, "colour",
						       kc_colour_name(v[i].colour), "high", (json_int_t)v[i].high, "medium",
						       (json_int_t)v[i].medium, "low", (json_int_t)v[i].low, "info",
						       (json_int_t)v[i].info, "accepted", (json_int_t)v[i].accepted, "assets",
						       (json_int_t)v[i].assets));
	free(v);
	kc_resp_json(r, 200, json_pack("{s:o}", "items", items));
}
