/*
 * buf.h - a growable byte buffer with a hard cap.
 *
 * buf_append() refuses (returns -1, buffer unchanged) past CAP bytes or
 * when malloc fails; callers decide what "too big" means.  The data is
 * always NUL-terminated (not counted in len) for string use.
 */
#ifndef TLSRPT_BUF_H
#define TLSRPT_BUF_H

#include <stddef.h>

struct buf {
	char *data;
	size_t len;
	size_t cap;	/* allocated */
	size_t max;	/* hard cap on len */
};

void buf_init(struct buf *b, size_t max);
int buf_append(struct buf *b, const void *data, size_t len);
void buf_reset(struct buf *b);	/* frees */

#endif
