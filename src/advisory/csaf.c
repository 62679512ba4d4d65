/*
 * csaf.c - CSAF 2.0 documents and the provider's distribution files; see
 * csaf.h. JSON through jansson; hashes through OpenSSL.
 */
#include "advisory/csaf.h"

#include <ctype.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/time.h"
#include "base/kc.h"

#define TLP_URL "https://www.first.org/tlp/"
#define CSAF_SCHEMA_URL "https://docs.oasis-open.org/csaf/csaf/v2.0/csaf_json_schema.json"

static void conf_value(kc_store *st, const char *key, const char *env, const char *def, char *out, size_t cap)
{
	char *v = NULL;
	kc_err e;
	const char *ev = env ? getenv(env) : NULL;

	if (st && kc_store_setting_get(st, key, &v, &e) == KC_OK && v && *v)
		snprintf(out, cap, "%s", v);
	else if (ev && *ev)
		snprintf(out, cap, "%s", ev);
	else
		snprintf(out, cap, "%s", def ? def : "");
	free(v);
}

void kc_csaf_conf_load(kc_store *st, kc_csaf_conf *c)
{
	const char *mail = getenv("KCERT_MAIL_FROM");
	size_t n;

	memset(c, 0, sizeof(*c));
	conf_value(st, "csaf.base_url", "KCERT_BASE_URL", "http://127.0.0.1:8080", c->base_url, sizeof(c->base_url));
	n = strlen(c->base_url);
	while (n && c->base_url[n - 1] == '/')
		c->base_url[--n] = '\0';
	conf_value(st, "csaf.publisher_name", "KCERT_CSAF_PUBLISHER", "KommuneCERT", c->name, sizeof(c->name));
	conf_value(st, "csaf.namespace", "KCERT_CSAF_NAMESPACE", c->base_url, c->namespace_, sizeof(c->namespace_));
	conf_value(st, "csaf.contact", "KCERT_CSAF_CONTACT", mail && *mail ? mail : "kommunecert@localhost", c->contact,
		   sizeof(c->contact));
	conf_value(st, "csaf.policy_url", "KCERT_CSAF_POLICY_URL", NULL, c->policy_url, sizeof(c->policy_url));
	if (!c->policy_url[0])
		snprintf(c->policy_url, sizeof(c->policy_url), "%s/advisories", c->base_url);
	conf_value(st, "csaf.sign_command", "KCERT_CSAF_SIGN_CMD", NULL, c->sign_cmd, sizeof(c->sign_cmd));
	conf_value(st, "csaf.openpgp_fingerprint", "KCERT_CSAF_OPENPGP_FINGERPRINT", NULL, c->pgp_fingerprint,
		   sizeof(c->pgp_fingerprint));
	conf_value(st, "csaf.openpgp_url", "KCERT_CSAF_OPENPGP_URL", NULL, c->pgp_url, sizeof(c->pgp_url));
}

const char *kc_csaf_tlp_folder(kc_tlp t)
{
	switch (t) {
	case KC_TLP_CLEAR: return "white";
	case KC_TLP_GREEN: return "green";
	case KC_TLP_AMBER:
	case KC_TLP_AMBER_STRICT: return "amber";
	default: return "red";
	}
}

const char *kc_csaf_tlp_label(kc_tlp t)
{
	switch (t) {
	case KC_TLP_CLEAR: return "WHITE";
	case KC_TLP_GREEN: return "GREEN";
	case KC_TLP_AMBER:
	case KC_TLP_AMBER_STRICT: return "AMBER";
	default: return "RED";
	}
}

static const char *release_of(const kc_advisory *a)
{
	return a->initial_release[0] ? a->initial_release : a->created_at;
}

static const char *current_of(const kc_advisory *a)
{
	return a->current_release[0] ? a->current_release : a->updated_at;
}

void kc_csaf_doc_path(const kc_advisory *a, char *out, size_t cap)
{
	char lower[KC_ADV_ID_LEN];
	size_t i;

	for (i = 0; a->ident[i] && i + 1 < sizeof(lower); i++)
		lower[i] = (char)tolower((unsigned char)a->ident[i]);
	lower[i] = '\0';
	snprintf(out, cap, "%s/%.4s/%s.json", kc_csaf_tlp_folder(a->tlp), release_of(a), lower);
}

