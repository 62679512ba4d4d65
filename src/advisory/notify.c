/*
 * notify.c - advisory notices to the affected organisations and digests to
 * subscribers, through the outbox; see notify.h.
 */
#include "advisory/notify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "base/time.h"
#include "notify/compose.h"
#include "notify/notice.h"
#include "notify/outbox.h"
#include "base/kc.h"
#include "vuln/exposure.h"

static const char *env_or(const char *name, const char *def)
{
	const char *v = getenv(name);

	return v && *v ? v : def;
}

struct contact {
	int64_t id, org_id;
	char name[201], email[255], lang[4], notices[200], created_at[32], org_name[200];
};

static void fill_contact(kc_stmt *s, void *rec)
{
	struct contact *c = rec;
	const char *v;

	c->id = kc_stmt_int(s, 0);
#define COPY(f, col) snprintf(c->f, sizeof(c->f), "%s", (v = kc_stmt_text(s, col)) ? v : "")
	COPY(name, 1);
	COPY(email, 2);
	COPY(lang, 3);
	COPY(notices, 4);
	c->org_id = kc_stmt_int(s, 5);
	COPY(created_at, 6);
	COPY(org_name, 7);
#undef COPY
}

#define CONTACT_COLS "c.id, c.name, c.email, c.lang, c.notices, c.org_id, c.created_at, o.name"

/* Queue one mail to c. */
static int send_one(kc_store *st, const struct contact *c, const char *ref, const char *subject, const char *text,
		    int high, int64_t *oid, kc_err *err)
{
	const char *from = env_or("KCERT_MAIL_FROM", "kommunecert@localhost");
	const char *const hi[] = { "Auto-Submitted", "auto-generated", "X-KommuneCERT-Ref", ref, "Importance", "high",
				   "X-Priority", "1", NULL };
	const char *const lo[] = { "Auto-Submitted", "auto-generated", "X-KommuneCERT-Ref", ref, NULL };
	char mid[200], *msg = NULL;
	kc_compose m = { .from_name = "KommuneCERT", .from = from, .to_name = c->name, .to = c->email,
			 .subject = subject, .message_id = mid, .text = text, .headers = high ? hi : lo };
	int rc;

	kc_compose_message_id(ref, from, mid, sizeof(mid));
	rc = kc_compose_message(&m, &msg, err);
	if (!rc) {
		kc_outbox_msg om = { .kind = "advisory", .ref = ref, .from = from, .rcpt = c->email,
				     .subject = subject, .message_id = mid, .body = msg };

		rc = kc_outbox_add(st, &om, oid, err);
	}
	free(msg);
	return rc;
}

static const char *base_url(void)
{
	return env_or("KCERT_BASE_URL", "http://127.0.0.1:8080");
}

/* The organisations running an affected product: the advisory's products
 * (below the fixed version when one is given) and the vulnerable criteria of
 * its CVEs as imported from NVD, matched by src/vuln against what each
 * organisation declared or the scanner saw. Only definite matches are told;
 * an uncertain version comparison is listed by kcert vuln affected, not mailed. */
struct orgset {
	int64_t *v;
	size_t n, cap;
};

static int add_org(const kc_exposure *e, void *arg)
{
	struct orgset *o = arg;
	int64_t *grown;

	if (e->result != KC_CPE_MATCH)
		return 0;
	for (size_t i = 0; i < o->n; i++)
		if (o->v[i] == e->org_id)
			return 0;
	if (o->n == o->cap) {
		o->cap = o->cap ? o->cap * 2 : 16;
		if (!(grown = realloc(o->v, o->cap * sizeof(*o->v))))
			return KC_ENOMEM;
		o->v = grown;
	}
	o->v[o->n++] = e->org_id;
	return 0;
}

