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

	kc_buf_addf(b, "<h2>%s</h2>", T("Map"));
	if (kc_event_window_map(w, &cells, &n, &err) ||
	    kc_map_svg(b, &o, kc_map_events_legend(r->lang), cells, n, &err)) {
		kc_buf_addf(b, "<p class=\"err\">%s</p>", T("The map could not be drawn."));
		free(cells);
		return;
	}
	kc_buf_addf(b, "<details><summary>%s</summary>", T("The figures as a table"));
	kc_map_table(b, &o, kc_map_events_legend(r->lang), cells, n, &err);
	kc_buf_adds(b, "</details>");
	free(cells);
}

/* LEAD: when the advisory tables land (branch advisory), list here the
 * advisories that concern org (org 0: the latest ones), through kc_may_read. */
static void advisories_section(kc_req *r, int64_t org)
{
	(void)r;
	(void)org;
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
