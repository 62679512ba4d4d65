/*
 * advisory_web.c - advisories on the web: the CSAF provider's distribution
 * under /.well-known/csaf/ (CSAF 2.0 section 7) and /.well-known/security.txt,
 * the pages /advisories and /advisories/ID (the CERT writes, edits and
 * publishes there), the Atom feed /advisories.atom, and GET /api/v1/advisories.
 *
 * TLP:CLEAR advisories are public; the others only for logged-in users that
 * kc_may_read() lets read the TLP; drafts only for the CERT. Whatever a reader
 * may not see answers 404, as if it did not exist.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advisory/advisory.h"
#include "advisory/csaf.h"
#include "auth/visibility.h"
#include "base/time.h"
#include "web/api_internal.h"
#include "web/ui_internal.h"
#include "web/web.h"
#include "base/kc.h"

#define T(s) kc_req_tr(r, s)
#define FORM_LINES_MAX 64u << 10

static int is_cert(const kc_req *r)
{
	return r->authed && (r->user.role == KC_ROLE_ADMIN || r->user.role == KC_ROLE_ANALYST);
}

static int may_see_tlp(const kc_req *r, kc_tlp t)
{
	if (t == KC_TLP_CLEAR)
		return 1;
	return r->authed && kc_may_read(&r->user, 0, t, NULL);
}

static int may_see(const kc_req *r, const char *status, kc_tlp t)
{
	if (strcmp(status, "final"))
		return is_cert(r) && kc_may_read(&r->user, 0, t, NULL);
	return may_see_tlp(r, t);
}

static void not_found(kc_req *r)
{
	kc_buf_clear(&r->out);
	kc_buf_adds(&r->out, "not found\n");
	r->status = 404;
	r->content_type = "text/plain; charset=utf-8";
}

static void internal(kc_req *r, const kc_err *err)
{
	kc_error("advisory %s %s: %s", r->method, r->path, err->msg);
	kc_buf_clear(&r->out);
	kc_buf_adds(&r->out, "internal error\n");
	r->status = 500;
	r->content_type = "text/plain; charset=utf-8";
}

/* The published advisories this reader may see, loaded in full (newest first). */
static int visible(kc_req *r, int drafts, kc_advisory **out, size_t *n, kc_err *err)
{
	kc_adv_brief *b = NULL;
	size_t nb = 0, k = 0;
	kc_advisory *v;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = kc_advisory_list(r->st, !drafts, 1000, 0, &b, &nb, err)))
		return rc;
	v = calloc(nb ? nb : 1, sizeof(*v));
	if (!v) {
		free(b);
		return kc_err_set(err, KC_ENOMEM, "%s", kc_strerror(KC_ENOMEM));
	}
	for (size_t i = 0; i < nb && !rc; i++) {
		if (!may_see(r, b[i].status, b[i].tlp))
			continue;
		if (!(rc = kc_advisory_get(r->st, b[i].ident, &v[k], err)))
			k++;
	}
	free(b);
	if (rc) {
		for (size_t i = 0; i < k; i++)
			kc_advisory_release(&v[i]);
		free(v);
		return rc;
	}
	*out = v;
	*n = k;
	return 0;
}

static void release_all(kc_advisory *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		kc_advisory_release(&v[i]);
	free(v);
}

/* ---- /.well-known ---- */

static int folder_tlp(const char *f, kc_tlp *t)
{
	static const struct {
		const char *name;
		kc_tlp t;
	} m[] = { { "white", KC_TLP_CLEAR }, { "green", KC_TLP_GREEN }, { "amber", KC_TLP_AMBER }, { "red", KC_TLP_RED } };

	for (size_t i = 0; i < KC_ARRAY_LEN(m); i++)
		if (!strcmp(f, m[i].name)) {
			*t = m[i].t;
			return 1;
		}
	return 0;
}

