/*
 * org.c - organisations: lookup by code/slug/id, listing with filters, adding,
 * changing, and the provider (IKS) -> municipality relation. Every change is
 * one transaction with its audit entry.
 */
#include "org/org.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "base/time.h"
#include "base/kc.h"

static const char *const kinds[] = { "municipality", "county", "iks", "cert", "authority" };

#define ORG_COLUMNS                                                                            \
	"o.id, o.slug, o.kind, COALESCE(o.code, ''), o.name, COALESCE(o.county_id, 0), "        \
	"COALESCE(c.name, ''), COALESCE(c.code, ''), o.lang, o.member, o.active, "              \
	"COALESCE(o.note, ''), o.created_at, o.updated_at "                                     \
	"FROM org o LEFT JOIN org c ON c.id = o.county_id "

int kc_org_kind_valid(const char *kind)
{
	for (size_t i = 0; kind && i < KC_ARRAY_LEN(kinds); i++)
		if (!strcmp(kind, kinds[i]))
			return 1;
	return 0;
}

static int lang_valid(const char *l)
{
	return l && (!strcmp(l, "nb") || !strcmp(l, "nn") || !strcmp(l, "en"));
}

void kc_org_slugify(const char *name, char *out, size_t cap)
{
	static const struct {
		const char *utf8, *ascii;
	} fold[] = {
		{ "æ", "ae" }, { "Æ", "ae" }, { "ø", "o" }, { "Ø", "o" }, { "å", "a" }, { "Å", "a" },
		{ "á", "a" }, { "Á", "a" }, { "č", "c" }, { "đ", "d" }, { "ŋ", "n" }, { "š", "s" },
		{ "ŧ", "t" }, { "ž", "z" }, { "ä", "a" }, { "ö", "o" }, { "ü", "u" }, { "é", "e" },
	};
	const unsigned char *p = (const unsigned char *)name;
	size_t n = 0;
	int dash = 0;

	if (cap == 0)
		return;
	while (*p && n + 3 < cap) {
		const char *ascii = NULL;
		size_t skip = 1;

		if (*p >= 0x80) {
			for (size_t i = 0; i < KC_ARRAY_LEN(fold); i++) {
				size_t l = strlen(fold[i].utf8);

				if (!strncmp((const char *)p, fold[i].utf8, l)) {
					ascii = fold[i].ascii;
					skip = l;
					break;
				}
			}
			if (!ascii) /* skip a whole unknown UTF-8 sequence */
				while (p[skip] >= 0x80 && p[skip] < 0xc0)
					skip++;
		} else if (isalnum(*p)) {
			out[n++] = (char)tolower(*p);
			dash = 0;
		}
		if (ascii) {
			for (; *ascii && n + 1 < cap; ascii++)
				out[n++] = *ascii;
			dash = 0;
		} else if (!isalnum(*p) && n > 0 && !dash) {
			out[n++] = '-';
			dash = 1;
		}
		p += skip;
	}
	while (n > 0 && out[n - 1] == '-')
		n--;
	out[n] = '\0';
}

static void copy_col(kc_stmt *s, int col, char *dst, size_t cap)
{
	const char *v = kc_stmt_text(s, col);

	snprintf(dst, cap, "%s", v ? v : "");
}

static void fill_org(kc_stmt *s, void *rec)
{
	kc_org *o = rec;

	o->id = kc_stmt_int(s, 0);
	copy_col(s, 1, o->slug, sizeof(o->slug));
	copy_col(s, 2, o->kind, sizeof(o->kind));
	copy_col(s, 3, o->code, sizeof(o->code));
	copy_col(s, 4, o->name, sizeof(o->name));
	o->county_id = kc_stmt_int(s, 5);
	copy_col(s, 6, o->county, sizeof(o->county));
	copy_col(s, 7, o->county_code, sizeof(o->county_code));
	copy_col(s, 8, o->lang, sizeof(o->lang));
	o->member = (int)kc_stmt_int(s, 9);
	o->active = (int)kc_stmt_int(s, 10);
	copy_col(s, 11, o->note, sizeof(o->note));
	copy_col(s, 12, o->created_at, sizeof(o->created_at));
	copy_col(s, 13, o->updated_at, sizeof(o->updated_at));
}

