/*
 * test_authres.c - trusting upstream DKIM verdicts in
 * Authentication-Results (RFC 8601) header values.
 */
#include "authres.h"
#include "testlib.h"

#include <stdlib.h>

static const char *const trusted[] = { "mx.example.net", "mx.google.com" };

struct pass_row {
	const char *name;
	const char *value;
	const char *from;
	int want;		/* 1: aligned pass */
	const char *domain;	/* *domain_r on a pass */
};

#define PASS(name, value, from, dom) { name, value, from, 1, dom }
#define NOPASS(name, value, from) { name, value, from, 0, "" }

static const struct pass_row pass_rows[] = {
	/* Shapes of real verifiers. */
	PASS("Gmail", "mx.google.com;\r\n"
	    "       dkim=pass header.i=@google.com header.s=20230601 "
	    "header.b=Ab1/Cd+E;\r\n"
	    "       spf=pass (google.com: domain of "
	    "noreply-smtp-tls-reporting@google.com designates 209.85.220.73 "
	    "as permitted sender) smtp.mailfrom=noreply@google.com;\r\n"
	    "       dmarc=pass (p=REJECT sp=REJECT dis=NONE) "
	    "header.from=google.com", "google.com", "google.com"),
	PASS("OpenDKIM", "mx.example.net; dkim=pass (2048-bit key; "
	    "unprotected) header.d=microsoft.com header.i=@microsoft.com "
	    "header.a=rsa-sha256 header.s=selector1 header.b=AbCdEfGh;\n"
	    "\tdkim-atps=neutral", "microsoft.com", "microsoft.com"),
	PASS("rspamd, quoted header.b", "mx.example.net; dkim=pass "
	    "header.d=google.com header.s=20230601 header.b=\"ABC/+=\"; "
	    "dmarc=pass (policy=reject) header.from=google.com; "
	    "spf=pass (mx.example.net: domain of x@google.com designates "
	    "1.2.3.4 as permitted sender) smtp.mailfrom=x@google.com",
	    "google.com", "google.com"),
	NOPASS("Microsoft: no authserv-id", "spf=pass (sender IP is "
	    "40.107.1.2) smtp.mailfrom=microsoft.com; dkim=pass (signature "
	    "was verified) header.d=microsoft.com;dmarc=pass action=none "
	    "header.from=microsoft.com;compauth=pass reason=100",
	    "microsoft.com"),
	PASS("Microsoft fields after a trusted id", "mx.example.net; "
	    "dkim=pass (signature was verified) header.d=microsoft.com;"
	    "dmarc=pass action=none header.from=microsoft.com;"
	    "compauth=pass reason=100", "microsoft.com", "microsoft.com"),

	/* Trust. */
	NOPASS("untrusted authserv-id", "mx.attacker.example; dkim=pass "
	    "header.d=google.com", "google.com"),
	PASS("authserv-id case-insensitive", "MX.Example.NET; dkim=pass "
	    "header.d=google.com", "google.com", "google.com"),
	PASS("quoted authserv-id", "\"mx.example.net\"; dkim=pass "
	    "header.d=google.com", "google.com", "google.com"),
	PASS("authserv-id with version", "mx.example.net 1; dkim=pass "
	    "header.d=google.com", "google.com", "google.com"),
	NOPASS("trusted id as a suffix only", "evil.mx.example.net; "
	    "dkim=pass header.d=google.com", "google.com"),

	/* Alignment. */
	NOPASS("dkim=pass unaligned", "mx.example.net; dkim=pass "
	    "header.d=evil.example", "google.com"),
	PASS("dkim=pass parent of From", "mx.example.net; dkim=pass "
	    "header.d=google.com", "reports.google.com", "google.com"),
	NOPASS("dkim=pass public suffix", "mx.example.net; dkim=pass "
	    "header.d=com", "google.com"),
	NOPASS("header.i subdomain of From", "mx.example.net; dkim=pass "
	    "header.i=@reports.google.com", "google.com"),
	PASS("header.i equal to From", "mx.example.net; dkim=pass "
	    "header.i=@reports.google.com", "reports.google.com",
	    "reports.google.com"),
	PASS("header.i with local-part", "mx.example.net; dkim=pass "
	    "header.i=noreply@google.com", "google.com", "google.com"),
	PASS("header.i quoted local-part", "mx.example.net; dkim=pass "
	    "header.i=\"no reply\"@google.com", "google.com", "google.com"),
	NOPASS("header.d unaligned wins over header.i", "mx.example.net; "
	    "dkim=pass header.d=evil.example header.i=@google.com",
	    "google.com"),
	NOPASS("no header.d nor header.i", "mx.example.net; dkim=pass "
	    "header.s=sel", "google.com"),

	/* Results. */
	NOPASS("dkim=fail", "mx.example.net; dkim=fail reason=\"signature "
	    "verification failed\" header.d=google.com", "google.com"),
	NOPASS("dkim=neutral", "mx.example.net; dkim=neutral (body hash "
	    "did not verify) header.d=google.com", "google.com"),
	NOPASS("dkim=permerror", "mx.example.net; dkim=permerror "
	    "header.d=google.com", "google.com"),
	NOPASS("spf=pass only", "mx.example.net; spf=pass "
	    "smtp.mailfrom=google.com", "google.com"),
	NOPASS("dmarc=pass header.from is not dkim",
	    "mx.example.net; dmarc=pass header.from=google.com",
	    "google.com"),
	NOPASS("dkim-atps=pass is not dkim", "mx.example.net; "
	    "dkim-atps=pass header.d=google.com", "google.com"),
	PASS("several dkim, the second passes", "mx.example.net;\n"
	    "\tdkim=fail header.d=google.com;\n"
	    "\tdkim=pass header.d=evil.example;\n"
	    "\tdkim=pass header.d=google.com header.s=s2",
	    "google.com", "google.com"),
	PASS("several passes, the first aligned kept", "mx.example.net; "
	    "dkim=pass header.d=reports.google.com; dkim=pass "
	    "header.d=google.com", "reports.google.com",
	    "reports.google.com"),
	PASS("method version", "mx.example.net; dkim/1=pass "
	    "header.d=google.com", "google.com", "google.com"),
	PASS("upper case method and result", "mx.example.net; DKIM=Pass "
	    "Header.D=google.com", "google.com", "google.com"),
	NOPASS("none", "mx.example.net; none", "google.com"),
	NOPASS("none with comment", "mx.example.net (no checks); none",
	    "google.com"),
	PASS("trailing semicolon", "mx.example.net; dkim=pass "
	    "header.d=google.com;", "google.com", "google.com"),

	/* Comments, quoting, folding. */
	PASS("comments everywhere", "(c0) mx.example.net (c1) ; (c2) dkim "
	    "(c3) = (c4) pass (c5) header (c6) . (c7) d (c8) = (c9) "
	    "google.com (c10)", "google.com", "google.com"),
	PASS("nested comment with ; and =", "mx.example.net; dkim=pass "
	    "(outer (inner; header.d=evil.example) still; x=y) "
	    "header.d=google.com", "google.com", "google.com"),
	PASS("escaped paren in comment", "mx.example.net; dkim=pass "
	    "(a \\) b) header.d=google.com", "google.com", "google.com"),
	PASS("comment hugging value", "mx.example.net; dkim=pass "
	    "header.d=google.com(verified)", "google.com", "google.com"),
	PASS("folded CRLF with tab", "mx.example.net;\r\n\tdkim=pass\r\n\t"
	    "header.d=google.com", "google.com", "google.com"),
	PASS("reason quoted with ; inside", "mx.example.net; dkim=pass "
	    "reason=\"good; really\" header.d=google.com", "google.com",
	    "google.com"),
	PASS("quoted header.d", "mx.example.net; dkim=pass "
	    "header.d=\"google.com\"", "google.com", "google.com"),
	PASS("trailing dot in header.d", "mx.example.net; dkim=pass "
	    "header.d=google.com.", "google.com", "google.com."),

	/* Garbage. */
	NOPASS("empty", "", "google.com"),
	NOPASS("only spaces", "   \t ", "google.com"),
	NOPASS("authserv-id only", "mx.example.net", "google.com"),
	NOPASS("no semicolon", "mx.example.net dkim=pass header.d=google.com",
	    "google.com"),
	NOPASS("unterminated comment", "mx.example.net; dkim=pass "
	    "(oops header.d=google.com", "google.com"),
	NOPASS("unterminated quote", "mx.example.net; dkim=pass "
	    "header.d=\"google.com", "google.com"),
	NOPASS("missing result", "mx.example.net; dkim= header.d=google.com",
	    "google.com"),
	NOPASS("missing =", "mx.example.net; dkim pass header.d=google.com",
	    "google.com"),
	NOPASS("property without value", "mx.example.net; dkim=pass "
	    "header.d=", "google.com"),
	NOPASS("pass then garbage", "mx.example.net; dkim=pass "
	    "header.d=google.com; ??? !!!", "google.com"),
	NOPASS("garbage after ptype", "mx.example.net; dkim=pass header.",
	    "google.com"),
	NOPASS("stray close paren", "mx.example.net; dkim=pass ) "
	    "header.d=google.com", "google.com"),
	NOPASS("aligned pass, then a stray close paren", "mx.example.net; "
	    "dkim=pass header.d=google.com )", "google.com"),
	NOPASS("binary", "\x01\x02\xff; dkim=pass header.d=google.com",
	    "google.com"),
	NOPASS("empty From domain", "mx.example.net; dkim=pass "
	    "header.d=google.com", ""),
};

