/*
 * ui_case.c - the case pages: the queues, the incident report form a
 * municipality fills in (in Norwegian), and a case with its timeline, the
 * correspondence form, and the CERT's triage, notes, clocks, tasks and
 * sharing. Every form posts with the session's CSRF token; what a user may
 * see is kc_case_get's decision.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/time.h"
#include "case/case.h"
#include "org/org.h"
#include "share/share.h"
#include "web/form.h"
#include "web/ui_internal.h"
#include "base/kc.h"

#define T(s) kc_req_tr(r, s)

static int is_cert(const kc_req *r)
{
	return r->user.role == KC_ROLE_ADMIN || r->user.role == KC_ROLE_ANALYST;
}

static kc_actor actor_of(kc_req *r)
{
	kc_actor a = { .user = &r->user, .name = r->user.name };

	return a;
}

static void csrf_field(kc_req *r)
{
	kc_buf_adds(&r->out, "<input type=\"hidden\" name=\"csrf\" value=\"");
	kc_html(&r->out, r->csrf);
	kc_buf_adds(&r->out, "\">");
}

static const char *status_label(kc_req *r, const char *s)
{
	if (!strcmp(s, "reported"))
		return T("reported");
	if (!strcmp(s, "triage"))
		return T("triage");
	if (!strcmp(s, "handling"))
		return T("handling");
	if (!strcmp(s, "recovery"))
		return T("recovery");
	if (!strcmp(s, "closed"))
		return T("closed");
	if (!strcmp(s, "merged"))
		return T("merged");
	if (!strcmp(s, "rejected"))
		return T("rejected");
	return s;
}

static void problem(kc_req *r, const char *msg)
{
	if (!msg)
		return;
	kc_buf_adds(&r->out, "<p class=\"err\" role=\"alert\">");
	kc_html(&r->out, msg);
	kc_buf_adds(&r->out, "</p>");
}

static void page_list(kc_req *r)
{
	static const char *const queues[] = { "open", "mine", "unassigned", "overdue", "closed", "all" };
	kc_case_filter f = { .queue = kc_req_arg(r, "queue"), .search = kc_req_arg(r, "q"), .limit = 200 };
	kc_actor a = actor_of(r);
	kc_buf *b = &r->out;
	kc_case *v = NULL;
	size_t n = 0;
	kc_err err;

	if (!f.queue || !*f.queue)
		f.queue = "open";
	kc_ui_head(r, T("Cases"));
	kc_buf_addf(b, "<h1>%s</h1><p><a href=\"/cases/new\">%s</a>", T("Cases"), T("Report an incident"));
	if (is_cert(r))
		kc_buf_addf(b, " | <a href=\"/cases/campaigns\">%s</a>", T("Campaigns"));
	kc_buf_adds(b, "</p>");
	if (is_cert(r)) {
		kc_buf_addf(b, "<nav aria-label=\"%s\"><p>", T("Queues"));
		for (size_t i = 0; i < KC_ARRAY_LEN(queues); i++)
			kc_buf_addf(b, "<a href=\"/cases?queue=%s\"%s>%s</a> ", queues[i],
				    !strcmp(f.queue, queues[i]) ? " aria-current=\"page\"" : "",
				    !strcmp(queues[i], "open") ? T("Open") : !strcmp(queues[i], "mine") ? T("Mine") :
				    !strcmp(queues[i], "unassigned") ? T("Unassigned") : !strcmp(queues[i], "overdue") ? T("Overdue") :
				    !strcmp(queues[i], "closed") ? T("Closed") : T("All"));
		kc_buf_adds(b, "</p></nav>");
	}
	kc_buf_addf(b, "<form method=\"get\" action=\"/cases\" role=\"search\" class=\"row\"><input type=\"hidden\" name=\"queue\" "
		       "value=\"%s\"><div><label for=\"q\">%s</label><input id=\"q\" name=\"q\" value=\"",
		    f.queue, T("Search cases and messages"));
	kc_html(b, f.search ? f.search : "");
	kc_buf_addf(b, "\"></div><div><button type=\"submit\">%s</button></div></form>", T("Search"));
	if (kc_case_list(r->st, &a, &f, &v, &n, &err)) {
		problem(r, err.msg);
		r->status = 400;
		return kc_ui_foot(r);
	}
	if (!n) {
		kc_buf_addf(b, "<p class=\"note\">%s</p>", T("No cases."));
	} else {
		kc_buf_addf(b, "<table><thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
			       "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>",
			    T("Case"), T("Title"), T("Organisation"), T("Status"), T("Severity"), T("Due"));
		for (size_t i = 0; i < n; i++) {
			char t[KC_TIME_STRLEN];

			kc_buf_addf(b, "<tr%s><td><a href=\"/cases/%lld\">#%lld</a></td><td>", v[i].overdue ? " class=\"err\"" : "",
				    (long long)v[i].id, (long long)v[i].id);
			kc_html(b, v[i].title);
			kc_buf_adds(b, "</td><td>");
			kc_html(b, v[i].org_name);
			kc_buf_addf(b, "</td><td>%s</td><td>", status_label(r, v[i].status));
			kc_html(b, v[i].severity);
			kc_buf_addf(b, "</td><td>%s%s</td></tr>", v[i].next_due[0] ? kc_time_oslo(v[i].next_due, t) : "",
				    v[i].overdue ? T(" (overdue)") : "");
		}
		kc_buf_adds(b, "</tbody></table>");
	}
	free(v);
	r->status = 200;
	kc_ui_foot(r);
}

static void yes_no_select(kc_req *r, const char *id, const char *label)
{
	kc_buf_addf(&r->out, "<label for=\"%s\">%s</label><select id=\"%s\" name=\"%s\"><option value=\"unknown\">%s</option>"
			     "<option value=\"yes\">%s</option><option value=\"no\">%s</option></select>",
		    id, label, id, id, T("Don't know"), T("Yes"), T("No"));
}

static void page_new(kc_req *r, const char *msg)
{
	kc_buf *b = &r->out;

	kc_ui_head(r, T("Report an incident"));
	kc_buf_addf(b, "<h1>%s</h1><p>%s</p>", T("Report an incident"),
		    T("Tell KommuneCERT what happened. We answer by e-mail and on this page; you can add more later."));
	problem(r, msg);
	kc_buf_adds(b, "<form method=\"post\" action=\"/cases/new\" enctype=\"multipart/form-data\">");
	csrf_field(r);
	if (r->user.role == KC_ROLE_MEMBER && r->user.norgs > 1) {
		kc_buf_addf(b, "<label for=\"org\">%s</label><select id=\"org\" name=\"org\">", T("Organisation"));
		for (size_t i = 0; i < r->user.norgs; i++) {
			kc_org o;
			kc_err err;

			if (kc_org_get_id(r->st, r->user.orgs[i], &o, &err))
				continue;
			kc_buf_addf(b, "<option value=\"%s\">", o.slug);
			kc_html(b, o.name);
			kc_buf_adds(b, "</option>");
		}
		kc_buf_adds(b, "</select>");
	} else if (is_cert(r)) {
		kc_buf_addf(b, "<label for=\"org\">%s</label><input id=\"org\" name=\"org\" placeholder=\"4601\">",
			    T("Organisation (kommunenummer or name)"));
	}
	kc_buf_addf(b, "<label for=\"title\">%s</label><input id=\"title\" name=\"title\" required maxlength=\"200\" size=\"60\">",
		    T("Short title"));
	kc_buf_addf(b, "<label for=\"description\">%s</label><textarea id=\"description\" name=\"description\" rows=\"8\" "
		       "cols=\"70\" required></textarea>",
		    T("What happened?"));
	kc_buf_addf(b, "<label for=\"discovered\">%s</label><input id=\"discovered\" name=\"discovered\" type=\"datetime-local\">",
		    T("When was it discovered?"));
	kc_buf_addf(b, "<label for=\"systems\">%s</label><input id=\"systems\" name=\"systems\" size=\"60\">",
		    T("Systems and services affected"));
	yes_no_select(r, "personal_data", T("Is personal data involved?"));
	yes_no_select(r, "services_down", T("Are services down?"));
	kc_buf_addf(b, "<fieldset><legend>%s</legend>", T("Already reported to"));
	kc_buf_addf(b, "<label><input type=\"checkbox\" name=\"to_police\" value=\"1\"> %s</label>", T("the police"));
	kc_buf_addf(b, "<label><input type=\"checkbox\" name=\"to_dt\" value=\"1\"> %s</label>", T("Datatilsynet"));
	kc_buf_addf(b, "<label><input type=\"checkbox\" name=\"to_nsm\" value=\"1\"> %s</label></fieldset>", T("NSM"));
	kc_buf_addf(b, "<label for=\"tlp\">%s</label><select id=\"tlp\" name=\"tlp\"><option>AMBER</option>"
		       "<option>AMBER+STRICT</option><option>GREEN</option><option>CLEAR</option><option>RED</option></select>",
		    T("Who may we share it with? (TLP)"));
	kc_buf_addf(b, "<label for=\"attachments\">%s</label><input id=\"attachments\" name=\"attachments\" type=\"file\" "
		       "multiple>",
		    T("Attachments (logs, screenshots; at most 10 MiB each)"));
	kc_buf_addf(b, "<p><button type=\"submit\">%s</button></p></form>", T("Send report"));
	r->status = r->status == 500 ? 200 : r->status;
	kc_ui_foot(r);
}

static void page_case(kc_req *r, int64_t id, const char *msg);

/* The files of the form's "attachments" field onto the case. */
static int attach_files(kc_req *r, int64_t id, kc_err *err)
{
	kc_actor a = actor_of(r);
	const kc_form_part *f;
	int rc = KC_OK;

	for (size_t i = 0; !rc && (f = kc_req_file(r, "attachments", i)); i++)
		if (f->filename && f->filename[0] && f->len)
			rc = kc_case_attach(r->st, &a, id, f->filename, f->content_type, f->data, f->len, err);
	return rc;
}