static int affected_orgs(kc_store *st, const kc_advisory *a, int64_t **orgs, size_t *n, kc_err *err)
{
	struct orgset set = { 0 };
	kc_exposure_criterion *c = calloc(a->nproducts ? a->nproducts : 1, sizeof(*c));
	int rc = c ? 0 : kc_err_set(err, KC_ENOMEM, "%s", kc_strerror(KC_ENOMEM));

	for (size_t i = 0; c && i < a->nproducts; i++) {
		c[i].cpe = a->products[i].cpe;
		c[i].range.end_excl = a->products[i].fixed; /* NULL: every version the name covers */
	}
	if (!rc && a->nproducts)
		rc = kc_exposure_for_criteria(st, c, a->nproducts, add_org, &set, err);
	for (size_t i = 0; !rc && i < a->ncves; i++) {
		rc = kc_exposure_for_cve(st, a->cves[i].cve, add_org, &set, err);
		if (rc == KC_ENOENT) { /* a CVE kcert has no NVD data for: its products only */
			kc_err_clear(err);
			rc = 0;
		}
	}
	free(c);
	if (rc) {
		free(set.v);
		return rc;
	}
	*orgs = set.v;
	*n = set.n;
	return 0;
}

static void notice_text(kc_buf *b, kc_lang l, const kc_advisory *a, const struct contact *c)
{
	const char *title = l == KC_LANG_EN && a->title_en ? a->title_en : a->title;
	const char *summary = l == KC_LANG_EN && a->summary_en ? a->summary_en : a->summary;

	kc_buf_addf(b, kc_tr_lang(l, "KommuneCERT has published advisory %s (revision %d): %s\n\n"), a->ident, a->version,
		    title);
	kc_buf_addf(b, kc_tr_lang(l, "According to what KommuneCERT knows, %s runs a product this advisory concerns.\n\n"),
		    c->org_name);
	kc_buf_addf(b, "TLP:%s  %s: %s\n\n", kc_tlp_name(a->tlp), kc_tr_lang(l, "Severity"), a->severity);
	if (*summary)
		kc_buf_addf(b, "%s\n\n", summary);
	if (a->nproducts) {
		kc_buf_addf(b, "%s\n", kc_tr_lang(l, "Affected products:"));
		for (size_t i = 0; i < a->nproducts; i++) {
			kc_buf_addf(b, "  %s", a->products[i].cpe);
			if (a->products[i].fixed)
				kc_buf_addf(b, kc_tr_lang(l, " (fixed in %s)"), a->products[i].fixed);
			kc_buf_addc(b, '\n');
		}
		kc_buf_addc(b, '\n');
	}
	if (a->ncves) {
		kc_buf_addf(b, "%s", kc_tr_lang(l, "Vulnerabilities:"));
		for (size_t i = 0; i < a->ncves; i++)
			kc_buf_addf(b, " %s", a->cves[i].cve);
		kc_buf_adds(b, "\n\n");
	}
	for (size_t i = 0; i < a->nremedies; i++)
		kc_buf_addf(b, "%s: %s\n",
			    !strcmp(a->remedies[i].category, "workaround") ? kc_tr_lang(l, "Workaround")
									   : kc_tr_lang(l, "Recommendation"),
			    a->remedies[i].text);
	kc_buf_addf(b, "\n%s %s/advisories/%s\n", kc_tr_lang(l, "Read the advisory:"), base_url(), a->ident);
	kc_buf_addf(b, "\n%s\n", kc_tr_lang(l, "Please make sure the people who run this product see this at once."));
}

