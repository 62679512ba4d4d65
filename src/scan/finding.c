/*
 * finding.c - findings in the store: the sink a run reports to, history on
 * change, acceptance (comply or explain), and the rating; see finding.h.
 *
 * Every change is its own transaction with its history row and its audit
 * entry, so a run that stops half-way leaves what it saw so far consistent.
 */
#include "scan/finding.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit/audit.h"
#include "base/time.h"
#include "vuln/cpe.h"
#include "vuln/exposure.h"
#include "base/kc.h"

/* Longest evidence kept; longer evidence is replaced by a note saying so. */
#define EVIDENCE_MAX (16 * 1024)
/* Longest acceptance reason. */
#define REASON_MAX 1000
/* The furthest ahead an acceptance may run. */
#define ACCEPT_MAX_DAYS 731

void kc_finding_family(const char *check, char *out, size_t cap)
{
	size_t n = strcspn(check ? check : "", ".");

	snprintf(out, cap, "%.*s", (int)n, check ? check : "");
}

void kc_finding_sink_init(struct kc_finding_sink *fs, kc_store *st, int64_t run_id, const char *actor)
{
	memset(fs, 0, sizeof(*fs));
	fs->st = st;
	fs->run_id = run_id;
	fs->actor = actor ? actor : "scan";
	kc_time_now_iso(fs->now);
	kc_err_clear(&fs->err);
}

void kc_finding_sink_release(struct kc_finding_sink *fs)
{
	free(fs->new_high);
	fs->new_high = NULL;
	fs->nnew_high = fs->cap_high = 0;
}

static int history(kc_store *st, int64_t id, const char *at, const char *change, const char *sev,
		   const char *detail, const char *actor, kc_err *err)
{
	int rc = kc_store_exec(st, err, NULL,
			       "INSERT INTO finding_history (finding_id, at, change, severity, detail, actor) "
			       "VALUES (?, ?, ?, ?, ?, ?)",
			       "itttt" "t", id, at, change, sev, detail, actor);
	char obj[48], action[48];

	if (rc)
		return rc;
	snprintf(obj, sizeof(obj), "finding:%lld", (long long)id);
	snprintf(action, sizeof(action), "finding.%s", change);
	return kc_audit_appendf(st, err, actor, action, obj, "%s (%s)%s%s", change, sev, detail ? ": " : "",
				detail ? detail : "");
}

static void note_high(struct kc_finding_sink *fs, int64_t id)
{
	if (fs->nnew_high == fs->cap_high) {
		size_t cap = fs->cap_high ? fs->cap_high * 2 : 16;
		int64_t *v = realloc(fs->new_high, cap * sizeof(*v));

		if (!v)
			return;
		fs->new_high = v;
		fs->cap_high = cap;
	}
	fs->new_high[fs->nnew_high++] = id;
}

/*
 * A product finding's key carries its CPE's vendor and product
 * ("product.http:f5:nginx"), so several products on one port are several
 * findings. 1 and key filled when f is a product finding with a valid CPE.
 */
static int product_key(const struct kc_finding *f, const char *family, char *key, size_t cap)
{
	kc_cpe *c;
	int ok = 0;

	if (strcmp(family, "product") || !f->cpe || !f->cpe[0] || strchr(f->check, ':'))
		return 0;
	c = malloc(sizeof(*c));
	if (c && kc_cpe_parse(f->cpe, strlen(f->cpe), c, NULL) == 0 && c->v[KC_CPE_VENDOR].kind == KC_CPE_VALUE &&
	    c->v[KC_CPE_PRODUCT].kind == KC_CPE_VALUE) {
		int n = snprintf(key, cap, "%s:%s:%s", f->check, kc_cpe_literal(c, KC_CPE_VENDOR),
				 kc_cpe_literal(c, KC_CPE_PRODUCT));

		ok = n > 0 && (size_t)n < cap;
	}
	free(c);
	return ok;
}

static int observe_one(struct kc_finding_sink *fs, const struct kc_finding *f);

int kc_finding_observe(struct kc_finding_sink *fs, const struct kc_finding *f)
{
	char family[16], key[KC_FINDING_CHECK_MAX];
	struct kc_finding g;
	int rc, is_product;

	if (fs->rc)
		return fs->rc;
	if (!f->check || !f->check[0] || !f->target || !f->target[0] || !f->org_id)
		return kc_err_set(&fs->err, KC_EINVAL, _("a finding needs an organisation, a check and a target"));
	kc_finding_family(f->check, family, sizeof(family));
	g = *f;
	is_product = product_key(f, family, key, sizeof(key));
	if (is_product)
		g.check = key;
	rc = observe_one(fs, &g);
	/* What the scanner saw becomes one of the organisation's products, so
	 * kcert vuln affected finds it by the CVEs' criteria. */
	if (!rc && is_product) {
		rc = kc_org_product_observe(fs->st, f->org_id, f->cpe, f->confidence, f->evidence, &fs->err);
		if (rc && !fs->rc)
			fs->rc = rc;
	}
	return rc;
}

