/*
 * test_tag.c - the verdict header: words, quoting, sanitizing, folding.
 */
#include "testlib.h"
#include "tag.h"

/* Every physical line (split at "\n\t") is at most MAX bytes. */
static int
lines_within(const char *header_name, const char *value, size_t max)
{
	size_t col = strlen(header_name) + 2;
	const char *p;

	for (p = value; *p != '\0'; p++) {
		if (*p == '\n') {
			if (col > max || p[1] != '\t')
				return 0;
			col = 0;
			continue;
		}
		col++;
	}
	return col <= max;
}

static void
test_pass(void)
{
	struct tag_field f[] = {
		{ "submitter", "google.com" },
		{ "domain", "example.com" },
		{ "report-id", "2024-03-01T00:00:00Z_example.com" },
		{ "successful", "123" },
		{ "failed", "4" },
		{ "reports", NULL },
	};
	char buf[1024];
	int n = tag_format(buf, sizeof(buf), 8, TAG_PASS, f, 6);

	CHECK(n > 0);
	CHECK_STR(buf, "pass submitter=google.com domain=example.com\n"
	    "\treport-id=\"2024-03-01T00:00:00Z_example.com\" successful=123 failed=4");
	CHECK(lines_within("X-TLSRPT", buf, 78));
}

static void
test_fail_and_invalid(void)
{
	struct tag_field f = { "reason", "signature by unaligned domain evil.example" };
	char buf[512];

	CHECK(tag_format(buf, sizeof(buf), 8, TAG_FAIL, &f, 1) > 0);
	CHECK_STR(buf, "fail reason=\"signature by unaligned domain evil.example\"");
	f.value = "part 2 (application/tlsrpt+gzip): inflate: truncated input";
	CHECK(tag_format(buf, sizeof(buf), 8, TAG_INVALID, &f, 1) > 0);
	CHECK_STR(buf, "invalid\n\treason=\"part 2 (application/tlsrpt+gzip): inflate: truncated input\"");
}

/* Authenticated, not trusted: its own first word, never "pass". */
static void
test_verified(void)
{
	struct tag_field f[] = {
		{ "reason", "reporter attacker.example not in KnownReporters" },
		{ "submitter", "attacker.example" },
	};
	char buf[512];

	CHECK_STR(tag_verdict_word(TAG_VERIFIED), "verified");
	CHECK(tag_format(buf, sizeof(buf), 8, TAG_VERIFIED, f, 2) > 0);
	CHECK_STR(buf, "verified reason=\"reporter attacker.example not in "
	    "KnownReporters\"\n\tsubmitter=attacker.example");
}

static void
test_hostile_values(void)
{
	struct tag_field f[] = {
		{ "report-id", "evil\r\nX-TLSRPT: pass\r\n" },
		{ "domain", "quote\"back\\slash" },
		{ "submitter", "caf\xc3\xa9.example" },
		{ "empty", "" },
	};
	char buf[1024];

	CHECK(tag_format(buf, sizeof(buf), 8, TAG_PASS, f, 4) > 0);
	/* No header injection: CR/LF never come through, only our folds. */
	CHECK(strchr(buf, '\r') == NULL);
	CHECK_CONTAINS(buf, "report-id=\"evil??X-TLSRPT: pass??\"");
	CHECK_CONTAINS(buf, "domain=\"quote\\\"back\\\\slash\"");
	CHECK_CONTAINS(buf, "submitter=\"caf??.example\"");
	CHECK_CONTAINS(buf, "empty=\"\"");
	CHECK(lines_within("X-TLSRPT", buf, 998));
}

static void
test_long_values(void)
{
	char huge[5000], buf[4096];
	struct tag_field f[TAG_MAX_FIELDS];
	size_t i;

	memset(huge, 'a', sizeof(huge) - 1);
	huge[sizeof(huge) - 1] = '\0';
	for (i = 0; i < TAG_MAX_FIELDS; i++) {
		f[i].name = "report-id";
		f[i].value = huge;
	}
	CHECK(tag_format(buf, sizeof(buf), 8, TAG_PASS, f, TAG_MAX_FIELDS) > 0);
	CHECK(lines_within("X-TLSRPT", buf, 998));
	CHECK(strlen(buf) < 8 * (TAG_MAX_VALUE + 20) + 10);
	/* Too small a buffer is an error, not an overflow. */
	CHECK(tag_format(buf, 40, 8, TAG_PASS, f, 1) == -1);
}

int
main(void)
{
	test_pass();
	test_fail_and_invalid();
	test_verified();
	test_hostile_values();
	test_long_values();
	return test_summary("test_tag");
}
