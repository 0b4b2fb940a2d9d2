/*
 * tlsrpt.h - the core: TLS-RPT report bytes in, report structs out.
 *
 * The core never logs, never exits, never touches libmilter or a database.
 * tlsrpt_parse() takes a whole mail message (LF or CRLF), a bare JSON
 * report, or a gzip'd JSON report, decides which by content, and returns
 * either a result holding one or more reports, or a precise error.
 *
 * Ownership: everything reachable from a struct tlsrpt_result (reports,
 * strings, warnings) lives in the result and goes with
 * tlsrpt_result_free().  Errors come back in a caller-provided
 * struct tlsrpt_error: a code (stable, named by tlsrpt_errcode_name())
 * and a message naming where and why, such as
 * "part 2 (application/tlsrpt+gzip): inflate: truncated input".
 *
 * Threads: call tlsrpt_library_init() once before any thread parses;
 * after that tlsrpt_parse() is reentrant (no shared mutable state).
 */
#ifndef TLSRPT_TLSRPT_H
#define TLSRPT_TLSRPT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* Hard limits on hostile input; each one, when hit, is a named error. */
struct tlsrpt_limits {
	size_t max_message_bytes;	/* whole input */
	size_t max_inflated_bytes;	/* per payload, after gunzip */
	unsigned max_inflate_ratio;	/* inflated/compressed, beyond 1 MiB out */
	unsigned max_json_depth;	/* nesting of arrays and objects */
	size_t max_policies;		/* per report */
	size_t max_failure_details;	/* per report, all policies together */
	size_t max_string_bytes;	/* one JSON string value */
	unsigned max_mime_depth;	/* multipart and message/rfc822 nesting */
	size_t max_report_parts;	/* report parts in one message */
	size_t max_mime_parts;		/* MIME boundary lines, before GMime parses */
};

#define TLSRPT_DEFAULT_MAX_MESSAGE	(10u * 1024 * 1024)
#define TLSRPT_DEFAULT_MAX_INFLATED	(32u * 1024 * 1024)
#define TLSRPT_DEFAULT_MAX_RATIO	250u
#define TLSRPT_DEFAULT_MAX_DEPTH	16u
#define TLSRPT_DEFAULT_MAX_POLICIES	1000u
#define TLSRPT_DEFAULT_MAX_DETAILS	200000u
#define TLSRPT_DEFAULT_MAX_STRING	(64u * 1024)
#define TLSRPT_DEFAULT_MAX_MIME_DEPTH	8u
#define TLSRPT_DEFAULT_MAX_PARTS	32u
#define TLSRPT_DEFAULT_MAX_MIME_PARTS	1000u

/* Fill LIM with the defaults above. */
void tlsrpt_limits_default(struct tlsrpt_limits *lim);

enum tlsrpt_errcode {
	TLSRPT_OK = 0,
	TLSRPT_E_EMPTY,			/* no bytes at all */
	TLSRPT_E_UNRECOGNIZED,		/* neither MIME, JSON nor gzip */
	TLSRPT_E_NO_REPORT,		/* a message without any report part */
	TLSRPT_E_MIME,			/* MIME structure or transfer encoding */
	TLSRPT_E_INFLATE,		/* gzip/zlib stream broken */
	TLSRPT_E_JSON,			/* not well-formed JSON */
	TLSRPT_E_ENCODING,		/* JSON text is not valid UTF-8 */
	TLSRPT_E_SCHEMA,		/* JSON, but not an RFC 8460 report */
	TLSRPT_E_LIMIT_MESSAGE,
	TLSRPT_E_LIMIT_INFLATED,
	TLSRPT_E_LIMIT_RATIO,
	TLSRPT_E_LIMIT_DEPTH,
	TLSRPT_E_LIMIT_POLICIES,
	TLSRPT_E_LIMIT_DETAILS,
	TLSRPT_E_LIMIT_STRING,
	TLSRPT_E_LIMIT_MIME_DEPTH,
	TLSRPT_E_LIMIT_PARTS,
	TLSRPT_E_LIMIT_MIME_PARTS,
	TLSRPT_E_NOMEM,
	TLSRPT_E__COUNT
};

