/*
 * report.c - the situation report; see report.h. The report is first built
 * as a small document (headings, paragraphs, tables, one chart), then written
 * out as Markdown, HTML or PDF, so the three always say the same.
 */
#include "picture/report.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/kc.h"
#include "base/time.h"
#include "picture/chart.h"
#include "picture/map.h"
#include "picture/scanpic.h"
#include "picture/situation.h"
#include "picture/trend.h"
#include "picture/window.h"

#define L(s) kc_tr_lang(o->lang, s)

enum { B_H1, B_H2, B_P, B_TH, B_TR, B_END, B_CHART };

typedef struct blk {
	int kind;
	char *text; /* cells separated by tabs in B_TH / B_TR */
} blk;

typedef struct doc {
	blk *b;
	size_t n, cap;
	int oom;
	char title[160], marking[24], chart_title[128];
	kc_trend *trend;
	const char *own_label, *day_label;
} doc;

static void add(doc *d, int kind, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void add(doc *d, int kind, const char *fmt, ...)
{
	va_list ap;
	kc_buf t;
	char *s;

	if (d->n == d->cap) {
		blk *p = realloc(d->b, (d->cap = d->cap ? 2 * d->cap : 64) * sizeof(*p));

		if (!p) {
			d->oom = 1;
			return;
		}
		d->b = p;
	}
	kc_buf_init(&t, 1u << 20);
	va_start(ap, fmt);
	s = kc_buf_vaddf(&t, fmt, ap) ? NULL : kc_buf_detach(&t, NULL);
	va_end(ap);
	kc_buf_release(&t);
	if (!s) {
		d->oom = 1;
		return;
	}
	d->b[d->n++] = (blk){ kind, s };
}

static void doc_release(doc *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->b[i].text);
	free(d->b);
	free(d->trend);
}

int kc_report_period_parse(const char *s, kc_report_period *out)
{
	if (!strcmp(s, "week"))
		*out = KC_REPORT_WEEK;
	else if (!strcmp(s, "month"))
		*out = KC_REPORT_MONTH;
	else
		return KC_EINVAL;
	return 0;
}

int kc_report_format_parse(const char *s, kc_report_format *out)
{
	if (!strcmp(s, "md"))
		*out = KC_REPORT_MD;
	else if (!strcmp(s, "html"))
		*out = KC_REPORT_HTML;
	else if (!strcmp(s, "pdf"))
		*out = KC_REPORT_PDF;
	else
		return KC_EINVAL;
	return 0;
}

void kc_report_period_label(kc_report_period p, time_t t, char out[16])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 16, p == KC_REPORT_WEEK ? "%G-W%V" : "%Y-%m", &tm);
}

static const char *sev_name(const kc_report_opts *o, int i)
{
	static const char *const sev[] = { N_("low"), N_("moderate"), N_("serious"), N_("critical") };

	return L(sev[i]);
}

/* Notable incidents: serious and critical cases opened in the period or
 * still open, anonymised below AMBER. */
