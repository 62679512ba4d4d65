/*
 * fetch.c - scheduled feeds; see fetch.h.
 */
#include "feed/fetch.h"

#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "audit/audit.h"
#include "base/log.h"
#include "base/time.h"
#include "org/asset.h"
#include "base/kc.h"

#define LEASE_SECONDS 3600		/* a download and its ingest may take long */
#define MAX_DOWNLOAD (8LL << 30)	/* bytes */

int64_t kc_interval_parse(const char *s)
{
	char *end;
	long long v, unit;

	if (!s || !*s || *s == '-')
		return 0;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || v <= 0 || end == s)
		return 0;
	if (!*end || !strcmp(end, "s"))
		unit = 1;
	else if (!strcmp(end, "m"))
		unit = 60;
	else if (!strcmp(end, "h"))
		unit = 3600;
	else if (!strcmp(end, "d"))
		unit = 86400;
	else
		return 0;
	if (v > 366LL * 86400 / unit) /* a year at most */
		return 0;
	return v * unit;
}

static int format_valid(const char *f)
{
	static const char *const known[] = { "shadowserver", "list", "stix", "misp", "csv" };

	for (size_t i = 0; i < KC_ARRAY_LEN(known); i++)
		if (!strcmp(f, known[i]))
			return 1;
	return 0;
}

int kc_feed_add(kc_store *st, const char *actor, const kc_feed *f, kc_err *err)
{
	char now[KC_TIME_STRLEN];
	int rc;

	if (!f->name[0] || strspn(f->name, "abcdefghijklmnopqrstuvwxyz0123456789-_.") != strlen(f->name))
		return kc_err_set(err, KC_EINVAL, _("%s: a feed name has lower-case letters, digits, '-', '_' and '.'"),
				  f->name);
	if (strncmp(f->url, "http://", 7) && strncmp(f->url, "https://", 8))
		return kc_err_set(err, KC_EINVAL, _("%s: a feed URL starts with http:// or https://"), f->url);
	if (!format_valid(f->format))
		return kc_err_set(err, KC_EINVAL, _("%s: the format is shadowserver, list, stix, misp or csv"), f->format);
	if (!strcmp(f->format, "list") && !f->classification[0])
		return kc_err_set(err, KC_EINVAL, _("a list feed needs --classification TAXONOMY/TYPE/IDENTIFIER"));
	if (!strcmp(f->format, "csv") && !f->mapping[0])
		return kc_err_set(err, KC_EINVAL, _("a CSV feed needs --mapping FILE"));
	if (f->every < 60)
		return kc_err_set(err, KC_EINVAL, _("a feed is fetched at most every minute (--every 1m)"));
	kc_time_now_iso(now);
	rc = kc_store_begin(st, err);
	if (rc)
		return rc;
	rc = kc_store_exec(st, err, NULL,
			   "INSERT INTO feed (name, url, format, report, classification, mapping, every_seconds, next_fetch, "
			   "created_at) VALUES (?, ?, ?, NULLIF(?, ''), NULLIF(?, ''), NULLIF(?, ''), ?, ?, ?)",
			   "ttttttitt", f->name, f->url, f->format, f->report, f->classification, f->mapping, f->every, now,
			   now);
	if (rc == KC_EEXIST || (rc && strstr(err->msg, "UNIQUE")) || (rc && strstr(err->msg, "unique")))
		rc = kc_err_set(err, KC_EEXIST, _("there is already a feed named %s"), f->name);
	/* Feed URLs often carry an API key in the query or user part: the audit
	 * log records the URL without them. */
	if (!rc) {
		const char *scheme_end = strstr(f->url, "://"), *host = scheme_end ? scheme_end + 3 : f->url, *at;
		size_t hostlen = strcspn(host, "/?#");

		at = memchr(host, '@', hostlen);
		if (at) {
			hostlen -= (size_t)(at + 1 - host);
			host = at + 1;
		}
		rc = kc_audit_appendf(st, err, actor, "feed.add", f->name, "%s every %llds from %.*s%.*s%.*s", f->format,
				      (long long)f->every, (int)(scheme_end ? scheme_end + 3 - f->url : 0), f->url, (int)hostlen,
				      host, (int)strcspn(host + hostlen, "?#"), host + hostlen);
	}
	if (rc) {
		kc_store_rollback(st);
		return rc;
	}
	return kc_store_commit(st, err);
}

