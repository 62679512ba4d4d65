/*
 * vuln.c - kcert vuln: import NVD and KEV data, show, search and list CVEs,
 * and which organisations a CVE affects.
 */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "cli/cli.h"
#include "vuln/exposure.h"
#include "vuln/vuln.h"

static void on_report(void *arg, const char *file, size_t page, size_t index, uint64_t offset,
		      int warning, const char *msg)
{
	(void)arg;
	if (index == (size_t)-1)
		fprintf(stderr, _("%s: page %zu (byte %llu): %s%s\n"), file, page + 1,
			(unsigned long long)offset, msg, warning ? "" : _(" (skipped)"));
	else
		fprintf(stderr, _("%s: page %zu, record %zu (byte %llu): %s%s\n"), file, page + 1,
			index + 1, (unsigned long long)offset, msg, warning ? "" : _(" (skipped)"));
}

static int vuln_import(struct kc_cli *cli, int argc, char **argv)
{
	kc_vuln_import *imp = NULL;
	kc_vuln_stats s;
	kc_err err;
	int rc, i;

	if (argc < 2)
		return kc_cli_usage("vuln import", _("give one or more files (KEV or NVD JSON, .gz too)"));
	kc_err_clear(&err);
	if ((rc = kc_vuln_import_new(cli->st, cli->actor, on_report, NULL, &imp, &err)) < 0)
		return kc_cli_fail(&err, rc);
	for (i = 1; i < argc && !rc; i++)
		rc = kc_vuln_import_file(imp, argv[i], &err);
	if (!rc)
		rc = kc_vuln_import_finish(imp, &s, &err);
	kc_vuln_import_free(imp);
	if (rc)
		return kc_cli_fail(&err, rc);
	printf(_("CVE records: %zu added, %zu updated, %zu unchanged. KEV entries: %zu added, %zu "
		 "updated, %zu unchanged. %zu bad records skipped.\n"),
	       s.cve_inserted, s.cve_updated, s.cve_unchanged, s.kev_inserted, s.kev_updated,
	       s.kev_unchanged, s.skipped);
	if (s.cvss_mismatch || s.criteria_bad)
		printf(_("%zu CVSS scores differ from kcert's calculation; %zu criteria were not CPE 2.3 "
			 "names.\n"),
		       s.cvss_mismatch, s.criteria_bad);
	if (s.orgs_notified)
		printf(_("KEV notices: %zu organisations, %zu mails queued.\n"), s.orgs_notified,
		       s.mails);
	return s.skipped ? KC_EXIT_NO : KC_EXIT_OK;
}

