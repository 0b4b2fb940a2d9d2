/*
 * check_observed.h - what a live check saw, as data, for the probe
 * history (`tlsrpt check --record`, `tlsrpt watch`): the domain's TLS-RPT
 * record, MTA-STS id and policy, and per MX host what its STARTTLS
 * served and the TLSA records published for it.
 *
 * The caller hangs a struct check_observed (check_observed_new()) on
 * check_report.obs before check_live_domain(); the checkers fill it
 * through the functions below, which do nothing when rep->obs is NULL,
 * and check_observed_finish() adds what the findings say: the result
 * type a sender would report, per host and for the policy.  Fixed-size,
 * bounded fields; longer data is cut.
 */
#ifndef TLSRPT_CHECK_OBSERVED_H
#define TLSRPT_CHECK_OBSERVED_H

#include "check_findings.h"
#include "dns_lookup.h"
#include "smtp_probe.h"
#include "sts_policy.h"
#include "tlsa.h"

#include <stddef.h>

#define CHECK_OBS_MX_MAX	16
#define CHECK_OBS_TLSA_LINE	160	/* "U S M HEX(64 bytes) no-match" */

struct check_obs_mx {
	char host[256];
	const char *result_type;	/* from the findings, or NULL */
	int sts_covered;		/* 1 an mx: line matches, 0 none, -1 no policy */
	int starttls;			/* 1 offered, 0 not, -1 not reached */
	char tls_version[32];		/* "" without TLS */
	long long not_after;		/* unix time; 0 without a certificate */
	char names[512];		/* SAN dNSNames, ", "-joined */
	char spki_sha256[65];		/* hex; "" without a certificate */
	int tlsa_match;			/* usable records matching; -1 no TLSA */
	int tlsa_dnssec;		/* 1: the resolver set the AD bit */
	char tlsa[DNS_RR_MAX * CHECK_OBS_TLSA_LINE];	/* lines, or "" */
};

struct check_observed {
	const char *result_type;	/* the policy's, from the findings */
	int has_record;
	char tlsrpt_record[DNS_TXT_MAX + 1];	/* candidates, "\n"-joined */
	char sts_id[STS_ID_MAX + 1];		/* "" without a usable TXT */
	const char *sts_mode;		/* sts_mode_name(), or NULL */
	long sts_max_age;		/* -1 */
	int has_policy;
	char sts_policy[STS_POLICY_MAX + 1];
	size_t mx_count;
	struct check_obs_mx mx[CHECK_OBS_MX_MAX];
};

/* Zeroed but for the "absent" values; NULL when out of memory. */
struct check_observed *check_observed_new(void);
void check_observed_free(struct check_observed *obs);

/* HOST's entry, added when new; NULL when full or rep->obs is NULL. */
struct check_obs_mx *check_obs_mx(struct check_report *rep, const char *host);

/* The TXT records at _smtp._tls that start with v=TLSRPTv1. */
void check_observe_record(struct check_report *rep, const struct dns_txt *txt);
void check_observe_sts_id(struct check_report *rep, const char *id);
void check_observe_sts_policy(struct check_report *rep, const char *text,
    size_t len, const struct sts_policy *pol);
void check_observe_covered(struct check_report *rep, const char *host,
    int covered);
/* What the SMTP probe of HOST got. */
void check_observe_probe(struct check_report *rep, const char *host,
    const struct smtp_probe *p);
/* The TLSA records of HOST, matched against CHAIN (N certificates). */
void check_observe_tlsa(struct check_report *rep, const char *host,
    const struct dns_tlsa *t, const struct tlsa_cert *chain, size_t n);

/* Result types from the findings; call once the checks are done. */
void check_observed_finish(struct check_report *rep);

#endif
