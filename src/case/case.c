/*
 * case.c - cases, their lifecycle and their timeline; see case.h.
 */
#include "case/case.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit/audit.h"
#include "auth/visibility.h"
#include "base/buf.h"
#include "base/time.h"
#include "case/internal.h"
#include "case/tasks.h"
#include "base/kc.h"

extern const char kc_rsit_csv[];

int kc_rsit_valid(const char *taxonomy, const char *type)
{
	size_t tl, yl;

	if (!taxonomy || !type || !*taxonomy || !*type)
		return 0;
	tl = strlen(taxonomy);
	yl = strlen(type);
	for (const char *p = kc_rsit_csv; *p;) {
		const char *nl = strchr(p, '\n');

		if (!strncmp(p, taxonomy, tl) && p[tl] == ',' && !strncmp(p + tl + 1, type, yl) && p[tl + 1 + yl] == ',')
			return 1;
		if (!nl)
			break;
		p = nl + 1;
	}
	return 0;
}

static int is_cert(const kc_actor *a)
{
	return !a->user || a->user->role == KC_ROLE_ADMIN || a->user->role == KC_ROLE_ANALYST;
}

static const char *actor_name(const kc_actor *a)
{
	return a->name ? a->name : a->user ? a->user->name : "kcert";
}

static int valid_in(const char *v, const char *const *set)
{
	for (; *set; set++)
		if (!strcmp(v, *set))
			return 1;
	return 0;
}

static const char *const severities[] = { "lav", "moderat", "alvorlig", "kritisk", NULL };
static const char *const statuses[] = { "reported", "triage", "handling", "recovery", "closed", "merged", "rejected", NULL };
static const char *const yes_no[] = { "yes", "no", "unknown", NULL };

/* Add n working days (Monday to Friday) to t. */
static time_t add_working_days(time_t t, int n)
{
	struct tm tm;

	while (n > 0) {
		t += 86400;
		gmtime_r(&t, &tm);
		if (tm.tm_wday != 0 && tm.tm_wday != 6)
			n--;
	}
	return t;
}

/* The first-response target of a severity: the setting case.response.SEVERITY
 * ("1h", "4h", "1wd" = one working day), else kritisk 1 h, alvorlig 4 h,
 * moderat 1 working day, lav 3 working days. */
static time_t response_due(kc_store *st, const char *severity, time_t now)
{
	char key[64], *v = NULL;
	kc_err e;
	time_t due;

	snprintf(key, sizeof(key), "case.response.%s", severity);
	if (kc_store_setting_get(st, key, &v, &e) == KC_OK && v) {
		size_t len = strlen(v);
		long n = strtol(v, NULL, 10);

		if (len > 2 && !strcmp(v + len - 2, "wd") && n > 0 && n < 60) {
			free(v);
			return add_working_days(now, (int)n);
		}
		if (len > 1 && v[len - 1] == 'h' && n > 0 && n < 24 * 60) {
			free(v);
			return now + n * 3600;
		}
		if (len > 1 && v[len - 1] == 'm' && n > 0 && n < 24 * 60 * 60) {
			free(v);
			return now + n * 60;
		}
	}
	free(v);
	if (!strcmp(severity, "kritisk"))
		due = now + 3600;
	else if (!strcmp(severity, "alvorlig"))
		due = now + 4 * 3600;
	else if (!strcmp(severity, "lav"))
		due = add_working_days(now, 3);
	else
		due = add_working_days(now, 1);
	return due;
}

static int entry(kc_store *st, int64_t case_id, const char *actor, const char *kind, int internal, const char *body,
		 int64_t mail_id, int64_t outbox_id, kc_err *err)
{
	char now[KC_TIME_STRLEN];
	int rc;

	kc_time_now_iso(now);
	rc = kc_store_exec(st, err, NULL,
			   "INSERT INTO case_entry (case_id, at, actor, kind, internal, body, mail_id, outbox_id) "
			   "VALUES (?, ?, ?, ?, ?, ?, NULLIF(?, 0), NULLIF(?, 0))",
			   "ittti" "tii", case_id, now, actor, kind, (int64_t)internal, body ? body : "", mail_id, outbox_id);
	if (!rc && body && *body)
		rc = kc_store_exec(st, err, NULL, "INSERT INTO case_fts (case_id, body) VALUES (?, ?)", "it", case_id, body);
	if (!rc)
		rc = kc_store_exec(st, err, NULL, "UPDATE incident_case SET updated_at = ? WHERE id = ?", "ti", now, case_id);
	return rc;
}

int kc_case_entry_add(kc_store *st, int64_t case_id, const char *actor, const char *kind, int internal,
		      const char *body, int64_t mail_id, int64_t outbox_id, kc_err *err)
{
	return entry(st, case_id, actor, kind, internal, body, mail_id, outbox_id, err);
}

static int finish(kc_store *st, int rc, kc_err *err)
{
	if (rc) {
		kc_store_rollback(st);
		return rc;
	}
	return kc_store_commit(st, err);
}

