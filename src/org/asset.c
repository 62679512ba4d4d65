/*
 * asset.c - organisations' assets: canonical values, add/remove/list with the
 * ownership rules, the registry (every asset plus the attribution engine),
 * whois over it, and bulk import from CSV or JSON.
 */
#include "org/asset.h"

#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "base/csv.h"
#include "base/domain.h"
#include "base/ip.h"
#include "base/time.h"
#include "org/org.h"
#include "vuln/exposure.h"
#include "base/kc.h"

static const char *const asset_kinds[] = { "cidr", "asn", "domain", "host" };

int kc_asset_kind_valid(const char *kind)
{
	for (size_t i = 0; kind && i < KC_ARRAY_LEN(asset_kinds); i++)
		if (!strcmp(kind, asset_kinds[i]))
			return 1;
	return 0;
}

static int looks_like_ip(const char *v)
{
	return strchr(v, ':') || strspn(v, "0123456789./") == strlen(v);
}

int kc_asset_canonical(const char *kind, const char *value, char *out, kc_err *err)
{
	size_t n = value ? strlen(value) : 0;
	kc_cidr c;
	uint32_t asn;
	int rc;

	if (!kc_asset_kind_valid(kind))
		return kc_err_set(err, KC_EINVAL, _("%s: unknown asset kind (cidr, asn, domain, host)"),
				  kind ? kind : "");
	if (n == 0)
		return kc_err_set(err, KC_EINVAL, _("an asset needs a value"));
	switch (kind[0]) {
	case 'c':
		rc = kc_cidr_parse(value, n, &c, 0, err);
		if (!rc)
			kc_cidr_format(&c, out);
		return rc;
	case 'a':
		rc = kc_asn_parse(value, n, &asn, err);
		if (!rc)
			snprintf(out, KC_ASSET_VALUE_MAX, "%u", asn);
		return rc;
	case 'd':
		return kc_domain_normalise(value, n, out, err);
	default: /* host: an address or a name */
		if (looks_like_ip(value)) {
			kc_ip ip;

			rc = kc_ip_parse(value, n, &ip, err);
			if (!rc)
				kc_ip_format(&ip, out);
			return rc;
		}
		return kc_domain_normalise(value, n, out, err);
	}
}

#define ASSET_COLUMNS                                                                          \
	"a.id, a.org_id, o.slug, o.name, o.kind, a.kind, a.value, COALESCE(a.note, ''), "       \
	"a.source, a.created_at FROM asset a JOIN org o ON o.id = a.org_id "

static void fill_asset(kc_stmt *s, void *rec)
{
	kc_asset *a = rec;
	struct {
		int col;
		char *dst;
		size_t cap;
	} cols[] = {
		{ 2, a->org_slug, sizeof(a->org_slug) }, { 3, a->org_name, sizeof(a->org_name) },
		{ 4, a->org_kind, sizeof(a->org_kind) }, { 5, a->kind, sizeof(a->kind) },
		{ 6, a->value, sizeof(a->value) },	 { 7, a->note, sizeof(a->note) },
		{ 8, a->source, sizeof(a->source) },	 { 9, a->created_at, sizeof(a->created_at) },
	};

	a->id = kc_stmt_int(s, 0);
	a->org_id = kc_stmt_int(s, 1);
	for (size_t i = 0; i < KC_ARRAY_LEN(cols); i++) {
		const char *v = kc_stmt_text(s, cols[i].col);

		snprintf(cols[i].dst, cols[i].cap, "%s", v ? v : "");
	}
}

int kc_asset_list(kc_store *st, int64_t org_id, const char *kind, kc_asset **out, size_t *n,
		  kc_err *err)
{
	kc_stmt *s;
	int rc;

	if (kind && !kc_asset_kind_valid(kind))
		return kc_err_set(err, KC_EINVAL, _("%s: unknown asset kind (cidr, asn, domain, host)"), kind);
	rc = kc_store_query(st, err, &s,
			    "SELECT " ASSET_COLUMNS "WHERE (? = 0 OR a.org_id = ?) AND (CAST(? AS TEXT) IS NULL OR a.kind = ?) "
			    "ORDER BY COALESCE(o.code, ''), o.slug, a.kind, a.value",
			    "iitt", org_id, org_id, kind, kind);
	return rc ? rc : kc_store_collect(s, sizeof(**out), fill_asset, (void **)out, n, err);
}

