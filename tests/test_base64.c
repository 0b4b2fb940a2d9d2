/*
 * test_base64.c - strict base64 decoding of MIME bodies.
 */
#include "base64.h"
#include "testlib.h"

#include <stdint.h>
#include <stdlib.h>

struct row {
	const char *name;
	const char *in;
	size_t in_len;			/* 0: strlen(in) */
	enum tlsrpt_errcode code;
	const char *want;		/* decoded bytes when OK ... */
	size_t want_len;		/* ... of this length */
	const char *msg;		/* error message substring */
};

#define OK(name, in, out) \
	{ name, in, 0, TLSRPT_OK, out, sizeof(out) - 1, NULL }
#define BAD(name, in, msg) \
	{ name, in, 0, TLSRPT_E_MIME, NULL, 0, msg }

static const struct row rows[] = {
	OK("one line, padded", "SGVsbG8=", "Hello"),
	OK("no padding needed", "SGVs", "Hel"),
	OK("two pad chars", "SGVsbA==", "Hell"),
	OK("CRLF lines", "SGVs\r\nbG8g\r\nd29y\r\nbGQ=\r\n", "Hello world"),
	OK("LF lines", "SGVs\nbG8g\nd29y\nbGQ=\n", "Hello world"),
	OK("line break inside a quantum", "SG\r\nVsbG8=\r\n", "Hello"),
	OK("spaces and tabs skipped", " SGVs \tbG8=\t\r\n", "Hello"),
	OK("missing padding, 3 left", "SGVsbG8", "Hello"),
	OK("missing padding, 2 left", "SGVsbA", "Hell"),
	OK("missing padding, one '=' of two", "SGVsbA=", "Hell"),
	OK("empty input", "", ""),
	OK("white space only", "\r\n \r\n", ""),
	OK("all alphabet", "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
	    "\x00\x10\x83\x10\x51\x87\x20\x92\x8b\x30\xd3\x8f\x41\x14\x93\x51"
	    "\x55\x97\x61\x96\x9b\x71\xd7\x9f\x82\x18\xa3\x92\x59\xa7\xa2\x9a"
	    "\xab\xb2\xdb\xaf\xc3\x1c\xb3\xd3\x5d\xb7\xe3\x9e\xbb\xf3\xdf\xbf"),
	OK("binary bytes", "AP+A", "\x00\xff\x80"),

	BAD("invalid char on line 1", "SGV*bG8=", "invalid character 0x2a on line 1"),
	BAD("invalid char names line 3 (LF)", "SGVs\nbG8g\nd2-y\n", "on line 3"),
	BAD("invalid char names line 2 (CRLF)", "SGVs\r\nbG8!\r\n", "0x21 on line 2"),
	BAD("base64url '-' rejected", "SGV-", "0x2d"),
	BAD("base64url '_' rejected", "SGV_", "0x5f"),
	BAD("dot rejected", "SGVs.bG8=", "0x2e"),
	BAD("high byte rejected", "SGVs\xff", "0xff on line 1"),
	BAD("stray single trailing char", "SGVsbG8gd", "truncated input (1 stray"),
	BAD("single char only", "Q", "truncated"),
	BAD("stray char after full quanta, CRLF", "SGVs\r\nQ\r\n", "truncated"),
	BAD("data after '='", "SGVsbA==QUJD", "invalid character 0x51 on line 1"),
	BAD("data after '=' on the next line", "SGVsbA==\r\nQUJD\r\n", "on line 2"),
	BAD("data after single '='", "SGVsbG8=A", "0x41"),
	BAD("three pad chars", "SGVsbA===", "truncated"),
	BAD("padding after a full quantum", "QUJD=", "misplaced padding"),
	BAD("padding alone", "=", "misplaced padding"),
	BAD("two '=' after three sextets", "SGVsbG8==", "misplaced padding"),
	/* NUL is not white space: a zero byte inside the body is corruption. */
	{ "NUL byte rejected", "SGVs\0bG8=", 9, TLSRPT_E_MIME, NULL, 0, "0x00 on line 1" },
	BAD("vertical tab rejected", "SGVs\vbG8=", "0x0b"),
};

/* xorshift32: deterministic bytes without rand(). */
static uint32_t
next_rand(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static void
round_trips(const char *eol)
{
	static const size_t lens[] = { 0, 1, 2, 3, 4, 56, 57, 58, 113, 114, 115,
	    1000, 4096, 65537 };
	uint32_t seed = 2463534242u;
	size_t i, j, n;

	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		size_t len = lens[i];
		unsigned char *data = malloc(len + 1), *out;
		struct tlsrpt_error err;
		char *enc;

		for (j = 0; j < len; j++)
			data[j] = (unsigned char)next_rand(&seed);
		enc = test_base64(data, len, eol);
		out = malloc(base64_decoded_max(strlen(enc)));
		n = (size_t)-1;
		CHECKF(base64_decode_strict(enc, strlen(enc), out, &n, &err) ==
		    TLSRPT_OK, "round trip %zu bytes (eol %s): decode failed",
		    len, eol[0] == '\r' ? "CRLF" : "LF");
		CHECKF(n == len && memcmp(out, data, len) == 0,
		    "round trip %zu bytes (eol %s): got %zu bytes back, differ",
		    len, eol[0] == '\r' ? "CRLF" : "LF", n);
		free(enc);
		free(out);
		free(data);
	}
}

int
main(void)
{
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		size_t len = r->in_len != 0 ? r->in_len : strlen(r->in);
		/* Exactly base64_decoded_max: ASan/valgrind catch an overrun. */
		unsigned char *out = malloc(base64_decoded_max(len));
		struct tlsrpt_error err;
		enum tlsrpt_errcode code;
		size_t n = (size_t)-1;

		memset(&err, 0, sizeof(err));
		code = base64_decode_strict(r->in, len, out, &n, &err);
		CHECKF(code == r->code, "%s: code %d, want %d (%s)", r->name,
		    code, r->code, err.message);
		if (code == TLSRPT_OK && r->code == TLSRPT_OK)
			CHECKF(n == r->want_len && memcmp(out, r->want, n) == 0,
			    "%s: decoded %zu bytes, want %zu", r->name, n,
			    r->want_len);
		if (r->msg != NULL)
			CHECKF(strstr(err.message, r->msg) != NULL,
			    "%s: message \"%s\" lacks \"%s\"", r->name,
			    err.message, r->msg);
		free(out);
	}
	round_trips("\r\n");
	round_trips("\n");
	return test_summary("test_base64");
}
