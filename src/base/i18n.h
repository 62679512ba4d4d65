/*
 * i18n.h - message catalogue: Norwegian bokmål by default, nynorsk and English.
 *
 * Messages are written in English in the source, wrapped in _() (or N_() where
 * only marked, for static tables), and looked up in share/i18n/messages.tsv,
 * which is compiled into the binary. A message with no translation is shown in
 * English. tests/e2e/i18n.sh checks that every _()/N_() message has an entry and
 * that each translation keeps the printf conversions of its original.
 */
#ifndef KC_I18N_H
#define KC_I18N_H

typedef enum kc_lang { KC_LANG_NB = 0, KC_LANG_NN = 1, KC_LANG_EN = 2 } kc_lang;

/* Translate msgid into the current language; returns msgid when no entry. */
const char *kc_tr(const char *msgid) __attribute__((format_arg(1)));
const char *kc_tr_lang(kc_lang lang, const char *msgid) __attribute__((format_arg(2)));

#define _(s) kc_tr(s)
#define N_(s) (s)

/* Parse "nb", "nn", "en" (also "no", "nob", "nno", "eng", and locale strings such
 * as "nn_NO.UTF-8"); returns 0 and sets *out, or KC_EINVAL. */
int kc_lang_parse(const char *s, kc_lang *out);
const char *kc_lang_code(kc_lang lang);

void kc_i18n_set_lang(kc_lang lang);
kc_lang kc_i18n_lang(void);

/* Pick the language from KCERT_LANG (default bokmål). */
void kc_i18n_init_from_env(void);

#endif
