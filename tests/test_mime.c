/*
 * test_mime.c - tlsrpt_parse() over the MIME fixtures in tests/fixtures/,
 * plus a few messages built in memory.
 *
 * Each table row names a fixture and what must come out: the reports (part
 * index, organization, report-id, totals, report warnings) and the
 * message-level warnings, or for the negative cases the error code and a
 * piece of its message.
 */
#include "testlib.h"
#include "tlsrpt.h"

#include <stdlib.h>
#include <string.h>

#define MAX_REPS	2

struct rep_expect {
	unsigned part_index;
	const char *org;
	const char *report_id;
	long long successful, failed;
	size_t n_warnings;		/* report-level warnings */
};

struct mime_case {
	const char *file;
	enum tlsrpt_errcode code;
	const char *error_has;		/* error message substring */
	size_t n_reports;
	size_t n_msg_warnings;		/* tlsrpt_result warnings */
	const char *msg_warning_has;	/* substring of the first one */
	struct rep_expect reps[MAX_REPS];
};

#define GOOGLE_REP { 2, "Google Inc.", "2024-03-01T00:00:00Z_example.net", 342, 0, 0 }

static const struct mime_case cases[] = {
	{ "mime-google.eml", TLSRPT_OK, NULL, 1, 0, NULL, { GOOGLE_REP } },
	{ "mime-microsoft.eml", TLSRPT_OK, NULL, 1, 0, NULL,
	    { { 2, "Microsoft Corporation", "133537248000000010+example.net",
	    25, 6, 0 } } },
	{ "mime-tlsrpt-json.eml", TLSRPT_OK, NULL, 1, 0, NULL,
	    { { 2, "Example Org Reporter", "fx-tlsrpt-json-0001", 21, 0, 0 } } },
	{ "mime-tlsrpt-bare.eml", TLSRPT_OK, NULL, 1, 0, NULL,
	    { { 2, "Example Org Reporter", "fx-tlsrpt-bare-0001", 22, 0, 0 } } },
	{ "mime-qp-json.eml", TLSRPT_OK, NULL, 1, 0, NULL,
	    { { 2, "QP Reporter", "fx-qp-0001", 23, 1, 0 } } },
	{ "mime-gzip.eml", TLSRPT_OK, NULL, 1, 0, NULL,
	    { { 2, "Gzip Label Reporter", "fx-app-gzip-0001", 24, 0, 0 } } },
	{ "mime-x-gzip.eml", TLSRPT_OK, NULL, 1, 0, NULL,
	    { { 2, "X-Gzip Reporter", "fx-x-gzip-0001", 25, 0, 0 } } },
	{ "mime-json.eml", TLSRPT_OK, NULL, 1, 0, NULL,
	    { { 2, "JSON Label Reporter", "fx-app-json-0001", 26, 0, 0 } } },
	{ "mime-octet-desc.eml", TLSRPT_OK, NULL, 1, 0, NULL,
	    { { 2, "Octet Desc Reporter", "fx-octet-desc-0001", 27, 0, 0 } } },
	{ "mime-octet-noname.eml", TLSRPT_OK, NULL, 1, 0, NULL,
	    { { 2, "Octet Sniff Reporter", "fx-octet-noname-0001", 28, 0, 0 } } },
	{ "mime-no-close-boundary.eml", TLSRPT_OK, NULL, 1, 0, NULL,
	    { { 2, "Mail.example",
	    "5c2f7a90-1d3e-4b6a-8f00-6d1c2b3a4e5f@example.org", 0, 1, 1 } } },
	{ "mime-forwarded.eml", TLSRPT_OK, NULL, 1, 0, NULL,
	    { { 3, "Google Inc.", "2024-03-01T00:00:00Z_example.net", 342, 0, 0 } } },
	{ "mime-two-reports.eml", TLSRPT_OK, NULL, 2, 0, NULL,
	    { { 2, "Two Part Reporter", "fx-two-a-0001", 31, 2, 0 },
	      { 3, "Two Part Reporter", "fx-two-b-0001", 32, 0, 0 } } },
	{ "mime-second-corrupt.eml", TLSRPT_OK, NULL, 1, 1,
	    "part 3 (application/tlsrpt+gzip): inflate: truncated input",
	    { { 2, "Half Broken Reporter", "fx-corrupt-a-0001", 33, 0, 0 } } },
	{ "mime-mbox.eml", TLSRPT_OK, NULL, 1, 0, NULL, { GOOGLE_REP } },
	{ "mime-dmarc-only.eml", TLSRPT_E_NO_REPORT, "no TLS-RPT report part",
	    0, 0, NULL, { { 0 } } },
	{ "mime-mixed.eml", TLSRPT_OK, NULL, 1, 0, NULL,
	    { { 2, "Mixed Reporter", "fx-mixed-0001", 35, 0, 0 } } },
	{ "mime-gzip-members.eml", TLSRPT_OK, NULL, 1, 0, NULL,
	    { { 2, "Two Member Reporter", "fx-members-0001", 36, 1, 0 } } },
};

