#!/bin/bash
# store_pgsql.sh - the PostgreSQL store against a real server: a private
# PostgreSQL on loopback (tests/pg-lib.sh) that wants a password over TCP,
# given through a password file (store_options.password_file).
#
# Checks: the whole store suite (tests/test_store_sqlite) against it; two
# processes storing the same 200 reports at once -> 200 reports, none twice;
# a report whose strings try SQL injection is stored verbatim; the server
# stopped under an open handle -> STORE_ERROR saying so, without the
# password; started again -> the same handle stores again; restarted
# between two reports -> the handle reconnects by itself; a reopen works;
# another writer holding the same report past statement_timeout -> a clear
# STORE_ERROR, then a duplicate once it commits.
# TEST_WRAPPER (e.g. "valgrind --error-exitcode=1") runs the C side under a
# tool.  Skips (77) unless root with the PostgreSQL server binaries.
set -u
srcdir=${srcdir:-.}
TEST=${TEST_STORE:-./tests/test_store_sqlite}
RUN=${TEST_WRAPPER:-}
. "$srcdir/tests/pg-lib.sh"
. "$srcdir/tests/testlib.sh"
tl_init store_pgsql
pg_usable store_pgsql
[ -x "$TEST" ] || { echo "store_pgsql: $TEST not built"; exit 99; }

hpid=
stop_servers() {
	[ -n "$hpid" ] && kill "$hpid" 2>/dev/null
	pg_cleanup
}
tl_tmpdir stop_servers
chmod 755 "$tmp"	# the server runs as postgres and must reach its dirs
pg_setup "$tmp/pg" || { tl_cleanup; exit 99; }
trap tl_cleanup EXIT	# pg_setup's own trap stops only the server
export TLSRPT_TEST_STORE_URI=$PG_URI TLSRPT_TEST_STORE_PASSWORD_FILE=$PG_PASSFILE
export srcdir
# Reports of the helper reporter with id ID-pattern: "reports/distinct ids".
rows() {
	pg_psql -tAc "SELECT count(*) || '/' || count(DISTINCT report_id)
		FROM reports WHERE report_id LIKE '$1'"
}

# --- the suite -------------------------------------------------------------
if $RUN "$TEST" >"$tmp/suite.log" 2>&1; then
	ok "store suite on PostgreSQL: $(tail -n 1 "$tmp/suite.log")"
else
	bad "store suite on PostgreSQL"
	cat "$tmp/suite.log"
fi

# --- two processes, the same 200 reports ----------------------------------
$RUN "$TEST" put-many same 200 >"$tmp/a.out" 2>"$tmp/a.err" &
a=$!
$RUN "$TEST" put-many same 200 >"$tmp/b.out" 2>"$tmp/b.err" &
b=$!
wait $a; ra=$?
wait $b; rb=$?
expect_eq "two writers: exit codes" "$ra $rb" "0 0"
sum=$(cat "$tmp/a.out" "$tmp/b.out" | awk '{s += $2; d += $4; e += $6}
	END {print s " stored, " d " duplicates, " e " errors"}')
expect_eq "two writers: each report stored by one of them" "$sum" \
	"200 stored, 200 duplicates, 0 errors"
expect_eq "two writers: 200 reports, none twice" "$(rows 'same-%')" "200/200"
expect_eq "two writers: their policies and failure details" \
	"$(pg_psql -tAc "SELECT count(*) FROM policies p JOIN reports r
		ON p.report_fk = r.id WHERE r.report_id LIKE 'same-%'")/$(pg_psql -tAc \
	"SELECT count(*) FROM failure_details f JOIN policies p ON f.policy_fk = p.id
		JOIN reports r ON p.report_fk = r.id WHERE r.report_id LIKE 'same-%'")" \
	"400/600"
cat "$tmp/a.err" "$tmp/b.err"

# --- one handle through injection, an outage and a restart -----------------
cat >"$tmp/evil.json" <<'JSON'
{"organization-name": "Evil'); DROP TABLE reports; --",
 "date-range": {"start-datetime": "2024-06-01T00:00:00Z",
  "end-datetime": "2024-06-01T23:59:59Z"},
 "contact-info": "x'||(SELECT version())||'",
 "report-id": "'; DELETE FROM policies WHERE '1'='1",
 "policies": [{"policy": {"policy-type": "sts",
   "policy-string": ["version: STSv1", "mode: enforce'); TRUNCATE reports; --"],
   "policy-domain": "evil.example"},
  "summary": {"total-successful-session-count": 1,
   "total-failure-session-count": 1},
  "failure-details": [{"result-type": "validation-failure",
   "receiving-mx-hostname": "mx.evil.example\"; DROP TABLE failure_details; --",
   "failed-session-count": 1}]}]}
JSON
coproc H { exec $RUN "$TEST" serve 2>"$tmp/serve.err"; }
hpid=$H_PID
hin=${H[1]} hout=${H[0]}
reply=
ask() {
	[ -n "$1" ] && echo "$1" >&"$hin"
	IFS= read -r -t 120 reply <&"$hout" || reply="(no answer)"
}
leaks() {	# WHAT MESSAGE: the message must hold no password
	case $2 in
	*"$PG_PASSWORD"*) bad "$1: the password is in the message" ;;
	*) ok "$1: no password in the message" ;;
	esac
}
ask ""
expect_eq "serve: opened" "$reply" "OPEN"
ask "put outage-1"
expect_eq "before the outage: stored" "$reply" "STORED"

