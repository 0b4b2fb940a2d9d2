/*
 * test_json_scan.c - the strict lexical pass run before json-c.
 */
#include "json_scan.h"
#include "testlib.h"

#include <stdlib.h>

struct row {
	const char *name;
	const char *in;
	size_t in_len;			/* 0: strlen(in) */
	enum tlsrpt_errcode code;
	const char *msg;		/* error message substring */
};

#define ACCEPT(name, in)	{ name, in, 0, TLSRPT_OK, NULL }
#define REJECT(name, in, code, msg)	{ name, in, 0, code, msg }
#define JSON	TLSRPT_E_JSON
#define ENC	TLSRPT_E_ENCODING

static const struct row rows[] = {
	ACCEPT("empty object", "{}"),
	ACCEPT("report-like object",
	    "{\"organization-name\":\"Company-X\",\"date-range\":{\"start-datetime\":"
	    "\"2016-04-01T00:00:00Z\"},\"policies\":[{\"summary\":"
	    "{\"total-successful-session-count\":5326}}]}"),
	ACCEPT("literals", "[true,false,null]"),
	ACCEPT("numbers", "[0,-1,1.5,-0.25e+10,1E-3,9007199254740992]"),
	ACCEPT("all escapes", "[\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9 \\uD83D\\uDE00\"]"),
	ACCEPT("UTF-8 2, 3 and 4 bytes", "[\"\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf\"]"),
	ACCEPT("white space everywhere", " \t\r\n{ \"a\" : [ 1 , 2 ] }\r\n"),
	ACCEPT("BOM accepted", "\xef\xbb\xbf{\"a\":1}"),
	ACCEPT("empty string", "{\"\":\"\"}"),
	ACCEPT("brackets inside strings do not count", "{\"a\":\"[[[{{{\"}"),
	ACCEPT("empty input (grammar is json-c's)", ""),

	REJECT("single-quoted string", "{'a':1}", JSON, "single-quoted string at byte 1"),
	REJECT("single quotes as value", "{\"a\":'x'}", JSON, "single-quoted"),
	REJECT("NaN", "{\"a\":NaN}", JSON, "invalid token 'NaN' at byte 5"),
	REJECT("Infinity", "{\"a\":Infinity}", JSON, "invalid token 'Infinity'"),
	REJECT("-Infinity", "{\"a\":-Infinity}", JSON, "invalid token 'Infinity'"),
	REJECT("bare word", "{\"a\":hello}", JSON, "invalid token 'hello'"),
	REJECT("bare key", "{a:1}", JSON, "invalid token"),
	REJECT("True capitalised", "[True]", JSON, "invalid token 'True'"),
	REJECT("truncated true", "[tru]", JSON, "invalid token"),
	REJECT("nullx", "[nullx]", JSON, "invalid token"),
	REJECT("undefined", "[undefined]", JSON, "invalid token 'undefined'"),
	REJECT("number too long", "[1234567890123456789012345678901234567890"
	    "12345678901234567890123456789]", JSON, "number too long at byte 1"),
	REJECT("invalid UTF-8: overlong 2-byte", "[\"\xc0\xaf\"]", ENC, "invalid UTF-8 at byte 2"),
	REJECT("invalid UTF-8: overlong 3-byte", "[\"\xe0\x80\xaf\"]", ENC, "invalid UTF-8"),
	REJECT("invalid UTF-8: overlong 4-byte", "[\"\xf0\x80\x80\xaf\"]", ENC, "invalid UTF-8"),
	REJECT("invalid UTF-8: surrogate", "[\"\xed\xa0\x80\"]", ENC, "invalid UTF-8"),
	REJECT("invalid UTF-8: beyond U+10FFFF", "[\"\xf4\x90\x80\x80\"]", ENC, "invalid UTF-8"),
	REJECT("invalid UTF-8: truncated sequence", "[\"\xe2\x82\"]", ENC, "invalid UTF-8 at byte 2"),
	REJECT("invalid UTF-8: truncated at end of input", "[\"\xe2\x82", ENC, "invalid UTF-8"),
	REJECT("invalid UTF-8: lone continuation", "[\"\x80\"]", ENC, "invalid UTF-8"),
	REJECT("invalid UTF-8: 0xff", "[\"\xff\"]", ENC, "invalid UTF-8 at byte 2"),
	REJECT("invalid UTF-8: 0xfe", "[\"a\xfe\"]", ENC, "invalid UTF-8 at byte 3"),
	REJECT("invalid UTF-8 outside a string", "[1,\xff]", ENC, "invalid UTF-8 at byte 3"),
	REJECT("valid UTF-8 outside a string", "[\xc3\xa9]", JSON, "invalid token"),
	REJECT("control char in string", "[\"a\x01z\"]", JSON,
	    "control character in string at byte 3"),
	REJECT("raw tab in string", "[\"a\tb\"]", JSON, "control character"),
	REJECT("raw newline in string", "[\"a\nb\"]", JSON, "control character"),
	REJECT("bad escape \\x", "[\"\\x41\"]", JSON, "bad escape at byte 2"),
	REJECT("bad escape \\'", "[\"\\'\"]", JSON, "bad escape"),
	REJECT("bad \\u: non-hex", "[\"\\u12g4\"]", JSON, "bad \\u escape at byte 2"),
	REJECT("bad \\u: too short", "[\"\\u12\"]", JSON, "bad \\u escape"),
	REJECT("bad \\u: at end of input", "[\"\\u00", JSON, "bad \\u escape"),
	REJECT("backslash at end of input", "[\"\\", JSON, "unterminated string at byte 1"),
	REJECT("unterminated string", "{\"a\":\"abc", JSON, "unterminated string at byte 5"),
	REJECT("unbalanced close", "{}}", JSON, "unbalanced '}' at byte 2"),
	REJECT("close first", "]", JSON, "unbalanced ']' at byte 0"),
	REJECT("unclosed object", "{\"a\":[1,2]", JSON, "unexpected end of input (1 unclosed)"),
	REJECT("unclosed arrays", "[[[", JSON, "(3 unclosed)"),
	{ "NUL byte between tokens", "{\"a\":1,\0}", 9, JSON, "NUL byte at byte 7" },
	{ "NUL byte inside a string", "[\"a\0b\"]", 7, JSON, "control character" },
	{ "BOM only, then garbage", "\xef\xbb\xbfx", 0, JSON, "invalid token 'x' at byte 3" },
	REJECT("BOM not at the start", "{}\xef\xbb\xbf", JSON, "invalid token"),
};

