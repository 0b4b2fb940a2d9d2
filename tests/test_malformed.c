/*
 * test_malformed.c - hostile and broken inputs through tlsrpt_parse():
 * each one a precise error code and message, nothing leaked, nothing
 * sticky (a good report still parses after all of them).
 */
#include "tlsrpt.h"
#include "testlib.h"

#include <stdint.h>
#include <stdlib.h>
#include <zlib.h>

#define MIB	(1024u * 1024u)

struct buf {
	char *p;
	size_t len;
};

static void
add(struct buf *b, const void *data, size_t len)
{
	b->p = realloc(b->p, b->len + len + 1);
	memcpy(b->p + b->len, data, len);
	b->len += len;
	b->p[b->len] = '\0';
}

static void
adds(struct buf *b, const char *s)
{
	add(b, s, strlen(s));
}

/* A multipart message with 4 boundary lines (3 parts and the closing one). */
#define MIME_MANY_PARTS \
	"From: r@example.com\r\nTLS-Report-Domain: example.com\r\n" \
	"Content-Type: multipart/report; report-type=tlsrpt; boundary=\"B\"\r\n\r\n" \
	"--B\r\nContent-Type: text/plain\r\n\r\na\r\n" \
	"--B\r\nContent-Type: text/plain\r\n\r\nb\r\n" \
	"--B\r\nContent-Type: text/plain\r\n\r\nc\r\n--B--\r\n"

/* ---- JSON fixtures ---- */

#define ORG	"\"organization-name\":\"Org\","
#define RID	"\"report-id\":\"r1\","
#define DR	"\"date-range\":{\"start-datetime\":\"2024-01-01T00:00:00Z\"," \
		"\"end-datetime\":\"2024-01-01T23:59:59Z\"},"
#define POLICY	"\"policy\":{\"policy-type\":\"sts\",\"policy-domain\":\"example.com\"}"
#define SUMMARY(s, f) "\"summary\":{\"total-successful-session-count\":" s \
		",\"total-failure-session-count\":" f "}"
#define PENTRY	"{" POLICY "," SUMMARY("1", "0") "}"
#define REPORT_P(pols)	"{" ORG RID DR "\"policies\":[" pols "]}"
#define GOOD	REPORT_P(PENTRY)
#define WITH_COUNT(c)	REPORT_P("{" POLICY "," SUMMARY(c, "0") "}")
#define WITH_DETAIL(d)	REPORT_P("{" POLICY "," SUMMARY("0", "1") \
		",\"failure-details\":[" d "]}")
#define DETAIL	"{\"result-type\":\"certificate-expired\",\"failed-session-count\":1}"

static const char good_json[] = GOOD;

/* ---- gzip fixtures ---- */

static void
add_gzip(struct buf *b, const void *data, size_t len)
{
	size_t n;
	unsigned char *g = test_gzip(data, len, &n);

	add(b, g, n);
	free(g);
}


static void
add_bomb(struct buf *b, unsigned mibs, int zlib)
{
	size_t n;
	unsigned char *bomb = test_zero_bomb(mibs, zlib, &n);

	add(b, bomb, n);
	free(bomb);
}

/* ---- MIME fixtures ---- */

#define TOP_HEADERS \
	"From: reporter@example.net\r\n" \
	"To: tlsrpt@example.com\r\n" \
	"Subject: Report Domain: example.com Submitter: example.net Report-ID: <r1>\r\n" \
	"TLS-Report-Domain: example.com\r\n" \
	"TLS-Report-Submitter: example.net\r\n" \
	"MIME-Version: 1.0\r\n"
#define REPORT_CT \
	"Content-Type: multipart/report; report-type=\"tlsrpt\"; boundary=\"BB\"\r\n"
#define TEXT_PART \
	"--BB\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n" \
	"This is an aggregate TLS report from example.net\r\n"
#define GZ_PART_HEAD \
	"--BB\r\nContent-Type: application/tlsrpt+gzip\r\n" \
	"Content-Disposition: attachment; filename=\"example.net!example.com!1704067200!1704153599.json.gz\"\r\n" \
	"Content-Transfer-Encoding: base64\r\n\r\n"

/* A multipart/report message whose second part is PAYLOAD, base64'd. */
static void
add_report_message(struct buf *b, const void *payload, size_t len)
{
	char *b64 = test_base64(payload, len, "\r\n");

	adds(b, TOP_HEADERS REPORT_CT "\r\n" TEXT_PART GZ_PART_HEAD);
	adds(b, b64);
	adds(b, "--BB--\r\n");
	free(b64);
}

/* ---- builders, one per binary row ---- */

static void
b_binary(struct buf *b)
{
	static const unsigned char g[] = { 0x00, 0x01, 0x02, 0xfe, 0xff, 0x80,
	    0x7f, 0x1f, 0x8a, 0x0d, 0x0a, 0x00, 0xc3, 0x28, 0x9f, 0x42 };

	add(b, g, sizeof(g));
}