static int observe_one(struct kc_finding_sink *fs, const struct kc_finding *f)
{
	kc_store *st = fs->st;
	const char *sev = kc_sev_name(f->severity), *ev = f->evidence;
	char family[16], old_sev[8] = "", status[12] = "", what[512];
	int64_t id = 0;
	kc_stmt *s;
	int rc;

	if (fs->rc)
		return fs->rc;
	if (!f->check || !f->check[0] || !f->target || !f->target[0] || !f->org_id)
		return kc_err_set(&fs->err, KC_EINVAL, _("a finding needs an organisation, a check and a target"));
	kc_finding_family(f->check, family, sizeof(family));
	if (ev && strlen(ev) > EVIDENCE_MAX)
		ev = "{\"note\":\"evidence longer than 16 KiB left out\"}";
	fs->seen++;
	rc = kc_store_begin(st, &fs->err);
	if (rc)
		goto out;
	rc = kc_store_query(st, &fs->err, &s,
			    "SELECT id, status, severity FROM finding WHERE org_id = ? AND check_id = ? AND target = ? "
			    "AND port = ?",
			    "itti", f->org_id, f->check, f->target, (int64_t)f->port);
	if (rc)
		goto fail;
	if ((rc = kc_stmt_step(s, &fs->err)) == KC_ROW) {
		id = kc_stmt_int(s, 0);
		snprintf(status, sizeof(status), "%s", kc_stmt_text(s, 1));
		snprintf(old_sev, sizeof(old_sev), "%s", kc_stmt_text(s, 2));
	}
	kc_stmt_finalize(s);
	if (rc < 0)
		goto fail;
	if (!id) {
		rc = kc_store_exec(st, &fs->err, &id,
				   "INSERT INTO finding (org_id, check_id, family, target, port, host, severity, confidence, "
				   "title, evidence, cpe, status, first_seen, last_seen, run_id) "
				   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?) RETURNING id",
				   "ittti" "ttitt" "ttti", f->org_id, f->check, family, f->target, (int64_t)f->port,
				   (f->host && f->host[0]) ? f->host : NULL, sev, (int64_t)f->confidence, f->title ? f->title : f->check,
				   ev, f->cpe, fs->now, fs->now, fs->run_id);
		snprintf(what, sizeof(what), "%s %s:%d", f->check, f->target, f->port);
		if (!rc)
			rc = history(st, id, fs->now, "opened", sev, what, fs->actor, &fs->err);
		if (rc)
			goto fail;
		fs->opened++;
		if (f->severity == KC_SEV_HIGH)
			note_high(fs, id);
		goto commit;
	}
	rc = kc_store_exec(st, &fs->err, NULL,
			   "UPDATE finding SET last_seen = ?, run_id = ?, severity = ?, confidence = ?, title = ?, "
			   "evidence = ?, cpe = ?, host = ? WHERE id = ?",
			   "titit" "tt" "ti", fs->now, fs->run_id, sev, (int64_t)f->confidence, f->title ? f->title : f->check,
			   ev, f->cpe, (f->host && f->host[0]) ? f->host : NULL, id);
	if (rc)
		goto fail;
	if (!strcmp(status, "fixed")) {
		rc = kc_store_exec(st, &fs->err, NULL,
				   "UPDATE finding SET status = 'open', fixed_at = NULL, notified_high = 0, digest_at = NULL, "
				   "opened_count = opened_count + 1, accept_reason = NULL, accept_until = NULL, "
				   "accept_by = NULL WHERE id = ?",
				   "i", id);
		if (!rc)
			rc = history(st, id, fs->now, "reopened", sev, NULL, fs->actor, &fs->err);
		if (rc)
			goto fail;
		fs->reopened++;
		if (f->severity == KC_SEV_HIGH)
			note_high(fs, id);
	} else if (strcmp(old_sev, sev)) {
		snprintf(what, sizeof(what), "%s -> %s", old_sev, sev);
		rc = history(st, id, fs->now, "severity", sev, what, fs->actor, &fs->err);
		if (rc)
			goto fail;
		fs->changed++;
		/* A finding that became high while open is told at once too. */
		if (f->severity == KC_SEV_HIGH && !strcmp(status, "open"))
			note_high(fs, id);
	}
commit:
	rc = kc_store_commit(st, &fs->err);
	if (!rc)
		goto out;
fail:
	kc_store_rollback(st);
