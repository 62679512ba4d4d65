/* Unit tests: seeding the register, finding and listing organisations,
 * providers (IKS) and contacts. */
#include "../test.h"
#include "org/org.h"
#include "org/seed.h"

static kc_store *seeded(char path[256])
{
	kc_store *st = test_store(1, path);
	kc_seed_report rep;
	kc_err err;

	assert_int_equal(kc_seed_registry(st, "test", &rep, &err), 0);
	return st;
}

static void slugifies_norwegian_names(void **state)
{
	char s[80];

	(void)state;
	kc_org_slugify("Bærum", s, sizeof(s));
	assert_string_equal(s, "baerum");
	kc_org_slugify("Herøy (Møre og Romsdal)", s, sizeof(s));
	assert_string_equal(s, "heroy-more-og-romsdal");
	kc_org_slugify("Porsanger – Porsáŋgu – Porsanki", s, sizeof(s));
	assert_string_equal(s, "porsanger-porsangu-porsanki");
	kc_org_slugify("Aurskog-Høland", s, sizeof(s));
	assert_string_equal(s, "aurskog-holand");
	kc_org_slugify("  Ålesund!! ", s, sizeof(s));
	assert_string_equal(s, "alesund");
	kc_org_slugify("€€€", s, sizeof(s));
	assert_string_equal(s, "");
	kc_org_slugify("Våler (Østfold)", s, 6);
	assert_true(strlen(s) <= 5);
}

static void seeds_idempotently(void **state)
{
	char path[256];
	kc_store *st = test_store(1, path);
	kc_seed_report rep;
	kc_org o;
	int64_t n = 0;
	kc_err err;

	(void)state;
	assert_int_equal(kc_seed_registry(st, "test", &rep, &err), 0);
	assert_int_equal(rep.counties, 15);
	assert_int_equal(rep.municipalities, 357);
	assert_int_equal(rep.added, 15 + 357 + rep.others);
	assert_int_equal(kc_seed_registry(st, "test", &rep, &err), 0);
	assert_int_equal(rep.added, 0);
	assert_int_equal(rep.updated, 0);
	assert_int_equal(kc_store_scalar_int(st, &err, &n, "SELECT count(*) FROM org WHERE kind = 'municipality'", ""), 0);
	assert_int_equal(n, 357);
	/* A changed name in the store is brought back to the register's. */
	assert_int_equal(kc_store_exec(st, &err, NULL, "UPDATE org SET name = 'Bjørgvin' WHERE code = '4601'", ""), 0);
	assert_int_equal(kc_seed_registry(st, "test", &rep, &err), 0);
	assert_int_equal(rep.updated, 1);
	assert_int_equal(kc_org_get(st, "4601", &o, &err), 0);
	assert_string_equal(o.name, "Bergen");
	test_store_done(st, path);
}

static void finds_by_code_slug_and_id(void **state)
{
	char path[256];
	kc_store *st = seeded(path);
	kc_org o, p;
	kc_err err;

	(void)state;
	assert_int_equal(kc_org_get(st, "0301", &o, &err), 0);
	assert_string_equal(o.name, "Oslo");
	assert_string_equal(o.county, "Oslo");
	assert_string_equal(o.kind, "municipality");
	assert_int_equal(o.member, 1);
	assert_int_equal(kc_org_get(st, "4601", &o, &err), 0);
	assert_string_equal(o.name, "Bergen");
	assert_string_equal(o.county, "Vestland");
	assert_string_equal(o.county_code, "46");
	assert_int_equal(kc_org_get(st, "bergen", &p, &err), 0);
	assert_int_equal(p.id, o.id);
	{
		char ref[32];

		snprintf(ref, sizeof(ref), "#%lld", (long long)o.id);
		assert_int_equal(kc_org_get(st, ref, &p, &err), 0);
		assert_string_equal(p.code, "4601");
	}
	assert_int_equal(kc_org_get(st, "vestland-fylke", &p, &err), 0);
	assert_string_equal(p.code, "46");
	assert_int_equal(kc_org_get(st, "kommunecert", &p, &err), 0);
	assert_string_equal(p.kind, "cert");
	assert_int_equal(kc_org_get(st, "5999", &p, &err), KC_ENOENT);
	assert_non_null(strstr(err.msg, "5999"));
	assert_int_equal(kc_org_get(st, "#x", &p, &err), KC_EINVAL);
	assert_int_equal(kc_org_get(st, "", &p, &err), KC_EINVAL);
	test_store_done(st, path);
}

static void lists_with_filters(void **state)
{
	char path[256];
	kc_store *st = seeded(path);
	kc_org_filter f = { 0 };
	kc_org *v;
	size_t n;
	kc_err err;

	(void)state;
	f.kind = "municipality";
	f.county = "Vestland";
	assert_int_equal(kc_org_list(st, &f, &v, &n, &err), 0);
	assert_int_equal(n, 43);
	free(v);
	f.county = "46";
	f.limit = 5;
	f.offset = 40;
	assert_int_equal(kc_org_list(st, &f, &v, &n, &err), 0);
	assert_int_equal(n, 3);
	free(v);
	memset(&f, 0, sizeof(f));
	f.search = "OSLO";
	assert_int_equal(kc_org_list(st, &f, &v, &n, &err), 0);
	assert_int_equal(n, 2); /* Oslo county and Oslo municipality */
	free(v);
	f.search = NULL;
	f.kind = "county";
	assert_int_equal(kc_org_list(st, &f, &v, &n, &err), 0);
	assert_int_equal(n, 15);
	assert_string_equal(v[0].code, "03");
	free(v);
	f.kind = "planet";
	assert_int_equal(kc_org_list(st, &f, &v, &n, &err), KC_EINVAL);
	f.kind = NULL;
	f.county = "Narnia";
	assert_int_equal(kc_org_list(st, &f, &v, &n, &err), KC_ENOENT);
	test_store_done(st, path);
}

