/*
 * test_inflate.c - bounded gunzip: members, padding, zlib, damage, bombs.
 */
#include "inflate.h"
#include "testlib.h"

#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <zlib.h>

#define MIB	(1024u * 1024u)

struct buf {
	unsigned char *p;
	size_t len;
};

static void
buf_add(struct buf *b, const void *data, size_t len)
{
	b->p = realloc(b->p, b->len + len + 1);
	memcpy(b->p + b->len, data, len);
	b->len += len;
}

static void
make_bomb(struct buf *b, unsigned mibs, int zlib)
{
	memset(b, 0, sizeof(*b));
	b->p = test_zero_bomb(mibs, zlib, &b->len);
}

static const char json1[] = "{\"organization-name\":\"A\"}";
static const char json2[] = "{\"organization-name\":\"B\"}";

enum fixture {
	ONE_MEMBER, TWO_MEMBERS, NUL_PADDING, ZLIB_STREAM, TRUNCATED,
	CORRUPT, BAD_CRC, BAD_LENGTH, TRAILING_GARBAGE, MAGIC_ONLY, EMPTY,
	GZIP_OF_EMPTY, BIG_TEXT,
	BOMB_64M, ZLIB_BOMB_64M
};

struct row {
	const char *name;
	enum fixture fixture;
	size_t max_inflated;		/* 0: default */
	unsigned max_ratio;		/* 0: default */
	enum tlsrpt_errcode code;
	const char *want;		/* output when OK (NULL: don't compare) */
	const char *msg;		/* error message substring */
};

static const struct row rows[] = {
	{ "one gzip member", ONE_MEMBER, 0, 0, TLSRPT_OK, json1, NULL },
	{ "two concatenated members", TWO_MEMBERS, 0, 0, TLSRPT_OK,
	    "{\"organization-name\":\"A\"}{\"organization-name\":\"B\"}", NULL },
	{ "trailing NUL padding", NUL_PADDING, 0, 0, TLSRPT_OK, json1, NULL },
	{ "zlib stream", ZLIB_STREAM, 0, 0, TLSRPT_OK, json1, NULL },
	{ "gzip of empty", GZIP_OF_EMPTY, 0, 0, TLSRPT_OK, "", NULL },
	{ "2 MiB of text, ratio under the limit", BIG_TEXT, 0, 0, TLSRPT_OK,
	    NULL, NULL },
	{ "truncated", TRUNCATED, 0, 0, TLSRPT_E_INFLATE, NULL, "truncated input" },
	{ "corrupt (flipped bytes)", CORRUPT, 0, 0, TLSRPT_E_INFLATE, NULL, "inflate: " },
	{ "bad CRC", BAD_CRC, 0, 0, TLSRPT_E_INFLATE, NULL, "incorrect data check" },
	{ "bad length trailer", BAD_LENGTH, 0, 0, TLSRPT_E_INFLATE, NULL,
	    "incorrect length check" },
	{ "trailing garbage", TRAILING_GARBAGE, 0, 0, TLSRPT_E_INFLATE, NULL,
	    "incorrect header check" },
	{ "magic bytes only", MAGIC_ONLY, 0, 0, TLSRPT_E_INFLATE, NULL,
	    "truncated input" },
	{ "no bytes at all", EMPTY, 0, 0, TLSRPT_E_INFLATE, NULL, "truncated input" },
	/* 64 MiB of zeros in ~64 KiB: ratio ~1000:1 trips the ratio first. */
	{ "gzip bomb, defaults", BOMB_64M, 0, 0, TLSRPT_E_LIMIT_RATIO, NULL,
	    "expansion ratio over 250:1" },
	{ "gzip bomb, ratio permitted: size cap", BOMB_64M, 0, 100000,
	    TLSRPT_E_LIMIT_INFLATED, NULL, "output exceeds 33554432 bytes" },
	{ "gzip bomb, raised size cap: ratio", BOMB_64M, 1024u * MIB, 0,
	    TLSRPT_E_LIMIT_RATIO, NULL, "expansion ratio over 250:1" },
	{ "gzip bomb, cap below the ratio grace", BOMB_64M, 4096, 0,
	    TLSRPT_E_LIMIT_INFLATED, NULL, "output exceeds 4096 bytes" },
	{ "gzip bomb, cap 1 MiB exactly", BOMB_64M, MIB, 0,
	    TLSRPT_E_LIMIT_INFLATED, NULL, "output exceeds 1048576 bytes" },
	{ "zlib bomb, defaults", ZLIB_BOMB_64M, 0, 0, TLSRPT_E_LIMIT_RATIO, NULL,
	    "expansion ratio" },
	{ "zlib bomb, ratio permitted: size cap", ZLIB_BOMB_64M, 0, 100000,
	    TLSRPT_E_LIMIT_INFLATED, NULL, "output exceeds" },
};

