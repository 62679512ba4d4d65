/*
 * misp.c - MISP events into events.
 *
 * MISP shares events as JSON: {"Event": {"info", "date", "uuid", "Tag": [...],
 * "Attribute": [...], "Object": [{"Attribute": [...]}]}}, or a list of them
 * (a feed's manifest-less dump, a REST search's {"response": [...]}). Each
 * attribute that names a network place (ip-src, ip-dst, their |port forms,
 * domain, hostname, url, domain|ip) becomes one event; hashes, e-mail
 * addresses and the like are counted as skipped. Attributes are numbered in
 * the order they appear in the file, objects' attributes included, and that
 * number is their position in the quarantine.
 *
 * Classification, strongest first: --classification; an rsit: taxonomy tag on
 * the attribute or the event (rsit:malicious-code="c2-server", checked
 * against RSIT); the attribute's category (table below); other/other.
 * TLP: the strictest tlp: tag of the event and the attribute; AMBER without.
 */
#include "feed/ingest.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "auth/visibility.h"
#include "base/time.h"
#include "case/case.h"
#include "feed/sink.h"
#include "base/kc.h"

/* Categories whose network attributes say what the address did. */
static const struct {
	const char *category, *taxonomy, *type, *identifier;
} categories[] = {
	{ "Network activity", "malicious-code", "c2-server", "misp-network-activity" },
	{ "Payload delivery", "malicious-code", "malware-distribution", "misp-payload-delivery" },
};

/* A classification from an rsit: tag; taxonomy "" when none. */
typedef struct rsit_tag {
	char taxonomy[64], type[64];
} rsit_tag;

typedef struct misp_ctx {
	kc_sink s;
	const kc_ingest_opts *o;
	size_t n;		  /* the attribute's number in the file */
	size_t ev;		  /* the event's number in the file */
	const json_t *event;
	int event_tlp;		  /* -1: none */
	rsit_tag event_cls;	  /* from an rsit: tag of the event */
} misp_ctx;

