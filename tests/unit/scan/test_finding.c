/* Unit tests: the findings sink on a real SQLite store - open, update, fix on
 * covered, reopen, accept, acceptance expiry - and the rating's colours. */
#include "../test.h"
#include "org/asset.h"
#include "org/org.h"
#include "org/seed.h"
#include "scan/finding.h"

struct fx {
	char path[256];
	kc_store *st;
	int64_t bergen, oslo;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	kc_seed_report rep;
	kc_org o;
	kc_err err;

	unsetenv("KCERT_NOW");
	f->st = test_store(1, f->path);
	assert_int_equal(kc_seed_registry(f->st, "test", &rep, &err), 0);
	assert_int_equal(kc_org_get(f->st, "4601", &o, &err), 0);
	f->bergen = o.id;
	assert_int_equal(kc_org_get(f->st, "0301", &o, &err), 0);
	f->oslo = o.id;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	unsetenv("KCERT_NOW");
	test_store_done(f->st, f->path);
	free(f);
	return 0;
}

static int64_t count(kc_store *st, const char *sql, int64_t id)
{
	int64_t n = -1;
	kc_err err;

	assert_int_equal(kc_store_scalar_int(st, &err, &n, sql, "i", id), 0);
	return n;
}

static struct kc_finding mk(int64_t org, const char *check, const char *target, int port, enum kc_sev sev)
{
	struct kc_finding f = { .org_id = org, .check = check, .target = target, .port = port, .severity = sev,
				.confidence = 100, .title = "Open RDP", .evidence = "{\"banner\":\"x\"}" };
	return f;
}

static void status_of(kc_store *st, int64_t id, const char *want)
{
	kc_finding_row r;
	kc_err err;

	assert_int_equal(kc_finding_get(st, id, &r, &err), 0);
	assert_string_equal(r.status, want);
	free(r.evidence);
}

static void lifecycle(void **state)
{
	struct fx *f = *state;
	struct kc_finding_sink fs;
	struct kc_scan_sink sink;
	struct kc_finding a = mk(f->bergen, "service.rdp", "192.0.2.10", 3389, KC_SEV_HIGH);
	struct kc_finding b = mk(f->bergen, "tls.expired", "192.0.2.10", 443, KC_SEV_HIGH);
	const char *hist = "SELECT count(*) FROM finding_history WHERE finding_id = ?";
	kc_finding_change *h = NULL;
	kc_finding_row *rows = NULL;
	kc_finding_filter flt = { .org_id = 0 };
	size_t n = 0;
	int64_t id;
	kc_err err;

	/* Run 1: two findings open, through the bound sink. */
	setenv("KCERT_NOW", "2027-03-01T10:00:00Z", 1);
	kc_finding_sink_init(&fs, f->st, 1, "test");
	kc_finding_sink_bind(&fs, &sink);
	sink.finding(sink.arg, &a);
	sink.finding(sink.arg, &b);
	assert_int_equal(fs.rc, 0);
	assert_int_equal(fs.opened, 2);
	assert_int_equal(fs.nnew_high, 2);
	kc_finding_sink_release(&fs);
	assert_int_equal(kc_finding_list(f->st, &flt, &rows, &n, &err), 0);
	assert_int_equal(n, 2);
	id = rows[0].check[0] == 's' ? rows[0].id : rows[1].id; /* service.rdp */
	kc_finding_rows_free(rows, n);
	assert_int_equal(count(f->st, hist, id), 1);

	/* Run 2: seen again, same severity: last seen moves, no history. Then a
	 * severity change: one history row. */
	setenv("KCERT_NOW", "2027-03-02T10:00:00Z", 1);
	kc_finding_sink_init(&fs, f->st, 2, "test");
	assert_int_equal(kc_finding_observe(&fs, &a), 0);
	assert_int_equal(fs.opened, 0);
	assert_int_equal(count(f->st, hist, id), 1);
	a.severity = KC_SEV_MEDIUM;
	assert_int_equal(kc_finding_observe(&fs, &a), 0);
	assert_int_equal(count(f->st, hist, id), 2);
	/* covered in the same run does not close what the run saw; another
	 * family covers nothing here. */
	assert_int_equal(kc_finding_covered(&fs, f->bergen, "service", "192.0.2.10", 0), 0);
	assert_int_equal(kc_finding_covered(&fs, f->bergen, "http", "192.0.2.10", 443), 0);
	kc_finding_sink_release(&fs);
	{
		kc_finding_row r;

		assert_int_equal(kc_finding_get(f->st, id, &r, &err), 0);
		assert_string_equal(r.last_seen, "2027-03-02T10:00:00Z");
		assert_string_equal(r.first_seen, "2027-03-01T10:00:00Z");
		assert_string_equal(r.severity, "medium");
		free(r.evidence);
	}

	/* Run 3: the service family covered on the target, RDP not seen: fixed.
	 * The TLS finding on 443 stays open (tls not covered). */
	setenv("KCERT_NOW", "2027-03-03T10:00:00Z", 1);
	kc_finding_sink_init(&fs, f->st, 3, "test");
	assert_int_equal(kc_finding_covered(&fs, f->bergen, "service", "192.0.2.10", 0), 1);
	assert_int_equal(kc_finding_covered(&fs, f->bergen, "service", "192.0.2.10", 0), 0); /* once */
	assert_int_equal(fs.fixed, 1);
	kc_finding_sink_release(&fs);
	status_of(f->st, id, "fixed");
	assert_int_equal(count(f->st, "SELECT count(*) FROM finding WHERE status = 'open' AND org_id = ?", f->bergen), 1);
	/* tls covered on another port closes nothing, on 443 it closes. */
	kc_finding_sink_init(&fs, f->st, 3, "test");
	assert_int_equal(kc_finding_covered(&fs, f->bergen, "tls", "192.0.2.10", 8443), 0);
	assert_int_equal(kc_finding_covered(&fs, f->bergen, "tls", "192.0.2.10", 443), 1);
	kc_finding_sink_release(&fs);

	/* Run 4: RDP back: reopened, high again, told again. */
	a.severity = KC_SEV_HIGH;
	kc_finding_sink_init(&fs, f->st, 4, "test");
	assert_int_equal(kc_finding_observe(&fs, &a), 0);
	assert_int_equal(fs.reopened, 1);
	assert_int_equal(fs.nnew_high, 1);
	assert_int_equal(fs.new_high[0], id);
	kc_finding_sink_release(&fs);
	status_of(f->st, id, "open");
	assert_int_equal(kc_finding_history(f->st, id, &h, &n, &err), 0);
	assert_int_equal(n, 4);
	assert_string_equal(h[0].change, "opened");
	assert_string_equal(h[1].change, "severity");
	assert_string_equal(h[2].change, "fixed");
	assert_string_equal(h[3].change, "reopened");
	free(h);
	/* Every change is in the audit log. */
	assert_true(count(f->st, "SELECT count(*) FROM audit WHERE action LIKE 'finding.%' AND seq > ?", 0) >= 6);

	/* A finding without a target is refused, and the sink keeps the error. */
	kc_finding_sink_init(&fs, f->st, 5, "test");
	a.target = "";
	assert_int_equal(kc_finding_observe(&fs, &a), KC_EINVAL);
	kc_finding_sink_release(&fs);
}

