/*
 * feeds.c - kcert feed: feeds fetched on a schedule by the worker.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "feed/fetch.h"
#include "base/kc.h"

static int feed_add(struct kc_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'F' },	    { "every", required_argument, NULL, 'e' },
		{ "report", required_argument, NULL, 'r' },	    { "classification", required_argument, NULL, 'c' },
		{ "mapping", required_argument, NULL, 'm' },	    { NULL, 0, NULL, 0 },
	};
	kc_feed f = { .every = 86400 };
	kc_err err;
	int c, rc;

	snprintf(f.format, sizeof(f.format), "shadowserver");
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'F': snprintf(f.format, sizeof(f.format), "%s", optarg); break;
		case 'e':
			if (!(f.every = kc_interval_parse(optarg)))
				return kc_cli_usage("feed", _("--every is an interval such as 1d, 6h or 30m"));
			break;
		case 'r': snprintf(f.report, sizeof(f.report), "%s", optarg); break;
		case 'c': snprintf(f.classification, sizeof(f.classification), "%s", optarg); break;
		case 'm':
			if (!realpath(optarg, f.mapping))
				return kc_cli_usage("feed", _("%s: no such mapping file"), optarg);
			break;
		default: return kc_cli_usage("feed", _("bad option"));
		}
	}
	if (optind + 2 != argc)
		return kc_cli_usage("feed", _("give a name and a URL"));
	snprintf(f.name, sizeof(f.name), "%s", argv[optind]);
	snprintf(f.url, sizeof(f.url), "%s", argv[optind + 1]);
	kc_err_clear(&err);
	rc = kc_feed_add(cli->st, cli->actor, &f, &err);
	if (rc)
		return kc_cli_fail(&err, rc);
	printf(_("Added feed %s: %s every %lld s from %s; the worker fetches it.\n"), f.name, f.format, (long long)f.every,
	       f.url);
	return KC_EXIT_OK;
}

static int feed_list(struct kc_cli *cli, int argc, char **argv)
{
	static const kc_col cols[] = {
		{ "name", N_("Name"), 0 },	      { "format", N_("Format"), 0 },	{ "every", N_("Every (s)"), 1 },
		{ "url", N_("URL"), 0 },	      { "next_fetch", N_("Next fetch"), 0 }, { "last_fetch", N_("Last fetch"), 0 },
		{ "last_status", N_("Status"), 0 }, { "last_events", N_("New events"), 1 }, { "last_error", N_("Last error"), 0 },
	};
	kc_fmt fmt = KC_FMT_TABLE;
	kc_feed *v = NULL;
	size_t n = 0;
	kc_table t;
	kc_err err;
	int rc;

	if (argc == 3 && !strcmp(argv[1], "--format")) {
		if (kc_fmt_parse(argv[2], &fmt))
			return kc_cli_usage("feed", _("--format is table, csv or json"));
	} else if (argc != 1) {
		return kc_cli_usage("feed", _("bad option"));
	}
	kc_err_clear(&err);
	rc = kc_feed_list(cli->st, &v, &n, &err);
	if (rc)
		return kc_cli_fail(&err, rc);
	kc_table_init(&t, cols, KC_ARRAY_LEN(cols));
	for (size_t i = 0; i < n; i++) {
		char every[24], events[24] = "";

		snprintf(every, sizeof(every), "%lld", (long long)v[i].every);
		if (v[i].last_fetch[0])
			snprintf(events, sizeof(events), "%lld", (long long)v[i].last_events);
		kc_table_addv(&t, v[i].name, v[i].format, every, v[i].url, v[i].next_fetch, v[i].last_fetch,
			      v[i].last_status, events, v[i].last_error);
	}
	kc_table_print(&t, fmt, stdout);
	kc_table_release(&t);
	free(v);
	return KC_EXIT_OK;
}

int cmd_feed(struct kc_cli *cli, int argc, char **argv)
{
	kc_err err;
	int rc;

	kc_err_clear(&err);
	if (argc >= 2 && !strcmp(argv[1], "add"))
		return feed_add(cli, argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "list"))
		return feed_list(cli, argc - 1, argv + 1);
	if (argc == 3 && !strcmp(argv[1], "rm")) {
		rc = kc_feed_rm(cli->st, cli->actor, argv[2], &err);
		if (rc)
			return kc_cli_fail(&err, rc);
		printf(_("Removed feed %s.\n"), argv[2]);
		return KC_EXIT_OK;
	}
	if (argc == 3 && !strcmp(argv[1], "fetch")) {
		char owner[200], host[128] = "localhost";
		kc_fetch_result r;

		gethostname(host, sizeof(host) - 1);
		snprintf(owner, sizeof(owner), "%s:%d", host, (int)getpid());
		rc = kc_feed_run(cli->st, owner, argv[2], NULL, &r, &err);
		if (rc)
			return kc_cli_fail(&err, rc);
		if (r.failed) {
			fprintf(stderr, _("kcert: feed %s could not be fetched or ingested; see kcert feed list.\n"), argv[2]);
			return KC_EXIT_FAIL;
		}
		if (r.unchanged)
			printf(_("Feed %s: unchanged since the last fetch.\n"), argv[2]);
		else
			printf(_("Feed %s: fetched, %zu new events, %zu lines quarantined.\n"), argv[2], r.events,
			       r.quarantined);
		return r.quarantined ? KC_EXIT_NO : KC_EXIT_OK;
	}
	return kc_cli_usage("feed", _("give a subcommand: add, list, rm or fetch"));
}
