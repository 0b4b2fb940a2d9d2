/*
 * test_mail_header.c - header fields and bodies of the digest mail: no
 * value can add a header line, encoded-words and lines stay in their
 * limits, addresses are bare, quoted-printable keeps every line short.
 */
#include "mail_header.h"
#include "testlib.h"

#include <stdlib.h>
#include <string.h>

/* What mail_header_write(NAME, VALUE) writes, NUL-terminated (malloc'd). */
static char *
header(const char *name, const char *value)
{
	char *out = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&out, &len);

	mail_header_write(fp, name, value);
	fclose(fp);
	return out;
}

/* Every line of S at most MAX characters, every line after the first
 * starting with white space (a continuation, never a new field). */
static int
folded_within(const char *s, size_t max)
{
	const char *nl;
	int first = 1;

	while (*s != '\0') {
		nl = strchr(s, '\n');
		if (nl == NULL || (size_t)(nl - s) > max)
			return 0;
		if (!first && *s != ' ' && *s != '\t')
			return 0;
		first = 0;
		s = nl + 1;
	}
	return 1;
}

static const struct {
	const char *name, *value, *want;	/* WANT NULL: only the limits */
} headers[] = {
	{ "plain", "TLS-RPT: all is well", "Subject: TLS-RPT: all is well\n" },
	{ "CR LF injection", "x\r\nBcc: victim@example.net",
	    "Subject: x\\x0d\\x0aBcc: victim@example.net\n" },
	{ "bare LF", "x\nBcc: v@example.net", "Subject: x\\x0aBcc: v@example.net\n" },
	{ "UTF-8", "mx.\xc3\xbc" "n\xc3\xaf" "code.example",
	    "Subject: =?UTF-8?B?bXguw7xuw69jb2RlLmV4YW1wbGU=?=\n" },
	{ "long ASCII folded at spaces", "TLS-RPT: critical: a-rather-long-domain-name.example: "
	    "certificate-host-mismatch on mx1.a-rather-long-domain-name.example (and 12 more ongoing)",
	    NULL },
	{ "long UTF-8 in several words", "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9",
	    NULL },
	{ "bidi override escaped", "a\xe2\x80\xae" "b", "Subject: a\\u202eb\n" },
	{ "invalid UTF-8", "a\xff" "b", "Subject: a\\xffb\n" },
};

static const struct {
	const char *addr;
	int ok;
} addresses[] = {
	{ "alice@example.net", 1 },
	{ "a.b+tag@sub.example.net", 1 },
	{ "", 0 },
	{ "alice", 0 },
	{ "@example.net", 0 },
	{ "alice@", 0 },
	{ "alice@example.net\r\nBcc: v@example.net", 0 },
	{ "alice@example.net\n", 0 },
	{ "alice@example.net,bob@example.net", 0 },
	{ "Alice <alice@example.net>", 0 },
	{ "alice@ex ample.net", 0 },
	{ "a@b@example.net", 0 },
	{ "\"q\"@example.net", 0 },
	{ "caf\xc3\xa9@example.net", 0 },
};

static const struct {
	const char *list;
	int ok;
	const char *bad;
} lists[] = {
	{ "alice@example.net", 1, "" },
	{ "alice@example.net, bob@example.net", 1, "" },
	{ "alice@example.net,bob@example.net", 1, "" },
	{ "alice@example.net,", 0, "(empty)" },
	{ "alice@example.net, bob", 0, "bob" },
	{ "alice@example.net\r\nBcc: v@example.net", 0,
	    "alice@example.net\\x0d\\x0aBcc: v@example.net" },
};

static void
test_qp(void)
{
	char *out = NULL, body[400];
	size_t len = 0, i;
	FILE *fp = open_memstream(&out, &len);

	/* A long line, '=', non-ASCII, trailing space, a line that reads
	 * like a boundary or a header. */
	memset(body, 'x', 200);
	strcpy(body + 200, "\na=b \xc3\xa9 \n--=_tlsrpt_x\nFrom: x\n.\n");
	mail_qp_write(fp, body, strlen(body));
	fclose(fp);
	for (i = 0; out[i] != '\0'; i++)
		CHECKF((unsigned char)out[i] < 128, "qp: byte %zu is 8-bit", i);
	CHECK(strstr(out, "a=3Db =C3=A9=20\n") != NULL);
	/* "=" is always encoded, so "=_" never appears. */
	CHECK(strstr(out, "--=_") == NULL);
	CHECK(strstr(out, "--=3D_tlsrpt_x\n") != NULL);
	{
		const char *p = out, *nl;

		while ((nl = strchr(p, '\n')) != NULL) {
			CHECKF(nl - p <= 76, "qp line of %d", (int)(nl - p));
			p = nl + 1;
		}
	}
	free(out);
}

int
main(void)
{
	char bad[256];
	size_t i;

	for (i = 0; i < sizeof(headers) / sizeof(headers[0]); i++) {
		char *got = header("Subject", headers[i].value);

		if (headers[i].want != NULL)
			CHECK_STR(got, headers[i].want);
		CHECKF(folded_within(got, 78), "%s: folded within 78: %s", headers[i].name, got);
		CHECKF(strchr(got, '\r') == NULL, "%s: no CR", headers[i].name);
		free(got);
	}
	for (i = 0; i < sizeof(addresses) / sizeof(addresses[0]); i++)
		CHECKF(mail_address_valid(addresses[i].addr) == addresses[i].ok,
		    "address \"%s\" valid=%d", addresses[i].addr, addresses[i].ok);
	for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		bad[0] = '\0';
		CHECKF(mail_address_list_valid(lists[i].list, bad, sizeof(bad)) == lists[i].ok,
		    "list \"%s\" valid=%d", lists[i].list, lists[i].ok);
		CHECK_STR(bad, lists[i].bad);
	}
	{
		/* A value past MAIL_HEADER_MAX is cut, marked, and still folded. */
		char big[2000], *got;

		memset(big, 'a', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		for (i = 10; i < sizeof(big) - 1; i += 11)
			big[i] = ' ';
		got = header("Subject", big);
		CHECK(strlen(got) < MAIL_HEADER_MAX + 40);
		CHECK(strstr(got, "...\n") != NULL);
		CHECK(folded_within(got, 78));
		free(got);
	}
	test_qp();
	return test_summary("test_mail_header");
}
