/*
 * jsplit.c - the streaming splitter of NVD and KEV documents; see jsplit.h.
 */
#include "vuln/jsplit.h"

#include <string.h>

#include "base/banned.h"
#include "base/i18n.h"

void kc_jsplit_init(kc_jsplit *j, const kc_jsplit_cb *cb)
{
	memset(j, 0, sizeof(*j));
	j->cb = *cb;
	kc_buf_init(&j->key, 64);
	kc_buf_init(&j->rec, KC_JSPLIT_RECORD_MAX);
	kc_buf_init(&j->env, KC_JSPLIT_ENVELOPE_MAX);
}

void kc_jsplit_release(kc_jsplit *j)
{
	kc_buf_release(&j->key);
	kc_buf_release(&j->rec);
	kc_buf_release(&j->env);
}

static int env_add(kc_jsplit *j, const char *p, size_t n, kc_err *err)
{
	if (kc_buf_add(&j->env, p, n) < 0)
		return kc_err_set(err, KC_ETOOBIG,
				  _("the page starting at byte %llu has more than %u bytes outside its "
				    "\"vulnerabilities\" array"),
				  (unsigned long long)j->env_offset, KC_JSPLIT_ENVELOPE_MAX);
	return 0;
}

static void rec_add(kc_jsplit *j, const char *p, size_t n)
{
	if (j->rec_toobig)
		return;
	if (kc_buf_add(&j->rec, p, n) < 0) {
		j->rec_toobig = 1;
		kc_buf_clear(&j->rec);
	}
}

static int rec_emit(kc_jsplit *j)
{
	int rc = j->cb.record(j->cb.arg, j->page, j->rec_index++, j->rec_offset,
			      j->rec_toobig ? NULL : kc_buf_str(&j->rec), j->rec_toobig ? 0 : j->rec.len);
	j->in_record = j->rec_scalar = j->rec_toobig = 0;
	kc_buf_clear(&j->rec);
	return rc < 0 ? rc : 0;
}

/* Where a byte outside strings goes: the record, the envelope or nowhere. */
static int sink(kc_jsplit *j, const char *p, size_t n, kc_err *err)
{
	if (j->in_record) {
		rec_add(j, p, n);
		return 0;
	}
	if (j->page_depth && (!j->arr_depth || j->depth < j->arr_depth))
		return env_add(j, p, n, err);
	return 0;
}

static int bad(kc_jsplit *j, kc_err *err, const char *what, char ch)
{
	return kc_err_set(err, KC_EPARSE, _("byte %llu: %s (\"%c\")"), (unsigned long long)j->offset,
			  what, ch);
}