static int get_one(kc_store *st, kc_stmt *s, kc_org *out, const char *ref, kc_err *err)
{
	kc_org *v;
	size_t n;
	int rc = kc_store_collect(s, sizeof(*v), fill_org, (void **)&v, &n, err);

	if (rc)
		return rc;
	(void)st;
	if (n == 0)
		rc = kc_err_set(err, KC_ENOENT, _("no organisation %s (give a kommunenummer, fylkesnummer or slug; see 'kcert org list')"),
				ref);
	else
		*out = v[0];
	free(v);
	return rc;
}

int kc_org_get_id(kc_store *st, int64_t id, kc_org *out, kc_err *err)
{
	char ref[32];
	kc_stmt *s;
	int rc;

	snprintf(ref, sizeof(ref), "#%lld", (long long)id);
	rc = kc_store_query(st, err, &s, "SELECT " ORG_COLUMNS "WHERE o.id = ?", "i", id);
	return rc ? rc : get_one(st, s, out, ref, err);
}

int kc_org_get(kc_store *st, const char *ref, kc_org *out, kc_err *err)
{
	kc_stmt *s;
	int rc;

	if (!ref || !*ref)
		return kc_err_set(err, KC_EINVAL, _("no organisation given"));
	if (ref[0] == '#') {
		char *end;
		long long id = strtoll(ref + 1, &end, 10);

		if (*end || end == ref + 1 || id <= 0)
			return kc_err_set(err, KC_EINVAL, _("%s: not an organisation id"), ref);
		return kc_org_get_id(st, id, out, err);
	}
	rc = kc_store_query(st, err, &s, "SELECT " ORG_COLUMNS "WHERE o.code = ? OR o.slug = ?", "tt", ref,
			    ref);
	return rc ? rc : get_one(st, s, out, ref, err);
}

int kc_org_list(kc_store *st, const kc_org_filter *f, kc_org **out, size_t *n, kc_err *err)
{
	int64_t county_id = 0;
	char like[KC_ORG_NAME_MAX + 3];
	kc_stmt *s;
	int rc;

	if (f->kind && !kc_org_kind_valid(f->kind))
		return kc_err_set(err, KC_EINVAL,
				  _("%s: unknown kind (municipality, county, iks, cert, authority)"), f->kind);
	if (f->county) {
		kc_org c;
		kc_stmt *cs;

		/* A county is also found by its plain name ("Vestland"). */
		rc = kc_store_query(st, err, &cs,
				    "SELECT " ORG_COLUMNS "WHERE o.kind = 'county' AND "
				    "(o.code = ? OR o.slug = ? OR lower(o.name) = lower(CAST(? AS TEXT)))",
				    "ttt", f->county, f->county, f->county);
		if (rc)
			return rc;
		rc = get_one(st, cs, &c, f->county, err);
		if (rc)
			return rc;
		county_id = c.id;
	}
	snprintf(like, sizeof(like), "%%%s%%", f->search ? f->search : "");
	rc = kc_store_query(st, err, &s,
			    "SELECT " ORG_COLUMNS
			    "WHERE (CAST(? AS TEXT) IS NULL OR o.kind = ?) AND (? = 0 OR o.county_id = ?) "
			    "AND (? = 1 OR o.active = 1) AND (CAST(? AS TEXT) IS NULL OR lower(o.name) LIKE lower(?)) "
			    "ORDER BY CASE o.kind WHEN 'cert' THEN 0 WHEN 'authority' THEN 1 "
			    "WHEN 'county' THEN 2 WHEN 'iks' THEN 3 ELSE 4 END, COALESCE(o.code, ''), o.name "
			    "LIMIT ? OFFSET ?",
			    "ttiiittii", f->kind, f->kind, county_id, county_id, (int64_t)(f->inactive != 0),
			    f->search, like, f->limit ? (int64_t)f->limit : INT64_MAX, (int64_t)f->offset);
	if (rc)
		return rc;
	return kc_store_collect(s, sizeof(**out), fill_org, (void **)out, n, err);
}