static char *
fixture(const char *name, size_t *len_r)
{
	char path[256];

	snprintf(path, sizeof(path), "tests/fixtures/%s", name);
	return test_read_file(path, len_r);
}

static void
check_case(const struct mime_case *c)
{
	struct tlsrpt_result *res = NULL;
	struct tlsrpt_error err;
	enum tlsrpt_errcode code;
	size_t len, i;
	char *data;

	if (!CHECKF((data = fixture(c->file, &len)) != NULL,
	    "%s: cannot read fixture", c->file))
		return;
	memset(&err, 0, sizeof(err));
	code = tlsrpt_parse(data, len, NULL, &res, &err);
	CHECKF(code == c->code, "%s: code %s (%s), want %s", c->file,
	    tlsrpt_errcode_name(code), code != TLSRPT_OK ? err.message : "",
	    tlsrpt_errcode_name(c->code));
	if (c->code != TLSRPT_OK) {
		CHECKF(res == NULL, "%s: result set on error", c->file);
		CHECK_INT(err.code, c->code);
		CHECK_CONTAINS(err.message, c->error_has);
	} else if (CHECKF(res != NULL, "%s: no result", c->file)) {
		CHECKF(res->n_reports == c->n_reports, "%s: %zu reports, want %zu",
		    c->file, res->n_reports, c->n_reports);
		CHECKF(res->n_warnings == c->n_msg_warnings,
		    "%s: %zu message warnings, want %zu", c->file,
		    res->n_warnings, c->n_msg_warnings);
		CHECKF(res->failed_parts == c->n_msg_warnings,
		    "%s: %u failed parts, want %zu", c->file, res->failed_parts,
		    c->n_msg_warnings);
		if (c->msg_warning_has != NULL && res->n_warnings > 0)
			CHECK_CONTAINS(res->warnings[0], c->msg_warning_has);
		for (i = 0; i < res->n_reports && i < c->n_reports && i < MAX_REPS;
		    i++) {
			const struct tlsrpt_report *r = &res->reports[i];
			const struct rep_expect *e = &c->reps[i];

			CHECKF(r->part_index == e->part_index,
			    "%s[%zu]: part_index %u, want %u", c->file, i,
			    r->part_index, e->part_index);
			CHECK_STR(r->organization_name, e->org);
			CHECK_STR(r->report_id, e->report_id);
			CHECKF(r->total_successful == e->successful,
			    "%s[%zu]: %lld successful, want %lld", c->file, i,
			    (long long)r->total_successful, e->successful);
			CHECKF(r->total_failure == e->failed,
			    "%s[%zu]: %lld failed, want %lld", c->file, i,
			    (long long)r->total_failure, e->failed);
			CHECKF(r->n_warnings == e->n_warnings,
			    "%s[%zu]: %zu warnings, want %zu", c->file, i,
			    r->n_warnings, e->n_warnings);
			CHECK(r->source != NULL &&
			    strncmp(r->source, "part ", 5) == 0);
		}
	}
	tlsrpt_result_free(res);
	free(data);
}

