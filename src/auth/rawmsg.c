/*
 * rawmsg.c - a stored message as libmilter would hand it; see rawmsg.h.
 */
#include "rawmsg.h"

#include <stdlib.h>
#include <string.h>

#define CHUNK	4093		/* odd, so CRLF pairs straddle chunks */

/* Length of the line at P (up to END), without its LF or CRLF. */
static size_t
line_len(const char *p, const char *end, size_t *eol_r)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	size_t n = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);

	*eol_r = nl != NULL ? 1 : 0;
	if (n > 0 && p[n - 1] == '\r') {
		n--;
		(*eol_r)++;
	}
	return n;
}

size_t
rawmsg_headers(const char *msg, size_t len,
    void (*field)(void *arg, const char *name, const char *value), void *arg)
{
	const char *p = msg, *end = msg + len;

	while (p < end) {
		size_t eol, n = line_len(p, end, &eol);
		const char *colon, *v, *q;
		char *name, *value;

		if (n == 0)
			return (size_t)(p + eol - msg);	/* the empty line */
		/* the field runs on over continuation lines */
		q = p + n + eol;
		while (q < end && (*q == ' ' || *q == '\t')) {
			size_t e2, n2 = line_len(q, end, &e2);

			q += n2 + e2;
		}
		if ((colon = memchr(p, ':', n)) != NULL) {
			size_t vlen = (size_t)(q - colon - 1);

			v = colon + 1;
			if (vlen > 0 && *v == ' ') {
				v++;
				vlen--;
			}
			/* drop the field's own final line end */
			while (vlen > 0 && (v[vlen - 1] == '\n' ||
			    v[vlen - 1] == '\r'))
				vlen--;
			name = strndup(p, (size_t)(colon - p));
			value = strndup(v, vlen);
			if (name == NULL || value == NULL) {
				free(name);
				free(value);
				return (size_t)-1;
			}
			field(arg, name, value);
			free(name);
			free(value);
		}
		p = q;
	}
	return len;
}

void
rawmsg_body_crlf(const char *p, size_t len,
    void (*chunk)(void *arg, const unsigned char *data, size_t len), void *arg)
{
	unsigned char buf[CHUNK];
	const char *end = p + len;
	size_t o = 0;
	char prev = '\0';

	for (; p < end; prev = *p++) {
		if (*p == '\n' && prev != '\r') {
			if (o + 2 > sizeof(buf)) {
				chunk(arg, buf, o);
				o = 0;
			}
			buf[o++] = '\r';
		}
		if (o + 1 > sizeof(buf)) {
			chunk(arg, buf, o);
			o = 0;
		}
		buf[o++] = (unsigned char)*p;
	}
	if (o > 0)
		chunk(arg, buf, o);
}
