/*
 * ui_scan.c - the scanner's findings and ratings as pages: the "Findings"
 * section of an organisation's page (its rating, the trend, open and accepted
 * findings, fixed ones folded away), /findings with filters and a CSV link,
 * /findings/ID with the evidence, the history and the comply-or-explain form,
 * and /ratings, the CERT's national table by county with its trend.
 *
 * Who sees what: the CERT (admin, analyst) every organisation; a member of a
 * municipality only its own organisations (the filter is in the query, so
 * other organisations' findings are never read); partners none. Who may
 * accept a finding (comply or explain): the CERT, and the members of the
 * finding's own organisation, since it is their risk to explain. Every
 * acceptance and withdrawal is audited by the library.
 *
 * A rating is shown as a coloured badge that also says its colour and what it
 * means in words; charts are SVG drawn here with a title, a description and
 * the same figures as a table, so no script and no colour vision is needed.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/time.h"
#include "org/org.h"
#include "scan/finding.h"
#include "web/ui_internal.h"
#include "base/kc.h"

#define T(s) kc_req_tr(r, s)

/* Trend charts cover this many recorded days. */
#define TREND_DAYS 90

static int is_cert(const kc_req *r)
{
	return r->user.role == KC_ROLE_ADMIN || r->user.role == KC_ROLE_ANALYST;
}

/* May r see the findings of org? */
static int may_see(const kc_req *r, int64_t org)
{
	return is_cert(r) || (r->user.role == KC_ROLE_MEMBER && kc_user_in_org(&r->user, org));
}

/* May r accept (or withdraw the acceptance of) a finding of org? The CERT, or
 * the municipality itself: comply or explain is the owner's explanation. */
static int may_accept(const kc_req *r, int64_t org)
{
	return may_see(r, org);
}

static void status_page(kc_req *r, int status, const char *title)
{
	r->status = status;
	kc_ui_head(r, title);
	kc_buf_addf(&r->out, "<h1>%s</h1>", title);
	kc_ui_foot(r);
}

static const char *sev_label(const kc_req *r, const char *sev)
{
	if (!strcmp(sev, "high"))
		return T("High");
	if (!strcmp(sev, "medium"))
		return T("Medium");
	if (!strcmp(sev, "low"))
		return T("Low");
	return T("Info");
}

static const char *status_label(const kc_req *r, const char *st)
{
	if (!strcmp(st, "open"))
		return T("Not fixed"); /* "Open" is the plural of the case pages */
	if (!strcmp(st, "accepted"))
		return T("Accepted");
	return T("Fixed");
}

/* What each colour means, in words (the badge never relies on colour alone). */
static const char *colour_meaning(const kc_req *r, kc_colour c)
{
	switch (c) {
	case KC_COLOUR_RED: return T("high findings open");
	case KC_COLOUR_ORANGE: return T("medium findings open");
	case KC_COLOUR_YELLOW: return T("low findings open");
	case KC_COLOUR_GREEN: return T("nothing above info open");
	default: return T("nothing registered to scan");
	}
}

static const char *colour_label(const kc_req *r, kc_colour c)
{
	static const char *const names[] = { N_("grey"), N_("green"), N_("yellow"), N_("orange"), N_("red") };

	return T(names[(unsigned)c < 5 ? c : 0]);
}

/* Fill colours of the charts (the badges' colours are in kcert.css). */
static const char *colour_fill(kc_colour c)
{
	static const char *const fill[] = { "#6b6b6b", "#1e7b34", "#f2c500", "#d35400", "#b00020" };

	return fill[(unsigned)c < 5 ? c : 0];
}

static void badge(kc_req *r, kc_colour c, const char *id)
{
	kc_buf *b = &r->out;

	kc_buf_addf(b, "<span class=\"rating rating-%s\"%s%s%s>%s</span> <span class=\"note\">%s</span>",
		    kc_colour_name(c), id ? " id=\"" : "", id ? id : "", id ? "\"" : "", colour_label(r, c),
		    colour_meaning(r, c));
}

static void org_href(kc_buf *b, const char *code, const char *slug)
{
	kc_buf_adds(b, "/orgs/");
	kc_html(b, code[0] ? code : slug);
}

/* "target:port" (just the target for port 0). */
static void place(kc_buf *b, const kc_finding_row *f)
{
	int v6 = strchr(f->target, ':') != NULL;

	if (f->port && v6)
		kc_buf_adds(b, "[");
	kc_html(b, f->target);
	if (f->port)
		kc_buf_addf(b, "%s:%d", v6 ? "]" : "", f->port);
}

