/*
 * render.c - advisories for people: Markdown through cmark (safe mode), the
 * HTML article and page, and the Atom feed (RFC 4287); see csaf.h.
 */
#include <cmark.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advisory/csaf.h"
#include "base/time.h"
#include "base/kc.h"

static void esc(kc_buf *b, const char *s)
{
	kc_buf_html(b, s);
}

int kc_markdown_html(const char *md, kc_buf *out)
{
	/* cmark 0.29 and later are safe unless CMARK_OPT_UNSAFE: raw HTML
	 * becomes a comment, and links and images to javascript:, vbscript:,
	 * file: and data: (other than image/png, gif, jpeg, webp) are emptied. */
	char *html = cmark_markdown_to_html(md ? md : "", md ? strlen(md) : 0,
					    CMARK_OPT_DEFAULT | CMARK_OPT_SAFE | CMARK_OPT_VALIDATE_UTF8);
	int rc;

	if (!html)
		return KC_ENOMEM;
	rc = kc_buf_adds(out, html);
	free(html);
	return rc;
}

#define T(s) kc_tr_lang(l, s)

void kc_advisory_html_article(const kc_advisory *a, kc_lang l, kc_buf *b)
{
	int en = l == KC_LANG_EN && a->title_en;
	const char *title = en ? a->title_en : a->title;
	const char *summary = en && a->summary_en ? a->summary_en : a->summary;
	const char *body = en && a->body_en ? a->body_en : a->body;
	char tm[KC_TIME_STRLEN];

	kc_buf_adds(b, "<article class=\"advisory\"><h1>");
	esc(b, a->ident);
	kc_buf_adds(b, ": ");
	esc(b, title);
	kc_buf_adds(b, "</h1><dl class=\"meta\">");
	kc_buf_addf(b, "<dt>TLP</dt><dd class=\"tlp\">TLP:%s</dd>", kc_tlp_name(a->tlp));
	kc_buf_addf(b, "<dt>%s</dt><dd class=\"severity\">", T("Severity"));
	esc(b, a->severity);
	kc_buf_addf(b, "</dd><dt>%s</dt><dd class=\"status\">%s</dd>", T("Status"),
		    strcmp(a->status, "final") ? T("draft") : T("published"));
	if (a->initial_release[0])
		kc_buf_addf(b, "<dt>%s</dt><dd><time datetime=\"%s\">%s</time></dd>", T("Published"), a->initial_release,
			    kc_time_oslo(a->initial_release, tm));
	if (a->version > 1)
		kc_buf_addf(b, "<dt>%s</dt><dd><time datetime=\"%s\">%s</time> (%s %d)</dd>", T("Updated"),
			    a->current_release, kc_time_oslo(a->current_release, tm), T("revision"), a->version);
	if (a->ncves) {
		kc_buf_addf(b, "<dt>CVE</dt><dd>");
		for (size_t i = 0; i < a->ncves; i++) {
			kc_buf_adds(b, i ? ", " : "");
			esc(b, a->cves[i].cve);
			if (a->cves[i].cvss_score) {
				kc_buf_adds(b, " (CVSS ");
				esc(b, a->cves[i].cvss_score);
				kc_buf_adds(b, ")");
			}
		}
		kc_buf_adds(b, "</dd>");
	}
	kc_buf_adds(b, "</dl>");
	if (*summary) {
		kc_buf_adds(b, "<p class=\"summary\"><strong>");
		esc(b, summary);
		kc_buf_adds(b, "</strong></p>");
	}
	kc_buf_adds(b, "<div class=\"body\">");
	kc_markdown_html(body, b);
	kc_buf_adds(b, "</div>");
	if (a->nproducts) {
		kc_buf_addf(b, "<h2>%s</h2><table><thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>",
			    T("Affected products"), T("Product (CPE)"), T("Fixed in"));
		for (size_t i = 0; i < a->nproducts; i++) {
			kc_buf_adds(b, "<tr><td><code>");
			esc(b, a->products[i].cpe);
			kc_buf_adds(b, "</code></td><td>");
			esc(b, a->products[i].fixed ? a->products[i].fixed : "");
			kc_buf_adds(b, "</td></tr>");
		}
		kc_buf_adds(b, "</tbody></table>");
	}
	for (int w = 0; w < 2; w++) {
		const char *cat = w ? "workaround" : "mitigation";
		int any = 0;

		for (size_t i = 0; i < a->nremedies; i++) {
			if (strcmp(a->remedies[i].category, cat))
				continue;
			if (!any++)
				kc_buf_addf(b, "<h2>%s</h2><ul>", w ? T("Workarounds") : T("Recommendations"));
			kc_buf_adds(b, "<li>");
			esc(b, a->remedies[i].text);
			kc_buf_adds(b, "</li>");
		}
		if (any)
			kc_buf_adds(b, "</ul>");
	}
	if (a->nrefs) {
		kc_buf_addf(b, "<h2>%s</h2><ul>", T("References"));
		for (size_t i = 0; i < a->nrefs; i++) {
			kc_buf_adds(b, "<li><a href=\"");
			esc(b, a->refs[i].url);
			kc_buf_adds(b, "\" rel=\"noopener noreferrer\">");
			esc(b, a->refs[i].summary);
			kc_buf_adds(b, "</a></li>");
		}
		kc_buf_adds(b, "</ul>");
	}
	if (a->nrevs) {
		kc_buf_addf(b, "<h2>%s</h2><table><thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
			       "<th scope=\"col\">%s</th></tr></thead><tbody>",
			    T("Revision history"), T("Revision"), T("Date"), T("Summary"));
		for (size_t i = 0; i < a->nrevs; i++) {
			kc_buf_addf(b, "<tr><td>%d</td><td><time datetime=\"%s\">%s</time></td><td>", a->revs[i].number,
				    a->revs[i].date, kc_time_oslo(a->revs[i].date, tm));
			esc(b, a->revs[i].summary);
			kc_buf_adds(b, "</td></tr>");
		}
		kc_buf_adds(b, "</tbody></table>");
	}
	kc_buf_adds(b, "</article>");
}

