/*
 * store_pgsql_query.c - store_query() for PostgreSQL: the same three
 * selections as the SQLite backend, in one REPEATABLE READ transaction so
 * they agree, each read in single-row mode so a million failure details
 * never sit in memory at once.
 *
 * Policies and failure details come in their reports' order, as each
 * report lists them, through nested loops from the selected reports
 * down the unique indexes (report_fk, policy_index) and (policy_fk,
 * detail_index): the rows stream from the first, whatever share of the
 * store the period holds.  Left to itself, the planner joins by hash once
 * a period holds most of the store and sorts every failure detail before
 * it sends one, while the report waits; the transaction turns hash and
 * merge joins off before the failure details' statement (bench/README.md
 * has the plans and their times).  The policies, a tenth as many, are
 * sorted as fast as they stream.
 *
 * Every statement also names the id range of the period's reports, found
 * first through the start-time index.  Without it the nested loops start
 * from a scan of every report in the store, filtered by start time: over
 * a month of a year's store that scan was a third of the failure
 * details' statement.  The range only narrows what is walked: the start
 * time still selects, so reports imported out of order are still found.
 */
#include "store_pgsql.h"
#include "errbuf.h"

#include <stdio.h>
#include <stdlib.h>

/* $3 is one domain or a comma-separated list of them (store.h); the
 * column's collation ignores case. */
#define DOMAIN_IS(t) \
	t ".policy_domain = ANY (string_to_array($3::text, ','))"

/* $5, $6: the lowest and highest id of the period's reports (period_ids()). */
#define SELECTED_REPORT \
	"r.id >= $5::bigint AND r.id <= $6::bigint" \
	" AND r.start_time >= $1::bigint AND r.start_time < $2::bigint" \
	" AND (r.verified = 1 OR $4::boolean)" \
	" AND ($3::text IS NULL OR EXISTS (SELECT 1 FROM policies dp" \
	"  WHERE dp.report_fk = r.id AND " DOMAIN_IS("dp") "))"
#define SELECTED_POLICY	" AND ($3::text IS NULL OR " DOMAIN_IS("p") ")"

static const char sql_reports[] = STORE_SQL_REPORTS(SELECTED_REPORT);
static const char sql_reports_brief[] = STORE_SQL_REPORTS_BRIEF(SELECTED_REPORT);
static const char sql_policies[] =
    STORE_SQL_POLICIES_BY_REPORT("JOIN", SELECTED_REPORT, SELECTED_POLICY);
static const char sql_failures[] =
    STORE_SQL_FAILURES_BY_REPORT("JOIN", SELECTED_REPORT, SELECTED_POLICY);

/* The columns of row I of RES (ROW, a struct pgsql_row). */
const char *
pgsql_col_text(const void *row, int col)
{
	const struct pgsql_row *r = row;

	return PQgetisnull(r->res, r->i, col) ? NULL :
	    PQgetvalue(r->res, r->i, col);
}

long long
pgsql_col_num(const void *row, int col)
{
	const struct pgsql_row *r = row;

	return PQgetisnull(r->res, r->i, col) ? 0 :
	    strtoll(PQgetvalue(r->res, r->i, col), NULL, 10);
}

static int
visit_row(const PGresult *res, int kind, const struct store_visitor *v)
{
	struct pgsql_row r = { res, 0 };
	struct store_columns c = { pgsql_col_text, pgsql_col_num, &r };

	return store_visit_columns((enum store_row_kind)kind, &c, v);
}

static int
simple(PGconn *conn, const char *sql)
{
	PGresult *res = PQexec(conn, sql);
	int ok = PQresultStatus(res) == PGRES_COMMAND_OK;

	PQclear(res);
	return ok ? 0 : -1;
}

/* Drain what is left of a query that was stopped or failed. */
static void
drain(PGconn *conn)
{
	PGresult *res;

	while ((res = PQgetResult(conn)) != NULL)
		PQclear(res);
}

