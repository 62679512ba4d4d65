/*
 * case.c - kcert case: incident reports and incidents from the command line.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/time.h"
#include "case/case.h"
#include "cli/cli.h"
#include "org/org.h"
#include "base/kc.h"

#define TEXT_MAX (1u << 20)

static int64_t case_id(const char *s)
{
	char *end;
	long long v;

	if (*s == '#')
		s++;
	v = strtoll(s, &end, 10);
	return *s && !*end && v > 0 ? v : 0;
}

static int org_ref(struct kc_cli *cli, const char *ref, int64_t *id, kc_err *err)
{
	kc_org o;
	int rc = kc_org_get(cli->st, ref, &o, err);

	*id = rc ? 0 : o.id;
	return rc;
}

/* Text from --file F (or "-") or --text T; else standard input. */
static int read_text(const char *file, const char *text, char **out, kc_err *err)
{
	size_t len;

	if (text) {
		*out = strdup(text);
		return *out ? KC_OK : KC_ENOMEM;
	}
	return kc_cli_read_file(file ? file : "-", TEXT_MAX, out, &len, err);
}

static int case_new(struct kc_cli *cli, const kc_actor *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "title", required_argument, NULL, 't' },	  { "org", required_argument, NULL, 'o' },
		{ "description", required_argument, NULL, 'd' }, { "file", required_argument, NULL, 'F' },
		{ "severity", required_argument, NULL, 's' },	  { "tlp", required_argument, NULL, 'T' },
		{ "classification", required_argument, NULL, 'c' }, { "reporter", required_argument, NULL, 'r' },
		{ "email", required_argument, NULL, 'e' },	  { "incident", no_argument, NULL, 'I' },
		{ "systems", required_argument, NULL, 'S' },	  { "discovered", required_argument, NULL, 'D' },
		{ "personal-data", required_argument, NULL, 'p' }, { "services-down", required_argument, NULL, 'x' },
		{ "reported-to", required_argument, NULL, 'R' },  { NULL, 0, NULL, 0 },
	};
	kc_case_new n = { .channel = "cli" };
	char tax[64] = "", type[64] = "", *file_text = NULL;
	const char *file = NULL;
	int64_t id;
	kc_err err;
	int c, rc;

	kc_err_clear(&err);
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 't': n.title = optarg; break;
		case 'o':
			if ((rc = org_ref(cli, optarg, &n.org_id, &err)))
				return kc_cli_fail(&err, rc);
			break;
		case 'd': n.description = optarg; break;
		case 'F': file = optarg; break;
		case 's': n.severity = optarg; break;
		case 'T': n.tlp = optarg; break;
		case 'c':
			if (sscanf(optarg, "%63[^/]/%63s", tax, type) != 2)
				return kc_cli_usage("case", _("--classification is TAXONOMY/TYPE (RSIT)"));
			n.taxonomy = tax;
			n.type = type;
			break;
		case 'r': n.reporter = optarg; break;
		case 'e': n.reporter_email = optarg; break;
		case 'I': n.kind = "incident"; break;
		case 'S': n.systems = optarg; break;
		case 'D': n.discovered_at = optarg; break;
		case 'p': n.personal_data = optarg; break;
		case 'x': n.services_down = optarg; break;
		case 'R': n.reported_to = optarg; break;
		default: return kc_cli_usage("case", _("bad option"));
		}
	}
	if (!n.title)
		return kc_cli_usage("case", _("give --title"));
	if (file) {
		rc = read_text(file, NULL, &file_text, &err);
		if (rc)
			return kc_cli_fail(&err, rc);
		n.description = file_text;
	}
	rc = kc_case_create(cli->st, a, &n, &id, &err);
	free(file_text);
	if (rc)
		return kc_cli_fail(&err, rc);
	printf(_("Case #%lld opened.\n"), (long long)id);
	return KC_EXIT_OK;
}

