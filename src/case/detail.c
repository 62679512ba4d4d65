/*
 * detail.c - what a case page shows: the timeline (internal entries for the
 * CERT only), tasks, clocks, observables, the other cases that share them,
 * who it was shared with, and its files.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "auth/visibility.h"
#include "base/time.h"
#include "case/case.h"
#include "case/internal.h"
#include "base/kc.h"

static void fill_entry(kc_stmt *s, void *rec)
{
	kc_case_entry *e = rec;
	const char *v;

	e->id = kc_stmt_int(s, 0);
	snprintf(e->at, sizeof(e->at), "%s", kc_stmt_text(s, 1));
	snprintf(e->actor, sizeof(e->actor), "%s", kc_stmt_text(s, 2));
	snprintf(e->kind, sizeof(e->kind), "%s", kc_stmt_text(s, 3));
	e->internal = (int)kc_stmt_int(s, 4);
	v = kc_stmt_text(s, 5);
	e->body = strdup(v ? v : "");
	e->outbox_id = kc_stmt_int(s, 6);
	snprintf(e->outbox_state, sizeof(e->outbox_state), "%s", (v = kc_stmt_text(s, 7)) ? v : "");
}

static void fill_task(kc_stmt *s, void *rec)
{
	kc_case_task *t = rec;
	const char *v;

	t->id = kc_stmt_int(s, 0);
	t->position = kc_stmt_int(s, 1);
	snprintf(t->title, sizeof(t->title), "%s", kc_stmt_text(s, 2));
	snprintf(t->done_at, sizeof(t->done_at), "%s", (v = kc_stmt_text(s, 3)) ? v : "");
	snprintf(t->done_by, sizeof(t->done_by), "%s", (v = kc_stmt_text(s, 4)) ? v : "");
}

static void fill_clock(kc_stmt *s, void *rec)
{
	kc_case_clock *k = rec;
	char now[KC_TIME_STRLEN];
	const char *v;

	snprintf(k->kind, sizeof(k->kind), "%s", kc_stmt_text(s, 0));
	snprintf(k->started_at, sizeof(k->started_at), "%s", kc_stmt_text(s, 1));
	snprintf(k->due_at, sizeof(k->due_at), "%s", kc_stmt_text(s, 2));
	snprintf(k->met_at, sizeof(k->met_at), "%s", (v = kc_stmt_text(s, 3)) ? v : "");
	kc_time_now_iso(now);
	k->overdue = !k->met_at[0] && strcmp(k->due_at, now) < 0;
}

static void fill_obs(kc_stmt *s, void *rec)
{
	kc_case_observable *o = rec;

	snprintf(o->kind, sizeof(o->kind), "%s", kc_stmt_text(s, 0));
	snprintf(o->value, sizeof(o->value), "%s", kc_stmt_text(s, 1));
}

static void fill_link(kc_stmt *s, void *rec)
{
	kc_case_link *l = rec;
	const char *v;

	l->case_id = kc_stmt_int(s, 0);
	snprintf(l->title, sizeof(l->title), "%s", kc_stmt_text(s, 1));
	snprintf(l->org, sizeof(l->org), "%s", (v = kc_stmt_text(s, 2)) ? v : "");
	snprintf(l->kind, sizeof(l->kind), "%s", kc_stmt_text(s, 3));
	snprintf(l->value, sizeof(l->value), "%s", kc_stmt_text(s, 4));
}

static void fill_share(kc_stmt *s, void *rec)
{
	kc_case_share_info *h = rec;
	const char *v;

#define COPY(f, col) snprintf(h->f, sizeof(h->f), "%s", (v = kc_stmt_text(s, col)) ? v : "")
	COPY(partner, 0);
	COPY(at, 1);
	COPY(actor, 2);
	COPY(tlp, 3);
	COPY(rcpt, 4);
	COPY(their_ref, 5);
	COPY(state, 6);
#undef COPY
}

static void fill_id(kc_stmt *s, void *rec)
{
	*(int64_t *)rec = kc_stmt_int(s, 0);
}

int kc_case_detail_get(kc_store *st, const kc_actor *a, int64_t id, kc_case_detail *d, kc_err *err)
{
	int cert = !a->user || a->user->role == KC_ROLE_ADMIN || a->user->role == KC_ROLE_ANALYST;
	kc_case c;
	kc_stmt *s;
	int rc;

	memset(d, 0, sizeof(*d));
	rc = kc_case_get(st, a, id, &c, err); /* visibility */
	if (rc)
		return rc;
	kc_case_release(&c);
	rc = kc_store_query(st, err, &s,
			    "SELECT e.id, e.at, e.actor, e.kind, e.internal, e.body, COALESCE(e.outbox_id, 0), b.state "
			    "FROM case_entry e LEFT JOIN outbox b ON b.id = e.outbox_id WHERE e.case_id = ? "
			    "AND (? = 1 OR e.internal = 0) ORDER BY e.id",
			    "ii", id, (int64_t)cert);
	if (!rc)
		rc = kc_store_collect(s, sizeof(kc_case_entry), fill_entry, (void **)&d->entries, &d->nentries, err);
	if (!rc)
		rc = kc_store_query(st, err, &s,
				    "SELECT id, position, title, done_at, done_by FROM case_task WHERE case_id = ? ORDER BY position",
				    "i", id);
	if (!rc)
		rc = kc_store_collect(s, sizeof(kc_case_task), fill_task, (void **)&d->tasks, &d->ntasks, err);
	if (!rc)
		rc = kc_store_query(st, err, &s,
				    "SELECT kind, started_at, due_at, met_at FROM case_clock WHERE case_id = ? ORDER BY due_at",
				    "i", id);
	if (!rc)
		rc = kc_store_collect(s, sizeof(kc_case_clock), fill_clock, (void **)&d->clocks, &d->nclocks, err);
	if (!rc)
		rc = kc_store_query(st, err, &s,
				    "SELECT o.kind, o.value FROM case_observable co JOIN observable o ON o.id = co.observable_id "
				    "WHERE co.case_id = ? ORDER BY o.kind, o.value LIMIT 1000",
				    "i", id);
	if (!rc)
		rc = kc_store_collect(s, sizeof(kc_case_observable), fill_obs, (void **)&d->observables, &d->nobservables,
				      err);
	/* Correlation: other cases with the same observables (the CERT sees all;
	 * others only what they may see, checked per case). */
	if (!rc)
		rc = kc_store_query(st, err, &s,
				    "SELECT c.id, c.title, og.slug, o.kind, o.value FROM case_observable a "
				    "JOIN case_observable b ON b.observable_id = a.observable_id AND b.case_id <> a.case_id "
				    "JOIN incident_case c ON c.id = b.case_id JOIN observable o ON o.id = a.observable_id "
				    "LEFT JOIN org og ON og.id = c.org_id WHERE a.case_id = ? ORDER BY c.id DESC LIMIT 200",
				    "i", id);
	if (!rc)
		rc = kc_store_collect(s, sizeof(kc_case_link), fill_link, (void **)&d->links, &d->nlinks, err);
	if (!rc && !cert) {
		size_t keep = 0;

		for (size_t i = 0; i < d->nlinks; i++) {
			kc_case other;
			kc_err e;

			if (kc_case_get(st, a, d->links[i].case_id, &other, &e) == KC_OK) {
				kc_case_release(&other);
				d->links[keep++] = d->links[i];
			}
		}
		d->nlinks = keep;
	}
	if (!rc)
		rc = kc_store_query(st, err, &s,
				    "SELECT o.slug, h.at, h.actor, h.tlp, h.rcpt, h.their_ref, b.state FROM case_share h "
				    "JOIN org o ON o.id = h.partner_id LEFT JOIN outbox b ON b.id = h.outbox_id "
				    "WHERE h.case_id = ? ORDER BY h.id",
				    "i", id);
	if (!rc)
		rc = kc_store_collect(s, sizeof(kc_case_share_info), fill_share, (void **)&d->shares, &d->nshares, err);
	if (!rc)
		rc = kc_store_query(st, err, &s, "SELECT org_id FROM case_org WHERE case_id = ? ORDER BY org_id", "i", id);
	if (!rc)
		rc = kc_store_collect(s, sizeof(int64_t), fill_id, (void **)&d->orgs, &d->norgs, err);
	if (rc)
		kc_case_detail_release(d);
	return rc;
}