static int notable(kc_store *st, const kc_report_opts *o, const char *since, doc *d, kc_err *err)
{
	static const char *const sevs[] = { "lav", "moderat", "alvorlig", "kritisk" };
	kc_stmt *s = NULL;
	int64_t hidden = 0, shown = 0;
	int rc;

	rc = kc_store_query(st, err, &s,
			    "SELECT c.id, c.title, c.severity, COALESCE(c.taxonomy, ''), c.status, c.tlp, "
			    "COALESCE(o.name, ''), COALESCE(cy.name, ''), c.created_at FROM incident_case c "
			    "LEFT JOIN org o ON o.id = c.org_id LEFT JOIN org cy ON cy.id = o.county_id "
			    "WHERE c.severity IN ('alvorlig', 'kritisk') AND c.status NOT IN ('merged', 'rejected') AND "
			    "(c.created_at >= ? OR c.status <> 'closed') ORDER BY c.created_at DESC, c.id DESC LIMIT 200",
			    "t", since);
	if (rc)
		return rc;
	add(d, B_H2, "%s", L(N_("Notable incidents")));
	while ((rc = kc_stmt_step(s, err)) == KC_ROW) {
		kc_tlp tlp;
		const char *sev = kc_stmt_text(s, 2), *cls = kc_stmt_text(s, 3);
		int si = 0;

		if (kc_tlp_parse(kc_stmt_text(s, 5), &tlp))
			tlp = KC_TLP_RED;
		if (tlp > o->tlp) {
			hidden++;
			continue;
		}
		for (int i = 0; i < 4; i++)
			if (!strcmp(sev, sevs[i]))
				si = i;
		if (!shown++)
			add(d, B_TH, "%s\t%s\t%s\t%s\t%s", L(N_("Created")), L(N_("Severity")), L(N_("Classification")),
			    L(N_("Phase")), o->tlp >= KC_TLP_AMBER ? L(N_("Case")) : o->tlp == KC_TLP_GREEN ? L(N_("County"))
													 : "");
		if (shown > 20)
			continue;
		add(d, B_TR, "%.10s\t%s\t%s\t%s\t%s%s%s", kc_stmt_text(s, 8), sev_name(o, si),
		    *cls ? cls : L(N_("unclassified")), L(kc_stmt_text(s, 4)),
		    o->tlp >= KC_TLP_AMBER ? kc_stmt_text(s, 6) : o->tlp == KC_TLP_GREEN ? kc_stmt_text(s, 7) : "",
		    o->tlp >= KC_TLP_AMBER ? ": " : "", o->tlp >= KC_TLP_AMBER ? kc_stmt_text(s, 1) : "");
	}
	kc_stmt_finalize(s);
	if (rc < 0)
		return rc;
	if (shown)
		add(d, B_END, "%s", "");
	else
		add(d, B_P, "%s", L(N_("No serious or critical incidents that this report's TLP allows to list.")));
	if (hidden)
		add(d, B_P, L(N_("%lld further serious or critical incidents are marked above this report's TLP and are "
				 "only counted.")),
		    (long long)hidden);
	return 0;
}

/* Advisories published or updated in the period with TLP at most the
 * report's; the rest are only counted. */
static int advisories(kc_store *st, const kc_report_opts *o, const char *since, doc *d, kc_err *err)
{
	static const char *const sevs[] = { "lav", "moderat", "alvorlig", "kritisk" };
	kc_stmt *s = NULL;
	int64_t hidden = 0, shown = 0;
	int rc;

	rc = kc_store_query(st, err, &s,
			    "SELECT ident, title, severity, tlp, initial_release, current_release, version FROM advisory "
			    "WHERE status = 'final' AND (initial_release >= ? OR current_release >= ?) "
			    "ORDER BY current_release DESC, id DESC LIMIT 500",
			    "tt", since, since);
	if (rc)
		return rc;
	add(d, B_H2, "%s", L(N_("Advisories")));
	while ((rc = kc_stmt_step(s, err)) == KC_ROW) {
		kc_tlp tlp;
		const char *sev = kc_stmt_text(s, 2), *first = kc_stmt_text(s, 4), *cur = kc_stmt_text(s, 5);
		int si = 1;

		if (kc_tlp_parse(kc_stmt_text(s, 3), &tlp))
			tlp = KC_TLP_RED;
		if (tlp > o->tlp) {
			hidden++;
			continue;
		}
		for (int i = 0; i < 4; i++)
			if (sev && !strcmp(sev, sevs[i]))
				si = i;
		if (!shown++)
			add(d, B_TH, "%s\t%s\t%s\tTLP\t%s", L(N_("Advisory")), L(N_("Title")), L(N_("Severity")),
			    L(N_("Published or updated")));
		if (shown > 50)
			continue;
		add(d, B_TR, "%s\t%s\t%s\t%s\t%.10s %s", kc_stmt_text(s, 0), kc_stmt_text(s, 1), sev_name(o, si),
		    kc_tlp_name(tlp), cur ? cur : "",
		    first && strcmp(first, since) >= 0 ? L(N_("(new)")) : L(N_("(updated)")));
	}
	kc_stmt_finalize(s);
	if (rc < 0)
		return rc;
	if (shown)
		add(d, B_END, "%s", "");
	else
		add(d, B_P, "%s", L(N_("No advisories that this report's TLP allows to list were published or updated in the "
				       "period.")));
	if (hidden)
		add(d, B_P, L(N_("%lld further advisories are marked above this report's TLP and are only counted.")),
		    (long long)hidden);
	return 0;
}

