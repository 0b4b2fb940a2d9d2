/*
 * array_grow.c - room in an array that grows by doubling; see array_grow.h.
 */
#include "array_grow.h"

#include <stdint.h>
#include <stdlib.h>

void *
array_grow(void *p, size_t *cap, size_t n, size_t size)
{
	size_t nc = *cap ? *cap : 64;
	void *q;

	if (n <= *cap)
		return p;
	if (size == 0)
		return NULL;
	while (nc < n) {
		if (nc > SIZE_MAX / 2)
			return NULL;
		nc *= 2;
	}
	if (nc > SIZE_MAX / size || (q = realloc(p, nc * size)) == NULL)
		return NULL;
	*cap = nc;
	return q;
}
