/*
 * test_tlsrpt_record.c - RFC 8460 section 3 record checks, table-driven:
 * each row is a record, the verdict (0 usable / -1 ignored by senders),
 * the worst level and one finding id that must be present.
 */
#include "check_findings.h"
#include "testlib.h"
#include "tlsrpt_record.h"

#include <stdlib.h>

struct row {
	const char *record, *domain;
	int ok;				/* tlsrpt_record_check's return */
	enum check_level worst;
	const char *id;			/* must be among the findings */
};

static const struct row rows[] = {
	/* Good records. */
	{ "v=TLSRPTv1; rua=mailto:tlsrpt@example.com", "example.com", 0,
	    CHECK_PASS, "record-ok" },
	{ "v=TLSRPTv1;rua=mailto:tlsrpt@example.com", NULL, 0, CHECK_PASS,
	    "record-ok" },
	{ "v=TLSRPTv1; rua=mailto:tlsrpt@example.com;", NULL, 0, CHECK_PASS,
	    "record-ok" },
	{ "v=TLSRPTv1; rua=mailto:tlsrpt@example.com ; ", NULL, 0, CHECK_PASS,
	    "record-ok" },
	{ "v=TLSRPTv1; rua=https://reports.example.com/tlsrpt", NULL, 0,
	    CHECK_PASS, "record-ok" },
	{ "v=TLSRPTv1; rua=https://reports.example.com:8443/v1?x=1", NULL, 0,
	    CHECK_PASS, "record-ok" },
	{ "v=TLSRPTv1; rua=mailto:tls%2Crpt@example.com", NULL, 0, CHECK_PASS,
	    "record-ok" },
	{ "v=TLSRPTv1; rua=mailto:tlsrpt@mail.example.com", "example.com", 0,
	    CHECK_PASS, "record-ok" },
	{ "v=TLSRPTv1; rua=MAILTO:tlsrpt@example.com", NULL, 0, CHECK_PASS,
	    "record-ok" },
	{ "v=TLSRPTv1; rua=mailto:a@example.com; ext_1=value", NULL, 0,
	    CHECK_INFO, "ext-unknown" },
	{ "v=TLSRPTv1;\trua=mailto:a@example.com", NULL, 0, CHECK_PASS,
	    "record-ok" },
	/* Warnings: usable, but something will bite. */
	{ "v=TLSRPTv1; rua=mailto:a@example.com,mailto:b@example.net", NULL, 0,
	    CHECK_WARN, "rua-multiple" },
	{ "v=TLSRPTv1; rua=mailto:a@example.com , https://r.example.com/x",
	    NULL, 0, CHECK_WARN, "rua-multiple" },
	{ "v=TLSRPTv1; rua=mailto:reports@vendor.example", "example.com", 0,
	    CHECK_WARN, "rua-external" },
	{ "v=TLSRPTv1; rua=mailto:a@badexample.com", "example.com", 0,
	    CHECK_WARN, "rua-external" },
	{ "v=TLSRPTv1 ; rua=mailto:a@example.com", NULL, 0, CHECK_WARN,
	    "version-delim" },
	{ "v=TLSRPTv1; rua=mailto:a@example.com,mailto:a@example.com", NULL, 0,
	    CHECK_WARN, "rua-duplicate" },
	/* Failures: senders ignore the record or cannot deliver. */
	{ "", NULL, -1, CHECK_FAIL, "version-missing" },
	{ "rua=mailto:a@example.com; v=TLSRPTv1", NULL, -1, CHECK_FAIL,
	    "version-missing" },
	{ "v=tlsrptv1; rua=mailto:a@example.com", NULL, -1, CHECK_FAIL,
	    "version-case" },
	{ " v=TLSRPTv1; rua=mailto:a@example.com", NULL, -1, CHECK_FAIL,
	    "version-missing" },
	{ "v=TLSRPTv2; rua=mailto:a@example.com", NULL, -1, CHECK_FAIL,
	    "version-missing" },
	{ "v=TLSRPTv10; rua=mailto:a@example.com", NULL, -1, CHECK_FAIL,
	    "version-missing" },
	{ "v=TLSRPTv1", NULL, -1, CHECK_FAIL, "rua-missing" },
	{ "v=TLSRPTv1;", NULL, -1, CHECK_FAIL, "rua-missing" },
	{ "v=TLSRPTv1; foo=bar", NULL, -1, CHECK_FAIL, "rua-missing" },
	{ "v=TLSRPTv1; rua=", NULL, -1, CHECK_FAIL, "rua-empty" },
	{ "v=TLSRPTv1;; rua=mailto:a@example.com", NULL, -1, CHECK_FAIL,
	    "record-syntax" },
	{ "v=TLSRPTv1; rua mailto:a@example.com", NULL, -1, CHECK_FAIL,
	    "record-syntax" },
	{ "v=TLSRPTv1; rua = mailto:a@example.com", NULL, -1, CHECK_FAIL,
	    "record-syntax" },
	{ "v=TLSRPTv1; RUA=mailto:a@example.com", NULL, -1, CHECK_FAIL,
	    "rua-case" },
	{ "v=TLSRPTv1; rua=a@example.com", NULL, -1, CHECK_FAIL,
	    "rua-no-scheme" },
	{ "v=TLSRPTv1; rua=http://r.example.com/x", NULL, -1, CHECK_FAIL,
	    "rua-http" },
	{ "v=TLSRPTv1; rua=ftp://r.example.com/x", NULL, -1, CHECK_FAIL,
	    "rua-scheme" },
	{ "v=TLSRPTv1; rua=mailto:a@example.com!10m", NULL, -1, CHECK_FAIL,
	    "rua-bang" },
	{ "v=TLSRPTv1; rua=mailto:a@example.com,", NULL, -1, CHECK_FAIL,
	    "rua-empty-uri" },
	{ "v=TLSRPTv1; rua=,mailto:a@example.com", NULL, -1, CHECK_FAIL,
	    "rua-empty-uri" },
	{ "v=TLSRPTv1; rua=mailto:a@example.com mailto:b@example.com", NULL,
	    -1, CHECK_FAIL, "rua-space" },
	{ "v=TLSRPTv1; rua=mailto:a@example.com; rua=mailto:b@example.com",
	    NULL, -1, CHECK_FAIL, "rua-repeated" },
	{ "v=TLSRPTv1; v=TLSRPTv1; rua=mailto:a@example.com", NULL, -1,
	    CHECK_FAIL, "version-repeated" },
	{ "v=TLSRPTv1; rua=mailto:example.com", NULL, -1, CHECK_FAIL,
	    "rua-bad-mailto" },
	{ "v=TLSRPTv1; rua=mailto:a@b@example.com", NULL, -1, CHECK_FAIL,
	    "rua-bad-mailto" },
	{ "v=TLSRPTv1; rua=mailto:@example.com", NULL, -1, CHECK_FAIL,
	    "rua-bad-mailto" },
	{ "v=TLSRPTv1; rua=mailto:a@", NULL, -1, CHECK_FAIL, "rua-bad-mailto" },
	{ "v=TLSRPTv1; rua=mailto:a@localhost", NULL, -1, CHECK_FAIL,
	    "rua-bad-mailto" },
	{ "v=TLSRPTv1; rua=mailto:a@-x.example.com", NULL, -1, CHECK_FAIL,
	    "rua-bad-mailto" },
	{ "v=TLSRPTv1; rua=mailto:a@ex..com", NULL, -1, CHECK_FAIL,
	    "rua-bad-mailto" },
	{ "v=TLSRPTv1; rua=mailto:a%2@example.com", NULL, -1, CHECK_FAIL,
	    "rua-bad-escape" },
	{ "v=TLSRPTv1; rua=mailto:a@example.com%", NULL, -1, CHECK_FAIL,
	    "rua-bad-escape" },
	{ "v=TLSRPTv1; rua=mailto:a\"b@example.com", NULL, -1, CHECK_FAIL,
	    "rua-bad-char" },
	{ "v=TLSRPTv1; rua=mailto:<a@example.com>", NULL, -1, CHECK_FAIL,
	    "rua-bad-char" },
	{ "v=TLSRPTv1; rua=https:r.example.com", NULL, -1, CHECK_FAIL,
	    "rua-bad-https" },
	{ "v=TLSRPTv1; rua=https:///x", NULL, -1, CHECK_FAIL, "rua-bad-https" },
	{ "v=TLSRPTv1; rua=https://r.example.com:80x/", NULL, -1, CHECK_FAIL,
	    "rua-bad-https" },
	{ "v=TLSRPTv1; rua=https://r.example.com:/", NULL, -1, CHECK_FAIL,
	    "rua-bad-https" },
	{ "v=TLSRPTv1; rua=mailto:a@example.com; x=", NULL, -1, CHECK_FAIL,
	    "ext-empty" },
	{ "v=TLSRPTv1; rua=mailto:a@example.com; x=a b", NULL, -1, CHECK_FAIL,
	    "ext-bad-value" },
	{ "v=TLSRPTv1; rua=mailto:a@example.com; x=a=b", NULL, -1, CHECK_FAIL,
	    "ext-bad-value" },
	{ "v=TLSRPTv1; rua=mailto:a@example.com; _x=1", NULL, -1, CHECK_FAIL,
	    "record-syntax" },
	{ "v=TLSRPTv1; rua=mailto:a@example.com; "
	    "a123456789012345678901234567890123=1", NULL, -1, CHECK_FAIL,
	    "record-syntax" },
	{ "v=TLSRPTv1; rua=mailto:a@example.com\r\n", NULL, -1, CHECK_FAIL,
	    "record-syntax" },
	{ "v=TLSRPTv1; rua=mailto:a@ex\xc3\xa4mple.com", NULL, -1, CHECK_FAIL,
	    "record-syntax" },
};

