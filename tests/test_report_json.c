/*
 * test_report_json.c - RFC 8460 JSON -> struct tlsrpt_report, with the
 * quirks real reporters send.
 */
#include "arena.h"
#include "rfc8460_json.h"
#include "testlib.h"

#include <stdint.h>

#define ORG	"\"organization-name\":\"Company-X\","
#define CONTACT	"\"contact-info\":\"sts-reporting@company-x.example\","
#define RID	"\"report-id\":\"5065427c-23d3-47ca-b6e0-946ea0e8c4be\","
#define RANGE(s, e) \
	"\"date-range\":{\"start-datetime\":\"" s "\",\"end-datetime\":\"" e "\"},"
#define DAY	RANGE("2016-04-01T00:00:00Z", "2016-04-01T23:59:59Z")
#define HEAD	"{" ORG CONTACT RID DAY
#define SUMMARY(s, f) \
	"\"summary\":{\"total-successful-session-count\":" s \
	",\"total-failure-session-count\":" f "}"
/* A report with one policy: POLICY members, then the rest of the entry. */
#define ONE(policy, rest) \
	HEAD "\"policies\":[{\"policy\":{" policy "}," rest "}]}"
#define STS	"\"policy-type\":\"sts\",\"policy-domain\":\"company-y.example\""
#define DETAILS(...)	",\"failure-details\":[" __VA_ARGS__ "]"

#define T_20160401	1459468800LL
#define T_20160402	(T_20160401 + 86400)

/* The example report of RFC 8460 section 4.9 (with the erratum's mx-host array). */
static const char rfc_example[] =
	"{\n"
	"  \"organization-name\": \"Company-X\",\n"
	"  \"date-range\": {\n"
	"    \"start-datetime\": \"2016-04-01T00:00:00Z\",\n"
	"    \"end-datetime\": \"2016-04-01T23:59:59Z\"\n"
	"  },\n"
	"  \"contact-info\": \"sts-reporting@company-x.example\",\n"
	"  \"report-id\": \"5065427c-23d3-47ca-b6e0-946ea0e8c4be\",\n"
	"  \"policies\": [{\n"
	"    \"policy\": {\n"
	"      \"policy-type\": \"sts\",\n"
	"      \"policy-string\": [\"version: STSv1\",\"mode: testing\",\n"
	"            \"mx: *.mail.company-y.example\",\"max_age: 86400\"],\n"
	"      \"policy-domain\": \"company-y.example\",\n"
	"      \"mx-host\": [\"*.mail.company-y.example\"]\n"
	"    },\n"
	"    \"summary\": {\n"
	"      \"total-successful-session-count\": 5326,\n"
	"      \"total-failure-session-count\": 303\n"
	"    },\n"
	"    \"failure-details\": [{\n"
	"      \"result-type\": \"certificate-expired\",\n"
	"      \"sending-mta-ip\": \"2001:db8:abcd:0012::1\",\n"
	"      \"receiving-mx-hostname\": \"mx1.mail.company-y.example\",\n"
	"      \"failed-session-count\": 100\n"
	"    }, {\n"
	"      \"result-type\": \"starttls-not-supported\",\n"
	"      \"sending-mta-ip\": \"2001:db8:abcd:0013::1\",\n"
	"      \"receiving-mx-hostname\": \"mx2.mail.company-y.example\",\n"
	"      \"receiving-ip\": \"203.0.113.56\",\n"
	"      \"failed-session-count\": 200,\n"
	"      \"additional-information\": \"https://reports.company-x.example/"
	"report_info?id=5065427c-23d3#StarttlsNotSupported\"\n"
	"    }, {\n"
	"      \"result-type\": \"validation-failure\",\n"
	"      \"sending-mta-ip\": \"198.51.100.62\",\n"
	"      \"receiving-ip\": \"203.0.113.58\",\n"
	"      \"receiving-mx-hostname\": \"mx-backup.mail.company-y.example\",\n"
	"      \"receiving-mx-helo\": \"helo.company-y.example\",\n"
	"      \"failed-session-count\": 3,\n"
	"      \"failure-reason-code\": \"X509_V_ERR_PROXY_PATH_LENGTH_EXCEEDED\"\n"
	"    }]\n"
	"  }]\n"
	"}\n";

struct row {
	const char *name;
	const char *json;
	/* Always checked: */
	long long start, end;
	size_t n_policies;
	long long total_s, total_f;
	size_t n_warnings;
	const char *warning;		/* substring of one warning, or NULL */
	/* Row-specific checks (NULL: none). */
	void (*check)(const char *name, const struct tlsrpt_report *rep);
};

#define N(x)	(sizeof(x) / sizeof((x)[0]))

