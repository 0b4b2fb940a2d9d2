/*
 * test_recognize.c - which headers and addresses make a report candidate.
 */
#include "testlib.h"
#include "recognize.h"
#include "tlsrpt.h"

static void
test_content_type(void)
{
	static const struct { const char *value; int want; } rows[] = {
		{ "multipart/report; report-type=tlsrpt; boundary=\"b1\"", 1 },
		{ "multipart/report; report-type=\"tlsrpt\"; boundary=b1", 1 },
		{ "Multipart/Report; Report-Type=TLSRPT", 1 },
		{ "multipart/report;\r\n\treport-type=tlsrpt;\r\n\tboundary=\"x\"", 1 },
		{ "multipart/report (a comment); boundary=x; report-type=tlsrpt", 1 },
		{ "  multipart/report;report-type=tlsrpt", 1 },
		{ "multipart/report; boundary=\"report-type=tlsrpt\"", 0 },
		{ "multipart/report; report-type=delivery-status", 0 },
		{ "multipart/report; report-type=tlsrptx", 0 },
		{ "multipart/report", 0 },
		{ "multipart/mixed; report-type=tlsrpt", 0 },
		{ "text/plain", 0 },
		{ "", 0 },
		{ "multipart/report; report-type=", 0 },
		{ "multipart/report; report-type=\"tlsrpt", 1 },
		{ "multipart/report; (unterminated comment", 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		CHECKF(recog_content_type_is_tlsrpt(rows[i].value) == rows[i].want,
		    "content-type \"%s\": want %d", rows[i].value, rows[i].want);
}

static void
test_report_headers(void)
{
	CHECK(recog_is_report_header("TLS-Report-Domain"));
	CHECK(recog_is_report_header("tls-report-submitter"));
	CHECK(!recog_is_report_header("TLS-Report"));
	CHECK(!recog_is_report_header("X-TLS-Report-Domain"));
}

static void
test_from(void)
{
	static const struct { const char *value, *addr, *domain; } rows[] = {
		{ "noreply-smtp-tls-reporting@google.com", "noreply-smtp-tls-reporting@google.com", "google.com" },
		{ "<tlsrpt-noreply@microsoft.com>", "tlsrpt-noreply@microsoft.com", "microsoft.com" },
		{ "\"TLS Reports\" <Reports@Mail.Example.NET>", "Reports@Mail.Example.NET", "mail.example.net" },
		{ "=?utf-8?q?Rep=C3=B6rter?= <r@example.org>", "r@example.org", "example.org" },
		{ "undisclosed-recipients:;", NULL, NULL },
		{ "no address here", NULL, NULL },
		{ "", NULL, NULL },
	};
	char addr[256], domain[256];
	size_t i;
	int rc;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		rc = recog_from_address(rows[i].value, addr, sizeof(addr), domain,
		    sizeof(domain));
		if (rows[i].addr == NULL) {
			CHECKF(rc < 0, "from \"%s\": want none, got %s", rows[i].value, addr);
			continue;
		}
		if (CHECKF(rc == 0, "from \"%s\": no address", rows[i].value)) {
			CHECK_STR(addr, rows[i].addr);
			CHECK_STR(domain, rows[i].domain);
		}
	}
}

static void
test_address_patterns(void)
{
	char *patterns[] = { "tlsrpt@*", "Reports@Example.NET", "mail.ru",
	    "*-tls-reporting@google.com" };
	static const struct { const char *addr; int want; } rows[] = {
		{ "tlsrpt@example.com", 1 },
		{ "<TLSRPT@example.org>", 1 },
		{ "reports@example.net", 1 },
		{ "reports@sub.example.net", 0 },
		{ "tlsrpt-noreply@mail.ru", 1 },
		{ "x@corp.mail.ru", 1 },
		{ "x@notmail.ru", 0 },
		{ "x@mail.ru.evil.example", 0 },
		{ "noreply-smtp-tls-reporting@google.com", 1 },
		{ "noreply@google.com", 0 },
		{ "postmaster", 0 },
		{ "<>", 0 },
		{ "", 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		CHECKF(recog_address_matches(rows[i].addr, patterns, 4) == rows[i].want,
		    "address \"%s\": want %d", rows[i].addr, rows[i].want);
	CHECK(!recog_address_matches("tlsrpt@example.com", NULL, 0));
}

/* KnownReporters entries as trust for a verified DKIM signer. */
static void
test_signer_patterns(void)
{
	char *patterns[] = { "noreply-smtp-tls-reporting@google.com",
	    "tlsrpt-noreply@Microsoft.COM", "mail.ru", "*.wild.example",
	    "tlsrpt@*.star.example", "broken@" };
	char *everyone[] = { "tlsrpt@*" };
	static const struct { const char *signer; int want; } rows[] = {
		{ "google.com", 1 },		/* an address entry's domain */
		{ "GOOGLE.COM", 1 },
		{ "google.com.", 1 },		/* trailing root dot */
		{ "mx.google.com", 1 },		/* ... and its subdomains */
		{ "notgoogle.com", 0 },
		{ "google.com.attacker.example", 0 },
		{ "microsoft.com", 1 },
		{ "mail.ru", 1 },		/* a domain entry */
		{ "corp.mail.ru", 1 },
		{ "mail.ru.evil.example", 0 },
		{ "a.wild.example", 1 },	/* wildcards: fnmatch */
		{ "wild.example", 0 },
		{ "x.star.example", 1 },
		{ "attacker.example", 0 },
		{ "", 0 },
		{ ".", 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		CHECKF(recog_signer_matches(rows[i].signer, patterns, 6) ==
		    rows[i].want, "signer \"%s\": want %d", rows[i].signer,
		    rows[i].want);
	/* The From local part never matters: the entry names a domain. */
	CHECK(recog_signer_matches("attacker.example", everyone, 1));
	CHECK(!recog_signer_matches("google.com", NULL, 0));
}

static void
test_may_mention(void)
{
	char *patterns[] = { "noreply-smtp-tls-reporting@google.com", "mail.ru" };
	char *wild[] = { "tlsrpt@*.example" };
	static const struct { const char *from; int want; } rows[] = {
		{ "<noreply-smtp-tls-reporting@google.com>", 1 },
		{ "\"Google\" <NoReply-SMTP-TLS-Reporting@Google.COM>", 1 },
		{ "x@corp.MAIL.RU", 1 },
		{ "alice@example.org", 0 },
		{ "=?utf-8?q?google.com?= <x@example.org>", 1 },	/* unsure is fine */
		{ "", 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		CHECKF(recog_may_mention(rows[i].from, patterns, 2) == rows[i].want,
		    "may_mention \"%s\": want %d", rows[i].from, rows[i].want);
	CHECK(recog_may_mention("alice@example.org", wild, 1));
	CHECK(!recog_may_mention("alice@example.org", NULL, 0));
}

static void
test_reason_string(void)
{
	char buf[128];

	CHECK_STR(recog_reason_string(RECOG_CONTENT_TYPE | RECOG_KNOWN_REPORTER,
	    buf, sizeof(buf)), "content-type,known-reporter");
	CHECK_STR(recog_reason_string(0, buf, sizeof(buf)), "");
}

int
main(void)
{
	tlsrpt_library_init();
	test_content_type();
	test_report_headers();
	test_from();
	test_address_patterns();
	test_signer_patterns();
	test_may_mention();
	test_reason_string();
	tlsrpt_library_shutdown();
	return test_summary("test_recognize");
}