/* A query-string value, percent-encoded. */
static void url_arg(kc_buf *b, const char *name, const char *v)
{
	if (!v || !*v)
		return;
	kc_buf_addf(b, "&amp;%s=", name);
	for (; *v; v++) {
		if ((*v >= 'a' && *v <= 'z') || (*v >= 'A' && *v <= 'Z') || (*v >= '0' && *v <= '9') || strchr("-._", *v))
			kc_buf_addc(b, *v);
		else
			kc_buf_addf(b, "%%%02X", (unsigned char)*v);
	}
}

/* The findings as a table; with_org adds the organisation's column. */
static void findings_table(kc_req *r, const char *id, const kc_finding_row *v, size_t n, int with_org)
{
	kc_buf *b = &r->out;
	char t1[KC_TIME_STRLEN], t2[KC_TIME_STRLEN];

	kc_buf_addf(b, "<table id=\"%s\" class=\"findings\"><thead><tr><th scope=\"col\">%s</th>", id, T("Severity"));
	if (with_org)
		kc_buf_addf(b, "<th scope=\"col\">%s</th>", T("Organisation"));
	kc_buf_addf(b, "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
		       "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>",
		    T("Finding"), T("Target"), T("Host"), T("First seen"), T("Last seen"), T("Confidence"), T("Status"));
	for (size_t i = 0; i < n; i++) {
		const kc_finding_row *f = &v[i];
		int acc = !strcmp(f->status, "accepted");

		kc_buf_addf(b, "<tr id=\"finding-%lld\" class=\"finding-%s\" data-status=\"%s\"><td><span class=\"sev sev-%s\">%s</span></td>",
			    (long long)f->id, f->status, f->status, f->severity, sev_label(r, f->severity));
		if (with_org) {
			kc_buf_adds(b, "<td><a href=\"");
			org_href(b, f->org_code, f->org_slug);
			kc_buf_adds(b, "\">");
			kc_html(b, f->org_name);
			kc_buf_adds(b, "</a></td>");
		}
		kc_buf_addf(b, "<td>%s<a href=\"/findings/%lld\">", acc ? "<s>" : "", (long long)f->id);
		kc_html(b, T(f->title));
		kc_buf_addf(b, "</a>%s <span class=\"note\">", acc ? "</s>" : "");
		kc_html(b, f->check);
		kc_buf_adds(b, "</span></td><td>");
		place(b, f);
		kc_buf_adds(b, "</td><td>");
		kc_html(b, f->host[0] ? f->host : "–");
		kc_buf_addf(b, "</td><td>%s</td><td>%s</td><td>%d %%</td><td>%s", kc_time_oslo(f->first_seen, t1),
			    kc_time_oslo(f->last_seen, t2), f->confidence, status_label(r, f->status));
		if (acc) {
			kc_buf_addf(b, "<br><span class=\"accept\">%s %s: ", T("until"), f->accept_until);
			kc_html(b, f->accept_reason);
			kc_buf_adds(b, "</span>");
		} else if (f->fixed_at[0]) {
			kc_buf_addf(b, "<br>%s", kc_time_oslo(f->fixed_at, t1));
		}
		kc_buf_adds(b, "</td></tr>");
	}
	kc_buf_adds(b, "</tbody></table>");
}

/* ---- charts ---- */

/* The drawing's width for n bars of width w: room for both day labels. */
static size_t chart_width(size_t n, int w)
{
	size_t x = n * (size_t)w + 40;

	return x < 280 ? 280 : x;
}

/* The first and (when there are two or more) the last day under the bars. */
static void day_labels(kc_buf *b, const char *first, const char *last, size_t n, int w, int y)
{
	kc_buf_addf(b, "<text x=\"30\" y=\"%d\" font-size=\"12\">%s</text>", y, first);
	if (n > 1)
		kc_buf_addf(b, "<text x=\"%zu\" y=\"%d\" font-size=\"12\" text-anchor=\"end\">%s</text>",
			    chart_width(n, w) - 10, y, last);
}

/* One organisation's rating per recorded day: a bar per day, as high as its
 * open findings, in the day's colour; the table has the same figures. */
