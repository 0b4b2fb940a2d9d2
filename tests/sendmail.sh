#!/bin/bash
# sendmail.sh - end to end with a real Sendmail: a private instance on a
# loopback port, built from contrib/sendmail/tlsrpt-milter.mc's
# INPUT_MAIL_FILTER line (socket changed), delivering every example.net
# recipient to a shell mailer that writes mail/USER/ files.
#
# With Action redirect: a verified report to two recipients arrives only
# at RedirectTo, tagged pass, the originals in X-TLSRPT-Original-Recipients;
# ordinary mail arrives untouched; a forged tag is removed; the queue id
# the filter logs is Sendmail's.  With the filter killed, mail still flows
# (no F= flag).
#
# Debian's sendmail-bin conflicts with postfix, so the Sendmail used is an
# unpacked copy: SENDMAIL_ROOT (default /opt/tlsrpt-test-sendmail, which
# `./quickstart test` fills with apt-get download + dpkg-deb -x), else an
# installed one.  Skips (77) unless root with that, m4, swaks, openssl and
# python3-dkim.
set -u
srcdir=${srcdir:-.}
MILTER=${TLSRPT_MILTER:-./tlsrpt-milter}
FIX="$srcdir/tests/fixtures"
. "$srcdir/tests/testlib.sh"

tl_init sendmail
tl_need_root
SM_ROOT=${SENDMAIL_ROOT:-/opt/tlsrpt-test-sendmail}
[ -x "$SM_ROOT/usr/libexec/sendmail/sendmail" ] || SM_ROOT=
SM="$SM_ROOT/usr/libexec/sendmail/sendmail"
CF="$SM_ROOT/usr/share/sendmail/cf"
[ -x "$SM" ] && [ -f "$CF/m4/cf.m4" ] ||
	tl_skip "no Sendmail (set SENDMAIL_ROOT; see quickstart)"
tl_need_tools m4 swaks openssl
tl_need_python_dkim
# An unpacked copy finds its own libraries (liblockfile) first.
[ -n "$SM_ROOT" ] && export LD_LIBRARY_PATH="$SM_ROOT/usr/lib/x86_64-linux-gnu:$SM_ROOT/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
# Sendmail sleeps 60 s at every start when the host name has no dot (this
# machine's is "vm"): give it a qualified one in a private UTS namespace.
sm() {
	if unshare --uts true 2>/dev/null; then
		unshare --uts sh -c 'hostname mx.example.test && exec "$@"' sh "$SM" "$@"
	else
		"$SM" "$@"
	fi
}
sm -d0.1 -bt -C /dev/null </dev/null 2>&1 | grep -q 'MILTER' ||
	tl_skip "$SM does not run or lacks MILTER"

tl_tmpdir sm_stop
tl_ports port mport
sm_stop() {
	# A moment for the daemon to reap its delivery children first: killed
	# with them pending, they would be left to an init that may not reap.
	[ -f "$tmp/sendmail.pid" ] && sleep 1 && kill "$(head -1 "$tmp/sendmail.pid")" 2>/dev/null
	rm -f "$tmp/sendmail.pid"
}

# --- messages ------------------------------------------------------------------
tl_dkim_google
tl_sign sel google.com "$FIX/mime-google.eml" "$tmp/google.eml" || exit 1
tl_ordinary_mail

# --- the filter --------------------------------------------------------------------
cat >"$tmp/milter.conf" <<CONF
Socket inet:$mport@127.0.0.1
Database sqlite:$tmp/tlsrpt.db
SpoolDirectory $tmp/spool
DKIMKeyFile $tmp/keys
Action redirect
RedirectTo archive@example.net
CONF
tl_milter_up "$tmp/milter.conf"
disown "$mpid"	# its SIGKILL below is the test, not news

# --- Sendmail: the contrib .mc lines, a private everything ---------------------
mkdir -p "$tmp/queue" "$tmp/mail"
chmod 700 "$tmp/queue"
cat >"$tmp/deliver.sh" <<SH
#!/bin/sh
# deliver.sh USER: the message on stdin into mail/USER/
mkdir -p "$tmp/mail/\$1/tmp" "$tmp/mail/\$1/new" &&
	f=\$(date +%s%N).\$\$ && cat >"$tmp/mail/\$1/tmp/\$f" && mv "$tmp/mail/\$1/tmp/\$f" "$tmp/mail/\$1/new/\$f"
