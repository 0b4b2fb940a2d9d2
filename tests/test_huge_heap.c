/*
 * test_huge_heap.c - huge_heap_reserve() leaves blocks up to 32 MB on the
 * brk heap, in a mapping advised for huge pages ("hg" in its VmFlags),
 * and a block freed at the top leaves the heap in that range, also when
 * the heap existed before (as it does in a program by then).  Under a sanitizer's or valgrind's malloc it says -1 and malloc
 * goes on as before.
 */
#include "huge_heap.h"
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

static int
advised(const void *p)
{
	char flags[512];

	return vm_flags(p, flags, sizeof(flags)) == 0 && strstr(flags, " hg") != NULL;
}

int
main(void)
{
	const char *pre = getenv("LD_PRELOAD");
	int expect = 0, r;
	char *small, *big;
	void *brk_before, *warm;

#ifdef UNDER_ASAN
	expect = -1;
#endif
	if (pre != NULL && strstr(pre, "vgpreload") != NULL)
		expect = -1;			/* valgrind's malloc */
	if (access("/sys/kernel/mm/transparent_hugepage/enabled", F_OK) != 0)
		expect = -1;			/* a kernel without THP refuses the advice */

	/* The heap exists already, with little room left at its top. */
	warm = malloc(64);
	CHECK(warm != NULL);
	CHECK_INT(huge_heap_reserve(1000), -1);	/* below the probe: nothing done */
	r = huge_heap_reserve((size_t)64 * 1024 * 1024);
	CHECK_INT(r, expect);

	small = malloc(4096);
	big = malloc((size_t)16 * 1024 * 1024);	/* glibc would map it on its own */
	CHECK(small != NULL && big != NULL);
	if (small == NULL || big == NULL)
		return test_summary("test_huge_heap");
	memset(small, 1, 4096);
	memset(big, 2, (size_t)16 * 1024 * 1024);
	if (r == 0) {
		CHECK((uintptr_t)big < (uintptr_t)sbrk(0));	/* on the heap */
		CHECK(advised(small));
		CHECK(advised(big));
		CHECK(advised(big + (size_t)16 * 1024 * 1024 - 1));
		/* Freed at the top, the heap keeps its advised range. */
		brk_before = sbrk(0);
		free(big);
		CHECK(sbrk(0) == brk_before);
		big = malloc((size_t)8 * 1024 * 1024);
		CHECK(big != NULL && advised(big));
		if (big != NULL)
			big[0] = 2;
	} else {
		/* Nothing changed: a 16 MB block is a mapping of its own. */
		CHECK(!advised(big));
	}
	CHECK_INT(small[4095] + (big != NULL ? big[0] : 2), 3);
	free(small);
	free(big);
	free(warm);
	return test_summary("test_huge_heap");
}
