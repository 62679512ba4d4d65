/*
 * org.h - constituent organisations and their contacts.
 *
 * Kinds: municipality (kommunenummer), county (fylkesnummer), iks (an
 * inter-municipal IT company or other provider serving municipalities), cert
 * (KommuneCERT itself and partner response teams), authority (police,
 * Datatilsynet, ...). An organisation is named on the command line by its
 * code (0301, 46), its slug (oslo, vestland-fylke) or "#ID".
 */
#ifndef KC_ORG_H
#define KC_ORG_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "store/store.h"

#define KC_ORG_NAME_MAX 200

typedef struct kc_org {
	int64_t id;
	char slug[80];
	char kind[16];
	char code[8];	     /* "" when none */
	char name[KC_ORG_NAME_MAX + 1];
	int64_t county_id;   /* 0 when none */
	char county[KC_ORG_NAME_MAX + 1];
	char county_code[8];
	char lang[4];
	int member;
	int active;
	char note[512];
	char created_at[32];
	char updated_at[32];
} kc_org;

typedef struct kc_org_filter {
	const char *kind;    /* NULL: every kind */
	const char *county;  /* NULL, or a county's code, slug or name */
	const char *search;  /* NULL, or a substring of the name (case-insensitive for ASCII) */
	int inactive;	     /* include organisations no longer active */
	size_t limit;	     /* 0: no limit */
	size_t offset;
} kc_org_filter;

typedef struct kc_org_new {
	const char *kind;
	const char *name;
	const char *slug;    /* NULL: derived from the name */
	const char *code;    /* NULL for iks, cert, authority */
	int64_t county_id;   /* 0: none */
	const char *lang;    /* NULL: "nb" */
	int member;
	const char *note;
} kc_org_new;

typedef struct kc_org_change {
	const char *name;    /* NULL: unchanged */
	const char *lang;
	int member;	     /* -1: unchanged */
	int active;	     /* -1: unchanged */
	const char *note;
	const char *notify_period; /* immediate, daily, weekly; NULL: unchanged */
} kc_org_change;

/* 1 when kind is one of the known kinds. */
int kc_org_kind_valid(const char *kind);

/* Derive a slug from a name: lower-case ASCII, æ->ae, ø->o, å->a, other
 * non-alphanumerics -> '-'. out holds cap bytes. */
void kc_org_slugify(const char *name, char *out, size_t cap);

/* Find by code, slug or "#ID". KC_ENOENT with a message when there is none. */
int kc_org_get(kc_store *st, const char *ref, kc_org *out, kc_err *err);
int kc_org_get_id(kc_store *st, int64_t id, kc_org *out, kc_err *err);

/* List in the order kind, name. *out is malloc'd (free()); *n entries. */
int kc_org_list(kc_store *st, const kc_org_filter *f, kc_org **out, size_t *n, kc_err *err);

/* Add; *id receives the new id. Audited. */
int kc_org_add(kc_store *st, const char *actor, const kc_org_new *o, int64_t *id, kc_err *err);

/* Change name, language, member or active flag, note. Audited. */
int kc_org_update(kc_store *st, const char *actor, int64_t id, const kc_org_change *c, kc_err *err);

/* The municipalities a provider serves (add / remove / list), and the providers
 * serving a municipality. */
int kc_org_serve(kc_store *st, const char *actor, int64_t provider, int64_t client, kc_err *err);
int kc_org_unserve(kc_store *st, const char *actor, int64_t provider, int64_t client, kc_err *err);
int kc_org_clients(kc_store *st, int64_t provider, kc_org **out, size_t *n, kc_err *err);
int kc_org_providers(kc_store *st, int64_t client, kc_org **out, size_t *n, kc_err *err);

/* Contacts. */
typedef struct kc_contact {
	int64_t id;
	int64_t org_id;
	char name[201];
	char email[255];
	char phone[41];
	char role[20];
	char lang[4];
	char pgp[51];
	char notices[200];
	char created_at[32];
} kc_contact;

int kc_contact_role_valid(const char *role);
/* Validate fields; c->id and created_at are set on success. Audited. */
int kc_contact_add(kc_store *st, const char *actor, kc_contact *c, kc_err *err);
/* Change contact c->id of organisation c->org_id to the fields in c. Audited. */
int kc_contact_update(kc_store *st, const char *actor, kc_contact *c, kc_err *err);
int kc_contact_get(kc_store *st, int64_t org_id, int64_t id, kc_contact *out, kc_err *err);
int kc_contact_rm(kc_store *st, const char *actor, int64_t org_id, const char *email, kc_err *err);
/* org_id 0: every organisation. */
int kc_contact_list(kc_store *st, int64_t org_id, kc_contact **out, size_t *n, kc_err *err);

/* Basic e-mail address syntax check (local@domain, domain normalisable). */
int kc_email_valid(const char *email, kc_err *err);

#endif
