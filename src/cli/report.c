/*
 * report.c - kcert report situation: the weekly or monthly situation report
 * as Markdown, HTML or PDF, on standard output or into a file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "picture/report.h"
#include "base/kc.h"

int cmd_report(struct kc_cli *cli, int argc, char **argv)
{
	kc_report_opts o = { KC_REPORT_WEEK, KC_REPORT_MD, KC_TLP_GREEN, kc_i18n_lang() };
	const char *output = NULL;
	kc_buf b;
	kc_err err;
	FILE *f;
	int rc;

	kc_err_clear(&err);
	if (argc < 2 || strcmp(argv[1], "situation"))
		return kc_cli_usage("report", _("the report to make: situation"));
	for (int i = 2; i < argc; i += 2) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(argv[i], "--period") && v) {
			if (kc_report_period_parse(v, &o.period))
				return kc_cli_usage("report", _("--period is week or month, not %s"), v);
		} else if (!strcmp(argv[i], "--format") && v) {
			if (kc_report_format_parse(v, &o.format))
				return kc_cli_usage("report", _("--format is md, html or pdf, not %s"), v);
		} else if (!strcmp(argv[i], "--tlp") && v) {
			if (kc_tlp_parse(v, &o.tlp))
				return kc_cli_usage("report", _("--tlp is CLEAR, GREEN, AMBER, AMBER+STRICT or RED, not %s"), v);
		} else if (!strcmp(argv[i], "--output") && v) {
			output = v;
		} else {
			return kc_cli_usage("report", _("bad option %s"), argv[i]);
		}
	}
	if (o.format == KC_REPORT_PDF && !output)
		return kc_cli_usage("report", _("a PDF needs --output FILE"));
	kc_buf_init(&b, 64u << 20);
	rc = kc_report_situation(cli->st, &o, &b, &err);
	if (rc) {
		kc_buf_release(&b);
		return kc_cli_fail(&err, rc);
	}
	f = output ? fopen(output, "wb") : stdout;
	if (!f || fwrite(b.ptr, 1, b.len, f) != b.len || (output && fclose(f))) {
		fprintf(stderr, _("kcert: cannot write %s\n"), output ? output : _("standard output"));
		kc_buf_release(&b);
		return KC_EXIT_FAIL;
	}
	kc_buf_release(&b);
	return KC_EXIT_OK;
}
