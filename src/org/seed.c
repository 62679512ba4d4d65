/*
 * seed.c - load the 2024 county and municipality register (SSB classifications
 * 104 and 131, shipped in share/data/ and compiled in) and the standing
 * organisations. Running it again changes nothing unless the register data
 * changed, in which case names and counties are brought up to date.
 */
#include "org/seed.h"

#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "base/csv.h"
#include "org/org.h"
#include "base/kc.h"

extern const char kc_data_municipalities[];
extern const unsigned long kc_data_municipalities_len;
extern const char kc_data_counties[];
extern const unsigned long kc_data_counties_len;

static const struct {
	const char *slug, *kind, *name;
	int member;
} standing[] = {
	{ "kommunecert", "cert", "KommuneCERT", 0 },
	{ "nsm-ncsc", "cert", "NSM Nasjonalt cybersikkerhetssenter (NCSC)", 0 },
	{ "helsecert", "cert", "HelseCERT (Norsk helsenett)", 0 },
	{ "kraftcert", "cert", "KraftCERT", 0 },
	{ "nfcert", "cert", "Nordic Financial CERT", 0 },
	{ "ekomcert", "cert", "EkomCERT (Nasjonal kommunikasjonsmyndighet)", 0 },
	{ "sikt-cert", "cert", "Sikt – Kunnskapssektorens tjenesteleverandør (cybersikkerhetssenter)", 0 },
	{ "politiet", "authority", "Politiet (NC3, Nasjonalt cyberkrimsenter)", 0 },
	{ "datatilsynet", "authority", "Datatilsynet", 0 },
};

/* Insert or bring up to date one organisation with a code. */
static int upsert(kc_store *st, const char *actor, const kc_org_new *n, kc_seed_report *rep, kc_err *err)
{
	kc_org cur;
	kc_err e;
	int rc = kc_org_get(st, n->code, &cur, &e);

	if (rc == KC_ENOENT) {
		kc_org_new o = *n;
		char slug[80];
		kc_org other;
		int64_t id;

		/* Two municipalities may share a name across counties: keep slugs unique. */
		kc_org_slugify(n->name, slug, sizeof(slug));
		if (n->slug)
			snprintf(slug, sizeof(slug), "%s", n->slug);
		if (kc_org_get(st, slug, &other, NULL) == KC_OK) {
			size_t l = strlen(slug);

			snprintf(slug + l, sizeof(slug) - l, "-%s", n->code);
		}
		o.slug = slug;
		rc = kc_org_add(st, actor, &o, &id, err);
		if (!rc)
			rep->added++;
		return rc;
	}
	if (rc) {
		if (err)
			*err = e;
		return rc;
	}
	if (strcmp(cur.name, n->name) || cur.county_id != n->county_id || strcmp(cur.kind, n->kind)) {
		rc = kc_store_exec(st, err, NULL, "UPDATE org SET name = ?, county_id = NULLIF(?, 0), kind = ? WHERE id = ?",
				   "titi", n->name, n->county_id, n->kind, cur.id);
		if (!rc)
			rc = kc_audit_appendf(st, err, actor, "org.update", cur.slug, "register: %s -> %s",
					      cur.name, n->name);
		if (!rc)
			rep->updated++;
	}
	return rc;
}

/* Walk an embedded CSV register: header, then rows of (code, name, third column). */
static int load_csv(kc_store *st, const char *actor, const char *data, size_t len, int counties,
		    kc_seed_report *rep, kc_err *err)
{
	kc_csv_record rec;
	kc_csv *csv;
	int rc, first = 1;

	rc = kc_csv_open_mem(&csv, data, len, NULL, err);
	if (rc)
		return rc;
	while ((rc = kc_csv_next(csv, &rec, err)) == 1) {
		kc_org_new n;
		kc_org county;

		if (first) {
			first = 0;
			continue;
		}
		if (rec.nfields != 3) {
			rc = kc_err_set(err, KC_EINTERNAL, _("built-in register: line %zu has %zu fields"), rec.line,
					rec.nfields);
			break;
		}
		memset(&n, 0, sizeof(n));
		n.code = rec.fields[0].ptr;
		n.name = rec.fields[1].ptr;
		n.lang = "nb";
		if (counties) {
			char slug[80];
			size_t l;

			n.kind = "county";
			kc_org_slugify(n.name, slug, sizeof(slug));
			l = strlen(slug);
			snprintf(slug + l, sizeof(slug) - l, "-fylke");
			n.slug = slug;
			rc = upsert(st, actor, &n, rep, err);
			rep->counties++;
		} else {
			n.kind = "municipality";
			n.member = 1;
			rc = kc_store_scalar_int(st, err, &county.id,
						 "SELECT id FROM org WHERE kind = 'county' AND name = ?", "t",
						 rec.fields[2].ptr);
			if (rc == KC_ENOENT)
				rc = kc_err_set(err, KC_EINTERNAL, _("built-in register: line %zu: unknown county %s"),
						rec.line, rec.fields[2].ptr);
			n.county_id = county.id;
			if (!rc)
				rc = upsert(st, actor, &n, rep, err);
			rep->municipalities++;
		}
		if (rc)
			break;
	}
	kc_csv_free(csv);
	return rc < 0 ? rc : KC_OK;
}

int kc_seed_registry(kc_store *st, const char *actor, kc_seed_report *rep, kc_err *err)
{
	int rc;

	memset(rep, 0, sizeof(*rep));
	rc = kc_store_begin(st, err);
	if (rc)
		return rc;
	rc = load_csv(st, actor, kc_data_counties, kc_data_counties_len, 1, rep, err);
	if (!rc)
		rc = load_csv(st, actor, kc_data_municipalities, kc_data_municipalities_len, 0, rep, err);
	for (size_t i = 0; !rc && i < KC_ARRAY_LEN(standing); i++) {
		kc_org cur;
		int64_t id;

		if (kc_org_get(st, standing[i].slug, &cur, NULL) == KC_OK) {
			rep->others++;
			continue;
		}
		rc = kc_org_add(st, actor,
				&(kc_org_new){ .kind = standing[i].kind,
					       .name = standing[i].name,
					       .slug = standing[i].slug,
					       .member = standing[i].member },
				&id, err);
		if (!rc) {
			rep->added++;
			rep->others++;
		}
	}
	if (!rc && !kc_org_get(st, "kommunecert", &(kc_org){ 0 }, NULL))
		rc = kc_store_setting_set(st, "self_org", "kommunecert", err);
	if (rc) {
		kc_store_rollback(st);
		return rc;
	}
	return kc_store_commit(st, err);
}
