/*
 * gcsv.c - any CSV feed into events, by a mapping file.
 *
 * Partners and vendors send CSV with columns of their own naming. Rather than
 * code per sender, a small mapping file says which column is which IntelMQ
 * field (column.source.ip = ip), what the classification is, and how the file
 * is written (delimiter, header or not, time as ISO 8601 or epoch seconds):
 *
 *	# partner X's C2 list
 *	delimiter = ;
 *	column.source.ip = ip
 *	column.time.source = first_seen
 *	classification = malicious-code/c2-server/c2-partner-x
 *	feed = partner-x
 *
 * Without a header, columns are numbered from 1. Columns the mapping does not
 * name are kept in extra under their header name (or number). Everything else
 * (attribution, deduplication, quarantine, re-ingest) is the sink's.
 */
#include "feed/ingest.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "auth/visibility.h"
#include "base/csv.h"
#include "base/domain.h"
#include "base/time.h"
#include "feed/sink.h"
#include "base/kc.h"

enum field { F_IP, F_PORT, F_FQDN, F_URL, F_TIME, F_ASN, F_IDENT, NFIELDS };

static const char *const field_keys[NFIELDS] = {
	"column.source.ip",   "column.source.port", "column.source.fqdn",		"column.source.url",
	"column.time.source", "column.source.asn",  "column.classification.identifier",
};

typedef struct gcsv_map {
	char col[NFIELDS][128];		/* the column's header name or number; "" when not mapped */
	int idx[NFIELDS];		/* its index in a record, -1 when not mapped */
	char taxonomy[64], type[64], identifier[80];
	char feed[64];
	const char *tlp;
	char sep;
	int header;			/* 1: the first record names the columns */
	int epoch;			/* time.source is seconds since 1970 */
} gcsv_map;

static char *trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	for (end = s + strlen(s); end > s && strchr(" \t\r\n", end[-1]);)
		*--end = '\0';
	return s;
}

static int yes_no(const char *v, int *out)
{
	if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "1"))
		*out = 1;
	else if (!strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "0"))
		*out = 0;
	else
		return -1;
	return 0;
}

static int column_number(const char *v)
{
	if (!*v || strlen(v) > 4 || strspn(v, "0123456789") != strlen(v) || *v == '0')
		return -1;
	return atoi(v);
}

/* One "key = value" of the mapping; why is set when it cannot be used. */
static void map_set(gcsv_map *m, char *key, char *v, unsigned *seen, char *why, size_t cap)
{
	static const char *const other_keys[] = { "classification", "delimiter", "header",
						   "time.format",    "feed",	  "tlp" };
	char extra[2];
	kc_tlp t;
	int k = -1;

	for (int i = 0; i < NFIELDS; i++)
		if (!strcmp(key, field_keys[i]))
			k = i;
	for (int i = 0; k < 0 && i < (int)KC_ARRAY_LEN(other_keys); i++)
		if (!strcmp(key, other_keys[i]))
			k = NFIELDS + i;
	if (k < 0) {
		snprintf(why, cap, _("unknown key %s"), key);
		return;
	}
	if (*seen & (1u << k)) {
		snprintf(why, cap, _("%s is given twice"), key);
		return;
	}
	*seen |= 1u << k;
	if (!*v) {
		snprintf(why, cap, _("%s has no value"), key);
		return;
	}
	if (k < NFIELDS) {
		if (strlen(v) >= sizeof(m->col[k]))
			snprintf(why, cap, _("%s: the column name is too long"), key);
		else
			snprintf(m->col[k], sizeof(m->col[k]), "%s", v);
		return;
	}
	switch (k - NFIELDS) {
	case 0: /* taxonomy/type[/identifier] */
		m->identifier[0] = '\0';
		if (sscanf(v, "%63[^/]/%63[^/]/%79[^/]%1s", m->taxonomy, m->type, m->identifier, extra) != 3 &&
		    (sscanf(v, "%63[^/]/%63[^/]%1s", m->taxonomy, m->type, extra) != 2 ||
		     strchr(v, '/') != strrchr(v, '/')))
			snprintf(why, cap, _("classification is TAXONOMY/TYPE/IDENTIFIER or TAXONOMY/TYPE"));
		break;
	case 1:
		if (!strcmp(v, "tab") || !strcmp(v, "\\t"))
			m->sep = '\t';
		else if (!strcmp(v, "space"))
			m->sep = ' ';
		else if (strlen(v) == 1 && *v != '"')
			m->sep = *v;
		else
			snprintf(why, cap, _("delimiter is one character, tab or space"));
		break;
	case 2:
		if (yes_no(v, &m->header))
			snprintf(why, cap, _("header is yes or no"));
		break;
	case 3:
		if (!strcmp(v, "epoch"))
			m->epoch = 1;
		else if (strcmp(v, "iso8601"))
			snprintf(why, cap, _("time.format is iso8601 or epoch"));
		break;
	case 4:
		if (strlen(v) >= sizeof(m->feed))
			snprintf(why, cap, _("the feed name is too long"));
		else
			snprintf(m->feed, sizeof(m->feed), "%s", v);
		break;
	case 5:
		if (kc_tlp_parse(v, &t))
			snprintf(why, cap, _("tlp is CLEAR, GREEN, AMBER, AMBER+STRICT or RED"));
		else
			m->tlp = kc_tlp_name(t);
		break;
	}
}

