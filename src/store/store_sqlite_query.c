/*
 * store_sqlite_query.c - store_query() for SQLite: three statements over
 * the same selection of reports, each stepped row by row into the
 * visitor, so memory does not grow with the store.
 */
#include "store_sqlite.h"
#include "errbuf.h"

#include <stdint.h>

/* ?3 is one domain or a comma-separated list of them (store.h). */
#define DOMAIN_IS(t) \
	"(" t ".policy_domain = ?3 OR (instr(?3, ',') > 0 AND" \
	" instr(',' || lower(?3) || ',', ',' || lower(" t ".policy_domain) || ',') > 0))"

/*
 * The reports a filter selects; ?1 since, ?2 until, ?3 domain, ?4 all.
 * START is how the start time is named: "+r.start_time" keeps SQLite
 * off its index.
 */
#define SELECTED(START) \
	START " >= ?1 AND " START " < ?2" \
	" AND (r.verified = 1 OR ?4)" \
	" AND (?3 IS NULL OR EXISTS (SELECT 1 FROM policies dp" \
	"  WHERE dp.report_fk = r.id AND " DOMAIN_IS("dp") "))"
#define SELECTED_REPORT	SELECTED("r.start_time")
#define SELECTED_POLICY	" AND (?3 IS NULL OR " DOMAIN_IS("p") ")"

/*
 * Two plans give the same rows in the same order.  A store writes a
 * report, its policies and their details in one transaction, so ids
 * follow that order.  When the selected reports' ids lie close together,
 * the ranged plan walks the reports in that id range in id order and
 * each one's policies and details by their unique indexes, in the order
 * they were stored: nothing to sort.  When the ids are spread out (a
 * store that imported old reports after new ones), walking the range
 * would pass too many reports outside the period: the sparse plan finds
 * the reports by start time and sorts what it selected (every selected
 * row, every column) by id.  (bench/README.md has the figures.)
 */
static const char *const sql_sparse[] = {
	STORE_SQL_REPORTS(SELECTED_REPORT),
	STORE_SQL_POLICIES(SELECTED_REPORT, SELECTED_POLICY),
	STORE_SQL_FAILURES(SELECTED_REPORT, SELECTED_POLICY),
};
/* ?5, ?6: the lowest and highest id of the period's reports. */
#define IN_RANGE	"r.id >= ?5 AND r.id <= ?6 AND "
#define RANGED_REPORT	IN_RANGE SELECTED("+r.start_time")
/* The reports' statement of each plan for a brief visitor. */
static const char sql_sparse_brief[] = STORE_SQL_REPORTS_BRIEF(SELECTED_REPORT);
static const char sql_ranged_brief[] = STORE_SQL_REPORTS_BRIEF(RANGED_REPORT);
/* CROSS JOIN: SQLite keeps the reports as the outer loop. */
static const char *const sql_ranged[] = {
	STORE_SQL_REPORTS(RANGED_REPORT),
	STORE_SQL_POLICIES_BY_REPORT("CROSS JOIN", RANGED_REPORT, SELECTED_POLICY),
	STORE_SQL_FAILURES_BY_REPORT("CROSS JOIN", RANGED_REPORT, SELECTED_POLICY),
};

/*
 * The ids of the reports whose start time lies in the period, lowest
 * and highest (one walk of the start-time index), and whether they lie
 * close enough for the ranged plan: at least a quarter of the reports in
 * their range are the period's.  Below that, the reports outside the
 * period that the ranged plan walks past cost more than the sort it
 * saves.  1 ranged, 0 sparse (or none), -1 on error.
 */
static int
ranged(sqlite3 *db, const struct store_filter *filter, long long *lo, long long *hi)
{
	static const char sql[] = STORE_SQL_PERIOD_IDS("?1", "?2");
	sqlite3_stmt *st;
	long long n;
	int rc;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, store_filter_since(filter));
	sqlite3_bind_int64(st, 2, store_filter_until(filter));
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return -1;
	}
	*lo = sqlite3_column_int64(st, 0);
	*hi = sqlite3_column_int64(st, 1);
	n = sqlite3_column_int64(st, 2);
	rc = n > 0 && *hi >= *lo && (*hi - *lo) / 4 < n;
	sqlite3_finalize(st);
	return rc;
}

/* The columns of a stepped statement (ROW, a sqlite3_stmt). */
const char *
store_sqlite_col_text(const void *row, int col)
{
	return (const char *)sqlite3_column_text((sqlite3_stmt *)row, col);
}

long long
store_sqlite_col_num(const void *row, int col)
{
	return sqlite3_column_int64((sqlite3_stmt *)row, col);
}

static int
visit_row(sqlite3_stmt *st, int kind, const struct store_visitor *v)
{
	struct store_columns c = { store_sqlite_col_text, store_sqlite_col_num, st };

	return store_visit_columns((enum store_row_kind)kind, &c, v);
}

int
store_sqlite_query(sqlite3 *db, const struct store_filter *filter,
    const struct store_visitor *visitor, char *errbuf, size_t errlen)
{
	const char *const *sql;
	const int wanted[] = { visitor->report != NULL, visitor->policy != NULL,
	    visitor->failure != NULL };
	sqlite3_stmt *st = NULL;
	long long lo = 0, hi = 0;
	int kind, rc, range;

	/* One read transaction: the three passes see the same snapshot. */
	if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
		errbuf_printf(errbuf, errlen, "sqlite: query: %s", sqlite3_errmsg(db));
		return -1;
	}
	if ((range = ranged(db, filter, &lo, &hi)) < 0)
		goto db_fail;
	sql = range ? sql_ranged : sql_sparse;
	for (kind = 0; kind < 3; kind++) {
		if (!wanted[kind])
			continue;
		if (sqlite3_prepare_v2(db, kind == STORE_ROW_REPORT && visitor->brief ?
		    (range ? sql_ranged_brief : sql_sparse_brief) : sql[kind], -1, &st,
		    NULL) != SQLITE_OK)
			goto db_fail;
		sqlite3_bind_int64(st, 1, store_filter_since(filter));
		sqlite3_bind_int64(st, 2, store_filter_until(filter));
		if (filter->domain != NULL)
			sqlite3_bind_text(st, 3, filter->domain, -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(st, 3);
		sqlite3_bind_int(st, 4, filter->include_unverified != 0);
		if (range) {
			sqlite3_bind_int64(st, 5, lo);
			sqlite3_bind_int64(st, 6, hi);
		}
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			if (visit_row(st, kind, visitor) != 0) {
				errbuf_printf(errbuf, errlen, "stopped");
				goto fail;
			}
		}
		if (rc != SQLITE_DONE)
			goto db_fail;
		sqlite3_finalize(st);
		st = NULL;
	}
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	return 0;
db_fail:
	errbuf_printf(errbuf, errlen, "sqlite: query: %s", sqlite3_errmsg(db));
fail:
	sqlite3_finalize(st);
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}
