/*
 * store_pgsql.c - the PostgreSQL backend of store.h, over libpq.
 *
 * Database is a libpq URI: "postgresql://tlsrpt@db.example.net:5432/tlsrpt"
 * ("postgres://" too, parameters after "?" as libpq knows them).  The
 * password comes from DatabasePasswordFile (store_options.password_file,
 * handed to libpq as "passfile"), else PGPASSFILE or ~/.pgpass, or the URI
 * itself.  None is ever put in a message: messages name the URI without
 * its password and query, and any password libpq knows is masked out of
 * what it says.
 *
 * The schema and its migrations are in store_pgsql_schema.c, messages and
 * the URI in store_pgsql_conn.c.
 *
 * A report goes in as one transaction.  INSERT ... ON CONFLICT DO NOTHING
 * on the dedup key, who signed it included (see store_sqlite.c), tells a
 * new report from a duplicate, also against another MX host storing the
 * same report at the same moment: the second insert waits for the first
 * to commit, then does nothing.  A report pruned a few days ago has left
 * its key in pruned_reports (store_pgsql_prune.c), so a late resend of
 * it is a duplicate too.  Values travel only as parameters of
 * prepared statements; a policy's failure details go as one statement (a
 * parameter array per column), so a report costs a few round trips
 * however many it holds.
 *
 * A connection found broken (the server restarted) is reset once and the
 * transaction tried once more; a handle whose server is down reconnects on
 * its next use.
 */
#include "store_pgsql.h"
#include "errbuf.h"

#include <errno.h>
#include <inttypes.h>
#include <libpq-fe.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Unless the server's settings say otherwise: see setup_session(). */
#define STATEMENT_TIMEOUT	"30s"

/* The statements of store_put_report, prepared on each (re)connection. */
enum stmt_id {
	ST_INSERT_REPORT,
	ST_INSERT_POLICY,
	ST_INSERT_DETAILS,
	ST__COUNT
};

static const struct {
	const char *name;
	const char *sql;
} stmts[ST__COUNT] = {
	[ST_INSERT_REPORT] = { "tlsrpt_insert_report",
	    "INSERT INTO reports (organization_name, contact_info, report_id,"
	    " start_time, end_time, policy_domains, total_successful,"
	    " total_failure, verified, queue_id, mail_from, dkim_domain,"
	    " auth_method, source, received_time, stored_time, warnings, signer)"
	    " SELECT $1::text, $2::text, $3::text, $4::bigint, $5::bigint,"
	    " $6::text, $7::bigint, $8::bigint, $9::integer, $10::text,"
	    " $11::text, $12::text, $13::text, $14::text, $15::bigint,"
	    " $16::bigint, $17::text, $18::text"
	    " WHERE NOT EXISTS (SELECT 1 FROM pruned_reports k"
	    " WHERE k.organization_name = $1 AND k.report_id = $3"
	    " AND k.start_time = $4 AND k.end_time = $5"
	    " AND md5(k.policy_domains) = md5($6) AND k.signer = $18)"
	    " ON CONFLICT (organization_name, report_id, start_time, end_time,"
	    " md5(policy_domains), signer) DO NOTHING RETURNING id" },
	[ST_INSERT_POLICY] = { "tlsrpt_insert_policy",
	    "INSERT INTO policies (report_fk, policy_index, policy_type,"
	    " policy_domain, policy_strings, mx_hosts, total_successful,"
	    " total_failure) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
	    " RETURNING id" },
	/* A policy's details in one statement: a column per array. */
	[ST_INSERT_DETAILS] = { "tlsrpt_insert_details",
	    "INSERT INTO failure_details (policy_fk, detail_index, result_type,"
	    " sending_mta_ip, receiving_mx_hostname, receiving_mx_helo,"
	    " receiving_ip, failed_session_count, additional_information,"
	    " failure_reason_code, folded_details) SELECT $1::bigint, d.* FROM"
	    " unnest($2::integer[], $3::text[], $4::text[], $5::text[], $6::text[],"
	    " $7::text[], $8::bigint[], $9::text[], $10::text[], $11::bigint[]) AS d" },
};