static int add_tasks(kc_store *st, int64_t id, const char *taxonomy, kc_err *err)
{
	const char *const *titles = kc_case_task_template(taxonomy);
	int64_t have = 0;
	int rc;

	rc = kc_store_scalar_int(st, err, &have, "SELECT count(*) FROM case_task WHERE case_id = ?", "i", id);
	for (int64_t i = 0; !rc && !have && titles[i]; i++)
		rc = kc_store_exec(st, err, NULL, "INSERT INTO case_task (case_id, position, title) VALUES (?, ?, ?)", "iit",
				   id, i + 1, titles[i]);
	return rc;
}

int kc_case_create(kc_store *st, const kc_actor *a, const kc_case_new *n, int64_t *id, kc_err *err)
{
	const char *severity = n->severity ? n->severity : "moderat", *kind = n->kind ? n->kind : "report";
	char now[KC_TIME_STRLEN], due[KC_TIME_STRLEN], discovered[KC_TIME_STRLEN] = "";
	kc_tlp tlp = KC_TLP_AMBER;
	time_t t;
	int rc;

	*id = 0;
	if (!n->title || !*n->title || strlen(n->title) > 200)
		return kc_err_set(err, KC_EINVAL, _("a case needs a title of 1-200 characters"));
	if (n->description && strlen(n->description) > (1u << 20))
		return kc_err_set(err, KC_ETOOBIG, _("the description is longer than 1 MiB"));
	if (!valid_in(severity, severities))
		return kc_err_set(err, KC_EINVAL, _("%s: severity is lav, moderat, alvorlig or kritisk"), severity);
	if (strcmp(kind, "report") && strcmp(kind, "incident"))
		return kc_err_set(err, KC_EINVAL, _("%s: a case is a report or an incident"), kind);
	if (n->tlp && kc_tlp_parse(n->tlp, &tlp))
		return kc_err_set(err, KC_EINVAL, _("%s: not a TLP label"), n->tlp);
	if ((n->personal_data && !valid_in(n->personal_data, yes_no)) || (n->services_down && !valid_in(n->services_down, yes_no)))
		return kc_err_set(err, KC_EINVAL, _("personal data and services down are yes, no or unknown"));
	if ((n->taxonomy || n->type) && !kc_rsit_valid(n->taxonomy, n->type))
		return kc_err_set(err, KC_EINVAL, _("%s/%s: not an RSIT classification and type"), n->taxonomy ? n->taxonomy : "",
				  n->type ? n->type : "");
	if (n->discovered_at && *n->discovered_at) {
		if (kc_time_parse(n->discovered_at, &t))
			return kc_err_set(err, KC_EINVAL, _("%s: not a time"), n->discovered_at);
		kc_time_iso(t, discovered);
	}
	kc_time_now_iso(now);
	kc_time_iso(response_due(st, severity, kc_now()), due);
	rc = kc_store_begin(st, err);
	if (rc)
		return rc;
	rc = kc_store_exec(st, err, id,
			   "INSERT INTO incident_case (kind, title, severity, taxonomy, type, tlp, org_id, channel, reporter, "
			   "reporter_email, discovered_at, systems, personal_data, services_down, reported_to, description, "
			   "first_response_due, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, NULLIF(?, 0), ?, ?, ?, "
			   "NULLIF(?, ''), ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			   "tttttti" "ttttttttt" "ttt", kind, n->title, severity, n->taxonomy, n->type, kc_tlp_name(tlp),
			   n->org_id, n->channel ? n->channel : "cli", n->reporter ? n->reporter : "", n->reporter_email,
			   discovered, n->systems ? n->systems : "", n->personal_data ? n->personal_data : "unknown",
			   n->services_down ? n->services_down : "unknown", n->reported_to ? n->reported_to : "",
			   n->description ? n->description : "", due, now, now);
	if (!rc && n->org_id)
		rc = kc_store_exec(st, err, NULL, "INSERT INTO case_org (case_id, org_id, role) VALUES (?, ?, 'reporter')",
				   "ii", *id, n->org_id);
	if (!rc) {
		kc_buf b;

		kc_buf_init(&b, 2u << 20);
		kc_buf_addf(&b, "%s\n%s", n->title, n->description ? n->description : "");
		rc = entry(st, *id, actor_name(a), "created", 1, NULL, 0, 0, err);
		if (!rc)
			rc = kc_store_exec(st, err, NULL, "INSERT INTO case_fts (case_id, body) VALUES (?, ?)", "it", *id,
					   kc_buf_str(&b));
		kc_buf_release(&b);
	}
	if (!rc && n->taxonomy)
		rc = add_tasks(st, *id, n->taxonomy, err);
	if (!rc) {
		kc_buf b;

		kc_buf_init(&b, 4096);
		kc_buf_addf(&b, "%s %s", n->title, n->description ? n->description : "");
		rc = kc_case_add_observables(st, *id, kc_buf_str(&b), err);
		kc_buf_release(&b);
	}
	if (!rc)
		rc = kc_audit_appendf(st, err, actor_name(a), "case.create", "case", "case %lld (%s, %s): %s",
				      (long long)*id, kind, n->channel ? n->channel : "cli", n->title);
	return finish(st, rc, err);
}

