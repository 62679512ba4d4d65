/*
 * form.c - multipart/form-data with GMime; see form.h.
 */
#include "web/form.h"

#include <gmime/gmime.h>
#include <stdlib.h>
#include <string.h>

#include "mail/mime.h"
#include "base/kc.h"

int kc_form_multipart(const char *content_type, const char *body, size_t len, size_t max_parts,
		      kc_form_part **parts, size_t *n)
{
	GMimeStream *stream, *head, *cat;
	GMimeParser *parser;
	GMimeObject *obj;
	GMimeMultipart *mp;
	char header[1200];
	int count;

	*parts = NULL;
	*n = 0;
	if (!content_type || strncasecmp(content_type, "multipart/form-data", 19) || strlen(content_type) > 1000 ||
	    strpbrk(content_type, "\r\n"))
		return KC_EPARSE;
	kc_mail_init();
	/* The parser wants a MIME entity: the Content-Type header, then the body. */
	snprintf(header, sizeof(header), "Content-Type: %s\r\n\r\n", content_type);
	head = g_mime_stream_mem_new_with_buffer(header, strlen(header));
	stream = g_mime_stream_mem_new_with_buffer(body, len);
	cat = g_mime_stream_cat_new();
	g_mime_stream_cat_add_source(GMIME_STREAM_CAT(cat), head);
	g_mime_stream_cat_add_source(GMIME_STREAM_CAT(cat), stream);
	g_object_unref(head);
	g_object_unref(stream);
	parser = g_mime_parser_new_with_stream(cat);
	g_object_unref(cat);
	obj = g_mime_parser_construct_part(parser, NULL);
	g_object_unref(parser);
	if (!obj)
		return KC_EPARSE;
	if (!GMIME_IS_MULTIPART(obj)) {
		g_object_unref(obj);
		return KC_EPARSE;
	}
	mp = GMIME_MULTIPART(obj);
	count = g_mime_multipart_get_count(mp);
	if (count < 0)
		count = 0;
	if ((size_t)count > max_parts)
		count = (int)max_parts;
	*parts = calloc((size_t)count + 1, sizeof(**parts));
	if (!*parts) {
		g_object_unref(obj);
		return KC_ENOMEM;
	}
	for (int i = 0; i < count; i++) {
		GMimeObject *p = g_mime_multipart_get_part(mp, i);
		GMimeContentDisposition *cd;
		GMimeDataWrapper *w;
		GMimeStream *out;
		GByteArray *bytes;
		kc_form_part *f = &(*parts)[*n];
		const char *fname;

		if (!GMIME_IS_PART(p))
			continue;
		cd = g_mime_object_get_content_disposition(p);
		f->name = strdup(cd && g_mime_content_disposition_get_parameter(cd, "name")
					 ? g_mime_content_disposition_get_parameter(cd, "name")
					 : "");
		fname = g_mime_part_get_filename(GMIME_PART(p));
		if (fname) { /* no directories: "C:\\Users\\kari\\logg.csv" -> "logg.csv" */
			const char *slash = strrchr(fname, '/'), *bs = strrchr(fname, '\\');

			if (bs && (!slash || bs > slash))
				slash = bs;
			f->filename = strdup(slash ? slash + 1 : fname);
		}
		if (g_mime_object_get_content_type(p))
			f->content_type = g_mime_content_type_get_mime_type(g_mime_object_get_content_type(p));
		if (f->content_type) { /* g_malloc'd: move it to malloc */
			char *c = strdup(f->content_type);

			g_free(f->content_type);
			f->content_type = c;
		}
		out = g_mime_stream_mem_new();
		w = g_mime_part_get_content(GMIME_PART(p));
		if (w)
			g_mime_data_wrapper_write_to_stream(w, out);
		bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(out));
		f->len = bytes ? bytes->len : 0;
		f->data = malloc(f->len + 1);
		if (f->data && f->len)
			memcpy(f->data, bytes->data, f->len);
		if (f->data)
			f->data[f->len] = '\0';
		g_object_unref(out);
		if (!f->name || !f->data) {
			g_object_unref(obj);
			kc_form_parts_free(*parts, *n + 1);
			*parts = NULL;
			*n = 0;
			return KC_ENOMEM;
		}
		(*n)++;
	}
	g_object_unref(obj);
	return KC_OK;
}

void kc_form_parts_free(kc_form_part *parts, size_t n)
{
	for (size_t i = 0; parts && i < n; i++) {
		free(parts[i].name);
		free(parts[i].filename);
		free(parts[i].content_type);
		free(parts[i].data);
	}
	free(parts);
}
