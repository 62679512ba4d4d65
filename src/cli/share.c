/*
 * share.c - kcert share: what may leave kcert (marks), the partner CERTs of
 * each community, and exports as a STIX 2.1 bundle or a MISP event; kcert
 * stats nsm: the statistics for NSM as CSV.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "org/org.h"
#include "share/share.h"
#include "base/kc.h"

static int64_t number(const char *s)
{
	char *end;
	long long v;

	if (*s == '#')
		s++;
	v = strtoll(s, &end, 10);
	return *s && !*end && v > 0 ? v : 0;
}

static int share_add(struct kc_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "tlp", required_argument, NULL, 'T' },	{ "collection", required_argument, NULL, 'C' },
		{ "org", required_argument, NULL, 'o' },	{ "type", required_argument, NULL, 't' },
		{ "since", required_argument, NULL, 's' },	{ "until", required_argument, NULL, 'u' },
		{ NULL, 0, NULL, 0 },
	};
	kc_share_mark_new m = { 0 };
	int64_t id;
	kc_err err;
	int c, rc;

	kc_err_clear(&err);
	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'T': m.tlp = optarg; break;
		case 'C': m.community = optarg; break;
		case 't': m.set_type = optarg; break;
		case 's': m.set_since = optarg; break;
		case 'u': m.set_until = optarg; break;
		case 'o': {
			kc_org o;

			if ((rc = kc_org_get(cli->st, optarg, &o, &err)))
				return kc_cli_fail(&err, rc);
			m.set_org_id = o.id;
			break;
		}
		default: return kc_cli_usage("share", _("bad option"));
		}
	}
	if (optind >= argc)
		return kc_cli_usage("share", _("say what to mark: case, event, events, observable, vulnerability or advisory"));
	m.kind = argv[optind];
	if (!m.tlp || !m.community)
		return kc_cli_usage("share", _("give --tlp and --collection"));
	if (!strcmp(m.kind, "events")) {
		if (optind + 1 != argc)
			return kc_cli_usage("share", _("a set of events is given by --org, --type, --since and --until"));
	} else {
		if (optind + 2 != argc)
			return kc_cli_usage("share", _("give the number or reference of what to mark"));
		if (m.set_org_id || m.set_type || m.set_since || m.set_until)
			return kc_cli_usage("share", _("--org, --type, --since and --until are for a set of events"));
		if (!strcmp(m.kind, "vulnerability") || !strcmp(m.kind, "advisory"))
			m.ref = argv[optind + 1];
		else if (!(m.object_id = number(argv[optind + 1])))
			return kc_cli_usage("share", _("%s: not a number"), argv[optind + 1]);
	}
	rc = kc_share_mark_add(cli->st, cli->actor, &m, &id, &err);
	if (rc)
		return kc_cli_fail(&err, rc);
	printf(_("Marked shareable as %lld: %s, TLP:%s, collection %s.\n"), (long long)id, m.kind, m.tlp, m.community);
	return KC_EXIT_OK;
}

static int share_list(struct kc_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "collection", required_argument, NULL, 'C' }, { "format", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	static const kc_col cols[] = {
		{ "id", N_("ID"), 1 },		   { "kind", N_("Kind"), 0 },	    { "object", N_("Object"), 0 },
		{ "tlp", N_("TLP"), 0 },	   { "collection", N_("Collection"), 0 }, { "marked_by", N_("Marked by"), 0 },
		{ "marked_at", N_("Marked at"), 0 },
	};
	const char *community = NULL;
	kc_fmt fmt = KC_FMT_TABLE;
	kc_share_mark *v = NULL;
	kc_table t;
	size_t n = 0;
	kc_err err;
	int c, rc;

	kc_err_clear(&err);
	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'C')
			community = optarg;
		else if (c != 'f' || kc_fmt_parse(optarg, &fmt))
			return kc_cli_usage("share", _("bad option"));
	}
	if (optind != argc)
		return kc_cli_usage("share", _("unexpected argument: %s"), argv[optind]);
	rc = kc_share_mark_list(cli->st, community, &v, &n, &err);
	if (rc)
		return kc_cli_fail(&err, rc);
	kc_table_init(&t, cols, KC_ARRAY_LEN(cols));
	for (size_t i = 0; i < n; i++) {
		char id[24], obj[320];

		snprintf(id, sizeof(id), "%lld", (long long)v[i].id);
		if (!strcmp(v[i].kind, "events"))
			snprintf(obj, sizeof(obj), "org=%s type=%s since=%s until=%s", v[i].set_org[0] ? v[i].set_org : "*",
				 v[i].set_type[0] ? v[i].set_type : "*", v[i].set_since[0] ? v[i].set_since : "*",
				 v[i].set_until[0] ? v[i].set_until : "*");
		else if (v[i].ref[0])
			snprintf(obj, sizeof(obj), "%s", v[i].ref);
		else
			snprintf(obj, sizeof(obj), "%lld", (long long)v[i].object_id);
		kc_table_addv(&t, id, v[i].kind, obj, v[i].tlp, v[i].community, v[i].marked_by, v[i].marked_at);
	}
	kc_table_print(&t, fmt, stdout);
	kc_table_release(&t);
	free(v);
	return KC_EXIT_OK;
}

static int share_export(struct kc_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' }, { "collection", required_argument, NULL, 'C' },
		{ "since", required_argument, NULL, 's' },  { "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	kc_share_filter f = { 0 };
	const char *format = NULL, *output = NULL;
	kc_share_set set;
	kc_buf out;
	kc_err err;
	int c, rc;
	FILE *fp;

	kc_err_clear(&err);
	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'f': format = optarg; break;
		case 'C': f.community = optarg; break;
		case 's': f.since = optarg; break;
		case 'o': output = optarg; break;
		default: return kc_cli_usage("share", _("bad option"));
		}
	}
	if (optind != argc)
		return kc_cli_usage("share", _("unexpected argument: %s"), argv[optind]);
	if (!format || (strcmp(format, "stix") && strcmp(format, "misp")))
		return kc_cli_usage("share", _("--format stix or --format misp"));
	rc = kc_share_collect(cli->st, &f, &set, &err);
	if (rc)
		return kc_cli_fail(&err, rc);
	kc_buf_init(&out, 1u << 30);
	rc = !strcmp(format, "stix") ? kc_share_stix_bundle(&set, &out, &err) : kc_share_misp_event(&set, &out, &err);
	kc_share_set_release(&set);
	if (rc) {
		kc_buf_release(&out);
		return kc_cli_fail(&err, rc);
	}
	fp = output ? fopen(output, "w") : stdout;
	if (!fp || fwrite(kc_buf_str(&out), 1, out.len, fp) != out.len || (output && fclose(fp))) {
		kc_buf_release(&out);
		kc_err_set(&err, KC_EIO, _("%s: cannot write"), output ? output : "stdout");
		return kc_cli_fail(&err, KC_EIO);
	}
	kc_buf_release(&out);
	return KC_EXIT_OK;
}

static int share_member(struct kc_cli *cli, int argc, char **argv)
{
	kc_err err;
	kc_org o;
	int rc, add;

	kc_err_clear(&err);
	if (argc != 4 || (strcmp(argv[1], "add") && strcmp(argv[1], "rm")))
		return kc_cli_usage("share", _("kcert share member add|rm COMMUNITY ORG"));
	add = !strcmp(argv[1], "add");
	if ((rc = kc_org_get(cli->st, argv[3], &o, &err)))
		return kc_cli_fail(&err, rc);
	rc = add ? kc_share_member_add(cli->st, cli->actor, argv[2], o.id, &err)
		 : kc_share_member_rm(cli->st, cli->actor, argv[2], o.id, &err);
	if (rc)
		return kc_cli_fail(&err, rc);
	printf(add ? _("%s is in community %s.\n") : _("%s has left community %s.\n"), o.slug, argv[2]);
	return KC_EXIT_OK;
}

int cmd_share(struct kc_cli *cli, int argc, char **argv)
{
	const char *sub = argc >= 2 ? argv[1] : "";
	kc_err err;
	int rc;

	kc_err_clear(&err);
	if (!strcmp(sub, "add"))
		return share_add(cli, argc - 1, argv + 1);
	if (!strcmp(sub, "list"))
		return share_list(cli, argc - 1, argv + 1);
	if (!strcmp(sub, "export"))
		return share_export(cli, argc - 1, argv + 1);
	if (!strcmp(sub, "member"))
		return share_member(cli, argc - 1, argv + 1);
	if (!strcmp(sub, "rm")) {
		int64_t id = argc == 3 ? number(argv[2]) : 0;

		if (!id)
			return kc_cli_usage("share", _("give the number of the mark (kcert share list)"));
		if ((rc = kc_share_mark_rm(cli->st, cli->actor, id, &err)))
			return kc_cli_fail(&err, rc);
		printf(_("Mark %lld removed; it is no longer shared.\n"), (long long)id);
		return KC_EXIT_OK;
	}
	return kc_cli_usage("share", _("add, rm, list, member or export"));
}

int cmd_stats(struct kc_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "period", required_argument, NULL, 'p' }, { "from", required_argument, NULL, 'F' },
		{ "format", required_argument, NULL, 'f' }, { NULL, 0, NULL, 0 },
	};
	const char *from = NULL;
	kc_period p = KC_PERIOD_MONTH;
	kc_buf out;
	kc_err err;
	int c, rc;

	kc_err_clear(&err);
	if (argc < 2 || strcmp(argv[1], "nsm"))
		return kc_cli_usage("stats", _("kcert stats nsm --period month|quarter|year [--from DATE] [--format csv]"));
	argc--;
	argv++;
	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			if (kc_period_parse(optarg, &p))
				return kc_cli_usage("stats", _("--period month, quarter or year"));
			break;
		case 'F': from = optarg; break;
		case 'f':
			if (strcmp(optarg, "csv"))
				return kc_cli_usage("stats", _("--format csv is the only format"));
			break;
		default: return kc_cli_usage("stats", _("bad option"));
		}
	}
	if (optind != argc)
		return kc_cli_usage("stats", _("unexpected argument: %s"), argv[optind]);
	kc_buf_init(&out, 64u << 20);
	rc = kc_stats_nsm_csv(cli->st, p, from, &out, &err);
	if (!rc)
		fwrite(kc_buf_str(&out), 1, out.len, stdout);
	kc_buf_release(&out);
	return rc ? kc_cli_fail(&err, rc) : KC_EXIT_OK;
}
