# load-lib.sh - the rig shared by tests/load.sh and tests/faults.sh: a
# private Postfix on loopback (tests/postfix-lib.sh) with tlsrpt-milter in
# smtpd_milters (default_action=accept), DKIM keys handed to the milter
# through DKIMKeyFile, delivery to Maildirs, and tests/load_send.py as the
# sender and checker.  Sourced, not run; "$srcdir", "$MILTER", "$NAME" set.
#
#   load_prereq              tl_init "$NAME"; exit 77 unless root with
#                            postfix, openssl, sqlite3, python3-dkim
#   load_setup               $tmp, keys, milter.conf, ports; traps cleanup
#   milter_start [ENV=v...]  start the milter (pid in $mpid), wait for it
#   load_postfix             start the private Postfix
#   send_batch FIRST COUNT MANIFEST [load_send.py options]
#   check_batch LABEL ARGS...  load_send.py check over the Maildirs; its
#                            ok/FAIL lines are counted as ours, LABEL first
#   delivered                messages in all Maildirs
#   wait_delivered N SECS    until N are delivered
#   milter_rss / milter_fds  VmRSS in kB / open descriptors of $mpid
#   wait_fds N SECS          until the milter has at most N descriptors
#   load_finish              the summary and exit status (tl_finish), with
#                            the logs' tails on failure
# Counters, ok/bad, $tmp and its removal: tests/testlib.sh.

SEND="$srcdir/tests/load_send.py"
. "$srcdir/tests/postfix-lib.sh"
. "$srcdir/tests/testlib.sh"

load_prereq() {
	tl_init "$NAME"
	[ "$(id -u)" -eq 0 ] || tl_skip "needs root (a private Postfix)"
	tl_need_tools postfix postconf openssl sqlite3 base64
	tl_need_users postfix
	"$PY" -c 'import dkim, smtplib, sqlite3' 2>/dev/null || tl_skip "no python3-dkim"
	[ -x "$MILTER" ] || { echo "$NAME: $MILTER not built"; exit 99; }
}

# Before testlib.sh kills the filter and removes $tmp.
load_stop() {
	[ -n "${spid:-}" ] && kill "$spid" 2>/dev/null
	[ -f "$tmp/pf/etc/main.cf" ] && pf_stop
	[ -n "${lockpid:-}" ] && kill "$lockpid" 2>/dev/null
}

load_setup() {
	spid= lockpid=
	tl_tmpdir load_stop
	chmod 755 "$tmp"	# Postfix daemons run as postfix and must reach their dirs
	tl_ports port mport	# tests run in parallel
	mkdir "$tmp/keys" "$tmp/db" "$tmp/m"
	openssl genrsa 2048 >"$tmp/keys/k.pem" 2>/dev/null || { echo "openssl genrsa failed"; exit 1; }
	p=$(openssl rsa -in "$tmp/keys/k.pem" -pubout -outform DER 2>/dev/null | base64 | tr -d '\n')
	for d in google.com microsoft.com mail.example evil.example; do
		ln -s k.pem "$tmp/keys/$d.pem"
	done
	cat >"$tmp/keys/txt" <<KEYS
sel._domainkey.google.com v=DKIM1; k=rsa; p=$p
selector1._domainkey.microsoft.com v=DKIM1; k=rsa; p=$p
mail._domainkey.mail.example v=DKIM1; k=rsa; p=$p
sel._domainkey.evil.example v=DKIM1; k=rsa; p=$p
KEYS
	load_conf X-TLSRPT info >"$tmp/milter.conf"
	run=r$$
}

load_conf() {	# TAGHEADER LOGLEVEL
	cat <<CONF
Socket inet:$mport@127.0.0.1
Database sqlite:$tmp/db/tlsrpt.db
SpoolDirectory $tmp/spool
DKIMKeyFile $tmp/keys/txt
ReportAddresses tlsrpt@*
# The Mail.ru-style reporter signs as mail.example: trusted, like the defaults.
KnownReporters noreply-smtp-tls-reporting@google.com, tlsrpt-noreply@microsoft.com, mail.example
TagHeader $1
LogLevel $2
CONF
}

milter_start() {	# [VAR=value...]
	env "$@" "$MILTER" -f -c "$tmp/milter.conf" >>"$tmp/milter.log" 2>&1 &
	mpid=$!
	disown "$mpid" 2>/dev/null	# a SIGKILL of it is a test, not news
	i=0
	until (exec 3<>"/dev/tcp/127.0.0.1/$mport") 2>/dev/null; do
		i=$((i + 1)); [ $i -gt 100 ] && return 1; sleep 0.1
	done 2>/dev/null
}

load_postfix() {
	pf_setup "$tmp/pf" "$port" "{ inet:127.0.0.1:$mport, default_action=accept }" ||
		return 1
	pf_start
}

send_batch() {	# FIRST COUNT MANIFEST [options]
	sb_first=$1 sb_count=$2 sb_man=$3; shift 3
	timeout 600 "$PY" "$SEND" send --port "$port" --keys "$tmp/keys" --run "$run" \
		--first "$sb_first" --count "$sb_count" --manifest "$sb_man" "$@"
}

check_batch() {	# LABEL load_send.py-check-options...
	cb_label=$1; shift
	"$PY" "$SEND" check --maildir "$tmp/pf/mail/example.net" "$@" >"$tmp/check.out" 2>&1
	while IFS= read -r line; do
		case "$line" in
		"ok   "*) ok "$cb_label${line#ok   }" ;;
		"FAIL "*) bad "$cb_label${line#FAIL }" ;;
		checks:*) ;;
		*) echo "$line" ;;
		esac
	done <"$tmp/check.out"
	grep -q '^checks: ' "$tmp/check.out" || { bad "load_send.py check ran"; cat "$tmp/check.out"; }
}

delivered() {
	find "$tmp/pf/mail/example.net" -path '*/new/*' -type f 2>/dev/null | wc -l
}

wait_delivered() {	# N SECS
	wd=0
	while [ "$(delivered)" -lt "$1" ]; do
		wd=$((wd + 1)); [ $wd -gt $(($2 * 5)) ] && return 1; sleep 0.2
	done
}

milter_rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$mpid/status"; }
milter_fds() { ls "/proc/$mpid/fd" | wc -l; }

wait_fds() {	# N SECS
	wf=0
	while [ "$(milter_fds)" -gt "$1" ]; do
		wf=$((wf + 1)); [ $wf -gt $(($2 * 5)) ] && return 1; sleep 0.2
	done
}

# SIGTERM; then the milter must be gone within 10 s, having logged
# "stopped" and no sanitizer report (ASan/UBSan builds: errors, leaks).
milter_stop_check() {
	msn=$(grep -c ": stopped$" "$tmp/milter.log")
	kill -TERM "$mpid"
	if ! tl_milter_wait_exit; then
		bad "milter stops on SIGTERM"
		return
	fi
	[ "$(grep -c ": stopped$" "$tmp/milter.log")" -gt "$msn" ] && ok "milter stopped on SIGTERM" ||
		bad "milter stopped on SIGTERM"
	if grep -qE 'Sanitizer|runtime error:' "$tmp/milter.log"; then
		bad "no sanitizer report in the milter's log"
		grep -E -A5 'Sanitizer|runtime error:' "$tmp/milter.log" | head -30
	else
		ok "no sanitizer report in the milter's log"
	fi
}

spooled() { find "$tmp/spool" -maxdepth 1 -type f ! -name '.*' 2>/dev/null | wc -l; }

load_finish() {
	tl_finish 20 "milter log" "$tmp/milter.log" 20 "postfix log" "$tmp/pf/maillog"
}
