/*
 * org.c - kcert org and kcert contact.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "org/org.h"
#include "base/kc.h"

static const kc_col org_cols[] = {
	{ "code", N_("Code"), 0 },     { "slug", N_("Slug"), 0 },	  { "name", N_("Name"), 0 },
	{ "kind", N_("Kind"), 0 },     { "county", N_("County"), 0 },	  { "lang", N_("Language"), 0 },
	{ "member", N_("Member"), 1 }, { "id", N_("ID"), 1 },
};

static int add_org_row(kc_table *t, const kc_org *o)
{
	char id[24], member[4];

	snprintf(id, sizeof(id), "%lld", (long long)o->id);
	snprintf(member, sizeof(member), "%d", o->member);
	return kc_table_addv(t, o->code, o->slug, o->name, o->kind, o->county, o->lang, member, id);
}

static int parse_size(const char *s, size_t *out)
{
	char *end;
	unsigned long long v;

	if (!s || !*s || *s == '-')
		return KC_EINVAL;
	v = strtoull(s, &end, 10);
	if (*end || v > 100000000ULL)
		return KC_EINVAL;
	*out = (size_t)v;
	return KC_OK;
}

static int parse_yes_no(const char *s, int *out)
{
	if (!strcmp(s, "yes") || !strcmp(s, "ja") || !strcmp(s, "1") || !strcmp(s, "true"))
		*out = 1;
	else if (!strcmp(s, "no") || !strcmp(s, "nei") || !strcmp(s, "0") || !strcmp(s, "false"))
		*out = 0;
	else
		return KC_EINVAL;
	return KC_OK;
}

static int org_list(struct kc_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "kind", required_argument, NULL, 'k' },   { "county", required_argument, NULL, 'c' },
		{ "search", required_argument, NULL, 's' }, { "inactive", no_argument, NULL, 'i' },
		{ "limit", required_argument, NULL, 'n' },  { "offset", required_argument, NULL, 'o' },
		{ "format", required_argument, NULL, 'f' }, { NULL, 0, NULL, 0 },
	};
	kc_org_filter f = { 0 };
	kc_fmt fmt = KC_FMT_TABLE;
	kc_org *v = NULL;
	size_t n = 0;
	kc_table t;
	kc_err err;
	int c, rc;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'k': f.kind = optarg; break;
		case 'c': f.county = optarg; break;
		case 's': f.search = optarg; break;
		case 'i': f.inactive = 1; break;
		case 'n':
			if (parse_size(optarg, &f.limit))
				return kc_cli_usage("org list", _("%s: not a count"), optarg);
			break;
		case 'o':
			if (parse_size(optarg, &f.offset))
				return kc_cli_usage("org list", _("%s: not a count"), optarg);
			break;
		case 'f':
			if (kc_fmt_parse(optarg, &fmt))
				return kc_cli_usage("org list", _("--format is table, csv or json"));
			break;
		default: return kc_cli_usage("org list", _("bad option"));
		}
	}
	if (optind < argc)
		return kc_cli_usage("org list", _("unexpected argument: %s"), argv[optind]);
	kc_err_clear(&err);
	rc = kc_org_list(cli->st, &f, &v, &n, &err);
	if (rc)
		return kc_cli_fail(&err, rc);
	kc_table_init(&t, org_cols, KC_ARRAY_LEN(org_cols));
	for (size_t i = 0; i < n && !rc; i++)
		rc = add_org_row(&t, &v[i]);
	kc_table_print(&t, fmt, stdout);
	kc_table_release(&t);
	free(v);
	return KC_EXIT_OK;
}

/* Comma-separated names of organisations, for show. */
static void join_orgs(const kc_org *v, size_t n, kc_buf *b)
{
	for (size_t i = 0; i < n; i++)
		kc_buf_addf(b, "%s%s %s", i ? ", " : "", v[i].code[0] ? v[i].code : v[i].slug, v[i].name);
}

