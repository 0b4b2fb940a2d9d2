/*
 * store_sqlite_probe.c - the probe history for SQLite (store.h): one
 * BEGIN IMMEDIATE ... COMMIT per run, reading each host's last row to
 * decide (store_probe_due()) whether the new one is written.
 */
#include "store_sqlite.h"
#include "errbuf.h"

#include <stdio.h>
#include <string.h>

static const char sql_last[] =
    "SELECT " STORE_PROBE_COLUMNS " FROM probes WHERE domain = ?1"
    " AND mx = ?2 ORDER BY run_time DESC, id DESC LIMIT 1";
static const char sql_insert[] =
    "INSERT INTO probes (" STORE_PROBE_COLUMNS ") VALUES (?1, ?2, ?3, ?4,"
    " ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)";
static const char sql_run[] =
    "INSERT INTO probe_runs (domain, last_run) VALUES (?1, ?2)"
    " ON CONFLICT (domain) DO UPDATE SET last_run = excluded.last_run";
static const char sql_rows[] =
    "SELECT " STORE_PROBE_COLUMNS " FROM probes WHERE run_time < ?1"
    " AND (?2 IS NULL OR domain = ?2 COLLATE NOCASE)"
    " ORDER BY domain, mx, run_time, id";
static const char sql_runs[] =
    "SELECT domain, last_run FROM probe_runs"
    " WHERE (?1 IS NULL OR domain = ?1 COLLATE NOCASE) ORDER BY domain";

static int
fail(sqlite3 *db, sqlite3_stmt *st, const char *what, char *errbuf,
    size_t errlen)
{
	errbuf_printf(errbuf, errlen, "sqlite: probes: %s: %s", what,
	    sqlite3_errmsg(db));
	sqlite3_finalize(st);
	if (!sqlite3_get_autocommit(db))
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

/* A callback stopped the read. */
static int
stopped(sqlite3 *db, sqlite3_stmt *st, char *errbuf, size_t errlen)
{
	errbuf_printf(errbuf, errlen, "stopped");
	sqlite3_finalize(st);
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

static int
bind_text(sqlite3_stmt *st, int i, const char *s)
{
	return s == NULL ? sqlite3_bind_null(st, i) :
	    sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

static int
bind_row(sqlite3_stmt *st, const struct store_probe_row *r)
{
	return sqlite3_bind_int64(st, 1, (sqlite3_int64)r->time) |
	    bind_text(st, 2, r->domain) | bind_text(st, 3, r->mx) |
	    bind_text(st, 4, r->result_type) |
	    sqlite3_bind_int(st, 5, r->starttls) |
	    bind_text(st, 6, r->tls_version) |
	    sqlite3_bind_int64(st, 7, (sqlite3_int64)r->cert_not_after) |
	    bind_text(st, 8, r->cert_names) | bind_text(st, 9, r->spki_sha256) |
	    bind_text(st, 10, r->tlsa) | sqlite3_bind_int(st, 11, r->tlsa_dnssec) |
	    sqlite3_bind_int(st, 12, r->tlsa_match) |
	    sqlite3_bind_int(st, 13, r->sts_covered) |
	    bind_text(st, 14, r->tlsrpt_record) | bind_text(st, 15, r->sts_id) |
	    bind_text(st, 16, r->sts_mode) |
	    sqlite3_bind_int64(st, 17, (sqlite3_int64)r->sts_max_age) |
	    bind_text(st, 18, r->sts_policy);
}

/* Is ROW due after the last one stored for its host?  1, 0, or -1. */
static int
due(sqlite3 *db, const struct store_probe_row *row)
{
	struct store_probe_row last;
	struct store_columns c = { store_sqlite_col_text, store_sqlite_col_num, NULL };
	sqlite3_stmt *st;
	int rc, r = 1;

	if (sqlite3_prepare_v2(db, sql_last, -1, &st, NULL) != SQLITE_OK)
		return -1;
	if ((bind_text(st, 1, row->domain) | bind_text(st, 2, row->mx)) !=
	    SQLITE_OK) {
		sqlite3_finalize(st);
		return -1;
	}
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		c.row = st;
		store_probe_columns(&c, &last);
		r = store_probe_due(&last, row);
	} else if (rc != SQLITE_DONE)
		r = -1;
	sqlite3_finalize(st);
	return r;
}

int
store_sqlite_put_probes(sqlite3 *db, const struct store_probe_row *rows,
    size_t n, size_t *stored_r, char *errbuf, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	size_t i;
	int d;

	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return fail(db, NULL, "beginning a transaction", errbuf, errlen);
	if (sqlite3_prepare_v2(db, sql_insert, -1, &st, NULL) != SQLITE_OK)
		return fail(db, st, "preparing", errbuf, errlen);
	for (i = 0; i < n; i++) {
		if ((d = due(db, &rows[i])) < 0)
			return fail(db, st, "reading the last row", errbuf, errlen);
		if (d == 0)
			continue;
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		if (bind_row(st, &rows[i]) != SQLITE_OK ||
		    sqlite3_step(st) != SQLITE_DONE)
			return fail(db, st, "inserting a row", errbuf, errlen);
		(*stored_r)++;
	}
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(db, sql_run, -1, &st, NULL) != SQLITE_OK ||
	    bind_text(st, 1, rows[0].domain) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 2, (sqlite3_int64)rows[0].time) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_DONE)
		return fail(db, st, "recording the run", errbuf, errlen);
	sqlite3_finalize(st);
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		return fail(db, NULL, "committing", errbuf, errlen);
	return 0;
}

