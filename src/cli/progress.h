/*
 * progress.h - a progress line for long runs, shown on a terminal only:
 *
 *   import  38%  45.2 MiB/120.0 MiB  1234 messages  210/s  ETA 0:35
 *
 * on the given stream (stderr), rewritten in place with \r, at most
 * PROGRESS_HZ times a second however often it is updated.  Done and total
 * are bytes (cheap to know beforehand, unlike the number of messages in
 * an mbox); the rate is items a second and the ETA comes from the byte
 * rate.  Anything else printed to the stream must be preceded by
 * progress_clear(), or it lands in the middle of the line.
 */
#ifndef TLSRPT_PROGRESS_H
#define TLSRPT_PROGRESS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define PROGRESS_HZ	4

struct progress;

/* NULL when FP is not a terminal (nothing to show) or out of memory. */
struct progress *progress_new(FILE *fp, const char *label, uint64_t total);
/* DONE bytes of the total and ITEMS so far; redraws when it is time. */
void progress_update(struct progress *p, uint64_t done, unsigned long items);
/* Erase the line; the next update draws it again.  P may be NULL. */
void progress_clear(struct progress *p);
/* Erase the line and free P (may be NULL). */
void progress_free(struct progress *p);

/* The line itself, for tests: ELAPSED seconds since the start. */
void progress_format(char *buf, size_t size, const char *label,
    uint64_t done, uint64_t total, unsigned long items, double elapsed);

#endif
