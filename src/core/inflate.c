/*
 * inflate.c - bounded gunzip; see inflate.h.
 */
#include "inflate.h"
#include "core.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define RATIO_GRACE	(1024 * 1024)	/* small outputs are harmless */

int
is_gzip(const unsigned char *data, size_t len)
{
	return len >= 2 && data[0] == 0x1f && data[1] == 0x8b;
}

static enum tlsrpt_errcode
zerr(struct tlsrpt_error *err, z_stream *z, int rc)
{
	const char *why;

	switch (rc) {
	case Z_BUF_ERROR:
		why = "truncated input";
		break;
	case Z_MEM_ERROR:
		return tlsrpt_seterr(err, TLSRPT_E_NOMEM, "inflate: out of memory");
	case Z_DATA_ERROR:
		why = z->msg != NULL ? z->msg : "corrupt data";
		break;
	default:
		why = z->msg != NULL ? z->msg : "zlib error";
		break;
	}
	return tlsrpt_seterr(err, TLSRPT_E_INFLATE, "inflate: %s", why);
}

enum tlsrpt_errcode
gunzip_bounded(const unsigned char *in, size_t in_len,
    const struct tlsrpt_limits *lim, char **out_r, size_t *out_len_r,
    struct tlsrpt_error *err)
{
	z_stream z;
	unsigned char *out = NULL, *grown;
	size_t cap, used = 0, max = lim->max_inflated_bytes;
	enum tlsrpt_errcode code = TLSRPT_OK;
	int rc = Z_OK;

	*out_r = NULL;
	*out_len_r = 0;
	if (in_len > UINT32_MAX)
		return tlsrpt_seterr(err, TLSRPT_E_LIMIT_MESSAGE,
		    "inflate: compressed payload over 4 GiB");
	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, 32 + MAX_WBITS) != Z_OK)
		return tlsrpt_seterr(err, TLSRPT_E_NOMEM, "inflate: init failed");
	z.next_in = (unsigned char *)in;
	z.avail_in = (uInt)in_len;
	/* Reports compress 5-20x; start there and double as needed. */
	cap = in_len * 8 + 1024;
	if (cap > max + 1)
		cap = max + 1;
	for (;;) {
		if (used == cap || out == NULL) {
			size_t ncap = out == NULL ? cap : cap * 2;

			if (ncap > max + 1)
				ncap = max + 1;
			if (out != NULL && ncap == cap) {
				code = tlsrpt_seterr(err, TLSRPT_E_LIMIT_INFLATED,
				    "inflate: output exceeds %zu bytes", max);
				break;
			}
			if ((grown = realloc(out, ncap + 1)) == NULL) {
				code = tlsrpt_seterr(err, TLSRPT_E_NOMEM,
				    "inflate: out of memory");
				break;
			}
			out = grown;
			cap = ncap;
		}
		z.next_out = out + used;
		z.avail_out = (uInt)(cap - used > UINT32_MAX ? UINT32_MAX : cap - used);
		rc = inflate(&z, Z_NO_FLUSH);
		used = (size_t)(z.next_out - out);
		if (used > max) {
			code = tlsrpt_seterr(err, TLSRPT_E_LIMIT_INFLATED,
			    "inflate: output exceeds %zu bytes", max);
			break;
		}
		if (used > RATIO_GRACE && lim->max_inflate_ratio > 0 &&
		    used / lim->max_inflate_ratio > in_len) {
			code = tlsrpt_seterr(err, TLSRPT_E_LIMIT_RATIO,
			    "inflate: expansion ratio over %u:1 (%zu bytes in)",
			    lim->max_inflate_ratio, in_len);
			break;
		}
		if (rc == Z_STREAM_END) {
			/* Skip trailing NULs some tools pad with; stop at the end. */
			while (z.avail_in > 0 && *z.next_in == 0) {
				z.next_in++;
				z.avail_in--;
			}
			if (z.avail_in == 0)
				break;
			/* Another gzip member follows. */
			if (inflateReset(&z) != Z_OK) {
				code = zerr(err, &z, Z_STREAM_ERROR);
				break;
			}
			continue;
		}
		if (rc == Z_OK)
			continue;
		if (rc == Z_BUF_ERROR && z.avail_out > 0 && z.avail_in == 0) {
			code = zerr(err, &z, Z_BUF_ERROR);
			break;
		}
		if (rc == Z_BUF_ERROR)
			continue;	/* needs output space: loop grows it */
		code = zerr(err, &z, rc);
		break;
	}
	inflateEnd(&z);
	/* out != NULL whenever code is OK; the test is for clang --analyze,
	 * which cannot see that tlsrpt_seterr() never returns TLSRPT_OK. */
	if (code != TLSRPT_OK || out == NULL) {
		free(out);
		return code;
	}
	out[used] = '\0';
	*out_r = (char *)out;
	*out_len_r = used;
	return TLSRPT_OK;
}