static void do_new(kc_req *r)
{
	char title[256], desc[65536], disc[40], systems[1024], pd[16], sd[16], tlp[16], org[100], reported[200] = "", tmp[8];
	kc_case_new n = { .channel = "web", .reporter = r->user.name };
	kc_actor a = actor_of(r);
	int64_t id = 0;
	kc_err err;
	char to[64];
	int rc;

	if (!kc_ui_csrf_ok(r))
		return;
	if (r->user.role == KC_ROLE_PARTNER) {
		r->status = 403;
		return page_new(r, T("Partners report to their own team."));
	}
	n.title = kc_req_form(r, "title", title, sizeof(title));
	n.description = kc_req_form(r, "description", desc, sizeof(desc));
	n.systems = kc_req_form(r, "systems", systems, sizeof(systems));
	n.personal_data = kc_req_form(r, "personal_data", pd, sizeof(pd));
	n.services_down = kc_req_form(r, "services_down", sd, sizeof(sd));
	n.tlp = kc_req_form(r, "tlp", tlp, sizeof(tlp));
	if (kc_req_form(r, "discovered", disc, sizeof(disc)) && disc[0]) {
		time_t t;

		/* datetime-local is Oslo time without a zone: "2026-11-30T07:15" */
		if (strlen(disc) == 16 && !kc_time_parse_oslo(disc, &t)) {
			static char iso[KC_TIME_STRLEN];

			n.discovered_at = kc_time_iso(t, iso);
		} else {
			n.discovered_at = disc;
		}
	}
	snprintf(reported, sizeof(reported), "%s%s%s", kc_req_form(r, "to_police", tmp, sizeof(tmp)) ? "politiet " : "",
		 kc_req_form(r, "to_dt", tmp, sizeof(tmp)) ? "Datatilsynet " : "",
		 kc_req_form(r, "to_nsm", tmp, sizeof(tmp)) ? "NSM" : "");
	n.reported_to = reported;
	if (kc_req_form(r, "org", org, sizeof(org)) && org[0]) {
		kc_org o;

		if (kc_org_get(r->st, org, &o, &err)) {
			r->status = 400;
			return page_new(r, err.msg);
		}
		n.org_id = o.id;
	} else if (r->user.role == KC_ROLE_MEMBER && r->user.norgs) {
		n.org_id = r->user.orgs[0];
	}
	if (r->user.role == KC_ROLE_MEMBER && !kc_user_in_org(&r->user, n.org_id)) {
		r->status = 403;
		return page_new(r, T("Report for your own organisation."));
	}
	rc = kc_case_create(r->st, &a, &n, &id, &err);
	if (rc) {
		r->status = 400;
		return page_new(r, err.msg);
	}
	rc = attach_files(r, id, &err);
	if (rc) {
		r->status = 400;
		return page_case(r, id, err.msg);
	}
	snprintf(to, sizeof(to), "/cases/%lld", (long long)id);
	kc_resp_redirect(r, to);
}