/* N opening brackets, then N closing ones. */
static char *
nested(unsigned n, char open, char close)
{
	char *s = malloc(2 * (size_t)n + 1);

	memset(s, open, n);
	memset(s + n, close, n);
	s[2 * n] = '\0';
	return s;
}

/* A string of N 'x' characters, in quotes, in an array. */
static char *
string_of(size_t n)
{
	char *s = malloc(n + 5);

	s[0] = '[';
	s[1] = '"';
	memset(s + 2, 'x', n);
	memcpy(s + 2 + n, "\"]", 3);
	return s;
}

static void
run(const char *name, const char *in, size_t len,
    const struct tlsrpt_limits *lim, enum tlsrpt_errcode want,
    const char *msg)
{
	struct tlsrpt_error err;
	enum tlsrpt_errcode code;

	memset(&err, 0, sizeof(err));
	code = json_prescan(in, len, lim, &err);
	CHECKF(code == want, "%s: code %d, want %d (%s)", name, code, want,
	    err.message);
	if (msg != NULL)
		CHECKF(strstr(err.message, msg) != NULL,
		    "%s: message \"%s\" lacks \"%s\"", name, err.message, msg);
}

struct utf8_row {
	const char *bytes;
	size_t avail;
	size_t want;
};

static const struct utf8_row utf8_rows[] = {
	{ "A", 1, 1 },
	{ "\x7f", 1, 1 },
	{ "\xc2\x80", 2, 2 },
	{ "\xdf\xbf", 2, 2 },
	{ "\xc1\xbf", 2, 0 },		/* overlong */
	{ "\xc2", 1, 0 },		/* truncated */
	{ "\xc2\x41", 2, 0 },		/* no continuation */
	{ "\xe0\xa0\x80", 3, 3 },
	{ "\xe0\x9f\xbf", 3, 0 },	/* overlong */
	{ "\xed\x9f\xbf", 3, 3 },	/* U+D7FF */
	{ "\xed\xa0\x80", 3, 0 },	/* U+D800 */
	{ "\xed\xbf\xbf", 3, 0 },	/* U+DFFF */
	{ "\xee\x80\x80", 3, 3 },	/* U+E000 */
	{ "\xef\xbf\xbf", 3, 3 },
	{ "\xe2\x82\xac", 2, 0 },	/* avail too short */
	{ "\xf0\x90\x80\x80", 4, 4 },
	{ "\xf0\x8f\xbf\xbf", 4, 0 },	/* overlong */
	{ "\xf4\x8f\xbf\xbf", 4, 4 },	/* U+10FFFF */
	{ "\xf4\x90\x80\x80", 4, 0 },
	{ "\xf5\x80\x80\x80", 4, 0 },
	{ "\xf8\x88\x80\x80", 4, 0 },
	{ "\x80", 1, 0 },
	{ "\xff", 1, 0 },
};

