/*
 * huge_heap.h - a short-lived command's malloc heap in huge pages.
 *
 * The report builds hash tables and arrays of up to a few hundred MB,
 * touches them in no useful order, and exits.  In 4 KB pages that is one
 * page fault per 4 KB first touched (51,000 over a year's report) and a
 * TLB miss on most lookups; in 2 MB pages a few hundred faults.
 *
 * huge_heap_reserve(BYTES) makes glibc's malloc grow its main heap by
 * BYTES beyond what it needs, grows it once, and asks the kernel to back
 * that range with transparent huge pages (madvise MADV_HUGEPAGE, which
 * the "madvise" setting of /sys/kernel/mm/transparent_hugepage/enabled,
 * Debian's default, honours).  Large blocks (up to 32 MB) come from the
 * heap rather than from a mapping each.  Memory past BYTES comes in
 * normal pages, as without this call (glibc trims only what lies past
 * its top pad, so what the command frees and allocates again stays in
 * the advised range).  Only the reservation's address space is taken at once:
 * pages are still only allocated when touched, 2 MB at a time.
 *
 * Call it first thing in a command that then exits (never in the milter:
 * a daemon's heap should shrink again).  Returns 0 when the range is
 * advised, -1 when it is not (not glibc, malloc replaced by a sanitizer
 * or valgrind, the heap could not grow, or the kernel refused): then
 * malloc works as before and nothing else changed.
 */
#ifndef TLSRPT_HUGE_HEAP_H
#define TLSRPT_HUGE_HEAP_H

#include <stddef.h>

int huge_heap_reserve(size_t bytes);

#endif
