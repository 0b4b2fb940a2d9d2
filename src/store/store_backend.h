/*
 * store_backend.h - what store.c and the engines share, private to
 * src/store/ (callers use store.h): the function table each engine
 * fills, the handle every engine's handle starts with, and the read
 * side's common parts.  No database library's header: store.c knows the
 * engines only through their tables, and each engine's own files share
 * a header of their own (store_sqlite.h, store_pgsql.h).
 */
#ifndef TLSRPT_STORE_BACKEND_H
#define TLSRPT_STORE_BACKEND_H

#include "store.h"

/* An engine; store.c dispatches on the URI scheme. */
struct store_backend {
	const char *scheme;		/* "sqlite" */
	const char *alias;		/* another name for it ("postgres"), or NULL */
	/* REST is what follows "scheme:"; OPT may be NULL (the defaults). */
	struct store *(*open)(const char *rest,
	    const struct store_options *opt, char *errbuf, size_t errlen);
	enum store_status (*put_report)(struct store *st,
	    const struct tlsrpt_report *rep,
	    const struct store_provenance *prov, char *errbuf, size_t errlen);
	int (*query)(struct store *st, const struct store_filter *filter,
	    const struct store_visitor *visitor, char *errbuf, size_t errlen);
	int (*prune)(struct store *st, struct store_prune *pr, char *errbuf,
	    size_t errlen);
	void (*close)(struct store *st);
	int (*put_probes)(struct store *st, const struct store_probe_row *rows,
	    size_t n, size_t *stored_r, char *errbuf, size_t errlen);
	int (*query_probes)(struct store *st, const struct store_filter *filter,
	    const struct store_probe_visitor *visitor, char *errbuf,
	    size_t errlen);
};

/* Every handle starts with this, so store.c can find the engine. */
struct store {
	const struct store_backend *backend;
};

extern const struct store_backend store_sqlite_backend;
extern const struct store_backend store_pgsql_backend;

/* What both backends select, in the column order store_visit_columns() reads. */
#define STORE_REPORT_COLUMNS \
	"r.id, r.organization_name, r.contact_info, r.report_id," \
	" r.start_time, r.end_time, r.received_time, r.verified," \
	" r.total_successful, r.total_failure, r.dkim_domain"
/* The same for a brief visitor (store_visitor.brief): NULL and 0 for the rest. */
#define STORE_REPORT_BRIEF_COLUMNS \
	"r.id, NULL, r.contact_info, NULL," \
	" r.start_time, 0, 0, r.verified," \
	" 0, 0, r.dkim_domain"
#define STORE_POLICY_COLUMNS \
	"p.id, p.report_fk, p.policy_type, p.policy_domain, p.mx_hosts," \
	" p.total_successful, p.total_failure, p.policy_strings"
#define STORE_FAILURE_COLUMNS \
	"f.policy_fk, f.result_type, f.sending_mta_ip," \
	" f.receiving_mx_hostname, f.receiving_mx_helo, f.receiving_ip," \
	" f.additional_information, f.failure_reason_code," \
	" f.failed_session_count, f.folded_details"

/*
 * The three statements of the read side: REPORT selects the reports
 * (alias r), POLICY the policies (alias p) among them.  SQLite's sparse
 * plan sorts the policies and failure details by id; its ranged plan and
 * PostgreSQL walk them from their reports, JOIN being the join that
 * engine's planner needs to keep to that order (store.h).
 */
/*
 * The lowest and highest id of the reports that start between SINCE and
 * UNTIL (placeholders), and their count, from the start-time index: the
 * id range both engines walk from.  count(*) also keeps PostgreSQL from
 * answering min() and max() by walking the primary key from each end.
 */
#define STORE_SQL_PERIOD_IDS(SINCE, UNTIL) \
	"SELECT min(id), max(id), count(*) FROM reports" \
	" WHERE start_time >= " SINCE " AND start_time < " UNTIL
#define STORE_SQL_REPORTS_OF(COLUMNS, REPORT) \
	"SELECT " COLUMNS " FROM reports r WHERE " REPORT " ORDER BY r.id"
#define STORE_SQL_REPORTS(REPORT) STORE_SQL_REPORTS_OF(STORE_REPORT_COLUMNS, REPORT)
#define STORE_SQL_REPORTS_BRIEF(REPORT) \
	STORE_SQL_REPORTS_OF(STORE_REPORT_BRIEF_COLUMNS, REPORT)
