/*
 * nvd.c - importing NVD CVE API 2.0 records and CISA KEV entries into the
 * store (see vuln.h): the file reader (plain or gzip), the splitter's
 * callbacks, one record at a time through jansson, upserts by digest.
 */
#include "vuln/vuln.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "base/banned.h"
#include "base/i18n.h"
#include "base/time.h"
#include "vuln/cpe.h"
#include "vuln/cvss.h"
#include "vuln/internal.h"
#include "vuln/jsplit.h"

/* Records per transaction. */
#define BATCH 500

int kc_cve_id_valid(const char *s)
{
	size_t i, n;

	if (strncmp(s, "CVE-", 4) != 0)
		return 0;
	for (i = 4; i < 8; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	if (s[8] != '-')
		return 0;
	for (n = 0, i = 9; s[i]; i++, n++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return n >= 4 && n <= 19;
}

int kc_vuln_import_new(kc_store *st, const char *actor, kc_vuln_report_fn report, void *arg,
		       kc_vuln_import **out, kc_err *err)
{
	kc_vuln_import *imp = calloc(1, sizeof(*imp));

	*out = NULL;
	if (!imp)
		return kc_err_set(err, KC_ENOMEM, _("out of memory"));
	imp->st = st;
	imp->actor = actor;
	imp->report = report;
	imp->arg = arg;
	*out = imp;
	return 0;
}

void kc_vuln_import_free(kc_vuln_import *imp)
{
	if (!imp)
		return;
	if (imp->in_tx)
		kc_store_rollback(imp->st);
	for (size_t i = 0; i < imp->ntouched; i++)
		free(imp->touched[i]);
	free(imp->touched);
	free(imp);
}

static void reportf(kc_vuln_import *imp, size_t index, uint64_t offset, int warning,
		    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void reportf(kc_vuln_import *imp, size_t index, uint64_t offset, int warning,
		    const char *fmt, ...)
{
	char msg[600];
	va_list ap;

	if (!imp->report)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	imp->report(imp->arg, imp->file, imp->page, index, offset, warning, msg);
}

int vuln_touch(kc_vuln_import *imp, const char *cve)
{
	char **t;

	for (size_t i = 0; i < imp->ntouched; i++)
		if (!strcmp(imp->touched[i], cve))
			return 0;
	t = realloc(imp->touched, (imp->ntouched + 1) * sizeof(*t));
	if (!t)
		return KC_ENOMEM;
	imp->touched = t;
	if (!(t[imp->ntouched] = strdup(cve)))
		return KC_ENOMEM;
	imp->ntouched++;
	return 0;
}

/* Digest of a record's canonical JSON (sorted keys, compact). */
int vuln_digest(json_t *rec, char out[65])
{
	unsigned char h[32];
	char *s = json_dumps(rec, JSON_COMPACT | JSON_SORT_KEYS);

	if (!s)
		return KC_ENOMEM;
	crypto_generichash(h, sizeof(h), (const unsigned char *)s, strlen(s), NULL, 0);
	free(s);
	sodium_bin2hex(out, 65, h, sizeof(h));
	return 0;
}

const char *vuln_str(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static int batch_step(kc_vuln_import *imp, kc_err *err)
{
	int rc;

	if (!imp->in_tx) {
		if ((rc = kc_store_begin(imp->st, err)) < 0)
			return rc;
		imp->in_tx = 1;
		imp->in_batch = 0;
	}
	if (++imp->in_batch >= BATCH) {
		imp->in_tx = 0;
		return kc_store_commit(imp->st, err);
	}
	return 0;
}

/* The metric to keep of a list: NVD's own (type Primary), else the first. */
static json_t *pick_metric(json_t *metrics, const char *key)
{
	json_t *list = json_object_get(metrics, key), *m, *first = NULL;
	size_t i;

	json_array_foreach(list, i, m)
	{
		if (!json_is_object(json_object_get(m, "cvssData")))
			continue;
		if (!first)
			first = m;
		if (vuln_str(m, "type") && !strcmp(vuln_str(m, "type"), "Primary"))
			return m;
	}
	return first;
}

struct metric {
	char vector[KC_CVSS_MAX_LEN + 1], score[16], severity[16];
	int present;
};

/* Take a metric's vector, score and severity; check the score with kcert's
 * calculator when it knows the version. */
static void take_metric(kc_vuln_import *imp, const char *cve, json_t *m, struct metric *out,
			kc_buf *check)
{
	json_t *d = json_object_get(m, "cvssData"), *bs;
	const char *vec = vuln_str(d, "vectorString"), *sev = vuln_str(d, "baseSeverity");

	memset(out, 0, sizeof(*out));
	if (!m || !vec)
		return;
	out->present = 1;
	snprintf(out->vector, sizeof(out->vector), "%s", vec);
	bs = json_object_get(d, "baseScore");
	if (json_is_number(bs))
		snprintf(out->score, sizeof(out->score), "%.1f", json_number_value(bs));
	if (!sev)
		sev = vuln_str(m, "baseSeverity"); /* v2 keeps it beside cvssData */
	if (sev)
		snprintf(out->severity, sizeof(out->severity), "%s", sev);
	if (!strncmp(vec, "CVSS:3.", 7) || !strncmp(vec, "CVSS:4.0/", 9)) {
		struct kc_cvss cv;
		kc_err e;

		if (kc_cvss_parse_n(vec, strlen(vec), KC_CVSS_ANY_ORDER, &cv, &e) < 0) {
			kc_buf_addf(check, "%s%s: %s", check->len ? "; " : "", vec, e.msg);
			imp->stats.cvss_mismatch++;
		} else if (json_is_number(bs)) {
			double mine = kc_cvss_score(&cv);
			if ((long)(mine * 10 + 0.5) != (long)(json_number_value(bs) * 10 + 0.5)) {
				kc_buf_addf(check, "%s%s: NVD %.1f, kcert %.1f", check->len ? "; " : "",
					    vec, json_number_value(bs), mine);
				imp->stats.cvss_mismatch++;
			}
		}
		if (check->len)
			reportf(imp, imp->index, imp->offset, 1, _("%s: CVSS check: %s"), cve,
				kc_buf_str(check));
	}
}

/* Join the CWE ids of "weaknesses" (each once, in order). */
static void join_cwes(json_t *weak, kc_buf *out)
{
	json_t *w, *d;
	size_t i, k;

	json_array_foreach(weak, i, w)
	{
		json_array_foreach(json_object_get(w, "description"), k, d)
		{
			const char *v = vuln_str(d, "value");
			char pat[80];
			if (!v || strlen(v) > 60)
				continue;
			snprintf(pat, sizeof(pat), ",%s,", v);
			{
				char *have = NULL;
				size_t hl = out->len;
				kc_buf tmp;
				kc_buf_init(&tmp, 1u << 16);
				kc_buf_addf(&tmp, ",%s,", kc_buf_str(out));
				have = strstr(kc_buf_str(&tmp), pat);
				kc_buf_release(&tmp);
				if (have)
					continue;
				kc_buf_addf(out, "%s%s", hl ? "," : "", v);
			}
		}
	}
}

static const char *nz(const char *s)
{
	return s && *s ? s : NULL;
}

/* One NVD "cve" object. Returns 0, KC_EINVAL for a bad record (reported by
 * the caller with err's message), or a store error. */
static int import_cve(kc_vuln_import *imp, json_t *cve, json_t *digest_of, kc_err *err)
{
	const char *id = vuln_str(cve, "id");
	json_t *metrics = json_object_get(cve, "metrics"), *d, *cfg, *node, *m;
	struct metric m31, m40, m2;
	char digest[65], now[KC_TIME_STRLEN];
	const char *desc = "", *severity = NULL, *old;
	kc_buf cwes, check;
	kc_stmt *s;
	size_t i, ci, ni, mi;
	int64_t inkev = 0;
	int rc, exists = 0, same = 0;

	if (!id)
		return kc_err_set(err, KC_EINVAL, _("the record has no \"id\""));
	if (!kc_cve_id_valid(id))
		return kc_err_set(err, KC_EINVAL, _("\"%.40s\" is not a CVE id"), id);
	if ((rc = vuln_digest(digest_of, digest)) < 0)
		return kc_err_set(err, rc, _("out of memory"));
	/* One round trip: the stored digest (NULL when new) and whether KEV lists it. */
	if ((rc = kc_store_query(imp->st, err, &s,
				 "SELECT (SELECT digest FROM cve WHERE id = ?), "
				 "(SELECT COUNT(*) FROM kev WHERE cve_id = ?)",
				 "tt", id, id)) < 0)
		return rc;
	if ((rc = kc_stmt_step(s, err)) == KC_ROW) {
		old = kc_stmt_text(s, 0);
		exists = old != NULL;
		same = old && !strcmp(old, digest);
		inkev = kc_stmt_int(s, 1);
	}
	kc_stmt_finalize(s);
	if (rc < 0)
		return rc;
	if (same) {
		imp->stats.cve_unchanged++;
		return 0;
	}
	json_array_foreach(json_object_get(cve, "descriptions"), i, d)
	{
		const char *lang = vuln_str(d, "lang"), *v = vuln_str(d, "value");
		if (lang && v && !strcmp(lang, "en")) {
			desc = v;
			break;
		}
	}
	kc_buf_init(&cwes, 1u << 16);
	kc_buf_init(&check, 4096);
	join_cwes(json_object_get(cve, "weaknesses"), &cwes);
	m = pick_metric(metrics, "cvssMetricV31");
	if (!m)
		m = pick_metric(metrics, "cvssMetricV30");
	take_metric(imp, id, m, &m31, &check);
	take_metric(imp, id, pick_metric(metrics, "cvssMetricV40"), &m40, &check);
	take_metric(imp, id, pick_metric(metrics, "cvssMetricV2"), &m2, &check);
	severity = m40.present && m40.severity[0] ? m40.severity
		   : m31.present && m31.severity[0] ? m31.severity
		   : m2.severity[0]		       ? m2.severity
						       : NULL;
	kc_time_now_iso(now);
	if (exists) {
		rc = kc_store_exec(imp->st, err, NULL,
				   "UPDATE cve SET published = ?, modified = ?, status = ?, description = ?, "
				   "cwes = ?, cvss31_vector = ?, cvss31_score = ?, cvss40_vector = ?, "
				   "cvss40_score = ?, cvss2_vector = ?, cvss2_score = ?, severity = ?, "
				   "cvss_check = ?, digest = ?, imported_at = ? WHERE id = ?",
				   "tttttttttttttttt", vuln_str(cve, "published"),
				   vuln_str(cve, "lastModified"), vuln_str(cve, "vulnStatus"), desc,
				   kc_buf_str(&cwes), nz(m31.vector), nz(m31.score), nz(m40.vector),
				   nz(m40.score), nz(m2.vector), nz(m2.score), severity,
				   nz(kc_buf_str(&check)), digest, now, id);
		if (!rc)
			rc = kc_store_exec(imp->st, err, NULL, "DELETE FROM cpe_match WHERE cve_id = ?",
					   "t", id);
	} else {
		rc = kc_store_exec(imp->st, err, NULL,
				   "INSERT INTO cve (id, published, modified, status, description, cwes, "
				   "cvss31_vector, cvss31_score, cvss40_vector, cvss40_score, cvss2_vector, "
				   "cvss2_score, severity, cvss_check, digest, imported_at) "
				   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
				   "tttttttttttttttt", id, vuln_str(cve, "published"),
				   vuln_str(cve, "lastModified"), vuln_str(cve, "vulnStatus"), desc,
				   kc_buf_str(&cwes), nz(m31.vector), nz(m31.score), nz(m40.vector),
				   nz(m40.score), nz(m2.vector), nz(m2.score), severity,
				   nz(kc_buf_str(&check)), digest, now);
	}
	kc_buf_release(&cwes);
	kc_buf_release(&check);
	json_array_foreach(json_object_get(cve, "configurations"), ci, cfg)
	{
		const char *cop = vuln_str(cfg, "operator");
		json_array_foreach(json_object_get(cfg, "nodes"), ni, node)
		{
			const char *nop = vuln_str(node, "operator");
			int negate = json_is_true(json_object_get(node, "negate"));
			json_array_foreach(json_object_get(node, "cpeMatch"), mi, m)
			{
				const char *crit = vuln_str(m, "criteria");
				char *canon = NULL;
				kc_cpe c;
				kc_err e;

				if (rc)
					break;
				if (!crit || kc_cpe_canonical(crit, &canon, &e) < 0) {
					imp->stats.criteria_bad++;
					reportf(imp, imp->index, imp->offset, 1,
						_("%s: criterion left out: %s"), id,
						crit ? e.msg : _("no \"criteria\""));
					continue;
				}
				kc_cpe_parse(canon, strlen(canon), &c, NULL);
				rc = kc_store_exec(
					imp->st, err, NULL,
					"INSERT INTO cpe_match (cve_id, config, config_op, node, node_op, "
					"negate, vulnerable, criterion, vendor, product, start_incl, "
					"start_excl, end_incl, end_excl, match_id) "
					"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
					"tititiitttttttt", id,
					(int64_t)ci, cop ? cop : "OR", (int64_t)ni, nop ? nop : "OR",
					(int64_t)negate,
					(int64_t)json_is_true(json_object_get(m, "vulnerable")), canon,
					kc_cpe_literal(&c, KC_CPE_VENDOR),
					kc_cpe_literal(&c, KC_CPE_PRODUCT),
					vuln_str(m, "versionStartIncluding"),
					vuln_str(m, "versionStartExcluding"),
					vuln_str(m, "versionEndIncluding"),
					vuln_str(m, "versionEndExcluding"), vuln_str(m, "matchCriteriaId"));
				free(canon);
			}
		}
	}
	if (rc)
		return rc;
	if (exists)
		imp->stats.cve_updated++;
	else
		imp->stats.cve_inserted++;
	if (inkev && vuln_touch(imp, id) < 0)
		rc = kc_err_set(err, KC_ENOMEM, _("out of memory"));
	return rc;
}

/* Handle one parsed record of either kind. */
static int import_record(kc_vuln_import *imp, json_t *rec, kc_err *err)
{
	if (!json_is_object(rec))
		return kc_err_set(err, KC_EINVAL, _("the record is not a JSON object"));
	if (json_object_get(rec, "cveID"))
		return vuln_import_kev(imp, rec, err);
	if (json_is_object(json_object_get(rec, "cve")))
		return import_cve(imp, json_object_get(rec, "cve"), rec, err);
	return kc_err_set(err, KC_EINVAL,
			  _("the record is neither an NVD item (\"cve\") nor a KEV entry (\"cveID\")"));
}

/* A record failed: a bad record is reported and skipped; anything else stops. */
static int settle(kc_vuln_import *imp, int rc, size_t index, uint64_t offset, kc_err *err)
{
	if (rc == KC_EINVAL) {
		imp->stats.skipped++;
		reportf(imp, index, offset, 0, "%s", err->msg);
		kc_err_clear(err);
		return 0;
	}
	return rc;
}

static int on_record(void *arg, size_t page, size_t index, uint64_t offset, const char *data,
		     size_t len)
{
	kc_vuln_import *imp = arg;
	json_error_t je;
	json_t *rec;
	int rc;

	(void)page;
	imp->index = index;
	imp->offset = offset;
	imp->records++;
	if ((rc = batch_step(imp, imp->err)) < 0)
		return rc;
	if (!data) {
		rc = kc_err_set(imp->err, KC_EINVAL, _("the record is larger than %u bytes"),
				KC_JSPLIT_RECORD_MAX);
		return settle(imp, rc, index, offset, imp->err);
	}
	rec = json_loadb(data, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &je);
	if (!rec) {
		rc = kc_err_set(imp->err, KC_EINVAL, _("not valid JSON: %s (at byte %llu)"), je.text,
				(unsigned long long)(offset + (je.position > 0 ? (uint64_t)je.position - 1 : 0)));
		return settle(imp, rc, index, offset, imp->err);
	}
	rc = import_record(imp, rec, imp->err);
	json_decref(rec);
	return settle(imp, rc, index, offset, imp->err);
}

static int on_envelope(void *arg, size_t page, uint64_t offset, const char *data, size_t len)
{
	kc_vuln_import *imp = arg;
	json_error_t je;
	json_t *env;
	const char *fmt;
	int rc = 0;

	imp->page = page;
	env = json_loadb(data, len, JSON_REJECT_DUPLICATES, &je);
	if (!env) {
		rc = kc_err_set(imp->err, KC_EINVAL, _("page %zu is not valid JSON: %s (at byte %llu)"),
				page + 1, je.text, (unsigned long long)(offset + (uint64_t)je.position));
		return settle(imp, rc, (size_t)-1, offset, imp->err);
	}
	fmt = vuln_str(env, "format");
	if (json_is_array(json_object_get(env, "vulnerabilities"))) {
		imp->pages++;
	} else if (fmt && !strcmp(fmt, "NVD_CPEMatchString")) {
		rc = kc_err_set(imp->err, KC_EPARSE,
				_("an NVD CPE match criteria response: import the CVE API's responses "
				  "(format NVD_CVE), whose records carry their criteria"));
	} else if (vuln_str(env, "id") && json_object_get(env, "descriptions")) {
		/* A bare "cve" object, as NVD's record pages and mirrors hold it. */
		imp->pages++;
		imp->index = 0;
		imp->offset = offset;
		imp->records++;
		if ((rc = batch_step(imp, imp->err)) == 0) {
			json_t *wrap = json_pack("{sO}", "cve", env);
			rc = wrap ? import_cve(imp, env, wrap, imp->err) : KC_ENOMEM;
			json_decref(wrap);
			rc = settle(imp, rc, 0, offset, imp->err);
		}
	} else {
		rc = kc_err_set(imp->err, KC_EPARSE,
				_("page %zu (byte %llu) has no \"vulnerabilities\" array: neither an NVD "
				  "CVE API 2.0 response nor a KEV catalogue"),
				page + 1, (unsigned long long)offset);
	}
	json_decref(env);
	return rc;
}

static int import_stream(kc_vuln_import *imp, const char *name, gzFile gz, const char *mem,
			 size_t memlen, kc_err *err)
{
	kc_jsplit_cb cb = { on_record, on_envelope, imp };
	kc_jsplit *j = malloc(sizeof(*j));
	char *chunk = NULL;
	int rc = 0;

	if (!j)
		return kc_err_set(err, KC_ENOMEM, _("out of memory"));
	kc_jsplit_init(j, &cb);
	imp->file = name;
	imp->err = err;
	imp->page = 0;
	imp->pages = 0;
	if (gz) {
		int n;
		if (!(chunk = malloc(1u << 16))) {
			rc = kc_err_set(err, KC_ENOMEM, _("out of memory"));
			goto out;
		}
		while ((n = gzread(gz, chunk, 1u << 16)) > 0)
			if ((rc = kc_jsplit_feed(j, chunk, (size_t)n, err)) < 0)
				goto out;
		if (n < 0) {
			int e;
			const char *m = gzerror(gz, &e);
			rc = kc_err_set(err, KC_EIO, _("%s: %s"), name, m);
			goto out;
		}
	} else if ((rc = kc_jsplit_feed(j, mem, memlen, err)) < 0) {
		goto out;
	}
	if ((rc = kc_jsplit_finish(j, err)) < 0)
		goto out;
	if (!imp->pages)
		rc = kc_err_set(err, KC_EPARSE, _("no JSON object in the input"));
out:
	if (rc < 0 && rc != KC_ENOMEM && rc != KC_EIO && rc != KC_ESTORE)
		kc_err_prefix(err, "%s", name);
	if (imp->in_tx) {
		int crc;
		imp->in_tx = 0;
		/* Records already imported stay even when the file broke off. */
		if ((crc = kc_store_commit(imp->st, err)) < 0 && rc == 0)
			rc = crc;
	}
	free(chunk);
	kc_jsplit_release(j);
	free(j);
	return rc;
}

int kc_vuln_import_file(kc_vuln_import *imp, const char *path, kc_err *err)
{
	gzFile gz = gzopen(path, "rb");
	int rc;

	if (!gz)
		return kc_err_set(err, KC_EIO, _("%s: cannot open: %s"), path,
				  strerror(errno ? errno : ENOMEM));
	gzbuffer(gz, 1u << 17);
	rc = import_stream(imp, path, gz, NULL, 0, err);
	gzclose(gz);
	return rc;
}

int kc_vuln_import_mem(kc_vuln_import *imp, const char *name, const char *data, size_t len,
		       kc_err *err)
{
	return import_stream(imp, name, NULL, data, len, err);
}
