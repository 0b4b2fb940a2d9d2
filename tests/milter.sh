#!/bin/sh
# milter.sh - tlsrpt-milter driven by miltertest, as an MTA would drive it.
#
# Builds DKIM-signed report messages at test time (keys from openssl,
# signatures from python3-dkim, handed to the filter through DKIMKeyFile:
# no DNS), starts the daemon on a private socket and database, and runs
# the Lua scripts in tests/milter/: accept-at-EOH, forged tags, every
# verdict, oversize, SIGHUP with a message in flight, the parser's whole
# malformed set, the store down (reports spooled, then replayed by the
# daemon's thread once it is back), SIGTERM with a message in flight.
# Then checks the rows, and `tlsrpt spool replay` by hand.
# Skips (77) when miltertest, python3-dkim, openssl or sqlite3 is missing.
set -u
srcdir=${srcdir:-.}
MILTER=${TLSRPT_MILTER:-./tlsrpt-milter}
MALFORMED_BIN=${MALFORMED_BIN:-./tests/test_malformed}
TLSRPT=${TLSRPT:-./tlsrpt}
FIX="$srcdir/tests/fixtures"
LIB="$srcdir/tests/milter"
. "$srcdir/tests/reports-lib.sh"
. "$srcdir/tests/testlib.sh"

tl_init milter
tl_need_tools miltertest openssl sqlite3
tl_need_python_dkim
tl_tmpdir

# --- keys and signed messages ------------------------------------------
tl_dkim_key
cat >"$tmp/keys" <<KEYS
sel._domainkey.google.com v=DKIM1; k=rsa; p=$tl_dkim_p
selector1._domainkey.microsoft.com v=DKIM1; k=rsa; s=tlsrpt; p=$tl_dkim_p
sel._domainkey.evil.example v=DKIM1; k=rsa; p=$tl_dkim_p
sel._domainkey.attacker.example v=DKIM1; k=rsa; p=$tl_dkim_p
KEYS
sign() {	# SELECTOR DOMAIN IN OUT [options]
	s=$1 d=$2 in=$3 out=$4; shift 4
	tl_sign "$s" "$d" "$in" "$tmp/$out" "$@" || { echo "signing $out failed"; exit 1; }
}
sign sel google.com "$FIX/mime-google.eml" google.eml
# Microsoft signs neither TLS-Report header.
sign selector1 microsoft.com "$FIX/mime-microsoft.eml" microsoft.eml \
	--headers from,to,subject,date,message-id,mime-version,content-type
sign sel evil.example "$FIX/mime-google.eml" unaligned.eml
cp "$FIX/mime-google.eml" "$tmp/unsigned.eml"
# Signed, but its From has no domain: nothing to align the signer with.
sed 's/^From: .*/From: Google TLS reports <noreply-smtp-tls-reporting>/' \
	"$FIX/mime-google.eml" >"$tmp/nofrom.in"
sign sel google.com "$tmp/nofrom.in" nofrom.eml
sign sel google.com "$FIX/mime-google.eml" length.eml --length
printf '\nAppended after signing, covered by nothing.\n' >>"$tmp/length.eml"
sign sel google.com "$FIX/mime-google.eml" altered.eml
sed 's/aggregate TLS report/aggregate TLS rep0rt/' "$tmp/altered.eml" >"$tmp/altered.tmp" &&
	mv "$tmp/altered.tmp" "$tmp/altered.eml"
grep -q 'TLS rep0rt' "$tmp/altered.eml" || { echo "could not alter the body"; exit 1; }
# A signed report whose attachment lost its middle lines: authenticated, invalid.
tl_truncate_base64 "$FIX/mime-google.eml" >"$tmp/truncated.in"
sign sel google.com "$tmp/truncated.in" truncated.eml

# Authenticated but not to be trusted: signed and aligned by a domain
# nobody listed; a listed signer's report with more in it than a report;
# the same phishing mail the Postfix test sends.
variant() {	# OUT [report_variant.py options]
	out=$1; shift
	"$PY" "$srcdir/tests/report_variant.py" "$@" "$FIX/mime-google.eml" "$tmp/$out.in" ||
		{ echo "report_variant.py $out failed"; exit 1; }
}
variant attacker --from tlsrpt@attacker.example
sign sel attacker.example "$tmp/attacker.in" attacker.eml
variant attach --exe
sign sel google.com "$tmp/attach.in" attach.eml
variant html --html
sign sel google.com "$tmp/html.in" html.eml
variant phish --from tlsrpt@attacker.example --to ceo@example.net --html --exe
sign sel attacker.example "$tmp/phish.in" phish.eml