void kc_case_release(kc_case *c)
{
	free(c->description);
	free(c->lessons);
	c->description = c->lessons = NULL;
}

#define CASE_COLS                                                                                                    \
	"c.id, c.kind, COALESCE(c.parent_id, 0), c.title, c.status, c.severity, c.taxonomy, c.type, c.tlp, "        \
	"COALESCE(c.org_id, 0), o.slug, o.name, COALESCE(c.assignee_id, 0), u.name, c.channel, c.reporter, "        \
	"c.reporter_email, c.discovered_at, c.systems, c.personal_data, c.services_down, c.reported_to, "           \
	"c.first_response_due, c.first_response_at, c.created_at, c.updated_at, c.closed_at, "                      \
	"(SELECT MIN(d) FROM (SELECT CASE WHEN c.first_response_at IS NULL AND c.status IN ('reported', 'triage', " \
	"'handling', 'recovery') THEN c.first_response_due END AS d UNION ALL SELECT k.due_at FROM case_clock k "   \
	"WHERE k.case_id = c.id AND k.met_at IS NULL AND c.status NOT IN ('closed', 'merged', 'rejected')) AS x) "   \
	"AS next_due "
#define CASE_FROM                                                                                                    \
	"FROM incident_case c LEFT JOIN org o ON o.id = c.org_id LEFT JOIN app_user u ON u.id = c.assignee_id "

static void fill_case(kc_stmt *s, void *rec)
{
	kc_case *c = rec;
	char now[KC_TIME_STRLEN];
	const char *v;

	memset(c, 0, sizeof(*c));
	c->id = kc_stmt_int(s, 0);
#define COPY(f, col) snprintf(c->f, sizeof(c->f), "%s", (v = kc_stmt_text(s, col)) ? v : "")
	COPY(kind, 1);
	c->parent_id = kc_stmt_int(s, 2);
	COPY(title, 3);
	COPY(status, 4);
	COPY(severity, 5);
	COPY(taxonomy, 6);
	COPY(type, 7);
	COPY(tlp, 8);
	c->org_id = kc_stmt_int(s, 9);
	COPY(org, 10);
	COPY(org_name, 11);
	c->assignee_id = kc_stmt_int(s, 12);
	COPY(assignee, 13);
	COPY(channel, 14);
	COPY(reporter, 15);
	COPY(reporter_email, 16);
	COPY(discovered_at, 17);
	COPY(systems, 18);
	COPY(personal_data, 19);
	COPY(services_down, 20);
	COPY(reported_to, 21);
	COPY(first_response_due, 22);
	COPY(first_response_at, 23);
	COPY(created_at, 24);
	COPY(updated_at, 25);
	COPY(closed_at, 26);
	COPY(next_due, 27);
#undef COPY
	kc_time_now_iso(now);
	c->overdue = c->next_due[0] && strcmp(c->next_due, now) < 0;
}

/* May the actor see case c? The CERT all; a member when one of its
 * organisations is involved and the TLP allows; a partner when the case was
 * shared with its team. */
static int may_see(kc_store *st, const kc_actor *a, const kc_case *c)
{
	int64_t orgs[32], partners[32];
	size_t norgs = 0, npartners = 0;
	kc_share share = { 0 };
	kc_tlp tlp = KC_TLP_AMBER;
	kc_stmt *s;
	kc_err e;
	int ok = 0;

	if (is_cert(a))
		return a->user == NULL || kc_may_read(a->user, c->org_id, kc_tlp_parse(c->tlp, &tlp) ? KC_TLP_RED : tlp, NULL);
	kc_tlp_parse(c->tlp, &tlp);
	if (!kc_store_query(st, &e, &s, "SELECT org_id FROM case_org WHERE case_id = ? AND role <> 'partner'", "i", c->id)) {
		while (norgs < 32 && kc_stmt_step(s, &e) == KC_ROW)
			orgs[norgs++] = kc_stmt_int(s, 0);
		kc_stmt_finalize(s);
	}
	if (!kc_store_query(st, &e, &s, "SELECT DISTINCT partner_id FROM case_share WHERE case_id = ?", "i", c->id)) {
		while (npartners < 32 && kc_stmt_step(s, &e) == KC_ROW)
			partners[npartners++] = kc_stmt_int(s, 0);
		kc_stmt_finalize(s);
	}
	share.orgs = partners;
	share.norgs = npartners;
	for (size_t i = 0; i < norgs && !ok; i++)
		ok = kc_may_read(a->user, orgs[i], tlp, &share);
	if (!ok && a->user->role == KC_ROLE_PARTNER)
		for (size_t i = 0; i < npartners && !ok; i++)
			ok = kc_user_in_org(a->user, partners[i]) && kc_may_read(a->user, c->org_id, tlp, &share);
	return ok;
}

