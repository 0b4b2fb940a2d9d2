/*
 * dkim_auth.h - DKIM verification of a report message, with libopendkim.
 *
 * RFC 8460 section 3: a report by mail must carry a valid DKIM signature
 * by the reporting domain, without l=; others must be ignored.  A message
 * is authenticated when at least one signature passes (header and body
 * hash), has no l= tag, is not rsa-sha1 (RFC 8301), its key is not in
 * testing mode (t=y: RFC 6376 treats it as unsigned), and its d= is
 * aligned with the From domain (see align.h).  The TLS-Report-* headers
 * need not be signed (Microsoft does not sign them).  Keys with no s=,
 * s=email, s=* or s=tlsrpt are accepted (libopendkim alone refuses a bare
 * s=tlsrpt: the key lookup rewrites it).
 *
 * Bounded work: every DKIM-Signature is pre-parsed here (d=, l=, a=, a
 * linear scan) before libopendkim sees it; those with l= or a=rsa-sha1
 * are never handed to it, and of the rest at most DKIM_SIGS_MAX are,
 * those aligned with From first.  So the body is hashed at most
 * DKIM_SIGS_MAX times and at most DKIM_SIGS_MAX keys are looked up,
 * whatever the message carries.  A signature left out this way that
 * another signature covers (h= naming DKIM-Signature) makes that one
 * fail: no reporter signs that way.  The whole check has one deadline
 * (dkim_auth_set_timeout()), counted from dkim_auth_msg_new(): past it
 * no more body is hashed and no key is looked up, and the verdict is
 * FAIL unless a signature already passed.
 *
 * Keys come from DNS (dns_lookup.h: each query bounded by
 * DKIM_DNS_QUERY_SECONDS and by the deadline), or from a key file
 * (DKIMKeyFile) of lines "selector._domainkey.domain TXT-record-text" for
 * hermetic tests and sites that pin reporters' keys.  '#' starts a
 * comment line.
 *
 * One struct dkim_auth per process, shared by all threads; one
 * struct dkim_auth_msg per message, used by one thread.  Nothing logs.
 */
#ifndef TLSRPT_DKIM_AUTH_H
#define TLSRPT_DKIM_AUTH_H

#include <stddef.h>

/* Signatures handed to libopendkim per message, aligned ones first. */
#define DKIM_SIGS_MAX		5
/* One DNS key query, at most (the deadline may cut it shorter). */
#define DKIM_DNS_QUERY_SECONDS	5

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
/* The deadline of each message's check, in seconds; 0 means none. */
void dkim_auth_set_timeout(struct dkim_auth *da, unsigned seconds);

/*
 * ID names the message in libopendkim's own bookkeeping (the queue id).
 * FROM_DOMAIN (the header From's domain, "" if none) picks the
 * signatures worth verifying; the deadline starts now.
 */
struct dkim_auth_msg *dkim_auth_msg_new(struct dkim_auth *da, const char *id,
    const char *from_domain);
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
 * "l= tag present", "no DKIM signature", "DKIM check exceeded
 * DKIMTimeout (20 s)" (then FAIL).
 */
enum dkim_verdict dkim_auth_eom(struct dkim_auth_msg *m,
    const char *from_domain, char *signer, size_t signer_len, char *why,
    size_t why_len);
void dkim_auth_msg_free(struct dkim_auth_msg *m);

#endif
