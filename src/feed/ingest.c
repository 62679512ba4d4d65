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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/csv.h"
#include "base/domain.h"
#include "base/ip.h"
#include "base/time.h"
#include "feed/pipe.h"
#include "feed/shadowserver.h"
#include "feed/sink.h"
#include "base/kc.h"

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

static size_t field_len(const kc_csv_record *r, int col)
{
	return col >= 0 && (size_t)col < r->nfields ? r->fields[col].len : 0;
}

/* A field of 1..maxd decimal digits and nothing else, as a number; -1 otherwise. */
static int64_t digits_value(const char *s, size_t n, size_t maxd)
{
	int64_t v = 0;

	if (n == 0 || n > maxd)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		if (v < INT64_MAX / 10 - 10) /* longer runs of digits stay valid, saturated */
			v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* Append s[0..n) to b as a JSON string: quotes, backslashes and control
 * characters escaped, bytes that are not UTF-8 replaced by U+FFFD (a report
 * may hold anything; the stored JSON must stay valid). */
static void json_string_to(kc_buf *b, const char *s, size_t n)
{
	kc_buf_addc(b, '"');
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)s[i];
		size_t run = i;

		/* Printable ASCII other than the two escapes, in one piece. */
		while (run < n && (unsigned char)s[run] >= 0x20 && (unsigned char)s[run] < 0x80 && s[run] != '"' &&
		       s[run] != '\\')
			run++;
		if (run > i) {
			kc_buf_add(b, s + i, run - i);
			i = run;
			continue;
		}
		size_t len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
		int ok = len && i + len <= n && !(len == 2 && c < 0xC2) && !(len == 4 && c > 0xF4);

		for (size_t k = 1; ok && k < len; k++)
			ok = ((unsigned char)s[i + k] & 0xC0) == 0x80;
		if (ok && len == 3) { /* no overlong forms, no surrogates */
			unsigned char d = (unsigned char)s[i + 1];

			ok = !(c == 0xE0 && d < 0xA0) && !(c == 0xED && d >= 0xA0);
		}
		if (ok && len == 4) {
			unsigned char d = (unsigned char)s[i + 1];

			ok = !(c == 0xF0 && d < 0x90) && !(c == 0xF4 && d >= 0x90);
		}
		if (!ok) {
			kc_buf_adds(b, "\xef\xbf\xbd");
			i++;
		} else if (c == '"' || c == '\\') {
			kc_buf_addc(b, '\\');
			kc_buf_addc(b, (char)c);
			i++;
		} else if (c < 0x20) {
			kc_buf_addf(b, "\\u%04x", c);
			i++;
		} else {
			kc_buf_add(b, s + i, len);
			i += len;
		}
	}
	kc_buf_addc(b, '"');
}

/* The header's columns in name order (extra's keys are sorted), each name
 * once: the last column of a name wins, as a JSON object would have it. */
struct col_order {
	const char *name;
	size_t index;
};

static int by_name(const void *a, const void *b)
{
	const struct col_order *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c ? c : x->index < y->index ? -1 : x->index > y->index;
}