/* A few details the table does not cover. */
static void
check_details(void)
{
	struct tlsrpt_result *res = NULL;
	struct tlsrpt_error err;
	size_t len;
	char *data;

	/* Microsoft: zone-less times read as UTC, fetch error kept. */
	if ((data = fixture("mime-microsoft.eml", &len)) != NULL &&
	    CHECK(tlsrpt_parse(data, len, NULL, &res, &err) == TLSRPT_OK)) {
		const struct tlsrpt_report *r = &res->reports[0];

		CHECK_INT(r->start, 1709251200);
		CHECK_INT(r->end, 1709337599);
		CHECK_STR(r->source, "part 2 (application/tlsrpt+gzip)");
		CHECK_STR(r->contact_info, "tlsrpt-noreply@microsoft.com");
		if (CHECK(r->n_policies == 1 && r->policies[0].n_details == 1)) {
			const struct tlsrpt_failure_detail *d =
			    &r->policies[0].details[0];

			CHECK_STR(d->result_type, "sts-policy-fetch-error");
			CHECK(d->sending_mta_ip == NULL);
			CHECK(d->receiving_mx_hostname == NULL);
			CHECK_INT(d->failed_session_count, 6);
		}
		tlsrpt_result_free(res);
	}
	free(data);

	/* Google: mx-host array kept in order. */
	if ((data = fixture("mime-google.eml", &len)) != NULL &&
	    CHECK(tlsrpt_parse(data, len, NULL, &res, &err) == TLSRPT_OK)) {
		const struct tlsrpt_policy *p = &res->reports[0].policies[0];

		if (CHECK(p->n_mx_hosts == 2)) {
			CHECK_STR(p->mx_hosts[0], "mx1.example.net");
			CHECK_STR(p->mx_hosts[1], "mx2.example.net");
		}
		CHECK_INT(p->n_policy_strings, 5);
		CHECK_INT(p->n_details, 0);
		tlsrpt_result_free(res);
	}
	free(data);

	/* QP: the '=' signs in additional-information survive decoding. */
	if ((data = fixture("mime-qp-json.eml", &len)) != NULL &&
	    CHECK(tlsrpt_parse(data, len, NULL, &res, &err) == TLSRPT_OK)) {
		const struct tlsrpt_policy *p = &res->reports[0].policies[0];

		if (CHECK(p->n_details == 1))
			CHECK_STR(p->details[0].additional_information,
			    "https://tlsrpt.example.org/detail?id=0001&view=full");
		tlsrpt_result_free(res);
	}
	free(data);
}

/* ---------------------------------------------------------- in memory */

static const char google_json[] =
    "{\"organization-name\":\"Google Inc.\",\"date-range\":{"
    "\"start-datetime\":\"2024-03-04T00:00:00Z\","
    "\"end-datetime\":\"2024-03-04T23:59:59Z\"},"
    "\"contact-info\":\"smtp-tls-reporting@google.com\","
    "\"report-id\":\"2024-03-04T00:00:00Z_example.net\",\"policies\":[{"
    "\"policy\":{\"policy-type\":\"sts\",\"policy-string\":["
    "\"version: STSv1\",\"mode: enforce\",\"mx: mx1.example.net\","
    "\"max_age: 86400\"],\"policy-domain\":\"example.net\","
    "\"mx-host\":[\"mx1.example.net\"]},\"summary\":{"
    "\"total-successful-session-count\":77,"
    "\"total-failure-session-count\":1},\"failure-details\":[{"
    "\"result-type\":\"certificate-expired\","
    "\"sending-mta-ip\":\"198.51.100.9\","
    "\"receiving-mx-hostname\":\"mx1.example.net\","
    "\"failed-session-count\":1}]}]}";

