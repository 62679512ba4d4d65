/*
 * fuzz_store.h - what the feed harnesses share: a real in-memory store with
 * the register seeded and one organisation owning 192.0.2.0/24,
 * 2001:db8::/32 and example.no, and its registry loaded. Aborts on failure
 * (a harness cannot run without it).
 */
#ifndef KC_FUZZ_STORE_H
#define KC_FUZZ_STORE_H

#include <stdlib.h>

#include "org/asset.h"
#include "org/org.h"
#include "org/seed.h"
#include "store/store.h"

static inline void fuzz_store_open(kc_store **st, kc_registry **reg)
{
	kc_seed_report rep;
	kc_asset_outcome out;
	kc_org_new iks = { .kind = "iks", .name = "Fuzz IKS" };
	int64_t id;
	kc_err err;

	if (kc_store_open(":memory:", st, &err) || kc_store_migrate(*st, NULL, &err) ||
	    kc_seed_registry(*st, "fuzz", &rep, &err) || kc_org_add(*st, "fuzz", &iks, &id, &err) ||
	    kc_asset_add(*st, "fuzz", NULL, id, "cidr", "192.0.2.0/24", NULL, &out, &err) ||
	    kc_asset_add(*st, "fuzz", NULL, id, "cidr", "2001:db8::/32", NULL, &out, &err) ||
	    kc_asset_add(*st, "fuzz", NULL, id, "domain", "example.no", NULL, &out, &err) ||
	    kc_registry_load(*st, reg, &err))
		abort();
}

#endif
