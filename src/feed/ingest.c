/*
 * ingest.c - one Shadowserver report into events.
 *
 * The file is read twice: once to hash it (a file whose content was ingested
 * before is skipped, so a re-run of a fetch or a cron job does nothing), then
 * streamed through the CSV reader. Each data line becomes an event with
 * IntelMQ's fields; the address is attributed through the registry (the most
 * specific prefix, else the host name by domain suffix; never by AS number,
 * which names a provider as often as a constituent). An event with the same
 * feed, identifier, address and port as one seen within the window is merged
 * into it (seen + 1, time_last). A line that cannot be read goes to the
 * quarantine file with its line number and the reason, and the rest goes on.
 * Everything of one file is one transaction, with the record of the file:
 * a crash leaves either all of it or none.
 */
#include "feed/ingest.h"

#include <errno.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/csv.h"
#include "base/domain.h"
#include "base/ip.h"
#include "base/time.h"
#include "feed/shadowserver.h"
#include "base/kc.h"

static int hash_file(const char *path, char out[65], kc_err *err)
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

struct cols {
	int ts, ip, port, fqdn, asn, url, tag;
};

static int col_of(const kc_csv_record *h, const char *name)
{
	for (size_t i = 0; name && i < h->nfields; i++)
		if (!strcmp(h->fields[i].ptr, name))
			return (int)i;
	return -1;
}

static const char *field(const kc_csv_record *r, int col)
{
	return col >= 0 && (size_t)col < r->nfields && r->fields[col].len ? r->fields[col].ptr : NULL;
}

static void quarantine(FILE *q, const char *name, const kc_csv_record *rec, const char *why)
{
	if (!q)
		return;
	fprintf(q, "%s\t%zu\t%s\t%.*s\n", name, rec->line, why, (int)rec->raw.len, rec->raw.ptr);
}

/* Store one event, or merge it into the one of its window. */
static int store_event(kc_store *st, const kc_ingest_opts *o, const char *feed, const char *report,
		       const char *tax, const char *type, const char *ident, int64_t org_id, const char *ip,
		       int64_t port, int64_t asn, const char *fqdn, const char *url, const char *when,
		       const char *now, const char *extra, int *merged, kc_err *err)
{
	char key[512], since[KC_TIME_STRLEN];
	int64_t id = 0;
	time_t t;
	kc_stmt *s;
	int rc;

	snprintf(key, sizeof(key), "%s|%s|%s|%lld", feed, ident, ip ? ip : fqdn ? fqdn : "", (long long)port);
	kc_time_parse(when, &t);
	kc_time_iso(t - (time_t)(o->window_hours ? o->window_hours : 24) * 3600, since);
	rc = kc_store_query(st, err, &s,
			    "SELECT id FROM event WHERE dedup_key = ? AND time_last >= ? ORDER BY id DESC LIMIT 1", "tt",
			    key, since);
	if (rc)
		return rc;
	if ((rc = kc_stmt_step(s, err)) == KC_ROW)
		id = kc_stmt_int(s, 0);
	kc_stmt_finalize(s);
	if (rc < 0)
		return rc;
	*merged = id != 0;
	if (id)
		return kc_store_exec(st, err, NULL,
				     "UPDATE event SET seen = seen + 1, "
				     "time_last = CASE WHEN time_last < ? THEN ? ELSE time_last END WHERE id = ?",
				     "tti", when, when, id);
	return kc_store_exec(st, err, NULL,
			     "INSERT INTO event (org_id, feed_name, report, taxonomy, type, identifier, source_ip, "
			     "source_port, source_asn, source_fqdn, source_url, time_source, time_last, "
			     "time_observation, dedup_key, extra) VALUES (NULLIF(?, 0), ?, ?, ?, ?, ?, ?, NULLIF(?, -1), "
			     "NULLIF(?, 0), ?, ?, ?, ?, ?, ?, ?)",
			     "itttttti" "ittttttt", org_id, feed, report, tax, type, ident, ip, port, asn, fqdn, url, when,
			     when, now, key, extra);
}

