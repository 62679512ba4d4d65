/*
 * advisory.c - kcert advisory new|edit|publish|update|list|show|export|digest,
 * and kcert csaf validate FILE...
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advisory/advisory.h"
#include "advisory/csaf.h"
#include "advisory/csaf_check.h"
#include "advisory/notify.h"
#include "base/time.h"
#include "cli/cli.h"
#include "base/kc.h"

struct opts {
	kc_adv_input in;
	const char *list[7][KC_ADV_LIST_MAX];
	size_t n[7];
	char *files[2];
	const char *summary, *format, *lang;
	int all;
};

enum { L_CVE, L_PRODUCT, L_FIXED, L_REC, L_WORK, L_REF };

static int add(struct opts *o, int which, const char *v)
{
	if (o->n[which] >= KC_ADV_LIST_MAX)
		return kc_cli_usage("advisory", _("at most %d of each list"), KC_ADV_LIST_MAX);
	o->list[which][o->n[which]++] = v;
	return 0;
}

static int read_md(const char *path, char **out)
{
	kc_err err;
	size_t len;
	int rc;

	kc_err_clear(&err);
	rc = kc_cli_read_file(path, KC_ADV_BODY_MAX, out, &len, &err);
	if (rc)
		return kc_cli_fail(&err, rc);
	if (strlen(*out) != len) {
		fprintf(stderr, _("kcert: %s holds a NUL byte\n"), path);
		return KC_EXIT_USAGE;
	}
	return 0;
}

/* Options from argv[from]; returns 0 or an exit code. */
static int parse(int argc, char **argv, int from, struct opts *o)
{
	int rc;

	for (int i = from; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--all") || !strcmp(a, "--published")) {
			o->all = !strcmp(a, "--all");
			continue;
		}
		if (!v)
			return kc_cli_usage("advisory", _("%s needs a value"), a);
		i++;
		rc = 0;
		if (!strcmp(a, "--title"))
			o->in.title = v;
		else if (!strcmp(a, "--summary"))
			o->in.summary = o->summary = v;
		else if (!strcmp(a, "--title-en"))
			o->in.title_en = v;
		else if (!strcmp(a, "--summary-en"))
			o->in.summary_en = v;
		else if (!strcmp(a, "--body-file"))
			rc = read_md(v, &o->files[0]), o->in.body = o->files[0];
		else if (!strcmp(a, "--body-en-file"))
			rc = read_md(v, &o->files[1]), o->in.body_en = o->files[1];
		else if (!strcmp(a, "--tlp"))
			o->in.tlp = v;
		else if (!strcmp(a, "--severity"))
			o->in.severity = v;
		else if (!strcmp(a, "--cve"))
			rc = add(o, L_CVE, v);
		else if (!strcmp(a, "--product"))
			rc = add(o, L_PRODUCT, v);
		else if (!strcmp(a, "--fixed"))
			rc = add(o, L_FIXED, v);
		else if (!strcmp(a, "--recommendation"))
			rc = add(o, L_REC, v);
		else if (!strcmp(a, "--workaround"))
			rc = add(o, L_WORK, v);
		else if (!strcmp(a, "--reference"))
			rc = add(o, L_REF, v);
		else if (!strcmp(a, "--format"))
			o->format = v;
		else if (!strcmp(a, "--lang"))
			o->lang = v;
		else
			return kc_cli_usage("advisory", _("unknown option %s"), a);
		if (rc)
			return rc;
	}
	o->in.cves = o->list[L_CVE], o->in.ncves = o->n[L_CVE], o->in.set_cves = o->n[L_CVE] > 0;
	o->in.products = o->list[L_PRODUCT], o->in.nproducts = o->n[L_PRODUCT], o->in.set_products = o->n[L_PRODUCT] > 0;
	o->in.fixed = o->list[L_FIXED], o->in.nfixed = o->n[L_FIXED], o->in.set_fixed = o->n[L_FIXED] > 0;
	o->in.recommendations = o->list[L_REC], o->in.nrecommendations = o->n[L_REC];
	o->in.workarounds = o->list[L_WORK], o->in.nworkarounds = o->n[L_WORK];
	o->in.set_remedies = o->n[L_REC] + o->n[L_WORK] > 0;
	o->in.refs = o->list[L_REF], o->in.nrefs = o->n[L_REF], o->in.set_refs = o->n[L_REF] > 0;
	return 0;
}

static void opts_release(struct opts *o)
{
	free(o->files[0]);
	free(o->files[1]);
}

