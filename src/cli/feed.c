/*
 * feed.c - kcert ingest and kcert event.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/time.h"
#include "cli/cli.h"
#include "feed/event.h"
#include "feed/ingest.h"
#include "org/org.h"
#include "base/kc.h"

/* The formats kcert ingest reads; skips: the format counts what it skipped. */
static const struct {
	const char *name;
	int (*ingest)(kc_store *st, const kc_registry *reg, const char *path, const kc_ingest_opts *o,
		      kc_ingest_report *rep, kc_err *err);
	int skips;
} formats[] = {
	{ "shadowserver", kc_ingest_file, 0 }, { "list", kc_ingest_list, 0 }, { "stix", kc_ingest_stix, 1 },
	{ "misp", kc_ingest_misp, 1 },	       { "csv", kc_ingest_csv, 0 },
};

/* A progress line on a terminal, for files of 1 MiB or more or that take
 * longer than a second: done, lines, lines/s and the time left, at most
 * four times a second, cleared when the file is done. */
struct progress {
	const char *path;
	uint64_t size;
	double start, last;
	int shown;
};

static double seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void progress_show(void *arg, uint64_t done, uint64_t total, size_t records)
{
	struct progress *p = arg;
	double now = seconds(), spent = now - p->start;
	char left[32] = "?";

	if ((p->shown && now - p->last < 0.25) || (!p->shown && p->size < (1u << 20) && spent < 1.0))
		return;
	if (done && total >= done) {
		double rest = spent * (double)(total - done) / (double)done;

		if (rest >= 3600)
			snprintf(left, sizeof(left), "%d:%02d:%02d", (int)rest / 3600, (int)rest / 60 % 60, (int)rest % 60);
		else
			snprintf(left, sizeof(left), "%d:%02d", (int)rest / 60, (int)rest % 60);
	}
	fprintf(stderr, "\r");
	fprintf(stderr, _("%s: %3.0f%%, %zu lines, %.0f lines/s, %s left"), p->path,
		total ? 100.0 * (double)done / (double)total : 0.0, records, spent > 0 ? (double)records / spent : 0.0,
		left);
	fprintf(stderr, "\033[K");
	fflush(stderr);
	p->shown = 1;
	p->last = now;
}

int cmd_ingest(struct kc_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "feed", required_argument, NULL, 'f' },
		{ "report", required_argument, NULL, 'r' },
		{ "keep-unattributed", no_argument, NULL, 'k' },
		{ "quarantine", required_argument, NULL, 'q' },
		{ "format", required_argument, NULL, 'F' },
		{ "classification", required_argument, NULL, 'c' },
		{ "mapping", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 },
	};
	char cls[3][80] = { "", "", "" };
	kc_ingest_opts o = { 0 };
	size_t fmt = 0;
	kc_registry *reg = NULL;
	size_t quarantined = 0;
	struct progress prog = { 0 };
	kc_err err;
	int c, rc = KC_OK;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'f': o.feed = optarg; break;
		case 'r': o.report = optarg; break;
		case 'k': o.keep_unattributed = 1; break;
		case 'q': o.quarantine = optarg; break;
		case 'm': o.mapping = optarg; break;
		case 'F':
			for (fmt = 0; fmt < KC_ARRAY_LEN(formats) && strcmp(optarg, formats[fmt].name); fmt++)
				;
			if (fmt == KC_ARRAY_LEN(formats))
				return kc_cli_usage("ingest", _("--format is shadowserver, list, stix, misp or csv"));
			break;
		case 'c':
			if (sscanf(optarg, "%79[^/]/%79[^/]/%79s", cls[0], cls[1], cls[2]) != 3)
				return kc_cli_usage("ingest", _("--classification is TAXONOMY/TYPE/IDENTIFIER"));
			o.taxonomy = cls[0];
			o.type = cls[1];
			o.identifier = cls[2];
			break;
		default: return kc_cli_usage("ingest", _("bad option"));
		}
	}
	if (optind >= argc)
		return kc_cli_usage("ingest", _("give one or more report files"));
	if (!strcmp(formats[fmt].name, "csv") && !o.mapping)
		return kc_cli_usage("ingest", _("--format csv needs --mapping FILE"));
	if (strcmp(formats[fmt].name, "csv") && o.mapping)
		return kc_cli_usage("ingest", _("--mapping is for --format csv"));
	if (!o.quarantine) {
		o.quarantine = "var/quarantine.tsv";
		mkdir("var", 0750); /* the default place; an error shows when the file is opened */
	}
	if (isatty(STDERR_FILENO)) {
		o.progress = progress_show;
		o.progress_arg = &prog;
	}
	kc_err_clear(&err);
	rc = kc_registry_load(cli->st, &reg, &err);
	if (rc)
		return kc_cli_fail(&err, rc);
	for (int i = optind; i < argc && !rc; i++) {
		kc_ingest_report rep;
		struct stat sb;

		memset(&prog, 0, sizeof(prog));
		prog.path = argv[i];
		prog.size = stat(argv[i], &sb) ? 0 : (uint64_t)sb.st_size;
		prog.start = seconds();
		rc = formats[fmt].ingest(cli->st, reg, argv[i], &o, &rep, &err);
		if (prog.shown)
			fprintf(stderr, "\r\033[K"); /* clear the progress line */
		if (rc)
			break;
		if (rep.already) {
			printf(_("%s: already ingested (same content); nothing done.\n"), argv[i]);
			continue;
		}
		if (formats[fmt].skips)
			printf(_("%s (%s): %zu lines, %zu new events, %zu merged duplicates, %zu unattributed%s, %zu quarantined, %zu skipped.\n"),
			       argv[i], rep.report, rep.lines, rep.events, rep.duplicates, rep.unattributed,
			       o.keep_unattributed ? _(" (kept)") : _(" (dropped)"), rep.quarantined, rep.skipped);
		else
			printf(_("%s (%s): %zu lines, %zu new events, %zu merged duplicates, %zu unattributed%s, %zu quarantined.\n"),
			       argv[i], rep.report, rep.lines, rep.events, rep.duplicates, rep.unattributed,
			       o.keep_unattributed ? _(" (kept)") : _(" (dropped)"), rep.quarantined);
		quarantined += rep.quarantined;
	}
	kc_registry_free(reg);
	if (rc)
		return kc_cli_fail(&err, rc);
	if (quarantined) {
		fprintf(stderr, _("kcert: %zu lines were quarantined in %s (file, line, reason, the line itself).\n"),
			quarantined, o.quarantine);
		return KC_EXIT_NO;
	}
	return KC_EXIT_OK;
}

