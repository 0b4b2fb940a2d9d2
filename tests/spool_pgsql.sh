#!/bin/bash
# spool_pgsql.sh - nothing lost while PostgreSQL is down (issue 5).
#
# A private PostgreSQL on loopback (tests/pg-lib.sh), reached over TCP with
# a password from DatabasePasswordFile; tlsrpt-milter driven by miltertest
# (tests/milter/common.lua, t-spool.lua), its replay thread looking every
# second (TLSRPT_REPLAY_INTERVAL=1).  One signed report is stored; the
# server is stopped; 100 distinct signed reports flow: each tagged pass,
# each spooled and logged; the server is started: the spool empties within
# 30 s, the table holds 101 reports, none twice; the milter is still alive
# and exits 0 on SIGTERM.
# Skips (77) unless root with the PostgreSQL server binaries, miltertest,
# openssl and python3-dkim.
set -u
srcdir=${srcdir:-.}
MILTER=${TLSRPT_MILTER:-./tlsrpt-milter}
PY=/usr/bin/python3
LIB="$srcdir/tests/milter"
N=100
. "$srcdir/tests/pg-lib.sh"
. "$srcdir/tests/reports-lib.sh"
pg_usable spool_pgsql
for tool in miltertest openssl gzip base64 timeout; do
	command -v $tool >/dev/null 2>&1 || { echo "spool_pgsql: SKIP: $tool not found"; exit 77; }
done
"$PY" -c 'import dkim' 2>/dev/null || { echo "spool_pgsql: SKIP: no python3-dkim"; exit 77; }
[ -x "$MILTER" ] || { echo "spool_pgsql: $MILTER not built"; exit 99; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/spool_pgsql.XXXXXX") || exit 1
chmod 755 "$tmp"	# the server runs as postgres and must reach its dirs
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	pg_cleanup
	rm -rf "$tmp"
}
pg_setup "$tmp/pg" || { cleanup; exit 99; }
trap cleanup EXIT
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok   $1"; }
bad() { failed=$((failed + 1)); echo "FAIL $1"; }
check() {	# WHAT GOT WANT
	if [ "$2" = "$3" ]; then ok "$1"; else bad "$1: got \"$2\", want \"$3\""; fi
}

# --- keys and N + 1 distinct signed reports (only report-id differs) -------
openssl genrsa 2048 >"$tmp/k.pem" 2>/dev/null || { echo "openssl genrsa failed"; exit 1; }
p=$(openssl rsa -in "$tmp/k.pem" -pubout -outform DER 2>/dev/null | base64 | tr -d '\n')
echo "sel._domainkey.google.com v=DKIM1; k=rsa; p=$p" >"$tmp/keys"
mkdir "$tmp/msg"
make_reports "$tmp/k.pem" "$tmp/msg" spool 0 "$N" || { echo "signing failed"; exit 1; }
echo "msg/0.eml|Q-FIRST" >"$tmp/first-case"
: >"$tmp/down-cases"
n=1
while [ $n -le $N ]; do echo "msg/$n.eml|Q-SPOOL$n" >>"$tmp/down-cases"; n=$((n + 1)); done

# --- the daemon -------------------------------------------------------------
check "password file mode" "$(stat -c %a "$PG_PASSFILE")" 600
cat >"$tmp/milter.conf" <<CONF
Socket unix:$tmp/milter.sock
Database $PG_URI
DatabasePasswordFile $PG_PASSFILE
SpoolDirectory $tmp/spool
DKIMKeyFile $tmp/keys
ReportAddresses tlsrpt@*
LogLevel debug
CONF
TLSRPT_REPLAY_INTERVAL=1 "$MILTER" -f -c "$tmp/milter.conf" >"$tmp/milter.log" 2>&1 &
pid=$!
i=0
while [ ! -S "$tmp/milter.sock" ] && [ $i -lt 100 ] && kill -0 "$pid" 2>/dev/null; do
	sleep 0.1; i=$((i + 1))
done
[ -S "$tmp/milter.sock" ] || { echo "milter did not start:"; cat "$tmp/milter.log"; exit 1; }

