#!/bin/bash
# spool_pgsql.sh - nothing lost while PostgreSQL is down.
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
LIB="$srcdir/tests/milter"
N=100
. "$srcdir/tests/pg-lib.sh"
. "$srcdir/tests/reports-lib.sh"
. "$srcdir/tests/testlib.sh"
tl_init spool_pgsql
pg_usable spool_pgsql
tl_need_tools miltertest openssl gzip base64 timeout
tl_need_python_dkim
[ -x "$MILTER" ] || { echo "spool_pgsql: $MILTER not built"; exit 99; }

# The filter first, so that the server is not stopped under it.
stop_servers() {
	[ -n "$mpid" ] && kill "$mpid" 2>/dev/null && wait "$mpid" 2>/dev/null
	mpid=
	pg_cleanup
}
tl_tmpdir stop_servers
chmod 755 "$tmp"	# the server runs as postgres and must reach its dirs
pg_setup "$tmp/pg" || { tl_cleanup; exit 99; }
trap tl_cleanup EXIT	# pg_setup's own trap stops only the server

# --- keys and N + 1 distinct signed reports (only report-id differs) -------
tl_dkim_google
mkdir "$tmp/msg"
make_reports "$tmp/k.pem" "$tmp/msg" spool 0 "$N" || { echo "signing failed"; exit 1; }
echo "msg/0.eml|Q-FIRST" >"$tmp/first-case"
: >"$tmp/down-cases"
n=1
while [ $n -le $N ]; do echo "msg/$n.eml|Q-SPOOL$n" >>"$tmp/down-cases"; n=$((n + 1)); done

# --- the daemon -------------------------------------------------------------
expect_eq "password file mode" "$(stat -c %a "$PG_PASSFILE")" 600
cat >"$tmp/milter.conf" <<CONF
Socket unix:$tmp/milter.sock
Database $PG_URI
DatabasePasswordFile $PG_PASSFILE
SpoolDirectory $tmp/spool
DKIMKeyFile $tmp/keys
ReportAddresses tlsrpt@*
LogLevel debug
CONF
tl_milter_up "$tmp/milter.conf" TLSRPT_REPLAY_INTERVAL=1

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
expect_eq "store up: the first report stored" \
	"$(pg_psql -tAc "SELECT count(*) FROM reports WHERE report_id = 'spool-0'
		AND queue_id = 'Q-FIRST' AND verified = 1")" 1
expect_eq "store up: nothing spooled" "$(spooled)" 0

# --- the server stopped: N reports flow, all spooled -----------------------
pg_stop || bad "stopping the server"
"$BASH" -c "exec 3<>/dev/tcp/127.0.0.1/$PG_PORT" 2>/dev/null &&
	bad "server stopped: its port still answers" || ok "server stopped"
t0=$(date +%s)
lua t-spool.lua SPOOL_CASES="$tmp/down-cases"
echo "     ($N messages in $(($(date +%s) - t0)) s)"
expect_eq "store down: all $N reports spooled" "$(spooled)" $N
expect_eq "store down: each logged as store unavailable, spooled" \
	"$(grep -c "Q-SPOOL[0-9]*: store unavailable (.*); report spooled to $tmp/spool/" "$tmp/milter.log")" $N
grep -q "store unavailable" "$tmp/milter.log" && grep -q "spooled" "$tmp/milter.log" &&
	ok "log says \"store unavailable\" and \"spooled\"" ||
	bad "log says \"store unavailable\" and \"spooled\""
sleep 2	# a replay attempt or two while the server is still down
expect_eq "store down: nothing replayed" "$(spooled)" $N

# --- the server started: the spool replayed --------------------------------
pg_start || bad "starting the server again"
i=0
while [ "$(spooled)" -gt 0 ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
expect_eq "server back: the spool empty within 30 s" "$(spooled)" 0
echo "     (emptied after about $((i / 10)) s)"
expect_eq "server back: $((N + 1)) reports stored" "$(count)" $((N + 1))
expect_eq "server back: no duplicates" \
	"$(pg_psql -tAc "SELECT count(*) - count(DISTINCT report_id) FROM reports")" 0
expect_eq "server back: the spooled ones verified, with their provenance" \
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
kill -0 "$mpid" 2>/dev/null && ok "milter still alive" || bad "milter still alive"
kill -TERM "$mpid"
if ! tl_milter_wait_exit; then
	bad "exits after SIGTERM"
else
	expect_eq "exit status after SIGTERM" "$tl_rc" 0
fi

tl_finish 40 "milter log" "$tmp/milter.log"