int kc_ingest_file(kc_store *st, const kc_registry *reg, const char *path, const kc_ingest_opts *o,
		   kc_ingest_report *rep, kc_err *err)
{
	char name[64];
	const kc_ss_report *def;
	kc_csv_record rec;
	struct cols c = { -1, -1, -1, -1, -1, -1, -1 };
	FILE *f = NULL;
	kc_csv *csv = NULL;
	char **hdr = NULL;
	size_t nhdr = 0, norder = 0;
	struct col_order *order = NULL;
	kc_buf extra;
	kc_sink s;
	kc_err e;
	uint64_t total = 0;
	size_t records = 0;
	struct stat sb;
	kc_pipe *pipe = NULL;
	int rc, first = 1;

	memset(rep, 0, sizeof(*rep));
	if (o->report)
		snprintf(name, sizeof(name), "%s", o->report);
	else if (kc_ss_report_from_filename(path, name, sizeof(name)))
		return kc_err_set(err, KC_EINVAL, _("%s: cannot tell the report type from the file name; give --report"),
				  path);
	def = kc_ss_report_find(name);
	if (!def)
		return kc_err_set(err, KC_EINVAL, _("%s: unknown Shadowserver report type %s (give --report TYPE)"), path,
				  name);
	rc = kc_sink_open(&s, st, reg, path, o, def->name, rep, err);
	if (!o->feed)
		s.feed = "shadowserver";
	snprintf(rep->report, sizeof(rep->report), "%s", name);
	if (rc || rep->already)
		return rc;
	kc_buf_init(&extra, 1u << 20);
	f = fopen(path, "rb");
	if (!f) {
		rc = kc_err_set(err, KC_EIO, _("cannot open %s: %s"), s.shown, strerror(errno));
		goto out;
	}
	rc = kc_csv_open_file(&csv, f, NULL, err);
	if (rc)
		goto out;
	/* Storing runs in a thread of its own while this one reads on. */
	if (!o->dry_run && kc_pipe_start(&pipe, &s, &e))
		pipe = NULL;
	if (o->progress && !fstat(fileno(f), &sb))
		total = (uint64_t)sb.st_size;
	while ((rc = kc_csv_next(csv, &rec, &e)) != 0) {
		const char *ts, *ipf, *portf, *asnf, *fqdnf, *urlf, *tag;
		char fqdn[KC_DOMAIN_MAX], when[KC_TIME_STRLEN], ipbuf[KC_CIDR_STRLEN], why[KC_ERR_MSG_MAX];
		kc_sink_event ev = { .port = -1 };
		kc_cidr net = { 0 };
		int64_t org_id = 0;
		int have_ip = 0, merged = 0, cidr;
		int64_t port, asn;
		size_t iplen;
		time_t t;
		kc_ip ip;

		if (o->progress && ++records % 1024 == 0)
			o->progress(o->progress_arg, (uint64_t)ftello(f), total, rep->lines);

		if (rc < 0) {
			if (rc == KC_EIO || rc == KC_ENOMEM) {
				*err = e;
				break;
			}
			kc_sink_quarantinen(&s, rec.line, e.msg, rec.raw.ptr, rec.raw.len);
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
			order = calloc(nhdr + 1, sizeof(*order));
			for (size_t i = 0; order && i < nhdr; i++) {
				int ci = (int)i;

				if (!hdr[i] || ci == c.ts || ci == c.ip || ci == c.port || ci == c.fqdn || ci == c.asn)
					continue;
				order[norder].name = hdr[i];
				order[norder++].index = i;
			}
			if (order) {
				size_t w = 0;

				qsort(order, norder, sizeof(*order), by_name);
				for (size_t i = 0; i < norder; i++) /* the last of equal names */
					if (i + 1 == norder || strcmp(order[i].name, order[i + 1].name))
						order[w++] = order[i];
				norder = w;
			}
			if (c.ts < 0 || (c.ip < 0 && c.fqdn < 0)) {
				rc = kc_err_set(err, KC_EPARSE, _("%s: the header has no timestamp or address column for %s"),
						s.shown, def->name);
				break;
			}
			continue;
		}
		ts = field(&rec, c.ts);
		ipf = field(&rec, c.ip);
		portf = field(&rec, c.port);
		asnf = field(&rec, c.asn);
		fqdnf = field(&rec, c.fqdn);
		urlf = field(&rec, c.url);
		tag = field(&rec, c.tag);
		why[0] = '\0';
		port = portf ? digits_value(portf, field_len(&rec, c.port), 5) : -1;
		asn = asnf ? digits_value(asnf, field_len(&rec, c.asn), SIZE_MAX) : 0;
		iplen = field_len(&rec, c.ip);
		cidr = ipf && memchr(ipf, '/', iplen) != NULL;
		if (!ts || kc_time_parse(ts, &t))
			snprintf(why, sizeof(why), _("line %zu: field timestamp: not a time"), rec.line);
		else if (ipf && kc_ip_parse(ipf, iplen, &ip, NULL) && (!cidr || kc_cidr_parse(ipf, iplen, &net, 0, NULL)))
			snprintf(why, sizeof(why), _("line %zu: field %s: not an IP address"), rec.line, def->ip);
		else if (portf && (port < 0 || port > 65535))
			snprintf(why, sizeof(why), _("line %zu: field %s: not a port"), rec.line, def->port);
		else if (asnf && asn < 0)
			snprintf(why, sizeof(why), _("line %zu: field %s: not an AS number"), rec.line, def->asn);
		else if (!ipf && !fqdnf)
			snprintf(why, sizeof(why), _("line %zu: no address and no host name"), rec.line);
		if (why[0]) {
			kc_sink_quarantinen(&s, rec.line, why, rec.raw.ptr, rec.raw.len);
			continue;
		}
		rep->lines++;
		have_ip = ipf != NULL;
		/* Block lists name whole networks: attribute by the network's address,
		 * keep the prefix as the event's address. */
		if (cidr)
			ip = net.addr;
		if (portf)
			ev.port = (int)port;
		if (asnf && field_len(&rec, c.asn) <= 10)
			ev.asn = asn; /* 0 means unknown (IntelMQ's invalidate_zero) */
		fqdn[0] = '\0';
		if (fqdnf && kc_domain_normalise(fqdnf, field_len(&rec, c.fqdn), fqdn, NULL))
			fqdn[0] = '\0';
		if (!kc_sink_attribute(reg, &ip, have_ip, fqdn[0] ? fqdn : NULL, &org_id)) {
			rep->unattributed++;
			if (!o->keep_unattributed)
				continue;
		}
		if (o->dry_run) {
			rep->events++;
			continue;
		}
		ev.taxonomy = def->taxonomy;
		ev.type = def->type;
		ev.identifier = def->identifier ? def->identifier : tag ? tag : "unknown";
		if (def->tag_has && tag && strstr(tag, def->tag_has)) {
			ev.taxonomy = def->tag_taxonomy;
			ev.type = def->tag_type;
			ev.identifier = def->tag_identifier;
		}
		/* Every other column, as it was, in extra (keys sorted). */
		kc_buf_clear(&extra);
		kc_buf_addc(&extra, '{');
		for (size_t k = 0; k < norder; k++) {
			size_t i = order[k].index;

			if (i >= rec.nfields || !rec.fields[i].len)
				continue;
			if (extra.len > 1)
				kc_buf_addc(&extra, ',');
			json_string_to(&extra, order[k].name, strlen(order[k].name));
			kc_buf_addc(&extra, ':');
			json_string_to(&extra, rec.fields[i].ptr, rec.fields[i].len);
		}
		kc_buf_addc(&extra, '}');
		kc_time_iso(t, when);
		ev.ip = !have_ip ? NULL : net.addr.family ? kc_cidr_format(&net, ipbuf) : kc_ip_format(&ip, ipbuf);
		ev.fqdn = fqdn[0] ? fqdn : NULL;
		ev.url = urlf;
		ev.extra = kc_buf_str(&extra);
		if (pipe) {
			rc = kc_pipe_put(pipe, &ev, org_id, when);
			if (rc)
				break; /* kc_pipe_finish has the message */
			rc = 1;
			continue;
		}
		rc = kc_sink_store(&s, &ev, org_id, when, &merged, err);
		if (rc)
			break;
		if (merged)
			rep->duplicates++;
		else
			rep->events++;
		rc = 1;
	}
	if (pipe) {
		kc_err pe;
		int prc = kc_pipe_finish(pipe, &pe);

		pipe = NULL;
		if (prc && (rc == 0 || rc == prc)) {
			*err = pe;
			rc = prc;
		}
	}
out:
	rc = kc_sink_close(&s, rc, err);
	for (size_t i = 0; i < nhdr; i++)
		free(hdr[i]);
	free(hdr);
	free(order);
	kc_buf_release(&extra);
	kc_csv_free(csv);
	if (f)
		fclose(f);
	return rc;
}

