/*
 * scan.c - kcert scan, kcert finding and kcert rating: attack-surface scans
 * of the registered assets, their findings, and each organisation's colour.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "feed/fetch.h"
#include "org/org.h"
#include "scan/finding.h"
#include "scan/run.h"
#include "scan/target.h"
#include "base/kc.h"

/* ---- kcert scan ---- */

static void tty_progress(void *arg, const char *phase, uint64_t done, uint64_t total)
{
	(void)arg;
	fprintf(stderr, "\r%-8s %llu/%llu", phase, (unsigned long long)done, (unsigned long long)total);
	if (done == total)
		fputc('\n', stderr);
	fflush(stderr);
}

static int scan_now(struct kc_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "org", required_argument, NULL, 'o' },	   { "all", no_argument, NULL, 'a' },
		{ "checks", required_argument, NULL, 'c' },	   { "resolver", required_argument, NULL, 'r' },
		{ "trust-anchor", required_argument, NULL, 't' }, { "ca-file", required_argument, NULL, 'C' },
		{ "smtp-port", required_argument, NULL, 's' },	   { "timeout-ms", required_argument, NULL, 'T' },
		{ "no-notify", no_argument, NULL, 'N' },	   { "ports", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	uint16_t ports[64];
	struct kc_scan_request rq = { 0 };
	struct kc_scan_report rep;
	struct kc_scan_opts so;
	char ua[300];
	kc_org o;
	kc_err err;
	int c, rc;

	kc_err_clear(&err);
	kc_scan_opts_from_env(&so, ua, sizeof(ua));
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			rc = kc_org_get(cli->st, optarg, &o, &err);
			if (rc)
				return kc_cli_fail(&err, rc);
			rq.org_id = o.id;
			break;
		case 'a': rq.all = 1; break;
		case 'c':
			if (kc_scan_checks_parse(optarg, &rq.checks, &err))
				return kc_cli_usage("scan", "%s", err.msg);
			break;
		case 'r': so.resolver = optarg; break;
		case 't': so.trust_anchor = optarg; break;
		case 'C': so.ca_file = optarg; break;
		case 's': rq.smtp_port = atoi(optarg); break;
		case 'T': so.timeout_ms = atoi(optarg) > 0 ? atoi(optarg) : so.timeout_ms; break;
		case 'N': rq.no_notify = 1; break;
		case 'p':
			rq.nports = 0;
			for (char *p = optarg, *end; *p; p = *end ? end + 1 : end) {
				long v = strtol(p, &end, 10);

				if (end == p || v < 1 || v > 65535 || (*end && *end != ',') || rq.nports == 64)
					return kc_cli_usage("scan", _("--ports is a list of up to 64 port numbers: 22,443"));
				ports[rq.nports++] = (uint16_t)v;
			}
			rq.ports = ports;
			break;
		default: return kc_cli_usage("scan", _("bad option"));
		}
	}
	rq.targets = (const char *const *)argv + optind;
	rq.ntargets = (size_t)(argc - optind);
	if (rq.all && (rq.org_id || rq.ntargets))
		return kc_cli_usage("scan", _("--all scans every organisation; give no --org or targets with it"));
	if (!rq.all && !rq.org_id && !rq.ntargets)
		return kc_cli_usage("scan", _("give --org ORG, --all or targets"));
	rq.opts = &so;
	rq.actor = cli->actor;
	if (isatty(STDERR_FILENO))
		rq.progress = tty_progress;
	rc = kc_scan_run(cli->st, &rq, &rep, &err);
	for (size_t i = 0; i < rep.nrefused; i++) {
		const struct kc_scan_refusal *r = &rep.refused[i];

		fprintf(stderr, _("kcert: %s %s (rule: %s): %s\n"),
			rep.all_refused && strcmp(r->rule, "third-party") && strcmp(r->rule, "too-large") ? _("refused")
													 : _("not scanned"),
			r->what, r->rule, r->why);
	}
	if (rc) {
		kc_scan_report_release(&rep);
		return kc_cli_fail(&err, rc);
	}
	if (rep.all_refused) {
		fprintf(stderr, _("kcert: nothing was scanned: only targets registered to a constituent organisation may "
				  "be scanned.\n"));
		kc_scan_report_release(&rep);
		return KC_EXIT_USAGE;
	}
	printf(_("Scan %lld: %zu targets, %zu domains, %zu excluded; %zu findings seen, %zu opened, %zu reopened, "
		 "%zu fixed; %zu notices queued.\n"),
	       (long long)rep.run_id, rep.targets, rep.domains, rep.excluded, rep.seen, rep.opened, rep.reopened, rep.fixed,
	       rep.notices);
	if (rep.skipped[0])
		fprintf(stderr, _("kcert: the checks %s are not in this build and were skipped.\n"), rep.skipped);
	kc_scan_report_release(&rep);
	return KC_EXIT_OK;
}