static void accept_and_expire(void **state)
{
	struct fx *f = *state;
	struct kc_finding_sink fs;
	struct kc_finding a = mk(f->bergen, "service.redis", "192.0.2.11", 6379, KC_SEV_HIGH);
	kc_finding_change *h = NULL;
	size_t n = 0, expired = 0;
	int64_t id;
	kc_err err;

	setenv("KCERT_NOW", "2027-03-01T10:00:00Z", 1);
	kc_finding_sink_init(&fs, f->st, 1, "test");
	assert_int_equal(kc_finding_observe(&fs, &a), 0);
	kc_finding_sink_release(&fs);
	id = count(f->st, "SELECT max(id) FROM finding WHERE org_id = ?", f->bergen);

	assert_int_equal(kc_finding_accept(f->st, "kari", id, "", "2027-06-30", &err), KC_EINVAL);
	assert_non_null(strstr(err.msg, "reason"));
	assert_int_equal(kc_finding_accept(f->st, "kari", id, "lab", "2027-02-28", &err), KC_EINVAL); /* passed */
	assert_non_null(strstr(err.msg, "passed"));
	assert_int_equal(kc_finding_accept(f->st, "kari", id, "lab", "2027-02-30", &err), KC_EINVAL); /* no such day */
	assert_int_equal(kc_finding_accept(f->st, "kari", id, "lab", "30.06.2027", &err), KC_EINVAL);
	assert_int_equal(kc_finding_accept(f->st, "kari", id, "lab", "2031-01-01", &err), KC_EINVAL); /* too far */
	assert_int_equal(kc_finding_accept(f->st, "kari", 999999, "lab", "2027-06-30", &err), KC_ENOENT);
	assert_int_equal(kc_finding_accept(f->st, "kari", id, "Isolated test network", "2027-06-30", &err), 0);
	status_of(f->st, id, "accepted");
	{
		kc_rating r;

		assert_int_equal(kc_asset_add(f->st, "t", NULL, f->bergen, "cidr", "192.0.2.0/24", NULL,
					      &(kc_asset_outcome){ 0 }, &err),
				 0);
		assert_int_equal(kc_rating_get(f->st, f->bergen, &r, &err), 0);
		assert_int_equal(r.high, 0);
		assert_int_equal(r.accepted, 1);
		assert_int_equal(r.colour, KC_COLOUR_GREEN);
	}
	/* Seen again while accepted: stays accepted. */
	kc_finding_sink_init(&fs, f->st, 2, "test");
	assert_int_equal(kc_finding_observe(&fs, &a), 0);
	assert_int_equal(fs.nnew_high, 0);
	kc_finding_sink_release(&fs);
	status_of(f->st, id, "accepted");

	/* On the last day still accepted; the day after, open again. */
	setenv("KCERT_NOW", "2027-06-30T23:00:00Z", 1);
	assert_int_equal(kc_finding_expire(f->st, "worker", &expired, &err), 0);
	assert_int_equal(expired, 0);
	setenv("KCERT_NOW", "2027-07-01T00:30:00Z", 1);
	assert_int_equal(kc_finding_expire(f->st, "worker", &expired, &err), 0);
	assert_int_equal(expired, 1);
	status_of(f->st, id, "open");
	assert_int_equal(kc_finding_history(f->st, id, &h, &n, &err), 0);
	assert_int_equal(n, 3);
	assert_string_equal(h[1].change, "accepted");
	assert_non_null(strstr(h[1].detail, "Isolated test network"));
	assert_string_equal(h[1].actor, "kari");
	assert_string_equal(h[2].change, "expired");
	free(h);

	/* A fixed finding cannot be accepted. */
	kc_finding_sink_init(&fs, f->st, 3, "test");
	assert_int_equal(kc_finding_covered(&fs, f->bergen, "service", "192.0.2.11", 6379), 1);
	kc_finding_sink_release(&fs);
	assert_int_equal(kc_finding_accept(f->st, "kari", id, "x", "2027-08-01", &err), KC_EINVAL);
}

