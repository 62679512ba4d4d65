/*
 * visibility.h - TLP 2.0 and the one function that decides who may read what.
 *
 * Every read path (API, web pages, exports, later feeds and TAXII) asks
 * kc_may_read() about each record before showing it; nothing else decides.
 */
#ifndef KC_VISIBILITY_H
#define KC_VISIBILITY_H

#include <stddef.h>
#include <stdint.h>

#include "auth/user.h"

typedef enum kc_tlp {
	KC_TLP_CLEAR = 0,
	KC_TLP_GREEN = 1,
	KC_TLP_AMBER = 2,
	KC_TLP_AMBER_STRICT = 3,
	KC_TLP_RED = 4,
} kc_tlp;

/* "CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED" (also "TLP:..." and lower case). */
int kc_tlp_parse(const char *s, kc_tlp *out);
const char *kc_tlp_name(kc_tlp t);

/* Who a record was given to beyond its organisation. */
typedef struct kc_share {
	const int64_t *orgs;	   /* partner organisations it was shared with */
	size_t norgs;
	const int64_t *recipients; /* users a TLP:RED record is addressed to */
	size_t nrecipients;
} kc_share;

/* The TLP the register's records carry: organisations are public knowledge,
 * contacts and assets are shared with the CERT to act on, not to pass on. */
#define KC_TLP_ORG KC_TLP_CLEAR
#define KC_TLP_CONTACT KC_TLP_AMBER
#define KC_TLP_ASSET KC_TLP_AMBER

/*
 * May u read a record about organisation org_id (0: about no organisation in
 * particular) marked tlp, shared as in share (may be NULL)? Returns 1 or 0.
 *   admin    everything
 *   analyst  everything but TLP:RED not addressed to them
 *   member   their own organisations' records up to AMBER+STRICT, anything
 *            CLEAR or GREEN, RED only when addressed to them
 *   partner  CLEAR and GREEN; AMBER when shared with their CERT; RED only
 *            when addressed to them
 */
int kc_may_read(const kc_user *u, int64_t org_id, kc_tlp tlp, const kc_share *share);

/* 1 when u acts for organisation org_id (a member's own, a partner's CERT). */
int kc_user_in_org(const kc_user *u, int64_t org_id);

#endif
