/*
 * pipe.c - a second thread that stores what a parser produced; see pipe.h.
 *
 * Batches go round a fixed set: the parser fills one (strings copied into the
 * batch's arena), hands it to the store thread's queue and takes a free one;
 * the store thread empties batches in the order they came and gives them
 * back. Memory is NBATCH batches whatever the file's size.
 */
#include "feed/pipe.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/kc.h"
#include "base/time.h"

#define NBATCH 4
#define BATCH 1024
#define NONE SIZE_MAX

enum { S_TAXONOMY, S_TYPE, S_IDENTIFIER, S_IP, S_FQDN, S_URL, S_EXTRA, S_TLP, S_N };

struct item {
	int64_t org_id, port, asn;
	size_t off[S_N]; /* into the batch's arena; NONE for NULL */
	char when[KC_TIME_STRLEN];
};

struct batch {
	size_t n;
	struct item items[BATCH];
	kc_buf arena;
};

struct kc_pipe {
	kc_sink *s;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t to_store, to_fill;
	struct batch *b[NBATCH];
	int queue[NBATCH]; /* full batches, oldest first */
	int nqueue;
	int free_[NBATCH];
	int nfree;
	int cur;  /* the batch being filled, or -1 */
	int done; /* no more batches will come */
	int rc;	  /* the store thread's first error (written by it alone) */
	kc_err err;
	int put_rc; /* the parser's own failure (no memory for a copy) */
	kc_err put_err;
};

static const char *str_at(const struct batch *b, size_t off)
{
	return off == NONE ? NULL : b->arena.ptr + off;
}

static void store_batch(kc_pipe *p, struct batch *b)
{
	for (size_t i = 0; i < b->n && !p->rc; i++) {
		const struct item *it = &b->items[i];
		kc_sink_event ev = {
			.taxonomy = str_at(b, it->off[S_TAXONOMY]),
			.type = str_at(b, it->off[S_TYPE]),
			.identifier = str_at(b, it->off[S_IDENTIFIER]),
			.ip = str_at(b, it->off[S_IP]),
			.fqdn = str_at(b, it->off[S_FQDN]),
			.url = str_at(b, it->off[S_URL]),
			.extra = str_at(b, it->off[S_EXTRA]),
			.tlp = str_at(b, it->off[S_TLP]),
			.port = it->port,
			.asn = it->asn,
		};
		int merged = 0, rc = kc_sink_store(p->s, &ev, it->org_id, it->when, &merged, &p->err);

		if (rc) {
			pthread_mutex_lock(&p->mu);
			p->rc = rc;
			pthread_mutex_unlock(&p->mu);
		} else if (merged) {
			p->s->rep->duplicates++;
		} else {
			p->s->rep->events++;
		}
	}
	b->n = 0;
	kc_buf_clear(&b->arena);
}

static void *store_thread(void *arg)
{
	kc_pipe *p = arg;

	for (;;) {
		int k;

		pthread_mutex_lock(&p->mu);
		while (p->nqueue == 0 && !p->done)
			pthread_cond_wait(&p->to_store, &p->mu);
		if (p->nqueue == 0) {
			pthread_mutex_unlock(&p->mu);
			return NULL;
		}
		k = p->queue[0];
		memmove(p->queue, p->queue + 1, (size_t)(p->nqueue - 1) * sizeof(p->queue[0]));
		p->nqueue--;
		pthread_mutex_unlock(&p->mu);
		if (!p->rc)
			store_batch(p, p->b[k]);
		else { /* failed: the rest is dropped with the transaction */
			p->b[k]->n = 0;
			kc_buf_clear(&p->b[k]->arena);
		}
		pthread_mutex_lock(&p->mu);
		p->free_[p->nfree++] = k;
		pthread_cond_signal(&p->to_fill);
		pthread_mutex_unlock(&p->mu);
	}
}