static int
has_warning(const struct tlsrpt_report *rep, const char *needle)
{
	size_t i;

	for (i = 0; i < rep->n_warnings; i++)
		if (strstr(rep->warnings[i], needle) != NULL)
			return 1;
	return 0;
}

/* Compare a string list with WANT (NULL-terminated). */
static void
check_list(const char *name, const char *what, const char *const *got,
    size_t n, const char *const *want)
{
	size_t i, m = 0;

	while (want[m] != NULL)
		m++;
	if (!CHECKF(n == m, "%s: %s: %zu entries, want %zu", name, what, n, m))
		return;
	for (i = 0; i < n; i++)
		CHECKF(got[i] != NULL && strcmp(got[i], want[i]) == 0,
		    "%s: %s[%zu] = \"%s\", want \"%s\"", name, what, i,
		    got[i] != NULL ? got[i] : "(null)", want[i]);
}

static int
check_field(const char *name, const char *expr, const char *got,
    const char *want, const char *file, int line)
{
	int ok = (got == NULL && want == NULL) ||
	    (got != NULL && want != NULL && strcmp(got, want) == 0);

	return test_check(ok, file, line, "%s: %s = \"%s\", want \"%s\"", name,
	    expr, got != NULL ? got : "(null)", want != NULL ? want : "(null)");
}

