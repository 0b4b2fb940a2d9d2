/*
 * store_pgsql_prune.c - store_prune() for PostgreSQL.
 *
 * A batch is one statement, so one transaction: it locks at most BATCH
 * old reports, keeps their dedup keys in pruned_reports, deletes them
 * (policies and failure details go by ON DELETE CASCADE) and returns what
 * it removed, counted in the snapshot it started from.  Row locks keep
 * no writer of a new report waiting; short batches keep vacuum and the
 * WAL in step.
 */
#include "store_pgsql.h"
#include "errbuf.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The reports to prune: $1 the cutoff. */
#define OLD	"SELECT id FROM reports WHERE end_time < $1::bigint"

static const char sql_expire[] =
    "DELETE FROM pruned_reports WHERE pruned_time < $1::bigint";
static const char sql_count[] =
    "SELECT (SELECT count(*) FROM reports WHERE end_time < $1::bigint),"
    " (SELECT count(*) FROM policies WHERE report_fk IN (" OLD ")),"
    " (SELECT count(*) FROM failure_details WHERE policy_fk IN"
    "  (SELECT id FROM policies WHERE report_fk IN (" OLD ")))";
/* $1 cutoff, $2 batch, $3 now. */
static const char sql_batch[] =
    "WITH batch AS (" OLD " ORDER BY end_time LIMIT $2::bigint FOR UPDATE),"
    " pol AS (SELECT id FROM policies WHERE report_fk IN"
    "  (SELECT id FROM batch)),"
    " keys AS (INSERT INTO pruned_reports (organization_name, report_id,"
    "  start_time, end_time, policy_domains, signer, pruned_time)"
    "  SELECT organization_name, report_id, start_time, end_time,"
    "  policy_domains, signer, $3::bigint FROM reports"
    "  WHERE id IN (SELECT id FROM batch)"
    "  ON CONFLICT (organization_name, report_id, start_time, end_time,"
    "  md5(policy_domains), signer)"
    "  DO UPDATE SET pruned_time = EXCLUDED.pruned_time),"
    " del AS (DELETE FROM reports WHERE id IN (SELECT id FROM batch)"
    "  RETURNING id)"
    " SELECT (SELECT count(*) FROM del), (SELECT count(*) FROM pol),"
    " (SELECT count(*) FROM failure_details WHERE policy_fk IN"
    "  (SELECT id FROM pol))";

/*
 * SQL with N integer parameters.  The result (the caller PQclear()s it),
 * or NULL with ERRBUF saying WHAT failed.  With OUT, the first row's
 * three columns.
 */
static PGresult *
exec(struct store_pgsql *s, const char *sql, int n, const int64_t *v,
    long long out[3], const char *what, char *errbuf, size_t errlen)
{
	char num[3][24];
	const char *param[3];
	PGresult *res;
	ExecStatusType rc;
	int i;

	for (i = 0; i < n && i < 3; i++) {
		snprintf(num[i], sizeof(num[i]), "%" PRId64, v[i]);
		param[i] = num[i];
	}
	res = PQexecParams(s->conn, sql, n, NULL, param, NULL, NULL, 0);
	rc = PQresultStatus(res);
	if (rc != PGRES_COMMAND_OK && rc != PGRES_TUPLES_OK) {
		pgsql_err(s, errbuf, errlen, "pruning: %s: %s", what,
		    pgsql_result_message(s, res));
		PQclear(res);
		return NULL;
	}
	if (out != NULL) {
		if (PQntuples(res) != 1 || PQnfields(res) < 3) {
			pgsql_err(s, errbuf, errlen, "pruning: %s: no counts", what);
			PQclear(res);
			return NULL;
		}
		for (i = 0; i < 3; i++)
			out[i] = strtoll(PQgetvalue(res, 0, i), NULL, 10);
	}
	return res;
}

int
store_pgsql_prune(struct store_pgsql *s, struct store_prune *pr,
    char *errbuf, size_t errlen)
{
	int64_t v[3] = { (int64_t)pr->cutoff, (int64_t)pr->batch,
	    (int64_t)pr->now };
	int64_t expire = (int64_t)pr->now - STORE_PRUNE_KEEP_KEYS;
	long long n[3], t0, ms;
	PGresult *res;

	pgsql_rollback(s);		/* whatever an earlier failure left open */
	if (pr->dry_run) {
		if ((res = exec(s, sql_count, 1, v, n, "counting reports", errbuf,
		    errlen)) == NULL)
			return -1;
		PQclear(res);
		pr->reports = n[0];
		pr->policies = n[1];
		pr->details = n[2];
		return store_pgsql_prune_probes(s, pr, errbuf, errlen);
	}
	if ((res = exec(s, sql_expire, 1, &expire, NULL,
	    "dropping old dedup keys", errbuf, errlen)) == NULL)
		return -1;
	pr->keys_expired = strtoll(PQcmdTuples(res), NULL, 10);
	PQclear(res);
	do {
		t0 = store_clock_ms();
		if ((res = exec(s, sql_batch, 3, v, n, "deleting reports", errbuf,
		    errlen)) == NULL)
			return -1;
		PQclear(res);
		if (n[0] > 0) {
			if ((ms = store_clock_ms() - t0) > pr->longest_ms)
				pr->longest_ms = ms;
			pr->reports += n[0];
			pr->policies += n[1];
			pr->details += n[2];
			pr->batches++;
		}
	} while (n[0] == (long long)pr->batch &&
	    (pr->stop == NULL || !pr->stop(pr->arg)));
	/* Probe rows are few (a handful a day per host): one statement. */
	return store_pgsql_prune_probes(s, pr, errbuf, errlen);
}
