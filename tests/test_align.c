/*
 * test_align.c - which DKIM signing domains may speak for a From domain.
 */
#include "align.h"
#include "testlib.h"

struct row {
	const char *name;
	const char *signer;
	const char *from;
	int want;
};

static const struct row rows[] = {
	{ "equal", "google.com", "google.com", 1 },
	{ "equal, three labels", "mail.example.org", "mail.example.org", 1 },
	{ "parent within registrable", "google.com", "reports.google.com", 1 },
	{ "grandparent within registrable", "example.com",
	    "a.b.example.com", 1 },
	{ "middle parent", "b.example.com", "a.b.example.com", 1 },
	{ "registrable under co.uk", "example.co.uk", "mail.example.co.uk", 1 },
	{ "child not allowed", "a.example.com", "example.com", 0 },
	{ "sibling not allowed", "a.example.com", "b.example.com", 0 },
	{ "public suffix com", "com", "google.com", 0 },
	{ "public suffix co.uk", "co.uk", "example.co.uk", 0 },
	{ "public suffix equal to From", "co.uk", "co.uk", 0 },
	{ "private-section suffix", "github.io", "someone.github.io", 0 },
	{ "unrelated", "evil.example", "google.com", 0 },
	{ "unrelated, same registrable suffix", "example.net",
	    "example.com", 0 },
	{ "suffix without label boundary", "ogle.com", "google.com", 0 },
	{ "suffix inside a label, as long as the registrable domain",
	    "a.example.com", "aa.example.com", 0 },
	{ "parent of a private suffix, shorter than the registrable domain",
	    "amazonaws.com", "bucket.s3.amazonaws.com", 0 },
	{ "the registrable domain under a private suffix",
	    "bucket.s3.amazonaws.com", "www.bucket.s3.amazonaws.com", 1 },
	{ "longer than From", "reports.google.com", "google.com", 0 },
	{ "case-insensitive", "Google.COM", "REPORTS.google.com", 1 },
	{ "trailing dot on signer", "google.com.", "google.com", 1 },
	{ "trailing dot on From", "google.com", "reports.google.com.", 1 },
	{ "two trailing dots", "google.com..", "google.com", 0 },
	{ "empty label", "google..com", "google..com", 0 },
	{ "leading dot", ".google.com", "google.com", 0 },
	{ "empty signer", "", "google.com", 0 },
	{ "empty From", "google.com", "", 0 },
	{ "dot only", ".", ".", 0 },
	{ "NULL signer", NULL, "google.com", 0 },
	{ "NULL From", "google.com", NULL, 0 },
	{ "space in name", "google.com ", "google.com", 0 },
	{ "single-label name", "localhost", "localhost", 0 },
};

int
main(void)
{
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		int got = domain_aligned(r->signer, r->from);

		CHECKF(got == r->want, "%s: domain_aligned(%s, %s) = %d, "
		    "want %d", r->name, r->signer ? r->signer : "NULL",
		    r->from ? r->from : "NULL", got, r->want);
	}
	return test_summary("align");
}