static void org_trend(kc_req *r, int64_t org)
{
	kc_buf *b = &r->out;
	kc_rating_day *d = NULL;
	size_t n = 0;
	int64_t max = 1;
	kc_err err;
	int w;

	if (kc_rating_trend(r->st, org, TREND_DAYS, &d, &n, &err) || !n) {
		kc_buf_addf(b, "<p class=\"note\">%s</p>", T("No rating recorded yet."));
		free(d);
		return;
	}
	for (size_t i = 0; i < n; i++)
		if (d[i].high + d[i].medium + d[i].low + d[i].info > max)
			max = d[i].high + d[i].medium + d[i].low + d[i].info;
	w = n > 60 ? 8 : n > 20 ? 16 : 32;
	kc_buf_addf(b, "<svg role=\"img\" aria-labelledby=\"rating-trend-t rating-trend-d\" width=\"%zu\" height=\"150\" "
		       "viewBox=\"0 0 %zu 150\" xmlns=\"http://www.w3.org/2000/svg\" id=\"rating-trend\">"
		       "<title id=\"rating-trend-t\">%s</title><desc id=\"rating-trend-d\">%s</desc>",
		    chart_width(n, w), chart_width(n, w), T("Rating per day"),
		    T("One bar per day with a recorded rating, as high as the open findings that day and in the "
		      "day's colour. The table below has the same figures."));
	kc_buf_addf(b, "<line x1=\"30\" y1=\"120\" x2=\"%zu\" y2=\"120\" stroke=\"#555\"></line>"
		       "<text x=\"0\" y=\"20\" font-size=\"12\">%lld</text><text x=\"0\" y=\"120\" font-size=\"12\">0</text>",
		    chart_width(n, w), (long long)max);
	for (size_t i = 0; i < n; i++) {
		int64_t tot = d[i].high + d[i].medium + d[i].low + d[i].info;
		int h = (int)(tot * 100 / max);

		if (h < 3)
			h = 3;
		kc_buf_addf(b, "<rect x=\"%zu\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"><title>%s: %s, %lld</title></rect>",
			    30 + i * (size_t)w + 1, 120 - h, w - 2, h, colour_fill(d[i].colour), d[i].day,
			    colour_label(r, d[i].colour), (long long)tot);
	}
	day_labels(b, d[0].day, d[n - 1].day, n, w, 140);
	kc_buf_adds(b, "</svg>");
	kc_buf_addf(b, "<details><summary>%s</summary><table id=\"rating-trend-table\"><caption>%s</caption><thead><tr>"
		       "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
		       "<th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>",
		    T("The figures as a table"), T("Rating per day"), T("Day"), T("Rating"), T("High"), T("Medium"),
		    T("Low"), T("Info"));
	for (size_t i = 0; i < n; i++)
		kc_buf_addf(b, "<tr><th scope=\"row\">%s</th><td>%s</td><td>%lld</td><td>%lld</td><td>%lld</td><td>%lld</td></tr>",
			    d[i].day, colour_label(r, d[i].colour), (long long)d[i].high, (long long)d[i].medium,
			    (long long)d[i].low, (long long)d[i].info);
	kc_buf_adds(b, "</tbody></table></details>");
	free(d);
}

/* The national trend: per day, the municipalities of each colour, stacked. */
static void national_trend(kc_req *r)
{
	static const kc_colour order[] = { KC_COLOUR_RED, KC_COLOUR_ORANGE, KC_COLOUR_YELLOW, KC_COLOUR_GREEN,
					   KC_COLOUR_GREY };
	kc_buf *b = &r->out;
	kc_rating_tally *d = NULL;
	size_t n = 0;
	int64_t max = 1;
	kc_err err;
	int w;

	kc_buf_addf(b, "<h2>%s</h2>", T("Trend"));
	if (kc_rating_national(r->st, TREND_DAYS, &d, &n, &err) || !n) {
		kc_buf_addf(b, "<p class=\"note\">%s</p>", T("No rating recorded yet."));
		free(d);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		int64_t tot = 0;

		for (int c = 0; c < 5; c++)
			tot += d[i].n[c];
		if (tot > max)
			max = tot;
	}
	w = n > 60 ? 8 : n > 20 ? 16 : 32;
	kc_buf_addf(b, "<svg role=\"img\" aria-labelledby=\"national-trend-t national-trend-d\" width=\"%zu\" height=\"170\" "
		       "viewBox=\"0 0 %zu 170\" xmlns=\"http://www.w3.org/2000/svg\" id=\"national-trend\">"
		       "<title id=\"national-trend-t\">%s</title><desc id=\"national-trend-d\">%s</desc>",
		    chart_width(n, w), chart_width(n, w), T("Municipalities by rating per day"),
		    T("One stacked bar per day: from the bottom red, orange, yellow, green and grey municipalities, "
		      "each by its latest rating that day. The table below has the same figures."));
	kc_buf_addf(b, "<line x1=\"30\" y1=\"140\" x2=\"%zu\" y2=\"140\" stroke=\"#555\"></line>"
		       "<text x=\"0\" y=\"20\" font-size=\"12\">%lld</text><text x=\"0\" y=\"140\" font-size=\"12\">0</text>",
		    chart_width(n, w), (long long)max);
	for (size_t i = 0; i < n; i++) {
		int y = 140;

		for (size_t k = 0; k < KC_ARRAY_LEN(order); k++) {
			int h = (int)(d[i].n[order[k]] * 120 / max);

			if (!d[i].n[order[k]])
				continue;
			if (h < 1)
				h = 1;
			y -= h;
			kc_buf_addf(b, "<rect x=\"%zu\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"><title>%s: %s %lld</title></rect>",
				    30 + i * (size_t)w + 1, y, w - 2, h, colour_fill(order[k]), d[i].day,
				    colour_label(r, order[k]), (long long)d[i].n[order[k]]);
		}
	}
	day_labels(b, d[0].day, d[n - 1].day, n, w, 160);
	kc_buf_adds(b, "</svg>");
	kc_buf_addf(b, "<details><summary>%s</summary><table id=\"national-trend-table\"><caption>%s</caption><thead><tr>"
		       "<th scope=\"col\">%s</th>",
		    T("The figures as a table"), T("Municipalities by rating per day"), T("Day"));
	for (size_t k = 0; k < KC_ARRAY_LEN(order); k++)
		kc_buf_addf(b, "<th scope=\"col\">%s</th>", colour_label(r, order[k]));
	kc_buf_adds(b, "</tr></thead><tbody>");
	for (size_t i = 0; i < n; i++) {
		kc_buf_addf(b, "<tr><th scope=\"row\">%s</th>", d[i].day);
		for (size_t k = 0; k < KC_ARRAY_LEN(order); k++)
			kc_buf_addf(b, "<td>%lld</td>", (long long)d[i].n[order[k]]);
		kc_buf_adds(b, "</tr>");
	}
	kc_buf_adds(b, "</tbody></table></details>");
	free(d);
}