static int case_list(struct kc_cli *cli, const kc_actor *a, int argc, char **argv)
{
	static const kc_col cols[] = {
		{ "id", N_("Case"), 1 },	       { "kind", N_("Kind"), 0 },	  { "status", N_("Status"), 0 },
		{ "severity", N_("Severity"), 0 },     { "tlp", N_("TLP"), 0 },		  { "organisation", N_("Organisation"), 0 },
		{ "classification", N_("Classification"), 0 }, { "assignee", N_("Assignee"), 0 },
		{ "next_due", N_("Due"), 0 },	       { "overdue", N_("Overdue"), 0 },	  { "title", N_("Title"), 0 },
	};
	static const struct option opts[] = {
		{ "queue", required_argument, NULL, 'q' },  { "org", required_argument, NULL, 'o' },
		{ "classification", required_argument, NULL, 'c' }, { "search", required_argument, NULL, 's' },
		{ "limit", required_argument, NULL, 'n' },  { "format", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	kc_case_filter f = { 0 };
	kc_fmt fmt = KC_FMT_TABLE;
	kc_case *v = NULL;
	size_t n = 0;
	kc_table t;
	kc_err err;
	int c, rc;

	kc_err_clear(&err);
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'q': f.queue = optarg; break;
		case 'o':
			if ((rc = org_ref(cli, optarg, &f.org_id, &err)))
				return kc_cli_fail(&err, rc);
			break;
		case 'c': f.taxonomy = optarg; break;
		case 's': f.search = optarg; break;
		case 'n': f.limit = strtoul(optarg, NULL, 10); break;
		case 'f':
			if (kc_fmt_parse(optarg, &fmt))
				return kc_cli_usage("case", _("--format is table, csv or json"));
			break;
		default: return kc_cli_usage("case", _("bad option"));
		}
	}
	rc = kc_case_list(cli->st, a, &f, &v, &n, &err);
	if (rc)
		return kc_cli_fail(&err, rc);
	kc_table_init(&t, cols, KC_ARRAY_LEN(cols));
	for (size_t i = 0; i < n; i++) {
		char id[24], cls[90] = "";

		snprintf(id, sizeof(id), "%lld", (long long)v[i].id);
		if (v[i].taxonomy[0])
			snprintf(cls, sizeof(cls), "%s/%s", v[i].taxonomy, v[i].type);
		kc_table_addv(&t, id, v[i].kind, v[i].status, v[i].severity, v[i].tlp, v[i].org, cls, v[i].assignee,
			      v[i].next_due, v[i].overdue ? _("yes") : "", v[i].title);
	}
	kc_table_print(&t, fmt, stdout);
	kc_table_release(&t);
	free(v);
	return KC_EXIT_OK;
}

static int case_show(struct kc_cli *cli, const kc_actor *a, int argc, char **argv)
{
	kc_case_detail d;
	int64_t id;
	kc_case c;
	kc_err err;
	int rc;

	if (argc != 2 || !(id = case_id(argv[1])))
		return kc_cli_usage("case", _("give one case number"));
	kc_err_clear(&err);
	rc = kc_case_get(cli->st, a, id, &c, &err);
	if (!rc)
		rc = kc_case_detail_get(cli->st, a, id, &d, &err);
	if (rc) {
		kc_case_release(&c);
		return kc_cli_fail(&err, rc);
	}
	printf(_("Case #%lld (%s): %s\n"), (long long)c.id, c.kind, c.title);
	printf(_("Status %s; severity %s; TLP:%s; classification %s%s%s\n"), c.status, c.severity, c.tlp,
	       c.taxonomy[0] ? c.taxonomy : "-", c.taxonomy[0] ? "/" : "", c.type);
	printf(_("Organisation %s; assignee %s; channel %s; reported by %s %s\n"), c.org_name[0] ? c.org_name : "-",
	       c.assignee[0] ? c.assignee : "-", c.channel, c.reporter[0] ? c.reporter : "-", c.reporter_email);
	printf(_("Opened %s; first response due %s%s%s\n"), c.created_at, c.first_response_due,
	       c.first_response_at[0] ? _("; answered ") : "", c.first_response_at);
	if (c.parent_id)
		printf(_("Merged into case #%lld\n"), (long long)c.parent_id);
	if (c.systems[0] || c.personal_data[0])
		printf(_("Systems: %s; personal data: %s; services down: %s; reported to: %s\n"), c.systems[0] ? c.systems : "-",
		       c.personal_data, c.services_down, c.reported_to[0] ? c.reported_to : "-");
	printf("\n%s\n", c.description ? c.description : "");
	if (c.lessons)
		printf(_("\nLessons learned: %s\n"), c.lessons);
	if (d.norgs) {
		printf(_("\nOrganisations:"));
		for (size_t i = 0; i < d.norgs; i++) {
			kc_org o;

			if (!kc_org_get_id(cli->st, d.orgs[i], &o, &err))
				printf(" %s", o.slug);
		}
		printf("\n");
	}
	for (size_t i = 0; i < d.nclocks; i++) {
		if (!i)
			printf(_("\nClocks:\n"));
		printf("  %-24s %s -> %s %s%s\n", d.clocks[i].kind, d.clocks[i].started_at, d.clocks[i].due_at,
		       d.clocks[i].met_at[0] ? _("met ") : d.clocks[i].overdue ? _("OVERDUE") : "", d.clocks[i].met_at);
	}
	for (size_t i = 0; i < d.ntasks; i++) {
		if (!i)
			printf(_("\nTasks:\n"));
		printf("  %lld. [%s] %s\n", (long long)d.tasks[i].position, d.tasks[i].done_at[0] ? "x" : " ",
		       _(d.tasks[i].title));
	}
	for (size_t i = 0; i < d.nobservables; i++) {
		if (!i)
			printf(_("\nObservables:\n"));
		printf("  %-7s %s\n", d.observables[i].kind, d.observables[i].value);
	}
	{
		kc_case_attachment *att = NULL;
		size_t natt = 0;

		if (!kc_case_attachments(cli->st, a, id, &att, &natt, &err))
			for (size_t i = 0; i < natt; i++) {
				if (!i)
					printf(_("\nAttachments:\n"));
				printf("  #%lld %s (%s, %lld bytes, SHA-256 %s)%s\n", (long long)att[i].id, att[i].name,
				       att[i].content_type, (long long)att[i].size, att[i].sha256,
				       att[i].kept ? "" : _(" not kept: over the size limit"));
			}
		free(att);
	}
	for (size_t i = 0; i < d.nlinks; i++) {
		if (!i)
			printf(_("\nRelated cases (shared observables):\n"));
		printf("  #%lld %s (%s): %s %s\n", (long long)d.links[i].case_id, d.links[i].title, d.links[i].org,
		       d.links[i].kind, d.links[i].value);
	}
	for (size_t i = 0; i < d.nshares; i++) {
		if (!i)
			printf(_("\nShared with:\n"));
		printf("  %s <%s> %s TLP:%s %s%s%s\n", d.shares[i].partner, d.shares[i].rcpt, d.shares[i].at, d.shares[i].tlp,
		       d.shares[i].state, d.shares[i].their_ref[0] ? _("; their reference ") : "", d.shares[i].their_ref);
	}
	printf(_("\nTimeline:\n"));
	for (size_t i = 0; i < d.nentries; i++) {
		const kc_case_entry *e = &d.entries[i];

		printf("  %s %-11s %-20s%s%s%s\n", e->at, e->kind, e->actor, e->internal ? _(" (internal)") : "",
		       e->outbox_state[0] ? " · " : "", e->outbox_state);
		if (e->body[0]) {
			for (const char *p = e->body; *p;) {
				size_t n = strcspn(p, "\n");

				printf("      %.*s\n", (int)n, p);
				p += n + (p[n] == '\n');
			}
		}
	}
	kc_case_detail_release(&d);
	kc_case_release(&c);
	return KC_EXIT_OK;
}

