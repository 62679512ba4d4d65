/*
 * sink.c - the half of ingestion every feed format shares; see sink.h.
 */
#include "feed/sink.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/domain.h"
#include "base/ip.h"
#include "base/kc.h"

/*
 * The content hash that makes re-ingesting a file a no-op. OpenSSL's SHA-256
 * uses the CPU's SHA extensions where there are any: about 1.8 GB/s here
 * against libsodium's portable code at a quarter of that, which made hashing a
 * third of an ingest's time.
 */
int kc_sink_hash_file(const char *path, char out[65], kc_err *err)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char buf[1 << 17], d[EVP_MAX_MD_SIZE];
	unsigned int dlen = 0;
	EVP_MD_CTX *h;
	FILE *f = fopen(path, "rb");
	size_t n;
	int ok;

	if (!f)
		return kc_err_set(err, errno == ENOENT ? KC_ENOENT : KC_EIO, _("cannot open %s: %s"), path, strerror(errno));
	if (!(h = EVP_MD_CTX_new()) || !EVP_DigestInit_ex(h, EVP_sha256(), NULL)) {
		EVP_MD_CTX_free(h);
		fclose(f);
		return kc_err_set(err, KC_ENOMEM, _("out of memory"));
	}
	ok = 1;
	while (ok && (n = fread(buf, 1, sizeof(buf), f)) > 0)
		ok = EVP_DigestUpdate(h, buf, n);
	if (ferror(f)) {
		EVP_MD_CTX_free(h);
		fclose(f);
		return kc_err_set(err, KC_EIO, _("cannot read %s: %s"), path, strerror(errno));
	}
	fclose(f);
	ok = ok && EVP_DigestFinal_ex(h, d, &dlen) && dlen == 32;
	EVP_MD_CTX_free(h);
	if (!ok)
		return kc_err_set(err, KC_EINTERNAL, _("SHA-256 failed"));
	for (unsigned i = 0; i < 32; i++) {
		out[2 * i] = hex[d[i] >> 4];
		out[2 * i + 1] = hex[d[i] & 15];
	}
	out[64] = '\0';
	return KC_OK;
}

int kc_sink_attribute(const kc_registry *reg, const kc_ip *ip, int have_ip, const char *fqdn, int64_t *org_id)
{
	kc_attrib_hit hit;
	uint32_t v;

	*org_id = 0;
	if (have_ip && kc_attrib_ip1(reg->engine, ip, &v) && v < reg->n) {
		*org_id = reg->org_of[v];
		return 1;
	}
	if (fqdn && kc_attrib_domain(reg->engine, fqdn, strlen(fqdn), &hit, 1) == 1 && hit.value < reg->n) {
		*org_id = reg->org_of[hit.value];
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

/* ---- the Bloom filter of dedup keys ---- */

#define BLOOM_MIN_BITS (1u << 23)  /* 1 MiB */
#define BLOOM_MAX_BITS (1u << 26)  /* 8 MiB: a few million keys at ~1 % false positives */
#define BLOOM_K 4

static uint64_t key_hash(const char *k)
{
	uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a, then a final mix */

	for (; *k; k++)
		h = (h ^ (unsigned char)*k) * 0x100000001b3ULL;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h;
}

static void bloom_add(kc_sink *s, uint64_t h)
{
	uint64_t h2 = (h >> 32) | 1;

	for (int i = 0; i < BLOOM_K; i++) {
		size_t bit = (size_t)((h + (uint64_t)i * h2) & (s->bloom_bits - 1));

		s->bloom[bit / 64] |= 1ULL << (bit % 64);
	}
}

static int bloom_maybe(const kc_sink *s, uint64_t h)
{
	uint64_t h2 = (h >> 32) | 1;

	for (int i = 0; i < BLOOM_K; i++) {
		size_t bit = (size_t)((h + (uint64_t)i * h2) & (s->bloom_bits - 1));

		if (!(s->bloom[bit / 64] & (1ULL << (bit % 64))))
			return 0;
	}
	return 1;
}

/* Load the keys of the feed's events from since on (in the file's
 * transaction, so nothing changes under it). On failure the filter is left
 * unloaded and every key is looked up. */
static void bloom_load(kc_sink *s, time_t since)
{
	char iso[KC_TIME_STRLEN];
	int64_t n = 0;
	size_t bits = BLOOM_MIN_BITS;
	kc_stmt *q;
	kc_err e;

	kc_time_iso(since, iso);
	if (kc_store_scalar_int(s->st, &e, &n, "SELECT count(*) FROM event WHERE feed_name = ? AND time_last >= ?", "tt",
				s->feed, iso))
		return;
	while (bits < BLOOM_MAX_BITS && bits < (size_t)(n + 1000000) * 10)
		bits <<= 1;
	s->bloom = calloc(bits / 64, sizeof(uint64_t));
	if (!s->bloom)
		return;
	s->bloom_bits = bits;
	s->bloom_since = since;
	if (kc_store_query(s->st, &e, &q, "SELECT dedup_key FROM event WHERE feed_name = ? AND time_last >= ?", "tt",
			   s->feed, iso)) {
		free(s->bloom);
		s->bloom = NULL;
		s->bloom_bits = 0;
		return;
	}
	while (kc_stmt_step(q, &e) == KC_ROW)
		bloom_add(s, key_hash(kc_stmt_text(q, 0)));
	kc_stmt_finalize(q);
}

int kc_sink_store(kc_sink *s, const kc_sink_event *ev, int64_t org_id, const char *when, int *merged, kc_err *err)
{
	char key[768], since[KC_TIME_STRLEN];
	const char *who = ev->ip ? ev->ip : ev->fqdn ? ev->fqdn : ev->url ? ev->url : "";
	int64_t id = 0;
	time_t t = 0;
	kc_stmt *q;
	int rc;

	time_t window = (time_t)(s->o->window_hours ? s->o->window_hours : 24) * 3600;
	uint64_t h;
	int lookup = 1;

	snprintf(key, sizeof(key), "%s|%s|%s|%lld", s->feed, ev->identifier, who, (long long)ev->port);
	kc_time_parse(when, &t);
	kc_time_iso(t - window, since);
	h = key_hash(key);
	/* The filter covers the window of the first event and a day before it
	 * (reports come in time order, a day at a time); older events are
	 * looked up as before. */
	if (!s->bloom_tried) {
		s->bloom_tried = 1;
		bloom_load(s, t - window - 86400);
	}
	if (s->bloom_bits && t - window >= s->bloom_since && !bloom_maybe(s, h))
		lookup = 0;
	if (lookup) {
		rc = kc_store_query(s->st, err, &q,
				    "SELECT id FROM event WHERE dedup_key = ? AND time_last >= ? ORDER BY id DESC LIMIT 1",
				    "tt", key, since);
		if (rc)
			return rc;
		if ((rc = kc_stmt_step(q, err)) == KC_ROW)
			id = kc_stmt_int(q, 0);
		kc_stmt_finalize(q);
		if (rc < 0)
			return rc;
	}
	*merged = id != 0;
	if (!id && s->bloom_bits)
		bloom_add(s, h);
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
	else if (e.url && !kc_utf8_valid(e.url, strlen(e.url)))
		snprintf(why, sizeof(why), _("line %zu: the URL is not UTF-8 text"), line);
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

	free(s->bloom);
	s->bloom = NULL;
	s->bloom_bits = 0;
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
