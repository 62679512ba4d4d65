/*
 * stix_out.c - STIX 2.1 objects from the share marks, as a bundle or as one
 * MISP event.
 *
 * Every object kcert shares is made here, from the marks (share.c): an event
 * gives an indicator per network value (address, host name, URL) and an
 * observed-data with its SCOs (first and last seen, number_observed = the
 * sightings merged into the event); an observable gives an indicator; a case
 * gives a report whose object_refs are the indicators of its observables; a
 * CVE id gives a vulnerability (kc_share_vuln_hook fills it in). All carry
 * created_by_ref to KommuneCERT's identity and object_marking_refs to the
 * STIX 2.1 predefined TLP marking definition (TLP:CLEAR is TLP:WHITE there).
 *
 * Ids are UUIDv5 over a fixed kcert namespace and what the object is (its
 * TLP, pattern or source record), SCO ids over STIX's own namespace and the
 * SCO's value, so exporting twice gives the same ids and a partner's tools
 * update objects instead of duplicating them.
 *
 * A report is anonymised by its TLP: at CLEAR and GREEN it names no
 * organisation and leaves out the case's title (an analyst may have written
 * the municipality's name there); at AMBER it carries the title and names
 * the organisation.
 */
#include "share/share.h"

#include <jansson.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "advisory/advisory.h"
#include "base/buf.h"
#include "base/time.h"
#include "base/kc.h"

#define KCERT_NS "5b0d3c1e-7c2a-4f7e-9a51-2d6c8e4b9f30"
#define STIX_SCO_NS "00abedb4-aa42-466c-9c01-fed23315a9b7"
#define IDENTITY_CREATED "2024-01-01T00:00:00.000Z"
#define EVENTS_PER_SET_MAX 100000

kc_share_vuln_fn kc_share_vuln_hook;

/* The STIX 2.1 predefined TLP marking definitions (section 7.2.1.4). */
static const struct {
	const char *id, *name, *tlp;
} tlp_md[] = {
	{ "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9", "TLP:WHITE", "white" },
	{ "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da", "TLP:GREEN", "green" },
	{ "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82", "TLP:AMBER", "amber" },
};

static const char *marking_id(kc_tlp t)
{
	return tlp_md[t <= KC_TLP_AMBER ? t : KC_TLP_AMBER].id;
}

/* ---- ids and times ---- */

static int uuid_bytes(const char *s, unsigned char out[16])
{
	size_t k = 0;

	for (const char *p = s; *p && k < 32; p++) {
		int v;

		if (*p == '-')
			continue;
		if (*p >= '0' && *p <= '9')
			v = *p - '0';
		else if (*p >= 'a' && *p <= 'f')
			v = *p - 'a' + 10;
		else
			return KC_EINVAL;
		if (k % 2 == 0)
			out[k / 2] = (unsigned char)(v << 4);
		else
			out[k / 2] |= (unsigned char)v;
		k++;
	}
	return k == 32 ? KC_OK : KC_EINVAL;
}

int kc_uuid5(const char *ns, const char *name, size_t len, char out[37])
{
	unsigned char nsb[16], md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_MD_CTX *ctx;
	int ok;

	if (uuid_bytes(ns, nsb))
		return KC_EINVAL;
	ctx = EVP_MD_CTX_new();
	if (!ctx)
		return KC_ENOMEM;
	ok = EVP_DigestInit_ex(ctx, EVP_sha1(), NULL) && EVP_DigestUpdate(ctx, nsb, 16) &&
	     EVP_DigestUpdate(ctx, name, len) && EVP_DigestFinal_ex(ctx, md, &mdlen);
	EVP_MD_CTX_free(ctx);
	if (!ok || mdlen < 16)
		return KC_EINTERNAL;
	md[6] = (unsigned char)((md[6] & 0x0F) | 0x50);
	md[8] = (unsigned char)((md[8] & 0x3F) | 0x80);
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", md[0], md[1], md[2],
		 md[3], md[4], md[5], md[6], md[7], md[8], md[9], md[10], md[11], md[12], md[13], md[14], md[15]);
	return KC_OK;
}