static const char *str(const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* Tags: the strictest tlp: and the first valid rsit: classification. */
static void read_tags(const json_t *tags, int *tlp, rsit_tag *cls)
{
	size_t i;
	json_t *t;

	json_array_foreach(tags, i, t) {
		const char *name = str(t, "name");
		char tax[64], type[64];
		kc_tlp v;

		if (!name)
			continue;
		if (!strncasecmp(name, "tlp:", 4) && !kc_tlp_parse(name, &v) && (int)v > *tlp)
			*tlp = (int)v;
		if (!cls->taxonomy[0] && !strncmp(name, "rsit:", 5) &&
		    sscanf(name + 5, "%63[^=]=\"%63[^\"]\"", tax, type) == 2 && kc_rsit_valid(tax, type)) {
			snprintf(cls->taxonomy, sizeof(cls->taxonomy), "%s", tax);
			snprintf(cls->type, sizeof(cls->type), "%s", type);
		}
	}
}

static void quarantine(misp_ctx *c, const json_t *attr, const char *what)
{
	char why[KC_ERR_MSG_MAX];
	const char *uuid = str(attr, "uuid");
	char *raw = attr ? json_dumps(attr, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;

	if (uuid)
		snprintf(why, sizeof(why), _("attribute %zu (%s): %s"), c->n, uuid, what);
	else
		snprintf(why, sizeof(why), _("attribute %zu: %s"), c->n, what);
	kc_sink_quarantine(&c->s, c->n, why, raw ? raw : "");
	free(raw);
}

/* "1700000000" or 1700000000 (MISP's timestamps) as ISO 8601; 0 when it is one. */
static int epoch_iso(const json_t *v, char out[KC_TIME_STRLEN])
{
	const char *s = json_string_value(v);
	long long t;
	char *end;

	if (json_is_integer(v)) {
		t = json_integer_value(v);
	} else if (s && *s && strspn(s, "0123456789") == strlen(s) && strlen(s) <= 12) {
		t = strtoll(s, &end, 10);
	} else {
		return -1;
	}
	if (t < 0 || t > 253402300799LL) /* 9999-12-31 */
		return -1;
	kc_time_iso((time_t)t, out);
	return 0;
}

/* The event's time: first_seen, else timestamp, else the event's date. */
static const char *attr_time(misp_ctx *c, const json_t *attr, char buf[KC_TIME_STRLEN], const char **bad)
{
	const json_t *fs = json_object_get(attr, "first_seen"), *ts = json_object_get(attr, "timestamp");
	const char *date = str(c->event, "date");
	time_t t;

	*bad = NULL;
	if (fs && !json_is_null(fs)) {
		if (json_is_string(fs) && !kc_time_parse(json_string_value(fs), &t))
			return json_string_value(fs);
		*bad = "first_seen";
		return NULL;
	}
	if (ts && !json_is_null(ts)) {
		if (!epoch_iso(ts, buf))
			return buf;
		*bad = "timestamp";
		return NULL;
	}
	if (date) {
		if (!kc_time_parse(date, &t))
			return date;
		*bad = "date";
	}
	return NULL;
}

static int attribute(misp_ctx *c, const json_t *attr, const char *object_name, kc_err *err)
{
	const char *type = str(attr, "type"), *value = str(attr, "value"), *category = str(attr, "category");
	const char *bad;
	const json_t *to_ids = json_object_get(attr, "to_ids");
	kc_sink_event ev = { .port = -1, .taxonomy = "other", .type = "other", .identifier = "misp-attribute" };
	char why[KC_ERR_MSG_MAX], when[KC_TIME_STRLEN], *v, *bar, *extra_s;
	rsit_tag cls = { "", "" };
	kc_value_kind k1 = 0, k2 = 0;
	int tlp = c->event_tlp, rc;
	json_t *extra;

	c->n++;
	if (!json_is_object(attr)) {
		quarantine(c, attr, _("not a JSON object"));
		return 0;
	}
	if (json_is_true(json_object_get(attr, "deleted"))) {
		c->s.rep->skipped++;
		return 0;
	}
	if (!type || !value) {
		quarantine(c, attr, _("no type or value"));
		return 0;
	}
	if (!strcmp(type, "ip-src") || !strcmp(type, "ip-dst") || !strcmp(type, "ip-src|port") ||
	    !strcmp(type, "ip-dst|port"))
		k1 = KC_VALUE_IP;
	else if (!strcmp(type, "domain") || !strcmp(type, "hostname"))
		k1 = KC_VALUE_DOMAIN;
	else if (!strcmp(type, "url"))
		k1 = KC_VALUE_URL;
	else if (!strcmp(type, "domain|ip"))
		k1 = KC_VALUE_DOMAIN;
	if (!strcmp(type, "domain|ip"))
		k2 = KC_VALUE_IP;
	if (!k1) { /* hashes, e-mail addresses, text: not a place in a network */
		c->s.rep->skipped++;
		return 0;
	}
	if (!(v = strdup(value)))
		return kc_err_set(err, KC_ENOMEM, "%s", kc_strerror(KC_ENOMEM));
	kc_refang(v);
	bar = strchr(type, '|') ? (k2 ? strchr(v, '|') : strrchr(v, '|')) : NULL;
	if (strchr(type, '|') && !bar) {
		snprintf(why, sizeof(why), _("%s: no '|' in %s"), type, v);
		goto bad;
	}
	if (bar)
		*bar++ = '\0';
	if (bar && !k2) { /* ip-dst|port */
		if (!*bar || strspn(bar, "0123456789") != strlen(bar) || strlen(bar) > 5 || atoi(bar) > 65535) {
			snprintf(why, sizeof(why), _("not a port: %s"), bar);
			goto bad;
		}
		ev.port = atoi(bar);
	}
	if ((bad = kc_value_check(k1, v)) || (k2 && (bad = kc_value_check(k2, bar)))) {
		snprintf(why, sizeof(why), "%s: %s", bad, k2 && !kc_value_check(k1, v) ? bar : v);
		goto bad;
	}
	ev.time = attr_time(c, attr, when, &bad);
	if (bad) {
		snprintf(why, sizeof(why), _("%s: not a time"), bad);
		goto bad;
	}
	if (k1 == KC_VALUE_IP)
		ev.ip = v;
	else if (k1 == KC_VALUE_URL)
		ev.url = v;
	else
		ev.fqdn = v;
	if (k2)
		ev.ip = bar;
	read_tags(json_object_get(attr, "Tag"), &tlp, &cls);
	if (c->o->taxonomy && c->o->type && c->o->identifier) {
		ev.taxonomy = c->o->taxonomy;
		ev.type = c->o->type;
		ev.identifier = c->o->identifier;
	} else if (cls.taxonomy[0] || c->event_cls.taxonomy[0]) {
		const rsit_tag *t = cls.taxonomy[0] ? &cls : &c->event_cls;

		ev.taxonomy = t->taxonomy;
		ev.type = ev.identifier = t->type;
	} else {
		for (size_t i = 0; category && i < KC_ARRAY_LEN(categories); i++)
			if (!strcmp(category, categories[i].category)) {
				ev.taxonomy = categories[i].taxonomy;
				ev.type = categories[i].type;
				ev.identifier = categories[i].identifier;
			}
	}
	ev.tlp = tlp >= 0 ? kc_tlp_name((kc_tlp)tlp) : NULL;
	extra = json_object();
	if (str(c->event, "uuid"))
		json_object_set(extra, "misp.event_uuid", json_object_get(c->event, "uuid"));
	if (str(c->event, "info"))
		json_object_set(extra, "misp.event_info", json_object_get(c->event, "info"));
	if (str(attr, "uuid"))
		json_object_set(extra, "misp.attribute_uuid", json_object_get(attr, "uuid"));
	if (category)
		json_object_set(extra, "misp.category", json_object_get(attr, "category"));
	json_object_set_new(extra, "misp.type", json_string(type));
	if (str(attr, "comment") && *str(attr, "comment"))
		json_object_set(extra, "misp.comment", json_object_get(attr, "comment"));
	if (to_ids) /* true/false, or "1"/"0" in older exports */
		json_object_set_new(extra, "misp.to_ids",
				    json_boolean(json_is_true(to_ids) ||
						 (json_is_string(to_ids) && !strcmp(json_string_value(to_ids), "1"))));
	if (object_name)
		json_object_set_new(extra, "misp.object_name", json_string(object_name));
	extra_s = json_dumps(extra, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(extra);
	ev.extra = extra_s;
	rc = kc_sink_emit(&c->s, &ev, c->n, value, err);
	free(extra_s);
	free(v);
	return rc < 0 ? rc : 0;
bad:
	quarantine(c, attr, why);
	free(v);
	return 0;
}

static int attributes(misp_ctx *c, const json_t *list, const char *object_name, kc_err *err)
{
	size_t i;
	json_t *a;
	int rc = 0;

	json_array_foreach(list, i, a)
		if ((rc = attribute(c, a, object_name, err)) < 0)
			break;
	return rc;
}

static int is_event(const json_t *v)
{
	return json_object_get(v, "Attribute") || json_object_get(v, "Object") ||
	       (str(v, "uuid") && str(v, "info"));
}

static void bad_event(misp_ctx *c, const json_t *e, const char *what)
{
	char why[KC_ERR_MSG_MAX];
	char *raw = json_dumps(e, JSON_COMPACT | JSON_ENCODE_ANY);

	snprintf(why, sizeof(why), _("event %zu: %s"), c->ev, what);
	kc_sink_quarantine(&c->s, 0, why, raw ? raw : "");
	free(raw);
}

static int event(misp_ctx *c, const json_t *e, kc_err *err)
{
	const json_t *objects, *attrs, *ob;
	size_t i;
	int rc;

	c->ev++;
	if (json_is_object(json_object_get(e, "Event")))
		e = json_object_get(e, "Event");
	if (!json_is_object(e) || !is_event(e)) {
		bad_event(c, e, _("not a MISP event"));
		return 0;
	}
	objects = json_object_get(e, "Object");
	attrs = json_object_get(e, "Attribute");
	if ((attrs && !json_is_array(attrs)) || (objects && !json_is_array(objects))) {
		bad_event(c, e, _("Attribute or Object is not a list"));
		return 0;
	}
	c->event = e;
	c->event_tlp = -1;
	memset(&c->event_cls, 0, sizeof(c->event_cls));
	read_tags(json_object_get(e, "Tag"), &c->event_tlp, &c->event_cls);
	rc = attributes(c, attrs, NULL, err);
	json_array_foreach(objects, i, ob) {
		if (rc < 0)
			break;
		rc = attributes(c, json_object_get(ob, "Attribute"), str(ob, "name"), err);
	}
	return rc;
}

int kc_ingest_misp(kc_store *st, const kc_registry *reg, const char *path, const kc_ingest_opts *o,
		   kc_ingest_report *rep, kc_err *err)
{
	misp_ctx c = { .o = o };
	json_t *root = NULL, *list = NULL, *e;
	size_t i, n;
	int rc;

	memset(rep, 0, sizeof(*rep));
	rc = kc_sink_open(&c.s, st, reg, path, o, "misp", rep, err);
	if (rc || rep->already)
		return rc;
	if ((rc = kc_ingest_json_load(path, &root, err)))
		goto out;
	if (json_is_array(root)) {
		list = json_incref(root);
	} else if (json_is_array(json_object_get(root, "response"))) {
		list = json_incref(json_object_get(root, "response"));
	} else if (json_is_object(json_object_get(root, "Event")) || is_event(root)) {
		list = json_array();
		json_array_append(list, root);
	} else {
		rc = kc_err_set(err, KC_EPARSE, _("%s: not a MISP event (no \"Event\" with \"Attribute\")"), c.s.shown);
		goto out;
	}
	n = json_array_size(list);
	json_array_foreach(list, i, e) {
		if (o->progress)
			o->progress(o->progress_arg, i, n, rep->lines);
		if ((rc = event(&c, e, err)) < 0)
			break;
	}
	if (o->progress && !rc)
		o->progress(o->progress_arg, n, n, rep->lines);
out:
	json_decref(list);
	json_decref(root);
	return kc_sink_close(&c.s, rc, err);
}
