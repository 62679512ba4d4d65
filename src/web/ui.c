/*
 * ui.c - the server-rendered pages: log in and out, home with the whois box,
 * organisations (search and filter), an organisation's page (contacts and
 * assets when the user may see them; adding a contact), users and the audit
 * log for administrators, language choice. No JavaScript is needed; every
 * form that changes something carries the session's CSRF token.
 */
#include <microhttpd.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "auth/visibility.h"
#include "base/time.h"
#include "feed/event.h"
#include "notify/notice.h"
#include "org/asset.h"
#include "org/org.h"
#include "web/ui_internal.h"
#include "web/web.h"
#include "base/kc.h"

#define T(s) kc_req_tr(r, s)
#define LOGIN_CSRF_COOKIE "kcert_login_csrf"

static const char css[] =
	":root{--ink:#1b1b1b;--muted:#555;--line:#ccc;--accent:#0b4f8a;--bg:#fff}"
	"*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,sans-serif;color:var(--ink);background:var(--bg)}"
	"header{display:flex;flex-wrap:wrap;gap:1rem;align-items:center;padding:.6rem 1rem;background:var(--accent);color:#fff}"
	"header a{color:#fff}header nav{display:flex;gap:1rem;flex-wrap:wrap}header form{margin:0}"
	"header label{display:inline;color:#fff;margin:0 .3rem 0 0}header button{border:1px solid #fff}"
	"main{padding:1rem;max-width:72rem}a{color:var(--accent)}a:focus,button:focus,input:focus,select:focus{outline:3px solid #f90;outline-offset:2px}"
	"table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid var(--line);padding:.3rem .5rem;text-align:left;vertical-align:top}"
	"label{display:block;margin:.4rem 0 .1rem}input,select,button{font:inherit;padding:.3rem .5rem}"
	"button{background:var(--accent);color:#fff;border:0;border-radius:3px;cursor:pointer}"
	".tlp{display:inline-block;padding:0 .4rem;border-radius:2px;font-weight:bold;background:#000;font-size:.85rem}"
	".tlp-clear{color:#fff}.tlp-green{color:#33ff00}.tlp-amber{color:#ffc000}.tlp-amber-strict{color:#ffc000}.tlp-red{color:#ff2b2b}"
	".err{color:#a00;font-weight:bold}.note{color:var(--muted)}.row{display:flex;gap:1rem;flex-wrap:wrap;align-items:end}"
	".rating{display:inline-block;padding:0 .5rem;border-radius:3px;font-weight:bold;border:1px solid #000}"
	".rating-red{background:#b00020;color:#fff}.rating-orange{background:#d35400;color:#fff}.rating-yellow{background:#f2c500;color:#000}"
	".rating-green{background:#1e7b34;color:#fff}.rating-grey{background:#6b6b6b;color:#fff}"
	".sev{font-weight:bold}.sev-high{color:#b00020}.sev-medium{color:#a04000}.finding-accepted td{color:var(--muted)}"
	"pre{white-space:pre-wrap;background:#f4f4f4;padding:.5rem;overflow-x:auto}"
	"@media (max-width:40rem){th,td{display:block}}";

static void head(kc_req *r, const char *title)
{
	kc_buf *b = &r->out;

	kc_buf_addf(b, "<!doctype html><html lang=\"%s\"><head><meta charset=\"utf-8\">"
		       "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>",
		    kc_lang_code(r->lang));
	kc_html(b, title);
	kc_buf_adds(b, " – KommuneCERT</title><link rel=\"stylesheet\" href=\"/static/kcert.css\"></head><body><header>"
		       "<strong>KommuneCERT</strong>");
	if (r->authed) {
		kc_buf_addf(b, "<nav aria-label=\"%s\"><a href=\"/\">%s</a><a href=\"/situation\">%s</a><a href=\"/cases\">%s</a>"
			       "<a href=\"/orgs\">%s</a>",
			    T("Main menu"), T("Home"), T("Situation"), T("Cases"), T("Organisations"));
		if (r->user.role == KC_ROLE_ADMIN || r->user.role == KC_ROLE_ANALYST)
			kc_buf_addf(b, "<a href=\"/findings\">%s</a><a href=\"/ratings\">%s</a>", T("Findings"), T("Ratings"));
		else if (r->user.role == KC_ROLE_MEMBER)
			kc_buf_addf(b, "<a href=\"/findings\">%s</a>", T("Findings"));
		if (r->user.role == KC_ROLE_ADMIN)
			kc_buf_addf(b, "<a href=\"/users\">%s</a><a href=\"/audit\">%s</a>", T("Users"), T("Audit log"));
		kc_buf_adds(b, "</nav><form method=\"post\" action=\"/lang\"><input type=\"hidden\" name=\"csrf\" value=\"");
		kc_html(b, r->csrf);
		kc_buf_addf(b, "\"><label for=\"lang\">%s</label> "
			       "<select id=\"lang\" name=\"lang\">", T("Language"));
		for (kc_lang l = KC_LANG_NB; l <= KC_LANG_EN; l++)
			kc_buf_addf(b, "<option value=\"%s\"%s>%s</option>", kc_lang_code(l), l == r->lang ? " selected" : "",
				    l == KC_LANG_NB ? "bokmål" : l == KC_LANG_NN ? "nynorsk" : "English");
		kc_buf_addf(b, "</select> <button type=\"submit\">%s</button></form>", T("Change"));
		kc_buf_adds(b, "<form method=\"post\" action=\"/logout\"><input type=\"hidden\" name=\"csrf\" value=\"");
		kc_html(b, r->csrf);
		kc_buf_adds(b, "\"><span>");
		kc_html(b, r->user.name);
		kc_buf_addf(b, "</span> <button type=\"submit\">%s</button></form>", T("Log out"));
	}
	kc_buf_adds(b, "</header><main>");
}