/* Text that is only reached by fields made at run time. */
static void
test_long_records(void)
{
	struct check_report rep;
	struct tlsrpt_record rec;
	char buf[TLSRPT_RECORD_MAX + 64];
	size_t n;

	/* 300 bytes, valid: usable, but must be split into strings. */
	n = (size_t)snprintf(buf, sizeof(buf), "v=TLSRPTv1; rua=mailto:%0*d"
	    "@example.com", 260, 0);
	check_report_init(&rep);
	CHECK_INT(tlsrpt_record_check(buf, n, NULL, 0, &rec, &rep), 0);
	CHECK(check_find(&rep, "record-long") != NULL);
	CHECK_INT(check_exit_status(&rep), 1);
	/* From DNS, a record that long was necessarily split already. */
	check_report_init(&rep);
	CHECK_INT(tlsrpt_record_check(buf, n, NULL, TLSRPT_RECORD_FROM_DNS,
	    &rec, &rep), 0);
	CHECK(check_find(&rep, "record-long") == NULL);
	CHECK_INT(check_exit_status(&rep), 0);

	/* Over the hard limit: refused without parsing. */
	memset(buf, 'a', sizeof(buf));
	memcpy(buf, "v=TLSRPTv1; rua=mailto:", 23);
	check_report_init(&rep);
	CHECK_INT(tlsrpt_record_check(buf, TLSRPT_RECORD_MAX + 1, NULL, 0, &rec,
	    &rep), -1);
	CHECK(check_find(&rep, "record-huge") != NULL);

	/* Seventeen URIs: one more than we keep. */
	n = (size_t)snprintf(buf, sizeof(buf), "v=TLSRPTv1; rua=");
	for (int i = 0; i < TLSRPT_RUA_MAX + 1; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%smailto:r%d@"
		    "example.com", i > 0 ? "," : "", i);
	check_report_init(&rep);
	CHECK_INT(tlsrpt_record_check(buf, n, NULL, 0, &rec, &rep), -1);
	CHECK(check_find(&rep, "rua-too-many") != NULL);

	/* An embedded NUL: DNS allows it, the grammar does not. */
	check_report_init(&rep);
	CHECK_INT(tlsrpt_record_check("v=TLSRPTv1; rua=mailto:a@example.com\0x",
	    38, NULL, 0, &rec, &rep), -1);
	CHECK(check_find(&rep, "record-syntax") != NULL);
}

