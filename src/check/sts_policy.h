/*
 * sts_policy.h - check MTA-STS (RFC 8461) texts: the policy file served
 * at https://mta-sts.DOMAIN/.well-known/mta-sts.txt, the _mta-sts TXT
 * record, and whether an MX host matches a policy's mx patterns.
 *
 * Pure: (data, len) in, a parsed summary and findings out; no I/O, no
 * allocation.  Findings go to REP under its current subject; policy
 * failures carry the result type sts-policy-invalid, the one a sender
 * reports when it cannot use the policy.
 */
#ifndef TLSRPT_STS_POLICY_H
#define TLSRPT_STS_POLICY_H

#include "check_findings.h"

#include <stddef.h>

#define STS_POLICY_MAX 65536	/* bytes; senders we know use 64 KiB */
#define STS_MX_MAX 64
#define STS_MAX_AGE_MAX 31557600L	/* RFC 8461 section 3.2: one year */
#define STS_ID_MAX 32

enum sts_mode { STS_MODE_UNSET, STS_MODE_NONE, STS_MODE_TESTING,
	STS_MODE_ENFORCE };

struct sts_policy {
	enum sts_mode mode;
	long max_age;			/* -1 when absent or invalid */
	size_t mx_count;
	char mx[STS_MX_MAX][256];	/* lower-case, NUL-terminated */
};

/* Returns 0 when senders can use the policy, -1 otherwise. */
int sts_policy_check(const char *data, size_t len, struct sts_policy *pol_r,
    struct check_report *rep);

/*
 * The _mta-sts.DOMAIN TXT record, "v=STSv1; id=ID".  ID_R (at least
 * STS_ID_MAX + 1 bytes) gets the id.  Returns 0 when usable, -1 otherwise.
 */
int sts_txt_check(const char *data, size_t len, char *id_r,
    struct check_report *rep);

/* True when DATA starts like an MTA-STS TXT record ("v=STSv1"). */
int sts_txt_is_candidate(const char *data, size_t len);

/*
 * True when HOST (an MX name, a trailing dot allowed) matches PATTERN
 * ("mx.example.com" or "*.example.com", one leftmost label only), as
 * RFC 8461 section 4.1 says; case-insensitive.
 */
int sts_mx_match(const char *pattern, const char *host);

const char *sts_mode_name(enum sts_mode mode);

#endif
