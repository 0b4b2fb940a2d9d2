/*
 * tag.h - the verdict header this filter adds to report mail.
 *
 *   X-TLSRPT: pass submitter=google.com domain=example.com
 *   	report-id="2024-03-01T00:00:00Z_example.com" successful=123 failed=4
 *   X-TLSRPT: verified reason="reporter attacker.example not in KnownReporters"
 *   	submitter=attacker.example domain=example.com ...
 *   X-TLSRPT: fail reason="signature by unaligned domain evil.example"
 *   X-TLSRPT: invalid reason="part 2 (application/tlsrpt+gzip): inflate: truncated input"
 *
 * The verdict is the first word, so a downstream filter keys on
 * "^pass": only pass means a report, and only a report, from a
 * reporter the admin trusts (verdict.h); verified is authenticated but
 * misses one of those conditions, and is never to be trusted.
 *
 * Values that are not plain tokens are quoted (with \" and \\ escaped);
 * control characters and non-ASCII bytes from hostile reports become
 * '?'; one value is cut at TAG_MAX_VALUE bytes; the header is
 * folded with "\n\t" so no line passes 78 characters where a break is
 * possible, and never 998.  Pure.
 */
#ifndef TLSRPT_TAG_H
#define TLSRPT_TAG_H

#include <stddef.h>

#define TAG_MAX_VALUE	200
#define TAG_MAX_FIELDS	8

enum tag_verdict { TAG_PASS, TAG_FAIL, TAG_INVALID, TAG_VERIFIED };

struct tag_field {
	const char *name;
	const char *value;	/* NULL fields are skipped */
};

/*
 * Format the header VALUE (not the name) into BUF.  HEADER_LEN is the
 * length of the header name, to fold the first line right.  Returns the
 * length, or -1 when BUF is too small.
 */
int tag_format(char *buf, size_t size, size_t header_len,
    enum tag_verdict verdict, const struct tag_field *fields, size_t n);

const char *tag_verdict_word(enum tag_verdict verdict);

#endif
