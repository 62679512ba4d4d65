/*
 * kev.c - CISA KEV entries into the store, the notices a new KEV entry sends
 * to the organisations running the product, and reading a CVE back.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "audit/audit.h"
#include "base/banned.h"
#include "base/i18n.h"
#include "base/time.h"
#include "notify/compose.h"
#include "notify/outbox.h"
#include "vuln/exposure.h"
#include "vuln/internal.h"

static int is_date(const char *s)
{
	static const char pat[] = "dddd-dd-dd";

	if (!s || strlen(s) != 10)
		return 0;
	for (int i = 0; i < 10; i++)
		if (pat[i] == 'd' ? !isdigit((unsigned char)s[i]) : s[i] != '-')
			return 0;
	return 1;
}

int vuln_import_kev(kc_vuln_import *imp, json_t *e, kc_err *err)
{
	static const char *const required[] = { "cveID", "vendorProject", "product",
						"vulnerabilityName", "dateAdded" };
	const char *id = vuln_str(e, "cveID"), *ransom = vuln_str(e, "knownRansomwareCampaignUse");
	char digest[65], now[KC_TIME_STRLEN];
	kc_buf cwes;
	json_t *c;
	size_t i;
	int64_t have = 0;
	int rc;
	kc_stmt *s;
	char old[65] = "";

	for (i = 0; i < sizeof(required) / sizeof(required[0]); i++)
		if (!vuln_str(e, required[i]))
			return kc_err_set(err, KC_EINVAL, _("KEV entry %.40s: \"%s\" is missing or not text"),
					  id ? id : "?", required[i]);
	if (!kc_cve_id_valid(id))
		return kc_err_set(err, KC_EINVAL, _("\"%.40s\" is not a CVE id"), id);
	if (!is_date(vuln_str(e, "dateAdded")) ||
	    (vuln_str(e, "dueDate") && !is_date(vuln_str(e, "dueDate"))))
		return kc_err_set(err, KC_EINVAL, _("KEV entry %s: dates must be YYYY-MM-DD"), id);
	if ((rc = vuln_digest(e, digest)) < 0)
		return kc_err_set(err, rc, _("out of memory"));
	if ((rc = kc_store_query(imp->st, err, &s, "SELECT digest FROM kev WHERE cve_id = ?", "t", id)) < 0)
		return rc;
	if ((rc = kc_stmt_step(s, err)) == KC_ROW) {
		have = 1;
		snprintf(old, sizeof(old), "%s", kc_stmt_text(s, 0) ? kc_stmt_text(s, 0) : "");
	}
	kc_stmt_finalize(s);
	if (rc < 0)
		return rc;
	if (have && !strcmp(old, digest)) {
		imp->stats.kev_unchanged++;
		return 0;
	}
	kc_buf_init(&cwes, 1u << 16);
	json_array_foreach(json_object_get(e, "cwes"), i, c)
		if (json_is_string(c))
			kc_buf_addf(&cwes, "%s%s", cwes.len ? "," : "", json_string_value(c));
	kc_time_now_iso(now);
	if (have)
		rc = kc_store_exec(imp->st, err, NULL,
				   "UPDATE kev SET vendor = ?, product = ?, name = ?, description = ?, "
				   "date_added = ?, due_date = ?, ransomware = ?, required_action = ?, "
				   "notes = ?, cwes = ?, digest = ?, imported_at = ? WHERE cve_id = ?",
				   "ttttttttttttt", vuln_str(e, "vendorProject"), vuln_str(e, "product"),
				   vuln_str(e, "vulnerabilityName"),
				   vuln_str(e, "shortDescription") ? vuln_str(e, "shortDescription") : "",
				   vuln_str(e, "dateAdded"), vuln_str(e, "dueDate"),
				   ransom ? ransom : "Unknown",
				   vuln_str(e, "requiredAction") ? vuln_str(e, "requiredAction") : "",
				   vuln_str(e, "notes") ? vuln_str(e, "notes") : "", kc_buf_str(&cwes),
				   digest, now, id);
	else
		rc = kc_store_exec(imp->st, err, NULL,
				   "INSERT INTO kev (cve_id, vendor, product, name, description, date_added, "
				   "due_date, ransomware, required_action, notes, cwes, digest, imported_at) "
				   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
				   "ttttttttttttt", id, vuln_str(e, "vendorProject"), vuln_str(e, "product"),
				   vuln_str(e, "vulnerabilityName"),
				   vuln_str(e, "shortDescription") ? vuln_str(e, "shortDescription") : "",
				   vuln_str(e, "dateAdded"), vuln_str(e, "dueDate"),
				   ransom ? ransom : "Unknown",
				   vuln_str(e, "requiredAction") ? vuln_str(e, "requiredAction") : "",
				   vuln_str(e, "notes") ? vuln_str(e, "notes") : "", kc_buf_str(&cwes),
				   digest, now);
	kc_buf_release(&cwes);
	if (rc)
		return rc;
	if (have) {
		imp->stats.kev_updated++;
		return 0;
	}
	imp->stats.kev_inserted++;
	return vuln_touch(imp, id) < 0 ? kc_err_set(err, KC_ENOMEM, _("out of memory")) : 0;
}

/* ---- notices ---- */

