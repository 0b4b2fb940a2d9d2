/*
 * test_sts_policy.c - RFC 8461 policy files, _mta-sts TXT records and mx
 * pattern matching, table-driven.
 */
#include "check_findings.h"
#include "sts_policy.h"
#include "testlib.h"

#include <stdlib.h>

struct row {
	const char *policy;
	int ok;
	enum check_level worst;
	const char *id;
};

#define GOOD "version: STSv1\nmode: enforce\nmx: mx1.example.com\n" \
	"mx: *.example.net\nmax_age: 604800\n"

static const struct row rows[] = {
	{ GOOD, 0, CHECK_PASS, "policy-ok" },
	{ "version: STSv1\r\nmode: enforce\r\nmx: mx.example.com\r\n"
	    "max_age: 86400\r\n", 0, CHECK_PASS, "policy-ok" },
	{ "version: STSv1\nmode: enforce\nmx: mx.example.com\nmax_age: 86400",
	    0, CHECK_PASS, "policy-ok" },
	{ "version:STSv1\nmode:\tenforce\nmx:mx.example.com  \nmax_age: 31557600\n",
	    0, CHECK_PASS, "policy-ok" },
	{ "version: STSv1\nmode: none\nmax_age: 86400\n", 0, CHECK_INFO,
	    "policy-none" },
	{ "version: STSv1\nmode: testing\nmx: mx.example.com\nmax_age: 86400\n",
	    0, CHECK_INFO, "policy-testing" },
	{ "version: STSv1\nmode: enforce\nmx: mx.example.com\nmx: mx.example.com\n"
	    "max_age: 86400\n", 0, CHECK_INFO, "policy-mx-repeated" },
	/* Warnings. */
	{ "mode: enforce\nversion: STSv1\nmx: mx.example.com\nmax_age: 86400\n",
	    0, CHECK_WARN, "policy-version-not-first" },
	{ "version: STSv1\r\nmode: enforce\nmx: mx.example.com\nmax_age: 86400\n",
	    0, CHECK_WARN, "policy-mixed-eol" },
	{ "version: STSv1\n\nmode: enforce\nmx: mx.example.com\nmax_age: 86400\n",
	    0, CHECK_WARN, "policy-blank-line" },
	{ GOOD "\n\n", 0, CHECK_WARN, "policy-trailing-blank" },
	{ GOOD "comment: hi\n", 0, CHECK_WARN, "policy-unknown-key" },
	{ "version: STSv1\nmode: enforce\nmx: mx.example.com\nmax_age: 3600\n",
	    0, CHECK_WARN, "policy-max-age-short" },
	/* Failures: senders reject the policy (sts-policy-invalid). */
	{ "", -1, CHECK_FAIL, "policy-empty" },
	{ "\n\n", -1, CHECK_FAIL, "policy-empty" },
	{ "\xef\xbb\xbf" GOOD, -1, CHECK_FAIL, "policy-bom" },
	{ "mode: enforce\nmx: mx.example.com\nmax_age: 86400\n", -1, CHECK_FAIL,
	    "policy-no-version" },
	{ "version: STSv1\nmx: mx.example.com\nmax_age: 86400\n", -1, CHECK_FAIL,
	    "policy-no-mode" },
	{ "version: STSv1\nmode: enforce\nmx: mx.example.com\n", -1, CHECK_FAIL,
	    "policy-no-max-age" },
	{ "version: STSv1\nmode: enforce\nmax_age: 86400\n", -1, CHECK_FAIL,
	    "policy-no-mx" },
	{ "version: STSv1\nmode: testing\nmax_age: 86400\n", -1, CHECK_FAIL,
	    "policy-no-mx" },
	{ "version: STSv2\nmode: enforce\nmx: mx.example.com\nmax_age: 86400\n",
	    -1, CHECK_FAIL, "policy-version" },
	{ "version: stsv1\nmode: enforce\nmx: mx.example.com\nmax_age: 86400\n",
	    -1, CHECK_FAIL, "policy-version" },
	{ "version: STSv1\nmode: Enforce\nmx: mx.example.com\nmax_age: 86400\n",
	    -1, CHECK_FAIL, "policy-mode" },
	{ "version: STSv1\nmode: reject\nmx: mx.example.com\nmax_age: 86400\n",
	    -1, CHECK_FAIL, "policy-mode" },
	{ "version: STSv1\nmode: enforce\nmx: mx.example.com\nmax_age: 1y\n",
	    -1, CHECK_FAIL, "policy-max-age" },
	{ "version: STSv1\nmode: enforce\nmx: mx.example.com\nmax_age: -1\n",
	    -1, CHECK_FAIL, "policy-max-age" },
	{ "version: STSv1\nmode: enforce\nmx: mx.example.com\nmax_age: 31557601\n",
	    -1, CHECK_FAIL, "policy-max-age" },
	{ "version: STSv1\nmode: enforce\nmx: mx.example.com\n"
	    "max_age: 99999999999\n", -1, CHECK_FAIL, "policy-max-age" },
	{ "version: STSv1\nmode: enforce\nmx: mx.example.com\nmax-age: 86400\n",
	    -1, CHECK_FAIL, "policy-key-spelling" },
	{ "Version: STSv1\nmode: enforce\nmx: mx.example.com\nmax_age: 86400\n",
	    -1, CHECK_FAIL, "policy-key-spelling" },
	{ "version: STSv1\nmode: enforce\nMX: mx.example.com\nmax_age: 86400\n",
	    -1, CHECK_FAIL, "policy-key-spelling" },
	{ "version: STSv1\nversion: STSv1\nmode: enforce\nmx: mx.example.com\n"
	    "max_age: 86400\n", -1, CHECK_FAIL, "policy-repeated" },
	{ "version: STSv1\nmode: enforce\nmode: testing\nmx: mx.example.com\n"
	    "max_age: 86400\n", -1, CHECK_FAIL, "policy-repeated" },
	{ "version: STSv1\nmode: enforce\nmx: mx.example.com\nmax_age: 86400\n"
	    "max_age: 604800\n", -1, CHECK_FAIL, "policy-repeated" },
	{ "version: STSv1\nmode: enforce\nmx: mx.example.com\nmax_age: 86400\n"
	    "</html>\n", -1, CHECK_FAIL, "policy-syntax" },
	{ "<html><body>Not found</body></html>\n", -1, CHECK_FAIL,
	    "policy-syntax" },
	{ "version = STSv1\nmode: enforce\nmx: mx.example.com\nmax_age: 86400\n",
	    -1, CHECK_FAIL, "policy-syntax" },
	{ " version: STSv1\nmode: enforce\nmx: mx.example.com\nmax_age: 86400\n",
	    -1, CHECK_FAIL, "policy-syntax" },
	{ "version : STSv1\nmode: enforce\nmx: mx.example.com\nmax_age: 86400\n",
	    -1, CHECK_FAIL, "policy-syntax" },
	{ "version: STSv1\nmode:\nmx: mx.example.com\nmax_age: 86400\n", -1,
	    CHECK_FAIL, "policy-empty-value" },
	{ "version: STSv1\nmode: enforce\nmx: mx.example.com mx2.example.com\n"
	    "max_age: 86400\n", -1, CHECK_FAIL, "policy-value-space" },
	{ "version: STSv1\nmode: enforce\nmx: mx.example.com,mx2.example.com\n"
	    "max_age: 86400\n", -1, CHECK_FAIL, "policy-mx" },
	{ "version: STSv1\nmode: enforce\nmx: localhost\nmax_age: 86400\n", -1,
	    CHECK_FAIL, "policy-mx" },
	{ "version: STSv1\nmode: enforce\nmx: mx.example.com.\nmax_age: 86400\n",
	    -1, CHECK_FAIL, "policy-mx" },
	{ "version: STSv1\nmode: enforce\nmx: *.*.example.com\nmax_age: 86400\n",
	    -1, CHECK_FAIL, "policy-mx" },
	{ "version: STSv1\nmode: enforce\nmx: mx*.example.com\nmax_age: 86400\n",
	    -1, CHECK_FAIL, "policy-mx" },
	{ "version: STSv1\nmode: enforce\nmx: *.com\nmax_age: 86400\n", -1,
	    CHECK_FAIL, "policy-mx" },
	{ "version: STSv1\nmode: enforce\nmx: mx_1.example.com\nmax_age: 86400\n",
	    -1, CHECK_FAIL, "policy-mx" },
	{ "version: STSv1\rmode: enforce\rmx: mx.example.com\rmax_age: 86400\r",
	    -1, CHECK_FAIL, "policy-ctl" },
	{ "version: STSv1\nmode: enforce\nmx: mx.example.com\nmax_age: 86400\n"
	    "x: \x01\n", -1, CHECK_FAIL, "policy-ctl" },
};

