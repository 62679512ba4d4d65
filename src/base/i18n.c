/*
 * i18n.c - lookup in the compiled-in message catalogue. The generated table is
 * in file order; on first use an index of it is sorted by msgid (as strcmp sees
 * the unescaped bytes) so that every lookup is a binary search.
 */
#include "base/i18n.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/err.h"

struct kc_msg {
	const char *id;
	const char *nb;
	const char *nn;
};

/* Generated from share/i18n/messages.tsv into build/gen/i18n_catalogue.c. */
extern const struct kc_msg kc_msg_catalogue[];
extern const size_t kc_msg_catalogue_len;

static kc_lang current_lang = KC_LANG_NB;
static const struct kc_msg **sorted;
static pthread_once_t sorted_once = PTHREAD_ONCE_INIT;

static int cmp_entries(const void *a, const void *b)
{
	return strcmp((*(const struct kc_msg *const *)a)->id, (*(const struct kc_msg *const *)b)->id);
}

static int cmp_key(const void *key, const void *elem)
{
	return strcmp((const char *)key, (*(const struct kc_msg *const *)elem)->id);
}

static void sort_catalogue(void)
{
	sorted = malloc(kc_msg_catalogue_len * sizeof(*sorted) + 1);
	if (!sorted)
		return; /* lookups then fall back to English */
	for (size_t i = 0; i < kc_msg_catalogue_len; i++)
		sorted[i] = &kc_msg_catalogue[i];
	qsort(sorted, kc_msg_catalogue_len, sizeof(*sorted), cmp_entries);
}

const char *kc_tr_lang(kc_lang lang, const char *msgid)
{
	const struct kc_msg *const *found;
	const struct kc_msg *m;
	const char *t;

	if (lang == KC_LANG_EN || !msgid || !*msgid)
		return msgid;
	pthread_once(&sorted_once, sort_catalogue);
	if (!sorted)
		return msgid;
	found = bsearch(msgid, sorted, kc_msg_catalogue_len, sizeof(*sorted), cmp_key);
	if (!found)
		return msgid;
	m = *found;
	t = lang == KC_LANG_NN ? m->nn : m->nb;
	if (!t || !*t)
		t = m->nb && *m->nb ? m->nb : msgid;
	return t;
}

const char *kc_tr(const char *msgid)
{
	return kc_tr_lang(current_lang, msgid);
}

int kc_lang_parse(const char *s, kc_lang *out)
{
	static const struct {
		const char *name;
		kc_lang lang;
	} names[] = {
		{ "nb", KC_LANG_NB }, { "no", KC_LANG_NB }, { "nob", KC_LANG_NB },
		{ "bokmal", KC_LANG_NB }, { "bokmål", KC_LANG_NB },
		{ "nn", KC_LANG_NN }, { "nno", KC_LANG_NN }, { "nynorsk", KC_LANG_NN },
		{ "en", KC_LANG_EN }, { "eng", KC_LANG_EN }, { "english", KC_LANG_EN },
		{ "c", KC_LANG_EN }, { "posix", KC_LANG_EN },
	};
	char head[16];
	size_t n, i;

	if (!s)
		return KC_EINVAL;
	n = strcspn(s, "_.@-");
	if (n == 0 || n >= sizeof(head))
		return KC_EINVAL;
	memcpy(head, s, n);
	head[n] = '\0';
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strcasecmp(head, names[i].name)) {
			*out = names[i].lang;
			return KC_OK;
		}
	}
	return KC_EINVAL;
}

const char *kc_lang_code(kc_lang lang)
{
	switch (lang) {
	case KC_LANG_NN: return "nn";
	case KC_LANG_EN: return "en";
	default: return "nb";
	}
}

void kc_i18n_set_lang(kc_lang lang)
{
	current_lang = lang;
}

kc_lang kc_i18n_lang(void)
{
	return current_lang;
}

void kc_i18n_init_from_env(void)
{
	const char *v = getenv("KCERT_LANG");
	kc_lang l;

	if (v && kc_lang_parse(v, &l) == KC_OK)
		current_lang = l;
	else
		current_lang = KC_LANG_NB;
}
