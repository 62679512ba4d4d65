/*
 * visibility.c - TLP names and the read decision.
 */
#include "auth/visibility.h"

#include <string.h>
#include <strings.h>

#include "base/kc.h"

static const char *const tlp_names[] = { "CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED" };

int kc_tlp_parse(const char *s, kc_tlp *out)
{
	if (!s)
		return KC_EINVAL;
	if (!strncasecmp(s, "TLP:", 4))
		s += 4;
	for (size_t i = 0; i < KC_ARRAY_LEN(tlp_names); i++)
		if (!strcasecmp(s, tlp_names[i])) {
			*out = (kc_tlp)i;
			return KC_OK;
		}
	if (!strcasecmp(s, "WHITE")) { /* TLP 1.0 */
		*out = KC_TLP_CLEAR;
		return KC_OK;
	}
	return KC_EINVAL;
}

const char *kc_tlp_name(kc_tlp t)
{
	return (size_t)t < KC_ARRAY_LEN(tlp_names) ? tlp_names[t] : "RED";
}

int kc_user_in_org(const kc_user *u, int64_t org_id)
{
	for (size_t i = 0; i < u->norgs; i++)
		if (u->orgs[i] == org_id)
			return 1;
	return 0;
}

static int contains(const int64_t *v, size_t n, int64_t x)
{
	for (size_t i = 0; v && i < n; i++)
		if (v[i] == x)
			return 1;
	return 0;
}

int kc_may_read(const kc_user *u, int64_t org_id, kc_tlp tlp, const kc_share *share)
{
	int addressed;

	if (!u || u->disabled)
		return 0;
	addressed = share && contains(share->recipients, share->nrecipients, u->id);
	if (u->role == KC_ROLE_ADMIN)
		return 1;
	if (tlp == KC_TLP_RED)
		return addressed;
	switch (u->role) {
	case KC_ROLE_ANALYST:
		return 1;
	case KC_ROLE_MEMBER:
		return tlp <= KC_TLP_GREEN || (org_id && kc_user_in_org(u, org_id));
	case KC_ROLE_PARTNER:
		if (tlp <= KC_TLP_GREEN)
			return 1;
		return tlp == KC_TLP_AMBER && share && u->norgs && contains(share->orgs, share->norgs, u->orgs[0]);
	default:
		return 0;
	}
}