static int scan_exclude(struct kc_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { { "reason", required_argument, NULL, 'r' }, { NULL, 0, NULL, 0 } };
	const char *reason = NULL;
	kc_registry *reg = NULL;
	kc_org o;
	kc_err err;
	int c, rc;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'r')
			return kc_cli_usage("scan", _("bad option"));
		reason = optarg;
	}
	if (argc - optind != 2)
		return kc_cli_usage("scan", _("give an organisation and a range, address or host name"));
	kc_err_clear(&err);
	rc = kc_org_get(cli->st, argv[optind], &o, &err);
	if (!rc)
		rc = kc_registry_load(cli->st, &reg, &err);
	if (!rc)
		rc = kc_scan_exclude_add(cli->st, cli->actor, reg, o.id, argv[optind + 1], reason, &err);
	kc_registry_free(reg);
	if (rc)
		return kc_cli_fail(&err, rc);
	printf(_("%s no longer scans %s.\n"), o.slug, argv[optind + 1]);
	return KC_EXIT_OK;
}

static int scan_schedule(struct kc_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "org", required_argument, NULL, 'o' },    { "all", no_argument, NULL, 'a' },
		{ "every", required_argument, NULL, 'e' },  { "checks", required_argument, NULL, 'c' },
		{ "format", required_argument, NULL, 'F' }, { NULL, 0, NULL, 0 },
	};
	static const kc_col cols[] = {
		{ "id", N_("ID"), 1 },		{ "org", N_("Organisation"), 0 },	 { "checks", N_("Checks"), 0 },
		{ "every", N_("Every (s)"), 1 }, { "next_run", N_("Next run"), 0 },	 { "last_status", N_("Status"), 0 },
		{ "last_run", N_("Last run"), 1 },
	};
	kc_fmt fmt = KC_FMT_TABLE;
	int64_t org = 0, every = 86400, id = 0;
	unsigned checks = 0;
	int all = 0, c, rc;
	kc_org o;
	kc_err err;

	kc_err_clear(&err);
	if (argc < 2)
		return kc_cli_usage("scan", _("give add, list or rm"));
	argc--;
	argv++;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			if ((rc = kc_org_get(cli->st, optarg, &o, &err)))
				return kc_cli_fail(&err, rc);
			org = o.id;
			break;
		case 'a': all = 1; break;
		case 'e':
			if (!(every = kc_interval_parse(optarg)))
				return kc_cli_usage("scan", _("--every is an interval such as 1d, 6h or 30m"));
			break;
		case 'c':
			if (kc_scan_checks_parse(optarg, &checks, &err))
				return kc_cli_usage("scan", "%s", err.msg);
			break;
		case 'F':
			if (kc_fmt_parse(optarg, &fmt))
				return kc_cli_usage("scan", _("--format is table, csv or json"));
			break;
		default: return kc_cli_usage("scan", _("bad option"));
		}
	}
	if (!strcmp(argv[0], "add")) {
		if (!all == !org)
			return kc_cli_usage("scan", _("give --org ORG or --all"));
		rc = kc_scan_schedule_add(cli->st, cli->actor, org, checks, every, &id, &err);
		if (rc)
			return kc_cli_fail(&err, rc);
		printf(_("Added scan schedule %lld: every %lld s; the worker runs it.\n"), (long long)id, (long long)every);
		return KC_EXIT_OK;
	}
	if (!strcmp(argv[0], "rm")) {
		if (argc - optind != 1)
			return kc_cli_usage("scan", _("give the schedule's ID"));
		rc = kc_scan_schedule_rm(cli->st, cli->actor, strtoll(argv[optind], NULL, 10), &err);
		if (rc)
			return kc_cli_fail(&err, rc);
		printf(_("Removed scan schedule %s.\n"), argv[optind]);
		return KC_EXIT_OK;
	}
	if (!strcmp(argv[0], "list")) {
		kc_scan_schedule *v = NULL;
		size_t n = 0;
		kc_table t;

		rc = kc_scan_schedule_list(cli->st, &v, &n, &err);
		if (rc)
			return kc_cli_fail(&err, rc);
		kc_table_init(&t, cols, KC_ARRAY_LEN(cols));
		for (size_t i = 0; i < n; i++) {
			char sid[24], sev[24], slr[24];

			snprintf(sid, sizeof(sid), "%lld", (long long)v[i].id);
			snprintf(sev, sizeof(sev), "%lld", (long long)v[i].every);
			snprintf(slr, sizeof(slr), "%lld", (long long)v[i].last_run_id);
			kc_table_addv(&t, sid, v[i].org, v[i].checks, sev, v[i].next_run, v[i].last_status,
				      v[i].last_run_id ? slr : NULL);
		}
		kc_table_print(&t, fmt, stdout);
		kc_table_release(&t);
		free(v);
		return KC_EXIT_OK;
	}
	return kc_cli_usage("scan", _("give add, list or rm"));
}