struct txt_row {
	const char *txt;
	int ok;
	const char *id;		/* NULL: none expected */
	const char *want_id;	/* the id parsed, when ok */
};

static const struct txt_row txt_rows[] = {
	{ "v=STSv1; id=20260101T000000", 0, NULL, "20260101T000000" },
	{ "v=STSv1;id=abc123;", 0, NULL, "abc123" },
	{ "v=STSv1; id=abc; ext=1", 0, NULL, "abc" },
	{ "v=STSv1", -1, "sts-txt-id", NULL },
	{ "v=STSv1; id=", -1, "sts-txt-id", NULL },
	{ "v=STSv1; id=2026-01-01", -1, "sts-txt-id", NULL },
	{ "v=STSv1; id=123456789012345678901234567890123", -1, "sts-txt-id",
	    NULL },
	{ "v=STSv1; id=a; id=b", -1, "sts-txt-id", NULL },
	{ "v=stsv1; id=a", -1, "sts-txt-version", NULL },
	{ "id=a; v=STSv1", -1, "sts-txt-version", NULL },
	{ "v=STSv10; id=a", -1, "sts-txt-version", NULL },
	{ "v=STSv1;; id=a", -1, "sts-txt-syntax", NULL },
	{ "v=STSv1 ; id=a", 0, "sts-txt-delim", "a" },
};

