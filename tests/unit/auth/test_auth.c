/* Unit tests: the visibility decision for every role x TLP x organisation,
 * password rules, login and throttling, sessions and tokens. */
#include "../test.h"
#include "auth/user.h"
#include "auth/visibility.h"
#include "base/time.h"
#include "org/seed.h"

static kc_user U(kc_role role, int64_t org)
{
	kc_user u;

	memset(&u, 0, sizeof(u));
	u.id = 100 + role;
	u.role = role;
	if (org) {
		u.orgs[0] = org;
		u.norgs = 1;
	}
	return u;
}

/* The whole matrix, written out: role x TLP x (own org, other org, shared, addressed). */
static void visibility_matrix(void **state)
{
	enum { OWN = 1, OTHER = 2, PARTNER_CERT = 3 };
	const int64_t shared_orgs[] = { PARTNER_CERT };
	kc_user admin = U(KC_ROLE_ADMIN, 0), ana = U(KC_ROLE_ANALYST, 0), mem = U(KC_ROLE_MEMBER, OWN),
		par = U(KC_ROLE_PARTNER, PARTNER_CERT);
	const int64_t to_ana[] = { 101 }, to_mem[] = { 102 }, to_par[] = { 103 };
	kc_share shared = { shared_orgs, 1, NULL, 0 };
	/* expected[role][tlp] for a record of OTHER, not shared, not addressed */
	static const int other[4][5] = {
		/* CLEAR GREEN AMBER A+S RED */
		{ 1, 1, 1, 1, 1 }, /* admin */
		{ 1, 1, 1, 1, 0 }, /* analyst */
		{ 1, 1, 0, 0, 0 }, /* member */
		{ 1, 1, 0, 0, 0 }, /* partner */
	};
	const kc_user *users[4] = { &admin, &ana, &mem, &par };

	(void)state;
	for (int r = 0; r < 4; r++)
		for (int t = 0; t <= KC_TLP_RED; t++)
			if (kc_may_read(users[r], OTHER, (kc_tlp)t, NULL) != other[r][t])
				fail_msg("role %d tlp %s: want %d", r, kc_tlp_name((kc_tlp)t), other[r][t]);
	/* A member sees their own organisation up to AMBER+STRICT, never RED unless addressed. */
	assert_true(kc_may_read(&mem, OWN, KC_TLP_AMBER, NULL));
	assert_true(kc_may_read(&mem, OWN, KC_TLP_AMBER_STRICT, NULL));
	assert_false(kc_may_read(&mem, OWN, KC_TLP_RED, NULL));
	assert_true(kc_may_read(&mem, OWN, KC_TLP_RED, &(kc_share){ NULL, 0, to_mem, 1 }));
	assert_false(kc_may_read(&mem, OWN, KC_TLP_RED, &(kc_share){ NULL, 0, to_ana, 1 }));
	/* Partners: AMBER when shared with their CERT, never AMBER+STRICT, RED when addressed. */
	assert_true(kc_may_read(&par, OTHER, KC_TLP_AMBER, &shared));
	assert_false(kc_may_read(&par, OTHER, KC_TLP_AMBER_STRICT, &shared));
	assert_false(kc_may_read(&par, OTHER, KC_TLP_RED, &shared));
	assert_true(kc_may_read(&par, OTHER, KC_TLP_RED, &(kc_share){ NULL, 0, to_par, 1 }));
	assert_false(kc_may_read(&mem, OTHER, KC_TLP_AMBER, &shared)); /* sharing with a partner is not with members */
	/* Analysts: RED only when addressed. */
	assert_true(kc_may_read(&ana, OTHER, KC_TLP_RED, &(kc_share){ NULL, 0, to_ana, 1 }));
	/* A disabled account sees nothing. */
	admin.disabled = 1;
	assert_false(kc_may_read(&admin, OTHER, KC_TLP_CLEAR, NULL));
	assert_false(kc_may_read(NULL, OTHER, KC_TLP_CLEAR, NULL));
}

static void tlp_names(void **state)
{
	kc_tlp t;

	(void)state;
	assert_int_equal(kc_tlp_parse("TLP:AMBER+STRICT", &t), 0);
	assert_int_equal(t, KC_TLP_AMBER_STRICT);
	assert_string_equal(kc_tlp_name(t), "AMBER+STRICT");
	assert_int_equal(kc_tlp_parse("white", &t), 0);
	assert_int_equal(t, KC_TLP_CLEAR);
	assert_int_equal(kc_tlp_parse("AMBER STRICT", &t), KC_EINVAL);
	assert_int_equal(kc_tlp_parse(NULL, &t), KC_EINVAL);
}