lua() {	# SCRIPT [VAR=value...]
	script=$1; shift
	if env MILTER_SOCKET="unix:$tmp/milter.sock" MILTER_LIB="$LIB" \
	    MESSAGES="$tmp" "$@" timeout 60 miltertest -s "$LIB/$script" >"$tmp/lua.out" 2>&1; then
		while read -r line; do ok "${line/store down/${STATE:-store down}}"; done <"$tmp/lua.out"
	else
		bad "$script:"; sed 's/^/    /' "$tmp/lua.out"
	fi
}
spooled() { find "$tmp/spool" -maxdepth 1 -type f ! -name '.*' 2>/dev/null | wc -l; }
count() { pg_psql -tAc "SELECT count(*) FROM reports" 2>&1; }

# --- one report with the store up: stored ----------------------------------
STATE="store up" lua t-spool.lua SPOOL_CASES="$tmp/first-case"
check "store up: the first report stored" \
	"$(pg_psql -tAc "SELECT count(*) FROM reports WHERE report_id = 'spool-0'
		AND queue_id = 'Q-FIRST' AND verified = 1")" 1
check "store up: nothing spooled" "$(spooled)" 0

# --- the server stopped: N reports flow, all spooled -----------------------
pg_stop || bad "stopping the server"
"$BASH" -c "exec 3<>/dev/tcp/127.0.0.1/$PG_PORT" 2>/dev/null &&
	bad "server stopped: its port still answers" || ok "server stopped"
t0=$(date +%s)
lua t-spool.lua SPOOL_CASES="$tmp/down-cases"
echo "     ($N messages in $(($(date +%s) - t0)) s)"
check "store down: all $N reports spooled" "$(spooled)" $N
check "store down: each logged as store unavailable, spooled" \
	"$(grep -c "Q-SPOOL[0-9]*: store unavailable (.*); report spooled to $tmp/spool/" "$tmp/milter.log")" $N
grep -q "store unavailable" "$tmp/milter.log" && grep -q "spooled" "$tmp/milter.log" &&
	ok "log says \"store unavailable\" and \"spooled\"" ||
	bad "log says \"store unavailable\" and \"spooled\""
sleep 2	# a replay attempt or two while the server is still down
check "store down: nothing replayed" "$(spooled)" $N

# --- the server started: the spool replayed --------------------------------
pg_start || bad "starting the server again"
i=0
while [ "$(spooled)" -gt 0 ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
check "server back: the spool empty within 30 s" "$(spooled)" 0
echo "     (emptied after about $((i / 10)) s)"
check "server back: $((N + 1)) reports stored" "$(count)" $((N + 1))
check "server back: no duplicates" \
	"$(pg_psql -tAc "SELECT count(*) - count(DISTINCT report_id) FROM reports")" 0
check "server back: the spooled ones verified, with their provenance" \
	"$(pg_psql -tAc "SELECT count(*) FROM reports WHERE queue_id LIKE 'Q-SPOOL%'
		AND report_id LIKE 'spool-%' AND verified = 1
		AND dkim_domain = 'google.com' AND auth_method = 'dkim'")" $N
grep -q "spool $tmp/spool: store available again" "$tmp/milter.log" &&
	ok "store recovery logged" || bad "store recovery logged"
[ -z "$(ls -A "$tmp/spool")" ] && ok "no temporary or bad files left" ||
	bad "no temporary or bad files left: $(ls -A "$tmp/spool")"
grep -qF "$PG_PASSWORD" "$tmp/milter.log" && bad "the password is in the log" ||
	ok "the password is not in the log"

# --- still alive; SIGTERM -> exit 0 -----------------------------------------
kill -0 "$pid" 2>/dev/null && ok "milter still alive" || bad "milter still alive"
kill -TERM "$pid"
i=0
while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
if kill -0 "$pid" 2>/dev/null; then
	bad "exits after SIGTERM"
else
	wait "$pid"; rc=$?
	pid=
	check "exit status after SIGTERM" "$rc" 0
fi

if [ "$failed" -ne 0 ]; then
	echo "--- milter log (last 40 lines)"; tail -40 "$tmp/milter.log"
fi
echo "spool_pgsql: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
