/*
 * ui_picture.c - /situation: the situational picture. The CERT sees the
 * national picture and sets the threat level; a municipality sees its own
 * figures. The chart is SVG drawn here, with a title, a description and the
 * same figures as a table beside it (no script needed, readable by screen
 * readers). Below them: events per day (with, for one organisation, the
 * national median per municipality beside it), open cases by
 * classification, the most exposed services and, nationally, the map of the
 * municipalities. /org/REF/situation is the CERT's view of one organisation.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/time.h"
#include "org/org.h"
#include "picture/chart.h"
#include "picture/map.h"
#include "picture/scanpic.h"
#include "picture/situation.h"
#include "picture/trend.h"
#include "picture/window.h"
#include "web/ui_internal.h"
#include "base/kc.h"

#define T(s) kc_req_tr(r, s)

static int is_cert(const kc_req *r)
{
	return r->user.role == KC_ROLE_ADMIN || r->user.role == KC_ROLE_ANALYST;
}

/* Horizontal bars of the 7-day counts. */
static void bar_chart(kc_req *r, const kc_situation_count *v, size_t n)
{
	kc_buf *b = &r->out;
	int64_t max = 1;
	size_t rows = n < 12 ? n : 12;

	for (size_t i = 0; i < rows; i++)
		if (v[i].d7 > max)
			max = v[i].d7;
	kc_buf_addf(b, "<svg role=\"img\" aria-labelledby=\"chart-t chart-d\" width=\"640\" height=\"%zu\" "
		       "viewBox=\"0 0 640 %zu\" xmlns=\"http://www.w3.org/2000/svg\"><title id=\"chart-t\">%s</title>"
		       "<desc id=\"chart-d\">%s</desc>",
		    rows * 24 + 8, rows * 24 + 8, T("Events by type, last 7 days"),
		    T("One bar per event type; the table below has the same figures."));
	for (size_t i = 0; i < rows; i++) {
		int w = (int)(v[i].d7 * 380 / max);

		kc_buf_addf(b, "<text x=\"0\" y=\"%zu\" font-size=\"13\">", i * 24 + 20);
		kc_html(b, v[i].key);
		kc_buf_addf(b, "</text><rect x=\"220\" y=\"%zu\" width=\"%d\" height=\"16\" fill=\"#0b4f8a\"></rect>"
			       "<text x=\"%d\" y=\"%zu\" font-size=\"13\">%lld</text>",
			    i * 24 + 7, w > 0 ? w : 1, 226 + w, i * 24 + 20, (long long)v[i].d7);
	}
	kc_buf_adds(b, "</svg>");
}

static void count_table(kc_req *r, const char *id, const char *caption, const kc_situation_count *v, size_t n)
{
	kc_buf *b = &r->out;

	kc_buf_addf(b, "<table id=\"%s\"><caption>", id);
	kc_html(b, caption);
	kc_buf_addf(b, "</caption><thead><tr><th scope=\"col\"></th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
		       "<th scope=\"col\">%s</th></tr></thead><tbody>",
		    T("24 hours"), T("7 days"), T("30 days"));
	for (size_t i = 0; i < n; i++) {
		kc_buf_adds(b, "<tr><th scope=\"row\">");
		kc_html(b, v[i].key);
		kc_buf_addf(b, "</th><td>%lld</td><td>%lld</td><td>%lld</td></tr>", (long long)v[i].d1, (long long)v[i].d7,
			    (long long)v[i].d30);
	}
	kc_buf_adds(b, "</tbody></table>");
}


static void exposed_table(kc_req *r, int64_t org, const kc_event_window *w)
{
	kc_buf *b = &r->out;
	kc_exposed *x = NULL;
	size_t n = 0;
	kc_err err;

	kc_buf_addf(b, "<h2>%s</h2>", T("Most exposed services"));
	if (kc_event_window_exposed(w, 30, 15, &x, &n, &err) || !n) {
		kc_buf_addf(b, "<p class=\"note\">%s</p>", T("No services seen exposed in the last 30 days."));
		free(x);
		return;
	}
	kc_buf_addf(b, "<table id=\"exposed\"><caption>%s</caption><thead><tr>",
		    T("Events of services left open, last 30 days"));
	if (!org)
		kc_buf_addf(b, "<th scope=\"col\">%s</th>", T("Organisation"));
	kc_buf_addf(b, "<th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>", T("Service"),
		    T("Events"));
	for (size_t i = 0; i < n; i++) {
		kc_buf_adds(b, "<tr>");
		if (!org) {
			kc_buf_adds(b, "<td>");
			kc_html(b, x[i].name);
			kc_buf_adds(b, "</td>");
		}
		kc_buf_adds(b, "<td>");
		kc_html(b, x[i].identifier);
		kc_buf_addf(b, "</td><td>%lld</td></tr>", (long long)x[i].n);
	}
	kc_buf_adds(b, "</tbody></table>");
	free(x);
}

