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
	sh "$srcdir/tests/report_episodes.sh" || exit 1

# The queries narrow each period to the id range of its reports.  Reports
# stored in no order of time (an import of old mail after new) spread a
# period's ids over the store: the same reports, stored in file order
# into one database and in reverse into another, must each give what
# SQLite gives with the same reports stored in the same order (the order
# of keys follows the store's), for periods at the start, middle and end,
# with a domain, by week and by month, and for one with no report at all.
. "$srcdir/tests/testlib.sh"
tl_init report_pgsql
python3 "$srcdir/tests/make_report_fixtures.py" "$tmp/reports" >/dev/null || exit 1
pg_psql_db postgres -c "CREATE DATABASE fwd OWNER tlsrpt" \
	-c "CREATE DATABASE rev OWNER tlsrpt" >/dev/null || exit 1
export PGPASSFILE=$PG_PASSFILE SOURCE_DATE_EPOCH=1775001600 NO_COLOR=1
fwd=${PG_URI%/tlsrpt}/fwd rev=${PG_URI%/tlsrpt}/rev
"$FIXTURE_STORE" "sqlite:$tmp/fwd.db" "$tmp"/reports/*.json >"$tmp/store.out" 2>&1 &&
	"$FIXTURE_STORE" "sqlite:$tmp/rev.db" $(ls -r "$tmp"/reports/*.json) >>"$tmp/store.out" 2>&1 &&
	"$FIXTURE_STORE" "$fwd" "$tmp"/reports/*.json >>"$tmp/store.out" 2>&1 &&
	"$FIXTURE_STORE" "$rev" $(ls -r "$tmp"/reports/*.json) >>"$tmp/store.out" 2>&1 ||
	{ cat "$tmp/store.out"; exit 1; }
[ "$(pg_psql_db rev -Atc "SELECT count(*) FROM reports a JOIN reports b
    ON b.id = a.id + 1 AND b.start_time < a.start_time")" -gt 0 ] &&
	ok "reverse order: ids run against time" || bad "reverse order: ids run against time"
for period in "--since 2026-01-01 --until 2026-03-31" "--since 2026-01-01 --until 2026-01-10" \
    "--since 2026-02-11 --until 2026-02-20" "--since 2026-03-25 --until 2026-03-31" \
    "--domain example.net --since 2026-02-01 --until 2026-02-28" \
    "--since 2026-01-07 --until 2026-03-31 --grain week" \
    "--since 2025-10-01 --until 2026-03-20" \
    "--since 2025-06-01 --until 2025-06-30"; do
	for o in fwd rev; do
		"$TLSRPT" --db "sqlite:$tmp/$o.db" report --format json $period >"$tmp/$o-ref.json" &&
			"$TLSRPT" --db "${PG_URI%/tlsrpt}/$o" report --format json $period >"$tmp/$o.json" &&
			cmp -s "$tmp/$o-ref.json" "$tmp/$o.json" || { echo "differs: $o"; break; }
	done >"$tmp/cmp.out"
	[ ! -s "$tmp/cmp.out" ] &&
		ok "stored in either order: the report SQLite gives ($period)" ||
		bad "stored in either order: the report SQLite gives ($period)"
done
grep -q '"reports": 0' "$tmp/rev-ref.json" && ok "a period without reports was among them" ||
	bad "a period without reports was among them"
tl_finish