static void
b_gzip_truncated(struct buf *b)
{
	add_gzip(b, good_json, sizeof(good_json) - 1);
	b->len -= 20;
}

static void
b_gzip_flipped(struct buf *b)
{
	add_gzip(b, good_json, sizeof(good_json) - 1);
	b->p[12] ^= 0xff;
	b->p[13] ^= 0x5a;
	b->p[20] ^= 0xa5;
}

static void
b_gzip_bad_crc(struct buf *b)
{
	add_gzip(b, good_json, sizeof(good_json) - 1);
	b->p[b->len - 8] ^= 0x10;
}

static void
b_gzip_garbage_after(struct buf *b)
{
	add_gzip(b, good_json, sizeof(good_json) - 1);
	adds(b, "trailing junk");
}

static void
b_gzip_text(struct buf *b)
{
	add_gzip(b, "hello, world\n", 13);
}

static void
b_gzip_empty(struct buf *b)
{
	add_gzip(b, "", 0);
}

static void
b_gzip_array(struct buf *b)
{
	add_gzip(b, "[" GOOD "]", sizeof("[" GOOD "]") - 1);
}

static void
b_gzip_bomb(struct buf *b)
{
	add_bomb(b, 64, 0);
}

static void
b_zlib_bomb_part(struct buf *b)
{
	struct buf z = { NULL, 0 };

	add_bomb(&z, 64, 1);
	add_report_message(b, z.p, z.len);
	free(z.p);
}

static void
b_gzip_bomb_part(struct buf *b)
{
	struct buf z = { NULL, 0 };

	add_bomb(&z, 64, 0);
	add_report_message(b, z.p, z.len);
	free(z.p);
}

static void
b_broken_base64(struct buf *b)
{
	struct buf z = { NULL, 0 };
	char *b64, *nl;

	add_gzip(&z, good_json, sizeof(good_json) - 1);
	b64 = test_base64(z.p, z.len, "\r\n");
	/* Damage line 2: a '*' is not in the alphabet. */
	nl = strchr(b64, '\n');
	nl[3] = '*';
	adds(b, TOP_HEADERS REPORT_CT "\r\n" TEXT_PART GZ_PART_HEAD);
	adds(b, b64);
	adds(b, "--BB--\r\n");
	free(b64);
	free(z.p);
}

static void
b_report_part_json_schema(struct buf *b)
{
	adds(b, TOP_HEADERS REPORT_CT "\r\n" TEXT_PART
	    "--BB\r\nContent-Type: application/tlsrpt+json\r\n\r\n"
	    "{" RID DR "\"policies\":[]}\r\n--BB--\r\n");
}

static void
b_report_part_not_gzip(struct buf *b)
{
	add_report_message(b, "PK\x03\x04 this is not gzip", 22);
}

static void
b_two_report_parts(struct buf *b)
{
	struct buf z = { NULL, 0 };
	char *b64;

	add_gzip(&z, good_json, sizeof(good_json) - 1);
	b64 = test_base64(z.p, z.len, "\r\n");
	adds(b, TOP_HEADERS REPORT_CT "\r\n" TEXT_PART GZ_PART_HEAD);
	adds(b, b64);
	adds(b, GZ_PART_HEAD);
	adds(b, b64);
	adds(b, "--BB--\r\n");
	free(b64);
	free(z.p);
}

static void
b_deep_json(struct buf *b)
{
	int i;

	for (i = 0; i < 1000; i++)
		adds(b, "{\"a\":");
	adds(b, "1");
	for (i = 0; i < 1000; i++)
		adds(b, "}");
}

static void
b_long_string(struct buf *b)
{
	char *s = malloc(70001);

	memset(s, 'x', 70000);
	s[70000] = '\0';
	adds(b, "{\"organization-name\":\"");
	adds(b, s);
	adds(b, "\"," RID DR "\"policies\":[" PENTRY "]}");
	free(s);
}

/* A report whose field KEY (in the policy, a detail or the top) is N bytes. */
static void
long_field(struct buf *b, const char *where, size_t n)
{
	char *s = malloc(n + 1);

	memset(s, 'a', n);
	s[n] = '\0';
	if (strcmp(where, "policy-domain") == 0) {
		adds(b, "{" ORG RID DR "\"policies\":[{\"policy\":{\"policy-type\":\"sts\","
		    "\"policy-domain\":\"");
		adds(b, s);
		adds(b, "\"}," SUMMARY("1", "0") "}]}");
	} else if (strcmp(where, "report-id") == 0) {
		adds(b, "{" ORG "\"report-id\":\"");
		adds(b, s);
		adds(b, "\"," DR "\"policies\":[" PENTRY "]}");
	} else {
		adds(b, "{" ORG RID DR "\"policies\":[{" POLICY "," SUMMARY("0", "1")
		    ",\"failure-details\":[{\"result-type\":\"certificate-expired\","
		    "\"failed-session-count\":1,\"");
		adds(b, where);
		adds(b, "\":\"");
		adds(b, s);
		adds(b, "\"}]}]}");
	}
	free(s);
}

