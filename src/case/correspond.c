/*
 * correspond.c - mail from a case: replies to the organisation and sharing
 * with partner teams, through the outbox, in the transaction that records
 * them on the case. Subjects carry the case's tag ("[KommuneCERT #123]", the
 * prefix from KCERT_SUBJECT_PREFIX) so that answers find their way back
 * through kcert mailgate, and the TLP label (FIRST TLP 2.0), which also heads
 * the body.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "auth/visibility.h"
#include "base/buf.h"
#include "base/i18n.h"
#include "base/time.h"
#include "case/case.h"
#include "case/internal.h"
#include "notify/compose.h"
#include "notify/outbox.h"
#include "org/org.h"
#include "base/kc.h"

static const char *env_or(const char *name, const char *def)
{
	const char *v = getenv(name);

	return v && *v ? v : def;
}

static const char *actor_name(const kc_actor *a)
{
	return a->name ? a->name : a->user ? a->user->name : "kcert";
}

void kc_case_subject(int64_t id, const char *tlp, const char *title, char *out, size_t cap)
{
	snprintf(out, cap, "[%s #%lld] [TLP:%s] %s", env_or("KCERT_SUBJECT_PREFIX", "KommuneCERT"), (long long)id, tlp,
		 title);
}

/* The Message-ID of the latest mail on the case, to answer to (or ""). */
static void last_message_id(kc_store *st, int64_t id, char *out, size_t cap)
{
	kc_stmt *s;
	kc_err e;

	out[0] = '\0';
	if (kc_store_query(st, &e, &s, "SELECT message_id FROM mail_message WHERE case_id = ? ORDER BY id DESC LIMIT 1",
			   "i", id))
		return;
	if (kc_stmt_step(s, &e) == KC_ROW)
		snprintf(out, cap, "%s", kc_stmt_text(s, 0));
	kc_stmt_finalize(s);
}

/* Queue one message about the case to rcpt. */
static int queue(kc_store *st, const kc_case *c, const char *kind, const char *rcpt, const char *rcpt_name,
		 const char *subject, const char *text, int64_t *outbox_id, kc_err *err)
{
	const char *from = env_or("KCERT_MAIL_FROM", "kommunecert@localhost");
	char mid[200], ref[32], reply_to[256];
	const char *const headers[] = { "X-KommuneCERT-Case", ref, NULL };
	kc_compose m = { .from_name = "KommuneCERT", .from = from, .to_name = rcpt_name, .to = rcpt,
			 .subject = subject, .message_id = mid, .text = text, .headers = headers };
	char *msg = NULL;
	int rc;

	snprintf(ref, sizeof(ref), "%lld", (long long)c->id);
	kc_compose_message_id("case", from, mid, sizeof(mid));
	last_message_id(st, c->id, reply_to, sizeof(reply_to));
	if (reply_to[0])
		m.in_reply_to = reply_to;
	rc = kc_compose_message(&m, &msg, err);
	if (!rc) {
		kc_outbox_msg o = { .kind = kind, .ref = ref, .from = from, .rcpt = rcpt, .subject = subject,
				    .message_id = mid, .body = msg };

		rc = kc_outbox_add(st, &o, outbox_id, err);
	}
	free(msg);
	return rc;
}

