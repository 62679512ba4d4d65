/*
 * api_internal.h - what the JSON API's handler files share (api.c routes).
 */
#ifndef KC_API_INTERNAL_H
#define KC_API_INTERNAL_H

#include <stddef.h>

#include "web/web.h"

void kc_api_fail(kc_req *r, int rc, const kc_err *err);
int kc_api_need_csrf(kc_req *r);
/* api_picture.c: one organisation's 30-day trend beside the median per
 * municipality, for GET /api/v1/situation; NULL and err on failure. */
struct json_t *kc_api_situation_compare(kc_store *st, int64_t org_id, kc_err *err);
/* and findings, exposed checks/products, KEV affecting, advisories, ratings into o */
int kc_api_situation_scan(kc_store *st, const kc_user *u, int64_t org_id, struct json_t *o, kc_err *err);
int kc_api_page_args(kc_req *r, size_t *limit, size_t *offset);
void *kc_api_cursor(size_t offset); /* json_t * */

/* api_scan.c */
void kc_api_findings(kc_req *r);
void kc_api_ratings(kc_req *r);

/* api_case.c */
void kc_api_cases(kc_req *r);
void kc_api_case_create(kc_req *r);
void kc_api_case_show(kc_req *r);
void kc_api_case_update(kc_req *r);
void kc_api_case_message(kc_req *r);
void kc_api_case_note(kc_req *r);
void kc_api_case_share(kc_req *r);
void kc_api_case_clock(kc_req *r);
void kc_api_campaigns(kc_req *r);
void kc_api_case_attach(kc_req *r);

/* advisory_web.c */
void kc_api_advisories(kc_req *r);
void kc_api_advisory_show(kc_req *r);
/* api_share.c */
void kc_api_stats_nsm(kc_req *r);

#endif