void kc_case_detail_release(kc_case_detail *d)
{
	for (size_t i = 0; i < d->nentries; i++)
		free(d->entries[i].body);
	free(d->entries);
	free(d->tasks);
	free(d->clocks);
	free(d->observables);
	free(d->links);
	free(d->shares);
	free(d->orgs);
	memset(d, 0, sizeof(*d));
}

static void fill_campaign(kc_stmt *s, void *rec)
{
	kc_campaign *c = rec;

	memset(c, 0, sizeof(*c));
	c->observable_id = kc_stmt_int(s, 0);
	snprintf(c->kind, sizeof(c->kind), "%s", kc_stmt_text(s, 1));
	snprintf(c->value, sizeof(c->value), "%s", kc_stmt_text(s, 2));
	c->ncases = (size_t)kc_stmt_int(s, 3);
}

int kc_case_campaigns(kc_store *st, const kc_actor *a, kc_campaign **out, size_t *n, kc_err *err)
{
	kc_stmt *s;
	int rc;

	*out = NULL;
	*n = 0;
	if (a->user && a->user->role != KC_ROLE_ADMIN && a->user->role != KC_ROLE_ANALYST)
		return kc_err_set(err, KC_EPERM, _("only the CERT's analysts do this"));
	rc = kc_store_query(st, err, &s,
			    "SELECT o.id, o.kind, o.value, COUNT(*) FROM case_observable co JOIN observable o ON "
			    "o.id = co.observable_id JOIN incident_case c ON c.id = co.case_id WHERE c.status <> 'merged' "
			    "GROUP BY o.id, o.kind, o.value HAVING COUNT(*) >= 2 ORDER BY COUNT(*) DESC, o.id LIMIT 200",
			    "");
	if (!rc)
		rc = kc_store_collect(s, sizeof(kc_campaign), fill_campaign, (void **)out, n, err);
	for (size_t i = 0; !rc && i < *n; i++) {
		kc_campaign *c = &(*out)[i];

		rc = kc_store_query(st, err, &s,
				    "SELECT c.id, c.title, COALESCE(o.slug, ''), c.status FROM case_observable co JOIN "
				    "incident_case c ON c.id = co.case_id LEFT JOIN org o ON o.id = c.org_id WHERE "
				    "co.observable_id = ? AND c.status <> 'merged' ORDER BY c.id LIMIT 20",
				    "i", c->observable_id);
		if (rc)
			break;
		c->nlisted = 0;
		while (c->nlisted < KC_ARRAY_LEN(c->cases) && (rc = kc_stmt_step(s, err)) == KC_ROW) {
			c->cases[c->nlisted].id = kc_stmt_int(s, 0);
			snprintf(c->cases[c->nlisted].title, sizeof(c->cases[0].title), "%s", kc_stmt_text(s, 1));
			snprintf(c->cases[c->nlisted].org, sizeof(c->cases[0].org), "%s", kc_stmt_text(s, 2));
			snprintf(c->cases[c->nlisted].status, sizeof(c->cases[0].status), "%s", kc_stmt_text(s, 3));
			c->nlisted++;
		}
		kc_stmt_finalize(s);
		rc = rc < 0 ? rc : KC_OK;
	}
	if (rc) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

int kc_case_attach(kc_store *st, const kc_actor *a, int64_t id, const char *name, const char *ctype, const char *data,
		   size_t len, kc_err *err)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	char hex[65], line[600];
	size_t cap;
	char *b64;
	kc_case c;
	int rc;

	if (len > KC_CASE_ATTACHMENT_MAX)
		return kc_err_set(err, KC_ETOOBIG, _("%s is larger than %u MiB"), name, KC_CASE_ATTACHMENT_MAX >> 20);
	rc = kc_case_get(st, a, id, &c, err);
	if (rc)
		return rc;
	kc_case_release(&c);
	if (a->user && a->user->role == KC_ROLE_PARTNER)
		return kc_err_set(err, KC_EPERM, _("partners answer by e-mail, keeping the case's tag in the subject"));
	cap = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_ORIGINAL);
	b64 = malloc(cap);
	if (!b64)
		return kc_err_set(err, KC_ENOMEM, "%s", kc_strerror(KC_ENOMEM));
	sodium_bin2base64(b64, cap, (const unsigned char *)data, len, sodium_base64_VARIANT_ORIGINAL);
	crypto_hash_sha256(h, (const unsigned char *)data, len);
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	snprintf(line, sizeof(line), "Attachment: %s (%zu bytes, SHA-256 %s)", name, len, hex);
	rc = kc_store_begin(st, err);
	if (!rc)
		rc = kc_store_exec(st, err, NULL,
				   "INSERT INTO attachment (case_id, name, content_type, size, sha256, kept, data) "
				   "VALUES (?, ?, ?, ?, ?, 1, ?)",
				   "ittit" "t", id, name, ctype ? ctype : "application/octet-stream", (int64_t)len, hex, b64);
	free(b64);
	if (!rc)
		rc = kc_case_entry_add(st, id, a->name ? a->name : a->user ? a->user->name : "kcert", "mail-in", 0, line, 0,
				       0, err);
	if (!rc)
		rc = kc_audit_appendf(st, err, a->name ? a->name : a->user ? a->user->name : "kcert", "case.attach", "case",
				      "case %lld: %s (%zu bytes, %s)", (long long)id, name, len, hex);
	if (rc) {
		kc_store_rollback(st);
		return rc;
	}
	return kc_store_commit(st, err);
}

