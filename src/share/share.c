/*
 * share.c - shareable marks and the partner CERTs of each community.
 *
 * A mark is the analyst's decision that something may leave kcert, under a
 * TLP, to a community. Adding and removing one is audited in the same
 * transaction. The marks are read by stix_out.c, which makes the objects.
 */
#include "share/share.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "base/time.h"
#include "base/kc.h"

int kc_community_valid(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n < 1 || n > KC_COMMUNITY_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!(islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) || s[i] == '-'))
			return 0;
	return 1;
}

/* CVE-YYYY-NNNN (4 or more digits) or KCERT-YYYY-NNNN. */
static int ref_valid(const char *kind, const char *ref)
{
	const char *p;
	size_t d;

	if (!ref)
		return 0;
	if (!strcmp(kind, "vulnerability")) {
		if (strncmp(ref, "CVE-", 4))
			return 0;
		p = ref + 4;
	} else {
		if (strncmp(ref, "KCERT-", 6))
			return 0;
		p = ref + 6;
	}
	if (strspn(p, "0123456789") != 4 || p[4] != '-')
		return 0;
	d = strspn(p + 5, "0123456789");
	return d >= 4 && d <= 12 && !p[5 + d];
}

static int object_exists(kc_store *st, const char *kind, int64_t id, kc_err *err)
{
	const char *sql = !strcmp(kind, "case")	   ? "SELECT count(*) FROM incident_case WHERE id = ?"
			  : !strcmp(kind, "event") ? "SELECT count(*) FROM event WHERE id = ?"
						   : "SELECT count(*) FROM observable WHERE id = ?";
	int64_t n = 0;
	int rc = kc_store_scalar_int(st, err, &n, sql, "i", id);

	if (rc)
		return rc;
	if (!n)
		return kc_err_set(err, KC_ENOENT, _("there is no %s %lld"), kind, (long long)id);
	return KC_OK;
}

static int check_new(kc_store *st, const kc_share_mark_new *m, kc_tlp *tlp, kc_err *err)
{
	time_t t;

	if (!m->kind)
		return kc_err_set(err, KC_EINVAL, "%s", _("say what to mark: case, event, events, observable, vulnerability or advisory"));
	if (!m->tlp || kc_tlp_parse(m->tlp, tlp))
		return kc_err_set(err, KC_EINVAL, _("%s: not a TLP label (CLEAR, GREEN or AMBER)"), m->tlp ? m->tlp : "");
	if (*tlp > KC_TLP_AMBER)
		return kc_err_set(err, KC_EPERM, _("TLP:%s cannot be shared with a community: AMBER+STRICT stays with the organisation, RED with its named recipients"),
				  kc_tlp_name(*tlp));
	if (!kc_community_valid(m->community))
		return kc_err_set(err, KC_EINVAL, _("%s: a community is 1-48 lower-case letters, digits and '-'"),
				  m->community ? m->community : "");
	if (!strcmp(m->kind, "case") || !strcmp(m->kind, "event") || !strcmp(m->kind, "observable")) {
		if (m->object_id <= 0)
			return kc_err_set(err, KC_EINVAL, _("%s: give its number"), m->kind);
		return object_exists(st, m->kind, m->object_id, err);
	}
	if (!strcmp(m->kind, "vulnerability") || !strcmp(m->kind, "advisory")) {
		if (!ref_valid(m->kind, m->ref))
			return kc_err_set(err, KC_EINVAL, _("%s: not a %s"), m->ref ? m->ref : "",
					  !strcmp(m->kind, "vulnerability") ? "CVE-YYYY-NNNN" : "KCERT-YYYY-NNNN");
		return KC_OK;
	}
	if (!strcmp(m->kind, "events")) {
		if (!m->set_org_id && !m->set_type && !m->set_since)
			return kc_err_set(err, KC_EINVAL, "%s", _("a set of events needs --org, --type or --since"));
		if (m->set_since && kc_time_parse(m->set_since, &t))
			return kc_err_set(err, KC_EINVAL, _("--since %s: not a time (YYYY-MM-DD or ISO 8601)"), m->set_since);
		if (m->set_until && kc_time_parse(m->set_until, &t))
			return kc_err_set(err, KC_EINVAL, _("--until %s: not a time (YYYY-MM-DD or ISO 8601)"), m->set_until);
		if (m->set_type && (!*m->set_type || strlen(m->set_type) > 79))
			return kc_err_set(err, KC_EINVAL, "%s", _("--type: give a classification type or identifier"));
		return KC_OK;
	}
	return kc_err_set(err, KC_EINVAL, _("%s: cannot mark that (case, event, events, observable, vulnerability, advisory)"),
			  m->kind);
}