int kc_case_get(kc_store *st, const kc_actor *a, int64_t id, kc_case *out, kc_err *err)
{
	kc_stmt *s;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = kc_store_query(st, err, &s, "SELECT " CASE_COLS ", c.description, c.lessons " CASE_FROM "WHERE c.id = ?", "i",
			    id);
	if (rc)
		return rc;
	rc = kc_stmt_step(s, err);
	if (rc == KC_ROW) {
		const char *d = kc_stmt_text(s, 28), *l = kc_stmt_text(s, 29);

		fill_case(s, out);
		out->description = strdup(d ? d : "");
		out->lessons = l ? strdup(l) : NULL;
		rc = KC_OK;
	} else if (rc == KC_DONE) {
		rc = KC_ENOENT;
	}
	kc_stmt_finalize(s);
	if (rc == KC_OK && !may_see(st, a, out)) {
		kc_case_release(out);
		rc = KC_ENOENT;
	}
	if (rc == KC_ENOENT)
		return kc_err_set(err, KC_ENOENT, _("no case %lld"), (long long)id);
	return rc;
}

int kc_case_list(kc_store *st, const kc_actor *a, const kc_case_filter *f, kc_case **out, size_t *n, kc_err *err)
{
	const char *q = f->queue ? f->queue : "open";
	char now[KC_TIME_STRLEN], orgs[600] = "";
	kc_case *v = NULL;
	size_t nv = 0, keep = 0;
	kc_buf sql;
	kc_stmt *s;
	int rc, pg = !strcmp(kc_store_engine(st), "postgresql");

	*out = NULL;
	*n = 0;
	kc_time_now_iso(now);
	if (!is_cert(a)) { /* only cases of the user's own organisations, or shared with its team */
		size_t len = 0;

		for (size_t i = 0; i < a->user->norgs && len < sizeof(orgs) - 24; i++)
			len += (size_t)snprintf(orgs + len, sizeof(orgs) - len, "%s%lld", i ? "," : "",
						(long long)a->user->orgs[i]);
		if (!len)
			return KC_OK;
	}
	kc_buf_init(&sql, 8192);
	kc_buf_adds(&sql, "SELECT " CASE_COLS CASE_FROM "WHERE (? = 0 OR c.org_id = ? OR EXISTS (SELECT 1 FROM case_org co "
			  "WHERE co.case_id = c.id AND co.org_id = ?)) AND (CAST(? AS TEXT) IS NULL OR c.taxonomy = ?) ");
	if (orgs[0])
		kc_buf_addf(&sql,
			    "AND (EXISTS (SELECT 1 FROM case_org co WHERE co.case_id = c.id AND co.role <> 'partner' AND "
			    "co.org_id IN (%s)) OR EXISTS (SELECT 1 FROM case_share cs WHERE cs.case_id = c.id AND "
			    "cs.partner_id IN (%s))) ",
			    orgs, orgs);
	if (!strcmp(q, "open") || !strcmp(q, "mine") || !strcmp(q, "unassigned") || !strcmp(q, "overdue"))
		kc_buf_adds(&sql, "AND c.status IN ('reported', 'triage', 'handling', 'recovery') ");
	else if (!strcmp(q, "closed"))
		kc_buf_adds(&sql, "AND c.status IN ('closed', 'merged', 'rejected') ");
	else if (strcmp(q, "all")) {
		kc_buf_release(&sql);
		return kc_err_set(err, KC_EINVAL, _("%s: the queue is open, mine, unassigned, overdue, closed or all"), q);
	}
	if (!strcmp(q, "mine"))
		kc_buf_addf(&sql, "AND c.assignee_id = %lld ", (long long)(a->user ? a->user->id : -1));
	if (!strcmp(q, "unassigned"))
		kc_buf_adds(&sql, "AND c.assignee_id IS NULL ");
	if (f->search && *f->search)
		kc_buf_adds(&sql, pg ? "AND c.id IN (SELECT case_id FROM case_fts WHERE doc @@ plainto_tsquery('simple', ?)) "
				     : "AND c.id IN (SELECT case_id FROM case_fts WHERE case_fts MATCH ?) ");
	else
		kc_buf_adds(&sql, "AND (CAST(? AS TEXT) IS NULL) ");
	/* Overdue and due soon first (column 28, next_due), then the newest. */
	kc_buf_adds(&sql, "ORDER BY 28 ASC NULLS LAST, 1 DESC LIMIT ? OFFSET ?");
	{
		char fts[600] = "";
		const char *search = NULL;

		if (f->search && *f->search) {
			/* FTS5: every word as a quoted term (no operators from users). */
			size_t len = 0;

			if (pg) {
				snprintf(fts, sizeof(fts), "%s", f->search);
			} else {
				for (const char *p = f->search; *p && len < sizeof(fts) - 8;) {
					size_t w;

					while (*p == ' ' || *p == '\t')
						p++;
					w = strcspn(p, " \t");
					if (!w)
						break;
					fts[len++] = '"';
					for (size_t i = 0; i < w && len < sizeof(fts) - 6; i++) {
						if (p[i] == '"')
							fts[len++] = '"';
						fts[len++] = p[i];
					}
					fts[len++] = '"';
					fts[len++] = ' ';
					p += w;
				}
				fts[len] = '\0';
			}
			search = fts;
		}
		rc = kc_store_query(st, err, &s, kc_buf_str(&sql), "iiittt" "ii", f->org_id, f->org_id, f->org_id, f->taxonomy,
				    f->taxonomy, search, (int64_t)(f->limit ? f->limit : 200), (int64_t)f->offset);
	}
	kc_buf_release(&sql);
	if (rc)
		return rc;
	rc = kc_store_collect(s, sizeof(kc_case), fill_case, (void **)&v, &nv, err);
	if (rc)
		return rc;
	for (size_t i = 0; i < nv; i++) {
		if (!strcmp(q, "overdue") && !v[i].overdue)
			continue;
		if (!is_cert(a) && !may_see(st, a, &v[i]))
			continue;
		v[keep++] = v[i];
	}
	*out = v;
	*n = keep;
	return KC_OK;
}