int kc_stix_time(const char *iso, char out[32])
{
	const char *dot;
	time_t t;
	struct tm tm;
	int ms = 0;

	if (!iso || kc_time_parse(iso, &t))
		return KC_EINVAL;
	/* Keep milliseconds the input had (2024-05-01T12:00:00.123Z). */
	dot = strchr(iso, '.');
	if (dot && dot[1] >= '0' && dot[1] <= '9') {
		int scale = 100;

		for (const char *p = dot + 1; *p >= '0' && *p <= '9' && scale; p++, scale /= 10)
			ms += (*p - '0') * scale;
	}
	gmtime_r(&t, &tm);
	snprintf(out, 32, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
		 tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
	return KC_OK;
}

/* "type--uuid5(kcert, type|what)". */
static void make_id(const char *type, const char *what, char out[96])
{
	char name[1200], uuid[37];

	snprintf(name, sizeof(name), "%s|%s", type, what);
	if (kc_uuid5(KCERT_NS, name, strlen(name), uuid))
		snprintf(uuid, sizeof(uuid), "00000000-0000-5000-8000-000000000000");
	snprintf(out, 96, "%s--%s", type, uuid);
}

static void sco_id(const char *type, const char *value, char out[96])
{
	json_t *o = json_pack("{s:s}", "value", value);
	char *canon = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	char uuid[37];

	if (!canon || kc_uuid5(STIX_SCO_NS, canon, strlen(canon), uuid))
		snprintf(uuid, sizeof(uuid), "00000000-0000-5000-8000-000000000000");
	snprintf(out, 96, "%s--%s", type, uuid);
	free(canon);
	json_decref(o);
}

/* ---- the set ---- */

void kc_share_set_release(kc_share_set *s)
{
	for (size_t i = 0; i < s->n; i++)
		json_decref(s->v[i].json);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

static kc_share_obj *set_push(kc_share_set *s, json_t *obj, const char *community, kc_tlp tlp, int64_t org_id,
			      const char *added, kc_err *err)
{
	const char *id = json_string_value(json_object_get(obj, "id"));
	const char *type = json_string_value(json_object_get(obj, "type"));
	const char *ver = json_string_value(json_object_get(obj, "modified"));
	kc_share_obj *o;

	if (!id || !type) {
		json_decref(obj);
		kc_err_set(err, KC_EINTERNAL, "%s", _("a STIX object without type or id"));
		return NULL;
	}
	/* The same object twice in one collection: keep the first. */
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->v[i].id, id) && !strcmp(s->v[i].community, community) && s->v[i].tlp == tlp) {
			json_decref(obj);
			return &s->v[i];
		}
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		kc_share_obj *v = realloc(s->v, cap * sizeof(*v));

		if (!v) {
			json_decref(obj);
			kc_err_set(err, KC_ENOMEM, "%s", kc_strerror(KC_ENOMEM));
			return NULL;
		}
		s->v = v;
		s->cap = cap;
	}
	o = &s->v[s->n++];
	memset(o, 0, sizeof(*o));
	snprintf(o->id, sizeof(o->id), "%s", id);
	snprintf(o->type, sizeof(o->type), "%s", type);
	snprintf(o->community, sizeof(o->community), "%s", community);
	o->tlp = tlp;
	o->org_id = org_id;
	snprintf(o->date_added, sizeof(o->date_added), "%s", added);
	snprintf(o->version, sizeof(o->version), "%s",
		 ver ? ver : json_string_value(json_object_get(obj, "created")) ? json_string_value(json_object_get(obj, "created")) : added);
	o->json = obj;
	return o;
}

int kc_share_set_add(kc_share_set *s, void *obj, const char *community, kc_tlp tlp, int64_t org_id, const char *added,
		     kc_err *err)
{
	return set_push(s, obj, community, tlp, org_id, added, err) ? KC_OK : err ? err->code : KC_ENOMEM;
}

/* ---- objects ---- */

static json_t *sdo(const char *type, const char *id, const char *created, const char *modified, kc_tlp tlp)
{
	char ident[96];

	make_id("identity", "KommuneCERT", ident);
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:[s]}", "type", type, "spec_version", "2.1", "id", id,
			 "created_by_ref", ident, "created", created, "modified", modified, "object_marking_refs",
			 marking_id(tlp));
}

static json_t *identity(void)
{
	char id[96];

	make_id("identity", "KommuneCERT", id);
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:[s],s:s}", "type", "identity", "spec_version", "2.1", "id", id,
			 "created", IDENTITY_CREATED, "modified", IDENTITY_CREATED, "name", "KommuneCERT",
			 "identity_class", "organization", "sectors", "government-local", "description",
			 "The sectoral CERT for Norway's municipalities");
}

static json_t *marking(kc_tlp t)
{
	size_t i = t <= KC_TLP_AMBER ? t : KC_TLP_AMBER;

	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:{s:s}}", "type", "marking-definition", "spec_version", "2.1", "id",
			 tlp_md[i].id, "created", "2017-01-20T00:00:00.000Z", "definition_type", "tlp", "name",
			 tlp_md[i].name, "definition", "tlp", tlp_md[i].tlp);
}