static void folder_file(kc_req *r, kc_tlp folder, const char *file, const kc_csaf_conf *c)
{
	kc_advisory *v;
	size_t n, k = 0;
	kc_err err;
	char want[80];

	if (!may_see_tlp(r, folder))
		return not_found(r);
	if (visible(r, 0, &v, &n, &err))
		return internal(r, &err);
	/* Only this folder's documents. */
	for (size_t i = 0; i < n; i++) {
		if (strcmp(kc_csaf_tlp_folder(v[i].tlp), kc_csaf_tlp_folder(folder))) {
			kc_advisory_release(&v[i]);
			continue;
		}
		if (k != i)
			v[k] = v[i];
		k++;
	}
	r->status = 200;
	snprintf(want, sizeof(want), "kommunecert-csaf-feed-tlp-%s.json", kc_csaf_tlp_folder(folder));
	if (!strcmp(file, "index.txt") || !strcmp(file, "changes.csv")) {
		for (size_t i = 0; i < k; i++) {
			char path[200];

			kc_csaf_doc_path(&v[i], path, sizeof(path));
			if (file[0] == 'i')
				kc_buf_addf(&r->out, "%s\n", strchr(path, '/') + 1);
			else
				kc_buf_addf(&r->out, "\"%s\",\"%s\"\n", strchr(path, '/') + 1, v[i].current_release);
		}
		r->content_type = file[0] == 'i' ? "text/plain; charset=utf-8" : "text/csv; charset=utf-8";
	} else if (!strcmp(file, want)) {
		kc_csaf_rolie_feed(v, k, folder, c, k ? v[0].current_release : NULL, &r->out);
		r->content_type = "application/json";
	} else {
		not_found(r);
	}
	release_all(v, k);
}

static void document_file(kc_req *r, kc_tlp folder, const char *year, const char *file, const kc_csaf_conf *c)
{
	char ident[KC_ADV_ID_LEN], path[200], want[200];
	const char *ext;
	size_t base;
	kc_advisory a;
	kc_buf doc;
	kc_err err;
	int rc;

	base = strcspn(file, ".");
	ext = file + base;
	if (base >= sizeof(ident) || (strcmp(ext, ".json") && strcmp(ext, ".json.sha256") && strcmp(ext, ".json.sha512") &&
				      strcmp(ext, ".json.asc")))
		return not_found(r);
	snprintf(ident, sizeof(ident), "%.*s", (int)base, file);
	rc = kc_advisory_get(r->st, ident, &a, &err);
	if (rc == KC_ENOENT || rc == KC_EINVAL)
		return not_found(r);
	if (rc)
		return internal(r, &err);
	kc_csaf_doc_path(&a, path, sizeof(path));
	snprintf(want, sizeof(want), "%s/%s/%.*s.json", kc_csaf_tlp_folder(folder), year, (int)base, file);
	if (strcmp(a.status, "final") || strcmp(path, want) || !may_see_tlp(r, a.tlp)) {
		kc_advisory_release(&a);
		return not_found(r);
	}
	kc_buf_init(&doc, 64u << 20);
	rc = kc_csaf_document(&a, c, &doc, &err);
	if (rc) {
		kc_advisory_release(&a);
		kc_buf_release(&doc);
		return internal(r, &err);
	}
	r->status = 200;
	if (!strcmp(ext, ".json")) {
		kc_buf_add(&r->out, doc.ptr, doc.len);
		r->content_type = "application/json";
	} else if (!strcmp(ext, ".json.asc")) {
		char *sig = NULL;

		if (!c->sign_cmd[0] || kc_csaf_sign(c, doc.ptr, doc.len, &sig, &err)) {
			if (c->sign_cmd[0])
				kc_error("csaf sign %s: %s", a.ident, err.msg);
			not_found(r);
		} else {
			kc_buf_adds(&r->out, sig);
			r->content_type = "application/pgp-signature";
		}
		free(sig);
	} else {
		char hex[129];

		kc_csaf_digest(ext + 6, doc.ptr, doc.len, hex);
		kc_buf_addf(&r->out, "%s  %.*s.json\n", hex, (int)base, file);
		r->content_type = "text/plain; charset=utf-8";
	}
	kc_buf_release(&doc);
	kc_advisory_release(&a);
}

