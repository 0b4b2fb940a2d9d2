/*
 * test_heap_reserve.c - heap_reserve() grows the brk heap once by what it
 * is asked, leaves blocks up to 32 MB on it, and a block freed at the top
 * leaves the heap as it was, also when the heap existed before (as it
 * does in a program by then); the heap is not advised for huge pages ("hg"
 * in its VmFlags).  Under a sanitizer's or valgrind's malloc it says -1
 * and malloc goes on as before.
 */
#include "heap_reserve.h"
#include "testlib.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#endif

/* The VmFlags of the mapping that holds P, in FLAGS; 0, or -1 if none. */
static int
vm_flags(const void *p, char *flags, size_t size)
{
	FILE *fp = fopen("/proc/self/smaps", "r");
	char line[512];
	int in = 0, found = -1;
	uintptr_t a = (uintptr_t)p;

	if (fp == NULL)
		return -1;
	while (fgets(line, sizeof(line), fp) != NULL) {
		unsigned long lo, hi;

		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2)	/* a mapping's first line */
			in = a >= lo && a < hi;
		else if (in && strncmp(line, "VmFlags:", 8) == 0) {
			snprintf(flags, size, "%s", line + 8);
			found = 0;
			break;
		}
	}
	fclose(fp);
	return found;
}

/* P lies in a mapping that is known and not advised for huge pages. */
static int
small_pages(const void *p)
{
	char flags[512];

	return vm_flags(p, flags, sizeof(flags)) == 0 && strstr(flags, " hg") == NULL;
}

int
main(void)
{
	const char *pre = getenv("LD_PRELOAD");
	const size_t reserve = (size_t)64 * 1024 * 1024;
	int expect = 0, r;
	char *small, *big;
	void *brk_before, *warm;
	uintptr_t brk_start;

#ifdef UNDER_ASAN
	expect = -1;
#endif
	if (pre != NULL && strstr(pre, "vgpreload") != NULL)
		expect = -1;			/* valgrind's malloc */

	/* The heap exists already, with little room left at its top. */
	warm = malloc(64);
	CHECK(warm != NULL);
	CHECK_INT(heap_reserve(1000), -1);	/* below the probe: nothing done */
	brk_start = (uintptr_t)sbrk(0);
	r = heap_reserve(reserve);
	CHECK_INT(r, expect);
	brk_before = sbrk(0);

	small = malloc(4096);
	big = malloc((size_t)16 * 1024 * 1024);	/* glibc would map it on its own */
	CHECK(small != NULL && big != NULL);
	if (small == NULL || big == NULL)
		return test_summary("test_heap_reserve");
	memset(small, 1, 4096);
	memset(big, 2, (size_t)16 * 1024 * 1024);
	if (r == 0) {
		/*
		 * Grown once by about the reserve (glibc keeps its top pad free
		 * when the probe goes back): the blocks did not move the break.
		 */
		CHECK((uintptr_t)brk_before - brk_start >= reserve - 1024 * 1024);
		CHECK((uintptr_t)brk_before - brk_start < 2 * reserve);
		CHECK(sbrk(0) == brk_before);
		CHECK((uintptr_t)big < (uintptr_t)sbrk(0));	/* on the heap */
		CHECK(small_pages(small));
		CHECK(small_pages(big));
		CHECK(small_pages(big + (size_t)16 * 1024 * 1024 - 1));
		/* Freed at the top, the heap stays. */
		brk_before = sbrk(0);
		free(big);
		CHECK(sbrk(0) == brk_before);
		big = malloc((size_t)8 * 1024 * 1024);
		CHECK(big != NULL && (uintptr_t)big < (uintptr_t)sbrk(0));
		if (big != NULL)
			big[0] = 2;
	} else {
		/* Nothing changed: a 16 MB block is a mapping of its own. */
		CHECK((uintptr_t)big > (uintptr_t)sbrk(0) || (uintptr_t)big < brk_start);
	}
	CHECK_INT(small[4095] + (big != NULL ? big[0] : 2), 3);
	free(small);
	free(big);
	free(warm);
	return test_summary("test_heap_reserve");
}
