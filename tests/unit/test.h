/*
 * test.h - what the cmocka unit tests share: a temporary store, initialised.
 */
#ifndef KC_TEST_H
#define KC_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "base/i18n.h"
#include "store/store.h"

/* Messages are checked in English; the catalogue has its own tests. */
__attribute__((constructor)) static void test_messages_in_english(void)
{
	kc_i18n_set_lang(KC_LANG_EN);
	if (sodium_init() < 0)
		abort();
}

/* A new SQLite store in a temporary directory; migrated when migrate is 1. */
static inline kc_store *test_store(int migrate, char path[256])
{
	char dir[] = "/tmp/kcert-unit.XXXXXX";
	kc_store *st = NULL;
	kc_err err;

	assert_non_null(mkdtemp(dir));
	snprintf(path, 256, "%s/t.db", dir);
	assert_int_equal(kc_store_open(path, &st, &err), 0);
	if (migrate)
		assert_int_equal(kc_store_migrate(st, NULL, &err), 0);
	return st;
}

static inline void test_store_done(kc_store *st, const char *path)
{
	char cmd[600];

	kc_store_close(st);
	snprintf(cmd, sizeof(cmd), "rm -rf \"$(dirname '%s')\"", path);
	assert_int_equal(system(cmd), 0);
}

#endif