/* Get the case for a change: the CERT only. */
static int for_change(kc_store *st, const kc_actor *a, int64_t id, kc_case *c, kc_err *err)
{
	int rc = kc_case_get(st, a, id, c, err);

	if (rc)
		return rc;
	kc_case_release(c);
	if (!is_cert(a))
		return kc_err_set(err, KC_EPERM, _("only the CERT's analysts change cases"));
	return KC_OK;
}

int kc_case_set_status(kc_store *st, const kc_actor *a, int64_t id, const char *status, const char *lessons,
		       kc_err *err)
{
	char now[KC_TIME_STRLEN], body[300];
	kc_case c;
	int rc;

	if (!valid_in(status, statuses) || !strcmp(status, "merged"))
		return kc_err_set(err, KC_EINVAL,
				  _("%s: the status is reported, triage, handling, recovery, closed or rejected (merge with kcert case merge)"),
				  status);
	rc = for_change(st, a, id, &c, err);
	if (rc)
		return rc;
	if (!strcmp(c.status, "merged"))
		return kc_err_set(err, KC_EINVAL, _("case %lld is merged into case %lld; split it first"), (long long)id,
				  (long long)c.parent_id);
	if (!strcmp(status, "closed") && (!lessons || !*lessons))
		return kc_err_set(err, KC_EINVAL, _("closing a case needs its lessons learned (--lessons TEXT)"));
	kc_time_now_iso(now);
	snprintf(body, sizeof(body), "%s -> %s", c.status, status);
	rc = kc_store_begin(st, err);
	if (rc)
		return rc;
	rc = kc_store_exec(st, err, NULL,
			   "UPDATE incident_case SET status = ?, lessons = COALESCE(?, lessons), closed_at = CASE WHEN ? IN "
			   "('closed', 'rejected') THEN ? ELSE NULL END WHERE id = ?",
			   "tttti", status, lessons, status, now, id);
	if (!rc)
		rc = entry(st, id, actor_name(a), "status", 1, body, 0, 0, err);
	if (!rc && lessons && *lessons)
		rc = entry(st, id, actor_name(a), "note", 1, lessons, 0, 0, err);
	if (!rc)
		rc = kc_audit_appendf(st, err, actor_name(a), "case.status", "case", "case %lld: %s", (long long)id, body);
	return finish(st, rc, err);
}

int kc_case_assign(kc_store *st, const kc_actor *a, int64_t id, const char *user, kc_err *err)
{
	kc_user u = { 0 };
	kc_case c;
	int rc;

	rc = for_change(st, a, id, &c, err);
	if (rc)
		return rc;
	if (user && *user) {
		rc = kc_user_get(st, user, &u, err);
		if (rc)
			return rc;
		if (u.role != KC_ROLE_ADMIN && u.role != KC_ROLE_ANALYST)
			return kc_err_set(err, KC_EINVAL, _("%s is not one of the CERT's analysts"), user);
	}
	rc = kc_store_begin(st, err);
	if (rc)
		return rc;
	rc = kc_store_exec(st, err, NULL, "UPDATE incident_case SET assignee_id = NULLIF(?, 0) WHERE id = ?", "ii", u.id, id);
	if (!rc)
		rc = entry(st, id, actor_name(a), "assign", 1, u.id ? u.name : "-", 0, 0, err);
	if (!rc)
		rc = kc_audit_appendf(st, err, actor_name(a), "case.assign", "case", "case %lld to %s", (long long)id,
				      u.id ? u.name : "nobody");
	return finish(st, rc, err);
}