/* A CPE field as people read it: escapes removed, '_' as a space kept. */
static void cpe_unescape(const char *f, char *out, size_t cap)
{
	size_t k = 0;

	for (; *f && k + 1 < cap; f++) {
		if (*f == '\\' && f[1])
			f++;
		out[k++] = *f;
	}
	out[k] = '\0';
}

/* The CPE with its version field replaced. */
static void cpe_with_version(const char *cpe, const char *version, char *out, size_t cap)
{
	int field = 0;
	size_t k = 0;
	const char *p;

	for (p = cpe; *p && k + 1 < cap; p++) {
		if (*p == '\\' && p[1]) {
			if (field != 5) {
				out[k++] = *p;
				if (k + 1 < cap)
					out[k++] = p[1];
			}
			p++;
			continue;
		}
		if (*p == ':') {
			field++;
			out[k++] = ':';
			if (field == 5)
				for (const char *v = version; *v && k + 1 < cap; v++)
					out[k++] = *v;
			continue;
		}
		if (field != 5)
			out[k++] = *p;
	}
	out[k] = '\0';
}

struct prod {
	kc_cpe_names nm;
	const kc_adv_product *p;
	char affected_id[32], fixed_id[32];
};

static int cmp_prod(const void *x, const void *y)
{
	const struct prod *a = x, *b = y;
	int c = strcmp(a->nm.vendor, b->nm.vendor);

	if (!c)
		c = strcmp(a->nm.product, b->nm.product);
	return c ? c : strcmp(a->p->cpe, b->p->cpe);
}

static json_t *product_leaf(const char *category, const char *name, const char *full, const char *id, const char *cpe)
{
	return json_pack("{s:s,s:s,s:{s:s,s:s,s:{s:s}}}", "category", category, "name", name, "product", "name", full,
			 "product_id", id, "product_identification_helper", "cpe", cpe);
}

static json_t *product_tree(struct prod *v, size_t n)
{
	json_t *vendors = json_array(), *vb = NULL, *pb = NULL;
	const char *lv = NULL, *lp = NULL;

	for (size_t i = 0; i < n; i++) {
		char vendor[128], product[128], version[128], full[420], name[160], cpe[600];

		cpe_unescape(v[i].nm.vendor, vendor, sizeof(vendor));
		cpe_unescape(v[i].nm.product, product, sizeof(product));
		cpe_unescape(v[i].nm.version, version, sizeof(version));
		if (!lv || strcmp(lv, v[i].nm.vendor)) {
			vb = json_pack("{s:s,s:s,s:[]}", "category", "vendor", "name", vendor, "branches");
			json_array_append_new(vendors, vb);
			lv = v[i].nm.vendor;
			lp = NULL;
		}
		if (!lp || strcmp(lp, v[i].nm.product)) {
			pb = json_pack("{s:s,s:s,s:[]}", "category", "product_name", "name", product, "branches");
			json_array_append_new(json_object_get(vb, "branches"), pb);
			lp = v[i].nm.product;
		}
		if (strcmp(version, "*") && strcmp(version, "-")) {
			snprintf(full, sizeof(full), "%s %s %s", vendor, product, version);
			json_array_append_new(json_object_get(pb, "branches"),
					      product_leaf("product_version", version, full, v[i].affected_id, v[i].p->cpe));
		} else {
			if (v[i].p->fixed)
				snprintf(name, sizeof(name), "vers:generic/<%s", v[i].p->fixed);
			else
				snprintf(name, sizeof(name), "vers:all/*");
			snprintf(full, sizeof(full), "%s %s %s", vendor, product, v[i].p->fixed ? name + 13 : "*");
			json_array_append_new(json_object_get(pb, "branches"),
					      product_leaf("product_version_range", name, full, v[i].affected_id, v[i].p->cpe));
		}
		if (v[i].p->fixed) {
			snprintf(full, sizeof(full), "%s %s %s", vendor, product, v[i].p->fixed);
			cpe_with_version(v[i].p->cpe, v[i].p->fixed, cpe, sizeof(cpe));
			json_array_append_new(json_object_get(pb, "branches"),
					      product_leaf("product_version", v[i].p->fixed, full, v[i].fixed_id, cpe));
		}
	}
	return json_pack("{s:o}", "branches", vendors);
}