static int show(struct kc_cli *cli, const char *ident, kc_fmt fmt)
{
	static const kc_col cols[] = { { "id", N_("Id"), 0 }, { "title", N_("Title"), 0 }, { "status", N_("Status"), 0 },
				       { "tlp", N_("TLP"), 0 }, { "severity", N_("Severity"), 0 },
				       { "version", N_("Revision"), 1 }, { "initial_release", N_("Published"), 0 },
				       { "current_release", N_("Updated"), 0 }, { "cves", N_("CVEs"), 0 },
				       { "products", N_("Products"), 0 }, { "summary", N_("Summary"), 0 } };
	kc_advisory a;
	kc_table t;
	kc_buf cves, prods;
	char ver[16];
	kc_err err;
	int rc;

	kc_err_clear(&err);
	if ((rc = kc_advisory_get(cli->st, ident, &a, &err)))
		return kc_cli_fail(&err, rc);
	kc_buf_init(&cves, 1u << 20);
	kc_buf_init(&prods, 1u << 20);
	for (size_t i = 0; i < a.ncves; i++)
		kc_buf_addf(&cves, "%s%s", i ? " " : "", a.cves[i].cve);
	for (size_t i = 0; i < a.nproducts; i++)
		kc_buf_addf(&prods, "%s%s%s%s", i ? " " : "", a.products[i].cpe, a.products[i].fixed ? "=" : "",
			    a.products[i].fixed ? a.products[i].fixed : "");
	snprintf(ver, sizeof(ver), "%d", a.version);
	kc_table_init(&t, cols, KC_ARRAY_LEN(cols));
	kc_table_addv(&t, a.ident, a.title, a.status, kc_tlp_name(a.tlp), a.severity, ver, a.initial_release,
		      a.current_release, kc_buf_str(&cves), kc_buf_str(&prods), a.summary);
	kc_table_print_record(&t, fmt, stdout);
	kc_table_release(&t);
	if (fmt == KC_FMT_TABLE) {
		for (size_t i = 0; i < a.nrevs; i++)
			printf(_("Revision %d (%s): %s\n"), a.revs[i].number, a.revs[i].date, a.revs[i].summary);
		if (*a.body)
			printf("\n%s\n", a.body);
	}
	kc_buf_release(&cves);
	kc_buf_release(&prods);
	kc_advisory_release(&a);
	return KC_EXIT_OK;
}

static int list(struct kc_cli *cli, const struct opts *o, kc_fmt fmt)
{
	static const kc_col cols[] = { { "id", N_("Id"), 0 },	      { "status", N_("Status"), 0 },
				       { "tlp", N_("TLP"), 0 },	      { "severity", N_("Severity"), 0 },
				       { "version", N_("Revision"), 1 }, { "updated", N_("Updated"), 0 },
				       { "title", N_("Title"), 0 } };
	kc_adv_brief *v;
	size_t n;
	kc_table t;
	kc_err err;
	int rc;

	kc_err_clear(&err);
	if ((rc = kc_advisory_list(cli->st, !o->all, 1000, 0, &v, &n, &err)))
		return kc_cli_fail(&err, rc);
	kc_table_init(&t, cols, KC_ARRAY_LEN(cols));
	for (size_t i = 0; i < n; i++) {
		char ver[16];

		snprintf(ver, sizeof(ver), "%d", v[i].version);
		kc_table_addv(&t, v[i].ident, v[i].status, kc_tlp_name(v[i].tlp), v[i].severity, ver,
			      v[i].current_release[0] ? v[i].current_release : v[i].updated_at, v[i].title);
	}
	kc_table_print(&t, fmt, stdout);
	kc_table_release(&t);
	free(v);
	return KC_EXIT_OK;
}

static int export(struct kc_cli *cli, const char *ident, const struct opts *o)
{
	kc_csaf_conf conf;
	kc_advisory a;
	kc_lang l = kc_i18n_lang();
	kc_buf out;
	kc_err err;
	int rc = 0;

	if (!o->format)
		return kc_cli_usage("advisory", _("give --format csaf|html|atom"));
	if (o->lang && kc_lang_parse(o->lang, &l))
		return kc_cli_usage("advisory", _("unknown language %s"), o->lang);
	kc_err_clear(&err);
	if ((rc = kc_advisory_get(cli->st, ident, &a, &err)))
		return kc_cli_fail(&err, rc);
	kc_csaf_conf_load(cli->st, &conf);
	kc_buf_init(&out, 64u << 20);
	if (!strcmp(o->format, "csaf"))
		rc = kc_csaf_document(&a, &conf, &out, &err);
	else if (!strcmp(o->format, "html"))
		kc_advisory_html_page(&a, &conf, l, &out);
	else if (!strcmp(o->format, "atom"))
		kc_advisory_atom(&a, 1, &conf, &out);
	else
		rc = KC_EINVAL, kc_err_set(&err, rc, _("unknown format %s (csaf, html or atom)"), o->format);
	kc_advisory_release(&a);
	if (!rc)
		fwrite(out.ptr ? out.ptr : "", 1, out.len, stdout);
	kc_buf_release(&out);
	return rc ? kc_cli_fail(&err, rc) : KC_EXIT_OK;
}