static void form_start(kc_req *r, int64_t id, const char *action)
{
	kc_buf_addf(&r->out, "<form method=\"post\" action=\"/cases/%lld/%s\">", (long long)id, action);
	csrf_field(r);
}

static void cert_forms(kc_req *r, const kc_case *c, const kc_case_detail *d)
{
	static const char *const statuses[] = { "reported", "triage", "handling", "recovery", "closed", "rejected" };
	static const char *const sev[] = { "lav", "moderat", "alvorlig", "kritisk" };
	static const char *const tlps[] = { "CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED" };
	static char rsit[64][96];
	size_t nrsit = kc_rsit_list(rsit, KC_ARRAY_LEN(rsit));
	char cls[90];
	kc_buf *b = &r->out;

	snprintf(cls, sizeof(cls), "%s/%s", c->taxonomy, c->type);
	kc_buf_addf(b, "<h2>%s</h2>", T("Triage"));
	form_start(r, c->id, "triage");
	kc_buf_addf(b, "<div class=\"row\"><div><label for=\"status\">%s</label><select id=\"status\" name=\"status\">", T("Status"));
	for (size_t i = 0; i < KC_ARRAY_LEN(statuses); i++)
		kc_buf_addf(b, "<option value=\"%s\"%s>%s</option>", statuses[i], !strcmp(c->status, statuses[i]) ? " selected" : "",
			    status_label(r, statuses[i]));
	kc_buf_addf(b, "</select></div><div><label for=\"severity\">%s</label><select id=\"severity\" name=\"severity\">",
		    T("Severity"));
	for (size_t i = 0; i < KC_ARRAY_LEN(sev); i++)
		kc_buf_addf(b, "<option%s>%s</option>", !strcmp(c->severity, sev[i]) ? " selected" : "", sev[i]);
	kc_buf_addf(b, "</select></div><div><label for=\"classification\">%s</label><select id=\"classification\" "
		       "name=\"classification\"><option value=\"\">-</option>",
		    T("Classification (RSIT)"));
	for (size_t i = 0; i < nrsit; i++)
		kc_buf_addf(b, "<option%s>%s</option>", !strcmp(cls, rsit[i]) ? " selected" : "", rsit[i]);
	kc_buf_addf(b, "</select></div><div><label for=\"ctlp\">TLP</label><select id=\"ctlp\" name=\"tlp\">");
	for (size_t i = 0; i < KC_ARRAY_LEN(tlps); i++)
		kc_buf_addf(b, "<option%s>%s</option>", !strcmp(c->tlp, tlps[i]) ? " selected" : "", tlps[i]);
	kc_buf_addf(b, "</select></div><div><label for=\"assignee\">%s</label><input id=\"assignee\" name=\"assignee\" value=\"",
		    T("Assignee"));
	kc_html(b, c->assignee);
	kc_buf_addf(b, "\" size=\"12\"></div></div><label for=\"lessons\">%s</label><textarea id=\"lessons\" name=\"lessons\" "
		       "rows=\"2\" cols=\"70\"></textarea><p><button type=\"submit\">%s</button></p></form>",
		    T("Lessons learned (needed to close)"), T("Save"));
	kc_buf_addf(b, "<h2>%s</h2><div class=\"row\">", T("Legal clocks"));
	for (const char *k = "gdpr-33"; k; k = !strcmp(k, "gdpr-33") ? "digitalsikkerhetsloven" : !strcmp(k, "digitalsikkerhetsloven") ? "sikkerhetsloven" : NULL) {
		form_start(r, c->id, "clock");
		kc_buf_addf(b, "<input type=\"hidden\" name=\"kind\" value=\"%s\"><button type=\"submit\">%s %s</button></form>", k,
			    T("Start"), k);
	}
	kc_buf_adds(b, "</div>");
	kc_buf_addf(b, "<h2>%s</h2>", T("Internal note"));
	form_start(r, c->id, "note");
	kc_buf_addf(b, "<label for=\"note\">%s</label><textarea id=\"note\" name=\"text\" rows=\"3\" cols=\"70\" required></textarea>"
		       "<p><button type=\"submit\">%s</button></p></form>",
		    T("Only the CERT sees notes"), T("Add note"));
	kc_buf_addf(b, "<h2>%s</h2>", T("Share with a partner team"));
	form_start(r, c->id, "share");
	kc_buf_addf(b, "<div class=\"row\"><div><label for=\"partner\">%s</label><select id=\"partner\" name=\"partner\">",
		    T("Partner"));
	{
		kc_org_filter f = { .kind = "cert" };
		kc_org *v = NULL;
		size_t n = 0;
		kc_err err;

		for (int pass = 0; pass < 2; pass++, f.kind = "authority") {
			if (kc_org_list(r->st, &f, &v, &n, &err))
				continue;
			for (size_t i = 0; i < n; i++) {
				kc_buf_addf(b, "<option value=\"%s\">", v[i].slug);
				kc_html(b, v[i].name);
				kc_buf_adds(b, "</option>");
			}
			free(v);
			v = NULL;
		}
	}
	kc_buf_addf(b, "</select></div><div><label for=\"snote\">%s</label><input id=\"snote\" name=\"note\" size=\"40\"></div>"
		       "<div><button type=\"submit\">%s</button></div></div></form>",
		    T("Note to the partner"), T("Share"));
	/* Marked shareable: the case goes out as an anonymised STIX report (with
	 * its observables as indicators) to the community's TAXII collection. */
	kc_buf_addf(b, "<h2>%s</h2><p class=\"note\">%s</p>", T("Share over TAXII and STIX"),
		    T("The case goes out as a report anonymised for its TLP, with its observables as indicators, to the partner teams of the community."));
	{
		kc_share_mark *m = NULL;
		size_t nm = 0;
		kc_err err;

		if (!kc_share_mark_list(r->st, NULL, &m, &nm, &err)) {
			int any = 0;

			for (size_t i = 0; i < nm; i++) {
				if (strcmp(m[i].kind, "case") || m[i].object_id != c->id)
					continue;
				if (!any++)
					kc_buf_addf(b, "<ul id=\"share-marks\">");
				kc_buf_adds(b, "<li>TLP:");
				kc_html(b, m[i].tlp);
				kc_buf_adds(b, " &middot; ");
				kc_html(b, m[i].community);
				kc_buf_adds(b, " &middot; ");
				kc_html(b, m[i].marked_by);
				kc_buf_adds(b, "</li>");
			}
			if (any)
				kc_buf_adds(b, "</ul>");
			free(m);
		}
	}
	form_start(r, c->id, "sharemark");
	kc_buf_addf(b, "<div class=\"row\"><div><label for=\"mtlp\">TLP</label><select id=\"mtlp\" name=\"tlp\">"
		       "<option>CLEAR</option><option selected>GREEN</option><option>AMBER</option></select></div>"
		       "<div><label for=\"community\">%s</label><input id=\"community\" name=\"community\" value=\"partners\" "
		       "size=\"20\" pattern=\"[a-z0-9-]{1,48}\" required></div><div><button type=\"submit\">%s</button></div></div></form>",
		    T("Community"), T("Mark shareable"));
	(void)d;
}