int cmd_event(struct kc_cli *cli, int argc, char **argv)
{
	/* JSON and CSV keys are IntelMQ's field names. */
	static const kc_col cols[] = {
		{ "time.source", N_("Time (UTC)"), 0 },	       { "source.ip", N_("Address"), 0 },
		{ "source.port", N_("Port"), 1 },	       { "source.fqdn", N_("Host name"), 0 },
		{ "source.asn", N_("AS"), 1 },		       { "classification.taxonomy", N_("Taxonomy"), 0 },
		{ "classification.type", N_("Type"), 0 },      { "classification.identifier", N_("Identifier"), 0 },
		{ "feed.name", N_("Feed"), 0 },		       { "organisation", N_("Organisation"), 0 },
		{ "seen", N_("Seen"), 1 },		       { "time.last", N_("Last seen"), 0 },
	};
	static const struct option opts[] = {
		{ "org", required_argument, NULL, 'o' },    { "type", required_argument, NULL, 't' },
		{ "since", required_argument, NULL, 's' },  { "limit", required_argument, NULL, 'n' },
		{ "address", required_argument, NULL, 'a' },
		{ "format", required_argument, NULL, 'f' }, { NULL, 0, NULL, 0 },
	};
	kc_event_filter f = { 0 };
	kc_fmt fmt = KC_FMT_TABLE;
	kc_event *v = NULL;
	size_t n = 0;
	kc_table t;
	kc_err err;
	time_t since;
	int c, rc;

	if (argc < 2 || strcmp(argv[1], "list"))
		return kc_cli_usage("event", _("give a subcommand: list"));
	argc--;
	argv++;
	kc_err_clear(&err);
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'o': {
			kc_org o;

			rc = kc_org_get(cli->st, optarg, &o, &err);
			if (rc)
				return kc_cli_fail(&err, rc);
			f.org_id = o.id;
			break;
		}
		case 't': f.identifier = optarg; break;
		case 's':
			if (kc_time_parse(optarg, &since))
				return kc_cli_usage("event list", _("%s: not a time (2026-11-28 or 2026-11-28T12:00:00Z)"), optarg);
			f.since = optarg;
			break;
		case 'n': f.limit = strtoul(optarg, NULL, 10); break;
		case 'a': f.address = optarg; break;
		case 'f':
			if (kc_fmt_parse(optarg, &fmt))
				return kc_cli_usage("event list", _("--format is table, csv or json"));
			break;
		default: return kc_cli_usage("event list", _("bad option"));
		}
	}
	rc = kc_event_list(cli->st, &f, &v, &n, &err);
	if (rc)
		return kc_cli_fail(&err, rc);
	kc_table_init(&t, cols, KC_ARRAY_LEN(cols));
	for (size_t i = 0; i < n; i++) {
		char port[16] = "", asn[16] = "", seen[24];

		if (v[i].port >= 0)
			snprintf(port, sizeof(port), "%lld", (long long)v[i].port);
		if (v[i].asn)
			snprintf(asn, sizeof(asn), "%lld", (long long)v[i].asn);
		snprintf(seen, sizeof(seen), "%lld", (long long)v[i].seen);
		kc_table_addv(&t, v[i].time_source, v[i].ip, port, v[i].fqdn, asn, v[i].taxonomy, v[i].type,
			      v[i].identifier, v[i].feed, v[i].org, seen, v[i].time_last);
	}
	kc_table_print(&t, fmt, stdout);
	kc_table_release(&t);
	free(v);
	return KC_EXIT_OK;
}
