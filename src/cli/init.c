/*
 * init.c - kcert init, status and db: create and upgrade the store, load the
 * register, and say what the store holds.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "org/seed.h"
#include "store/copy.h"
#include "base/kc.h"

/* mkdir -p for the directory part of a SQLite path. */
static int make_parent_dirs(const char *path, kc_err *err)
{
	char dir[4096];
	char *slash;

	if (!strncmp(path, "postgres", 8) || !strcmp(path, ":memory:") || !strncmp(path, "file:", 5))
		return KC_OK;
	if (snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir))
		return kc_err_set(err, KC_EINVAL, _("%s: path too long"), path);
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return KC_OK;
	*slash = '\0';
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0750) && errno != EEXIST)
			return kc_err_set(err, KC_EIO, _("cannot create directory %s: %s"), dir, strerror(errno));
		*p = '/';
	}
	if (mkdir(dir, 0750) && errno != EEXIST)
		return kc_err_set(err, KC_EIO, _("cannot create directory %s: %s"), dir, strerror(errno));
	return KC_OK;
}

int cmd_init(struct kc_cli *cli, int argc, char **argv)
{
	kc_seed_report rep;
	int applied = 0, version = 0, rc;
	kc_err err;

	if (argc > 1)
		return kc_cli_usage("init", _("unexpected argument: %s"), argv[1]);
	kc_err_clear(&err);
	rc = make_parent_dirs(cli->db, &err);
	if (!rc)
		rc = kc_cli_open_store(cli, NEEDS_STORE, &err);
	if (!rc)
		rc = kc_store_migrate(cli->st, &applied, &err);
	if (!rc)
		rc = kc_seed_registry(cli->st, cli->actor, &rep, &err);
	if (!rc)
		rc = kc_store_schema_version(cli->st, &version, &err);
	if (rc)
		return kc_cli_fail(&err, rc);
	printf(_("Store %s (%s), schema version %d (%d migrations applied now).\n"), kc_store_target(cli->st),
	       kc_store_engine(cli->st), version, applied);
	printf(_("Register: %zu counties, %zu municipalities, %zu other organisations; %zu added, %zu updated.\n"),
	       rep.counties, rep.municipalities, rep.others, rep.added, rep.updated);
	return KC_EXIT_OK;
}

int cmd_status(struct kc_cli *cli, int argc, char **argv)
{
	static const kc_col cols[] = {
		{ "item", N_("Item"), 0 },
		{ "count", N_("Count"), 1 },
	};
	static const struct {
		const char *key, *label, *sql;
	} rows[] = {
		{ "counties", N_("counties"), "SELECT count(*) FROM org WHERE kind = 'county'" },
		{ "municipalities", N_("municipalities"), "SELECT count(*) FROM org WHERE kind = 'municipality' AND active = 1" },
		{ "iks", N_("IT providers (IKS)"), "SELECT count(*) FROM org WHERE kind = 'iks'" },
		{ "partners", N_("partner CERTs and authorities"), "SELECT count(*) FROM org WHERE kind IN ('cert', 'authority')" },
		{ "contacts", N_("contacts"), "SELECT count(*) FROM contact" },
		{ "assets", N_("assets"), "SELECT count(*) FROM asset" },
		{ "municipalities_with_assets", N_("municipalities with assets"),
		  "SELECT count(DISTINCT a.org_id) FROM asset a JOIN org o ON o.id = a.org_id WHERE o.kind = 'municipality'" },
		{ "municipalities_without_contacts", N_("municipalities without contacts"),
		  "SELECT count(*) FROM org o WHERE o.kind = 'municipality' AND o.active = 1 AND NOT EXISTS "
		  "(SELECT 1 FROM contact c WHERE c.org_id = o.id)" },
		{ "audit_entries", N_("audit entries"), "SELECT count(*) FROM audit" },
	};
	static const struct option opts[] = { { "format", required_argument, NULL, 'f' }, { NULL, 0, NULL, 0 } };
	kc_fmt fmt = KC_FMT_TABLE;
	kc_table t;
	kc_err err;
	int c, rc = KC_OK;

	while ((c = getopt_long(argc, argv, "f:", opts, NULL)) != -1) {
		if (c != 'f' || kc_fmt_parse(optarg, &fmt))
			return kc_cli_usage("status", _("--format is table, csv or json"));
	}
	kc_table_init(&t, cols, KC_ARRAY_LEN(cols));
	if (fmt == KC_FMT_TABLE)
		printf(_("Store %s (%s)\n"), kc_store_target(cli->st), kc_store_engine(cli->st));
	for (size_t i = 0; i < KC_ARRAY_LEN(rows) && !rc; i++) {
		int64_t n = 0;
		char num[32];

		rc = kc_store_scalar_int(cli->st, &err, &n, rows[i].sql, "");
		snprintf(num, sizeof(num), "%lld", (long long)n);
		if (!rc)
			rc = kc_table_addv(&t, fmt == KC_FMT_TABLE ? _(rows[i].label) : rows[i].key, num);
	}
	if (!rc)
		kc_table_print(&t, fmt, stdout);
	kc_table_release(&t);
	return rc ? kc_cli_fail(&err, rc) : KC_EXIT_OK;
}