void kc_csaf_route(kc_req *r)
{
	const char *p = r->path;
	kc_csaf_conf c;
	char seg[3][128];
	int nseg = 0;
	kc_tlp folder;

	if (strcmp(r->method, "GET") && strcmp(r->method, "HEAD"))
		return not_found(r);
	kc_csaf_conf_load(r->st, &c);
	if (!strcmp(p, "/.well-known/security.txt")) {
		kc_csaf_security_txt(&c, &r->out);
		r->status = 200;
		r->content_type = "text/plain; charset=utf-8";
		return;
	}
	if (!strcmp(p, "/.well-known/csaf/provider-metadata.json")) {
		kc_adv_brief *b = NULL;
		size_t n = 0;
		kc_err err;

		if (kc_advisory_list(r->st, 1, 1, 0, &b, &n, &err))
			return internal(r, &err);
		kc_csaf_provider_metadata(&c, n ? b[0].current_release : NULL, &r->out);
		free(b);
		r->status = 200;
		r->content_type = "application/json";
		return;
	}
	if (strncmp(p, "/.well-known/csaf/", 18))
		return not_found(r);
	p += 18;
	while (*p && nseg < 3) {
		size_t n = strcspn(p, "/");

		if (!n || n >= sizeof(seg[0]))
			return not_found(r);
		memcpy(seg[nseg], p, n);
		seg[nseg++][n] = '\0';
		p += n;
		if (*p == '/')
			p++;
	}
	if (*p || nseg < 2 || !folder_tlp(seg[0], &folder))
		return not_found(r);
	if (nseg == 2)
		return folder_file(r, folder, seg[1], &c);
	if (strlen(seg[1]) != 4 || strspn(seg[1], "0123456789") != 4)
		return not_found(r);
	document_file(r, folder, seg[1], seg[2], &c);
}

/* ---- pages ---- */

/* Lines of a textarea as an array (pointers into buf, which is changed). */
static size_t lines_of(char *buf, const char **out, size_t max)
{
	size_t n = 0;

	for (char *p = buf; p && *p && n < max;) {
		char *nl = strchr(p, '\n'), *end = nl ? nl : p + strlen(p);

		while (end > p && (end[-1] == '\r' || end[-1] == ' ' || end[-1] == '\t'))
			end--;
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (nl)
			*nl = '\0';
		*end = '\0';
		if (*p)
			out[n++] = p;
		p = nl ? nl + 1 : NULL;
	}
	return n;
}

struct form {
	char *buf[12];
	const char *list[7][KC_ADV_LIST_MAX];
	kc_adv_input in;
	const char *revision;
};

static const char *const form_fields[] = { "title",	  "summary",	     "body",	   "tlp",
					   "severity",	  "cves",	     "products",  "fixed",
					   "recommendations", "workarounds", "references", "revision" };

static void form_read(kc_req *r, struct form *f)
{
	memset(f, 0, sizeof(*f));
	for (size_t i = 0; i < KC_ARRAY_LEN(form_fields); i++) {
		size_t cap = i == 2 ? KC_ADV_BODY_MAX + 1 : FORM_LINES_MAX;

		f->buf[i] = malloc(cap);
		if (f->buf[i] && !kc_req_form(r, form_fields[i], f->buf[i], cap)) {
			free(f->buf[i]);
			f->buf[i] = NULL;
		}
	}
	f->in.title = f->buf[0];
	f->in.summary = f->buf[1];
	f->in.body = f->buf[2];
	f->in.tlp = f->buf[3];
	f->in.severity = f->buf[4];
	f->revision = f->buf[11];
	f->in.cves = f->list[0];
	f->in.ncves = lines_of(f->buf[5], f->list[0], KC_ADV_LIST_MAX);
	f->in.products = f->list[1];
	f->in.nproducts = lines_of(f->buf[6], f->list[1], KC_ADV_LIST_MAX);
	f->in.fixed = f->list[2];
	f->in.nfixed = lines_of(f->buf[7], f->list[2], KC_ADV_LIST_MAX);
	f->in.recommendations = f->list[3];
	f->in.nrecommendations = lines_of(f->buf[8], f->list[3], KC_ADV_LIST_MAX);
	f->in.workarounds = f->list[4];
	f->in.nworkarounds = lines_of(f->buf[9], f->list[4], KC_ADV_LIST_MAX);
	f->in.refs = f->list[5];
	f->in.nrefs = lines_of(f->buf[10], f->list[5], KC_ADV_LIST_MAX);
	f->in.set_cves = f->buf[5] != NULL;
	f->in.set_products = f->buf[6] != NULL;
	f->in.set_fixed = f->in.nfixed > 0;
	f->in.set_remedies = f->buf[8] || f->buf[9];
	f->in.set_refs = f->buf[10] != NULL;
}

