/* Unit tests: intervals, notice texts, composing mail, the outbox's states
 * without a mail server (retries with backoff, leases, operator retry). */
#include "../test.h"
#include "audit/audit.h"
#include "feed/fetch.h"
#include "notify/compose.h"
#include "notify/notice.h"
#include "notify/outbox.h"
#include "notify/texts.h"

static void intervals(void **state)
{
	(void)state;
	assert_int_equal(kc_interval_parse("1d"), 86400);
	assert_int_equal(kc_interval_parse("6h"), 21600);
	assert_int_equal(kc_interval_parse("30m"), 1800);
	assert_int_equal(kc_interval_parse("90s"), 90);
	assert_int_equal(kc_interval_parse("3600"), 3600);
	assert_int_equal(kc_interval_parse(""), 0);
	assert_int_equal(kc_interval_parse("-1d"), 0);
	assert_int_equal(kc_interval_parse("0"), 0);
	assert_int_equal(kc_interval_parse("1w"), 0);
	assert_int_equal(kc_interval_parse("1dd"), 0);
	assert_int_equal(kc_interval_parse("99999999999999999999"), 0);
	assert_int_equal(kc_interval_parse("400d"), 0);
}

static void texts(void **state)
{
	const kc_notice_text *t;

	(void)state;
	t = kc_notice_text_find("vulnerable", "open-rdp");
	assert_string_equal(t->identifier, "open-rdp");
	assert_int_equal(t->high, 0);
	t = kc_notice_text_find("malicious-code", "avalanche-andromeda"); /* by taxonomy */
	assert_null(t->identifier);
	assert_string_equal(t->taxonomy, "malicious-code");
	assert_int_equal(t->high, 1);
	t = kc_notice_text_find("vulnerable", "vulnerable-exchange-server");
	assert_int_equal(t->high, 1);
	t = kc_notice_text_find("nothing-known", "nothing-known"); /* the generic one, never NULL */
	assert_null(t->identifier);
	assert_null(t->taxonomy);
	t = kc_notice_text_find(NULL, NULL);
	assert_non_null(t->title);
	/* Every text is translated: the bokmål differs from the English. */
	for (const char *id = "open-rdp"; id; id = NULL) {
		t = kc_notice_text_find("vulnerable", id);
		assert_string_not_equal(kc_tr_lang(KC_LANG_NB, t->title), t->title);
		assert_string_not_equal(kc_tr_lang(KC_LANG_NN, t->why), kc_tr_lang(KC_LANG_NB, t->why));
	}
}

static void compose(void **state)
{
	static const char *const hdr[] = { "Auto-Submitted", "auto-generated", NULL };
	kc_compose c = { .from_name = "KommuneCERT", .from = "varsel@kommunecert.example", .to_name = "Kåre Ø",
			 .to = "kare@example.no", .subject = "Varsel: åpen RDP på Ås", .message_id = "x.1@kommunecert.example",
			 .text = "Hei,\n\nlinje med æøå\n.\n", .att_name = "ås.csv", .att_type = "text", .att_subtype = "csv",
			 .att_data = "a,b\r\n1,2\r\n", .att_len = 10, .headers = hdr };
	char mid[200], *m = NULL;
	kc_err err;

	(void)state;
	assert_int_equal(kc_compose_message(&c, &m, &err), 0);
	assert_non_null(strstr(m, "Message-Id: <x.1@kommunecert.example>\r\n"));
	assert_non_null(strstr(m, "Auto-Submitted: auto-generated\r\n"));
	assert_non_null(strstr(m, "Subject: Varsel: =?UTF-8?")); /* encoded words for the Norwegian letters */
	for (const char *p = m; *p && strncmp(p, "\r\n\r\n", 4); p++)
		assert_true((unsigned char)*p < 0x80); /* never raw 8-bit in a header */
	assert_non_null(strstr(m, "Content-Type: multipart/mixed"));
	assert_non_null(strstr(m, "Content-Transfer-Encoding: quoted-printable"));
	assert_non_null(strstr(m, "linje med =C3=A6=C3=B8=C3=A5"));
	assert_non_null(strstr(m, "Content-Type: text/csv; charset=utf-8"));
	assert_non_null(strstr(m, "YSxiDQoxLDINCg==")); /* the CSV in base64 */
	for (const char *p = m; (p = strchr(p, '\n')); p++)
		assert_int_equal(p[-1], '\r'); /* CRLF everywhere */
	free(m);
	c.att_data = NULL;
	assert_int_equal(kc_compose_message(&c, &m, &err), 0);
	assert_null(strstr(m, "multipart"));
	free(m);
	kc_compose_message_id("KC-V-2026-000001", "varsel@kommunecert.example", mid, sizeof(mid));
	assert_int_equal(strncmp(mid, "KC-V-2026-000001.", 17), 0);
	assert_non_null(strstr(mid, "@kommunecert.example"));
	assert_int_equal(strlen(mid), strlen("KC-V-2026-000001.") + 24 + strlen("@kommunecert.example"));
}