static void password_rules(void **state)
{
	kc_err err;

	(void)state;
	assert_int_equal(kc_password_check("kort", "x", &err), KC_EINVAL);
	assert_int_equal(kc_password_check("aaaaaaaaaaaaaaaa", "x", &err), KC_EINVAL);
	assert_int_equal(kc_password_check("Passord12345", "x", &err), KC_EINVAL);
	assert_int_equal(kc_password_check("kari.nordmann", "kari.nordmann", &err), KC_EINVAL);
	assert_int_equal(kc_password_check("Korrekt-Hest-Batteri-9", "x", &err), 0);
}

static void login_sessions_tokens(void **state)
{
	char path[256], sid[KC_SECRET_LEN + 1], csrf[KC_SECRET_LEN + 1], csrf2[KC_SECRET_LEN + 1],
		tok[KC_SECRET_LEN + 1];
	kc_store *st = test_store(1, path);
	kc_seed_report rep;
	kc_user u, v;
	kc_err err;
	int64_t bergen = 0;

	(void)state;
	assert_int_equal(kc_seed_registry(st, "t", &rep, &err), 0);
	assert_int_equal(kc_store_scalar_int(st, &err, &bergen, "SELECT id FROM org WHERE code = '4601'", ""), 0);
	assert_int_equal(kc_user_add(st, "t", "kari", KC_ROLE_MEMBER, &bergen, 1, "Korrekt-Hest-Batteri-9", &u, &err), 0);
	assert_int_equal(u.norgs, 1);
	assert_int_equal(u.orgs[0], bergen);
	assert_int_equal(kc_user_add(st, "t", "kari", KC_ROLE_ANALYST, NULL, 0, "Korrekt-Hest-Batteri-9", NULL, &err),
			 KC_EEXIST);
	assert_int_equal(kc_user_add(st, "t", "x y", KC_ROLE_ANALYST, NULL, 0, "Korrekt-Hest-Batteri-9", NULL, &err),
			 KC_EINVAL);
	/* The stored hash is Argon2id, never the password. */
	{
		kc_stmt *s;

		assert_int_equal(kc_store_query(st, &err, &s, "SELECT password_hash FROM app_user WHERE name = 'kari'", ""), 0);
		assert_int_equal(kc_stmt_step(s, &err), KC_ROW);
		assert_int_equal(strncmp(kc_stmt_text(s, 0), "$argon2id$", 10), 0);
		assert_null(strstr(kc_stmt_text(s, 0), "Korrekt"));
		kc_stmt_finalize(s);
	}
	assert_int_equal(kc_login(st, "kari", "Korrekt-Hest-Batteri-9", "127.0.0.1", 3600, &v, sid, csrf, &err), 0);
	assert_int_equal(kc_session_user(st, sid, &v, csrf2, &err), 0);
	assert_string_equal(v.name, "kari");
	assert_string_equal(csrf, csrf2);
	assert_int_equal(kc_logout(st, sid, &err), 0);
	assert_int_equal(kc_session_user(st, sid, &v, csrf2, &err), KC_ENOENT);
	/* Five failures throttle the account, even for the right password. */
	for (int i = 0; i < 5; i++)
		assert_int_equal(kc_login(st, "kari", "feil-passord-123", "127.0.0.2", 3600, &v, sid, csrf, &err), KC_EPERM);
	assert_int_equal(kc_login(st, "kari", "Korrekt-Hest-Batteri-9", "127.0.0.2", 3600, &v, sid, csrf, &err), KC_EAGAIN);
	/* ... until the window has passed. */
	setenv("KCERT_NOW", "2099-01-01T00:00:00Z", 1);
	assert_int_equal(kc_login(st, "kari", "Korrekt-Hest-Batteri-9", "127.0.0.2", 3600, &v, sid, csrf, &err), 0);
	unsetenv("KCERT_NOW");
	assert_int_equal(kc_login(st, "nobody", "Korrekt-Hest-Batteri-9", "127.0.0.3", 3600, &v, sid, csrf, &err), KC_EPERM);
	/* Tokens: resolved while valid, gone when the user is disabled. */
	assert_int_equal(kc_token_create(st, "t", u.id, "ci", kc_now() + 3600, tok, &err), 0);
	assert_int_equal(kc_token_user(st, tok, &v, &err), 0);
	assert_int_equal(v.id, u.id);
	assert_int_equal(kc_token_user(st, "not-a-token", &v, &err), KC_ENOENT);
	assert_int_equal(kc_user_set_disabled(st, "t", u.id, 1, &err), 0);
	assert_int_equal(kc_token_user(st, tok, &v, &err), KC_ENOENT);
	assert_int_equal(kc_login(st, "kari", "Korrekt-Hest-Batteri-9", "127.0.0.4", 3600, &v, sid, csrf, &err), KC_EPERM);
	test_store_done(st, path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(visibility_matrix),
		cmocka_unit_test(tlp_names),
		cmocka_unit_test(password_rules),
		cmocka_unit_test(login_sessions_tokens),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