static json_t *note(const char *category, const char *title, const char *text)
{
	return json_pack("{s:s,s:s,s:s}", "category", category, "title", title, "text", text);
}

static json_t *str_array_of(struct prod *v, size_t n, int fixed)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		if (!fixed || v[i].p->fixed)
			json_array_append_new(a, json_string(fixed ? v[i].fixed_id : v[i].affected_id));
	return a;
}

static json_t *vulnerability(const kc_advisory *a, const kc_adv_cve *cve, struct prod *v, size_t n)
{
	kc_lang nb = KC_LANG_NB;
	json_t *vul = json_object(), *status = json_object(), *rem = json_array(), *fixed = str_array_of(v, n, 1);

	if (cve)
		json_object_set_new(vul, "cve", json_string(cve->cve));
	else
		json_object_set_new(vul, "title", json_string(a->title));
	json_object_set_new(vul, "notes",
			    json_pack("[o]", note("description", kc_tr_lang(nb, "Description"),
						  *a->summary ? a->summary : a->title)));
	json_object_set_new(status, "known_affected", str_array_of(v, n, 0));
	if (json_array_size(fixed))
		json_object_set_new(status, "fixed", fixed);
	else
		json_decref(fixed);
	json_object_set_new(vul, "product_status", status);
	for (size_t i = 0; i < n; i++) {
		char details[300];

		if (!v[i].p->fixed)
			continue;
		snprintf(details, sizeof(details), kc_tr_lang(nb, "Update to version %s or later."), v[i].p->fixed);
		json_array_append_new(rem, json_pack("{s:s,s:s,s:[s]}", "category", "vendor_fix", "details", details,
						     "product_ids", v[i].affected_id));
	}
	for (size_t i = 0; i < a->nremedies; i++)
		json_array_append_new(rem, json_pack("{s:s,s:s,s:o}", "category", a->remedies[i].category, "details",
						     a->remedies[i].text, "product_ids", str_array_of(v, n, 0)));
	if (json_array_size(rem))
		json_object_set_new(vul, "remediations", rem);
	else
		json_decref(rem);
	if (cve && cve->cvss_vector && cve->cvss_score) {
		double score = 0;
		const char *sev = kc_cvss3_severity_of(cve->cvss_score, &score);

		if (sev)
			json_object_set_new(vul, "scores",
					    json_pack("[{s:{s:s,s:s,s:f,s:s},s:o}]", "cvss_v3", "version", "3.1",
						      "vectorString", cve->cvss_vector, "baseScore", score, "baseSeverity",
						      sev, "products", str_array_of(v, n, 0)));
	}
	return vul;
}