/* Findings by severity and the rating colours by county (CLEAR: only the
 * whole country); AMBER and above
 * also name the municipalities rated red. */
static int findings(kc_store *st, const kc_report_opts *o, doc *d, kc_err *err)
{
	static const char *const colour[] = { N_("grey"), N_("green"), N_("yellow"), N_("orange"), N_("red") };
	kc_pic_findings f;
	kc_rating *v = NULL;
	kc_pic_county *c = NULL;
	size_t nv = 0, nc = 0;
	int rc;

	rc = kc_pic_findings_count(st, 0, &f, err);
	if (!rc)
		rc = kc_rating_list(st, NULL, 0, &v, &nv, err);
	if (!rc)
		rc = kc_pic_county_ratings(v, nv, &c, &nc, err);
	if (rc)
		goto out;
	add(d, B_H2, "%s", L(N_("Findings and security ratings")));
	add(d, B_TH, "%s\t%s", L(N_("Open findings by severity")), L(N_("Findings")));
	add(d, B_TR, "%s\t%lld", L(N_("high")), (long long)f.high);
	add(d, B_TR, "%s\t%lld", L(N_("medium")), (long long)f.medium);
	add(d, B_TR, "%s\t%lld", L(N_("low")), (long long)f.low);
	add(d, B_TR, "%s\t%lld", L(N_("info")), (long long)f.info);
	add(d, B_TR, "%s\t%lld", L(N_("accepted")), (long long)f.accepted);
	add(d, B_END, "%s", "");
	add(d, B_P, "%s", L(N_("Municipalities per rating colour, by county (red: an open high finding; orange: medium; "
			       "yellow: low; green: none of these; grey: nothing registered to scan).")));
	add(d, B_TH, "%s\t%s\t%s\t%s\t%s\t%s", L(N_("County")), L(colour[4]), L(colour[3]), L(colour[2]), L(colour[1]),
	    L(colour[0]));
	/* CLEAR: the country only (Oslo is a county and a municipality). */
	for (size_t i = o->tlp == KC_TLP_CLEAR ? nc - 1 : 0; i < nc; i++)
		add(d, B_TR, "%s\t%lld\t%lld\t%lld\t%lld\t%lld", i + 1 == nc ? L(N_("All counties")) : c[i].name,
		    (long long)c[i].by[4], (long long)c[i].by[3], (long long)c[i].by[2], (long long)c[i].by[1],
		    (long long)c[i].by[0]);
	add(d, B_END, "%s", "");
	if (o->tlp >= KC_TLP_AMBER) {
		int any = 0;

		for (size_t i = 0; i < nv; i++) {
			if (v[i].colour != KC_COLOUR_RED)
				continue;
			if (!any++)
				add(d, B_TH, "%s\t%s\t%s", L(N_("Rated red")), L(N_("County")), L(N_("Open high findings")));
			add(d, B_TR, "%s\t%s\t%lld", v[i].org_name, v[i].county, (long long)v[i].high);
		}
		if (any)
			add(d, B_END, "%s", "");
	}
out:
	free(v);
	free(c);
	return rc;
}