static void form_release(struct form *f)
{
	for (size_t i = 0; i < KC_ARRAY_LEN(f->buf); i++)
		free(f->buf[i]);
}

static void textarea(kc_req *r, const char *name, const char *label, int rows, const char *value)
{
	kc_buf_addf(&r->out, "<label for=\"%s\">%s</label><textarea id=\"%s\" name=\"%s\" rows=\"%d\" cols=\"80\">", name,
		    label, name, name, rows);
	kc_html(&r->out, value);
	kc_buf_adds(&r->out, "</textarea>");
}

/* The form to write (a == NULL), edit a draft, or update a published advisory. */
static void editor(kc_req *r, const kc_advisory *a)
{
	static const char *const tlps[] = { "CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED" };
	static const char *const sevs[] = { "lav", "moderat", "alvorlig", "kritisk" };
	kc_buf *b = &r->out, l;
	int update = a && !strcmp(a->status, "final");

	kc_buf_init(&l, 4u << 20);
	kc_buf_addf(b, "<h2>%s</h2><form method=\"post\" action=\"/advisories%s%s\"><input type=\"hidden\" name=\"csrf\" value=\"",
		    !a ? T("New advisory") : update ? T("Update (a new revision)") : T("Edit the draft"), a ? "/" : "",
		    a ? a->ident : "");
	kc_html(b, r->csrf);
	kc_buf_addf(b, "\"><label for=\"title\">%s</label><input id=\"title\" name=\"title\" size=\"70\" required value=\"",
		    T("Title"));
	kc_html(b, a ? a->title : "");
	kc_buf_adds(b, "\">");
	textarea(r, "summary", T("Summary"), 3, a ? a->summary : "");
	textarea(r, "body", T("Text (Markdown)"), 12, a ? a->body : "");
	kc_buf_addf(b, "<label for=\"tlp\">TLP</label><select id=\"tlp\" name=\"tlp\">");
	for (size_t i = 0; i < KC_ARRAY_LEN(tlps); i++)
		kc_buf_addf(b, "<option%s>%s</option>", a && !strcmp(kc_tlp_name(a->tlp), tlps[i]) ? " selected" : "",
			    tlps[i]);
	kc_buf_addf(b, "</select><label for=\"severity\">%s</label><select id=\"severity\" name=\"severity\">",
		    T("Severity"));
	for (size_t i = 0; i < KC_ARRAY_LEN(sevs); i++)
		kc_buf_addf(b, "<option%s>%s</option>",
			    (a ? !strcmp(a->severity, sevs[i]) : i == 1) ? " selected" : "", sevs[i]);
	kc_buf_adds(b, "</select>");
#define LIST(name, label, n, expr)                 \
	do {                                       \
		kc_buf_clear(&l);                  \
		for (size_t i = 0; a && i < (n); i++) \
			expr;                      \
		textarea(r, name, label, 3, kc_buf_str(&l)); \
	} while (0)
	LIST("cves", T("CVEs, one a line (CVE-ID or CVE-ID=SCORE=CVSS:3.1/...)"), a->ncves,
	     (kc_buf_adds(&l, a->cves[i].cve),
	      a->cves[i].cvss_vector ? kc_buf_addf(&l, "=%s=%s", a->cves[i].cvss_score, a->cves[i].cvss_vector) : 0,
	      kc_buf_addc(&l, '\n')));
	LIST("products", T("Affected products, one CPE 2.3 a line"), a->nproducts, kc_buf_addf(&l, "%s\n", a->products[i].cpe));
	LIST("fixed", T("Fixed versions, one CPE=VERSION a line"), a->nproducts,
	     (a->products[i].fixed ? kc_buf_addf(&l, "%s=%s\n", a->products[i].cpe, a->products[i].fixed) : 0));
	LIST("recommendations", T("Recommendations, one a line"), a->nremedies,
	     (!strcmp(a->remedies[i].category, "mitigation") ? kc_buf_addf(&l, "%s\n", a->remedies[i].text) : 0));
	LIST("workarounds", T("Workarounds, one a line"), a->nremedies,
	     (!strcmp(a->remedies[i].category, "workaround") ? kc_buf_addf(&l, "%s\n", a->remedies[i].text) : 0));
	LIST("references", T("References, one a line: URL and a summary"), a->nrefs,
	     kc_buf_addf(&l, "%s %s\n", a->refs[i].url, a->refs[i].summary));
#undef LIST
	if (update)
		kc_buf_addf(b, "<label for=\"revision\">%s</label><input id=\"revision\" name=\"revision\" size=\"70\" required>",
			    T("What changed (the revision's summary)"));
	kc_buf_addf(b, "<p><button type=\"submit\">%s</button></p></form>", !a ? T("Save the draft") : update ? T("Update") : T("Save"));
	if (a && !update) {
		kc_buf_addf(b, "<form method=\"post\" action=\"/advisories/%s/publish\"><input type=\"hidden\" name=\"csrf\" value=\"",
			    a->ident);
		kc_html(b, r->csrf);
		kc_buf_addf(b, "\"><button type=\"submit\">%s</button></form>", T("Publish"));
	}
	kc_buf_release(&l);
}

