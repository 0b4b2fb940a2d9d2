#!/bin/bash
# postfix.sh - end to end: a private Postfix on loopback with tlsrpt-milter
# in smtpd_milters; mail injected over SMTP with swaks lands in Maildirs.
#
# Checks: a phishing mail signed and aligned by attacker.example, to ceo@,
# with a text/html part, a copy of Google's report and invoice.exe,
# arrives without pass; Google's own report, coming after it, arrives
# tagged pass and is recorded (not taken for a duplicate); ordinary
# mail arrives untouched; a forged tag on ordinary mail is removed; an
# unsigned "report" arrives tagged fail and is not recorded; the same
# report delivered twice counts once; and with the filter killed by
# SIGKILL between RCPT and DATA, the message is still delivered
# (milter_default_action = accept).  Skips (77) unless root with postfix,
# swaks, python3-dkim, openssl and sqlite3.
set -u
srcdir=${srcdir:-.}
MILTER=${TLSRPT_MILTER:-./tlsrpt-milter}
FIX="$srcdir/tests/fixtures"
. "$srcdir/tests/postfix-lib.sh"
. "$srcdir/tests/testlib.sh"

tl_init postfix
tl_need_root
tl_need_tools postfix swaks openssl sqlite3
tl_need_python_dkim
tl_need_users postfix

tl_tmpdir pf_stop
chmod 755 "$tmp"	# Postfix daemons run as postfix and must reach their dirs
tl_ports port mport

# --- keys, signed report messages -----------------------------------------
tl_dkim_google
tl_sign sel google.com "$FIX/mime-google.eml" "$tmp/google.eml" || exit 1
tl_ordinary_mail "-- " "Alice"
# The phish: anyone with a domain can sign and align; attacker.example is
# in no KnownReporters list.
printf 'sel._domainkey.attacker.example v=DKIM1; k=rsa; p=%s\n' "$tl_dkim_p" >>"$tmp/keys"
"$PY" "$srcdir/tests/report_variant.py" --from tlsrpt@attacker.example \
	--to ceo@example.net --html --exe "$FIX/mime-google.eml" "$tmp/phish.in" &&
	tl_sign sel attacker.example "$tmp/phish.in" "$tmp/phish.eml" || exit 1

# --- the filter and the MTA ------------------------------------------------
cat >"$tmp/milter.conf" <<CONF
Socket inet:$mport@127.0.0.1
Database sqlite:$tmp/db/tlsrpt.db
SpoolDirectory $tmp/spool
DKIMKeyFile $tmp/keys
LogLevel info
CONF
mkdir "$tmp/db"
start_milter() {
	tl_milter_start "$tmp/milter.conf" || return 1
	disown "$mpid"	# its SIGKILL below is the test, not news
}
start_milter || { echo "milter did not start"; cat "$tmp/milter.log"; exit 1; }
pf_setup "$tmp/pf" "$port" "{ inet:127.0.0.1:$mport, default_action=accept }"
pf_start || { echo "postfix did not start"; cat "$(pf_log)" 2>/dev/null; exit 1; }
ok "private postfix on 127.0.0.1:$port with the milter"

mailbox() { echo "$tmp/pf/mail/example.net/$1"; }
newest() { ls -t "$(mailbox "$1")/new/"* 2>/dev/null | head -1; }

# The signed phish to ceo@, first: delivered, but never with a tag a rule
# trusts.  It carries Google's report, claiming "Google Inc.".
tl_send "$tmp/phish.eml" ceo@example.net || bad "swaks phish"
if pf_wait_mail "$(mailbox ceo)" 1 30; then
	m=$(newest ceo)
	t=$(sed -n '/^X-TLSRPT:/{s/^X-TLSRPT: *//;p;q}' "$m")
	case $t in
	pass*|"") bad "signed phish arrives without pass: '$t'" ;;
	*) ok "signed phish arrives without pass" ;;
	esac
	grep -q '^X-TLSRPT: verified reason="reporter attacker.example not in KnownReporters"' "$m" &&
		ok "... tagged verified, with the reason" ||
		{ bad "... tagged verified, with the reason"; grep -A2 '^X-TLSRPT' "$m"; }
	[ "$(grep -ci '^X-TLSRPT:' "$m")" -eq 1 ] && ok "... exactly one tag" || bad "... exactly one tag"
	grep -q 'filename="invoice.exe"' "$m" && ok "... otherwise as sent" || bad "... otherwise as sent"
else
	bad "signed phish delivered"
fi
grep -q 'verified: reason="reporter attacker.example not in KnownReporters" submitter=attacker.example' \
	"$tmp/milter.log" && ok "the milter logged verified with the reason" ||
	bad "the milter logged verified with the reason"
grep -Eq ': recorded report [^ ]+ from attacker\.example \(organization-name "Google Inc\."\)$' \
	"$tmp/milter.log" && ok "the attacker's copy is recorded under its signer" ||
	bad "the attacker's copy is recorded under its signer"

# The genuine Google report, after the attacker's copy of it: recorded,
# not taken for a duplicate of the copy that came first.
tl_send "$tmp/google.eml" tlsrpt@example.net || bad "swaks google"
if pf_wait_mail "$(mailbox tlsrpt)" 1 30; then
	m=$(newest tlsrpt)
	grep -q '^X-TLSRPT: pass submitter=google.com domain=example.net' "$m" &&
		ok "report delivered tagged pass" || { bad "report delivered tagged pass"; grep -i '^x-tlsrpt' "$m"; }
	[ "$(grep -ci '^X-TLSRPT:' "$m")" -eq 1 ] && ok "exactly one tag" || bad "exactly one tag"
	grep -q '^TLS-Report-Domain: example.net' "$m" && ok "report otherwise intact" || bad "report otherwise intact"