static void
test_rua_details(void)
{
	static const char rec_text[] =
	    "v=TLSRPTv1; rua=mailto:first@example.com,https://r.example.net/p";
	struct check_report rep;
	struct tlsrpt_record rec;
	const struct check_finding *f;

	check_report_init(&rep);
	check_report_subject(&rep, "record");
	CHECK_INT(tlsrpt_record_check(rec_text, sizeof(rec_text) - 1,
	    "example.com", 0, &rec, &rep), 0);
	CHECK_INT(rec.rua_count, 2);
	CHECK_INT(rec.rua[0].len, 24);
	CHECK(strncmp(rec_text + rec.rua[1].off, "https://r.example.net/p",
	    rec.rua[1].len) == 0);
	/* The warning names the address that gets Microsoft's reports. */
	f = check_find(&rep, "rua-multiple");
	CHECK(f != NULL);
	if (f != NULL) {
		CHECK_CONTAINS(f->msg, "Microsoft delivers only to the first, "
		    "mailto:first@example.com");
		CHECK_STR(f->subject, "record");
		CHECK(f->result_type == NULL);
	}
	/* An https: endpoint in another domain is not a mailbox: no warning. */
	CHECK(check_find(&rep, "rua-external") == NULL);
	CHECK(tlsrpt_record_is_candidate("v=TLSRPTv1;", 11));
	CHECK(!tlsrpt_record_is_candidate("v=STSv1;", 8));
}