static int64_t state_of(kc_store *st, int64_t id, char *out, size_t cap)
{
	kc_outbox_row *v = NULL;
	size_t n = 0;
	kc_err err;
	int64_t attempts = -1;

	assert_int_equal(kc_outbox_list(st, NULL, NULL, NULL, 100, &v, &n, &err), 0);
	for (size_t i = 0; i < n; i++)
		if (v[i].id == id) {
			snprintf(out, cap, "%s", v[i].state);
			attempts = v[i].attempts;
		}
	free(v);
	return attempts;
}

static void outbox(void **state)
{
	kc_outbox_msg m = { .kind = "notice", .ref = "KC-V-2026-000001", .from = "a@example.no", .rcpt = "b@example.no",
			    .subject = "s", .message_id = "m1@example.no", .body = "Subject: s\r\n\r\nbody\r\n" };
	kc_smtp_conf conf;
	kc_outbox_result r;
	char path[256], st_s[16];
	int64_t id = 0;
	kc_store *st;
	kc_err err;

	(void)state;
	st = test_store(1, path);
	setenv("KCERT_NOW", "2026-11-28T06:00:00Z", 1);
	assert_int_equal(kc_outbox_add(st, &m, &id, &err), 0);
	assert_true(id > 0);
	assert_int_equal(kc_outbox_add(st, &m, NULL, &err) < 0, 1); /* the Message-ID is unique */
	/* Nobody listens on port 9 of loopback: a temporary failure, retried later. */
	kc_smtp_conf_from_env(&conf);
	snprintf(conf.url, sizeof(conf.url), "smtp://127.0.0.1:9");
	conf.timeout = 5;
	assert_int_equal(kc_outbox_deliver(st, &conf, "unit:1", 0, &r, &err), 0);
	assert_int_equal(r.retry, 1);
	assert_int_equal(r.sent, 0);
	assert_int_equal(state_of(st, id, st_s, sizeof(st_s)), 1);
	assert_string_equal(st_s, "queued");
	/* Not due again for a minute: nothing is tried. */
	assert_int_equal(kc_outbox_deliver(st, &conf, "unit:1", 0, &r, &err), 0);
	assert_int_equal(r.retry, 0);
	assert_int_equal(state_of(st, id, st_s, sizeof(st_s)), 1);
	/* Backoff doubles: 1 min, then 2 min. */
	setenv("KCERT_NOW", "2026-11-28T06:01:00Z", 1);
	assert_int_equal(kc_outbox_deliver(st, &conf, "unit:1", 0, &r, &err), 0);
	assert_int_equal(r.retry, 1);
	setenv("KCERT_NOW", "2026-11-28T06:02:30Z", 1);
	assert_int_equal(kc_outbox_deliver(st, &conf, "unit:1", 0, &r, &err), 0);
	assert_int_equal(r.retry, 0);
	setenv("KCERT_NOW", "2026-11-28T06:03:00Z", 1);
	assert_int_equal(kc_outbox_deliver(st, &conf, "unit:1", 0, &r, &err), 0);
	assert_int_equal(r.retry, 1);
	assert_int_equal(state_of(st, id, st_s, sizeof(st_s)), 3);
	/* A row another worker holds under a lease is left alone; one left
	 * "sending" by a dead worker becomes uncertain when its lease expires. */
	assert_int_equal(kc_store_exec(st, &err, NULL,
				       "UPDATE outbox SET state = 'sending', lease_owner = 'dead:1', "
				       "lease_until = '2026-11-28T06:10:00Z' WHERE id = ?",
				       "i", id),
			 0);
	setenv("KCERT_NOW", "2026-11-28T06:09:00Z", 1);
	assert_int_equal(kc_outbox_deliver(st, &conf, "unit:1", 0, &r, &err), 0);
	state_of(st, id, st_s, sizeof(st_s));
	assert_string_equal(st_s, "sending");
	setenv("KCERT_NOW", "2026-11-28T06:11:00Z", 1);
	assert_int_equal(kc_outbox_deliver(st, &conf, "unit:1", 0, &r, &err), 0);
	state_of(st, id, st_s, sizeof(st_s));
	assert_string_equal(st_s, "uncertain");
	assert_int_equal(r.retry + r.sent, 0); /* never resent by itself */
	/* The operator decides. */
	assert_int_equal(kc_outbox_retry(st, id, "unit", &err), 0);
	assert_int_equal(state_of(st, id, st_s, sizeof(st_s)), 0);
	assert_string_equal(st_s, "queued");
	assert_int_equal(kc_outbox_retry(st, id, "unit", &err), KC_EINVAL);
	assert_int_equal(kc_outbox_retry(st, 999, "unit", &err), KC_ENOENT);
	unsetenv("KCERT_NOW");
	test_store_done(st, path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(intervals),
		cmocka_unit_test(texts),
		cmocka_unit_test(compose),
		cmocka_unit_test(outbox),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