int kc_csaf_document(const kc_advisory *a, const kc_csaf_conf *c, kc_buf *out, kc_err *err)
{
	kc_lang nb = KC_LANG_NB;
	struct prod *v;
	json_t *doc, *notes, *refs, *hist, *vulns;
	char path[200], url[600], page[600], dist[200];
	char *text;
	int draft = strcmp(a->status, "final") != 0, rc = 0;

	if (!a->nproducts)
		return kc_err_set(err, KC_EINVAL, _("%s names no affected product: a CSAF security advisory needs one"),
				  a->ident);
	v = calloc(a->nproducts, sizeof(*v));
	if (!v)
		return kc_err_set(err, KC_ENOMEM, "%s", kc_strerror(KC_ENOMEM));
	for (size_t i = 0; i < a->nproducts && !rc; i++) {
		v[i].p = &a->products[i];
		rc = kc_cpe_names_parse(a->products[i].cpe, &v[i].nm, err);
	}
	if (rc) {
		free(v);
		return rc;
	}
	qsort(v, a->nproducts, sizeof(*v), cmp_prod);
	for (size_t i = 0; i < a->nproducts; i++) {
		snprintf(v[i].affected_id, sizeof(v[i].affected_id), "CSAFPID-%04zu", 2 * i + 1);
		snprintf(v[i].fixed_id, sizeof(v[i].fixed_id), "CSAFPID-%04zu", 2 * i + 2);
	}
	kc_csaf_doc_path(a, path, sizeof(path));
	snprintf(url, sizeof(url), "%s/.well-known/csaf/%s", c->base_url, path);
	snprintf(page, sizeof(page), "%s/advisories/%s", c->base_url, a->ident);
	notes = json_array();
	if (*a->summary)
		json_array_append_new(notes, note("summary", kc_tr_lang(nb, "Summary"), a->summary));
	json_array_append_new(notes, note(*a->summary ? "description" : "summary", kc_tr_lang(nb, "Advisory"),
					  *a->body ? a->body : a->title));
	if (a->title_en || a->summary_en)
		json_array_append_new(notes, note("summary", "Summary (English)",
						  a->summary_en && *a->summary_en ? a->summary_en : a->title_en));
	if (a->body_en && *a->body_en)
		json_array_append_new(notes, note("description", "Advisory (English)", a->body_en));
	refs = json_pack("[{s:s,s:s,s:s},{s:s,s:s,s:s}]", "category", "self", "summary",
			 kc_tr_lang(nb, "This document in CSAF format"), "url", url, "category", "self", "summary",
			 kc_tr_lang(nb, "This advisory on KommuneCERT's web pages"), "url", page);
	for (size_t i = 0; i < a->nrefs; i++)
		json_array_append_new(refs, json_pack("{s:s,s:s,s:s}", "category", "external", "summary", a->refs[i].summary,
						      "url", a->refs[i].url));
	hist = json_array();
	if (draft) {
		json_array_append_new(hist, json_pack("{s:s,s:s,s:s}", "date", a->updated_at, "number", "0", "summary",
						      kc_tr_lang(nb, "Draft, not published.")));
	}
	for (size_t i = 0; i < a->nrevs; i++) {
		char num[16];

		snprintf(num, sizeof(num), "%d", a->revs[i].number);
		json_array_append_new(hist, json_pack("{s:s,s:s,s:s}", "date", a->revs[i].date, "number", num, "summary",
						      a->revs[i].summary));
	}
	vulns = json_array();
	for (size_t i = 0; i < a->ncves; i++)
		json_array_append_new(vulns, vulnerability(a, &a->cves[i], v, a->nproducts));
	if (!a->ncves)
		json_array_append_new(vulns, vulnerability(a, NULL, v, a->nproducts));
	snprintf(dist, sizeof(dist), "TLP:%s", kc_tlp_name(a->tlp));
	{
		char version[16];

		snprintf(version, sizeof(version), "%d", draft ? 0 : a->version);
		doc = json_pack(
			"{s:{s:s,s:s,s:s,s:s,s:{s:s,s:s,s:s,s:s,s:s},s:{s:s,s:{s:s,s:s}},s:{s:s},s:o,s:o,"
			"s:{s:s,s:s,s:s,s:o,s:s,s:s,s:{s:{s:s,s:s},s:s}}},s:o,s:o}",
			"document", "category", "csaf_security_advisory", "csaf_version", "2.0", "title", a->title, "lang",
			"nb", "publisher", "category", "coordinator", "name", c->name, "namespace", c->namespace_,
			"contact_details", c->contact, "issuing_authority",
			kc_tr_lang(nb, "KommuneCERT, the sectoral CERT of Norway's municipalities"), "distribution", "text",
			dist, "tlp", "label", kc_csaf_tlp_label(a->tlp), "url", TLP_URL, "aggregate_severity", "text",
			a->severity, "notes", notes, "references", refs, "tracking", "id", a->ident, "status",
			draft ? "draft" : "final", "version", version, "revision_history", hist, "initial_release_date",
			release_of(a), "current_release_date", current_of(a), "generator", "engine", "name", "kcert",
			"version", KCERT_VERSION, "date", current_of(a), "product_tree", product_tree(v, a->nproducts),
			"vulnerabilities", vulns);
	}
	free(v);
	if (!doc)
		return kc_err_set(err, KC_EINTERNAL, _("could not build the CSAF document of %s"), a->ident);
	text = json_dumps(doc, JSON_INDENT(2) | JSON_REAL_PRECISION(4));
	json_decref(doc);
	if (!text)
		return kc_err_set(err, KC_ENOMEM, "%s", kc_strerror(KC_ENOMEM));
	rc = kc_buf_adds(out, text);
	if (!rc)
		rc = kc_buf_addc(out, '\n');
	free(text);
	return rc ? kc_err_set(err, rc, "%s", kc_strerror(rc)) : 0;
}