static void classes_table(kc_req *r, int64_t org)
{
	kc_buf *b = &r->out;
	kc_situation_count *c = NULL;
	size_t n = 0;
	kc_err err;

	if (kc_trend_case_classes(r->st, org, &c, &n, &err) || !n) {
		free(c);
		return;
	}
	kc_buf_addf(b, "<table id=\"by-class\"><caption>%s</caption><thead><tr><th scope=\"col\">%s</th>"
		       "<th scope=\"col\">%s</th></tr></thead><tbody>",
		    T("Open cases by classification"), T("Classification"), T("Open cases"));
	for (size_t i = 0; i < n; i++) {
		kc_buf_adds(b, "<tr><th scope=\"row\">");
		kc_html(b, *c[i].key ? c[i].key : T("unclassified"));
		kc_buf_addf(b, "</th><td>%lld</td></tr>", (long long)c[i].d1);
	}
	kc_buf_adds(b, "</tbody></table>");
	free(c);
}

/* Events per day over 30 days; for one organisation with the median of the
 * municipalities beside it (a figure, never another municipality's name). */
static void trend_section(kc_req *r, int64_t org)
{
	kc_buf *b = &r->out;
	kc_trend *t = malloc(sizeof(*t));
	kc_chart_text x = { .id = "trend", .title = T("New events per day, last 30 days"),
			    .own_label = org ? T("Your new events") : T("New events"),
			    .median_label = org ? T("Median per municipality") : NULL, .day_label = T("Day") };
	kc_err err;

	x.desc = org ? T("Bars: your organisation's new events per day; line: the median of all municipalities "
			 "the same day. The table below has the same figures.")
		     : T("Bars: new events per day in all organisations. The table below has the same figures.");
	kc_buf_addf(b, "<h2>%s</h2>", T("Trend"));
	if (!t || kc_trend_daily(r->st, org, 30, org != 0, t, &err)) {
		kc_buf_addf(b, "<p class=\"err\">%s</p>", T("The trend could not be read."));
		free(t);
		return;
	}
	if (org)
		kc_buf_addf(b, "<p id=\"compare\">%s <strong id=\"own-30d\">%lld</strong>; %s <strong id=\"median-30d\">%g"
			       "</strong> (%s %lld)</p>",
			    T("New events in the last 30 days:"), (long long)t->total_own,
			    T("median per municipality:"), t->total_median, T("municipalities:"),
			    (long long)t->municipalities);
	kc_chart_daily_svg(b, &x, t);
	kc_buf_addf(b, "<details><summary>%s</summary>", T("The figures as a table"));
	kc_chart_daily_table(b, &x, t);
	kc_buf_adds(b, "</details>");
	free(t);
}


static const char *colour_label(kc_req *r, kc_colour c)
{
	static const char *const names[] = { N_("grey"), N_("green"), N_("yellow"), N_("orange"), N_("red") };

	return T(names[(unsigned)c < 5 ? c : 0]);
}

/* Open findings by severity: nationally or one organisation's own (f NULL:
 * they could not be read). */
static void findings_section(kc_req *r, const kc_pic_findings *f)
{
	static const char *const key[] = { "high", "medium", "low", "info", "accepted" };
	static const char *const label[] = { N_("high"), N_("medium"), N_("low"), N_("info"), N_("accepted") };
	kc_buf *b = &r->out;

	kc_buf_addf(b, "<h2>%s</h2>", T("Findings"));
	if (!f) {
		kc_buf_addf(b, "<p class=\"err\">%s</p>", T("The findings could not be read."));
		return;
	}
	int64_t v[] = { f->high, f->medium, f->low, f->info, f->accepted };
	kc_buf_addf(b, "<table id=\"findings-by-severity\"><caption>%s</caption><thead><tr>",
		    T("Open findings by severity"));
	for (int i = 0; i < 5; i++)
		kc_buf_addf(b, "<th scope=\"col\">%s</th>", T(label[i]));
	kc_buf_adds(b, "</tr></thead><tbody><tr>");
	for (int i = 0; i < 5; i++)
		kc_buf_addf(b, "<td id=\"finding-%s\">%lld</td>", key[i], (long long)v[i]);
	kc_buf_adds(b, "</tr></tbody></table>");
}

