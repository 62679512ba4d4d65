/*
 * route.h - the small parsers of the API: path patterns with {name}
 * segments, and the opaque pagination cursor.
 */
#ifndef KC_ROUTE_H
#define KC_ROUTE_H

#include <stddef.h>

#define KC_ROUTE_PARAMS 4
#define KC_ROUTE_PARAM_MAX 128

typedef struct kc_route_params {
	const char *v[KC_ROUTE_PARAMS];
	char seg[KC_ROUTE_PARAMS][KC_ROUTE_PARAM_MAX];
	int n;
} kc_route_params;

/* 1 when path matches pattern ("/api/v1/orgs/{org}/contacts"); the {name}
 * segments (non-empty, no '/', shorter than KC_ROUTE_PARAM_MAX) go to p. */
int kc_route_match(const char *path, const char *pattern, kc_route_params *p);

/* Cursors are base64url of "o:OFFSET". NULL decodes as offset 0. Returns 0 or
 * KC_EINVAL. out holds at least 32 bytes. */
int kc_cursor_decode(const char *cursor, size_t *offset);
void kc_cursor_encode(size_t offset, char out[32]);

#endif