static void page_list(kc_req *r, const char *problem)
{
	kc_advisory *v;
	size_t n;
	kc_err err;
	char tm[KC_TIME_STRLEN];

	if (visible(r, is_cert(r), &v, &n, &err))
		return internal(r, &err);
	kc_ui_head(r, T("Advisories"));
	kc_buf_addf(&r->out, "<h1>%s</h1><p><a href=\"/advisories.atom\">Atom</a> · <a href=\"/.well-known/csaf/provider-metadata.json\">CSAF</a></p>",
		    T("Advisories"));
	if (problem) {
		kc_buf_adds(&r->out, "<p class=\"err\" role=\"alert\">");
		kc_html(&r->out, problem);
		kc_buf_adds(&r->out, "</p>");
	}
	kc_buf_addf(&r->out, "<table><thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">TLP</th>"
			     "<th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>",
		    T("Id"), T("Title"), T("Severity"), T("Updated"));
	for (size_t i = 0; i < n; i++) {
		kc_buf_addf(&r->out, "<tr><td><a href=\"/advisories/%s\">%s</a></td><td>", v[i].ident, v[i].ident);
		kc_html(&r->out, v[i].title);
		if (strcmp(v[i].status, "final"))
			kc_buf_addf(&r->out, " <em>(%s)</em>", T("draft"));
		kc_buf_adds(&r->out, "</td><td>");
		kc_ui_tlp_label(&r->out, v[i].tlp);
		kc_buf_addf(&r->out, "</td><td>%s</td><td>%s</td></tr>", v[i].severity,
			    kc_time_oslo(v[i].current_release[0] ? v[i].current_release : v[i].updated_at, tm));
	}
	kc_buf_adds(&r->out, "</tbody></table>");
	release_all(v, n);
	if (is_cert(r))
		editor(r, NULL);
	kc_ui_foot(r);
}