static void foot(kc_req *r)
{
	kc_buf_adds(&r->out, "</main></body></html>\n");
	kc_resp_html(r, r->status == 500 ? 200 : r->status);
}

static void tlp_label(kc_buf *b, kc_tlp t)
{
	static const char *const cls[] = { "clear", "green", "amber", "amber-strict", "red" };

	kc_buf_addf(b, " <span class=\"tlp tlp-%s\">TLP:%s</span>", cls[t], kc_tlp_name(t));
}

/* A form post must carry the session's CSRF token. */
static int csrf_ok(kc_req *r)
{
	char got[KC_SECRET_LEN + 8];

	if (r->csrf[0] && kc_req_form(r, "csrf", got, sizeof(got)) && strlen(got) == KC_SECRET_LEN &&
	    sodium_memcmp(got, r->csrf, KC_SECRET_LEN) == 0)
		return 1;
	r->status = 403;
	head(r, T("Forbidden"));
	kc_buf_addf(&r->out, "<h1>%s</h1><p class=\"err\">%s</p>", T("Forbidden"),
		    T("The form had no valid security token. Reload the page and try again."));
	foot(r);
	return 0;
}

/* For the page files beside this one (ui_internal.h). */
void kc_ui_head(kc_req *r, const char *title)
{
	head(r, title);
}

void kc_ui_foot(kc_req *r)
{
	foot(r);
}

int kc_ui_csrf_ok(kc_req *r)
{
	return csrf_ok(r);
}

void kc_ui_tlp_label(kc_buf *b, kc_tlp t)
{
	tlp_label(b, t);
}

static void page_login(kc_req *r, const char *problem)
{
	const char *have = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, LOGIN_CSRF_COOKIE);
	char token[KC_SECRET_LEN + 1];
	kc_buf *b = &r->out;

	/* Keep the token a browser already has: a second tab, or a request the
	 * browser makes on its own (favicon) and that lands here, must not
	 * invalidate the form on screen. */
	if (have && strlen(have) == KC_SECRET_LEN && strspn(have, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") == KC_SECRET_LEN)
		snprintf(token, sizeof(token), "%s", have);
	else
		kc_secret_new(token);
	snprintf(r->set_cookie[1], sizeof(r->set_cookie[1]), LOGIN_CSRF_COOKIE "=%s; Path=/login; HttpOnly; SameSite=Strict%s",
		 token, r->cfg->secure_cookies ? "; Secure" : "");
	if (r->status == 500) /* not chosen yet */
		r->status = problem ? 401 : 200;
	head(r, T("Log in"));
	kc_buf_addf(b, "<h1>%s</h1>", T("Log in"));
	if (problem) {
		kc_buf_adds(b, "<p class=\"err\" role=\"alert\">");
		kc_html(b, problem);
		kc_buf_adds(b, "</p>");
	}
	kc_buf_addf(b, "<form method=\"post\" action=\"/login\"><input type=\"hidden\" name=\"csrf\" value=\"%s\">"
		       "<label for=\"name\">%s</label><input id=\"name\" name=\"name\" autocomplete=\"username\" required>"
		       "<label for=\"password\">%s</label><input id=\"password\" name=\"password\" type=\"password\" "
		       "autocomplete=\"current-password\" required><p><button type=\"submit\">%s</button></p></form>",
		    token, T("User name"), T("Password"), T("Log in"));
	foot(r);
}

static void do_login(kc_req *r)
{
	char name[80], password[KC_PASSWORD_MAX + 1], form_csrf[64], sid[KC_SECRET_LEN + 1], csrf[KC_SECRET_LEN + 1];
	const char *cookie = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, LOGIN_CSRF_COOKIE);
	kc_user u;
	kc_err err;
	int rc;

	/* Double-submit: the hidden field must equal the cookie set with the form. */
	if (!cookie || !kc_req_form(r, "csrf", form_csrf, sizeof(form_csrf)) || strlen(cookie) != KC_SECRET_LEN ||
	    strcmp(cookie, form_csrf)) {
		r->status = 403;
		return page_login(r, T("The form had no valid security token. Reload the page and try again."));
	}
	if (!kc_req_form(r, "name", name, sizeof(name)) || !kc_req_form(r, "password", password, sizeof(password)))
		return page_login(r, T("Give a user name and a password."));
	rc = kc_login(r->st, name, password, r->addr, r->cfg->session_ttl, &u, sid, csrf, &err);
	sodium_memzero(password, sizeof(password));
	if (rc == KC_EAGAIN)
		return page_login(r, T("Too many failed logins. Try again in 15 minutes."));
	if (rc)
		return page_login(r, T("Wrong user name or password."));
	snprintf(r->set_cookie[0], sizeof(r->set_cookie[0]),
		 "kcert_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d%s", sid, r->cfg->session_ttl,
		 r->cfg->secure_cookies ? "; Secure" : "");
	kc_resp_redirect(r, "/");
}