cat >"$tmp/cases" <<CASES
google.eml|Q-GOOGLE|^pass submitter=google%.com domain=example%.net
microsoft.eml|Q-MSFT|^pass submitter=microsoft%.com domain=example%.net
google.eml|Q-DUP|^pass submitter=google%.com
unaligned.eml|Q-UNAL|^fail reason=".*unaligned domain evil%.example"
unsigned.eml|Q-UNSIG|^fail reason="no DKIM signature"
nofrom.eml|Q-NOFROM|^fail reason="no From address to align with"
length.eml|Q-LEN|^fail reason="l= tag present
altered.eml|Q-ALT|^fail reason="body hash mismatch
truncated.eml|Q-TRUNC|^invalid%s+reason="part 2 %(application/tlsrpt%+gzip%): inflate: 
attacker.eml|Q-ATTACKER|^verified%s+reason="reporter attacker%.example not in KnownReporters"%s+submitter=attacker%.example
attach.eml|Q-ATTACH|^verified%s+reason="not only a report: part 3 is application/octet%-stream"%s+submitter=google%.com
html.eml|Q-HTML|^pass submitter=google%.com
google.eml|Q-CEO|^verified%s+reason="recipient <ceo@example%.net> is not a report address"|<tlsrpt@example.net>,<ceo@example.net>
google.eml|Q-TWO|^pass submitter=google%.com|<tlsrpt@example.net>,<TLSRPT@example.org>
phish.eml|Q-PHISH|^verified%s+reason="reporter attacker%.example not in KnownReporters"|<ceo@example.net>
CASES

# Distinct signed reports for the store-down step: only report-id differs.
# One more for the store failing at its insert ("disk full").
NSPOOL=20
mkdir "$tmp/spoolmsg"
make_reports "$tmp/k.pem" "$tmp/spoolmsg" spool 1 $((NSPOOL + 1)) ||
	{ echo "signing the spool reports failed"; exit 1; }
: >"$tmp/spool-cases"
n=1
while [ $n -le $NSPOOL ]; do
	echo "spoolmsg/$n.eml|Q-SPOOL$n" >>"$tmp/spool-cases"
	n=$((n + 1))
done