struct servid_row {
	const char *name;
	const char *value;
	int ret;
	const char *id;
};

static const struct servid_row servid_rows[] = {
	{ "plain", "mx.example.net; dkim=pass header.d=x.example", 0,
	    "mx.example.net" },
	{ "leading folding and comment", "\r\n\t(hi) mx.example.net;none", 0,
	    "mx.example.net" },
	{ "with version", "mx.example.net 1; none", 0, "mx.example.net" },
	{ "quoted", "\"my id\"; none", 0, "my id" },
	{ "id alone", "mx.example.net", 0, "mx.example.net" },
	{ "Microsoft: method first", "spf=pass smtp.mailfrom=x.example", -1,
	    NULL },
	{ "empty", "", -1, NULL },
	{ "unterminated comment", "(mx.example.net; none", -1, NULL },
	{ "special first", "@foo; none", -1, NULL },
	{ "too long for the buffer", "a-very-long-authserv-id.example.net;"
	    " none", -1, NULL },
};

/*
 * Only the topmost header with a trusted authserv-id counts: the copy an
 * attacker put below the trusted hop's own verdict is not looked at.
 */
static void
test_topmost(void)
{
	const char *hop_none[] = {
		"mx.example.net; dkim=none",
		"mx.example.net; dkim=pass header.d=google.com",
	};
	const char *behind_others[] = {
		"spf=pass smtp.mailfrom=x.example",	/* Microsoft: no id */
		"relay.other.example; dkim=pass header.d=google.com",
		"MX.Example.NET; dkim=pass header.d=google.com",
		"mx.google.com; dkim=fail header.d=google.com",
	};
	const char *untrusted[] = { "evil.example; dkim=pass header.d=google.com" };

	CHECK(authres_trusted_topmost(hop_none, 2, trusted, 2) == 0);
	CHECK(authres_trusted_topmost(behind_others, 4, trusted, 2) == 2);
	CHECK(authres_trusted_topmost(untrusted, 1, trusted, 2) == -1);
	CHECK(authres_trusted_topmost(hop_none, 0, trusted, 2) == -1);
	CHECK(authres_trusted_topmost(hop_none, 2, NULL, 0) == -1);
	CHECK(authres_trusted_topmost(NULL, 0, trusted, 2) == -1);
}

