/*
 * sink.c - the half of ingestion every feed format shares; see sink.h.
 */
#include "feed/sink.h"

#include <errno.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "base/domain.h"
#include "base/ip.h"
#include "base/kc.h"

int kc_sink_hash_file(const char *path, char out[65], kc_err *err)
{
	unsigned char buf[65536], d[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_state h;
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f)
		return kc_err_set(err, errno == ENOENT ? KC_ENOENT : KC_EIO, _("cannot open %s: %s"), path, strerror(errno));
	crypto_hash_sha256_init(&h);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		crypto_hash_sha256_update(&h, buf, n);
	if (ferror(f)) {
		fclose(f);
		return kc_err_set(err, KC_EIO, _("cannot read %s: %s"), path, strerror(errno));
	}
	fclose(f);
	crypto_hash_sha256_final(&h, d);
	sodium_bin2hex(out, 65, d, sizeof(d));
	return KC_OK;
}

int kc_sink_attribute(const kc_registry *reg, const kc_ip *ip, int have_ip, const char *fqdn, int64_t *org_id)
{
	kc_attrib_hit hit;
	uint32_t v;

	*org_id = 0;
	if (have_ip && kc_attrib_ip1(reg->engine, ip, &v) && v < reg->n) {
		*org_id = reg->assets[v].org_id;
		return 1;
	}
	if (fqdn && kc_attrib_domain(reg->engine, fqdn, strlen(fqdn), &hit, 1) == 1 && hit.value < reg->n) {
		*org_id = reg->assets[hit.value].org_id;
		return 1;
	}
	return 0;
}

int kc_sink_open(kc_sink *s, kc_store *st, const kc_registry *reg, const char *path, const kc_ingest_opts *o,
		 const char *report, kc_ingest_report *rep, kc_err *err)
{
	int64_t seen = 0;
	int rc;

	memset(s, 0, sizeof(*s));
	memset(rep, 0, sizeof(*rep));
	s->st = st;
	s->reg = reg;
	s->o = o;
	s->rep = rep;
	s->feed = o->feed ? o->feed : report;
	snprintf(s->report, sizeof(s->report), "%s", report);
	snprintf(rep->report, sizeof(rep->report), "%s", report);
	snprintf(s->shown, sizeof(s->shown), "%s", path);
	rc = kc_sink_hash_file(path, rep->sha256, err);
	if (!rc && !o->dry_run)
		rc = kc_store_scalar_int(st, err, &seen, "SELECT count(*) FROM ingest_file WHERE sha256 = ?", "t",
					 rep->sha256);
	if (rc)
		return rc;
	if (seen) {
		rep->already = 1;
		return KC_OK;
	}
	if (o->quarantine && !(s->q = fopen(o->quarantine, "a")))
		return kc_err_set(err, KC_EIO, _("cannot open %s: %s"), o->quarantine, strerror(errno));
	kc_time_now_iso(s->now);
	if (!o->dry_run) {
		rc = kc_store_begin(st, err);
		if (rc) {
			fclose(s->q);
			s->q = NULL;
			return rc;
		}
		s->in_tx = 1;
	}
	return KC_OK;
}

void kc_sink_quarantinen(kc_sink *s, size_t line, const char *why, const char *raw, size_t len)
{
	s->rep->lines++;
	s->rep->quarantined++;
	if (!s->q)
		return;
	/* One line per record: tabs and newlines inside the raw text would break it. */
	fprintf(s->q, "%s\t%zu\t%s\t", s->shown, line, why);
	for (size_t i = 0; raw && i < len; i++) {
		char c = raw[i];

		if (c == '\n' || c == '\t' || c == '\r') {
			fputc('\\', s->q);
			c = c == '\n' ? 'n' : c == '\t' ? 't' : 'r';
		}
		fputc(c, s->q);
	}
	fputc('\n', s->q);
}

void kc_sink_quarantine(kc_sink *s, size_t line, const char *why, const char *raw)
{
	kc_sink_quarantinen(s, line, why, raw, raw ? strlen(raw) : 0);
}

int kc_sink_store(kc_sink *s, const kc_sink_event *ev, int64_t org_id, const char *when, int *merged, kc_err *err)
{
	char key[768], since[KC_TIME_STRLEN];
	const char *who = ev->ip ? ev->ip : ev->fqdn ? ev->fqdn : ev->url ? ev->url : "";
	int64_t id = 0;
	time_t t = 0;
	kc_stmt *q;
	int rc;

	snprintf(key, sizeof(key), "%s|%s|%s|%lld", s->feed, ev->identifier, who, (long long)ev->port);
	kc_time_parse(when, &t);
	kc_time_iso(t - (time_t)(s->o->window_hours ? s->o->window_hours : 24) * 3600, since);
	rc = kc_store_query(s->st, err, &q,
			    "SELECT id FROM event WHERE dedup_key = ? AND time_last >= ? ORDER BY id DESC LIMIT 1", "tt",
			    key, since);
	if (rc)
		return rc;
	if ((rc = kc_stmt_step(q, err)) == KC_ROW)
		id = kc_stmt_int(q, 0);
	kc_stmt_finalize(q);
	if (rc < 0)
		return rc;
	*merged = id != 0;
	if (id)
		return kc_store_exec(s->st, err, NULL,
				     "UPDATE event SET seen = seen + 1, "
				     "time_last = CASE WHEN time_last < ? THEN ? ELSE time_last END WHERE id = ?",
				     "tti", when, when, id);
	return kc_store_exec(s->st, err, NULL,
			     "INSERT INTO event (org_id, feed_name, report, taxonomy, type, identifier, source_ip, "
			     "source_port, source_asn, source_fqdn, source_url, time_source, time_last, "
			     "time_observation, dedup_key, extra, tlp) VALUES (NULLIF(?, 0), ?, ?, ?, ?, ?, ?, NULLIF(?, -1), "
			     "NULLIF(?, 0), ?, ?, ?, ?, ?, ?, ?, ?)",
			     "itttttti" "itttttttt", org_id, s->feed, s->report, ev->taxonomy, ev->type, ev->identifier,
			     ev->ip, ev->port, ev->asn, ev->fqdn, ev->url, when, when, s->now, key,
			     ev->extra ? ev->extra : "{}", ev->tlp ? ev->tlp : "AMBER");
}