static void whois_box(kc_req *r, const char *q)
{
	kc_buf_addf(&r->out, "<form method=\"get\" action=\"/whois\" role=\"search\"><label for=\"q\">%s</label>"
			     "<div class=\"row\"><input id=\"q\" name=\"q\" size=\"40\" value=\"",
		    T("Who owns an IP address, AS number, domain or URL?"));
	kc_html(&r->out, q ? q : "");
	kc_buf_addf(&r->out, "\"> <button type=\"submit\">%s</button></div></form>", T("Look up"));
}

static void page_home(kc_req *r)
{
	head(r, T("Home"));
	kc_buf_addf(&r->out, "<h1>%s</h1><p>%s <strong>", T("KommuneCERT"), T("Logged in as"));
	kc_html(&r->out, r->user.name);
	kc_buf_addf(&r->out, "</strong> (%s).</p>", kc_role_name(r->user.role));
	whois_box(r, NULL);
	r->status = 200;
	foot(r);
}

static void org_link(kc_buf *b, const kc_org *o)
{
	kc_buf_adds(b, "<a href=\"/orgs/");
	kc_html(b, o->code[0] ? o->code : o->slug);
	kc_buf_adds(b, "\">");
	kc_html(b, o->name);
	kc_buf_adds(b, "</a>");
}

static void page_orgs(kc_req *r)
{
	static const char *const kinds[] = { "municipality", "county", "iks", "cert", "authority" };
	const char *q = kc_req_arg(r, "q"), *kind = kc_req_arg(r, "kind"), *county = kc_req_arg(r, "county");
	kc_org_filter f = { 0 };
	kc_org *v = NULL;
	size_t n = 0;
	kc_err err;
	kc_buf *b = &r->out;
	int rc;

	f.search = q && *q ? q : NULL;
	f.kind = kind && *kind ? kind : NULL;
	f.county = county && *county ? county : NULL;
	f.limit = 500;
	head(r, T("Organisations"));
	kc_buf_addf(b, "<h1>%s</h1><form method=\"get\" action=\"/orgs\" class=\"row\"><div><label for=\"q\">%s</label>"
		       "<input id=\"q\" name=\"q\" value=\"",
		    T("Organisations"), T("Search"));
	kc_html(b, q ? q : "");
	kc_buf_addf(b, "\"></div><div><label for=\"kind\">%s</label><select id=\"kind\" name=\"kind\"><option value=\"\">%s</option>",
		    T("Kind"), T("All"));
	for (size_t i = 0; i < KC_ARRAY_LEN(kinds); i++)
		kc_buf_addf(b, "<option value=\"%s\"%s>%s</option>", kinds[i], f.kind && !strcmp(f.kind, kinds[i]) ? " selected" : "",
			    kinds[i]);
	kc_buf_addf(b, "</select></div><div><label for=\"county\">%s</label><input id=\"county\" name=\"county\" value=\"", T("County"));
	kc_html(b, county ? county : "");
	kc_buf_addf(b, "\"></div><div><button type=\"submit\">%s</button></div></form>", T("Filter"));
	rc = kc_org_list(r->st, &f, &v, &n, &err);
	if (rc) {
		kc_buf_adds(b, "<p class=\"err\">");
		kc_html(b, err.msg);
		kc_buf_adds(b, "</p>");
	} else {
		kc_buf_addf(b, "<p class=\"note\">%zu</p><table><caption class=\"note\">%s</caption><thead><tr><th scope=\"col\">%s</th>"
			       "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>",
			    n, T("Organisations"), T("Code"), T("Name"), T("Kind"), T("County"));
		for (size_t i = 0; i < n; i++) {
			if (!kc_may_read(&r->user, v[i].id, KC_TLP_ORG, NULL))
				continue;
			kc_buf_adds(b, "<tr><td>");
			kc_html(b, v[i].code);
			kc_buf_adds(b, "</td><td>");
			org_link(b, &v[i]);
			kc_buf_addf(b, "</td><td>%s</td><td>", v[i].kind);
			kc_html(b, v[i].county);
			kc_buf_adds(b, "</td></tr>");
		}
		kc_buf_adds(b, "</tbody></table>");
	}
	free(v);
	r->status = 200;
	foot(r);
}

static int may_edit(const kc_req *r, const kc_org *o)
{
	return r->user.role == KC_ROLE_ADMIN || r->user.role == KC_ROLE_ANALYST ||
	       (r->user.role == KC_ROLE_MEMBER && kc_user_in_org(&r->user, o->id));
}

/* The fields of a contact as a form; c may be NULL for a new one. */
static void contact_fields(kc_req *r, const kc_contact *c)
{
	static const char *const roles[] = { "security", "it-operations", "management", "24x7", "abuse", "other" };
	kc_buf *b = &r->out;

	kc_buf_addf(b, "<div class=\"row\"><div><label for=\"c-name\">%s</label><input id=\"c-name\" name=\"name\" required value=\"",
		    T("Name"));
	kc_html(b, c ? c->name : "");
	kc_buf_addf(b, "\"></div><div><label for=\"c-email\">%s</label><input id=\"c-email\" name=\"email\" type=\"email\" required value=\"",
		    T("E-mail"));
	kc_html(b, c ? c->email : "");
	kc_buf_addf(b, "\"></div><div><label for=\"c-phone\">%s</label><input id=\"c-phone\" name=\"phone\" value=\"", T("Phone"));
	kc_html(b, c ? c->phone : "");
	kc_buf_addf(b, "\"></div><div><label for=\"c-role\">%s</label><select id=\"c-role\" name=\"role\">", T("Role"));
	for (size_t i = 0; i < KC_ARRAY_LEN(roles); i++)
		kc_buf_addf(b, "<option%s>%s</option>", c && !strcmp(c->role, roles[i]) ? " selected" : "", roles[i]);
	kc_buf_adds(b, "</select></div>");
}