static int check_new(const kc_org_new *o, kc_err *err)
{
	size_t len;

	if (!kc_org_kind_valid(o->kind))
		return kc_err_set(err, KC_EINVAL,
				  _("%s: unknown kind (municipality, county, iks, cert, authority)"),
				  o->kind ? o->kind : "");
	len = o->name ? strlen(o->name) : 0;
	if (len == 0 || len > KC_ORG_NAME_MAX)
		return kc_err_set(err, KC_EINVAL, _("an organisation's name has 1-%d characters"),
				  KC_ORG_NAME_MAX);
	if (o->lang && !lang_valid(o->lang))
		return kc_err_set(err, KC_EINVAL, _("%s: language must be nb, nn or en"), o->lang);
	if (o->code) {
		size_t want = !strcmp(o->kind, "municipality") ? 4 : !strcmp(o->kind, "county") ? 2 : 0;

		if (!want || strlen(o->code) != want || strspn(o->code, "0123456789") != want)
			return kc_err_set(err, KC_EINVAL,
					  _("%s: a code is a 4-digit kommunenummer or a 2-digit fylkesnummer"),
					  o->code);
	}
	return KC_OK;
}

int kc_org_add(kc_store *st, const char *actor, const kc_org_new *o, int64_t *id, kc_err *err)
{
	char slug[80], now[KC_TIME_STRLEN];
	int64_t clash = 0;
	int rc;

	rc = check_new(o, err);
	if (rc)
		return rc;
	if (o->slug)
		snprintf(slug, sizeof(slug), "%s", o->slug);
	else
		kc_org_slugify(o->name, slug, sizeof(slug));
	if (!slug[0] || strspn(slug, "abcdefghijklmnopqrstuvwxyz0123456789-") != strlen(slug) ||
	    strspn(slug, "0123456789") == strlen(slug))
		return kc_err_set(err, KC_EINVAL,
				  _("%s: a slug is lower-case letters, digits and hyphens, not only digits"), slug);
	rc = kc_store_begin(st, err);
	if (rc)
		return rc;
	rc = kc_store_scalar_int(st, err, &clash,
				 "SELECT count(*) FROM org WHERE slug = ? OR (CAST(? AS TEXT) IS NOT NULL AND code = ?)", "ttt",
				 slug, o->code, o->code);
	if (!rc && clash)
		rc = kc_err_set(err, KC_EEXIST, _("an organisation with slug %s or code %s already exists"), slug,
				o->code ? o->code : "-");
	if (!rc)
		rc = kc_store_exec(st, err, id,
				   "INSERT INTO org (slug, kind, code, name, county_id, lang, member, note, "
				   "created_at, updated_at) VALUES (?, ?, ?, ?, NULLIF(?, 0), ?, ?, ?, ?, ?) RETURNING id",
				   "ttttitittt", slug, o->kind, o->code, o->name, o->county_id,
				   o->lang ? o->lang : "nb", (int64_t)(o->member != 0), o->note,
				   kc_time_now_iso(now), now);
	if (!rc)
		rc = kc_audit_appendf(st, err, actor, "org.add", slug, "%s %s (%s)", o->kind, o->name,
				      o->code ? o->code : "-");
	if (rc) {
		kc_store_rollback(st);
		return rc;
	}
	return kc_store_commit(st, err);
}