/* A network value: its SCO type ("" when not one STIX patterns carry). */
static const char *value_type(const char *kind, const char *value)
{
	if (!kc_utf8_valid(value, strlen(value))) /* STIX strings are UTF-8: such a value is no object */
		return "";
	if (!strcmp(kind, "ip") || !strcmp(kind, "cidr"))
		return strchr(value, ':') ? "ipv6-addr" : "ipv4-addr";
	if (!strcmp(kind, "domain") || !strcmp(kind, "fqdn"))
		return "domain-name";
	if (!strcmp(kind, "url"))
		return strstr(value, "://") ? "url" : ""; /* a path alone (a sinkhole's /gate.php) is no URL */
	return "";
}

static void pattern_of(const char *sco_type, const char *value, kc_buf *b)
{
	kc_buf_addf(b, "[%s:value = '", sco_type);
	for (const char *p = value; *p; p++) {
		if (*p == '\'' || *p == '\\')
			kc_buf_addc(b, '\\');
		kc_buf_addc(b, *p);
	}
	kc_buf_adds(b, "']");
}

static const char *indicator_type(const char *taxonomy)
{
	if (!taxonomy)
		return "anomalous-activity";
	if (!strcmp(taxonomy, "intrusions"))
		return "compromised";
	if (!strcmp(taxonomy, "malicious-code") || !strcmp(taxonomy, "intrusion-attempts") ||
	    !strcmp(taxonomy, "abusive-content") || !strcmp(taxonomy, "fraud"))
		return "malicious-activity";
	return "anomalous-activity";
}

typedef struct ind_in {
	const char *kind, *value;	/* ip, cidr, domain, fqdn, url */
	const char *taxonomy;		/* NULL: unknown */
	const char *label;		/* what it is, for the name */
	const char *created, *modified, *valid_from, *last_seen;
	const char *community, *added;
	kc_tlp tlp;
	int64_t org_id;
} ind_in;

/* An indicator for one value; its id into id_out (may be NULL). 0, or 1 when
 * the value is not one an indicator here carries. */
static int indicator(kc_share_set *s, const ind_in *in, char id_out[96], kc_err *err)
{
	const char *st = value_type(in->kind, in->value);
	char id[96], what[700], name[700];
	kc_share_obj *o;
	json_t *obj;
	kc_buf pat;

	if (!*st || !*in->value || strlen(in->value) > 500)
		return 1;
	kc_buf_init(&pat, 4096);
	pattern_of(st, in->value, &pat);
	snprintf(what, sizeof(what), "%s|%s", kc_tlp_name(in->tlp), kc_buf_str(&pat));
	make_id("indicator", what, id);
	snprintf(name, sizeof(name), "%s %s", in->label, in->value);
	obj = sdo("indicator", id, in->created, in->modified, in->tlp);
	json_object_set_new(obj, "name", json_string(name));
	json_object_set_new(obj, "indicator_types", json_pack("[s]", indicator_type(in->taxonomy)));
	json_object_set_new(obj, "pattern", json_string(kc_buf_str(&pat)));
	json_object_set_new(obj, "pattern_type", json_string("stix"));
	json_object_set_new(obj, "pattern_version", json_string("2.1"));
	json_object_set_new(obj, "valid_from", json_string(in->valid_from));
	kc_buf_release(&pat);
	o = set_push(s, obj, in->community, in->tlp, in->org_id, in->added, err);
	if (!o)
		return err->code;
	if (!o->value[0]) {
		const char *k = in->kind;

		snprintf(o->vkind, sizeof(o->vkind), "%s",
			 !strcmp(k, "ip") || !strcmp(k, "cidr")
				 ? (in->taxonomy && !strcmp(in->taxonomy, "malicious-code") ? "ip-dst" : "ip-src")
			 : !strcmp(k, "fqdn") ? "hostname"
			 : !strcmp(k, "domain") ? "domain" : "url");
		snprintf(o->value, sizeof(o->value), "%s", in->value);
		snprintf(o->first_seen, sizeof(o->first_seen), "%s", in->valid_from);
		snprintf(o->last_seen, sizeof(o->last_seen), "%s", in->last_seen ? in->last_seen : in->valid_from);
	}
	if (id_out)
		snprintf(id_out, 96, "%s", id);
	return 0;
}

static const char *later(const char *a, const char *b)
{
	return strcmp(a, b) >= 0 ? a : b;
}