static void b_domain_255(struct buf *b) { long_field(b, "policy-domain", 255); }
static void b_domain_256(struct buf *b) { long_field(b, "policy-domain", 256); }
static void b_report_id_1025(struct buf *b) { long_field(b, "report-id", 1025); }
static void b_mx_hostname_3000(struct buf *b) { long_field(b, "receiving-mx-hostname", 3000); }
static void b_ip_65(struct buf *b) { long_field(b, "sending-mta-ip", 65); }

static void
b_nul_in_json(struct buf *b)
{
	adds(b, "{" ORG RID);
	add(b, "\0", 1);
	adds(b, DR "\"policies\":[" PENTRY "]}");
}

static void
b_nul_in_string(struct buf *b)
{
	adds(b, "{\"organization-name\":\"Or");
	add(b, "\0", 1);
	adds(b, "g\"," RID DR "\"policies\":[" PENTRY "]}");
}

/* LEVELS message/rfc822 wrappers around a report message. */
static void
nest_rfc822(struct buf *b, unsigned levels)
{
	struct buf inner = { NULL, 0 };
	unsigned i;

	add_report_message(&inner, good_json, sizeof(good_json) - 1);
	for (i = 0; i < levels; i++) {
		struct buf outer = { NULL, 0 };

		adds(&outer, "From: fwd@example.org\r\nSubject: Fwd\r\n"
		    "MIME-Version: 1.0\r\n"
		    "Content-Type: message/rfc822\r\n\r\n");
		add(&outer, inner.p, inner.len);
		free(inner.p);
		inner = outer;
	}
	add(b, inner.p, inner.len);
	free(inner.p);
}

static void
b_mime_deep(struct buf *b)
{
	nest_rfc822(b, 12);
}

static void
b_mime_one_over(struct buf *b)
{
	/* 8 wrappers + multipart/report: the report leaf sits 9 levels down. */
	nest_rfc822(b, 8);
}

static void
b_mime_deep_multipart(struct buf *b)
{
	int i;

	adds(b, TOP_HEADERS "Content-Type: multipart/mixed; boundary=\"L0\"\r\n\r\n");
	for (i = 1; i <= 12; i++) {
		char line[128];

		snprintf(line, sizeof(line), "--L%d\r\n"
		    "Content-Type: multipart/mixed; boundary=\"L%d\"\r\n\r\n", i - 1, i);
		adds(b, line);
	}
	adds(b, "--L12\r\nContent-Type: application/tlsrpt+json\r\n\r\n" GOOD "\r\n");
	for (i = 12; i >= 0; i--) {
		char line[32];

		snprintf(line, sizeof(line), "--L%d--\r\n", i);
		adds(b, line);
	}
}

/* ---- limit adjustments ---- */

static void l_policies(struct tlsrpt_limits *l) { l->max_policies = 2; }
static void l_details(struct tlsrpt_limits *l) { l->max_failure_details = 2; }
static void l_message(struct tlsrpt_limits *l) { l->max_message_bytes = 64; }
static void l_raise_inflated(struct tlsrpt_limits *l)
{
	l->max_inflated_bytes = 1024u * MIB;
}
static void l_ratio_off_ish(struct tlsrpt_limits *l)
{
	l->max_inflate_ratio = 100000;
}
static void l_parts(struct tlsrpt_limits *l) { l->max_report_parts = 1; }
static void l_mime_parts(struct tlsrpt_limits *l) { l->max_mime_parts = 3; }
static void l_depth(struct tlsrpt_limits *l) { l->max_json_depth = 2; }
static void l_mime_depth(struct tlsrpt_limits *l) { l->max_mime_depth = 1; }
static void l_string(struct tlsrpt_limits *l) { l->max_string_bytes = 2; }

/* ---- the table ---- */

struct row {
	const char *name;
	const char *lit;		/* literal input, or NULL: BUILD it */
	size_t lit_len;
	void (*build)(struct buf *);
	void (*limits)(struct tlsrpt_limits *);
	enum tlsrpt_errcode code;
	const char *msg;		/* error message substring */
};

#define LIT(s)		s, sizeof(s) - 1, NULL
#define BUILD(fn)	NULL, 0, fn

#define E_SCHEMA	TLSRPT_E_SCHEMA
#define E_JSON		TLSRPT_E_JSON

