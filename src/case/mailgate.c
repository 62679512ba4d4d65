/*
 * mailgate.c - incoming mail into cases; see mailgate.h.
 *
 * Everything for one message is one transaction: the raw message (base64, so
 * that any bytes survive either store), the case it opens or joins, the
 * timeline entry, its attachments and observables. The same Message-ID is
 * stored once, so an MTA that delivers twice files once. Auto-replies and
 * bounces are kept and shown on their case but never answered: kcert never
 * sends mail in response to mail, so no loop can start here.
 */
#include "case/mailgate.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/domain.h"
#include "base/time.h"
#include "case/case.h"
#include "case/internal.h"
#include "mail/mime.h"
#include "mail/tag.h"
#include "base/kc.h"

static const char *env_or(const char *name, const char *def)
{
	const char *v = getenv(name);

	return v && *v ? v : def;
}

/* The sender's organisation: a contact's address, else the registered domain
 * (or host) the address is under, the most specific one. */
static int64_t sender_org(kc_store *st, const char *addr)
{
	char dom[KC_DOMAIN_MAX];
	const char *at;
	int64_t org = 0;
	kc_err e;

	if (!addr)
		return 0;
	if (kc_store_scalar_int(st, &e, &org,
				"SELECT COALESCE(MIN(org_id), 0) FROM contact WHERE lower(email) = lower(?)", "t", addr) == KC_OK &&
	    org)
		return org;
	at = strrchr(addr, '@');
	if (!at || kc_domain_normalise(at + 1, strlen(at + 1), dom, NULL))
		return 0;
	if (kc_store_scalar_int(st, &e, &org,
				"SELECT COALESCE((SELECT org_id FROM asset WHERE (kind IN ('domain', 'host') AND value = ?) "
				"OR (kind = 'domain' AND ? LIKE '%.' || value) ORDER BY length(value) DESC LIMIT 1), 0)",
				"tt", dom, dom))
		return 0;
	return org;
}

static int store_raw(kc_store *st, const char *mid, int64_t case_id, const char *sender, const char *subject,
		     const char *disposition, const char *note, const char *raw, size_t len, int64_t *id, kc_err *err)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	char hex[65], now[KC_TIME_STRLEN];
	size_t cap = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_ORIGINAL);
	char *b64 = malloc(cap);
	int rc;

	if (!b64)
		return kc_err_set(err, KC_ENOMEM, "%s", kc_strerror(KC_ENOMEM));
	crypto_hash_sha256(h, (const unsigned char *)raw, len);
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	sodium_bin2base64(b64, cap, (const unsigned char *)raw, len, sodium_base64_VARIANT_ORIGINAL);
	kc_time_now_iso(now);
	rc = kc_store_exec(st, err, id,
			   "INSERT INTO mail_message (message_id, case_id, received_at, sender, subject, disposition, note, "
			   "raw_sha256, raw) VALUES (?, NULLIF(?, 0), ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			   "tittttttt", mid, case_id, now, sender ? sender : "", subject ? subject : "", disposition, note, hex,
			   b64);
	free(b64);
	return rc;
}

static int store_attachments(kc_store *st, int64_t case_id, int64_t mail_id, const kc_mail *m, kc_err *err)
{
	int rc = KC_OK;

	for (size_t i = 0; i < m->nattachments && !rc; i++) {
		const kc_mail_attachment *a = &m->attachments[i];
		char *b64 = NULL;

		if (a->data) {
			size_t cap = sodium_base64_ENCODED_LEN(a->size, sodium_base64_VARIANT_ORIGINAL);

			b64 = malloc(cap);
			if (!b64)
				return kc_err_set(err, KC_ENOMEM, "%s", kc_strerror(KC_ENOMEM));
			sodium_bin2base64(b64, cap, a->data, a->size, sodium_base64_VARIANT_ORIGINAL);
		}
		rc = kc_store_exec(st, err, NULL,
				   "INSERT INTO attachment (case_id, mail_id, name, content_type, size, sha256, kept, data) "
				   "VALUES (NULLIF(?, 0), ?, ?, ?, ?, ?, ?, ?)",
				   "iittitit", case_id, mail_id, a->filename ? a->filename : "", a->content_type ? a->content_type : "",
				   (int64_t)a->size, a->sha256, (int64_t)(a->data != NULL), b64);
		free(b64);
	}
	return rc;
}