static int text_cmd(struct kc_cli *cli, const kc_actor *a, int argc, char **argv, int reply)
{
	static const struct option opts[] = {
		{ "file", required_argument, NULL, 'F' }, { "text", required_argument, NULL, 't' },
		{ "to", required_argument, NULL, 'T' },	  { NULL, 0, NULL, 0 },
	};
	const char *file = NULL, *text = NULL, *to = NULL;
	char *body = NULL;
	int64_t id;
	kc_err err;
	int c, rc;

	kc_err_clear(&err);
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'F': file = optarg; break;
		case 't': text = optarg; break;
		case 'T': to = optarg; break;
		default: return kc_cli_usage("case", _("bad option"));
		}
	}
	if (optind + 1 != argc || !(id = case_id(argv[optind])))
		return kc_cli_usage("case", _("give one case number"));
	rc = read_text(file, text, &body, &err);
	if (!rc)
		rc = reply ? kc_case_reply(cli->st, a, id, to, body, &err) : kc_case_note(cli->st, a, id, body, &err);
	free(body);
	if (rc)
		return kc_cli_fail(&err, rc);
	printf(reply ? _("Reply to case #%lld queued in the outbox.\n") : _("Note added to case #%lld.\n"), (long long)id);
	return KC_EXIT_OK;
}