int kc_csaf_digest(const char *algo, const char *data, size_t len, char *out)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	const EVP_MD *type = !strcmp(algo, "sha512") ? EVP_sha512() : !strcmp(algo, "sha256") ? EVP_sha256() : NULL;

	if (!type || !EVP_Digest(data, len, md, &n, type, NULL))
		return KC_EINVAL;
	for (unsigned int i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	return 0;
}

int kc_csaf_sign(const kc_csaf_conf *c, const char *data, size_t len, char **sig, kc_err *err)
{
	char tmpl[] = "/tmp/kcert-csaf-XXXXXX", cmd[700];
	kc_buf b;
	FILE *p;
	int fd, rc = 0, status;
	char chunk[4096];
	size_t got;

	*sig = NULL;
	if (!c->sign_cmd[0])
		return kc_err_set(err, KC_ENOENT, _("no signing command is configured"));
	fd = mkstemp(tmpl);
	if (fd < 0)
		return kc_err_set(err, KC_EIO, _("cannot make a temporary file to sign"));
	if (write(fd, data, len) != (ssize_t)len) {
		close(fd);
		unlink(tmpl);
		return kc_err_set(err, KC_EIO, _("cannot write the temporary file to sign"));
	}
	close(fd);
	snprintf(cmd, sizeof(cmd), "%s < %s", c->sign_cmd, tmpl);
	p = popen(cmd, "r");
	if (!p) {
		unlink(tmpl);
		return kc_err_set(err, KC_EIO, _("cannot run the signing command"));
	}
	kc_buf_init(&b, 1u << 20);
	while ((got = fread(chunk, 1, sizeof(chunk), p)) > 0 && !rc)
		rc = kc_buf_add(&b, chunk, got);
	status = pclose(p);
	unlink(tmpl);
	if (rc || status != 0 || !b.len || !strstr(kc_buf_str(&b), "-----BEGIN PGP SIGNATURE-----")) {
		kc_buf_release(&b);
		return kc_err_set(err, KC_EIO, _("the signing command failed or wrote no armored signature"));
	}
	*sig = kc_buf_detach(&b, NULL);
	return *sig ? 0 : kc_err_set(err, KC_ENOMEM, "%s", kc_strerror(KC_ENOMEM));
}

static void json_out(json_t *j, kc_buf *out)
{
	char *s = json_dumps(j, JSON_INDENT(2));

	json_decref(j);
	if (s) {
		kc_buf_adds(out, s);
		kc_buf_addc(out, '\n');
	}
	free(s);
}

void kc_csaf_provider_metadata(const kc_csaf_conf *c, const char *last_updated, kc_buf *out)
{
	static const kc_tlp tlps[] = { KC_TLP_CLEAR, KC_TLP_GREEN, KC_TLP_AMBER, KC_TLP_RED };
	json_t *dists = json_array(), *m;
	char canonical[400], now[KC_TIME_STRLEN];

	for (size_t i = 0; i < KC_ARRAY_LEN(tlps); i++) {
		const char *f = kc_csaf_tlp_folder(tlps[i]);
		char dir[400], feed[500], summary[100];

		snprintf(dir, sizeof(dir), "%s/.well-known/csaf/%s/", c->base_url, f);
		snprintf(feed, sizeof(feed), "%s/.well-known/csaf/%s/kommunecert-csaf-feed-tlp-%s.json", c->base_url, f, f);
		snprintf(summary, sizeof(summary), "KommuneCERT CSAF TLP:%s", kc_csaf_tlp_label(tlps[i]));
		json_array_append_new(dists, json_pack("{s:s,s:{s:[{s:s,s:s,s:s}]}}", "directory_url", dir, "rolie", "feeds",
						       "summary", summary, "tlp_label", kc_csaf_tlp_label(tlps[i]), "url",
						       feed));
	}
	snprintf(canonical, sizeof(canonical), "%s/.well-known/csaf/provider-metadata.json", c->base_url);
	m = json_pack("{s:s,s:o,s:s,s:b,s:s,s:b,s:{s:s,s:s,s:s,s:s},s:s}", "canonical_url", canonical, "distributions",
		      dists, "last_updated", last_updated && *last_updated ? last_updated : kc_time_now_iso(now),
		      "list_on_CSAF_aggregators", 1, "metadata_version", "2.0", "mirror_on_CSAF_aggregators", 1,
		      "publisher", "category", "coordinator", "name", c->name, "namespace", c->namespace_,
		      "contact_details", c->contact, "role", "csaf_provider");
	if (c->pgp_fingerprint[0] || c->pgp_url[0]) {
		json_t *k = json_object();

		if (c->pgp_fingerprint[0])
			json_object_set_new(k, "fingerprint", json_string(c->pgp_fingerprint));
		json_object_set_new(k, "url", json_string(c->pgp_url[0] ? c->pgp_url : canonical));
		json_object_set_new(m, "public_openpgp_keys", json_pack("[o]", k));
	}
	json_out(m, out);
}

