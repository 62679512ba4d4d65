/*
 * situation.c - the situational picture as figures; see situation.h.
 */
#include "picture/situation.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "base/time.h"
#include "base/kc.h"
#include "picture/window.h"

int kc_threat_level_set(kc_store *st, const char *actor, int level, const char *rationale, kc_err *err)
{
	char now[KC_TIME_STRLEN];
	int rc;

	if (level < 1 || level > 5)
		return kc_err_set(err, KC_EINVAL, _("the threat level is 1 (low) to 5 (critical)"));
	if (!rationale || !*rationale || strlen(rationale) > 1000)
		return kc_err_set(err, KC_EINVAL, _("give the rationale for the threat level (1-1000 characters)"));
	kc_time_now_iso(now);
	rc = kc_store_begin(st, err);
	if (!rc)
		rc = kc_store_exec(st, err, NULL,
				   "INSERT INTO threat_level (level, rationale, set_by, set_at) VALUES (?, ?, ?, ?)", "itt" "t",
				   (int64_t)level, rationale, actor, now);
	if (!rc)
		rc = kc_audit_appendf(st, err, actor, "threat.level", "national", "level %d: %s", level, rationale);
	if (rc) {
		kc_store_rollback(st);
		return rc;
	}
	return kc_store_commit(st, err);
}

static void fill_level(kc_stmt *s, void *rec)
{
	kc_threat_level *l = rec;

	l->level = (int)kc_stmt_int(s, 0);
	snprintf(l->rationale, sizeof(l->rationale), "%s", kc_stmt_text(s, 1));
	snprintf(l->set_by, sizeof(l->set_by), "%s", kc_stmt_text(s, 2));
	snprintf(l->set_at, sizeof(l->set_at), "%s", kc_stmt_text(s, 3));
}

int kc_threat_level_history(kc_store *st, size_t max, kc_threat_level **out, size_t *n, kc_err *err)
{
	kc_stmt *s;
	int rc;

	rc = kc_store_query(st, err, &s,
			    "SELECT level, rationale, set_by, set_at FROM threat_level ORDER BY id DESC LIMIT ?", "i",
			    (int64_t)(max ? max : 50));
	if (rc)
		return rc;
	return kc_store_collect(s, sizeof(kc_threat_level), fill_level, (void **)out, n, err);
}

int kc_situation_get(kc_store *st, int64_t org_id, kc_situation *out, kc_err *err)
{
	return kc_situation_get_at(st, org_id, kc_now(), out, err);
}

int kc_situation_get_at(kc_store *st, int64_t org_id, time_t at, kc_situation *out, kc_err *err)
{
	static const char *const sev[] = { "lav", "moderat", "alvorlig", "kritisk" };
	static const char *const phase[] = { "reported", "triage", "handling", "recovery" };
	char now[KC_TIME_STRLEN], soon[KC_TIME_STRLEN];
	kc_threat_level *lv = NULL;
	size_t nlv = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	kc_time_iso(at, now);
	kc_time_iso(at + 86400, soon);
	rc = kc_threat_level_history(st, 1, &lv, &nlv, err);
	if (!rc && nlv)
		out->level = lv[0];
	free(lv);
	for (int i = 0; !rc && i < 4; i++)
		rc = kc_store_scalar_int(st, err, &out->cases_by_severity[i],
					 "SELECT count(*) FROM incident_case c WHERE c.severity = ? AND c.status IN ('reported', "
					 "'triage', 'handling', 'recovery') AND (? = 0 OR EXISTS (SELECT 1 FROM case_org co WHERE "
					 "co.case_id = c.id AND co.org_id = ? AND co.role <> 'partner'))",
					 "tii", sev[i], org_id, org_id);
	for (int i = 0; !rc && i < 4; i++)
		rc = kc_store_scalar_int(st, err, &out->cases_by_phase[i],
					 "SELECT count(*) FROM incident_case c WHERE c.status = ? AND (? = 0 OR EXISTS (SELECT 1 "
					 "FROM case_org co WHERE co.case_id = c.id AND co.org_id = ? AND co.role <> 'partner'))",
					 "tii", phase[i], org_id, org_id);
	if (!rc)
		rc = kc_store_scalar_int(st, err, &out->cases_overdue,
					 "SELECT count(*) FROM incident_case c WHERE c.status IN ('reported', 'triage', 'handling', "
					 "'recovery') AND ((c.first_response_at IS NULL AND c.first_response_due < ?) OR EXISTS "
					 "(SELECT 1 FROM case_clock k WHERE k.case_id = c.id AND k.met_at IS NULL AND k.due_at < ?)) "
					 "AND (? = 0 OR EXISTS (SELECT 1 FROM case_org co WHERE co.case_id = c.id AND co.org_id = ? "
					 "AND co.role <> 'partner'))",
					 "ttii", now, now, org_id, org_id);
	if (!rc)
		rc = kc_store_scalar_int(st, err, &out->clocks_due_24h,
					 "SELECT count(*) FROM case_clock k JOIN incident_case c ON c.id = k.case_id WHERE "
					 "k.met_at IS NULL AND k.due_at < ? AND c.status NOT IN ('closed', 'merged', 'rejected') AND "
					 "(? = 0 OR EXISTS (SELECT 1 FROM case_org co WHERE co.case_id = c.id AND co.org_id = ? AND "
					 "co.role <> 'partner'))",
					 "tii", soon, org_id, org_id);
	if (!rc)
		rc = kc_event_window_open(st, org_id, at, &out->window, err);
	if (!rc)
		rc = kc_event_window_types(out->window, 50, &out->types, &out->ntypes, err);
	if (!rc && !org_id)
		rc = kc_event_window_orgs(out->window, 50, &out->orgs, &out->norgs, err);
	if (rc)
		kc_situation_release(out);
	return rc;
}

void kc_situation_release(kc_situation *s)
{
	free(s->types);
	free(s->orgs);
	kc_event_window_free(s->window);
	s->window = NULL;
	s->types = s->orgs = NULL;
	s->ntypes = s->norgs = 0;
}