static void col(kc_stmt *s, int c, char *dst, size_t cap)
{
	const char *v = kc_stmt_text(s, c);

	snprintf(dst, cap, "%s", v ? v : "");
}

/* Objects of the events a mark names. */
static int events_of(kc_store *st, const kc_share_mark *m, kc_share_set *out, kc_err *err)
{
	kc_tlp tlp = KC_TLP_AMBER;
	size_t count = 0;
	kc_stmt *s;
	int rc, step;

	kc_tlp_parse(m->tlp, &tlp);
	if (!strcmp(m->kind, "event"))
		rc = kc_store_query(st, err, &s,
				    "SELECT id, org_id, taxonomy, identifier, source_ip, source_fqdn, source_url, time_source,"
				    " time_last, time_observation, seen FROM event WHERE id = ?",
				    "i", m->object_id);
	else
		rc = kc_store_query(st, err, &s,
				    "SELECT id, org_id, taxonomy, identifier, source_ip, source_fqdn, source_url, time_source,"
				    " time_last, time_observation, seen FROM event"
				    " WHERE (? = 0 OR org_id = ?) AND (CAST(? AS TEXT) IS NULL OR identifier = ? OR type = ?)"
				    " AND (CAST(? AS TEXT) IS NULL OR time_source >= ?) AND (CAST(? AS TEXT) IS NULL OR time_source < ?)"
				    " ORDER BY id",
				    "iittttttt", m->set_org_id, m->set_org_id, m->set_type[0] ? m->set_type : NULL,
				    m->set_type, m->set_type, m->set_since[0] ? m->set_since : NULL, m->set_since,
				    m->set_until[0] ? m->set_until : NULL, m->set_until);
	if (rc)
		return rc;
	while ((step = kc_stmt_step(s, err)) == KC_ROW && count++ < EVENTS_PER_SET_MAX) {
		char taxonomy[40], ident[80], ip[64], fqdn[256], url[1024], ts[32], tl[32], to[32], added[32];
		char created[32], modified[32], first[32], last[32], odid[96], what[64];
		const char *kinds[3] = { "ip", "fqdn", "url" };
		const char *vals[3] = { ip, fqdn, url };
		int64_t eid = kc_stmt_int(s, 0), org = kc_stmt_is_null(s, 1) ? 0 : kc_stmt_int(s, 1);
		int64_t seen = kc_stmt_int(s, 10);
		json_t *od, *refs;

		col(s, 2, taxonomy, sizeof(taxonomy));
		col(s, 3, ident, sizeof(ident));
		col(s, 4, ip, sizeof(ip));
		col(s, 5, fqdn, sizeof(fqdn));
		col(s, 6, url, sizeof(url));
		col(s, 7, ts, sizeof(ts));
		col(s, 8, tl, sizeof(tl));
		col(s, 9, to, sizeof(to));
		if (kc_stix_time(ts, first) || kc_stix_time(tl, last) || kc_stix_time(to, created))
			continue;
		if (kc_stix_time(later(to, tl), modified) || kc_stix_time(later(m->marked_at, to), added))
			continue;
		refs = json_array();
		for (int k = 0; k < 3 && !rc; k++) {
			ind_in in = { kinds[k], vals[k], taxonomy, ident, created, modified, first, last,
				      m->community, added, tlp, org };
			char scoid[96];
			const char *type = value_type(kinds[k], vals[k]);

			if (!*vals[k])
				continue;
			rc = indicator(out, &in, NULL, err);
			if (rc == 1) {
				rc = 0;
				continue;
			}
			if (rc)
				break;
			sco_id(type, vals[k], scoid);
			json_array_append_new(refs, json_string(scoid));
			if (!set_push(out,
				      json_pack("{s:s,s:s,s:s,s:s,s:[s]}", "type", type, "spec_version", "2.1", "id", scoid,
						"value", vals[k], "object_marking_refs", marking_id(tlp)),
				      m->community, tlp, org, added, err))
				rc = err->code;
		}
		if (rc || !json_array_size(refs)) {
			json_decref(refs);
			if (rc)
				break;
			continue;
		}
		snprintf(what, sizeof(what), "%s|event:%lld", kc_tlp_name(tlp), (long long)eid);
		make_id("observed-data", what, odid);
		od = sdo("observed-data", odid, created, modified, tlp);
		json_object_set_new(od, "first_observed", json_string(first));
		json_object_set_new(od, "last_observed", json_string(last));
		json_object_set_new(od, "number_observed", json_integer(seen > 0 ? seen : 1));
		json_object_set_new(od, "object_refs", refs);
		if (!set_push(out, od, m->community, tlp, org, added, err))
			rc = err->code;
	}
	kc_stmt_finalize(s);
	return rc ? rc : step < 0 ? step : KC_OK;
}

