/*
 * web.c - kcert serve, kcert user and kcert token.
 */
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/user.h"
#include "base/time.h"
#include "base/log.h"
#include "cli/cli.h"
#include "notify/worker.h"
#include "org/org.h"
#include "web/web.h"
#include "base/kc.h"

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

/* The first start of a store has no account yet: make an administrator with a
 * one-time password, printed once, to be changed at first use. */
static int first_admin(struct kc_cli *cli, kc_err *err)
{
	char password[KC_SECRET_LEN + 1];
	int64_t users = 0;
	kc_user u;
	int rc = kc_store_scalar_int(cli->st, err, &users, "SELECT count(*) FROM app_user", "");

	if (rc || users)
		return rc;
	kc_secret_new(password);
	rc = kc_user_add(cli->st, cli->actor, "admin", KC_ROLE_ADMIN, NULL, 0, password, &u, err);
	if (!rc)
		rc = kc_store_exec(cli->st, err, NULL, "UPDATE app_user SET must_change = 1 WHERE id = ?", "i", u.id);
	if (!rc)
		printf(_("Created the administrator account 'admin' with the one-time password:\n\n    %s\n\n"
			 "It is shown only now. Change it with 'kcert user passwd admin'.\n"),
		       password);
	return rc;
}

/* The background work inside kcert serve: its own store connection, a round
 * every interval until the server stops. */
struct worker_thread {
	const char *db;
	int interval;
};

static void *worker_main(void *arg)
{
	const struct worker_thread *w = arg;
	kc_store *st = NULL;
	char owner[200];
	kc_err err;

	kc_worker_name(owner, sizeof(owner));
	if (kc_store_open(w->db, &st, &err)) {
		kc_error("worker: %s", err.msg);
		return NULL;
	}
	while (!stop_requested) {
		kc_worker_result r;

		kc_err_clear(&err);
		if (kc_worker_round(st, owner, &r, &err))
			kc_error("worker: %s", err.msg);
		for (int i = 0; i < w->interval * 10 && !stop_requested; i++)
			usleep(100 * 1000);
	}
	kc_store_close(st);
	return NULL;
}

int cmd_serve(struct kc_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "threads", required_argument, NULL, 't' },
		{ "secure-cookies", no_argument, NULL, 's' },
		{ "no-worker", no_argument, NULL, 'W' },
		{ "worker-interval", required_argument, NULL, 'i' },
		{ NULL, 0, NULL, 0 },
	};
	struct worker_thread wt = { .interval = 60 };
	pthread_t worker;
	int with_worker = 1;
	kc_web_config cfg = { .listen = "127.0.0.1:8080", .threads = 2, .session_ttl = 8 * 3600,
			      .max_body = 1u << 20 };
	struct sigaction sa;
	kc_err err;
	int c, rc;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'l': cfg.listen = optarg; break;
		case 't':
			cfg.threads = (unsigned)strtoul(optarg, NULL, 10);
			if (cfg.threads < 1 || cfg.threads > 64)
				return kc_cli_usage("serve", _("--threads is a number from 1 to 64"));
			break;
		case 's': cfg.secure_cookies = 1; break;
		case 'W': with_worker = 0; break;
		case 'i':
			wt.interval = atoi(optarg);
			if (wt.interval < 1)
				return kc_cli_usage("serve", _("--interval is a number of seconds"));
			break;
		default: return kc_cli_usage("serve", _("bad option"));
		}
	}
	if (optind < argc)
		return kc_cli_usage("serve", _("unexpected argument: %s"), argv[optind]);
	cfg.db = cli->db;
	kc_err_clear(&err);
	rc = first_admin(cli, &err);
	if (rc)
		return kc_cli_fail(&err, rc);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	printf(_("Serving on http://%s/ (store %s). Stop with Ctrl-C.\n"), cfg.listen, kc_store_target(cli->st));
	fflush(stdout);
	wt.db = cli->db;
	if (with_worker && pthread_create(&worker, NULL, worker_main, &wt))
		with_worker = 0;
	rc = kc_web_run(&cfg, &stop_requested, &err);
	stop_requested = 1;
	if (with_worker)
		pthread_join(worker, NULL);
	if (rc)
		return kc_cli_fail(&err, rc);
	printf("%s", _("Stopped.\n"));
	return KC_EXIT_OK;
}