static int scan_runs(struct kc_cli *cli, int argc, char **argv)
{
	static const kc_col cols[] = {
		{ "id", N_("ID"), 1 },		  { "scope", N_("Scope"), 0 },	       { "checks", N_("Checks"), 0 },
		{ "actor", N_("By"), 0 },	  { "status", N_("Status"), 0 },       { "phase", N_("Phase"), 0 },
		{ "targets", N_("Targets"), 1 },  { "probes_done", N_("Probes"), 1 },  { "probes_total", N_("Of"), 1 },
		{ "opened", N_("Opened"), 1 },	  { "fixed", N_("Fixed"), 1 },	       { "started_at", N_("Started"), 0 },
		{ "finished_at", N_("Finished"), 0 }, { "error", N_("Note"), 0 },
	};
	kc_fmt fmt = KC_FMT_TABLE;
	kc_scan_run_row *v = NULL;
	size_t n = 0;
	kc_table t;
	kc_err err;
	int rc;

	if (argc == 3 && !strcmp(argv[1], "--format")) {
		if (kc_fmt_parse(argv[2], &fmt))
			return kc_cli_usage("scan", _("--format is table, csv or json"));
	} else if (argc != 1) {
		return kc_cli_usage("scan", _("bad option"));
	}
	kc_err_clear(&err);
	rc = kc_scan_run_list(cli->st, 50, &v, &n, &err);
	if (rc)
		return kc_cli_fail(&err, rc);
	kc_table_init(&t, cols, KC_ARRAY_LEN(cols));
	for (size_t i = 0; i < n; i++) {
		char num[7][24];
		int64_t vals[7] = { v[i].id, v[i].targets, v[i].probes_done, v[i].probes_total, v[i].opened, v[i].fixed, 0 };

		for (int k = 0; k < 6; k++)
			snprintf(num[k], sizeof(num[k]), "%lld", (long long)vals[k]);
		kc_table_addv(&t, num[0], v[i].scope, v[i].checks, v[i].actor, v[i].status, v[i].phase, num[1], num[2],
			      num[3], num[4], num[5], v[i].started_at, v[i].finished_at, v[i].error);
	}
	kc_table_print(&t, fmt, stdout);
	kc_table_release(&t);
	free(v);
	return KC_EXIT_OK;
}

int cmd_scan(struct kc_cli *cli, int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "exclude"))
		return scan_exclude(cli, argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "schedule"))
		return scan_schedule(cli, argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "runs"))
		return scan_runs(cli, argc - 1, argv + 1);
	return scan_now(cli, argc, argv);
}

/* ---- kcert finding ---- */

static const kc_col finding_cols[] = {
	{ "id", N_("ID"), 1 },		    { "org", N_("Organisation"), 0 },	    { "check", N_("Check"), 0 },
	{ "target", N_("Target"), 0 },	    { "port", N_("Port"), 1 },		    { "host", N_("Host"), 0 },
	{ "severity", N_("Severity"), 0 },  { "confidence", N_("Confidence"), 1 }, { "title", N_("Title"), 0 },
	{ "status", N_("Status"), 0 },	    { "first_seen", N_("First seen"), 0 },   { "last_seen", N_("Last seen"), 0 },
	{ "fixed_at", N_("Fixed"), 0 },	    { "accept_reason", N_("Reason"), 0 },    { "accept_until", N_("Until"), 0 },
	{ "cpe", N_("CPE"), 0 },
};