int cmd_advisory(struct kc_cli *cli, int argc, char **argv)
{
	struct opts o;
	const char *verb = argc > 1 ? argv[1] : "";
	int has_id = strcmp(verb, "new") && strcmp(verb, "list") && strcmp(verb, "digest");
	kc_fmt fmt = KC_FMT_TABLE;
	kc_err err;
	int rc;

	memset(&o, 0, sizeof(o));
	kc_err_clear(&err);
	if (argc < 2)
		return kc_cli_usage("advisory", _("give a subcommand"));
	if (has_id && argc < 3)
		return kc_cli_usage("advisory", _("give the advisory's id (KCERT-YYYY-NNNN)"));
	if ((rc = parse(argc, argv, has_id ? 3 : 2, &o))) {
		opts_release(&o);
		return rc;
	}
	if (o.format && strcmp(verb, "export") && kc_fmt_parse(o.format, &fmt)) {
		opts_release(&o);
		return kc_cli_usage("advisory", _("unknown format %s"), o.format);
	}
	if (!strcmp(verb, "new")) {
		kc_advisory a;

		rc = kc_advisory_new(cli->st, cli->actor, &o.in, &a, &err);
		if (!rc)
			printf("%s\n", a.ident);
	} else if (!strcmp(verb, "edit")) {
		rc = kc_advisory_edit(cli->st, cli->actor, argv[2], &o.in, &err);
		if (!rc)
			printf(_("%s changed.\n"), argv[2]);
	} else if (!strcmp(verb, "publish")) {
		rc = kc_advisory_publish(cli->st, cli->actor, argv[2], o.summary, &err);
		if (!rc)
			printf(_("%s published (revision 1).\n"), argv[2]);
	} else if (!strcmp(verb, "update")) {
		o.in.summary = NULL; /* --summary is the revision's here */
		rc = kc_advisory_update(cli->st, cli->actor, argv[2], &o.in, o.summary, &err);
		if (!rc)
			printf(_("%s updated.\n"), argv[2]);
	} else if (!strcmp(verb, "list")) {
		opts_release(&o);
		return list(cli, &o, fmt);
	} else if (!strcmp(verb, "show")) {
		opts_release(&o);
		return show(cli, argv[2], fmt);
	} else if (!strcmp(verb, "export")) {
		rc = export(cli, argv[2], &o);
		opts_release(&o);
		return rc;
	} else if (!strcmp(verb, "digest")) {
		kc_adv_digest_result r;

		rc = kc_advisory_digest_run(cli->st, cli->actor, &r, &err);
		if (!rc)
			printf(_("%zu digests queued (%zu advisory revisions).\n"), r.digests, r.revisions);
	} else {
		opts_release(&o);
		return kc_cli_usage("advisory", _("unknown subcommand %s"), verb);
	}
	opts_release(&o);
	return rc ? kc_cli_fail(&err, rc) : KC_EXIT_OK;
}

int cmd_csaf(struct kc_cli *cli, int argc, char **argv)
{
	int bad = 0;

	(void)cli;
	if (argc < 3 || strcmp(argv[1], "validate"))
		return kc_cli_usage("csaf", _("usage: kcert csaf validate FILE..."));
	for (int i = 2; i < argc; i++) {
		kc_csaf_problem *p = NULL;
		size_t n = 0;
		char *data = NULL;
		size_t len;
		kc_err err;
		int rc;

		kc_err_clear(&err);
		rc = kc_cli_read_file(argv[i], 64u << 20, &data, &len, &err);
		if (!rc)
			rc = kc_csaf_check(data, len, &p, &n, &err);
		free(data);
		if (rc) {
			fprintf(stderr, "kcert: %s: %s\n", argv[i], err.msg);
			bad = 1;
			continue;
		}
		for (size_t k = 0; k < n; k++)
			printf("%s: %s %s: %s\n", argv[i], p[k].test, p[k].path, p[k].message);
		if (n)
			bad = 1;
		else
			printf(_("%s: valid (mandatory tests passed)\n"), argv[i]);
		free(p);
	}
	return bad ? KC_EXIT_NO : KC_EXIT_OK;
}