/* ---- the registry ---- */

static int engine_add(kc_attrib *e, const kc_asset *a, uint32_t idx, kc_err *err)
{
	kc_cidr c;
	uint32_t asn;

	switch (a->kind[0]) {
	case 'c':
		if (kc_cidr_parse(a->value, strlen(a->value), &c, 0, err))
			return KC_EINVAL;
		return kc_attrib_add_prefix(e, &c, idx, err);
	case 'a':
		if (kc_asn_parse(a->value, strlen(a->value), &asn, err))
			return KC_EINVAL;
		return kc_attrib_add_asn(e, asn, idx, err);
	case 'd':
		return kc_attrib_add_domain(e, a->value, 0, idx, err);
	default:
		if (looks_like_ip(a->value)) {
			if (kc_cidr_parse(a->value, strlen(a->value), &c, KC_CIDR_BARE_HOST, err))
				return KC_EINVAL;
			return kc_attrib_add_prefix(e, &c, idx, err);
		}
		return kc_attrib_add_domain(e, a->value, 1, idx, err);
	}
}

void kc_registry_free(kc_registry *reg)
{
	if (!reg)
		return;
	kc_attrib_free(reg->engine);
	free(reg->assets);
	free(reg->org_of);
	free(reg);
}

int kc_registry_load(kc_store *st, kc_registry **out, kc_err *err)
{
	kc_registry *reg = calloc(1, sizeof(*reg));
	kc_err skip;
	int rc;

	*out = NULL;
	if (!reg)
		return kc_err_set(err, KC_ENOMEM, "%s", kc_strerror(KC_ENOMEM));
	rc = kc_asset_list(st, 0, NULL, &reg->assets, &reg->n, err);
	if (rc)
		goto fail;
	reg->engine = kc_attrib_new();
	reg->org_of = malloc((reg->n ? reg->n : 1) * sizeof(*reg->org_of));
	if (!reg->engine || !reg->org_of) {
		rc = kc_err_set(err, KC_ENOMEM, "%s", kc_strerror(KC_ENOMEM));
		goto fail;
	}
	for (size_t i = 0; i < reg->n; i++) {
		/* A stored value the engine refuses (a host address equal to another
		 * organisation's /32, written by an older version) must not stop
		 * attribution of everything else: log it and go on. */
		reg->org_of[i] = reg->assets[i].org_id;
		rc = engine_add(reg->engine, &reg->assets[i], (uint32_t)i, &skip);
		if (rc == KC_ENOMEM) {
			rc = kc_err_set(err, KC_ENOMEM, "%s", kc_strerror(KC_ENOMEM));
			goto fail;
		}
		if (rc)
			kc_warn("asset %lld (%s %s) ignored in attribution: %s", (long long)reg->assets[i].id,
				reg->assets[i].kind, reg->assets[i].value, skip.msg);
	}
	rc = kc_attrib_build(reg->engine, err);
	if (rc)
		goto fail;
	*out = reg;
	return KC_OK;
fail:
	kc_registry_free(reg);
	return rc;
}

static void hits_to_whois(const kc_registry *reg, const kc_attrib_hit *hits, int n, kc_whois *w)
{
	for (int i = 0; i < n && w->nhits < KC_WHOIS_MAX_HITS; i++)
		if (hits[i].value < reg->n)
			w->hits[w->nhits++] = &reg->assets[hits[i].value];
}

