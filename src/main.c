/*
 * main.c - kcert's entry point: global options, then one verb from the
 * command table (src/cli/cli.c), git-style.
 */
#include <getopt.h>
#include <sodium.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "cli/cli.h"
#include "base/kc.h"

#define DEFAULT_DB "var/kcert.db"

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "lang", required_argument, NULL, 'L' },
		{ "log-level", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct kc_cli cli = { 0 };
	const struct kc_cmd *cmd;
	const char *env;
	kc_err err;
	int c, rc;

	setlocale(LC_CTYPE, "C.UTF-8");
	if (sodium_init() < 0) {
		fprintf(stderr, "kcert: libsodium failed to start\n");
		return KC_EXIT_FAIL;
	}
	kc_i18n_init_from_env();
	env = getenv("KCERT_LOG_LEVEL");
	if (env) {
		kc_log_level l;

		if (kc_log_level_parse(env, &l) == KC_OK)
			kc_log_set_level(l);
	}
	cli.db = getenv("KCERT_DB");
	if (!cli.db || !*cli.db)
		cli.db = DEFAULT_DB;
	/* '+': stop at the verb, its options are its own. */
	while ((c = getopt_long(argc, argv, "+hV", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			cli.db = optarg;
			break;
		case 'L': {
			kc_lang lang;

			if (kc_lang_parse(optarg, &lang))
				return kc_cli_usage("--lang", _("%s: language must be nb, nn or en"), optarg);
			kc_i18n_set_lang(lang);
			break;
		}
		case 'l': {
			kc_log_level l;

			if (kc_log_level_parse(optarg, &l))
				return kc_cli_usage("--log-level", _("%s: level must be debug, info, warn, error or off"),
						    optarg);
			kc_log_set_level(l);
			break;
		}
		case 'V':
			return cmd_version(&cli, 0, NULL);
		case 'h':
			return cmd_help(&cli, 1, argv);
		default:
			cmd_help(&cli, 1, argv);
			return KC_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		cmd_help(&cli, 1, argv);
		return KC_EXIT_USAGE;
	}
	cmd = kc_cli_find(argv[optind]);
	if (!cmd) {
		fprintf(stderr, _("kcert: '%s' is not a kcert command. See 'kcert help'.\n"), argv[optind]);
		return KC_EXIT_USAGE;
	}
	argc -= optind;
	argv += optind;
	if (kc_cli_wants_help(argc, argv)) {
		kc_cli_help(cmd);
		return KC_EXIT_OK;
	}
	cli.actor = kc_audit_cli_actor();
	kc_err_clear(&err);
	if (cmd->flags & NEEDS_STORE) {
		rc = kc_cli_open_store(&cli, cmd->flags, &err);
		if (rc) {
			rc = kc_cli_fail(&err, rc);
			kc_store_close(cli.st);
			return rc == KC_EXIT_USAGE ? KC_EXIT_FAIL : rc;
		}
	}
	optind = 0; /* let the verb run getopt_long afresh */
	rc = cmd->fn(&cli, argc, argv);
	kc_store_close(cli.st);
	if (fflush(stdout) != 0) {
		perror("kcert: stdout");
		return KC_EXIT_FAIL;
	}
	return rc;
}