out:
	if (rc && !fs->rc)
		fs->rc = rc;
	return rc;
}

int kc_finding_covered(struct kc_finding_sink *fs, int64_t org_id, const char *family, const char *target,
		       int port)
{
	kc_store *st = fs->st;
	int64_t *ids = NULL;
	char (*sevs)[8] = NULL;
	size_t n = 0, cap = 0;
	kc_stmt *s;
	int rc;

	if (fs->rc)
		return fs->rc;
	rc = kc_store_begin(st, &fs->err);
	if (rc)
		goto out;
	rc = kc_store_query(st, &fs->err, &s,
			    "SELECT id, severity FROM finding WHERE org_id = ? AND target = ? "
			    "AND (family = ? OR (family = 'product' AND CAST(? AS TEXT) = 'service')) "
			    "AND (? = 0 OR port = ?) AND status IN ('open', 'accepted') AND (run_id IS NULL OR run_id <> ?) "
			    "ORDER BY id",
			    "ittt" "iii", org_id, target, family, family, (int64_t)port, (int64_t)port, fs->run_id);
	if (rc)
		goto fail;
	while ((rc = kc_stmt_step(s, &fs->err)) == KC_ROW) {
		if (n == cap) {
			size_t c2 = cap ? cap * 2 : 8;
			int64_t *i2 = realloc(ids, c2 * sizeof(*i2));
			char(*s2)[8] = i2 ? realloc(sevs, c2 * sizeof(*s2)) : NULL;

			if (i2)
				ids = i2;
			if (!i2 || !s2) {
				rc = kc_err_set(&fs->err, KC_ENOMEM, _("out of memory"));
				break;
			}
			sevs = s2;
			cap = c2;
		}
		ids[n] = kc_stmt_int(s, 0);
		snprintf(sevs[n], sizeof(sevs[n]), "%s", kc_stmt_text(s, 1));
		n++;
	}
	kc_stmt_finalize(s);
	if (rc < 0)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		rc = kc_store_exec(st, &fs->err, NULL,
				   "UPDATE finding SET status = 'fixed', fixed_at = ?, accept_reason = NULL, "
				   "accept_until = NULL, accept_by = NULL WHERE id = ?",
				   "ti", fs->now, ids[i]);
		if (!rc)
			rc = history(st, ids[i], fs->now, "fixed", sevs[i], NULL, fs->actor, &fs->err);
		if (rc)
			goto fail;
	}
	rc = kc_store_commit(st, &fs->err);
	if (!rc) {
		fs->fixed += n;
		goto out;
	}
fail:
	kc_store_rollback(st);
out:
	free(ids);
	free(sevs);
	if (rc && !fs->rc)
		fs->rc = rc;
	return rc ? rc : (int)n;
}

static void sink_finding(void *arg, const struct kc_finding *f)
{
	kc_finding_observe(arg, f);
}

static void sink_covered(void *arg, int64_t org_id, const char *family, const char *target, int port)
{
	kc_finding_covered(arg, org_id, family, target, port);
}

static void sink_progress(void *arg, const char *phase, uint64_t done, uint64_t total)
{
	struct kc_finding_sink *fs = arg;

	if (fs->progress)
		fs->progress(fs->progress_arg, phase, done, total);
}

void kc_finding_sink_bind(struct kc_finding_sink *fs, struct kc_scan_sink *out)
{
	out->arg = fs;
	out->finding = sink_finding;
	out->covered = sink_covered;
	out->progress = sink_progress;
}

/* ---- reading ---- */

#define FINDING_COLS                                                                                           \
	"f.id, f.org_id, o.code, o.slug, o.name, f.check_id, f.family, f.target, f.host, f.port, f.severity, "     \
	"f.confidence, f.title, f.evidence, f.cpe, f.status, f.first_seen, f.last_seen, f.fixed_at, "             \
	"f.accept_reason, f.accept_until, f.accept_by"

static const char *nz(const char *s)
{
	return s ? s : "";
}