static void fill_att(kc_stmt *s, void *rec)
{
	kc_case_attachment *t = rec;
	const char *v;

	t->id = kc_stmt_int(s, 0);
	snprintf(t->name, sizeof(t->name), "%s", (v = kc_stmt_text(s, 1)) ? v : "");
	snprintf(t->content_type, sizeof(t->content_type), "%s", (v = kc_stmt_text(s, 2)) ? v : "");
	t->size = kc_stmt_int(s, 3);
	snprintf(t->sha256, sizeof(t->sha256), "%s", (v = kc_stmt_text(s, 4)) ? v : "");
	t->kept = (int)kc_stmt_int(s, 5);
}

int kc_case_attachments(kc_store *st, const kc_actor *a, int64_t id, kc_case_attachment **out, size_t *n, kc_err *err)
{
	kc_case c;
	kc_stmt *s;
	int rc;

	*out = NULL;
	*n = 0;
	rc = kc_case_get(st, a, id, &c, err);
	if (rc)
		return rc;
	kc_case_release(&c);
	rc = kc_store_query(st, err, &s,
			    "SELECT id, name, content_type, size, sha256, kept FROM attachment WHERE case_id = ? ORDER BY id", "i",
			    id);
	if (rc)
		return rc;
	return kc_store_collect(s, sizeof(kc_case_attachment), fill_att, (void **)out, n, err);
}