static int attribute(const kc_registry *reg, const kc_ip *ip, int have_ip, const char *fqdn, int64_t *org_id)
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

int kc_ingest_file(kc_store *st, const kc_registry *reg, const char *path, const kc_ingest_opts *o,
		   kc_ingest_report *rep, kc_err *err)
{
	const char *feed = o->feed ? o->feed : "shadowserver";
	char now[KC_TIME_STRLEN], shown[160];
	const kc_ss_report *def;
	kc_csv_record rec;
	struct cols c = { -1, -1, -1, -1, -1, -1, -1 };
	FILE *f = NULL, *q = NULL;
	int64_t seen = 0;
	kc_csv *csv = NULL;
	char **hdr = NULL;
	size_t nhdr = 0;
	kc_err e;
	int rc, first = 1;

	memset(rep, 0, sizeof(*rep));
	snprintf(shown, sizeof(shown), "%s", path);
	if (o->report)
		snprintf(rep->report, sizeof(rep->report), "%s", o->report);
	else if (kc_ss_report_from_filename(path, rep->report, sizeof(rep->report)))
		return kc_err_set(err, KC_EINVAL, _("%s: cannot tell the report type from the file name; give --report"),
				  shown);
	def = kc_ss_report_find(rep->report);
	if (!def)
		return kc_err_set(err, KC_EINVAL, _("%s: unknown Shadowserver report type %s (give --report TYPE)"), shown,
				  rep->report);
	rc = hash_file(path, rep->sha256, err);
	if (!rc && !o->dry_run)
		rc = kc_store_scalar_int(st, err, &seen, "SELECT count(*) FROM ingest_file WHERE sha256 = ?", "t",
					 rep->sha256);
	if (rc)
		return rc;
	if (seen) {
		rep->already = 1;
		return KC_OK;
	}
	f = fopen(path, "rb");
	if (!f)
		return kc_err_set(err, KC_EIO, _("cannot open %s: %s"), shown, strerror(errno));
	if (o->quarantine && !(q = fopen(o->quarantine, "a"))) {
		rc = kc_err_set(err, KC_EIO, _("cannot open %s: %s"), o->quarantine, strerror(errno));
		goto out;
	}
	rc = kc_csv_open_file(&csv, f, NULL, err);
	if (rc)
		goto out;
	rc = kc_store_begin(st, err);
	if (rc)
		goto out;
	kc_time_now_iso(now);
	while ((rc = kc_csv_next(csv, &rec, &e)) != 0) {
		const char *ts, *ipf, *portf, *asnf, *fqdnf, *urlf, *tag, *tax, *type, *ident;
		char fqdn[KC_DOMAIN_MAX], when[KC_TIME_STRLEN], ipbuf[KC_CIDR_STRLEN], why[KC_ERR_MSG_MAX];
		kc_cidr net = { 0 };
		int64_t port = -1, asn = 0, org_id = 0;
		int have_ip = 0, merged = 0;
		json_t *extra;
		char *extra_s;
		time_t t;
		kc_ip ip;

		if (rc < 0) {
			if (rc == KC_EIO || rc == KC_ENOMEM) {
				*err = e;
				break;
			}
			rep->lines++;
			rep->quarantined++;
			quarantine(q, shown, &rec, e.msg);
			continue;
		}
		if (first) { /* the header names the columns; parse by name, never by position */
			c.ts = col_of(&rec, "timestamp");
			c.ip = col_of(&rec, def->ip);
			c.port = col_of(&rec, def->port);
			c.fqdn = col_of(&rec, def->fqdn);
			c.asn = col_of(&rec, def->asn);
			c.url = col_of(&rec, def->url);
			c.tag = col_of(&rec, "tag");
			first = 0;
			hdr = calloc(rec.nfields, sizeof(*hdr));
			for (size_t i = 0; hdr && i < rec.nfields; i++)
				hdr[i] = strdup(rec.fields[i].ptr);
			nhdr = hdr ? rec.nfields : 0;
			if (c.ts < 0 || (c.ip < 0 && c.fqdn < 0)) {
				rc = kc_err_set(err, KC_EPARSE, _("%s: the header has no timestamp or address column for %s"),
						shown, def->name);
				break;
			}
			continue;
		}
		rep->lines++;
		ts = field(&rec, c.ts);
		ipf = field(&rec, c.ip);
		portf = field(&rec, c.port);
		asnf = field(&rec, c.asn);
		fqdnf = field(&rec, c.fqdn);
		urlf = field(&rec, c.url);
		tag = field(&rec, c.tag);
		why[0] = '\0';
		if (!ts || kc_time_parse(ts, &t))
			snprintf(why, sizeof(why), _("line %zu: field timestamp: not a time"), rec.line);
		else if (ipf && kc_ip_parse(ipf, strlen(ipf), &ip, NULL) &&
			 (!strchr(ipf, '/') || kc_cidr_parse(ipf, strlen(ipf), &net, 0, NULL)))
			snprintf(why, sizeof(why), _("line %zu: field %s: not an IP address"), rec.line, def->ip);
		else if (portf && (strspn(portf, "0123456789") != strlen(portf) || strlen(portf) > 5 || atoi(portf) > 65535))
			snprintf(why, sizeof(why), _("line %zu: field %s: not a port"), rec.line, def->port);
		else if (asnf && strspn(asnf, "0123456789") != strlen(asnf))
			snprintf(why, sizeof(why), _("line %zu: field %s: not an AS number"), rec.line, def->asn);
		else if (!ipf && !fqdnf)
			snprintf(why, sizeof(why), _("line %zu: no address and no host name"), rec.line);
		if (why[0]) {
			rep->quarantined++;
			quarantine(q, shown, &rec, why);
			continue;
		}
		have_ip = ipf != NULL;
		/* Block lists name whole networks: attribute by the network's address,
		 * keep the prefix as the event's address. */
		if (ipf && strchr(ipf, '/'))
			ip = net.addr;
		if (portf)
			port = atoi(portf);
		if (asnf && strlen(asnf) <= 10)
			asn = strtoll(asnf, NULL, 10); /* 0 means unknown (IntelMQ's invalidate_zero) */
		fqdn[0] = '\0';
		if (fqdnf && kc_domain_normalise(fqdnf, strlen(fqdnf), fqdn, NULL))
			fqdn[0] = '\0';
		if (!attribute(reg, &ip, have_ip, fqdn[0] ? fqdn : NULL, &org_id)) {
			rep->unattributed++;
			if (!o->keep_unattributed)
				continue;
		}
		if (o->dry_run) {
			rep->events++;
			continue;
		}
		tax = def->taxonomy;
		type = def->type;
		ident = def->identifier ? def->identifier : tag ? tag : "unknown";
		if (def->tag_has && tag && strstr(tag, def->tag_has)) {
			tax = def->tag_taxonomy;
			type = def->tag_type;
			ident = def->tag_identifier;
		}
		/* Every other column, as it was, in extra. */
		extra = json_object();
		for (size_t i = 0; i < rec.nfields && i < nhdr; i++) {
			int ci = (int)i;

			if (ci == c.ts || ci == c.ip || ci == c.port || ci == c.fqdn || ci == c.asn || !rec.fields[i].len ||
			    !hdr[i])
				continue;
			json_object_set_new(extra, hdr[i], json_stringn(rec.fields[i].ptr, rec.fields[i].len));
		}
		extra_s = json_dumps(extra, JSON_COMPACT | JSON_SORT_KEYS);
		json_decref(extra);
		kc_time_iso(t, when);
		rc = store_event(st, o, feed, def->name, tax, type, ident, org_id, !have_ip ? NULL : net.addr.family ? kc_cidr_format(&net, ipbuf) : kc_ip_format(&ip, ipbuf),
				 port, asn, fqdn[0] ? fqdn : NULL, urlf, when, now, extra_s ? extra_s : "{}", &merged, err);
		free(extra_s);
		if (rc)
			break;
		if (merged)
			rep->duplicates++;
		else
			rep->events++;
		rc = 1;
	}
	if (rc == 0 && !o->dry_run)
		rc = kc_store_exec(st, err, NULL,
				   "INSERT INTO ingest_file (sha256, name, feed_name, report, ingested_at, lines, events, "
				   "duplicates, unattributed, quarantined) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
				   "ttttti" "iiii", rep->sha256, shown, feed, def->name, now, (int64_t)rep->lines,
				   (int64_t)rep->events, (int64_t)rep->duplicates, (int64_t)rep->unattributed,
				   (int64_t)rep->quarantined);
	if (rc)
		kc_store_rollback(st);
	else
		rc = kc_store_commit(st, err);
out:
	for (size_t i = 0; i < nhdr; i++)
		free(hdr[i]);
	free(hdr);
	kc_csv_free(csv);
	if (f)
		fclose(f);
	if (q)
		fclose(q);
	return rc;
}