static void fill_finding(kc_stmt *s, void *rec)
{
	kc_finding_row *r = rec;
	const char *ev;

	memset(r, 0, sizeof(*r));
	r->id = kc_stmt_int(s, 0);
	r->org_id = kc_stmt_int(s, 1);
	snprintf(r->org_code, sizeof(r->org_code), "%s", nz(kc_stmt_text(s, 2)));
	snprintf(r->org_slug, sizeof(r->org_slug), "%s", nz(kc_stmt_text(s, 3)));
	snprintf(r->org_name, sizeof(r->org_name), "%s", nz(kc_stmt_text(s, 4)));
	snprintf(r->check, sizeof(r->check), "%s", nz(kc_stmt_text(s, 5)));
	snprintf(r->family, sizeof(r->family), "%s", nz(kc_stmt_text(s, 6)));
	snprintf(r->target, sizeof(r->target), "%s", nz(kc_stmt_text(s, 7)));
	snprintf(r->host, sizeof(r->host), "%s", nz(kc_stmt_text(s, 8)));
	r->port = (int)kc_stmt_int(s, 9);
	snprintf(r->severity, sizeof(r->severity), "%s", nz(kc_stmt_text(s, 10)));
	r->confidence = (int)kc_stmt_int(s, 11);
	snprintf(r->title, sizeof(r->title), "%s", nz(kc_stmt_text(s, 12)));
	ev = kc_stmt_text(s, 13);
	r->evidence = ev ? strdup(ev) : NULL;
	snprintf(r->cpe, sizeof(r->cpe), "%s", nz(kc_stmt_text(s, 14)));
	snprintf(r->status, sizeof(r->status), "%s", nz(kc_stmt_text(s, 15)));
	snprintf(r->first_seen, sizeof(r->first_seen), "%s", nz(kc_stmt_text(s, 16)));
	snprintf(r->last_seen, sizeof(r->last_seen), "%s", nz(kc_stmt_text(s, 17)));
	snprintf(r->fixed_at, sizeof(r->fixed_at), "%s", nz(kc_stmt_text(s, 18)));
	snprintf(r->accept_reason, sizeof(r->accept_reason), "%s", nz(kc_stmt_text(s, 19)));
	snprintf(r->accept_until, sizeof(r->accept_until), "%s", nz(kc_stmt_text(s, 20)));
	snprintf(r->accept_by, sizeof(r->accept_by), "%s", nz(kc_stmt_text(s, 21)));
}

void kc_finding_rows_free(kc_finding_row *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i].evidence);
	free(v);
}

int kc_finding_list(kc_store *st, const kc_finding_filter *f, kc_finding_row **out, size_t *n, kc_err *err)
{
	kc_buf sql;
	kc_stmt *s;
	int rc, idx = 1;

	*out = NULL;
	*n = 0;
	kc_buf_init(&sql, 64 * 1024);
	kc_buf_adds(&sql, "SELECT " FINDING_COLS " FROM finding f JOIN org o ON o.id = f.org_id WHERE 1 = 1");
	if (f->org_id)
		kc_buf_adds(&sql, " AND f.org_id = ?");
	if (f->norgs) {
		kc_buf_adds(&sql, " AND f.org_id IN (");
		for (size_t i = 0; i < f->norgs; i++)
			kc_buf_adds(&sql, i ? ", ?" : "?");
		kc_buf_adds(&sql, ")");
	}
	if (f->status)
		kc_buf_adds(&sql, " AND f.status = ?");
	if (f->severity)
		kc_buf_adds(&sql, " AND f.severity = ?");
	if (f->check)
		kc_buf_adds(&sql, strchr(f->check, '.') ? " AND f.check_id = ?" : " AND f.family = ?");
	kc_buf_addf(&sql,
		    " ORDER BY CASE f.status WHEN 'open' THEN 0 WHEN 'accepted' THEN 1 ELSE 2 END, "
		    "CASE f.severity WHEN 'high' THEN 0 WHEN 'medium' THEN 1 WHEN 'low' THEN 2 ELSE 3 END, "
		    "f.last_seen DESC, f.id LIMIT %zu OFFSET %zu",
		    f->limit ? f->limit : 1000, f->offset);
	rc = kc_store_prepare(st, kc_buf_str(&sql), &s, err);
	kc_buf_release(&sql);
	if (rc)
		return rc;
	if (f->org_id)
		kc_stmt_bind_int(s, idx++, f->org_id);
	for (size_t i = 0; i < f->norgs; i++)
		kc_stmt_bind_int(s, idx++, f->orgs[i]);
	if (f->status)
		kc_stmt_bind_text(s, idx++, f->status);
	if (f->severity)
		kc_stmt_bind_text(s, idx++, f->severity);
	if (f->check)
		kc_stmt_bind_text(s, idx++, f->check);
	return kc_store_collect(s, sizeof(kc_finding_row), fill_finding, (void **)out, n, err);
}

int kc_finding_get(kc_store *st, int64_t id, kc_finding_row *out, kc_err *err)
{
	kc_finding_row *v = NULL;
	size_t n = 0;
	kc_stmt *s;
	int rc;

	rc = kc_store_query(st, err, &s,
			    "SELECT " FINDING_COLS " FROM finding f JOIN org o ON o.id = f.org_id WHERE f.id = ?", "i", id);
	if (!rc)
		rc = kc_store_collect(s, sizeof(kc_finding_row), fill_finding, (void **)&v, &n, err);
	if (rc)
		return rc;
	if (!n) {
		free(v);
		return kc_err_set(err, KC_ENOENT, _("no finding %lld"), (long long)id);
	}
	*out = v[0];
	free(v);
	return KC_OK;
}