/* The most exposed checks (c, from the findings' one pass; ok 0 when that
 * failed) and products (counts only; no organisation named). */
static void exposed_scan_section(kc_req *r, int64_t org, const kc_pic_count *c, size_t nc, int ok)
{
	kc_buf *b = &r->out;
	kc_pic_count *p = NULL;
	size_t np = 0;
	kc_err err;

	kc_buf_addf(b, "<h2>%s</h2>", T("Most exposed services and products"));
	if (!ok || kc_pic_top_products(r->st, org, 15, &p, &np, &err)) {
		kc_buf_addf(b, "<p class=\"err\">%s</p>", T("The findings could not be read."));
		free(p);
		return;
	}
	if (nc) {
		kc_buf_addf(b, "<table id=\"top-checks\"><caption>%s</caption><thead><tr><th scope=\"col\">%s</th>"
			       "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>",
			    T("Open findings by check"), T("Check"), T("Worst severity"), T("Open findings"),
			    T("Organisations"));
		for (size_t i = 0; i < nc; i++) {
			kc_buf_adds(b, "<tr><th scope=\"row\">");
			kc_html(b, c[i].key);
			kc_buf_addf(b, "</th><td>%s</td><td>%lld</td><td>%lld</td></tr>", T(c[i].severity), (long long)c[i].n,
				    (long long)c[i].orgs);
		}
		kc_buf_adds(b, "</tbody></table>");
	} else {
		kc_buf_addf(b, "<p class=\"note\">%s</p>", T("No open findings."));
	}
	if (np) {
		kc_buf_addf(b, "<table id=\"top-products\"><caption>%s</caption><thead><tr><th scope=\"col\">%s</th>"
			       "<th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>",
			    T("Products (CPE vendor:product), declared or seen by the scanner"), T("Product"),
			    T("Organisations"), T("Entries"));
		for (size_t i = 0; i < np; i++) {
			kc_buf_adds(b, "<tr><th scope=\"row\">");
			kc_html(b, p[i].key);
			kc_buf_addf(b, "</th><td>%lld</td><td>%lld</td></tr>", (long long)p[i].orgs, (long long)p[i].n);
		}
		kc_buf_adds(b, "</tbody></table>");
	}
	free(p);
}

/* KEV entries whose NVD criteria take in a constituent's product. */
static void kev_section(kc_req *r, int64_t org)
{
	kc_buf *b = &r->out;
	kc_pic_kev *k = NULL;
	size_t n = 0;
	kc_err err;

	kc_buf_addf(b, "<h2>%s</h2>", org ? T("Known exploited vulnerabilities in your products")
					  : T("KEV entries that affect constituents"));
	if (kc_pic_kev_affected(r->st, org, &k, &n, &err)) {
		kc_buf_addf(b, "<p class=\"err\">%s</p>", T("The KEV entries could not be read."));
		return;
	}
	if (!n) {
		kc_buf_addf(b, "<p class=\"note\" id=\"kev-none\">%s</p>",
			    T("No KEV entry matches a declared or observed product."));
		return;
	}
	kc_buf_addf(b, "<table id=\"kev-affected\"><caption>%s</caption><thead><tr><th scope=\"col\">CVE</th>"
		       "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
		       "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>",
		    T("CISA KEV entries matching products the organisations run"), T("Product"), T("Matching products"),
		    org ? T("Match") : T("Organisations (definite)"), org ? T("Uncertain") : T("Organisations (uncertain)"),
		    T("Added"), T("Ransomware use"));
	for (size_t i = 0; i < n; i++) {
		kc_buf_addf(b, "<tr data-cve=\"%s\"><th scope=\"row\">", k[i].cve);
		kc_html(b, k[i].cve);
		kc_buf_adds(b, "</th><td>");
		kc_html(b, k[i].vendor);
		kc_buf_adds(b, " ");
		kc_html(b, k[i].product);
		kc_buf_adds(b, "</td><td>");
		kc_html(b, k[i].products);
		kc_buf_addf(b, "</td><td class=\"definite\">%lld</td><td class=\"uncertain\">%lld</td><td>%s</td><td>",
			    (long long)k[i].definite, (long long)k[i].uncertain, k[i].added);
		kc_html(b, !strcmp(k[i].ransomware, "Known") ? T("known") : T("unknown"));
		kc_buf_adds(b, "</td></tr>");
	}
	kc_buf_adds(b, "</tbody></table>");
	free(k);
}

