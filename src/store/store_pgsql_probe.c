/*
 * store_pgsql_probe.c - the probe history for PostgreSQL (store.h): one
 * transaction per run, holding an advisory lock on the domain so two
 * runs at once do not both write the same change; each host's last row
 * decides (store_probe_due()) whether the new one is written.
 */
#include "store_pgsql.h"
#include "errbuf.h"

#include <stdio.h>
#include <stdlib.h>

static const char sql_lock[] = "SELECT pg_advisory_xact_lock(hashtext($1))";
static const char sql_last[] =
    "SELECT " STORE_PROBE_COLUMNS " FROM probes WHERE domain = $1"
    " AND mx = $2 ORDER BY run_time DESC, id DESC LIMIT 1";
static const char sql_insert[] =
    "INSERT INTO probes (" STORE_PROBE_COLUMNS ") VALUES ($1::bigint, $2,"
    " $3, $4, $5::integer, $6, $7::bigint, $8, $9, $10, $11::integer,"
    " $12::integer, $13::integer, $14, $15, $16, $17::bigint, $18)";
static const char sql_run[] =
    "INSERT INTO probe_runs (domain, last_run) VALUES ($1, $2::bigint)"
    " ON CONFLICT (domain) DO UPDATE SET last_run = EXCLUDED.last_run";
static const char sql_rows[] =
    "SELECT " STORE_PROBE_COLUMNS " FROM probes WHERE run_time < $1::bigint"
    " AND ($2::text IS NULL OR lower(domain) = lower($2::text))"
    " ORDER BY domain, mx, run_time, id";
static const char sql_runs[] =
    "SELECT domain, last_run FROM probe_runs"
    " WHERE ($1::text IS NULL OR lower(domain) = lower($1::text))"
    " ORDER BY domain";
static const char sql_prune[] =
    "DELETE FROM probes WHERE run_time < $1::bigint";
static const char sql_prune_count[] =
    "SELECT count(*) FROM probes WHERE run_time < $1::bigint";

/* Row I of a result, for store_columns. */
/* SQL with N text parameters; the result, or NULL + ERRBUF (WHAT). */
static PGresult *
run(struct store_pgsql *s, const char *sql, int n, const char *const *param,
    const char *what, char *errbuf, size_t errlen)
{
	PGresult *res = PQexecParams(s->conn, sql, n, NULL, param, NULL, NULL, 0);
	ExecStatusType rc = PQresultStatus(res);

	if (rc == PGRES_COMMAND_OK || rc == PGRES_TUPLES_OK)
		return res;
	pgsql_err(s, errbuf, errlen, "probes: %s: %s", what,
	    pgsql_result_message(s, res));
	PQclear(res);
	return NULL;
}

/* The row's columns as text parameters, numbers in NUM. */
static void
params_of(const struct store_probe_row *r, const char *p[18],
    char num[7][24])
{
	snprintf(num[0], 24, "%lld", (long long)r->time);
	snprintf(num[1], 24, "%d", r->starttls);
	snprintf(num[2], 24, "%lld", (long long)r->cert_not_after);
	snprintf(num[3], 24, "%d", r->tlsa_dnssec);
	snprintf(num[4], 24, "%d", r->tlsa_match);
	snprintf(num[5], 24, "%d", r->sts_covered);
	snprintf(num[6], 24, "%lld", r->sts_max_age);
	p[0] = num[0];
	p[1] = r->domain;
	p[2] = r->mx;
	p[3] = r->result_type;
	p[4] = num[1];
	p[5] = r->tls_version;
	p[6] = num[2];
	p[7] = r->cert_names;
	p[8] = r->spki_sha256;
	p[9] = r->tlsa;
	p[10] = num[3];
	p[11] = num[4];
	p[12] = num[5];
	p[13] = r->tlsrpt_record;
	p[14] = r->sts_id;
	p[15] = r->sts_mode;
	p[16] = num[6];
	p[17] = r->sts_policy;
}