static void fill_change(kc_stmt *s, void *rec)
{
	kc_finding_change *c = rec;

	snprintf(c->at, sizeof(c->at), "%s", nz(kc_stmt_text(s, 0)));
	snprintf(c->change, sizeof(c->change), "%s", nz(kc_stmt_text(s, 1)));
	snprintf(c->severity, sizeof(c->severity), "%s", nz(kc_stmt_text(s, 2)));
	snprintf(c->detail, sizeof(c->detail), "%s", nz(kc_stmt_text(s, 3)));
	snprintf(c->actor, sizeof(c->actor), "%s", nz(kc_stmt_text(s, 4)));
}

int kc_finding_history(kc_store *st, int64_t id, kc_finding_change **out, size_t *n, kc_err *err)
{
	kc_stmt *s;
	int rc = kc_store_query(st, err, &s,
				"SELECT at, change, severity, detail, actor FROM finding_history WHERE finding_id = ? "
				"ORDER BY id",
				"i", id);

	if (rc)
		return rc;
	return kc_store_collect(s, sizeof(kc_finding_change), fill_change, (void **)out, n, err);
}

/* ---- acceptance ---- */

static int parse_day(const char *s, time_t *t)
{
	char iso[40];
	int y, m, d;
	char tail;

	if (!s || strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3)
		return KC_EINVAL;
	snprintf(iso, sizeof(iso), "%sT00:00:00Z", s);
	if (kc_time_parse(iso, t))
		return KC_EINVAL;
	/* Refuse days the calendar does not have (2027-02-30). */
	kc_time_iso(*t, iso);
	return strncmp(iso, s, 10) ? KC_EINVAL : KC_OK;
}

int kc_finding_accept(kc_store *st, const char *actor, int64_t id, const char *reason, const char *until,
		      kc_err *err)
{
	char now[KC_TIME_STRLEN], today[16], detail[1100];
	kc_finding_row f;
	time_t t;
	int rc;

	if (!reason || !reason[strspn(reason, " \t\r\n")])
		return kc_err_set(err, KC_EINVAL, _("an acceptance needs a reason (--reason)"));
	if (strlen(reason) > REASON_MAX)
		return kc_err_set(err, KC_ETOOBIG, _("the reason is longer than %d characters"), REASON_MAX);
	if (parse_day(until, &t))
		return kc_err_set(err, KC_EINVAL, _("--until: '%s' is not a date YYYY-MM-DD"), until ? until : "");
	kc_time_now_iso(now);
	snprintf(today, sizeof(today), "%.10s", now);
	if (strcmp(until, today) < 0)
		return kc_err_set(err, KC_EINVAL, _("--until: %s has passed"), until);
	if (t > kc_now() + (time_t)ACCEPT_MAX_DAYS * 86400)
		return kc_err_set(err, KC_EINVAL, _("--until: %s is more than two years ahead; explain again later"),
				  until);
	rc = kc_finding_get(st, id, &f, err);
	if (rc)
		return rc;
	free(f.evidence);
	if (!strcmp(f.status, "fixed"))
		return kc_err_set(err, KC_EINVAL, _("finding %lld is fixed; there is nothing to accept"), (long long)id);
	rc = kc_store_begin(st, err);
	if (rc)
		return rc;
	rc = kc_store_exec(st, err, NULL,
			   "UPDATE finding SET status = 'accepted', accept_reason = ?, accept_until = ?, accept_by = ? "
			   "WHERE id = ?",
			   "ttti", reason, until, actor, id);
	snprintf(detail, sizeof(detail), "until %s: %s", until, reason);
	if (!rc)
		rc = history(st, id, now, "accepted", f.severity, detail, actor, err);
	if (!rc)
		rc = kc_rating_record(st, f.org_id, err);
	if (!rc)
		rc = kc_store_commit(st, err);
	if (rc)
		kc_store_rollback(st);
	return rc;
}

