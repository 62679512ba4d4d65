/*
 * notice.c - digests of events to the municipalities; see notice.h.
 */
#include "notify/notice.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "base/buf.h"
#include "base/csv.h"
#include "base/i18n.h"
#include "base/time.h"
#include "notify/compose.h"
#include "notify/outbox.h"
#include "notify/texts.h"
#include "base/kc.h"

#define MAX_EVENTS 200000	/* per organisation and run; the rest waits for the next */
#define LISTED 20		/* addresses listed in the text per event type */

struct ev {
	int64_t id;
	char taxonomy[40], type[40], identifier[80];
	char ip[48], fqdn[256], url[512], feed[64], tlp[16];
	int64_t port, asn, seen;
	char time_source[32], time_last[32];
	const kc_notice_text *text;
	char skey[400];
};

static void fill_ev(kc_stmt *s, void *rec)
{
	struct ev *e = rec;
	const char *v;

	e->id = kc_stmt_int(s, 0);
#define COPY(f, col) snprintf(e->f, sizeof(e->f), "%s", (v = kc_stmt_text(s, col)) ? v : "")
	COPY(taxonomy, 1);
	COPY(type, 2);
	COPY(identifier, 3);
	COPY(ip, 4);
	e->port = kc_stmt_is_null(s, 5) ? -1 : kc_stmt_int(s, 5);
	e->asn = kc_stmt_int(s, 6);
	COPY(fqdn, 7);
	COPY(url, 8);
	COPY(time_source, 9);
	COPY(time_last, 10);
	e->seen = kc_stmt_int(s, 11);
	COPY(feed, 12);
	COPY(tlp, 13);
#undef COPY
	e->text = kc_notice_text_find(e->taxonomy, e->identifier);
	snprintf(e->skey, sizeof(e->skey), "%s|%s|%lld", e->identifier, e->ip[0] ? e->ip : e->fqdn[0] ? e->fqdn : e->url,
		 (long long)e->port);
}

static int tlp_rank(const char *t)
{
	static const char *const order[] = { "CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED" };

	for (int i = 0; i < (int)KC_ARRAY_LEN(order); i++)
		if (!strcmp(t, order[i]))
			return i;
	return 2;
}

int kc_notices_lists(const char *list, const char *w)
{
	size_t wl = strlen(w);

	for (const char *p = list; *p;) {
		size_t n;

		p += strspn(p, ", ");
		n = strcspn(p, ", ");
		if (n && n == wl && !strncmp(p, w, n))
			return 1;
		p += n;
	}
	return 0;
}

/* Is the contact subscribed to this event? notices: all, none, or a list of
 * identifiers and taxonomies. */
static int subscribed(const char *notices, const struct ev *e)
{
	if (!strcmp(notices, "all"))
		return 1;
	if (!strcmp(notices, "none"))
		return 0;
	return kc_notices_lists(notices, e->identifier) || kc_notices_lists(notices, e->taxonomy) ||
	       (e->text->high && kc_notices_lists(notices, "high"));
}

static int64_t setting_int(kc_store *st, const char *key, int64_t def)
{
	char *v = NULL;
	int64_t n = def;
	kc_err e;

	if (kc_store_setting_get(st, key, &v, &e) == KC_OK && v && *v)
		n = strtoll(v, NULL, 10);
	free(v);
	return n > 0 ? n : def;
}

static const char *env_or(const char *name, const char *def)
{
	const char *v = getenv(name);

	return v && *v ? v : def;
}

/* The attachment: every event, IntelMQ's field names. */
static void csv_of(kc_buf *b, struct ev *const *v, size_t n)
{
	kc_buf_adds(b, "time.source,time.last,source.ip,source.port,source.fqdn,source.url,source.asn,"
		       "classification.taxonomy,classification.type,classification.identifier,feed.name,seen\r\n");
	for (size_t i = 0; i < n; i++) {
		const struct ev *e = v[i];

		kc_buf_addf(b, "%s,%s,%s,", e->time_source, e->time_last, e->ip);
		if (e->port >= 0)
			kc_buf_addf(b, "%lld", (long long)e->port);
		kc_buf_addc(b, ',');
		kc_csv_field(b, e->fqdn);
		kc_buf_addc(b, ',');
		kc_csv_field(b, e->url);
		kc_buf_addc(b, ',');
		if (e->asn)
			kc_buf_addf(b, "%lld", (long long)e->asn);
		kc_buf_addf(b, ",%s,%s,", e->taxonomy, e->type);
		kc_csv_field(b, e->identifier);
		kc_buf_addc(b, ',');
		kc_csv_field(b, e->feed);
		kc_buf_addf(b, ",%lld\r\n", (long long)e->seen);
	}
}