static void page_case(kc_req *r, int64_t id, const char *msg)
{
	kc_actor a = actor_of(r);
	kc_buf *b = &r->out;
	kc_case_detail d;
	kc_tlp tlp = KC_TLP_AMBER;
	kc_case c;
	kc_err err;
	char t[KC_TIME_STRLEN];

	if (kc_case_get(r->st, &a, id, &c, &err) || kc_case_detail_get(r->st, &a, id, &d, &err)) {
		r->status = 404;
		kc_ui_head(r, T("Not found"));
		kc_buf_addf(b, "<h1>%s</h1>", T("Not found"));
		return kc_ui_foot(r);
	}
	kc_tlp_parse(c.tlp, &tlp);
	kc_ui_head(r, c.title);
	kc_buf_addf(b, "<h1>#%lld ", (long long)c.id);
	kc_html(b, c.title);
	kc_ui_tlp_label(b, tlp);
	kc_buf_adds(b, "</h1>");
	problem(r, msg);
	kc_buf_addf(b, "<dl><dt>%s</dt><dd id=\"case-status\">%s</dd><dt>%s</dt><dd>", T("Status"), status_label(r, c.status),
		    T("Severity"));
	kc_html(b, c.severity);
	kc_buf_addf(b, "</dd><dt>%s</dt><dd>", T("Organisation"));
	kc_html(b, c.org_name[0] ? c.org_name : "-");
	kc_buf_addf(b, "</dd><dt>%s</dt><dd>", T("Classification"));
	kc_html(b, c.taxonomy[0] ? c.taxonomy : "-");
	kc_buf_addf(b, "%s", c.type[0] ? "/" : "");
	kc_html(b, c.type);
	kc_buf_addf(b, "</dd><dt>%s</dt><dd>%s", T("First response due"), kc_time_oslo(c.first_response_due, t));
	if (c.first_response_at[0])
		kc_buf_addf(b, " (%s %s)", T("answered"), kc_time_oslo(c.first_response_at, t));
	else if (c.overdue)
		kc_buf_addf(b, " <strong class=\"err\">%s</strong>", T("overdue"));
	kc_buf_addf(b, "</dd><dt>%s</dt><dd>", T("Systems affected"));
	kc_html(b, c.systems[0] ? c.systems : "-");
	kc_buf_addf(b, "</dd><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd></dl>", T("Personal data"),
		    !strcmp(c.personal_data, "yes") ? T("Yes") : !strcmp(c.personal_data, "no") ? T("No") : T("Don't know"),
		    T("Services down"),
		    !strcmp(c.services_down, "yes") ? T("Yes") : !strcmp(c.services_down, "no") ? T("No") : T("Don't know"));
	kc_buf_adds(b, "<h2>");
	kc_buf_adds(b, T("Description"));
	kc_buf_adds(b, "</h2><pre style=\"white-space:pre-wrap\">");
	kc_html(b, c.description);
	kc_buf_adds(b, "</pre>");
	if (d.nclocks) {
		kc_buf_addf(b, "<h2>%s</h2><ul>", T("Clocks"));
		for (size_t i = 0; i < d.nclocks; i++) {
			kc_buf_addf(b, "<li%s>%s: %s %s", d.clocks[i].overdue ? " class=\"err\"" : "", d.clocks[i].kind, T("due"),
				    kc_time_oslo(d.clocks[i].due_at, t));
			if (d.clocks[i].met_at[0])
				kc_buf_addf(b, " (%s)", T("met"));
			kc_buf_adds(b, "</li>");
		}
		kc_buf_adds(b, "</ul>");
	}
	if (d.ntasks && is_cert(r)) {
		kc_buf_addf(b, "<h2>%s</h2><ul>", T("Tasks"));
		for (size_t i = 0; i < d.ntasks; i++) {
			kc_buf_adds(b, "<li>");
			form_start(r, c.id, "task");
			kc_buf_addf(b, "<input type=\"hidden\" name=\"position\" value=\"%lld\"><input type=\"hidden\" name=\"done\" "
				       "value=\"%d\"><button type=\"submit\" aria-label=\"%s\">%s</button> ",
				    (long long)d.tasks[i].position, d.tasks[i].done_at[0] ? 0 : 1,
				    d.tasks[i].done_at[0] ? T("Mark as not done") : T("Mark as done"), d.tasks[i].done_at[0] ? "☑" : "☐");
			kc_html(b, T(d.tasks[i].title));
			kc_buf_adds(b, "</form></li>");
		}
		kc_buf_adds(b, "</ul>");
	}
	if (d.nobservables) {
		kc_buf_addf(b, "<h2>%s</h2><ul>", T("Observables"));
		for (size_t i = 0; i < d.nobservables; i++) {
			kc_buf_addf(b, "<li>%s <code>", d.observables[i].kind);
			kc_html(b, d.observables[i].value);
			kc_buf_adds(b, "</code></li>");
		}
		kc_buf_adds(b, "</ul>");
	}
	{
		kc_case_attachment *att = NULL;
		size_t natt = 0;

		if (!kc_case_attachments(r->st, &a, c.id, &att, &natt, &err) && natt) {
			kc_buf_addf(b, "<h2>%s</h2><ul id=\"attachments-list\">", T("Attachments"));
			for (size_t i = 0; i < natt; i++) {
				kc_buf_adds(b, "<li>");
				if (att[i].kept)
					kc_buf_addf(b, "<a href=\"/cases/%lld/attachments/%lld\">", (long long)c.id, (long long)att[i].id);
				kc_html(b, att[i].name);
				kc_buf_addf(b, "%s (%lld bytes, SHA-256 <code>%.16s…</code>)</li>", att[i].kept ? "</a>" : "",
					    (long long)att[i].size, att[i].sha256);
			}
			kc_buf_adds(b, "</ul>");
		}
		free(att);
	}
	if (d.nlinks) {
		kc_buf_addf(b, "<h2>%s</h2><ul>", T("Related cases"));
		for (size_t i = 0; i < d.nlinks; i++) {
			kc_buf_addf(b, "<li><a href=\"/cases/%lld\">#%lld</a> ", (long long)d.links[i].case_id,
				    (long long)d.links[i].case_id);
			kc_html(b, d.links[i].title);
			kc_buf_adds(b, " (");
			kc_html(b, d.links[i].value);
			kc_buf_adds(b, ")</li>");
		}
		kc_buf_adds(b, "</ul>");
	}
	kc_buf_addf(b, "<h2>%s</h2><ol id=\"timeline\">", T("Timeline"));
	for (size_t i = 0; i < d.nentries; i++) {
		const kc_case_entry *e = &d.entries[i];

		kc_buf_addf(b, "<li class=\"entry entry-%s\"><strong>%s</strong> ", e->kind, kc_time_oslo(e->at, t));
		kc_html(b, e->actor);
		kc_buf_addf(b, " · %s%s", e->kind, e->internal ? T(" (internal)") : "");
		if (e->outbox_state[0])
			kc_buf_addf(b, " · %s", e->outbox_state);
		if (e->body[0]) {
			kc_buf_adds(b, "<pre style=\"white-space:pre-wrap\">");
			kc_html(b, e->body);
			kc_buf_adds(b, "</pre>");
		}
		kc_buf_adds(b, "</li>");
	}
	kc_buf_adds(b, "</ol>");
	if (r->user.role != KC_ROLE_PARTNER && strcmp(c.status, "merged")) {
		kc_buf_addf(b, "<h2>%s</h2>", is_cert(r) ? T("Reply to the organisation") : T("Write to KommuneCERT"));
		kc_buf_addf(b, "<form method=\"post\" action=\"/cases/%lld/message\" enctype=\"multipart/form-data\">",
			    (long long)c.id);
		csrf_field(r);
		kc_buf_addf(b, "<label for=\"message\">%s</label><textarea id=\"message\" name=\"text\" rows=\"5\" cols=\"70\" "
			       "required></textarea><label for=\"mattachments\">%s</label><input id=\"mattachments\" "
			       "name=\"attachments\" type=\"file\" multiple><p><button type=\"submit\">%s</button></p></form>",
			    T("Message"), T("Attachments (logs, screenshots; at most 10 MiB each)"), T("Send"));
	}
	if (is_cert(r))
		cert_forms(r, &c, &d);
	kc_case_detail_release(&d);
	kc_case_release(&c);
	r->status = r->status == 500 ? 200 : r->status;
	kc_ui_foot(r);
}

