#!/bin/bash
# stall.sh - connections that stall must not exhaust the daemon.
#
# libmilter here runs a worker pool: a connection waiting between
# commands sits in one poll set and holds no thread; a worker is held only
# while a command is being read or handled, at most MilterTimeout seconds
# for a command that stops arriving.  With MilterTimeout 3:
#  1. 30 MTA connections stall inside a body packet: each holds a worker,
#     yet a report and ordinary mail are still served at once; each is
#     closed after MilterTimeout (not before), its report logged as cut
#     off; threads and descriptors return to where they were.
#  2. 30 MTA connections go quiet between body packets: no worker is held,
#     mail is still served, libmilter leaves them open (its sweep of idle
#     connections runs every 10 minutes); dropped by the "MTA", each is
#     logged and its descriptor freed.
#  3. 40 slow SMTP clients stall inside DATA on a private Postfix: the
#     filter holds no extra worker, a report from another client is still
#     delivered tagged pass, and when the clients go away so do their
#     milter connections.
# At the end SIGTERM finds no message in flight.  Skips (77) unless root
# with postfix, swaks, miltertest, openssl and python3-dkim.
set -u
srcdir=${srcdir:-.}
MILTER=${TLSRPT_MILTER:-./tlsrpt-milter}
LIB="$srcdir/tests/milter"
TIMEOUT=3
. "$srcdir/tests/postfix-lib.sh"
. "$srcdir/tests/testlib.sh"

tl_init stall
tl_need_root
tl_need_tools postfix swaks miltertest openssl bc
tl_need_python_dkim

tl_tmpdir pf_stop
chmod 755 "$tmp"
tl_ports port mport

tl_dkim_google
tl_sign sel google.com "$srcdir/tests/fixtures/mime-google.eml" "$tmp/google.eml" || exit 1
printf 'From: alice@example.org\r\nTo: bob@example.net\r\nSubject: hi\r\n\r\nhello\r\n' >"$tmp/ordinary.eml"

cat >"$tmp/milter.conf" <<CONF
Socket inet:$mport@127.0.0.1
Database sqlite:$tmp/tlsrpt.db
SpoolDirectory $tmp/spool
DKIMKeyFile $tmp/keys
LogLevel info
MilterTimeout $TIMEOUT
CONF
tl_milter_up "$tmp/milter.conf"

threads() { awk '/^Threads:/ { print $2 }' "/proc/$mpid/status"; }
fds() { ls "/proc/$mpid/fd" | wc -l; }
now() { date +%s.%N; }
since() { echo "$(now) - $1" | bc -l | xargs printf '%.2f'; }
# FILE QID: the tag the daemon gives the message, over miltertest.
tag_of() {
	env MILTER_SOCKET="inet:$mport@127.0.0.1" MILTER_LIB="$LIB" MESSAGE="$1" QID="$2" \
		miltertest -s "$LIB/t-one.lua" 2>>"$tmp/mt.err" | sed -n 's/^TAG //p'
}
# "served" checks while connections stall: a report gets pass, ordinary
# mail no tag, each within 5 s.
still_served() {	# WHEN
	local t0 tag s
	t0=$(now)
	tag=$(tag_of "$tmp/google.eml" "SERVED$RANDOM")
	s=$(since "$t0")
	case $tag in
	pass*) [ "$(echo "$s < 5" | bc)" = 1 ] && ok "$1: a report is served at once (pass, ${s} s)" ||
		bad "$1: a report took ${s} s" ;;
	*) bad "$1: a report got \"$tag\"" ;;
	esac
	tag=$(tag_of "$tmp/ordinary.eml" "SERVED$RANDOM")
	[ "$tag" = nil ] && ok "$1: ordinary mail is served, untagged" || bad "$1: ordinary mail got \"$tag\""
}
wait_ready() {	# FILE
	local i=0
	until [ -s "$1" ]; do
		i=$((i + 1)); [ $i -gt 600 ] && return 1; sleep 0.1
	done
}
wait_below() {	# WHAT LIMIT SECONDS: until $(WHAT) <= LIMIT
	local i=0
	while [ "$($1)" -gt "$2" ]; do
		i=$((i + 1)); [ $i -gt $(($3 * 10)) ] && return 1; sleep 0.1
	done
}
wait_above() {	# WHAT LIMIT SECONDS: until $(WHAT) >= LIMIT
	local i=0
	while [ "$($1)" -lt "$2" ]; do
		i=$((i + 1)); [ $i -gt $(($3 * 10)) ] && return 1; sleep 0.1
	done
}
# "closed K of N; first after A s, last after B s" -> "K A B"
closed_fields() { sed -n 's/^closed \([0-9]*\) of [0-9]*; first after \([-0-9.]*\) s, last after \([-0-9.]*\) s$/\1 \2 \3/p' "$1"; }
cut_off() { grep -c "ended before end-of-message" "$tmp/milter.log"; }