/* The map by rating and the rating per county. */
static void rating_section(kc_req *r)
{
	kc_buf *b = &r->out;
	kc_rating *v = NULL;
	kc_pic_county *c = NULL;
	kc_map_cell *cells = NULL;
	size_t nv = 0, nc = 0, n = 0;
	kc_map_opts o = { .id = "rmap", .title = T("Security rating per municipality"),
			  .desc = T("Norway's municipalities as equal tiles grouped by county, coloured by the "
				    "scanner's current rating: red, orange, yellow, green; grey has nothing to scan. "
				    "The table below has the same figures."),
			  .value_label = T("Open findings"), .lang = r->lang, .href_fmt = "/org/%s/situation" };
	kc_err err;

	if (kc_rating_list(r->st, NULL, 0, &v, &nv, &err) || kc_trend_map_from_ratings(v, nv, &cells, &n, &err) ||
	    kc_pic_county_ratings(v, nv, &c, &nc, &err)) {
		kc_buf_addf(b, "<p class=\"err\">%s</p>", T("The ratings could not be read."));
		goto out;
	}
	kc_buf_addf(b, "<section id=\"map-rating\" class=\"map-panel\"><h3>%s</h3>", T("Security rating"));
	if (kc_map_svg(b, &o, kc_map_rating_legend(r->lang), cells, n, &err)) {
		kc_buf_addf(b, "<p class=\"err\">%s</p></section>", T("The map could not be drawn."));
		goto out;
	}
	kc_buf_addf(b, "<details><summary>%s</summary>", T("The figures as a table"));
	kc_map_table(b, &o, kc_map_rating_legend(r->lang), cells, n, &err);
	kc_buf_adds(b, "</details></section>");
	kc_buf_addf(b, "<table id=\"rating-county\"><caption>%s</caption><thead><tr><th scope=\"col\">%s</th>",
		    T("Municipalities per rating colour, by county"), T("County"));
	for (int col = KC_COLOUR_RED; col >= KC_COLOUR_GREY; col--)
		kc_buf_addf(b, "<th scope=\"col\">%s</th>", colour_label(r, (kc_colour)col));
	kc_buf_adds(b, "</tr></thead><tbody>");
	for (size_t i = 0; i < nc; i++) {
		kc_buf_addf(b, "<tr data-county=\"%s\"><th scope=\"row\">", c[i].code);
		kc_html(b, i + 1 == nc ? T("All counties") : c[i].name);
		kc_buf_adds(b, "</th>");
		for (int col = KC_COLOUR_RED; col >= KC_COLOUR_GREY; col--)
			kc_buf_addf(b, "<td class=\"%s\">%lld</td>", kc_colour_name((kc_colour)col), (long long)c[i].by[col]);
		kc_buf_adds(b, "</tr>");
	}
	kc_buf_adds(b, "</tbody></table>");
out:
	free(v);
	free(c);
	free(cells);
}