static int
put_one(struct store_pgsql *s, const struct store_probe_row *row,
    size_t *stored_r, char *errbuf, size_t errlen)
{
	const char *key[2] = { row->domain, row->mx }, *p[18];
	struct store_columns c = { pgsql_col_text, pgsql_col_num, NULL };
	struct store_probe_row last;
	char num[7][24];
	PGresult *res;
	int due = 1;

	if ((res = run(s, sql_last, 2, key, "reading the last row", errbuf,
	    errlen)) == NULL)
		return -1;
	if (PQntuples(res) == 1) {
		struct pgsql_row at = { res, 0 };

		c.row = &at;
		store_probe_columns(&c, &last);
		due = store_probe_due(&last, row);
	}
	PQclear(res);
	if (!due)
		return 0;
	params_of(row, p, num);
	if ((res = run(s, sql_insert, 18, p, "inserting a row", errbuf,
	    errlen)) == NULL)
		return -1;
	PQclear(res);
	(*stored_r)++;
	return 0;
}

int
store_pgsql_put_probes(struct store_pgsql *s, const struct store_probe_row *rows,
    size_t n, size_t *stored_r, char *errbuf, size_t errlen)
{
	const char *p[2] = { rows[0].domain, NULL };
	char when[24];
	PGresult *res;
	size_t i;

	pgsql_rollback(s);
	if (pgsql_simple(s, "BEGIN", "probes: beginning", errbuf, errlen) < 0)
		return -1;
	if ((res = run(s, sql_lock, 1, p, "locking the domain", errbuf,
	    errlen)) == NULL)
		goto fail;
	PQclear(res);
	for (i = 0; i < n; i++)
		if (put_one(s, &rows[i], stored_r, errbuf, errlen) < 0)
			goto fail;
	snprintf(when, sizeof(when), "%lld", (long long)rows[0].time);
	p[1] = when;
	if ((res = run(s, sql_run, 2, p, "recording the run", errbuf,
	    errlen)) == NULL)
		goto fail;
	PQclear(res);
	if (pgsql_commit(s, errbuf, errlen) < 0)
		goto fail;
	return 0;
fail:
	*stored_r = 0;
	pgsql_rollback(s);
	return -1;
}

int
store_pgsql_query_probes(struct store_pgsql *s, const struct store_filter *filter,
    const struct store_probe_visitor *v, char *errbuf, size_t errlen)
{
	struct store_columns c = { pgsql_col_text, pgsql_col_num, NULL };
	struct store_probe_row row;
	const char *p[2];
	char until[32];
	PGresult *res;
	int i, n, rc = 0;

	snprintf(until, sizeof(until), "%lld", store_filter_until(filter));
	p[0] = until;
	p[1] = filter->domain;
	pgsql_rollback(s);
	if (pgsql_simple(s, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
	    "probes: beginning", errbuf, errlen) < 0)
		return -1;
	/* Probe rows are few: a result in memory is fine. */
	if (v->row != NULL) {
		if ((res = run(s, sql_rows, 2, p, "selecting rows", errbuf,
		    errlen)) == NULL)
			goto fail;
		n = PQntuples(res);
		for (i = 0; i < n && rc == 0; i++) {
			struct pgsql_row at = { res, i };

			c.row = &at;
			store_probe_columns(&c, &row);
			rc = v->row(v->ctx, &row);
		}
		PQclear(res);
	}
	if (v->run != NULL && rc == 0) {
		if ((res = run(s, sql_runs, 1, p + 1, "selecting runs", errbuf,
		    errlen)) == NULL)
			goto fail;
		n = PQntuples(res);
		for (i = 0; i < n && rc == 0; i++)
			rc = v->run(v->ctx, PQgetvalue(res, i, 0),
			    (time_t)strtoll(PQgetvalue(res, i, 1), NULL, 10));
		PQclear(res);
	}
	pgsql_rollback(s);
	if (rc != 0)
		errbuf_printf(errbuf, errlen, "stopped");
	return rc != 0 ? -1 : 0;
fail:
	pgsql_rollback(s);
	return -1;
}

int
store_pgsql_prune_probes(struct store_pgsql *s, struct store_prune *pr,
    char *errbuf, size_t errlen)
{
	const char *p[1];
	char cutoff[24];
	PGresult *res;

	snprintf(cutoff, sizeof(cutoff), "%lld", (long long)pr->cutoff);
	p[0] = cutoff;
	if ((res = run(s, pr->dry_run ? sql_prune_count : sql_prune, 1, p,
	    "pruning", errbuf, errlen)) == NULL)
		return -1;
	pr->probes = strtoll(pr->dry_run ? PQgetvalue(res, 0, 0) :
	    PQcmdTuples(res), NULL, 10);
	PQclear(res);
	return 0;
}
