#!/bin/bash
# divert.sh - Action redirect and discard end to end: a private Postfix
# on loopback with tlsrpt-milter, mail injected over SMTP with swaks.
#
# redirect: a verified report sent to two recipients lands only in the
# RedirectTo mailbox, tagged pass, with both original recipients in
# X-TLSRPT-Original-Recipients (a forged copy of which is gone); fail and
# invalid reports reach their own recipients.  discard: a verified report
# is delivered nowhere but is in the database; fail and invalid ones are
# delivered; with the database made unwritable (chmod; the filter runs as
# nobody) the verified report is delivered, tagged, instead.  RedirectTo
# can be refused at RCPT time and still get redirected reports.  Skips (77)
# unless root with postfix, swaks, python3-dkim, openssl and sqlite3.
set -u
srcdir=${srcdir:-.}
MILTER=${TLSRPT_MILTER:-./tlsrpt-milter}
FIX="$srcdir/tests/fixtures"
. "$srcdir/tests/postfix-lib.sh"
. "$srcdir/tests/reports-lib.sh"
. "$srcdir/tests/testlib.sh"

tl_init divert
tl_need_root
tl_need_tools postfix swaks openssl sqlite3
tl_need_python_dkim
tl_need_users postfix nobody

tl_tmpdir pf_stop
chmod 755 "$tmp"	# Postfix daemons and the filter (as nobody) reach in
tl_ports port mport

# --- keys, messages: pass (distinct report ids), fail, invalid ------------
tl_dkim_google
mkdir "$tmp/pass"
make_reports "$tmp/k.pem" "$tmp/pass" divert 1 3 || { echo "signing failed"; exit 1; }
# A forged audit header on the first, above the signature (not covered).
sed -i '1i X-TLSRPT-Original-Recipients: <forged@example.org>' "$tmp/pass/1.eml"
report_message divert 9 >"$tmp/fail.eml"	# unsigned
tl_truncate_base64 "$FIX/mime-google.eml" >"$tmp/invalid.in"
tl_sign sel google.com "$tmp/invalid.in" "$tmp/invalid.eml" || exit 1

# --- the filter (as nobody) and the MTA ---------------------------------
mkdir "$tmp/db" "$tmp/spool"
chown nobody "$tmp/db" "$tmp/spool"
conf() {	# ACTION
	cat <<CONF
Socket inet:$mport@127.0.0.1
UserID nobody
Database sqlite:$tmp/db/tlsrpt.db
SpoolDirectory $tmp/spool
DKIMKeyFile $tmp/keys
LogLevel info
Action $1
RedirectTo archive@example.net
CONF
}
conf redirect >"$tmp/milter.conf"
tl_milter_up "$tmp/milter.conf"
reconf() {	# ACTION
	conf "$1" >"$tmp/milter.conf"
	tl_milter_reload
}
pf_setup "$tmp/pf" "$port" "{ inet:127.0.0.1:$mport, default_action=accept }"
echo "archive@example.net	example.net/archive/" >>"$tmp/pf/etc/vmailbox"
# RedirectTo refused from the outside at RCPT time (contrib/amavis/README):
# the filter adds it at end-of-message, after those checks.
echo "archive@example.net REJECT internal only" >"$tmp/pf/etc/internal_only"
postconf -c "$tmp/pf/etc" -e "smtpd_recipient_restrictions = check_recipient_access texthash:$tmp/pf/etc/internal_only, permit_mynetworks, reject"
pf_start || { echo "postfix did not start"; cat "$(pf_log)" 2>/dev/null; exit 1; }
ok "private postfix on 127.0.0.1:$port with the milter (Action redirect)"

mailbox() { echo "$tmp/pf/mail/example.net/$1"; }
count() { find "$(mailbox "$1")/new" -type f 2>/dev/null | wc -l; }
q() { sqlite3 -cmd ".timeout 5000" "$tmp/db/tlsrpt.db" "$1"; }
# Wait until Postfix logged the fate of N messages (delivered or discarded).
settled() {	# N
	j=0
	while [ "$(grep -cE 'status=sent|milter-discard|: discard: ' "$(pf_log)")" -lt "$1" ]; do
		j=$((j + 1)); [ $j -gt 300 ] && return 1; sleep 0.1
	done
}
expect_counts() {	# NAME TLSRPT BOB ARCHIVE
	got="$(count tlsrpt) $(count bob) $(count archive)"
	[ "$got" = "$2 $3 $4" ] && ok "$1" ||
		bad "$1: tlsrpt bob archive hold $got, want $2 $3 $4"
}

# --- redirect ---------------------------------------------------------------
tl_send "$tmp/fail.eml" archive@example.net &&
	bad "RedirectTo refused to outside senders" || ok "RedirectTo refused to outside senders"