/* Order: high severity first, then by text (grouping), then address. */
static int by_group(const void *a, const void *b)
{
	const struct ev *x = *(struct ev *const *)a, *y = *(struct ev *const *)b;
	int c;

	if (x->text->high != y->text->high)
		return y->text->high - x->text->high;
	if ((c = strcmp(x->text->title, y->text->title)))
		return c;
	if ((c = strcmp(x->identifier, y->identifier)))
		return c;
	return x->id < y->id ? -1 : x->id > y->id;
}

#define T(s) kc_tr_lang(lang, s)

static void body_of(kc_buf *b, kc_lang lang, const char *tlp, const char *org_name, struct ev *const *v, size_t n,
		    const char *ref, const char *ack_url, const char *csv_name)
{
	kc_buf_addf(b, "TLP:%s\n\n", tlp);
	kc_buf_adds(b, T("Hello,"));
	kc_buf_adds(b, "\n\n");
	kc_buf_addf(b, T("KommuneCERT has received reports of %zu security events concerning the systems of %s."), n,
		    org_name);
	kc_buf_adds(b, "\n");
	kc_buf_adds(b, T("The most urgent come first. For each kind: what we saw, why it matters and what to do."));
	kc_buf_adds(b, "\n");
	for (size_t i = 0; i < n;) {
		const kc_notice_text *t = v[i]->text;
		size_t j = i;

		while (j < n && v[j]->text == t)
			j++;
		kc_buf_addf(b, "\n== %s%s: ", T(t->title), t->high ? T(" (urgent)") : "");
		kc_buf_addf(b, T("%zu systems"), j - i);
		kc_buf_adds(b, " ==\n\n");
		kc_buf_addf(b, "%s %s\n\n", T("Why it matters:"), T(t->why));
		kc_buf_addf(b, "%s %s\n\n", T("What to do:"), T(t->todo));
		kc_buf_addf(b, "%s\n", T("What we saw:"));
		for (size_t k = i; k < j && k < i + LISTED; k++) {
			const struct ev *e = v[k];

			kc_buf_addf(b, "  %s", e->ip[0] ? e->ip : e->fqdn[0] ? e->fqdn : e->url);
			if (e->port >= 0)
				kc_buf_addf(b, " port %lld", (long long)e->port);
			if (e->ip[0] && e->fqdn[0])
				kc_buf_addf(b, " (%s)", e->fqdn);
			kc_buf_addf(b, "  %s  %s %s", e->identifier, T("last seen"), e->time_last);
			if (e->seen > 1)
				kc_buf_addf(b, T("  (%lld times)"), (long long)e->seen);
			kc_buf_addc(b, '\n');
		}
		if (j - i > LISTED) {
			kc_buf_adds(b, "  ");
			kc_buf_addf(b, T("... and %zu more (see the attachment)"), j - i - LISTED);
			kc_buf_addc(b, '\n');
		}
		i = j;
	}
	kc_buf_adds(b, "\n");
	kc_buf_addf(b, T("The attachment %s lists every event with IntelMQ's field names."), csv_name);
	kc_buf_adds(b, "\n\n");
	kc_buf_addf(b, T("Please confirm that you have received this notice: %s"), ack_url);
	kc_buf_adds(b, "\n");
	kc_buf_addf(b, T("Reference: %s. Reply to this e-mail if you have questions, and keep the reference in the subject."),
		    ref);
	kc_buf_adds(b, "\n\n");
	kc_buf_adds(b, T("Regards,"));
	kc_buf_adds(b, "\nKommuneCERT\n");
}

struct org_run {
	int64_t id;
	char slug[80], name[128], period[16];
	int64_t last_event;
	char last_run[32];
};

static void fill_org(kc_stmt *s, void *rec)
{
	struct org_run *o = rec;
	const char *v;

	o->id = kc_stmt_int(s, 0);
	snprintf(o->slug, sizeof(o->slug), "%s", kc_stmt_text(s, 1));
	snprintf(o->name, sizeof(o->name), "%s", kc_stmt_text(s, 2));
	snprintf(o->period, sizeof(o->period), "%s", kc_stmt_text(s, 3));
	o->last_event = kc_stmt_int(s, 4);
	snprintf(o->last_run, sizeof(o->last_run), "%s", (v = kc_stmt_text(s, 5)) ? v : "");
}