/* libpq prints notices on stderr; the store reports through ERRBUF only. */
static void
discard_notice(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

/*
 * A new session: a bound on how long a statement may wait (another MX
 * host's transaction holding the same report, a lock), unless the role,
 * database or URI set one; then the statements of store_put_report.
 */
static int
setup_session(struct store_pgsql *s, char *errbuf, size_t errlen)
{
	PGresult *res;
	size_t i;

	if (pgsql_simple(s, "SELECT set_config('statement_timeout', '" STATEMENT_TIMEOUT
	    "', false) WHERE current_setting('statement_timeout') = '0'",
	    "setting statement_timeout", errbuf, errlen) < 0)
		return -1;
	for (i = 0; i < ST__COUNT; i++) {
		res = PQprepare(s->conn, stmts[i].name, stmts[i].sql, 0, NULL);
		if (PQresultStatus(res) != PGRES_COMMAND_OK) {
			pgsql_err(s, errbuf, errlen, "preparing statements: %s",
			    pgsql_result_message(s, res));
			PQclear(res);
			return -1;
		}
		PQclear(res);
	}
	return 0;
}

/* After the server went away: a new session, with its statements. */
static int
reconnect(struct store_pgsql *s, char *errbuf, size_t errlen)
{
	PQreset(s->conn);
	if (PQstatus(s->conn) != CONNECTION_OK) {
		pgsql_err(s, errbuf, errlen, "reconnecting: %s", PQerrorMessage(s->conn));
		return -1;
	}
	return setup_session(s, errbuf, errlen);
}

static void
pgsql_close(struct store *st)
{
	struct store_pgsql *s = (struct store_pgsql *)st;
	size_t i;

	if (s == NULL)
		return;
	if (s->conn != NULL)
		PQfinish(s->conn);
	for (i = 0; i < MAX_SECRETS; i++)
		free(s->secrets[i]);
	free(s->where);
	free(s);
}

static struct store *
pgsql_open(const char *rest, const struct store_options *opt, char *errbuf,
    size_t errlen)
{
	/* Defaults first: the URI overrides them, the password file it. */
	const char *keys[16] = {
		"connect_timeout", "fallback_application_name", "client_encoding",
		"keepalives_idle", "keepalives_interval", "keepalives_count",
		"tcp_user_timeout",
	};
	const char *values[16] = {
		"10", "tlsrpt-milter", "UTF8", "30", "10", "3", "60000",
	};
	const char *passfile = opt != NULL ? opt->password_file : NULL;
	struct store_pgsql *s;
	char *uri = NULL;
	size_t n = 7;

	if ((s = calloc(1, sizeof(*s))) == NULL) {
		errbuf_printf(errbuf, errlen, "postgresql: out of memory");
		return NULL;
	}
	s->base.backend = &store_pgsql_backend;
	if (rest == NULL)
		rest = "";
	if (pgsql_parse_uri(s, rest, errbuf, errlen) < 0)
		goto fail;
	if (passfile != NULL && passfile[0] != '\0' &&
	    pgsql_check_password_file(s, passfile, errbuf, errlen) < 0)
		goto fail;
	/* libpq knows the scheme in lower case only; "postgres:" is ours. */
	if ((uri = malloc(strlen(rest) + sizeof("postgresql:"))) == NULL) {
		pgsql_err(s, errbuf, errlen, "out of memory");
		goto fail;
	}
	strcpy(uri, "postgresql:");
	strcat(uri, rest);
	keys[n] = "dbname";
	values[n++] = uri;
	if (passfile != NULL && passfile[0] != '\0') {
		keys[n] = "passfile";
		values[n++] = passfile;
	}
	keys[n] = NULL;
	values[n] = NULL;
	if ((s->conn = PQconnectdbParams(keys, values, 1)) == NULL) {
		pgsql_err(s, errbuf, errlen, "out of memory");
		goto fail;
	}
	if (PQstatus(s->conn) != CONNECTION_OK) {
		pgsql_err(s, errbuf, errlen, "cannot connect: %s", PQerrorMessage(s->conn));
		goto fail;
	}
	/* NOTICEs ("already exists, skipping") would go to stderr. */
	PQsetNoticeProcessor(s->conn, discard_notice, NULL);
	if (pgsql_migrate(s, errbuf, errlen) < 0 || setup_session(s, errbuf, errlen) < 0)
		goto fail;
	free(uri);
	return &s->base;
fail:
	free(uri);
	pgsql_close(&s->base);
	return NULL;
}


/* ---- storing ---------------------------------------------------------- */

#define MAX_PARAMS	18

/* Parameters as text, in order; NULL is SQL NULL. */
struct params {
	const char *v[MAX_PARAMS];
	char num[MAX_PARAMS][24];
	int n;
};

static void
p_text(struct params *p, const char *v)
{
	p->v[p->n++] = v;
}

static void
p_int(struct params *p, int64_t v)
{
	snprintf(p->num[p->n], sizeof(p->num[p->n]), "%" PRId64, v);
	p->v[p->n] = p->num[p->n];
	p->n++;
}

/* Time 0 means unknown. */
static void
p_time(struct params *p, time_t t)
{
	if (t == 0)
		p->v[p->n++] = NULL;
	else
		p_int(p, (int64_t)t);
}

/*
 * Run prepared statement ID with P.  Returns its result (the caller
 * PQclear()s it), or NULL with ERRBUF saying WHAT failed.
 */
static PGresult *
run(struct store_pgsql *s, enum stmt_id id, const struct params *p,
    const char *what, char *errbuf, size_t errlen)
{
	PGresult *res = PQexecPrepared(s->conn, stmts[id].name, p->n, p->v,
	    NULL, NULL, 0);
	ExecStatusType rc = PQresultStatus(res);

	if (rc == PGRES_COMMAND_OK || rc == PGRES_TUPLES_OK)
		return res;
	pgsql_err(s, errbuf, errlen, "%s: %s", what, pgsql_result_message(s, res));
	PQclear(res);
	return NULL;
}

/* The id in the first row of RES, or -1 when there is none. */
static int64_t
returned_id(const PGresult *res)
{
	if (PQntuples(res) < 1 || PQgetisnull(res, 0, 0))
		return -1;
	return strtoll(PQgetvalue(res, 0, 0), NULL, 10);
}

static void
p_provenance(struct params *p, const struct store_provenance *prov,
    const struct tlsrpt_report *rep)
{
	const char *source = prov->source;

	if (source == NULL && rep->source != NULL && rep->source[0] != '\0')
		source = rep->source;
	p_text(p, prov->queue_id);
	p_text(p, prov->mail_from);
	p_text(p, prov->dkim_domain);
	p_text(p, prov->auth_method);
	p_text(p, source);
	p_time(p, prov->received);
}

/*
 * Insert the reports row unless its key is taken.  Returns 1 and sets
 * *id_r when inserted, 0 when a stored report has the key, -1 on error.
 */
static int
insert_report(struct store_pgsql *s, const struct tlsrpt_report *rep,
    const struct store_provenance *prov, const char *domains, int64_t *id_r,
    char *errbuf, size_t errlen)
{
	struct params p = { .n = 0 };
	char *warnings, signer[STORE_SIGNER_MAX];
	PGresult *res;

	if (store_signer_key(prov, signer, sizeof(signer)) < 0) {
		pgsql_err(s, errbuf, errlen, "signer domain longer than a domain name");
		return -1;
	}

	if ((warnings = store_json_array(rep->warnings, rep->n_warnings)) == NULL) {
		pgsql_err(s, errbuf, errlen, "out of memory");
		return -1;
	}
	p_text(&p, rep->organization_name);
	p_text(&p, rep->contact_info);
	p_text(&p, rep->report_id);
	p_int(&p, (int64_t)rep->start);
	p_int(&p, (int64_t)rep->end);
	p_text(&p, domains);
	p_int(&p, rep->total_successful);
	p_int(&p, rep->total_failure);
	p_int(&p, prov->verified ? 1 : 0);
	p_provenance(&p, prov, rep);
	p_int(&p, (int64_t)time(NULL));
	p_text(&p, warnings);
	p_text(&p, signer);
	res = run(s, ST_INSERT_REPORT, &p, "inserting the report", errbuf, errlen);
	free(warnings);
	if (res == NULL)
		return -1;
	*id_r = returned_id(res);
	PQclear(res);
	return *id_r >= 0 ? 1 : 0;
}

static int
insert_policy(struct store_pgsql *s, int64_t report_pk, size_t idx,
    const struct tlsrpt_policy *pol, int64_t *id_r, char *errbuf,
    size_t errlen)
{
	struct params p = { .n = 0 };
	char *strings, *mx, what[64];
	PGresult *res = NULL;

	snprintf(what, sizeof(what), "inserting policy %zu", idx + 1);
	strings = store_json_array(pol->policy_strings, pol->n_policy_strings);
	mx = store_json_array(pol->mx_hosts, pol->n_mx_hosts);
	if (strings == NULL || mx == NULL)
		pgsql_err(s, errbuf, errlen, "%s: out of memory", what);
	else {
		p_int(&p, report_pk);
		p_int(&p, (int64_t)idx);
		p_text(&p, pol->policy_type);
		p_text(&p, pol->policy_domain);
		p_text(&p, strings);
		p_text(&p, mx);
		p_int(&p, pol->total_successful);
		p_int(&p, pol->total_failure);
		res = run(s, ST_INSERT_POLICY, &p, what, errbuf, errlen);
	}
	free(strings);
	free(mx);
	if (res == NULL)
		return -1;
	*id_r = returned_id(res);
	PQclear(res);
	if (*id_r < 0) {
		pgsql_err(s, errbuf, errlen, "%s: no id returned", what);
		return -1;
	}
	return 0;
}

/*
 * A PostgreSQL array literal, built element by element: {"a","b\"c",NULL}.
 * It travels as a parameter like any value; quoting here only keeps
 * elements apart.
 */
struct array {
	char *p;
	size_t len, cap;
	int nomem;
};

static void
array_put(struct array *a, const char *v, size_t n)
{
	char *np;
	size_t cap;

	if (a->nomem)
		return;
	if (a->len + n + 2 > a->cap) {
		cap = a->cap > 0 ? a->cap : 256;
		while (a->len + n + 2 > cap)
			cap *= 2;
		if ((np = realloc(a->p, cap)) == NULL) {
			a->nomem = 1;
			return;
		}
		a->p = np;
		a->cap = cap;
	}
	memcpy(a->p + a->len, v, n);
	a->len += n;
	a->p[a->len] = '\0';
}

static void
array_text(struct array *a, const char *v)
{
	size_t run;

	array_put(a, a->len == 0 ? "{" : ",", 1);
	if (v == NULL) {
		array_put(a, "NULL", 4);
		return;
	}
	array_put(a, "\"", 1);
	while (*v != '\0') {
		run = strcspn(v, "\"\\");
		array_put(a, v, run);
		v += run;
		if (*v != '\0') {
			array_put(a, "\\", 1);
			array_put(a, v++, 1);
		}
	}
	array_put(a, "\"", 1);
}

static void
array_int(struct array *a, int64_t v)
{
	char num[24];
	int n = snprintf(num, sizeof(num), "%" PRId64, v);

	array_put(a, a->len == 0 ? "{" : ",", 1);
	array_put(a, num, (size_t)n);
}

/* The finished literal, or NULL when out of memory. */
static const char *
array_end(struct array *a)
{
	if (a->len == 0)
		array_put(a, "{", 1);
	array_put(a, "}", 1);
	return a->nomem ? NULL : a->p;
}

/* Every failure detail of policy PIDX, in one statement. */
static int
insert_details(struct store_pgsql *s, int64_t policy_pk, size_t pidx,
    const struct tlsrpt_policy *pol, char *errbuf, size_t errlen)
{
	struct array col[10];
	struct params p = { .n = 0 };
	PGresult *res = NULL;
	char what[64];
	size_t d, c;

	if (pol->n_details == 0)
		return 0;
	memset(col, 0, sizeof(col));
	snprintf(what, sizeof(what), "inserting the failure details of policy %zu",
	    pidx + 1);
	for (d = 0; d < pol->n_details; d++) {
		const struct tlsrpt_failure_detail *fd = &pol->details[d];

		array_int(&col[0], (int64_t)d);
		array_text(&col[1], fd->result_type);
		array_text(&col[2], fd->sending_mta_ip);
		array_text(&col[3], fd->receiving_mx_hostname);
		array_text(&col[4], fd->receiving_mx_helo);
		array_text(&col[5], fd->receiving_ip);
		array_int(&col[6], fd->failed_session_count);
		array_text(&col[7], fd->additional_information);
		array_text(&col[8], fd->failure_reason_code);
		array_int(&col[9], fd->folded_details);
	}
	p_int(&p, policy_pk);
	for (c = 0; c < 10; c++)
		p_text(&p, array_end(&col[c]));
	for (c = 0; c < 10 && p.v[c + 1] != NULL; c++)
		;
	if (c < 10)
		pgsql_err(s, errbuf, errlen, "%s: out of memory", what);
	else
		res = run(s, ST_INSERT_DETAILS, &p, what, errbuf, errlen);
	for (c = 0; c < 10; c++)
		free(col[c].p);
	if (res == NULL)
		return -1;
	PQclear(res);
	return 0;
}

/* One attempt: BEGIN ... COMMIT, or nothing. */
static enum store_status
put_once(struct store_pgsql *s, const struct tlsrpt_report *rep,
    const struct store_provenance *prov, const char *domains, char *errbuf,
    size_t errlen)
{
	int64_t report_pk, policy_pk;
	size_t p;
	int inserted;

	errbuf_printf(errbuf, errlen, "%s", "");
	pgsql_rollback(s);		/* whatever an earlier failure left open */
	if (pgsql_simple(s, "BEGIN", "beginning a transaction", errbuf, errlen) < 0)
		goto rollback;
	if ((inserted = insert_report(s, rep, prov, domains, &report_pk, errbuf,
	    errlen)) < 0)
		goto rollback;
	if (!inserted) {
		/* The key is taken: nothing to write. */
		if (pgsql_simple(s, "ROLLBACK", "ending the transaction", errbuf,
		    errlen) < 0)
			goto rollback;
		return STORE_DUPLICATE;
	}
	for (p = 0; p < rep->n_policies; p++) {
		const struct tlsrpt_policy *pol = &rep->policies[p];

		if (insert_policy(s, report_pk, p, pol, &policy_pk, errbuf,
		    errlen) < 0 ||
		    insert_details(s, policy_pk, p, pol, errbuf, errlen) < 0)
			goto rollback;
	}
	if (pgsql_commit(s, errbuf, errlen) < 0)
		goto rollback;
	return STORE_STORED;
rollback:
	/* ERRBUF already holds the first error; keep it. */
	pgsql_rollback(s);
	return STORE_ERROR;
}

static enum store_status
pgsql_put_report(struct store *st, const struct tlsrpt_report *rep,
    const struct store_provenance *prov, char *errbuf, size_t errlen)
{
	static const struct store_provenance no_provenance = { .verified = 0 };
	struct store_pgsql *s = (struct store_pgsql *)st;
	enum store_status status = STORE_ERROR;
	char *domains, first[1024];
	size_t skip;

	errbuf_printf(errbuf, errlen, "%s", "");
	if (prov == NULL)
		prov = &no_provenance;
	if (rep->organization_name == NULL || rep->report_id == NULL) {
		pgsql_err(s, errbuf, errlen, "report without %s",
		    rep->organization_name == NULL ? "organization-name" : "report-id");
		return STORE_ERROR;
	}
	if ((domains = store_policy_domains_key(rep)) == NULL) {
		pgsql_err(s, errbuf, errlen, "out of memory");
		return STORE_ERROR;
	}
	/* Broken since the last call: the server may be back. */
	if (PQstatus(s->conn) == CONNECTION_BAD &&
	    reconnect(s, errbuf, errlen) < 0)
		goto out;
	status = put_once(s, rep, prov, domains, errbuf, errlen);
	if (status == STORE_ERROR && PQstatus(s->conn) == CONNECTION_BAD) {
		/* Lost on the way (a restart): once more on a new session. */
		snprintf(first, sizeof(first), "%s", errbuf != NULL && errlen > 0 ?
		    errbuf : "");
		if (reconnect(s, errbuf, errlen) == 0)
			status = put_once(s, rep, prov, domains, errbuf, errlen);
		else if (errbuf != NULL && errlen > 0) {
			/* "WHERE: what failed; reconnecting: why not" */
			char again[1024];

			snprintf(again, sizeof(again), "%s", errbuf);
			skip = strlen(s->where) + 2;
			errbuf_printf(errbuf, errlen, "%s; %s", first,
			    strlen(again) > skip ? again + skip : again);
		}
	}
out:
	free(domains);
	return status;
}

static int
pgsql_query(struct store *st, const struct store_filter *filter,
    const struct store_visitor *visitor, char *errbuf, size_t errlen)
{
	struct store_pgsql *s = (struct store_pgsql *)st;

	/* A CLI run after the server restarted: one new session, then on. */
	if (PQstatus(s->conn) != CONNECTION_OK &&
	    reconnect(s, errbuf, errlen) < 0)
		return -1;
	return store_pgsql_query(s->conn, filter, visitor, errbuf, errlen);
}

static int
pgsql_prune(struct store *st, struct store_prune *pr, char *errbuf,
    size_t errlen)
{
	struct store_pgsql *s = (struct store_pgsql *)st;

	if (PQstatus(s->conn) != CONNECTION_OK &&
	    reconnect(s, errbuf, errlen) < 0)
		return -1;
	return store_pgsql_prune(s, pr, errbuf, errlen);
}

static int
pgsql_put_probes(struct store *st, const struct store_probe_row *rows,
    size_t n, size_t *stored_r, char *errbuf, size_t errlen)
{
	struct store_pgsql *s = (struct store_pgsql *)st;

	if (PQstatus(s->conn) != CONNECTION_OK &&
	    reconnect(s, errbuf, errlen) < 0)
		return -1;
	return store_pgsql_put_probes(s, rows, n, stored_r, errbuf, errlen);
}

static int
pgsql_query_probes(struct store *st, const struct store_filter *filter,
    const struct store_probe_visitor *visitor, char *errbuf, size_t errlen)
{
	struct store_pgsql *s = (struct store_pgsql *)st;

	if (PQstatus(s->conn) != CONNECTION_OK &&
	    reconnect(s, errbuf, errlen) < 0)
		return -1;
	return store_pgsql_query_probes(s, filter, visitor, errbuf, errlen);
}

const struct store_backend store_pgsql_backend = {
	.scheme = "postgresql",
	.alias = "postgres",
	.open = pgsql_open,
	.put_report = pgsql_put_report,
	.query = pgsql_query,
	.prune = pgsql_prune,
	.close = pgsql_close,
	.put_probes = pgsql_put_probes,
	.query_probes = pgsql_query_probes,
};