int kc_finding_withdraw(kc_store *st, const char *actor, int64_t id, kc_err *err)
{
	char now[KC_TIME_STRLEN], detail[64];
	kc_finding_row f;
	int rc = kc_finding_get(st, id, &f, err);

	if (rc)
		return rc;
	free(f.evidence);
	if (strcmp(f.status, "accepted"))
		return kc_err_set(err, KC_EINVAL, _("finding %lld is not accepted; there is nothing to withdraw"),
				  (long long)id);
	kc_time_now_iso(now);
	snprintf(detail, sizeof(detail), "accepted until %s", f.accept_until);
	rc = kc_store_begin(st, err);
	if (rc)
		return rc;
	rc = kc_store_exec(st, err, NULL,
			   "UPDATE finding SET status = 'open', accept_reason = NULL, accept_until = NULL, "
			   "accept_by = NULL WHERE id = ? AND status = 'accepted'",
			   "i", id);
	if (!rc)
		rc = history(st, id, now, "withdrawn", f.severity, detail, actor, err);
	if (!rc)
		rc = kc_rating_record(st, f.org_id, err);
	if (!rc)
		rc = kc_store_commit(st, err);
	if (rc)
		kc_store_rollback(st);
	return rc;
}

struct exp {
	int64_t id, org;
	char sev[8], until[16];
};

static void fill_exp(kc_stmt *s, void *rec)
{
	struct exp *e = rec;

	e->id = kc_stmt_int(s, 0);
	e->org = kc_stmt_int(s, 1);
	snprintf(e->sev, sizeof(e->sev), "%s", nz(kc_stmt_text(s, 2)));
	snprintf(e->until, sizeof(e->until), "%s", nz(kc_stmt_text(s, 3)));
}

int kc_finding_expire(kc_store *st, const char *actor, size_t *nout, kc_err *err)
{
	char now[KC_TIME_STRLEN], today[16];
	struct exp *v = NULL;
	size_t n = 0;
	kc_stmt *s;
	int rc;

	if (nout)
		*nout = 0;
	kc_time_now_iso(now);
	snprintf(today, sizeof(today), "%.10s", now);
	rc = kc_store_query(st, err, &s,
			    "SELECT id, org_id, severity, accept_until FROM finding WHERE status = 'accepted' "
			    "AND accept_until < ? ORDER BY id",
			    "t", today);
	if (rc)
		return rc;
	rc = kc_store_collect(s, sizeof(*v), fill_exp, (void **)&v, &n, err);
	for (size_t i = 0; rc >= 0 && i < n; i++) {
		char detail[64];

		snprintf(detail, sizeof(detail), "accepted until %s", v[i].until);
		rc = kc_store_begin(st, err);
		if (rc)
			break;
		rc = kc_store_exec(st, err, NULL,
				   "UPDATE finding SET status = 'open', accept_reason = NULL, accept_until = NULL, "
				   "accept_by = NULL WHERE id = ? AND status = 'accepted'",
				   "i", v[i].id);
		if (!rc)
			rc = history(st, v[i].id, now, "expired", v[i].sev, detail, actor ? actor : "scan", err);
		if (!rc)
			rc = kc_rating_record(st, v[i].org, err);
		if (!rc)
			rc = kc_store_commit(st, err);
		if (rc) {
			kc_store_rollback(st);
			break;
		}
		if (nout)
			(*nout)++;
	}
	free(v);
	return rc < 0 ? rc : KC_OK;
}

/* ---- rating ---- */

static const char *const colour_names[] = { "grey", "green", "yellow", "orange", "red" };

const char *kc_colour_name(kc_colour c)
{
	return (unsigned)c < KC_ARRAY_LEN(colour_names) ? colour_names[c] : "grey";
}

kc_colour kc_rating_colour(const kc_rating *r)
{
	if (!r->assets)
		return KC_COLOUR_GREY;
	if (r->high)
		return KC_COLOUR_RED;
	if (r->medium)
		return KC_COLOUR_ORANGE;
	if (r->low)
		return KC_COLOUR_YELLOW;
	return KC_COLOUR_GREEN;
}

static void fill_rating_org(kc_stmt *s, void *rec)
{
	kc_rating *r = rec;

	memset(r, 0, sizeof(*r));
	r->org_id = kc_stmt_int(s, 0);
	snprintf(r->org_code, sizeof(r->org_code), "%s", nz(kc_stmt_text(s, 1)));
	snprintf(r->org_slug, sizeof(r->org_slug), "%s", nz(kc_stmt_text(s, 2)));
	snprintf(r->org_name, sizeof(r->org_name), "%s", nz(kc_stmt_text(s, 3)));
	snprintf(r->county, sizeof(r->county), "%s", nz(kc_stmt_text(s, 4)));
	snprintf(r->county_code, sizeof(r->county_code), "%s", nz(kc_stmt_text(s, 5)));
}

static kc_rating *find_rating(kc_rating *v, size_t n, int64_t org)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].org_id == org)
			return &v[i];
	return NULL;
}