/* A long header.b and a deep comment do not upset the parser. */
static void
test_big(void)
{
	size_t n = 20000, off = 0, k;
	char *big = malloc(n + 200), dom[256];

	if (big == NULL)
		return;
	off += (size_t)sprintf(big, "mx.example.net; dkim=pass ");
	for (k = 0; k < n / 4; k++)
		big[off++] = '(';
	for (k = 0; k < n / 4; k++)
		big[off++] = ')';
	off += (size_t)sprintf(big + off, " header.b=");
	while (off < n + 100)
		big[off++] = 'A';
	sprintf(big + off, " header.d=google.com");
	CHECK(authres_dkim_pass(big, trusted, 2, "google.com", dom,
	    sizeof(dom)) == 1);
	CHECK_STR(dom, "google.com");
	free(big);
}

int
main(void)
{
	size_t i;
	char dom[256], id[32];

	for (i = 0; i < sizeof(pass_rows) / sizeof(pass_rows[0]); i++) {
		const struct pass_row *r = &pass_rows[i];
		int got;

		memset(dom, 'X', sizeof(dom));
		got = authres_dkim_pass(r->value, trusted, 2, r->from, dom,
		    sizeof(dom));
		CHECKF(got == r->want, "%s: got %d, want %d", r->name, got,
		    r->want);
		CHECKF(strcmp(dom, r->domain) == 0, "%s: domain \"%.40s\", "
		    "want \"%s\"", r->name, dom, r->domain);
	}

	/* No trusted ids at all: nothing passes. */
	CHECK(authres_dkim_pass("mx.example.net; dkim=pass "
	    "header.d=google.com", NULL, 0, "google.com", dom,
	    sizeof(dom)) == 0);
	/* NULLs are no pass, not a crash. */
	CHECK(authres_dkim_pass(NULL, trusted, 2, "google.com", dom,
	    sizeof(dom)) == 0);
	CHECK(authres_dkim_pass("mx.example.net; dkim=pass "
	    "header.d=google.com", trusted, 2, NULL, dom, sizeof(dom)) == 0);
	CHECK(authres_dkim_pass("mx.example.net; dkim=pass "
	    "header.d=google.com", trusted, 2, "google.com", NULL, 0) == 1);
	/* A short output buffer truncates, still NUL-terminated. */
	CHECK(authres_dkim_pass("mx.example.net; dkim=pass "
	    "header.d=google.com", trusted, 2, "google.com", dom, 4) == 1);
	CHECK_STR(dom, "goo");

	for (i = 0; i < sizeof(servid_rows) / sizeof(servid_rows[0]); i++) {
		const struct servid_row *r = &servid_rows[i];
		int got = authres_servid(r->value, id, sizeof(id));

		CHECKF(got == r->ret, "servid %s: got %d, want %d", r->name,
		    got, r->ret);
		if (r->ret == 0 && got == 0)
			CHECKF(strcmp(id, r->id) == 0, "servid %s: got \"%s\", "
			    "want \"%s\"", r->name, id, r->id);
	}
	CHECK(authres_servid(NULL, id, sizeof(id)) == -1);
	CHECK(authres_servid("x.example; none", NULL, 0) == -1);

	test_big();
	test_topmost();
	return test_summary("authres");
}
