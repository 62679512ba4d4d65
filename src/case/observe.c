/*
 * observe.c - observables of a case: what a report names that can be looked
 * for elsewhere (addresses, prefixes, domains, URLs, e-mail addresses, file
 * hashes, CVE ids; found by src/mail/observable.c after refanging), linked to
 * every other case that names them too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/time.h"
#include "case/case.h"
#include "mail/observable.h"
#include "base/kc.h"

#define MAX_PER_TEXT 500

static int add(kc_store *st, int64_t case_id, const char *kind, const char *value, const char *now, kc_err *err)
{
	int64_t oid = 0;
	int rc;

	rc = kc_store_exec(st, err, NULL, "INSERT INTO observable (kind, value) VALUES (?, ?) ON CONFLICT (kind, value) DO NOTHING",
			   "tt", kind, value);
	if (!rc)
		rc = kc_store_scalar_int(st, err, &oid, "SELECT id FROM observable WHERE kind = ? AND value = ?", "tt", kind,
					 value);
	if (!rc)
		rc = kc_store_exec(st, err, NULL,
				   "INSERT INTO case_observable (case_id, observable_id, added_at) VALUES (?, ?, ?) "
				   "ON CONFLICT (case_id, observable_id) DO NOTHING",
				   "iit", case_id, oid, now);
	return rc;
}

int kc_case_add_observables(kc_store *st, int64_t id, const char *text, kc_err *err)
{
	char now[KC_TIME_STRLEN];
	kc_observable *obs = NULL;
	size_t n = 0;
	int rc;

	if (!text || !*text)
		return KC_OK;
	rc = kc_observables_extract(text, strlen(text), MAX_PER_TEXT, &obs, &n, err);
	kc_time_now_iso(now);
	for (size_t i = 0; !rc && i < n; i++)
		if (strlen(obs[i].value) < 512)
			rc = add(st, id, kc_observable_kind_name(obs[i].kind), obs[i].value, now, err);
	kc_observables_free(obs, n);
	return rc;
}