/* ---- the organisation page's section ---- */

void kc_ui_org_findings(kc_req *r, const struct kc_org *o)
{
	kc_finding_filter f = { .org_id = o->id, .limit = 1000 };
	kc_finding_row *v = NULL;
	size_t n = 0, nfixed = 0;
	kc_buf *b = &r->out;
	kc_rating rt;
	kc_err err;

	if (!may_see(r, o->id))
		return;
	kc_buf_addf(b, "<section id=\"findings\" aria-labelledby=\"findings-h\"><h2 id=\"findings-h\">%s", T("Findings"));
	kc_ui_tlp_label(b, KC_TLP_AMBER);
	kc_buf_adds(b, "</h2>");
	if (kc_rating_get(r->st, o->id, &rt, &err) == KC_OK) {
		kc_buf_addf(b, "<p>%s: ", T("Rating"));
		badge(r, rt.colour, "org-rating");
		kc_buf_addf(b, "</p><p class=\"note\">%s %lld · %s %lld · %s %lld · %s %lld · %s %lld</p>", T("High"),
			    (long long)rt.high, T("Medium"), (long long)rt.medium, T("Low"), (long long)rt.low, T("Info"),
			    (long long)rt.info, T("Accepted"), (long long)rt.accepted);
	}
	org_trend(r, o->id);
	if (kc_finding_list(r->st, &f, &v, &n, &err)) {
		kc_buf_adds(b, "<p class=\"err\">");
		kc_html(b, err.msg);
		kc_buf_adds(b, "</p></section>");
		return;
	}
	/* The list is open, then accepted, then fixed. */
	while (nfixed < n && strcmp(v[n - 1 - nfixed].status, "fixed") == 0)
		nfixed++;
	kc_buf_addf(b, "<h3>%s</h3>", T("Open and accepted findings"));
	if (n - nfixed)
		findings_table(r, "org-findings", v, n - nfixed, 0);
	else
		kc_buf_addf(b, "<p class=\"note\" id=\"org-findings\">%s</p>", T("No open findings."));
	if (nfixed) {
		kc_buf_addf(b, "<details id=\"fixed-findings\"><summary>%s (%zu)</summary>", T("Fixed findings"), nfixed);
		findings_table(r, "org-fixed", v + n - nfixed, nfixed, 0);
		kc_buf_adds(b, "</details>");
	}
	kc_buf_adds(b, "<p><a href=\"/findings?org=");
	kc_html(b, o->code[0] ? o->code : o->slug);
	kc_buf_addf(b, "\">%s</a></p></section>", T("Filter and export the findings"));
	kc_finding_rows_free(v, n);
}

/* ---- /findings ---- */

static void select_opts(kc_req *r, const char *id, const char *label, const char *const *vals,
			const char *const *labels, size_t n, const char *cur)
{
	kc_buf *b = &r->out;

	kc_buf_addf(b, "<div><label for=\"%s\">%s</label><select id=\"%s\" name=\"%s\"><option value=\"\">%s</option>", id,
		    label, id, id, T("All"));
	for (size_t i = 0; i < n; i++)
		kc_buf_addf(b, "<option value=\"%s\"%s>%s</option>", vals[i], cur && !strcmp(cur, vals[i]) ? " selected" : "",
			    T(labels[i]));
	kc_buf_adds(b, "</select></div>");
}

