/*
 * fuzz_stix_out.c - libFuzzer harness for the STIX 2.1 and MISP writer
 * (src/share/stix_out.c) and the times it reads. The input is ingested as a
 * plain list (one address, domain or URL a line: whatever the feeds let
 * through) into a seeded in-memory store where a mark shares every event;
 * the marked set is then written as a STIX bundle and a MISP event.
 * Invariants: both are valid JSON; every STIX object has a type, an id of
 * the form TYPE--UUID and, when it has them, references to objects of the
 * same bundle; kc_stix_time either refuses a time or gives the 24-character
 * millisecond form.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "feed/ingest.h"
#include "share/share.h"
#include "store/store.h"
#include "fuzz_store.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static kc_store *st;
static kc_registry *reg;
static char path[64];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	kc_share_mark_new m = { .kind = "events", .set_since = "1970-01-01", .tlp = "GREEN", .community = "fuzz" };
	kc_err err;

	(void)argc;
	(void)argv;
	fuzz_store_open(&st, &reg);
	if (kc_share_mark_add(st, "fuzz", &m, NULL, &err))
		abort();
	snprintf(path, sizeof(path), "/tmp/kcert-fuzz-stix-out.%d.txt", (int)getpid());
	return 0;
}

/* Every "…_ref" / "…_refs" value names an object of the bundle. */
static void check_refs(json_t *obj, json_t *ids)
{
	const char *key;
	json_t *v;

	json_object_foreach(obj, key, v) {
		size_t kl = strlen(key), i;
		json_t *r;

		if (kl > 4 && !strcmp(key + kl - 4, "_ref") && json_is_string(v) &&
		    !json_object_get(ids, json_string_value(v)))
			abort();
		if (kl > 5 && !strcmp(key + kl - 5, "_refs") && json_is_array(v))
			json_array_foreach(v, i, r)
				if (!json_is_string(r) || !json_object_get(ids, json_string_value(r)))
					abort();
	}
}

static void check_bundle(const kc_buf *b)
{
	json_t *doc = json_loadb(b->ptr, b->len, 0, NULL), *objs, *o, *ids = json_object();
	size_t i;

	if (!doc || !json_is_array(objs = json_object_get(doc, "objects")))
		abort();
	json_array_foreach(objs, i, o) {
		const char *type = json_string_value(json_object_get(o, "type"));
		const char *id = json_string_value(json_object_get(o, "id"));
		size_t tl;

		if (!type || !id || strncmp(id, type, tl = strlen(type)) || strncmp(id + tl, "--", 2) ||
		    strlen(id + tl + 2) != 36)
			abort();
		json_object_set_new(ids, id, json_true());
	}
	json_array_foreach(objs, i, o)
		check_refs(o, ids);
	json_decref(ids);
	json_decref(doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	kc_ingest_opts o = { .keep_unattributed = 1, .taxonomy = "other", .type = "blacklist",
			     .identifier = "fuzz" };
	kc_ingest_report rep;
	kc_share_set set;
	kc_buf b;
	char t[32], in[64];
	kc_err err;
	FILE *f;

	if (size > 16384)
		return 0;
	/* The times the writer converts. */
	snprintf(in, sizeof(in), "%.*s", (int)(size < 40 ? size : 40), (const char *)data);
	if (kc_stix_time(in, t) == 0 && (strlen(t) != 24 || t[10] != 'T' || t[19] != '.' || t[23] != 'Z'))
		abort();
	/* Events from the input, shared by the mark, written out. */
	if (kc_store_exec(st, &err, NULL, "DELETE FROM event", "") ||
	    kc_store_exec(st, &err, NULL, "DELETE FROM ingest_file", ""))
		abort();
	f = fopen(path, "wb");
	if (!f)
		return 0;
	fwrite(data, 1, size, f);
	fclose(f);
	kc_ingest_list(st, reg, path, &o, &rep, &err);
	unlink(path);
	if (kc_share_collect(st, NULL, &set, &err))
		abort();
	kc_buf_init(&b, 1u << 26);
	if (kc_share_stix_bundle(&set, &b, &err))
		abort();
	check_bundle(&b);
	kc_buf_clear(&b);
	if (kc_share_misp_event(&set, &b, &err))
		abort();
	{
		json_t *doc = json_loadb(b.ptr, b.len, 0, NULL);

		if (!doc)
			abort();
		json_decref(doc);
	}
	kc_buf_release(&b);
	kc_share_set_release(&set);
	return 0;
}
