/*
 * test_array_grow.c - array_grow(): no move while there is room, doubling
 * past it, and a size that would overflow refused with the array kept.
 */
#include "array_grow.h"
#include "testlib.h"

#include <stdint.h>
#include <stdlib.h>

int
main(void)
{
	size_t cap = 0, i;
	int *a = NULL, *b;
	int bad = 0;

	/* An empty array gets 64, then doubles until N fits. */
	CHECK((a = array_grow(a, &cap, 1, sizeof(*a))) != NULL);
	CHECK_INT(cap, 64);
	for (i = 0; i < 64; i++)
		a[i] = (int)i;
	CHECK(array_grow(a, &cap, 64, sizeof(*a)) == a);	/* room: unchanged */
	CHECK_INT(cap, 64);
	CHECK((b = array_grow(a, &cap, 300, sizeof(*a))) != NULL);
	a = b != NULL ? b : a;
	CHECK_INT(cap, 512);
	for (i = 0; i < 64; i++)
		bad += a[i] != (int)i;
	CHECK_INT(bad, 0);				/* the items moved with it */
	/* Too large: refused, nothing changed, the array still usable. */
	CHECK(array_grow(a, &cap, SIZE_MAX / 2, sizeof(*a)) == NULL);
	CHECK_INT(cap, 512);
	CHECK(array_grow(a, &cap, SIZE_MAX, 1) == NULL);
	CHECK_INT(cap, 512);
	a[511] = 7;
	CHECK_INT(a[511], 7);
	free(a);
	return test_summary("test_array_grow");
}