static int build(kc_store *st, const kc_report_opts *o, doc *d, kc_err *err)
{
	static const char *const phase[] = { N_("reported"), N_("triage"), N_("handling"), N_("recovery") };
	int days = o->period == KC_REPORT_WEEK ? 7 : 30;
	time_t at = kc_now();
	char since[KC_TIME_STRLEN], label[16], now[KC_TIME_STRLEN], tm[KC_TIME_STRLEN], tm2[KC_TIME_STRLEN];
	kc_situation s;
	kc_situation_count *cls = NULL;
	kc_exposed *x = NULL;
	size_t ncls = 0, nx = 0;
	int64_t opened = 0;
	int rc;

	/* One period for every figure: the days x 24 hours before `at`. */
	kc_time_iso(at, now);
	kc_time_iso(at - (time_t)days * 86400, since);
	kc_report_period_label(o->period, at, label);
	snprintf(d->marking, sizeof(d->marking), "TLP:%s", kc_tlp_name(o->tlp));
	snprintf(d->title, sizeof(d->title), "%s %s", L(N_("KommuneCERT situation report")), label);
	d->trend = malloc(sizeof(*d->trend));
	if (!d->trend)
		return kc_err_set(err, KC_ENOMEM, _("out of memory"));
	rc = kc_situation_get_at(st, 0, at, &s, err);
	if (rc)
		return rc;
	rc = kc_trend_slots(st, 0, days, at, d->trend, err);
	if (!rc)
		rc = kc_trend_case_classes(st, 0, &cls, &ncls, err);
	if (!rc)
		rc = kc_event_window_exposed(s.window, days, 500, &x, &nx, err);
	if (!rc)
		rc = kc_store_scalar_int(st, err, &opened, "SELECT count(*) FROM incident_case WHERE created_at >= ?", "t",
					 since);
	if (rc)
		goto out;
	add(d, B_H1, "%s", d->title);
	add(d, B_P, L(N_("Period: the last %d x 24 hours, %s to %s (Norwegian time). Every figure in this report covers this "
			 "period: new events by when they were first seen, events by type and exposed services by when "
			 "they were last seen, cases by when they were opened; open cases and deadlines are as they stand "
			 "at its end.")),
	    days, kc_time_oslo(since, tm), kc_time_oslo(now, tm2));
	add(d, B_H2, "%s", L(N_("National threat level")));
	if (s.level.level)
		add(d, B_P, L(N_("Level %d of 5, set %s: %s")), s.level.level, kc_time_oslo(s.level.set_at, tm),
		    s.level.rationale);
	else
		add(d, B_P, "%s", L(N_("No national threat level set.")));
	add(d, B_H2, "%s", L(N_("Key figures")));
	add(d, B_TH, "%s\t%s", L(N_("Figure")), L(N_("Value")));
	add(d, B_TR, "%s\t%lld", L(N_("New events in the period")), (long long)d->trend->total_own);
	add(d, B_TR, "%s\t%lld", L(N_("Cases opened in the period")), (long long)opened);
	for (int i = 0; i < 4; i++)
		add(d, B_TR, "%s: %s\t%lld", L(N_("Open cases")), sev_name(o, i), (long long)s.cases_by_severity[i]);
	for (int i = 0; i < 4; i++)
		add(d, B_TR, "%s: %s\t%lld", L(N_("Open cases in phase")), L(phase[i]), (long long)s.cases_by_phase[i]);
	add(d, B_TR, "%s\t%lld", L(N_("Cases overdue")), (long long)s.cases_overdue);
	add(d, B_TR, "%s\t%lld", L(N_("Legal clocks running out within 24 hours")), (long long)s.clocks_due_24h);
	add(d, B_END, "%s", "");
	snprintf(d->chart_title, sizeof(d->chart_title), "%s", L(N_("New events per 24 hours")));
	d->own_label = L(N_("New events"));
	d->day_label = L(N_("24 hours from"));
	add(d, B_H2, "%s", d->chart_title);
	add(d, B_P, L(N_("Each row is 24 hours of the period, the first from %s, each next one 24 hours later, labelled "
			 "with the date it starts on (UTC). Together they make the new events in the period.")),
	    kc_time_oslo(since, tm));
	add(d, B_CHART, "%s", "");
	add(d, B_H2, "%s", L(N_("Events seen in the period by type")));
	if (s.ntypes) {
		add(d, B_TH, "%s\t%s", L(N_("Type")), L(N_("Events")));
		for (size_t i = 0; i < s.ntypes && i < 15; i++)
			add(d, B_TR, "%s\t%lld", s.types[i].key, (long long)(days == 7 ? s.types[i].d7 : s.types[i].d30));
		add(d, B_END, "%s", "");
	} else {
		add(d, B_P, "%s", L(N_("No events.")));
	}
	add(d, B_H2, "%s", L(N_("Open cases by classification")));
	if (ncls) {
		add(d, B_TH, "%s\t%s", L(N_("Classification")), L(N_("Open cases")));
		for (size_t i = 0; i < ncls; i++)
			add(d, B_TR, "%s\t%lld", *cls[i].key ? cls[i].key : L(N_("unclassified")), (long long)cls[i].d1);
		add(d, B_END, "%s", "");
	} else {
		add(d, B_P, "%s", L(N_("No open cases.")));
	}
	add(d, B_H2, "%s", L(N_("Most exposed services")));
	if (!nx) {
		add(d, B_P, "%s", L(N_("No services seen exposed in the period.")));
	} else if (o->tlp >= KC_TLP_AMBER) {
		add(d, B_TH, "%s\t%s\t%s", L(N_("Organisation")), L(N_("Service")), L(N_("Events")));
		for (size_t i = 0; i < nx && i < 15; i++)
			add(d, B_TR, "%s\t%s\t%lld", x[i].name, x[i].identifier, (long long)x[i].n);
		add(d, B_END, "%s", "");
	} else {
		/* Summed per service; the organisations are only counted. */
		add(d, B_TH, "%s\t%s\t%s", L(N_("Service")), L(N_("Organisations")), L(N_("Events")));
		for (size_t i = 0; i < nx; i++) {
			int64_t orgs = 0, n = 0;
			int first = 1;

			for (size_t j = 0; j < i && first; j++)
				first = strcmp(x[j].identifier, x[i].identifier) != 0;
			if (!first)
				continue;
			for (size_t j = i; j < nx; j++)
				if (!strcmp(x[j].identifier, x[i].identifier)) {
					orgs++;
					n += x[j].n;
				}
			add(d, B_TR, "%s\t%lld\t%lld", x[i].identifier, (long long)orgs, (long long)n);
		}
		add(d, B_END, "%s", "");
	}
	rc = notable(st, o, since, d, err);
	if (!rc)
		rc = findings(st, o, d, err);
	if (!rc)
		rc = advisories(st, o, since, d, err);
	if (!rc && d->oom)
		rc = kc_err_set(err, KC_ENOMEM, _("out of memory"));
out:
	kc_situation_release(&s);
	free(cls);
	free(x);
	return rc;
}

