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
#include "advisory/advisory.h"
#include "scan/finding.h"
#include "vuln/exposure.h"
#include "vuln/vuln.h"
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

#include "demo_vuln.inc"

static const struct {
	const char *check, *family, *severity, *title;
	int port;
} checks[] = {
	{ "service.rdp", "service", "high", "DEMO: Remote Desktop (RDP) open to the internet", 3389 },
	{ "service.smbv1", "service", "high", "DEMO: SMBv1 open to the internet", 445 },
	{ "tls.expiry", "tls", "high", "DEMO: TLS certificate expired", 443 },
	{ "tls.protocol", "tls", "medium", "DEMO: TLS 1.0 still offered", 443 },
	{ "mail.dmarc", "mail", "medium", "DEMO: no DMARC policy", 0 },
	{ "mail.spf", "mail", "low", "DEMO: SPF ends in ~all", 0 },
	{ "http.hsts", "http", "low", "DEMO: no HSTS header", 443 },
	{ "http.securitytxt", "http", "info", "DEMO: no security.txt", 443 },
	{ "http.xcto", "http", "info", "DEMO: no X-Content-Type-Options", 443 },
};

static uint64_t seq = 0x2545F4914F6CDD1DULL;

static unsigned rnd(unsigned n)
{
	seq ^= seq << 13;
	seq ^= seq >> 7;
	seq ^= seq << 17;
	return (unsigned)(seq % n);
}

#define DEMO_FINDINGS_MAX 512

typedef struct demo_finding {
	int org;		/* index into the rated organisations */
	int check;		/* index into checks */
	time_t opened, fixed;	/* fixed 0: still open */
	int accepted;
} demo_finding;

static int sev_rank(const char *sev)
{
	return !strcmp(sev, "high") ? 4 : !strcmp(sev, "medium") ? 3 : !strcmp(sev, "low") ? 2 : 1;
}

/* Findings over 90 days for the rated municipalities, their history, and a
 * rating per day made from them (as kc_rating_record would have written). */
static int demo_findings(kc_store *st, const char *actor, const int64_t *org, const char *const *target, int norg,
			 kc_demo_report *rep, kc_err *err)
{
	static const char *const colour[] = { "green", "green", "yellow", "orange", "red" };
	demo_finding *f = calloc(DEMO_FINDINGS_MAX, sizeof(*f));
	time_t now = kc_now();
	int nf = 0, rc;

	if (!f)
		return kc_err_set(err, KC_ENOMEM, _("out of memory"));
	for (int o = 0; o < norg; o++) {
		int k = (int)rnd(7); /* 0-6 findings; some municipalities clean */

		for (int j = 0; j < k && nf < DEMO_FINDINGS_MAX; j++) {
			demo_finding *d = &f[nf];
			int c = (int)rnd(KC_ARRAY_LEN(checks)), dup = 0;
			unsigned r = rnd(100);

			for (int x = 0; x < nf; x++)
				dup |= f[x].org == o && f[x].check == c;
			if (dup) /* one finding per (organisation, check, target, port) */
				continue;
			nf++;
			d->org = o;
			d->check = c;
			d->opened = now - (time_t)(86400 + rnd(89 * 86400));
			if (r < 30) /* fixed some days after it opened */
				d->fixed = d->opened + (time_t)(86400 + rnd((unsigned)(now - d->opened - 3600)));
			else if (r < 40 && !strcmp(checks[d->check].severity, "medium"))
				d->accepted = 1;
			if (d->fixed >= now)
				d->fixed = now - 3600;
		}
	}
	rc = kc_store_begin(st, err);
	for (int i = 0; !rc && i < nf; i++) {
		const demo_finding *d = &f[i];
		char opened[KC_TIME_STRLEN], fixed[KC_TIME_STRLEN] = "", seen[KC_TIME_STRLEN], until[16] = "";
		int64_t id = 0;
		int port = checks[d->check].port;

		kc_time_iso(d->opened, opened);
		kc_time_iso(d->fixed ? d->fixed : now - 3600, seen);
		if (d->fixed)
			memcpy(fixed, seen, sizeof(fixed));
		if (d->accepted) {
			char t[KC_TIME_STRLEN];

			kc_time_iso(now + 60 * 86400, t);
			snprintf(until, sizeof(until), "%.10s", t);
		}
		rc = kc_store_exec(st, err, &id,
				   "INSERT INTO finding (org_id, check_id, family, target, port, severity, confidence, title, "
				   "evidence, status, first_seen, last_seen, fixed_at, accept_reason, accept_until, accept_by) "
				   "VALUES (?, ?, ?, ?, ?, ?, 100, ?, '{\"demo\":\"yes\"}', ?, ?, ?, NULLIF(?, ''), "
				   "NULLIF(?, ''), NULLIF(?, ''), NULLIF(?, '')) RETURNING id",
				   "itttit" "ttttt" "ttt", org[d->org], checks[d->check].check, checks[d->check].family,
				   target[d->org], (int64_t)port, checks[d->check].severity, checks[d->check].title,
				   d->fixed ? "fixed" : d->accepted ? "accepted" : "open", opened, seen, fixed,
				   d->accepted ? "DEMO: kompenserende tiltak, erstattes i neste budsjettår" : "", until,
				   d->accepted ? actor : "");
		if (!rc)
			rc = kc_store_exec(st, err, NULL,
					   "INSERT INTO finding_history (finding_id, at, change, severity, detail, actor) "
					   "VALUES (?, ?, 'opened', ?, 'DEMO', ?)",
					   "itt" "t", id, opened, checks[d->check].severity, actor);
		if (!rc && d->fixed)
			rc = kc_store_exec(st, err, NULL,
					   "INSERT INTO finding_history (finding_id, at, change, severity, detail, actor) "
					   "VALUES (?, ?, 'fixed', ?, 'DEMO', ?)",
					   "itt" "t", id, fixed, checks[d->check].severity, actor);
		if (!rc && d->accepted)
			rc = kc_store_exec(st, err, NULL,
					   "INSERT INTO finding_history (finding_id, at, change, severity, detail, actor) "
					   "VALUES (?, ?, 'accepted', ?, 'DEMO', ?)",
					   "itt" "t", id, seen, checks[d->check].severity, actor);
		if (!rc)
			rep->findings++;
	}
	/* A rating per municipality every day of the 90, from the findings open
	 * (not accepted) at the end of that day. */
	for (int o = 0; !rc && o < norg; o++) {
		for (int day = 89; !rc && day >= 0; day--) {
			time_t end = now - (time_t)day * 86400;
			int64_t c[5] = { 0 };
			int worst = 0;
			char at[KC_TIME_STRLEN], d10[16];

			for (int i = 0; i < nf; i++) {
				const demo_finding *d = &f[i];
				int rk;

				if (d->org != o || d->opened > end || (d->fixed && d->fixed <= end) || d->accepted)
					continue;
				rk = sev_rank(checks[d->check].severity);
				c[rk]++;
				if (rk > worst)
					worst = rk;
			}
			kc_time_iso(end, at);
			snprintf(d10, sizeof(d10), "%.10s", at);
			rc = kc_store_exec(st, err, NULL,
					   "INSERT INTO rating_history (org_id, day, colour, high, medium, low, info, accepted, "
					   "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?)",
					   "itt" "iiii" "t", org[o], d10, colour[worst], c[4], c[3], c[2], c[1], at);
		}
	}
	free(f);
	if (rc) {
		kc_store_rollback(st);
		return rc;
	}
	return kc_store_commit(st, err);
}

