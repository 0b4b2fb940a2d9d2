/*
 * relay.h - fixed-size records applied in order by a second thread.
 *
 * The caller puts records; a thread of the relay's own calls APPLY on
 * each, in the order put, in batches handed over through a handoff
 * (handoff.h).  What APPLY touches must be left to that thread until
 * relay_end() returns; the caller is free to go on with anything else.
 * When no thread can be started, relay_put() applies the record at once.
 *
 * APPLY returns 0, or -1 to refuse a record: the records after it are
 * dropped, relay_put() says -1 from then on (soon, not at once), and
 * relay_end() says -1.  relay_put() also returns -1 when out of memory.
 * relay_end() waits for the last record, stops the thread and frees the
 * relay; it is always called, NULL included.
 */
#ifndef TLSRPT_RELAY_H
#define TLSRPT_RELAY_H

#include <stddef.h>

struct relay;

struct relay *relay_new(size_t rec_size, int (*apply)(void *ctx, const void *rec),
    void *ctx);
int relay_put(struct relay *r, const void *rec);
int relay_end(struct relay *r);

#endif