static void contacts_section(kc_req *r, const kc_org *o)
{
	kc_contact *v = NULL;
	size_t n = 0;
	kc_err err;
	kc_buf *b = &r->out;

	int editor = may_edit(r, o);

	kc_buf_addf(b, "<h2>%s", T("Contacts"));
	tlp_label(b, KC_TLP_CONTACT);
	kc_buf_adds(b, "</h2>");
	if (kc_contact_list(r->st, o->id, &v, &n, &err) == KC_OK) {
		kc_buf_addf(b, "<table><thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
			       "<th scope=\"col\">%s</th>%s</tr></thead><tbody>",
			    T("Name"), T("E-mail"), T("Phone"), T("Role"), editor ? "<td></td>" : "");
		for (size_t i = 0; i < n; i++) {
			kc_buf_adds(b, "<tr><td>");
			kc_html(b, v[i].name);
			kc_buf_adds(b, "</td><td>");
			kc_html(b, v[i].email);
			kc_buf_adds(b, "</td><td>");
			kc_html(b, v[i].phone);
			kc_buf_adds(b, "</td><td>");
			kc_html(b, v[i].role);
			if (editor) {
				kc_buf_adds(b, "</td><td><a href=\"/orgs/");
				kc_html(b, o->code[0] ? o->code : o->slug);
				kc_buf_addf(b, "/contacts/%lld\" aria-label=\"", (long long)v[i].id);
				kc_buf_addf(b, "%s ", T("Change"));
				kc_html(b, v[i].name);
				kc_buf_addf(b, "\">%s</a>", T("Change"));
			}
			kc_buf_adds(b, "</td></tr>");
		}
		kc_buf_adds(b, "</tbody></table>");
	}
	free(v);
	if (!editor)
		return;
	kc_buf_addf(b, "<h3>%s</h3><form method=\"post\" action=\"/orgs/", T("Add a contact"));
	kc_html(b, o->code[0] ? o->code : o->slug);
	kc_buf_adds(b, "/contacts\"><input type=\"hidden\" name=\"csrf\" value=\"");
	kc_html(b, r->csrf);
	kc_buf_adds(b, "\">");
	contact_fields(r, NULL);
	kc_buf_addf(b, "<div><button type=\"submit\">%s</button></div></div></form>", T("Add"));
}

static void assets_section(kc_req *r, const kc_org *o)
{
	kc_asset *v = NULL;
	size_t n = 0;
	kc_err err;
	kc_buf *b = &r->out;

	kc_buf_addf(b, "<h2>%s", T("Assets"));
	tlp_label(b, KC_TLP_ASSET);
	kc_buf_adds(b, "</h2>");
	if (kc_asset_list(r->st, o->id, NULL, &v, &n, &err) != KC_OK)
		return;
	kc_buf_addf(b, "<table><thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>",
		    T("Kind"), T("Value"), T("Note"));
	for (size_t i = 0; i < n; i++) {
		kc_buf_addf(b, "<tr><td>%s</td><td>", v[i].kind);
		kc_html(b, v[i].value);
		kc_buf_adds(b, "</td><td>");
		kc_html(b, v[i].note);
		kc_buf_adds(b, "</td></tr>");
	}
	kc_buf_adds(b, "</tbody></table>");
	free(v);
}

static void url_arg(kc_buf *b, const char *name, const char *v)
{
	if (!v || !*v)
		return;
	kc_buf_addf(b, "&amp;%s=", name);
	for (; *v; v++) {
		if ((*v >= 'a' && *v <= 'z') || (*v >= 'A' && *v <= 'Z') || (*v >= '0' && *v <= '9') || strchr("-._:", *v))
			kc_buf_addc(b, *v);
		else
			kc_buf_addf(b, "%%%02X", (unsigned char)*v);
	}
}

/* A table of events: time (Oslo), identifier, address and port, host, sightings. */
static void events_table(kc_req *r, const kc_event *v, size_t n)
{
	kc_buf *b = &r->out;

	kc_buf_addf(b, "<table><thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
		       "<th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>",
		    T("Time"), T("Identifier"), T("Address"), T("Host name"), T("Seen"));
	for (size_t i = 0; i < n; i++) {
		char tm[KC_TIME_STRLEN];

		kc_buf_addf(b, "<tr><td>%s</td><td>", kc_time_oslo(v[i].time_source, tm));
		kc_html(b, v[i].identifier);
		kc_buf_adds(b, "</td><td>");
		kc_html(b, v[i].ip);
		if (v[i].port >= 0)
			kc_buf_addf(b, " :%lld", (long long)v[i].port);
		kc_buf_adds(b, "</td><td>");
		kc_html(b, v[i].fqdn);
		kc_buf_addf(b, "</td><td>%lld</td></tr>", (long long)v[i].seen);
	}
	kc_buf_adds(b, "</tbody></table>");
}

