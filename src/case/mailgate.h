/*
 * mailgate.h - file one incoming e-mail message (kcert mailgate, run by the
 * MTA's pipe transport): keep the raw message, then add it to the case its
 * subject tag names ("[KommuneCERT #123]"), or open a new incident report.
 */
#ifndef KC_MAILGATE_H
#define KC_MAILGATE_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "store/store.h"

typedef struct kc_mailgate_result {
	int64_t mail_id;	/* the stored message */
	int64_t case_id;	/* the case it was filed under; 0 when set aside */
	int created;		/* it opened a new incident report */
	int duplicate;		/* the same Message-ID was received before: nothing new stored */
	char disposition[16];	/* filed, auto-reply, bounce, unparsed, partner */
	char reason[256];	/* why it was set aside, or the partner's reference recorded */
	int64_t org_id;		/* the sender's organisation, 0 when unknown */
} kc_mailgate_result;

/*
 * Returns 0 whenever the message was stored (also when it was recognised as
 * an auto-reply or a bounce, was a duplicate, or could not be parsed: the raw
 * bytes are kept); < 0 only when it could not be stored, so that the MTA keeps
 * it and tries again.
 */
int kc_mailgate(kc_store *st, const char *raw, size_t len, kc_mailgate_result *r, kc_err *err);

#endif