int kc_registry_whois(const kc_registry *reg, const char *query, kc_whois *w, kc_err *err)
{
	kc_attrib_hit hits[KC_WHOIS_MAX_HITS];
	const char *q = query;
	size_t n;
	kc_slice host;
	kc_ip ip;
	uint32_t asn, v;
	int cnt;

	memset(w, 0, sizeof(*w));
	while (*q && isspace((unsigned char)*q))
		q++;
	n = strlen(q);
	while (n && isspace((unsigned char)q[n - 1]))
		n--;
	if (n == 0 || n > 2048)
		return kc_err_set(err, KC_EINVAL, _("give an IP address, an AS number, a domain, a URL or an e-mail address"));
	if (memmem(q, n, "://", 3)) {
		if (kc_url_host(q, n, &host, err))
			return KC_EINVAL;
		q = host.ptr;
		n = host.len;
	} else if (memchr(q, '@', n)) {
		const char *at = memrchr(q, '@', n);

		n -= (size_t)(at + 1 - q);
		q = at + 1;
	}
	if ((n > 2 && (q[0] == 'A' || q[0] == 'a') && (q[1] == 'S' || q[1] == 's') && isdigit((unsigned char)q[2])) ||
	    strspn(q, "0123456789") == n) {
		if (kc_asn_parse(q, n, &asn, err))
			return KC_EINVAL;
		snprintf(w->type, sizeof(w->type), "asn");
		snprintf(w->key, sizeof(w->key), "AS%u", asn);
		if (kc_attrib_asn(reg->engine, asn, &v) && v < reg->n)
			w->hits[w->nhits++] = &reg->assets[v];
		return KC_OK;
	}
	if (memchr(q, ':', n) || strspn(q, "0123456789.") == n) {
		if (kc_ip_parse(q, n, &ip, err))
			return KC_EINVAL;
		snprintf(w->type, sizeof(w->type), "ip");
		kc_ip_format(&ip, w->key);
		cnt = kc_attrib_ip(reg->engine, &ip, hits, KC_WHOIS_MAX_HITS);
		hits_to_whois(reg, hits, cnt, w);
		return KC_OK;
	}
	if (kc_domain_normalise(q, n, w->key, err))
		return KC_EINVAL;
	snprintf(w->type, sizeof(w->type), "domain");
	cnt = kc_attrib_domain(reg->engine, w->key, strlen(w->key), hits, KC_WHOIS_MAX_HITS);
	hits_to_whois(reg, hits, cnt, w);
	return KC_OK;
}

/* ---- adding and removing ---- */

/*
 * Decide what adding (kind, canonical value) to org_id means. Returns KC_EEXIST
 * when another organisation owns the same value; sets out->unchanged when
 * org_id owns it already; fills out->parent with a covering asset.
 */
static int check_ownership(const kc_registry *reg, int64_t org_id, const char *kind, const char *canon,
			   kc_asset_outcome *out, kc_err *err)
{
	kc_attrib_hit hits[KC_WHOIS_MAX_HITS];
	int n = 0;
	kc_cidr c;
	uint32_t asn, v;

	switch (kind[0]) {
	case 'a':
		if (kc_asn_parse(canon, strlen(canon), &asn, err))
			return KC_EINVAL;
		if (kc_attrib_asn(reg->engine, asn, &v)) {
			hits[0].value = v;
			hits[0].exact = 1;
			n = 1;
		}
		break;
	case 'c':
	case 'h':
		if (kind[0] == 'c' || looks_like_ip(canon)) {
			if (kc_cidr_parse(canon, strlen(canon), &c, KC_CIDR_BARE_HOST, err))
				return KC_EINVAL;
			n = kc_attrib_prefix(reg->engine, &c, hits, KC_WHOIS_MAX_HITS);
			break;
		}
		/* a host name */
		__attribute__((fallthrough));
	default:
		n = kc_attrib_domain(reg->engine, canon, strlen(canon), hits, KC_WHOIS_MAX_HITS);
		break;
	}
	for (int i = 0; i < n; i++) {
		const kc_asset *a;

		if (hits[i].value >= reg->n)
			continue;
		a = &reg->assets[hits[i].value];
		if (hits[i].exact) {
			if (a->org_id != org_id)
				return kc_err_set(err, KC_EEXIST,
						  _("%s is already registered to %s (%s); the same value cannot belong to two organisations"),
						  canon, a->org_slug, a->org_name);
			out->unchanged = 1;
			return KC_OK;
		}
		if (!out->parent_found) {
			out->parent = *a;
			out->parent_found = 1;
		}
	}
	return KC_OK;
}

static int asset_insert(kc_store *st, const char *actor, const kc_org *o, const char *kind,
			const char *canon, const char *note, const char *source, kc_asset_outcome *out,
			kc_err *err)
{
	char now[KC_TIME_STRLEN];
	int rc;

	rc = kc_store_exec(st, err, &out->id,
			   "INSERT INTO asset (org_id, kind, value, note, source, created_at) "
			   "VALUES (?, ?, ?, NULLIF(?, ''), ?, ?) RETURNING id",
			   "itttt" "t", o->id, kind, canon, note, source, kc_time_now_iso(now));
	if (rc)
		return rc;
	if (out->parent_found && out->parent.org_id != o->id)
		return kc_audit_appendf(st, err, actor, "asset.add", o->slug, "%s %s (sub-allocation of %s %s)",
					kind, canon, out->parent.org_slug, out->parent.value);
	return kc_audit_appendf(st, err, actor, "asset.add", o->slug, "%s %s", kind, canon);
}