int kc_case_classify(kc_store *st, const kc_actor *a, int64_t id, const char *taxonomy, const char *type,
		     const char *severity, const char *tlp, const char *title, kc_err *err)
{
	char body[400], due[KC_TIME_STRLEN];
	kc_tlp t;
	kc_case c;
	int rc;

	if ((taxonomy || type) && !kc_rsit_valid(taxonomy, type))
		return kc_err_set(err, KC_EINVAL, _("%s/%s: not an RSIT classification and type"), taxonomy ? taxonomy : "",
				  type ? type : "");
	if (severity && !valid_in(severity, severities))
		return kc_err_set(err, KC_EINVAL, _("%s: severity is lav, moderat, alvorlig or kritisk"), severity);
	if (tlp && kc_tlp_parse(tlp, &t))
		return kc_err_set(err, KC_EINVAL, _("%s: not a TLP label"), tlp);
	if (title && (!*title || strlen(title) > 200))
		return kc_err_set(err, KC_EINVAL, _("a case needs a title of 1-200 characters"));
	rc = for_change(st, a, id, &c, err);
	if (rc)
		return rc;
	snprintf(body, sizeof(body), "%s/%s %s %s", taxonomy ? taxonomy : c.taxonomy, type ? type : c.type,
		 severity ? severity : c.severity, tlp ? kc_tlp_name(t) : c.tlp);
	/* A new severity moves the first-response target, from the case's creation. */
	due[0] = '\0';
	if (severity && strcmp(severity, c.severity)) {
		time_t created = 0;

		kc_time_parse(c.created_at, &created);
		kc_time_iso(response_due(st, severity, created), due);
	}
	rc = kc_store_begin(st, err);
	if (rc)
		return rc;
	rc = kc_store_exec(st, err, NULL,
			   "UPDATE incident_case SET taxonomy = COALESCE(?, taxonomy), type = COALESCE(?, type), "
			   "severity = COALESCE(?, severity), tlp = COALESCE(?, tlp), title = COALESCE(?, title), "
			   "first_response_due = COALESCE(NULLIF(?, ''), first_response_due) WHERE id = ?",
			   "tttttti", taxonomy, type, severity, tlp ? kc_tlp_name(t) : NULL, title, due, id);
	if (!rc)
		rc = entry(st, id, actor_name(a), "classify", 1, body, 0, 0, err);
	if (!rc && taxonomy)
		rc = add_tasks(st, id, taxonomy, err);
	if (!rc)
		rc = kc_audit_appendf(st, err, actor_name(a), "case.classify", "case", "case %lld: %s", (long long)id, body);
	return finish(st, rc, err);
}

int kc_case_add_org(kc_store *st, const kc_actor *a, int64_t id, int64_t org_id, const char *role, kc_err *err)
{
	char body[64];
	kc_case c;
	int rc;

	if (strcmp(role, "affected") && strcmp(role, "reporter") && strcmp(role, "partner"))
		return kc_err_set(err, KC_EINVAL, _("%s: the role is affected, reporter or partner"), role);
	rc = for_change(st, a, id, &c, err);
	if (rc)
		return rc;
	snprintf(body, sizeof(body), "org #%lld %s", (long long)org_id, role);
	rc = kc_store_begin(st, err);
	if (rc)
		return rc;
	rc = kc_store_exec(st, err, NULL,
			   "INSERT INTO case_org (case_id, org_id, role) VALUES (?, ?, ?) ON CONFLICT (case_id, org_id) "
			   "DO UPDATE SET role = excluded.role",
			   "iit", id, org_id, role);
	if (!rc && !c.org_id)
		rc = kc_store_exec(st, err, NULL, "UPDATE incident_case SET org_id = ? WHERE id = ?", "ii", org_id, id);
	if (!rc)
		rc = entry(st, id, actor_name(a), "note", 1, body, 0, 0, err);
	if (!rc)
		rc = kc_audit_appendf(st, err, actor_name(a), "case.org", "case", "case %lld: %s", (long long)id, body);
	return finish(st, rc, err);
}

int kc_case_note(kc_store *st, const kc_actor *a, int64_t id, const char *text, kc_err *err)
{
	kc_case c;
	int rc;

	if (!text || !*text)
		return kc_err_set(err, KC_EINVAL, _("the note is empty"));
	if (strlen(text) > (1u << 20))
		return kc_err_set(err, KC_ETOOBIG, _("the note is longer than 1 MiB"));
	rc = for_change(st, a, id, &c, err);
	if (rc)
		return rc;
	rc = kc_store_begin(st, err);
	if (rc)
		return rc;
	rc = entry(st, id, actor_name(a), "note", 1, text, 0, 0, err);
	if (!rc)
		rc = kc_case_add_observables(st, id, text, err);
	if (!rc)
		rc = kc_audit_appendf(st, err, actor_name(a), "case.note", "case", "case %lld", (long long)id);
	return finish(st, rc, err);
}

