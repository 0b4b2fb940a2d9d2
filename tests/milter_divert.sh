#!/bin/sh
# milter_divert.sh - the Action key driven by miltertest: tag, redirect
# and discard, each against a pass, a fail and an invalid report (only a
# pass is ever diverted); discard with the store down delivers instead;
# Action redirect without RedirectTo is a start-up error naming the line.
# Skips (77) when miltertest, python3-dkim, openssl or sqlite3 is missing.
set -u
srcdir=${srcdir:-.}
MILTER=${TLSRPT_MILTER:-./tlsrpt-milter}
PY=/usr/bin/python3
FIX="$srcdir/tests/fixtures"
LIB="$srcdir/tests/milter"

for tool in miltertest openssl sqlite3; do
	command -v $tool >/dev/null 2>&1 || { echo "milter_divert: SKIP: $tool not found"; exit 77; }
done
"$PY" -c 'import dkim' 2>/dev/null || { echo "milter_divert: SKIP: no python3-dkim"; exit 77; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/milter_divert.XXXXXX") || exit 1
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

# --- a pass, a fail and an invalid report ---------------------------------
openssl genrsa 2048 >"$tmp/k.pem" 2>/dev/null || { echo "openssl genrsa failed"; exit 1; }
p=$(openssl rsa -in "$tmp/k.pem" -pubout -outform DER 2>/dev/null | base64 | tr -d '\n')
echo "sel._domainkey.google.com v=DKIM1; k=rsa; p=$p" >"$tmp/keys"
"$PY" "$srcdir/tests/dkim_sign.py" sel google.com "$tmp/k.pem" "$FIX/mime-google.eml" \
	"$tmp/pass.eml" || exit 1
cp "$FIX/mime-google.eml" "$tmp/fail.eml"
# Signed, but the attachment lost its middle lines: authenticated, invalid.
awk '/^Content-Transfer-Encoding: base64/ { inb = 1 } inb && length($0) > 40 && $0 ~ /^[A-Za-z0-9+\/=]+\r?$/ { if (++n > 2) next } { print }' \
	"$FIX/mime-google.eml" >"$tmp/invalid.in"
"$PY" "$srcdir/tests/dkim_sign.py" sel google.com "$tmp/k.pem" "$tmp/invalid.in" \
	"$tmp/invalid.eml" || exit 1
cases() {	# QID-PREFIX
	printf 'pass.eml|%s-PASS|pass\nfail.eml|%s-FAIL|fail\ninvalid.eml|%s-INV|invalid\n' \
		"$1" "$1" "$1"
}

conf() {	# ACTION [REDIRECTTO]
	cat <<CONF
Socket unix:$tmp/milter.sock
Database sqlite:$tmp/$DB
SpoolDirectory $tmp/spool
DKIMKeyFile $tmp/keys
LogLevel debug
Action $1
CONF
	[ -n "${2:-}" ] && echo "RedirectTo $2"
}

DB=tlsrpt.db
# --- start-up checks -------------------------------------------------------
conf redirect >"$tmp/bad.conf"
"$MILTER" -n -c "$tmp/bad.conf" >"$tmp/check.out" 2>&1; rc=$?
[ $rc -ne 0 ] && grep -q "bad.conf:6: Action redirect needs RedirectTo" "$tmp/check.out" &&
	ok "Action redirect without RedirectTo refused, with the line" ||
	{ bad "Action redirect without RedirectTo refused, with the line (rc $rc)"; cat "$tmp/check.out"; }
conf redirect archive@example.net >"$tmp/milter.conf"
"$MILTER" -n -c "$tmp/milter.conf" >"$tmp/check.out" 2>&1 &&
	grep -q "configuration OK" "$tmp/check.out" && ok "Action redirect with RedirectTo accepted" ||
	{ bad "Action redirect with RedirectTo accepted"; cat "$tmp/check.out"; }

# --- the daemon, then each action by SIGHUP -------------------------------
conf tag >"$tmp/milter.conf"
"$MILTER" -f -c "$tmp/milter.conf" >"$tmp/milter.log" 2>&1 &
pid=$!
i=0
while [ ! -S "$tmp/milter.sock" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
[ -S "$tmp/milter.sock" ] || { echo "milter did not start:"; cat "$tmp/milter.log"; exit 1; }
reconf() {	# ACTION [REDIRECTTO]
	conf "$@" >"$tmp/milter.conf"
	n=$(grep -c "configuration reloaded" "$tmp/milter.log")
	kill -HUP "$pid"
	i=0
	while [ "$(grep -c "configuration reloaded" "$tmp/milter.log")" -le "$n" ] &&
	    [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
}
lua() {	# [VAR=value...]
	if env MILTER_SOCKET="unix:$tmp/milter.sock" MILTER_LIB="$LIB" \
	    MESSAGES="$tmp" "$@" miltertest -s "$LIB/t-divert.lua" >"$tmp/lua.out" 2>&1; then
		while read -r line; do ok "$line"; done <"$tmp/lua.out"
	else
		bad "t-divert.lua $*:"; sed 's/^/    /' "$tmp/lua.out"
	fi
}
q() { sqlite3 -cmd ".timeout 5000" "$tmp/$DB" "$1"; }

cases TAG >"$tmp/cases"
lua ACTION=tag CASES="$tmp/cases"

reconf redirect archive@example.net
cases REDIR >"$tmp/cases"
lua ACTION=redirect REDIRECT_TO=archive@example.net CASES="$tmp/cases"
grep -q "REDIR-PASS: redirected to <archive@example.net>: submitter=google.com report-id=2024-03-01T00:00:00Z_example.net (2 original recipients)" \
	"$tmp/milter.log" && ok "redirect logged with queue id, submitter and report id" ||
	bad "redirect logged with queue id, submitter and report id"
grep -q "REDIR-MANY: redirect withheld (not every recipient could be kept (too many, or too long)): delivered with the tag" \
	"$tmp/milter.log" && ok "redirect withheld logged with the reason" ||
	bad "redirect withheld logged with the reason"
grep -q "REDIR-NOEDIT: redirect withheld (the MTA does not offer recipient changes): delivered with the tag" \
	"$tmp/milter.log" && ok "redirect withheld without recipient changes, logged" ||
	bad "redirect withheld without recipient changes, logged"

DB=discard.db	# the report is new again
reconf discard
cases DISC >"$tmp/cases"
lua ACTION=discard CASES="$tmp/cases"
grep -q "DISC-PASS: discarded: submitter=google.com report-id=2024-03-01T00:00:00Z_example.net (stored 1, duplicate 0)" \
	"$tmp/milter.log" && ok "discard logged with queue id, submitter and report id" ||
	bad "discard logged with queue id, submitter and report id"
[ "$(q "SELECT queue_id FROM reports")" = DISC-PASS ] &&
	ok "the discarded report is in the database" || bad "the discarded report is in the database"
# Already stored: a duplicate is discarded too.
cases DUP | head -1 >"$tmp/cases"
lua ACTION=discard CASES="$tmp/cases"
grep -q "DUP-PASS: discarded: .*(stored 0, duplicate 1)" "$tmp/milter.log" &&
	ok "a duplicate is discarded" || bad "a duplicate is discarded"

# The store cannot be written: delivered with the tag, and the log says why.
kill -STOP "$pid"
mv "$tmp/$DB" "$tmp/$DB.saved" && mkdir "$tmp/$DB"
kill -CONT "$pid"
cases DOWN >"$tmp/cases"
lua ACTION=discard STORE_DOWN=1 CASES="$tmp/cases"
grep -q "DOWN-PASS: discard withheld (the store failed (report spooled)): delivered with the tag: submitter=google.com report-id=" \
	"$tmp/milter.log" && ok "discard withheld with the store down, logged" ||
	bad "discard withheld with the store down, logged"

kill -TERM "$pid"
i=0
while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
pid=
if [ "$failed" -ne 0 ]; then
	echo "--- milter log (last 40 lines)"; tail -40 "$tmp/milter.log"
fi
echo "milter_divert: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