/* Fill counts and colours of v[0..n) from the store. */
static int rating_counts(kc_store *st, int64_t only, kc_rating *v, size_t n, kc_err *err)
{
	kc_stmt *s;
	int rc;

	rc = kc_store_query(st, err, &s,
			    "SELECT org_id, severity, status, count(*) FROM finding WHERE status IN ('open', 'accepted') "
			    "AND (? = 0 OR org_id = ?) GROUP BY org_id, severity, status",
			    "ii", only, only);
	if (rc)
		return rc;
	while ((rc = kc_stmt_step(s, err)) == KC_ROW) {
		kc_rating *r = find_rating(v, n, kc_stmt_int(s, 0));
		const char *sev = nz(kc_stmt_text(s, 1));
		int64_t c = kc_stmt_int(s, 3);

		if (!r)
			continue;
		if (!strcmp(nz(kc_stmt_text(s, 2)), "accepted"))
			r->accepted += c;
		else if (!strcmp(sev, "high"))
			r->high += c;
		else if (!strcmp(sev, "medium"))
			r->medium += c;
		else if (!strcmp(sev, "low"))
			r->low += c;
		else
			r->info += c;
	}
	kc_stmt_finalize(s);
	if (rc < 0)
		return rc;
	rc = kc_store_query(st, err, &s,
			    "SELECT org_id, count(*) FROM asset WHERE kind IN ('cidr', 'host', 'domain') "
			    "AND (? = 0 OR org_id = ?) GROUP BY org_id",
			    "ii", only, only);
	if (rc)
		return rc;
	while ((rc = kc_stmt_step(s, err)) == KC_ROW) {
		kc_rating *r = find_rating(v, n, kc_stmt_int(s, 0));

		if (r)
			r->assets = kc_stmt_int(s, 1);
	}
	kc_stmt_finalize(s);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < n; i++)
		v[i].colour = kc_rating_colour(&v[i]);
	return KC_OK;
}

#define RATING_ORG_SQL                                                                                     \
	"SELECT o.id, o.code, o.slug, o.name, c.name, c.code FROM org o LEFT JOIN org c ON c.id = o.county_id "

int kc_rating_get(kc_store *st, int64_t org_id, kc_rating *out, kc_err *err)
{
	kc_rating *v = NULL;
	size_t n = 0;
	kc_stmt *s;
	int rc;

	rc = kc_store_query(st, err, &s, RATING_ORG_SQL "WHERE o.id = ?", "i", org_id);
	if (!rc)
		rc = kc_store_collect(s, sizeof(kc_rating), fill_rating_org, (void **)&v, &n, err);
	if (!rc && !n)
		rc = kc_err_set(err, KC_ENOENT, _("no organisation #%lld"), (long long)org_id);
	if (!rc)
		rc = rating_counts(st, org_id, v, n, err);
	if (!rc)
		*out = v[0];
	free(v);
	return rc;
}