/* kcert db copy SRC DST: SQLite to PostgreSQL (or any store to an empty one). */
static int db_copy(int argc, char **argv)
{
	kc_store *src = NULL, *dst = NULL;
	kc_copy_report rep;
	kc_err err;
	int rc;

	if (argc != 3)
		return kc_cli_usage("db copy", _("give a source and a destination store"));
	kc_err_clear(&err);
	rc = kc_store_open(argv[1], &src, &err);
	if (!rc)
		rc = kc_store_open(argv[2], &dst, &err);
	if (!rc)
		rc = kc_store_copy(src, dst, &rep, &err);
	if (!rc) {
		for (size_t i = 0; i < rep.ntables; i++)
			printf("%-12s %8lld  sha256:%s\n", rep.tables[i].name, (long long)rep.tables[i].rows,
			       rep.tables[i].checksum);
		printf(_("Copied %lld rows from %s to %s; row counts and checksums match.\n"), (long long)rep.rows,
		       kc_store_target(src), kc_store_target(dst));
	}
	kc_store_close(src);
	kc_store_close(dst);
	return rc ? kc_cli_fail(&err, rc) : KC_EXIT_OK;
}

int cmd_db(struct kc_cli *cli, int argc, char **argv)
{
	int applied = 0, version = 0, rc;
	kc_err err;

	kc_err_clear(&err);
	if (argc < 2)
		return kc_cli_usage("db", _("give a subcommand: migrate, version or copy"));
	if (!strcmp(argv[1], "copy"))
		return db_copy(argc - 1, argv + 1);
	if (strcmp(argv[1], "migrate") && strcmp(argv[1], "version"))
		return kc_cli_usage("db", _("unknown subcommand: %s"), argv[1]);
	rc = kc_cli_open_store(cli, NEEDS_STORE, &err);
	if (rc)
		return kc_cli_fail(&err, rc);
	if (!strcmp(argv[1], "migrate")) {
		rc = kc_store_migrate(cli->st, &applied, &err);
		if (!rc)
			rc = kc_store_schema_version(cli->st, &version, &err);
		if (rc)
			return kc_cli_fail(&err, rc);
		printf(_("Schema version %d (%d migrations applied now).\n"), version, applied);
		return KC_EXIT_OK;
	}
	rc = kc_store_schema_version(cli->st, &version, &err);
	if (rc)
		return kc_cli_fail(&err, rc);
	printf(_("%s (%s): schema version %d; this program knows %d.\n"), kc_store_target(cli->st),
	       kc_store_engine(cli->st), version, kc_store_schema_latest());
	return KC_EXIT_OK;
}