/* The organisation's events from threat feeds (TLP:AMBER), filtered by the
 * query (type, since, address), with export links for the same selection. */
static void events_section(kc_req *r, const kc_org *o)
{
	const char *type = kc_req_arg(r, "type"), *since = kc_req_arg(r, "since"), *addr = kc_req_arg(r, "address");
	kc_event_filter f = { .org_id = o->id, .limit = 100 };
	kc_event *v = NULL;
	size_t n = 0;
	kc_err err;
	kc_buf *b = &r->out;
	time_t t;

	if (type && *type)
		f.identifier = type;
	if (since && *since && !kc_time_parse(since, &t))
		f.since = since;
	if (addr && *addr)
		f.address = addr;
	kc_buf_addf(b, "<h2 id=\"events\">%s", T("Events"));
	tlp_label(b, KC_TLP_AMBER);
	kc_buf_addf(b, "</h2><form method=\"get\" action=\"#events\" class=\"row\" aria-label=\"%s\">", T("Filter events"));
	kc_buf_addf(b, "<div><label for=\"ev-type\">%s</label><input id=\"ev-type\" name=\"type\" value=\"", T("Identifier"));
	kc_html(b, f.identifier ? f.identifier : "");
	kc_buf_addf(b, "\" placeholder=\"open-rdp\"></div><div><label for=\"ev-since\">%s</label><input id=\"ev-since\" "
		       "name=\"since\" value=\"", T("Since"));
	kc_html(b, f.since ? f.since : "");
	kc_buf_addf(b, "\" placeholder=\"2026-11-01\"></div><div><label for=\"ev-address\">%s</label><input id=\"ev-address\" "
		       "name=\"address\" value=\"", T("Address or host name"));
	kc_html(b, f.address ? f.address : "");
	kc_buf_addf(b, "\"></div><div><button type=\"submit\">%s</button></div></form>", T("Filter"));
	if (kc_event_list(r->st, &f, &v, &n, &err) != KC_OK)
		return;
	kc_buf_addf(b, "<p>%s ", T("Export:"));
	for (int csv = 1; csv >= 0; csv--) {
		kc_buf_addf(b, "<a href=\"/api/v1/events?format=%s", csv ? "csv" : "jsonl");
		url_arg(b, "org", o->slug);
		url_arg(b, "type", f.identifier);
		url_arg(b, "since", f.since);
		url_arg(b, "address", f.address);
		kc_buf_addf(b, "\">%s</a>%s", csv ? "CSV" : T("JSON lines (IntelMQ)"), csv ? " · " : "</p>");
	}
	if (!n) {
		kc_buf_addf(b, "<p class=\"note\">%s</p>", T("No events."));
		return;
	}
	events_table(r, v, n);
	free(v);
}

/* The notices sent to the organisation: what went to whom, delivered or not,
 * acknowledged or not (TLP:AMBER). */
static void notices_section(kc_req *r, const kc_org *o)
{
	kc_notice_info *v = NULL;
	size_t n = 0;
	kc_err err;
	kc_buf *b = &r->out;

	kc_buf_addf(b, "<h2 id=\"notices\">%s", T("Notices"));
	tlp_label(b, KC_TLP_AMBER);
	kc_buf_adds(b, "</h2>");
	if (kc_notice_list(r->st, o->id, 50, 0, &v, &n, &err) != KC_OK)
		return;
	if (!n) {
		kc_buf_addf(b, "<p class=\"note\">%s</p>", T("No notices."));
		return;
	}
	kc_buf_addf(b, "<table><thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
		       "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>",
		    T("Reference"), T("Created"), T("Recipient"), T("Events"), T("State"), T("Acknowledged"));
	for (size_t i = 0; i < n; i++) {
		char tm[KC_TIME_STRLEN];

		kc_buf_addf(b, "<tr><td><a href=\"/orgs/%s/notices/%lld\">", o->slug, (long long)v[i].id);
		kc_html(b, v[i].ref);
		kc_buf_addf(b, "</a></td><td>%s</td><td>", kc_time_oslo(v[i].created_at, tm));
		kc_html(b, v[i].rcpt);
		kc_buf_addf(b, "</td><td>%lld%s</td><td>", (long long)v[i].events, v[i].high ? T(", urgent") : "");
		kc_html(b, v[i].state);
		kc_buf_adds(b, "</td><td>");
		if (v[i].acked_at[0]) {
			kc_buf_addf(b, "%s ", kc_time_oslo(v[i].acked_at, tm));
			kc_html(b, v[i].acked_by);
		} else if (r->user.role != KC_ROLE_PARTNER) {
			kc_buf_addf(b, "<form method=\"post\" action=\"/orgs/%s/notices/%lld/ack\">"
				       "<input type=\"hidden\" name=\"csrf\" value=\"", o->slug, (long long)v[i].id);
			kc_html(b, r->csrf);
			kc_buf_addf(b, "\"><button type=\"submit\">%s</button></form>", T("Acknowledge"));
		}
		kc_buf_adds(b, "</td></tr>");
	}
	kc_buf_adds(b, "</tbody></table>");
	free(v);
}