static const char *arg(kc_req *r, const char *name)
{
	const char *v = kc_req_arg(r, name);

	return v && *v ? v : NULL;
}

static void page_findings(kc_req *r)
{
	static const char *const st_v[] = { "open", "accepted", "fixed" };
	static const char *const st_l[] = { N_("Open"), N_("Accepted"), N_("Fixed") };
	static const char *const sev_v[] = { "high", "medium", "low", "info" };
	static const char *const sev_l[] = { N_("High"), N_("Medium"), N_("Low"), N_("Info") };
	const char *org = arg(r, "org"), *status = arg(r, "status"), *sev = arg(r, "severity"), *check = arg(r, "check");
	kc_finding_filter f = { .limit = 1000 };
	kc_finding_row *v = NULL;
	const char *problem = NULL;
	kc_buf *b = &r->out;
	size_t n = 0;
	kc_err err;
	kc_org o;

	if (r->user.role == KC_ROLE_PARTNER)
		return status_page(r, 403, T("Forbidden"));
	if (org) {
		if (kc_org_get(r->st, org, &o, &err)) {
			r->status = 404;
			problem = err.msg;
		} else if (!may_see(r, o.id)) {
			return status_page(r, 403, T("Forbidden"));
		} else {
			f.org_id = o.id;
		}
	}
	if (status && strcmp(status, "open") && strcmp(status, "fixed") && strcmp(status, "accepted")) {
		r->status = 400;
		problem = T("status is open, accepted or fixed");
	}
	if (sev && kc_sev_parse(sev) < 0) {
		r->status = 400;
		problem = T("severity is high, medium, low or info");
	}
	if (check && (strlen(check) > 63 || strspn(check, "abcdefghijklmnopqrstuvwxyz0123456789._-") != strlen(check))) {
		r->status = 400;
		problem = T("check is a check (tls.expired) or a family (tls)");
	}
	f.status = status;
	f.severity = sev;
	f.check = check;
	if (!is_cert(r)) {
		f.orgs = r->user.orgs;
		f.norgs = r->user.norgs;
	}
	kc_ui_head(r, T("Findings"));
	kc_buf_addf(b, "<h1>%s", T("Findings"));
	kc_ui_tlp_label(b, KC_TLP_AMBER);
	kc_buf_addf(b, "</h1><form method=\"get\" action=\"/findings\" class=\"row\"><div><label for=\"org\">%s</label>",
		    T("Organisation"));
	if (is_cert(r)) {
		kc_buf_adds(b, "<input id=\"org\" name=\"org\" size=\"12\" placeholder=\"4601\" value=\"");
		kc_html(b, org ? org : "");
		kc_buf_adds(b, "\">");
	} else {
		kc_buf_addf(b, "<select id=\"org\" name=\"org\"><option value=\"\">%s</option>", T("All"));
		for (size_t i = 0; i < r->user.norgs; i++) {
			kc_org m;

			if (kc_org_get_id(r->st, r->user.orgs[i], &m, &err))
				continue;
			kc_buf_adds(b, "<option value=\"");
			kc_html(b, m.code[0] ? m.code : m.slug);
			kc_buf_addf(b, "\"%s>", f.org_id == m.id ? " selected" : "");
			kc_html(b, m.name);
			kc_buf_adds(b, "</option>");
		}
		kc_buf_adds(b, "</select>");
	}
	kc_buf_adds(b, "</div>");
	select_opts(r, "status", T("Status"), st_v, st_l, KC_ARRAY_LEN(st_v), status);
	select_opts(r, "severity", T("Severity"), sev_v, sev_l, KC_ARRAY_LEN(sev_v), sev);
	kc_buf_addf(b, "<div><label for=\"check\">%s</label><input id=\"check\" name=\"check\" size=\"16\" "
		       "placeholder=\"tls.expired\" value=\"",
		    T("Check or family"));
	kc_html(b, check ? check : "");
	kc_buf_addf(b, "\"></div><div><button type=\"submit\">%s</button></div></form>", T("Filter"));
	if (problem) {
		kc_buf_adds(b, "<p class=\"err\" role=\"alert\">");
		kc_html(b, problem);
		kc_buf_adds(b, "</p>");
		return kc_ui_foot(r);
	}
	kc_buf_addf(b, "<p>%s <a id=\"csv-export\" href=\"/api/v1/findings?format=csv", T("Export:"));
	url_arg(b, "org", org);
	url_arg(b, "status", status);
	url_arg(b, "severity", sev);
	url_arg(b, "check", check);
	kc_buf_adds(b, "\">CSV</a></p>");
	if (!is_cert(r) && !r->user.norgs) {
		n = 0;
	} else if (kc_finding_list(r->st, &f, &v, &n, &err)) {
		kc_buf_adds(b, "<p class=\"err\">");
		kc_html(b, err.msg);
		kc_buf_adds(b, "</p>");
		return kc_ui_foot(r);
	}
	kc_buf_addf(b, "<p class=\"note\" id=\"findings-count\">%zu</p>", n);
	if (n)
		findings_table(r, "findings-list", v, n, 1);
	else
		kc_buf_addf(b, "<p class=\"note\">%s</p>", T("No findings."));
	kc_finding_rows_free(v, n);
	r->status = 200;
	kc_ui_foot(r);
}