static void page_one(kc_req *r, const char *ident, const char *problem)
{
	kc_advisory a;
	kc_err err;
	int rc = kc_advisory_get(r->st, ident, &a, &err);

	if (rc == KC_ENOENT || rc == KC_EINVAL || (!rc && !may_see(r, a.status, a.tlp))) {
		if (!rc)
			kc_advisory_release(&a);
		r->status = 404;
		kc_ui_head(r, T("Not found"));
		kc_buf_addf(&r->out, "<h1>%s</h1>", T("Not found"));
		return kc_ui_foot(r);
	}
	if (rc)
		return internal(r, &err);
	kc_ui_head(r, a.title);
	if (problem) {
		kc_buf_adds(&r->out, "<p class=\"err\" role=\"alert\">");
		kc_html(&r->out, problem);
		kc_buf_adds(&r->out, "</p>");
	}
	kc_advisory_html_article(&a, r->lang, &r->out);
	if (!strcmp(a.status, "final")) {
		char path[200];

		kc_csaf_doc_path(&a, path, sizeof(path));
		kc_buf_addf(&r->out, "<p><a href=\"/.well-known/csaf/%s\">CSAF 2.0</a></p>", path);
	}
	if (is_cert(r))
		editor(r, &a);
	kc_advisory_release(&a);
	kc_ui_foot(r);
}

static void atom(kc_req *r)
{
	kc_csaf_conf c;
	kc_advisory *v;
	size_t n;
	kc_err err;

	if (visible(r, 0, &v, &n, &err))
		return internal(r, &err);
	kc_csaf_conf_load(r->st, &c);
	kc_advisory_atom(v, n, &c, &r->out);
	release_all(v, n);
	r->status = 200;
	r->content_type = "application/atom+xml; charset=utf-8";
}

static void post(kc_req *r, const char *ident, int publish)
{
	struct form f;
	kc_err err;
	int rc;

	if (!kc_ui_csrf_ok(r))
		return;
	if (!is_cert(r)) {
		r->status = 404;
		kc_ui_head(r, T("Not found"));
		kc_buf_addf(&r->out, "<h1>%s</h1>", T("Not found"));
		return kc_ui_foot(r);
	}
	kc_err_clear(&err);
	if (publish) {
		rc = kc_advisory_publish(r->st, r->user.name, ident, NULL, &err);
	} else {
		form_read(r, &f);
		if (!ident) {
			kc_advisory a;

			rc = kc_advisory_new(r->st, r->user.name, &f.in, &a, &err);
			if (!rc) {
				form_release(&f);
				snprintf(r->location, sizeof(r->location), "/advisories/%s", a.ident);
				return kc_resp_redirect(r, r->location);
			}
		} else {
			kc_adv_brief *b = NULL;
			kc_advisory cur;

			rc = kc_advisory_get(r->st, ident, &cur, &err);
			if (!rc) {
				if (strcmp(cur.status, "final"))
					rc = kc_advisory_edit(r->st, r->user.name, ident, &f.in, &err);
				else
					rc = kc_advisory_update(r->st, r->user.name, ident, &f.in, f.revision, &err);
				kc_advisory_release(&cur);
			}
			free(b);
		}
		form_release(&f);
	}
	if (rc) {
		r->status = rc == KC_ENOENT ? 404 : 400;
		if (ident)
			return page_one(r, ident, err.msg);
		return page_list(r, err.msg);
	}
	snprintf(r->location, sizeof(r->location), "/advisories/%s", ident);
	kc_resp_redirect(r, r->location);
}

int kc_ui_advisory_route(kc_req *r, const char *rest, int get, int post_)
{
	char ident[KC_ADV_ID_LEN + 1];
	size_t n;

	if (get && !strcmp(rest, ".atom"))
		return atom(r), 1;
	if (!*rest) {
		if (get)
			page_list(r, NULL);
		else if (post_)
			post(r, NULL, 0);
		else
			return 0;
		return 1;
	}
	if (rest[0] != '/')
		return 0;
	rest++;
	n = strcspn(rest, "/");
	if (!n || n >= sizeof(ident))
		return 0;
	memcpy(ident, rest, n);
	ident[n] = '\0';
	rest += n;
	if (get && !*rest)
		return page_one(r, ident, NULL), 1;
	if (post_ && !*rest)
		return post(r, ident, 0), 1;
	if (post_ && !strcmp(rest, "/publish"))
		return post(r, ident, 1), 1;
	return 0;
}