/* One organisation's rating now and over time beside the national median. */
static void own_rating_section(kc_req *r, int64_t org)
{
	kc_buf *b = &r->out;
	kc_rating me, *all = NULL;
	kc_pic_rating_day *d = NULL;
	size_t nall = 0, nd = 0;
	int64_t rated = 0;
	double med;
	kc_err err;

	kc_buf_addf(b, "<h2>%s</h2>", T("Security rating"));
	if (kc_rating_get(r->st, org, &me, &err) || kc_rating_list(r->st, NULL, 0, &all, &nall, &err) ||
	    kc_pic_rating_compare(r->st, org, 90, &d, &nd, &err)) {
		kc_buf_addf(b, "<p class=\"err\">%s</p>", T("The ratings could not be read."));
		free(all);
		return;
	}
	med = kc_pic_rating_median(all, nall, &rated);
	free(all);
	kc_buf_addf(b, "<p id=\"own-rating\">%s <strong class=\"rating-%s\" id=\"own-colour\">%s</strong>; "
		       "%s <strong id=\"median-colour\">%s</strong> (%s <span id=\"median-score\">%.1f</span>, "
		       "%s %lld)</p>",
		    T("Your rating now:"), kc_colour_name(me.colour), colour_label(r, me.colour),
		    T("national median:"), colour_label(r, kc_pic_score_colour(med)), T("score"), med,
		    T("rated municipalities:"), (long long)rated);
	if (!nd) {
		kc_buf_addf(b, "<p class=\"note\">%s</p>", T("No rating history yet."));
		return;
	}
	kc_buf_addf(b, "<table id=\"rating-trend\"><caption>%s</caption><thead><tr><th scope=\"col\">%s</th>"
		       "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
		       "<th scope=\"col\">%s</th></tr></thead><tbody>",
		    T("Your rating over time beside the national median (score: green 1, yellow 2, orange 3, red 4)"),
		    T("Day"), T("Your rating"), T("Open findings (high/medium/low)"), T("National median"),
		    T("Median colour"));
	for (size_t i = 0; i < nd; i++) {
		kc_buf_addf(b, "<tr><th scope=\"row\">%s</th><td class=\"rating-%s\">%s</td><td>%lld/%lld/%lld</td>"
			       "<td>%.1f</td><td>%s</td></tr>",
			    d[i].day, kc_colour_name(d[i].own), colour_label(r, d[i].own), (long long)d[i].high,
			    (long long)d[i].medium, (long long)d[i].low, d[i].median,
			    colour_label(r, kc_pic_score_colour(d[i].median)));
	}
	kc_buf_adds(b, "</tbody></table>");
	free(d);
}

/* The advisories that concern org (its products), and the published CLEAR
 * and GREEN ones; nationally the newest the reader may see. */
static void advisories_section(kc_req *r, int64_t org)
{
	kc_buf *b = &r->out;
	kc_pic_advisory *v = NULL;
	size_t n = 0;
	kc_err err;

	kc_buf_addf(b, "<h2>%s</h2>", T("Advisories"));
	if (kc_pic_advisories(r->st, &r->user, org, 10, &v, &n, &err)) {
		kc_buf_addf(b, "<p class=\"err\">%s</p>", T("The advisories could not be read."));
		return;
	}
	if (!n) {
		kc_buf_addf(b, "<p class=\"note\">%s</p>", T("No published advisories."));
		return;
	}
	kc_buf_addf(b, "<table id=\"advisories\"><caption>%s</caption><thead><tr><th scope=\"col\">%s</th>"
		       "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">TLP</th>"
		       "<th scope=\"col\">%s</th>%s</tr></thead><tbody>",
		    org ? T("Advisories that concern you, and the published CLEAR and GREEN ones")
			: T("The newest published advisories"),
		    T("Advisory"), T("Title"), T("Severity"), T("Updated"), org ? "<th scope=\"col\"></th>" : "");
	for (size_t i = 0; i < n; i++) {
		kc_buf_addf(b, "<tr data-advisory=\"%s\"%s><th scope=\"row\"><a href=\"/advisories/%s\">%s</a></th><td>",
			    v[i].a.ident, v[i].concerns ? " class=\"concerns\"" : "", v[i].a.ident, v[i].a.ident);
		kc_html(b, v[i].a.title);
		kc_buf_addf(b, "</td><td>%s</td><td>%s</td><td>%.10s</td>", T(v[i].a.severity), kc_tlp_name(v[i].a.tlp),
			    v[i].a.current_release);
		if (org)
			kc_buf_addf(b, "<td>%s</td>", v[i].concerns ? T("concerns your products") : "");
		kc_buf_adds(b, "</tr>");
	}
	kc_buf_adds(b, "</tbody></table>");
	free(v);
}

