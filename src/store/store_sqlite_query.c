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
 * Two plans give the same rows in the same order.  A short period finds
 * its reports by start time, then sorts what it selected by id.  When
 * the period holds a good share of the store, that sort (every selected
 * row, every column) costs more than walking the reports in id order and
 * each one's policies and details by their unique indexes, in the order
 * they were stored: a store writes a report, its policies and their
 * details in one transaction, so ids follow that order and no sort is
 * needed.  (bench/README.md has the figures.)
 */
static const char *const sql_short[] = {
	STORE_SQL_REPORTS(SELECTED_REPORT),
	STORE_SQL_POLICIES(SELECTED_REPORT, SELECTED_POLICY),
	STORE_SQL_FAILURES(SELECTED_REPORT, SELECTED_POLICY),
};
static const char *const sql_long[] = {
	"SELECT " STORE_REPORT_COLUMNS " FROM reports r"
	" WHERE " SELECTED("+r.start_time") " ORDER BY r.id",
	"SELECT " STORE_POLICY_COLUMNS
	" FROM reports r CROSS JOIN policies p ON p.report_fk = r.id"
	" WHERE " SELECTED("+r.start_time") SELECTED_POLICY
	" ORDER BY r.id, p.policy_index",
	"SELECT " STORE_FAILURE_COLUMNS
	" FROM reports r CROSS JOIN policies p ON p.report_fk = r.id"
	" CROSS JOIN failure_details f ON f.policy_fk = p.id"
	" WHERE " SELECTED("+r.start_time") SELECTED_POLICY
	" ORDER BY r.id, p.policy_index, f.detail_index",
};

/*
 * 1 when the period holds at least a quarter of the store's reports, 0
 * when less, -1 on error.  Below that, the reports outside the period
 * that the long plan walks past cost more than the sort it saves.  The
 * store's size is estimated from its ids: two probes instead of a count
 * of the whole table.
 */
static int
long_period(sqlite3 *db, const struct store_filter *filter)
{
	static const char sql[] =
	    "SELECT (SELECT count(*) FROM reports"
	    "  WHERE start_time >= ?1 AND start_time < ?2) * 4"
	    " >= (SELECT coalesce(max(id) - min(id) + 1, 0) FROM reports)";
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, store_filter_since(filter));
	sqlite3_bind_int64(st, 2, store_filter_until(filter));
	rc = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) != 0 : -1;
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
	int kind, rc;

	/* One read transaction: the three passes see the same snapshot. */
	if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
		errbuf_printf(errbuf, errlen, "sqlite: query: %s", sqlite3_errmsg(db));
		return -1;
	}
	if ((rc = long_period(db, filter)) < 0)
		goto db_fail;
	sql = rc ? sql_long : sql_short;
	for (kind = 0; kind < 3; kind++) {
		if (!wanted[kind])
			continue;
		if (sqlite3_prepare_v2(db, sql[kind], -1, &st, NULL) != SQLITE_OK)
			goto db_fail;
		sqlite3_bind_int64(st, 1, store_filter_since(filter));
		sqlite3_bind_int64(st, 2, store_filter_until(filter));
		if (filter->domain != NULL)
			sqlite3_bind_text(st, 3, filter->domain, -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(st, 3);
		sqlite3_bind_int(st, 4, filter->include_unverified != 0);
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
