/*
 * fuzz_util.c - invariant helpers for the fuzz targets (see fuzz.h).
 */
#include "check_findings.h"
#include "fuzz.h"
#include "json_scan.h"
#include "tlsrpt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
fuzz_fail(const char *file, int line, const char *what)
{
	fprintf(stderr, "fuzz: invariant failed at %s:%d: %s\n", file, line, what);
	abort();
}

int
fuzz_utf8_ok(const char *s, size_t max)
{
	size_t len, i, n;

	if (s == NULL)
		return 1;
	/* strnlen, not strlen: a missing NUL must fail here, not read on. */
	if ((len = strnlen(s, max + 1)) > max)
		return 0;
	for (i = 0; i < len; i += n)
		if ((n = utf8_seq_len((const unsigned char *)s + i, len - i)) == 0)
			return 0;
	return 1;
}

int
fuzz_text_ok(const char *s, size_t max)
{
	size_t len, i;

	if ((len = strnlen(s, max + 1)) > max)
		return 0;
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20)
			return 0;
	return 1;
}

static void
check_json_string(const char *s, const struct tlsrpt_limits *lim)
{
	FUZZ_ASSERT(fuzz_utf8_ok(s, lim->max_string_bytes));
}

void
fuzz_check_report(const struct tlsrpt_report *r, const struct tlsrpt_limits *lim)
{
	int64_t ok = 0, fail = 0;
	size_t i, j, details = 0;

	FUZZ_ASSERT(r->source != NULL && strnlen(r->source, 1024) < 1024);
	check_json_string(r->organization_name, lim);
	check_json_string(r->contact_info, lim);
	check_json_string(r->report_id, lim);
	FUZZ_ASSERT(r->n_policies <= lim->max_policies);
	for (i = 0; i < r->n_policies; i++) {
		const struct tlsrpt_policy *p = &r->policies[i];

		FUZZ_ASSERT(p->policy_type != NULL);
		check_json_string(p->policy_type, lim);
		check_json_string(p->policy_domain, lim);
		for (j = 0; j < p->n_policy_strings; j++)
			check_json_string(p->policy_strings[j], lim);
		for (j = 0; j < p->n_mx_hosts; j++)
			check_json_string(p->mx_hosts[j], lim);
		FUZZ_ASSERT(p->total_successful >= 0 &&
		    p->total_successful <= TLSRPT_MAX_COUNT);
		FUZZ_ASSERT(p->total_failure >= 0 &&
		    p->total_failure <= TLSRPT_MAX_COUNT);
		ok += p->total_successful;
		fail += p->total_failure;
		details += p->n_details;
		for (j = 0; j < p->n_details; j++) {
			const struct tlsrpt_failure_detail *d = &p->details[j];

			FUZZ_ASSERT(d->result_type != NULL);
			check_json_string(d->result_type, lim);
			check_json_string(d->sending_mta_ip, lim);
			check_json_string(d->receiving_mx_hostname, lim);
			check_json_string(d->receiving_mx_helo, lim);
			check_json_string(d->receiving_ip, lim);
			check_json_string(d->additional_information, lim);
			check_json_string(d->failure_reason_code, lim);
			FUZZ_ASSERT(d->failed_session_count >= 0 &&
			    d->failed_session_count <= TLSRPT_MAX_COUNT);
		}
	}
	FUZZ_ASSERT(details <= lim->max_failure_details);
	FUZZ_ASSERT(r->total_successful == ok && r->total_failure == fail);
	for (i = 0; i < r->n_warnings; i++)
		FUZZ_ASSERT(r->warnings[i] != NULL && r->warnings[i][0] != '\0');
}

void
fuzz_check_findings(const struct check_report *rep)
{
	size_t i;

	FUZZ_ASSERT(rep->count <= CHECK_FINDINGS_MAX);
	for (i = 0; i < rep->count; i++) {
		const struct check_finding *f = &rep->items[i];

		FUZZ_ASSERT(f->level <= rep->worst);
		FUZZ_ASSERT(f->id != NULL && f->id[0] != '\0');
		FUZZ_ASSERT(f->msg[0] != '\0');
		FUZZ_ASSERT(memchr(f->msg, '\0', sizeof(f->msg)) != NULL);
		FUZZ_ASSERT(memchr(f->subject, '\0', sizeof(f->subject)) != NULL);
	}
}

void
fuzz_tighten_limits(size_t size, struct tlsrpt_limits *lim)
{
	if (size % 7 != 3)
		return;
	lim->max_json_depth = 4;
	lim->max_policies = 2;
	lim->max_failure_details = 3;
	lim->max_string_bytes = 64;
	lim->max_mime_depth = 2;
	lim->max_report_parts = 1;
	lim->max_mime_parts = 4;
	lim->max_inflated_bytes = 4096;
}
