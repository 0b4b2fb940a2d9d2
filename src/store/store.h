/*
 * store.h - where verified reports are recorded: one interface, a backend
 * per engine (store_sqlite.c, store_pgsql.c), chosen by the scheme of the
 * Database URI: "sqlite:/var/lib/tlsrpt-milter/tlsrpt.db" or a libpq URI,
 * "postgresql://tlsrpt@db.example.net:5432/tlsrpt".
 *
 * A handle is used by one thread at a time; open one per milter
 * connection or per CLI run.  Storing a report is one transaction: either
 * the report with all its policies and failure details lands, or nothing
 * does.  A report delivered twice (two rua addresses, two MX hosts, a
 * retry) is stored once: reports are unique on (organization-name,
 * report-id, start, end, policy domains, signer), the signer being who
 * signed it (store_signer_key()).  So a copy signed by anyone else, or
 * not authenticated at all, can never take the place of the reporter's
 * own: it is stored beside it, under its own signer.  Errors come back as
 * a status plus a message in ERRBUF; nothing here logs or exits.
 */
#ifndef TLSRPT_STORE_H
#define TLSRPT_STORE_H

#include <stddef.h>
#include <time.h>

#include "tlsrpt.h"

struct store;

/* Where the report came from: the message that carried it. */
struct store_provenance {
	const char *queue_id;		/* MTA queue id, or NULL */
	const char *mail_from;		/* header From address, or NULL */
	const char *dkim_domain;	/* authenticated signer (d=), or NULL */
	const char *auth_method;	/* "dkim", "authres", "none", "import" */
	const char *source;		/* "part 2 (application/tlsrpt+gzip)" */
	time_t received;		/* when the milter saw it */
	int verified;			/* 1 authenticated, 0 RecordUnverified */
};

enum store_status {
	STORE_STORED = 0,	/* a new report */
	STORE_DUPLICATE,	/* already there; counted once */
	STORE_ERROR		/* nothing written; ERRBUF says why */
};

/* What a Database URI cannot say; every member may be NULL. */
struct store_options {
	/*
	 * A libpq password file ("host:port:db:user:password" lines, mode
	 * 0600), the DatabasePasswordFile key; NULL or "" leaves libpq to its
	 * own (PGPASSFILE, ~/.pgpass).  SQLite ignores it.  It is never read
	 * here and no password ever appears in ERRBUF.
	 */
	const char *password_file;
	/*
	 * For commands that only read: a missing SQLite file is an error
	 * (pointing at `tlsrpt db migrate`), never a new empty store.
	 */
	int must_exist;
};

/*
 * Open (creating and migrating the schema as needed); NULL + ERRBUF on
 * error.  OPT may be NULL; store_open() is store_open_with(URI, NULL, ...).
 */
struct store *store_open_with(const char *uri, const struct store_options *opt,
    char *errbuf, size_t errlen);
struct store *store_open(const char *uri, char *errbuf, size_t errlen);

/*
 * Store REP as store_fold_report() caps it.  On STORE_STORED, ERRBUF is ""
 * or, when details were folded, a note saying how many (to be logged); on
 * STORE_DUPLICATE it is "".
 */
enum store_status store_put_report(struct store *st,
    const struct tlsrpt_report *rep, const struct store_provenance *prov,
    char *errbuf, size_t errlen);

/*
 * Bounded work per report: every later `tlsrpt report` reads what is
 * stored, so a stored report keeps at most STORE_MAX_DETAILS_PER_POLICY
 * failure details per policy and STORE_MAX_DETAILS_PER_REPORT in all, in
 * the order they came.  Each detail beyond is folded into one row per
 * result type of its policy: the row has the sum of their sessions, the
 * number of details in folded_details, no other field, and its result
 * type is the detail's when registered (result_types.h), else
 * STORE_FOLDED_TYPE, so at most a dozen rows per policy.  Real reports
 * carry a handful of details per policy.
 */
#define STORE_MAX_DETAILS_PER_POLICY	100
#define STORE_MAX_DETAILS_PER_REPORT	1000
#define STORE_FOLDED_TYPE		"(other)"

struct store_fold {
	struct tlsrpt_report rep;	/* REP, its policies replaced */
	struct tlsrpt_policy *policies;
	const struct tlsrpt_report *orig;
	int64_t folded;			/* details folded */
	size_t rows;			/* rows they became */
};

/*
 * REP as it is stored: REP itself when within the caps, else FOLD->rep,
 * a copy that shares REP's strings (FOLD->folded > 0).  NULL when out of
 * memory.  store_fold_free() releases FOLD either way.
 */