/* One organisation's new KEV exposures, gathered before mailing. */
struct orgnote {
	int64_t org_id;
	char *name;
	kc_buf text[3]; /* per language: the lines for each CVE */
	size_t ncves;
	char **cves;
};

struct gather {
	struct orgnote *orgs;
	size_t norgs;
	const char *cve;
	kc_store *st;
	int64_t only_org; /* 0: every organisation */
	int rc;
};

static struct orgnote *org_of(struct gather *g, int64_t id, const char *name)
{
	struct orgnote *o;

	for (size_t i = 0; i < g->norgs; i++)
		if (g->orgs[i].org_id == id)
			return &g->orgs[i];
	o = realloc(g->orgs, (g->norgs + 1) * sizeof(*o));
	if (!o)
		return NULL;
	g->orgs = o;
	o = &g->orgs[g->norgs++];
	memset(o, 0, sizeof(*o));
	o->org_id = id;
	o->name = strdup(name);
	for (int l = 0; l < 3; l++)
		kc_buf_init(&o->text[l], 1u << 20);
	return o;
}

static int on_exposure(const kc_exposure *e, void *arg)
{
	struct gather *g = arg;
	struct orgnote *o;
	int64_t done = 0;
	kc_stmt *s;
	char **nc;

	/* Uncertain exposures are listed by kcert vuln affected, not mailed. */
	if (e->result != KC_CPE_MATCH || (g->only_org && e->org_id != g->only_org))
		return 0;
	if (kc_store_scalar_int(g->st, NULL, &done,
				"SELECT COUNT(*) FROM kev_notice WHERE org_id = ? AND cve_id = ?", "it",
				e->org_id, g->cve) < 0)
		return KC_ESTORE;
	if (done)
		return 0;
	if (!(o = org_of(g, e->org_id, e->org_name)))
		return KC_ENOMEM;
	for (size_t i = 0; i < o->ncves; i++)
		if (!strcmp(o->cves[i], g->cve)) {
			/* Another product of the same organisation: one more line. */
			for (int l = 0; l < 3; l++)
				kc_buf_addf(&o->text[l], "  %s %s\n", kc_tr_lang((kc_lang)l, "Your product:"),
					    e->product);
			return 0;
		}
	nc = realloc(o->cves, (o->ncves + 1) * sizeof(*nc));
	if (!nc)
		return KC_ENOMEM;
	o->cves = nc;
	o->cves[o->ncves++] = strdup(g->cve);
	if (kc_store_query(g->st, NULL, &s,
			   "SELECT k.vendor, k.product, k.name, k.date_added, k.due_date, k.ransomware, "
			   "k.required_action, c.severity FROM kev k LEFT JOIN cve c ON c.id = k.cve_id "
			   "WHERE k.cve_id = ?",
			   "t", g->cve) < 0)
		return KC_ESTORE;
	if (kc_stmt_step(s, NULL) == KC_ROW) {
		for (int l = 0; l < 3; l++) {
			kc_buf *b = &o->text[l];
			kc_lang lang = (kc_lang)l;
			const char *t;
			kc_buf_addf(b, "%s: %s\n", g->cve, kc_stmt_text(s, 2));
			kc_buf_addf(b, "  %s %s %s\n", kc_tr_lang(lang, "Product:"), kc_stmt_text(s, 0),
				    kc_stmt_text(s, 1));
			kc_buf_addf(b, "  %s %s\n", kc_tr_lang(lang, "Your product:"), e->product);
			kc_buf_addf(b, "  %s %s\n", kc_tr_lang(lang, "Exploited since (KEV):"),
				    kc_stmt_text(s, 3));
			if ((t = kc_stmt_text(s, 4)))
				kc_buf_addf(b, "  %s %s\n", kc_tr_lang(lang, "CISA's deadline:"), t);
			if ((t = kc_stmt_text(s, 5)) && !strcmp(t, "Known"))
				kc_buf_addf(b, "  %s\n", kc_tr_lang(lang, "Used in ransomware campaigns."));
			if ((t = kc_stmt_text(s, 7)))
				kc_buf_addf(b, "  %s %s\n", kc_tr_lang(lang, "Severity (CVSS):"), t);
			if ((t = kc_stmt_text(s, 6)) && *t)
				kc_buf_addf(b, "  %s %s\n", kc_tr_lang(lang, "Required action:"), t);
			kc_buf_addc(b, '\n');
		}
	}
	kc_stmt_finalize(s);
	return 0;
}

