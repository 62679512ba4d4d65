/*
 * notify.c - kcert notify (digests to municipalities), kcert outbox and
 * kcert worker (delivers the outbox and runs what is scheduled).
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "notify/worker.h"
#include "notify/notice.h"
#include "notify/outbox.h"
#include "org/org.h"
#include "base/kc.h"


static void print_notice(void *arg, const kc_notice_info *n)
{
	int dry = *(int *)arg;

	if (dry)
		printf(_("would notify %s <%s> (%s): %lld events%s\n"), n->org, n->rcpt, n->lang, (long long)n->events,
		       n->high ? _(", urgent") : "");
	else
		printf(_("%s: notice %s to <%s> (%s): %lld events%s\n"), n->org, n->ref, n->rcpt, n->lang,
		       (long long)n->events, n->high ? _(", urgent") : "");
}

static int deliver(struct kc_cli *cli, kc_outbox_result *res, kc_err *err)
{
	kc_smtp_conf conf;
	char owner[200];

	kc_smtp_conf_from_env(&conf);
	kc_worker_name(owner, sizeof(owner));
	return kc_outbox_deliver(cli->st, &conf, owner, 0, res, err);
}

static void print_delivery(const kc_outbox_result *res)
{
	printf(_("Outbox: %zu sent, %zu to retry later, %zu failed, %zu uncertain.\n"), res->sent, res->retry,
	       res->failed, res->uncertain);
}

static int notify_run(struct kc_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dry-run", no_argument, NULL, 'd' }, { "org", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, 'f' },   { "no-send", no_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	kc_notify_opts o = { .actor = cli->actor };
	kc_notify_result r;
	kc_outbox_result res;
	int c, rc, send = 1;
	kc_err err;

	kc_err_clear(&err);
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': o.dry_run = 1; break;
		case 'f': o.force = 1; break;
		case 'n': send = 0; break;
		case 'o': {
			kc_org org;

			rc = kc_org_get(cli->st, optarg, &org, &err);
			if (rc)
				return kc_cli_fail(&err, rc);
			o.org_id = org.id;
			break;
		}
		default: return kc_cli_usage("notify", _("bad option"));
		}
	}
	if (optind != argc)
		return kc_cli_usage("notify", _("unexpected argument: %s"), argv[optind]);
	rc = kc_notify_run(cli->st, &o, print_notice, &o.dry_run, &r, &err);
	if (rc)
		return kc_cli_fail(&err, rc);
	printf(o.dry_run ? _("Dry run: %zu notices with %zu events would go out; %zu left out as repeats; %zu organisations "
			     "not due yet; %zu with events and no contact for notices.\n")
			 : _("%zu notices with %zu events queued; %zu left out as repeats; %zu organisations not due yet; "
			     "%zu with events and no contact for notices.\n"),
	       r.notices, r.events, r.suppressed, r.not_due, r.no_contact);
	if (o.dry_run || !send)
		return KC_EXIT_OK;
	rc = deliver(cli, &res, &err);
	if (rc)
		return kc_cli_fail(&err, rc);
	print_delivery(&res);
	return res.failed || res.uncertain ? KC_EXIT_NO : KC_EXIT_OK;
}

static int notify_list(struct kc_cli *cli, int argc, char **argv)
{
	static const kc_col cols[] = {
		{ "id", N_("ID"), 1 },		    { "ref", N_("Reference"), 0 },  { "organisation", N_("Organisation"), 0 },
		{ "rcpt", N_("Recipient"), 0 },	    { "lang", N_("Language"), 0 }, { "events", N_("Events"), 1 },
		{ "urgent", N_("Urgent"), 0 },	    { "state", N_("State"), 0 },     { "created_at", N_("Created"), 0 },
		{ "acked_at", N_("Acknowledged"), 0 },
	};
	static const struct option opts[] = {
		{ "org", required_argument, NULL, 'o' },   { "limit", required_argument, NULL, 'n' },
		{ "format", required_argument, NULL, 'f' }, { NULL, 0, NULL, 0 },
	};
	kc_fmt fmt = KC_FMT_TABLE;
	kc_notice_info *v = NULL;
	int64_t org_id = 0;
	size_t n = 0, limit = 100;
	kc_table t;
	kc_err err;
	int c, rc;

	kc_err_clear(&err);
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'o': {
			kc_org org;

			rc = kc_org_get(cli->st, optarg, &org, &err);
			if (rc)
				return kc_cli_fail(&err, rc);
			org_id = org.id;
			break;
		}
		case 'n': limit = strtoul(optarg, NULL, 10); break;
		case 'f':
			if (kc_fmt_parse(optarg, &fmt))
				return kc_cli_usage("notify", _("--format is table, csv or json"));
			break;
		default: return kc_cli_usage("notify", _("bad option"));
		}
	}
	rc = kc_notice_list(cli->st, org_id, limit, 0, &v, &n, &err);
	if (rc)
		return kc_cli_fail(&err, rc);
	kc_table_init(&t, cols, KC_ARRAY_LEN(cols));
	for (size_t i = 0; i < n; i++) {
		char id[24], events[24];

		snprintf(id, sizeof(id), "%lld", (long long)v[i].id);
		snprintf(events, sizeof(events), "%lld", (long long)v[i].events);
		kc_table_addv(&t, id, v[i].ref, v[i].org, v[i].rcpt, v[i].lang, events, v[i].high ? _("yes") : _("no"),
			      v[i].state, v[i].created_at, v[i].acked_at);
	}
	kc_table_print(&t, fmt, stdout);
	kc_table_release(&t);
	free(v);
	return KC_EXIT_OK;
}

static int notify_show(struct kc_cli *cli, int argc, char **argv)
{
	kc_notice_info n;
	int64_t *ids = NULL;
	size_t nids = 0;
	kc_err err;
	int rc;

	if (argc != 2)
		return kc_cli_usage("notify", _("give one notice: its reference or number"));
	kc_err_clear(&err);
	rc = kc_notice_get(cli->st, strtoll(argv[1], NULL, 10), argv[1], &n, &err);
	if (!rc)
		rc = kc_notice_events(cli->st, n.id, &ids, &nids, &err);
	if (rc)
		return kc_cli_fail(&err, rc);
	printf(_("Notice %s to %s <%s> (%s)\n"), n.ref, n.org_name, n.rcpt, n.lang);
	printf(_("Created %s; state %s; %lld events%s\n"), n.created_at, n.state, (long long)n.events,
	       n.high ? _(", urgent") : "");
	if (n.acked_at[0])
		printf(_("Acknowledged %s by %s\n"), n.acked_at, n.acked_by);
	printf(_("Events:"));
	for (size_t i = 0; i < nids; i++)
		printf(" %lld", (long long)ids[i]);
	printf("\n");
	free(ids);
	return KC_EXIT_OK;
}

static int notify_ack(struct kc_cli *cli, int argc, char **argv)
{
	kc_notice_info n;
	kc_err err;
	int rc;

	if (argc != 2)
		return kc_cli_usage("notify", _("give one notice: its reference or number"));
	kc_err_clear(&err);
	rc = kc_notice_get(cli->st, strtoll(argv[1], NULL, 10), argv[1], &n, &err);
	if (!rc)
		rc = kc_notice_ack(cli->st, n.id, NULL, cli->actor, &n, &err);
	if (rc)
		return kc_cli_fail(&err, rc);
	printf(_("Notice %s acknowledged %s.\n"), n.ref, n.acked_at);
	return KC_EXIT_OK;
}

int cmd_notify(struct kc_cli *cli, int argc, char **argv)
{
	if (argc < 2)
		return kc_cli_usage("notify", _("give a subcommand: run, list, show or ack"));
	if (!strcmp(argv[1], "run"))
		return notify_run(cli, argc - 1, argv + 1);
	if (!strcmp(argv[1], "list"))
		return notify_list(cli, argc - 1, argv + 1);
	if (!strcmp(argv[1], "show"))
		return notify_show(cli, argc - 1, argv + 1);
	if (!strcmp(argv[1], "ack"))
		return notify_ack(cli, argc - 1, argv + 1);
	return kc_cli_usage("notify", _("unknown subcommand: %s"), argv[1]);
}

int cmd_outbox(struct kc_cli *cli, int argc, char **argv)
{
	static const kc_col cols[] = {
		{ "id", N_("ID"), 1 },		      { "kind", N_("Kind"), 0 },	 { "ref", N_("Reference"), 0 },
		{ "rcpt", N_("Recipient"), 0 },	      { "state", N_("State"), 0 },	 { "attempts", N_("Attempts"), 1 },
		{ "next_attempt", N_("Next attempt"), 0 }, { "sent_at", N_("Sent"), 0 }, { "last_error", N_("Last error"), 0 },
	};
	static const struct option opts[] = {
		{ "state", required_argument, NULL, 's' }, { "ref", required_argument, NULL, 'r' },
		{ "format", required_argument, NULL, 'f' }, { "limit", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	const char *state = NULL, *ref = NULL;
	kc_fmt fmt = KC_FMT_TABLE;
	kc_outbox_row *v = NULL;
	size_t n = 0, limit = 100;
	kc_table t;
	kc_err err;
	int c, rc;

	kc_err_clear(&err);
	if (argc == 3 && !strcmp(argv[1], "retry")) {
		rc = kc_outbox_retry(cli->st, strtoll(argv[2], NULL, 10), cli->actor, &err);
		if (rc)
			return kc_cli_fail(&err, rc);
		printf(_("Message %s queued again.\n"), argv[2]);
		return KC_EXIT_OK;
	}
	if (argc < 2 || strcmp(argv[1], "list"))
		return kc_cli_usage("outbox", _("give a subcommand: list or retry ID"));
	argc--;
	argv++;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's': state = optarg; break;
		case 'r': ref = optarg; break;
		case 'n': limit = strtoul(optarg, NULL, 10); break;
		case 'f':
			if (kc_fmt_parse(optarg, &fmt))
				return kc_cli_usage("outbox", _("--format is table, csv or json"));
			break;
		default: return kc_cli_usage("outbox", _("bad option"));
		}
	}
	rc = kc_outbox_list(cli->st, state, NULL, ref, limit, &v, &n, &err);
	if (rc)
		return kc_cli_fail(&err, rc);
	kc_table_init(&t, cols, KC_ARRAY_LEN(cols));
	for (size_t i = 0; i < n; i++) {
		char id[24], att[24];

		snprintf(id, sizeof(id), "%lld", (long long)v[i].id);
		snprintf(att, sizeof(att), "%lld", (long long)v[i].attempts);
		kc_table_addv(&t, id, v[i].kind, v[i].ref, v[i].rcpt, v[i].state, att,
			      !strcmp(v[i].state, "queued") ? v[i].next_attempt : "", v[i].sent_at, v[i].last_error);
	}
	kc_table_print(&t, fmt, stdout);
	kc_table_release(&t);
	free(v);
	return KC_EXIT_OK;
}

static volatile sig_atomic_t stopping;

static void on_signal(int sig)
{
	(void)sig;
	stopping = 1;
}

int cmd_worker(struct kc_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "once", no_argument, NULL, '1' }, { "interval", required_argument, NULL, 'i' }, { NULL, 0, NULL, 0 },
	};
	int c, once = 0, interval = 60, status = KC_EXIT_OK;
	struct sigaction sa = { 0 };

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case '1': once = 1; break;
		case 'i': interval = atoi(optarg); break;
		default: return kc_cli_usage("worker", _("bad option"));
		}
	}
	if (interval < 1)
		return kc_cli_usage("worker", _("--interval is a number of seconds"));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	while (!stopping) {
		kc_worker_result w;
		char owner[200];
		kc_err err;
		int rc;

		kc_err_clear(&err);
		kc_worker_name(owner, sizeof(owner));
		rc = kc_worker_round(cli->st, owner, &w, &err);
		if (rc) {
			status = kc_cli_fail(&err, rc);
		} else if (once) {
			if (w.feeds.fetched || w.feeds.failed)
				printf(_("Feeds: %zu fetched (%zu unchanged), %zu failed, %zu new events.\n"), w.feeds.fetched,
				       w.feeds.unchanged, w.feeds.failed, w.feeds.events);
			printf(_("%zu notices queued.\n"), w.notices.notices);
			print_delivery(&w.outbox);
			status = w.outbox.failed || w.outbox.uncertain || w.feeds.failed ? KC_EXIT_NO : KC_EXIT_OK;
		}
		if (once)
			break;
		for (int s = 0; s < interval && !stopping; s++)
			sleep(1);
	}
	return status;
}
