/*
 * contact.c - the people and role mailboxes of an organisation.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "base/domain.h"
#include "base/time.h"
#include "org/org.h"
#include "base/kc.h"

static const char *const roles[] = { "security", "it-operations", "management", "24x7", "abuse", "other" };

int kc_contact_role_valid(const char *role)
{
	for (size_t i = 0; role && i < KC_ARRAY_LEN(roles); i++)
		if (!strcmp(role, roles[i]))
			return 1;
	return 0;
}

int kc_email_valid(const char *email, kc_err *err)
{
	const char *at = strrchr(email, '@');
	char domain[KC_DOMAIN_MAX];
	size_t local;

	if (!at || at == email || strlen(email) > 254)
		return kc_err_set(err, KC_EINVAL, _("%s: not an e-mail address"), email);
	local = (size_t)(at - email);
	if (local > 64)
		return kc_err_set(err, KC_EINVAL, _("%s: not an e-mail address"), email);
	for (size_t i = 0; i < local; i++) {
		unsigned char c = (unsigned char)email[i];

		if (c <= ' ' || c == '"' || c == '(' || c == ')' || c == ',' || c == ':' || c == ';' ||
		    c == '<' || c == '>' || c == '[' || c == ']' || c == '\\' || c == 0x7f)
			return kc_err_set(err, KC_EINVAL, _("%s: not an e-mail address"), email);
	}
	if (kc_domain_normalise(at + 1, strlen(at + 1), domain, NULL))
		return kc_err_set(err, KC_EINVAL, _("%s: not an e-mail address"), email);
	return KC_OK;
}

static int fingerprint_valid(const char *fpr)
{
	size_t hex = 0;

	for (const char *p = fpr; *p; p++) {
		if (isxdigit((unsigned char)*p))
			hex++;
		else if (*p != ' ')
			return 0;
	}
	return hex == 40 || hex == 64; /* OpenPGP v4 or v5/v6 */
}