int kc_ingest_list(kc_store *st, const kc_registry *reg, const char *path, const kc_ingest_opts *o,
		   kc_ingest_report *rep, kc_err *err)
{
	char line[8192], why[KC_ERR_MSG_MAX];
	size_t lineno = 0;
	FILE *f;
	kc_sink s;
	int rc;

	memset(rep, 0, sizeof(*rep));
	if (!o->taxonomy || !o->type || !o->identifier)
		return kc_err_set(err, KC_EINVAL, _("a list needs its classification: --classification TAXONOMY/TYPE/IDENTIFIER"));
	rc = kc_sink_open(&s, st, reg, path, o, "list", rep, err);
	if (rc || rep->already)
		return rc;
	f = fopen(path, "rb");
	if (!f)
		return kc_sink_close(&s, kc_err_set(err, KC_EIO, _("cannot open %s: %s"), s.shown, strerror(errno)), err);
	while (fgets(line, sizeof(line), f)) {
		kc_sink_event ev = { .taxonomy = o->taxonomy, .type = o->type, .identifier = o->identifier, .port = -1 };
		size_t len = strlen(line);
		char *v, *end, *hash;

		lineno++;
		if (len && line[len - 1] != '\n' && !feof(f)) {
			int c;

			while ((c = fgetc(f)) != EOF && c != '\n')
				;
			snprintf(why, sizeof(why), _("line %zu: longer than %zu bytes"), lineno, sizeof(line) - 2);
			kc_sink_quarantine(&s, lineno, why, "");
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
		kc_refang(v);
		if (strstr(v, "://"))
			ev.url = v;
		else if (strchr(v, '/') || strchr(v, ':') || strspn(v, "0123456789.") == strlen(v))
			ev.ip = v;
		else
			ev.fqdn = v;
		rc = kc_sink_emit(&s, &ev, lineno, v, err);
		if (rc < 0)
			break;
		rc = 0;
	}
	if (!rc && ferror(f))
		rc = kc_err_set(err, KC_EIO, _("cannot read %s: %s"), s.shown, strerror(errno));
	fclose(f);
	return kc_sink_close(&s, rc, err);
}
