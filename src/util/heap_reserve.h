/*
 * heap_reserve.h - a short-lived command's malloc heap, grown once.
 *
 * The report builds hash tables and arrays of up to a few hundred MB,
 * grows them as the rows come, and exits.  glibc's malloc would move the
 * program break a little at a time and give each block above its mmap
 * threshold (128 KB at first) a mapping of its own, unmapped when freed
 * and faulted in afresh when a table doubles.
 *
 * heap_reserve(BYTES) makes glibc grow its main heap by BYTES beyond what
 * it needs, once, and raises the mmap threshold to its ceiling, so that
 * blocks up to 32 MB come from the heap and a block freed there is reused
 * rather than returned.  glibc trims only what lies past its top pad, so
 * the heap does not shrink while the command runs.  Only address space
 * is taken at once: pages are still allocated when first touched, in the
 * kernel's normal size.  They are not advised for transparent huge
 * pages: on a virtual machine that hands free memory back to its host,
 * the first touch of a 2 MB page costs several times what 512 small ones
 * do (doc/facts.md).
 *
 * Call it first thing in a command that then exits (never in the milter:
 * a daemon's heap should shrink again).  Returns 0 when the heap grew,
 * -1 when it did not (not glibc, malloc replaced by a sanitizer or
 * valgrind, or no room for the break): then malloc works as before and
 * nothing else changed.
 */
#ifndef TLSRPT_HEAP_RESERVE_H
#define TLSRPT_HEAP_RESERVE_H

#include <stddef.h>

int heap_reserve(size_t bytes);

#endif