# A first message brings the pool to its working size.
[ "$(tag_of "$tmp/google.eml" WARMUP)" != "" ] || bad "warm-up message"
sleep 1
t0=$(threads) f0=$(fds)
echo "daemon at rest: $t0 threads, $f0 descriptors"

# --- 1. stalled inside a packet ------------------------------------------------
"$PY" "$srcdir/tests/stall_clients.py" "inet:$mport@127.0.0.1" midpacket 30 20 "$tmp/ready1" \
	>"$tmp/out1" 2>&1 &
cpid=$!
if wait_ready "$tmp/ready1"; then
	# Two of the 30 workers are the pool's idle ones, counted at rest.  The
	# pool starts them as the packets arrive: on a busy machine that takes
	# a moment, well inside the 3 s MilterTimeout that ends the stall.
	wait_above threads $((t0 + 28)) 2
	tn=$(threads)
	[ "$tn" -ge $((t0 + 28)) ] && ok "30 connections stalled mid-packet hold a worker each ($t0 -> $tn threads)" ||
		bad "30 connections stalled mid-packet: $t0 -> $tn threads"
	still_served "mid-packet stall"
else
	bad "30 connections stalled mid-packet (client: $(cat "$tmp/out1"))"
fi
wait "$cpid"
read -r k first last < <(closed_fields "$tmp/out1")
if [ "${k:-0}" -eq 30 ]; then
	ok "all 30 closed by the filter ($(cat "$tmp/out1"))"
	[ "$(echo "$first >= $TIMEOUT - 0.5" | bc)" = 1 ] && ok "none before MilterTimeout ($TIMEOUT s)" ||
		bad "closed after $first s, before MilterTimeout $TIMEOUT s"
	[ "$(echo "$last <= $TIMEOUT + 5" | bc)" = 1 ] && ok "all within MilterTimeout + 5 s" ||
		bad "last closed after $last s"
else
	bad "the filter closed the stalled connections: $(cat "$tmp/out1")"
fi
n=$(cut_off)
[ "$n" -eq 30 ] && ok "each cut-off report logged ($n lines, e.g. \"$(grep -m1 'ended before' "$tmp/milter.log" | sed 's/.*\(STALL[0-9]*: .*\)/\1/')\")" ||
	bad "cut-off reports logged: $n of 30"
t1=$(now)
wait_below threads $((t0 + 2)) 30 && ok "workers released: $(threads) threads after $(since "$t1") s" ||
	bad "threads still $(threads) (at rest $t0)"
wait_below fds "$f0" 10 && ok "descriptors back to $(fds)" || bad "descriptors $(fds), at rest $f0"

# --- 2. quiet between packets ------------------------------------------------------
"$PY" "$srcdir/tests/stall_clients.py" "inet:$mport@127.0.0.1" idle 30 $((TIMEOUT + 3)) "$tmp/ready2" \
	>"$tmp/out2" 2>&1 &