struct who {
	int64_t id;
	char name[201], email[255], lang[4], notices[200];
};

static void fill_who(kc_stmt *s, void *rec)
{
	struct who *w = rec;

	w->id = kc_stmt_int(s, 0);
	snprintf(w->name, sizeof(w->name), "%s", kc_stmt_text(s, 1));
	snprintf(w->email, sizeof(w->email), "%s", kc_stmt_text(s, 2));
	snprintf(w->lang, sizeof(w->lang), "%s", kc_stmt_text(s, 3));
	snprintf(w->notices, sizeof(w->notices), "%s", kc_stmt_text(s, 4));
}

/* One notice to one contact of the selected events (already in order). */
static int notice_one(kc_store *st, const struct org_run *org, const struct who *w, struct ev **sel, size_t n,
		      const char *now, kc_notify_cb cb, void *arg, kc_err *err)
{
	unsigned char tok[16], h[crypto_hash_sha256_BYTES];
	char token[33], hash[65], ref[32], subject[400], mid[200], ack_url[400], csv_name[80];
	const char *from = env_or("KCERT_MAIL_FROM", "kommunecert@localhost");
	const char *prefix = env_or("KCERT_SUBJECT_PREFIX", "KommuneCERT");
	const char *tlp = "CLEAR";
	kc_buf body, csv;
	kc_notice_info info = { 0 };
	kc_lang lang = KC_LANG_NB;
	int64_t nid = 0, oid = 0;
	char *msg = NULL;
	int high = 0, rc;

	kc_lang_parse(w->lang, &lang);
	for (size_t i = 0; i < n; i++) {
		high |= sel[i]->text->high;
		if (tlp_rank(sel[i]->tlp) > tlp_rank(tlp))
			tlp = sel[i]->tlp;
	}
	randombytes_buf(tok, sizeof(tok));
	sodium_bin2hex(token, sizeof(token), tok, sizeof(tok));
	crypto_hash_sha256(h, (const unsigned char *)token, strlen(token));
	sodium_bin2hex(hash, sizeof(hash), h, sizeof(h));
	rc = kc_store_exec(st, err, &nid,
			   "INSERT INTO notice (ref, org_id, contact_id, rcpt, lang, events, high, ack_token_hash, "
			   "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			   "tiittiitt", hash, org->id, w->id, w->email, kc_lang_code(lang), (int64_t)n, (int64_t)high, hash,
			   now);
	if (rc)
		return rc;
	snprintf(ref, sizeof(ref), "KC-V-%.4s-%06lld", now, (long long)nid);
	for (size_t i = 0; i < n && !rc; i++)
		rc = kc_store_exec(st, err, NULL,
				   "INSERT INTO notice_event (notice_id, event_id, rcpt, skey, created_at) VALUES (?, ?, ?, ?, ?)",
				   "iittt", nid, sel[i]->id, w->email, sel[i]->skey, now);
	if (rc)
		return rc;
	snprintf(ack_url, sizeof(ack_url), "%s/notice/ack?t=%s", env_or("KCERT_BASE_URL", "http://127.0.0.1:8080"),
		 token);
	snprintf(csv_name, sizeof(csv_name), "%s-%.10s.csv", org->slug, now);
	snprintf(subject, sizeof(subject), "[%s] [TLP:%s] %s %s: ", prefix, tlp, T("Notice"), ref);
	snprintf(subject + strlen(subject), sizeof(subject) - strlen(subject), T("%zu security events concerning %s"), n,
		 org->name);
	kc_compose_message_id(ref, from, mid, sizeof(mid));
	kc_buf_init(&body, 4 << 20);
	kc_buf_init(&csv, 256 << 20);
	body_of(&body, lang, tlp, org->name, sel, n, ref, ack_url, csv_name);
	csv_of(&csv, sel, n);
	{
		const char *const headers[] = { "Auto-Submitted", "auto-generated", "X-KommuneCERT-Ref", ref, NULL };
		kc_compose c = { .from_name = "KommuneCERT", .from = from, .to_name = w->name, .to = w->email,
				 .subject = subject, .message_id = mid, .text = kc_buf_str(&body),
				 .att_name = csv_name, .att_type = "text", .att_subtype = "csv",
				 .att_data = kc_buf_str(&csv), .att_len = csv.len, .headers = headers };

		rc = kc_compose_message(&c, &msg, err);
	}
	kc_buf_release(&body);
	kc_buf_release(&csv);
	if (!rc) {
		kc_outbox_msg m = { .kind = "notice", .ref = ref, .from = from, .rcpt = w->email, .subject = subject,
				    .message_id = mid, .body = msg };

		rc = kc_outbox_add(st, &m, &oid, err);
	}
	free(msg);
	if (!rc)
		rc = kc_store_exec(st, err, NULL, "UPDATE notice SET ref = ?, outbox_id = ? WHERE id = ?", "tii", ref, oid,
				   nid);
	if (rc)
		return rc;
	if (cb) {
		info.id = nid;
		snprintf(info.ref, sizeof(info.ref), "%s", ref);
		info.org_id = org->id;
		snprintf(info.org, sizeof(info.org), "%s", org->slug);
		snprintf(info.org_name, sizeof(info.org_name), "%s", org->name);
		snprintf(info.rcpt, sizeof(info.rcpt), "%s", w->email);
		snprintf(info.lang, sizeof(info.lang), "%s", kc_lang_code(lang));
		info.events = (int64_t)n;
		info.high = high;
		snprintf(info.state, sizeof(info.state), "queued");
		snprintf(info.created_at, sizeof(info.created_at), "%s", now);
		info.outbox_id = oid;
		cb(arg, &info);
	}
	return KC_OK;
}