static void map_section(kc_req *r, const kc_event_window *w)
{
	kc_buf *b = &r->out;
	kc_map_cell *cells = NULL;
	size_t n = 0;
	kc_map_opts o = { .id = "map", .title = T("Events per municipality, last 30 days"),
			  .desc = T("Norway's municipalities as equal tiles grouped by county, coloured by the number "
				    "of events seen in the last 30 days. The table below has the same figures."),
			  .value_label = T("Events"), .lang = r->lang, .href_fmt = "/org/%s/situation" };
	kc_err err;

	kc_buf_addf(b, "<h2>%s</h2><nav class=\"map-switch\" aria-label=\"%s\"><a href=\"#map-events\">%s</a> | "
		       "<a href=\"#map-rating\">%s</a></nav>",
		    T("Map"), T("Maps"), T("Events in 30 days"), T("Security rating"));
	kc_buf_addf(b, "<section id=\"map-events\" class=\"map-panel\"><h3>%s</h3>", T("Events in 30 days"));
	if (kc_event_window_map(w, &cells, &n, &err) ||
	    kc_map_svg(b, &o, kc_map_events_legend(r->lang), cells, n, &err)) {
		kc_buf_addf(b, "<p class=\"err\">%s</p></section>", T("The map could not be drawn."));
		free(cells);
		rating_section(r);
		return;
	}
	kc_buf_addf(b, "<details><summary>%s</summary>", T("The figures as a table"));
	kc_map_table(b, &o, kc_map_events_legend(r->lang), cells, n, &err);
	kc_buf_adds(b, "</details></section>");
	free(cells);
	rating_section(r);
}

static void page(kc_req *r, const char *msg, const kc_org *view)
{
	static const char *const sev[] = { "lav", "moderat", "alvorlig", "kritisk" };
	static const char *const sevname[] = { N_("low"), N_("moderate"), N_("serious"), N_("critical") };
	static const char *const phase[] = { "reported", "triage", "handling", "recovery" };
	int64_t org = view ? view->id : is_cert(r) ? 0 : r->user.norgs ? r->user.orgs[0] : -1;
	kc_buf *b = &r->out;
	kc_situation s;
	kc_err err;
	char tm[KC_TIME_STRLEN];

	if (org < 0 || kc_situation_get(r->st, org, &s, &err)) {
		r->status = 403;
		kc_ui_head(r, T("Forbidden"));
		kc_buf_addf(b, "<h1>%s</h1>", T("Forbidden"));
		return kc_ui_foot(r);
	}
	kc_ui_head(r, T("Situational picture"));
	if (view) {
		kc_buf_addf(b, "<h1>%s: ", T("Situational picture"));
		kc_html(b, view->name);
		kc_buf_adds(b, "</h1>");
	} else {
		kc_buf_addf(b, "<h1>%s</h1>", org ? T("Your situational picture") : T("Situational picture"));
	}
	if (msg) {
		kc_buf_adds(b, "<p class=\"err\" role=\"alert\">");
		kc_html(b, msg);
		kc_buf_adds(b, "</p>");
	}
	kc_buf_addf(b, "<h2>%s</h2>", T("National threat level"));
	if (s.level.level) {
		kc_buf_addf(b, "<p id=\"threat-level\"><strong>%d</strong> / 5 (%s, ", s.level.level,
			    kc_time_oslo(s.level.set_at, tm));
		kc_html(b, s.level.set_by);
		kc_buf_adds(b, "): ");
		kc_html(b, s.level.rationale);
		kc_buf_adds(b, "</p>");
	} else {
		kc_buf_addf(b, "<p id=\"threat-level\" class=\"note\">%s</p>", T("Not set."));
	}
	if (is_cert(r) && !org) {
		kc_buf_adds(b, "<form method=\"post\" action=\"/situation/level\" class=\"row\"><input type=\"hidden\" "
			       "name=\"csrf\" value=\"");
		kc_html(b, r->csrf);
		kc_buf_addf(b, "\"><div><label for=\"level\">%s</label><select id=\"level\" name=\"level\">", T("Level"));
		for (int i = 1; i <= 5; i++)
			kc_buf_addf(b, "<option%s>%d</option>", i == s.level.level ? " selected" : "", i);
		kc_buf_addf(b, "</select></div><div><label for=\"rationale\">%s</label><input id=\"rationale\" name=\"rationale\" "
			       "size=\"50\" required></div><div><button type=\"submit\">%s</button></div></form>",
			    T("Rationale"), T("Set"));
	}
	kc_buf_addf(b, "<h2>%s</h2><table id=\"by-severity\"><caption>%s</caption><thead><tr>", T("Open cases"),
		    T("Open cases by severity"));
	for (int i = 0; i < 4; i++)
		kc_buf_addf(b, "<th scope=\"col\">%s</th>", T(sevname[i]));
	kc_buf_adds(b, "</tr></thead><tbody><tr>");
	for (int i = 0; i < 4; i++)
		kc_buf_addf(b, "<td id=\"sev-%s\">%lld</td>", sev[i], (long long)s.cases_by_severity[i]);
	kc_buf_addf(b, "</tr></tbody></table><table id=\"by-phase\"><caption>%s</caption><thead><tr>",
		    T("Open cases by phase"));
	for (int i = 0; i < 4; i++)
		kc_buf_addf(b, "<th scope=\"col\">%s</th>", T(phase[i]));
	kc_buf_adds(b, "</tr></thead><tbody><tr>");
	for (int i = 0; i < 4; i++)
		kc_buf_addf(b, "<td id=\"phase-%s\">%lld</td>", phase[i], (long long)s.cases_by_phase[i]);
	kc_buf_addf(b, "</tr></tbody></table><p><span id=\"overdue\">%lld</span> %s; <span id=\"clocks\">%lld</span> %s</p>",
		    (long long)s.cases_overdue, T("cases overdue"), (long long)s.clocks_due_24h,
		    T("legal clocks run out within 24 hours"));
	classes_table(r, org);
	trend_section(r, org);
	kc_buf_addf(b, "<h2>%s</h2>", T("Events"));
	if (s.ntypes) {
		bar_chart(r, s.types, s.ntypes);
		count_table(r, "by-type", T("Events by type"), s.types, s.ntypes);
	} else {
		kc_buf_addf(b, "<p class=\"note\">%s</p>", T("No events."));
	}
	if (s.norgs)
		count_table(r, "by-org", T("Events by organisation"), s.orgs, s.norgs);
	exposed_table(r, org, s.window);
	{
		kc_pic_findings pf;
		kc_pic_count *pc = NULL;
		size_t npc = 0;
		kc_err ferr;
		int fok = !kc_pic_findings_scan(r->st, org, 15, &pf, &pc, &npc, &ferr);

		findings_section(r, fok ? &pf : NULL);
		if (org)
			own_rating_section(r, org);
		exposed_scan_section(r, org, pc, npc, fok);
		free(pc);
	}
	kev_section(r, org);
	advisories_section(r, org);
	if (!org)
		map_section(r, s.window);
	kc_situation_release(&s);
	r->status = r->status == 500 ? 200 : r->status;
	kc_ui_foot(r);
}

