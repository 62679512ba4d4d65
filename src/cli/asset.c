/*
 * asset.c - kcert asset and kcert whois.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "org/asset.h"
#include "org/org.h"
#include "vuln/exposure.h"
#include "vuln/vuln.h"
#include "base/kc.h"

#define IMPORT_MAX (256u << 20)

static int asset_add(struct kc_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { { "note", required_argument, NULL, 'n' }, { NULL, 0, NULL, 0 } };
	const char *note = NULL;
	kc_asset_outcome out;
	kc_org o;
	kc_err err;
	int c, rc;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'n')
			return kc_cli_usage("asset add", _("bad option"));
		note = optarg;
	}
	if (argc - optind != 3)
		return kc_cli_usage("asset add", _("give an organisation, a kind (cidr, asn, domain, host) and a value"));
	kc_err_clear(&err);
	rc = kc_org_get(cli->st, argv[optind], &o, &err);
	if (!rc && !strcmp(argv[optind + 1], "product")) {
		char *canon = NULL;

		rc = kc_org_product_declare(cli->st, cli->actor, o.id, argv[optind + 2], note, &canon, &err);
		if (rc)
			return kc_cli_fail(&err, rc);
		printf(_("Added %s %s to %s.\n"), "product", canon, o.slug);
		free(canon);
		{
			kc_vuln_stats vs;

			rc = kc_kev_notify_org(cli->st, cli->actor, o.id, &vs, &err);
			if (rc)
				return kc_cli_fail(&err, rc);
			if (vs.mails)
				printf(_("It is in CISA's catalogue of exploited vulnerabilities: %zu notices queued to %s's contacts.\n"),
				       vs.mails, o.slug);
		}
		return KC_EXIT_OK;
	}
	if (!rc)
		rc = kc_asset_add(cli->st, cli->actor, NULL, o.id, argv[optind + 1], argv[optind + 2], note, &out,
				  &err);
	if (rc)
		return kc_cli_fail(&err, rc);
	if (out.unchanged) {
		printf(_("%s %s is already registered to %s; nothing changed.\n"), argv[optind + 1], out.value, o.slug);
		return KC_EXIT_OK;
	}
	printf(_("Added %s %s to %s.\n"), argv[optind + 1], out.value, o.slug);
	if (out.parent_found && out.parent.org_id != o.id)
		printf(_("Note: %s lies inside %s %s of %s (%s); registered as a sub-allocation, which wins for the addresses it covers.\n"),
		       out.value, out.parent.kind, out.parent.value, out.parent.org_slug, out.parent.org_name);
	else if (out.parent_found)
		printf(_("Note: %s is already covered by %s's %s %s.\n"), out.value, o.slug, out.parent.kind,
		       out.parent.value);
	return KC_EXIT_OK;
}

static int asset_rm(struct kc_cli *cli, int argc, char **argv)
{
	kc_org o;
	kc_err err;
	int rc;

	if (argc != 4)
		return kc_cli_usage("asset rm", _("give an organisation, a kind (cidr, asn, domain, host) and a value"));
	kc_err_clear(&err);
	rc = kc_org_get(cli->st, argv[1], &o, &err);
	if (!rc && !strcmp(argv[2], "product"))
		rc = kc_org_product_remove(cli->st, cli->actor, o.id, argv[3], NULL, &err);
	else if (!rc)
		rc = kc_asset_rm(cli->st, cli->actor, o.id, argv[2], argv[3], &err);
	if (rc)
		return kc_cli_fail(&err, rc);
	printf(_("Removed %s %s from %s.\n"), argv[2], argv[3], o.slug);
	return KC_EXIT_OK;
}

/* list and export: export is list of everything in the import format. */
static int asset_list(struct kc_cli *cli, int argc, char **argv, int export)
{
	static const kc_col list_cols[] = {
		{ "org", N_("Organisation"), 0 }, { "kind", N_("Kind"), 0 },	 { "value", N_("Value"), 0 },
		{ "note", N_("Note"), 0 },	  { "source", N_("Source"), 0 }, { "created_at", N_("Created"), 0 },
	};
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "kind", required_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cmd = export ? "asset export" : "asset list", *kind = NULL;
	kc_fmt fmt = export ? KC_FMT_CSV : KC_FMT_TABLE;
	kc_asset *v = NULL;
	kc_org o = { 0 };
	size_t n = 0;
	kc_table t;
	kc_err err;
	int c, rc = KC_OK;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'f' && !kc_fmt_parse(optarg, &fmt))
			continue;
		if (c == 'k') {
			kind = optarg;
			continue;
		}
		return kc_cli_usage(cmd, _("bad option"));
	}
	if (argc - optind > (export ? 0 : 1))
		return kc_cli_usage(cmd, _("unexpected argument: %s"), argv[argc - 1]);
	kc_err_clear(&err);
	if (optind < argc)
		rc = kc_org_get(cli->st, argv[optind], &o, &err);
	if (!rc && !(kind && !strcmp(kind, "product")))
		rc = kc_asset_list(cli->st, o.id, kind, &v, &n, &err);
	if (rc)
		return kc_cli_fail(&err, rc);
	/* Export names organisations by code where they have one, as import reads them. */
	kc_table_init(&t, list_cols, export ? 4 : KC_ARRAY_LEN(list_cols));
	for (size_t i = 0; i < n; i++) {
		kc_org ao;
		const char *ref = v[i].org_slug;

		if (export && kc_org_get_id(cli->st, v[i].org_id, &ao, NULL) == KC_OK && ao.code[0])
			ref = ao.code;
		kc_table_addv(&t, ref, v[i].kind, v[i].value, v[i].note, v[i].source, v[i].created_at);
	}
	/* Products (CPE names) live in org_product. Export writes the declared
	 * ones (import declares them again); the scanner's observations are
	 * not exported: scanning finds them again. */
	if (!kind || !strcmp(kind, "product")) {
		kc_stmt *s;

		rc = kc_store_query(cli->st, &err, &s,
				    "SELECT o.slug, p.cpe, p.evidence, p.source, p.first_seen, o.code FROM org_product p "
				    "JOIN org o ON o.id = p.org_id WHERE (? = 0 OR p.org_id = ?) "
				    "AND (? = 0 OR p.source = 'declared') ORDER BY o.slug, p.cpe",
				    "iii", o.id, o.id, (int64_t)export);
		while (!rc && (rc = kc_stmt_step(s, &err)) == KC_ROW) {
			const char *ref = kc_stmt_text(s, 0), *code = kc_stmt_text(s, 5);

			if (export && code && *code)
				ref = code;
			kc_table_addv(&t, ref, "product", kc_stmt_text(s, 1), kc_stmt_text(s, 2),
				      kc_stmt_text(s, 3), kc_stmt_text(s, 4));
			rc = 0;
		}
		if (!rc || rc == KC_DONE)
			kc_stmt_finalize(s);
		if (rc < 0) {
			kc_table_release(&t);
			free(v);
			return kc_cli_fail(&err, rc);
		}
	}
	kc_table_print(&t, fmt, stdout);
	kc_table_release(&t);
	free(v);
	return KC_EXIT_OK;
}