# --- the malformed set, as report messages ------------------------------
mkdir "$tmp/mal" "$tmp/malmsg"
TLSRPT_DUMP_DIR="$tmp/mal" "$MALFORMED_BIN" >/dev/null 2>&1
: >"$tmp/malformed"
for f in "$tmp"/mal/*.bin; do
	b=$(basename "$f" .bin)
	# The raw bytes as the body of a candidate (less NUL bytes, which
	# miltertest cannot carry in a body chunk; the attachment keeps them)...
	{ printf 'From: noreply-smtp-tls-reporting@google.com\nSubject: raw %s\n\n' "$b"
	  tr -d '\000' <"$f"; } >"$tmp/malmsg/$b-raw.eml"
	# ...and as the attachment of a well-formed report message.
	{ printf 'From: noreply-smtp-tls-reporting@google.com\nMIME-Version: 1.0\n'
	  printf 'Content-Type: multipart/report; report-type=tlsrpt; boundary=B\n\n'
	  printf -- '--B\nContent-Type: application/tlsrpt+gzip\nContent-Transfer-Encoding: base64\n\n'
	  base64 "$f"; printf -- '--B--\n'; } >"$tmp/malmsg/$b-part.eml"
	echo "$tmp/malmsg/$b-raw.eml" >>"$tmp/malformed"
	echo "$tmp/malmsg/$b-part.eml" >>"$tmp/malformed"
done

# --- the daemon -----------------------------------------------------------
conf() {	# TAGHEADER RECORD_UNVERIFIED
	cat <<CONF
Socket unix:$tmp/milter.sock
Database sqlite:$tmp/tlsrpt.db
SpoolDirectory $tmp/spool
DKIMKeyFile $tmp/keys
ReportAddresses tlsrpt@*
MaxMessageSize 128k
LogLevel debug
TagHeader $1
RecordUnverified $2
CONF
}
conf X-TLSRPT no >"$tmp/milter.conf"
"$MILTER" -n -c "$tmp/milter.conf" >/dev/null 2>"$tmp/check.out" &&
	grep -q "configuration OK" "$tmp/check.out" && ok "-n checks the configuration" ||
	bad "-n checks the configuration"
# The replay thread looks every 2 seconds instead of 30.
tl_milter_up "$tmp/milter.conf" TLSRPT_REPLAY_INTERVAL=2
[ -d "$tmp/spool" ] && [ "$(stat -c %a "$tmp/spool")" = 750 ] &&
	ok "SpoolDirectory created, mode 0750" || bad "SpoolDirectory created, mode 0750"

lua() {	# SCRIPT [VAR=value...]
	script=$1; shift
	if env MILTER_SOCKET="unix:$tmp/milter.sock" MILTER_LIB="$LIB" \
	    MESSAGES="$tmp" "$@" miltertest -s "$LIB/$script" >"$tmp/lua.out" 2>&1; then
		while read -r line; do ok "$line"; done <"$tmp/lua.out"
	else
		bad "$script:"; sed 's/^/    /' "$tmp/lua.out"
	fi
}
lua t-verdicts.lua CASES="$tmp/cases"
lua t-accept.lua
lua t-forged.lua
lua t-oversize.lua

# --- what was recorded ----------------------------------------------------
# Wait for the lock: the replay thread may be writing.
q() { sqlite3 -cmd '.timeout 5000' "$tmp/tlsrpt.db" "$1"; }
expect_sql() {	# NAME SQL WANT
	got=$(q "$2")
	[ "$got" = "$3" ] && ok "$1" || bad "$1: got '$got', want '$3'"
}
# The variants carry Google's report again: duplicates of Q-GOOGLE's when
# google.com signed them; attacker.example's copy is a row of its own.
expect_sql "three reports recorded, the duplicate once" "SELECT count(*) FROM reports" 3
expect_sql "all verified" "SELECT count(*) FROM reports WHERE verified = 1" 3
expect_sql "provenance: queue id and signer" \
	"SELECT queue_id || ' ' || dkim_domain FROM reports ORDER BY queue_id" \
	"Q-ATTACKER attacker.example
Q-GOOGLE google.com
Q-MSFT microsoft.com"
grep -q 'Q-ATTACKER: verified: reason="reporter attacker.example not in KnownReporters" submitter=attacker.example' \
	"$tmp/milter.log" && ok "verified logged with its reason" || bad "verified logged with its reason"
expect_sql "nothing from the failed messages" \
	"SELECT count(*) FROM reports WHERE queue_id IN ('Q-UNAL','Q-UNSIG','Q-LEN','Q-ALT')" 0
expect_sql "Microsoft's failures recorded" \
	"SELECT sum(failed_session_count) FROM failure_details" 6
grep -q "Q-DUP: duplicate report" "$tmp/milter.log" && ok "duplicate logged with its queue id" ||
	bad "duplicate logged with its queue id"
grep -q "FORGE1: deleted 2 incoming X-TLSRPT headers" "$tmp/milter.log" &&
	ok "forged tags logged" || bad "forged tags logged"

# --- hostile strings in a signed report reach the log escaped ---------------
# An ESC, an OSC title, a C1 CSI (as UTF-8), a bidi override and CR LF in
# the organization-name, report-id and reason codes: the log line that
# names the report carries escapes, never the raw bytes.
{ printf 'From: <noreply-smtp-tls-reporting@google.com>\nTo: <tlsrpt@example.net>\n'
  printf 'Date: Sat, 2 Mar 2024 06:12:00 +0000\nMessage-ID: <hostile@google.com>\n'
  printf 'Subject: Report Domain: example.net Submitter: google.com Report-ID: <h>\n'
  printf 'MIME-Version: 1.0\nContent-Type: multipart/report; boundary="B"; report-type=tlsrpt\n\n'
  printf -- '--B\nContent-Type: application/tlsrpt+json\nContent-Transfer-Encoding: base64\n\n'
  printf '%s' '{"organization-name":"Evil\u009b31m Corp\u001b]0;pwned\u0007 \u202emoc.elgoog",
"date-range":{"start-datetime":"2024-03-01T00:00:00Z","end-datetime":"2024-03-01T23:59:59Z"},
"contact-info":"x@evil.example","report-id":"hostile-1\r\nforged line",
"policies":[{"policy":{"policy-type":"sts","policy-domain":"example.net"},
"summary":{"total-successful-session-count":1,"total-failure-session-count":2},
"failure-details":[{"result-type":"=HYPERLINK(\"http://evil.example/\")","failed-session-count":1,
"failure-reason-code":"\u009b31m\u001b]0;x\u0007"},{"result-type":"\tstarts-with-tab",
"failed-session-count":1,"failure-reason-code":"\tTAB"}]}]}' | base64
  printf -- '--B--\n'; } >"$tmp/hostile.in"
sign sel google.com "$tmp/hostile.in" hostile.eml
lua t-one.lua MESSAGE="$tmp/hostile.eml" QID=HOSTILE
if $PY - "$tmp/milter.log" <<'PY'
import re, sys
b = open(sys.argv[1], "rb").read()
sys.exit(1 if re.search(rb"[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\xaa-\xae]", b) else 0)
PY
then ok "log: no raw ESC, C1, CR or bidi from a hostile report"
else bad "log: no raw ESC, C1, CR or bidi from a hostile report"; fi
grep "^[^:]*: HOSTILE: " "$tmp/milter.log" >"$tmp/hostile.log"
grep -qF 'Evil\u009b31m Corp\x1b]0;pwned\x07 \u202emoc.elgoog' "$tmp/hostile.log" ||
	grep -qF 'hostile-1\x0d\x0aforged line' "$tmp/hostile.log" &&
	ok "log: the hostile report named, escaped" ||
	{ bad "log: the hostile report named, escaped"; sed 's/^/    /' "$tmp/hostile.log"; }

# --- SIGHUP with a message in flight ---------------------------------------
conf X-TLSRPT-Reloaded yes >"$tmp/milter.conf.new"
lua t-reload.lua RELOAD_CMD="mv $tmp/milter.conf.new $tmp/milter.conf && kill -HUP $mpid"
kill -0 "$mpid" 2>/dev/null && ok "alive after SIGHUP" || bad "alive after SIGHUP"
grep -q "configuration reloaded" "$tmp/milter.log" && ok "reload logged" || bad "reload logged"
# A broken file is refused and the running configuration kept.
echo "Bogus yes" >>"$tmp/milter.conf"
n0=$(grep -c "reload failed" "$tmp/milter.log")
kill -HUP "$mpid"
i=0
while [ "$(grep -c "reload failed" "$tmp/milter.log")" -le "$n0" ] && [ $i -lt 100 ]; do
	sleep 0.1; i=$((i + 1))
done
grep -q "reload failed, keeping the running configuration: .*unknown key \"Bogus\"" \
	"$tmp/milter.log" && ok "bad reload refused" || bad "bad reload refused"
conf X-TLSRPT yes >"$tmp/milter.conf"
tl_milter_reload || bad "reload logged within 10 s"

# --- the parser's malformed set, recorded-unverified so all are parsed -----
rows_before=$(q "SELECT count(*) FROM reports WHERE verified = 1")
lua t-malformed.lua MALFORMED="$tmp/malformed"
kill -0 "$mpid" 2>/dev/null && ok "alive after the malformed set" || bad "alive after the malformed set"
expect_sql "nothing recorded before was lost" \
	"SELECT count(*) FROM reports WHERE verified = 1" "$rows_before"
expect_sql "database intact" "PRAGMA integrity_check" ok

# --- the store unusable: fail-open, reports spooled, replayed when back ------
# The daemon is stopped while the database is swapped, so that neither its
# replay thread nor a milter thread can catch the path missing in between.
store_down() {
	kill -STOP "$mpid"
	mv "$tmp/tlsrpt.db" "$tmp/tlsrpt.db.saved"
	mkdir "$tmp/tlsrpt.db"	# a directory where the database file should be
	kill -CONT "$mpid"
}
store_up() {
	kill -STOP "$mpid"
	rmdir "$tmp/tlsrpt.db" && mv "$tmp/tlsrpt.db.saved" "$tmp/tlsrpt.db"
	kill -CONT "$mpid"
}
spooled() { find "$tmp/spool" -maxdepth 1 -type f ! -name '.*' | wc -l; }
rows_before=$(q "SELECT count(*) FROM reports")
store_down
lua t-store-down.lua
grep -q "STOREDOWN: store unavailable (cannot open the report store: .*); report spooled to $tmp/spool/" \
	"$tmp/milter.log" && ok "store failure logged with the queue id and the spool file" ||
	bad "store failure logged with the queue id and the spool file"
lua t-spool.lua SPOOL_CASES="$tmp/spool-cases"
n=$(spooled)
[ "$n" -eq $((NSPOOL + 1)) ] && ok "all $((NSPOOL + 1)) reports spooled" ||
	bad "all $((NSPOOL + 1)) reports spooled: $n files"
n=$(grep -c "Q-SPOOL[0-9]*: store unavailable (.*); report spooled to" "$tmp/milter.log")
[ "$n" -eq $NSPOOL ] && ok "each spooled report logged" || bad "each spooled report logged: $n"
# The spool cannot be written either: logged loudly, the mail still flows.
mv "$tmp/spool" "$tmp/spool.away" && : >"$tmp/spool"
lua t-store-down.lua QID=NOSPOOL
grep -q "NOSPOOL: store unavailable and spool failed: .*; report NOT recorded, message delivered" \
	"$tmp/milter.log" && ok "spool failure logged" || bad "spool failure logged"
rm "$tmp/spool" && mv "$tmp/spool.away" "$tmp/spool"
mkdir "$tmp/spool-saved" && cp -p "$tmp"/spool/[0-9]* "$tmp/spool-saved/"	# for the CLI below
sleep 3	# a replay attempt or two while the store is still down
[ "$(spooled)" -eq $((NSPOOL + 1)) ] && ok "nothing replayed while the store is down" ||
	bad "nothing replayed while the store is down: $(spooled) left"
store_up
i=0
while [ "$(spooled)" -gt 0 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ "$(spooled)" -eq 0 ] && ok "store back: the spool emptied within the replay interval" ||
	bad "store back: the spool emptied within the replay interval ($(spooled) left)"
expect_sql "store back: all $NSPOOL spooled reports stored" \
	"SELECT count(*) FROM reports WHERE queue_id LIKE 'Q-SPOOL%' AND verified = 1 AND dkim_domain = 'google.com' AND auth_method = 'dkim'" \
	"$NSPOOL"
expect_sql "store back: nothing twice" "SELECT count(*) FROM reports" $((rows_before + NSPOOL))
grep -q "spool $tmp/spool: replayed .* $NSPOOL reports stored, 1 duplicate, 0 moved to bad/; 0 left" \
	"$tmp/milter.log" && ok "replay logged" || bad "replay logged"
grep -q "spool $tmp/spool: store available again" "$tmp/milter.log" &&
	ok "store recovery logged" || bad "store recovery logged"
[ -z "$(ls -A "$tmp/spool")" ] && ok "no temporary or bad files left" ||
	bad "no temporary or bad files left: $(ls -A "$tmp/spool")"
# The store opens but refuses the insert (a full disk, say): spooled too.
q "CREATE TRIGGER full BEFORE INSERT ON reports BEGIN SELECT RAISE(ABORT, 'disk full (test)'); END"
echo "spoolmsg/$((NSPOOL + 1)).eml|DISKFULL" >"$tmp/diskfull-case"
lua t-spool.lua SPOOL_CASES="$tmp/diskfull-case"
grep -q "DISKFULL: store unavailable (cannot record report spool-$((NSPOOL + 1)): .*disk full (test).*); report spooled to" \
	"$tmp/milter.log" && ok "a failed insert spools the report" || bad "a failed insert spools the report"
q "DROP TRIGGER full"
i=0
while [ "$(spooled)" -gt 0 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
expect_sql "disk space back: that report stored" \
	"SELECT count(*) FROM reports WHERE queue_id = 'DISKFULL'" 1

# --- AuthMode authres ------------------------------------------------------
{ conf X-TLSRPT no; echo "AuthMode authres"; echo "TrustedAuthservIDs mx.example.net"; } \
	>"$tmp/milter.conf"
tl_milter_reload || bad "reload logged within 10 s"
lua t-authres.lua
conf X-TLSRPT no >"$tmp/milter.conf"
tl_milter_reload || bad "reload logged within 10 s"

# --- SIGTERM with a message in flight --------------------------------------
lua t-term.lua TERM_CMD="kill -TERM $mpid"
if ! tl_milter_wait_exit; then
	bad "exits after SIGTERM"
else
	[ $tl_rc -eq 0 ] && ok "exits 0 after SIGTERM" || bad "exits 0 after SIGTERM (rc $tl_rc)"
fi
grep -q "TERM-A: pass" "$tmp/milter.log" && ok "in-flight message finished" ||
	bad "in-flight message finished"
grep -q "stopped" "$tmp/milter.log" && ok "stop logged" || bad "stop logged"

# --- tlsrpt spool replay, by hand -------------------------------------------
mkdir -p "$tmp/cli/spool" && cp -p "$tmp"/spool-saved/* "$tmp/cli/spool/"
printf 'Spool-Version: 1\nVerified: 1\nReceived: 1\n\nnot a report\n' >"$tmp/cli/spool/0-garbage"
printf 'Database sqlite:%s\nSpoolDirectory %s\n' "$tmp/cli/tlsrpt.db" "$tmp/cli/spool" >"$tmp/cli/conf"
cli() {	# NAME WANT-EXIT ARGS...
	name=$1 want=$2; shift 2
	"$TLSRPT" "$@" >"$tmp/cli.out" 2>"$tmp/cli.err"; rc=$?
	[ $rc -eq "$want" ] && ok "$name" || { bad "$name (exit $rc, want $want)"; sed 's/^/    /' "$tmp/cli.out" "$tmp/cli.err"; }
}
expect_out() {	# NAME FILE STRING
	grep -qF -- "$3" "$2" && ok "$1" || { bad "$1: no \"$3\" in"; sed 's/^/    /' "$2"; }
}
mkdir "$tmp/cli/tlsrpt.db"	# the store unusable
cli "spool replay with the store down exits 1" 1 spool replay -c "$tmp/cli/conf"
expect_out "... and says why" "$tmp/cli.err" "tlsrpt: Database: "
expect_out "... and keeps every file" "$tmp/cli.out" "0 files replayed; $((NSPOOL + 2)) left"
rmdir "$tmp/cli/tlsrpt.db"
cli "spool replay with the store back exits 0" 0 spool replay -c "$tmp/cli/conf"
expect_out "... and counts" "$tmp/cli.out" \
	"spool $tmp/cli/spool: $((NSPOOL + 2)) files replayed: $((NSPOOL + 1)) reports stored, 0 duplicates, 1 moved to bad/; 0 left"
expect_out "... and names the bad file" "$tmp/cli.err" "0-garbage moved to $tmp/cli/spool/bad/: "
[ -f "$tmp/cli/spool/bad/0-garbage" ] && ok "... which is kept in bad/" || bad "... which is kept in bad/"
got=$(sqlite3 -cmd '.timeout 5000' "$tmp/cli/tlsrpt.db" "SELECT count(*) FROM reports WHERE verified = 1")
[ "$got" = $((NSPOOL + 1)) ] && ok "... and stored them all" || bad "... and stored them all: $got"
cli "spool replay of an empty spool exits 0" 0 spool replay -c "$tmp/cli/conf"
expect_out "... and says so" "$tmp/cli.out" "spool $tmp/cli/spool: empty"
cp -p "$tmp"/spool-saved/* "$tmp/cli/spool/"
cli "spool replay again: all duplicates, exits 0" 0 spool replay -c "$tmp/cli/conf"
expect_out "... counted once" "$tmp/cli.out" "0 reports stored, $((NSPOOL + 1)) duplicates"
cli "spool without replay is a usage error" 2 spool
cli "spool replay with an extra argument is a usage error" 2 spool replay extra
printf 'SpoolDirectory %s\n' "$tmp/cli/none" >"$tmp/cli/conf2"
cli "spool replay of a missing spool exits 1" 1 spool replay -c "$tmp/cli/conf2"
expect_out "... and names it" "$tmp/cli.err" "$tmp/cli/none: No such file or directory"

tl_finish 40 "milter log" "$tmp/milter.log"
