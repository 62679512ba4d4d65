/*
 * migrate.h - versioned schema migrations, compiled in from
 * src/store/migrations/NNN_name.sql (scripts/gen-migrations.sh).
 */
#ifndef KC_MIGRATE_H
#define KC_MIGRATE_H

#include <stddef.h>

struct kc_migration {
	int version;
	const char *name;
	const char *sql;
};

extern const struct kc_migration kc_migrations[];
extern const size_t kc_migrations_len;

#endif
