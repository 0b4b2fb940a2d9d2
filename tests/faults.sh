#!/bin/bash
# faults.sh - tlsrpt-milter faults under load, through a real Postfix on
# loopback.  The rig is tests/load.sh's (tests/load-lib.sh):
# the milter in smtpd_milters with default_action=accept, messages from
# tests/load_send.py over 20 concurrent SMTP sessions (90% ordinary mail,
# 9% valid signed reports, 1% broken or forged ones), FAULT_MESSAGES per
# faulted batch, the fault injected once a quarter of the batch is
# delivered.
#
#   SIGKILL  the milter killed mid-load: every message is still accepted
#            and delivered exactly once (default_action=accept); the
#            database is intact; restarted, the milter tags and records a
#            fresh batch completely.
#   locked   the SQLite store locked by another writer for longer than the
#            milter's busy timeout mid-load: mail flows, every message is
#            tagged as usual, reports that could not be stored are spooled
#            to SpoolDirectory; once the lock is gone the replay thread
#            (TLSRPT_REPLAY_INTERVAL=2) empties the spool and every valid
#            report is stored exactly once.
#   SIGHUP   a new configuration (TagHeader X-TLSRPT-Reloaded, LogLevel
#            debug) loaded mid-load: no message refused, tempfailed, lost or
#            duplicated, every valid report tagged pass under one of the two
#            names; a batch after the reload uses the new name only, even
#            with a broken configuration (refused, logged) HUP'ed mid-batch.
#   unwritable  the milter running as nobody, the database's directory made
#            unwritable mid-load: reports spooled (new store handles cannot
#            open); the milter then SIGKILLed with reports in the spool and
#            restarted (it starts with the store down, logging why): nothing
#            replayed while the directory stays
#            unwritable, the spool emptied once it is writable again, every
#            valid report stored exactly once, the database intact.
# Skips (77) unless root with postfix, openssl, sqlite3 and python3-dkim.
set -u
srcdir=${srcdir:-.}
MILTER=${TLSRPT_MILTER:-./tlsrpt-milter}
NAME=faults
N=${FAULT_MESSAGES:-600}
. "$srcdir/tests/load-lib.sh"
load_prereq
load_setup

milter_start TLSRPT_REPLAY_INTERVAL=2 || { echo "milter did not start"; cat "$tmp/milter.log"; exit 1; }
load_postfix || { echo "postfix did not start"; cat "$(pf_log)" 2>/dev/null; exit 1; }
ok "private postfix on 127.0.0.1:$port, the milter on :$mport"

# Send a batch in the background; return once a quarter of it is delivered.
background_batch() {	# FIRST MANIFEST [options]
	bb_base=$(delivered)
	send_batch "$1" "$N" "$2" "${@:3}" >"$2.log" 2>&1 &
	spid=$!
	wait_delivered $((bb_base + N / 4)) 60 ||
		bad "a quarter of the batch delivered before the fault: $(($(delivered) - bb_base))"
}
finish_batch() {	# WHAT MANIFEST: wait for the sender and every delivery
	wait "$spid"; rc=$?; spid=
	[ $rc -eq 0 ] && ok "$1: the sender saw every message accepted" ||
		{ bad "$1: the sender saw every message accepted"; tail -3 "$2.log"; }
	wait_delivered $((bb_base + N)) 120 ||
		bad "$1: delivered within 120 s: $(($(delivered) - bb_base)) of $N"
}

# --- SIGKILL mid-load ---------------------------------------------------------
background_batch 0 "$tmp/m/kill"
kill -KILL "$mpid"
i=0; while kill -0 "$mpid" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
echo "     milter killed at $(($(delivered) - bb_base)) of $N delivered"
sleep 0.2	# sessions start without the filter meanwhile
milter_start TLSRPT_REPLAY_INTERVAL=2 || bad "milter restarted"
echo "     milter restarted at $(($(delivered) - bb_base)) of $N delivered"
finish_batch "SIGKILL" "$tmp/m/kill"
check_batch "SIGKILL: " --manifest "$tmp/m/kill" --delivery-only
n=$(grep -c "milter inet:127.0.0.1:$mport" "$tmp/pf/maillog")
[ "$n" -gt 0 ] && ok "Postfix logged the milter failures ($n lines) and went on" ||
	bad "Postfix logged the milter failures"