static int observable_of(kc_store *st, const kc_share_mark *m, kc_share_set *out, kc_err *err)
{
	char kind[16] = "", value[600] = "", at[32];
	kc_tlp tlp = KC_TLP_AMBER;
	kc_stmt *s;
	int rc;

	kc_tlp_parse(m->tlp, &tlp);
	rc = kc_store_query(st, err, &s, "SELECT kind, value FROM observable WHERE id = ?", "i", m->object_id);
	if (rc)
		return rc;
	if (kc_stmt_step(s, err) == KC_ROW) {
		col(s, 0, kind, sizeof(kind));
		col(s, 1, value, sizeof(value));
	}
	kc_stmt_finalize(s);
	if (!kind[0] || kc_stix_time(m->marked_at, at))
		return KC_OK;
	{
		ind_in in = { kind, value, NULL, "observable", at, at, at, at, m->community, at, tlp, 0 };

		rc = indicator(out, &in, NULL, err);
	}
	return rc == 1 ? KC_OK : rc;
}

static int case_of(kc_store *st, const kc_share_mark *m, kc_share_set *out, kc_err *err)
{
	char title[256] = "", taxonomy[40] = "", type[40] = "", severity[16] = "", orgname[128] = "";
	char created_s[32] = "", updated_s[32] = "", created[32], modified[32], added[32], id[96], what[64];
	char name[400], desc[1200];
	kc_tlp tlp = KC_TLP_AMBER;
	int64_t org = 0;
	json_t *refs, *rep;
	kc_stmt *s;
	int rc, found = 0;

	kc_tlp_parse(m->tlp, &tlp);
	rc = kc_store_query(st, err, &s,
			    "SELECT c.title, c.taxonomy, c.type, c.severity, c.org_id, o.name, c.created_at, c.updated_at"
			    " FROM incident_case c LEFT JOIN org o ON o.id = c.org_id WHERE c.id = ?",
			    "i", m->object_id);
	if (rc)
		return rc;
	if (kc_stmt_step(s, err) == KC_ROW) {
		found = 1;
		col(s, 0, title, sizeof(title));
		col(s, 1, taxonomy, sizeof(taxonomy));
		col(s, 2, type, sizeof(type));
		col(s, 3, severity, sizeof(severity));
		org = kc_stmt_is_null(s, 4) ? 0 : kc_stmt_int(s, 4);
		col(s, 5, orgname, sizeof(orgname));
		col(s, 6, created_s, sizeof(created_s));
		col(s, 7, updated_s, sizeof(updated_s));
	}
	kc_stmt_finalize(s);
	if (!found || kc_stix_time(created_s, created) || kc_stix_time(updated_s, modified) ||
	    kc_stix_time(later(m->marked_at, created_s), added))
		return KC_OK;
	/* The indicators of its observables. */
	refs = json_array();
	rc = kc_store_query(st, err, &s,
			    "SELECT o.kind, o.value FROM case_observable co JOIN observable o ON o.id = co.observable_id"
			    " WHERE co.case_id = ? ORDER BY o.id",
			    "i", m->object_id);
	if (rc) {
		json_decref(refs);
		return rc;
	}
	while (kc_stmt_step(s, err) == KC_ROW && !rc) {
		char kind[16], value[600], iid[96];
		ind_in in = { kind, value, taxonomy[0] ? taxonomy : NULL, "case observable", created, modified,
			      created, modified, m->community, added, tlp, org };

		col(s, 0, kind, sizeof(kind));
		col(s, 1, value, sizeof(value));
		rc = indicator(out, &in, iid, err);
		if (rc == 1)
			rc = 0;
		else if (!rc)
			json_array_append_new(refs, json_string(iid));
	}
	kc_stmt_finalize(s);
	if (rc) {
		json_decref(refs);
		return rc;
	}
	if (!json_array_size(refs)) {
		make_id("identity", "KommuneCERT", id);
		json_array_append_new(refs, json_string(id));
	}
	snprintf(what, sizeof(what), "%s|case:%lld", kc_tlp_name(tlp), (long long)m->object_id);
	make_id("report", what, id);
	if (tlp <= KC_TLP_GREEN) {
		snprintf(name, sizeof(name), "KommuneCERT incident %lld: %s/%s", (long long)m->object_id,
			 taxonomy[0] ? taxonomy : "unclassified", type[0] ? type : "-");
		snprintf(desc, sizeof(desc), "An incident (%s/%s, severity %s) at a Norwegian municipality.",
			 taxonomy[0] ? taxonomy : "unclassified", type[0] ? type : "-", severity);
	} else {
		snprintf(name, sizeof(name), "KommuneCERT incident %lld: %s", (long long)m->object_id, title);
		snprintf(desc, sizeof(desc), "An incident (%s/%s, severity %s) at %s.", taxonomy[0] ? taxonomy : "unclassified",
			 type[0] ? type : "-", severity, orgname[0] ? orgname : "a Norwegian municipality");
	}
	rep = sdo("report", id, created, modified, tlp);
	json_object_set_new(rep, "name", json_string(name));
	json_object_set_new(rep, "description", json_string(desc));
	json_object_set_new(rep, "report_types", json_pack("[s]", "threat-report"));
	json_object_set_new(rep, "published", json_string(created));
	json_object_set_new(rep, "object_refs", refs);
	return set_push(out, rep, m->community, tlp, org, added, err) ? KC_OK : err->code;
}