static void do_action(kc_req *r, int64_t id, const char *action)
{
	char text[65536], v1[128], v2[128], v3[128], v4[128], lessons[8192];
	kc_actor a = actor_of(r);
	kc_err err;
	char to[64];
	int rc = KC_OK;

	if (!kc_ui_csrf_ok(r))
		return;
	kc_err_clear(&err);
	if (!strcmp(action, "message")) {
		const char *t = kc_req_form(r, "text", text, sizeof(text));

		rc = is_cert(r) ? kc_case_reply(r->st, &a, id, NULL, t, &err) : kc_case_message(r->st, &a, id, t, &err);
		if (!rc)
			rc = attach_files(r, id, &err);
	} else if (!strcmp(action, "note")) {
		rc = kc_case_note(r->st, &a, id, kc_req_form(r, "text", text, sizeof(text)), &err);
	} else if (!strcmp(action, "triage")) {
		char tax[64] = "", type[64] = "", cur_status[16] = "";
		const char *cls = kc_req_form(r, "classification", v1, sizeof(v1));
		const char *status = kc_req_form(r, "status", v2, sizeof(v2));
		const char *assignee = kc_req_form(r, "assignee", v3, sizeof(v3));
		const char *sev = kc_req_form(r, "severity", v4, sizeof(v4));
		const char *l = kc_req_form(r, "lessons", lessons, sizeof(lessons));
		char tlpv[32];
		const char *tlp = kc_req_form(r, "tlp", tlpv, sizeof(tlpv));
		kc_case c;

		if (cls && *cls)
			sscanf(cls, "%63[^/]/%63s", tax, type);
		if (!kc_case_get(r->st, &a, id, &c, &err)) {
			snprintf(cur_status, sizeof(cur_status), "%s", c.status);
			if (assignee && !strcmp(assignee, c.assignee))
				assignee = NULL;
			kc_case_release(&c);
		}
		rc = kc_case_classify(r->st, &a, id, tax[0] ? tax : NULL, tax[0] ? type : NULL, sev, tlp, NULL, &err);
		if (!rc && assignee)
			rc = kc_case_assign(r->st, &a, id, *assignee ? assignee : NULL, &err);
		if (!rc && status && strcmp(status, cur_status))
			rc = kc_case_set_status(r->st, &a, id, status, l && *l ? l : NULL, &err);
	} else if (!strcmp(action, "clock")) {
		rc = kc_case_clock_start(r->st, &a, id, kc_req_form(r, "kind", v1, sizeof(v1)) ? v1 : "", NULL, &err);
	} else if (!strcmp(action, "task")) {
		kc_req_form(r, "position", v1, sizeof(v1));
		kc_req_form(r, "done", v2, sizeof(v2));
		rc = kc_case_task_done(r->st, &a, id, strtoll(v1, NULL, 10), !strcmp(v2, "1"), &err);
	} else if (!strcmp(action, "sharemark")) {
		kc_share_mark_new m = { .kind = "case", .object_id = id, .tlp = kc_req_form(r, "tlp", v1, sizeof(v1)),
					.community = kc_req_form(r, "community", v2, sizeof(v2)) };
		rc = is_cert(r) ? kc_share_mark_add(r->st, r->user.name, &m, NULL, &err)
				: kc_err_set(&err, KC_EPERM, "%s", T("Only the CERT marks cases shareable."));
	} else if (!strcmp(action, "share")) {
		kc_org p;

		rc = kc_org_get(r->st, kc_req_form(r, "partner", v1, sizeof(v1)) ? v1 : "", &p, &err);
		if (!rc)
			rc = kc_case_share(r->st, &a, id, p.id, kc_req_form(r, "note", text, sizeof(text)), &err);
	} else {
		rc = kc_err_set(&err, KC_ENOENT, "%s", T("Not found"));
	}
	if (rc) {
		r->status = rc == KC_ENOENT ? 404 : rc == KC_EPERM ? 403 : 400;
		return page_case(r, id, err.msg);
	}
	snprintf(to, sizeof(to), "/cases/%lld", (long long)id);
	kc_resp_redirect(r, to);
}

