/*
 * store_query.h - the read side of each backend (store.h store_query()),
 * kept apart from the write side: each takes the backend's open
 * connection and does nothing else with it.
 */
#ifndef TLSRPT_STORE_QUERY_H
#define TLSRPT_STORE_QUERY_H

#include "store.h"

#include <libpq-fe.h>
#include <sqlite3.h>

int store_sqlite_query(sqlite3 *db, const struct store_filter *filter,
    const struct store_visitor *visitor, char *errbuf, size_t errlen);

int store_pgsql_query(PGconn *conn, const struct store_filter *filter,
    const struct store_visitor *visitor, char *errbuf, size_t errlen);

/* Both backends select with the same bounds: [since, until) as numbers. */
long long store_filter_since(const struct store_filter *filter);
long long store_filter_until(const struct store_filter *filter);

#endif
