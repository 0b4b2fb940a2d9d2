/*
 * store_sqlite_prune.c - store_prune() for SQLite.
 *
 * A writer holds the one write lock of the database; the milter waits for
 * it with its busy timeout (store_sqlite.c) and tempfails or spools past
 * it.  So a prune is many short transactions: each picks at most BATCH
 * reports that ended before the cutoff into a temporary table, counts
 * their policies and failure details, keeps their dedup keys in
 * pruned_reports, and deletes them (policies and details go by ON DELETE
 * CASCADE).  Between batches the lock is left free for as long as the
 * batch held it, and never less than the longest sleep of SQLite's busy
 * handler (100 ms), so a writer that waited gets in before the next
 * batch and the prune never holds the lock more than half the time.
 */
#include "store_sqlite.h"
#include "errbuf.h"

#include <stdio.h>

#define PAUSE_MS	150	/* between batches: > SQLite's 100 ms busy step */

/* The reports to prune: ?1 the cutoff. */
#define OLD	"SELECT id FROM reports WHERE end_time < ?1"

static const char sql_expire[] =
    "DELETE FROM pruned_reports WHERE pruned_time < ?1";
static const char sql_count[] =
    "SELECT (SELECT count(*) FROM reports WHERE end_time < ?1),"
    " (SELECT count(*) FROM policies WHERE report_fk IN (" OLD ")),"
    " (SELECT count(*) FROM failure_details WHERE policy_fk IN"
    "  (SELECT id FROM policies WHERE report_fk IN (" OLD ")))";
static const char sql_batch_table[] =
    "CREATE TEMP TABLE IF NOT EXISTS prune_batch (id INTEGER PRIMARY KEY)";
static const char sql_batch_clear[] = "DELETE FROM temp.prune_batch";
static const char sql_batch_fill[] =
    "INSERT INTO temp.prune_batch " OLD " ORDER BY end_time LIMIT ?2";
static const char sql_batch_count[] =
    "SELECT (SELECT count(*) FROM temp.prune_batch),"
    " (SELECT count(*) FROM policies WHERE report_fk IN temp.prune_batch),"
    " (SELECT count(*) FROM failure_details WHERE policy_fk IN"
    "  (SELECT id FROM policies WHERE report_fk IN temp.prune_batch))";
static const char sql_keep_keys[] =
    "INSERT OR REPLACE INTO pruned_reports (organization_name, report_id,"
    " start_time, end_time, policy_domains, signer, pruned_time)"
    " SELECT organization_name, report_id, start_time, end_time,"
    " policy_domains, signer, ?1 FROM reports WHERE id IN temp.prune_batch";
static const char sql_delete[] =
    "DELETE FROM reports WHERE id IN temp.prune_batch";

static int
fail(sqlite3 *db, const char *what, char *errbuf, size_t errlen)
{
	errbuf_printf(errbuf, errlen, "sqlite: pruning: %s: %s", what,
	    sqlite3_errmsg(db));
	if (!sqlite3_get_autocommit(db))
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

/*
 * Run SQL with up to two integer parameters; when it returns a row, its
 * first three columns go to OUT (which may be NULL), else zeros.  0 or -1.
 */
static int
step(sqlite3 *db, const char *sql, sqlite3_int64 p1, sqlite3_int64 p2,
    long long out[3])
{
	sqlite3_stmt *st;
	int rc, i, n;

	if (out != NULL)
		out[0] = out[1] = out[2] = 0;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	n = sqlite3_bind_parameter_count(st);
	if ((n >= 1 && sqlite3_bind_int64(st, 1, p1) != SQLITE_OK) ||
	    (n >= 2 && sqlite3_bind_int64(st, 2, p2) != SQLITE_OK)) {
		sqlite3_finalize(st);
		return -1;
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && out != NULL)
		for (i = 0; i < 3; i++)
			out[i] = sqlite3_column_int64(st, i);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

/* One transaction: up to PR->batch reports.  Reports pruned, or -1. */
static long long
prune_batch(sqlite3 *db, struct store_prune *pr, char *errbuf, size_t errlen)
{
	long long n[3], t0 = store_clock_ms(), ms;

	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return fail(db, "beginning a transaction", errbuf, errlen);
	if (step(db, sql_batch_clear, 0, 0, NULL) < 0 ||
	    step(db, sql_batch_fill, (sqlite3_int64)pr->cutoff,
	    (sqlite3_int64)pr->batch, NULL) < 0 ||
	    step(db, sql_batch_count, 0, 0, n) < 0)
		return fail(db, "selecting reports", errbuf, errlen);
	if (n[0] == 0) {
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return 0;
	}
	if (step(db, sql_keep_keys, (sqlite3_int64)pr->now, 0, NULL) < 0)
		return fail(db, "keeping dedup keys", errbuf, errlen);
	if (step(db, sql_delete, 0, 0, NULL) < 0)
		return fail(db, "deleting reports", errbuf, errlen);
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		return fail(db, "committing", errbuf, errlen);
	if ((ms = store_clock_ms() - t0) > pr->longest_ms)
		pr->longest_ms = ms;
	pr->reports += n[0];
	pr->policies += n[1];
	pr->details += n[2];
	pr->batches++;
	return n[0];
}

int
store_sqlite_prune(sqlite3 *db, struct store_prune *pr, char *errbuf,
    size_t errlen)
{
	long long n[3], got, t0, took;

	if (pr->dry_run) {
		if (step(db, sql_count, (sqlite3_int64)pr->cutoff, 0, n) < 0)
			return fail(db, "counting reports", errbuf, errlen);
		pr->reports = n[0];
		pr->policies = n[1];
		pr->details = n[2];
		return store_sqlite_prune_probes(db, pr, errbuf, errlen);
	}
	/* Keys kept long enough go first, in a transaction of their own. */
	if (step(db, sql_expire, (sqlite3_int64)(pr->now - STORE_PRUNE_KEEP_KEYS),
	    0, NULL) < 0)
		return fail(db, "dropping old dedup keys", errbuf, errlen);
	pr->keys_expired = sqlite3_changes(db);
	if (step(db, sql_batch_table, 0, 0, NULL) < 0)
		return fail(db, "creating a temporary table", errbuf, errlen);
	for (;;) {
		t0 = store_clock_ms();
		if ((got = prune_batch(db, pr, errbuf, errlen)) <= 0 ||
		    (size_t)got < pr->batch || (pr->stop != NULL && pr->stop(pr->arg)))
			break;
		/* At least as long as the batch held the lock: half for others. */
		took = store_clock_ms() - t0;
		sqlite3_sleep(took > PAUSE_MS ? (int)(took < 5000 ? took : 5000) :
		    PAUSE_MS);
	}
	if (got < 0)
		return -1;
	/* Probe rows are few (a handful a day per host): one statement. */
	return store_sqlite_prune_probes(db, pr, errbuf, errlen);
}