tl_send "$tmp/pass/1.eml" tlsrpt@example.net,bob@example.net || bad "swaks pass"
if pf_wait_mail "$(mailbox archive)" 1 30; then
	m=$(ls "$(mailbox archive)"/new/*)
	grep -q '^X-TLSRPT: pass submitter=google.com' "$m" &&
		ok "redirect: the report lands in RedirectTo's mailbox, tagged pass" ||
		bad "redirect: the report lands in RedirectTo's mailbox, tagged pass"
	tr -d '\r' <"$m" | sed -n '/^X-TLSRPT-Original-Recipients:/,/^[^ \t]/p' | sed '$d' >"$tmp/audit"
	grep -q 'tlsrpt@example.net' "$tmp/audit" && grep -q 'bob@example.net' "$tmp/audit" &&
		ok "redirect: both original recipients in X-TLSRPT-Original-Recipients" ||
		{ bad "redirect: both original recipients in X-TLSRPT-Original-Recipients"; cat "$tmp/audit"; }
	[ "$(grep -ci '^X-TLSRPT-Original-Recipients:' "$m")" -eq 1 ] && ! grep -q forged "$m" &&
		ok "redirect: the forged audit header is gone" || bad "redirect: the forged audit header is gone"
	grep -q '^Delivered-To: archive@example.net' "$m" &&
		ok "redirect: the envelope recipient is archive@example.net" ||
		bad "redirect: the envelope recipient is archive@example.net"
else
	bad "redirect: the report lands in RedirectTo's mailbox"
fi
tl_send "$tmp/fail.eml" tlsrpt@example.net || bad "swaks fail"
tl_send "$tmp/invalid.eml" bob@example.net || bad "swaks invalid"
settled 3 || bad "redirect: three deliveries logged"
expect_counts "redirect: the originals got nothing verified; fail and invalid flow as usual" 1 1 1
grep -l '^X-TLSRPT: fail' "$(mailbox tlsrpt)"/new/* >/dev/null 2>&1 &&
	ok "redirect x fail: delivered to its recipient, tagged fail" ||
	bad "redirect x fail: delivered to its recipient, tagged fail"
grep -l '^X-TLSRPT: invalid' "$(mailbox bob)"/new/* >/dev/null 2>&1 &&
	ok "redirect x invalid: delivered to its recipient, tagged invalid" ||
	bad "redirect x invalid: delivered to its recipient, tagged invalid"
qid=$(q "SELECT queue_id FROM reports WHERE report_id = 'divert-1'")
grep -q "$qid: redirected to <archive@example.net>: submitter=google.com report-id=divert-1 (2 original recipients)" \
	"$tmp/milter.log" && ok "redirect logged with Postfix's queue id $qid" ||
	bad "redirect logged with Postfix's queue id"

# --- discard ----------------------------------------------------------------
reconf discard
tl_send "$tmp/pass/2.eml" tlsrpt@example.net,bob@example.net || bad "swaks pass 2"
tl_send "$tmp/fail.eml" tlsrpt@example.net || bad "swaks fail 2"
tl_send "$tmp/invalid.eml" bob@example.net || bad "swaks invalid 2"
settled 6 || bad "discard: three more fates logged"
expect_counts "discard: the verified report delivered nowhere; fail and invalid delivered" 2 2 1
[ "$(q "SELECT verified FROM reports WHERE report_id = 'divert-2'")" = 1 ] &&
	ok "discard: the discarded report is in the database" ||
	bad "discard: the discarded report is in the database"
qid=$(q "SELECT queue_id FROM reports WHERE report_id = 'divert-2'")
grep -q "$qid: milter-discard" "$(pf_log)" && ok "discard: Postfix logged the discard of $qid" ||
	bad "discard: Postfix logged the discard"
grep -q "$qid: discarded: submitter=google.com report-id=divert-2 (stored 1, duplicate 0)" \
	"$tmp/milter.log" && ok "discard logged with the queue id, submitter and report id" ||
	bad "discard logged with the queue id, submitter and report id"

# The database unwritable: delivered, tagged, instead (spooled for later).
chmod 555 "$tmp/db" && chmod 444 "$tmp/db"/tlsrpt.db*
tl_send "$tmp/pass/3.eml" tlsrpt@example.net || bad "swaks pass 3"
if settled 7; then
	expect_counts "discard with the database unwritable: delivered instead" 3 2 1
	grep -l '^X-TLSRPT: pass submitter=google.com.*' "$(mailbox tlsrpt)"/new/* |
		xargs grep -l 'Report-ID: <divert-3>' >/dev/null 2>&1 &&
		ok "... tagged pass" || bad "... tagged pass"
else
	bad "discard with the database unwritable: delivered instead"
fi
grep -q "discard withheld (the store failed (report spooled)): delivered with the tag: submitter=google.com report-id=divert-3" \
	"$tmp/milter.log" && ok "... and the log says why" || bad "... and the log says why"
chmod 755 "$tmp/db" && chmod 644 "$tmp/db"/tlsrpt.db*

tl_finish 30 "milter log" "$tmp/milter.log" 30 "postfix log" "$(pf_log)"