static void providers_serve_municipalities(void **state)
{
	char path[256];
	kc_store *st = seeded(path);
	kc_org baerum, asker, county, *v;
	kc_org_new iks = { .kind = "iks", .name = "Vestre Viken IKT IKS" };
	int64_t id;
	size_t n;
	kc_err err;

	(void)state;
	assert_int_equal(kc_org_add(st, "test", &iks, &id, &err), 0);
	assert_int_equal(kc_org_add(st, "test", &iks, &id, &err), KC_EEXIST);
	assert_int_equal(kc_org_get(st, "3201", &baerum, &err), 0);
	assert_int_equal(kc_org_get(st, "3203", &asker, &err), 0);
	assert_int_equal(kc_org_get(st, "32", &county, &err), 0);
	assert_int_equal(kc_org_serve(st, "test", id, baerum.id, &err), 0);
	assert_int_equal(kc_org_serve(st, "test", id, asker.id, &err), 0);
	assert_int_equal(kc_org_serve(st, "test", id, asker.id, &err), 0); /* idempotent */
	assert_int_equal(kc_org_serve(st, "test", id, id, &err), KC_EINVAL);
	assert_int_equal(kc_org_clients(st, id, &v, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].name, "Bærum");
	free(v);
	assert_int_equal(kc_org_providers(st, asker.id, &v, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].slug, "vestre-viken-ikt-iks");
	free(v);
	assert_int_equal(kc_org_unserve(st, "test", id, asker.id, &err), 0);
	assert_int_equal(kc_org_clients(st, id, &v, &n, &err), 0);
	assert_int_equal(n, 1);
	free(v);
	/* Bad new organisations. */
	iks.name = "";
	assert_int_equal(kc_org_add(st, "test", &iks, &id, &err), KC_EINVAL);
	assert_int_equal(kc_org_add(st, "test", &(kc_org_new){ .kind = "municipality", .name = "Ny", .code = "12" },
				    &id, &err),
			 KC_EINVAL);
	assert_int_equal(kc_org_add(st, "test", &(kc_org_new){ .kind = "iks", .name = "X", .lang = "sv" }, &id, &err),
			 KC_EINVAL);
	(void)county;
	test_store_done(st, path);
}

static void contacts(void **state)
{
	char path[256];
	kc_store *st = seeded(path);
	kc_contact c, *v;
	kc_org o;
	size_t n;
	kc_err err;

	(void)state;
	assert_int_equal(kc_org_get(st, "5001", &o, &err), 0); /* Trondheim */
	memset(&c, 0, sizeof(c));
	c.org_id = o.id;
	snprintf(c.name, sizeof(c.name), "Ola Nordmann");
	snprintf(c.email, sizeof(c.email), "Ola@Trondheim.Kommune.NO");
	snprintf(c.pgp, sizeof(c.pgp), "0123 4567 89AB CDEF 0123  4567 89AB CDEF 0123 4567");
	assert_int_equal(kc_contact_add(st, "test", &c, &err), 0);
	assert_string_equal(c.email, "ola@trondheim.kommune.no");
	assert_string_equal(c.role, "security");
	assert_int_equal(kc_contact_add(st, "test", &c, &err), KC_EEXIST);
	snprintf(c.email, sizeof(c.email), "vakt@trondheim.kommune.no");
	snprintf(c.role, sizeof(c.role), "24x7");
	c.pgp[0] = '\0';
	assert_int_equal(kc_contact_add(st, "test", &c, &err), 0);
	snprintf(c.role, sizeof(c.role), "boss");
	assert_int_equal(kc_contact_add(st, "test", &c, &err), KC_EINVAL);
	assert_int_equal(kc_contact_list(st, o.id, &v, &n, &err), 0);
	assert_int_equal(n, 2);
	free(v);
	assert_int_equal(kc_contact_rm(st, "test", o.id, "OLA@trondheim.kommune.no", &err), 0);
	assert_int_equal(kc_contact_rm(st, "test", o.id, "ola@trondheim.kommune.no", &err), KC_ENOENT);
	assert_int_equal(kc_email_valid("a@b", &err), KC_EINVAL);
	assert_int_equal(kc_email_valid("@b.no", &err), KC_EINVAL);
	assert_int_equal(kc_email_valid("a b@c.no", &err), KC_EINVAL);
	assert_int_equal(kc_email_valid("postmottak@bø.kommune.no", &err), 0);
	test_store_done(st, path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(slugifies_norwegian_names), cmocka_unit_test(seeds_idempotently),
		cmocka_unit_test(finds_by_code_slug_and_id), cmocka_unit_test(lists_with_filters),
		cmocka_unit_test(providers_serve_municipalities), cmocka_unit_test(contacts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
