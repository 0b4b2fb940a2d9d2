/*
 * test_text_safe.c - text_sanitize() and text_json_fputs(): what reaches
 * a terminal or a log from a report.
 */
#include "testlib.h"
#include "text_safe.h"

#include <stdlib.h>

static const struct {
	const char *name, *in, *want;
} cases[] = {
	/* Kept byte for byte. */
	{ "ASCII", "Google Inc.", "Google Inc." },
	{ "Cyrillic", "Mail.Ru Group \xd0\x9e\xd0\x9e\xd0\x9e",
	    "Mail.Ru Group \xd0\x9e\xd0\x9e\xd0\x9e" },
	{ "CJK and emoji", "\xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x93\xa7",
	    "\xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x93\xa7" },
	{ "Latin-1 letters (U+00A0 up)", "Caf\xc3\xa9 \xc2\xa0x", "Caf\xc3\xa9 \xc2\xa0x" },
	{ "backslash kept", "a\\x1b", "a\\x1b" },
	{ "zero width joiner kept", "a\xe2\x80\x8d" "b", "a\xe2\x80\x8d" "b" },
	/* C0 and DEL. */
	{ "ESC OSC title", "\x1b]0;x\x07", "\\x1b]0;x\\x07" },
	{ "CR LF", "id\r\nforged", "id\\x0d\\x0aforged" },
	{ "TAB", "\tx", "\\x09x" },
	{ "DEL", "a\x7f", "a\\x7f" },
	/* C1 written in UTF-8 and raw. */
	{ "C1 CSI as UTF-8", "\xc2\x9b" "31m", "\\u009b31m" },
	{ "C1 first and last as UTF-8", "\xc2\x80\xc2\x9f", "\\u0080\\u009f" },
	{ "raw C1 CSI byte", "\x9b" "31m", "\\x9b31m" },
	{ "raw OSC byte", "a\x9d" "0;x", "a\\x9d0;x" },
	/* Bidi and line separators. */
	{ "RLO", "\xe2\x80\xae" "moc.elgoog", "\\u202emoc.elgoog" },
	{ "LRE..RLO", "\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad",
	    "\\u202a\\u202b\\u202c\\u202d" },
	{ "isolates", "\xe2\x81\xa6\xe2\x81\xa7\xe2\x81\xa8\xe2\x81\xa9",
	    "\\u2066\\u2067\\u2068\\u2069" },
	{ "marks", "\xe2\x80\x8e\xe2\x80\x8f\xd8\x9c", "\\u200e\\u200f\\u061c" },
	{ "line separator", "a\xe2\x80\xa8" "b", "a\\u2028b" },
	/* Not UTF-8. */
	{ "lone continuation", "a\x80z", "a\\x80z" },
	{ "truncated sequence", "a\xe2\x80", "a\\xe2\\x80" },
	{ "truncated before ASCII", "\xe2\x80z", "\\xe2\\x80z" },
	{ "overlong slash", "\xc0\xaf", "\\xc0\\xaf" },
	{ "overlong 3-byte", "\xe0\x80\xaf", "\\xe0\\x80\\xaf" },
	{ "surrogate", "\xed\xa0\x80", "\\xed\\xa0\\x80" },
	{ "past U+10FFFF", "\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80" },
	{ "Latin-1 byte", "caf\xe9", "caf\\xe9" },
	{ "empty", "", "" },
};

/* Every byte of S is printable ASCII or part of well-formed safe UTF-8. */
static int
terminal_safe(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return 0;
		if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
			return 0;
		if (*p == 0xe2 && p[1] == 0x80 && p[2] >= 0xaa && p[2] <= 0xae)
			return 0;
	}
	return 1;
}

static void
test_table(void)
{
	char buf[256];
	size_t i, n;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		n = text_sanitize(buf, sizeof(buf), cases[i].in);
		CHECKF(strcmp(buf, cases[i].want) == 0, "%s: got \"%s\"", cases[i].name, buf);
		CHECKF(n == strlen(buf), "%s: length", cases[i].name);
		CHECKF(terminal_safe(buf), "%s: unsafe output", cases[i].name);
	}
	CHECK_INT(text_sanitize(buf, sizeof(buf), NULL), 0);
	CHECK_STR(buf, "");
}

/* A small buffer holds whole characters and whole escapes, never halves. */
static void
test_truncation(void)
{
	char buf[8];

	CHECK_INT(text_sanitize(buf, sizeof(buf), "ab\x1b" "cdef"), 7);
	CHECK_STR(buf, "ab\\x1bc");
	CHECK_INT(text_sanitize(buf, sizeof(buf), "abcdef\x1b"), 6);
	CHECK_STR(buf, "abcdef");
	CHECK_INT(text_sanitize(buf, 6, "a\xe2\x80\xae"), 1);
	CHECK_STR(buf, "a");
	CHECK_INT(text_sanitize(buf, 5, "abc\xd0\x9e"), 3);
	CHECK_STR(buf, "abc");
	CHECK_INT(text_sanitize(buf, 1, "abc"), 0);
	CHECK_STR(buf, "");
	/* A run of plain ASCII that fills the buffer, and one past it. */
	CHECK_INT(text_sanitize(buf, sizeof(buf), "abcdefg"), 7);
	CHECK_STR(buf, "abcdefg");
	CHECK_INT(text_sanitize(buf, sizeof(buf), "abcdefghij"), 7);
	CHECK_STR(buf, "abcdefg");
}

/* The stream form prints what text_sanitize() returns, however long. */
static void
test_fputs(void)
{
	char *out = NULL, *want;
	size_t len = 0, i;
	FILE *fp = open_memstream(&out, &len);
	char big[3001];

	for (i = 0; i < 3000; i++)
		big[i] = i % 3 == 0 ? '\x9b' : 'x';
	big[3000] = '\0';
	text_fputs(fp, big);
	text_fputs(fp, NULL);
	fclose(fp);
	CHECK_INT(len, 1000 * 4 + 2000);
	CHECK(terminal_safe(out));
	want = malloc(8000);
	CHECK_INT(text_sanitize(want, 8000, big), len);
	CHECK_STR(out, want);
	free(want);
	free(out);
}

/* JSON text keeps its structure and C0 escapes; DEL, C1, bidi -> \uXXXX. */
static void
test_json(void)
{
	char *out = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&out, &len);

	text_json_fputs(fp, "{\n  \"o\": \"\\u001b[1m\xc2\x9b" "31m\xe2\x80\xae" "x\x7f\xd0\x9e\"\n}");
	fclose(fp);
	CHECK_STR(out, "{\n  \"o\": \"\\u001b[1m\\u009b31m\\u202ex\\u007f\xd0\x9e\"\n}");
	free(out);
}

int
main(void)
{
	test_table();
	test_truncation();
	test_fputs();
	test_json();
	return test_summary("test_text_safe");
}
