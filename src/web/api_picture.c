/*
 * api_picture.c - the parts of GET /api/v1/situation that compare one
 * organisation with the country: its new events per day over 30 days beside
 * the median per municipality (a figure over all of them; no other
 * municipality is named); and the scanner's, KEV's and advisories' part
 * (kc_api_situation_scan).
 */
#include <jansson.h>
#include <stdlib.h>

#include "base/kc.h"
#include "picture/scanpic.h"
#include "picture/trend.h"
#include "web/api_internal.h"

json_t *kc_api_situation_compare(kc_store *st, int64_t org_id, kc_err *err)
{
	kc_trend *t = malloc(sizeof(*t));
	json_t *days, *o;

	if (!t) {
		kc_err_set(err, KC_ENOMEM, _("out of memory"));
		return NULL;
	}
	if (kc_trend_daily(st, org_id, 30, 1, t, err)) {
		free(t);
		return NULL;
	}
	days = json_array();
	for (int d = 0; d < t->ndays; d++)
		json_array_append_new(days, json_pack("{s:s,s:I,s:f}", "day", t->day[d], "own", (json_int_t)t->own[d],
						      "median", t->median[d]));
	o = json_pack("{s:i,s:I,s:f,s:I,s:o}", "days", t->ndays, "own_total", (json_int_t)t->total_own,
		      "median_total", t->total_median, "municipalities", (json_int_t)t->municipalities, "daily", days);
	free(t);
	return o;
}

static json_t *counts(const kc_pic_count *v, size_t n, int sev)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++) {
		json_t *e = json_pack("{s:s,s:I,s:I}", "key", v[i].key, "count", (json_int_t)v[i].n, "organisations",
				      (json_int_t)v[i].orgs);

		if (sev)
			json_object_set_new(e, "worst_severity", json_string(v[i].severity));
		json_array_append_new(a, e);
	}
	return a;
}

int kc_api_situation_scan(kc_store *st, const kc_user *u, int64_t org_id, json_t *o, kc_err *err)
{
	kc_pic_findings f;
	kc_pic_count *c = NULL, *p = NULL;
	kc_pic_kev *k = NULL;
	kc_pic_advisory *adv = NULL;
	kc_rating *rv = NULL;
	size_t nc = 0, np = 0, nk = 0, nadv = 0, nrv = 0;
	json_t *a;
	int rc;

	rc = kc_pic_findings_scan(st, org_id, 15, &f, &c, &nc, err);
	if (!rc)
		rc = kc_pic_top_products(st, org_id, 15, &p, &np, err);
	if (!rc)
		rc = kc_pic_kev_affected(st, org_id, &k, &nk, err);
	if (!rc)
		rc = kc_pic_advisories(st, u, org_id, 10, &adv, &nadv, err);
	if (!rc)
		rc = kc_rating_list(st, NULL, 0, &rv, &nrv, err);
	if (rc)
		goto out;
	json_object_set_new(o, "open_findings_by_severity",
			    json_pack("{s:I,s:I,s:I,s:I,s:I}", "high", (json_int_t)f.high, "medium", (json_int_t)f.medium,
				      "low", (json_int_t)f.low, "info", (json_int_t)f.info, "accepted",
				      (json_int_t)f.accepted));
	json_object_set_new(o, "exposed_checks", counts(c, nc, 1));
	json_object_set_new(o, "exposed_products", counts(p, np, 0));
	a = json_array();
	for (size_t i = 0; i < nk; i++)
		json_array_append_new(a, json_pack("{s:s,s:s,s:s,s:s,s:s,s:I,s:I,s:s,s:s}", "cve", k[i].cve, "vendor",
						   k[i].vendor, "product", k[i].product, "name", k[i].name,
						   "matching_products", k[i].products, "definite", (json_int_t)k[i].definite,
						   "uncertain", (json_int_t)k[i].uncertain, "date_added", k[i].added,
						   "ransomware", k[i].ransomware));
	json_object_set_new(o, "kev_affected", a);
	a = json_array();
	for (size_t i = 0; i < nadv; i++)
		json_array_append_new(a, json_pack("{s:s,s:s,s:s,s:s,s:s,s:b}", "id", adv[i].a.ident, "title",
						   adv[i].a.title, "severity", adv[i].a.severity, "tlp",
						   kc_tlp_name(adv[i].a.tlp), "updated", adv[i].a.current_release,
						   "concerns", adv[i].concerns));
	json_object_set_new(o, "advisories", a);
	{
		int64_t rated = 0;
		double med = kc_pic_rating_median(rv, nrv, &rated);
		json_t *nat = json_pack("{s:f,s:s,s:I}", "score", med, "colour",
					kc_colour_name(kc_pic_score_colour(med)), "rated", (json_int_t)rated);

		if (!org_id) {
			kc_pic_county *cy = NULL;
			size_t ncy = 0;

			rc = kc_pic_county_ratings(rv, nrv, &cy, &ncy, err);
			if (rc) {
				json_decref(nat);
				goto out;
			}
			a = json_array();
			for (size_t i = 0; i < ncy; i++)
				json_array_append_new(a, json_pack("{s:s,s:s,s:I,s:I,s:I,s:I,s:I}", "county", cy[i].code,
								   "name", i + 1 == ncy ? "" : cy[i].name, "red",
								   (json_int_t)cy[i].by[4], "orange", (json_int_t)cy[i].by[3],
								   "yellow", (json_int_t)cy[i].by[2], "green",
								   (json_int_t)cy[i].by[1], "grey", (json_int_t)cy[i].by[0]));
			free(cy);
			json_object_set_new(o, "ratings_by_county", a);
			json_object_set_new(o, "rating_median", nat);
		} else {
			kc_pic_rating_day *d = NULL;
			size_t nd = 0;
			kc_rating me;

			rc = kc_rating_get(st, org_id, &me, err);
			if (!rc)
				rc = kc_pic_rating_compare(st, org_id, 90, &d, &nd, err);
			if (rc) {
				json_decref(nat);
				goto out;
			}
			a = json_array();
			for (size_t i = 0; i < nd; i++)
				json_array_append_new(a, json_pack("{s:s,s:s,s:I,s:I,s:I,s:I,s:f,s:I}", "day", d[i].day, "colour",
								   kc_colour_name(d[i].own), "high", (json_int_t)d[i].high,
								   "medium", (json_int_t)d[i].medium, "low",
								   (json_int_t)d[i].low, "info", (json_int_t)d[i].info,
								   "median_score", d[i].median, "rated",
								   (json_int_t)d[i].rated));
			free(d);
			json_object_set_new(o, "rating", json_pack("{s:s,s:o,s:o}", "colour", kc_colour_name(me.colour),
								   "median", nat, "history", a));
		}
	}
out:
	free(c);
	free(p);
	free(k);
	free(adv);
	free(rv);
	return rc;
}
