#!/bin/bash
# prune.sh - `tlsrpt db prune` on both stores: its usage errors (no age:
# RetentionDays 0 and no --older-than; --older-than 0 or not a number)
# exit 2 and say why; --dry-run counts and changes nothing; a prune by
# RetentionDays removes exactly the reports that ended before the cutoff,
# with their policies and failure details, and says how many; a second
# import of the same files stores nothing (the pruned reports' dedup keys
# are kept); a prune with nothing to do says 0.  The milter, given
# RetentionDays, prunes when it starts and logs one line with the count.  SQLite always; PostgreSQL
# (a private server, tests/pg-lib.sh) when root with its binaries.
set -u
srcdir=${srcdir:-.}
: "${TLSRPT:?TLSRPT must name the tlsrpt binary}"
. "$srcdir/tests/pg-lib.sh"
. "$srcdir/tests/testlib.sh"
tl_init prune
tl_tmpdir pg_cleanup
chmod 755 "$tmp"

# Reports as JSON files: three ended in 2020, one yesterday.
report() {	# FILE ID DAY
	cat >"$1" <<JSON
{"organization-name":"Prune Sender","date-range":{"start-datetime":"${3}T00:00:00Z",
"end-datetime":"${3}T23:59:59Z"},"contact-info":"tlsrpt@sender.example",
"report-id":"$2","policies":[{"policy":{"policy-type":"sts","policy-domain":"example.net",
"policy-string":["version: STSv1","mode: enforce","mx: mx1.example.net","max_age: 86400"],
"mx-host":["mx1.example.net"]},"summary":{"total-successful-session-count":10,
"total-failure-session-count":2},"failure-details":[{"result-type":"certificate-expired",
"sending-mta-ip":"192.0.2.1","receiving-mx-hostname":"mx1.example.net","failed-session-count":2}]}]}
JSON
}
mkdir "$tmp/r"
report "$tmp/r/a.json" old-1 2020-01-01
report "$tmp/r/b.json" old-2 2020-01-02
report "$tmp/r/c.json" old-3 2020-01-03
report "$tmp/r/d.json" new-1 "$(date -u -d yesterday +%F)"

# suite KIND DATABASE COUNT-COMMAND: COUNT-COMMAND prints "reports/policies/details".
suite() {
	kind=$1 db=$2 count=$3
	extra=
	[ "$kind" = postgresql ] && extra="DatabasePasswordFile $PG_PASSFILE"
	printf 'Database %s\n%s\n' "$db" "$extra" >"$tmp/$kind.conf"
	printf 'Database %s\n%s\nRetentionDays 30\n' "$db" "$extra" >"$tmp/$kind-30.conf"
	expect_rc "$kind: import" 0 "$TLSRPT" -c "$tmp/$kind.conf" import --no-verify "$tmp/r"
	expect_eq "$kind: four reports stored" "$($count)" "4/4/4"

	expect_rc "$kind: no age is a usage error" 2 "$TLSRPT" db prune -c "$tmp/$kind.conf"
	expect_in "$kind: ... saying what to give" "$tmp/err" \
		"tlsrpt db prune: no age given: RetentionDays is 0 (keep reports forever)"
	expect_rc "$kind: --older-than 0 is a usage error" 2 \
		"$TLSRPT" db prune -c "$tmp/$kind.conf" --older-than 0
	expect_in "$kind: ... saying why" "$tmp/err" "--older-than 0 would prune every report"
	expect_rc "$kind: --older-than x is a usage error" 2 \
		"$TLSRPT" db prune -c "$tmp/$kind.conf" --older-than 3x
	expect_in "$kind: ... saying what it takes" "$tmp/err" "is not a number of days from 1 to 36500"
	expect_rc "$kind: a stray argument is a usage error" 2 \
		"$TLSRPT" db prune -c "$tmp/$kind.conf" --older-than 30 now
	expect_eq "$kind: usage errors pruned nothing" "$($count)" "4/4/4"

	expect_rc "$kind: --dry-run" 0 "$TLSRPT" db prune -c "$tmp/$kind.conf" \
		--older-than 30 --dry-run
	expect_in "$kind: --dry-run says what would go" "$tmp/out" \
		"would prune 3 reports (3 policies, 3 failure details) that ended before"
	expect_eq "$kind: --dry-run changed nothing" "$($count)" "4/4/4"

	expect_rc "$kind: prune by RetentionDays" 0 "$TLSRPT" db prune -c "$tmp/$kind-30.conf"
	expect_in "$kind: ... says what went" "$tmp/out" \
		"pruned 3 reports (3 policies, 3 failure details) that ended before"
	expect_in "$kind: ... and the age" "$tmp/out" "(30 days ago)"
	expect_in "$kind: ... in one transaction" "$tmp/out" "1 transaction, the longest "
	expect_eq "$kind: the new report and its rows stay" "$($count)" "1/1/1"

	expect_rc "$kind: import again" 0 "$TLSRPT" -c "$tmp/$kind.conf" import --no-verify "$tmp/r"
	expect_eq "$kind: pruned reports are still duplicates" "$($count)" "1/1/1"
	expect_rc "$kind: nothing left to prune" 0 "$TLSRPT" db prune -c "$tmp/$kind.conf" \
		--older-than 30
	expect_in "$kind: ... says 0" "$tmp/out" "pruned 0 reports (0 policies, 0 failure details)"
}

COUNTS="SELECT (SELECT count(*) FROM reports) || '/' || (SELECT count(*) FROM policies)
	|| '/' || (SELECT count(*) FROM failure_details)"
sqlite_count() {
	python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])' \
		"$tmp/store.db" "$COUNTS"
}
suite sqlite "sqlite:$tmp/store.db" sqlite_count

# --- the milter prunes by RetentionDays when it starts (SQLite) -----------
MILTER=${TLSRPT_MILTER:-./tlsrpt-milter}
mkdir "$tmp/spool"
cat >"$tmp/milter.conf" <<CONF
Socket unix:$tmp/milter.sock
Database sqlite:$tmp/milter.db
SpoolDirectory $tmp/spool
RetentionDays 30
LogLevel info
CONF
expect_rc "milter store: import" 0 "$TLSRPT" -c "$tmp/milter.conf" import --no-verify "$tmp/r"
if tl_milter_start "$tmp/milter.conf"; then
	i=0
	until grep -q "retention: pruned" "$tmp/milter.log" || [ $i -ge 100 ]; do
		sleep 0.1; i=$((i + 1))
	done
	expect_in "milter: one line with the count" "$tmp/milter.log" \
		"retention: pruned 3 reports (3 policies, 3 failure details) that ended over 30 days ago"
	expect_eq "milter: the new report stays" "$(python3 -c 'import sqlite3, sys
print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])' \
		"$tmp/milter.db" "$COUNTS")" "1/1/1"
	kill "$mpid"
	tl_milter_wait_exit || bad "milter: exits on SIGTERM"
else
	bad "milter: did not start"; cat "$tmp/milter.log"
fi

pg_count() {
	pg_psql -tAc "$COUNTS"
}
if [ "$(id -u)" -eq 0 ] && pg_find_bin && id postgres >/dev/null 2>&1 &&
    command -v runuser >/dev/null 2>&1; then
	if pg_setup "$tmp/pg"; then
		trap tl_cleanup EXIT
		suite postgresql "$PG_URI" pg_count
	else
		bad "postgresql: the private server did not start"
	fi
else
	echo "prune: PostgreSQL part skipped (needs root and its server binaries)"
fi
tl_finish
