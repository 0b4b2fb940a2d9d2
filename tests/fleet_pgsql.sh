#!/bin/bash
# fleet_pgsql.sh - an MX fleet sharing one PostgreSQL store.
#
# One private PostgreSQL on loopback (tests/pg-lib.sh); two tlsrpt-milter
# instances (inet sockets, the same Database URI with DatabasePasswordFile,
# separate spools), each behind its own private Postfix (tests/postfix-lib.sh).
# The same 200 distinct signed reports are sent through both Postfix
# instances concurrently (one python smtplib sender per instance, one SMTP
# connection each).  Checks: both Maildirs receive all 200, each tagged
# pass; the table holds 200 reports, none twice; the milters' logs together
# show 200 "recorded" and 200 "duplicate"; nothing spooled.
# Skips (77) unless root with postfix, the PostgreSQL server binaries,
# openssl, python3-dkim and python smtplib.
set -u
srcdir=${srcdir:-.}
MILTER=${TLSRPT_MILTER:-./tlsrpt-milter}
N=200
. "$srcdir/tests/pg-lib.sh"
. "$srcdir/tests/reports-lib.sh"
. "$srcdir/tests/postfix-lib.sh"
. "$srcdir/tests/testlib.sh"
tl_init fleet_pgsql
pg_usable fleet_pgsql
tl_need_tools postfix openssl gzip base64 timeout
tl_need_users postfix
tl_need_python_dkim
"$PY" -c 'import smtplib' 2>/dev/null || tl_skip "no python smtplib"
[ -x "$MILTER" ] || { echo "fleet_pgsql: $MILTER not built"; exit 99; }

mpid1= mpid2= spid1= spid2=
pf_at() {	# DIR PORT COMMAND...: postfix-lib.sh keeps its state in globals
	PF_DIR=$1 PF_PORT=$2; shift 2; "$@"
}
stop_servers() {
	for p in $spid1 $spid2; do kill "$p" 2>/dev/null; done
	[ -f "$tmp/pf1/etc/main.cf" ] && pf_at "$tmp/pf1" 0 pf_stop
	[ -f "$tmp/pf2/etc/main.cf" ] && pf_at "$tmp/pf2" 0 pf_stop
	for p in $mpid1 $mpid2; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
	pg_cleanup
}
tl_tmpdir stop_servers
chmod 755 "$tmp"	# postgres and postfix must reach their dirs
pg_setup "$tmp/pg" || { tl_cleanup; exit 99; }
trap tl_cleanup EXIT	# pg_setup's own trap stops only the server

# Four distinct free loopback ports: two milters, two Postfix instances.
ports=" $PG_PORT "
while [ "$(echo $ports | wc -w)" -lt 5 ]; do
	p=$(pg_free_port)
	case "$ports" in *" $p "*) ;; *) ports="$ports$p " ;; esac
done
set -- $ports
mport1=$2 mport2=$3 port1=$4 port2=$5

# --- key and N distinct signed reports (only report-id differs) ------------
tl_dkim_google
mkdir "$tmp/msg"
make_reports "$tmp/k.pem" "$tmp/msg" fleet 0 $((N - 1)) || { echo "signing failed"; exit 1; }

# --- two milters, one database ---------------------------------------------
start_milter() {	# I PORT
	cat >"$tmp/milter$1.conf" <<CONF
Socket inet:$2@127.0.0.1
Database $PG_URI
DatabasePasswordFile $PG_PASSFILE
SpoolDirectory $tmp/spool$1
DKIMKeyFile $tmp/keys
ReportAddresses tlsrpt@*
LogLevel info
CONF
	"$MILTER" -f -c "$tmp/milter$1.conf" >"$tmp/milter$1.log" 2>&1 &
	eval "mpid$1=$!"
	i=0
	until (exec 3<>"/dev/tcp/127.0.0.1/$2") 2>/dev/null; do
		i=$((i + 1)); [ $i -gt 100 ] && return 1; sleep 0.1
	done
}
for k in 1 2; do
	eval "mp=\$mport$k"
	start_milter $k "$mp" || { echo "milter $k did not start:"; cat "$tmp/milter$k.log"; exit 1; }
done
ok "two milters on 127.0.0.1:$mport1 and :$mport2, one PostgreSQL on :$PG_PORT"

