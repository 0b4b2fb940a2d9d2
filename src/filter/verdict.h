/*
 * verdict.h - what happens to one candidate report message at its end:
 * authenticate, parse, record, and word the tag.
 *
 * The tag's first word (tag.h) is "pass" only for an authenticated report
 * that verdict_trusted() accepts: signed (aligned) by a domain that
 * KnownReporters lists, only a report (RFC 8460 section 5.3), and, with
 * ReportAddresses set, sent to none but those addresses.  An
 * authenticated report that misses one of these is "verified", with the
 * reason; it is recorded as a pass is, and never diverted.
 *
 * Kept apart from the libmilter glue so it can be driven by tests and by
 * `tlsrpt import` alike.  It logs (one line per outcome, prefixed with
 * the queue id) and may open the store; it never rejects anything: every
 * failure becomes a "fail" or "invalid" tag and a log line (fail-open).
 * When the store cannot be written, the message goes to SpoolDirectory
 * (spool.h) for the replay thread, and the tag is the same as it would
 * have been.
 */
#ifndef TLSRPT_VERDICT_H
#define TLSRPT_VERDICT_H

#include <stddef.h>

#include "dkim_auth.h"
#include "runtime.h"
#include "store.h"
#include "tag.h"

struct verdict_input {
	const struct runtime *rt;
	const char *qid;		/* may be NULL */
	const char *from_addr;		/* "" when the message has no From */
	const char *from_domain;
	const char *message;		/* headers + blank line + body */
	size_t len;
	int oversize;			/* buffering stopped at MaxMessageSize */
	struct dkim_auth_msg *dkim;	/* AuthMode dkim: fed headers and body */
	const char *const *authres;	/* AuthMode authres: the header values */
	size_t n_authres;
	/*
	 * The envelope, for ReportAddresses: HAVE_ENVELOPE when the
	 * recipients were seen at all (the milter); N_RCPTS of them;
	 * STRAY_RCPT the first that matched no ReportAddresses pattern,
	 * NULL when every one did.
	 */
	int have_envelope;
	unsigned n_rcpts;
	const char *stray_rcpt;
};

struct verdict {
	enum tag_verdict verdict;
	char tag[2048];			/* the tag header value, folded */
	unsigned reports;		/* parsed */
	unsigned stored;		/* new rows */
	unsigned duplicates;
	unsigned spooled;		/* kept in SpoolDirectory: store failed */
	int store_failed;
	int authenticated;
	char submitter[256];		/* pass, verified: the signer, for logs */
	char report_ids[256];		/* pass, verified: comma-joined, maybe cut */
};

/*
 * Authenticate IN per AuthMode (the first step of verdict_decide): 1 when
 * authenticated, with the aligned signer in SIGNER; else 0 and a short
 * reason in WHY.  In AuthMode dkim, IN->dkim must have been fed the
 * whole message.  Logs nothing.
 */
int verdict_authenticate(const struct verdict_input *in, char *signer,
    size_t signer_len, char *why, size_t why_len);

/*
 * May the report in IN, authenticated as signed by SIGNER and parsed
 * into RES, be called "pass"?  All must hold: SIGNER matches
 * KnownReporters (recog_signer_matches(): the signer, never From or the
 * organization-name); RES->not_only_report is NULL; and when
 * ReportAddresses is set, IN has an envelope, with at least one
 * recipient, all matching.  1 when so; else 0 with the first condition
 * that failed in WHY.  Pure: no logging, no store.
 */
int verdict_trusted(const struct verdict_input *in, const char *signer,
    const struct tlsrpt_result *res, char *why, size_t why_len);

/*
 * Decide for IN.  *STORE is opened on first use (from rt->cfg->database)
 * and left open for the caller to reuse and close.
 */
void verdict_decide(const struct verdict_input *in, struct store **store,
    struct verdict *out);

#endif