/* A Google-style message with EOL line ends around a base64 BODY. */
static char *
google_message(const char *eol, const char *body)
{
	static const char *const head[] = {
		"From: <noreply-smtp-tls-reporting@google.com>",
		"To: <tlsrpt@example.net>",
		"Subject: Report Domain: example.net Submitter: google.com "
		    "Report-ID: <2024.03.04T00.00.00Z+example.net@google.com>",
		"TLS-Report-Domain: example.net",
		"TLS-Report-Submitter: google.com",
		"MIME-Version: 1.0",
		"Content-Type: multipart/report; boundary=\"b0undary\"; "
		    "report-type=tlsrpt",
		"",
		"--b0undary",
		"Content-Type: text/plain; charset=\"UTF-8\"",
		"",
		"This is an aggregate TLS report from google.com",
		"",
		"--b0undary",
		"Content-Type: application/tlsrpt+gzip; ",
		"\tname=\"google.com!example.net!1709510400!1709596799!001.json.gz\"",
		"Content-Disposition: attachment; ",
		"\tfilename=\"google.com!example.net!1709510400!1709596799!001.json.gz\"",
		"Content-Transfer-Encoding: base64",
		"",
		NULL
	};
	size_t i, size = strlen(body) + 64;
	char *msg;

	for (i = 0; head[i] != NULL; i++)
		size += strlen(head[i]) + strlen(eol);
	if ((msg = malloc(size)) == NULL)
		return NULL;
	msg[0] = '\0';
	for (i = 0; head[i] != NULL; i++) {
		strcat(msg, head[i]);
		strcat(msg, eol);
	}
	strcat(msg, body);
	strcat(msg, "--b0undary--");
	strcat(msg, eol);
	return msg;
}

/* gzip + base64 of the Google JSON with EOL line ends. */
static char *
google_body(const char *eol)
{
	unsigned char *gz;
	size_t gz_len;
	char *b64;

	if ((gz = test_gzip(google_json, strlen(google_json), &gz_len)) == NULL)
		return NULL;
	b64 = test_base64(gz, gz_len, eol);
	free(gz);
	return b64;
}