/* ---- API ---- */

static json_t *brief_json(const kc_advisory *a, const kc_csaf_conf *c)
{
	char path[200], url[600], page[600];

	kc_csaf_doc_path(a, path, sizeof(path));
	snprintf(url, sizeof(url), "%s/.well-known/csaf/%s", c->base_url, path);
	snprintf(page, sizeof(page), "%s/advisories/%s", c->base_url, a->ident);
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:i,s:s?,s:s?,s:s,s:s?}", "id", a->ident, "title", a->title, "summary",
			 a->summary, "tlp", kc_tlp_name(a->tlp), "severity", a->severity, "status", a->status, "version",
			 a->version, "initial_release", a->initial_release[0] ? a->initial_release : NULL,
			 "current_release", a->current_release[0] ? a->current_release : NULL, "url", page, "csaf",
			 strcmp(a->status, "final") ? NULL : url);
}

void kc_api_advisories(kc_req *r)
{
	kc_csaf_conf c;
	kc_advisory *v;
	size_t n;
	kc_err err;
	json_t *items = json_array();
	int rc = visible(r, is_cert(r), &v, &n, &err);

	if (rc) {
		json_decref(items);
		return kc_api_fail(r, rc, &err);
	}
	kc_csaf_conf_load(r->st, &c);
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, brief_json(&v[i], &c));
	release_all(v, n);
	kc_resp_json(r, 200, json_pack("{s:o}", "items", items));
}

void kc_api_advisory_show(kc_req *r)
{
	kc_csaf_conf c;
	kc_advisory a;
	kc_err err;
	json_t *o, *arr;
	int rc = kc_advisory_get(r->st, r->params[0], &a, &err);

	if (!rc && !may_see(r, a.status, a.tlp)) {
		kc_advisory_release(&a);
		rc = kc_err_set(&err, KC_ENOENT, kc_req_tr(r, "no such advisory"));
	}
	if (rc)
		return kc_api_fail(r, rc == KC_EINVAL ? KC_ENOENT : rc, &err);
	kc_csaf_conf_load(r->st, &c);
	o = brief_json(&a, &c);
	json_object_set_new(o, "body", json_string(a.body));
	arr = json_array();
	for (size_t i = 0; i < a.ncves; i++)
		json_array_append_new(arr, json_pack("{s:s,s:s?,s:s?}", "cve", a.cves[i].cve, "cvss_vector",
						     a.cves[i].cvss_vector, "cvss_score", a.cves[i].cvss_score));
	json_object_set_new(o, "cves", arr);
	arr = json_array();
	for (size_t i = 0; i < a.nproducts; i++)
		json_array_append_new(arr, json_pack("{s:s,s:s?}", "cpe", a.products[i].cpe, "fixed", a.products[i].fixed));
	json_object_set_new(o, "products", arr);
	arr = json_array();
	for (size_t i = 0; i < a.nremedies; i++)
		json_array_append_new(arr, json_pack("{s:s,s:s}", "category", a.remedies[i].category, "text", a.remedies[i].text));
	json_object_set_new(o, "remediations", arr);
	arr = json_array();
	for (size_t i = 0; i < a.nrefs; i++)
		json_array_append_new(arr, json_pack("{s:s,s:s}", "url", a.refs[i].url, "summary", a.refs[i].summary));
	json_object_set_new(o, "references", arr);
	arr = json_array();
	for (size_t i = 0; i < a.nrevs; i++)
		json_array_append_new(arr, json_pack("{s:i,s:s,s:s}", "number", a.revs[i].number, "date", a.revs[i].date,
						     "summary", a.revs[i].summary));
	json_object_set_new(o, "revision_history", arr);
	kc_advisory_release(&a);
	kc_resp_json(r, 200, o);
}