static int vulnerability_of(kc_store *st, const kc_share_mark *m, kc_share_set *out, kc_err *err)
{
	char at[32], id[96], what[100];
	kc_tlp tlp = KC_TLP_AMBER;
	json_t *v;
	int rc;

	kc_tlp_parse(m->tlp, &tlp);
	if (kc_stix_time(m->marked_at, at))
		return KC_OK;
	snprintf(what, sizeof(what), "%s|%s", kc_tlp_name(tlp), m->ref);
	make_id("vulnerability", what, id);
	v = sdo("vulnerability", id, at, at, tlp);
	json_object_set_new(v, "name", json_string(m->ref));
	json_object_set_new(v, "external_references", json_pack("[{s:s,s:s}]", "source_name", "cve", "external_id", m->ref));
	if (kc_share_vuln_hook && (rc = kc_share_vuln_hook(st, m->ref, v, err))) {
		json_decref(v);
		return rc;
	}
	return set_push(out, v, m->community, tlp, 0, at, err) ? KC_OK : err->code;
}

/* A published advisory: a report (title, summary, its CVEs by reference) and a
 * vulnerability per CVE, at the stricter of the mark's and the advisory's
 * TLP. Drafts, and advisories above TLP:AMBER, never leave. */
static int advisory_of(kc_store *st, const kc_share_mark *m, kc_share_set *out, kc_err *err)
{
	char created[32], modified[32], added[32], id[96], what[140];
	kc_tlp tlp = KC_TLP_AMBER;
	kc_advisory a;
	json_t *rep, *refs;
	int rc;

	kc_tlp_parse(m->tlp, &tlp);
	if (kc_stix_time(m->marked_at, added))
		return KC_OK;
	rc = kc_advisory_get(st, m->ref, &a, err);
	if (rc == KC_ENOENT) {
		kc_err_clear(err);
		return KC_OK;
	}
	if (rc)
		return rc;
	if (strcmp(a.status, "final") || a.tlp > KC_TLP_AMBER || kc_stix_time(a.initial_release, created) ||
	    kc_stix_time(a.current_release[0] ? a.current_release : a.initial_release, modified)) {
		kc_advisory_release(&a);
		return KC_OK;
	}
	if (a.tlp > tlp)
		tlp = a.tlp;
	refs = json_array();
	for (size_t i = 0; i < a.ncves && !rc; i++) {
		json_t *v;

		snprintf(what, sizeof(what), "%s|%s", kc_tlp_name(tlp), a.cves[i].cve);
		make_id("vulnerability", what, id);
		v = sdo("vulnerability", id, created, modified, tlp);
		json_object_set_new(v, "name", json_string(a.cves[i].cve));
		json_object_set_new(v, "external_references",
				    json_pack("[{s:s,s:s}]", "source_name", "cve", "external_id", a.cves[i].cve));
		if (kc_share_vuln_hook && (rc = kc_share_vuln_hook(st, a.cves[i].cve, v, err))) {
			json_decref(v);
			break;
		}
		json_array_append_new(refs, json_string(id));
		if (!set_push(out, v, m->community, tlp, 0, added, err))
			rc = err->code;
	}
	if (!rc) {
		if (!json_array_size(refs)) { /* a report refers to something: its author */
			make_id("identity", "KommuneCERT", id);
			json_array_append_new(refs, json_string(id));
		}
		snprintf(what, sizeof(what), "%s|%s|%d", kc_tlp_name(tlp), a.ident, a.version);
		make_id("report", what, id);
		rep = sdo("report", id, created, modified, tlp);
		json_object_set_new(rep, "name", json_string(a.title));
		if (a.summary && *a.summary)
			json_object_set_new(rep, "description", json_string(a.summary));
		json_object_set_new(rep, "report_types", json_pack("[s]", "vulnerability"));
		json_object_set_new(rep, "published", json_string(modified));
		json_object_set_new(rep, "object_refs", refs);
		refs = NULL;
		json_object_set_new(rep, "external_references",
				    json_pack("[{s:s,s:s}]", "source_name", "kommunecert", "external_id", a.ident));
		if (!set_push(out, rep, m->community, tlp, 0, added, err))
			rc = err->code;
	}
	json_decref(refs);
	kc_advisory_release(&a);
	return rc;
}