struct tlsrpt_error {
	enum tlsrpt_errcode code;
	char message[512];
};

/* "inflate", "limit-inflated-size", ...: stable names for logs and tags. */
const char *tlsrpt_errcode_name(enum tlsrpt_errcode code);
/* True for the TLSRPT_E_LIMIT_* codes. */
int tlsrpt_errcode_is_limit(enum tlsrpt_errcode code);

/* Counts are JSON integers in 0..2^53; anything else is an error. */
#define TLSRPT_MAX_COUNT	(((int64_t)1) << 53)

struct tlsrpt_failure_detail {
	const char *result_type;		/* verbatim, never NULL */
	const char *sending_mta_ip;		/* NULL when absent or "" */
	const char *receiving_mx_hostname;
	const char *receiving_mx_helo;
	const char *receiving_ip;
	const char *additional_information;	/* or additional-info-uri */
	const char *failure_reason_code;
	int64_t failed_session_count;
	/*
	 * 0 as parsed.  In the copy a store writes (store_fold_report()), a
	 * row standing for this many details folded beyond the store's cap.
	 */
	int64_t folded_details;
};

struct tlsrpt_policy {
	const char *policy_type;		/* verbatim, never NULL */
	const char *policy_domain;		/* NULL when absent */
	const char **policy_strings;		/* normalized to a list */
	size_t n_policy_strings;
	const char **mx_hosts;			/* "mx: " prefix removed */
	size_t n_mx_hosts;
	int64_t total_successful;
	int64_t total_failure;
	struct tlsrpt_failure_detail *details;
	size_t n_details;
};

struct tlsrpt_report {
	const char *source;			/* "" or "part N (type)" */
	unsigned part_index;			/* 0 when not from MIME */
	const char *organization_name;
	const char *contact_info;		/* NULL when absent or null */
	const char *report_id;
	time_t start;				/* UTC */
	time_t end;
	struct tlsrpt_policy *policies;
	size_t n_policies;
	int64_t total_successful;		/* sums over the policies */
	int64_t total_failure;
	const char **warnings;			/* inconsistencies, not errors */
	size_t n_warnings;
};

struct tlsrpt_result {
	struct tlsrpt_report *reports;
	size_t n_reports;
	/* Message-level warnings, e.g. a second report part that failed. */
	const char **warnings;
	size_t n_warnings;
	unsigned failed_parts;			/* report parts that yielded nothing */
	/*
	 * NULL when the input is a message that is only a report (RFC 8460
	 * section 5.3, see mime.h); else why not ("part 3 is
	 * application/octet-stream", "not a mail message").
	 */
	const char *not_only_report;
	struct arena *arena;
};

/* Once per process, before threads: initializes GMime. */
void tlsrpt_library_init(void);
void tlsrpt_library_shutdown(void);

/*
 * Parse DATA/LEN.  On success returns TLSRPT_OK and sets *result_r (at
 * least one report).  Otherwise returns the error code, fills *err_r and
 * sets *result_r to NULL.  LIM may be NULL for the defaults.
 */
enum tlsrpt_errcode tlsrpt_parse(const char *data, size_t len,
    const struct tlsrpt_limits *lim, struct tlsrpt_result **result_r,
    struct tlsrpt_error *err_r);

void tlsrpt_result_free(struct tlsrpt_result *result);

/*
 * What DATA/LEN is, by content alone, as tlsrpt_parse() decides it: the
 * first kilobyte is enough.  An mbox is a message behind a "From " line
 * (and may hold more messages); UNKNOWN is what tlsrpt_parse() calls
 * unrecognized.
 */
enum tlsrpt_kind {
	TLSRPT_KIND_EMPTY = 0,
	TLSRPT_KIND_GZIP,
	TLSRPT_KIND_JSON,
	TLSRPT_KIND_MESSAGE,
	TLSRPT_KIND_MBOX,
	TLSRPT_KIND_UNKNOWN
};
enum tlsrpt_kind tlsrpt_sniff(const char *data, size_t len);

#endif
