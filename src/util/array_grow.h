/*
 * array_grow.h - room in an array that grows by doubling.
 *
 * The report's builders keep their rows, cells and strings in plain
 * arrays; this is the one place that grows them.  array_grow(P, &CAP, N,
 * SIZE) returns P when its CAP items of SIZE bytes hold N already, else
 * P moved to a capacity doubled from CAP (64 for an empty array) until it
 * holds N, with *CAP updated.  NULL when out of memory or when the size
 * would not fit a size_t; P and *CAP are then unchanged and P is still
 * the caller's to free.  New items are not zeroed.
 */
#ifndef TLSRPT_ARRAY_GROW_H
#define TLSRPT_ARRAY_GROW_H

#include <stddef.h>

void *array_grow(void *p, size_t *cap, size_t n, size_t size);

#endif