/* One asset, inside the caller's transaction. */
static int add_one(kc_store *st, const char *actor, const kc_registry *reg, const kc_org *o,
		   const char *kind, const char *value, const char *note, const char *source,
		   kc_asset_outcome *out, kc_err *err)
{
	int64_t existing = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = kc_asset_canonical(kind, value, out->value, err);
	if (rc)
		return rc;
	if (note && strlen(note) > 255)
		return kc_err_set(err, KC_EINVAL, _("a note has at most 255 characters"));
	rc = check_ownership(reg, o->id, kind, out->value, out, err);
	if (rc || out->unchanged)
		return rc;
	/* Rows added earlier in this transaction are not in reg: ask the store. */
	rc = kc_store_scalar_int(st, err, &existing,
				 "SELECT COALESCE(MAX(org_id), 0) FROM asset WHERE kind = ? AND value = ?", "tt",
				 kind, out->value);
	if (rc)
		return rc;
	if (existing == o->id) {
		out->unchanged = 1;
		return KC_OK;
	}
	if (existing)
		return kc_err_set(err, KC_EEXIST,
				  _("%s is already registered to another organisation; the same value cannot belong to two organisations"),
				  out->value);
	return asset_insert(st, actor, o, kind, out->value, note, source, out, err);
}

int kc_asset_add(kc_store *st, const char *actor, const kc_registry *reg, int64_t org_id,
		 const char *kind, const char *value, const char *note, kc_asset_outcome *out,
		 kc_err *err)
{
	kc_registry *own = NULL;
	kc_org o;
	int rc;

	if (!reg) {
		rc = kc_registry_load(st, &own, err);
		if (rc)
			return rc;
		reg = own;
	}
	rc = kc_store_begin(st, err);
	if (rc)
		goto out;
	rc = kc_org_get_id(st, org_id, &o, err);
	if (!rc)
		rc = add_one(st, actor, reg, &o, kind, value, note, "declared", out, err);
	if (rc)
		kc_store_rollback(st);
	else
		rc = kc_store_commit(st, err);
out:
	kc_registry_free(own);
	return rc;
}

int kc_asset_rm(kc_store *st, const char *actor, int64_t org_id, const char *kind, const char *value,
		kc_err *err)
{
	char canon[KC_ASSET_VALUE_MAX];
	int64_t n = 0;
	kc_org o;
	int rc;

	rc = kc_asset_canonical(kind, value, canon, err);
	if (rc)
		return rc;
	rc = kc_store_begin(st, err);
	if (rc)
		return rc;
	rc = kc_org_get_id(st, org_id, &o, err);
	if (!rc)
		rc = kc_store_scalar_int(st, err, &n,
					 "SELECT count(*) FROM asset WHERE org_id = ? AND kind = ? AND value = ?",
					 "itt", org_id, kind, canon);
	if (!rc && !n)
		rc = kc_err_set(err, KC_ENOENT, _("%s %s is not registered to %s"), kind, canon, o.slug);
	if (!rc)
		rc = kc_store_exec(st, err, NULL, "DELETE FROM asset WHERE org_id = ? AND kind = ? AND value = ?",
				   "itt", org_id, kind, canon);
	if (!rc)
		rc = kc_audit_appendf(st, err, actor, "asset.rm", o.slug, "%s %s", kind, canon);
	if (rc) {
		kc_store_rollback(st);
		return rc;
	}
	return kc_store_commit(st, err);
}

/* ---- import ---- */

void kc_import_report_release(kc_import_report *rep)
{
	free(rep->problems);
	memset(rep, 0, sizeof(*rep));
}

static int report_problem(kc_import_report *rep, size_t line, const char *name, const char *msg)
{
	kc_import_problem *p;

	if (rep->nproblems % 64 == 0) {
		p = realloc(rep->problems, (rep->nproblems + 64) * sizeof(*p));
		if (!p)
			return KC_ENOMEM;
		rep->problems = p;
	}
	p = &rep->problems[rep->nproblems++];
	p->line = line;
	snprintf(p->msg, sizeof(p->msg), "%s:%zu: %s", name, line, msg);
	return KC_OK;
}