int kc_case_merge(kc_store *st, const kc_actor *a, int64_t report, int64_t incident, kc_err *err)
{
	char body[100];
	kc_case r, i;
	int rc;

	if (report == incident)
		return kc_err_set(err, KC_EINVAL, _("a case cannot be merged into itself"));
	rc = for_change(st, a, report, &r, err);
	if (!rc)
		rc = for_change(st, a, incident, &i, err);
	if (rc)
		return rc;
	if (strcmp(r.kind, "report"))
		return kc_err_set(err, KC_EINVAL, _("case %lld is an incident; only reports are merged into incidents"),
				  (long long)report);
	if (strcmp(i.kind, "incident"))
		return kc_err_set(err, KC_EINVAL, _("case %lld is a report; merge into an incident (kcert case new --incident)"),
				  (long long)incident);
	if (!strcmp(r.status, "merged"))
		return kc_err_set(err, KC_EINVAL, _("case %lld is merged already"), (long long)report);
	rc = kc_store_begin(st, err);
	if (rc)
		return rc;
	rc = kc_store_exec(st, err, NULL, "UPDATE incident_case SET status = 'merged', parent_id = ? WHERE id = ?", "ii",
			   incident, report);
	/* The incident involves the report's organisations. */
	if (!rc)
		rc = kc_store_exec(st, err, NULL,
				   "INSERT INTO case_org (case_id, org_id, role) SELECT ?, org_id, 'affected' FROM case_org "
				   "WHERE case_id = ? AND role <> 'partner' ON CONFLICT (case_id, org_id) DO NOTHING",
				   "ii", incident, report);
	if (!rc)
		rc = kc_store_exec(st, err, NULL,
				   "INSERT INTO case_observable (case_id, observable_id, added_at) SELECT ?, observable_id, "
				   "added_at FROM case_observable WHERE case_id = ? ON CONFLICT (case_id, observable_id) DO NOTHING",
				   "ii", incident, report);
	snprintf(body, sizeof(body), "#%lld -> #%lld", (long long)report, (long long)incident);
	if (!rc)
		rc = entry(st, report, actor_name(a), "merge", 1, body, 0, 0, err);
	if (!rc)
		rc = entry(st, incident, actor_name(a), "merge", 1, body, 0, 0, err);
	if (!rc)
		rc = kc_audit_appendf(st, err, actor_name(a), "case.merge", "case", "case %s", body);
	return finish(st, rc, err);
}

int kc_case_split(kc_store *st, const kc_actor *a, int64_t report, kc_err *err)
{
	char body[100];
	kc_case r;
	int rc;

	rc = for_change(st, a, report, &r, err);
	if (rc)
		return rc;
	if (strcmp(r.status, "merged"))
		return kc_err_set(err, KC_EINVAL, _("case %lld is not merged"), (long long)report);
	snprintf(body, sizeof(body), "#%lld <- #%lld", (long long)report, (long long)r.parent_id);
	rc = kc_store_begin(st, err);
	if (rc)
		return rc;
	rc = kc_store_exec(st, err, NULL, "UPDATE incident_case SET status = 'triage', parent_id = NULL WHERE id = ?", "i",
			   report);
	if (!rc)
		rc = entry(st, report, actor_name(a), "split", 1, body, 0, 0, err);
	if (!rc)
		rc = entry(st, r.parent_id, actor_name(a), "split", 1, body, 0, 0, err);
	if (!rc)
		rc = kc_audit_appendf(st, err, actor_name(a), "case.split", "case", "case %s", body);
	return finish(st, rc, err);
}

static const struct {
	const char *kind;
	int hours; /* 0: straks (now) */
} clock_kinds[] = { { "gdpr-33", 72 }, { "digitalsikkerhetsloven", 24 }, { "sikkerhetsloven", 0 } };

int kc_case_clock_start(kc_store *st, const kc_actor *a, int64_t id, const char *kind, const char *from, kc_err *err)
{
	char start[KC_TIME_STRLEN], due[KC_TIME_STRLEN], body[200];
	time_t t = kc_now();
	int hours = -1;
	kc_case c;
	int rc;

	for (size_t i = 0; i < KC_ARRAY_LEN(clock_kinds); i++)
		if (!strcmp(kind, clock_kinds[i].kind))
			hours = clock_kinds[i].hours;
	if (hours < 0)
		return kc_err_set(err, KC_EINVAL, _("%s: the clock is gdpr-33, digitalsikkerhetsloven or sikkerhetsloven"),
				  kind);
	if (from && *from && kc_time_parse(from, &t))
		return kc_err_set(err, KC_EINVAL, _("%s: not a time"), from);
	rc = for_change(st, a, id, &c, err);
	if (rc)
		return rc;
	kc_time_iso(t, start);
	kc_time_iso(t + (time_t)hours * 3600, due);
	snprintf(body, sizeof(body), "%s %s -> %s", kind, start, due);
	rc = kc_store_begin(st, err);
	if (rc)
		return rc;
	rc = kc_store_exec(st, err, NULL,
			   "INSERT INTO case_clock (case_id, kind, started_at, due_at, started_by) VALUES (?, ?, ?, ?, ?)",
			   "ittt" "t", id, kind, start, due, actor_name(a));
	if (rc && (strstr(err->msg, "UNIQUE") || strstr(err->msg, "unique") || rc == KC_EEXIST))
		rc = kc_err_set(err, KC_EEXIST, _("the %s clock of case %lld runs already"), kind, (long long)id);
	if (!rc)
		rc = entry(st, id, actor_name(a), "clock", 1, body, 0, 0, err);
	if (!rc)
		rc = kc_audit_appendf(st, err, actor_name(a), "case.clock", "case", "case %lld: %s", (long long)id, body);
	return finish(st, rc, err);
}

