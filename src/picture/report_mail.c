/*
 * report_mail.c - the weekly situation report to its subscribers through the
 * outbox, once per ISO week and address; see report.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/kc.h"
#include "base/time.h"
#include "notify/compose.h"
#include "notify/outbox.h"
#include "picture/report.h"

typedef struct sub {
	char email[256], name[128], lang[4];
} sub;

static void fill_sub(kc_stmt *s, void *rec)
{
	sub *x = rec;

	snprintf(x->email, sizeof(x->email), "%s", kc_stmt_text(s, 0));
	snprintf(x->name, sizeof(x->name), "%s", kc_stmt_text(s, 1));
	snprintf(x->lang, sizeof(x->lang), "%s", kc_stmt_text(s, 2));
}

static int one(kc_store *st, const char *label, const sub *x, const kc_buf pdf[3], int *queued, kc_err *err)
{
	const char *from = getenv("KCERT_MAIL_FROM") && *getenv("KCERT_MAIL_FROM") ? getenv("KCERT_MAIL_FROM")
										    : "kommunecert@localhost";
	char now[KC_TIME_STRLEN], subject[200], text[1024], msgid[256], fname[64];
	kc_lang lang = KC_LANG_NB;
	int64_t claimed = 0, oid = 0;
	char *msg = NULL;
	int rc;

	kc_lang_parse(x->lang, &lang);
	kc_time_now_iso(now);
	rc = kc_store_begin(st, err);
	if (rc)
		return rc;
	/* The claim: a second worker, or a second round, finds the row and stops. */
	rc = kc_store_exec(st, err, &claimed,
			   "INSERT INTO report_delivery (period, rcpt, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING "
			   "RETURNING 1",
			   "ttt", label, x->email, now);
	if (rc || !claimed) {
		kc_store_rollback(st);
		return rc;
	}
	snprintf(subject, sizeof(subject), "[TLP:GREEN] %s %s",
		 kc_tr_lang(lang, N_("KommuneCERT situation report")), label);
	snprintf(text, sizeof(text), kc_tr_lang(lang, N_("The situation report for %s is attached (PDF, TLP:GREEN: "
							 "for the municipal community, not for publication).\n\n"
							 "-- \nKommuneCERT\n")),
		 label);
	snprintf(fname, sizeof(fname), "situasjonsrapport-%s.pdf", label);
	kc_compose_message_id("report", from, msgid, sizeof(msgid));
	{
		kc_compose c = { .from_name = "KommuneCERT", .from = from, .to_name = x->name, .to = x->email,
				 .subject = subject, .message_id = msgid, .text = text, .att_name = fname,
				 .att_type = "application", .att_subtype = "pdf", .att_data = pdf[lang].ptr,
				 .att_len = pdf[lang].len };

		rc = kc_compose_message(&c, &msg, err);
	}
	if (!rc) {
		kc_outbox_msg m = { .kind = "report", .ref = label, .from = from, .rcpt = x->email, .subject = subject,
				    .message_id = msgid, .body = msg };

		rc = kc_outbox_add(st, &m, &oid, err);
	}
	if (!rc)
		rc = kc_store_exec(st, err, NULL, "UPDATE report_delivery SET outbox_id = ? WHERE period = ? AND rcpt = ?",
				   "itt", oid, label, x->email);
	free(msg);
	if (rc) {
		kc_store_rollback(st);
		return rc;
	}
	rc = kc_store_commit(st, err);
	if (!rc && queued)
		(*queued)++;
	return rc;
}

int kc_report_mail_due(kc_store *st, const char *actor, int *queued, kc_err *err)
{
	char label[16];
	kc_buf pdf[3];
	sub *subs = NULL;
	size_t n = 0;
	kc_stmt *s = NULL;
	int rc;

	(void)actor;
	if (queued)
		*queued = 0;
	kc_report_period_label(KC_REPORT_WEEK, kc_now(), label);
	rc = kc_store_query(st, err, &s,
			    "SELECT c.email, MIN(c.name), MIN(c.lang) FROM contact c WHERE (',' || c.notices || ',') LIKE "
			    "'%,report,%' AND NOT EXISTS (SELECT 1 FROM report_delivery d WHERE d.period = ? AND "
			    "d.rcpt = c.email) GROUP BY c.email ORDER BY c.email",
			    "t", label);
	if (!rc)
		rc = kc_store_collect(s, sizeof(sub), fill_sub, (void **)&subs, &n, err);
	if (rc || !n) {
		free(subs);
		return rc;
	}
	for (int l = 0; l < 3; l++)
		kc_buf_init(&pdf[l], 64u << 20);
	for (int l = 0; !rc && l < 3; l++) {
		kc_report_opts o = { KC_REPORT_WEEK, KC_REPORT_PDF, KC_TLP_GREEN, (kc_lang)l };
		int used = 0;

		for (size_t i = 0; i < n && !used; i++) {
			kc_lang lang = KC_LANG_NB;

			kc_lang_parse(subs[i].lang, &lang);
			used = (int)lang == l;
		}
		if (used)
			rc = kc_report_situation(st, &o, &pdf[l], err);
	}
	for (size_t i = 0; !rc && i < n; i++)
		rc = one(st, label, &subs[i], pdf, queued, err);
	for (int l = 0; l < 3; l++)
		kc_buf_release(&pdf[l]);
	free(subs);
	return rc;
}