static void finding_row(kc_table *t, const kc_finding_row *f)
{
	char id[24], port[16], conf[16];

	snprintf(id, sizeof(id), "%lld", (long long)f->id);
	snprintf(port, sizeof(port), "%d", f->port);
	snprintf(conf, sizeof(conf), "%d", f->confidence);
	kc_table_addv(t, id, f->org_code[0] ? f->org_code : f->org_slug, f->check, f->target, port, f->host,
		      f->severity, conf, _(f->title), f->status, f->first_seen, f->last_seen, f->fixed_at,
		      f->accept_reason, f->accept_until, f->cpe);
}

static int finding_list(struct kc_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "org", required_argument, NULL, 'o' },      { "status", required_argument, NULL, 's' },
		{ "severity", required_argument, NULL, 'S' }, { "format", required_argument, NULL, 'F' },
		{ "limit", required_argument, NULL, 'l' },    { NULL, 0, NULL, 0 },
	};
	kc_finding_filter f = { 0 };
	kc_fmt fmt = KC_FMT_TABLE;
	kc_finding_row *v = NULL;
	size_t n = 0;
	kc_table t;
	kc_org o;
	kc_err err;
	int c, rc;

	kc_err_clear(&err);
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			if ((rc = kc_org_get(cli->st, optarg, &o, &err)))
				return kc_cli_fail(&err, rc);
			f.org_id = o.id;
			break;
		case 's':
			if (strcmp(optarg, "open") && strcmp(optarg, "fixed") && strcmp(optarg, "accepted"))
				return kc_cli_usage("finding", _("--status is open, fixed or accepted"));
			f.status = optarg;
			break;
		case 'S':
			if (kc_sev_parse(optarg) < 0)
				return kc_cli_usage("finding", _("--severity is high, medium, low or info"));
			f.severity = optarg;
			break;
		case 'F':
			if (kc_fmt_parse(optarg, &fmt))
				return kc_cli_usage("finding", _("--format is table, csv or json"));
			break;
		case 'l': f.limit = (size_t)strtoull(optarg, NULL, 10); break;
		default: return kc_cli_usage("finding", _("bad option"));
		}
	}
	if (optind != argc)
		return kc_cli_usage("finding", _("bad option"));
	rc = kc_finding_list(cli->st, &f, &v, &n, &err);
	if (rc)
		return kc_cli_fail(&err, rc);
	kc_table_init(&t, finding_cols, KC_ARRAY_LEN(finding_cols));
	for (size_t i = 0; i < n; i++)
		finding_row(&t, &v[i]);
	kc_table_print(&t, fmt, stdout);
	kc_table_release(&t);
	kc_finding_rows_free(v, n);
	return KC_EXIT_OK;
}

static int finding_show(struct kc_cli *cli, int argc, char **argv)
{
	kc_finding_change *h = NULL;
	kc_fmt fmt = KC_FMT_TABLE;
	kc_finding_row f;
	size_t nh = 0;
	kc_table t;
	kc_err err;
	int rc;

	if (argc == 4 && !strcmp(argv[2], "--format")) {
		if (kc_fmt_parse(argv[3], &fmt))
			return kc_cli_usage("finding", _("--format is table, csv or json"));
	} else if (argc != 2) {
		return kc_cli_usage("finding", _("give the finding's ID"));
	}
	kc_err_clear(&err);
	rc = kc_finding_get(cli->st, strtoll(argv[1], NULL, 10), &f, &err);
	if (!rc)
		rc = kc_finding_history(cli->st, f.id, &h, &nh, &err);
	if (rc)
		return kc_cli_fail(&err, rc);
	kc_table_init(&t, finding_cols, KC_ARRAY_LEN(finding_cols));
	finding_row(&t, &f);
	kc_table_print_record(&t, fmt, stdout);
	kc_table_release(&t);
	if (fmt == KC_FMT_TABLE) {
		printf("%s: %s\n\n%s:\n", _("Evidence"), f.evidence ? f.evidence : "", _("History"));
		for (size_t i = 0; i < nh; i++)
			printf("  %s  %-9s %-7s %s  (%s)\n", h[i].at, h[i].change, h[i].severity, h[i].detail, h[i].actor);
	}
	free(f.evidence);
	free(h);
	return KC_EXIT_OK;
}