#define STORE_SQL_POLICIES(REPORT, POLICY) \
	"SELECT " STORE_POLICY_COLUMNS \
	" FROM policies p JOIN reports r ON r.id = p.report_fk" \
	" WHERE " REPORT POLICY " ORDER BY p.id"
#define STORE_SQL_FAILURES(REPORT, POLICY) \
	"SELECT " STORE_FAILURE_COLUMNS \
	" FROM failure_details f JOIN policies p ON p.id = f.policy_fk" \
	" JOIN reports r ON r.id = p.report_fk" \
	" WHERE " REPORT POLICY " ORDER BY f.id"
#define STORE_SQL_POLICIES_BY_REPORT(JOIN, REPORT, POLICY) \
	"SELECT " STORE_POLICY_COLUMNS \
	" FROM reports r " JOIN " policies p ON p.report_fk = r.id" \
	" WHERE " REPORT POLICY " ORDER BY r.id, p.policy_index"
#define STORE_SQL_FAILURES_BY_REPORT(JOIN, REPORT, POLICY) \
	"SELECT " STORE_FAILURE_COLUMNS \
	" FROM reports r " JOIN " policies p ON p.report_fk = r.id" \
	" " JOIN " failure_details f ON f.policy_fk = p.id" \
	" WHERE " REPORT POLICY " ORDER BY r.id, p.policy_index, f.detail_index"

/*
 * The read side in two threads (store_pipe.c).  `tlsrpt report` spends
 * most of a long period on its own work per row, and the rest waiting
 * for the store to step and decode the next one.
 * store_pipe_query() runs QUERY (a backend's query function, on ST) in a
 * second thread that copies each row into batches of bounded size, while
 * the calling thread hands the copied rows to VISITOR: the two overlap on
 * a machine with two cores.
 *
 * The contract is store_query()'s (store.h), unchanged for the caller:
 * VISITOR's callbacks run in the calling thread, in the order the backend
 * gives the rows, with strings that live for the call; a callback that
 * returns non-zero stops the query ("stopped" in ERRBUF); the backend's
 * error text comes back as it wrote it.  The backend's connection is used
 * by the second thread only, while the caller waits in this function, so
 * a callback must not use the store (none does).  When no thread can be
 * started, the query runs in the calling thread.
 *
 * Memory is bounded by HANDOFF_BUFS batches of STORE_PIPE_BYTES (one
 * row larger than that gets a batch of its own size).
 */

#define STORE_PIPE_BYTES	(256 * 1024)

typedef int (*store_pipe_fn)(struct store *st, const struct store_filter *filter,
    const struct store_visitor *visitor, char *errbuf, size_t errlen);

int store_pipe_query(store_pipe_fn query, struct store *st,
    const struct store_filter *filter, const struct store_visitor *visitor,
    char *errbuf, size_t errlen);

/* The three kinds of row, visited in this order. */
enum store_row_kind { STORE_ROW_REPORT, STORE_ROW_POLICY, STORE_ROW_FAILURE };

/*
 * The current row of a backend's result, column by column in the order
 * both backends select them; TEXT gives NULL for SQL NULL, NUM 0.
 */
struct store_columns {
	const char *(*text)(const void *row, int col);
	long long (*num)(const void *row, int col);
	const void *row;
};

/* Build the KIND row from C and hand it to VISITOR; its callback's result. */
int store_visit_columns(enum store_row_kind kind, const struct store_columns *c,
    const struct store_visitor *visitor);

/*
 * Probe rows: the columns both backends select, in the order
 * store_probe_columns() reads them.
 */
#define STORE_PROBE_COLUMNS \
	"run_time, domain, mx, result_type, starttls, tls_version," \
	" cert_not_after, cert_names, spki_sha256, tlsa, tlsa_dnssec," \
	" tlsa_match, sts_covered, tlsrpt_record, sts_id, sts_mode," \
	" sts_max_age, sts_policy"
#define STORE_PROBE_NCOLUMNS	18

/* The probe row of C's current row, its strings C's. */
void store_probe_columns(const struct store_columns *c,
    struct store_probe_row *row);

/* A monotonic clock in milliseconds, to time prune's transactions. */
long long store_clock_ms(void);

/* Both backends select with the same bounds: [since, until) as numbers. */
long long store_filter_since(const struct store_filter *filter);
long long store_filter_until(const struct store_filter *filter);

#endif