static int org_show(struct kc_cli *cli, int argc, char **argv)
{
	static const kc_col cols[] = {
		{ "id", N_("ID"), 1 },		      { "slug", N_("Slug"), 0 },
		{ "name", N_("Name"), 0 },	      { "kind", N_("Kind"), 0 },
		{ "code", N_("Code"), 0 },	      { "county", N_("County"), 0 },
		{ "county_code", N_("County code"), 0 }, { "lang", N_("Language"), 0 },
		{ "member", N_("Member"), 1 },	      { "active", N_("Active"), 1 },
		{ "note", N_("Note"), 0 },	      { "serves", N_("Serves"), 0 },
		{ "served_by", N_("Served by"), 0 },  { "contacts", N_("Contacts"), 1 },
		{ "assets", N_("Assets"), 1 },	      { "created_at", N_("Created"), 0 },
	};
	static const struct option opts[] = { { "format", required_argument, NULL, 'f' }, { NULL, 0, NULL, 0 } };
	kc_fmt fmt = KC_FMT_TABLE;
	kc_org o, *clients = NULL, *providers = NULL;
	size_t nc = 0, np = 0;
	int64_t ncontacts = 0, nassets = 0;
	char id[24], member[4], active[4], cs[24], as[24];
	kc_buf serves, served;
	kc_table t;
	kc_err err;
	int c, rc;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1)
		if (c != 'f' || kc_fmt_parse(optarg, &fmt))
			return kc_cli_usage("org show", _("--format is table, csv or json"));
	if (optind + 1 != argc)
		return kc_cli_usage("org show", _("give one organisation"));
	kc_err_clear(&err);
	rc = kc_org_get(cli->st, argv[optind], &o, &err);
	if (!rc)
		rc = kc_org_clients(cli->st, o.id, &clients, &nc, &err);
	if (!rc)
		rc = kc_org_providers(cli->st, o.id, &providers, &np, &err);
	if (!rc)
		rc = kc_store_scalar_int(cli->st, &err, &ncontacts, "SELECT count(*) FROM contact WHERE org_id = ?",
					 "i", o.id);
	if (!rc)
		rc = kc_store_scalar_int(cli->st, &err, &nassets, "SELECT count(*) FROM asset WHERE org_id = ?", "i",
					 o.id);
	if (rc) {
		free(clients);
		free(providers);
		return kc_cli_fail(&err, rc);
	}
	kc_buf_init(&serves, 1 << 20);
	kc_buf_init(&served, 1 << 20);
	join_orgs(clients, nc, &serves);
	join_orgs(providers, np, &served);
	snprintf(id, sizeof(id), "%lld", (long long)o.id);
	snprintf(member, sizeof(member), "%d", o.member);
	snprintf(active, sizeof(active), "%d", o.active);
	snprintf(cs, sizeof(cs), "%lld", (long long)ncontacts);
	snprintf(as, sizeof(as), "%lld", (long long)nassets);
	kc_table_init(&t, cols, KC_ARRAY_LEN(cols));
	kc_table_addv(&t, id, o.slug, o.name, o.kind, o.code, o.county, o.county_code, o.lang, member, active,
		      o.note, kc_buf_str(&serves), kc_buf_str(&served), cs, as, o.created_at);
	kc_table_print_record(&t, fmt, stdout);
	kc_table_release(&t);
	kc_buf_release(&serves);
	kc_buf_release(&served);
	free(clients);
	free(providers);
	return KC_EXIT_OK;
}

/* Apply "3201,3203,..." (or several arguments) as served municipalities. */
static int serve_list(struct kc_cli *cli, int64_t provider, const char *list, int add, kc_err *err)
{
	char *copy = strdup(list), *save = NULL;
	int rc = KC_OK;

	if (!copy)
		return kc_err_set(err, KC_ENOMEM, "%s", kc_strerror(KC_ENOMEM));
	for (char *ref = strtok_r(copy, ", ", &save); ref && !rc; ref = strtok_r(NULL, ", ", &save)) {
		kc_org client;

		rc = kc_org_get(cli->st, ref, &client, err);
		if (!rc)
			rc = add ? kc_org_serve(cli->st, cli->actor, provider, client.id, err)
				 : kc_org_unserve(cli->st, cli->actor, provider, client.id, err);
	}
	free(copy);
	return rc;
}

static int org_add(struct kc_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "kind", required_argument, NULL, 'k' },   { "name", required_argument, NULL, 'n' },
		{ "slug", required_argument, NULL, 's' },   { "code", required_argument, NULL, 'c' },
		{ "county", required_argument, NULL, 'C' }, { "lang", required_argument, NULL, 'l' },
		{ "member", no_argument, NULL, 'm' },	    { "note", required_argument, NULL, 'N' },
		{ "serves", required_argument, NULL, 'S' }, { NULL, 0, NULL, 0 },
	};
	kc_org_new o = { 0 };
	const char *county = NULL, *serves = NULL;
	kc_org created;
	int64_t id;
	kc_err err;
	int c, rc;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'k': o.kind = optarg; break;
		case 'n': o.name = optarg; break;
		case 's': o.slug = optarg; break;
		case 'c': o.code = optarg; break;
		case 'C': county = optarg; break;
		case 'l': o.lang = optarg; break;
		case 'm': o.member = 1; break;
		case 'N': o.note = optarg; break;
		case 'S': serves = optarg; break;
		default: return kc_cli_usage("org add", _("bad option"));
		}
	}
	if (optind < argc)
		return kc_cli_usage("org add", _("unexpected argument: %s"), argv[optind]);
	if (!o.kind || !o.name)
		return kc_cli_usage("org add", _("--kind and --name are required"));
	kc_err_clear(&err);
	rc = kc_store_begin(cli->st, &err);
	if (!rc && county) {
		kc_org co;

		rc = kc_org_get(cli->st, county, &co, &err);
		if (!rc && strcmp(co.kind, "county"))
			rc = kc_err_set(&err, KC_EINVAL, _("%s is not a county"), county);
		o.county_id = co.id;
	}
	if (!rc)
		rc = kc_org_add(cli->st, cli->actor, &o, &id, &err);
	if (!rc && serves)
		rc = serve_list(cli, id, serves, 1, &err);
	if (!rc)
		rc = kc_org_get_id(cli->st, id, &created, &err);
	if (rc) {
		kc_store_rollback(cli->st);
		return kc_cli_fail(&err, rc);
	}
	rc = kc_store_commit(cli->st, &err);
	if (rc)
		return kc_cli_fail(&err, rc);
	printf(_("Added %s %s (%s).\n"), created.kind, created.slug, created.name);
	return KC_EXIT_OK;
}

