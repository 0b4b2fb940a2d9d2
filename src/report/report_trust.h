/*
 * report_trust.h - who a reporter is, for `tlsrpt report`, and what its
 * reports may not do to the numbers.
 *
 * A reporter is the domain that signed its reports (the verified DKIM
 * d=, or the header.d of a trusted Authentication-Results): anyone can
 * write "Google Inc." in organization-name, nobody else can sign as
 * google.com.  Reports stored without verification (RecordUnverified,
 * `tlsrpt import --no-verify`) have no signer and are all reporter
 * REPORT_UNVERIFIED.  The organization-name is shown beside the signer,
 * as a claim: "google.com (Google Inc.)".
 *
 * The insights made here go into the list of report_insights.h: a report
 * whose organization-name names a well-known reporter that did not sign
 * it; a report claiming more sessions than any reporter delivers, which
 * is left out of every count; failure details past the store's cap.
 */
#ifndef TLSRPT_REPORT_TRUST_H
#define TLSRPT_REPORT_TRUST_H

#include <json.h>
#include <time.h>

#define REPORT_UNVERIFIED	"(unverified)"

/*
 * The ceiling: sessions per day of a report's date range.  10^9 a day is
 * 11,574 TLS sessions a second, around the clock, from one sending
 * organization to the domains of one receiver; Google's reports to the
 * largest mailbox providers are orders of magnitude below that.  A report
 * above it cannot be real: it is flagged and counted nowhere.
 */
#define REPORT_MAX_SESSIONS_PER_DAY	1000000000LL

/*
 * A reporter's own failure rate decides a domain's judgement (the worst
 * of them, report_check.c) once it reported this many sessions for the
 * domain; below that, one failed session out of two is noise.
 */
#define REPORT_JUDGE_MIN_SESSIONS	20

/* The reporter of a report row, lower-cased (malloc'd); NULL out of memory. */
char *report_trust_reporter(int verified, const char *dkim_domain);

/*
 * The well-known reporter ORG (an organization-name) claims to be, or
 * NULL when it names none; *DOMAINS_R then lists the domains that may
 * sign for it (NULL-terminated).  Matched on whole words, any case.
 */
const char *report_trust_claimed(const char *org, const char *const **domains_r);

/* Record an impersonation insight in TRUST when SIGNER may not claim ORG. */
void report_trust_check_claim(struct json_object *trust, const char *signer,
    const char *org, const char *report_id, time_t start);

/*
 * True (and an insight in TRUST) when the report's sessions exceed the
 * ceiling for its date range [START, END].
 */
int report_trust_implausible(struct json_object *trust, const char *reporter,
    const char *org, const char *report_id, time_t start, time_t end,
    long long successful, long long failed);

/* Note in TRUST that COUNT failure details of the report were folded. */
void report_trust_folded(struct json_object *trust, const char *reporter,
    const char *org, const char *report_id, const char *date, long long count);

/*
 * Give each entry of REPORTERS (the model's array, keyed "reporter") its
 * "organization" (the organization-name it used most), "organizations"
 * (all, sorted) and "name" ("google.com (Google Inc.)"), from CLAIMS:
 * reporter -> {organization-name: reports}.
 */
void report_trust_name_reporters(struct json_object *reporters,
    struct json_object *claims);

#endif
