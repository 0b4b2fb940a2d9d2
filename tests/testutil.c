/*
 * testutil.c - harness and fixture helpers; see testlib.h.
 */
#include "testlib.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <zlib.h>

int test_passed, test_failed;

int
test_check(int ok, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		test_passed++;
		return 1;
	}
	test_failed++;
	fprintf(stderr, "FAIL %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 0;
}

int
test_check_str(const char *got, const char *want, const char *file, int line,
    const char *expr)
{
	if ((got == NULL && want == NULL) ||
	    (got != NULL && want != NULL && strcmp(got, want) == 0))
		return test_check(1, file, line, "%s", expr);
	return test_check(0, file, line, "%s: got \"%s\", want \"%s\"", expr,
	    got != NULL ? got : "(null)", want != NULL ? want : "(null)");
}

int
test_check_int(long long got, long long want, const char *file, int line,
    const char *expr)
{
	return test_check(got == want, file, line, "%s: got %lld, want %lld",
	    expr, got, want);
}

int
test_check_contains(const char *hay, const char *needle, const char *file,
    int line, const char *expr)
{
	return test_check(hay != NULL && strstr(hay, needle) != NULL, file, line,
	    "%s: \"%s\" does not contain \"%s\"", expr,
	    hay != NULL ? hay : "(null)", needle);
}

int
test_summary(const char *name)
{
	printf("%s: %d passed, %d failed\n", name, test_passed, test_failed);
	return test_failed == 0 ? 0 : 1;
}

unsigned char *
test_gzip(const void *data, size_t len, size_t *len_r)
{
	z_stream z;
	size_t cap = compressBound((uLong)len) + 64;
	unsigned char *out = malloc(cap);

	memset(&z, 0, sizeof(z));
	if (out == NULL || deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK) {
		free(out);
		return NULL;
	}
	z.next_in = (unsigned char *)data;
	z.avail_in = (uInt)len;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	if (deflate(&z, Z_FINISH) != Z_STREAM_END) {
		deflateEnd(&z);
		free(out);
		return NULL;
	}
	*len_r = z.total_out;
	deflateEnd(&z);
	return out;
}

char *
test_base64(const void *data, size_t len, const char *eol)
{
	static const char alpha[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *s = data;
	size_t i, o = 0, col = 0, elen = strlen(eol);
	char *out = malloc(len / 3 * 4 + 4 + (len / 57 + 2) * elen + 1);

	if (out == NULL)
		return NULL;
	for (i = 0; i < len; i += 3) {
		unsigned long v = (unsigned long)s[i] << 16;

		if (i + 1 < len)
			v |= (unsigned long)s[i + 1] << 8;
		if (i + 2 < len)
			v |= s[i + 2];
		out[o++] = alpha[(v >> 18) & 63];
		out[o++] = alpha[(v >> 12) & 63];
		out[o++] = i + 1 < len ? alpha[(v >> 6) & 63] : '=';
		out[o++] = i + 2 < len ? alpha[v & 63] : '=';
		if ((col += 4) == 76) {
			memcpy(out + o, eol, elen);
			o += elen;
			col = 0;
		}
	}
	if (col > 0) {
		memcpy(out + o, eol, elen);
		o += elen;
	}
	out[o] = '\0';
	return out;
}

static void
put_le32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

#define MIB	(1024u * 1024u)

/*
 * MIBS MiB of zeros, gzip (or zlib) framed, in about MIBS KiB and without
 * compressing them all: one MiB deflated with Z_FULL_FLUSH (byte-aligned,
 * no back-references across it) repeats MIBS times, then a final empty
 * block and a trailer with the combined checksum.
 */
unsigned char *
test_zero_bomb(unsigned mibs, int zlib, size_t *len_r)
{
	unsigned char *zeros = calloc(1, MIB), *chunk, *out, *o;
	size_t cap = compressBound(MIB) + 64, chunk_len;
	uLong crc = crc32(0, NULL, 0), crc1, ad = adler32(0, NULL, 0), ad1;
	z_stream z;
	unsigned i;

	chunk = malloc(cap);
	memset(&z, 0, sizeof(z));
	deflateInit2(&z, 9, Z_DEFLATED, -MAX_WBITS, 9, Z_DEFAULT_STRATEGY);
	z.next_in = zeros;
	z.avail_in = MIB;
	z.next_out = chunk;
	z.avail_out = (uInt)cap;
	deflate(&z, Z_FULL_FLUSH);
	chunk_len = cap - z.avail_out;
	deflateEnd(&z);
	crc1 = crc32(crc, zeros, MIB);
	ad1 = adler32(ad, zeros, MIB);
	o = out = malloc(10 + (size_t)mibs * chunk_len + 2 + 8);
	if (zlib) {
		memcpy(o, "\x78\xda", 2);
		o += 2;
	} else {
		memcpy(o, "\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\x03", 10);
		o += 10;
	}
	for (i = 0; i < mibs; i++) {
		memcpy(o, chunk, chunk_len);
		o += chunk_len;
		crc = crc32_combine(crc, crc1, MIB);
		ad = adler32_combine(ad, ad1, MIB);
	}
	memcpy(o, "\x03\x00", 2);	/* final fixed block, end of block */
	o += 2;
	if (zlib) {
		o[0] = (unsigned char)(ad >> 24);
		o[1] = (unsigned char)(ad >> 16);
		o[2] = (unsigned char)(ad >> 8);
		o[3] = (unsigned char)ad;
		o += 4;
	} else {
		put_le32(o, (uint32_t)crc);
		put_le32(o + 4, (uint32_t)((uint64_t)mibs * MIB));
		o += 8;
	}
	free(chunk);
	free(zeros);
	*len_r = (size_t)(o - out);
	return out;
}

const char *
test_srcpath(const char *path)
{
	static char buf[4096];
	const char *srcdir = getenv("srcdir");

	snprintf(buf, sizeof(buf), "%s/%s", srcdir != NULL ? srcdir : ".", path);
	return buf;
}

char *
test_read_file(const char *path, size_t *len_r)
{
	FILE *fp = fopen(test_srcpath(path), "rb");
	char *buf;
	long n;

	if (fp == NULL)
		return NULL;
	if (fseek(fp, 0, SEEK_END) != 0 || (n = ftell(fp)) < 0 ||
	    fseek(fp, 0, SEEK_SET) != 0 || (buf = malloc((size_t)n + 1)) == NULL) {
		fclose(fp);
		return NULL;
	}
	if (fread(buf, 1, (size_t)n, fp) != (size_t)n) {
		fclose(fp);
		free(buf);
		return NULL;
	}
	fclose(fp);
	buf[n] = '\0';
	*len_r = (size_t)n;
	return buf;
}