static const char *env_or(const char *name, const char *def)
{
	const char *v = getenv(name);
	return v && *v ? v : def;
}

struct contact {
	char name[201], email[255], lang[4];
};

static void fill_contact(kc_stmt *s, void *rec)
{
	struct contact *c = rec;
	const char *v;

	snprintf(c->name, sizeof(c->name), "%s", (v = kc_stmt_text(s, 0)) ? v : "");
	snprintf(c->email, sizeof(c->email), "%s", (v = kc_stmt_text(s, 1)) ? v : "");
	snprintf(c->lang, sizeof(c->lang), "%s", (v = kc_stmt_text(s, 2)) ? v : "nb");
}

/* Mail one organisation's contacts and record the CVEs as told: one transaction. */
static int notify_org(kc_vuln_import *imp, struct orgnote *o, kc_err *err)
{
	const char *from = env_or("KCERT_MAIL_FROM", "kommunecert@localhost");
	char now[KC_TIME_STRLEN], ref[80], subject[400], mid[200];
	struct contact *cs = NULL;
	size_t nc = 0;
	kc_stmt *s;
	int rc;

	kc_time_now_iso(now);
	{
		unsigned char rnd[6];
		char hex[13];
		randombytes_buf(rnd, sizeof(rnd));
		sodium_bin2hex(hex, sizeof(hex), rnd, sizeof(rnd));
		snprintf(ref, sizeof(ref), "KC-KEV-%.4s-%s", now, hex);
	}
	if ((rc = kc_store_begin(imp->st, err)) < 0)
		return rc;
	for (size_t i = 0; i < o->ncves && !rc; i++)
		rc = kc_store_exec(imp->st, err, NULL,
				   "INSERT INTO kev_notice (org_id, cve_id, notice_ref, created_at) "
				   "VALUES (?, ?, ?, ?)",
				   "ittt", o->org_id, o->cves[i], ref, now);
	if (!rc)
		rc = kc_store_query(imp->st, err, &s,
				    "SELECT name, email, lang FROM contact WHERE org_id = ? "
				    "AND notices <> 'none' ORDER BY id",
				    "i", o->org_id);
	if (!rc)
		rc = kc_store_collect(s, sizeof(*cs), fill_contact, (void **)&cs, &nc, err);
	for (size_t k = 0; k < nc && !rc; k++) {
		kc_lang l = KC_LANG_NB;
		const char *const hi[] = { "Auto-Submitted", "auto-generated", "X-KommuneCERT-Ref", ref,
					   "Importance", "high", "X-Priority", "1", NULL };
		kc_buf body;
		char *msg = NULL;

		kc_lang_parse(cs[k].lang, &l);
		kc_buf_init(&body, 1u << 21);
		kc_buf_addf(&body, kc_tr_lang(l, "Dear %s,\n\n"), o->name);
		kc_buf_addf(&body, "%s\n\n",
			    kc_tr_lang(l, "CISA's catalogue of known exploited vulnerabilities (KEV) lists "
					  "vulnerabilities that attackers are exploiting now, in products "
					  "KommuneCERT has registered for your organisation:"));
		kc_buf_adds(&body, kc_buf_str(&o->text[l]));
		kc_buf_addf(&body, "%s\n",
			    kc_tr_lang(l, "Update or shut off the product at once, and check it for signs "
					  "of compromise. Tell KommuneCERT if you need help, or if you no "
					  "longer run the product."));
		if (o->ncves == 1)
			snprintf(subject, sizeof(subject), "[%s] %s %s",
				 env_or("KCERT_SUBJECT_PREFIX", "KommuneCERT"),
				 kc_tr_lang(l, "Actively exploited vulnerability in a product you run:"),
				 o->cves[0]);
		else
			snprintf(subject, sizeof(subject), kc_tr_lang(l, "[%s] %zu actively exploited vulnerabilities in products you run"),
				 env_or("KCERT_SUBJECT_PREFIX", "KommuneCERT"), o->ncves);
		kc_compose_message_id(ref, from, mid, sizeof(mid));
		{
			kc_compose m = { .from_name = "KommuneCERT", .from = from, .to_name = cs[k].name,
					 .to = cs[k].email, .subject = subject, .message_id = mid,
					 .text = kc_buf_str(&body), .headers = hi };
			rc = kc_compose_message(&m, &msg, err);
		}
		if (!rc) {
			kc_outbox_msg om = { .kind = "kev", .ref = ref, .from = from, .rcpt = cs[k].email,
					     .subject = subject, .message_id = mid, .body = msg };
			rc = kc_outbox_add(imp->st, &om, NULL, err);
		}
		free(msg);
		kc_buf_release(&body);
		if (!rc)
			imp->stats.mails++;
	}
	free(cs);
	if (!rc)
		rc = kc_audit_appendf(imp->st, err, imp->actor ? imp->actor : "kcert", "vuln.kev-notice",
				      ref, "organisation #%lld told of %zu KEV entries (%zu contacts)",
				      (long long)o->org_id, o->ncves, nc);
	if (rc) {
		kc_store_rollback(imp->st);
		return rc;
	}
	imp->stats.orgs_notified++;
	return kc_store_commit(imp->st, err);
}

