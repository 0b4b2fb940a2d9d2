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

/* The reports a filter selects; ?1 since, ?2 until, ?3 domain, ?4 all. */
#define SELECTED_REPORT \
	"r.start_time >= ?1 AND r.start_time < ?2" \
	" AND (r.verified = 1 OR ?4)" \
	" AND (?3 IS NULL OR EXISTS (SELECT 1 FROM policies dp" \
	"  WHERE dp.report_fk = r.id AND " DOMAIN_IS("dp") "))"
#define SELECTED_POLICY	" AND (?3 IS NULL OR " DOMAIN_IS("p") ")"

static const char sql_reports[] = STORE_SQL_REPORTS(SELECTED_REPORT);
static const char sql_policies[] =
    STORE_SQL_POLICIES(SELECTED_REPORT, SELECTED_POLICY);
static const char sql_failures[] =
    STORE_SQL_FAILURES(SELECTED_REPORT, SELECTED_POLICY);

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
	static const char *const sql[] = { sql_reports, sql_policies, sql_failures };
	const int wanted[] = { visitor->report != NULL, visitor->policy != NULL,
	    visitor->failure != NULL };
	sqlite3_stmt *st = NULL;
	int kind, rc;

	/* One read transaction: the three passes see the same snapshot. */
	if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
		errbuf_printf(errbuf, errlen, "sqlite: query: %s", sqlite3_errmsg(db));
		return -1;
	}
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