static int vuln_show(struct kc_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { { "format", required_argument, NULL, 'f' },
					      { NULL, 0, NULL, 0 } };
	int json = 0, c, rc;
	kc_cve v;
	kc_err err;
	kc_stmt *s;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'f' && !strcmp(optarg, "json"))
			json = 1;
		else if (c == 'f' && !strcmp(optarg, "text"))
			json = 0;
		else
			return kc_cli_usage("vuln show", _("bad option"));
	}
	if (argc - optind != 1)
		return kc_cli_usage("vuln show", _("give one CVE id"));
	kc_err_clear(&err);
	if ((rc = kc_cve_get(cli->st, argv[optind], &v, &err)) < 0)
		return kc_cli_fail(&err, rc);
	rc = kc_store_query(cli->st, &err, &s,
			    "SELECT criterion, vulnerable, start_incl, start_excl, end_incl, end_excl, "
			    "config, node, config_op FROM cpe_match WHERE cve_id = ? ORDER BY id",
			    "t", v.id);
	if (rc) {
		kc_cve_release(&v);
		return kc_cli_fail(&err, rc);
	}
	if (json) {
		json_t *o = json_object(), *cr = json_array(), *k = NULL;
		char *out;
#define PUT(obj, key, val) json_object_set_new(obj, key, (val) ? json_string(val) : json_null())
		PUT(o, "id", v.id);
		PUT(o, "published", v.published);
		PUT(o, "modified", v.modified);
		PUT(o, "status", v.status);
		PUT(o, "description", v.description);
		PUT(o, "cwes", v.cwes);
		PUT(o, "severity", v.severity);
		PUT(o, "cvss31_vector", v.cvss31_vector);
		PUT(o, "cvss31_score", v.cvss31_score);
		PUT(o, "cvss40_vector", v.cvss40_vector);
		PUT(o, "cvss40_score", v.cvss40_score);
		PUT(o, "cvss2_vector", v.cvss2_vector);
		PUT(o, "cvss2_score", v.cvss2_score);
		PUT(o, "cvss_check", v.cvss_check);
		if (v.kev_name) {
			k = json_object();
			PUT(k, "vendor", v.kev_vendor);
			PUT(k, "product", v.kev_product);
			PUT(k, "name", v.kev_name);
			PUT(k, "date_added", v.kev_added);
			PUT(k, "due_date", v.kev_due);
			PUT(k, "ransomware", v.kev_ransomware);
			PUT(k, "required_action", v.kev_action);
			PUT(k, "notes", v.kev_notes);
		}
		json_object_set_new(o, "kev", k ? k : json_null());
		while (kc_stmt_step(s, &err) == KC_ROW) {
			json_t *m = json_object();
			PUT(m, "criterion", kc_stmt_text(s, 0));
			json_object_set_new(m, "vulnerable", json_boolean(kc_stmt_int(s, 1)));
			PUT(m, "versionStartIncluding", kc_stmt_text(s, 2));
			PUT(m, "versionStartExcluding", kc_stmt_text(s, 3));
			PUT(m, "versionEndIncluding", kc_stmt_text(s, 4));
			PUT(m, "versionEndExcluding", kc_stmt_text(s, 5));
			json_object_set_new(m, "configuration", json_integer(kc_stmt_int(s, 6)));
			json_object_set_new(m, "node", json_integer(kc_stmt_int(s, 7)));
			json_array_append_new(cr, m);
		}
#undef PUT
		json_object_set_new(o, "criteria", cr);
		out = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		if (out)
			printf("%s\n", out);
		free(out);
		json_decref(o);
	} else {
		printf("%s\n", v.id);
		if (v.published)
			printf(_("Published: %s  Modified: %s  Status: %s\n"), v.published,
			       v.modified ? v.modified : "", v.status ? v.status : "");
		if (v.severity)
			printf(_("Severity: %s\n"), v.severity);
		if (v.cvss31_vector)
			printf("CVSS %s  %s\n", v.cvss31_score ? v.cvss31_score : "", v.cvss31_vector);
		if (v.cvss40_vector)
			printf("CVSS %s  %s\n", v.cvss40_score ? v.cvss40_score : "", v.cvss40_vector);
		if (v.cvss2_vector)
			printf("CVSS %s  %s\n", v.cvss2_score ? v.cvss2_score : "", v.cvss2_vector);
		if (v.cvss_check)
			printf(_("CVSS check: %s\n"), v.cvss_check);
		if (v.cwes && *v.cwes)
			printf("CWE: %s\n", v.cwes);
		if (v.description && *v.description)
			printf("\n%s\n", v.description);
		if (v.kev_name) {
			printf(_("\nKEV: %s (%s %s)\n"), v.kev_name, v.kev_vendor, v.kev_product);
			printf(_("  added %s, due %s, known ransomware use: %s\n"), v.kev_added,
			       v.kev_due ? v.kev_due : "-", v.kev_ransomware);
			if (v.kev_action && *v.kev_action)
				printf(_("  required action: %s\n"), v.kev_action);
		}
		c = 0;
		while (kc_stmt_step(s, &err) == KC_ROW) {
			const char *b;
			if (!c++)
				printf(_("\nCriteria (configuration.node):\n"));
			printf("  %lld.%lld %s %s", (long long)kc_stmt_int(s, 6),
			       (long long)kc_stmt_int(s, 7), kc_stmt_int(s, 1) ? "vulnerable" : "platform  ",
			       kc_stmt_text(s, 0));
			if ((b = kc_stmt_text(s, 2)))
				printf(" >= %s", b);
			if ((b = kc_stmt_text(s, 3)))
				printf(" > %s", b);
			if ((b = kc_stmt_text(s, 4)))
				printf(" <= %s", b);
			if ((b = kc_stmt_text(s, 5)))
				printf(" < %s", b);
			printf("\n");
		}
	}
	kc_stmt_finalize(s);
	kc_cve_release(&v);
	return KC_EXIT_OK;
}