#undef T

static int is_due(const struct org_run *org, int high, time_t now)
{
	time_t last;

	if (high || !strcmp(org->period, "immediate") || !org->last_run[0] || kc_time_parse(org->last_run, &last))
		return 1;
	return now - last >= (!strcmp(org->period, "weekly") ? 7 : 1) * 86400 - 300; /* a cron job may run early */
}

/* One organisation, one transaction. */
static int run_org(kc_store *st, const kc_notify_opts *o, const struct org_run *org, kc_notify_cb cb, void *arg,
		   kc_notify_result *r, kc_err *err)
{
	char now[KC_TIME_STRLEN], since_inf[KC_TIME_STRLEN], since_other[KC_TIME_STRLEN];
	struct ev *evs = NULL, **sel = NULL, **all = NULL;
	struct who *who = NULL;
	size_t nev = 0, nwho = 0;
	int64_t last = org->last_event;
	int high = 0, rc;
	kc_stmt *s;

	kc_time_now_iso(now);
	kc_time_iso(kc_now() - setting_int(st, "notify.repeat_days_infected", 7) * 86400, since_inf);
	kc_time_iso(kc_now() - setting_int(st, "notify.repeat_days", 30) * 86400, since_other);
	rc = kc_store_query(st, err, &s,
			    "SELECT id, taxonomy, type, identifier, source_ip, source_port, source_asn, source_fqdn, "
			    "source_url, time_source, time_last, seen, feed_name, tlp FROM event "
			    "WHERE org_id = ? AND id > ? ORDER BY id LIMIT ?",
			    "iii", org->id, org->last_event, (int64_t)MAX_EVENTS);
	if (!rc)
		rc = kc_store_collect(s, sizeof(struct ev), fill_ev, (void **)&evs, &nev, err);
	if (rc || !nev)
		goto out;
	r->orgs++;
	for (size_t i = 0; i < nev; i++) {
		high |= evs[i].text->high;
		if (evs[i].id > last)
			last = evs[i].id;
	}
	if (!o->force && !is_due(org, high, kc_now())) {
		r->not_due++;
		goto out;
	}
	rc = kc_store_query(st, err, &s,
			    "SELECT id, name, email, lang, notices FROM contact WHERE org_id = ? AND notices <> 'none' "
			    "ORDER BY id",
			    "i", org->id);
	if (!rc)
		rc = kc_store_collect(s, sizeof(struct who), fill_who, (void **)&who, &nwho, err);
	if (rc)
		goto out;
	if (!nwho) { /* the events wait for a contact */
		r->no_contact++;
		goto out;
	}
	all = calloc(nev, sizeof(*all));
	sel = calloc(nev, sizeof(*sel));
	if (!all || !sel) {
		rc = kc_err_set(err, KC_ENOMEM, "%s", kc_strerror(KC_ENOMEM));
		goto out;
	}
	for (size_t i = 0; i < nev; i++)
		all[i] = &evs[i];
	qsort(all, nev, sizeof(*all), by_group);
	rc = kc_store_begin(st, err);
	if (rc)
		goto out;
	/* Claim the organisation's run: its cursor must still be where it was
	 * read. The UPDATE takes the row's lock (PostgreSQL) or the write lock
	 * (SQLite) until commit, so a second worker or node waits here, then
	 * finds the cursor moved and leaves the organisation alone. */
	{
		int64_t mine = 0;

		rc = kc_store_exec(st, err, NULL,
				   "INSERT INTO notify_state (org_id, last_event_id) VALUES (?, 0) ON CONFLICT (org_id) DO NOTHING",
				   "i", org->id);
		if (!rc)
			rc = kc_store_exec(st, err, &mine,
					   "UPDATE notify_state SET last_event_id = last_event_id WHERE org_id = ? "
					   "AND last_event_id = ? RETURNING org_id",
					   "ii", org->id, org->last_event);
		if (!rc && !mine) {
			kc_store_rollback(st);
			r->orgs--;
			goto out;
		}
	}
	for (size_t c = 0; c < nwho && !rc; c++) {
		size_t n = 0;

		for (size_t i = 0; i < nev && !rc; i++) {
			int64_t dup = 0;

			if (!subscribed(who[c].notices, all[i]))
				continue;
			rc = kc_store_scalar_int(st, err, &dup,
						 "SELECT count(*) FROM (SELECT 1 FROM notice_event WHERE rcpt = ? AND skey = ? "
						 "AND created_at >= ? LIMIT 1) AS x",
						 "ttt", who[c].email, all[i]->skey,
						 !strcmp(all[i]->taxonomy, "malicious-code") ? since_inf : since_other);
			if (dup) {
				r->suppressed++;
				continue;
			}
			sel[n++] = all[i];
		}
		if (!rc && n) {
			rc = notice_one(st, org, &who[c], sel, n, now, cb, arg, err);
			if (!rc) {
				r->notices++;
				r->events += n;
			}
		}
	}
	if (!rc)
		rc = kc_store_exec(st, err, NULL,
				   "INSERT INTO notify_state (org_id, last_event_id, last_run) VALUES (?, ?, ?) "
				   "ON CONFLICT (org_id) DO UPDATE SET last_event_id = excluded.last_event_id, "
				   "last_run = excluded.last_run",
				   "iit", org->id, last, now);
	if (rc || o->dry_run)
		kc_store_rollback(st);
	else
		rc = kc_store_commit(st, err);
out:
	free(evs);
	free(who);
	free(all);
	free(sel);
	return rc;
}