int kc_case_clock_met(kc_store *st, const kc_actor *a, int64_t id, const char *kind, kc_err *err)
{
	char now[KC_TIME_STRLEN], body[200];
	int64_t cid = 0;
	kc_case c;
	int rc;

	rc = for_change(st, a, id, &c, err);
	if (rc)
		return rc;
	kc_time_now_iso(now);
	rc = kc_store_begin(st, err);
	if (rc)
		return rc;
	rc = kc_store_exec(st, err, &cid,
			   "UPDATE case_clock SET met_at = ? WHERE case_id = ? AND kind = ? AND met_at IS NULL RETURNING id",
			   "tit", now, id, kind);
	if (!rc && !cid)
		rc = kc_err_set(err, KC_ENOENT, _("case %lld has no running %s clock"), (long long)id, kind);
	snprintf(body, sizeof(body), "%s met %s", kind, now);
	if (!rc)
		rc = entry(st, id, actor_name(a), "clock", 1, body, 0, 0, err);
	if (!rc)
		rc = kc_audit_appendf(st, err, actor_name(a), "case.clock", "case", "case %lld: %s", (long long)id, body);
	return finish(st, rc, err);
}

int kc_case_task_done(kc_store *st, const kc_actor *a, int64_t id, int64_t task, int done, kc_err *err)
{
	char now[KC_TIME_STRLEN], body[300];
	int64_t tid = 0;
	kc_case c;
	int rc;

	rc = for_change(st, a, id, &c, err);
	if (rc)
		return rc;
	kc_time_now_iso(now);
	rc = kc_store_begin(st, err);
	if (rc)
		return rc;
	rc = kc_store_exec(st, err, &tid,
			   "UPDATE case_task SET done_at = CASE WHEN ? = 1 THEN ? ELSE NULL END, done_by = CASE WHEN ? = 1 "
			   "THEN ? ELSE NULL END WHERE case_id = ? AND position = ? RETURNING id",
			   "itit" "ii", (int64_t)(done != 0), now, (int64_t)(done != 0), actor_name(a), id, task);
	if (!rc && !tid)
		rc = kc_err_set(err, KC_ENOENT, _("case %lld has no task %lld"), (long long)id, (long long)task);
	snprintf(body, sizeof(body), "task %lld %s", (long long)task, done ? "done" : "open");
	if (!rc)
		rc = entry(st, id, actor_name(a), "task", 1, body, 0, 0, err);
	return finish(st, rc, err);
}

int kc_case_message(kc_store *st, const kc_actor *a, int64_t id, const char *text, kc_err *err)
{
	kc_case c;
	int rc;

	if (!text || !*text)
		return kc_err_set(err, KC_EINVAL, _("the message is empty"));
	if (strlen(text) > (1u << 20))
		return kc_err_set(err, KC_ETOOBIG, _("the message is longer than 1 MiB"));
	rc = kc_case_get(st, a, id, &c, err); /* whoever may see the case may write to it */
	if (rc)
		return rc;
	kc_case_release(&c);
	if (a->user && a->user->role == KC_ROLE_PARTNER)
		return kc_err_set(err, KC_EPERM, _("partners answer by e-mail, keeping the case's tag in the subject"));
	rc = kc_store_begin(st, err);
	if (rc)
		return rc;
	rc = entry(st, id, actor_name(a), "mail-in", 0, text, 0, 0, err);
	if (!rc)
		rc = kc_case_add_observables(st, id, text, err);
	if (!rc)
		rc = kc_audit_appendf(st, err, actor_name(a), "case.message", "case", "case %lld: message from %s",
				      (long long)id, actor_name(a));
	return finish(st, rc, err);
}

size_t kc_rsit_list(char (*out)[96], size_t max)
{
	size_t n = 0;
	int header = 1;

	for (const char *p = kc_rsit_csv; *p && n < max;) {
		size_t a = strcspn(p, ",\n"), b;
		const char *nl = strchr(p, '\n');

		if (p[a] == ',') {
			b = strcspn(p + a + 1, ",\n");
			if (!header && a + b + 2 <= sizeof(out[0]))
				snprintf(out[n++], sizeof(out[0]), "%.*s/%.*s", (int)a, p, (int)b, p + a + 1);
		}
		header = 0;
		if (!nl)
			break;
		p = nl + 1;
	}
	return n;
}