ask "file $tmp/evil.json"
expect_eq "SQL injection: stored" "$reply" "STORED"
expect_eq "SQL injection: strings verbatim" "$(pg_psql -tAc "SELECT organization_name
	|| '|' || contact_info || '|' || report_id FROM reports
	WHERE organization_name LIKE 'Evil%'")" \
	"Evil'); DROP TABLE reports; --|x'||(SELECT version())||'|'; DELETE FROM policies WHERE '1'='1"
expect_eq "SQL injection: policy and detail strings verbatim" \
	"$(pg_psql -tAc "SELECT p.policy_strings || '|' || f.receiving_mx_hostname
	FROM reports r JOIN policies p ON p.report_fk = r.id
	JOIN failure_details f ON f.policy_fk = p.id
	WHERE r.organization_name LIKE 'Evil%'")" \
	"[\"version: STSv1\",\"mode: enforce'); TRUNCATE reports; --\"]|mx.evil.example\"; DROP TABLE failure_details; --"
expect_eq "SQL injection: every table still there, nothing else touched" \
	"$(pg_psql -tAc "SELECT (SELECT count(*) FROM reports WHERE report_id
	LIKE 'same-%') || '/' || (SELECT count(*) FROM schema_version) || '/'
	|| (SELECT count(*) FROM policies) || '/' || (SELECT count(*) FROM failure_details)")" \
	"200/6/403/604"
ask "file $tmp/evil.json"
expect_eq "SQL injection: the same report again is a duplicate" "$reply" "DUPLICATE"

pg_stop || bad "stopping the server"
ask "put outage-2"
case $reply in
"ERROR: $PG_URI: "*"server closed the connection"*"reconnecting: "*"Connection refused"*)
	ok "server stopped: STORE_ERROR saying the connection was lost and refused" ;;
*) bad "server stopped: $reply" ;;
esac
leaks "server stopped" "$reply"
echo "     ($reply)"
ask "put outage-2"
case $reply in
"ERROR: $PG_URI: reconnecting: "*"Connection refused"*)
	ok "still stopped: STORE_ERROR, connection refused" ;;
*) bad "still stopped: $reply" ;;
esac
pg_start || bad "starting the server again"
ask "put outage-2"
expect_eq "server back: the same handle stores again" "$reply" "STORED"
ask "put outage-1"
expect_eq "server back: the report of before is a duplicate" "$reply" "DUPLICATE"

pg_stop && pg_start || bad "restarting the server"
ask "put outage-3"
expect_eq "server restarted between reports: reconnected and stored" "$reply" "STORED"
ask "reopen"
expect_eq "reopen" "$reply" "OPEN"
ask "put outage-3"
expect_eq "after the reopen: a duplicate" "$reply" "DUPLICATE"
expect_eq "the outage reports, once each" "$(rows 'outage-%')" "3/3"

# Another writer holds the same report longer than statement_timeout (the
# role's, here; the store sets 30s only when nothing else does).
pg_psql -c "ALTER ROLE tlsrpt SET statement_timeout = '1s'"
pg_psql -c "BEGIN" -c "INSERT INTO reports (organization_name, report_id,
	start_time, end_time, policy_domains, total_successful, total_failure,
	verified, stored_time, warnings, signer) VALUES ('Helper Reporter', 'held-1',
	1709251200, 1709337599, 'example.net,example.org', 0, 0, 1, 0, '[]',
	'reporter.example')" \
	-c "SELECT pg_sleep(4)" -c "COMMIT" >/dev/null &
holder=$!
sleep 1
ask "reopen"
ask "put held-1"
case $reply in
"ERROR: $PG_URI: inserting the report: canceling statement due to statement timeout")
	ok "held too long: STORE_ERROR, statement timeout" ;;
*) bad "held too long: $reply" ;;
esac
wait $holder
ask "put held-1"
expect_eq "held, then committed: a duplicate" "$reply" "DUPLICATE"
pg_psql -c "ALTER ROLE tlsrpt RESET statement_timeout"

# End of input ends it; one that hangs is killed and fails.
eval "exec $hin>&-"
i=0
while kill -0 "$hpid" 2>/dev/null; do
	i=$((i + 1)); [ $i -gt 600 ] && { kill "$hpid"; break; }; sleep 0.1
done
wait "$hpid"
rc=$?
hpid=
expect_eq "serve: exit status" "$rc" "0"
if [ -s "$tmp/serve.err" ]; then
	bad "serve: said something on stderr"
	cat "$tmp/serve.err"
fi

tl_finish