int kc_jsplit_feed(kc_jsplit *j, const char *data, size_t len, kc_err *err)
{
	size_t i = 0;
	int rc;

	while (i < len) {
		char ch = data[i];

		/* A byte order mark at the start ("\xEF\xBB\xBF"), skipped. */
		if (j->offset < 3 && j->offset == (uint64_t)j->bom && !j->depth) {
			static const char bom[] = "\xEF\xBB\xBF";
			if (ch == bom[j->bom]) {
				j->bom++;
				j->offset++;
				i++;
				continue;
			}
			if (j->bom)
				return bad(j, err, _("an incomplete UTF-8 byte order mark"), ch);
		}
		if (j->in_string) {
			/* Fast path: copy the run up to the next quote or backslash. */
			size_t k = i;
			if (!j->escape)
				while (k < len && data[k] != '"' && data[k] != '\\')
					k++;
			if (k > i) {
				if (j->in_record)
					rec_add(j, data + i, k - i);
				else {
					if ((rc = sink(j, data + i, k - i, err)) < 0)
						return rc;
					if (j->expect_key == 2 && kc_buf_add(&j->key, data + i, k - i) < 0)
						j->expect_key = 3;
				}
				j->offset += k - i;
				i = k;
				continue;
			}
			if (j->in_record)
				rec_add(j, &ch, 1);
			else if ((rc = sink(j, &ch, 1, err)) < 0)
				return rc;
			if (j->escape) {
				j->escape = 0;
				if (j->expect_key == 2 && kc_buf_addc(&j->key, ch) < 0)
					j->expect_key = 3;
			} else if (ch == '\\') {
				j->escape = 1;
			} else if (ch == '"') {
				j->in_string = 0;
				if (j->expect_key >= 2) {
					/* A page-level key ended (3: too long to be one we want). */
					j->vuln_key = j->expect_key == 2 &&
						      strcmp(kc_buf_str(&j->key), "vulnerabilities") == 0;
					j->expect_key = 0;
				}
			}
			j->offset++;
			i++;
			continue;
		}
		switch (ch) {
		case ' ':
		case '\t':
		case '\r':
		case '\n':
			if ((rc = sink(j, &ch, 1, err)) < 0)
				return rc;
			break;
		case '"':
			if (j->depth == 0)
				return bad(j, err, _("text outside any object"), ch);
			if (j->depth == 1 && j->outer_array)
				return bad(j, err, _("a page of the list is not an object"), ch);
			if (j->depth == j->arr_depth && !j->in_record) {
				j->in_record = j->rec_scalar = 1;
				j->rec_offset = j->offset;
			}
			j->in_string = 1;
			if ((rc = sink(j, &ch, 1, err)) < 0)
				return rc;
			if (j->page_depth && j->depth == j->page_depth && j->expect_key == 1) {
				kc_buf_clear(&j->key);
				j->expect_key = 2;
			}
			break;
		case '{':
		case '[':
			if (j->depth >= KC_JSPLIT_DEPTH_MAX)
				return kc_err_set(err, KC_ETOOBIG,
						  _("byte %llu: brackets nested deeper than %d"),
						  (unsigned long long)j->offset, KC_JSPLIT_DEPTH_MAX);
			if (j->depth == 0 && ch == '[' && !j->outer_array) {
				j->outer_array = 1;
			} else if ((j->depth == 0 && ch == '{') ||
				   (j->depth == 1 && j->outer_array && !j->page_depth)) {
				if (ch != '{')
					return bad(j, err, _("a page of the list is not an object"), ch);
				j->page_depth = j->depth + 1;
				j->expect_key = 1;
				j->vuln_key = 0;
				j->env_offset = j->offset;
				kc_buf_clear(&j->env);
			} else if (j->depth == 0) {
				return bad(j, err, _("a second list of pages"), ch);
			} else if (j->depth == j->arr_depth && !j->in_record) {
				j->in_record = 1;
				j->rec_scalar = 0;
				j->rec_offset = j->offset;
			}
			if ((rc = sink(j, &ch, 1, err)) < 0)
				return rc;
			if (j->page_depth && j->depth == j->page_depth && !j->arr_depth && j->vuln_key &&
			    ch == '[')
				j->arr_depth = j->depth + 1;
			j->stack[j->depth++] = ch;
			break;
		case '}':
		case ']':
			if (j->depth == 0)
				return bad(j, err, _("a closing bracket with nothing open"), ch);
			if (j->stack[j->depth - 1] != (ch == '}' ? '{' : '['))
				return bad(j, err,
					   ch == '}' ? _("\"}\" closes a \"[\"") : _("\"]\" closes a \"{\""),
					   ch);
			if (j->in_record && j->rec_scalar && j->depth == j->arr_depth &&
			    (rc = rec_emit(j)) < 0)
				return rc;
			j->depth--;
			if ((rc = sink(j, &ch, 1, err)) < 0)
				return rc;
			if (j->in_record && !j->rec_scalar && j->depth == j->arr_depth &&
			    (rc = rec_emit(j)) < 0)
				return rc;
			if (j->arr_depth && j->depth == j->arr_depth - 1) {
				j->arr_depth = 0;
				j->vuln_key = 0;
			}
			if (j->page_depth && j->depth == j->page_depth - 1) {
				rc = j->cb.envelope(j->cb.arg, j->page, j->env_offset, kc_buf_str(&j->env),
						    j->env.len);
				if (rc < 0)
					return rc;
				j->page++;
				j->page_depth = 0;
				j->rec_index = 0;
				kc_buf_clear(&j->env);
			}
			if (j->depth == 0)
				j->outer_array = 0;
			break;
		case ',':
			if (j->depth == 0)
				return bad(j, err, _("text outside any object"), ch);
			if (j->in_record && j->rec_scalar && j->depth == j->arr_depth &&
			    (rc = rec_emit(j)) < 0)
				return rc;
			if ((rc = sink(j, &ch, 1, err)) < 0)
				return rc;
			if (j->page_depth && j->depth == j->page_depth) {
				j->expect_key = 1;
				j->vuln_key = 0;
			}
			break;
		case ':':
			if (j->depth == 0)
				return bad(j, err, _("text outside any object"), ch);
			if ((rc = sink(j, &ch, 1, err)) < 0)
				return rc;
			break;
		default:
			if (j->depth == 0)
				return bad(j, err, _("text outside any object"), ch);
			if (j->depth == 1 && j->outer_array)
				return bad(j, err, _("a page of the list is not an object"), ch);
			if (j->depth == j->arr_depth && !j->in_record) {
				j->in_record = j->rec_scalar = 1;
				j->rec_offset = j->offset;
			}
			if ((rc = sink(j, &ch, 1, err)) < 0)
				return rc;
			break;
		}
		j->offset++;
		i++;
	}
	return 0;
}

int kc_jsplit_finish(kc_jsplit *j, kc_err *err)
{
	if (j->in_string || j->depth)
		return kc_err_set(err, KC_EPARSE,
				  _("the input ends at byte %llu inside %s: truncated?"),
				  (unsigned long long)j->offset,
				  j->in_string ? _("a string") : _("an object or array"));
	if (j->bom && j->bom < 3 && j->offset == (uint64_t)j->bom)
		return kc_err_set(err, KC_EPARSE, _("the input ends at byte %llu inside %s: truncated?"),
				  (unsigned long long)j->offset, _("a UTF-8 byte order mark"));
	if (j->offset == (uint64_t)j->bom)
		return kc_err_set(err, KC_EPARSE, _("the input is empty"));
	return 0;
}