static int cmp_obj(const void *a, const void *b)
{
	const kc_share_obj *x = a, *y = b;
	int c = strcmp(x->date_added, y->date_added);

	if (!c)
		c = strcmp(x->community, y->community);
	if (!c)
		c = (int)x->tlp - (int)y->tlp;
	return c ? c : strcmp(x->id, y->id);
}

int kc_share_collect(kc_store *st, const kc_share_filter *f, kc_share_set *out, kc_err *err)
{
	kc_share_mark *marks = NULL;
	size_t nmarks = 0, nobjs;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = kc_share_mark_list(st, f ? f->community : NULL, &marks, &nmarks, err);
	if (rc)
		return rc;
	for (size_t i = 0; i < nmarks && !rc; i++) {
		const kc_share_mark *m = &marks[i];

		if (!strcmp(m->kind, "event") || !strcmp(m->kind, "events"))
			rc = events_of(st, m, out, err);
		else if (!strcmp(m->kind, "observable"))
			rc = observable_of(st, m, out, err);
		else if (!strcmp(m->kind, "case"))
			rc = case_of(st, m, out, err);
		else if (!strcmp(m->kind, "vulnerability"))
			rc = vulnerability_of(st, m, out, err);
		else if (!strcmp(m->kind, "advisory"))
			rc = advisory_of(st, m, out, err);
	}
	free(marks);
	if (rc) {
		kc_share_set_release(out);
		return rc;
	}
	/* Each non-empty collection also holds the identity and its marking
	 * definition, added with its first object. */
	nobjs = out->n;
	for (size_t i = 0; i < nobjs && !rc; i++) {
		char community[KC_COMMUNITY_MAX + 1], added[32];
		kc_tlp tlp = out->v[i].tlp;
		int first = 1;

		for (size_t k = 0; k < i && first; k++)
			if (out->v[k].tlp == tlp && !strcmp(out->v[k].community, out->v[i].community))
				first = 0;
		if (!first)
			continue;
		snprintf(community, sizeof(community), "%s", out->v[i].community);
		snprintf(added, sizeof(added), "%s", out->v[i].date_added);
		for (size_t k = i + 1; k < nobjs; k++)
			if (out->v[k].tlp == tlp && !strcmp(out->v[k].community, community) &&
			    strcmp(out->v[k].date_added, added) < 0)
				snprintf(added, sizeof(added), "%s", out->v[k].date_added);
		if (!set_push(out, identity(), community, tlp, -1, added, err) ||
		    !set_push(out, marking(tlp), community, tlp, -1, added, err))
			rc = err->code;
	}
	if (rc) {
		kc_share_set_release(out);
		return rc;
	}
	if (out->n) /* qsort wants an array, even of none */
		qsort(out->v, out->n, sizeof(out->v[0]), cmp_obj);
	if (f && f->since) {
		char since[32];
		size_t k = 0;

		if (kc_stix_time(f->since, since)) {
			kc_share_set_release(out);
			return kc_err_set(err, KC_EINVAL, _("--since %s: not a time (YYYY-MM-DD or ISO 8601)"), f->since);
		}
		for (size_t i = 0; i < out->n; i++) {
			if (out->v[i].org_id != -1 && strcmp(out->v[i].date_added, since) < 0) {
				json_decref(out->v[i].json);
				continue;
			}
			out->v[k++] = out->v[i];
		}
		out->n = k;
	}
	return KC_OK;
}

/* ---- output ---- */

