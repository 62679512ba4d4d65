/*
 * form.h - multipart/form-data request bodies (forms with file uploads),
 * read with GMime: each part's field name, its file name when it is a file,
 * and its bytes.
 */
#ifndef KC_FORM_H
#define KC_FORM_H

#include <stddef.h>

typedef struct kc_form_part {
	char *name;		/* the field's name ("" when missing) */
	char *filename;		/* the uploaded file's name (no directories), or NULL for a plain field */
	char *content_type;	/* as the browser said, or NULL */
	char *data;		/* the bytes, with a NUL after them */
	size_t len;
} kc_form_part;

/* Parse body as multipart/form-data given the request's Content-Type header
 * (with its boundary). At most max_parts parts. Returns 0 and the parts (free
 * with kc_form_parts_free), or KC_EPARSE when it is not a multipart body. */
int kc_form_multipart(const char *content_type, const char *body, size_t len, size_t max_parts,
		      kc_form_part **parts, size_t *n);
void kc_form_parts_free(kc_form_part *parts, size_t n);

#endif