static void pipe_free(kc_pipe *p)
{
	for (int i = 0; i < NBATCH; i++) {
		if (p->b[i])
			kc_buf_release(&p->b[i]->arena);
		free(p->b[i]);
	}
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->to_store);
	pthread_cond_destroy(&p->to_fill);
	free(p);
}

int kc_pipe_start(kc_pipe **out, kc_sink *s, kc_err *err)
{
	kc_pipe *p = calloc(1, sizeof(*p));

	*out = NULL;
	if (!p)
		return kc_err_set(err, KC_ENOMEM, "%s", kc_strerror(KC_ENOMEM));
	p->s = s;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->to_store, NULL);
	pthread_cond_init(&p->to_fill, NULL);
	for (int i = 0; i < NBATCH; i++) {
		if (!(p->b[i] = calloc(1, sizeof(*p->b[i])))) {
			pipe_free(p);
			return kc_err_set(err, KC_ENOMEM, "%s", kc_strerror(KC_ENOMEM));
		}
		kc_buf_init(&p->b[i]->arena, (size_t)1 << 30);
		p->free_[p->nfree++] = i;
	}
	p->cur = p->free_[--p->nfree];
	if (pthread_create(&p->thread, NULL, store_thread, p)) {
		pipe_free(p);
		return kc_err_set(err, KC_EINTERNAL, _("cannot start a thread"));
	}
	*out = p;
	return KC_OK;
}

static size_t put_str(struct batch *b, const char *v, int *bad)
{
	size_t off = b->arena.len;

	if (!v)
		return NONE;
	if (kc_buf_add(&b->arena, v, strlen(v) + 1))
		*bad = 1;
	return off;
}

/* Hand the current batch to the store thread and take a free one. */
static int hand_over(kc_pipe *p)
{
	int rc;

	pthread_mutex_lock(&p->mu);
	p->queue[p->nqueue++] = p->cur;
	p->cur = -1;
	pthread_cond_signal(&p->to_store);
	while (p->nfree == 0)
		pthread_cond_wait(&p->to_fill, &p->mu);
	p->cur = p->free_[--p->nfree];
	rc = p->rc;
	pthread_mutex_unlock(&p->mu);
	return rc;
}

int kc_pipe_put(kc_pipe *p, const kc_sink_event *ev, int64_t org_id, const char *when)
{
	struct batch *b = p->b[p->cur];
	struct item *it = &b->items[b->n];
	int bad = 0;

	it->org_id = org_id;
	it->port = ev->port;
	it->asn = ev->asn;
	snprintf(it->when, sizeof(it->when), "%s", when);
	it->off[S_TAXONOMY] = put_str(b, ev->taxonomy, &bad);
	it->off[S_TYPE] = put_str(b, ev->type, &bad);
	it->off[S_IDENTIFIER] = put_str(b, ev->identifier, &bad);
	it->off[S_IP] = put_str(b, ev->ip, &bad);
	it->off[S_FQDN] = put_str(b, ev->fqdn, &bad);
	it->off[S_URL] = put_str(b, ev->url, &bad);
	it->off[S_EXTRA] = put_str(b, ev->extra, &bad);
	it->off[S_TLP] = put_str(b, ev->tlp, &bad);
	if (bad) {
		p->put_rc = kc_err_set(&p->put_err, KC_ENOMEM, "%s", kc_strerror(KC_ENOMEM));
		return KC_ENOMEM;
	}
	if (++b->n == BATCH)
		return hand_over(p);
	return KC_OK;
}

int kc_pipe_finish(kc_pipe *p, kc_err *err)
{
	int rc;

	pthread_mutex_lock(&p->mu);
	if (p->cur >= 0 && p->b[p->cur]->n)
		p->queue[p->nqueue++] = p->cur;
	p->cur = -1;
	p->done = 1;
	pthread_cond_signal(&p->to_store);
	pthread_mutex_unlock(&p->mu);
	pthread_join(p->thread, NULL);
	rc = p->rc ? p->rc : p->put_rc;
	if (rc && err)
		*err = p->rc ? p->err : p->put_err;
	pipe_free(p);
	return rc;
}
