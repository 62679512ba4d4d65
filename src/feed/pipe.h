/*
 * pipe.h - a second thread that stores what a parser produced.
 *
 * Reading a report (CSV, validation, attribution, the extra JSON) and storing
 * its events (dedup lookup, INSERT) take turns on one core otherwise; with a
 * pipe the parser fills batches of events while a thread of its own stores
 * the previous ones through kc_sink_store, in the order they were put. The
 * store connection is used by that thread alone between kc_pipe_start and
 * kc_pipe_finish (the caller's transaction, begun by kc_sink_open, stays
 * open across: the thread only adds to it). The store thread counts
 * rep->events and rep->duplicates; the parser keeps every other count.
 */
#ifndef KC_FEED_PIPE_H
#define KC_FEED_PIPE_H

#include "feed/sink.h"

typedef struct kc_pipe kc_pipe;

/* Start the store thread for s. On failure (no thread, no memory) the
 * caller stores through kc_sink_store itself. */
int kc_pipe_start(kc_pipe **out, kc_sink *s, kc_err *err);

/*
 * Queue one attributed event (its strings are copied; ev->time is not used:
 * when is the event's time). Blocks while every batch is in use. Returns 0,
 * or the store thread's error code once it has failed: the caller stops
 * reading and calls kc_pipe_finish for the message.
 */
int kc_pipe_put(kc_pipe *p, const kc_sink_event *ev, int64_t org_id, const char *when);

/* Store what is queued, stop the thread and free the pipe. Returns 0 or the
 * first store error, with its message in err. */
int kc_pipe_finish(kc_pipe *p, kc_err *err);

#endif