/* ---- Markdown ---- */

static void md_cell(kc_buf *b, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '|')
			kc_buf_adds(b, "\\|");
		else
			kc_buf_addc(b, s[i] == '\n' ? ' ' : s[i]);
	}
}

static void md_row(kc_buf *b, const char *row, int header)
{
	size_t cells = 1;

	kc_buf_adds(b, "|");
	for (const char *p = row;; cells++) {
		const char *tab = strchr(p, '\t');
		size_t len = tab ? (size_t)(tab - p) : strlen(p);

		kc_buf_adds(b, " ");
		md_cell(b, p, len);
		kc_buf_adds(b, " |");
		if (!tab)
			break;
		p = tab + 1;
	}
	kc_buf_adds(b, "\n");
	if (header) {
		kc_buf_adds(b, "|");
		for (size_t i = 0; i < cells; i++)
			kc_buf_adds(b, "---|");
		kc_buf_adds(b, "\n");
	}
}

static void emit_md(const doc *d, kc_buf *b)
{
	kc_buf_addf(b, "**%s**\n\n", d->marking);
	for (size_t i = 0; i < d->n; i++) {
		const blk *k = &d->b[i];

		switch (k->kind) {
		case B_H1: kc_buf_addf(b, "# %s\n\n", k->text); break;
		case B_H2: kc_buf_addf(b, "## %s\n\n", k->text); break;
		case B_P: kc_buf_addf(b, "%s\n\n", k->text); break;
		case B_TH: md_row(b, k->text, 1); break;
		case B_TR: md_row(b, k->text, 0); break;
		case B_END: kc_buf_adds(b, "\n"); break;
		case B_CHART:
			kc_buf_addf(b, "| %s | %s |\n|---|---|\n", d->day_label, d->own_label);
			for (int j = 0; j < d->trend->ndays; j++)
				kc_buf_addf(b, "| %s | %lld |\n", d->trend->day[j], (long long)d->trend->own[j]);
			kc_buf_adds(b, "\n");
			break;
		}
	}
	kc_buf_addf(b, "**%s**\n", d->marking);
}

/* ---- HTML ---- */