void kc_advisory_html_page(const kc_advisory *a, const kc_csaf_conf *c, kc_lang l, kc_buf *b)
{
	char path[200];

	kc_csaf_doc_path(a, path, sizeof(path));
	kc_buf_addf(b, "<!doctype html><html lang=\"%s\"><head><meta charset=\"utf-8\">"
		       "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>",
		    kc_lang_code(l));
	esc(b, a->ident);
	kc_buf_adds(b, ": ");
	esc(b, l == KC_LANG_EN && a->title_en ? a->title_en : a->title);
	kc_buf_adds(b, " – ");
	esc(b, c->name);
	kc_buf_adds(b, "</title><link rel=\"alternate\" type=\"application/json\" href=\"");
	esc(b, c->base_url);
	kc_buf_adds(b, "/.well-known/csaf/");
	esc(b, path);
	kc_buf_adds(b, "\"></head><body>");
	kc_advisory_html_article(a, l, b);
	kc_buf_adds(b, "</body></html>\n");
}

void kc_advisory_atom(const kc_advisory *v, size_t n, const kc_csaf_conf *c, kc_buf *b)
{
	char now[KC_TIME_STRLEN];
	const char *updated = n ? (v[0].current_release[0] ? v[0].current_release : v[0].updated_at)
				: kc_time_now_iso(now);

	kc_buf_adds(b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"nb\">\n");
	kc_buf_adds(b, "<title>");
	esc(b, c->name);
	kc_buf_addf(b, ": %s</title>\n<id>", kc_tr_lang(KC_LANG_NB, "Advisories"));
	esc(b, c->base_url);
	kc_buf_adds(b, "/advisories.atom</id>\n<link rel=\"self\" type=\"application/atom+xml\" href=\"");
	esc(b, c->base_url);
	kc_buf_adds(b, "/advisories.atom\"/>\n<link rel=\"alternate\" type=\"text/html\" href=\"");
	esc(b, c->base_url);
	kc_buf_addf(b, "/advisories\"/>\n<updated>%s</updated>\n<author><name>", updated);
	esc(b, c->name);
	kc_buf_adds(b, "</name></author>\n");
	for (size_t i = 0; i < n; i++) {
		const kc_advisory *a = &v[i];
		kc_buf html;

		kc_buf_adds(b, "<entry>\n<id>");
		esc(b, c->base_url);
		kc_buf_addf(b, "/advisories/%s</id>\n<title>", a->ident);
		esc(b, a->ident);
		kc_buf_adds(b, ": ");
		esc(b, a->title);
		kc_buf_adds(b, "</title>\n<link rel=\"alternate\" type=\"text/html\" href=\"");
		esc(b, c->base_url);
		kc_buf_addf(b, "/advisories/%s\"/>\n<published>%s</published>\n<updated>%s</updated>\n", a->ident,
			    a->initial_release[0] ? a->initial_release : a->created_at,
			    a->current_release[0] ? a->current_release : a->updated_at);
		kc_buf_addf(b, "<category term=\"TLP:%s\"/>\n<category term=\"", kc_tlp_name(a->tlp));
		esc(b, a->severity);
		kc_buf_adds(b, "\"/>\n<summary>");
		esc(b, *a->summary ? a->summary : a->title);
		kc_buf_adds(b, "</summary>\n<content type=\"html\">");
		kc_buf_init(&html, KC_ADV_BODY_MAX * 4);
		kc_markdown_html(a->body, &html);
		esc(b, kc_buf_str(&html));
		kc_buf_release(&html);
		kc_buf_adds(b, "</content>\n</entry>\n");
	}
	kc_buf_adds(b, "</feed>\n");
}