/* One notice: to whom, its state, and the events that went into it. */
static void page_notice(kc_req *r, const char *ref, long long id)
{
	kc_event_filter f = { .notice_id = id, .limit = 1000 };
	kc_event *v = NULL;
	kc_notice_info n;
	kc_buf *b = &r->out;
	size_t nv = 0;
	kc_err err;
	char tm[KC_TIME_STRLEN];

	if (kc_notice_get(r->st, id, NULL, &n, &err) || strcmp(n.org, ref) || r->user.role == KC_ROLE_PARTNER ||
	    !kc_may_read(&r->user, n.org_id, KC_TLP_AMBER, NULL) || kc_event_list(r->st, &f, &v, &nv, &err)) {
		r->status = 404;
		head(r, T("Not found"));
		kc_buf_addf(b, "<h1>%s</h1>", T("Not found"));
		return foot(r);
	}
	head(r, n.ref);
	kc_buf_adds(b, "<h1>");
	kc_html(b, n.ref);
	tlp_label(b, KC_TLP_AMBER);
	kc_buf_addf(b, "</h1><dl><dt>%s</dt><dd>", T("Organisation"));
	kc_html(b, n.org_name);
	kc_buf_addf(b, "</dd><dt>%s</dt><dd>", T("Recipient"));
	kc_html(b, n.rcpt);
	kc_buf_addf(b, "</dd><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>", T("Created"), kc_time_oslo(n.created_at, tm), T("State"));
	kc_html(b, n.state);
	kc_buf_addf(b, "</dd></dl><h2>%s</h2>", T("Events in this notice"));
	events_table(r, v, nv);
	free(v);
	r->status = 200;
	foot(r);
}

static void notice_ack_form(kc_req *r, const char *ref, long long id)
{
	kc_notice_info n;
	kc_err err;
	char to[160];

	if (!csrf_ok(r))
		return;
	if (kc_notice_get(r->st, id, NULL, &n, &err) || strcmp(n.org, ref) ||
	    !kc_may_read(&r->user, n.org_id, KC_TLP_AMBER, NULL) || r->user.role == KC_ROLE_PARTNER) {
		r->status = 404;
		head(r, T("Not found"));
		kc_buf_addf(&r->out, "<h1>%s</h1>", T("Not found"));
		return foot(r);
	}
	kc_notice_ack(r->st, n.id, NULL, r->user.name, NULL, &err);
	snprintf(to, sizeof(to), "/orgs/%s#notices", n.org);
	kc_resp_redirect(r, to);
}

/* The link in a notice: no login needed, the token is the key. GET shows a
 * button (link checkers and mail scanners follow links; only a person
 * pressing the button acknowledges); POST acknowledges. */
static void notice_ack_public(kc_req *r, int post)
{
	char token[80] = "";
	kc_notice_info n;
	kc_err err;
	kc_buf *b = &r->out;
	int rc;

	if (post)
		kc_req_form(r, "t", token, sizeof(token));
	else
		snprintf(token, sizeof(token), "%s", kc_req_arg(r, "t") ? kc_req_arg(r, "t") : "");
	head(r, T("Acknowledge notice"));
	kc_buf_addf(b, "<h1>%s</h1>", T("Acknowledge notice"));
	if (post)
		rc = kc_notice_ack(r->st, 0, token, "link", &n, &err);
	else
		rc = strlen(token) == 32 && strspn(token, "0123456789abcdef") == 32 ? KC_OK : KC_ENOENT;
	if (rc) {
		r->status = 404;
		kc_buf_addf(b, "<p class=\"err\" role=\"alert\">%s</p>", T("This acknowledgement link is not valid."));
		return foot(r);
	}
	r->status = 200;
	if (post) {
		kc_buf_addf(b, "<p role=\"status\">%s <strong>", T("Thank you. Notice"));
		kc_html(b, n.ref);
		kc_buf_addf(b, "</strong> %s</p>", T("is acknowledged."));
		return foot(r);
	}
	kc_buf_addf(b, "<p>%s</p><form method=\"post\" action=\"/notice/ack\"><input type=\"hidden\" name=\"t\" value=\"%s\">"
		       "<button type=\"submit\">%s</button></form>",
		    T("Confirm that your organisation has received the notice from KommuneCERT."), token,
		    T("Acknowledge"));
	foot(r);
}

static void page_org(kc_req *r, const char *ref, const char *problem)
{
	kc_org o;
	kc_err err;
	kc_buf *b = &r->out;

	if (kc_org_get(r->st, ref, &o, &err) || !kc_may_read(&r->user, o.id, KC_TLP_ORG, NULL)) {
		r->status = 404;
		head(r, T("Not found"));
		kc_buf_addf(b, "<h1>%s</h1>", T("Not found"));
		return foot(r);
	}
	head(r, o.name);
	kc_buf_adds(b, "<h1>");
	kc_html(b, o.name);
	tlp_label(b, KC_TLP_ORG);
	kc_buf_addf(b, "</h1><dl><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>", T("Kind"), o.kind, T("Code"));
	kc_html(b, o.code[0] ? o.code : "–");
	kc_buf_addf(b, "</dd><dt>%s</dt><dd>", T("County"));
	kc_html(b, o.county[0] ? o.county : "–");
	kc_buf_adds(b, "</dd></dl>");
	if (problem) {
		kc_buf_adds(b, "<p class=\"err\" role=\"alert\">");
		kc_html(b, problem);
		kc_buf_adds(b, "</p>");
	}
	if (kc_may_read(&r->user, o.id, KC_TLP_CONTACT, NULL))
		contacts_section(r, &o);
	if (kc_may_read(&r->user, o.id, KC_TLP_ASSET, NULL))
		assets_section(r, &o);
	if (kc_may_read(&r->user, o.id, KC_TLP_AMBER, NULL) && r->user.role != KC_ROLE_PARTNER) {
		notices_section(r, &o);
		events_section(r, &o);
	}
	kc_ui_org_findings(r, &o);
	if (r->status == 500)
		r->status = 200;
	foot(r);
}