int kc_sink_emit(kc_sink *s, const kc_sink_event *ev, size_t line, const char *raw, kc_err *err)
{
	char fqdn[KC_DOMAIN_MAX] = "", ipbuf[KC_CIDR_STRLEN], when[KC_TIME_STRLEN], why[KC_ERR_MSG_MAX] = "";
	kc_sink_event e = *ev;
	kc_cidr net = { 0 };
	int64_t org_id = 0;
	int have_ip = 0, merged = 0, rc;
	kc_slice host = { 0 };
	time_t t;
	kc_ip ip;

	if (!e.taxonomy || !e.type || !e.identifier || !*e.taxonomy || !*e.type || !*e.identifier)
		snprintf(why, sizeof(why), _("line %zu: no classification"), line);
	else if (e.time && kc_time_parse(e.time, &t))
		snprintf(why, sizeof(why), _("line %zu: not a time: %s"), line, e.time);
	else if (e.port < -1 || e.port > 65535)
		snprintf(why, sizeof(why), _("line %zu: not a port"), line);
	else if (e.ip && !strchr(e.ip, '/') && kc_ip_parse(e.ip, strlen(e.ip), &ip, NULL))
		snprintf(why, sizeof(why), _("line %zu: not an IP address: %s"), line, e.ip);
	else if (e.ip && strchr(e.ip, '/') && kc_cidr_parse(e.ip, strlen(e.ip), &net, 0, NULL))
		snprintf(why, sizeof(why), _("line %zu: not an IP prefix: %s"), line, e.ip);
	else if (e.fqdn && kc_domain_normalise(e.fqdn, strlen(e.fqdn), fqdn, NULL))
		snprintf(why, sizeof(why), _("line %zu: not a domain name: %s"), line, e.fqdn);
	else if (e.url && kc_url_host(e.url, strlen(e.url), &host, NULL))
		snprintf(why, sizeof(why), _("line %zu: not a URL with a host"), line);
	else if (!e.ip && !e.fqdn && !e.url)
		snprintf(why, sizeof(why), _("line %zu: no address, host name or URL"), line);
	if (!why[0] && !e.ip && !e.fqdn) { /* the URL's host stands for the system */
		if (!kc_ip_parse(host.ptr, host.len, &ip, NULL))
			have_ip = 1;
		else if (kc_domain_normalise(host.ptr, host.len, fqdn, NULL))
			snprintf(why, sizeof(why), _("line %zu: the URL's host is not a domain name"), line);
	}
	if (why[0]) {
		kc_sink_quarantine(s, line, why, raw);
		return 1;
	}
	s->rep->lines++;
	if (e.ip) {
		have_ip = 1;
		if (strchr(e.ip, '/'))
			ip = net.addr;
		e.ip = net.addr.family ? kc_cidr_format(&net, ipbuf) : kc_ip_format(&ip, ipbuf);
	} else if (have_ip) {
		e.ip = kc_ip_format(&ip, ipbuf);
	}
	e.fqdn = fqdn[0] ? fqdn : NULL;
	if (!kc_sink_attribute(s->reg, &ip, have_ip, e.fqdn, &org_id)) {
		s->rep->unattributed++;
		if (!s->o->keep_unattributed)
			return 0;
	}
	if (s->o->dry_run) {
		s->rep->events++;
		return 0;
	}
	if (e.time)
		kc_time_iso(t, when);
	else
		snprintf(when, sizeof(when), "%s", s->now);
	rc = kc_sink_store(s, &e, org_id, when, &merged, err);
	if (rc)
		return rc;
	if (merged)
		s->rep->duplicates++;
	else
		s->rep->events++;
	return 0;
}

int kc_sink_close(kc_sink *s, int rc, kc_err *err)
{
	kc_ingest_report *r = s->rep;

	if (rc == 0 && !s->o->dry_run)
		rc = kc_store_exec(s->st, err, NULL,
				   "INSERT INTO ingest_file (sha256, name, feed_name, report, ingested_at, lines, events, "
				   "duplicates, unattributed, quarantined) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
				   "ttttti" "iiii", r->sha256, s->shown, s->feed, s->report, s->now, (int64_t)r->lines,
				   (int64_t)r->events, (int64_t)r->duplicates, (int64_t)r->unattributed,
				   (int64_t)r->quarantined);
	if (s->in_tx) {
		if (rc)
			kc_store_rollback(s->st);
		else
			rc = kc_store_commit(s->st, err);
		s->in_tx = 0;
	}
	if (s->q) {
		if (fclose(s->q) && !rc)
			rc = kc_err_set(err, KC_EIO, _("cannot write %s: %s"), s->o->quarantine, strerror(errno));
		s->q = NULL;
	}
	return rc;
}