static const struct row rows[] = {
	/* what kind of input */
	{ "empty input", LIT(""), NULL, TLSRPT_E_EMPTY, "empty input" },
	{ "white space only", LIT(" \r\n\t \n"), NULL, TLSRPT_E_UNRECOGNIZED,
	    "neither a mail message, JSON nor gzip" },
	{ "binary garbage", BUILD(b_binary), NULL, TLSRPT_E_UNRECOGNIZED,
	    "neither a mail message, JSON nor gzip" },
	{ "mbox From line, then garbage", LIT("From x@y Mon Jan  1 00:00:00 2024\n\x01\x02"),
	    NULL, TLSRPT_E_UNRECOGNIZED, "neither a mail message" },
	{ "JSON array at top level", LIT("[" GOOD "]"), NULL,
	    TLSRPT_E_SCHEMA, "top level must be an object, got array" },
	{ "string at top level", LIT("\"" "organization-name" "\""), NULL,
	    TLSRPT_E_SCHEMA, "top level must be an object, got string" },
	{ "number at top level", LIT("42"), NULL, TLSRPT_E_UNRECOGNIZED,
	    "neither" },

	/* gzip */
	{ "truncated gzip", BUILD(b_gzip_truncated), NULL, TLSRPT_E_INFLATE,
	    "inflate: truncated input" },
	{ "corrupt gzip (flipped bytes)", BUILD(b_gzip_flipped), NULL,
	    TLSRPT_E_INFLATE, "inflate: " },
	{ "corrupt gzip (bad CRC)", BUILD(b_gzip_bad_crc), NULL, TLSRPT_E_INFLATE,
	    "inflate: incorrect data check" },
	{ "gzip magic only", LIT("\x1f\x8b"), NULL, TLSRPT_E_INFLATE,
	    "inflate: truncated input" },
	{ "gzip, then trailing junk", BUILD(b_gzip_garbage_after), NULL,
	    TLSRPT_E_INFLATE, "inflate: incorrect header check" },
	{ "gzip of non-JSON", BUILD(b_gzip_text), NULL, E_JSON,
	    "gzip payload is not a JSON object" },
	{ "gzip of empty", BUILD(b_gzip_empty), NULL, TLSRPT_E_EMPTY,
	    "gzip payload is not a JSON object" },
	{ "gzip of a JSON array", BUILD(b_gzip_array), NULL, E_JSON,
	    "gzip payload is not a JSON object" },
	{ "gzip bomb (64 MiB of zeros)", BUILD(b_gzip_bomb), NULL,
	    TLSRPT_E_LIMIT_RATIO, "inflate: expansion ratio over 250:1" },
	{ "gzip bomb, ratio permitted: size cap", BUILD(b_gzip_bomb),
	    l_ratio_off_ish, TLSRPT_E_LIMIT_INFLATED,
	    "inflate: output exceeds 33554432 bytes" },
	{ "gzip bomb, raised size cap: ratio", BUILD(b_gzip_bomb),
	    l_raise_inflated, TLSRPT_E_LIMIT_RATIO, "inflate: expansion ratio" },
	{ "gzip bomb in a MIME part", BUILD(b_gzip_bomb_part), NULL,
	    TLSRPT_E_LIMIT_RATIO,
	    "part 2 (application/tlsrpt+gzip): inflate: expansion ratio over 250:1" },
	/* Payloads are detected by gzip magic: a zlib stream is never inflated. */
	{ "zlib bomb in a report part", BUILD(b_zlib_bomb_part), NULL,
	    TLSRPT_E_UNRECOGNIZED,
	    "part 2 (application/tlsrpt+gzip): payload is neither gzip nor JSON (first byte 0x78)" },

	/* MIME */
	{ "broken base64 in a MIME part", BUILD(b_broken_base64), NULL,
	    TLSRPT_E_MIME,
	    "part 2 (application/tlsrpt+gzip): base64: invalid character 0x2a on line 2" },
	{ "truncated MIME (headers only)", LIT(TOP_HEADERS REPORT_CT), NULL,
	    TLSRPT_E_NO_REPORT, "no TLS-RPT report part in the message" },
	{ "report part with headers only", LIT(TOP_HEADERS
	    "Content-Type: application/tlsrpt+gzip\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\n"), NULL,
	    TLSRPT_E_EMPTY, "part 1 (application/tlsrpt+gzip): empty payload" },
	{ "message with no report part", LIT(TOP_HEADERS
	    "Content-Type: multipart/mixed; boundary=\"BB\"\r\n\r\n"
	    TEXT_PART "--BB\r\nContent-Type: image/png\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n--BB--\r\n"),
	    NULL, TLSRPT_E_NO_REPORT, "no TLS-RPT report part in the message" },
	{ "text/plain-only message", LIT("From: a@example.net\r\n"
	    "Subject: hello\r\n\r\nJust text, {\"organization-name\":\"x\"}\r\n"),
	    NULL, TLSRPT_E_NO_REPORT, "no TLS-RPT report part" },
	{ "report part that is not gzip", BUILD(b_report_part_not_gzip), NULL,
	    TLSRPT_E_UNRECOGNIZED, "part 2 (application/tlsrpt+gzip): payload is neither" },
	{ "report part with a schema error", BUILD(b_report_part_json_schema), NULL,
	    E_SCHEMA, "part 2 (application/tlsrpt+json): report: organization-name: missing" },
	{ "MIME nesting over the depth limit (message/rfc822)", BUILD(b_mime_deep),
	    NULL, TLSRPT_E_LIMIT_MIME_DEPTH, "mime: nesting deeper than 8 levels" },
	{ "MIME nesting one level over the limit", BUILD(b_mime_one_over),
	    NULL, TLSRPT_E_LIMIT_MIME_DEPTH, "mime: nesting deeper than 8 levels" },
	{ "MIME nesting over the depth limit (multipart)", BUILD(b_mime_deep_multipart),
	    NULL, TLSRPT_E_LIMIT_MIME_DEPTH, "mime: nesting deeper than 8 levels" },
	{ "MIME nesting over a lowered depth limit", BUILD(b_mime_deep_multipart),
	    l_mime_depth, TLSRPT_E_LIMIT_MIME_DEPTH, "nesting deeper than 1 levels" },
	{ "too many report parts (lowered limit)", BUILD(b_two_report_parts),
	    l_parts, TLSRPT_E_LIMIT_PARTS, "more than 1 report parts in the message" },
	{ "more MIME boundaries than the limit (lowered)", LIT(MIME_MANY_PARTS), l_mime_parts,
	    TLSRPT_E_LIMIT_MIME_PARTS, "mime: more than 3 MIME part boundaries" },

	/* JSON syntax and encoding */
	{ "deep JSON nesting (1000 levels)", BUILD(b_deep_json), NULL,
	    TLSRPT_E_LIMIT_DEPTH, "json: nesting deeper than 16 at byte" },
	{ "JSON depth over a lowered limit", LIT(GOOD), l_depth,
	    TLSRPT_E_LIMIT_DEPTH, "nesting deeper than 2" },
	{ "single-quoted JSON", LIT("{'organization-name':'Org'}"), NULL, E_JSON,
	    "single-quoted string at byte 1" },
	{ "NaN count", LIT(WITH_COUNT("NaN")), NULL, E_JSON, "invalid token 'NaN'" },
	{ "Infinity count", LIT(WITH_COUNT("Infinity")), NULL, E_JSON,
	    "invalid token 'Infinity'" },
	{ "invalid UTF-8 in a string", LIT("{\"organization-name\":\"Org\xff\","
	    RID DR "\"policies\":[" PENTRY "]}"), NULL, TLSRPT_E_ENCODING,
	    "json: invalid UTF-8 at byte 25" },
	{ "overlong UTF-8 in a string", LIT("{\"organization-name\":\"\xc0\xaf\","
	    RID DR "\"policies\":[" PENTRY "]}"), NULL, TLSRPT_E_ENCODING,
	    "json: invalid UTF-8 at byte 22" },
	{ "UTF-16 surrogate in UTF-8", LIT("{\"organization-name\":\"\xed\xa0\x80\","
	    RID DR "\"policies\":[" PENTRY "]}"), NULL, TLSRPT_E_ENCODING,
	    "invalid UTF-8" },
	{ "control character in a string", LIT("{\"organization-name\":\"O\x01g\","
	    RID DR "\"policies\":[" PENTRY "]}"), NULL, E_JSON,
	    "control character in string at byte 23" },
	{ "unterminated JSON", LIT("{" ORG RID DR), NULL, E_JSON,
	    "unexpected end of input" },
	{ "missing colon", LIT("{\"organization-name\" \"Org\"}"), NULL, E_JSON,
	    "json: " },
	{ "trailing garbage after the JSON object", LIT(GOOD " xyz"), NULL, E_JSON,
	    "invalid token 'xyz'" },
	{ "trailing number after the JSON object", LIT(GOOD "\n42\n"), NULL, E_JSON,
	    "json: trailing data at byte" },
	{ "two JSON objects back to back", LIT(GOOD GOOD), NULL, E_JSON,
	    "json: trailing data at byte" },
	{ "NUL inside JSON", BUILD(b_nul_in_json), NULL, E_JSON, "json: NUL byte at byte" },
	{ "raw NUL inside a string", BUILD(b_nul_in_string), NULL, E_JSON,
	    "control character in string" },
	{ "\\u0000 inside a string", LIT("{\"organization-name\":\"Or\\u0000g\","
	    RID DR "\"policies\":[" PENTRY "]}"), NULL, E_SCHEMA,
	    "report: organization-name: string holds a NUL character" },
	{ "string longer than the limit", BUILD(b_long_string), NULL,
	    TLSRPT_E_LIMIT_STRING, "longer than 65536 bytes" },
	{ "string longer than a lowered limit", LIT(GOOD), l_string,
	    TLSRPT_E_LIMIT_STRING, "longer than 2 bytes" },
	/* Fields the store indexes have natural sizes (rfc8460_json.c). */
	{ "policy-domain of 256 bytes", BUILD(b_domain_256), NULL, TLSRPT_E_LIMIT_STRING,
	    "policy-domain: 256 bytes, too long for a domain name (at most 255)" },
	{ "report-id of 1025 bytes", BUILD(b_report_id_1025), NULL, TLSRPT_E_LIMIT_STRING,
	    "report-id: 1025 bytes, too long for a report id (at most 1024)" },
	{ "receiving-mx-hostname of 3000 bytes", BUILD(b_mx_hostname_3000), NULL,
	    TLSRPT_E_LIMIT_STRING, "receiving-mx-hostname: 3000 bytes, too long for a host name" },
	{ "sending-mta-ip of 65 bytes", BUILD(b_ip_65), NULL, TLSRPT_E_LIMIT_STRING,
	    "sending-mta-ip: 65 bytes, too long for an IP address" },

	/* counts */
	{ "huge count 1e30", LIT(WITH_COUNT("1e30")), NULL, E_SCHEMA,
	    "summary.total-successful-session-count: must be an integer, got double" },
	{ "huge count 99999999999999999999", LIT(WITH_COUNT("99999999999999999999")),
	    NULL, E_SCHEMA, "summary.total-successful-session-count: " },
	{ "huge count 18446744073709551615", LIT(WITH_COUNT("18446744073709551615")),
	    NULL, E_SCHEMA, "total-successful-session-count: count out of range" },
	{ "huge count 2^63-1", LIT(WITH_COUNT("9223372036854775807")), NULL,
	    E_SCHEMA, "total-successful-session-count: count out of range" },
	{ "huge count 2^53+1", LIT(WITH_COUNT("9007199254740993")), NULL, E_SCHEMA,
	    "total-successful-session-count: count out of range" },
	{ "negative count", LIT(WITH_COUNT("-1")), NULL, E_SCHEMA,
	    "total-successful-session-count: negative count -1" },
	{ "very negative count", LIT(WITH_COUNT("-99999999999999999999")), NULL,
	    E_SCHEMA, "total-successful-session-count: " },
	{ "float count 1.5", LIT(WITH_COUNT("1.5")), NULL, E_SCHEMA,
	    "must be an integer, got double" },
	{ "float count 1.0", LIT(WITH_COUNT("1.0")), NULL, E_SCHEMA,
	    "must be an integer, got double" },
	{ "float count 1e3", LIT(WITH_COUNT("1e3")), NULL, E_SCHEMA,
	    "must be an integer, got double" },
	{ "string count \"12\"", LIT(WITH_COUNT("\"12\"")), NULL, E_SCHEMA,
	    "must be an integer, got string" },
	{ "boolean count", LIT(WITH_COUNT("true")), NULL, E_SCHEMA,
	    "must be an integer, got boolean" },
	{ "failed-session-count a float", LIT(WITH_DETAIL(
	    "{\"result-type\":\"certificate-expired\",\"failed-session-count\":0.5}")),
	    NULL, E_SCHEMA,
	    "policies[0].failure-details[0].failed-session-count: must be an integer" },

	/* schema */
	{ "missing organization-name", LIT("{" RID DR "\"policies\":[" PENTRY "]}"),
	    NULL, E_SCHEMA, "report: organization-name: missing" },
	{ "organization-name null", LIT("{\"organization-name\":null," RID DR
	    "\"policies\":[" PENTRY "]}"), NULL, E_SCHEMA,
	    "report: organization-name: missing" },
	{ "organization-name a number", LIT("{\"organization-name\":42," RID DR
	    "\"policies\":[" PENTRY "]}"), NULL, E_SCHEMA,
	    "report: organization-name: must be a string, got int" },
	{ "missing report-id", LIT("{" ORG DR "\"policies\":[" PENTRY "]}"), NULL,
	    E_SCHEMA, "report: report-id: missing" },
	{ "missing date-range", LIT("{" ORG RID "\"policies\":[" PENTRY "]}"), NULL,
	    E_SCHEMA, "report: date-range: missing" },
	{ "date-range not an object", LIT("{" ORG RID "\"date-range\":\"2024-01-01\","
	    "\"policies\":[" PENTRY "]}"), NULL, E_SCHEMA,
	    "report: date-range: must be an object, got string" },
	{ "missing start-datetime", LIT("{" ORG RID
	    "\"date-range\":{\"end-datetime\":\"2024-01-01T23:59:59Z\"},"
	    "\"policies\":[" PENTRY "]}"), NULL, E_SCHEMA,
	    "report: date-range.start-datetime: missing" },
	{ "bad date", LIT("{" ORG RID
	    "\"date-range\":{\"start-datetime\":\"April fools\","
	    "\"end-datetime\":\"2024-01-01T23:59:59Z\"},"
	    "\"policies\":[" PENTRY "]}"), NULL, E_SCHEMA,
	    "report: date-range.start-datetime: not an RFC 3339 date-time: \"April fools\"" },
	{ "impossible date", LIT("{" ORG RID
	    "\"date-range\":{\"start-datetime\":\"2023-01-01T00:00:00Z\","
	    "\"end-datetime\":\"2023-02-29T00:00:00Z\"},"
	    "\"policies\":[" PENTRY "]}"), NULL, E_SCHEMA,
	    "report: date-range.end-datetime: not an RFC 3339 date-time" },
	{ "missing policies", LIT("{" ORG RID "\"date-range\":{\"start-datetime\":"
	    "\"2024-01-01T00:00:00Z\",\"end-datetime\":\"2024-01-01T23:59:59Z\"}}"),
	    NULL, E_SCHEMA, "report: policies: missing" },
	{ "policies not an array", LIT("{" ORG RID DR "\"policies\":" PENTRY "}"),
	    NULL, E_SCHEMA, "report: policies: must be an array, got object" },
	{ "policy not an object", LIT(REPORT_P("\"sts\"")), NULL, E_SCHEMA,
	    "report: policies[0]: must be an object, got string" },
	{ "missing policy block", LIT(REPORT_P("{" SUMMARY("1", "0") "}")), NULL,
	    E_SCHEMA, "report: policies[0].policy: missing" },
	{ "missing policy-type", LIT(REPORT_P("{\"policy\":{\"policy-domain\":"
	    "\"example.com\"}," SUMMARY("1", "0") "}")), NULL, E_SCHEMA,
	    "report: policies[0].policy.policy-type: missing" },
	{ "missing summary", LIT(REPORT_P("{" POLICY "}")), NULL, E_SCHEMA,
	    "report: policies[0].summary: missing" },
	{ "summary not an object", LIT(REPORT_P("{" POLICY ",\"summary\":[1,0]}")),
	    NULL, E_SCHEMA, "report: policies[0].summary: must be an object, got array" },
	{ "result-type missing", LIT(WITH_DETAIL("{\"failed-session-count\":1}")),
	    NULL, E_SCHEMA, "report: policies[0].failure-details[0].result-type: missing" },
	{ "result-type a number", LIT(WITH_DETAIL(
	    "{\"result-type\":3,\"failed-session-count\":1}")), NULL, E_SCHEMA,
	    "report: policies[0].failure-details[0].result-type: must be a string, got int" },
	{ "failed-session-count missing", LIT(WITH_DETAIL(
	    "{\"result-type\":\"certificate-expired\"}")), NULL, E_SCHEMA,
	    "report: policies[0].failure-details[0].failed-session-count: missing" },
	{ "failure detail not an object", LIT(WITH_DETAIL("\"certificate-expired\"")),
	    NULL, E_SCHEMA, "report: policies[0].failure-details[0]: must be an object" },
	{ "mx-host a number", LIT(REPORT_P("{\"policy\":{\"policy-type\":\"sts\","
	    "\"mx-host\":25}," SUMMARY("1", "0") "}")), NULL, E_SCHEMA,
	    "report: policies[0].policy.mx-host: must be a string, got int" },
	{ "mx-host array holding a number", LIT(REPORT_P("{\"policy\":{\"policy-type\":"
	    "\"sts\",\"mx-host\":[\"mx.example.com\",25]}," SUMMARY("1", "0") "}")),
	    NULL, E_SCHEMA, "report: policies[0].policy.mx-host: must be a string" },

	/* limits */
	{ "too many policies (lowered limit)", LIT(REPORT_P(PENTRY "," PENTRY "," PENTRY)),
	    l_policies, TLSRPT_E_LIMIT_POLICIES, "report: policies: more than 2 policies" },
	{ "too many failure details (lowered limit)", LIT(REPORT_P(
	    "{" POLICY "," SUMMARY("0", "2") ",\"failure-details\":[" DETAIL "," DETAIL "]},"
	    "{" POLICY "," SUMMARY("0", "1") ",\"failure-details\":[" DETAIL "]}")),
	    l_details, TLSRPT_E_LIMIT_DETAILS,
	    "report: policies[1].failure-details: more than 2 failure details in the report" },
	{ "message over max_message_bytes (lowered)", LIT(GOOD), l_message,
	    TLSRPT_E_LIMIT_MESSAGE, "exceeds the limit of 64 bytes" },
};