static int asset_import(struct kc_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { { "skip-bad", no_argument, NULL, 's' }, { NULL, 0, NULL, 0 } };
	kc_import_report rep;
	int skip_bad = 0, c, rc;
	char *data = NULL;
	size_t len = 0;
	kc_err err;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 's')
			return kc_cli_usage("asset import", _("bad option"));
		skip_bad = 1;
	}
	if (argc - optind != 1)
		return kc_cli_usage("asset import", _("give one file (or - for standard input)"));
	kc_err_clear(&err);
	rc = kc_cli_read_file(argv[optind], IMPORT_MAX, &data, &len, &err);
	if (rc)
		return kc_cli_fail(&err, rc);
	rc = kc_asset_import(cli->st, cli->actor, strcmp(argv[optind], "-") ? argv[optind] : "stdin", data, len,
			     skip_bad, &rep, &err);
	free(data);
	for (size_t i = 0; i < rep.nproblems; i++)
		fprintf(stderr, "kcert: %s%s\n", rep.problems[i].msg, skip_bad && !rc ? _(" (skipped)") : "");
	if (rc) {
		kc_import_report_release(&rep);
		return kc_cli_fail(&err, rc);
	}
	printf(_("Imported %zu rows: %zu added, %zu already registered, %zu sub-allocations, %zu skipped.\n"),
	       rep.rows, rep.added, rep.unchanged, rep.suballocations, rep.skipped);
	kc_import_report_release(&rep);
	return KC_EXIT_OK;
}