/* The timeline entry of a message: who, what, and its text. */
static void entry_text(kc_buf *b, const kc_mail *m)
{
	kc_buf_addf(b, "From: %s%s%s%s\nSubject: %s\n", m->from.name ? m->from.name : "", m->from.name ? " <" : "",
		    m->from.addr ? m->from.addr : "", m->from.name ? ">" : "", m->subject);
	for (size_t i = 0; i < m->nattachments; i++)
		kc_buf_addf(b, "Attachment: %s (%s, %zu bytes, SHA-256 %s)%s\n", m->attachments[i].filename ? m->attachments[i].filename : "-",
			    m->attachments[i].content_type ? m->attachments[i].content_type : "", m->attachments[i].size,
			    m->attachments[i].sha256, m->attachments[i].data ? "" : " not kept: over the size limit");
	kc_buf_addf(b, "\n%s", m->body);
}

int kc_mailgate(kc_store *st, const char *raw, size_t len, kc_mailgate_result *r, kc_err *err)
{
	const char *prefix = env_or("KCERT_SUBJECT_PREFIX", "KommuneCERT");
	char sender[300] = "", theirs[128];
	kc_actor a = { .name = "mailgate" };
	kc_mail *m = NULL;
	int64_t existing = 0, tag = 0;
	kc_err perr;
	kc_buf text;
	int rc;

	memset(r, 0, sizeof(*r));
	rc = kc_mail_parse(raw, len, NULL, &m, &perr);
	if (rc == KC_ENOMEM)
		return kc_err_set(err, KC_ENOMEM, "%s", perr.msg);
	rc = kc_store_begin(st, err);
	if (rc) {
		kc_mail_free(m);
		return rc;
	}
	if (!m) { /* keep what came, say why */
		unsigned char h[crypto_hash_sha256_BYTES];
		char mid[100], hex[65];

		crypto_hash_sha256(h, (const unsigned char *)raw, len);
		sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
		snprintf(mid, sizeof(mid), "unparsed-%s@kcert.invalid", hex);
		snprintf(r->disposition, sizeof(r->disposition), "unparsed");
		snprintf(r->reason, sizeof(r->reason), "%s", perr.msg);
		rc = kc_store_scalar_int(st, err, &existing, "SELECT COALESCE(MAX(id), 0) FROM mail_message WHERE message_id = ?",
					 "t", mid);
		if (!rc && existing) {
			r->duplicate = 1;
			r->mail_id = existing;
		} else if (!rc) {
			rc = store_raw(st, mid, 0, NULL, NULL, "unparsed", perr.msg, raw, len, &r->mail_id, err);
		}
		goto out;
	}
	/* The same message twice is stored once. */
	rc = kc_store_scalar_int(st, err, &existing, "SELECT COALESCE(MAX(id), 0) FROM mail_message WHERE message_id = ?",
				 "t", m->message_id);
	if (!rc && existing) {
		r->duplicate = 1;
		r->mail_id = existing;
		kc_store_scalar_int(st, err, &r->case_id, "SELECT COALESCE(case_id, 0) FROM mail_message WHERE id = ?", "i",
				    existing);
		snprintf(r->disposition, sizeof(r->disposition), "duplicate");
		goto out;
	}
	if (rc)
		goto out;
	if (m->from.addr)
		snprintf(sender, sizeof(sender), "%s", m->from.addr);
	r->org_id = sender_org(st, m->from.addr);
	if (!kc_mail_subject_tag(m->subject, prefix, &tag))
		tag = 0;
	if (tag) {
		kc_case c;
		kc_err e;

		if (kc_case_get(st, &a, tag, &c, &e) == KC_OK)
			kc_case_release(&c);
		else
			tag = 0; /* a tag for no case: a new report */
	}
	if (m->kind != KC_MAIL_NORMAL) {
		snprintf(r->disposition, sizeof(r->disposition), "%s", m->kind == KC_MAIL_BOUNCE ? "bounce" : "auto-reply");
		snprintf(r->reason, sizeof(r->reason), "%s", m->kind_reason ? m->kind_reason : "");
		r->case_id = tag;
		rc = store_raw(st, m->message_id, tag, sender, m->subject, r->disposition, r->reason, raw, len, &r->mail_id,
			       err);
		if (!rc && tag) { /* shown on the case, for the CERT: a bounced reply matters */
			kc_buf_init(&text, 4096);
			kc_buf_addf(&text, "%s: %s\nFrom: %s\nSubject: %s", r->disposition, r->reason, sender, m->subject);
			rc = kc_case_entry_add(st, tag, "mailgate", "mail-in", 1, kc_buf_str(&text), r->mail_id, 0, err);
			kc_buf_release(&text);
		}
		goto out;
	}
	kc_buf_init(&text, 2u << 20);
	entry_text(&text, m);
	if (tag) {
		r->case_id = tag;
		rc = store_raw(st, m->message_id, tag, sender, m->subject, "filed", NULL, raw, len, &r->mail_id, err);
		if (!rc)
			rc = kc_case_entry_add(st, tag, sender[0] ? sender : "mailgate", "mail-in", 0, kc_buf_str(&text),
					       r->mail_id, 0, err);
		if (!rc)
			rc = kc_case_add_observables(st, tag, m->body, err);
		/* A partner answering with its own tag: record its reference. */
		if (!rc && r->org_id && kc_mail_subject_foreign_tag(m->subject, prefix, theirs, sizeof(theirs))) {
			int64_t shared = 0;

			rc = kc_store_exec(st, err, &shared,
					   "UPDATE case_share SET their_ref = ? WHERE case_id = ? AND partner_id = ? AND "
					   "their_ref IS NULL RETURNING id",
					   "tii", theirs, tag, r->org_id);
			if (!rc && shared) {
				snprintf(r->disposition, sizeof(r->disposition), "partner");
				snprintf(r->reason, sizeof(r->reason), "%s", theirs);
				rc = kc_case_entry_add(st, tag, "mailgate", "partner-ref", 1, theirs, r->mail_id, 0, err);
			}
		}
		if (!r->disposition[0])
			snprintf(r->disposition, sizeof(r->disposition), "filed");
	} else {
		char title[256];
		kc_case_new n = { .channel = "email", .reporter = m->from.name ? m->from.name : sender,
				  .reporter_email = m->from.addr, .description = m->body, .org_id = r->org_id };

		snprintf(title, sizeof(title), "%.200s", m->subject[0] ? m->subject : "(uten emne)");
		while (strlen(title) > 200)
			title[strlen(title) - 1] = '\0';
		n.title = title;
		rc = kc_case_create(st, &a, &n, &r->case_id, err);
		if (!rc)
			rc = store_raw(st, m->message_id, r->case_id, sender, m->subject, "filed", NULL, raw, len, &r->mail_id,
				       err);
		if (!rc) {
			kc_buf head;

			kc_buf_init(&head, 4096);
			kc_buf_addf(&head, "From: %s\nSubject: %s", sender, m->subject);
			for (size_t i = 0; i < m->nattachments; i++)
				kc_buf_addf(&head, "\nAttachment: %s (%zu bytes, SHA-256 %s)",
					    m->attachments[i].filename ? m->attachments[i].filename : "-", m->attachments[i].size,
					    m->attachments[i].sha256);
			rc = kc_case_entry_add(st, r->case_id, sender[0] ? sender : "mailgate", "mail-in", 0, kc_buf_str(&head),
					       r->mail_id, 0, err);
			kc_buf_release(&head);
		}
		r->created = 1;
		snprintf(r->disposition, sizeof(r->disposition), "filed");
	}
	kc_buf_release(&text);
	if (!rc)
		rc = store_attachments(st, r->case_id, r->mail_id, m, err);
out:
	kc_mail_free(m);
	if (rc) {
		kc_store_rollback(st);
		return rc;
	}
	return kc_store_commit(st, err);
}