/* Times of a set in the store's form (UTC, seconds). */
static const char *norm_time(const char *in, char out[KC_TIME_STRLEN])
{
	time_t t;

	if (!in || kc_time_parse(in, &t))
		return NULL;
	return kc_time_iso(t, out);
}

int kc_share_mark_add(kc_store *st, const char *actor, const kc_share_mark_new *m, int64_t *id, kc_err *err)
{
	char now[KC_TIME_STRLEN], since[KC_TIME_STRLEN], until[KC_TIME_STRLEN], obj[64];
	const char *s, *u;
	int64_t dup = 0, newid = 0;
	kc_tlp tlp;
	int rc;

	rc = check_new(st, m, &tlp, err);
	if (rc)
		return rc;
	s = norm_time(m->set_since, since);
	u = norm_time(m->set_until, until);
	rc = kc_store_begin(st, err);
	if (rc)
		return rc;
	rc = kc_store_scalar_int(st, err, &dup,
				 "SELECT count(*) FROM share_mark WHERE kind = ? AND COALESCE(object_id, 0) = ?"
				 " AND COALESCE(ref, '') = ? AND COALESCE(set_org_id, 0) = ? AND COALESCE(set_type, '') = ?"
				 " AND COALESCE(set_since, '') = ? AND COALESCE(set_until, '') = ? AND tlp = ? AND community = ?",
				 "titittttt", m->kind, m->object_id, m->ref ? m->ref : "", m->set_org_id,
				 m->set_type ? m->set_type : "", s ? s : "", u ? u : "", kc_tlp_name(tlp), m->community);
	if (!rc && dup)
		rc = kc_err_set(err, KC_EEXIST, "%s", _("this is already marked for that community at that TLP"));
	if (!rc)
		rc = kc_store_exec(st, err, &newid,
				   "INSERT INTO share_mark (kind, object_id, ref, set_org_id, set_type, set_since, set_until,"
				   " tlp, community, marked_by, marked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
				   "ttttttttttt", m->kind, NULL, m->ref, NULL, m->set_type, s, u, kc_tlp_name(tlp),
				   m->community, actor, kc_time_now_iso(now));
	/* Integers bound separately: NULL when 0. */
	if (!rc && m->object_id)
		rc = kc_store_exec(st, err, NULL, "UPDATE share_mark SET object_id = ? WHERE id = ?", "ii", m->object_id,
				   newid);
	if (!rc && m->set_org_id)
		rc = kc_store_exec(st, err, NULL, "UPDATE share_mark SET set_org_id = ? WHERE id = ?", "ii",
				   m->set_org_id, newid);
	snprintf(obj, sizeof(obj), "share:%lld", (long long)newid);
	if (!rc)
		rc = kc_audit_appendf(st, err, actor, "share.mark", obj, "%s %lld%s%s -> %s TLP:%s", m->kind,
				      (long long)(m->object_id ? m->object_id : m->set_org_id), m->ref ? " " : "",
				      m->ref ? m->ref : "", m->community, kc_tlp_name(tlp));
	if (!rc)
		rc = kc_store_commit(st, err);
	if (rc) {
		kc_store_rollback(st);
		return rc;
	}
	if (id)
		*id = newid;
	return KC_OK;
}

int kc_share_mark_rm(kc_store *st, const char *actor, int64_t id, kc_err *err)
{
	char obj[64];
	int64_t n = 0;
	int rc = kc_store_begin(st, err);

	if (rc)
		return rc;
	rc = kc_store_scalar_int(st, err, &n, "SELECT count(*) FROM share_mark WHERE id = ?", "i", id);
	if (!rc && !n)
		rc = kc_err_set(err, KC_ENOENT, _("there is no share mark %lld"), (long long)id);
	if (!rc)
		rc = kc_store_exec(st, err, NULL, "DELETE FROM share_mark WHERE id = ?", "i", id);
	snprintf(obj, sizeof(obj), "share:%lld", (long long)id);
	if (!rc)
		rc = kc_audit_append(st, actor, "share.unmark", obj, "no longer shared", err);
	if (!rc)
		rc = kc_store_commit(st, err);
	if (rc)
		kc_store_rollback(st);
	return rc;
}

static void copy_text(kc_stmt *s, int col, char *dst, size_t cap)
{
	const char *v = kc_stmt_text(s, col);

	snprintf(dst, cap, "%s", v ? v : "");
}