/* A password from standard input (one line), or a new random one. */
static int get_password(int from_stdin, char *out, size_t cap, int *generated)
{
	*generated = 0;
	if (!from_stdin) {
		char secret[KC_SECRET_LEN + 1];

		kc_secret_new(secret);
		snprintf(out, cap, "%s", secret);
		*generated = 1;
		return KC_OK;
	}
	if (!fgets(out, (int)cap, stdin))
		return KC_EINVAL;
	out[strcspn(out, "\r\n")] = '\0';
	return KC_OK;
}

static int user_add(struct kc_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "role", required_argument, NULL, 'r' },
		{ "org", required_argument, NULL, 'o' },
		{ "password-stdin", no_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	char password[KC_PASSWORD_MAX + 2];
	int64_t orgs[KC_USER_MAX_ORGS];
	const char *role_s = NULL;
	size_t norgs = 0;
	int c, rc, from_stdin = 0, generated;
	kc_role role;
	kc_user u;
	kc_err err;

	kc_err_clear(&err);
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'r': role_s = optarg; break;
		case 'o': {
			kc_org o;

			if (norgs == KC_USER_MAX_ORGS)
				return kc_cli_usage("user add", _("too many --org"));
			rc = kc_org_get(cli->st, optarg, &o, &err);
			if (rc)
				return kc_cli_fail(&err, rc);
			orgs[norgs++] = o.id;
			break;
		}
		case 'p': from_stdin = 1; break;
		default: return kc_cli_usage("user add", _("bad option"));
		}
	}
	if (argc - optind != 1 || !role_s)
		return kc_cli_usage("user add", _("give a user name and --role"));
	if (kc_role_parse(role_s, &role))
		return kc_cli_usage("user add", _("%s: role is admin, analyst, member or partner"), role_s);
	if (get_password(from_stdin, password, sizeof(password), &generated))
		return kc_cli_usage("user add", _("no password on standard input"));
	rc = kc_user_add(cli->st, cli->actor, argv[optind], role, orgs, norgs, password, &u, &err);
	if (rc)
		return kc_cli_fail(&err, rc);
	printf(_("Added user %s (%s).\n"), u.name, kc_role_name(u.role));
	if (generated)
		printf(_("Password (shown only now): %s\n"), password);
	return KC_EXIT_OK;
}

static int user_list(struct kc_cli *cli, int argc, char **argv)
{
	static const kc_col cols[] = {
		{ "name", N_("Name"), 0 },	    { "role", N_("Role"), 0 },	       { "orgs", N_("Organisations"), 0 },
		{ "lang", N_("Language"), 0 },	    { "disabled", N_("Disabled"), 1 }, { "last_login", N_("Last login"), 0 },
	};
	static const struct option opts[] = { { "format", required_argument, NULL, 'f' }, { NULL, 0, NULL, 0 } };
	kc_fmt fmt = KC_FMT_TABLE;
	kc_user *v = NULL;
	size_t n = 0;
	kc_table t;
	kc_err err;
	int c, rc;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1)
		if (c != 'f' || kc_fmt_parse(optarg, &fmt))
			return kc_cli_usage("user list", _("--format is table, csv or json"));
	kc_err_clear(&err);
	rc = kc_user_list(cli->st, &v, &n, &err);
	if (rc)
		return kc_cli_fail(&err, rc);
	kc_table_init(&t, cols, KC_ARRAY_LEN(cols));
	for (size_t i = 0; i < n; i++) {
		kc_buf orgs;
		char dis[4];

		kc_buf_init(&orgs, 1 << 16);
		for (size_t k = 0; k < v[i].norgs; k++) {
			kc_org o;

			if (kc_org_get_id(cli->st, v[i].orgs[k], &o, NULL) == KC_OK)
				kc_buf_addf(&orgs, "%s%s", k ? " " : "", o.slug);
		}
		snprintf(dis, sizeof(dis), "%d", v[i].disabled);
		kc_table_addv(&t, v[i].name, kc_role_name(v[i].role), kc_buf_str(&orgs), v[i].lang, dis, v[i].last_login);
		kc_buf_release(&orgs);
	}
	kc_table_print(&t, fmt, stdout);
	kc_table_release(&t);
	free(v);
	return KC_EXIT_OK;
}