int kc_advisory_notify_affected(kc_store *st, const kc_advisory *a, size_t *told, kc_err *err)
{
	char now[KC_TIME_STRLEN], ref[64], subject[600];
	int64_t *orgs = NULL;
	size_t norgs = 0, n = 0;
	int rc;

	if (told)
		*told = 0;
	if (strcmp(a->status, "final") || a->tlp == KC_TLP_RED)
		return 0;
	if ((rc = affected_orgs(st, a, &orgs, &norgs, err)))
		return rc;
	kc_time_now_iso(now);
	snprintf(ref, sizeof(ref), "%s-r%d", a->ident, a->version);
	for (size_t i = 0; i < norgs && !rc; i++) {
		struct contact *cs = NULL;
		size_t nc = 0;
		int64_t done = 0;
		kc_stmt *s;

		rc = kc_store_scalar_int(st, err, &done,
					 "SELECT COUNT(*) FROM advisory_notice WHERE advisory_id = ? AND revision = ? "
					 "AND kind = 'affected' AND org_id = ?",
					 "iii", a->id, (int64_t)a->version, orgs[i]);
		if (rc || done)
			continue;
		rc = kc_store_exec(st, err, NULL,
				   "INSERT INTO advisory_notice (advisory_id, revision, kind, org_id, contact_id, created_at) "
				   "VALUES (?, ?, 'affected', ?, 0, ?)",
				   "iiit", a->id, (int64_t)a->version, orgs[i], now);
		if (!rc)
			rc = kc_store_query(st, err, &s,
					    "SELECT " CONTACT_COLS " FROM contact c JOIN org o ON o.id = c.org_id "
					    "WHERE c.org_id = ? AND c.notices <> 'none' ORDER BY c.id",
					    "i", orgs[i]);
		if (!rc)
			rc = kc_store_collect(s, sizeof(*cs), fill_contact, (void **)&cs, &nc, err);
		for (size_t k = 0; k < nc && !rc; k++) {
			kc_lang l = KC_LANG_NB;
			kc_buf b;
			int64_t oid = 0;

			kc_lang_parse(cs[k].lang, &l);
			kc_buf_init(&b, 1u << 20);
			notice_text(&b, l, a, &cs[k]);
			snprintf(subject, sizeof(subject), "[%s] [TLP:%s] %s %s: %s", env_or("KCERT_SUBJECT_PREFIX", "KommuneCERT"),
				 kc_tlp_name(a->tlp), kc_tr_lang(l, "Advisory"), a->ident,
				 l == KC_LANG_EN && a->title_en ? a->title_en : a->title);
			rc = send_one(st, &cs[k], ref, subject, kc_buf_str(&b), 1, &oid, err);
			kc_buf_release(&b);
			if (!rc)
				rc = kc_store_exec(st, err, NULL,
						   "UPDATE advisory_notice SET outbox_id = COALESCE(outbox_id, ?) WHERE advisory_id = ? "
						   "AND revision = ? AND kind = 'affected' AND org_id = ?",
						   "iiii", oid, a->id, (int64_t)a->version, orgs[i]);
		}
		free(cs);
		if (!rc)
			rc = kc_audit_appendf(st, err, "advisory", "advisory.notify", a->ident,
					      "%s revision %d: organisation #%lld notified (%zu contacts)", a->ident, a->version,
					      (long long)orgs[i], nc);
		n++;
	}
	free(orgs);
	if (told)
		*told = n;
	return rc;
}

struct rev {
	int64_t advisory_id;
	int number;
	char ident[KC_ADV_ID_LEN], tlp[16], date[32];
	char title[KC_ADV_TITLE_MAX + 1], title_en[KC_ADV_TITLE_MAX + 1], summary[1001];
};

static void fill_rev(kc_stmt *s, void *rec)
{
	struct rev *r = rec;
	const char *v;

	r->advisory_id = kc_stmt_int(s, 0);
	r->number = (int)kc_stmt_int(s, 1);
#define COPY(f, col) snprintf(r->f, sizeof(r->f), "%s", (v = kc_stmt_text(s, col)) ? v : "")
	COPY(ident, 2);
	COPY(tlp, 3);
	COPY(date, 4);
	COPY(title, 5);
	COPY(title_en, 6);
	COPY(summary, 7);
#undef COPY
}