static int map_load(const char *path, gcsv_map *m, kc_err *err)
{
	char line[1024], why[KC_ERR_MSG_MAX];
	unsigned seen = 0;
	size_t lineno = 0;
	FILE *f;

	memset(m, 0, sizeof(*m));
	m->sep = ',';
	m->header = 1;
	if (!path)
		return kc_err_set(err, KC_EINVAL, _("a CSV feed needs --mapping FILE"));
	if (!(f = fopen(path, "r")))
		return kc_err_set(err, errno == ENOENT ? KC_ENOENT : KC_EIO, _("cannot open %s: %s"), path,
				  strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		char *k = trim(line), *eq;

		lineno++;
		if (strlen(line) == sizeof(line) - 1 && line[sizeof(line) - 2] != '\n') {
			fclose(f);
			return kc_err_set(err, KC_EINVAL, _("%s:%zu: longer than %zu bytes"), path, lineno,
					  sizeof(line) - 2);
		}
		if (!*k || *k == '#')
			continue;
		if (!(eq = strchr(k, '='))) {
			fclose(f);
			return kc_err_set(err, KC_EINVAL, _("%s:%zu: expected KEY = VALUE"), path, lineno);
		}
		*eq = '\0';
		why[0] = '\0';
		map_set(m, trim(k), trim(eq + 1), &seen, why, sizeof(why));
		if (why[0]) {
			fclose(f);
			return kc_err_set(err, KC_EINVAL, "%s:%zu: %s", path, lineno, why);
		}
	}
	fclose(f);
	if (!m->col[F_IP][0] && !m->col[F_FQDN][0] && !m->col[F_URL][0])
		return kc_err_set(err, KC_EINVAL,
				  _("%s: the mapping names no address column (column.source.ip, .fqdn or .url)"), path);
	if (m->taxonomy[0] && !m->identifier[0] && !m->col[F_IDENT][0])
		return kc_err_set(err, KC_EINVAL,
				  _("%s: classification TAXONOMY/TYPE needs column.classification.identifier"), path);
	for (int i = 0; i < NFIELDS; i++) {
		m->idx[i] = -1;
		if (m->col[i][0] && !m->header && column_number(m->col[i]) < 0)
			return kc_err_set(err, KC_EINVAL, _("%s: without a header, %s is a column number from 1"), path,
					  field_keys[i]);
		if (m->col[i][0] && !m->header)
			m->idx[i] = column_number(m->col[i]) - 1;
	}
	return KC_OK;
}

static const char *field(const kc_csv_record *r, int col)
{
	return col >= 0 && (size_t)col < r->nfields && r->fields[col].len ? r->fields[col].ptr : NULL;
}