struct import_ctx {
	kc_store *st;
	const char *actor;
	const char *name;
	const kc_registry *reg;
	kc_import_report *rep;
	kc_err *err;
	kc_org cached_org;
	char cached_ref[64];
};

/* One row; a bad row is recorded in the report and returns KC_EPARSE; a
 * store failure returns its code and stops the import. */
static int import_row(struct import_ctx *c, size_t line, const char *org, const char *kind,
		      const char *value, const char *note)
{
	kc_asset_outcome out;
	kc_err e;
	int rc;

	kc_err_clear(&e);
	c->rep->rows++;
	if (!org || !*org) {
		kc_err_set(&e, KC_EINVAL, _("field org: missing"));
		goto bad;
	}
	if (strcmp(org, c->cached_ref)) {
		rc = kc_org_get(c->st, org, &c->cached_org, &e);
		if (rc == KC_ENOENT || rc == KC_EINVAL) {
			kc_err_prefix(&e, _("field org"));
			goto bad;
		}
		if (rc)
			goto fail;
		snprintf(c->cached_ref, sizeof(c->cached_ref), "%s", org);
	}
	if (kind && !strcmp(kind, "product")) {
		/* A product (CPE 2.3 name) the organisation runs, as
		 * kcert asset add ORG product CPE declares it. */
		rc = kc_org_product_declare(c->st, c->actor, c->cached_org.id, value ? value : "", note,
					    NULL, &e);
		if (rc == KC_EEXIST) {
			c->rep->unchanged++;
			return KC_OK;
		}
		if (rc == KC_EINVAL) {
			kc_err_prefix(&e, _("field value"));
			goto bad;
		}
		if (rc)
			goto fail;
		c->rep->added++;
		return KC_OK;
	}
	if (!kind || !kc_asset_kind_valid(kind)) {
		kc_err_set(&e, KC_EINVAL, _("field kind: %s: unknown asset kind (cidr, asn, domain, host, product)"),
			   kind ? kind : "");
		goto bad;
	}
	rc = add_one(c->st, c->actor, c->reg, &c->cached_org, kind, value ? value : "", note, "import",
		     &out, &e);
	if (rc == KC_EINVAL || rc == KC_EEXIST) {
		kc_err_prefix(&e, _("field value"));
		goto bad;
	}
	if (rc)
		goto fail;
	if (out.unchanged)
		c->rep->unchanged++;
	else
		c->rep->added++;
	if (out.parent_found && out.parent.org_id != c->cached_org.id)
		c->rep->suballocations++;
	return KC_OK;
bad:
	if (report_problem(c->rep, line, c->name, e.msg))
		return kc_err_set(c->err, KC_ENOMEM, "%s", kc_strerror(KC_ENOMEM));
	return KC_EPARSE;
fail:
	if (c->err)
		*c->err = e;
	return rc;
}

static int import_csv(struct import_ctx *c, const char *data, size_t len, kc_err *err)
{
	int col_org = -1, col_kind = -1, col_value = -1, col_note = -1;
	kc_csv_record rec;
	kc_csv *csv;
	kc_err e;
	int rc, header = 1;

	rc = kc_csv_open_mem(&csv, data, len, NULL, err);
	if (rc)
		return rc;
	while ((rc = kc_csv_next(csv, &rec, &e)) != 0) {
		const char *f[4] = { NULL, NULL, NULL, NULL };
		int cols[4] = { col_org, col_kind, col_value, col_note };

		if (rc < 0) {
			if (rc == KC_EIO || rc == KC_ENOMEM)
				break;
			if (report_problem(c->rep, rec.line, c->name, e.msg)) {
				rc = KC_ENOMEM;
				break;
			}
			c->rep->rows++;
			continue;
		}
		if (header) {
			for (size_t i = 0; i < rec.nfields; i++) {
				const char *h = rec.fields[i].ptr;

				if (!strcmp(h, "org"))
					col_org = (int)i;
				else if (!strcmp(h, "kind"))
					col_kind = (int)i;
				else if (!strcmp(h, "value"))
					col_value = (int)i;
				else if (!strcmp(h, "note"))
					col_note = (int)i;
			}
			header = 0;
			if (col_org < 0 || col_kind < 0 || col_value < 0) {
				rc = kc_err_set(err, KC_EPARSE, _("%s:%zu: the header must name the columns org, kind, value and optionally note"),
						c->name, rec.line);
				break;
			}
			continue;
		}
		for (int i = 0; i < 4; i++)
			if (cols[i] >= 0 && (size_t)cols[i] < rec.nfields)
				f[i] = rec.fields[cols[i]].ptr;
		rc = import_row(c, rec.line, f[0], f[1], f[2], f[3]);
		if (rc && rc != KC_EPARSE)
			break;
		rc = 1;
	}
	if (!rc && header)
		rc = kc_err_set(err, KC_EPARSE, _("%s: empty file: expected a header org,kind,value[,note]"), c->name);
	kc_csv_free(csv);
	if (rc < 0 && err && err->code == KC_OK)
		kc_err_set(err, rc, "%s: %s", c->name, kc_strerror(rc));
	return rc < 0 ? rc : KC_OK;
}

