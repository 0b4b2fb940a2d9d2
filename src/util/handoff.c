/*
 * handoff.c - batches handed from one thread to another; see handoff.h.
 *
 * The full buffers are COUNT from HEAD round the ring; the one the
 * consumer reads stays counted until released, so the producer's next,
 * at HEAD + COUNT, is never one the consumer holds.
 */
#include "handoff.h"
#include "array_grow.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/*
 * Each buffer on a cache line of its own, apart from the lock: the
 * producer adds to its buffer's length at every record while the
 * consumer reads the one it holds, and a shared line would bounce
 * between the two cores at every record.
 */
#define LINE	64

struct slot {
	struct handoff_buf b;
	char pad[LINE - sizeof(struct handoff_buf) % LINE];
};

struct handoff {
	struct slot s[HANDOFF_BUFS];
	pthread_mutex_t mu;
	pthread_cond_t cv;
	size_t head, count;
	int closed, stopped;
};

struct handoff *
handoff_new(void)
{
	struct handoff *h = aligned_alloc(LINE, (sizeof(*h) + LINE - 1) / LINE * LINE);

	if (h == NULL)
		return NULL;
	memset(h, 0, sizeof(*h));
	if (pthread_mutex_init(&h->mu, NULL) != 0) {
		free(h);
		return NULL;
	}
	if (pthread_cond_init(&h->cv, NULL) != 0) {
		pthread_mutex_destroy(&h->mu);
		free(h);
		return NULL;
	}
	return h;
}

void
handoff_free(struct handoff *h)
{
	size_t i;

	if (h == NULL)
		return;
	for (i = 0; i < HANDOFF_BUFS; i++)
		free(h->s[i].b.data);
	pthread_cond_destroy(&h->cv);
	pthread_mutex_destroy(&h->mu);
	free(h);
}

struct handoff_buf *
handoff_take(struct handoff *h)
{
	struct handoff_buf *b = NULL;

	pthread_mutex_lock(&h->mu);
	while (h->count == HANDOFF_BUFS && !h->stopped)
		pthread_cond_wait(&h->cv, &h->mu);
	if (!h->stopped) {
		b = &h->s[(h->head + h->count) % HANDOFF_BUFS].b;
		b->len = 0;
	}
	pthread_mutex_unlock(&h->mu);
	return b;
}

int
handoff_room(struct handoff_buf *b, size_t need)
{
	char *d;

	if (need > (size_t)-1 - b->len ||
	    (d = array_grow(b->data, &b->cap, b->len + need, 1)) == NULL)
		return -1;
	b->data = d;
	return 0;
}

void
handoff_publish(struct handoff *h)
{
	pthread_mutex_lock(&h->mu);
	h->count++;
	pthread_cond_broadcast(&h->cv);
	pthread_mutex_unlock(&h->mu);
}

void
handoff_close(struct handoff *h)
{
	pthread_mutex_lock(&h->mu);
	h->closed = 1;
	pthread_cond_broadcast(&h->cv);
	pthread_mutex_unlock(&h->mu);
}

struct handoff_buf *
handoff_next(struct handoff *h)
{
	struct handoff_buf *b = NULL;

	pthread_mutex_lock(&h->mu);
	while (h->count == 0 && !h->closed)
		pthread_cond_wait(&h->cv, &h->mu);
	if (h->count > 0)
		b = &h->s[h->head].b;
	pthread_mutex_unlock(&h->mu);
	return b;
}

void
handoff_release(struct handoff *h)
{
	pthread_mutex_lock(&h->mu);
	h->head = (h->head + 1) % HANDOFF_BUFS;
	h->count--;
	pthread_cond_broadcast(&h->cv);
	pthread_mutex_unlock(&h->mu);
}

void
handoff_stop(struct handoff *h)
{
	pthread_mutex_lock(&h->mu);
	h->stopped = 1;
	pthread_cond_broadcast(&h->cv);
	pthread_mutex_unlock(&h->mu);
}
