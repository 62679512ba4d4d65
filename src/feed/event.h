/*
 * event.h - reading stored events (IntelMQ field names in exports).
 */
#ifndef KC_EVENT_H
#define KC_EVENT_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "store/store.h"

typedef struct kc_event {
	int64_t id;
	int64_t org_id;
	char org[80];		  /* slug, "" when unattributed */
	char feed[64];
	char report[64];
	char taxonomy[40], type[40], identifier[80];
	char ip[48];
	int64_t port;		  /* -1 when none */
	int64_t asn;		  /* 0 when unknown */
	char fqdn[256];
	char time_source[32], time_last[32], time_observation[32];
	int64_t seen;
	char tlp[16];
} kc_event;

typedef struct kc_event_filter {
	int64_t org_id;		  /* 0: every organisation */
	const char *identifier;	  /* classification.identifier, or NULL */
	const char *since;	  /* time.source >= since (ISO 8601), or NULL */
	const char *address;	  /* source.ip, or source.fqdn or a name under it, or a prefix, or NULL */
	int64_t notice_id;	  /* only the events that went into this notice; 0: any */
	size_t limit, offset;	  /* limit 0: 1000 */
} kc_event_filter;

/* Newest first. *out is malloc'd. */
int kc_event_list(kc_store *st, const kc_event_filter *f, kc_event **out, size_t *n, kc_err *err);

#endif