/* The embedded NVD record and KEV entries, then the products the demo
 * municipalities declare (after the import, so no KEV notice goes out). */
static int demo_vuln(kc_store *st, const char *actor, const int64_t *ids, kc_demo_report *rep, kc_err *err)
{
	static const struct {
		int org;
		const char *cpe;
	} products[] = {
		{ 0, "cpe:2.3:a:citrix:netscaler_gateway:13.1-48.47:*:*:*:*:*:*:*" },
		{ 1, "cpe:2.3:a:citrix:netscaler_gateway:13.1:*:*:*:*:*:*:*" },
		{ 2, "cpe:2.3:a:citrix:netscaler_gateway:13.0-92.21:*:*:*:*:*:*:*" },
		{ 0, "cpe:2.3:a:microsoft:exchange_server:2019:cumulative_update_13:*:*:*:*:*:*" },
		{ 1, "cpe:2.3:a:microsoft:exchange_server:2019:cumulative_update_13:*:*:*:*:*:*" },
		{ 3, "cpe:2.3:o:fortinet:fortios:7.2.4:*:*:*:*:*:*:*" },
		{ 2, "cpe:2.3:a:apache:http_server:2.4.57:*:*:*:*:*:*:*" },
		{ 3, "cpe:2.3:a:apache:http_server:2.4.57:*:*:*:*:*:*:*" },
	};
	kc_vuln_import *imp = NULL;
	kc_vuln_stats vs;
	int rc;

	rc = kc_vuln_import_new(st, actor, NULL, NULL, &imp, err);
	if (rc < 0)
		return rc;
	rc = kc_vuln_import_mem(imp, "demo-nvd.json", demo_nvd, sizeof(demo_nvd) - 1, err);
	if (rc >= 0)
		rc = kc_vuln_import_mem(imp, "demo-kev.json", demo_kev, sizeof(demo_kev) - 1, err);
	if (rc >= 0)
		rc = kc_vuln_import_finish(imp, &vs, err);
	kc_vuln_import_free(imp);
	if (rc < 0)
		return rc;
	rep->vulns = (int)(vs.cve_inserted + vs.kev_inserted);
	for (size_t i = 0; i < KC_ARRAY_LEN(products); i++) {
		rc = kc_org_product_declare(st, actor, ids[products[i].org], products[i].cpe, "DEMO", NULL, err);
		if (rc)
			return rc;
		rep->products++;
	}
	return 0;
}

