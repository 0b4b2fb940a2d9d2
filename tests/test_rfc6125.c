/*
 * test_rfc6125.c - certificate name matching, table-driven.
 */
#include "rfc6125.h"
#include "testlib.h"

static const struct {
	const char *name, *host;
	int match;
} rows[] = {
	{ "mx.example.com", "mx.example.com", 1 },
	{ "MX.Example.COM", "mx.example.com", 1 },
	{ "mx.example.com", "mx.example.com.", 1 },
	{ "mx.example.com.", "mx.example.com", 1 },
	{ "*.example.com", "mx.example.com", 1 },
	{ "*.example.com", "MX1.EXAMPLE.COM", 1 },
	{ "*.xn--bcher-kva.example", "mx.xn--bcher-kva.example", 1 },
	{ "mx.example.com", "mx2.example.com", 0 },
	{ "mx.example.com", "example.com", 0 },
	{ "example.com", "mx.example.com", 0 },
	{ "*.example.com", "example.com", 0 },
	{ "*.example.com", "a.b.example.com", 0 },
	{ "*.example.com", ".example.com", 0 },
	{ "*.example.com", "mx.example.net", 0 },
	{ "*.com", "example.com", 0 },
	{ "*", "localhost", 0 },
	{ "mx*.example.com", "mx1.example.com", 0 },
	{ "*mx.example.com", "amx.example.com", 0 },
	{ "m*x.example.com", "mux.example.com", 0 },
	{ "mx.*.example.com", "mx.a.example.com", 0 },
	{ "*.*.example.com", "a.b.example.com", 0 },
	{ "xn--*.example.com", "xn--a.example.com", 0 },
	{ "", "mx.example.com", 0 },
	{ "mx.example.com", "", 0 },
	{ "*.", "a.", 0 },
	{ "*.example.com", "xexample.com", 0 },
};

int
main(void)
{
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		CHECKF(rfc6125_match(rows[i].name, strlen(rows[i].name),
		    rows[i].host) == rows[i].match, "\"%s\" vs \"%s\": want %d",
		    rows[i].name, rows[i].host, rows[i].match);
	/* A NUL inside a certificate name: the classic prefix attack. */
	CHECK(!rfc6125_match("mx.example.com\0.evil.test", 25, "mx.example.com"));
	CHECK(rfc6125_match("mx.example.comXX", 14, "mx.example.com"));
	return test_summary("test_rfc6125");
}