int cmd_asset(struct kc_cli *cli, int argc, char **argv)
{
	if (argc < 2)
		return kc_cli_usage("asset", _("give a subcommand: add, rm, list, import or export"));
	argc--;
	argv++;
	if (!strcmp(argv[0], "add"))
		return asset_add(cli, argc, argv);
	if (!strcmp(argv[0], "rm"))
		return asset_rm(cli, argc, argv);
	if (!strcmp(argv[0], "list"))
		return asset_list(cli, argc, argv, 0);
	if (!strcmp(argv[0], "export"))
		return asset_list(cli, argc, argv, 1);
	if (!strcmp(argv[0], "import"))
		return asset_import(cli, argc, argv);
	return kc_cli_usage("asset", _("unknown subcommand: %s"), argv[0]);
}

int cmd_whois(struct kc_cli *cli, int argc, char **argv)
{
	static const kc_col cols[] = {
		{ "query", N_("Query"), 0 },	     { "type", N_("Type"), 0 },
		{ "org", N_("Organisation"), 0 },    { "name", N_("Name"), 0 },
		{ "kind", N_("Kind"), 0 },	     { "code", N_("Code"), 0 },
		{ "county", N_("County"), 0 },	     { "matched", N_("Matched"), 0 },
		{ "inside", N_("Inside"), 0 },	     { "serves", N_("Serves"), 0 },
		{ "served_by", N_("Served by"), 0 },
	};
	static const struct option opts[] = { { "format", required_argument, NULL, 'f' }, { NULL, 0, NULL, 0 } };
	kc_fmt fmt = KC_FMT_TABLE;
	kc_registry *reg = NULL;
	kc_org o, *clients = NULL, *providers = NULL;
	size_t nc = 0, np = 0;
	kc_buf matched, inside, serves, served;
	kc_whois w;
	kc_table t;
	kc_err err;
	int c, rc;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1)
		if (c != 'f' || kc_fmt_parse(optarg, &fmt))
			return kc_cli_usage("whois", _("--format is table, csv or json"));
	if (argc - optind != 1)
		return kc_cli_usage("whois", _("give one IP address, AS number, domain, URL or e-mail address"));
	kc_err_clear(&err);
	rc = kc_registry_load(cli->st, &reg, &err);
	if (rc)
		return kc_cli_fail(&err, rc);
	rc = kc_registry_whois(reg, argv[optind], &w, &err);
	if (rc) {
		kc_registry_free(reg);
		return kc_cli_fail(&err, rc);
	}
	if (w.nhits == 0) {
		if (fmt == KC_FMT_JSON)
			printf("{\"query\": \"%s\", \"type\": \"%s\", \"org\": null}\n", w.key, w.type);
		else
			printf(_("%s: no constituent owns this %s.\n"), w.key, w.type);
		kc_registry_free(reg);
		return KC_EXIT_NO;
	}
	rc = kc_org_get_id(cli->st, w.hits[0]->org_id, &o, &err);
	if (!rc)
		rc = kc_org_clients(cli->st, o.id, &clients, &nc, &err);
	if (!rc)
		rc = kc_org_providers(cli->st, o.id, &providers, &np, &err);
	if (rc) {
		kc_registry_free(reg);
		free(clients);
		return kc_cli_fail(&err, rc);
	}
	kc_buf_init(&matched, 4096);
	kc_buf_init(&inside, 1 << 16);
	kc_buf_init(&serves, 1 << 20);
	kc_buf_init(&served, 1 << 20);
	kc_buf_addf(&matched, "%s %s", w.hits[0]->kind, w.hits[0]->value);
	for (size_t i = 1; i < w.nhits; i++)
		kc_buf_addf(&inside, "%s%s %s (%s)", i > 1 ? ", " : "", w.hits[i]->kind, w.hits[i]->value,
			    w.hits[i]->org_slug);
	for (size_t i = 0; i < nc; i++)
		kc_buf_addf(&serves, "%s%s %s", i ? ", " : "", clients[i].code, clients[i].name);
	for (size_t i = 0; i < np; i++)
		kc_buf_addf(&served, "%s%s", i ? ", " : "", providers[i].slug);
	kc_table_init(&t, cols, KC_ARRAY_LEN(cols));
	kc_table_addv(&t, w.key, w.type, o.slug, o.name, o.kind, o.code, o.county, kc_buf_str(&matched),
		      kc_buf_str(&inside), kc_buf_str(&serves), kc_buf_str(&served));
	kc_table_print_record(&t, fmt, stdout);
	kc_table_release(&t);
	kc_buf_release(&matched);
	kc_buf_release(&inside);
	kc_buf_release(&serves);
	kc_buf_release(&served);
	free(clients);
	free(providers);
	kc_registry_free(reg);
	return KC_EXIT_OK;
}
