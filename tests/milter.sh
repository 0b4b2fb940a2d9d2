#!/bin/sh
# milter.sh - tlsrpt-milter driven by miltertest, as an MTA would drive it.
#
# Builds DKIM-signed report messages at test time (keys from openssl,
# signatures from python3-dkim, handed to the filter through DKIMKeyFile:
# no DNS), starts the daemon on a private socket and database, and runs
# the Lua scripts in tests/milter/: accept-at-EOH, forged tags, every
# verdict, oversize, SIGHUP with a message in flight, the parser's whole
# malformed set, SIGTERM with a message in flight.  Then checks the rows.
# Skips (77) when miltertest, python3-dkim, openssl or sqlite3 is missing.
set -u
srcdir=${srcdir:-.}
MILTER=${TLSRPT_MILTER:-./tlsrpt-milter}
MALFORMED_BIN=${MALFORMED_BIN:-./tests/test_malformed}
PY=/usr/bin/python3
SIGN="$srcdir/tests/dkim_sign.py"
FIX="$srcdir/tests/fixtures"
LIB="$srcdir/tests/milter"

for tool in miltertest openssl sqlite3; do
	command -v $tool >/dev/null 2>&1 || { echo "milter: SKIP: $tool not found"; exit 77; }
done
"$PY" -c 'import dkim' 2>/dev/null || { echo "milter: SKIP: no python3-dkim"; exit 77; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/milter.XXXXXX") || exit 1
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok   $1"; }
bad() { failed=$((failed + 1)); echo "FAIL $1"; }

# --- keys and signed messages ------------------------------------------
openssl genrsa 2048 >"$tmp/k.pem" 2>/dev/null || { echo "openssl genrsa failed"; exit 1; }
p=$(openssl rsa -in "$tmp/k.pem" -pubout -outform DER 2>/dev/null | base64 | tr -d '\n')
cat >"$tmp/keys" <<KEYS
sel._domainkey.google.com v=DKIM1; k=rsa; p=$p
selector1._domainkey.microsoft.com v=DKIM1; k=rsa; s=tlsrpt; p=$p
sel._domainkey.evil.example v=DKIM1; k=rsa; p=$p
KEYS
sign() {	# SELECTOR DOMAIN IN OUT [options]
	s=$1 d=$2 in=$3 out=$4; shift 4
	"$PY" "$SIGN" "$@" "$s" "$d" "$tmp/k.pem" "$in" "$tmp/$out" ||
		{ echo "signing $out failed"; exit 1; }
}
sign sel google.com "$FIX/mime-google.eml" google.eml
# Microsoft signs neither TLS-Report header.
sign selector1 microsoft.com "$FIX/mime-microsoft.eml" microsoft.eml \
	--headers from,to,subject,date,message-id,mime-version,content-type
sign sel evil.example "$FIX/mime-google.eml" unaligned.eml
cp "$FIX/mime-google.eml" "$tmp/unsigned.eml"
sign sel google.com "$FIX/mime-google.eml" length.eml --length
printf '\nAppended after signing, covered by nothing.\n' >>"$tmp/length.eml"
sign sel google.com "$FIX/mime-google.eml" altered.eml
sed 's/aggregate TLS report/aggregate TLS rep0rt/' "$tmp/altered.eml" >"$tmp/altered.tmp" &&
	mv "$tmp/altered.tmp" "$tmp/altered.eml"
grep -q 'TLS rep0rt' "$tmp/altered.eml" || { echo "could not alter the body"; exit 1; }
# A signed report whose attachment lost its middle lines: authenticated, invalid.
awk '/^Content-Transfer-Encoding: base64/ { inb = 1 } inb && length($0) > 40 && $0 ~ /^[A-Za-z0-9+\/=]+\r?$/ { if (++n > 2) next } { print }' \
	"$FIX/mime-google.eml" >"$tmp/truncated.in"
sign sel google.com "$tmp/truncated.in" truncated.eml

cat >"$tmp/cases" <<CASES
google.eml|Q-GOOGLE|^pass submitter=google%.com domain=example%.net
microsoft.eml|Q-MSFT|^pass submitter=microsoft%.com domain=example%.net
google.eml|Q-DUP|^pass submitter=google%.com
unaligned.eml|Q-UNAL|^fail reason=".*unaligned domain evil%.example"
unsigned.eml|Q-UNSIG|^fail reason="no DKIM signature"
length.eml|Q-LEN|^fail reason="l= tag present
altered.eml|Q-ALT|^fail reason="body hash mismatch
truncated.eml|Q-TRUNC|^invalid%s+reason="part 2 %(application/tlsrpt%+gzip%): inflate: 
CASES

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
"$MILTER" -f -c "$tmp/milter.conf" >"$tmp/milter.log" 2>&1 &
pid=$!
i=0
while [ ! -S "$tmp/milter.sock" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
[ -S "$tmp/milter.sock" ] || { echo "milter did not start:"; cat "$tmp/milter.log"; exit 1; }

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
q() { sqlite3 "$tmp/tlsrpt.db" "$1"; }
expect_sql() {	# NAME SQL WANT
	got=$(q "$2")
	[ "$got" = "$3" ] && ok "$1" || bad "$1: got '$got', want '$3'"
}
expect_sql "two reports recorded, the duplicate once" "SELECT count(*) FROM reports" 2
expect_sql "both verified" "SELECT count(*) FROM reports WHERE verified = 1" 2
expect_sql "provenance: queue id and signer" \
	"SELECT queue_id || ' ' || dkim_domain FROM reports ORDER BY queue_id" \
	"Q-GOOGLE google.com
Q-MSFT microsoft.com"
expect_sql "nothing from the failed messages" \
	"SELECT count(*) FROM reports WHERE queue_id IN ('Q-UNAL','Q-UNSIG','Q-LEN','Q-ALT')" 0
expect_sql "Microsoft's failures recorded" \
	"SELECT sum(failed_session_count) FROM failure_details" 6
grep -q "Q-DUP: duplicate report" "$tmp/milter.log" && ok "duplicate logged with its queue id" ||
	bad "duplicate logged with its queue id"
grep -q "FORGE1: deleted 2 incoming X-TLSRPT headers" "$tmp/milter.log" &&
	ok "forged tags logged" || bad "forged tags logged"

# --- SIGHUP with a message in flight ---------------------------------------
conf X-TLSRPT-Reloaded yes >"$tmp/milter.conf.new"
lua t-reload.lua RELOAD_CMD="mv $tmp/milter.conf.new $tmp/milter.conf && kill -HUP $pid"
kill -0 "$pid" 2>/dev/null && ok "alive after SIGHUP" || bad "alive after SIGHUP"
grep -q "configuration reloaded" "$tmp/milter.log" && ok "reload logged" || bad "reload logged"
# A broken file is refused and the running configuration kept.
echo "Bogus yes" >>"$tmp/milter.conf"
kill -HUP "$pid"; sleep 0.5
grep -q "reload failed, keeping the running configuration: .*unknown key \"Bogus\"" \
	"$tmp/milter.log" && ok "bad reload refused" || bad "bad reload refused"
conf X-TLSRPT yes >"$tmp/milter.conf"
kill -HUP "$pid"; sleep 0.5

# --- the parser's malformed set, recorded-unverified so all are parsed -----
rows_before=$(q "SELECT count(*) FROM reports WHERE verified = 1")
lua t-malformed.lua MALFORMED="$tmp/malformed"
kill -0 "$pid" 2>/dev/null && ok "alive after the malformed set" || bad "alive after the malformed set"
expect_sql "nothing recorded before was lost" \
	"SELECT count(*) FROM reports WHERE verified = 1" "$rows_before"
expect_sql "database intact" "PRAGMA integrity_check" ok

# --- the store unusable: fail-open ------------------------------------------
mv "$tmp/tlsrpt.db" "$tmp/tlsrpt.db.saved"
mkdir "$tmp/tlsrpt.db"	# a directory where the database file should be
lua t-store-down.lua
grep -q "STOREDOWN: cannot open the report store: .*message delivered\|STOREDOWN: cannot record" \
	"$tmp/milter.log" && ok "store failure logged with the queue id" ||
	bad "store failure logged with the queue id"
rmdir "$tmp/tlsrpt.db" && mv "$tmp/tlsrpt.db.saved" "$tmp/tlsrpt.db"

# --- AuthMode authres ------------------------------------------------------
{ conf X-TLSRPT no; echo "AuthMode authres"; echo "TrustedAuthservIDs mx.example.net"; } \
	>"$tmp/milter.conf"
kill -HUP "$pid"; sleep 0.5
lua t-authres.lua
conf X-TLSRPT no >"$tmp/milter.conf"
kill -HUP "$pid"; sleep 0.5

# --- SIGTERM with a message in flight --------------------------------------
lua t-term.lua TERM_CMD="kill -TERM $pid"
i=0
while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
if kill -0 "$pid" 2>/dev/null; then
	bad "exits after SIGTERM"
else
	wait "$pid"; rc=$?
	[ $rc -eq 0 ] && ok "exits 0 after SIGTERM" || bad "exits 0 after SIGTERM (rc $rc)"
	pid=
fi
grep -q "TERM-A: pass" "$tmp/milter.log" && ok "in-flight message finished" ||
	bad "in-flight message finished"
grep -q "stopped" "$tmp/milter.log" && ok "stop logged" || bad "stop logged"

if [ "$failed" -ne 0 ]; then
	echo "--- milter log (last 40 lines)"; tail -40 "$tmp/milter.log"
fi
echo "milter: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