else
	bad "report delivered"
fi
grep -Eq ': recorded report [^ ]+ from google\.com \(organization-name "Google Inc\."\)$' \
	"$tmp/milter.log" && ok "the genuine report after the attacker's copy: recorded" ||
	{ bad "the genuine report after the attacker's copy: recorded"; grep ' report ' "$tmp/milter.log"; }
grep -q ': duplicate report [^ ]* from google\.com' "$tmp/milter.log" &&
	bad "the genuine report was taken for a duplicate" ||
	ok "the genuine report was not taken for a duplicate"

# Ordinary mail, untouched: same headers and body as sent (Postfix adds
# only its trace headers above them).
tl_send "$tmp/ordinary.eml" bob@example.net || bad "swaks ordinary"
if pf_wait_mail "$(mailbox bob)" 1 30; then
	m=$(newest bob)
	# swaks ends the DATA with one more line break: trailing blank lines
	# are the transport's, not the filter's.
	sed -n '/^From: Alice/,$p' "$m" | tr -d '\r' | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}' >"$tmp/got"
	diff -u "$tmp/ordinary.eml" "$tmp/got" >/dev/null && ok "ordinary mail untouched" ||
		{ bad "ordinary mail untouched"; diff -u "$tmp/ordinary.eml" "$tmp/got" | head -20; }
	grep -qi '^X-TLSRPT' "$m" && bad "ordinary mail not tagged" || ok "ordinary mail not tagged"
else
	bad "ordinary mail delivered"
fi

# A forged tag on ordinary mail is gone on arrival.
tl_send "$tmp/forged.eml" bob@example.net || bad "swaks forged"
if pf_wait_mail "$(mailbox bob)" 2 30; then
	m=$(newest bob)
	grep -q '^Subject: you won' "$m" || m=$(ls "$(mailbox bob)/new/"* | xargs grep -l '^Subject: you won')
	grep -qi '^X-TLSRPT' "$m" && bad "forged tag removed" || ok "forged tag removed"
else
	bad "forged message delivered"
fi

# The unsigned original: delivered, tagged fail, not recorded.
tl_send "$FIX/mime-google.eml" tlsrpt@example.net || bad "swaks unsigned"
pf_wait_mail "$(mailbox tlsrpt)" 2 30 && ok "unsigned report delivered" || bad "unsigned report delivered"
grep -l '^X-TLSRPT: fail reason="no DKIM signature"' "$(mailbox tlsrpt)"/new/* >/dev/null 2>&1 &&
	ok "unsigned report tagged fail" || bad "unsigned report tagged fail"

# The signed report again (a second rua address, a retry): counted once.
tl_send "$tmp/google.eml" tlsrpt@example.net || bad "swaks duplicate"
pf_wait_mail "$(mailbox tlsrpt)" 3 30 && ok "duplicate delivered" || bad "duplicate delivered"
q() { sqlite3 "$tmp/db/tlsrpt.db" "$1"; }
# One row per signer: Google's own, counted once, and the attacker's copy.
rows=$(q "SELECT dkim_domain || '=' || count(*) FROM reports GROUP BY dkim_domain
	ORDER BY dkim_domain" | tr '\n' ' ')
[ "$rows" = "attacker.example=1 google.com=1 " ] && ok "the report recorded once per signer" ||
	bad "the report recorded once per signer: $rows"
G="FROM reports WHERE dkim_domain = 'google.com'"
[ "$(q "SELECT total_successful $G")" = 342 ] && ok "its sessions recorded" ||
	bad "its sessions recorded"
qid=$(q "SELECT queue_id $G")
grep -q "$qid" "$(pf_log)" && ok "queue id $qid matches Postfix's log" || bad "queue id matches Postfix's log"

# SIGKILL the filter while Postfix holds a session with it: after RCPT,
# before DATA.  The message must still arrive (default_action=accept).
before=$(find "$(mailbox tlsrpt)/new" -type f | wc -l)
"$PY" - "$port" "$tmp/google.eml" "$mpid" <<'PY'
import os, signal, smtplib, sys, time
port, path, pid = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
s = smtplib.SMTP("127.0.0.1", port, timeout=60)
s.ehlo("client.example.org")
s.mail("sender@example.org")
s.rcpt("tlsrpt@example.net")
os.kill(pid, signal.SIGKILL)
time.sleep(0.5)
s.data(open(path, "rb").read())
s.quit()
PY
rc=$?
i=0; while kill -0 "$mpid" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done; mpid=
[ $rc -eq 0 ] && ok "SMTP accepted the message with the filter killed" ||
	bad "SMTP accepted the message with the filter killed"
pf_wait_mail "$(mailbox tlsrpt)" $((before + 1)) 30 && ok "nothing lost: delivered without the filter" ||
	bad "nothing lost: delivered without the filter"
grep -q "milter.*$mport.*" "$(pf_log)" && ok "Postfix logged the filter failure" ||
	bad "Postfix logged the filter failure"

# Back up: the next report is tagged and recorded again.
start_milter || bad "milter restarted"
tl_send "$FIX/mime-google.eml" tlsrpt@example.net
pf_wait_mail "$(mailbox tlsrpt)" $((before + 2)) 30 && ok "filter back in service" ||
	bad "filter back in service"

tl_finish 20 "milter log" "$tmp/milter.log" 30 "postfix log" "$(pf_log)"