void kc_refang(char *s)
{
	static const struct {
		const char *from, *to;
	} subs[] = { { "hxxp", "http" }, { "hXXp", "http" }, { "[.]", "." }, { "(.)", "." }, { "[dot]", "." },
		     { "(dot)", "." }, { "[:]", ":" }, { "[://]", "://" } };
	char *w = s;

	for (const char *r = s; *r;) {
		size_t i;

		for (i = 0; i < KC_ARRAY_LEN(subs); i++) {
			size_t n = strlen(subs[i].from);

			if (!strncmp(r, subs[i].from, n)) {
				size_t m = strlen(subs[i].to);

				memmove(w, subs[i].to, m); /* never longer than the match: w stays behind r */
				w += m;
				r += n;
				break;
			}
		}
		if (i == KC_ARRAY_LEN(subs))
			*w++ = *r++;
	}
	*w = '\0';
}

static void quarantine_line(FILE *q, const char *name, size_t line, const char *why, const char *raw)
{
	if (q)
		fprintf(q, "%s\t%zu\t%s\t%s\n", name, line, why, raw);
}

int kc_ingest_list(kc_store *st, const kc_registry *reg, const char *path, const kc_ingest_opts *o,
		   kc_ingest_report *rep, kc_err *err)
{
	const char *feed = o->feed ? o->feed : "list";
	char now[KC_TIME_STRLEN], line[8192], shown[160];
	FILE *f = NULL, *q = NULL;
	int64_t seen = 0;
	size_t lineno = 0;
	int rc;

	memset(rep, 0, sizeof(*rep));
	snprintf(shown, sizeof(shown), "%s", path);
	snprintf(rep->report, sizeof(rep->report), "list");
	if (!o->taxonomy || !o->type || !o->identifier)
		return kc_err_set(err, KC_EINVAL, _("a list needs its classification: --classification TAXONOMY/TYPE/IDENTIFIER"));
	rc = hash_file(path, rep->sha256, err);
	if (!rc && !o->dry_run)
		rc = kc_store_scalar_int(st, err, &seen, "SELECT count(*) FROM ingest_file WHERE sha256 = ?", "t",
					 rep->sha256);
	if (rc)
		return rc;
	if (seen) {
		rep->already = 1;
		return KC_OK;
	}
	f = fopen(path, "rb");
	if (!f)
		return kc_err_set(err, KC_EIO, _("cannot open %s: %s"), shown, strerror(errno));
	if (o->quarantine && !(q = fopen(o->quarantine, "a"))) {
		fclose(f);
		return kc_err_set(err, KC_EIO, _("cannot open %s: %s"), o->quarantine, strerror(errno));
	}
	rc = kc_store_begin(st, err);
	if (rc)
		goto out;
	kc_time_now_iso(now);
	while (fgets(line, sizeof(line), f)) {
		char fqdn[KC_DOMAIN_MAX] = "", text[KC_CIDR_STRLEN], why[KC_ERR_MSG_MAX], *v, *end, *hash;
		size_t len = strlen(line);
		const char *url = NULL;
		kc_cidr net = { 0 };
		int64_t org_id = 0;
		int have_ip = 0, merged = 0;
		kc_slice host;
		kc_ip ip;

		lineno++;
		if (len && line[len - 1] != '\n' && !feof(f)) {
			int c;

			while ((c = fgetc(f)) != EOF && c != '\n')
				;
			rep->lines++;
			rep->quarantined++;
			snprintf(why, sizeof(why), _("line %zu: longer than %zu bytes"), lineno, sizeof(line) - 2);
			quarantine_line(q, shown, lineno, why, "");
			continue;
		}
		line[strcspn(line, "\r\n")] = '\0';
		for (v = line; *v == ' ' || *v == '\t'; v++)
			;
		hash = strchr(v, '#');
		if (hash && (hash == v || hash[-1] == ' ' || hash[-1] == '\t'))
			*hash = '\0';
		for (end = v + strlen(v); end > v && (end[-1] == ' ' || end[-1] == '\t'); end--)
			;
		*end = '\0';
		if (!*v)
			continue;
		rep->lines++;
		kc_refang(v);
		why[0] = '\0';
		if (strstr(v, "://")) {
			url = v;
			if (kc_url_host(v, strlen(v), &host, NULL))
				snprintf(why, sizeof(why), _("line %zu: not a URL with a host"), lineno);
			else if (!kc_ip_parse(host.ptr, host.len, &ip, NULL))
				have_ip = 1;
			else if (kc_domain_normalise(host.ptr, host.len, fqdn, NULL))
				snprintf(why, sizeof(why), _("line %zu: the URL's host is not a domain name"), lineno);
		} else if (strchr(v, '/')) {
			if (kc_cidr_parse(v, strlen(v), &net, 0, NULL))
				snprintf(why, sizeof(why), _("line %zu: not an address, prefix, domain or URL"), lineno);
			else {
				ip = net.addr;
				have_ip = 1;
			}
		} else if (!kc_ip_parse(v, strlen(v), &ip, NULL)) {
			have_ip = 1;
		} else if (kc_domain_normalise(v, strlen(v), fqdn, NULL)) {
			snprintf(why, sizeof(why), _("line %zu: not an address, prefix, domain or URL"), lineno);
		}
		if (why[0]) {
			rep->quarantined++;
			quarantine_line(q, shown, lineno, why, v);
			continue;
		}
		if (!attribute(reg, &ip, have_ip, fqdn[0] ? fqdn : NULL, &org_id)) {
			rep->unattributed++;
			if (!o->keep_unattributed)
				continue;
		}
		if (o->dry_run) {
			rep->events++;
			continue;
		}
		rc = store_event(st, o, feed, "list", o->taxonomy, o->type, o->identifier, org_id,
				 !have_ip ? NULL : net.addr.family ? kc_cidr_format(&net, text) : kc_ip_format(&ip, text), -1,
				 0, fqdn[0] ? fqdn : NULL, url, now, now, "{}", &merged, err);
		if (rc)
			break;
		if (merged)
			rep->duplicates++;
		else
			rep->events++;
	}
	if (!rc && ferror(f))
		rc = kc_err_set(err, KC_EIO, _("cannot read %s: %s"), shown, strerror(errno));
	if (!rc && !o->dry_run)
		rc = kc_store_exec(st, err, NULL,
				   "INSERT INTO ingest_file (sha256, name, feed_name, report, ingested_at, lines, events, "
				   "duplicates, unattributed, quarantined) VALUES (?, ?, ?, 'list', ?, ?, ?, ?, ?, ?)",
				   "tttt" "iiiii", rep->sha256, shown, feed, now, (int64_t)rep->lines, (int64_t)rep->events,
				   (int64_t)rep->duplicates, (int64_t)rep->unattributed, (int64_t)rep->quarantined);
	if (rc)
		kc_store_rollback(st);
	else
		rc = kc_store_commit(st, err);
out:
	fclose(f);
	if (q)
		fclose(q);
	return rc;
}