static void rating_colours(void **state)
{
	struct fx *f = *state;
	struct kc_finding_sink fs;
	static const struct {
		enum kc_sev sev;
		const char *check;
		kc_colour want;
	} steps[] = {
		{ KC_SEV_INFO, "product.nginx", KC_COLOUR_GREEN },   { KC_SEV_LOW, "http.csp", KC_COLOUR_YELLOW },
		{ KC_SEV_MEDIUM, "http.hsts", KC_COLOUR_ORANGE },    { KC_SEV_HIGH, "service.smb", KC_COLOUR_RED },
	};
	kc_rating_day *days = NULL;
	kc_rating *list = NULL, r;
	size_t n = 0;
	kc_err err;

	setenv("KCERT_NOW", "2027-03-01T10:00:00Z", 1);
	/* Nothing registered: grey, whatever the findings. */
	assert_int_equal(kc_rating_get(f->st, f->oslo, &r, &err), 0);
	assert_int_equal(r.colour, KC_COLOUR_GREY);
	assert_string_equal(kc_colour_name(r.colour), "grey");
	assert_int_equal(kc_asset_add(f->st, "t", NULL, f->oslo, "domain", "oslo.example", NULL, &(kc_asset_outcome){ 0 },
				      &err),
			 0);
	assert_int_equal(kc_rating_get(f->st, f->oslo, &r, &err), 0);
	assert_int_equal(r.colour, KC_COLOUR_GREEN);
	assert_int_equal(kc_rating_record(f->st, f->oslo, &err), 0);
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		struct kc_finding x = mk(f->oslo, steps[i].check, "198.51.100.7", 443, steps[i].sev);

		kc_finding_sink_init(&fs, f->st, 10 + (int64_t)i, "test");
		assert_int_equal(kc_finding_observe(&fs, &x), 0);
		kc_finding_sink_release(&fs);
		assert_int_equal(kc_rating_get(f->st, f->oslo, &r, &err), 0);
		assert_int_equal(r.colour, steps[i].want);
	}
	assert_int_equal(r.high, 1);
	assert_int_equal(r.medium, 1);
	assert_int_equal(r.low, 1);
	assert_int_equal(r.info, 1);
	/* Recorded per day: the same day overwritten, a new day added. */
	assert_int_equal(kc_rating_record(f->st, f->oslo, &err), 0);
	setenv("KCERT_NOW", "2027-03-02T10:00:00Z", 1);
	assert_int_equal(kc_rating_record(f->st, f->oslo, &err), 0);
	assert_int_equal(kc_rating_trend(f->st, f->oslo, 30, &days, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(days[0].day, "2027-03-01");
	assert_int_equal(days[0].colour, KC_COLOUR_RED);
	assert_int_equal(days[1].high, 1);
	free(days);
	/* The national list: every municipality, Oslo red, Bergen grey. */
	assert_int_equal(kc_rating_list(f->st, NULL, 0, &list, &n, &err), 0);
	assert_true(n >= 357);
	for (size_t i = 0; i < n; i++) {
		if (list[i].org_id == f->oslo)
			assert_int_equal(list[i].colour, KC_COLOUR_RED);
		if (list[i].org_id == f->bergen)
			assert_int_equal(list[i].colour, KC_COLOUR_GREY);
	}
	free(list);
	assert_int_equal(kc_rating_list(f->st, "46", 0, &list, &n, &err), 0); /* Vestland */
	assert_true(n > 10 && n < 60);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(list[i].county_code, "46");
	free(list);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(lifecycle, setup, teardown),
		cmocka_unit_test_setup_teardown(accept_and_expire, setup, teardown),
		cmocka_unit_test_setup_teardown(rating_colours, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