/* GET: the form to change contact id; POST with id: save it; POST without: add one. */
static void contact_form(kc_req *r, const char *ref, int64_t id, int post)
{
	kc_contact c;
	kc_org o;
	kc_err err;
	char path[128];
	int rc;

	if (post && !csrf_ok(r))
		return;
	if (kc_org_get(r->st, ref, &o, &err) || !may_edit(r, &o)) {
		r->status = 403;
		return page_org(r, ref, T("You may not change this organisation."));
	}
	memset(&c, 0, sizeof(c));
	if (id && kc_contact_get(r->st, o.id, id, &c, &err)) {
		r->status = 404;
		return page_org(r, ref, err.msg);
	}
	if (post) {
		c.id = id;
		c.org_id = o.id;
		kc_req_form(r, "name", c.name, sizeof(c.name));
		kc_req_form(r, "email", c.email, sizeof(c.email));
		if (!kc_req_form(r, "phone", c.phone, sizeof(c.phone)))
			c.phone[0] = '\0';
		kc_req_form(r, "role", c.role, sizeof(c.role));
		rc = id ? kc_contact_update(r->st, r->user.name, &c, &err) : kc_contact_add(r->st, r->user.name, &c, &err);
		if (rc) {
			r->status = 400;
			return page_org(r, ref, err.msg);
		}
		snprintf(path, sizeof(path), "/orgs/%s", o.code[0] ? o.code : o.slug);
		return kc_resp_redirect(r, path);
	}
	head(r, T("Change contact"));
	kc_buf_addf(&r->out, "<h1>%s</h1><form method=\"post\" action=\"/orgs/", T("Change contact"));
	kc_html(&r->out, o.code[0] ? o.code : o.slug);
	kc_buf_addf(&r->out, "/contacts/%lld\"><input type=\"hidden\" name=\"csrf\" value=\"", (long long)id);
	kc_html(&r->out, r->csrf);
	kc_buf_adds(&r->out, "\">");
	contact_fields(r, &c);
	kc_buf_addf(&r->out, "<div><button type=\"submit\">%s</button></div></div></form>", T("Save"));
	r->status = 200;
	foot(r);
}

static void page_whois(kc_req *r)
{
	const char *q = kc_req_arg(r, "q");
	kc_registry *reg = NULL;
	kc_whois w;
	kc_err err;
	kc_buf *b = &r->out;
	size_t first = 0;

	head(r, T("Whois"));
	kc_buf_addf(b, "<h1>%s</h1>", T("Whois"));
	whois_box(r, q);
	if (q && *q) {
		if (kc_registry_load(r->st, &reg, &err) || kc_registry_whois(reg, q, &w, &err)) {
			kc_buf_adds(b, "<p class=\"err\">");
			kc_html(b, err.msg);
			kc_buf_adds(b, "</p>");
		} else {
			while (first < w.nhits && !kc_may_read(&r->user, w.hits[first]->org_id, KC_TLP_ASSET, NULL))
				first++;
			if (first == w.nhits) {
				kc_buf_adds(b, "<p>");
				kc_html(b, w.key);
				kc_buf_addf(b, ": %s</p>", T("no constituent you may see owns it."));
			} else {
				kc_org o;

				kc_buf_adds(b, "<p><strong>");
				kc_html(b, w.key);
				kc_buf_addf(b, "</strong> %s ", T("belongs to"));
				if (kc_org_get_id(r->st, w.hits[first]->org_id, &o, &err) == KC_OK)
					org_link(b, &o);
				kc_buf_addf(b, " (%s ", T("registered as"));
				kc_html(b, w.hits[first]->kind);
				kc_buf_adds(b, " ");
				kc_html(b, w.hits[first]->value);
				kc_buf_adds(b, ")</p>");
			}
		}
	}
	kc_registry_free(reg);
	r->status = 200;
	foot(r);
}

static void page_users(kc_req *r)
{
	kc_user *v = NULL;
	size_t n = 0;
	kc_err err;
	kc_buf *b = &r->out;

	head(r, T("Users"));
	kc_buf_addf(b, "<h1>%s</h1>", T("Users"));
	if (kc_user_list(r->st, &v, &n, &err) == KC_OK) {
		kc_buf_addf(b, "<table><thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>",
			    T("Name"), T("Role"), T("Last login"));
		for (size_t i = 0; i < n; i++) {
			char t[KC_TIME_STRLEN];

			kc_buf_adds(b, "<tr><td>");
			kc_html(b, v[i].name);
			kc_buf_addf(b, "%s</td><td>%s</td><td>%s</td></tr>", v[i].disabled ? " (–)" : "", kc_role_name(v[i].role),
				    v[i].last_login[0] ? kc_time_oslo(v[i].last_login, t) : "–");
		}
		kc_buf_adds(b, "</tbody></table>");
	}
	free(v);
	r->status = 200;
	foot(r);
}