cpid=$!
if wait_ready "$tmp/ready2"; then
	tn=$(threads) fn=$(fds)
	[ "$tn" -le $((t0 + 2)) ] && ok "30 idle connections hold no worker ($t0 -> $tn threads)" ||
		bad "30 idle connections: $t0 -> $tn threads"
	[ "$fn" -ge $((f0 + 30)) ] && ok "... and are open ($f0 -> $fn descriptors)" ||
		bad "idle connections open: $f0 -> $fn descriptors"
	still_served "idle connections"
else
	bad "30 idle connections (client: $(cat "$tmp/out2"))"
fi
wait "$cpid"
read -r k first last < <(closed_fields "$tmp/out2")
[ "${k:-x}" = 0 ] && ok "idle ones are left open past MilterTimeout (libmilter sweeps every 10 minutes)" ||
	bad "idle connections: $(cat "$tmp/out2")"
wait_below fds "$f0" 10 && ok "dropped by the MTA side: descriptors back to $(fds)" ||
	bad "descriptors $(fds) after the drop, at rest $f0"
i=0
while [ "$(cut_off)" -lt 60 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
[ "$(cut_off)" -eq 60 ] && ok "each dropped report logged as cut off" || bad "cut-off lines $(cut_off), want 60"

# --- 3. slow SMTP clients through Postfix ------------------------------------------
pf_setup "$tmp/pf" "$port" "{ inet:127.0.0.1:$mport, default_action=accept }"
pf_start || { echo "postfix did not start"; cat "$(pf_log)" 2>/dev/null; exit 1; }
"$PY" "$srcdir/tests/stall_clients.py" "inet:$port@127.0.0.1" smtp 40 300 "$tmp/ready3" \
	>"$tmp/out3" 2>&1 &
cpid=$!
if wait_ready "$tmp/ready3"; then
	sleep 1
	tn=$(threads) fn=$(fds)
	[ "$tn" -le $((t0 + 2)) ] && ok "40 SMTP clients stalled in DATA: no worker held ($t0 -> $tn threads)" ||
		bad "40 stalled SMTP clients: $t0 -> $tn threads"
	[ "$fn" -ge $((f0 + 40)) ] && ok "... while Postfix keeps their 40 milter connections ($f0 -> $fn descriptors)" ||
		bad "stalled SMTP clients: $f0 -> $fn descriptors"
	t1=$(now)
	tl_send "$tmp/google.eml" tlsrpt@example.net || bad "swaks"
	box="$tmp/pf/mail/example.net/tlsrpt"
	if pf_wait_mail "$box" 1 30; then
		grep -q '^X-TLSRPT: pass' "$box"/new/* && ok "a report from another client delivered tagged pass in $(since "$t1") s" ||
			bad "the report was delivered without the pass tag"
	else
		bad "a report from another client was not delivered"
	fi
else
	bad "40 stalled SMTP clients (client: $(cat "$tmp/out3"))"
fi
kill "$cpid" 2>/dev/null; wait "$cpid" 2>/dev/null
wait_below fds "$f0" 20 && ok "clients gone: the milter connections closed, descriptors back to $(fds)" ||
	bad "descriptors $(fds) after the SMTP clients left, at rest $f0"
pf_stop

kill -TERM "$mpid"
tl_milter_wait_exit
grep -q "stopping; 0 messages in flight" "$tmp/milter.log" && ok "SIGTERM: no message left in flight" ||
	{ bad "SIGTERM: $(grep -m1 stopping "$tmp/milter.log")"; }
if grep -Eiq "runtime error|AddressSanitizer|LeakSanitizer" "$tmp/milter.log"; then
	bad "sanitizer report in the daemon's log"; grep -Ei -A5 "runtime error|Sanitizer" "$tmp/milter.log" | head -20
fi

tl_finish
