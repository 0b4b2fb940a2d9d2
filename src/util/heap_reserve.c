/*
 * heap_reserve.c - a short-lived command's malloc heap, grown once.
 */
#include "heap_reserve.h"

#include <stdint.h>
#include <stdlib.h>

#if defined(__GLIBC__)
#include <malloc.h>
#include <unistd.h>
#endif

#if defined(__GLIBC__) && defined(M_TOP_PAD)

/* glibc's default top pad, restored when the heap cannot be reserved. */
#define GLIBC_TOP_PAD		(128 * 1024)
#define GLIBC_MMAP_THRESHOLD	(128 * 1024)
/* Larger than the heap's free top at start, so that it must grow. */
#define PROBE_BYTES		(1024 * 1024)
/* glibc's ceiling for M_MMAP_THRESHOLD: 32 MB on 64-bit. */
#define MMAP_CEILING		(4 * 1024 * 1024 * (int)sizeof(long))

/* Back to glibc's defaults (the mmap threshold no longer adapts). */
static void
undo(void *probe)
{
	free(probe);
	mallopt(M_TOP_PAD, GLIBC_TOP_PAD);
	mallopt(M_MMAP_THRESHOLD, GLIBC_MMAP_THRESHOLD);
}

int
heap_reserve(size_t bytes)
{
	uintptr_t before, after;
	void *probe;

	if (bytes < PROBE_BYTES || bytes > (size_t)INT32_MAX)
		return -1;
	/*
	 * mallopt() says 1 when it took the setting; a sanitizer's malloc
	 * says 0.  valgrind's says 1 too, but its malloc does not move the
	 * program break: the growth check below catches it.
	 */
	if (mallopt(M_TOP_PAD, (int)bytes) != 1)
		return -1;
	/*
	 * Large blocks from the heap, the probe first: above the threshold,
	 * a block the heap's free top cannot hold gets a mapping of its own.
	 */
	mallopt(M_MMAP_THRESHOLD, MMAP_CEILING);
	before = (uintptr_t)sbrk(0);
	probe = malloc(PROBE_BYTES);
	after = (uintptr_t)sbrk(0);
	if (probe == NULL || before == (uintptr_t)-1 || after == (uintptr_t)-1 ||
	    after < before || after - before < bytes) {
		/* The heap did not grow by BYTES (no brk, or not glibc's malloc). */
		undo(probe);
		return -1;
	}
	free(probe);
	return 0;
}

#else

int
heap_reserve(size_t bytes)
{
	(void)bytes;
	return -1;
}

#endif