int kc_notify_run(kc_store *st, const kc_notify_opts *o, kc_notify_cb cb, void *arg, kc_notify_result *r,
		  kc_err *err)
{
	struct org_run *orgs = NULL;
	size_t n = 0;
	kc_stmt *s;
	int rc;

	memset(r, 0, sizeof(*r));
	rc = kc_store_query(st, err, &s,
			    "SELECT o.id, o.slug, o.name, o.notify_period, COALESCE(ns.last_event_id, 0), ns.last_run "
			    "FROM org o LEFT JOIN notify_state ns ON ns.org_id = o.id "
			    "WHERE o.active = 1 AND (? = 0 OR o.id = ?) AND EXISTS (SELECT 1 FROM event e "
			    "WHERE e.org_id = o.id AND e.id > COALESCE(ns.last_event_id, 0)) ORDER BY o.id",
			    "ii", o->org_id, o->org_id);
	if (!rc)
		rc = kc_store_collect(s, sizeof(*orgs), fill_org, (void **)&orgs, &n, err);
	for (size_t i = 0; i < n && !rc; i++)
		rc = run_org(st, o, &orgs[i], cb, arg, r, err);
	if (!rc && !o->dry_run && r->notices)
		rc = kc_audit_appendf(st, err, o->actor ? o->actor : "system", "notify.run", "notice",
				      "%zu notices with %zu events to %zu organisations", r->notices, r->events, r->orgs);
	free(orgs);
	return rc;
}

static void fill_info(kc_stmt *s, void *rec)
{
	kc_notice_info *n = rec;
	const char *v;

	n->id = kc_stmt_int(s, 0);
#define COPY(f, col) snprintf(n->f, sizeof(n->f), "%s", (v = kc_stmt_text(s, col)) ? v : "")
	COPY(ref, 1);
	n->org_id = kc_stmt_int(s, 2);
	COPY(org, 3);
	COPY(org_name, 4);
	COPY(rcpt, 5);
	COPY(lang, 6);
	n->events = kc_stmt_int(s, 7);
	n->high = (int)kc_stmt_int(s, 8);
	COPY(state, 9);
	COPY(created_at, 10);
	COPY(acked_at, 11);
	COPY(acked_by, 12);
	n->outbox_id = kc_stmt_int(s, 13);
#undef COPY
	if (n->acked_at[0])
		snprintf(n->state, sizeof(n->state), "acknowledged");
}