static void page_audit(kc_req *r)
{
	kc_audit_entry *v = NULL;
	size_t n = 0;
	kc_err err;
	kc_buf *b = &r->out;

	head(r, T("Audit log"));
	kc_buf_addf(b, "<h1>%s</h1>", T("Audit log"));
	if (kc_audit_list(r->st, 100, 0, &v, &n, &err) == KC_OK) {
		kc_buf_addf(b, "<table><thead><tr><th scope=\"col\">#</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
			       "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>",
			    T("Time"), T("Actor"), T("Action"), T("Object"), T("Summary"));
		for (size_t i = 0; i < n; i++) {
			char t[KC_TIME_STRLEN];

			kc_buf_addf(b, "<tr><td>%lld</td><td>%s</td><td>", (long long)v[i].seq, kc_time_oslo(v[i].at, t));
			kc_html(b, v[i].actor);
			kc_buf_adds(b, "</td><td>");
			kc_html(b, v[i].action);
			kc_buf_adds(b, "</td><td>");
			kc_html(b, v[i].object);
			kc_buf_adds(b, "</td><td>");
			kc_html(b, v[i].summary);
			kc_buf_adds(b, "</td></tr>");
		}
		kc_buf_adds(b, "</tbody></table>");
	}
	free(v);
	r->status = 200;
	foot(r);
}

static void set_lang(kc_req *r)
{
	char lang[8];
	kc_err err;

	if (!csrf_ok(r))
		return;
	if (kc_req_form(r, "lang", lang, sizeof(lang)))
		kc_user_set_lang(r->st, r->user.id, lang, &err);
	kc_resp_redirect(r, "/");
}

static void logout(kc_req *r)
{
	kc_err err;

	if (!csrf_ok(r))
		return;
	kc_logout(r->st, r->session, &err);
	snprintf(r->set_cookie[0], sizeof(r->set_cookie[0]), "kcert_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
	kc_resp_redirect(r, "/login");
}

void kc_ui_route(kc_req *r)
{
	int get = !strcmp(r->method, "GET") || !strcmp(r->method, "HEAD"), post = !strcmp(r->method, "POST");
	const char *p = r->path;

	if (get && !strcmp(p, "/static/kcert.css")) {
		kc_buf_add(&r->out, css, sizeof(css) - 1);
		r->status = 200;
		r->content_type = "text/css; charset=utf-8";
		return;
	}
	if (get && !strcmp(p, "/favicon.ico")) {
		r->status = 404;
		r->content_type = "text/plain; charset=utf-8";
		return;
	}
	if (!strcmp(p, "/login")) {
		if (post)
			return do_login(r);
		return page_login(r, NULL);
	}
	if (!strcmp(p, "/notice/ack") && (get || post))
		return notice_ack_public(r, post);
	if (!strncmp(p, "/advisories", 11) && kc_ui_advisory_route(r, p + 11, get, post))
		return;
	if (!r->authed)
		return kc_resp_redirect(r, "/login");
	if (get && !strcmp(p, "/"))
		return page_home(r);
	if (get && !strcmp(p, "/orgs"))
		return page_orgs(r);
	if (!strncmp(p, "/orgs/", 6) && strlen(p) < 100) {
		char ref[100];
		const char *slash;

		snprintf(ref, sizeof(ref), "%s", p + 6);
		slash = strchr(ref, '/');
		if (!slash && get)
			return page_org(r, ref, NULL);
		if (slash && post && !strcmp(slash, "/contacts")) {
			ref[slash - ref] = '\0';
			return contact_form(r, ref, 0, 1);
		}
		if (slash && !strncmp(slash, "/notices/", 9) && (get || post)) {
			char *end;
			long long id = strtoll(slash + 9, &end, 10);

			if (post && !strcmp(end, "/ack") && id > 0) {
				ref[slash - ref] = '\0';
				return notice_ack_form(r, ref, id);
			}
			if (get && !*end && id > 0) {
				ref[slash - ref] = '\0';
				return page_notice(r, ref, id);
			}
		}
		if (slash && !strncmp(slash, "/contacts/", 10) && (get || post)) {
			char *end;
			long long id = strtoll(slash + 10, &end, 10);

			if (!*end && id > 0) {
				ref[slash - ref] = '\0';
				return contact_form(r, ref, id, post);
			}
		}
	}
	if (!strncmp(p, "/cases", 6) && (get || post) && kc_ui_case_route(r, p + 6, post))
		return;
	if (((get && (!strcmp(p, "/situation") || !strncmp(p, "/org/", 5))) || (post && !strcmp(p, "/situation/level"))) &&
	    kc_ui_situation_route(r, post))
		return;
	if ((!strcmp(p, "/ratings") || !strncmp(p, "/findings", 9)) && kc_ui_scan_route(r, p, get, post))
		return;
	if (get && !strcmp(p, "/whois"))
		return page_whois(r);
	if (get && !strcmp(p, "/users") && r->user.role == KC_ROLE_ADMIN)
		return page_users(r);
	if (get && !strcmp(p, "/audit") && r->user.role == KC_ROLE_ADMIN)
		return page_audit(r);
	if (post && !strcmp(p, "/lang"))
		return set_lang(r);
	if (post && !strcmp(p, "/logout"))
		return logout(r);
	r->status = 404;
	head(r, T("Not found"));
	kc_buf_addf(&r->out, "<h1>%s</h1>", T("Not found"));
	foot(r);
}
