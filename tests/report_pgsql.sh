#!/bin/sh
# report_pgsql.sh - tests/report.sh with the fixture database in a
# private PostgreSQL server (tests/pg-lib.sh), then tests/report_episodes.sh
# over the same database (its queries name their scenario domain, so the
# two sets of reports do not mix): the same golden files must
# come out of both backends, byte for byte.  Skips (77) unless root with
# the PostgreSQL server binaries.
set -u
srcdir=${srcdir:-.}
. "$srcdir/tests/pg-lib.sh"
pg_usable report_pgsql
tmp=$(mktemp -d "${TMPDIR:-/tmp}/report_pgsql.XXXXXX") || exit 1
chmod 755 "$tmp"	# the server runs as postgres and must reach its dirs
cleanup() {
	pg_cleanup
	rm -rf "$tmp"
}
pg_setup "$tmp/pg" || { cleanup; exit 99; }
trap cleanup EXIT
# Compared with the SQLite refs, never written (report.sh refuses --update
# against another store).
PGPASSFILE=$PG_PASSFILE TLSRPT_TEST_STORE_URI=$PG_URI sh "$srcdir/tests/report.sh" &&
	PGPASSFILE=$PG_PASSFILE TLSRPT_TEST_STORE_URI=$PG_URI \
	sh "$srcdir/tests/report_episodes.sh"