/* Campaigns: what several cases have in common. */
static void page_campaigns(kc_req *r)
{
	kc_actor a = actor_of(r);
	kc_campaign *v = NULL;
	kc_buf *b = &r->out;
	size_t n = 0;
	kc_err err;

	kc_ui_head(r, T("Campaigns"));
	kc_buf_addf(b, "<h1>%s</h1><p>%s</p>", T("Campaigns"),
		    T("Observables that two or more cases share: the same attacker, or the same campaign against several municipalities."));
	if (kc_case_campaigns(r->st, &a, &v, &n, &err)) {
		r->status = 403;
		problem(r, err.msg);
		return kc_ui_foot(r);
	}
	if (!n)
		kc_buf_addf(b, "<p class=\"note\">%s</p>", T("No observable is shared by two cases."));
	for (size_t i = 0; i < n; i++) {
		kc_buf_addf(b, "<h2>%s <code>", v[i].kind);
		kc_html(b, v[i].value);
		kc_buf_addf(b, "</code> (%zu)</h2><ul>", v[i].ncases);
		for (size_t k = 0; k < v[i].nlisted; k++) {
			kc_buf_addf(b, "<li><a href=\"/cases/%lld\">#%lld</a> ", (long long)v[i].cases[k].id,
				    (long long)v[i].cases[k].id);
			kc_html(b, v[i].cases[k].title);
			kc_buf_addf(b, " (%s, ", status_label(r, v[i].cases[k].status));
			kc_html(b, v[i].cases[k].org[0] ? v[i].cases[k].org : "-");
			kc_buf_adds(b, ")</li>");
		}
		kc_buf_adds(b, "</ul>");
	}
	free(v);
	r->status = 200;
	kc_ui_foot(r);
}

