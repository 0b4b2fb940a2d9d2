/*
 * handoff.h - batches handed from one thread to another, in order.
 *
 * A ring of HANDOFF_BUFS byte buffers between one producer thread and
 * one consumer thread.  The producer takes a free buffer, fills it and
 * publishes it; the consumer gets the published buffers in the order
 * they were published and releases each when done with it, which frees
 * it for the producer again.  Either side waits only when the ring is
 * full or empty, and a buffer changes hands under one mutex: cheap for
 * batches of a few hundred kilobytes, not for single rows.
 *
 * Buffers keep their memory from one use to the next; the producer may
 * grow the one it holds (handoff_room()).  Memory is bounded by what the
 * producer asks for.
 *
 * The consumer may stop early (handoff_stop()): the producer's next
 * handoff_take() returns NULL, and buffers still published can be
 * released unread.  The producer ends with handoff_close(); then
 * handoff_next() returns NULL once the ring is empty.  handoff_free()
 * when both are done.  Only handoff_new() and handoff_room() can fail
 * (out of memory).
 */
#ifndef TLSRPT_HANDOFF_H
#define TLSRPT_HANDOFF_H

#include <stddef.h>

#define HANDOFF_BUFS	3

struct handoff_buf {
	char *data;
	size_t len, cap;
};

struct handoff;

struct handoff *handoff_new(void);
void handoff_free(struct handoff *h);

/* The producer's side. */
struct handoff_buf *handoff_take(struct handoff *h);	/* len 0; NULL: stopped */
int handoff_room(struct handoff_buf *b, size_t need);	/* cap >= len + need, or -1 */
void handoff_publish(struct handoff *h);		/* the buffer taken */
void handoff_close(struct handoff *h);

/* The consumer's side. */
struct handoff_buf *handoff_next(struct handoff *h);	/* NULL: closed and empty */
void handoff_release(struct handoff *h);		/* the buffer from next */
void handoff_stop(struct handoff *h);

#endif