/* ---- /findings/ID ---- */

static void page_finding(kc_req *r, int64_t id, const char *problem)
{
	kc_finding_change *h = NULL;
	kc_buf *b = &r->out;
	kc_finding_row f;
	size_t nh = 0;
	kc_err err;
	char t1[KC_TIME_STRLEN];

	if (r->user.role == KC_ROLE_PARTNER)
		return status_page(r, 403, T("Forbidden"));
	/* Another organisation's finding is not found: its existence is not told. */
	if (kc_finding_get(r->st, id, &f, &err))
		return status_page(r, 404, T("Not found"));
	if (!may_see(r, f.org_id)) {
		free(f.evidence);
		return status_page(r, 404, T("Not found"));
	}
	kc_ui_head(r, T(f.title));
	kc_buf_adds(b, "<h1>");
	if (!strcmp(f.status, "accepted"))
		kc_buf_adds(b, "<s>");
	kc_html(b, T(f.title));
	if (!strcmp(f.status, "accepted"))
		kc_buf_adds(b, "</s>");
	kc_ui_tlp_label(b, KC_TLP_AMBER);
	kc_buf_adds(b, "</h1>");
	if (problem) {
		kc_buf_adds(b, "<p class=\"err\" role=\"alert\">");
		kc_html(b, problem);
		kc_buf_adds(b, "</p>");
	}
	kc_buf_addf(b, "<dl id=\"finding\"><dt>%s</dt><dd><a href=\"", T("Organisation"));
	org_href(b, f.org_code, f.org_slug);
	kc_buf_adds(b, "#findings\">");
	kc_html(b, f.org_name);
	kc_buf_addf(b, "</a></dd><dt>%s</dt><dd id=\"finding-status\">%s</dd><dt>%s</dt><dd><span class=\"sev sev-%s\">%s</span></dd>"
		       "<dt>%s</dt><dd><code>",
		    T("Status"), status_label(r, f.status), T("Severity"), f.severity, sev_label(r, f.severity), T("Check"));
	kc_html(b, f.check);
	kc_buf_addf(b, "</code></dd><dt>%s</dt><dd>", T("Target"));
	place(b, &f);
	kc_buf_addf(b, "</dd><dt>%s</dt><dd>", T("Host"));
	kc_html(b, f.host[0] ? f.host : "–");
	kc_buf_addf(b, "</dd><dt>%s</dt><dd>%d %%</dd>", T("Confidence"), f.confidence);
	if (f.cpe[0]) {
		kc_buf_adds(b, "<dt>CPE</dt><dd><code>");
		kc_html(b, f.cpe);
		kc_buf_adds(b, "</code></dd>");
	}
	kc_buf_addf(b, "<dt>%s</dt><dd>%s</dd>", T("First seen"), kc_time_oslo(f.first_seen, t1));
	kc_buf_addf(b, "<dt>%s</dt><dd>%s</dd>", T("Last seen"), kc_time_oslo(f.last_seen, t1));
	if (f.fixed_at[0])
		kc_buf_addf(b, "<dt>%s</dt><dd>%s</dd>", T("Fixed"), kc_time_oslo(f.fixed_at, t1));
	if (!strcmp(f.status, "accepted")) {
		kc_buf_addf(b, "<dt>%s</dt><dd id=\"accept-reason\">", T("Reason"));
		kc_html(b, f.accept_reason);
		kc_buf_addf(b, "</dd><dt>%s</dt><dd id=\"accept-until\">%s</dd><dt>%s</dt><dd>", T("Until"), f.accept_until,
			    T("By"));
		kc_html(b, f.accept_by);
		kc_buf_adds(b, "</dd>");
	}
	kc_buf_addf(b, "</dl><h2>%s</h2>", T("Evidence"));
	if (f.evidence) {
		json_t *j = json_loads(f.evidence, 0, NULL);
		char *pretty = j ? json_dumps(j, JSON_INDENT(2)) : NULL;

		kc_buf_adds(b, "<pre id=\"evidence\">");
		kc_html(b, pretty ? pretty : f.evidence);
		kc_buf_adds(b, "</pre>");
		free(pretty);
		json_decref(j);
	} else {
		kc_buf_addf(b, "<p class=\"note\">%s</p>", T("None kept."));
	}
	kc_buf_addf(b, "<h2>%s</h2>", T("History"));
	if (kc_finding_history(r->st, id, &h, &nh, &err) == KC_OK && nh) {
		kc_buf_addf(b, "<table id=\"history\"><thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
			       "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>",
			    T("Time"), T("Change"), T("Severity"), T("Detail"), T("By"));
		for (size_t i = 0; i < nh; i++) {
			kc_buf_addf(b, "<tr><td>%s</td><td>", kc_time_oslo(h[i].at, t1));
			kc_html(b, h[i].change);
			kc_buf_addf(b, "</td><td>%s</td><td>", sev_label(r, h[i].severity));
			kc_html(b, h[i].detail);
			kc_buf_adds(b, "</td><td>");
			kc_html(b, h[i].actor);
			kc_buf_adds(b, "</td></tr>");
		}
		kc_buf_adds(b, "</tbody></table>");
	}
	free(h);
	if (may_accept(r, f.org_id) && strcmp(f.status, "fixed")) {
		char tomorrow[KC_TIME_STRLEN];

		kc_time_iso(kc_now() + 86400, tomorrow);
		tomorrow[10] = '\0';
		kc_buf_addf(b, "<h2>%s</h2><p class=\"note\">%s</p><form method=\"post\" action=\"/findings/%lld/accept\">"
			       "<input type=\"hidden\" name=\"csrf\" value=\"",
			    !strcmp(f.status, "accepted") ? T("Change the acceptance") : T("Accept the risk"),
			    T("Comply or explain: say why this finding is acceptable and until which day. It no longer "
			      "counts for the rating, and opens again the day after."),
			    (long long)id);
		kc_html(b, r->csrf);
		kc_buf_addf(b, "\"><label for=\"reason\">%s</label><textarea id=\"reason\" name=\"reason\" rows=\"3\" cols=\"60\" "
			       "maxlength=\"1000\" required>",
			    T("Reason"));
		if (!strcmp(f.status, "accepted"))
			kc_html(b, f.accept_reason);
		kc_buf_addf(b, "</textarea><label for=\"until\">%s</label><input id=\"until\" name=\"until\" type=\"date\" "
			       "min=\"%s\" required value=\"%s\"><p><button type=\"submit\">%s</button></p></form>",
			    T("Until (YYYY-MM-DD)"), tomorrow, f.accept_until, T("Accept"));
		if (!strcmp(f.status, "accepted")) {
			kc_buf_addf(b, "<form method=\"post\" action=\"/findings/%lld/withdraw\"><input type=\"hidden\" "
				       "name=\"csrf\" value=\"",
				    (long long)id);
			kc_html(b, r->csrf);
			kc_buf_addf(b, "\"><p><button type=\"submit\">%s</button></p></form>", T("Withdraw the acceptance"));
		}
	}
	free(f.evidence);
	if (r->status == 500)
		r->status = 200;
	kc_ui_foot(r);
}