#define CHECK_FIELD(name, got, want) \
	check_field(name, #got, (got), (want), __FILE__, __LINE__)

static void
check_rfc_example(const char *name, const struct tlsrpt_report *rep)
{
	static const char *const strings[] = { "version: STSv1", "mode: testing",
	    "mx: *.mail.company-y.example", "max_age: 86400", NULL };
	static const char *const mx[] = { "*.mail.company-y.example", NULL };
	const struct tlsrpt_policy *p = &rep->policies[0];
	const struct tlsrpt_failure_detail *d = p->details;

	CHECK_FIELD(name, rep->organization_name, "Company-X");
	CHECK_FIELD(name, rep->contact_info, "sts-reporting@company-x.example");
	CHECK_FIELD(name, rep->report_id, "5065427c-23d3-47ca-b6e0-946ea0e8c4be");
	CHECK_FIELD(name, p->policy_type, "sts");
	CHECK_FIELD(name, p->policy_domain, "company-y.example");
	check_list(name, "policy_strings", p->policy_strings, p->n_policy_strings,
	    strings);
	check_list(name, "mx_hosts", p->mx_hosts, p->n_mx_hosts, mx);
	CHECK_INT(p->total_successful, 5326);
	CHECK_INT(p->total_failure, 303);
	if (!CHECKF(p->n_details == 3, "%s: %zu details", name, p->n_details))
		return;
	CHECK_FIELD(name, d[0].result_type, "certificate-expired");
	CHECK_FIELD(name, d[0].sending_mta_ip, "2001:db8:abcd:0012::1");
	CHECK_FIELD(name, d[0].receiving_mx_hostname, "mx1.mail.company-y.example");
	CHECK_FIELD(name, d[0].receiving_mx_helo, NULL);
	CHECK_FIELD(name, d[0].receiving_ip, NULL);
	CHECK_FIELD(name, d[0].additional_information, NULL);
	CHECK_FIELD(name, d[0].failure_reason_code, NULL);
	CHECK_INT(d[0].failed_session_count, 100);
	CHECK_FIELD(name, d[1].result_type, "starttls-not-supported");
	CHECK_FIELD(name, d[1].receiving_ip, "203.0.113.56");
	CHECK_FIELD(name, d[1].additional_information,
	    "https://reports.company-x.example/report_info?id=5065427c-23d3#StarttlsNotSupported");
	CHECK_INT(d[1].failed_session_count, 200);
	CHECK_FIELD(name, d[2].result_type, "validation-failure");
	CHECK_FIELD(name, d[2].sending_mta_ip, "198.51.100.62");
	CHECK_FIELD(name, d[2].receiving_ip, "203.0.113.58");
	CHECK_FIELD(name, d[2].receiving_mx_hostname, "mx-backup.mail.company-y.example");
	CHECK_FIELD(name, d[2].receiving_mx_helo, "helo.company-y.example");
	CHECK_FIELD(name, d[2].failure_reason_code, "X509_V_ERR_PROXY_PATH_LENGTH_EXCEEDED");
	CHECK_INT(d[2].failed_session_count, 3);
}

static void
check_contact_null(const char *name, const struct tlsrpt_report *rep)
{
	CHECK_FIELD(name, rep->contact_info, NULL);
	CHECK_FIELD(name, rep->organization_name, "Company-X");
}

static void
check_no_ips(const char *name, const struct tlsrpt_report *rep)
{
	const struct tlsrpt_failure_detail *d = rep->policies[0].details;

	if (!CHECKF(rep->policies[0].n_details == 1, "%s: details", name))
		return;
	CHECK_FIELD(name, d->result_type, "validation-failure");
	CHECK_FIELD(name, d->sending_mta_ip, NULL);
	CHECK_FIELD(name, d->receiving_mx_hostname, NULL);
	CHECK_FIELD(name, d->receiving_mx_helo, NULL);
	CHECK_FIELD(name, d->receiving_ip, NULL);
	CHECK_FIELD(name, d->additional_information, NULL);
	CHECK_INT(d->failed_session_count, 4);
}

static void
check_empty_strings_null(const char *name, const struct tlsrpt_report *rep)
{
	const struct tlsrpt_failure_detail *d = rep->policies[0].details;

	CHECK_FIELD(name, rep->contact_info, NULL);
	if (!CHECKF(rep->policies[0].n_details == 1, "%s: details", name))
		return;
	CHECK_FIELD(name, d->sending_mta_ip, NULL);
	CHECK_FIELD(name, d->receiving_mx_hostname, NULL);
	CHECK_FIELD(name, d->receiving_ip, NULL);
}

static void
check_mx_one(const char *name, const struct tlsrpt_report *rep)
{
	static const char *const want[] = { "mx1.company-y.example", NULL };

	check_list(name, "mx_hosts", rep->policies[0].mx_hosts,
	    rep->policies[0].n_mx_hosts, want);
}

static void
check_mx_two(const char *name, const struct tlsrpt_report *rep)
{
	static const char *const want[] = { "mx1.company-y.example",
	    "mx2.company-y.example", NULL };

	check_list(name, "mx_hosts", rep->policies[0].mx_hosts,
	    rep->policies[0].n_mx_hosts, want);
}

static void
check_mx_none(const char *name, const struct tlsrpt_report *rep)
{
	CHECKF(rep->policies[0].n_mx_hosts == 0, "%s: %zu mx hosts", name,
	    rep->policies[0].n_mx_hosts);
	CHECKF(rep->policies[0].n_policy_strings == 0, "%s: %zu policy strings",
	    name, rep->policies[0].n_policy_strings);
}

static void
check_info_uri(const char *name, const struct tlsrpt_report *rep)
{
	const struct tlsrpt_failure_detail *d = rep->policies[0].details;

	if (!CHECKF(rep->policies[0].n_details == 2, "%s: details", name))
		return;
	CHECK_FIELD(name, d[0].additional_information, "https://x.example/1");
	CHECK_FIELD(name, d[1].additional_information, "https://x.example/2");
}

static void
check_error_code(const char *name, const struct tlsrpt_report *rep)
{
	const struct tlsrpt_failure_detail *d = rep->policies[0].details;

	if (!CHECKF(rep->policies[0].n_details == 2, "%s: details", name))
		return;
	CHECK_FIELD(name, d[0].failure_reason_code, "draft-code");
	CHECK_FIELD(name, d[1].failure_reason_code, "rfc-code");
}

static void
check_tlsa_expanded(const char *name, const struct tlsrpt_report *rep)
{
	static const char *const want[] = { "3 1 1 AAAA", "3 1 1 BBBB",
	    "2 0 1 CCCC", NULL };
	const struct tlsrpt_policy *p = &rep->policies[0];

	CHECK_FIELD(name, p->policy_type, "tlsa");
	check_list(name, "policy_strings", p->policy_strings,
	    p->n_policy_strings, want);
}

static void
check_tlsa_verbatim(const char *name, const struct tlsrpt_report *rep)
{
	static const char *const want[] = { "[not json", "[1,2]",
	    "3 1 1 DDDD", NULL };
	const struct tlsrpt_policy *p = &rep->policies[0];

	check_list(name, "policy_strings", p->policy_strings,
	    p->n_policy_strings, want);
}

static void
check_policy_string_scalar(const char *name, const struct tlsrpt_report *rep)
{
	static const char *const want[] = { "version: STSv1", NULL };
	const struct tlsrpt_policy *p = &rep->policies[0];

	check_list(name, "policy_strings", p->policy_strings,
	    p->n_policy_strings, want);
}

static void
check_unknown_kept(const char *name, const struct tlsrpt_report *rep)
{
	const struct tlsrpt_policy *p = &rep->policies[0];

	CHECK_FIELD(name, p->policy_type, "future-policy");
	if (CHECKF(p->n_details == 1, "%s: details", name))
		CHECK_FIELD(name, p->details[0].result_type, "brand-new-failure");
	CHECKF(has_warning(rep, "unknown policy-type \"future-policy\""),
	    "%s: policy-type warning", name);
	CHECKF(has_warning(rep, "unknown result-type \"brand-new-failure\""),
	    "%s: result-type warning", name);
}

static void
check_missing_domain(const char *name, const struct tlsrpt_report *rep)
{
	CHECK_FIELD(name, rep->policies[0].policy_domain, NULL);
}

static void
check_multi(const char *name, const struct tlsrpt_report *rep)
{
	if (!CHECKF(rep->n_policies == 3, "%s: policies", name))
		return;
	CHECK_FIELD(name, rep->policies[0].policy_type, "sts");
	CHECK_FIELD(name, rep->policies[1].policy_type, "tlsa");
	CHECK_FIELD(name, rep->policies[2].policy_type, "no-policy-found");
	CHECK_INT(rep->policies[1].total_successful, 20);
	CHECK_INT(rep->policies[2].total_failure, 7);
}

static void
check_max_count(const char *name, const struct tlsrpt_report *rep)
{
	(void)name;
	CHECK_INT(rep->policies[0].total_successful, TLSRPT_MAX_COUNT);
	CHECK_INT(rep->policies[0].total_failure, 0);
	CHECK_INT(rep->policies[0].details[0].failed_session_count, 0);
}

static void
check_utf8(const char *name, const struct tlsrpt_report *rep)
{
	CHECK_FIELD(name, rep->organization_name, "Soci\xc3\xa9t\xc3\xa9 \xe2\x82\xac");
	CHECK_FIELD(name, rep->report_id, "id \"quoted\"\n\xc3\xa9");
}

static void
check_warnings_capped(const char *name, const struct tlsrpt_report *rep)
{
	CHECKF(has_warning(rep, "further warnings omitted"),
	    "%s: no cap marker", name);
}

static const struct row rows[] = {
	{ "duplicate failure-details: the last one counts (as json-c keeps it)",
	    ONE(STS, SUMMARY("0", "0")
	    DETAILS("{\"result-type\":5}") ",\"failure-details\":null"),
	    T_20160401, T_20160402 - 1, 1, 0, 0, 0, NULL, NULL },
	{ "failure-details of the second policy, keys in any order",
	    HEAD "\"policies\":[{\"policy\":{" STS "}," SUMMARY("1", "0") "},"
	    "{\"failure-details\":[ {\"failed-session-count\":2,\"result-type\":\"x[,]\"} ,"
	    "{\"result-type\":\"dane-required\",\"failed-session-count\":3,"
	    "\"additional-information\":\"a,]}\\\"\"}],"
	    "\"policy\":{" STS "}," SUMMARY("0", "5") "}]}",
	    T_20160401, T_20160402 - 1, 2, 1, 5, 1, "unknown result-type", NULL },
	{ "RFC 8460 example: every field", rfc_example, T_20160401,
	    T_20160402 - 1, 1, 5326, 303, 0, NULL, check_rfc_example },
	{ "timestamps without zone (Microsoft)",
	    "{" ORG RID RANGE("2023-01-10T00:00:00", "2023-01-11T00:00:00")
	    "\"policies\":[{\"policy\":{" STS "}," SUMMARY("1", "0") "}]}",
	    1673308800, 1673308800 + 86400, 1, 1, 0, 0, NULL, NULL },
	{ "fractional seconds and offsets",
	    "{" ORG RID RANGE("2016-04-01T02:00:00.123+02:00", "2016-04-01T23:59:59.999Z")
	    "\"policies\":[{\"policy\":{" STS "}," SUMMARY("1", "0") "}]}",
	    T_20160401, T_20160402 - 1, 1, 1, 0, 0, NULL, NULL },
	{ "contact-info null",
	    "{" ORG "\"contact-info\":null," RID DAY
	    "\"policies\":[{\"policy\":{" STS "}," SUMMARY("1", "0") "}]}",
	    T_20160401, T_20160402 - 1, 1, 1, 0, 0, NULL, check_contact_null },
	{ "contact-info missing",
	    "{" ORG RID DAY
	    "\"policies\":[{\"policy\":{" STS "}," SUMMARY("1", "0") "}]}",
	    T_20160401, T_20160402 - 1, 1, 1, 0, 0, NULL, check_contact_null },
	{ "missing IPs and MX names (Microsoft, Mail.ru)",
	    ONE(STS, SUMMARY("0", "4")
	    DETAILS("{\"result-type\":\"validation-failure\",\"failed-session-count\":4}")),
	    T_20160401, T_20160402 - 1, 1, 0, 4, 0, NULL, check_no_ips },
	{ "empty strings read as absent",
	    "{" ORG "\"contact-info\":\"\"," RID DAY
	    "\"policies\":[{\"policy\":{" STS "}," SUMMARY("0", "1")
	    DETAILS("{\"result-type\":\"dane-required\",\"sending-mta-ip\":\"\","
	    "\"receiving-mx-hostname\":\"\",\"receiving-ip\":\"\","
	    "\"failed-session-count\":1}") "}]}",
	    T_20160401, T_20160402 - 1, 1, 0, 1, 0, NULL, check_empty_strings_null },
	{ "mx-host as a string (RFC example before erratum 6241)",
	    ONE(STS ",\"mx-host\":\"mx1.company-y.example\"", SUMMARY("1", "0")),
	    T_20160401, T_20160402 - 1, 1, 1, 0, 0, NULL, check_mx_one },
	{ "mx-host as an array",
	    ONE(STS ",\"mx-host\":[\"mx1.company-y.example\",\"mx2.company-y.example\"]",
	    SUMMARY("1", "0")),
	    T_20160401, T_20160402 - 1, 1, 1, 0, 0, NULL, check_mx_two },
	{ "\"mx: \" prefix stripped",
	    ONE(STS ",\"mx-host\":[\"mx: mx1.company-y.example\",\"MX:mx2.company-y.example\"]",
	    SUMMARY("1", "0")),
	    T_20160401, T_20160402 - 1, 1, 1, 0, 0, NULL, check_mx_two },
	{ "mx-host-pattern spelling",
	    ONE(STS ",\"mx-host-pattern\":\"mx1.company-y.example\"", SUMMARY("1", "0")),
	    T_20160401, T_20160402 - 1, 1, 1, 0, 0, NULL, check_mx_one },
	{ "mx-host and policy-string empty or missing",
	    ONE(STS ",\"mx-host\":[\"\",\"mx: \"],\"policy-string\":[]", SUMMARY("1", "0")),
	    T_20160401, T_20160402 - 1, 1, 1, 0, 0, NULL, check_mx_none },
	{ "policy-string as a single string",
	    ONE(STS ",\"policy-string\":\"version: STSv1\"", SUMMARY("1", "0")),
	    T_20160401, T_20160402 - 1, 1, 1, 0, 0, NULL, check_policy_string_scalar },
	{ "additional-info-uri spelling",
	    ONE(STS, SUMMARY("0", "2")
	    DETAILS("{\"result-type\":\"certificate-expired\",\"failed-session-count\":1,"
	    "\"additional-info-uri\":\"https://x.example/1\"},"
	    "{\"result-type\":\"certificate-expired\",\"failed-session-count\":1,"
	    "\"additional-information\":\"https://x.example/2\"}")),
	    T_20160401, T_20160402 - 1, 1, 0, 2, 0, NULL, check_info_uri },
	{ "failure-error-code draft spelling",
	    ONE(STS, SUMMARY("0", "2")
	    DETAILS("{\"result-type\":\"validation-failure\",\"failed-session-count\":1,"
	    "\"failure-error-code\":\"draft-code\"},"
	    "{\"result-type\":\"validation-failure\",\"failed-session-count\":1,"
	    "\"failure-reason-code\":\"rfc-code\"}")),
	    T_20160401, T_20160402 - 1, 1, 0, 2, 0, NULL, check_error_code },
	{ "Microsoft TLSA policy-string: one string holding a JSON array",
	    ONE("\"policy-type\":\"tlsa\",\"policy-domain\":\"company-y.example\","
	    "\"policy-string\":[\"[\\\"3 1 1 AAAA\\\",\\\"3 1 1 BBBB\\\"]\",\"2 0 1 CCCC\"]",
	    SUMMARY("9", "0")),
	    T_20160401, T_20160402 - 1, 1, 9, 0, 0, NULL, check_tlsa_expanded },
	{ "bracketed policy-strings that are not string arrays kept verbatim",
	    ONE("\"policy-type\":\"tlsa\",\"policy-domain\":\"company-y.example\","
	    "\"policy-string\":[\"[not json\",\"[1,2]\",\"3 1 1 DDDD\"]",
	    SUMMARY("9", "0")),
	    T_20160401, T_20160402 - 1, 1, 9, 0, 0, NULL, check_tlsa_verbatim },
	{ "unknown policy-type and result-type kept with warnings",
	    ONE("\"policy-type\":\"future-policy\",\"policy-domain\":\"company-y.example\"",
	    SUMMARY("0", "1")
	    DETAILS("{\"result-type\":\"brand-new-failure\",\"failed-session-count\":1}")),
	    T_20160401, T_20160402 - 1, 1, 0, 1, 2, NULL, check_unknown_kept },
	{ "failure-detail sum mismatch is a warning (Mail.ru)",
	    ONE(STS, SUMMARY("10", "50")
	    DETAILS("{\"result-type\":\"starttls-not-supported\",\"failed-session-count\":7},"
	    "{\"result-type\":\"sts-policy-fetch-error\",\"failed-session-count\":3}")),
	    T_20160401, T_20160402 - 1, 1, 10, 50, 1,
	    "failure-details add up to 10 sessions, summary says 50", NULL },
	{ "end before start is a warning",
	    "{" ORG RID RANGE("2016-04-02T00:00:00Z", "2016-04-01T00:00:00Z")
	    "\"policies\":[{\"policy\":{" STS "}," SUMMARY("1", "0") "}]}",
	    T_20160402, T_20160401, 1, 1, 0, 1, "date-range ends before it starts", NULL },
	{ "missing policy-domain is a warning",
	    ONE("\"policy-type\":\"no-policy-found\"", SUMMARY("3", "0")),
	    T_20160401, T_20160402 - 1, 1, 3, 0, 1, "policies[0]: policy-domain missing",
	    check_missing_domain },
	{ "missing summary counts are warnings, taken as 0",
	    ONE(STS, "\"summary\":{}"),
	    T_20160401, T_20160402 - 1, 1, 0, 0, 2,
	    "policies[0].summary: total-successful-session-count missing, taken as 0", NULL },
	{ "no policies is a warning",
	    HEAD "\"policies\":[]}",
	    T_20160401, T_20160402 - 1, 0, 0, 0, 1, "report has no policies", NULL },
	{ "totals summed across policies",
	    HEAD "\"policies\":["
	    "{\"policy\":{" STS "}," SUMMARY("100", "5")
	    DETAILS("{\"result-type\":\"certificate-expired\",\"failed-session-count\":5}") "},"
	    "{\"policy\":{\"policy-type\":\"tlsa\",\"policy-domain\":\"b.example\"},"
	    SUMMARY("20", "0") "},"
	    "{\"policy\":{\"policy-type\":\"no-policy-found\",\"policy-domain\":\"c.example\"},"
	    SUMMARY("3", "7") "}]}",
	    T_20160401, T_20160402 - 1, 3, 123, 12, 0, NULL, check_multi },
	{ "counts 0 and 2^53 accepted",
	    ONE(STS, SUMMARY("9007199254740992", "0")
	    DETAILS("{\"result-type\":\"certificate-expired\",\"failed-session-count\":0}")),
	    T_20160401, T_20160402 - 1, 1, TLSRPT_MAX_COUNT, 0, 0, NULL, check_max_count },
	{ "2^53 in two policies: the total saturates, never wraps",
	    HEAD "\"policies\":["
	    "{\"policy\":{" STS "}," SUMMARY("9007199254740992", "9007199254740992") "},"
	    "{\"policy\":{" STS "}," SUMMARY("9007199254740992", "1") "}]}",
	    T_20160401, T_20160402 - 1, 2, 2 * TLSRPT_MAX_COUNT,
	    TLSRPT_MAX_COUNT + 1, 0, NULL, NULL },
	{ "UTF-8 and escapes in strings",
	    "{\"organization-name\":\"Soci\xc3\xa9t\\u00e9 \\u20ac\","
	    "\"report-id\":\"id \\\"quoted\\\"\\n\xc3\xa9\"," DAY
	    "\"policies\":[{\"policy\":{" STS "}," SUMMARY("1", "0") "}]}",
	    T_20160401, T_20160402 - 1, 1, 1, 0, 0, NULL, check_utf8 },
	{ "unknown members ignored",
	    "{" ORG RID DAY "\"x-extension\":{\"a\":[1,2,3]},"
	    "\"policies\":[{\"x\":1,\"policy\":{" STS ",\"y\":true}," SUMMARY("1", "0") "}]}",
	    T_20160401, T_20160402 - 1, 1, 1, 0, 0, NULL, NULL },
	{ "warnings capped",
	    HEAD "\"policies\":["
	    "{\"policy\":{\"policy-type\":\"p1\"}," SUMMARY("0", "0") "},"
	    "{\"policy\":{\"policy-type\":\"p2\"}," SUMMARY("0", "0") "},"
	    "{\"policy\":{\"policy-type\":\"p3\"}," SUMMARY("0", "0") "},"
	    "{\"policy\":{\"policy-type\":\"p4\"}," SUMMARY("0", "0") "},"
	    "{\"policy\":{\"policy-type\":\"p5\"}," SUMMARY("0", "0") "},"
	    "{\"policy\":{\"policy-type\":\"p6\"}," SUMMARY("0", "0") "},"
	    "{\"policy\":{\"policy-type\":\"p7\"}," SUMMARY("0", "0") "},"
	    "{\"policy\":{\"policy-type\":\"p8\"}," SUMMARY("0", "0") "},"
	    "{\"policy\":{\"policy-type\":\"p9\"}," SUMMARY("0", "0") "},"
	    "{\"policy\":{\"policy-type\":\"p10\"}," SUMMARY("0", "0") "},"
	    "{\"policy\":{\"policy-type\":\"p11\"}," SUMMARY("0", "0") "},"
	    "{\"policy\":{\"policy-type\":\"p12\"}," SUMMARY("0", "0") "},"
	    "{\"policy\":{\"policy-type\":\"p13\"}," SUMMARY("0", "0") "},"
	    "{\"policy\":{\"policy-type\":\"p14\"}," SUMMARY("0", "0") "},"
	    "{\"policy\":{\"policy-type\":\"p15\"}," SUMMARY("0", "0") "},"
	    "{\"policy\":{\"policy-type\":\"p16\"}," SUMMARY("0", "0") "},"
	    "{\"policy\":{\"policy-type\":\"p17\"}," SUMMARY("0", "0") "}]}",
	    T_20160401, T_20160402 - 1, 17, 0, 0, 33, "further warnings omitted",
	    check_warnings_capped },
};

/* Errors report_from_json itself returns, with the JSON path. */
struct err_row {
	const char *name;
	const char *json;
	enum tlsrpt_errcode code;
	const char *msg;
};

static const struct err_row err_rows[] = {
	{ "top level array", "[1]", TLSRPT_E_SCHEMA,
	    "report: top level must be an object, got array" },
	{ "count 2^53+1", ONE(STS, SUMMARY("9007199254740993", "0")), TLSRPT_E_SCHEMA,
	    "report: policies[0].summary.total-successful-session-count: count out of range" },
	{ "negative failed-session-count",
	    ONE(STS, SUMMARY("0", "1")
	    DETAILS("{\"result-type\":\"certificate-expired\",\"failed-session-count\":-1}")),
	    TLSRPT_E_SCHEMA,
	    "report: policies[0].failure-details[0].failed-session-count: negative count -1" },
	{ "second detail's result-type a number",
	    ONE(STS, SUMMARY("0", "2")
	    DETAILS("{\"result-type\":\"certificate-expired\",\"failed-session-count\":1},"
	    "{\"result-type\":5,\"failed-session-count\":1}")),
	    TLSRPT_E_SCHEMA,
	    "report: policies[0].failure-details[1].result-type: must be a string, got int" },
	{ "second policy's policy-type missing",
	    HEAD "\"policies\":[{\"policy\":{" STS "}," SUMMARY("1", "0") "},"
	    "{\"policy\":{}," SUMMARY("1", "0") "}]}",
	    TLSRPT_E_SCHEMA, "report: policies[1].policy.policy-type: missing" },
	{ "empty organization-name", "{\"organization-name\":\"\"," RID DAY
	    "\"policies\":[]}", TLSRPT_E_SCHEMA, "report: organization-name: empty" },
	{ "end-datetime a number", "{" ORG RID
	    "\"date-range\":{\"start-datetime\":\"2016-04-01T00:00:00Z\",\"end-datetime\":1},"
	    "\"policies\":[]}", TLSRPT_E_SCHEMA,
	    "report: date-range.end-datetime: must be a string, got int" },
	{ "failure-details not an array", ONE(STS, SUMMARY("0", "0")
	    ",\"failure-details\":{}"), TLSRPT_E_SCHEMA,
	    "report: policies[0].failure-details: must be an array, got object" },
	{ "policy-string element not a string",
	    ONE(STS ",\"policy-string\":[1]", SUMMARY("0", "0")), TLSRPT_E_SCHEMA,
	    "report: policies[0].policy.policy-string: must be a string, got int" },
	/* failure-details arrays are parsed element by element (json_details.c) */
	{ "failure-details trailing comma", ONE(STS, SUMMARY("0", "1")
	    DETAILS("{\"result-type\":\"dane-required\",\"failed-session-count\":1},")),
	    TLSRPT_E_JSON, "json: unexpected character at byte" },
	{ "failure-details empty element", ONE(STS, SUMMARY("0", "1")
	    DETAILS("{\"result-type\":\"dane-required\",\"failed-session-count\":1},,"
	    "{\"result-type\":\"dane-required\",\"failed-session-count\":1}")),
	    TLSRPT_E_JSON, "json: unexpected character at byte" },
	{ "failure-details element with trailing garbage", ONE(STS, SUMMARY("0", "1")
	    DETAILS("{\"result-type\":\"dane-required\",\"failed-session-count\":1} 2")),
	    TLSRPT_E_JSON, "json: unexpected character at byte" },
	{ "failure-details element not an object", ONE(STS, SUMMARY("0", "1")
	    DETAILS("{\"result-type\":\"dane-required\",\"failed-session-count\":1},[]")),
	    TLSRPT_E_SCHEMA, "report: policies[0].failure-details[1]: must be an object, got array" },
	{ "escaped failure-details key is the same key", ONE(STS, SUMMARY("0", "1")
	    ",\"failure\\u002ddetails\":[{\"result-type\":5,\"failed-session-count\":1}]"),
	    TLSRPT_E_SCHEMA,
	    "report: policies[0].failure-details[0].result-type: must be a string, got int" },
	{ "prescan error surfaces", "{'a':1}", TLSRPT_E_JSON, "single-quoted" },
	{ "json-c grammar error", "{\"a\" 1}", TLSRPT_E_JSON, "json: " },
	{ "truncated object", "{\"a\":", TLSRPT_E_JSON, "json: " },
};

int
main(void)
{
	struct tlsrpt_limits lim;
	size_t i;

	tlsrpt_limits_default(&lim);
	for (i = 0; i < N(rows); i++) {
		const struct row *r = &rows[i];
		struct arena *a = arena_new();
		struct tlsrpt_report rep;
		struct tlsrpt_error err;
		enum tlsrpt_errcode code;
		size_t k;

		memset(&rep, 0, sizeof(rep));
		memset(&err, 0, sizeof(err));
		code = report_from_json(r->json, strlen(r->json), &lim, a, &rep, &err);
		if (!CHECKF(code == TLSRPT_OK, "%s: code %d (%s)", r->name, code,
		    err.message)) {
			arena_free(a);
			continue;
		}
		CHECKF((long long)rep.start == r->start, "%s: start %lld, want %lld",
		    r->name, (long long)rep.start, r->start);
		CHECKF((long long)rep.end == r->end, "%s: end %lld, want %lld",
		    r->name, (long long)rep.end, r->end);
		CHECKF(rep.n_policies == r->n_policies, "%s: %zu policies, want %zu",
		    r->name, rep.n_policies, r->n_policies);
		CHECKF(rep.total_successful == r->total_s,
		    "%s: total_successful %lld, want %lld", r->name,
		    (long long)rep.total_successful, r->total_s);
		CHECKF(rep.total_failure == r->total_f,
		    "%s: total_failure %lld, want %lld", r->name,
		    (long long)rep.total_failure, r->total_f);
		CHECKF(rep.n_warnings == r->n_warnings, "%s: %zu warnings, want %zu%s%s",
		    r->name, rep.n_warnings, r->n_warnings,
		    rep.n_warnings > 0 ? "; first: " : "",
		    rep.n_warnings > 0 ? rep.warnings[0] : "");
		if (r->warning != NULL)
			CHECKF(has_warning(&rep, r->warning), "%s: no warning \"%s\"",
			    r->name, r->warning);
		CHECKF(rep.organization_name != NULL && rep.report_id != NULL,
		    "%s: required strings NULL", r->name);
		for (k = 0; k < rep.n_policies; k++)
			CHECKF(rep.policies[k].policy_type != NULL,
			    "%s: policy %zu type NULL", r->name, k);
		if (r->check != NULL && rep.n_policies > 0)
			r->check(r->name, &rep);
		else if (r->check != NULL)
			CHECKF(0, "%s: no policy to check", r->name);
		arena_free(a);
	}

	for (i = 0; i < N(err_rows); i++) {
		const struct err_row *r = &err_rows[i];
		struct arena *a = arena_new();
		struct tlsrpt_report rep;
		struct tlsrpt_error err;
		enum tlsrpt_errcode code;

		memset(&rep, 0, sizeof(rep));
		memset(&err, 0, sizeof(err));
		code = report_from_json(r->json, strlen(r->json), &lim, a, &rep, &err);
		CHECKF(code == r->code, "%s: code %d, want %d (%s)", r->name, code,
		    r->code, err.message);
		CHECKF(strstr(err.message, r->msg) != NULL,
		    "%s: message \"%s\" lacks \"%s\"", r->name, err.message, r->msg);
		arena_free(a);
	}

	/* report_add_warning formats into the arena. */
	{
		struct arena *a = arena_new();
		struct tlsrpt_report rep;

		memset(&rep, 0, sizeof(rep));
		CHECK(report_add_warning(a, &rep, "w %d %s", 7, "x") == 0);
		CHECK_INT(rep.n_warnings, 1);
		CHECK_STR(rep.warnings[0], "w 7 x");
		arena_free(a);
	}
	return test_summary("test_report_json");
}