static void
build(enum fixture f, struct buf *b)
{
	unsigned char *g;
	char *text;
	size_t n, i;
	uLongf zlen;

	memset(b, 0, sizeof(*b));
	switch (f) {
	case ONE_MEMBER: case NUL_PADDING: case TRUNCATED: case CORRUPT:
	case BAD_CRC: case BAD_LENGTH: case TRAILING_GARBAGE:
		g = test_gzip(json1, sizeof(json1) - 1, &n);
		buf_add(b, g, n);
		free(g);
		if (f == NUL_PADDING)
			buf_add(b, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16);
		else if (f == TRUNCATED)
			b->len -= 10;
		else if (f == CORRUPT) {
			/* Past the 10-byte header: damage the deflate data. */
			b->p[12] ^= 0xff;
			b->p[13] ^= 0x55;
			b->p[14] ^= 0xaa;
		} else if (f == BAD_CRC)
			b->p[b->len - 8] ^= 0x01;
		else if (f == BAD_LENGTH)
			b->p[b->len - 4] ^= 0x01;
		else if (f == TRAILING_GARBAGE)
			buf_add(b, "garbage!", 8);
		break;
	case TWO_MEMBERS:
		g = test_gzip(json1, sizeof(json1) - 1, &n);
		buf_add(b, g, n);
		free(g);
		g = test_gzip(json2, sizeof(json2) - 1, &n);
		buf_add(b, g, n);
		free(g);
		break;
	case ZLIB_STREAM:
		zlen = compressBound(sizeof(json1));
		b->p = malloc(zlen);
		compress2(b->p, &zlen, (const Bytef *)json1, sizeof(json1) - 1, 9);
		b->len = zlen;
		break;
	case MAGIC_ONLY:
		buf_add(b, "\x1f\x8b", 2);
		break;
	case EMPTY:
		b->p = malloc(1);
		break;
	case GZIP_OF_EMPTY:
		g = test_gzip("", 0, &n);
		buf_add(b, g, n);
		free(g);
		break;
	case BIG_TEXT:
		/* Text that compresses well, but under 250:1. */
		text = malloc(2 * MIB);
		for (i = 0; i < 2 * MIB; i++)
			text[i] = (char)('a' + (i * 7 + i / 13 + i / 1031) % 26);
		g = test_gzip(text, 2 * MIB, &n);
		buf_add(b, g, n);
		free(g);
		free(text);
		break;
	case BOMB_64M:
		make_bomb(b, 64, 0);
		break;
	case ZLIB_BOMB_64M:
		make_bomb(b, 64, 1);
		break;
	}
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
main(void)
{
	struct tlsrpt_limits lim;
	struct tlsrpt_error err;
	size_t i, out_len;
	char *out;
	struct buf b;

	/* The bomb fixture is itself right: zlib inflates it to 64 MiB of zeros. */
	make_bomb(&b, 64, 0);
	CHECKF(b.len < 128 * 1024, "bomb fixture is %zu bytes, want < 128 KiB",
	    b.len);
	{
		z_stream z;
		unsigned char *sink = malloc(MIB);
		uint64_t total = 0;
		int rc, nonzero = 0;

		memset(&z, 0, sizeof(z));
		inflateInit2(&z, 16 + MAX_WBITS);
		z.next_in = b.p;
		z.avail_in = (uInt)b.len;
		do {
			z.next_out = sink;
			z.avail_out = MIB;
			rc = inflate(&z, Z_NO_FLUSH);
			total += MIB - z.avail_out;
			for (out_len = 0; out_len < MIB - z.avail_out; out_len++)
				nonzero |= sink[out_len];
		} while (rc == Z_OK);
		inflateEnd(&z);
		CHECKF(rc == Z_STREAM_END && total == 64ull * MIB && !nonzero,
		    "bomb fixture: rc %d, %llu bytes", rc, (unsigned long long)total);
		free(sink);
	}
	free(b.p);

	CHECK(is_gzip((const unsigned char *)"\x1f\x8b", 2));
	CHECK(!is_gzip((const unsigned char *)"\x1f", 1));
	CHECK(!is_gzip((const unsigned char *)"\x78\x9c", 2));
	CHECK(!is_gzip((const unsigned char *)"{}", 2));

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		enum tlsrpt_errcode code;
		double t0, dt;

		tlsrpt_limits_default(&lim);
		if (r->max_inflated != 0)
			lim.max_inflated_bytes = r->max_inflated;
		if (r->max_ratio != 0)
			lim.max_inflate_ratio = r->max_ratio;
		build(r->fixture, &b);
		memset(&err, 0, sizeof(err));
		out = (char *)&lim;	/* must be reset */
		out_len = 12345;
		t0 = now();
		code = gunzip_bounded(b.p, b.len, &lim, &out, &out_len, &err);
		dt = now() - t0;
		CHECKF(code == r->code, "%s: code %d, want %d (%s)", r->name, code,
		    r->code, err.message);
		if (code == TLSRPT_OK) {
			CHECKF(out != NULL && out[out_len] == '\0',
			    "%s: output not NUL-terminated", r->name);
			if (r->want != NULL && out != NULL)
				CHECKF(out_len == strlen(r->want) &&
				    memcmp(out, r->want, out_len) == 0,
				    "%s: got %zu bytes \"%.60s\"", r->name,
				    out_len, out);
			if (r->fixture == BIG_TEXT)
				CHECK_INT(out_len, 2 * MIB);
		} else {
			CHECKF(out == NULL && out_len == 0,
			    "%s: output not reset on error", r->name);
		}
		if (r->msg != NULL)
			CHECKF(strstr(err.message, r->msg) != NULL,
			    "%s: message \"%s\" lacks \"%s\"", r->name,
			    err.message, r->msg);
		if (tlsrpt_errcode_is_limit(r->code))
			CHECKF(tlsrpt_errcode_is_limit(code),
			    "%s: not a limit error", r->name);
		/* Stops at the cap, never inflates the 64 MiB (generous for valgrind). */
		CHECKF(dt < 30.0, "%s: took %.1f s", r->name, dt);
		free(out == (char *)&lim ? NULL : out);
		free(b.p);
	}
	return test_summary("test_inflate");
}
