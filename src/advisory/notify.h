/*
 * notify.h - telling municipalities about advisories, through the outbox.
 *
 * On publish and on every update, the organisations whose declared or
 * observed products match the advisory's affected CPEs (src/vuln/exposure.h)
 * get a high-priority notice: one mail per contact, in the contact's language
 * (nb, nn, en), written in the same transaction as the revision, and recorded
 * in advisory_notice so that an organisation is told exactly once per
 * revision. TLP:RED advisories are never mailed.
 *
 * Member contacts who subscribe to advisories (notices "all", or a list with
 * "advisory") get a digest of the TLP:CLEAR and TLP:GREEN revisions published
 * since they were last told (the worker runs it each round), leaving out what
 * their organisation already got as an affected organisation.
 */
#ifndef KC_ADVISORY_NOTIFY_H
#define KC_ADVISORY_NOTIFY_H

#include <stddef.h>

#include "advisory/advisory.h"

/* Inside the caller's transaction; *orgs (may be NULL) receives how many
 * organisations were told now. */
int kc_advisory_notify_affected(kc_store *st, const kc_advisory *a, size_t *orgs, kc_err *err);

typedef struct kc_adv_digest_result {
	size_t digests;	  /* mails queued */
	size_t revisions; /* advisory revisions listed in them */
} kc_adv_digest_result;

/* One transaction per contact. */
int kc_advisory_digest_run(kc_store *st, const char *actor, kc_adv_digest_result *r, kc_err *err);

#endif
