/*
 * demo.c - the synthetic demo dataset; see demo.h. The data is made here,
 * from a fixed pseudo-random sequence, so every demo store looks the same.
 */
#include "picture/demo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/time.h"
#include "case/case.h"
#include "org/asset.h"
#include "org/org.h"
#include "picture/situation.h"
#include "base/kc.h"

static const struct {
	const char *org, *cidr, *domain;
} owners[] = {
	{ "0301", "192.0.2.0/24", "oslo.example" },
	{ "4601", "198.51.100.0/24", "bergen.example" },
	{ "5001", "203.0.113.0/24", "trondheim.example" },
	{ "5501", "2001:db8::/32", "tromso.example" },
};

static const struct {
	const char *taxonomy, *type, *identifier;
	int port;
} kinds[] = {
	{ "vulnerable", "vulnerable-system", "open-rdp", 3389 },
	{ "vulnerable", "vulnerable-system", "open-smb", 445 },
	{ "vulnerable", "vulnerable-system", "ssl-poodle", 443 },
	{ "vulnerable", "vulnerable-system", "vulnerable-exchange-server", 443 },
	{ "malicious-code", "infected-system", "andromeda", -1 },
	{ "other", "blacklist", "blacklisted-ip", -1 },
	{ "intrusion-attempts", "brute-force", "brute-force", 22 },
};

static uint64_t seq = 0x2545F4914F6CDD1DULL;

static unsigned rnd(unsigned n)
{
	seq ^= seq << 13;
	seq ^= seq >> 7;
	seq ^= seq << 17;
	return (unsigned)(seq % n);
}

int kc_demo_load(kc_store *st, const char *actor, kc_demo_report *rep, kc_err *err)
{
	static const struct {
		const char *title, *severity, *status, *tax, *type;
		int org;
	} cases[] = {
		{ "DEMO: Løsepengevirus på filserver", "kritisk", "handling", "malicious-code", "infected-system", 0 },
		{ "DEMO: Phishing mot ansatte i helse og omsorg", "alvorlig", "triage", "fraud", "phishing", 1 },
		{ "DEMO: Åpen RDP på skoleserver", "moderat", "reported", NULL, NULL, 2 },
		{ "DEMO: Mistenkelig pålogging i lønnssystemet", "alvorlig", "handling", "intrusions", "system-compromise", 3 },
		{ "DEMO: Tjenestenekt mot kommunens nettside", "moderat", "recovery", "availability", "ddos", 0 },
		{ "DEMO: Sårbar Exchange-server", "alvorlig", "closed", "vulnerable", "vulnerable-system", 1 },
		{ "DEMO: Lekkasje av elevdata", "alvorlig", "triage", "information-content-security", "data-leak", 2 },
		{ "DEMO: Spam fra kommunens e-postserver", "lav", "reported", "abusive-content", "spam", 3 },
	};
	char *done = NULL, now[KC_TIME_STRLEN];
	int64_t ids[KC_ARRAY_LEN(owners)];
	kc_actor a = { .name = actor };
	int rc;

	memset(rep, 0, sizeof(*rep));
	if (kc_store_setting_get(st, "demo.loaded", &done, err) == KC_OK) {
		free(done);
		return kc_err_set(err, KC_EEXIST, _("the demo data is loaded already"));
	}
	kc_time_now_iso(now);
	for (size_t i = 0; i < KC_ARRAY_LEN(owners); i++) {
		kc_asset_outcome out;
		kc_contact c = { 0 };
		kc_org o;

		rc = kc_org_get(st, owners[i].org, &o, err);
		if (!rc)
			rc = kc_asset_add(st, actor, NULL, o.id, "cidr", owners[i].cidr, "DEMO", &out, err);
		if (!rc)
			rc = kc_asset_add(st, actor, NULL, o.id, "domain", owners[i].domain, "DEMO", &out, err);
		if (rc)
			return rc;
		rep->assets += 2;
		ids[i] = o.id;
		c.org_id = o.id;
		snprintf(c.name, sizeof(c.name), "DEMO kontakt %s", o.name);
		snprintf(c.email, sizeof(c.email), "sikkerhet@%s.invalid", o.slug);
		snprintf(c.role, sizeof(c.role), "security");
		snprintf(c.lang, sizeof(c.lang), "%s", i == 1 ? "nn" : "nb");
		snprintf(c.notices, sizeof(c.notices), "all");
		if (kc_contact_add(st, actor, &c, err) == KC_OK)
			rep->contacts++;
	}
	/* 90 days of events, more in the last week, from a feed called demo. */
	rc = kc_store_begin(st, err);
	for (int i = 0; !rc && i < 600; i++) {
		unsigned o = rnd(KC_ARRAY_LEN(owners)), k = rnd(KC_ARRAY_LEN(kinds));
		time_t t = kc_now() - (time_t)(i < 200 ? rnd(7 * 86400) : rnd(90 * 86400));
		char when[KC_TIME_STRLEN], ip[48], key[200];

		kc_time_iso(t, when);
		if (o == 3)
			snprintf(ip, sizeof(ip), "2001:db8::%x", 1 + rnd(200));
		else
			snprintf(ip, sizeof(ip), "%.*s%u", (int)(strlen(owners[o].cidr) - 4), owners[o].cidr, 1 + rnd(250));
		snprintf(key, sizeof(key), "demo|%s|%s|%d|%d", kinds[k].identifier, ip, kinds[k].port, i);
		rc = kc_store_exec(st, err, NULL,
				   "INSERT INTO event (org_id, feed_name, report, taxonomy, type, identifier, source_ip, source_port, "
				   "time_source, time_last, time_observation, dedup_key, extra) VALUES (?, 'demo', 'demo', ?, ?, ?, ?, "
				   "NULLIF(?, -1), ?, ?, ?, ?, '{\"demo\":\"yes\"}')",
				   "itttti" "tttt", ids[o], kinds[k].taxonomy, kinds[k].type, kinds[k].identifier, ip,
				   (int64_t)kinds[k].port, when, when, now, key);
		if (!rc)
			rep->events++;
	}
	if (rc) {
		kc_store_rollback(st);
		return rc;
	}
	rc = kc_store_commit(st, err);
	for (size_t i = 0; !rc && i < KC_ARRAY_LEN(cases); i++) {
		kc_case_new n = { .title = cases[i].title, .severity = cases[i].severity, .channel = "cli",
				  .taxonomy = cases[i].tax, .type = cases[i].type, .org_id = ids[cases[i].org],
				  .reporter = "DEMO", .description = "DEMO: syntetiske data for å vise kcert. "
								 "Trafikk fra 203.0.113.66 og lenke til hxxps://login-demo[.]example[.]net/." };
		int64_t id = 0;

		rc = kc_case_create(st, &a, &n, &id, err);
		if (!rc && strcmp(cases[i].status, "reported"))
			rc = kc_case_set_status(st, &a, id, cases[i].status,
						!strcmp(cases[i].status, "closed") ? "DEMO: oppdater raskere" : NULL, err);
		if (!rc)
			rep->cases++;
	}
	if (!rc)
		rc = kc_threat_level_set(st, actor, 3, "DEMO: økt aktivitet mot kommunal sektor", err);
	if (!rc)
		rc = kc_store_setting_set(st, "demo.loaded", now, err);
	return rc;
}