int kc_ui_situation_route(kc_req *r, int post)
{
	char lv[8], why[1100];
	kc_err err;

	if (!post && !strncmp(r->path, "/org/", 5)) {
		char ref[64];
		const char *end = strchr(r->path + 5, '/');
		kc_org o;

		if (!end || strcmp(end, "/situation") || (size_t)(end - r->path - 5) >= sizeof(ref))
			return 0;
		snprintf(ref, sizeof(ref), "%.*s", (int)(end - r->path - 5), r->path + 5);
		if (kc_org_get(r->st, ref, &o, &err)) {
			r->status = 404;
			kc_ui_head(r, T("Not found"));
			kc_buf_addf(&r->out, "<h1>%s</h1>", T("Not found"));
			kc_ui_foot(r);
			return 1;
		}
		/* The CERT looks at any organisation; a member only at their own. */
		if (!is_cert(r) && !kc_user_in_org(&r->user, o.id)) {
			r->status = 403;
			kc_ui_head(r, T("Forbidden"));
			kc_buf_addf(&r->out, "<h1>%s</h1>", T("Forbidden"));
			kc_ui_foot(r);
			return 1;
		}
		page(r, NULL, &o);
		return 1;
	}
	if (!post) {
		page(r, NULL, NULL);
		return 1;
	}
	if (!strcmp(r->path, "/situation/level")) {
		if (!kc_ui_csrf_ok(r))
			return 1;
		if (!is_cert(r)) {
			r->status = 403;
			page(r, T("only the CERT's analysts do this"), NULL);
			return 1;
		}
		if (kc_threat_level_set(r->st, r->user.name, atoi(kc_req_form(r, "level", lv, sizeof(lv)) ? lv : "0"),
					kc_req_form(r, "rationale", why, sizeof(why)), &err)) {
			r->status = 400;
			page(r, err.msg, NULL);
			return 1;
		}
		kc_resp_redirect(r, "/situation");
		return 1;
	}
	return 0;
}