SH
chmod 755 "$tmp/deliver.sh"
printf 'hosts files\naliases files\n' >"$tmp/service.switch"
# The filter lines as contrib/ gives them, with this test's socket.
sed -n '/^INPUT_MAIL_FILTER\|^define(`confMILTER_MACROS/p' "$srcdir/contrib/sendmail/tlsrpt-milter.mc" |
	sed "s|S=unix:[^,]*,|S=inet:$mport@127.0.0.1,|" >"$tmp/filter.m4"
grep -q "S=inet:$mport@127.0.0.1, T=" "$tmp/filter.m4" ||
	{ echo "no INPUT_MAIL_FILTER in contrib/sendmail/tlsrpt-milter.mc"; exit 1; }
grep -q 'F=' "$tmp/filter.m4" && bad "contrib .mc has no F= flag (fail-open)" ||
	ok "contrib .mc has no F= flag (fail-open)"
cat >"$tmp/test.mc" <<MC
divert(-1)
divert(0)dnl
include(\`$CF/m4/cf.m4')dnl
VERSIONID(\`tlsrpt-milter test instance')dnl
OSTYPE(\`linux')dnl
define(\`confDOMAIN_NAME', \`mx.example.test')dnl
define(\`QUEUE_DIR', \`$tmp/queue')dnl
define(\`confPID_FILE', \`$tmp/sendmail.pid')dnl
define(\`STATUS_FILE', \`')dnl
define(\`ALIAS_FILE', \`')dnl
define(\`confHOST_STATUS_DIRECTORY', \`')dnl
dnl No DNS: hosts from files only.
define(\`confSERVICE_SWITCH_FILE', \`$tmp/service.switch')dnl
define(\`confHOSTS_FILE', \`/etc/hosts')dnl
define(\`confDONT_PROBE_INTERFACES', \`True')dnl
define(\`confBIND_OPTS', \`-DNSRCH -DEFNAMES')dnl
define(\`confDELIVERY_MODE', \`background')dnl
FEATURE(\`nocanonify')dnl
FEATURE(\`no_default_msa')dnl
FEATURE(\`accept_unresolvable_domains')dnl
dnl Loopback only, a test: relay for anyone.
FEATURE(\`promiscuous_relay')dnl
DAEMON_OPTIONS(\`Port=$port, Addr=127.0.0.1, Name=MTA')dnl
include(\`$tmp/filter.m4')dnl
MAILER(\`local')dnl
MAILER(\`smtp')dnl
MAILER_DEFINITIONS
Mtestbox, P=/bin/sh, F=lsDFMqnS, S=EnvFromL/HdrFromL, R=EnvToL/HdrToL, A=sh $tmp/deliver.sh \$u
LOCAL_RULE_0
R\$+ < @ example.net . >	\$#testbox \$: \$1
R\$+ < @ example.net >	\$#testbox \$: \$1
MC
m4 "$tmp/test.mc" >"$tmp/test.cf" 2>"$tmp/m4.err" || { echo "m4 failed"; cat "$tmp/m4.err"; exit 1; }
grep -q "^Xtlsrpt, S=inet:$mport@127.0.0.1" "$tmp/test.cf" && grep -q '^O InputMailFilters=tlsrpt' "$tmp/test.cf" ||
	{ echo "the filter is not in the generated sendmail.cf"; exit 1; }
sm -C "$tmp/test.cf" -bd -X "$tmp/traffic.log" >"$tmp/sendmail.out" 2>&1 ||
	{ echo "sendmail did not start"; cat "$tmp/sendmail.out"; exit 1; }
i=0
while ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
	i=$((i + 1)); [ $i -gt 100 ] && { echo "sendmail does not listen"; cat "$tmp/sendmail.out"; exit 1; }
	sleep 0.1
done 2>/dev/null
ok "private sendmail $(sm -d0.1 -bt -C /dev/null </dev/null 2>&1 | sed -n 's/^Version //p') on 127.0.0.1:$port with the milter"

box() { echo "$tmp/mail/$1"; }
wait_mail() {	# USER N
	j=0
	while [ "$(find "$(box "$1")/new" -type f 2>/dev/null | wc -l)" -lt "$2" ]; do
		j=$((j + 1)); [ $j -gt 300 ] && return 1; sleep 0.1
	done
}
count() { find "$(box "$1")/new" -type f 2>/dev/null | wc -l; }

# A verified report: redirected.
tl_send "$tmp/google.eml" tlsrpt@example.net,bob@example.net || bad "swaks report"
if wait_mail archive 1; then
	m=$(ls "$(box archive)"/new/*)
	grep -q '^X-TLSRPT: pass submitter=google.com domain=example.net' "$m" &&
		ok "the verified report arrives tagged pass" || bad "the verified report arrives tagged pass"
	tr -d '\r' <"$m" | sed -n '/^X-TLSRPT-Original-Recipients:/,/^[^ \t]/p' >"$tmp/audit"
	grep -q '<tlsrpt@example.net>' "$tmp/audit" && grep -q '<bob@example.net>' "$tmp/audit" &&
		ok "redirected to RedirectTo, originals in X-TLSRPT-Original-Recipients" ||
		{ bad "redirected to RedirectTo, originals in X-TLSRPT-Original-Recipients"; cat "$tmp/audit"; }
else
	bad "the verified report arrives at RedirectTo"
fi
qid=$(sed -n 's/.*250 2.0.0 \([A-Za-z0-9]*\) Message accepted for delivery.*/\1/p' "$tmp/traffic.log" | head -1)
grep -q "$qid: redirected to <archive@example.net>: submitter=google.com" "$tmp/milter.log" &&
	[ -n "$qid" ] && ok "the filter logs Sendmail's queue id $qid" ||
	bad "the filter logs Sendmail's queue id ($qid)"

# Ordinary mail: untouched.  A forged tag: removed.
tl_send "$tmp/ordinary.eml" bob@example.net || bad "swaks ordinary"
tl_send "$tmp/forged.eml" bob@example.net || bad "swaks forged"
if wait_mail bob 2; then
	[ "$(count tlsrpt) $(count bob) $(count archive)" = "0 2 1" ] &&
		ok "the originals got nothing of the report; bob got his two" ||
		bad "mailboxes tlsrpt bob archive: $(count tlsrpt) $(count bob) $(count archive), want 0 2 1"
	m=$(grep -l '^Subject: lunch' "$(box bob)"/new/*)
	sed -n '/^From: Alice/,$p' "$m" | tr -d '\r' | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}' >"$tmp/got"
	diff -u "$tmp/ordinary.eml" "$tmp/got" >/dev/null && ok "ordinary mail untouched" ||
		{ bad "ordinary mail untouched"; diff -u "$tmp/ordinary.eml" "$tmp/got" | head -20; }
	m=$(grep -l '^Subject: you won' "$(box bob)"/new/*)
	grep -qi '^X-TLSRPT' "$m" && bad "forged tag removed" || ok "forged tag removed"
else
	bad "ordinary mail delivered"
fi

# The filter dies: mail still flows (no F= flag).
kill -KILL "$mpid"; mpid=
tl_send "$tmp/ordinary.eml" bob@example.net && ok "SMTP accepts mail with the filter down" ||
	bad "SMTP accepts mail with the filter down"
tl_send "$tmp/google.eml" tlsrpt@example.net || bad "swaks report, filter down"
wait_mail bob 3 && ok "ordinary mail delivered with the filter down" ||
	bad "ordinary mail delivered with the filter down"
if wait_mail tlsrpt 1; then
	grep -qi '^X-TLSRPT' "$(box tlsrpt)"/new/* && bad "a report delivered, untagged, with the filter down" ||
		ok "a report delivered, untagged, with the filter down"
else
	bad "a report delivered with the filter down"
fi

tl_finish 20 "milter log" "$tmp/milter.log" 30 "sendmail traffic" "$tmp/traffic.log"
