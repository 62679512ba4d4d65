/*
 * outbox.h - every message kcert sends goes through the outbox.
 *
 * A message is written into the outbox in the same transaction as the change
 * that causes it (a notice, a reply on a case), so it exists exactly when that
 * change does. A worker then delivers it over SMTP with libcurl. The states:
 *
 *	queued --(claimed with a lease; SMTP to the end of the message)--> sending
 *	sending --(the server said 250)--> sent
 *	queued --(4xx, connection refused: retried with backoff)--> queued ... failed
 *	sending --(the process died before the server's answer)--> uncertain
 *
 * A crash before the end of the message leaves the row queued under an
 * expired lease: the server never received a complete message, so it is
 * sent again. The one window in which nobody can know whether a message
 * arrived is between the message's final "." and the server's answer; a row
 * caught there becomes "uncertain" and is never resent by itself, so nothing
 * is ever sent twice; an operator looks and decides (kcert outbox retry ID).
 */
#ifndef KC_OUTBOX_H
#define KC_OUTBOX_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "store/store.h"

typedef struct kc_outbox_msg {
	const char *kind;	/* "notice", "case-reply", ... */
	const char *ref;	/* what it belongs to (notice reference, case number) */
	const char *from, *rcpt, *subject;
	const char *message_id; /* without <> */
	const char *body;	/* the complete RFC 5322 message, CRLF line ends */
} kc_outbox_msg;

/* Queue m; the caller's transaction decides whether it exists. */
int kc_outbox_add(kc_store *st, const kc_outbox_msg *m, int64_t *id, kc_err *err);

/* Where and how to send: from the environment (KCERT_SMTP_URL, default
 * smtp://127.0.0.1:25; KCERT_SMTP_USER, KCERT_SMTP_PASSWORD; KCERT_SMTP_TLS
 * = try (default: STARTTLS when offered) | require | no; KCERT_SMTP_CA). */
typedef struct kc_smtp_conf {
	char url[256];
	char user[128];
	char password[256];
	int tls;		/* 0 no, 1 try, 2 require */
	char ca[256];
	long timeout;		/* seconds, whole transaction */
} kc_smtp_conf;

void kc_smtp_conf_from_env(kc_smtp_conf *c);

typedef struct kc_outbox_result {
	size_t sent, retry, failed, uncertain;
} kc_outbox_result;

/*
 * Deliver what is due, at most max messages (0: no limit), as worker owner
 * (a name unique to this process: host:pid). Rows left in "sending" by a
 * dead worker become "uncertain" first. Claims use leases, so several
 * workers on several nodes may run at once (PostgreSQL: SKIP LOCKED).
 */
int kc_outbox_deliver(kc_store *st, const kc_smtp_conf *c, const char *owner, size_t max, kc_outbox_result *r,
		      kc_err *err);

/* An operator's decision on a failed or uncertain message: queue it again. */
int kc_outbox_retry(kc_store *st, int64_t id, const char *actor, kc_err *err);

typedef struct kc_outbox_row {
	int64_t id;
	char kind[24], ref[64], rcpt[256], subject[256], state[16];
	int64_t attempts;
	char next_attempt[32], created_at[32], sent_at[32], last_error[256];
} kc_outbox_row;

/* Newest first; state and ref may be NULL. *out is malloc'd. */
int kc_outbox_list(kc_store *st, const char *state, const char *kind, const char *ref, size_t limit,
		   kc_outbox_row **out, size_t *n, kc_err *err);

#endif