const struct tlsrpt_report *store_fold_report(const struct tlsrpt_report *rep,
    struct store_fold *fold);
void store_fold_free(struct store_fold *fold);

/*
 * The read side, for `tlsrpt report`: which reports to read.  A report is
 * in when its start time lies in [SINCE, UNTIL) (0 = unbounded), it is
 * verified (or INCLUDE_UNVERIFIED), and, with DOMAIN, one of its policies
 * is for DOMAIN (compared without regard to case); then only that
 * domain's policies and failure details are visited.  DOMAIN may be a
 * comma-separated list (no spaces): then any of them, as one selection.
 */
struct store_filter {
	time_t since;
	time_t until;
	const char *domain;
	int include_unverified;
};

/*
 * Rows as visited; strings are NULL when absent and live for the call.
 * store_pipe.c copies each string field by name: a new one goes into its
 * lists too (test_store_pipe checks every field).
 */
struct store_report_row {
	long long id;
	const char *organization_name;
	const char *contact_info;
	const char *report_id;
	time_t start, end;
	time_t received;		/* 0 when unknown */
	int verified;
	long long successful, failed;	/* over all its policies */
	const char *dkim_domain;	/* the signer it was verified by, or NULL */
};

struct store_policy_row {
	long long id;
	long long report;		/* store_report_row.id */
	const char *policy_type;	/* "sts", "tlsa", "no-policy-found" */
	const char *policy_domain;
	const char *mx_hosts;		/* a JSON array of strings */
	long long successful, failed;
	const char *policy_strings;	/* a JSON array of strings */
};

struct store_failure_row {
	long long policy;		/* store_policy_row.id */
	const char *result_type;
	const char *sending_mta_ip;
	const char *receiving_mx_hostname;
	const char *receiving_mx_helo;
	const char *receiving_ip;
	const char *additional_information;
	const char *failure_reason_code;
	long long failed;
	long long folded;		/* details this row stands for; 0 */
};

/*
 * Callbacks return 0 to go on, non-zero to stop the query.  Every report
 * row comes before any policy row, every policy row before any failure
 * row: reports in id order, policies in their reports' order and failure
 * details in their policies', each in the order its report listed them
 * (id order too in a store written one report at a time).  A NULL
 * callback skips that kind.  The callbacks run in the calling thread
 * while the backend steps in a second one (store_pipe.c); they must not
 * use the store themselves.
 */
struct store_visitor {
	void *ctx;
	int (*report)(void *ctx, const struct store_report_row *row);
	int (*policy)(void *ctx, const struct store_policy_row *row);
	int (*failure)(void *ctx, const struct store_failure_row *row);
	/*
	 * Non-zero: report rows carry only their id, start, verified,
	 * dkim_domain and contact_info (the other strings NULL, numbers 0),
	 * which the store reads in half the time.
	 */
	int brief;
};

/*
 * Visit what FILTER selects.  0 when done; -1 when the store failed
 * (ERRBUF says why) or a callback stopped it ("stopped" in ERRBUF).
 */
int store_query(struct store *st, const struct store_filter *filter,
    const struct store_visitor *visitor, char *errbuf, size_t errlen);

/*
 * Retention: delete the reports whose date range ended before CUTOFF,
 * with their policies and failure details, BATCH reports per transaction
 * (0: STORE_PRUNE_BATCH), pausing between batches so a milter waiting to
 * write gets in; no transaction holds the write lock for long.  Each
 * pruned report leaves its dedup key (signer included) behind for
 * STORE_PRUNE_KEEP_KEYS seconds, so a late resend of it is still a
 * STORE_DUPLICATE; older keys are dropped by the same run.  With DRY_RUN
 * nothing is written and the counts say what would go.  NOW is the clock
 * (0: time(NULL)).  0 with the counts filled, or -1 + ERRBUF (the counts
 * then say what the batches committed so far removed).
 */
#define STORE_PRUNE_BATCH	500
#define STORE_PRUNE_KEEP_KEYS	(10 * 86400)

struct store_prune {
	time_t cutoff;			/* in: end_time before it goes */
	time_t now;			/* in: 0 = time(NULL) */
	size_t batch;			/* in: reports per transaction */
	int dry_run;			/* in */
	int (*stop)(void *arg);		/* in, or NULL: non-zero ends the run */
	void *arg;			/*   between batches (returns 0) */
	long long reports, policies, details;	/* out: pruned (or would be) */
	long long batches;		/* out: transactions committed */
	long long longest_ms;		/* out: the longest one, milliseconds */
	long long keys_expired;		/* out: old dedup keys dropped */
	long long probes;		/* out: probe rows before CUTOFF (below) */
};