int
main(void)
{
	struct tlsrpt_limits lim;
	size_t i;
	char *s;

	tlsrpt_limits_default(&lim);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		run(rows[i].name, rows[i].in,
		    rows[i].in_len != 0 ? rows[i].in_len : strlen(rows[i].in),
		    &lim, rows[i].code, rows[i].msg);

	for (i = 0; i < sizeof(utf8_rows) / sizeof(utf8_rows[0]); i++)
		CHECKF(utf8_seq_len((const unsigned char *)utf8_rows[i].bytes,
		    utf8_rows[i].avail) == utf8_rows[i].want,
		    "utf8_seq_len row %zu: want %zu", i, utf8_rows[i].want);

	/* Depth: exactly at the limit passes, one more is a limit error. */
	s = nested(TLSRPT_DEFAULT_MAX_DEPTH, '[', ']');
	run("arrays at the depth limit", s, strlen(s), &lim, TLSRPT_OK, NULL);
	free(s);
	s = nested(TLSRPT_DEFAULT_MAX_DEPTH + 1, '[', ']');
	run("arrays one past the depth limit", s, strlen(s), &lim,
	    TLSRPT_E_LIMIT_DEPTH, "nesting deeper than 16 at byte 16");
	free(s);
	s = nested(1000, '[', ']');
	run("1000 levels", s, strlen(s), &lim, TLSRPT_E_LIMIT_DEPTH,
	    "nesting deeper than 16");
	free(s);
	/* Sequential (not nested) brackets never add up. */
	s = malloc(2001);
	for (i = 0; i < 1000; i++)
		memcpy(s + 2 * i, "[]", 2);
	s[2000] = '\0';
	run("1000 siblings", s, 2000, &lim, TLSRPT_OK, NULL);
	free(s);
	lim.max_json_depth = 3;
	run("objects at a lowered depth limit", "{\"a\":{\"b\":{}}}", 14, &lim,
	    TLSRPT_OK, NULL);
	run("objects past a lowered depth limit", "{\"a\":{\"b\":{\"c\":[]}}}", 20,
	    &lim, TLSRPT_E_LIMIT_DEPTH, "nesting deeper than 3 at byte 15");
	tlsrpt_limits_default(&lim);

	/* String length: at the limit passes, one more byte fails. */
	s = string_of(TLSRPT_DEFAULT_MAX_STRING);
	run("string at the default limit", s, strlen(s), &lim, TLSRPT_OK, NULL);
	free(s);
	s = string_of(TLSRPT_DEFAULT_MAX_STRING + 1);
	run("string one over the default limit", s, strlen(s), &lim,
	    TLSRPT_E_LIMIT_STRING, "string at byte 1 longer than 65536 bytes");
	free(s);
	lim.max_string_bytes = 8;
	run("string at a lowered limit", "[\"12345678\"]", 12, &lim, TLSRPT_OK, NULL);
	run("string over a lowered limit", "[\"123456789\"]", 13, &lim,
	    TLSRPT_E_LIMIT_STRING, "longer than 8 bytes");
	run("key over a lowered limit", "{\"123456789\":1}", 15, &lim,
	    TLSRPT_E_LIMIT_STRING, "longer than 8 bytes");

	return test_summary("test_json_scan");
}