int kc_feed_rm(kc_store *st, const char *actor, const char *name, kc_err *err)
{
	int64_t id = 0;
	int rc;

	rc = kc_store_begin(st, err);
	if (rc)
		return rc;
	rc = kc_store_exec(st, err, &id, "DELETE FROM feed WHERE name = ? RETURNING id", "t", name);
	if (!rc && !id)
		rc = kc_err_set(err, KC_ENOENT, _("no feed named %s"), name);
	if (!rc)
		rc = kc_audit_appendf(st, err, actor, "feed.rm", name, "feed removed");
	if (rc) {
		kc_store_rollback(st);
		return rc;
	}
	return kc_store_commit(st, err);
}

static void fill_feed(kc_stmt *s, void *rec)
{
	kc_feed *f = rec;
	const char *v;

	f->id = kc_stmt_int(s, 0);
#define COPY(fld, col) snprintf(f->fld, sizeof(f->fld), "%s", (v = kc_stmt_text(s, col)) ? v : "")
	COPY(name, 1);
	COPY(url, 2);
	COPY(format, 3);
	COPY(report, 4);
	COPY(classification, 5);
	COPY(mapping, 6);
	f->every = kc_stmt_int(s, 7);
	f->enabled = (int)kc_stmt_int(s, 8);
	COPY(next_fetch, 9);
	COPY(last_fetch, 10);
	COPY(last_status, 11);
	COPY(last_error, 12);
	f->last_events = kc_stmt_int(s, 13);
#undef COPY
}

#define FEED_COLS                                                                                                    \
	"id, name, url, format, report, classification, mapping, every_seconds, enabled, next_fetch, last_fetch, "  \
	"last_status, last_error, COALESCE(last_events, 0) "

int kc_feed_list(kc_store *st, kc_feed **out, size_t *n, kc_err *err)
{
	kc_stmt *s;
	int rc;

	rc = kc_store_query(st, err, &s, "SELECT " FEED_COLS "FROM feed ORDER BY name", "");
	if (rc)
		return rc;
	return kc_store_collect(s, sizeof(kc_feed), fill_feed, (void **)out, n, err);
}

int kc_ingest_format(kc_store *st, const kc_registry *reg, const char *format, const char *path,
		     const kc_ingest_opts *o, kc_ingest_report *rep, kc_err *err)
{
	if (!strcmp(format, "shadowserver"))
		return kc_ingest_file(st, reg, path, o, rep, err);
	if (!strcmp(format, "list"))
		return kc_ingest_list(st, reg, path, o, rep, err);
	if (!strcmp(format, "stix"))
		return kc_ingest_stix(st, reg, path, o, rep, err);
	if (!strcmp(format, "misp"))
		return kc_ingest_misp(st, reg, path, o, rep, err);
	if (!strcmp(format, "csv"))
		return kc_ingest_csv(st, reg, path, o, rep, err);
	return kc_err_set(err, KC_EINVAL, _("%s: the format is shadowserver, list, stix, misp or csv"), format);
}

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void curl_init(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

static int mkdirs(const char *path)
{
	char p[1024];

	snprintf(p, sizeof(p), "%s", path);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0750) && errno != EEXIST)
			return -1;
		*s = '/';
	}
	return mkdir(p, 0750) && errno != EEXIST ? -1 : 0;
}