static void fill_mark(kc_stmt *s, void *rec)
{
	kc_share_mark *m = rec;

	memset(m, 0, sizeof(*m));
	m->id = kc_stmt_int(s, 0);
	copy_text(s, 1, m->kind, sizeof(m->kind));
	m->object_id = kc_stmt_is_null(s, 2) ? 0 : kc_stmt_int(s, 2);
	copy_text(s, 3, m->ref, sizeof(m->ref));
	m->set_org_id = kc_stmt_is_null(s, 4) ? 0 : kc_stmt_int(s, 4);
	copy_text(s, 5, m->set_org, sizeof(m->set_org));
	copy_text(s, 6, m->set_type, sizeof(m->set_type));
	copy_text(s, 7, m->set_since, sizeof(m->set_since));
	copy_text(s, 8, m->set_until, sizeof(m->set_until));
	copy_text(s, 9, m->tlp, sizeof(m->tlp));
	copy_text(s, 10, m->community, sizeof(m->community));
	copy_text(s, 11, m->marked_by, sizeof(m->marked_by));
	copy_text(s, 12, m->marked_at, sizeof(m->marked_at));
}

int kc_share_mark_list(kc_store *st, const char *community, kc_share_mark **out, size_t *n, kc_err *err)
{
	kc_stmt *s;
	int rc = kc_store_query(st, err, &s,
				"SELECT m.id, m.kind, m.object_id, m.ref, m.set_org_id, o.slug, m.set_type, m.set_since,"
				" m.set_until, m.tlp, m.community, m.marked_by, m.marked_at FROM share_mark m"
				" LEFT JOIN org o ON o.id = m.set_org_id"
				" WHERE CAST(? AS TEXT) IS NULL OR m.community = ? ORDER BY m.marked_at, m.id",
				"tt", community, community);

	if (rc)
		return rc;
	return kc_store_collect(s, sizeof(kc_share_mark), fill_mark, (void **)out, n, err);
}

int kc_share_member_add(kc_store *st, const char *actor, const char *community, int64_t org_id, kc_err *err)
{
	char now[KC_TIME_STRLEN], obj[64], kind[16] = "";
	kc_stmt *s;
	int rc;

	if (!kc_community_valid(community))
		return kc_err_set(err, KC_EINVAL, _("%s: a community is 1-48 lower-case letters, digits and '-'"),
				  community ? community : "");
	rc = kc_store_query(st, err, &s, "SELECT kind FROM org WHERE id = ?", "i", org_id);
	if (rc)
		return rc;
	if (kc_stmt_step(s, err) == KC_ROW)
		copy_text(s, 0, kind, sizeof(kind));
	kc_stmt_finalize(s);
	if (strcmp(kind, "cert") && strcmp(kind, "authority"))
		return kc_err_set(err, KC_EINVAL, "%s", _("only partner CERTs and authorities join a community"));
	if ((rc = kc_store_begin(st, err)))
		return rc;
	rc = kc_store_exec(st, err, NULL,
			   "INSERT INTO share_member (community, org_id, added_by, added_at) VALUES (?, ?, ?, ?)"
			   " ON CONFLICT (community, org_id) DO NOTHING",
			   "titt", community, org_id, actor, kc_time_now_iso(now));
	snprintf(obj, sizeof(obj), "org:%lld", (long long)org_id);
	if (!rc)
		rc = kc_audit_appendf(st, err, actor, "share.member", obj, "joined community %s", community);
	if (!rc)
		rc = kc_store_commit(st, err);
	if (rc)
		kc_store_rollback(st);
	return rc;
}

int kc_share_member_rm(kc_store *st, const char *actor, const char *community, int64_t org_id, kc_err *err)
{
	char obj[64];
	int64_t n = 0;
	int rc = kc_store_begin(st, err);

	if (rc)
		return rc;
	rc = kc_store_scalar_int(st, err, &n, "SELECT count(*) FROM share_member WHERE community = ? AND org_id = ?",
				 "ti", community, org_id);
	if (!rc && !n)
		rc = kc_err_set(err, KC_ENOENT, _("that organisation is not in community %s"), community);
	if (!rc)
		rc = kc_store_exec(st, err, NULL, "DELETE FROM share_member WHERE community = ? AND org_id = ?", "ti",
				   community, org_id);
	snprintf(obj, sizeof(obj), "org:%lld", (long long)org_id);
	if (!rc)
		rc = kc_audit_appendf(st, err, actor, "share.member", obj, "left community %s", community);
	if (!rc)
		rc = kc_store_commit(st, err);
	if (rc)
		kc_store_rollback(st);
	return rc;
}

int kc_share_is_member(kc_store *st, const char *community, int64_t org_id, kc_err *err)
{
	int64_t n = 0;

	if (kc_store_scalar_int(st, err, &n, "SELECT count(*) FROM share_member WHERE community = ? AND org_id = ?",
				"ti", community, org_id))
		return 0;
	return n > 0;
}