int kc_rating_list(kc_store *st, const char *county, int64_t org_id, kc_rating **out, size_t *n, kc_err *err)
{
	kc_stmt *s;
	int rc;

	*out = NULL;
	*n = 0;
	rc = kc_store_query(st, err, &s,
			    RATING_ORG_SQL "WHERE o.kind = 'municipality' AND o.active = 1 "
					   "AND (CAST(? AS TEXT) IS NULL OR c.code = ? OR c.slug = ?) AND (? = 0 OR o.id = ?) "
					   "ORDER BY c.code, o.name",
			    "ttt" "ii", county, county, county, org_id, org_id);
	if (!rc)
		rc = kc_store_collect(s, sizeof(kc_rating), fill_rating_org, (void **)out, n, err);
	if (!rc)
		rc = rating_counts(st, org_id, *out, *n, err);
	if (rc) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

int kc_rating_record(kc_store *st, int64_t org_id, kc_err *err)
{
	char now[KC_TIME_STRLEN], day[16];
	kc_rating r;
	int rc = kc_rating_get(st, org_id, &r, err);

	if (rc)
		return rc;
	kc_time_now_iso(now);
	snprintf(day, sizeof(day), "%.10s", now);
	return kc_store_exec(st, err, NULL,
			     "INSERT INTO rating_history (org_id, day, colour, high, medium, low, info, accepted, updated_at) "
			     "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (org_id, day) DO UPDATE SET "
			     "colour = excluded.colour, high = excluded.high, medium = excluded.medium, low = excluded.low, "
			     "info = excluded.info, accepted = excluded.accepted, updated_at = excluded.updated_at",
			     "itt" "iiiii" "t", org_id, day, kc_colour_name(r.colour), r.high, r.medium, r.low, r.info,
			     r.accepted, now);
}

static kc_colour colour_parse(const char *s)
{
	for (size_t i = 0; i < KC_ARRAY_LEN(colour_names); i++)
		if (s && !strcmp(s, colour_names[i]))
			return (kc_colour)i;
	return KC_COLOUR_GREY;
}

static void fill_day(kc_stmt *s, void *rec)
{
	kc_rating_day *d = rec;

	snprintf(d->day, sizeof(d->day), "%s", nz(kc_stmt_text(s, 0)));
	d->colour = colour_parse(kc_stmt_text(s, 1));
	d->high = kc_stmt_int(s, 2);
	d->medium = kc_stmt_int(s, 3);
	d->low = kc_stmt_int(s, 4);
	d->info = kc_stmt_int(s, 5);
}

int kc_rating_trend(kc_store *st, int64_t org_id, size_t max, kc_rating_day **out, size_t *n, kc_err *err)
{
	kc_rating_day *v = NULL;
	kc_stmt *s;
	int rc;

	rc = kc_store_query(st, err, &s,
			    "SELECT day, colour, high, medium, low, info FROM rating_history WHERE org_id = ? "
			    "ORDER BY day DESC LIMIT ?",
			    "ii", org_id, (int64_t)(max ? max : 90));
	if (!rc)
		rc = kc_store_collect(s, sizeof(kc_rating_day), fill_day, (void **)&v, n, err);
	if (rc)
		return rc;
	for (size_t i = 0; i < *n / 2; i++) {
		kc_rating_day t = v[i];

		v[i] = v[*n - 1 - i];
		v[*n - 1 - i] = t;
	}
	*out = v;
	return KC_OK;
}

struct row {
	int64_t org;
	char day[16];
	int colour;
};

static void fill_row(kc_stmt *s, void *rec)
{
	struct row *r = rec;

	r->org = kc_stmt_int(s, 0);
	snprintf(r->day, sizeof(r->day), "%s", nz(kc_stmt_text(s, 1)));
	r->colour = (int)colour_parse(kc_stmt_text(s, 2));
}

int kc_rating_national(kc_store *st, size_t days, kc_rating_tally **out, size_t *n, kc_err *err)
{
	char now[KC_TIME_STRLEN], since[16];
	kc_rating_tally *v = NULL;
	size_t nv = 0, max = days ? days : 90, k = 0;
	int64_t org = -1;
	struct row *rows = NULL;
	size_t nrows = 0;
	kc_stmt *s;
	int rc;

	*out = NULL;
	*n = 0;
	kc_time_iso(kc_now() - (time_t)max * 86400, now);
	snprintf(since, sizeof(since), "%.10s", now);
	/* Each municipality's rows in the window and its last row before it. */
	rc = kc_store_query(st, err, &s,
			    "SELECT h.org_id, h.day, h.colour FROM rating_history h JOIN org o ON o.id = h.org_id "
			    "WHERE o.kind = 'municipality' AND o.active = 1 AND (h.day > ? OR h.day = "
			    "(SELECT MAX(x.day) FROM rating_history x WHERE x.org_id = h.org_id AND x.day <= ?)) "
			    "ORDER BY h.org_id, h.day",
			    "tt", since, since);
	if (rc)
		return rc;
	rc = kc_store_collect(s, sizeof(*rows), fill_row, (void **)&rows, &nrows, err);
	if (rc < 0)
		goto out;
	rc = KC_OK;
	/* The days: every distinct day in the window, oldest first. */
	v = calloc(max + 1, sizeof(*v));
	if (!v) {
		rc = kc_err_set(err, KC_ENOMEM, _("out of memory"));
		goto out;
	}
	for (size_t i = 0; i < nrows; i++) {
		size_t j = 0;

		if (strcmp(rows[i].day, since) <= 0)
			continue;
		while (j < nv && strcmp(v[j].day, rows[i].day) < 0)
			j++;
		if (j < nv && !strcmp(v[j].day, rows[i].day))
			continue;
		if (nv == max + 1)
			continue;
		memmove(&v[j + 1], &v[j], (nv - j) * sizeof(*v));
		memset(&v[j], 0, sizeof(*v));
		snprintf(v[j].day, sizeof(v[j].day), "%s", rows[i].day);
		nv++;
	}
	/* Each municipality counts on each day with its latest colour so far. */
	for (size_t i = 0; i <= nrows; i++) {
		if (i == nrows || rows[i].org != org) {
			if (org >= 0) {
				int c = -1;
				size_t kk = k;

				for (size_t j = 0; j < nv; j++) {
					while (kk < i && strcmp(rows[kk].day, v[j].day) <= 0)
						c = rows[kk++].colour;
					if (c >= 0)
						v[j].n[c]++;
				}
			}
			if (i == nrows)
				break;
			org = rows[i].org;
			k = i;
		}
	}
	*out = v;
	*n = nv;
	v = NULL;
out:
	free(rows);
	free(v);
	return rc;
}
