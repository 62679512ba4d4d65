/* Unit tests: registered assets into scan targets (caps, sub-allocations,
 * exclusions) and the refusal rules for targets given by hand, on a real
 * SQLite store. No resolver: names are refused as unresolved, never guessed. */
#include "../test.h"
#include "org/asset.h"
#include "org/org.h"
#include "org/seed.h"
#include "scan/target.h"

struct fx {
	char path[256];
	kc_store *st;
	int64_t bergen, oslo;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	kc_seed_report rep;
	kc_asset_outcome out;
	kc_org o;
	kc_err err;

	f->st = test_store(1, f->path);
	assert_int_equal(kc_seed_registry(f->st, "test", &rep, &err), 0);
	assert_int_equal(kc_org_get(f->st, "4601", &o, &err), 0);
	f->bergen = o.id;
	assert_int_equal(kc_org_get(f->st, "0301", &o, &err), 0);
	f->oslo = o.id;
	assert_int_equal(kc_asset_add(f->st, "t", NULL, f->bergen, "cidr", "192.0.2.0/28", NULL, &out, &err), 0);
	assert_int_equal(kc_asset_add(f->st, "t", NULL, f->oslo, "cidr", "192.0.2.8/30", NULL, &out, &err), 0); /* sub-allocation */
	assert_int_equal(kc_asset_add(f->st, "t", NULL, f->bergen, "cidr", "198.51.96.0/21", NULL, &out, &err), 0); /* too large */
	assert_int_equal(kc_asset_add(f->st, "t", NULL, f->bergen, "cidr", "2001:db8:4601::/48", NULL, &out, &err), 0);
	assert_int_equal(kc_asset_add(f->st, "t", NULL, f->bergen, "host", "203.0.113.5", NULL, &out, &err), 0);
	assert_int_equal(kc_asset_add(f->st, "t", NULL, f->bergen, "domain", "bergen.example", NULL, &out, &err), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	test_store_done(f->st, f->path);
	free(f);
	return 0;
}

static int has(const struct kc_scan_targets *t, const char *ip)
{
	for (size_t i = 0; i < t->n; i++)
		if (!strcmp(t->v[i].ip, ip))
			return 1;
	return 0;
}

static const char *rule_of(const struct kc_scan_targets *t, const char *what)
{
	for (size_t i = 0; i < t->nrefused; i++)
		if (!strcmp(t->refused[i].what, what))
			return t->refused[i].rule;
	return "";
}

static void expansion(void **state)
{
	struct fx *f = *state;
	struct kc_scan_targets t;
	kc_registry *reg = NULL;
	kc_err err;

	assert_int_equal(kc_registry_load(f->st, &reg, &err), 0);
	kc_scan_targets_init(&t);
	assert_int_equal(kc_scan_targets_org(f->st, reg, NULL, f->bergen, &t, &err), 0);
	/* /28 without network and broadcast: .1-.14, minus Oslo's .8-.11; plus the host. */
	assert_false(has(&t, "192.0.2.0"));
	assert_true(has(&t, "192.0.2.1"));
	assert_true(has(&t, "192.0.2.7"));
	assert_false(has(&t, "192.0.2.9"));
	assert_true(has(&t, "192.0.2.14"));
	assert_false(has(&t, "192.0.2.15"));
	assert_true(has(&t, "203.0.113.5"));
	assert_int_equal(t.n, 14 - 4 + 1);
	/* The /21 and the IPv6 /48 are not swept, and say so. */
	assert_string_equal(rule_of(&t, "198.51.96.0/21"), "too-large");
	assert_string_equal(rule_of(&t, "2001:db8:4601::/48"), "too-large");
	/* The domain is kept for the mail checks. */
	assert_int_equal(t.ndomains, 1);
	assert_string_equal(t.domains[0].name, "bergen.example");
	for (size_t i = 0; i < t.n; i++)
		assert_int_equal(t.v[i].org_id, f->bergen);
	kc_scan_targets_release(&t);

	/* Exclusions: inside the organisation's assets only, with a reason. */
	assert_int_equal(kc_scan_exclude_add(f->st, "t", reg, f->bergen, "192.0.2.0/30", "", &err), KC_EINVAL);
	assert_int_equal(kc_scan_exclude_add(f->st, "t", reg, f->bergen, "10.0.0.0/8", "x", &err), KC_EINVAL);
	assert_int_equal(kc_scan_exclude_add(f->st, "t", reg, f->bergen, "192.0.2.8/30", "x", &err), KC_EINVAL); /* Oslo's */
	assert_int_equal(kc_scan_exclude_add(f->st, "t", reg, f->bergen, "192.0.2.0/30", "PLC", &err), 0);
	assert_int_equal(kc_scan_exclude_add(f->st, "t", reg, f->bergen, "203.0.113.5", "vendor", &err), 0);
	kc_scan_targets_init(&t);
	assert_int_equal(kc_scan_targets_org(f->st, reg, NULL, f->bergen, &t, &err), 0);
	assert_false(has(&t, "192.0.2.1"));
	assert_false(has(&t, "192.0.2.3"));
	assert_true(has(&t, "192.0.2.4"));
	assert_false(has(&t, "203.0.113.5"));
	assert_int_equal(t.excluded, 4);
	kc_scan_targets_release(&t);

	/* Oslo's own expansion is its /30 (no network/broadcast). */
	kc_scan_targets_init(&t);
	assert_int_equal(kc_scan_targets_org(f->st, reg, NULL, f->oslo, &t, &err), 0);
	assert_int_equal(t.n, 2);
	assert_true(has(&t, "192.0.2.9") && has(&t, "192.0.2.10"));
	kc_scan_targets_release(&t);
	kc_registry_free(reg);
}

static void refusals(void **state)
{
	struct fx *f = *state;
	struct kc_scan_targets t;
	kc_registry *reg = NULL;
	kc_err err;

	assert_int_equal(kc_registry_load(f->st, &reg, &err), 0);
	assert_int_equal(kc_scan_exclude_add(f->st, "t", reg, f->bergen, "192.0.2.5", "fragile", &err), 0);
	kc_scan_targets_init(&t);
	assert_int_equal(kc_scan_targets_manual(f->st, reg, NULL, 0, "192.0.2.3", &t, &err), 0);
	assert_int_equal(t.n, 1);
	assert_int_equal(t.v[0].org_id, f->bergen);
	assert_int_equal(kc_scan_targets_manual(f->st, reg, NULL, 0, "192.0.2.9", &t, &err), 0);
	for (size_t i = 0; i < t.n; i++) /* the more specific registration wins */
		assert_int_equal(t.v[i].org_id, !strcmp(t.v[i].ip, "192.0.2.9") ? f->oslo : f->bergen);
	assert_int_equal(kc_scan_targets_manual(f->st, reg, NULL, 0, "10.1.2.3", &t, &err), 1);
	assert_string_equal(rule_of(&t, "10.1.2.3"), "unregistered");
	assert_int_equal(kc_scan_targets_manual(f->st, reg, NULL, f->oslo, "192.0.2.3", &t, &err), 1);
	assert_string_equal(rule_of(&t, "192.0.2.3"), "other-org");
	assert_int_equal(kc_scan_targets_manual(f->st, reg, NULL, 0, "192.0.2.5", &t, &err), 1);
	assert_string_equal(rule_of(&t, "192.0.2.5"), "excluded");
	assert_int_equal(kc_scan_targets_manual(f->st, reg, NULL, 0, "192.0.2.0/28", &t, &err), 1);
	assert_string_equal(rule_of(&t, "192.0.2.0/28"), "invalid");
	assert_int_equal(kc_scan_targets_manual(f->st, reg, NULL, 0, "not a name!", &t, &err), 1);
	assert_string_equal(rule_of(&t, "not a name!"), "invalid");
	/* Names need a resolver: without one, refused, never assumed. */
	assert_int_equal(kc_scan_targets_manual(f->st, reg, NULL, 0, "www.bergen.example", &t, &err), 1);
	assert_string_equal(rule_of(&t, "www.bergen.example"), "unresolved");
	assert_int_equal(kc_scan_targets_manual(f->st, reg, NULL, 0, "example.com", &t, &err), 1);
	assert_int_equal(t.n, 2);
	/* IPv6 inside a registered prefix is accepted as an address. */
	assert_int_equal(kc_scan_targets_manual(f->st, reg, NULL, 0, "2001:db8:4601::10", &t, &err), 0);
	assert_int_equal(t.n, 3);
	kc_scan_targets_release(&t);
	kc_registry_free(reg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(expansion, setup, teardown),
		cmocka_unit_test_setup_teardown(refusals, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
