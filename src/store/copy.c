/*
 * copy.c - store-to-store copy with verification.
 *
 * Rows are read with SELECT * in primary-key order and written with the same
 * column names, every value as text (each engine converts text to the column's
 * type) or NULL. Then each table is checksummed on both sides: SHA-256 over
 * the rows in key order, each value length-prefixed, so that any difference
 * in any cell shows.
 */
#include "store/copy.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/kc.h"

const char *const kc_copy_tables[] = {
	"setting", "org", "org_serves", "contact", "asset", "audit",
	"app_user", "user_org", "app_session", "api_token", "login_failure", "event", "ingest_file",
	"outbox", "notice", "notice_event", "notify_state", "feed", "incident_case",
	"case_org", "case_entry", "case_task", "case_clock", "observable", "case_observable", "mail_message",
	"attachment", "case_share", "threat_level",
	"report_delivery",
	"advisory_seq", "advisory", "advisory_cve", "advisory_product", "advisory_remedy", "advisory_ref",
	"advisory_revision", "advisory_notice", "share_mark", "share_member",
	"cve", "kev", "cpe_match", "org_product", "kev_notice",
	"scan_run", "scan_exclude", "scan_schedule", "finding", "finding_history", "rating_history",
};
const size_t kc_copy_ntables = KC_ARRAY_LEN(kc_copy_tables);
_Static_assert(KC_ARRAY_LEN(kc_copy_tables) <= KC_COPY_MAX, "kc_copy_report.tables is too small");

/* ORDER BY for each table: its primary key. */
static const char *table_order(const char *t)
{
	if (!strcmp(t, "setting"))
		return "key";
	if (!strcmp(t, "org_serves"))
		return "provider_id, client_id";
	if (!strcmp(t, "audit"))
		return "seq";
	if (!strcmp(t, "user_org"))
		return "user_id, org_id";
	if (!strcmp(t, "app_session"))
		return "id_hash";
	if (!strcmp(t, "login_failure"))
		return "key";
	if (!strcmp(t, "ingest_file"))
		return "sha256";
	if (!strcmp(t, "notice_event"))
		return "notice_id, event_id";
	if (!strcmp(t, "notify_state"))
		return "org_id";
	if (!strcmp(t, "case_org"))
		return "case_id, org_id";
	if (!strcmp(t, "case_observable"))
		return "case_id, observable_id";
	if (!strcmp(t, "report_delivery"))
		return "period, rcpt";
	if (!strcmp(t, "advisory_seq"))
		return "year";
	if (!strcmp(t, "advisory_cve"))
		return "advisory_id, cve";
	if (!strcmp(t, "advisory_product"))
		return "advisory_id, cpe";
	if (!strcmp(t, "advisory_revision"))
		return "advisory_id, number";
	if (!strcmp(t, "advisory_notice"))
		return "advisory_id, revision, kind, org_id, contact_id";
	if (!strcmp(t, "share_member"))
		return "community, org_id";
	if (!strcmp(t, "kev"))
		return "cve_id";
	if (!strcmp(t, "kev_notice"))
		return "org_id, cve_id";
	return "id";
}