int cmd_case(struct kc_cli *cli, int argc, char **argv)
{
	kc_actor a = { .user = NULL, .name = cli->actor };
	const char *sub = argc > 1 ? argv[1] : "";
	int64_t id = argc > 2 ? case_id(argv[2]) : 0, other = 0;
	kc_err err;
	int rc;

	kc_err_clear(&err);
	if (!strcmp(sub, "new"))
		return case_new(cli, &a, argc - 1, argv + 1);
	if (!strcmp(sub, "list"))
		return case_list(cli, &a, argc - 1, argv + 1);
	if (!strcmp(sub, "show"))
		return case_show(cli, &a, argc - 1, argv + 1);
	if (!strcmp(sub, "campaigns")) {
		kc_campaign *v = NULL;
		size_t n = 0;

		rc = kc_case_campaigns(cli->st, &a, &v, &n, &err);
		if (rc)
			return kc_cli_fail(&err, rc);
		for (size_t i = 0; i < n; i++) {
			printf(_("%s %s: %zu cases\n"), v[i].kind, v[i].value, v[i].ncases);
			for (size_t k = 0; k < v[i].nlisted; k++)
				printf("  #%lld %-10s %-14s %s\n", (long long)v[i].cases[k].id, v[i].cases[k].status,
				       v[i].cases[k].org[0] ? v[i].cases[k].org : "-", v[i].cases[k].title);
		}
		if (!n)
			printf("%s", _("No observable is shared by two cases.\n"));
		free(v);
		return KC_EXIT_OK;
	}
	if (!strcmp(sub, "reply") || !strcmp(sub, "note"))
		return text_cmd(cli, &a, argc - 1, argv + 1, !strcmp(sub, "reply"));
	if (argc < 3 || !id)
		return kc_cli_usage("case", _("give a subcommand and a case number"));
	if (!strcmp(sub, "status") && (argc == 4 || (argc == 6 && !strcmp(argv[4], "--lessons")))) {
		rc = kc_case_set_status(cli->st, &a, id, argv[3], argc == 6 ? argv[5] : NULL, &err);
	} else if (!strcmp(sub, "assign") && argc == 4) {
		rc = kc_case_assign(cli->st, &a, id, strcmp(argv[3], "-") ? argv[3] : NULL, &err);
	} else if (!strcmp(sub, "classify") && argc >= 4) {
		const char *sev = NULL, *tlp = NULL, *title = NULL;
		char tax[64] = "", type[64] = "";
		int have = 0;

		for (int i = 3; i + 1 < argc; i += 2) {
			if (!strcmp(argv[i], "--classification")) {
				if (sscanf(argv[i + 1], "%63[^/]/%63s", tax, type) != 2)
					return kc_cli_usage("case", _("--classification is TAXONOMY/TYPE (RSIT)"));
				have = 1;
			} else if (!strcmp(argv[i], "--severity")) {
				sev = argv[i + 1];
			} else if (!strcmp(argv[i], "--tlp")) {
				tlp = argv[i + 1];
			} else if (!strcmp(argv[i], "--title")) {
				title = argv[i + 1];
			} else {
				return kc_cli_usage("case", _("bad option"));
			}
		}
		rc = kc_case_classify(cli->st, &a, id, have ? tax : NULL, have ? type : NULL, sev, tlp, title, &err);
	} else if (!strcmp(sub, "merge") && argc == 4 && (other = case_id(argv[3]))) {
		rc = kc_case_merge(cli->st, &a, id, other, &err);
	} else if (!strcmp(sub, "split") && argc == 3) {
		rc = kc_case_split(cli->st, &a, id, &err);
	} else if (!strcmp(sub, "share") && (argc == 4 || (argc == 6 && !strcmp(argv[4], "--note")))) {
		rc = org_ref(cli, argv[3], &other, &err);
		if (!rc)
			rc = kc_case_share(cli->st, &a, id, other, argc == 6 ? argv[5] : NULL, &err);
	} else if (!strcmp(sub, "partner-ref") && argc == 5) {
		rc = org_ref(cli, argv[3], &other, &err);
		if (!rc)
			rc = kc_case_partner_ref(cli->st, &a, id, other, argv[4], &err);
	} else if (!strcmp(sub, "org") && (argc == 4 || (argc == 6 && !strcmp(argv[4], "--role")))) {
		rc = org_ref(cli, argv[3], &other, &err);
		if (!rc)
			rc = kc_case_add_org(cli->st, &a, id, other, argc == 6 ? argv[5] : "affected", &err);
	} else if (!strcmp(sub, "clock") && argc >= 5 && !strcmp(argv[3], "start")) {
		rc = kc_case_clock_start(cli->st, &a, id, argv[4], argc == 7 && !strcmp(argv[5], "--from") ? argv[6] : NULL,
					 &err);
	} else if (!strcmp(sub, "clock") && argc == 5 && !strcmp(argv[3], "met")) {
		rc = kc_case_clock_met(cli->st, &a, id, argv[4], &err);
	} else if (!strcmp(sub, "task") && argc == 5 && (!strcmp(argv[3], "done") || !strcmp(argv[3], "undo"))) {
		rc = kc_case_task_done(cli->st, &a, id, strtoll(argv[4], NULL, 10), !strcmp(argv[3], "done"), &err);
	} else {
		return kc_cli_usage("case", _("unknown subcommand or arguments: %s"), sub);
	}
	if (rc)
		return kc_cli_fail(&err, rc);
	printf(_("Case #%lld updated.\n"), (long long)id);
	return KC_EXIT_OK;
}
