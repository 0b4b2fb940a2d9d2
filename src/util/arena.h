/*
 * arena.h - a bump allocator for the objects of one parse result.
 *
 * A report is built from hundreds of small strings and arrays that all die
 * together, so they come from one arena and go with arena_free().  Every
 * allocation is 16-byte aligned and zeroed.  Functions return NULL when
 * malloc fails; nothing aborts.
 */
#ifndef TLSRPT_ARENA_H
#define TLSRPT_ARENA_H

#include <stddef.h>

struct arena;

struct arena *arena_new(void);
void arena_free(struct arena *a);

void *arena_alloc(struct arena *a, size_t size);
/* Copy LEN bytes and add a NUL terminator. */
char *arena_strndup(struct arena *a, const char *s, size_t len);
char *arena_strdup(struct arena *a, const char *s);
/* printf into the arena. */
char *arena_printf(struct arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Grow an array held in the arena: returns the new array (old one is abandoned). */
void *arena_grow(struct arena *a, void *old, size_t old_count, size_t new_count,
    size_t elem_size);

#endif
