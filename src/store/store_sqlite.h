/*
 * store_sqlite.h - what the SQLite engine's files share (private to
 * store_sqlite*.c): the read side, which takes the open database and
 * does nothing else with it.
 */
#ifndef TLSRPT_STORE_SQLITE_H
#define TLSRPT_STORE_SQLITE_H

#include "store_backend.h"

#include <sqlite3.h>

int store_sqlite_query(sqlite3 *db, const struct store_filter *filter,
    const struct store_visitor *visitor, char *errbuf, size_t errlen);

#endif