static int
same_str(const char *a, const char *b)
{
	return (a == NULL && b == NULL) ||
	    (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static int
same_list(const char **a, size_t na, const char **b, size_t nb)
{
	size_t i;

	if (na != nb)
		return 0;
	for (i = 0; i < na; i++)
		if (!same_str(a[i], b[i]))
			return 0;
	return 1;
}

/* Field-by-field equality of two reports. */
static int
same_report(const struct tlsrpt_report *a, const struct tlsrpt_report *b)
{
	size_t p, d;

	if (!same_str(a->source, b->source) || a->part_index != b->part_index ||
	    !same_str(a->organization_name, b->organization_name) ||
	    !same_str(a->contact_info, b->contact_info) ||
	    !same_str(a->report_id, b->report_id) || a->start != b->start ||
	    a->end != b->end || a->n_policies != b->n_policies ||
	    a->total_successful != b->total_successful ||
	    a->total_failure != b->total_failure ||
	    !same_list(a->warnings, a->n_warnings, b->warnings, b->n_warnings))
		return 0;
	for (p = 0; p < a->n_policies; p++) {
		const struct tlsrpt_policy *x = &a->policies[p], *y = &b->policies[p];

		if (!same_str(x->policy_type, y->policy_type) ||
		    !same_str(x->policy_domain, y->policy_domain) ||
		    !same_list(x->policy_strings, x->n_policy_strings,
		    y->policy_strings, y->n_policy_strings) ||
		    !same_list(x->mx_hosts, x->n_mx_hosts, y->mx_hosts,
		    y->n_mx_hosts) ||
		    x->total_successful != y->total_successful ||
		    x->total_failure != y->total_failure ||
		    x->n_details != y->n_details)
			return 0;
		for (d = 0; d < x->n_details; d++) {
			const struct tlsrpt_failure_detail *u = &x->details[d],
			    *v = &y->details[d];

			if (!same_str(u->result_type, v->result_type) ||
			    !same_str(u->sending_mta_ip, v->sending_mta_ip) ||
			    !same_str(u->receiving_mx_hostname,
			    v->receiving_mx_hostname) ||
			    !same_str(u->receiving_mx_helo, v->receiving_mx_helo) ||
			    !same_str(u->receiving_ip, v->receiving_ip) ||
			    !same_str(u->additional_information,
			    v->additional_information) ||
			    !same_str(u->failure_reason_code,
			    v->failure_reason_code) ||
			    u->failed_session_count != v->failed_session_count)
				return 0;
		}
	}
	return 1;
}

static void
check_same_results(const char *what, const char *a, size_t alen,
    const char *b, size_t blen)
{
	struct tlsrpt_result *ra = NULL, *rb = NULL;
	struct tlsrpt_error ea, eb;
	enum tlsrpt_errcode ca, cb;
	size_t i;

	ca = tlsrpt_parse(a, alen, NULL, &ra, &ea);
	cb = tlsrpt_parse(b, blen, NULL, &rb, &eb);
	CHECKF(ca == TLSRPT_OK, "%s (first): %s", what,
	    ca == TLSRPT_OK ? "" : ea.message);
	CHECKF(cb == TLSRPT_OK, "%s (second): %s", what,
	    cb == TLSRPT_OK ? "" : eb.message);
	if (ra != NULL && rb != NULL &&
	    CHECKF(ra->n_reports == rb->n_reports && ra->n_reports == 1,
	    "%s: %zu vs %zu reports", what, ra->n_reports, rb->n_reports)) {
		for (i = 0; i < ra->n_reports; i++)
			CHECKF(same_report(&ra->reports[i], &rb->reports[i]),
			    "%s: report %zu differs", what, i);
		CHECK_INT(ra->n_warnings, rb->n_warnings);
	}
	tlsrpt_result_free(ra);
	tlsrpt_result_free(rb);
}

/* The same Google-style message, LF and CRLF, gives the same report. */
static void
check_lf_crlf(void)
{
	struct tlsrpt_result *res = NULL;
	struct tlsrpt_error err;
	char *body_lf = google_body("\n"), *body_crlf = google_body("\r\n");
	char *lf = NULL, *crlf = NULL, *file, *conv;
	size_t len, i, o;

	if (CHECK(body_lf != NULL && body_crlf != NULL)) {
		lf = google_message("\n", body_lf);
		crlf = google_message("\r\n", body_crlf);
	}
	if (CHECK(lf != NULL && crlf != NULL)) {
		CHECK(strchr(lf, '\r') == NULL);
		check_same_results("LF vs CRLF", lf, strlen(lf), crlf,
		    strlen(crlf));
		if (CHECK(tlsrpt_parse(crlf, strlen(crlf), NULL, &res, &err) ==
		    TLSRPT_OK)) {
			const struct tlsrpt_report *r = &res->reports[0];

			CHECK_INT(r->part_index, 2);
			CHECK_STR(r->report_id, "2024-03-04T00:00:00Z_example.net");
			CHECK_INT(r->total_successful, 77);
			CHECK_INT(r->total_failure, 1);
			CHECK_INT(r->start, 1709510400);
			tlsrpt_result_free(res);
		}
	}
	free(lf);
	free(crlf);
	free(body_lf);
	free(body_crlf);

	/* And the CRLF fixture against its own LF conversion. */
	if ((file = fixture("mime-google.eml", &len)) == NULL)
		return;
	CHECK(memchr(file, '\r', len) != NULL);
	if (CHECK((conv = malloc(len + 1)) != NULL)) {
		for (i = o = 0; i < len; i++)
			if (!(file[i] == '\r' && i + 1 < len && file[i + 1] == '\n'))
				conv[o++] = file[i];
		check_same_results("mime-google.eml CRLF vs LF", file, len, conv, o);
		free(conv);
	}
	free(file);
}

/* One bad character in the base64 body names the part and the encoding. */
static void
check_bad_base64(void)
{
	struct tlsrpt_result *res = NULL;
	struct tlsrpt_error err;
	enum tlsrpt_errcode code;
	char *body = google_body("\n"), *msg = NULL;

	if (!CHECK(body != NULL && strlen(body) > 40))
		goto out;
	body[30] = '*';
	if (!CHECK((msg = google_message("\n", body)) != NULL))
		goto out;
	memset(&err, 0, sizeof(err));
	code = tlsrpt_parse(msg, strlen(msg), NULL, &res, &err);
	CHECK_INT(code, TLSRPT_E_MIME);
	CHECK(res == NULL);
	CHECK_CONTAINS(err.message, "part 2 (application/tlsrpt+gzip)");
	CHECK_CONTAINS(err.message, "base64");
	CHECK_CONTAINS(err.message, "0x2a");
	tlsrpt_result_free(res);
out:
	free(msg);
	free(body);
}


/* ------------------------------------------- only a report (RFC 8460 5.3) */

#define REPORT_PART "Content-Type: application/tlsrpt+json\n" \
	"Content-Disposition: attachment; filename=\"r.json\"\n\n%s\n"
#define TEXT_PART "Content-Type: text/plain; charset=us-ascii\n\n" \
	"This is an aggregate TLS report.\n"
#define HTML_PART "Content-Type: text/html; charset=us-ascii\n\n" \
	"<html><body>An aggregate TLS report.</body></html>\n"
#define REPORT_TYPE "multipart/report; report-type=tlsrpt; boundary=B"

struct shape_case {
	const char *name;
	const char *content_type;	/* the top level's */
	const char *parts[5];		/* each with its headers; %s: the JSON */
	const char *want;		/* not_only_report substring, NULL: only a report */
};

static const struct shape_case shape_cases[] = {
	{ "text/plain and the report", REPORT_TYPE,
	    { TEXT_PART, REPORT_PART }, NULL },
	{ "text/html and the report (newer Microsoft)", REPORT_TYPE,
	    { HTML_PART, REPORT_PART }, NULL },
	{ "the report alone", REPORT_TYPE, { REPORT_PART }, NULL },
	{ "two report parts", REPORT_TYPE,
	    { TEXT_PART, REPORT_PART, REPORT_PART }, NULL },
	{ "quoted report-type, upper case", "multipart/report; "
	    "report-type=\"TLSRPT\"; boundary=B", { TEXT_PART, REPORT_PART }, NULL },
	{ "text in a multipart/alternative", REPORT_TYPE,
	    { "Content-Type: multipart/alternative; boundary=A\n\n--A\n"
	    TEXT_PART "--A\n" HTML_PART "--A--\n", REPORT_PART }, NULL },
	{ "an executable attachment", REPORT_TYPE,
	    { HTML_PART, REPORT_PART, "Content-Type: application/octet-stream; "
	    "name=invoice.exe\nContent-Disposition: attachment; "
	    "filename=invoice.exe\nContent-Transfer-Encoding: base64\n\n"
	    "TVqQAAMAAAAEAAAA//8AALgAAAAAAAAAQAAAAAAAAAAA\n" },
	    "part 3 is application/octet-stream" },
	{ "an image", REPORT_TYPE, { TEXT_PART, "Content-Type: image/png\n\n"
	    "x\n", REPORT_PART }, "part 2 is image/png" },
	{ "a second text part", REPORT_TYPE,
	    { TEXT_PART, REPORT_PART, HTML_PART },
	    "part 3 (text/html) is a second human-readable part" },
	{ "text and a multipart/alternative", REPORT_TYPE,
	    { TEXT_PART, "Content-Type: multipart/alternative; boundary=A\n\n"
	    "--A\n" HTML_PART "--A--\n", REPORT_PART },
	    "a second human-readable part (multipart/alternative)" },
	{ "a text part sent as a file", REPORT_TYPE,
	    { "Content-Type: text/html\nContent-Disposition: attachment; "
	    "filename=invoice.html\n\n<p>pay</p>\n", REPORT_PART },
	    "part 1 (text/html) is an attachment" },
	{ "a nested message", REPORT_TYPE,
	    { TEXT_PART, REPORT_PART, "Content-Type: message/rfc822\n\n"
	    "From: a@example.org\nSubject: hi\n\nhello\n" },
	    "a nested message (message/rfc822) after part 2" },
	{ "a nested multipart/mixed", REPORT_TYPE,
	    { TEXT_PART, "Content-Type: multipart/mixed; boundary=M\n\n--M\n"
	    REPORT_PART "--M--\n" }, "a nested multipart after part 1" },
	{ "the report inside multipart/alternative", REPORT_TYPE,
	    { "Content-Type: multipart/alternative; boundary=A\n\n--A\n"
	    TEXT_PART "--A\n" REPORT_PART "--A--\n" },
	    "part 2 (application/tlsrpt+json) is inside multipart/alternative" },
	{ "multipart/mixed at the top", "multipart/mixed; boundary=B",
	    { TEXT_PART, REPORT_PART },
	    "not multipart/report; report-type=tlsrpt" },
	{ "another report-type", "multipart/report; report-type=delivery-status; "
	    "boundary=B", { TEXT_PART, REPORT_PART },
	    "not multipart/report; report-type=tlsrpt" },
	{ "a bare report part at the top", "application/tlsrpt+json",
	    { NULL }, "not multipart/report; report-type=tlsrpt" },
};

/* The message for C: its parts between "--B" lines, the JSON in them. */
static char *
shape_message(const struct shape_case *c)
{
	size_t size = 256 + strlen(c->content_type), i;
	char *msg, *o;

	for (i = 0; i < 5 && c->parts[i] != NULL; i++)
		size += strlen(c->parts[i]) + strlen(google_json) + 8;
	if (c->parts[0] == NULL)
		size += strlen(google_json);
	if ((msg = malloc(size)) == NULL)
		return NULL;
	o = msg + sprintf(msg, "From: <tlsrpt@example.org>\nMIME-Version: 1.0\n"
	    "Content-Type: %s\n\n", c->content_type);
	if (c->parts[0] == NULL) {
		sprintf(o, "%s\n", google_json);
		return msg;
	}
	for (i = 0; i < 5 && c->parts[i] != NULL; i++) {
		const char *hole = strstr(c->parts[i], "%s");

		o += sprintf(o, "--B\n");
		if (hole == NULL)
			o += sprintf(o, "%s", c->parts[i]);
		else
			o += sprintf(o, "%.*s%s%s", (int)(hole - c->parts[i]),
			    c->parts[i], google_json, hole + 2);
	}
	sprintf(o, "--B--\n");
	return msg;
}

static void
check_shapes(void)
{
	struct tlsrpt_result *res;
	struct tlsrpt_error err;
	const struct shape_case *c;
	size_t i;
	char *msg;

	for (i = 0; i < sizeof(shape_cases) / sizeof(shape_cases[0]); i++) {
		c = &shape_cases[i];
		res = NULL;
		if (!CHECK((msg = shape_message(c)) != NULL))
			continue;
		if (CHECKF(tlsrpt_parse(msg, strlen(msg), NULL, &res, &err) ==
		    TLSRPT_OK, "shape \"%s\": does not parse", c->name)) {
			if (c->want == NULL)
				CHECKF(res->not_only_report == NULL,
				    "shape \"%s\": said \"%s\"", c->name,
				    res->not_only_report);
			else if (CHECKF(res->not_only_report != NULL,
			    "shape \"%s\": taken for only a report", c->name))
				CHECK_CONTAINS(res->not_only_report, c->want);
		}
		tlsrpt_result_free(res);
		free(msg);
	}
	/* Bare JSON is a report but not a message. */
	if (CHECK(tlsrpt_parse(google_json, strlen(google_json), NULL, &res,
	    &err) == TLSRPT_OK)) {
		CHECK_STR(res->not_only_report, "not a mail message");
		tlsrpt_result_free(res);
	}
}

int
main(void)
{
	size_t i;

	tlsrpt_library_init();
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_case(&cases[i]);
	check_details();
	check_lf_crlf();
	check_bad_base64();
	check_shapes();
	tlsrpt_library_shutdown();
	return test_summary("test_mime");
}