/* Check and normalise the fields of c (both for adding and for changing). */
static int contact_validate(kc_contact *c, kc_err *err)
{
	int rc;

	if (!c->name[0])
		return kc_err_set(err, KC_EINVAL, _("a contact needs a name"));
	rc = kc_email_valid(c->email, err);
	if (rc)
		return rc;
	for (char *p = c->email; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	if (!c->role[0])
		snprintf(c->role, sizeof(c->role), "security");
	if (!kc_contact_role_valid(c->role))
		return kc_err_set(err, KC_EINVAL,
				  _("%s: unknown role (security, it-operations, management, 24x7, abuse, other)"),
				  c->role);
	if (!c->lang[0])
		snprintf(c->lang, sizeof(c->lang), "nb");
	if (strcmp(c->lang, "nb") && strcmp(c->lang, "nn") && strcmp(c->lang, "en"))
		return kc_err_set(err, KC_EINVAL, _("%s: language must be nb, nn or en"), c->lang);
	if (c->pgp[0] && !fingerprint_valid(c->pgp))
		return kc_err_set(err, KC_EINVAL, _("%s: not an OpenPGP fingerprint (40 or 64 hex digits)"),
				  c->pgp);
	if (!c->notices[0])
		snprintf(c->notices, sizeof(c->notices), "all");
	return KC_OK;
}

/* Add (c->id == 0) or change (c->id set) one contact, in one transaction. */
static int contact_save(kc_store *st, const char *actor, kc_contact *c, kc_err *err)
{
	char now[KC_TIME_STRLEN];
	int64_t dup = 0;
	kc_org o;
	int rc = contact_validate(c, err);

	if (rc)
		return rc;
	rc = kc_store_begin(st, err);
	if (rc)
		return rc;
	rc = kc_org_get_id(st, c->org_id, &o, err);
	if (!rc)
		rc = kc_store_scalar_int(st, err, &dup,
					 "SELECT count(*) FROM contact WHERE org_id = ? AND email = ? AND id != ?", "iti",
					 c->org_id, c->email, c->id);
	if (!rc && dup)
		rc = kc_err_set(err, KC_EEXIST, _("%s is already a contact of %s"), c->email, o.slug);
	kc_time_now_iso(now);
	if (!rc && !c->id) {
		rc = kc_store_exec(st, err, &c->id,
				   "INSERT INTO contact (org_id, name, email, phone, role, lang, pgp_fingerprint, "
				   "notices, created_at, updated_at) VALUES (?, ?, ?, NULLIF(?, ''), ?, ?, "
				   "NULLIF(?, ''), ?, ?, ?) RETURNING id",
				   "ittttttttt", c->org_id, c->name, c->email, c->phone, c->role, c->lang, c->pgp,
				   c->notices, now, now);
		snprintf(c->created_at, sizeof(c->created_at), "%s", now);
		if (!rc)
			rc = kc_audit_appendf(st, err, actor, "contact.add", o.slug, "%s <%s> %s", c->name, c->email,
					      c->role);
	} else if (!rc) {
		int64_t found = 0;

		rc = kc_store_scalar_int(st, err, &found, "SELECT count(*) FROM contact WHERE id = ? AND org_id = ?", "ii",
					 c->id, c->org_id);
		if (!rc && !found)
			rc = kc_err_set(err, KC_ENOENT, _("no contact %lld at %s"), (long long)c->id, o.slug);
		if (!rc)
			rc = kc_store_exec(st, err, NULL,
					   "UPDATE contact SET name = ?, email = ?, phone = NULLIF(?, ''), role = ?, lang = ?, "
					   "pgp_fingerprint = NULLIF(?, ''), notices = ?, updated_at = ? WHERE id = ? AND org_id = ?",
					   "ttttttttii", c->name, c->email, c->phone, c->role, c->lang, c->pgp, c->notices, now,
					   c->id, c->org_id);
		if (!rc)
			rc = kc_audit_appendf(st, err, actor, "contact.update", o.slug, "#%lld %s <%s> %s",
					      (long long)c->id, c->name, c->email, c->role);
	}
	if (rc) {
		kc_store_rollback(st);
		return rc;
	}
	return kc_store_commit(st, err);
}

int kc_contact_add(kc_store *st, const char *actor, kc_contact *c, kc_err *err)
{
	c->id = 0;
	return contact_save(st, actor, c, err);
}

int kc_contact_update(kc_store *st, const char *actor, kc_contact *c, kc_err *err)
{
	if (c->id <= 0)
		return kc_err_set(err, KC_EINVAL, _("no contact given"));
	return contact_save(st, actor, c, err);
}

int kc_contact_rm(kc_store *st, const char *actor, int64_t org_id, const char *email, kc_err *err)
{
	int64_t n = 0;
	kc_org o;
	int rc = kc_store_begin(st, err);

	if (rc)
		return rc;
	rc = kc_org_get_id(st, org_id, &o, err);
	if (!rc)
		rc = kc_store_scalar_int(st, err, &n,
					 "SELECT count(*) FROM contact WHERE org_id = ? AND lower(email) = lower(CAST(? AS TEXT))",
					 "it", org_id, email);
	if (!rc && !n)
		rc = kc_err_set(err, KC_ENOENT, _("%s is not a contact of %s"), email, o.slug);
	if (!rc)
		rc = kc_store_exec(st, err, NULL, "DELETE FROM contact WHERE org_id = ? AND lower(email) = lower(CAST(? AS TEXT))",
				   "it", org_id, email);
	if (!rc)
		rc = kc_audit_appendf(st, err, actor, "contact.rm", o.slug, "%s", email);
	if (rc) {
		kc_store_rollback(st);
		return rc;
	}
	return kc_store_commit(st, err);
}

static void fill_contact(kc_stmt *s, void *rec)
{
	kc_contact *c = rec;
	struct {
		int col;
		char *dst;
		size_t cap;
	} cols[] = {
		{ 2, c->name, sizeof(c->name) },       { 3, c->email, sizeof(c->email) },
		{ 4, c->phone, sizeof(c->phone) },     { 5, c->role, sizeof(c->role) },
		{ 6, c->lang, sizeof(c->lang) },       { 7, c->pgp, sizeof(c->pgp) },
		{ 8, c->notices, sizeof(c->notices) }, { 9, c->created_at, sizeof(c->created_at) },
	};

	c->id = kc_stmt_int(s, 0);
	c->org_id = kc_stmt_int(s, 1);
	for (size_t i = 0; i < KC_ARRAY_LEN(cols); i++) {
		const char *v = kc_stmt_text(s, cols[i].col);

		snprintf(cols[i].dst, cols[i].cap, "%s", v ? v : "");
	}
}

int kc_contact_get(kc_store *st, int64_t org_id, int64_t id, kc_contact *out, kc_err *err)
{
	kc_contact *v;
	size_t n;
	kc_stmt *s;
	int rc = kc_store_query(st, err, &s,
				"SELECT id, org_id, name, email, phone, role, lang, pgp_fingerprint, notices, "
				"created_at FROM contact WHERE org_id = ? AND id = ?",
				"ii", org_id, id);

	if (!rc)
		rc = kc_store_collect(s, sizeof(*v), fill_contact, (void **)&v, &n, err);
	if (rc)
		return rc;
	if (n)
		*out = v[0];
	else
		rc = kc_err_set(err, KC_ENOENT, _("no contact %lld"), (long long)id);
	free(v);
	return rc;
}

int kc_contact_list(kc_store *st, int64_t org_id, kc_contact **out, size_t *n, kc_err *err)
{
	kc_stmt *s;
	int rc = kc_store_query(st, err, &s,
				"SELECT id, org_id, name, email, phone, role, lang, pgp_fingerprint, notices, "
				"created_at FROM contact WHERE (? = 0 OR org_id = ?) ORDER BY org_id, role, name",
				"ii", org_id, org_id);

	return rc ? rc : kc_store_collect(s, sizeof(**out), fill_contact, (void **)out, n, err);
}