int
store_sqlite_query_probes(sqlite3 *db, const struct store_filter *filter,
    const struct store_probe_visitor *v, char *errbuf, size_t errlen)
{
	struct store_columns c = { store_sqlite_col_text, store_sqlite_col_num, NULL };
	struct store_probe_row row;
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		return fail(db, NULL, "beginning a read", errbuf, errlen);
	if (v->row != NULL) {
		if (sqlite3_prepare_v2(db, sql_rows, -1, &st, NULL) != SQLITE_OK ||
		    sqlite3_bind_int64(st, 1, store_filter_until(filter)) !=
		    SQLITE_OK || bind_text(st, 2, filter->domain) != SQLITE_OK)
			return fail(db, st, "selecting rows", errbuf, errlen);
		c.row = st;
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			store_probe_columns(&c, &row);
			if (v->row(v->ctx, &row) != 0)
				return stopped(db, st, errbuf, errlen);
		}
		if (rc != SQLITE_DONE)
			return fail(db, st, "reading rows", errbuf, errlen);
		sqlite3_finalize(st);
		st = NULL;
	}
	if (v->run != NULL) {
		if (sqlite3_prepare_v2(db, sql_runs, -1, &st, NULL) != SQLITE_OK ||
		    bind_text(st, 1, filter->domain) != SQLITE_OK)
			return fail(db, st, "selecting runs", errbuf, errlen);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW)
			if (v->run(v->ctx, (const char *)sqlite3_column_text(st, 0),
			    (time_t)sqlite3_column_int64(st, 1)) != 0)
				return stopped(db, st, errbuf, errlen);
		if (rc != SQLITE_DONE)
			return fail(db, st, "reading runs", errbuf, errlen);
		sqlite3_finalize(st);
	}
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	return 0;
}

int
store_sqlite_prune_probes(sqlite3 *db, struct store_prune *pr, char *errbuf,
    size_t errlen)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(db, pr->dry_run ?
	    "SELECT count(*) FROM probes WHERE run_time < ?1" :
	    "DELETE FROM probes WHERE run_time < ?1", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 1, (sqlite3_int64)pr->cutoff) != SQLITE_OK)
		return fail(db, st, "pruning", errbuf, errlen);
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		pr->probes = sqlite3_column_int64(st, 0);
		break;
	case SQLITE_DONE:
		pr->probes = sqlite3_changes(db);
		break;
	default:
		return fail(db, st, "pruning", errbuf, errlen);
	}
	sqlite3_finalize(st);
	return 0;
}
