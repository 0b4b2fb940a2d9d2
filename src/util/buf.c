/*
 * buf.c - capped growable buffer; see buf.h.
 */
#include "buf.h"

#include <stdlib.h>
#include <string.h>

void
buf_init(struct buf *b, size_t max)
{
	b->data = NULL;
	b->len = b->cap = 0;
	b->max = max;
}

int
buf_append(struct buf *b, const void *data, size_t len)
{
	size_t need, ncap;
	char *grown;

	if (len > b->max || b->len > b->max - len)
		return -1;
	need = b->len + len + 1;
	if (need > b->cap) {
		ncap = b->cap == 0 ? 8192 : b->cap;
		while (ncap < need)
			ncap *= 2;
		if ((grown = realloc(b->data, ncap)) == NULL)
			return -1;
		b->data = grown;
		b->cap = ncap;
	}
	memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return 0;
}

void
buf_reset(struct buf *b)
{
	free(b->data);
	buf_init(b, b->max);
}