/* A file of a case, as a download: never shown inline (an uploaded HTML
 * file must not run in the page's origin). */
static void download(kc_req *r, int64_t id, int64_t att)
{
	kc_actor a = actor_of(r);
	kc_case_attachment info;
	char *data = NULL, safe[200];
	size_t len = 0, k = 0;
	kc_err err;

	if (att <= 0 || kc_case_attachment_data(r->st, &a, id, att, &info, &data, &len, &err)) {
		r->status = 404;
		kc_ui_head(r, T("Not found"));
		kc_buf_addf(&r->out, "<h1>%s</h1>", T("Not found"));
		return kc_ui_foot(r);
	}
	for (const char *p = info.name; *p && k < sizeof(safe) - 1; p++)
		safe[k++] = (*p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\\' && *p != ';') ? *p : '_';
	safe[k] = '\0';
	snprintf(r->disposition, sizeof(r->disposition), "attachment; filename=\"%s\"", k ? safe : "attachment");
	kc_buf_clear(&r->out);
	kc_buf_add(&r->out, data, len);
	free(data);
	r->status = 200;
	r->content_type = "application/octet-stream";
}

int kc_ui_case_route(kc_req *r, const char *rest, int post)
{
	const char *slash;
	char *end;
	long long id;

	if (!*rest || !strcmp(rest, "/")) {
		if (post)
			return 0;
		page_list(r);
		return 1;
	}
	if (!strcmp(rest, "/campaigns") && !post) {
		page_campaigns(r);
		return 1;
	}
	if (!strcmp(rest, "/new")) {
		if (post)
			do_new(r);
		else
			page_new(r, NULL);
		return 1;
	}
	if (rest[0] != '/')
		return 0;
	id = strtoll(rest + 1, &end, 10);
	if (id <= 0 || end == rest + 1)
		return 0;
	slash = end;
	if (!*slash && !post) {
		page_case(r, id, NULL);
		return 1;
	}
	if (!post && !strncmp(slash, "/attachments/", 13)) {
		download(r, id, strtoll(slash + 13, NULL, 10));
		return 1;
	}
	if (*slash == '/' && post && strlen(slash + 1) < 16 && !strchr(slash + 1, '/')) {
		do_action(r, id, slash + 1);
		return 1;
	}
	return 0;
}