int kc_vuln_import_finish(kc_vuln_import *imp, kc_vuln_stats *stats, kc_err *err)
{
	struct gather g = { .st = imp->st };
	int rc = 0;

	for (size_t i = 0; i < imp->ntouched && !rc; i++) {
		g.cve = imp->touched[i];
		rc = kc_exposure_for_cve(imp->st, g.cve, on_exposure, &g, err);
		if (rc == KC_ENOENT) /* in KEV, not (yet) in NVD's data: no criteria */
			rc = 0;
		else if (rc > 0 || rc == KC_ESTORE || rc == KC_ENOMEM)
			rc = kc_err_set(err, rc > 0 ? KC_EINTERNAL : rc,
					_("gathering the KEV notices failed"));
	}
	for (size_t i = 0; i < g.norgs && !rc; i++)
		rc = notify_org(imp, &g.orgs[i], err);
	for (size_t i = 0; i < g.norgs; i++) {
		free(g.orgs[i].name);
		for (int l = 0; l < 3; l++)
			kc_buf_release(&g.orgs[i].text[l]);
		for (size_t k = 0; k < g.orgs[i].ncves; k++)
			free(g.orgs[i].cves[k]);
		free(g.orgs[i].cves);
	}
	free(g.orgs);
	if (stats)
		*stats = imp->stats;
	return rc;
}

/* ---- reading ---- */

static char *col(kc_stmt *s, int i)
{
	const char *v = kc_stmt_text(s, i);
	return v ? strdup(v) : NULL;
}

int kc_cve_get(kc_store *st, const char *id, kc_cve *out, kc_err *err)
{
	kc_stmt *s;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = kc_store_query(st, err, &s,
			    "SELECT c.id, c.published, c.modified, c.status, c.description, c.cwes, "
			    "c.cvss31_vector, c.cvss31_score, c.cvss40_vector, c.cvss40_score, "
			    "c.cvss2_vector, c.cvss2_score, c.severity, c.cvss_check, k.vendor, k.product, "
			    "k.name, k.date_added, k.due_date, k.ransomware, k.required_action, k.notes "
			    "FROM cve c LEFT JOIN kev k ON k.cve_id = c.id WHERE c.id = ? "
			    "UNION ALL SELECT k.cve_id, NULL, NULL, NULL, k.description, k.cwes, NULL, NULL, "
			    "NULL, NULL, NULL, NULL, NULL, NULL, k.vendor, k.product, k.name, k.date_added, "
			    "k.due_date, k.ransomware, k.required_action, k.notes FROM kev k "
			    "WHERE k.cve_id = ? AND NOT EXISTS (SELECT 1 FROM cve WHERE id = k.cve_id)",
			    "tt", id, id);
	if (rc)
		return rc;
	rc = kc_stmt_step(s, err);
	if (rc == KC_ROW) {
		char **f[] = { &out->id, &out->published, &out->modified, &out->status, &out->description,
			       &out->cwes, &out->cvss31_vector, &out->cvss31_score, &out->cvss40_vector,
			       &out->cvss40_score, &out->cvss2_vector, &out->cvss2_score, &out->severity,
			       &out->cvss_check, &out->kev_vendor, &out->kev_product, &out->kev_name,
			       &out->kev_added, &out->kev_due, &out->kev_ransomware, &out->kev_action,
			       &out->kev_notes };
		for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
			*f[i] = col(s, (int)i);
		rc = 0;
	} else if (rc == KC_DONE) {
		rc = kc_err_set(err, KC_ENOENT, _("%s is not in the store (kcert vuln import)"), id);
	}
	kc_stmt_finalize(s);
	return rc;
}