static void
test_mx_match(void)
{
	CHECK(sts_mx_match("mx.example.com", "mx.example.com"));
	CHECK(sts_mx_match("mx.example.com", "MX.Example.COM."));
	CHECK(sts_mx_match("*.example.com", "mx1.example.com"));
	CHECK(sts_mx_match("*.example.com", "mx1.example.com."));
	CHECK(!sts_mx_match("*.example.com", "example.com"));
	CHECK(!sts_mx_match("*.example.com", "a.mx.example.com"));
	CHECK(!sts_mx_match("*.example.com", ".example.com"));
	CHECK(!sts_mx_match("*.example.com", "mx1.example.net"));
	CHECK(!sts_mx_match("*.example.com", "mx1xexample.com"));
	CHECK(!sts_mx_match("mx.example.com", "mx2.example.com"));
	CHECK(!sts_mx_match("mx.example.com", "xmx.example.com"));
	CHECK(!sts_mx_match("", ""));
}

static void
test_parsed(void)
{
	struct check_report rep;
	struct sts_policy *pol = malloc(sizeof(*pol));
	char big[STS_POLICY_MAX + 2];

	check_report_init(&rep);
	CHECK_INT(sts_policy_check(GOOD, strlen(GOOD), pol, &rep), 0);
	CHECK_INT(pol->mode, STS_MODE_ENFORCE);
	CHECK_INT(pol->max_age, 604800);
	CHECK_INT(pol->mx_count, 2);
	CHECK_STR(pol->mx[0], "mx1.example.com");
	CHECK_STR(pol->mx[1], "*.example.net");
	CHECK_INT(check_exit_status(&rep), 0);

	/* Failures name the result type a sender reports. */
	check_report_init(&rep);
	CHECK_INT(sts_policy_check("mode: enforce\n", 14, pol, &rep), -1);
	CHECK(rep.count > 0 && rep.items[0].result_type != NULL &&
	    strcmp(rep.items[0].result_type, "sts-policy-invalid") == 0);
	CHECK_INT(check_exit_status(&rep), 2);

	memset(big, 'x', sizeof(big));
	check_report_init(&rep);
	CHECK_INT(sts_policy_check(big, STS_POLICY_MAX + 1, pol, &rep), -1);
	CHECK(check_find(&rep, "policy-too-big") != NULL);
	free(pol);
}

/* Every prefix, in an exact-size buffer: no read past LEN (ASan). */
static void
test_prefixes(void)
{
	struct sts_policy *pol = malloc(sizeof(*pol));
	char id[STS_ID_MAX + 1];
	size_t i, n;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		for (n = 0; n <= strlen(rows[i].policy); n++) {
			struct check_report rep;
			char *copy = malloc(n ? n : 1);
			int got;

			memcpy(copy, rows[i].policy, n);
			check_report_init(&rep);
			got = sts_policy_check(copy, n, pol, &rep);
			CHECKF((got == 0) == (rep.worst < CHECK_FAIL), "row %zu "
			    "prefix %zu: verdict and findings disagree", i, n);
			free(copy);
		}
	for (i = 0; i < sizeof(txt_rows) / sizeof(txt_rows[0]); i++)
		for (n = 0; n <= strlen(txt_rows[i].txt); n++) {
			struct check_report rep;
			char *copy = malloc(n ? n : 1);

			memcpy(copy, txt_rows[i].txt, n);
			check_report_init(&rep);
			(void)sts_txt_check(copy, n, id, &rep);
			free(copy);
		}
	free(pol);
}

int
main(void)
{
	struct sts_policy *pol = malloc(sizeof(*pol));
	size_t i, bad = 0;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		struct check_report rep;
		int got;

		check_report_init(&rep);
		got = sts_policy_check(r->policy, strlen(r->policy), pol, &rep);
		CHECKF(got == r->ok, "row %zu: returned %d, want %d", i, got,
		    r->ok);
		CHECKF(rep.worst == r->worst, "row %zu: worst %s, want %s", i,
		    check_level_name(rep.worst), check_level_name(r->worst));
		CHECKF(check_find(&rep, r->id) != NULL, "row %zu: no %s (first: "
		    "%s %s)", i, r->id, rep.count ? rep.items[0].id : "-",
		    rep.count ? rep.items[0].msg : "");
		if (r->ok < 0)
			bad++;
	}
	CHECKF(bad >= 30, "only %zu bad policies in the table", bad);
	for (i = 0; i < sizeof(txt_rows) / sizeof(txt_rows[0]); i++) {
		const struct txt_row *r = &txt_rows[i];
		struct check_report rep;
		char id[STS_ID_MAX + 1];
		int got;

		check_report_init(&rep);
		got = sts_txt_check(r->txt, strlen(r->txt), id, &rep);
		CHECKF(got == r->ok, "\"%s\": returned %d", r->txt, got);
		if (r->id != NULL)
			CHECKF(check_find(&rep, r->id) != NULL, "\"%s\": no %s",
			    r->txt, r->id);
		if (r->want_id != NULL)
			CHECK_STR(id, r->want_id);
	}
	free(pol);
	test_mx_match();
	test_parsed();
	test_prefixes();
	return test_summary("test_sts_policy");
}
