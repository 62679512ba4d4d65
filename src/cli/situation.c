/*
 * situation.c - kcert situation: the situational picture on the command line,
 * and the national threat level.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "org/org.h"
#include "picture/demo.h"
#include "picture/situation.h"
#include "base/kc.h"

int cmd_situation(struct kc_cli *cli, int argc, char **argv)
{
	static const char *const sev[] = { "lav", "moderat", "alvorlig", "kritisk" };
	static const char *const phase[] = { "reported", "triage", "handling", "recovery" };
	kc_situation s;
	int64_t org_id = 0;
	kc_err err;
	int rc;

	kc_err_clear(&err);
	if (argc >= 2 && !strcmp(argv[1], "level")) {
		char *end;
		long level;

		if (argc != 5 || strcmp(argv[3], "--rationale"))
			return kc_cli_usage("situation", _("give a level 1-5 and --rationale TEXT"));
		level = strtol(argv[2], &end, 10);
		if (*end)
			return kc_cli_usage("situation", _("the threat level is 1 (low) to 5 (critical)"));
		rc = kc_threat_level_set(cli->st, cli->actor, (int)level, argv[4], &err);
		if (rc)
			return kc_cli_fail(&err, rc);
		printf(_("The national threat level is now %ld.\n"), level);
		return KC_EXIT_OK;
	}
	if (argc == 3 && !strcmp(argv[1], "--org")) {
		kc_org o;

		rc = kc_org_get(cli->st, argv[2], &o, &err);
		if (rc)
			return kc_cli_fail(&err, rc);
		org_id = o.id;
	} else if (argc != 1) {
		return kc_cli_usage("situation", _("bad option"));
	}
	rc = kc_situation_get(cli->st, org_id, &s, &err);
	if (rc)
		return kc_cli_fail(&err, rc);
	if (s.level.level)
		printf(_("National threat level %d (%s, %s): %s\n"), s.level.level, s.level.set_at, s.level.set_by,
		       s.level.rationale);
	else
		printf("%s", _("No national threat level set.\n"));
	printf(_("Open cases by severity:"));
	for (int i = 0; i < 4; i++)
		printf(" %s %lld", sev[i], (long long)s.cases_by_severity[i]);
	printf(_("\nOpen cases by phase:"));
	for (int i = 0; i < 4; i++)
		printf(" %s %lld", phase[i], (long long)s.cases_by_phase[i]);
	printf(_("\nOverdue cases: %lld; legal clocks due within 24 hours: %lld\n"), (long long)s.cases_overdue,
	       (long long)s.clocks_due_24h);
	printf(_("\nEvents by type (24 h / 7 days / 30 days):\n"));
	for (size_t i = 0; i < s.ntypes; i++)
		printf("  %-32s %6lld %6lld %6lld\n", s.types[i].key, (long long)s.types[i].d1, (long long)s.types[i].d7,
		       (long long)s.types[i].d30);
	if (s.norgs)
		printf(_("\nEvents by organisation (24 h / 7 days / 30 days):\n"));
	for (size_t i = 0; i < s.norgs; i++)
		printf("  %-32s %6lld %6lld %6lld\n", s.orgs[i].key, (long long)s.orgs[i].d1, (long long)s.orgs[i].d7,
		       (long long)s.orgs[i].d30);
	kc_situation_release(&s);
	return KC_EXIT_OK;
}

int cmd_demo(struct kc_cli *cli, int argc, char **argv)
{
	kc_demo_report rep;
	kc_err err;
	int rc;

	(void)argv;
	if (argc != 1)
		return kc_cli_usage("demo", _("no arguments"));
	kc_err_clear(&err);
	rc = kc_demo_load(cli->st, cli->actor, &rep, &err);
	if (rc)
		return kc_cli_fail(&err, rc);
	printf(_("Demo data loaded (marked DEMO): %d assets, %d contacts, %d events, %d cases, and a threat level.\n"),
	       rep.assets, rep.contacts, rep.events, rep.cases);
	printf(_("Also: %d findings, %d declared products, %d vulnerability records, %d advisories.\n"), rep.findings,
	       rep.products, rep.vulns, rep.advisories);
	return KC_EXIT_OK;
}
