#!/bin/sh
# milter_divert.sh - the Action key driven by miltertest: tag, redirect
# and discard, each against a pass, a verified (signed and aligned by
# attacker.example, which KnownReporters does not list), a fail and an
# invalid report (only a pass is ever diverted); discard with the store down delivers instead;
# Action redirect without RedirectTo is a start-up error naming the line.
# Skips (77) when miltertest, python3-dkim, openssl or sqlite3 is missing.
set -u
srcdir=${srcdir:-.}
MILTER=${TLSRPT_MILTER:-./tlsrpt-milter}
FIX="$srcdir/tests/fixtures"
LIB="$srcdir/tests/milter"
. "$srcdir/tests/testlib.sh"

tl_init milter_divert
tl_need_tools miltertest openssl sqlite3
tl_need_python_dkim
tl_tmpdir

# --- a pass, a verified, a fail and an invalid report ----------------------
tl_dkim_google
tl_sign sel google.com "$FIX/mime-google.eml" "$tmp/pass.eml" || exit 1
printf 'sel._domainkey.attacker.example v=DKIM1; k=rsa; p=%s\n' "$tl_dkim_p" >>"$tmp/keys"
"$PY" "$srcdir/tests/report_variant.py" --from tlsrpt@attacker.example \
	"$FIX/mime-google.eml" "$tmp/verified.in" &&
	tl_sign sel attacker.example "$tmp/verified.in" "$tmp/verified.eml" || exit 1
cp "$FIX/mime-google.eml" "$tmp/fail.eml"
# Signed, but the attachment lost its middle lines: authenticated, invalid.
tl_truncate_base64 "$FIX/mime-google.eml" >"$tmp/invalid.in"
tl_sign sel google.com "$tmp/invalid.in" "$tmp/invalid.eml" || exit 1
cases() {	# QID-PREFIX
	printf 'pass.eml|%s-PASS|pass\nverified.eml|%s-VER|verified\nfail.eml|%s-FAIL|fail\ninvalid.eml|%s-INV|invalid\n' \
		"$1" "$1" "$1" "$1"
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
tl_milter_up "$tmp/milter.conf"
reconf() {	# ACTION [REDIRECTTO]
	conf "$@" >"$tmp/milter.conf"
	tl_milter_reload
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
# The verified case carries the same report signed by attacker.example: a
# row of its own, under its signer.
got=$(q "SELECT queue_id || ' ' || dkim_domain FROM reports ORDER BY queue_id" | tr '\n' ' ')
[ "$got" = "DISC-PASS google.com DISC-VER attacker.example " ] &&
	ok "the discarded report is in the database, one row per signer" ||
	bad "the discarded report is in the database, one row per signer: $got"
grep -q "DISC-VER: verified: reason=\"reporter attacker.example not in KnownReporters\"" \
	"$tmp/milter.log" && ! grep -q "DISC-VER: discard" "$tmp/milter.log" &&
	ok "verified is recorded but never discarded" || bad "verified is recorded but never discarded"
! grep -q "REDIR-VER: redirect" "$tmp/milter.log" && ok "verified is never redirected" ||
	bad "verified is never redirected"
# Already stored: a duplicate is discarded too.
cases DUP | head -1 >"$tmp/cases"
lua ACTION=discard CASES="$tmp/cases"
grep -q "DUP-PASS: discarded: .*(stored 0, duplicate 1)" "$tmp/milter.log" &&
	ok "a duplicate is discarded" || bad "a duplicate is discarded"

# The store cannot be written: delivered with the tag, and the log says why.
kill -STOP "$mpid"
mv "$tmp/$DB" "$tmp/$DB.saved" && mkdir "$tmp/$DB"
kill -CONT "$mpid"
cases DOWN >"$tmp/cases"
lua ACTION=discard STORE_DOWN=1 CASES="$tmp/cases"
grep -q "DOWN-PASS: discard withheld (the store failed (report spooled)): delivered with the tag: submitter=google.com report-id=" \
	"$tmp/milter.log" && ok "discard withheld with the store down, logged" ||
	bad "discard withheld with the store down, logged"

kill -TERM "$mpid"
tl_milter_wait_exit
tl_finish 40 "milter log" "$tmp/milter.log"