void kc_csaf_rolie_feed(const kc_advisory *v, size_t n, kc_tlp folder, const kc_csaf_conf *c, const char *updated,
			kc_buf *out)
{
	const char *f = kc_csaf_tlp_folder(folder);
	json_t *entries = json_array();
	char self[500], id[100], title[200], now[KC_TIME_STRLEN];

	for (size_t i = 0; i < n; i++) {
		char path[200], url[600], hash[620];

		kc_csaf_doc_path(&v[i], path, sizeof(path));
		snprintf(url, sizeof(url), "%s/.well-known/csaf/%s", c->base_url, path);
		snprintf(hash, sizeof(hash), "%s.sha512", url);
		json_array_append_new(entries,
				      json_pack("{s:s,s:s,s:[{s:s,s:s},{s:s,s:s}],s:s,s:s,s:{s:s},s:{s:s,s:s},s:{s:s,s:s}}",
						"id", v[i].ident, "title", v[i].title, "link", "rel", "self", "href", url,
						"rel", "hash", "href", hash, "published", release_of(&v[i]), "updated",
						current_of(&v[i]), "summary", "content", *v[i].summary ? v[i].summary : v[i].title,
						"content", "type", "application/json", "src", url, "format", "schema",
						CSAF_SCHEMA_URL, "version", "2.0"));
	}
	snprintf(self, sizeof(self), "%s/.well-known/csaf/%s/kommunecert-csaf-feed-tlp-%s.json", c->base_url, f, f);
	snprintf(id, sizeof(id), "kommunecert-csaf-feed-tlp-%s", f);
	snprintf(title, sizeof(title), "KommuneCERT CSAF feed (TLP:%s)", kc_csaf_tlp_label(folder));
	json_out(json_pack("{s:{s:s,s:s,s:[{s:s,s:s}],s:[{s:s,s:s}],s:s,s:o}}", "feed", "id", id, "title", title, "link",
			   "rel", "self", "href", self, "category", "scheme", "urn:ietf:params:rolie:category:information-type",
			   "term", "csaf", "updated", updated && *updated ? updated : kc_time_now_iso(now), "entry", entries),
		 out);
}

void kc_csaf_security_txt(const kc_csaf_conf *c, kc_buf *out)
{
	char exp[KC_TIME_STRLEN];

	kc_time_iso(kc_now() + 365 * 86400, exp);
	kc_buf_addf(out,
		    "# KommuneCERT, the sectoral CERT of Norway's municipalities\n"
		    "Contact: mailto:%s\n"
		    "Expires: %s\n"
		    "Preferred-Languages: nb, nn, en\n"
		    "Canonical: %s/.well-known/security.txt\n"
		    "Policy: %s\n"
		    "CSAF: %s/.well-known/csaf/provider-metadata.json\n",
		    c->contact, exp, c->base_url, c->policy_url, c->base_url);
	if (c->pgp_url[0])
		kc_buf_addf(out, "Encryption: %s\n", c->pgp_url);
}