static int org_set(struct kc_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },   { "lang", required_argument, NULL, 'l' },
		{ "member", required_argument, NULL, 'm' }, { "active", required_argument, NULL, 'a' },
		{ "note", required_argument, NULL, 'N' },   { "notify", required_argument, NULL, 'P' },
		{ NULL, 0, NULL, 0 },
	};
	kc_org_change ch = { .member = -1, .active = -1 };
	kc_org o;
	kc_err err;
	int c, rc;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'n': ch.name = optarg; break;
		case 'l': ch.lang = optarg; break;
		case 'm':
			if (parse_yes_no(optarg, &ch.member))
				return kc_cli_usage("org set", _("--member is yes or no"));
			break;
		case 'a':
			if (parse_yes_no(optarg, &ch.active))
				return kc_cli_usage("org set", _("--active is yes or no"));
			break;
		case 'N': ch.note = optarg; break;
		case 'P': ch.notify_period = optarg; break;
		default: return kc_cli_usage("org set", _("bad option"));
		}
	}
	if (optind + 1 != argc)
		return kc_cli_usage("org set", _("give one organisation"));
	kc_err_clear(&err);
	rc = kc_org_get(cli->st, argv[optind], &o, &err);
	if (!rc)
		rc = kc_org_update(cli->st, cli->actor, o.id, &ch, &err);
	if (rc)
		return kc_cli_fail(&err, rc);
	printf(_("Updated %s.\n"), o.slug);
	return KC_EXIT_OK;
}

static int org_serve(struct kc_cli *cli, int argc, char **argv, int add)
{
	kc_org p;
	kc_err err;
	int rc;

	if (argc < 3)
		return kc_cli_usage(add ? "org serve" : "org unserve", _("give a provider and one or more municipalities"));
	kc_err_clear(&err);
	rc = kc_org_get(cli->st, argv[1], &p, &err);
	if (!rc)
		rc = kc_store_begin(cli->st, &err);
	for (int i = 2; i < argc && !rc; i++)
		rc = serve_list(cli, p.id, argv[i], add, &err);
	if (rc) {
		kc_store_rollback(cli->st);
		return kc_cli_fail(&err, rc);
	}
	rc = kc_store_commit(cli->st, &err);
	return rc ? kc_cli_fail(&err, rc) : KC_EXIT_OK;
}

int cmd_org(struct kc_cli *cli, int argc, char **argv)
{
	if (argc < 2)
		return kc_cli_usage("org", _("give a subcommand: list, show, add, set, serve or unserve"));
	argc--;
	argv++;
	if (!strcmp(argv[0], "list"))
		return org_list(cli, argc, argv);
	if (!strcmp(argv[0], "show"))
		return org_show(cli, argc, argv);
	if (!strcmp(argv[0], "add"))
		return org_add(cli, argc, argv);
	if (!strcmp(argv[0], "set"))
		return org_set(cli, argc, argv);
	if (!strcmp(argv[0], "serve"))
		return org_serve(cli, argc, argv, 1);
	if (!strcmp(argv[0], "unserve"))
		return org_serve(cli, argc, argv, 0);
	return kc_cli_usage("org", _("unknown subcommand: %s"), argv[0]);
}

/* ---- contacts ---- */

