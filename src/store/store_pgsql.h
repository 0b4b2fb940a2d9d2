/*
 * store_pgsql.h - what the PostgreSQL backend's files share (private to
 * store_pgsql*.c): the handle, messages that never carry a password, the
 * URI, the schema and its migrations.
 */
#ifndef TLSRPT_STORE_PGSQL_H
#define TLSRPT_STORE_PGSQL_H

#include "store_backend.h"

#include <libpq-fe.h>
#include <stddef.h>

#define MAX_SECRETS	8

struct store_pgsql {
	struct store base;		/* first, so store.c can use it */
	PGconn *conn;
	char *where;			/* the URI without password or query */
	char *secrets[MAX_SECRETS];	/* passwords in the URI, to mask */
};

/*
 * "WHERE: " and the printf'd rest into ERRBUF, as one line: libpq's
 * newlines and tabs become single spaces, and every password known for
 * this connection is masked.
 */
void pgsql_err(struct store_pgsql *s, char *errbuf, size_t errlen,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* What the server or libpq said about RES (which may be NULL). */
const char *pgsql_result_message(struct store_pgsql *s, const PGresult *res);

/*
 * REST is what follows "postgresql:".  Sets s->where to the URI without
 * password and query, and notes the passwords found for masking.
 */
int pgsql_parse_uri(struct store_pgsql *s, const char *rest, char *errbuf,
    size_t errlen);

/* libpq ignores (with a line on stderr) a password file others can read. */
int pgsql_check_password_file(struct store_pgsql *s, const char *path,
    char *errbuf, size_t errlen);

/* Run SQL (no parameters, maybe several statements); 0 or -1 + ERRBUF. */
int pgsql_simple(struct store_pgsql *s, const char *sql, const char *what,
    char *errbuf, size_t errlen);

/* COMMIT, which the server turns into ROLLBACK in a failed transaction. */
int pgsql_commit(struct store_pgsql *s, char *errbuf, size_t errlen);

/* End a transaction left open by an error, when the connection still works. */
void pgsql_rollback(struct store_pgsql *s);

/* Bring the schema to store_schema_version(), once across MX hosts. */
int pgsql_migrate(struct store_pgsql *s, char *errbuf, size_t errlen);

/* The read side: takes the open connection and does nothing else with it. */
/* Row I of RES, for the store_columns accessors below. */
struct pgsql_row {
	const PGresult *res;
	int i;
};
const char *pgsql_col_text(const void *row, int col);
long long pgsql_col_num(const void *row, int col);

int store_pgsql_query(PGconn *conn, const struct store_filter *filter,
    const struct store_visitor *visitor, char *errbuf, size_t errlen);

/* store_prune() for PostgreSQL (store_pgsql_prune.c). */
int store_pgsql_prune(struct store_pgsql *s, struct store_prune *pr,
    char *errbuf, size_t errlen);

/* store_put_probes(), store_query_probes() (store_pgsql_probe.c). */
int store_pgsql_put_probes(struct store_pgsql *s,
    const struct store_probe_row *rows, size_t n, size_t *stored_r,
    char *errbuf, size_t errlen);
int store_pgsql_query_probes(struct store_pgsql *s,
    const struct store_filter *filter, const struct store_probe_visitor *v,
    char *errbuf, size_t errlen);
/* Delete (or with PR->dry_run count) probe rows before PR->cutoff. */
int store_pgsql_prune_probes(struct store_pgsql *s, struct store_prune *pr,
    char *errbuf, size_t errlen);

#endif
