/*
 * event.c - listing stored events.
 */
#include "feed/event.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/ip.h"
#include "base/kc.h"

static void fill_event(kc_stmt *s, void *rec)
{
	kc_event *e = rec;
	struct {
		int col;
		char *dst;
		size_t cap;
	} cols[] = {
		{ 2, e->org, sizeof(e->org) },		   { 3, e->feed, sizeof(e->feed) },
		{ 4, e->report, sizeof(e->report) },	   { 5, e->taxonomy, sizeof(e->taxonomy) },
		{ 6, e->type, sizeof(e->type) },	   { 7, e->identifier, sizeof(e->identifier) },
		{ 8, e->ip, sizeof(e->ip) },		   { 11, e->fqdn, sizeof(e->fqdn) },
		{ 12, e->time_source, sizeof(e->time_source) }, { 13, e->time_last, sizeof(e->time_last) },
		{ 14, e->time_observation, sizeof(e->time_observation) }, { 16, e->tlp, sizeof(e->tlp) },
	};

	e->id = kc_stmt_int(s, 0);
	e->org_id = kc_stmt_int(s, 1);
	for (size_t i = 0; i < KC_ARRAY_LEN(cols); i++) {
		const char *v = kc_stmt_text(s, cols[i].col);

		snprintf(cols[i].dst, cols[i].cap, "%s", v ? v : "");
	}
	e->port = kc_stmt_is_null(s, 9) ? -1 : kc_stmt_int(s, 9);
	e->asn = kc_stmt_int(s, 10);
	e->seen = kc_stmt_int(s, 15);
}

#define EVENT_SELECT                                                                                               \
	"SELECT e.id, COALESCE(e.org_id, 0), COALESCE(o.slug, ''), e.feed_name, e.report, e.taxonomy, e.type, "    \
	"e.identifier, COALESCE(e.source_ip, ''), e.source_port, COALESCE(e.source_asn, 0), "                     \
	"COALESCE(e.source_fqdn, ''), e.time_source, e.time_last, e.time_observation, e.seen, e.tlp "              \
	"FROM event e LEFT JOIN org o ON o.id = e.org_id "                                                         \
	"WHERE (? = 0 OR e.org_id = ?) AND (CAST(? AS TEXT) IS NULL OR e.identifier = ?) "                         \
	"AND (CAST(? AS TEXT) IS NULL OR e.time_source >= ?) "                                                     \
	"AND (? = 0 OR e.id IN (SELECT event_id FROM notice_event WHERE notice_id = ?)) "
#define EVENT_ORDER "ORDER BY e.time_source DESC, e.id DESC LIMIT ? OFFSET ?"

int kc_event_list(kc_store *st, const kc_event_filter *f, kc_event **out, size_t *n, kc_err *err)
{
	int64_t limit = (int64_t)(f->limit ? f->limit : 1000), offset = (int64_t)f->offset;
	char under[300] = "", prefix[KC_CIDR_STRLEN];
	kc_stmt *s;
	int rc;

	if (f->address && strchr(f->address, '/')) {
		/* A prefix finds the events inside it: inet and its GiST index on
		 * PostgreSQL (migration 007), kc_in_prefix on SQLite. */
		kc_cidr net;

		if (kc_cidr_parse(f->address, strlen(f->address), &net, 0, err))
			return KC_EINVAL;
		kc_cidr_format(&net, prefix);
		rc = kc_store_query(st, err, &s,
				    !strcmp(kc_store_engine(st), "postgresql")
					    ? EVENT_SELECT "AND CAST(e.source_ip AS inet) <<= CAST(? AS cidr) " EVENT_ORDER
					    : EVENT_SELECT "AND kc_in_prefix(e.source_ip, ?) " EVENT_ORDER,
				    "iitttt" "ii" "tii", f->org_id, f->org_id, f->identifier, f->identifier, f->since, f->since,
				    f->notice_id, f->notice_id, prefix, limit, offset);
	} else {
		/* An address, a host name, or a domain and the names under it. */
		if (f->address)
			snprintf(under, sizeof(under), "%%.%s", f->address);
		rc = kc_store_query(st, err, &s,
				    EVENT_SELECT "AND (CAST(? AS TEXT) IS NULL OR e.source_ip = ? OR e.source_fqdn = ? "
						 "OR e.source_fqdn LIKE ?) " EVENT_ORDER,
				    "iitttt" "ii" "ttttii", f->org_id, f->org_id, f->identifier, f->identifier, f->since,
				    f->since, f->notice_id, f->notice_id, f->address, f->address, f->address, under, limit, offset);
	}
	if (rc)
		return rc;
	return kc_store_collect(s, sizeof(**out), fill_event, (void **)out, n, err);
}
