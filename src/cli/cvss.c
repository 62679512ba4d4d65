/*
 * cvss.c - kcert cvss VECTOR: validate a CVSS v3.0/v3.1/v4.0 vector and print
 * its scores and severity (src/vuln/cvss.h does the work; no store needed).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "vuln/cvss.h"
#include "base/kc.h"

static void print_text(const struct kc_cvss_scores *s, const char *canon)
{
	printf(_("CVSS version:        %s\n"), kc_cvss_version_name(s->version));
	printf(_("Vector:              %s\n"), canon);
	if (s->version == KC_CVSS_V40) {
		printf(_("Score:               %.1f (%s), %s\n"), s->score, _(kc_cvss_severity_name(s->severity)),
		       s->nomenclature);
		printf(_("MacroVector:         %s\n"), s->macrovector);
		if (s->has_supplemental)
			printf("%s", _("Supplemental metrics are given; they do not change the score.\n"));
		return;
	}
	printf(_("Base score:          %.1f (%s)\n"), s->base, _(kc_cvss_severity_name(s->base_severity)));
	if (s->has_temporal)
		printf(_("Temporal score:      %.1f (%s)\n"), s->temporal,
		       _(kc_cvss_severity_name(kc_cvss_severity_of(s->temporal))));
	if (s->has_environmental)
		printf(_("Environmental score: %.1f (%s)\n"), s->environmental,
		       _(kc_cvss_severity_name(kc_cvss_severity_of(s->environmental))));
}

/* JSON by hand: every string here is printable ASCII without quotes or
 * backslashes (a canonical vector, fixed names), and scores need exactly one
 * decimal. The keys are stable and English. */
static void print_json(const struct kc_cvss_scores *s, const char *canon)
{
	printf("{\"version\": \"%s\", \"vector\": \"%s\", ", kc_cvss_version_name(s->version), canon);
	if (s->version == KC_CVSS_V40) {
		printf("\"score\": %.1f, \"severity\": \"%s\", \"nomenclature\": \"%s\", \"macrovector\": \"%s\", "
		       "\"threat\": %s, \"environmental\": %s, \"supplemental\": %s}\n",
		       s->score, kc_cvss_severity_name(s->severity), s->nomenclature, s->macrovector,
		       s->has_temporal ? "true" : "false", s->has_environmental ? "true" : "false",
		       s->has_supplemental ? "true" : "false");
		return;
	}
	printf("\"base_score\": %.1f, \"base_severity\": \"%s\", \"temporal_score\": %.1f, "
	       "\"temporal_severity\": \"%s\", \"environmental_score\": %.1f, \"environmental_severity\": \"%s\", "
	       "\"score\": %.1f, \"severity\": \"%s\", \"temporal\": %s, \"environmental\": %s}\n",
	       s->base, kc_cvss_severity_name(s->base_severity), s->temporal,
	       kc_cvss_severity_name(kc_cvss_severity_of(s->temporal)), s->environmental,
	       kc_cvss_severity_name(kc_cvss_severity_of(s->environmental)), s->score,
	       kc_cvss_severity_name(s->severity), s->has_temporal ? "true" : "false",
	       s->has_environmental ? "true" : "false");
}

int cmd_cvss(struct kc_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { { "format", required_argument, NULL, 'f' }, { NULL, 0, NULL, 0 } };
	char canon[KC_CVSS_VECTOR_MAX];
	struct kc_cvss v;
	struct kc_cvss_scores s;
	int c, json = 0;
	kc_err err;
	int rc;

	(void)cli;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'f' && (!strcmp(optarg, "text") || !strcmp(optarg, "table")))
			json = 0;
		else if (c == 'f' && !strcmp(optarg, "json"))
			json = 1;
		else
			return kc_cli_usage("cvss", "%s", _("--format is text or json"));
	}
	if (argc - optind != 1)
		return kc_cli_usage("cvss", "%s", _("give one CVSS vector (CVSS:3.1/AV:N/... or CVSS:4.0/AV:N/...)"));
	kc_err_clear(&err);
	rc = kc_cvss_parse(argv[optind], &v, &err);
	if (rc)
		return kc_cli_fail(&err, rc);
	kc_cvss_compute(&v, &s);
	kc_cvss_format(&v, canon, sizeof(canon));
	if (json)
		print_json(&s, canon);
	else
		print_text(&s, canon);
	return KC_EXIT_OK;
}
