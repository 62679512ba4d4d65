/*
 * api_share.c - GET /api/v1/stats/nsm: the statistics for NSM as CSV, for
 * the CERT (columns in docs/kcert-share.md).
 */
#include <stdio.h>
#include <string.h>

#include "share/share.h"
#include "web/api_internal.h"
#include "base/kc.h"

void kc_api_stats_nsm(kc_req *r)
{
	const char *period = kc_req_arg(r, "period"), *from = kc_req_arg(r, "from");
	kc_period p = KC_PERIOD_MONTH;
	kc_err err;
	int rc;

	if (r->user.role != KC_ROLE_ADMIN && r->user.role != KC_ROLE_ANALYST)
		return kc_resp_error(r, 403, "forbidden", kc_req_tr(r, "for the CERT only"));
	if (period && kc_period_parse(period, &p))
		return kc_resp_error(r, 400, "invalid", kc_req_tr(r, "period: month, quarter or year"));
	kc_err_clear(&err);
	kc_buf_clear(&r->out);
	rc = kc_stats_nsm_csv(r->st, p, from, &r->out, &err);
	if (rc)
		return kc_api_fail(r, rc, &err);
	r->status = 200;
	r->content_type = "text/csv; charset=utf-8";
	snprintf(r->disposition, sizeof(r->disposition), "attachment; filename=\"kcert-nsm-%s.csv\"",
		 period ? period : "month");
}