int store_prune(struct store *st, struct store_prune *pr, char *errbuf,
    size_t errlen);

/*
 * Probe history: what the receiving side looked like to a sender when
 * `tlsrpt check --record` or `tlsrpt watch` last looked.  One row per
 * domain (MX "") with its records and policy, and one per MX host with
 * what its STARTTLS served.  store_put_probes() writes a row only when it
 * differs (store_probe_same()) from the last row stored for its (domain,
 * MX), or that row is STORE_PROBE_HEARTBEAT seconds old or more; every
 * run also sets the domain's last run.  Prune deletes probe rows whose
 * time is before its cutoff.  Strings are NULL when absent.
 */
#define STORE_PROBE_HEARTBEAT	86400
#define STORE_PROBE_MAX_ROWS	65	/* a domain and its MX hosts per run */

struct store_probe_row {
	time_t time;			/* when probed */
	const char *domain;		/* lower case */
	const char *mx;			/* "" for the domain's own row */
	const char *result_type;	/* what a sender would report, or NULL */
	/* MX rows: */
	int starttls;			/* 1 offered, 0 not, -1 not reached */
	const char *tls_version;	/* "TLSv1.3", or NULL without TLS */
	time_t cert_not_after;		/* 0 without a certificate */
	const char *cert_names;		/* "a.example, b.example" */
	const char *spki_sha256;	/* hex, of the served leaf's SPKI */
	const char *tlsa;		/* lines "U S M HEX match|no-match|unusable" */
	int tlsa_dnssec;		/* 1 the TLSA answer was DNSSEC-validated */
	int tlsa_match;			/* records matching the chain; -1 no TLSA */
	int sts_covered;		/* 1 an mx: line matches, 0 none, -1 no policy */
	/* The domain row: */
	const char *tlsrpt_record;	/* the _smtp._tls TXT record */
	const char *sts_id;		/* the _mta-sts TXT id= */
	const char *sts_mode;		/* "enforce", ... */
	long long sts_max_age;		/* -1 when absent */
	const char *sts_policy;		/* the policy text as served */
};

/*
 * Store the rows of one run of one domain (N at most STORE_PROBE_MAX_ROWS,
 * all with ROWS[0]'s domain and time) in one transaction.  *STORED_R gets
 * how many were written.  0, or -1 + ERRBUF.
 */
int store_put_probes(struct store *st, const struct store_probe_row *rows,
    size_t n, size_t *stored_r, char *errbuf, size_t errlen);

/*
 * Visit the probe rows of FILTER's domain (every domain when NULL) whose
 * time is before FILTER->until (0 = unbounded), ordered by domain, MX and
 * time; then each domain's last run.  SINCE and INCLUDE_UNVERIFIED are
 * ignored: the rows before the period say what was current in it.
 * Callbacks as in store_visitor; either may be NULL.
 */
struct store_probe_visitor {
	void *ctx;
	int (*row)(void *ctx, const struct store_probe_row *row);
	int (*run)(void *ctx, const char *domain, time_t last_run);
};

int store_query_probes(struct store *st, const struct store_filter *filter,
    const struct store_probe_visitor *visitor, char *errbuf, size_t errlen);

/* True when A and B say the same (every field but the time). */
int store_probe_same(const struct store_probe_row *a,
    const struct store_probe_row *b);

/*
 * Should NEW be written after LAST (NULL: nothing stored yet)?  When it
 * differs, or LAST is STORE_PROBE_HEARTBEAT old.
 */
int store_probe_due(const struct store_probe_row *last,
    const struct store_probe_row *new_row);

void store_close(struct store *st);

/* The schema version this build writes (for `tlsrpt` and tests). */
int store_schema_version(void);

/*
 * For backends: the dedup form of a report's policy domains (lower-cased,
 * sorted, unique, joined with ","; policies without a domain add nothing),
 * and STRINGS as a compact JSON array.  Both malloc'd; NULL when out of
 * memory.
 */
char *store_policy_domains_key(const struct tlsrpt_report *rep);
char *store_json_array(const char *const *strings, size_t n);

/*
 * For backends: the signer part of the dedup key, in BUF: PROV's
 * dkim_domain lower-cased when PROV is verified, "" when it is not (or
 * PROV is NULL), so every unverified copy shares one key and none shares
 * a verified one's.  -1 when the domain does not fit BUF (a domain name
 * has at most 253 characters; STORE_SIGNER_MAX leaves room), else 0.
 */
#define STORE_SIGNER_MAX	256
int store_signer_key(const struct store_provenance *prov, char *buf,
    size_t size);

#endif
