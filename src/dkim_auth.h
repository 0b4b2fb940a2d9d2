/*
 * dkim_auth.h - DKIM verification of a report message, with libopendkim.
 *
 * RFC 8460 section 3: a report by mail must carry a valid DKIM signature
 * by the reporting domain, without l=; others must be ignored.  A message
 * is authenticated when at least one signature passes (header and body
 * hash), has no l= tag, and its d= is aligned with the From domain (see
 * align.h).  The TLS-Report-* headers need not be signed (Microsoft does
 * not sign them).  Keys with no s=, s=email, s=* or s=tlsrpt are accepted
 * (libopendkim alone refuses a bare s=tlsrpt: the key lookup rewrites it).
 *
 * Keys come from DNS, or from a key file (DKIMKeyFile) of lines
 * "selector._domainkey.domain TXT-record-text" for hermetic tests and
 * sites that pin reporters' keys.  '#' starts a comment line.
 *
 * One struct dkim_auth per process, shared by all threads; one
 * struct dkim_auth_msg per message, used by one thread.  Nothing logs.
 */
#ifndef TLSRPT_DKIM_AUTH_H
#define TLSRPT_DKIM_AUTH_H

#include <stddef.h>

struct dkim_auth;
struct dkim_auth_msg;

enum dkim_verdict {
	DKIM_AUTH_PASS = 0,	/* aligned, passing, no l= */
	DKIM_AUTH_FAIL,		/* signatures present, none good enough */
	DKIM_AUTH_NONE,		/* no DKIM-Signature at all */
	DKIM_AUTH_TEMPERROR	/* key lookup failed for now (DNS) */
};

/* KEY_FILE NULL means DNS.  NULL + ERRBUF on error (bad key file line N). */
struct dkim_auth *dkim_auth_new(const char *key_file, char *errbuf,
    size_t errlen);
void dkim_auth_free(struct dkim_auth *da);

/* ID names the message in libopendkim's own bookkeeping (the queue id). */
struct dkim_auth_msg *dkim_auth_msg_new(struct dkim_auth *da, const char *id);
/* One header field: NAME and VALUE as the MTA hands them (no CRLF). */
int dkim_auth_header(struct dkim_auth_msg *m, const char *name,
    const char *value);
int dkim_auth_eoh(struct dkim_auth_msg *m);
/* Body bytes as received (CRLF line ends, as libmilter delivers them). */
int dkim_auth_body(struct dkim_auth_msg *m, const unsigned char *data,
    size_t len);
/*
 * Decide.  FROM_DOMAIN is the domain of the header From address.
 * *SIGNER_R (size SIGNER_LEN) gets the aligned passing d= on PASS, else
 * the first signer seen; WHY (size WHY_LEN) a short reason on FAIL/NONE,
 * e.g. "signature by unaligned domain evil.example", "body hash mismatch",
 * "l= tag present", "no DKIM signature".
 */
enum dkim_verdict dkim_auth_eom(struct dkim_auth_msg *m,
    const char *from_domain, char *signer, size_t signer_len, char *why,
    size_t why_len);
void dkim_auth_msg_free(struct dkim_auth_msg *m);

#endif