#define INFO_SQL                                                                                                     \
	"SELECT n.id, n.ref, n.org_id, o.slug, o.name, n.rcpt, n.lang, n.events, n.high, COALESCE(b.state, 'queued'), " \
	"n.created_at, n.acked_at, n.acked_by, COALESCE(n.outbox_id, 0) FROM notice n JOIN org o ON o.id = n.org_id "  \
	"LEFT JOIN outbox b ON b.id = n.outbox_id "

int kc_notice_list(kc_store *st, int64_t org_id, size_t limit, size_t offset, kc_notice_info **out, size_t *n,
		   kc_err *err)
{
	kc_stmt *s;
	int rc;

	rc = kc_store_query(st, err, &s, INFO_SQL "WHERE (? = 0 OR n.org_id = ?) ORDER BY n.id DESC LIMIT ? OFFSET ?",
			    "iiii", org_id, org_id, (int64_t)(limit ? limit : 100), (int64_t)offset);
	if (rc)
		return rc;
	return kc_store_collect(s, sizeof(kc_notice_info), fill_info, (void **)out, n, err);
}

int kc_notice_get(kc_store *st, int64_t id, const char *ref, kc_notice_info *out, kc_err *err)
{
	kc_notice_info *v = NULL;
	size_t n = 0;
	kc_stmt *s;
	int rc;

	rc = kc_store_query(st, err, &s, INFO_SQL "WHERE n.id = ? OR n.ref = ?", "it", id, ref ? ref : "");
	if (!rc)
		rc = kc_store_collect(s, sizeof(*v), fill_info, (void **)&v, &n, err);
	if (!rc && !n)
		rc = kc_err_set(err, KC_ENOENT, _("no such notice: %s"), ref ? ref : "");
	if (!rc)
		*out = v[0];
	free(v);
	return rc;
}

static void fill_id(kc_stmt *s, void *rec)
{
	*(int64_t *)rec = kc_stmt_int(s, 0);
}

int kc_notice_events(kc_store *st, int64_t id, int64_t **out, size_t *n, kc_err *err)
{
	kc_stmt *s;
	int rc;

	rc = kc_store_query(st, err, &s, "SELECT event_id FROM notice_event WHERE notice_id = ? ORDER BY event_id", "i",
			    id);
	if (rc)
		return rc;
	return kc_store_collect(s, sizeof(int64_t), fill_id, (void **)out, n, err);
}

int kc_notice_ack(kc_store *st, int64_t id, const char *token, const char *actor, kc_notice_info *out, kc_err *err)
{
	char now[KC_TIME_STRLEN], hash[65] = "";
	kc_notice_info n;
	int rc;

	if (token) {
		unsigned char h[crypto_hash_sha256_BYTES];
		int64_t found = 0;

		if (strlen(token) != 32 || strspn(token, "0123456789abcdef") != 32)
			return kc_err_set(err, KC_ENOENT, _("this acknowledgement link is not valid"));
		crypto_hash_sha256(h, (const unsigned char *)token, strlen(token));
		sodium_bin2hex(hash, sizeof(hash), h, sizeof(h));
		rc = kc_store_scalar_int(st, err, &found, "SELECT COALESCE(MAX(id), 0) FROM notice WHERE ack_token_hash = ?",
					 "t", hash);
		if (rc)
			return rc;
		if (!found)
			return kc_err_set(err, KC_ENOENT, _("this acknowledgement link is not valid"));
		id = found;
	}
	rc = kc_notice_get(st, id, NULL, &n, err);
	if (rc)
		return rc;
	if (!n.acked_at[0]) {
		kc_time_now_iso(now);
		rc = kc_store_begin(st, err);
		if (!rc)
			rc = kc_store_exec(st, err, NULL,
					   "UPDATE notice SET acked_at = ?, acked_by = ? WHERE id = ? AND acked_at IS NULL", "tti",
					   now, actor, n.id);
		if (!rc)
			rc = kc_audit_appendf(st, err, actor, "notice.ack", n.ref, "notice %s acknowledged", n.ref);
		if (rc) {
			kc_store_rollback(st);
			return rc;
		}
		rc = kc_store_commit(st, err);
		if (!rc)
			rc = kc_notice_get(st, n.id, NULL, &n, err);
	}
	if (!rc && out)
		*out = n;
	return rc;
}