int kc_store_table_checksum(kc_store *st, const char *table, kc_copy_table *out, kc_err *err)
{
	unsigned char digest[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_state h;
	char sql[256], num[32];
	kc_stmt *s;
	int rc, ncol;

	snprintf(sql, sizeof(sql), "SELECT * FROM %s ORDER BY %s", table, table_order(table));
	rc = kc_store_prepare(st, sql, &s, err);
	if (rc)
		return rc;
	crypto_hash_sha256_init(&h);
	out->name = table;
	out->rows = 0;
	while ((rc = kc_stmt_step(s, err)) == KC_ROW) {
		ncol = kc_stmt_columns(s);
		for (int c = 0; c < ncol; c++) {
			const char *v = kc_stmt_text(s, c);

			if (!v) {
				crypto_hash_sha256_update(&h, (const unsigned char *)"N;", 2);
				continue;
			}
			snprintf(num, sizeof(num), "%zu:", strlen(v));
			crypto_hash_sha256_update(&h, (const unsigned char *)num, strlen(num));
			crypto_hash_sha256_update(&h, (const unsigned char *)v, strlen(v));
		}
		crypto_hash_sha256_update(&h, (const unsigned char *)"\n", 1);
		out->rows++;
	}
	kc_stmt_finalize(s);
	if (rc < 0)
		return rc;
	crypto_hash_sha256_final(&h, digest);
	sodium_bin2hex(out->checksum, sizeof(out->checksum), digest, sizeof(digest));
	return KC_OK;
}

static int copy_table(kc_store *src, kc_store *dst, const char *table, kc_err *err)
{
	char sql[256];
	kc_buf ins;
	kc_stmt *s, *w = NULL;
	int rc, ncol = 0;

	snprintf(sql, sizeof(sql), "SELECT * FROM %s ORDER BY %s", table, table_order(table));
	rc = kc_store_prepare(src, sql, &s, err);
	if (rc)
		return rc;
	kc_buf_init(&ins, 8192);
	while ((rc = kc_stmt_step(s, err)) == KC_ROW) {
		if (!w) {
			ncol = kc_stmt_columns(s);
			kc_buf_addf(&ins, "INSERT INTO %s (", table);
			for (int c = 0; c < ncol; c++)
				kc_buf_addf(&ins, "%s%s", c ? ", " : "", kc_stmt_column_name(s, c));
			kc_buf_adds(&ins, ") VALUES (");
			for (int c = 0; c < ncol; c++)
				kc_buf_adds(&ins, c ? ", ?" : "?");
			kc_buf_adds(&ins, ")");
			rc = kc_store_prepare(dst, kc_buf_str(&ins), &w, err);
			if (rc)
				break;
		}
		for (int c = 0; c < ncol; c++)
			kc_stmt_bind_text(w, c + 1, kc_stmt_text(s, c));
		rc = kc_stmt_step(w, err);
		kc_stmt_reset(w);
		if (rc < 0)
			break;
	}
	if (w)
		kc_stmt_finalize(w);
	kc_stmt_finalize(s);
	kc_buf_release(&ins);
	if (rc < 0)
		return kc_err_prefix(err, _("copying table %s"), table);
	return KC_OK;
}

int kc_store_copy(kc_store *src, kc_store *dst, kc_copy_report *rep, kc_err *err)
{
	int64_t orgs = 0;
	int rc;

	memset(rep, 0, sizeof(*rep));
	rc = kc_store_check_schema(src, err);
	if (!rc)
		rc = kc_store_migrate(dst, NULL, err);
	if (!rc)
		rc = kc_store_scalar_int(dst, err, &orgs, "SELECT count(*) FROM org", "");
	if (rc)
		return rc;
	if (orgs)
		return kc_err_set(err, KC_EEXIST, _("%s already holds data; copy only into an empty store"),
				  kc_store_target(dst));
	rc = kc_store_begin(dst, err);
	if (rc)
		return rc;
	for (size_t i = 0; i < kc_copy_ntables && !rc; i++) {
		rc = copy_table(src, dst, kc_copy_tables[i], err);
		if (!rc && dst->ops->reset_sequence)
			rc = dst->ops->reset_sequence(dst, kc_copy_tables[i], err);
	}
	/* Derived tables are rebuilt, not copied: the full-text index of cases
	 * (FTS5 in SQLite, tsvector in PostgreSQL) is the cases' text and their
	 * timelines'. */
	if (!rc)
		rc = kc_store_exec(dst, err, NULL,
				   "INSERT INTO case_fts (case_id, body) SELECT id, title || ' ' || description FROM incident_case",
				   "");
	if (!rc)
		rc = kc_store_exec(dst, err, NULL,
				   "INSERT INTO case_fts (case_id, body) SELECT case_id, body FROM case_entry WHERE body <> ''", "");
	if (rc) {
		kc_store_rollback(dst);
		return rc;
	}
	rc = kc_store_commit(dst, err);
	if (rc)
		return rc;
	for (size_t i = 0; i < kc_copy_ntables; i++) {
		kc_copy_table a, *b = &rep->tables[rep->ntables++];

		rc = kc_store_table_checksum(src, kc_copy_tables[i], &a, err);
		if (!rc)
			rc = kc_store_table_checksum(dst, kc_copy_tables[i], b, err);
		if (rc)
			return rc;
		if (a.rows != b->rows || strcmp(a.checksum, b->checksum))
			return kc_err_set(err, KC_EINTERNAL,
					  _("table %s differs after the copy: %lld rows (%.12s) in the source, %lld (%.12s) in the copy"),
					  a.name, (long long)a.rows, a.checksum, (long long)b->rows, b->checksum);
		rep->rows += b->rows;
	}
	return KC_OK;
}