static int import_json(struct import_ctx *c, const char *data, size_t len, kc_err *err)
{
	json_error_t jerr;
	json_t *root, *arr, *item;
	size_t i;
	int rc = KC_OK;

	root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return kc_err_set(err, KC_EPARSE, _("%s:%d: invalid JSON: %s"), c->name, jerr.line, jerr.text);
	arr = json_is_object(root) ? json_object_get(root, "assets") : root;
	if (!json_is_array(arr)) {
		json_decref(root);
		return kc_err_set(err, KC_EPARSE, _("%s: expected a JSON array of assets or {\"assets\": [...]}"),
				  c->name);
	}
	json_array_foreach(arr, i, item) {
		const char *org = json_string_value(json_object_get(item, "org"));
		const char *kind = json_string_value(json_object_get(item, "kind"));
		const char *value = json_string_value(json_object_get(item, "value"));
		const char *note = json_string_value(json_object_get(item, "note"));
		json_t *jorg = json_object_get(item, "org");
		char orgbuf[32];

		/* An org given as a number (301) means the kommunenummer "0301". */
		if (json_is_integer(jorg)) {
			json_int_t v = json_integer_value(jorg);

			snprintf(orgbuf, sizeof(orgbuf), v < 100 ? "%02lld" : "%04lld", (long long)v);
			org = orgbuf;
		}
		rc = import_row(c, i + 1, org, kind, value, note);
		if (rc && rc != KC_EPARSE)
			break;
		rc = KC_OK;
	}
	json_decref(root);
	if (rc && err && err->code == KC_OK)
		kc_err_set(err, rc, "%s: %s", c->name, kc_strerror(rc));
	return rc;
}

int kc_asset_import(kc_store *st, const char *actor, const char *name, const char *data, size_t len,
		    int skip_bad, kc_import_report *rep, kc_err *err)
{
	struct import_ctx c;
	kc_registry *reg = NULL;
	size_t i = 0;
	int rc;

	memset(rep, 0, sizeof(*rep));
	kc_err_clear(err);
	rc = kc_registry_load(st, &reg, err);
	if (rc)
		return rc;
	memset(&c, 0, sizeof(c));
	c.st = st;
	c.actor = actor;
	c.name = name;
	c.reg = reg;
	c.rep = rep;
	c.err = err;
	rc = kc_store_begin(st, err);
	if (rc)
		goto out;
	while (i < len && isspace((unsigned char)data[i]))
		i++;
	if (i < len && (data[i] == '[' || data[i] == '{'))
		rc = import_json(&c, data, len, err);
	else
		rc = import_csv(&c, data, len, err);
	if (!rc && rep->nproblems && !skip_bad)
		rc = kc_err_set(err, KC_EPARSE,
				_("%s: %zu bad rows; nothing was imported (fix them, or give --skip-bad to import the rest)"),
				name, rep->nproblems);
	if (!rc && (rep->added || rep->nproblems))
		rc = kc_audit_appendf(st, err, actor, "asset.import", name, "%zu added, %zu unchanged, %zu skipped",
				      rep->added, rep->unchanged, rep->nproblems);
	if (rc) {
		kc_store_rollback(st);
		goto out;
	}
	rc = kc_store_commit(st, err);
	if (!rc)
		rep->skipped = rep->nproblems;
out:
	kc_registry_free(reg);
	return rc;
}
