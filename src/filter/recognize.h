/*
 * recognize.h - is this message a TLS-RPT report?  Decided cheaply, from
 * the envelope and headers only, so ordinary mail can be accepted at
 * end-of-headers without its body ever reaching the filter.
 *
 * A message is a candidate when any of: Content-Type multipart/report with
 * report-type=tlsrpt (quoted or not); a TLS-Report-Domain or
 * TLS-Report-Submitter header; a From address matching KnownReporters; a
 * recipient matching ReportAddresses.  Pure functions over strings; the
 * From address is parsed with GMime (call tlsrpt_library_init() first).
 */
#ifndef TLSRPT_RECOGNIZE_H
#define TLSRPT_RECOGNIZE_H

#include <stddef.h>

/* Why a message is a candidate; 0 = it is not. */
enum recog_reason {
	RECOG_CONTENT_TYPE = 1 << 0,
	RECOG_REPORT_HEADER = 1 << 1,
	RECOG_KNOWN_REPORTER = 1 << 2,
	RECOG_REPORT_ADDRESS = 1 << 3
};

/* Content-Type value says multipart/report; report-type=tlsrpt. */
int recog_content_type_is_tlsrpt(const char *value);

/* Header NAME is TLS-Report-Domain or TLS-Report-Submitter. */
int recog_is_report_header(const char *name);

/*
 * The first mailbox of a From header value into ADDR (lower-cased domain)
 * and its domain into DOMAIN; 0 on success, -1 when there is none.
 */
int recog_from_address(const char *value, char *addr, size_t addr_len,
    char *domain, size_t domain_len);

/*
 * ADDR matches one of PATTERNS: a pattern with '@' is a shell wildcard on
 * the whole address ("tlsrpt@*"); one without is a domain that matches
 * itself and its subdomains ("mail.ru").  Case-insensitive.  A recipient
 * in angle brackets ("<a@b>") is matched without them.
 */
int recog_address_matches(const char *addr, char *const *patterns, size_t n);

/*
 * Is SIGNER (a verified DKIM signing domain) a reporter PATTERNS trust?
 * Each KnownReporters entry names a domain: an address entry
 * ("noreply-smtp-tls-reporting@google.com") by its part after the last
 * '@', a domain entry ("mail.ru") by itself.  That domain matches itself
 * and its subdomains; one with shell wildcards ("*.example", "*") is
 * matched with fnmatch(3) instead.  Case-insensitive; a trailing dot on
 * SIGNER is ignored.  An empty signer never matches.
 */
int recog_signer_matches(const char *signer, char *const *patterns, size_t n);

/*
 * Could TEXT (a raw From header) match one of PATTERNS at all?  A cheap
 * case-insensitive search for each pattern's domain, so the full address
 * parse runs only when it might matter.  1 when unsure (a wildcard in a
 * pattern's domain).  Never 0 when recog_address_matches() would accept
 * the address in TEXT.
 */
int recog_may_mention(const char *text, char *const *patterns, size_t n);

/* "content-type,known-reporter" for logs, into BUF. */
const char *recog_reason_string(unsigned reasons, char *buf, size_t size);

#endif