static void html_row(kc_buf *b, const char *row, const char *cell)
{
	kc_buf_adds(b, "<tr>");
	for (const char *p = row;;) {
		const char *tab = strchr(p, '\t');
		char *c = tab ? strndup(p, (size_t)(tab - p)) : strdup(p);

		kc_buf_addf(b, "<%s>", cell);
		kc_map_esc(b, c);
		kc_buf_addf(b, "</%s>", cell);
		free(c);
		if (!tab)
			break;
		p = tab + 1;
	}
	kc_buf_adds(b, "</tr>");
}

static void emit_html(const doc *d, const kc_report_opts *o, kc_buf *b)
{
	kc_chart_text x = { .id = "trend", .title = d->chart_title, .desc = L(N_("Bars: new events per 24 hours; the table "
									  "below has the same figures.")),
			    .own_label = d->own_label, .day_label = d->day_label };

	kc_buf_addf(b, "<!DOCTYPE html><html lang=\"%s\"><head><meta charset=\"utf-8\"><title>",
		    o->lang == KC_LANG_EN ? "en" : o->lang == KC_LANG_NN ? "nn" : "nb");
	kc_map_esc(b, d->title);
	kc_buf_adds(b, "</title><style>body{font-family:sans-serif;max-width:50em;margin:auto}"
		       "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}"
		       ".tlp{background:#000;font-weight:bold;padding:2px 6px}"
		       "@media print{.tlp{position:running(tlp)}}</style></head><body>");
	kc_buf_addf(b, "<p class=\"tlp\" style=\"color:%s\">%s</p>",
		    o->tlp == KC_TLP_CLEAR ? "#fff" : o->tlp == KC_TLP_GREEN ? "#33ff00" : o->tlp == KC_TLP_RED ? "#ff2b2b" : "#ffc000",
		    d->marking);
	for (size_t i = 0; i < d->n; i++) {
		const blk *k = &d->b[i];

		switch (k->kind) {
		case B_H1: kc_buf_adds(b, "<h1>"); kc_map_esc(b, k->text); kc_buf_adds(b, "</h1>"); break;
		case B_H2: kc_buf_adds(b, "<h2>"); kc_map_esc(b, k->text); kc_buf_adds(b, "</h2>"); break;
		case B_P: kc_buf_adds(b, "<p>"); kc_map_esc(b, k->text); kc_buf_adds(b, "</p>"); break;
		case B_TH: kc_buf_adds(b, "<table><thead>"); html_row(b, k->text, "th"); kc_buf_adds(b, "</thead><tbody>"); break;
		case B_TR: html_row(b, k->text, "td"); break;
		case B_END: kc_buf_adds(b, "</tbody></table>"); break;
		case B_CHART:
			kc_chart_daily_svg(b, &x, d->trend);
			kc_chart_daily_table(b, &x, d->trend);
			break;
		}
	}
	kc_buf_addf(b, "<p class=\"tlp\" style=\"color:%s\">%s</p></body></html>\n",
		    o->tlp == KC_TLP_CLEAR ? "#fff" : o->tlp == KC_TLP_GREEN ? "#33ff00" : o->tlp == KC_TLP_RED ? "#ff2b2b" : "#ffc000",
		    d->marking);
}

/* ---- PDF (cairo) ---- */

#define PW 595.0
#define PH 842.0
#define MX 50.0
#define TOPY 70.0
#define BOTY 780.0

typedef struct pdf {
	cairo_t *cr;
	const doc *d;
	const kc_report_opts *o;
	double y;
	int page;
} pdf;

static cairo_status_t write_buf(void *closure, const unsigned char *data, unsigned int len)
{
	return kc_buf_add(closure, data, len) ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
}

static void tlp_colour(const kc_report_opts *o, cairo_t *cr)
{
	switch (o->tlp) {
	case KC_TLP_CLEAR: cairo_set_source_rgb(cr, 1, 1, 1); break;
	case KC_TLP_GREEN: cairo_set_source_rgb(cr, 0.2, 1, 0); break;
	case KC_TLP_RED: cairo_set_source_rgb(cr, 1, 0.17, 0.17); break;
	default: cairo_set_source_rgb(cr, 1, 0.75, 0);
	}
}