[ "$(sqlite3 "$tmp/db/tlsrpt.db" 'PRAGMA integrity_check')" = ok ] &&
	ok "SIGKILL: database intact" || bad "SIGKILL: database intact"
# The restarted milter does the whole job on a fresh batch.
send_batch 10000 300 "$tmp/m/after-kill" >"$tmp/send.log" 2>&1 ||
	{ bad "batch after the restart sent"; tail -3 "$tmp/send.log"; }
wait_delivered $((bb_base + N + 300)) 60 || bad "batch after the restart delivered"
check_batch "after the restart: " --manifest "$tmp/m/after-kill" --db "$tmp/db/tlsrpt.db"

# --- the store locked mid-load ------------------------------------------------
# Another writer holds the write lock for 12 s, more than twice the
# milter's busy timeout (5 s): reports arriving in that window are spooled.
background_batch 20000 "$tmp/m/lock"
spooled_before=$(grep -c 'store unavailable' "$tmp/milter.log")
# .timeout: the milter may be mid-write just then, and without a busy
# timeout BEGIN IMMEDIATE would fail at once and lock nothing.
{ echo ".timeout 10000"; echo "BEGIN IMMEDIATE;"; echo "CREATE TABLE faults_lock (x);"; sleep 12
  echo "ROLLBACK;"; } | sqlite3 "$tmp/db/tlsrpt.db" >"$tmp/lock.log" 2>&1 &
lockpid=$!
finish_batch "store locked" "$tmp/m/lock"
wait "$lockpid"; lockpid=
n=$(($(grep -c 'store unavailable' "$tmp/milter.log") - spooled_before))
[ "$n" -gt 0 ] && ok "store locked: $n reports spooled" ||
	bad "store locked: reports spooled ($n; the locking sqlite3 said: $(cat "$tmp/lock.log"))"
grep -q "store unavailable (.*locked.*); report spooled to $tmp/spool/" \
	"$tmp/milter.log" && ok "store locked: logged as locked, with the spool file" ||
	{ bad "store locked: logged as locked, with the spool file"; grep 'store unavailable' "$tmp/milter.log" | head -3; }
i=0
while [ "$(spooled)" -gt 0 ] && [ $i -lt 150 ]; do sleep 0.2; i=$((i + 1)); done
[ "$(spooled)" -eq 0 ] && ok "store back: the spool emptied" ||
	bad "store back: the spool emptied ($(spooled) left)"
grep -q "spool $tmp/spool: replayed .* reports stored" "$tmp/milter.log" &&
	ok "store back: replay logged" || bad "store back: replay logged"
check_batch "store locked: " --manifest "$tmp/m/lock" --db "$tmp/db/tlsrpt.db"

# --- SIGHUP with a changed configuration mid-load --------------------------------
load_conf X-TLSRPT-Reloaded debug >"$tmp/milter.conf.new"
background_batch 30000 "$tmp/m/hup"
mv "$tmp/milter.conf.new" "$tmp/milter.conf" && kill -HUP "$mpid"
finish_batch "SIGHUP" "$tmp/m/hup"
grep -q "configuration reloaded" "$tmp/milter.log" && ok "SIGHUP: reload logged" ||
	bad "SIGHUP: reload logged"
check_batch "SIGHUP: " --manifest "$tmp/m/hup" --either-tag X-TLSRPT-Reloaded --db "$tmp/db/tlsrpt.db"
n=$(grep -c "reject\|status=deferred\|status=bounced" "$tmp/pf/maillog")
[ "$n" -eq 0 ] && ok "SIGHUP: nothing rejected, deferred or bounced in Postfix's log" ||
	bad "SIGHUP: nothing rejected, deferred or bounced ($n lines)"