static void finding_post(kc_req *r, int64_t id, int withdraw)
{
	char reason[1100] = "", until[32] = "", to[64];
	kc_finding_row f;
	kc_err err;
	int rc;

	if (!kc_ui_csrf_ok(r))
		return;
	if (r->user.role == KC_ROLE_PARTNER)
		return status_page(r, 403, T("Forbidden"));
	if (kc_finding_get(r->st, id, &f, &err))
		return status_page(r, 404, T("Not found"));
	free(f.evidence);
	if (!may_see(r, f.org_id))
		return status_page(r, 404, T("Not found"));
	if (!may_accept(r, f.org_id))
		return status_page(r, 403, T("Forbidden"));
	if (withdraw) {
		rc = kc_finding_withdraw(r->st, r->user.name, id, &err);
	} else {
		kc_req_form(r, "reason", reason, sizeof(reason));
		kc_req_form(r, "until", until, sizeof(until));
		rc = kc_finding_accept(r->st, r->user.name, id, reason, until, &err);
	}
	if (rc) {
		r->status = 400;
		return page_finding(r, id, err.msg);
	}
	snprintf(to, sizeof(to), "/findings/%lld", (long long)id);
	kc_resp_redirect(r, to);
}

/* ---- /ratings ---- */

static void page_ratings(kc_req *r)
{
	kc_rating *v = NULL;
	kc_buf *b = &r->out;
	int64_t count[5] = { 0 };
	size_t n = 0;
	kc_err err;

	if (!is_cert(r)) {
		kc_org o;
		char to[128];

		if (r->user.role == KC_ROLE_MEMBER && r->user.norgs &&
		    kc_org_get_id(r->st, r->user.orgs[0], &o, &err) == KC_OK) {
			snprintf(to, sizeof(to), "/orgs/%s#findings", o.code[0] ? o.code : o.slug);
			return kc_resp_redirect(r, to);
		}
		return status_page(r, 403, T("Forbidden"));
	}
	kc_ui_head(r, T("Ratings"));
	kc_buf_addf(b, "<h1>%s", T("Ratings"));
	kc_ui_tlp_label(b, KC_TLP_AMBER);
	kc_buf_addf(b, "</h1><p class=\"note\">%s</p>",
		    T("The worst open finding that is not accepted decides a municipality's colour: high red, medium "
		      "orange, low yellow, only info or nothing green; grey when nothing is registered to scan."));
	if (kc_rating_list(r->st, NULL, 0, &v, &n, &err)) {
		kc_buf_adds(b, "<p class=\"err\">");
		kc_html(b, err.msg);
		kc_buf_adds(b, "</p>");
		return kc_ui_foot(r);
	}
	for (size_t i = 0; i < n; i++)
		count[(unsigned)v[i].colour < 5 ? v[i].colour : 0]++;
	kc_buf_addf(b, "<h2>%s</h2><table id=\"ratings-summary\"><caption>%s</caption><thead><tr>", T("Summary"),
		    T("Municipalities by rating"));
	for (int c = KC_COLOUR_RED; c >= KC_COLOUR_GREY; c--)
		kc_buf_addf(b, "<th scope=\"col\">%s</th>", colour_label(r, (kc_colour)c));
	kc_buf_adds(b, "</tr></thead><tbody><tr>");
	for (int c = KC_COLOUR_RED; c >= KC_COLOUR_GREY; c--)
		kc_buf_addf(b, "<td id=\"count-%s\">%lld</td>", kc_colour_name((kc_colour)c), (long long)count[c]);
	kc_buf_adds(b, "</tr></tbody></table>");
	national_trend(r);
	for (size_t i = 0; i < n; i++) {
		if (!i || strcmp(v[i].county_code, v[i - 1].county_code)) {
			if (i)
				kc_buf_adds(b, "</tbody></table></section>");
			kc_buf_addf(b, "<section class=\"county\" aria-labelledby=\"county-%s\"><h2 id=\"county-%s\">",
				    v[i].county_code[0] ? v[i].county_code : "none", v[i].county_code[0] ? v[i].county_code : "none");
			kc_html(b, v[i].county[0] ? v[i].county : T("No county"));
			kc_buf_addf(b, "</h2><table><thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
				       "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
				       "<th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>",
				    T("Municipality"), T("Rating"), T("High"), T("Medium"), T("Low"), T("Info"), T("Accepted"));
		}
		kc_buf_addf(b, "<tr id=\"rating-%s\" data-colour=\"%s\"><th scope=\"row\"><a href=\"",
			    v[i].org_code[0] ? v[i].org_code : v[i].org_slug, kc_colour_name(v[i].colour));
		org_href(b, v[i].org_code, v[i].org_slug);
		kc_buf_adds(b, "#findings\">");
		kc_html(b, v[i].org_name);
		kc_buf_addf(b, "</a></th><td><span class=\"rating rating-%s\">%s</span></td><td>%lld</td><td>%lld</td>"
			       "<td>%lld</td><td>%lld</td><td>%lld</td></tr>",
			    kc_colour_name(v[i].colour), colour_label(r, v[i].colour), (long long)v[i].high,
			    (long long)v[i].medium, (long long)v[i].low, (long long)v[i].info, (long long)v[i].accepted);
	}
	if (n)
		kc_buf_adds(b, "</tbody></table></section>");
	free(v);
	r->status = 200;
	kc_ui_foot(r);
}

int kc_ui_scan_route(kc_req *r, const char *p, int get, int post)
{
	if (get && !strcmp(p, "/ratings")) {
		page_ratings(r);
		return 1;
	}
	if (get && !strcmp(p, "/findings")) {
		page_findings(r);
		return 1;
	}
	if (!strncmp(p, "/findings/", 10)) {
		char *end;
		long long id = strtoll(p + 10, &end, 10);

		if (id <= 0 || end == p + 10)
			return 0;
		if (get && !*end) {
			page_finding(r, id, NULL);
			return 1;
		}
		if (post && (!strcmp(end, "/accept") || !strcmp(end, "/withdraw"))) {
			finding_post(r, id, !strcmp(end, "/withdraw"));
			return 1;
		}
	}
	return 0;
}