static int finding_accept(struct kc_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "reason", required_argument, NULL, 'r' }, { "until", required_argument, NULL, 'u' }, { NULL, 0, NULL, 0 },
	};
	const char *reason = NULL, *until = NULL;
	kc_err err;
	int c, rc;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'r')
			reason = optarg;
		else if (c == 'u')
			until = optarg;
		else
			return kc_cli_usage("finding", _("bad option"));
	}
	if (argc - optind != 1 || !reason || !until)
		return kc_cli_usage("finding", _("give the finding's ID, --reason TEXT and --until YYYY-MM-DD"));
	kc_err_clear(&err);
	rc = kc_finding_accept(cli->st, cli->actor, strtoll(argv[optind], NULL, 10), reason, until, &err);
	if (rc)
		return kc_cli_fail(&err, rc);
	printf(_("Finding %s accepted until %s.\n"), argv[optind], until);
	return KC_EXIT_OK;
}

int cmd_finding(struct kc_cli *cli, int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "list"))
		return finding_list(cli, argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "show"))
		return finding_show(cli, argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "accept"))
		return finding_accept(cli, argc - 1, argv + 1);
	return kc_cli_usage("finding", _("give a subcommand: list, show or accept"));
}

/* ---- kcert rating ---- */

int cmd_rating(struct kc_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "county", required_argument, NULL, 'c' }, { "org", required_argument, NULL, 'o' },
		{ "format", required_argument, NULL, 'F' }, { NULL, 0, NULL, 0 },
	};
	static const kc_col cols[] = {
		{ "county", N_("County"), 0 }, { "code", N_("Code"), 0 },	{ "org", N_("Organisation"), 0 },
		{ "colour", N_("Colour"), 0 }, { "high", N_("High"), 1 },	{ "medium", N_("Medium"), 1 },
		{ "low", N_("Low"), 1 },       { "info", N_("Info"), 1 },	{ "accepted", N_("Accepted"), 1 },
		{ "assets", N_("Assets"), 1 },
	};
	const char *county = NULL;
	kc_fmt fmt = KC_FMT_TABLE;
	kc_rating *v = NULL;
	int64_t org = 0;
	size_t n = 0;
	kc_table t;
	kc_org o;
	kc_err err;
	int c, rc;

	kc_err_clear(&err);
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			if ((rc = kc_org_get(cli->st, optarg, &o, &err)))
				return kc_cli_fail(&err, rc);
			county = o.code;
			break;
		case 'o':
			if ((rc = kc_org_get(cli->st, optarg, &o, &err)))
				return kc_cli_fail(&err, rc);
			org = o.id;
			break;
		case 'F':
			if (kc_fmt_parse(optarg, &fmt))
				return kc_cli_usage("rating", _("--format is table, csv or json"));
			break;
		default: return kc_cli_usage("rating", _("bad option"));
		}
	}
	if (optind != argc)
		return kc_cli_usage("rating", _("bad option"));
	if (county)
		county = strdup(county);
	if (org && strcmp(o.kind, "municipality")) {
		v = calloc(1, sizeof(*v));
		rc = v ? kc_rating_get(cli->st, org, v, &err) : KC_ENOMEM;
		n = v ? 1 : 0;
	} else {
		rc = kc_rating_list(cli->st, county, org, &v, &n, &err);
	}
	free((char *)county);
	if (rc) {
		free(v);
		return kc_cli_fail(&err, rc);
	}
	kc_table_init(&t, cols, KC_ARRAY_LEN(cols));
	for (size_t i = 0; i < n; i++) {
		char num[6][24];
		int64_t vals[6] = { v[i].high, v[i].medium, v[i].low, v[i].info, v[i].accepted, v[i].assets };

		for (int k = 0; k < 6; k++)
			snprintf(num[k], sizeof(num[k]), "%lld", (long long)vals[k]);
		kc_table_addv(&t, v[i].county, v[i].org_code, v[i].org_name,
			      fmt == KC_FMT_TABLE ? _(kc_colour_name(v[i].colour)) : kc_colour_name(v[i].colour), num[0],
			      num[1], num[2], num[3], num[4], num[5]);
	}
	kc_table_print(&t, fmt, stdout);
	kc_table_release(&t);
	free(v);
	return KC_EXIT_OK;
}