static const kc_col list_cols[] = {
	{ "id", N_("CVE"), 0 },		  { "published", N_("Published"), 0 },
	{ "severity", N_("Severity"), 0 }, { "score", N_("Score"), 0 },
	{ "kev_added", N_("KEV"), 0 },	  { "description", N_("Description"), 0 },
};

static int print_rows(kc_stmt *s, kc_fmt fmt, kc_err *err)
{
	kc_table t;
	int rc;

	kc_table_init(&t, list_cols, sizeof(list_cols) / sizeof(list_cols[0]));
	while ((rc = kc_stmt_step(s, err)) == KC_ROW) {
		char desc[81];
		const char *d = kc_stmt_text(s, 5);
		snprintf(desc, sizeof(desc), "%s", d ? d : "");
		kc_table_addv(&t, kc_stmt_text(s, 0), kc_stmt_text(s, 1), kc_stmt_text(s, 2),
			      kc_stmt_text(s, 3), kc_stmt_text(s, 4), fmt == KC_FMT_TABLE ? desc : d);
	}
	kc_stmt_finalize(s);
	if (rc == KC_DONE)
		kc_table_print(&t, fmt, stdout);
	kc_table_release(&t);
	return rc < 0 ? rc : 0;
}

#define LIST_SELECT                                                                              \
	"SELECT c.id, c.published, c.severity, COALESCE(c.cvss40_score, c.cvss31_score, "          \
	"c.cvss2_score), k.date_added, c.description FROM cve c LEFT JOIN kev k ON k.cve_id = c.id "

static int vuln_list(struct kc_cli *cli, int argc, char **argv, int search)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' }, { "kev", no_argument, NULL, 'k' },
		{ "since", required_argument, NULL, 's' },  { "limit", required_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cmd = search ? "vuln search" : "vuln list", *since = NULL;
	kc_fmt fmt = KC_FMT_TABLE;
	long long limit = 100;
	int kev = 0, c, rc;
	kc_stmt *s;
	kc_err err;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'f' && !kc_fmt_parse(optarg, &fmt))
			continue;
		if (c == 'k' && !search) {
			kev = 1;
			continue;
		}
		if (c == 's' && !search) {
			since = optarg;
			continue;
		}
		if (c == 'l' && (limit = atoll(optarg)) > 0)
			continue;
		return kc_cli_usage(cmd, _("bad option"));
	}
	if (search ? argc - optind != 1 : argc != optind)
		return kc_cli_usage(cmd, search ? _("give the text to search for")
						: _("unexpected argument: %s"),
				    argv[argc - 1]);
	kc_err_clear(&err);
	if (search) {
		char pat[600];
		snprintf(pat, sizeof(pat), "%%%s%%", argv[optind]);
		rc = kc_store_query(cli->st, &err, &s,
				    LIST_SELECT
				    "WHERE lower(c.id) LIKE lower(CAST(? AS TEXT)) "
				    "OR lower(c.description) LIKE lower(CAST(? AS TEXT)) "
				    "OR lower(k.vendor) LIKE lower(CAST(? AS TEXT)) "
				    "OR lower(k.product) LIKE lower(CAST(? AS TEXT)) "
				    "OR EXISTS (SELECT 1 FROM cpe_match m WHERE m.cve_id = c.id AND "
				    "(m.vendor LIKE lower(CAST(? AS TEXT)) OR m.product LIKE lower(CAST(? AS TEXT)))) "
				    "ORDER BY c.published DESC, c.id LIMIT ?",
				    "tttttti", pat, pat, pat, pat, pat, pat,
				    (int64_t)limit);
	} else if (kev) {
		rc = kc_store_query(cli->st, &err, &s,
				    "SELECT k.cve_id, c.published, c.severity, COALESCE(c.cvss40_score, "
				    "c.cvss31_score, c.cvss2_score), k.date_added, COALESCE(c.description, "
				    "k.name) FROM kev k LEFT JOIN cve c ON c.id = k.cve_id "
				    "WHERE (CAST(? AS TEXT) IS NULL OR k.date_added >= ?) "
				    "ORDER BY k.date_added DESC, k.cve_id LIMIT ?",
				    "tti", since, since, (int64_t)limit);
	} else {
		rc = kc_store_query(cli->st, &err, &s,
				    LIST_SELECT "WHERE (CAST(? AS TEXT) IS NULL OR c.published >= ?) "
						"ORDER BY c.published DESC, c.id LIMIT ?",
				    "tti", since, since, (int64_t)limit);
	}
	if (!rc)
		rc = print_rows(s, fmt, &err);
	return rc ? kc_cli_fail(&err, rc) : KC_EXIT_OK;
}