/* A copy of a field, refanged; NULL when empty. */
static char *refanged(const kc_csv_record *r, int col)
{
	const char *v = field(r, col);
	char *c = v ? strdup(v) : NULL;

	if (c)
		kc_refang(c);
	return c;
}

/* "1700000000" or "1700000000.25" -> ISO 8601; -1 when it is not. */
static int epoch_iso(const char *s, char out[KC_TIME_STRLEN])
{
	size_t n = strspn(s, "0123456789");

	if (!n || n > 12 || (s[n] && (s[n] != '.' || strspn(s + n + 1, "0123456789") != strlen(s + n + 1))))
		return -1;
	kc_time_iso((time_t)strtoll(s, NULL, 10), out);
	return 0;
}

static int record(kc_sink *s, const gcsv_map *m, const kc_csv_record *rec, char **hdr, size_t nhdr, kc_err *err)
{
	const char *portf = field(rec, m->idx[F_PORT]), *asnf = field(rec, m->idx[F_ASN]);
	const char *timef = field(rec, m->idx[F_TIME]);
	kc_sink_event ev = { .port = -1, .taxonomy = m->taxonomy, .type = m->type, .identifier = m->identifier,
			     .tlp = m->tlp };
	char why[KC_ERR_MSG_MAX] = "", when[KC_TIME_STRLEN], *ip, *fqdn, *url, *raw, *extra_s;
	json_t *extra;
	uint32_t asn;
	int rc;

	if (asnf && strspn(asnf, "0") == strlen(asnf))
		asnf = NULL; /* AS 0: unknown, as IntelMQ reads it */
	if (s->o->taxonomy && s->o->type && s->o->identifier) {
		ev.taxonomy = s->o->taxonomy;
		ev.type = s->o->type;
		ev.identifier = s->o->identifier;
	} else if (m->idx[F_IDENT] >= 0) {
		ev.identifier = field(rec, m->idx[F_IDENT]);
	}
	if (portf && (strspn(portf, "0123456789") != strlen(portf) || strlen(portf) > 5 || atoi(portf) > 65535))
		snprintf(why, sizeof(why), _("line %zu: column %s: not a port"), rec->line, m->col[F_PORT]);
	else if (asnf && kc_asn_parse(asnf, strlen(asnf), &asn, NULL))
		snprintf(why, sizeof(why), _("line %zu: column %s: not an AS number"), rec->line, m->col[F_ASN]);
	else if (timef && m->epoch && epoch_iso(timef, when))
		snprintf(why, sizeof(why), _("line %zu: column %s: not seconds since 1970"), rec->line, m->col[F_TIME]);
	if (why[0]) {
		kc_sink_quarantinen(s, rec->line, why, rec->raw.ptr, rec->raw.len);
		return 0;
	}
	if (portf)
		ev.port = atoi(portf);
	if (asnf)
		ev.asn = asn;
	ev.time = timef && m->epoch ? when : timef;
	ev.ip = ip = refanged(rec, m->idx[F_IP]);
	ev.fqdn = fqdn = refanged(rec, m->idx[F_FQDN]);
	ev.url = url = refanged(rec, m->idx[F_URL]);
	extra = json_object();
	for (size_t i = 0; i < rec->nfields; i++) {
		char num[16];
		int mapped = 0;

		for (int k = 0; k < NFIELDS; k++)
			mapped |= m->idx[k] == (int)i;
		if (mapped || !rec->fields[i].len)
			continue;
		snprintf(num, sizeof(num), "%zu", i + 1);
		json_object_set_new(extra, i < nhdr && hdr[i] && *hdr[i] ? hdr[i] : num,
				    json_stringn(rec->fields[i].ptr, rec->fields[i].len));
	}
	extra_s = json_dumps(extra, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(extra);
	ev.extra = extra_s;
	raw = strndup(rec->raw.ptr, rec->raw.len);
	rc = kc_sink_emit(s, &ev, rec->line, raw ? raw : "", err);
	free(raw);
	free(extra_s);
	free(ip);
	free(fqdn);
	free(url);
	return rc < 0 ? rc : 0;
}

int kc_ingest_csv(kc_store *st, const kc_registry *reg, const char *path, const kc_ingest_opts *o,
		  kc_ingest_report *rep, kc_err *err)
{
	kc_csv_opts copts = { 0 };
	kc_csv_record rec;
	kc_csv *csv = NULL;
	char **hdr = NULL;
	size_t nhdr = 0, records = 0;
	struct stat sb;
	gcsv_map m;
	FILE *f = NULL;
	kc_sink s;
	kc_err e;
	int rc, first = 1;

	memset(rep, 0, sizeof(*rep));
	if ((rc = map_load(o->mapping, &m, err)))
		return rc;
	if (!m.taxonomy[0] && !(o->taxonomy && o->type && o->identifier))
		return kc_err_set(err, KC_EINVAL,
				  _("%s: no classification: give classification = T/T/I in the mapping or --classification"),
				  o->mapping);
	rc = kc_sink_open(&s, st, reg, path, o, "csv", rep, err);
	if (rc || rep->already)
		return rc;
	if (!o->feed && m.feed[0])
		s.feed = m.feed;
	if (!(f = fopen(path, "rb"))) {
		rc = kc_err_set(err, KC_EIO, _("cannot open %s: %s"), s.shown, strerror(errno));
		goto out;
	}
	copts.sep = m.sep;
	if ((rc = kc_csv_open_file(&csv, f, &copts, err)))
		goto out;
	if (fstat(fileno(f), &sb))
		sb.st_size = 0;
	while ((rc = kc_csv_next(csv, &rec, &e)) != 0) {
		if (o->progress && ++records % 1024 == 0)
			o->progress(o->progress_arg, (uint64_t)ftello(f), (uint64_t)sb.st_size, rep->lines);
		if (rc < 0 && (rc == KC_EIO || rc == KC_ENOMEM || (first && m.header))) {
			*err = e;
			if (rc != KC_EIO && rc != KC_ENOMEM)
				rc = kc_err_set(err, KC_EPARSE, _("%s: the header: %s"), s.shown, e.msg);
			break;
		}
		if (rc < 0) {
			kc_sink_quarantinen(&s, rec.line, e.msg, rec.raw.ptr, rec.raw.len);
			continue;
		}
		if (first && m.header) { /* name -> index */
			first = 0;
			if (!(hdr = calloc(rec.nfields, sizeof(*hdr)))) {
				rc = kc_err_set(err, KC_ENOMEM, "%s", kc_strerror(KC_ENOMEM));
				break;
			}
			nhdr = rec.nfields;
			for (size_t i = 0; i < nhdr; i++) {
				const char *name = rec.fields[i].ptr;

				if (i == 0 && !strncmp(name, "\xef\xbb\xbf", 3))
					name += 3; /* a byte-order mark */
				hdr[i] = strdup(name);
			}
			for (int k = 0; k < NFIELDS; k++) {
				for (size_t i = 0; m.col[k][0] && i < nhdr && m.idx[k] < 0; i++)
					if (hdr[i] && !strcmp(hdr[i], m.col[k]))
						m.idx[k] = (int)i;
				if (m.col[k][0] && m.idx[k] < 0) {
					rc = kc_err_set(err, KC_EPARSE, _("%s: the header has no column %s (%s)"), s.shown,
							m.col[k], field_keys[k]);
					break;
				}
			}
			if (rc < 0)
				break;
			continue;
		}
		first = 0;
		if ((rc = record(&s, &m, &rec, hdr, nhdr, err)) < 0)
			break;
	}
	if (o->progress && !rc)
		o->progress(o->progress_arg, (uint64_t)sb.st_size, (uint64_t)sb.st_size, rep->lines);
out:
	rc = kc_sink_close(&s, rc, err);
	for (size_t i = 0; i < nhdr; i++)
		free(hdr[i]);
	free(hdr);
	kc_csv_free(csv);
	if (f)
		fclose(f);
	return rc;
}