int kc_share_stix_bundle(const kc_share_set *s, kc_buf *out, kc_err *err)
{
	json_t *objs = json_array(), *seen = json_object(), *bundle;
	char id[96], *text;
	kc_buf names;
	int rc;

	kc_buf_init(&names, 64u << 20);
	for (size_t i = 0; i < s->n; i++) {
		if (json_object_get(seen, s->v[i].id))
			continue;
		json_object_set_new(seen, s->v[i].id, json_true());
		json_array_append(objs, s->v[i].json);
		kc_buf_addf(&names, "%s,", s->v[i].id);
	}
	json_decref(seen);
	make_id("bundle", kc_buf_str(&names), id);
	kc_buf_release(&names);
	bundle = json_pack("{s:s,s:s,s:o}", "type", "bundle", "id", id, "objects", objs);
	text = bundle ? json_dumps(bundle, JSON_INDENT(1) | JSON_PRESERVE_ORDER) : NULL;
	json_decref(bundle);
	if (!text)
		return kc_err_set(err, KC_ENOMEM, "%s", kc_strerror(KC_ENOMEM));
	rc = kc_buf_adds(out, text);
	if (!rc)
		rc = kc_buf_addc(out, '\n');
	free(text);
	return rc ? kc_err_set(err, rc, "%s", kc_strerror(rc)) : KC_OK;
}

static long long epoch_of(const char *t)
{
	time_t v = 0;

	kc_time_parse(t, &v);
	return (long long)v;
}

int kc_share_misp_event(const kc_share_set *s, kc_buf *out, kc_err *err)
{
	static const char *const tags[] = { "tlp:clear", "tlp:green", "tlp:amber" };
	static const char *const dist[] = { "3", "1", "0" }; /* all, this community, the organisation */
	json_t *attrs = json_array(), *seen = json_object(), *ev;
	char uuid[37], ident[96], last[32] = "1970-01-01T00:00:00.000Z", date[11], ts[24], *text;
	kc_tlp top = KC_TLP_CLEAR;
	int rc;

	make_id("identity", "KommuneCERT", ident);
	for (size_t i = 0; i < s->n; i++) {
		const kc_share_obj *o = &s->v[i];
		const char *name = json_string_value(json_object_get(o->json, "name"));
		json_t *a;

		if (!o->value[0] || json_object_get(seen, o->id))
			continue;
		json_object_set_new(seen, o->id, json_true());
		if (o->tlp > top)
			top = o->tlp;
		if (strcmp(o->version, last) > 0)
			snprintf(last, sizeof(last), "%s", o->version);
		snprintf(ts, sizeof(ts), "%lld", epoch_of(o->version));
		a = json_pack("{s:s,s:s,s:s,s:s,s:b,s:s,s:s,s:s,s:s,s:s,s:[{s:s}]}", "uuid", strstr(o->id, "--") + 2, "type",
			      o->vkind, "category", "Network activity", "value", o->value, "to_ids", 1, "distribution",
			      "5", "timestamp", ts, "first_seen", o->first_seen, "last_seen", o->last_seen, "comment",
			      name ? name : "", "Tag", "name", tags[o->tlp <= KC_TLP_AMBER ? o->tlp : KC_TLP_AMBER]);
		json_array_append_new(attrs, a);
	}
	json_decref(seen);
	kc_uuid5(KCERT_NS, "misp-event|KommuneCERT", strlen("misp-event|KommuneCERT"), uuid);
	snprintf(date, sizeof(date), "%.10s", last);
	snprintf(ts, sizeof(ts), "%lld", epoch_of(last));
	ev = json_pack("{s:{s:s,s:s,s:s,s:s,s:b,s:s,s:s,s:s,s:s,s:{s:s,s:s},s:[{s:s}],s:o}}", "Event", "uuid", uuid,
		       "info", "KommuneCERT: shared indicators", "date", date, "timestamp", ts, "published", 0, "analysis",
		       "2", "threat_level_id", "3", "distribution", dist[top <= KC_TLP_AMBER ? top : KC_TLP_AMBER],
		       "sharing_group_id", "0", "Orgc", "name", "KommuneCERT", "uuid", strstr(ident, "--") + 2, "Tag",
		       "name", tags[top <= KC_TLP_AMBER ? top : KC_TLP_AMBER], "Attribute", attrs);
	text = ev ? json_dumps(ev, JSON_INDENT(1) | JSON_PRESERVE_ORDER) : NULL;
	json_decref(ev);
	if (!text)
		return kc_err_set(err, KC_ENOMEM, "%s", kc_strerror(KC_ENOMEM));
	rc = kc_buf_adds(out, text);
	if (!rc)
		rc = kc_buf_addc(out, '\n');
	free(text);
	return rc ? kc_err_set(err, rc, "%s", kc_strerror(rc)) : KC_OK;
}