static void marking(pdf *p, double x, double y)
{
	cairo_text_extents_t e;

	cairo_select_font_face(p->cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
	cairo_set_font_size(p->cr, 10);
	cairo_text_extents(p->cr, p->d->marking, &e);
	cairo_set_source_rgb(p->cr, 0, 0, 0);
	cairo_rectangle(p->cr, x - 4, y - 11, e.x_advance + 8, 15);
	cairo_fill(p->cr);
	tlp_colour(p->o, p->cr);
	cairo_move_to(p->cr, x, y);
	cairo_show_text(p->cr, p->d->marking);
}

static void page_start(pdf *p)
{
	char num[32];

	p->page++;
	marking(p, PW - MX - 70, 40);
	marking(p, MX, PH - 30);
	cairo_select_font_face(p->cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(p->cr, 9);
	cairo_set_source_rgb(p->cr, 0.3, 0.3, 0.3);
	cairo_move_to(p->cr, MX, 40);
	cairo_show_text(p->cr, p->d->title);
	snprintf(num, sizeof(num), "%d", p->page);
	cairo_move_to(p->cr, PW - MX - 10, PH - 30);
	cairo_show_text(p->cr, num);
	p->y = TOPY;
}

static void need(pdf *p, double h)
{
	if (p->y + h > BOTY) {
		cairo_show_page(p->cr);
		page_start(p);
	}
}

static void font(pdf *p, double size, int bold)
{
	cairo_select_font_face(p->cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
			       bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(p->cr, size);
	cairo_set_source_rgb(p->cr, 0, 0, 0);
}

/* Text wrapped at word boundaries to width w, from x; advances p->y. */
static void para(pdf *p, const char *text, double x, double w, double size, int bold)
{
	char line[1024];
	size_t len = 0;
	const char *s = text;

	font(p, size, bold);
	while (*s) {
		const char *sp = strchr(s, ' ');
		size_t wl = sp ? (size_t)(sp - s) : strlen(s);
		char trial[1024];
		cairo_text_extents_t e;

		snprintf(trial, sizeof(trial), "%.*s%s%.*s", (int)len, line, len ? " " : "", (int)wl, s);
		cairo_text_extents(p->cr, trial, &e);
		if (e.x_advance > w && len) {
			need(p, size * 1.4);
			font(p, size, bold);
			cairo_move_to(p->cr, x, p->y);
			cairo_show_text(p->cr, line);
			p->y += size * 1.4;
			len = (size_t)snprintf(line, sizeof(line), "%.*s", (int)wl, s);
		} else {
			len = (size_t)snprintf(line, sizeof(line), "%s", trial);
		}
		if (len >= sizeof(line))
			len = sizeof(line) - 1;
		s += wl;
		while (*s == ' ')
			s++;
	}
	if (len) {
		need(p, size * 1.4);
		font(p, size, bold);
		cairo_move_to(p->cr, x, p->y);
		cairo_show_text(p->cr, line);
		p->y += size * 1.4;
	}
}

static void pdf_row(pdf *p, const char *row, int header)
{
	const char *cells[8];
	size_t n = 0;
	char *copy = strdup(row), *q = copy;
	double x = MX, w;

	if (!copy)
		return;
	while (n < 8) {
		cells[n++] = q;
		q = strchr(q, '\t');
		if (!q)
			break;
		*q++ = '\0';
	}
	need(p, 16);
	w = (PW - 2 * MX) / (double)(n + 1);
	for (size_t i = 0; i < n; i++) {
		double cw = i == 0 ? 2 * w : w, y0 = p->y;

		cairo_save(p->cr);
		cairo_rectangle(p->cr, x, y0 - 10, cw - 4, 14);
		cairo_clip(p->cr);
		font(p, 9, header);
		cairo_move_to(p->cr, x, y0);
		cairo_show_text(p->cr, cells[i]);
		cairo_restore(p->cr);
		x += cw;
	}
	cairo_set_source_rgb(p->cr, 0.8, 0.8, 0.8);
	cairo_set_line_width(p->cr, 0.5);
	cairo_move_to(p->cr, MX, p->y + 4);
	cairo_line_to(p->cr, PW - MX, p->y + 4);
	cairo_stroke(p->cr);
	p->y += 15;
	free(copy);
}

static void pdf_chart(pdf *p)
{
	const kc_trend *t = p->d->trend;
	double h = 150, w = PW - 2 * MX - 30, x0 = MX + 30, y0, max = 1, bw;
	char lab[32];

	need(p, h + 30);
	y0 = p->y + h;
	for (int i = 0; i < t->ndays; i++)
		if (t->own[i] > max)
			max = (double)t->own[i];
	bw = w / t->ndays;
	cairo_set_source_rgb(p->cr, 0.17, 0.42, 0.64);
	for (int i = 0; i < t->ndays; i++) {
		double bh = t->own[i] * h / max;

		cairo_rectangle(p->cr, x0 + i * bw + 1, y0 - bh, bw > 3 ? bw - 2 : bw, bh);
	}
	cairo_fill(p->cr);
	cairo_set_source_rgb(p->cr, 0.3, 0.3, 0.3);
	cairo_set_line_width(p->cr, 1);
	cairo_move_to(p->cr, x0, y0);
	cairo_line_to(p->cr, x0 + w, y0);
	cairo_stroke(p->cr);
	font(p, 8, 0);
	snprintf(lab, sizeof(lab), "%.0f", max);
	cairo_move_to(p->cr, MX, y0 - h + 8);
	cairo_show_text(p->cr, lab);
	cairo_move_to(p->cr, MX, y0);
	cairo_show_text(p->cr, "0");
	for (int i = 0; i < t->ndays; i += t->ndays > 10 ? 7 : 1) {
		cairo_move_to(p->cr, x0 + i * bw, y0 + 12);
		cairo_show_text(p->cr, t->day[i] + 5);
	}
	p->y = y0 + 26;
	/* The figures too, so that they can be read (and searched) as text. */
	{
		char row[64];

		snprintf(row, sizeof(row), "%s\t%s", p->d->day_label, p->d->own_label);
		pdf_row(p, row, 1);
		for (int i = 0; i < t->ndays; i++) {
			snprintf(row, sizeof(row), "%s\t%lld", t->day[i], (long long)t->own[i]);
			pdf_row(p, row, 0);
		}
	}
	p->y += 6;
}

static int emit_pdf(const doc *d, const kc_report_opts *o, kc_buf *b, kc_err *err)
{
	cairo_surface_t *sf = cairo_pdf_surface_create_for_stream(write_buf, b, PW, PH);
	pdf p = { .d = d, .o = o };
	cairo_status_t cs;

	p.cr = cairo_create(sf);
	cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_TITLE, d->title);
	cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_CREATOR, "kcert");
	page_start(&p);
	for (size_t i = 0; i < d->n; i++) {
		const blk *k = &d->b[i];

		switch (k->kind) {
		case B_H1: need(&p, 40); para(&p, k->text, MX, PW - 2 * MX, 18, 1); p.y += 8; break;
		case B_H2: need(&p, 50); p.y += 8; para(&p, k->text, MX, PW - 2 * MX, 13, 1); p.y += 2; break;
		case B_P: para(&p, k->text, MX, PW - 2 * MX, 10, 0); p.y += 4; break;
		case B_TH: pdf_row(&p, k->text, 1); break;
		case B_TR: pdf_row(&p, k->text, 0); break;
		case B_END: p.y += 6; break;
		case B_CHART: pdf_chart(&p); break;
		}
	}
	cairo_show_page(p.cr);
	cs = cairo_status(p.cr);
	cairo_destroy(p.cr);
	cairo_surface_finish(sf);
	if (cs == CAIRO_STATUS_SUCCESS)
		cs = cairo_surface_status(sf);
	cairo_surface_destroy(sf);
	if (cs != CAIRO_STATUS_SUCCESS)
		return kc_err_set(err, KC_EIO, _("the PDF could not be made: %s"), cairo_status_to_string(cs));
	return 0;
}

int kc_report_situation(kc_store *st, const kc_report_opts *o, kc_buf *out, kc_err *err)
{
	doc d = { 0 };
	int rc = build(st, o, &d, err);

	if (!rc) {
		if (o->format == KC_REPORT_MD)
			emit_md(&d, out);
		else if (o->format == KC_REPORT_HTML)
			emit_html(&d, o, out);
		else
			rc = emit_pdf(&d, o, out, err);
	}
	doc_release(&d);
	return rc;
}