int cmd_user(struct kc_cli *cli, int argc, char **argv)
{
	kc_user u;
	kc_err err;
	int rc;

	if (argc < 2)
		return kc_cli_usage("user", _("give a subcommand: add, list, passwd, disable or enable"));
	if (!strcmp(argv[1], "add"))
		return user_add(cli, argc - 1, argv + 1);
	if (!strcmp(argv[1], "list"))
		return user_list(cli, argc - 1, argv + 1);
	kc_err_clear(&err);
	if (!strcmp(argv[1], "passwd")) {
		char password[KC_PASSWORD_MAX + 2];
		int from_stdin = argc == 4 && !strcmp(argv[3], "--password-stdin"), generated;

		if (argc != 3 && !from_stdin)
			return kc_cli_usage("user passwd", _("give a user name (and --password-stdin)"));
		rc = kc_user_get(cli->st, argv[2], &u, &err);
		if (!rc && get_password(from_stdin, password, sizeof(password), &generated))
			return kc_cli_usage("user passwd", _("no password on standard input"));
		if (!rc)
			rc = kc_user_set_password(cli->st, cli->actor, u.id, password, &err);
		if (rc)
			return kc_cli_fail(&err, rc);
		printf(_("Changed the password of %s; its sessions were ended.\n"), u.name);
		if (generated)
			printf(_("Password (shown only now): %s\n"), password);
		return KC_EXIT_OK;
	}
	if (!strcmp(argv[1], "disable") || !strcmp(argv[1], "enable")) {
		int disable = argv[1][0] == 'd';

		if (argc != 3)
			return kc_cli_usage("user", _("give a user name"));
		rc = kc_user_get(cli->st, argv[2], &u, &err);
		if (!rc)
			rc = kc_user_set_disabled(cli->st, cli->actor, u.id, disable, &err);
		if (rc)
			return kc_cli_fail(&err, rc);
		printf(disable ? _("Disabled %s; its sessions and tokens were ended.\n") : _("Enabled %s.\n"), u.name);
		return KC_EXIT_OK;
	}
	return kc_cli_usage("user", _("unknown subcommand: %s"), argv[1]);
}

/* "90d", "12h", "30m" or seconds. */
static int parse_duration(const char *s, time_t *out)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (end == s || v <= 0)
		return KC_EINVAL;
	switch (*end) {
	case 'd': v *= 86400; end++; break;
	case 'h': v *= 3600; end++; break;
	case 'm': v *= 60; end++; break;
	default: break;
	}
	if (*end || v > 10L * 366 * 86400)
		return KC_EINVAL;
	*out = (time_t)v;
	return KC_OK;
}

int cmd_token(struct kc_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "expires", required_argument, NULL, 'e' },
		{ "name", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	char token[KC_SECRET_LEN + 1];
	const char *label = "api";
	time_t ttl = 90 * 86400;
	kc_user u;
	kc_err err;
	int c, rc;

	if (argc < 2 || strcmp(argv[1], "create"))
		return kc_cli_usage("token", _("give a subcommand: create"));
	argc--;
	argv++;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'e' && !parse_duration(optarg, &ttl))
			continue;
		if (c == 'n') {
			label = optarg;
			continue;
		}
		return kc_cli_usage("token create", _("--expires is a duration such as 90d, 12h or 30m"));
	}
	if (argc - optind != 1)
		return kc_cli_usage("token create", _("give the user the token acts for"));
	kc_err_clear(&err);
	rc = kc_user_get(cli->st, argv[optind], &u, &err);
	if (!rc)
		rc = kc_token_create(cli->st, cli->actor, u.id, label, kc_now() + ttl, token, &err);
	if (rc)
		return kc_cli_fail(&err, rc);
	printf("%s\n", token);
	fprintf(stderr, _("This token acts as %s; it is shown only now. Send it as 'Authorization: Bearer TOKEN'.\n"),
		u.name);
	return KC_EXIT_OK;
}
