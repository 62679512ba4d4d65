/*
 * outbox.c - the outbox and its SMTP delivery; see outbox.h for the states
 * and why nothing is sent twice.
 */
#include "notify/outbox.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/time.h"
#include "audit/audit.h"
#include "base/kc.h"

#define LEASE_SECONDS 300	/* longer than any one SMTP transaction may take */
#define MAX_ATTEMPTS 8		/* then failed: about 4 h of retries */

int kc_outbox_add(kc_store *st, const kc_outbox_msg *m, int64_t *id, kc_err *err)
{
	char now[KC_TIME_STRLEN];

	kc_time_now_iso(now);
	return kc_store_exec(st, err, id,
			     "INSERT INTO outbox (kind, ref, mail_from, rcpt, subject, message_id, body, next_attempt, "
			     "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			     "ttttttttt", m->kind, m->ref, m->from, m->rcpt, m->subject, m->message_id, m->body, now, now);
}

void kc_smtp_conf_from_env(kc_smtp_conf *c)
{
	const char *v;

	memset(c, 0, sizeof(*c));
	v = getenv("KCERT_SMTP_URL");
	snprintf(c->url, sizeof(c->url), "%s", v && *v ? v : "smtp://127.0.0.1:25");
	if ((v = getenv("KCERT_SMTP_USER")))
		snprintf(c->user, sizeof(c->user), "%s", v);
	if ((v = getenv("KCERT_SMTP_PASSWORD")))
		snprintf(c->password, sizeof(c->password), "%s", v);
	if ((v = getenv("KCERT_SMTP_CA")))
		snprintf(c->ca, sizeof(c->ca), "%s", v);
	v = getenv("KCERT_SMTP_TLS");
	c->tls = !v || !strcmp(v, "try") ? 1 : !strcmp(v, "require") ? 2 : 0;
	c->timeout = 60;
}

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void curl_init(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* The message being uploaded, and the mark made at its end. */
struct upload {
	const char *body;
	size_t len, off;
	kc_store *st;
	int64_t id;
	const char *owner;
	int marked;	/* the whole message went out: "sending" is committed */
	int mark_failed;
};

/* Record that the message may now arrive: called before the last bytes go to
 * libcurl, which sends the final "." after them. If it cannot be recorded,
 * abort: the server drops a message that never ended. */
static int mark_sending(struct upload *u)
{
	kc_err e;

	if (u->marked)
		return 0;
	if (kc_store_exec(u->st, &e, NULL,
			  "UPDATE outbox SET state = 'sending' WHERE id = ? AND lease_owner = ? AND state = 'queued'", "it",
			  u->id, u->owner)) {
		u->mark_failed = 1;
		return -1;
	}
	u->marked = 1;
	return 0;
}

static size_t read_body(char *buf, size_t size, size_t nitems, void *arg)
{
	struct upload *u = arg;
	size_t n = size * nitems;

	if (n >= u->len - u->off && mark_sending(u))
		return CURL_READFUNC_ABORT;
	if (n > u->len - u->off)
		n = u->len - u->off;
	memcpy(buf, u->body + u->off, n);
	u->off += n;
	return n;
}

static int backoff_seconds(int64_t attempts)
{
	int64_t s = 60;

	for (int64_t i = 1; i < attempts && s < 3600; i++)
		s *= 2;
	return (int)(s > 3600 ? 3600 : s);
}

/* Claim the oldest due message: one statement, so two workers never hold it
 * at once. Returns 1 claimed (*id set), 0 none, < 0 error. */
static int claim(kc_store *st, const char *owner, int64_t *id, kc_err *err)
{
	char now[KC_TIME_STRLEN], until[KC_TIME_STRLEN];
	int pg = !strcmp(kc_store_engine(st), "postgresql");
	kc_stmt *s;
	int rc;

	kc_time_now_iso(now);
	kc_time_iso(kc_now() + LEASE_SECONDS, until);
	rc = kc_store_query(st, err, &s,
			    pg ? "UPDATE outbox SET lease_owner = ?, lease_until = ?, attempts = attempts + 1 "
				 "WHERE id = (SELECT id FROM outbox WHERE state = 'queued' AND next_attempt <= ? "
				 "AND (lease_until IS NULL OR lease_until < ?) ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED) "
				 "RETURNING id"
			       : "UPDATE outbox SET lease_owner = ?, lease_until = ?, attempts = attempts + 1 "
				 "WHERE id = (SELECT id FROM outbox WHERE state = 'queued' AND next_attempt <= ? "
				 "AND (lease_until IS NULL OR lease_until < ?) ORDER BY id LIMIT 1) "
				 "RETURNING id",
			    "tttt", owner, until, now, now);
	if (rc)
		return rc;
	rc = kc_stmt_step(s, err);
	if (rc == KC_ROW)
		*id = kc_stmt_int(s, 0);
	kc_stmt_finalize(s);
	return rc;
}

struct row {
	char *from, *rcpt, *body;
	int64_t attempts;
};

static int load(kc_store *st, int64_t id, struct row *r, kc_err *err)
{
	kc_stmt *s;
	int rc;

	memset(r, 0, sizeof(*r));
	rc = kc_store_query(st, err, &s, "SELECT mail_from, rcpt, body, attempts FROM outbox WHERE id = ?", "i", id);
	if (rc)
		return rc;
	rc = kc_stmt_step(s, err);
	if (rc == KC_ROW) {
		r->from = strdup(kc_stmt_text(s, 0));
		r->rcpt = strdup(kc_stmt_text(s, 1));
		r->body = strdup(kc_stmt_text(s, 2));
		r->attempts = kc_stmt_int(s, 3);
		rc = r->from && r->rcpt && r->body ? KC_OK : kc_err_set(err, KC_ENOMEM, "%s", kc_strerror(KC_ENOMEM));
	} else if (rc == KC_DONE) {
		rc = kc_err_set(err, KC_ENOENT, _("outbox message %lld is gone"), (long long)id);
	}
	kc_stmt_finalize(s);
	return rc;
}

static void row_free(struct row *r)
{
	free(r->from);
	free(r->rcpt);
	free(r->body);
}

/* Send one claimed message on handle h; record the outcome. */
static int send_one(kc_store *st, CURL *h, const kc_smtp_conf *c, const char *owner, int64_t id,
		    kc_outbox_result *res, kc_err *err)
{
	char errbuf[CURL_ERROR_SIZE] = "", why[400], now[KC_TIME_STRLEN], next[KC_TIME_STRLEN], from[300], to[300];
	struct curl_slist *rcpt = NULL;
	struct upload u = { 0 };
	struct row r;
	long code = 0;
	CURLcode cc;
	int rc;

	rc = load(st, id, &r, err);
	if (rc)
		return rc;
	snprintf(from, sizeof(from), "<%s>", r.from);
	snprintf(to, sizeof(to), "<%s>", r.rcpt);
	rcpt = curl_slist_append(NULL, to);
	u.body = r.body;
	u.len = strlen(r.body);
	u.st = st;
	u.id = id;
	u.owner = owner;
	curl_easy_setopt(h, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, read_body);
	curl_easy_setopt(h, CURLOPT_READDATA, &u);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	cc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	curl_slist_free_all(rcpt);
	curl_easy_setopt(h, CURLOPT_MAIL_RCPT, NULL);
	kc_time_now_iso(now);
	if (cc == CURLE_OK) {
		rc = kc_store_exec(st, err, NULL,
				   "UPDATE outbox SET state = 'sent', sent_at = ?, lease_owner = NULL, lease_until = NULL, "
				   "last_error = NULL WHERE id = ?",
				   "ti", now, id);
		if (!rc) {
			res->sent++;
			kc_info("outbox: sent message %lld to %s", (long long)id, r.rcpt);
		}
		row_free(&r);
		return rc;
	}
	snprintf(why, sizeof(why), "%s%s%s (SMTP %ld)", curl_easy_strerror(cc), errbuf[0] ? ": " : "", errbuf, code);
	if (u.marked && code < 400) {
		/* The end of the message went out and no answer came back. */
		rc = kc_store_exec(st, err, NULL,
				   "UPDATE outbox SET state = 'uncertain', last_error = ?, lease_owner = NULL, "
				   "lease_until = NULL WHERE id = ?",
				   "ti", why, id);
		res->uncertain++;
		kc_warn("outbox: message %lld to %s: no answer after the end of the message: %s; marked uncertain",
			    (long long)id, r.rcpt, why);
	} else if (code >= 500 || r.attempts >= MAX_ATTEMPTS) {
		rc = kc_store_exec(st, err, NULL,
				   "UPDATE outbox SET state = 'failed', last_error = ?, lease_owner = NULL, "
				   "lease_until = NULL WHERE id = ?",
				   "ti", why, id);
		res->failed++;
		kc_warn("outbox: message %lld to %s failed for good: %s", (long long)id, r.rcpt, why);
	} else {
		kc_time_iso(kc_now() + backoff_seconds(r.attempts), next);
		rc = kc_store_exec(st, err, NULL,
				   "UPDATE outbox SET state = 'queued', next_attempt = ?, last_error = ?, lease_owner = NULL, "
				   "lease_until = NULL WHERE id = ?",
				   "tti", next, why, id);
		res->retry++;
		kc_info("outbox: message %lld to %s: %s; next attempt %s", (long long)id, r.rcpt, why, next);
	}
	row_free(&r);
	(void)c;
	return rc;
}

int kc_outbox_deliver(kc_store *st, const kc_smtp_conf *c, const char *owner, size_t max, kc_outbox_result *res,
		      kc_err *err)
{
	char now[KC_TIME_STRLEN];
	CURL *h;
	int rc;

	memset(res, 0, sizeof(*res));
	kc_time_now_iso(now);
	/* A worker that died after the end of a message and before the answer. */
	rc = kc_store_exec(st, err, NULL,
			   "UPDATE outbox SET state = 'uncertain', lease_owner = NULL, lease_until = NULL, "
			   "last_error = 'the sending worker stopped before the server answered' "
			   "WHERE state = 'sending' AND lease_until < ?",
			   "t", now);
	if (rc)
		return rc;
	pthread_once(&curl_once, curl_init);
	h = curl_easy_init();
	if (!h)
		return kc_err_set(err, KC_ENOMEM, _("cannot start libcurl"));
	curl_easy_setopt(h, CURLOPT_URL, c->url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, c->timeout);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 15L);
	curl_easy_setopt(h, CURLOPT_USE_SSL, c->tls == 2 ? (long)CURLUSESSL_ALL : c->tls == 1 ? (long)CURLUSESSL_TRY : (long)CURLUSESSL_NONE);
	if (c->user[0]) {
		curl_easy_setopt(h, CURLOPT_USERNAME, c->user);
		curl_easy_setopt(h, CURLOPT_PASSWORD, c->password);
	}
	if (c->ca[0])
		curl_easy_setopt(h, CURLOPT_CAINFO, c->ca);
	for (size_t done = 0; !max || done < max; done++) {
		int64_t id = 0;

		rc = claim(st, owner, &id, err);
		if (rc <= 0)
			break;
		rc = send_one(st, h, c, owner, id, res, err);
		if (rc)
			break;
	}
	curl_easy_cleanup(h);
	return rc < 0 ? rc : KC_OK;
}

int kc_outbox_retry(kc_store *st, int64_t id, const char *actor, kc_err *err)
{
	char now[KC_TIME_STRLEN], state[16] = "";
	kc_stmt *s;
	int rc;

	rc = kc_store_query(st, err, &s, "SELECT state FROM outbox WHERE id = ?", "i", id);
	if (rc)
		return rc;
	if ((rc = kc_stmt_step(s, err)) == KC_ROW)
		snprintf(state, sizeof(state), "%s", kc_stmt_text(s, 0));
	kc_stmt_finalize(s);
	if (rc < 0)
		return rc;
	if (!state[0])
		return kc_err_set(err, KC_ENOENT, _("no outbox message %lld"), (long long)id);
	if (strcmp(state, "failed") && strcmp(state, "uncertain"))
		return kc_err_set(err, KC_EINVAL, _("outbox message %lld is %s; only failed or uncertain messages are retried"),
				  (long long)id, state);
	kc_time_now_iso(now);
	rc = kc_store_begin(st, err);
	if (rc)
		return rc;
	rc = kc_store_exec(st, err, NULL,
			   "UPDATE outbox SET state = 'queued', attempts = 0, next_attempt = ?, lease_owner = NULL, "
			   "lease_until = NULL WHERE id = ?",
			   "ti", now, id);
	if (!rc)
		rc = kc_audit_appendf(st, err, actor, "outbox.retry", "outbox", "message %lld (%s) queued again",
				      (long long)id, state);
	if (rc) {
		kc_store_rollback(st);
		return rc;
	}
	return kc_store_commit(st, err);
}

static void fill_row(kc_stmt *s, void *rec)
{
	kc_outbox_row *r = rec;
	const char *v;

	r->id = kc_stmt_int(s, 0);
#define COPY(f, col) snprintf(r->f, sizeof(r->f), "%s", (v = kc_stmt_text(s, col)) ? v : "")
	COPY(kind, 1);
	COPY(ref, 2);
	COPY(rcpt, 3);
	COPY(subject, 4);
	COPY(state, 5);
	r->attempts = kc_stmt_int(s, 6);
	COPY(next_attempt, 7);
	COPY(created_at, 8);
	COPY(sent_at, 9);
	COPY(last_error, 10);
#undef COPY
}

int kc_outbox_list(kc_store *st, const char *state, const char *kind, const char *ref, size_t limit,
		   kc_outbox_row **out, size_t *n, kc_err *err)
{
	kc_stmt *s;
	int rc;

	rc = kc_store_query(st, err, &s,
			    "SELECT id, kind, ref, rcpt, subject, state, attempts, next_attempt, created_at, sent_at, "
			    "last_error FROM outbox WHERE (CAST(? AS TEXT) IS NULL OR state = ?) AND (CAST(? AS TEXT) IS NULL OR kind = ?) "
			    "AND (CAST(? AS TEXT) IS NULL OR ref = ?) ORDER BY id DESC LIMIT ?",
			    "tttttti", state, state, kind, kind, ref, ref, (int64_t)(limit ? limit : 1000));
	if (rc)
		return rc;
	return kc_store_collect(s, sizeof(kc_outbox_row), fill_row, (void **)out, n, err);
}