#define N_ROWS	(sizeof(rows) / sizeof(rows[0]))

/* A good report parses: errors leave nothing behind. */
static void
check_good_still_parses(const char *after)
{
	struct tlsrpt_result *res = NULL;
	struct tlsrpt_error err;
	enum tlsrpt_errcode code;

	code = tlsrpt_parse(good_json, sizeof(good_json) - 1, NULL, &res, &err);
	if (CHECKF(code == TLSRPT_OK && res != NULL && res->n_reports == 1,
	    "after \"%s\": good report fails: %s", after,
	    code == TLSRPT_OK ? "" : err.message))
		CHECKF(strcmp(res->reports[0].organization_name, "Org") == 0 &&
		    res->reports[0].total_successful == 1,
		    "after \"%s\": good report misread", after);
	tlsrpt_result_free(res);
}

/* Write row I's input to DIR/NNN.bin, for tests/milter.sh. */
static void
dump_input(const char *dir, size_t i, const struct buf *b)
{
	char path[4096];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%03zu.bin", dir, i);
	if ((fp = fopen(path, "wb")) == NULL) {
		CHECKF(0, "cannot write %s", path);
		return;
	}
	if (b->len > 0)
		fwrite(b->p, 1, b->len, fp);
	fclose(fp);
}

int
main(void)
{
	struct tlsrpt_limits lim;
	int sentinel, verbose = getenv("TEST_VERBOSE") != NULL;
	/* The milter tests feed these same inputs through the daemon. */
	const char *dump_dir = getenv("TLSRPT_DUMP_DIR");
	size_t i;

	tlsrpt_library_init();
	CHECKF(N_ROWS >= 45, "only %zu rows", N_ROWS);

	/* The fixtures themselves are sound: unbroken, each one parses. */
	{
		struct buf b = { NULL, 0 };
		struct tlsrpt_result *res = NULL;
		struct tlsrpt_error err;

		add_report_message(&b, good_json, sizeof(good_json) - 1);
		CHECKF(tlsrpt_parse(b.p, b.len, NULL, &res, &err) == TLSRPT_OK,
		    "fixture message: %s", err.message);
		tlsrpt_result_free(res);
		free(b.p);
		b.p = NULL;
		b.len = 0;
		nest_rfc822(&b, 7);	/* exactly at the MIME depth limit */
		CHECKF(tlsrpt_parse(b.p, b.len, NULL, &res, &err) == TLSRPT_OK,
		    "fixture rfc822 x7: %s", err.message);
		tlsrpt_result_free(res);
		free(b.p);
		b.p = NULL;
		b.len = 0;
		add_gzip(&b, good_json, sizeof(good_json) - 1);
		CHECKF(tlsrpt_parse(b.p, b.len, NULL, &res, &err) == TLSRPT_OK,
		    "fixture gzip: %s", err.message);
		tlsrpt_result_free(res);
		free(b.p);
	}

	for (i = 0; i < N_ROWS; i++) {
		const struct row *r = &rows[i];
		struct buf b = { NULL, 0 };
		struct tlsrpt_result *res = (struct tlsrpt_result *)&sentinel;
		struct tlsrpt_error err;
		enum tlsrpt_errcode code;

		if (r->lit != NULL)
			add(&b, r->lit, r->lit_len);
		else
			r->build(&b);
		if (dump_dir != NULL)
			dump_input(dump_dir, i, &b);
		tlsrpt_limits_default(&lim);
		if (r->limits != NULL)
			r->limits(&lim);
		memset(&err, 0, sizeof(err));
		code = tlsrpt_parse(b.p != NULL ? b.p : "", b.len, &lim, &res, &err);
		if (verbose)
			printf("%-50s %-22s %s\n", r->name,
			    tlsrpt_errcode_name(code), err.message);
		CHECKF(code == r->code, "%s: code %s, want %s (%s)", r->name,
		    tlsrpt_errcode_name(code), tlsrpt_errcode_name(r->code),
		    err.message);
		CHECKF(code == TLSRPT_OK || err.code == code,
		    "%s: err.code %d differs from return %d", r->name, err.code, code);
		CHECKF(strstr(err.message, r->msg) != NULL,
		    "%s: message \"%s\" lacks \"%s\"", r->name, err.message, r->msg);
		CHECKF(res == NULL, "%s: *result_r not NULL after an error", r->name);
		if (res != NULL && res != (struct tlsrpt_result *)&sentinel)
			tlsrpt_result_free(res);
		free(b.p);
		check_good_still_parses(r->name);
	}

	/* The field limits' boundary: 255 bytes of policy-domain still parse. */
	{
		struct buf b = { NULL, 0 };
		struct tlsrpt_result *res = NULL;
		struct tlsrpt_error err;

		b_domain_255(&b);
		CHECKF(tlsrpt_parse(b.p, b.len, NULL, &res, &err) == TLSRPT_OK &&
		    res != NULL && strlen(res->reports[0].policies[0].policy_domain) == 255,
		    "a 255-byte policy-domain parses (%s)", res == NULL ? err.message : "");
		tlsrpt_result_free(res);
		free(b.p);
	}

	tlsrpt_library_shutdown();
	return test_summary("test_malformed");
}