int kc_org_update(kc_store *st, const char *actor, int64_t id, const kc_org_change *c, kc_err *err)
{
	char now[KC_TIME_STRLEN];
	kc_buf what;
	kc_org o;
	int rc;

	if (c->lang && !lang_valid(c->lang))
		return kc_err_set(err, KC_EINVAL, _("%s: language must be nb, nn or en"), c->lang);
	if (c->notify_period && strcmp(c->notify_period, "immediate") && strcmp(c->notify_period, "daily") &&
	    strcmp(c->notify_period, "weekly"))
		return kc_err_set(err, KC_EINVAL, _("%s: the notice period is immediate, daily or weekly"),
				  c->notify_period);
	if (c->name && (!*c->name || strlen(c->name) > KC_ORG_NAME_MAX))
		return kc_err_set(err, KC_EINVAL, _("an organisation's name has 1-%d characters"),
				  KC_ORG_NAME_MAX);
	rc = kc_store_begin(st, err);
	if (rc)
		return rc;
	rc = kc_org_get_id(st, id, &o, err);
	if (rc)
		goto out;
	kc_buf_init(&what, 1024);
	if (c->name)
		kc_buf_addf(&what, " name=%s", c->name);
	if (c->lang)
		kc_buf_addf(&what, " lang=%s", c->lang);
	if (c->member >= 0)
		kc_buf_addf(&what, " member=%d", c->member != 0);
	if (c->active >= 0)
		kc_buf_addf(&what, " active=%d", c->active != 0);
	if (c->note)
		kc_buf_addf(&what, " note=%s", c->note);
	if (c->notify_period)
		kc_buf_addf(&what, " notify_period=%s", c->notify_period);
	rc = kc_store_exec(st, err, NULL,
			   "UPDATE org SET name = COALESCE(?, name), lang = COALESCE(?, lang), "
			   "member = CASE WHEN ? < 0 THEN member ELSE ? END, "
			   "active = CASE WHEN ? < 0 THEN active ELSE ? END, "
			   "note = COALESCE(?, note), notify_period = COALESCE(?, notify_period), updated_at = ? "
			   "WHERE id = ?",
			   "ttiiiittti", c->name, c->lang, (int64_t)c->member, (int64_t)(c->member != 0),
			   (int64_t)c->active, (int64_t)(c->active != 0), c->note, c->notify_period, kc_time_now_iso(now),
			   id);
	if (!rc)
		rc = kc_audit_append(st, actor, "org.update", o.slug, what.len ? kc_buf_str(&what) + 1 : "",
				     err);
	kc_buf_release(&what);
out:
	if (rc) {
		kc_store_rollback(st);
		return rc;
	}
	return kc_store_commit(st, err);
}

static int serve_change(kc_store *st, const char *actor, int64_t provider, int64_t client, int add,
			kc_err *err)
{
	kc_org p, c;
	int rc = kc_store_begin(st, err);

	if (rc)
		return rc;
	rc = kc_org_get_id(st, provider, &p, err);
	if (!rc)
		rc = kc_org_get_id(st, client, &c, err);
	if (!rc && add && strcmp(c.kind, "municipality") && strcmp(c.kind, "county"))
		rc = kc_err_set(err, KC_EINVAL, _("%s is a %s; a provider serves municipalities or counties"),
				c.slug, c.kind);
	if (!rc && provider == client)
		rc = kc_err_set(err, KC_EINVAL, _("an organisation cannot serve itself"));
	if (!rc && add)
		rc = kc_store_exec(st, err, NULL,
				   "INSERT INTO org_serves (provider_id, client_id) VALUES (?, ?) "
				   "ON CONFLICT DO NOTHING",
				   "ii", provider, client);
	else if (!rc)
		rc = kc_store_exec(st, err, NULL, "DELETE FROM org_serves WHERE provider_id = ? AND client_id = ?",
				   "ii", provider, client);
	if (!rc)
		rc = kc_audit_appendf(st, err, actor, add ? "org.serve" : "org.unserve", p.slug, "%s", c.slug);
	if (rc) {
		kc_store_rollback(st);
		return rc;
	}
	return kc_store_commit(st, err);
}

int kc_org_serve(kc_store *st, const char *actor, int64_t provider, int64_t client, kc_err *err)
{
	return serve_change(st, actor, provider, client, 1, err);
}

int kc_org_unserve(kc_store *st, const char *actor, int64_t provider, int64_t client, kc_err *err)
{
	return serve_change(st, actor, provider, client, 0, err);
}

int kc_org_clients(kc_store *st, int64_t provider, kc_org **out, size_t *n, kc_err *err)
{
	kc_stmt *s;
	int rc = kc_store_query(st, err, &s,
				"SELECT " ORG_COLUMNS "JOIN org_serves sv ON sv.client_id = o.id "
				"WHERE sv.provider_id = ? ORDER BY COALESCE(o.code, ''), o.name",
				"i", provider);

	return rc ? rc : kc_store_collect(s, sizeof(**out), fill_org, (void **)out, n, err);
}

int kc_org_providers(kc_store *st, int64_t client, kc_org **out, size_t *n, kc_err *err)
{
	kc_stmt *s;
	int rc = kc_store_query(st, err, &s,
				"SELECT " ORG_COLUMNS "JOIN org_serves sv ON sv.provider_id = o.id "
				"WHERE sv.client_id = ? ORDER BY o.name",
				"i", client);

	return rc ? rc : kc_store_collect(s, sizeof(**out), fill_org, (void **)out, n, err);
}
