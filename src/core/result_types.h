/*
 * result_types.h - the RFC 8460 result-type registry, decoded for admins.
 *
 * A static table: one entry per IANA-registered result type, plus a
 * fallback entry for types the table does not know.  Every string is
 * static storage; callers never free anything.  The direction is always
 * the same: a TLS-RPT report describes mail that a remote sender tried to
 * deliver TO the report's policy domain, so every fix is on the
 * receiving side (your MX hosts, DNS, MTA-STS web server).
 */
#ifndef TLSRPT_RESULT_TYPES_H
#define TLSRPT_RESULT_TYPES_H

#include <stdio.h>

struct result_type_info {
	const char *name;	/* "certificate-expired"; "" for the fallback */
	const char *category;	/* "negotiation", "policy" or "unknown" */
	const char *summary;	/* one line, <= 70 chars, no trailing period */
	const char *meaning;	/* what the sender observed */
	const char *causes;	/* likely causes on the receiving side */
	const char *confirm;	/* commands that confirm it, one per line */
	const char *fix;	/* how to fix it, may span lines */
};

/* All registered types, in RFC 8460 order; *count_r gets the number. */
const struct result_type_info *result_types_all(size_t *count_r);

/* Entry for NAME (case-insensitive), or the fallback entry when unknown. */
const struct result_type_info *result_type_lookup(const char *name);

/* True when NAME is one of the registered types. */
int result_type_is_known(const char *name);

/* Print the long explanation of one entry to FP (used by `tlsrpt explain`). */
void result_type_explain(FILE *fp, const struct result_type_info *info,
    const char *asked_name);

/*
 * The policy types of RFC 8460 section 4.4 ("sts", "tlsa",
 * "no-policy-found"): a static explanation (lines ending in "\n"), or
 * NULL when NAME is none of them.  policy_type_name(I) names the I-th,
 * NULL past the last.
 */
const char *policy_type_explanation(const char *name);
const char *policy_type_name(size_t i);

#endif
