/*
 * mailgate.c - kcert mailgate: one message on standard input, as an MTA's pipe
 * transport delivers it (postfix pipe, exim pipe).
 *
 * Exit status, as MTAs read it (sysexits.h): 0 the message is stored (filed,
 * set aside as an auto-reply or bounce, a duplicate, or kept unparsed); 65
 * (EX_DATAERR) it is larger than the limit, so it bounces; 75 (EX_TEMPFAIL)
 * it could not be stored, so the MTA keeps it and tries again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case/mailgate.h"
#include "cli/cli.h"
#include "base/kc.h"

#define MAILGATE_MAX (64u << 20)
#define EX_DATAERR 65
#define EX_TEMPFAIL 75

int cmd_mailgate(struct kc_cli *cli, int argc, char **argv)
{
	kc_mailgate_result r;
	char *raw = NULL;
	size_t len = 0;
	kc_err err;
	int rc;

	(void)argv;
	if (argc != 1)
		return kc_cli_usage("mailgate", _("the message comes on standard input; no arguments"));
	kc_err_clear(&err);
	/* The store is opened here, not before the command: without it the MTA
	 * must hear "try again" (75), not a generic failure it may bounce. */
	rc = kc_cli_open_store(cli, NEEDS_STORE | NEEDS_SCHEMA, &err);
	if (rc) {
		fprintf(stderr, _("kcert: the message could not be stored (the MTA will try again): %s\n"), err.msg);
		return EX_TEMPFAIL;
	}
	rc = kc_cli_read_file("-", MAILGATE_MAX, &raw, &len, &err);
	if (rc == KC_ETOOBIG) {
		fprintf(stderr, _("kcert: the message is larger than %u MiB\n"), MAILGATE_MAX >> 20);
		return EX_DATAERR;
	}
	if (!rc)
		rc = kc_mailgate(cli->st, raw, len, &r, &err);
	free(raw);
	if (rc) {
		fprintf(stderr, _("kcert: the message could not be stored (the MTA will try again): %s\n"), err.msg);
		return EX_TEMPFAIL;
	}
	if (r.duplicate)
		printf(_("duplicate: message %lld was received before (case #%lld)\n"), (long long)r.mail_id,
		       (long long)r.case_id);
	else if (!strcmp(r.disposition, "unparsed"))
		printf(_("kept unparsed as message %lld: %s\n"), (long long)r.mail_id, r.reason);
	else if (!strcmp(r.disposition, "auto-reply") || !strcmp(r.disposition, "bounce"))
		printf(_("set aside: %s (%s), message %lld%s\n"), r.disposition, r.reason, (long long)r.mail_id,
		       r.case_id ? _(", shown on its case") : "");
	else if (r.created)
		printf(_("case #%lld opened\n"), (long long)r.case_id);
	else
		printf(_("case #%lld%s%s\n"), (long long)r.case_id, r.reason[0] ? _(": partner's reference ") : "", r.reason);
	return KC_EXIT_OK;
}
