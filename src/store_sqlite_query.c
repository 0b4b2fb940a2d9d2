/*
 * store_sqlite_query.c - store_query() for SQLite: three statements over
 * the same selection of reports, each stepped row by row into the
 * visitor, so memory does not grow with the store.
 */
#include "store_query.h"
#include "errbuf.h"

#include <stdint.h>

/* The reports a filter selects; ?1 since, ?2 until, ?3 domain, ?4 all. */
#define SELECTED_REPORT \
	"r.start_time >= ?1 AND r.start_time < ?2" \
	" AND (r.verified = 1 OR ?4)" \
	" AND (?3 IS NULL OR EXISTS (SELECT 1 FROM policies dp" \
	"  WHERE dp.report_fk = r.id AND dp.policy_domain = ?3))"
#define SELECTED_POLICY	" AND (?3 IS NULL OR p.policy_domain = ?3)"

static const char sql_reports[] =
	"SELECT r.id, r.organization_name, r.contact_info, r.report_id,"
	" r.start_time, r.end_time, r.received_time, r.verified,"
	" r.total_successful, r.total_failure"
	" FROM reports r WHERE " SELECTED_REPORT " ORDER BY r.id";
static const char sql_policies[] =
	"SELECT p.id, p.report_fk, p.policy_type, p.policy_domain, p.mx_hosts,"
	" p.total_successful, p.total_failure"
	" FROM policies p JOIN reports r ON r.id = p.report_fk"
	" WHERE " SELECTED_REPORT SELECTED_POLICY " ORDER BY p.id";
static const char sql_failures[] =
	"SELECT f.policy_fk, f.result_type, f.sending_mta_ip,"
	" f.receiving_mx_hostname, f.receiving_mx_helo, f.receiving_ip,"
	" f.additional_information, f.failure_reason_code,"
	" f.failed_session_count"
	" FROM failure_details f JOIN policies p ON p.id = f.policy_fk"
	" JOIN reports r ON r.id = p.report_fk"
	" WHERE " SELECTED_REPORT SELECTED_POLICY " ORDER BY f.id";

long long
store_filter_since(const struct store_filter *filter)
{
	return filter->since > 0 ? (long long)filter->since : INT64_MIN;
}

long long
store_filter_until(const struct store_filter *filter)
{
	return filter->until > 0 ? (long long)filter->until : INT64_MAX;
}

static const char *
text(sqlite3_stmt *st, int col)
{
	return (const char *)sqlite3_column_text(st, col);
}

static int
visit_row(sqlite3_stmt *st, int kind, const struct store_visitor *v)
{
	switch (kind) {
	case 0: {
		struct store_report_row r = {
			.id = sqlite3_column_int64(st, 0),
			.organization_name = text(st, 1),
			.contact_info = text(st, 2),
			.report_id = text(st, 3),
			.start = (time_t)sqlite3_column_int64(st, 4),
			.end = (time_t)sqlite3_column_int64(st, 5),
			.received = (time_t)sqlite3_column_int64(st, 6),
			.verified = sqlite3_column_int(st, 7),
			.successful = sqlite3_column_int64(st, 8),
			.failed = sqlite3_column_int64(st, 9),
		};
		return v->report(v->ctx, &r);
	}
	case 1: {
		struct store_policy_row p = {
			.id = sqlite3_column_int64(st, 0),
			.report = sqlite3_column_int64(st, 1),
			.policy_type = text(st, 2),
			.policy_domain = text(st, 3),
			.mx_hosts = text(st, 4),
			.successful = sqlite3_column_int64(st, 5),
			.failed = sqlite3_column_int64(st, 6),
		};
		return v->policy(v->ctx, &p);
	}
	default: {
		struct store_failure_row f = {
			.policy = sqlite3_column_int64(st, 0),
			.result_type = text(st, 1),
			.sending_mta_ip = text(st, 2),
			.receiving_mx_hostname = text(st, 3),
			.receiving_mx_helo = text(st, 4),
			.receiving_ip = text(st, 5),
			.additional_information = text(st, 6),
			.failure_reason_code = text(st, 7),
			.failed = sqlite3_column_int64(st, 8),
		};
		return v->failure(v->ctx, &f);
	}
	}
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
