/*
 * relay.c - fixed-size records applied in order by a second thread; see
 * relay.h.
 */
#include "relay.h"
#include "handoff.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define RELAY_BYTES	(64 * 1024)	/* a batch */

struct relay {
	size_t size;
	int (*apply)(void *ctx, const void *rec);
	void *ctx;
	struct handoff *h;		/* NULL: applied in the caller's thread */
	struct handoff_buf *fill;	/* the caller's */
	pthread_t tid;
	int refused;			/* the thread's: APPLY said -1 */
	int failed;			/* the caller's: refused, or out of memory */
};

static void *
consume(void *arg)
{
	struct relay *r = arg;
	struct handoff_buf *b;

	while ((b = handoff_next(r->h)) != NULL) {
		const char *data = b->data;
		size_t at, len = b->len;

		for (at = 0; !r->refused && at + r->size <= len; at += r->size)
			if (r->apply(r->ctx, data + at) < 0)
				r->refused = 1;
		/* The rest is only released: the caller learns at its next take. */
		if (r->refused)
			handoff_stop(r->h);
		handoff_release(r->h);
	}
	return NULL;
}

struct relay *
relay_new(size_t rec_size, int (*apply)(void *ctx, const void *rec), void *ctx)
{
	struct relay *r;

	if (rec_size == 0 || rec_size > RELAY_BYTES || (r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	r->size = rec_size;
	r->apply = apply;
	r->ctx = ctx;
	if ((r->h = handoff_new()) != NULL &&
	    pthread_create(&r->tid, NULL, consume, r) != 0) {
		handoff_free(r->h);
		r->h = NULL;
	}
	return r;
}

int
relay_put(struct relay *r, const void *rec)
{
	if (r->failed)
		return -1;
	if (r->h == NULL) {
		if (r->apply(r->ctx, rec) < 0)
			r->failed = 1;
		return r->failed ? -1 : 0;
	}
	if (r->fill != NULL && r->fill->len + r->size > RELAY_BYTES) {
		handoff_publish(r->h);
		r->fill = NULL;
	}
	/* NULL: the thread stopped on a record it refused. */
	if ((r->fill == NULL && (r->fill = handoff_take(r->h)) == NULL) ||
	    handoff_room(r->fill, r->size) < 0) {
		r->failed = 1;
		return -1;
	}
	memcpy(r->fill->data + r->fill->len, rec, r->size);
	r->fill->len += r->size;
	return 0;
}

int
relay_end(struct relay *r)
{
	int rc;

	if (r == NULL)
		return -1;
	if (r->h != NULL) {
		if (r->fill != NULL && r->fill->len > 0 && !r->failed)
			handoff_publish(r->h);
		handoff_close(r->h);
		pthread_join(r->tid, NULL);
		handoff_free(r->h);
	}
	rc = r->failed || r->refused ? -1 : 0;
	free(r);
	return rc;
}