int kc_case_reply(kc_store *st, const kc_actor *a, int64_t id, const char *to, const char *text, kc_err *err)
{
	char subject[400], now[KC_TIME_STRLEN], rcpts[8][256];
	size_t nrcpt = 0;
	kc_buf body;
	kc_case c;
	int rc;

	if (!text || !*text)
		return kc_err_set(err, KC_EINVAL, _("the reply is empty"));
	if (strlen(text) > (1u << 20))
		return kc_err_set(err, KC_ETOOBIG, _("the reply is longer than 1 MiB"));
	rc = kc_case_get(st, a, id, &c, err);
	if (rc)
		return rc;
	kc_case_release(&c);
	if (a->user && a->user->role != KC_ROLE_ADMIN && a->user->role != KC_ROLE_ANALYST)
		return kc_err_set(err, KC_EPERM, _("only the CERT's analysts change cases"));
	if (to && *to) {
		if (kc_email_valid(to, err))
			return KC_EINVAL;
		snprintf(rcpts[nrcpt++], sizeof(rcpts[0]), "%s", to);
	} else if (c.reporter_email[0]) {
		snprintf(rcpts[nrcpt++], sizeof(rcpts[0]), "%s", c.reporter_email);
	} else if (c.org_id) { /* the organisation's security contacts, else all its contacts */
		kc_stmt *s;

		rc = kc_store_query(st, err, &s,
				    "SELECT email FROM contact WHERE org_id = ? ORDER BY CASE role WHEN 'security' THEN 0 "
				    "WHEN '24x7' THEN 1 ELSE 2 END, id LIMIT 8",
				    "i", c.org_id);
		if (rc)
			return rc;
		while (nrcpt < 8 && kc_stmt_step(s, err) == KC_ROW)
			snprintf(rcpts[nrcpt++], sizeof(rcpts[0]), "%s", kc_stmt_text(s, 0));
		kc_stmt_finalize(s);
	}
	if (!nrcpt)
		return kc_err_set(err, KC_EINVAL, _("case %lld has no address to reply to; give --to ADDRESS"), (long long)id);
	kc_case_subject(id, c.tlp, c.title, subject, sizeof(subject));
	kc_buf_init(&body, 2u << 20);
	kc_buf_addf(&body, "TLP:%s\n\n%s\n\n-- \nKommuneCERT\n", c.tlp, text);
	kc_time_now_iso(now);
	rc = kc_store_begin(st, err);
	for (size_t i = 0; !rc && i < nrcpt; i++) {
		int64_t oid = 0;
		char line[400];

		rc = queue(st, &c, "case-reply", rcpts[i], NULL, subject, kc_buf_str(&body), &oid, err);
		snprintf(line, sizeof(line), "To: %s\n\n", rcpts[i]);
		if (!rc) {
			kc_buf e;

			kc_buf_init(&e, 2u << 20);
			kc_buf_adds(&e, line);
			kc_buf_adds(&e, text);
			rc = kc_case_entry_add(st, id, actor_name(a), "mail-out", 0, kc_buf_str(&e), 0, oid, err);
			kc_buf_release(&e);
		}
	}
	kc_buf_release(&body);
	if (!rc)
		rc = kc_store_exec(st, err, NULL,
				   "UPDATE incident_case SET first_response_at = COALESCE(first_response_at, ?), "
				   "status = CASE WHEN status = 'reported' THEN 'triage' ELSE status END WHERE id = ?",
				   "ti", now, id);
	if (!rc)
		rc = kc_audit_appendf(st, err, actor_name(a), "case.reply", "case", "case %lld: reply to %zu recipients",
				      (long long)id, nrcpt);
	if (rc) {
		kc_store_rollback(st);
		return rc;
	}
	return kc_store_commit(st, err);
}

#define T(s) kc_tr_lang(lang, s)