/*
 * The lowest and highest id of the reports that start in the period,
 * as text into LO and HI: 1, 0 when there is none, -1 with ERRBUF set.
 */
static int
period_ids(PGconn *conn, const char *const params[2], char lo[32], char hi[32],
    char *errbuf, size_t errlen)
{
	PGresult *res = PQexecParams(conn,
	    STORE_SQL_PERIOD_IDS("$1::bigint", "$2::bigint"), 2, NULL, params, NULL, NULL, 0);
	int rc = -1;

	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1)
		errbuf_printf(errbuf, errlen, "postgresql: query: %s",
		    PQresultErrorMessage(res));
	else if (PQgetisnull(res, 0, 0) || PQgetisnull(res, 0, 1))
		rc = 0;
	else {
		snprintf(lo, 32, "%s", PQgetvalue(res, 0, 0));
		snprintf(hi, 32, "%s", PQgetvalue(res, 0, 1));
		rc = 1;
	}
	PQclear(res);
	return rc;
}

/* One selection; 0, -1 with ERRBUF set. */
static int
run_one(PGconn *conn, int kind, const char *const params[6],
    const struct store_visitor *v, char *errbuf, size_t errlen)
{
	static const char *const sql[] = { sql_reports, sql_policies, sql_failures };
	PGresult *res;
	int stopped = 0, failed = 0;

	if (!PQsendQueryParams(conn, kind == STORE_ROW_REPORT && v->brief ?
	    sql_reports_brief : sql[kind], 6, NULL, params, NULL, NULL, 0) ||
	    !PQsetSingleRowMode(conn)) {
		errbuf_printf(errbuf, errlen, "postgresql: query: %s",
		    PQerrorMessage(conn));
		drain(conn);
		return -1;
	}
	while ((res = PQgetResult(conn)) != NULL) {
		ExecStatusType status = PQresultStatus(res);

		if (status == PGRES_SINGLE_TUPLE && !stopped && !failed) {
			if (visit_row(res, kind, v) != 0)
				stopped = 1;
		} else if (status != PGRES_TUPLES_OK && status != PGRES_SINGLE_TUPLE &&
		    !failed) {
			errbuf_printf(errbuf, errlen, "postgresql: query: %s",
			    PQresultErrorMessage(res));
			failed = 1;
		}
		PQclear(res);
	}
	if (stopped && !failed)
		errbuf_printf(errbuf, errlen, "stopped");
	return stopped || failed ? -1 : 0;
}

int
store_pgsql_query(PGconn *conn, const struct store_filter *filter,
    const struct store_visitor *visitor, char *errbuf, size_t errlen)
{
	const int wanted[] = { visitor->report != NULL, visitor->policy != NULL,
	    visitor->failure != NULL };
	char since[32], until[32], lo[32] = "", hi[32] = "";
	const char *params[6];
	int kind, rc = 0, any;

	snprintf(since, sizeof(since), "%lld", store_filter_since(filter));
	snprintf(until, sizeof(until), "%lld", store_filter_until(filter));
	params[0] = since;
	params[1] = until;
	params[2] = filter->domain;
	params[3] = filter->include_unverified ? "true" : "false";
	params[4] = lo;
	params[5] = hi;
	if (simple(conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") < 0) {
		errbuf_printf(errbuf, errlen, "postgresql: query: %s",
		    PQerrorMessage(conn));
		return -1;
	}
	if ((any = period_ids(conn, params, lo, hi, errbuf, errlen)) < 0)
		rc = -1;
	for (kind = 0; kind < 3 && rc == 0 && any; kind++) {
		if (!wanted[kind])
			continue;
		if (kind == STORE_ROW_FAILURE && simple(conn,
		    "SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off") < 0) {
			errbuf_printf(errbuf, errlen, "postgresql: query: %s",
			    PQerrorMessage(conn));
			rc = -1;
			break;
		}
		rc = run_one(conn, kind, params, visitor, errbuf, errlen);
	}
	simple(conn, rc == 0 ? "COMMIT" : "ROLLBACK");
	return rc;
}