int kc_case_attachment_data(kc_store *st, const kc_actor *a, int64_t id, int64_t att, kc_case_attachment *info,
			    char **data, size_t *len, kc_err *err)
{
	const char *b64 = NULL;
	kc_case c;
	kc_stmt *s;
	int rc;

	*data = NULL;
	*len = 0;
	rc = kc_case_get(st, a, id, &c, err);
	if (rc)
		return rc;
	kc_case_release(&c);
	rc = kc_store_query(st, err, &s,
			    "SELECT id, name, content_type, size, sha256, kept, data FROM attachment WHERE case_id = ? AND id = ?",
			    "ii", id, att);
	if (rc)
		return rc;
	rc = kc_stmt_step(s, err);
	if (rc == KC_ROW && (b64 = kc_stmt_text(s, 6))) {
		size_t cap = strlen(b64) + 1, got = 0;

		fill_att(s, info);
		*data = malloc(cap);
		if (!*data)
			rc = kc_err_set(err, KC_ENOMEM, "%s", kc_strerror(KC_ENOMEM));
		else if (sodium_base642bin((unsigned char *)*data, cap, b64, strlen(b64), "\r\n", &got, NULL,
					   sodium_base64_VARIANT_ORIGINAL))
			rc = kc_err_set(err, KC_EINTERNAL, _("attachment %lld is damaged"), (long long)att);
		else
			rc = KC_OK;
		*len = got;
	} else if (rc >= 0) {
		rc = kc_err_set(err, KC_ENOENT, _("case %lld has no attachment %lld that was kept"), (long long)id,
				(long long)att);
	}
	kc_stmt_finalize(s);
	if (rc) {
		free(*data);
		*data = NULL;
	}
	return rc;
}
