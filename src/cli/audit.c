/*
 * audit.c - kcert audit list and kcert audit verify.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "cli/cli.h"
#include "base/kc.h"

static int audit_list(struct kc_cli *cli, int argc, char **argv)
{
	static const kc_col cols[] = {
		{ "seq", N_("Seq"), 1 },       { "at", N_("Time (UTC)"), 0 }, { "actor", N_("Actor"), 0 },
		{ "action", N_("Action"), 0 }, { "object", N_("Object"), 0 }, { "summary", N_("Summary"), 0 },
		{ "hash", N_("Hash"), 0 },
	};
	static const struct option opts[] = {
		{ "limit", required_argument, NULL, 'n' },
		{ "offset", required_argument, NULL, 'o' },
		{ "format", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	size_t limit = 50, offset = 0, n = 0;
	kc_fmt fmt = KC_FMT_TABLE;
	kc_audit_entry *v = NULL;
	kc_table t;
	kc_err err;
	char *end;
	int c, rc;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			limit = strtoul(optarg, &end, 10);
			if (*end || !*optarg || limit > 100000)
				return kc_cli_usage("audit list", _("%s: not a count"), optarg);
			break;
		case 'o':
			offset = strtoul(optarg, &end, 10);
			if (*end || !*optarg)
				return kc_cli_usage("audit list", _("%s: not a count"), optarg);
			break;
		case 'f':
			if (kc_fmt_parse(optarg, &fmt))
				return kc_cli_usage("audit list", _("--format is table, csv or json"));
			break;
		default: return kc_cli_usage("audit list", _("bad option"));
		}
	}
	kc_err_clear(&err);
	rc = kc_audit_list(cli->st, limit, offset, &v, &n, &err);
	if (rc)
		return kc_cli_fail(&err, rc);
	kc_table_init(&t, cols, fmt == KC_FMT_TABLE ? 6 : 7);
	for (size_t i = 0; i < n; i++) {
		char seq[24];

		snprintf(seq, sizeof(seq), "%lld", (long long)v[i].seq);
		kc_table_addv(&t, seq, v[i].at, v[i].actor, v[i].action, v[i].object, v[i].summary, v[i].hash);
	}
	kc_table_print(&t, fmt, stdout);
	kc_table_release(&t);
	free(v);
	return KC_EXIT_OK;
}

int cmd_audit(struct kc_cli *cli, int argc, char **argv)
{
	int64_t count = 0, bad = 0;
	kc_err err;
	int rc;

	if (argc < 2)
		return kc_cli_usage("audit", _("give a subcommand: list or verify"));
	if (!strcmp(argv[1], "list"))
		return audit_list(cli, argc - 1, argv + 1);
	if (strcmp(argv[1], "verify"))
		return kc_cli_usage("audit", _("unknown subcommand: %s"), argv[1]);
	kc_err_clear(&err);
	rc = kc_audit_verify(cli->st, &count, &bad, &err);
	if (rc == KC_EPARSE) {
		fprintf(stderr, _("kcert: the audit log is broken at entry %lld: %s\n"), (long long)bad, err.msg);
		return KC_EXIT_NO;
	}
	if (rc)
		return kc_cli_fail(&err, rc);
	printf(_("The audit log is intact: %lld entries, each linked to the one before.\n"), (long long)count);
	return KC_EXIT_OK;
}