int kc_case_share(kc_store *st, const kc_actor *a, int64_t id, int64_t partner_id, const char *note, kc_err *err)
{
	kc_lang lang = KC_LANG_NB;
	char subject[400], now[KC_TIME_STRLEN];
	kc_tlp tlp = KC_TLP_AMBER;
	kc_org p;
	kc_buf body;
	kc_case c;
	kc_stmt *s;
	size_t nrcpt = 0;
	int rc;

	rc = kc_case_get(st, a, id, &c, err);
	if (rc)
		return rc;
	if (a->user && a->user->role != KC_ROLE_ADMIN && a->user->role != KC_ROLE_ANALYST) {
		kc_case_release(&c);
		return kc_err_set(err, KC_EPERM, _("only the CERT's analysts change cases"));
	}
	rc = kc_org_get_id(st, partner_id, &p, err);
	if (!rc && strcmp(p.kind, "cert") && strcmp(p.kind, "authority"))
		rc = kc_err_set(err, KC_EINVAL, _("%s is not a partner team (kind cert or authority)"), p.slug);
	kc_tlp_parse(c.tlp, &tlp);
	if (!rc && tlp >= KC_TLP_AMBER_STRICT)
		rc = kc_err_set(err, KC_EPERM, _("case %lld is TLP:%s; it may not be shared beyond its organisation"),
				(long long)id, c.tlp);
	if (rc) {
		kc_case_release(&c);
		return rc;
	}
	kc_case_subject(id, c.tlp, c.title, subject, sizeof(subject));
	kc_buf_init(&body, 4u << 20);
	kc_buf_addf(&body, "TLP:%s\n\n", c.tlp);
	/* In the partner's language (nb unless its organisation says otherwise). */
	kc_lang_parse(p.lang, &lang);
	kc_buf_addf(&body, T("KommuneCERT shares case #%lld with %s.\n\n"), (long long)id, p.name);
	if (note && *note)
		kc_buf_addf(&body, "%s\n\n", note);
	kc_buf_addf(&body, T("Title: %s\nOrganisation: %s\nSeverity: %s\nClassification: %s/%s\nStatus: %s\nReported: %s\n"),
		    c.title, c.org_name[0] ? c.org_name : "-", c.severity, c.taxonomy[0] ? c.taxonomy : "-",
		    c.type[0] ? c.type : "-", c.status, c.created_at);
	if (c.systems[0])
		kc_buf_addf(&body, T("Systems: %s\n"), c.systems);
	kc_buf_addf(&body, "\n%s\n", c.description ? c.description : "");
	if (!kc_store_query(st, err, &s,
			    "SELECT o.kind, o.value FROM case_observable co JOIN observable o ON o.id = co.observable_id "
			    "WHERE co.case_id = ? ORDER BY o.kind, o.value LIMIT 500",
			    "i", id)) {
		int first = 1;

		while (kc_stmt_step(s, err) == KC_ROW) {
			if (first)
				kc_buf_adds(&body, T("\nObservables:\n"));
			first = 0;
			kc_buf_addf(&body, "  %s %s\n", kc_stmt_text(s, 0), kc_stmt_text(s, 1));
		}
		kc_stmt_finalize(s);
	}
	kc_buf_addf(&body, T("\nPlease keep [%s #%lld] in the subject of your answer, and tell us your own reference.\n\n-- \nKommuneCERT\n"),
		    env_or("KCERT_SUBJECT_PREFIX", "KommuneCERT"), (long long)id);
	kc_case_release(&c);
	kc_time_now_iso(now);
	rc = kc_store_begin(st, err);
	if (!rc)
		rc = kc_store_query(st, err, &s,
				    "SELECT name, email FROM contact WHERE org_id = ? AND notices <> 'none' ORDER BY id LIMIT 4",
				    "i", partner_id);
	if (!rc) {
		char rcpts[4][256], names[4][201];

		while (nrcpt < 4 && kc_stmt_step(s, err) == KC_ROW) {
			snprintf(names[nrcpt], sizeof(names[0]), "%s", kc_stmt_text(s, 0));
			snprintf(rcpts[nrcpt++], sizeof(rcpts[0]), "%s", kc_stmt_text(s, 1));
		}
		kc_stmt_finalize(s);
		if (!nrcpt)
			rc = kc_err_set(err, KC_EINVAL, _("%s has no contact address; add one with kcert contact add"), p.slug);
		for (size_t i = 0; !rc && i < nrcpt; i++) {
			int64_t oid = 0;
			char line[400];

			rc = queue(st, &c, "case-share", rcpts[i], names[i], subject, kc_buf_str(&body), &oid, err);
			if (!rc)
				rc = kc_store_exec(st, err, NULL,
						   "INSERT INTO case_share (case_id, partner_id, at, actor, tlp, rcpt, outbox_id) "
						   "VALUES (?, ?, ?, ?, ?, ?, ?)",
						   "iitttti", id, partner_id, now, actor_name(a), c.tlp, rcpts[i], oid);
			snprintf(line, sizeof(line), "%s <%s> (TLP:%s)%s%s", p.name, rcpts[i], c.tlp, note && *note ? ": " : "",
				 note && *note ? note : "");
			if (!rc)
				rc = kc_case_entry_add(st, id, actor_name(a), "share", 1, line, 0, oid, err);
		}
	}
	kc_buf_release(&body);
	if (!rc)
		rc = kc_store_exec(st, err, NULL,
				   "INSERT INTO case_org (case_id, org_id, role) VALUES (?, ?, 'partner') "
				   "ON CONFLICT (case_id, org_id) DO NOTHING",
				   "ii", id, partner_id);
	if (!rc)
		rc = kc_audit_appendf(st, err, actor_name(a), "case.share", "case", "case %lld shared with %s (TLP:%s)",
				      (long long)id, p.slug, c.tlp);
	if (rc) {
		kc_store_rollback(st);
		return rc;
	}
	return kc_store_commit(st, err);
}

int kc_case_partner_ref(kc_store *st, const kc_actor *a, int64_t id, int64_t partner_id, const char *ref,
			kc_err *err)
{
	char line[300];
	int64_t changed = 0;
	kc_case c;
	int rc;

	if (!ref || !*ref || strlen(ref) > 120)
		return kc_err_set(err, KC_EINVAL, _("a partner's reference has 1-120 characters"));
	rc = kc_case_get(st, a, id, &c, err);
	if (rc)
		return rc;
	kc_case_release(&c);
	rc = kc_store_begin(st, err);
	if (rc)
		return rc;
	rc = kc_store_exec(st, err, &changed,
			   "UPDATE case_share SET their_ref = ? WHERE case_id = ? AND partner_id = ? RETURNING id", "tii", ref,
			   id, partner_id);
	if (!rc && !changed)
		rc = kc_err_set(err, KC_ENOENT, _("case %lld was not shared with that partner"), (long long)id);
	snprintf(line, sizeof(line), "org #%lld: %s", (long long)partner_id, ref);
	if (!rc)
		rc = kc_case_entry_add(st, id, actor_name(a), "partner-ref", 1, line, 0, 0, err);
	if (!rc)
		rc = kc_audit_appendf(st, err, actor_name(a), "case.partner-ref", "case", "case %lld: %s", (long long)id,
				      line);
	if (rc) {
		kc_store_rollback(st);
		return rc;
	}
	return kc_store_commit(st, err);
}