struct affected {
	kc_table t;
	size_t match, uncertain;
	int pass; /* 1: matches, 2: uncertain */
};

static int on_affected(const kc_exposure *e, void *arg)
{
	struct affected *a = arg;
	char conf[16], range[300] = "";
	size_t n = 0;

	if ((a->pass == 1) != (e->result == KC_CPE_MATCH))
		return 0;
	if (e->result == KC_CPE_MATCH)
		a->match++;
	else
		a->uncertain++;
	snprintf(conf, sizeof(conf), "%d", e->confidence);
#define BOUND(f, op)                                                                               \
	if (e->range.f && *e->range.f)                                                             \
	n += (size_t)snprintf(range + n, n < sizeof(range) ? sizeof(range) - n : 0, "%s%s %s",   \
			      n ? " " : "", op, e->range.f)
	BOUND(start_incl, ">=");
	BOUND(start_excl, ">");
	BOUND(end_incl, "<=");
	BOUND(end_excl, "<");
#undef BOUND
	kc_table_addv(&a->t, e->org_slug, e->org_name, e->result == KC_CPE_MATCH ? "match" : "uncertain",
		      e->product, e->source, conf, e->criterion, range, e->evidence);
	return 0;
}

static int vuln_affected(struct kc_cli *cli, int argc, char **argv)
{
	static const kc_col cols[] = {
		{ "org", N_("Organisation"), 0 },   { "name", N_("Name"), 0 },
		{ "result", N_("Result"), 0 },	    { "product", N_("Product"), 0 },
		{ "source", N_("Source"), 0 },	    { "confidence", N_("Confidence"), 1 },
		{ "criterion", N_("Criterion"), 0 }, { "versions", N_("Versions"), 0 },
		{ "evidence", N_("Evidence"), 0 },
	};
	static const struct option opts[] = { { "format", required_argument, NULL, 'f' },
					      { NULL, 0, NULL, 0 } };
	struct affected a;
	kc_fmt fmt = KC_FMT_TABLE;
	kc_err err;
	int c, rc;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'f' && !kc_fmt_parse(optarg, &fmt))
			continue;
		return kc_cli_usage("vuln affected", _("bad option"));
	}
	if (argc - optind != 1)
		return kc_cli_usage("vuln affected", _("give one CVE id"));
	memset(&a, 0, sizeof(a));
	kc_table_init(&a.t, cols, sizeof(cols) / sizeof(cols[0]));
	kc_err_clear(&err);
	a.pass = 1;
	rc = kc_exposure_for_cve(cli->st, argv[optind], on_affected, &a, &err);
	a.pass = 2;
	if (!rc)
		rc = kc_exposure_for_cve(cli->st, argv[optind], on_affected, &a, &err);
	if (rc) {
		kc_table_release(&a.t);
		return kc_cli_fail(&err, rc);
	}
	kc_table_print(&a.t, fmt, stdout);
	kc_table_release(&a.t);
	if (fmt == KC_FMT_TABLE)
		printf(_("%zu exposed, %zu uncertain (the version or an attribute could not be "
			 "compared).\n"),
		       a.match, a.uncertain);
	return KC_EXIT_OK;
}

int cmd_vuln(struct kc_cli *cli, int argc, char **argv)
{
	if (argc < 2)
		return kc_cli_usage("vuln", _("give a subcommand: import, show, search, list or affected"));
	argc--;
	argv++;
	if (!strcmp(argv[0], "import"))
		return vuln_import(cli, argc, argv);
	if (!strcmp(argv[0], "show"))
		return vuln_show(cli, argc, argv);
	if (!strcmp(argv[0], "search"))
		return vuln_list(cli, argc, argv, 1);
	if (!strcmp(argv[0], "list"))
		return vuln_list(cli, argc, argv, 0);
	if (!strcmp(argv[0], "affected"))
		return vuln_affected(cli, argc, argv);
	return kc_cli_usage("vuln", _("unknown subcommand: %s"), argv[0]);
}