/*
 * Every prefix of every row, in a buffer of exactly that size and no
 * NUL: under ASan or valgrind any read past LEN is caught.  The checker
 * must also never report success for a prefix that lost its rua.
 */
static void
test_prefixes(void)
{
	size_t i, n;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		for (n = 0; n <= strlen(rows[i].record); n++) {
			struct check_report rep;
			struct tlsrpt_record rec;
			char *copy = malloc(n ? n : 1);
			int got;

			memcpy(copy, rows[i].record, n);
			check_report_init(&rep);
			got = tlsrpt_record_check(copy, n, "example.com", 0, &rec,
			    &rep);
			CHECKF(got == -1 || rec.rua_count > 0, "row %zu prefix %zu "
			    "passes without rua", i, n);
			CHECKF((got == 0) == (rep.worst < CHECK_FAIL), "row %zu "
			    "prefix %zu: verdict and findings disagree", i, n);
			free(copy);
		}
}

int
main(void)
{
	size_t i, bad = 0;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		struct check_report rep;
		struct tlsrpt_record rec;
		int got;

		check_report_init(&rep);
		got = tlsrpt_record_check(r->record, strlen(r->record),
		    r->domain, 0, &rec, &rep);
		CHECKF(got == r->ok, "\"%s\": returned %d, want %d", r->record,
		    got, r->ok);
		CHECKF(rep.worst == r->worst, "\"%s\": worst %s, want %s",
		    r->record, check_level_name(rep.worst),
		    check_level_name(r->worst));
		CHECKF(check_find(&rep, r->id) != NULL, "\"%s\": no %s (first "
		    "finding: %s %s)", r->record, r->id, rep.count ?
		    rep.items[0].id : "-", rep.count ? rep.items[0].msg : "");
		/* A passing record says so once; a failing one never does. */
		CHECKF((check_find(&rep, "record-ok") != NULL) ==
		    (r->worst <= CHECK_INFO), "\"%s\": record-ok", r->record);
		if (r->ok < 0)
			bad++;
	}
	CHECKF(bad >= 30, "only %zu bad records in the table", bad);
	test_long_records();
	test_rua_details();
	test_prefixes();
	return test_summary("test_tlsrpt_record");
}