static int demo_advisories(kc_store *st, const char *actor, kc_demo_report *rep, kc_err *err)
{
	static const struct {
		const char *title, *summary, *tlp, *severity, *cve, *product, *fixed;
		int publish;
	} adv[] = {
		{ "DEMO: Kritisk sårbarhet i Citrix NetScaler Gateway (CVE-2023-3519)",
		  "DEMO: Uautentisert kodekjøring i NetScaler ADC og Gateway utnyttes aktivt. Oppdater straks.", "CLEAR",
		  "kritisk", "CVE-2023-3519", "cpe:2.3:a:citrix:netscaler_gateway:*:*:*:*:*:*:*:*", "13.1-49.13", 1 },
		{ "DEMO: Oppdater Microsoft Exchange Server",
		  "DEMO: Nye sikkerhetsoppdateringer for Exchange Server 2019; kommuner med egen Exchange bør oppdatere.",
		  "AMBER", "alvorlig", NULL, "cpe:2.3:a:microsoft:exchange_server:2019:*:*:*:*:*:*:*", NULL, 1 },
		{ "DEMO: Slå av SMBv1 og eksponert RDP",
		  "DEMO: Skanningen finner fortsatt SMBv1 og RDP åpent mot internett hos flere kommuner.", "GREEN",
		  "moderat", NULL, NULL, NULL, 1 },
		{ "DEMO: Utkast - sårbarhet i FortiOS SSL-VPN", "DEMO: Utkast, ikke publisert.", "AMBER", "alvorlig", NULL,
		  "cpe:2.3:o:fortinet:fortios:*:*:*:*:*:*:*:*", NULL, 0 },
	};
	int rc = 0;

	for (size_t i = 0; !rc && i < KC_ARRAY_LEN(adv); i++) {
		const char *cves[1] = { adv[i].cve }, *prods[1] = { adv[i].product };
		char fixed[160];
		const char *fx[1] = { fixed };
		const char *recs[1] = { "DEMO: Installer leverandørens oppdatering og kontroller for kompromittering." };
		kc_adv_input in = { .title = adv[i].title, .summary = adv[i].summary,
				    .body = "DEMO: syntetisk råd for å vise kcert.", .tlp = adv[i].tlp,
				    .severity = adv[i].severity, .set_remedies = 1, .recommendations = recs,
				    .nrecommendations = 1 };
		kc_advisory a;

		if (adv[i].cve) {
			in.set_cves = 1;
			in.cves = cves;
			in.ncves = 1;
		}
		if (adv[i].product) {
			in.set_products = 1;
			in.products = prods;
			in.nproducts = 1;
		}
		if (adv[i].fixed) {
			snprintf(fixed, sizeof(fixed), "%s=%s", adv[i].product, adv[i].fixed);
			in.set_fixed = 1;
			in.fixed = fx;
			in.nfixed = 1;
		}
		memset(&a, 0, sizeof(a));
		rc = kc_advisory_new(st, actor, &in, &a, err);
		if (!rc && adv[i].publish)
			rc = kc_advisory_publish(st, actor, a.ident, "DEMO: første versjon", err);
		kc_advisory_release(&a);
		if (!rc)
			rep->advisories++;
	}
	return rc;
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
	if (!rc) {
		/* The four above and every tenth other municipality get a domain
		 * (so they have something to scan and a rating), then findings. */
		int64_t rated[64];
		char dom[64][48];
		const char *tg[64];
		int nr = 0;
		kc_stmt *s = NULL;

		for (size_t i = 0; i < KC_ARRAY_LEN(owners); i++) {
			rated[nr] = ids[i];
			snprintf(dom[nr], sizeof(dom[nr]), "%s", owners[i].domain);
			nr++;
		}
		rc = kc_store_query(st, err, &s,
				    "SELECT id, code FROM org WHERE kind = 'municipality' AND active = 1 AND code NOT IN "
				    "('0301', '4601', '5001', '5501') ORDER BY code",
				    "");
		for (int k = 0; !rc && (rc = kc_stmt_step(s, err)) == KC_ROW; k++) {
			rc = 0;
			if (k % 10 || nr >= 40)
				continue;
			rated[nr] = kc_stmt_int(s, 0);
			snprintf(dom[nr], sizeof(dom[nr]), "demo-%s.example", kc_stmt_text(s, 1));
			nr++;
		}
		if (s)
			kc_stmt_finalize(s);
		rc = rc < 0 ? rc : 0;
		for (int i = (int)KC_ARRAY_LEN(owners); !rc && i < nr; i++) {
			kc_asset_outcome out;

			rc = kc_asset_add(st, actor, NULL, rated[i], "domain", dom[i], "DEMO", &out, err);
			if (!rc)
				rep->assets++;
		}
		for (int i = 0; i < nr; i++)
			tg[i] = dom[i];
		if (!rc)
			rc = demo_findings(st, actor, rated, tg, nr, rep, err);
	}
	if (!rc)
		rc = demo_vuln(st, actor, ids, rep, err);
	if (!rc)
		rc = demo_advisories(st, actor, rep, err);
	if (!rc)
		rc = kc_threat_level_set(st, actor, 3, "DEMO: økt aktivitet mot kommunal sektor", err);
	if (!rc)
		rc = kc_store_setting_set(st, "demo.loaded", now, err);
	return rc;
}