# After the reload: the new header only; forged copies of it are deleted.
# A broken configuration sent mid-batch is refused and changes nothing.
background_batch 40000 "$tmp/m/after-hup" --bad-tag X-TLSRPT-Reloaded
{ load_conf X-TLSRPT debug; echo "Bogus yes"; } >"$tmp/milter.conf" && kill -HUP "$mpid"
finish_batch "broken SIGHUP" "$tmp/m/after-hup"
grep -q "reload failed, keeping the running configuration: .*unknown key \"Bogus\"" "$tmp/milter.log" &&
	ok "broken SIGHUP: refused, and logged why" || bad "broken SIGHUP: refused, and logged why"
check_batch "after the reload: " --manifest "$tmp/m/after-hup" --tag X-TLSRPT-Reloaded --absent-tag X-TLSRPT \
	--db "$tmp/db/tlsrpt.db"
kill -0 "$mpid" 2>/dev/null && ok "milter alive after the reloads" || bad "milter alive after the reloads"
milter_stop_check

# --- the store's directory unwritable, then SIGKILL with reports spooled ----------
# As root every directory is writable, so the milter runs as nobody here.
{ load_conf X-TLSRPT info; echo "UserID nobody"; } >"$tmp/milter.conf"
chown -R nobody: "$tmp/db" "$tmp/spool"
milter_start TLSRPT_REPLAY_INTERVAL=2 || { bad "milter started as nobody"; cat "$tmp/milter.log"; }
[ "$(stat -c %U "/proc/$mpid")" = nobody ] && ok "unwritable: the milter runs as nobody" ||
	bad "unwritable: the milter runs as nobody"
spooled_before=$(grep -c 'store unavailable' "$tmp/milter.log")
background_batch 50000 "$tmp/m/unwritable"
chmod 0555 "$tmp/db"
finish_batch "unwritable" "$tmp/m/unwritable"
n=$(($(grep -c 'store unavailable' "$tmp/milter.log") - spooled_before))
[ "$n" -gt 0 ] && [ "$(spooled)" -gt 0 ] && ok "unwritable: $n reports spooled" ||
	bad "unwritable: reports spooled ($n logged, $(spooled) files)"
grep -q "store unavailable (cannot open the report store: .*Permission denied.*); report spooled to" \
	"$tmp/milter.log" && ok "unwritable: logged with the reason" || bad "unwritable: logged with the reason"
kill -KILL "$mpid"
i=0; while kill -0 "$mpid" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
left=$(spooled)
milter_start TLSRPT_REPLAY_INTERVAL=2 || bad "milter restarted as nobody"
grep -q "Database: .*Permission denied.*; starting anyway: reports wait in $tmp/spool" \
	"$tmp/milter.log" && ok "restarted with the store unwritable: starts, and says so" ||
	bad "restarted with the store unwritable: starts, and says so"
sleep 3		# a replay attempt or two while the directory is still unwritable
[ "$(spooled)" -eq "$left" ] && ok "SIGKILL with $left reports spooled: kept while the store is unwritable" ||
	bad "SIGKILL with $left reports spooled: kept while the store is unwritable ($(spooled) left)"
chmod 0755 "$tmp/db"
i=0
while [ "$(spooled)" -gt 0 ] && [ $i -lt 150 ]; do sleep 0.2; i=$((i + 1)); done
[ "$(spooled)" -eq 0 ] && ok "writable again: the restarted milter emptied the spool" ||
	bad "writable again: the restarted milter emptied the spool ($(spooled) left)"
check_batch "unwritable: " --manifest "$tmp/m/unwritable" --db "$tmp/db/tlsrpt.db"
[ "$(sqlite3 "$tmp/db/tlsrpt.db" 'PRAGMA integrity_check')" = ok ] &&
	ok "unwritable: database intact" || bad "unwritable: database intact"
milter_stop_check

load_finish