# --- two Postfix instances -------------------------------------------------
for k in 1 2; do
	eval "pp=\$port$k mp=\$mport$k"
	pf_setup "$tmp/pf$k" "$pp" "{ inet:127.0.0.1:$mp, default_action=accept }" ||
		{ echo "postfix $k setup failed"; exit 1; }
	pf_start || { echo "postfix $k did not start"; cat "$(pf_log)" 2>/dev/null; exit 1; }
done
ok "two private postfix instances on 127.0.0.1:$port1 and :$port2"

# --- the same N reports through both, concurrently -------------------------
send_all() {	# PORT LOG
	timeout 90 "$PY" - "$1" "$tmp/msg" $N >"$2" 2>&1 <<'PY'
import re, smtplib, sys
port, dirn, n = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
s = smtplib.SMTP("127.0.0.1", port, timeout=60)
s.ehlo("client.example.org")
for i in range(n):
    msg = re.sub(rb"\r?\n", b"\r\n", open("%s/%d.eml" % (dirn, i), "rb").read())
    s.sendmail("sender@example.org", ["tlsrpt@example.net"], msg)
s.quit()
print("sent", n)
PY
}
t0=$(date +%s)
send_all "$port1" "$tmp/send1.log" & spid1=$!
send_all "$port2" "$tmp/send2.log" & spid2=$!
wait "$spid1"; rc1=$?; spid1=
wait "$spid2"; rc2=$?; spid2=
expect_eq "sender 1: all $N accepted over one connection" "$rc1 $(cat "$tmp/send1.log")" "0 sent $N"
expect_eq "sender 2: all $N accepted over one connection" "$rc2 $(cat "$tmp/send2.log")" "0 sent $N"

mailbox() { echo "$tmp/pf$1/mail/example.net/tlsrpt"; }
delivered() { find "$(mailbox $1)/new" -type f 2>/dev/null | wc -l; }
for k in 1 2; do
	pf_wait_mail "$(mailbox $k)" $N 60
	expect_eq "postfix $k: $N delivered" "$(delivered $k)" $N
done
echo "     (2 x $N messages in $(($(date +%s) - t0)) s)"
for k in 1 2; do
	expect_eq "postfix $k: every report tagged pass" \
		"$(grep -l '^X-TLSRPT: pass submitter=google.com domain=example.net' "$(mailbox $k)"/new/* 2>/dev/null | wc -l)" $N
done

# --- the store: N reports, none twice ---------------------------------------
expect_eq "$N reports stored" "$(pg_psql -tAc "SELECT count(*) FROM reports" 2>&1)" $N
expect_eq "no duplicate rows (distinct on the unique key)" \
	"$(pg_psql -tAc "SELECT count(*) FROM (SELECT DISTINCT organization_name, report_id,
		start_time, end_time, policy_domains FROM reports) d" 2>&1)" $N
expect_eq "every report-id present" \
	"$(pg_psql -tAc "SELECT count(DISTINCT report_id) FROM reports WHERE report_id LIKE 'fleet-%'
		AND verified = 1" 2>&1)" $N
cat "$tmp/milter1.log" "$tmp/milter2.log" >"$tmp/milters.log"
expect_eq "the milters recorded $N in all" "$(grep -c ': recorded report fleet-[0-9]* from ' "$tmp/milters.log")" $N
expect_eq "the milters saw $N duplicates in all" \
	"$(grep -c ': duplicate report fleet-[0-9]* from .*: counted once' "$tmp/milters.log")" $N
r1=$(grep -c ': recorded report fleet-' "$tmp/milter1.log")
r2=$(grep -c ': recorded report fleet-' "$tmp/milter2.log")
echo "     (milter 1 recorded $r1, milter 2 recorded $r2)"
for k in 1 2; do
	expect_eq "milter $k: nothing spooled" \
		"$(find "$tmp/spool$k" -type f 2>/dev/null | wc -l) $(grep -cE 'spooled to|spooled=[1-9]' "$tmp/milter$k.log")" "0 0"
	kill -0 "$(eval echo \$mpid$k)" 2>/dev/null && ok "milter $k still alive" || bad "milter $k still alive"
done
grep -qF "$PG_PASSWORD" "$tmp/milters.log" && bad "the password is in a log" ||
	ok "the password is in neither log"

tl_finish 20 "milter 1 log" "$tmp/milter1.log" 20 "postfix 1 log" "$tmp/pf1/maillog" \
	20 "milter 2 log" "$tmp/milter2.log" 20 "postfix 2 log" "$tmp/pf2/maillog"
