/*
 * store_sqlite.h - what the SQLite engine's files share (private to
 * store_sqlite*.c): the read side and retention, which take the open
 * database and do nothing else with it.
 */
#ifndef TLSRPT_STORE_SQLITE_H
#define TLSRPT_STORE_SQLITE_H

#include "store_backend.h"

#include <sqlite3.h>

/* store_columns accessors for a stepped sqlite3_stmt. */
const char *store_sqlite_col_text(const void *row, int col);
long long store_sqlite_col_num(const void *row, int col);

int store_sqlite_query(sqlite3 *db, const struct store_filter *filter,
    const struct store_visitor *visitor, char *errbuf, size_t errlen);

/* store_prune() for SQLite (store_sqlite_prune.c). */
int store_sqlite_prune(sqlite3 *db, struct store_prune *pr, char *errbuf,
    size_t errlen);

/* store_put_probes() and store_query_probes() (store_sqlite_probe.c). */
int store_sqlite_put_probes(sqlite3 *db, const struct store_probe_row *rows,
    size_t n, size_t *stored_r, char *errbuf, size_t errlen);
int store_sqlite_query_probes(sqlite3 *db, const struct store_filter *filter,
    const struct store_probe_visitor *visitor, char *errbuf, size_t errlen);
/* Delete (or with PR->dry_run count) probe rows before PR->cutoff. */
int store_sqlite_prune_probes(sqlite3 *db, struct store_prune *pr,
    char *errbuf, size_t errlen);

#endif