static int digest_one(kc_store *st, const char *actor, const struct contact *c, kc_adv_digest_result *r, kc_err *err)
{
	char now[KC_TIME_STRLEN], ref[64], subject[400];
	struct rev *v = NULL;
	size_t n = 0;
	kc_lang l = KC_LANG_NB;
	int64_t oid = 0;
	kc_stmt *s;
	kc_buf b;
	int rc;

	rc = kc_store_query(st, err, &s,
			    "SELECT a.id, r.number, a.ident, a.tlp, r.date, a.title, a.title_en, r.summary "
			    "FROM advisory_revision r JOIN advisory a ON a.id = r.advisory_id "
			    "WHERE a.tlp IN ('CLEAR', 'GREEN') AND r.date >= ? AND NOT EXISTS (SELECT 1 FROM advisory_notice n "
			    "WHERE n.advisory_id = a.id AND n.revision = r.number AND ((n.kind = 'digest' AND n.contact_id = ?) "
			    "OR (n.kind = 'affected' AND n.org_id = ?))) ORDER BY r.date, a.id LIMIT 200",
			    "tii", c->created_at, c->id, c->org_id);
	if (!rc)
		rc = kc_store_collect(s, sizeof(*v), fill_rev, (void **)&v, &n, err);
	if (rc || !n) {
		free(v);
		return rc;
	}
	kc_lang_parse(c->lang, &l);
	kc_time_now_iso(now);
	snprintf(ref, sizeof(ref), "KC-A-%.10s-%lld", now, (long long)c->id);
	snprintf(subject, sizeof(subject), "[%s] %s: ", env_or("KCERT_SUBJECT_PREFIX", "KommuneCERT"),
		 kc_tr_lang(l, "Advisories"));
	snprintf(subject + strlen(subject), sizeof(subject) - strlen(subject), kc_tr_lang(l, "%zu new or updated"), n);
	kc_buf_init(&b, 4u << 20);
	kc_buf_addf(&b, "%s\n\n", kc_tr_lang(l, "KommuneCERT has published these advisories since the last digest:"));
	for (size_t i = 0; i < n; i++) {
		kc_buf_addf(&b, "%s (%s %d, TLP:%s) %s\n  %s\n  %s/advisories/%s\n\n", v[i].ident, kc_tr_lang(l, "revision"),
			    v[i].number, v[i].tlp, l == KC_LANG_EN && v[i].title_en[0] ? v[i].title_en : v[i].title,
			    v[i].summary, base_url(), v[i].ident);
	}
	kc_buf_addf(&b, "%s\n", kc_tr_lang(l, "You receive this digest because you subscribe to KommuneCERT's advisories."));
	if ((rc = kc_store_begin(st, err))) {
		kc_buf_release(&b);
		free(v);
		return rc;
	}
	rc = send_one(st, c, ref, subject, kc_buf_str(&b), 0, &oid, err);
	for (size_t i = 0; i < n && !rc; i++)
		rc = kc_store_exec(st, err, NULL,
				   "INSERT INTO advisory_notice (advisory_id, revision, kind, org_id, contact_id, outbox_id, "
				   "created_at) VALUES (?, ?, 'digest', ?, ?, ?, ?)",
				   "iiiiit", v[i].advisory_id, (int64_t)v[i].number, c->org_id, c->id, oid, now);
	if (!rc)
		rc = kc_audit_appendf(st, err, actor, "advisory.digest", ref, "digest of %zu advisory revisions to contact #%lld",
				      n, (long long)c->id);
	if (!rc)
		rc = kc_store_commit(st, err);
	if (rc)
		kc_store_rollback(st);
	else {
		r->digests++;
		r->revisions += n;
	}
	kc_buf_release(&b);
	free(v);
	return rc;
}

int kc_advisory_digest_run(kc_store *st, const char *actor, kc_adv_digest_result *r, kc_err *err)
{
	struct contact *cs = NULL;
	size_t nc = 0;
	kc_stmt *s;
	int rc;

	memset(r, 0, sizeof(*r));
	rc = kc_store_query(st, err, &s,
			    "SELECT " CONTACT_COLS " FROM contact c JOIN org o ON o.id = c.org_id "
			    "WHERE o.member = 1 AND o.active = 1 AND c.notices <> 'none' ORDER BY c.id",
			    "");
	if (!rc)
		rc = kc_store_collect(s, sizeof(*cs), fill_contact, (void **)&cs, &nc, err);
	for (size_t i = 0; i < nc && !rc; i++)
		if (!strcmp(cs[i].notices, "all") || kc_notices_lists(cs[i].notices, "advisory") ||
		    kc_notices_lists(cs[i].notices, "advisories"))
			rc = digest_one(st, actor, &cs[i], r, err);
	free(cs);
	return rc;
}