static int contact_add(struct kc_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },  { "email", required_argument, NULL, 'e' },
		{ "phone", required_argument, NULL, 'p' }, { "role", required_argument, NULL, 'r' },
		{ "lang", required_argument, NULL, 'l' },  { "pgp", required_argument, NULL, 'g' },
		{ "notices", required_argument, NULL, 'N' }, { NULL, 0, NULL, 0 },
	};
	kc_contact ct;
	kc_org o;
	kc_err err;
	int c, rc;

	memset(&ct, 0, sizeof(ct));
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		struct {
			int opt;
			char *dst;
			size_t cap;
		} map[] = {
			{ 'n', ct.name, sizeof(ct.name) }, { 'e', ct.email, sizeof(ct.email) },
			{ 'p', ct.phone, sizeof(ct.phone) }, { 'r', ct.role, sizeof(ct.role) },
			{ 'l', ct.lang, sizeof(ct.lang) }, { 'g', ct.pgp, sizeof(ct.pgp) },
			{ 'N', ct.notices, sizeof(ct.notices) },
		};
		size_t i;

		for (i = 0; i < KC_ARRAY_LEN(map); i++) {
			if (map[i].opt != c)
				continue;
			if (strlen(optarg) >= map[i].cap)
				return kc_cli_usage("contact add", _("%s: value too long (at most %zu characters)"),
						    optarg, map[i].cap - 1);
			snprintf(map[i].dst, map[i].cap, "%s", optarg);
			break;
		}
		if (i == KC_ARRAY_LEN(map))
			return kc_cli_usage("contact add", _("bad option"));
	}
	if (optind + 1 != argc)
		return kc_cli_usage("contact add", _("give one organisation"));
	if (!ct.name[0] || !ct.email[0])
		return kc_cli_usage("contact add", _("--name and --email are required"));
	kc_err_clear(&err);
	rc = kc_org_get(cli->st, argv[optind], &o, &err);
	ct.org_id = o.id;
	if (!rc)
		rc = kc_contact_add(cli->st, cli->actor, &ct, &err);
	if (rc)
		return kc_cli_fail(&err, rc);
	printf(_("Added contact %s <%s> to %s.\n"), ct.name, ct.email, o.slug);
	return KC_EXIT_OK;
}

static int contact_list(struct kc_cli *cli, int argc, char **argv)
{
	static const kc_col cols[] = {
		{ "org", N_("Organisation"), 0 }, { "name", N_("Name"), 0 },	 { "email", N_("E-mail"), 0 },
		{ "phone", N_("Phone"), 0 },	  { "role", N_("Role"), 0 },	 { "lang", N_("Language"), 0 },
		{ "pgp", N_("PGP fingerprint"), 0 }, { "notices", N_("Notices"), 0 },
	};
	static const struct option opts[] = { { "format", required_argument, NULL, 'f' }, { NULL, 0, NULL, 0 } };
	kc_fmt fmt = KC_FMT_TABLE;
	kc_contact *v = NULL;
	kc_org o = { 0 };
	size_t n = 0;
	kc_table t;
	kc_err err;
	int c, rc = KC_OK;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1)
		if (c != 'f' || kc_fmt_parse(optarg, &fmt))
			return kc_cli_usage("contact list", _("--format is table, csv or json"));
	if (argc - optind > 1)
		return kc_cli_usage("contact list", _("unexpected argument: %s"), argv[optind + 1]);
	kc_err_clear(&err);
	if (optind < argc)
		rc = kc_org_get(cli->st, argv[optind], &o, &err);
	if (!rc)
		rc = kc_contact_list(cli->st, o.id, &v, &n, &err);
	if (rc)
		return kc_cli_fail(&err, rc);
	kc_table_init(&t, cols, KC_ARRAY_LEN(cols));
	for (size_t i = 0; i < n; i++) {
		kc_org co;

		if (kc_org_get_id(cli->st, v[i].org_id, &co, NULL))
			co.slug[0] = '\0';
		kc_table_addv(&t, co.slug, v[i].name, v[i].email, v[i].phone, v[i].role, v[i].lang, v[i].pgp,
			      v[i].notices);
	}
	kc_table_print(&t, fmt, stdout);
	kc_table_release(&t);
	free(v);
	return KC_EXIT_OK;
}

int cmd_contact(struct kc_cli *cli, int argc, char **argv)
{
	if (argc < 2)
		return kc_cli_usage("contact", _("give a subcommand: add, list or rm"));
	argc--;
	argv++;
	if (!strcmp(argv[0], "add"))
		return contact_add(cli, argc, argv);
	if (!strcmp(argv[0], "list"))
		return contact_list(cli, argc, argv);
	if (!strcmp(argv[0], "rm")) {
		kc_org o;
		kc_err err;
		int rc;

		if (argc != 3)
			return kc_cli_usage("contact rm", _("give an organisation and an e-mail address"));
		kc_err_clear(&err);
		rc = kc_org_get(cli->st, argv[1], &o, &err);
		if (!rc)
			rc = kc_contact_rm(cli->st, cli->actor, o.id, argv[2], &err);
		if (rc)
			return kc_cli_fail(&err, rc);
		printf(_("Removed contact %s from %s.\n"), argv[2], o.slug);
		return KC_EXIT_OK;
	}
	return kc_cli_usage("contact", _("unknown subcommand: %s"), argv[0]);
}