/* The file name to keep: the URL path's last segment, else the feed's name. */
static void base_name(const kc_feed *f, char *out, size_t cap)
{
	const char *p = strstr(f->url, "://"), *q, *end;

	p = p ? strchr(p + 3, '/') : NULL;
	end = p ? p + strcspn(p, "?#") : NULL;
	q = end;
	while (q && q > p && q[-1] != '/')
		q--;
	if (q && end > q && (size_t)(end - q) < cap && !memchr(q, '%', (size_t)(end - q)) && *q != '.')
		snprintf(out, cap, "%.*s", (int)(end - q), q);
	else
		snprintf(out, cap, "%s.%s", f->name, !strcmp(f->format, "stix") || !strcmp(f->format, "misp") ? "json" :
						      !strcmp(f->format, "list") ? "txt" : "csv");
}

static int download(const kc_feed *f, const char *path, char *why, size_t whycap)
{
	char errbuf[CURL_ERROR_SIZE] = "";
	long code = 0;
	CURLcode cc;
	FILE *out;
	CURL *h;

	out = fopen(path, "wb");
	if (!out) {
		snprintf(why, whycap, "%s: %s", path, strerror(errno));
		return -1;
	}
	pthread_once(&curl_once, curl_init);
	h = curl_easy_init();
	if (!h) {
		fclose(out);
		snprintf(why, whycap, "libcurl");
		return -1;
	}
	curl_easy_setopt(h, CURLOPT_URL, f->url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(h, CURLOPT_MAXREDIRS, 5L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 30L);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1024L);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, 120L);
	curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)MAX_DOWNLOAD);
	curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(h, CURLOPT_USERAGENT, "kcert/" KCERT_VERSION);
	curl_easy_setopt(h, CURLOPT_FAILONERROR, 1L);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, out);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	cc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_cleanup(h);
	if (fclose(out) && cc == CURLE_OK) {
		snprintf(why, whycap, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (cc != CURLE_OK) {
		snprintf(why, whycap, "%s%s%s (HTTP %ld)", curl_easy_strerror(cc), errbuf[0] ? ": " : "", errbuf, code);
		remove(path);
		return -1;
	}
	return 0;
}

/* Claim one due feed (or the named one). 1 claimed, 0 none, < 0 error. */
static int claim(kc_store *st, const char *owner, const char *only, kc_feed *f, kc_err *err)
{
	char now[KC_TIME_STRLEN], until[KC_TIME_STRLEN];
	int pg = !strcmp(kc_store_engine(st), "postgresql");
	kc_feed *v = NULL;
	size_t n = 0;
	kc_stmt *s;
	int rc;

	kc_time_now_iso(now);
	kc_time_iso(kc_now() + LEASE_SECONDS, until);
	if (only)
		rc = kc_store_query(st, err, &s,
				    "UPDATE feed SET lease_owner = ?, lease_until = ? WHERE name = ? "
				    "AND (lease_until IS NULL OR lease_until < ?) RETURNING " FEED_COLS,
				    "tttt", owner, until, only, now);
	else
		rc = kc_store_query(st, err, &s,
				    pg ? "UPDATE feed SET lease_owner = ?, lease_until = ? WHERE id = (SELECT id FROM feed "
					 "WHERE enabled = 1 AND next_fetch <= ? AND (lease_until IS NULL OR lease_until < ?) "
					 "ORDER BY next_fetch LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING " FEED_COLS
				       : "UPDATE feed SET lease_owner = ?, lease_until = ? WHERE id = (SELECT id FROM feed "
					 "WHERE enabled = 1 AND next_fetch <= ? AND (lease_until IS NULL OR lease_until < ?) "
					 "ORDER BY next_fetch LIMIT 1) RETURNING " FEED_COLS,
				    "tttt", owner, until, now, now);
	if (rc)
		return rc;
	rc = kc_store_collect(s, sizeof(kc_feed), fill_feed, (void **)&v, &n, err);
	if (!rc && n)
		*f = v[0];
	free(v);
	return rc ? rc : n ? 1 : 0;
}

static int record(kc_store *st, const kc_feed *f, const char *status, const char *why, int64_t events, kc_err *err)
{
	char now[KC_TIME_STRLEN], next[KC_TIME_STRLEN];

	kc_time_now_iso(now);
	kc_time_iso(kc_now() + f->every, next);
	return kc_store_exec(st, err, NULL,
			     "UPDATE feed SET last_fetch = ?, last_status = ?, last_error = ?, last_events = ?, "
			     "next_fetch = ?, lease_owner = NULL, lease_until = NULL WHERE id = ?",
			     "ttti" "ti", now, status, why, events, next, f->id);
}

static int fetch_one(kc_store *st, const kc_feed *f, const char *spool, kc_fetch_result *r, kc_err *err)
{
	char dir[1024], path[1400], base[256], stamp[KC_TIME_STRLEN], why[600] = "", cls[3][80], quarantine[1100];
	kc_ingest_opts o = { .feed = f->name, .quarantine = quarantine, .mapping = f->mapping[0] ? f->mapping : NULL };
	kc_registry *reg = NULL;
	kc_ingest_report rep;
	kc_err e;
	int rc;

	kc_time_now_iso(stamp);
	snprintf(dir, sizeof(dir), "%s/%s/%s", spool, f->name, stamp);
	snprintf(quarantine, sizeof(quarantine), "%s/%s/quarantine.tsv", spool, f->name);
	base_name(f, base, sizeof(base));
	snprintf(path, sizeof(path), "%s/%s", dir, base);
	if (mkdirs(dir)) {
		snprintf(why, sizeof(why), "%s: %s", dir, strerror(errno));
	} else if (!download(f, path, why, sizeof(why))) {
		if (f->report[0])
			o.report = f->report;
		if (f->classification[0] &&
		    sscanf(f->classification, "%79[^/]/%79[^/]/%79s", cls[0], cls[1], cls[2]) == 3) {
			o.taxonomy = cls[0];
			o.type = cls[1];
			o.identifier = cls[2];
		}
		kc_err_clear(&e);
		rc = kc_registry_load(st, &reg, &e);
		if (!rc)
			rc = kc_ingest_format(st, reg, f->format, path, &o, &rep, &e);
		kc_registry_free(reg);
		if (rc) {
			snprintf(why, sizeof(why), "%s", e.msg);
		} else {
			r->fetched++;
			r->events += rep.events;
			r->quarantined += rep.quarantined;
			if (rep.already)
				r->unchanged++;
			kc_info("feed %s: %s, %zu new events, %zu quarantined", f->name, rep.already ? "unchanged" : "ingested",
				rep.events, rep.quarantined);
			return record(st, f, rep.already ? "unchanged" : rep.quarantined ? "quarantined" : "ok", NULL,
				      (int64_t)rep.events, err);
		}
	}
	r->failed++;
	kc_warn("feed %s: %s", f->name, why);
	return record(st, f, "failed", why, 0, err);
}

int kc_feed_run(kc_store *st, const char *owner, const char *only, const char *spool, kc_fetch_result *r,
		kc_err *err)
{
	const char *dir = spool ? spool : getenv("KCERT_SPOOL");
	kc_feed f;
	int rc;

	memset(r, 0, sizeof(*r));
	if (!dir || !*dir)
		dir = "var/feeds";
	for (;;) {
		rc = claim(st, owner, only, &f, err);
		if (rc <= 0)
			break;
		rc = fetch_one(st, &f, dir, r, err);
		if (rc || only)
			break;
	}
	if (only && rc == 0 && !r->fetched && !r->failed)
		rc = kc_err_set(err, KC_ENOENT, _("no feed named %s, or it is being fetched right now"), only);
	return rc < 0 ? rc : KC_OK;
}
