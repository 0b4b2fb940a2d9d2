/*
 * tlsrpt_record.h - check a TLS-RPT DNS record against RFC 8460 section 3.
 *
 * Pure: (data, len) in, a summary and findings out; no I/O, no
 * allocation.  DATA is the record as senders see it, the TXT strings
 * already concatenated.  DOMAIN (may be NULL) is the policy domain the
 * record is published for; with it, report addresses elsewhere are
 * flagged.  Findings go to REP under its current subject; the record's
 * URIs are described by offsets into DATA.
 *
 * Failures (the record is ignored or reports cannot be delivered):
 * version not first or misspelt, no rua, a URI that is not mailto: or
 * https:, raw ",", "!" or ";" or other non-URI characters in a URI,
 * malformed field names or extension values, repeated v= or rua=.
 * Warnings: several report URIs (Microsoft delivers only to the first),
 * an address outside DOMAIN, a record over 255 bytes (must be split
 * into several strings), "v=TLSRPTv1" not followed directly by ";".
 */
#ifndef TLSRPT_TLSRPT_RECORD_H
#define TLSRPT_TLSRPT_RECORD_H

#include "check_findings.h"

#include <stddef.h>

#define TLSRPT_RECORD_MAX 4096	/* longer input is refused outright */
#define TLSRPT_RUA_MAX 16

struct tlsrpt_record {
	size_t rua_count;
	struct {
		size_t off, len;	/* into DATA */
	} rua[TLSRPT_RUA_MAX];
};

/* FLAGS: the record came from DNS, so its strings are already split. */
#define TLSRPT_RECORD_FROM_DNS 0x1

/* Returns 0 when the record is usable (no failure), -1 otherwise. */
int tlsrpt_record_check(const char *data, size_t len, const char *domain,
    unsigned flags, struct tlsrpt_record *rec_r, struct check_report *rep);

/* True when DATA starts like a TLS-RPT record, as senders select them. */
int tlsrpt_record_is_candidate(const char *data, size_t len);

#endif