void kc_cve_release(kc_cve *c)
{
	char **f[] = { &c->id, &c->published, &c->modified, &c->status, &c->description, &c->cwes,
		       &c->cvss31_vector, &c->cvss31_score, &c->cvss40_vector, &c->cvss40_score,
		       &c->cvss2_vector, &c->cvss2_score, &c->severity, &c->cvss_check, &c->kev_vendor,
		       &c->kev_product, &c->kev_name, &c->kev_added, &c->kev_due, &c->kev_ransomware,
		       &c->kev_action, &c->kev_notes };
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		free(*f[i]);
		*f[i] = NULL;
	}
}

/*
 * An organisation's products changed (declared, or seen by the scanner): the
 * KEV entries it is now exposed to and was never told of are mailed, once,
 * as an import would have. Candidates are the KEV CVEs whose vulnerable
 * criteria name one of its vendor:product pairs; kc_exposure_for_cve decides
 * with the version ranges.
 */
int kc_kev_notify_org(kc_store *st, const char *actor, int64_t org_id, kc_vuln_stats *stats, kc_err *err)
{
	kc_vuln_import imp = { .st = st, .actor = actor };
	struct gather g = { .st = st, .only_org = org_id };
	char **cves = NULL;
	size_t n = 0;
	kc_stmt *s;
	int rc;

	rc = kc_store_query(st, err, &s,
			    "SELECT DISTINCT k.cve_id FROM kev k JOIN cpe_match m ON m.cve_id = k.cve_id AND m.vulnerable = 1 "
			    "JOIN org_product p ON p.org_id = ? AND (p.vendor = m.vendor OR m.vendor = '*') "
			    "AND (p.product = m.product OR m.product = '*') "
			    "WHERE NOT EXISTS (SELECT 1 FROM kev_notice n WHERE n.org_id = ? AND n.cve_id = k.cve_id) "
			    "ORDER BY 1",
			    "ii", org_id, org_id);
	if (rc)
		return rc;
	while ((rc = kc_stmt_step(s, err)) == KC_ROW) {
		char **grown = realloc(cves, (n + 1) * sizeof(*cves));

		if (!grown || !(grown[n] = strdup(kc_stmt_text(s, 0)))) {
			if (grown)
				cves = grown;
			rc = kc_err_set(err, KC_ENOMEM, "%s", kc_strerror(KC_ENOMEM));
			break;
		}
		cves = grown;
		n++;
	}
	kc_stmt_finalize(s);
	rc = rc < 0 ? rc : 0;
	for (size_t i = 0; i < n && !rc; i++) {
		g.cve = cves[i];
		rc = kc_exposure_for_cve(st, g.cve, on_exposure, &g, err);
		if (rc == KC_ENOENT)
			rc = 0;
		else if (rc > 0 || rc == KC_ESTORE || rc == KC_ENOMEM)
			rc = kc_err_set(err, rc > 0 ? KC_EINTERNAL : rc, _("gathering the KEV notices failed"));
	}
	for (size_t i = 0; i < g.norgs && !rc; i++)
		rc = notify_org(&imp, &g.orgs[i], err);
	for (size_t i = 0; i < g.norgs; i++) {
		free(g.orgs[i].name);
		for (size_t k = 0; k < g.orgs[i].ncves; k++)
			free(g.orgs[i].cves[k]);
		free(g.orgs[i].cves);
		for (int l = 0; l < 3; l++)
			kc_buf_release(&g.orgs[i].text[l]);
	}
	free(g.orgs);
	for (size_t i = 0; i < n; i++)
		free(cves[i]);
	free(cves);
	if (stats)
		*stats = imp.stats;
	return rc;
}
