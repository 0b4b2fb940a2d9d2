# testlib.sh - the frame the shell tests share: check counters and
# helpers, skips with a reason, a private temporary directory removed on
# exit, the closing summary, a DKIM key for the filter, and the filter
# started and stopped in the background.  Sourced, not run, by sh (dash)
# and bash scripts alike, so POSIX sh only.  Needs "$srcdir" (tl_sign)
# and "$MILTER" (tl_milter_start) where those are used.
#
# The contract make check's logs rely on: one line per check, "ok   TEXT"
# or "FAIL TEXT"; a last line "NAME: P passed, F failed"; exit 0 when no
# check failed, 1 when one did, 77 (skip) with "NAME: SKIP: REASON".
#
# Names the library sets and the scripts use: $tmp, $passed, $failed,
# $mpid (the filter's pid, killed on exit), $tl_dkim_p (a public key),
# $PY (the python3 with python3-dkim); its own helpers' are tl_*.
# The other sourced libraries (postfix-lib.sh, pg-lib.sh, reports-lib.sh,
# load-lib.sh) bring up the servers; this one is the test's frame.
#
#   tl_init NAME                  first: the name, counters at zero
#   tl_need_root / tl_need_tools / tl_need_users / tl_need_python_dkim
#   tl_skip REASON                exit 77
#   tl_skip_part PART REASON      one part not run; the rest of the test goes on
#   tl_ports VAR...               free TCP ports on 127.0.0.1, from the kernel
#   tl_tmpdir [HOOK]              $tmp, removed on exit after HOOK
#   ok / bad / expect_rc / expect_in / expect_not_in / expect_eq
#   tl_finish [LINES LABEL FILE]...   the summary; exit 0 or 1
#   tl_dkim_key / tl_dkim_google / tl_sign / tl_truncate_base64
#   tl_send / tl_ordinary_mail    mail through a private MTA on $port
#   tl_milter_start / tl_milter_up / tl_milter_reload / tl_milter_wait_exit

PY=/usr/bin/python3

# tl_init NAME: name the test (skip lines, the summary); zero the counters.
tl_init() {
	TL_NAME=$1
	passed=0 failed=0
	mpid=
}

# ok TEXT / bad TEXT: count one passed / failed check and print its line.
ok() { passed=$((passed + 1)); echo "ok   $1"; }
bad() { failed=$((failed + 1)); echo "FAIL $1"; }

# expect_rc NAME WANT CMD...: run CMD with stdout to $tmp/out and stderr
# to $tmp/err; pass if it exits WANT, else fail and show both, indented.
expect_rc() {
	tl_name=$1 tl_want=$2; shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"; tl_got=$?
	if [ "$tl_got" -eq "$tl_want" ]; then ok "$tl_name"; else
		bad "$tl_name (exit $tl_got, want $tl_want)"
		sed 's/^/    /' "$tmp/out" "$tmp/err"
	fi
}

# expect_in NAME FILE STRING: pass if FILE holds STRING (a fixed string,
# not a pattern), else fail and show FILE's first 40 lines, indented.
expect_in() {
	if grep -qF -- "$3" "$2"; then ok "$1"; else
		bad "$1 (no \"$3\" in $(basename "$2"))"; sed -n 's/^/    /; 1,40p' "$2"
	fi
}

# expect_not_in NAME FILE STRING: pass if FILE does not hold STRING.
expect_not_in() {
	if grep -qF -- "$3" "$2"; then bad "$1 (\"$3\" in $(basename "$2"))"; else ok "$1"; fi
}

# expect_eq NAME GOT WANT: pass if the strings GOT and WANT are equal.
expect_eq() {
	if [ "$2" = "$3" ]; then ok "$1"; else bad "$1: got \"$2\", want \"$3\""; fi
}

# tl_skip REASON: print "NAME: SKIP: REASON" and exit 77.
tl_skip() {
	echo "$TL_NAME: SKIP: $*"
	exit 77
}

# tl_skip_part PART REASON: one part of the test does not run here; print
# "SKIP-PART: NAME: PART: REASON" (PART without ": ") for the summary that
# counts skips (make skips, quickstart's tests/skips.sh), and go on.
tl_skip_part() {
	tl_part=$1; shift
	echo "SKIP-PART: $TL_NAME: $tl_part: $*"
}

# tl_ports VAR...: set each VAR to a distinct TCP port on 127.0.0.1 that
# the kernel just handed out (all bound to port 0 at once, then released),
# so tests running at once under make -j never pick the same one.  Exit 1
# if python3 cannot bind.
tl_ports() {
	tl_plist=$("$PY" -c 'import socket, sys
socks = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))' $#) ||
		{ echo "${TL_NAME:-test}: no free ports"; exit 1; }
	for tl_v in "$@"; do
		tl_p=${tl_plist%% *}; tl_plist=${tl_plist#* }
		eval "$tl_v=\$tl_p"
	done
}

# tl_need_root: skip unless running as root.
tl_need_root() {
	[ "$(id -u)" -eq 0 ] || tl_skip "needs root"
}

# tl_need_tools TOOL...: skip, naming the first missing one, unless every
# TOOL is on PATH.
tl_need_tools() {
	for tl_tool in "$@"; do
		command -v "$tl_tool" >/dev/null 2>&1 || tl_skip "$tl_tool not found"
	done
}

# tl_need_users USER...: skip unless every USER exists.
tl_need_users() {
	for tl_user in "$@"; do
		id "$tl_user" >/dev/null 2>&1 || tl_skip "no $tl_user user"
	done
}

# tl_need_python_dkim: skip unless $PY (the python3-dkim the signing
# scripts use) can import dkim.
tl_need_python_dkim() {
	"$PY" -c 'import dkim' 2>/dev/null || tl_skip "no python3-dkim"
}

# tl_tmpdir [HOOK]: $tmp, a new directory NAME.XXXXXX under $TMPDIR (or
# /tmp), exit 1 if it cannot be made.  On exit: HOOK (a command, if
# given) runs first, then the filter started by tl_milter_start is killed,
# then $tmp is removed.  HUP, INT and TERM exit 1, so the same happens.
tl_tmpdir() {
	TL_HOOK=${1:-}
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/$TL_NAME.XXXXXX") || exit 1
	trap tl_cleanup EXIT
	trap 'exit 1' HUP INT TERM
}

tl_cleanup() {
	[ -n "$TL_HOOK" ] && $TL_HOOK
	[ -n "$mpid" ] && kill "$mpid" 2>/dev/null
	rm -rf "$tmp"
}

# tl_finish [LINES LABEL FILE]...: when a check failed, show the last
# LINES lines of each FILE under "--- LABEL (last LINES lines)"; then the
# summary line "NAME: P passed, F failed"; exit 0 if none failed, else 1.
tl_finish() {
	if [ "$failed" -ne 0 ]; then
		while [ $# -ge 3 ]; do
			echo "--- $2 (last $1 lines)"; tail -n "$1" "$3" 2>/dev/null
			shift 3
		done
	fi
	echo "$TL_NAME: $passed passed, $failed failed"
	[ "$failed" -eq 0 ] && exit 0
	exit 1
}

# tl_dkim_key: $tmp/k.pem, a new 2048-bit RSA key, and $tl_dkim_p, its
# public key as a DKIM p= tag value (base64 DER).  Exit 1 if openssl fails.
tl_dkim_key() {
	openssl genrsa 2048 >"$tmp/k.pem" 2>/dev/null ||
		{ echo "$TL_NAME: openssl genrsa failed"; exit 1; }
	tl_dkim_p=$(openssl rsa -in "$tmp/k.pem" -pubout -outform DER 2>/dev/null |
		base64 | tr -d '\n')
	[ -n "$tl_dkim_p" ] || { echo "$TL_NAME: no public key from openssl"; exit 1; }
}

# tl_dkim_google: tl_dkim_key, and $tmp/keys, a DKIMKeyFile with the one
# key the tests sign Google-style reports with, sel._domainkey.google.com.
tl_dkim_google() {
	tl_dkim_key
	printf 'sel._domainkey.google.com v=DKIM1; k=rsa; p=%s\n' "$tl_dkim_p" >"$tmp/keys"
}

# tl_sign SELECTOR DOMAIN IN OUT [dkim_sign.py options]: sign IN with
# $tmp/k.pem as d=DOMAIN s=SELECTOR into OUT; the status of dkim_sign.py.
tl_sign() {
	tl_s=$1 tl_d=$2 tl_in=$3 tl_out=$4; shift 4
	"$PY" "$srcdir/tests/dkim_sign.py" "$@" "$tl_s" "$tl_d" "$tmp/k.pem" "$tl_in" "$tl_out"
}

# tl_truncate_base64 IN: print message IN with its base64 body lines
# after the second dropped: once signed, an authenticated report whose
# attachment cannot be decoded (the parser's "invalid").
tl_truncate_base64() {
	awk '/^Content-Transfer-Encoding: base64/ { inb = 1 } inb && length($0) > 40 && $0 ~ /^[A-Za-z0-9+\/=]+\r?$/ { if (++n > 2) next } { print }' "$1"
}

# tl_many_sigs N SIGNED IN OUT: N copies of SIGNED's (first) DKIM-Signature
# header, each with another l=, on top of IN: the bounded-work input, as an
# attacker would send it to make libopendkim hash the body N times.
tl_many_sigs() {
	"$PY" - "$@" <<'PYEOF'
import re, sys
n, signed, src, out = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
lines = open(signed).read().split("\n")
head = [lines[0]]
for line in lines[1:]:
    if not line.startswith((" ", "\t")):
        break
    head.append(line)
head = "\n".join(head)
with open(out, "w") as f:
    for i in range(n):
        f.write(re.sub(r"l=\d+", "l=%d" % (i + 1), head, count=1) + "\n")
    f.write(open(src).read())
PYEOF
}

# tl_send FILE RCPT[,RCPT...]: the message in FILE over SMTP (swaks) to
# 127.0.0.1:$port, from sender@example.org to each RCPT; the transcript
# appended to $tmp/swaks.log; the status of swaks.
tl_send() {
	swaks --silent 2 --server 127.0.0.1 --port "$port" --from sender@example.org \
	    --to "$2" --data @"$1" >>"$tmp/swaks.log" 2>&1
}

# tl_ordinary_mail [BODY-LINE...]: $tmp/ordinary.eml, a personal message
# from alice@example.org to bob@example.net (the BODY-LINEs end its body),
# and $tmp/forged.eml, the same with two copies of an X-TLSRPT pass tag
# forged into it, the second in lower case: every copy must go.
tl_ordinary_mail() {
	cat >"$tmp/ordinary.eml" <<'MSG'
From: Alice <alice@example.org>
To: bob@example.net
Subject: lunch on Friday?
Message-ID: <ordinary-1@example.org>
Date: Sat, 2 Mar 2024 10:00:00 +0000

Shall we try the new place on Friday?
MSG
	[ $# -eq 0 ] || printf '%s\n' "$@" >>"$tmp/ordinary.eml"
	sed -e 's/^Subject: lunch on Friday?/Subject: you won\nX-TLSRPT: pass submitter=google.com domain=example.net/' \
	    -e 's/^Date: .*/&\nx-tlsrpt: pass submitter=microsoft.com domain=example.net/' \
		"$tmp/ordinary.eml" >"$tmp/forged.eml"
}

# tl_milter_start CONF [VAR=VALUE...]: start "$MILTER" -f -c CONF in the
# background with the VAR=VALUE environment, its output appended to
# $tmp/milter.log; $mpid is its pid.  Returns once it has logged a new
# "starting:" line (its socket is open by then), 1 if it exits first or
# has not within 10 seconds.
tl_milter_start() {
	tl_conf=$1; shift
	tl_n0=$(tl_milter_starts)
	env "$@" "$MILTER" -f -c "$tl_conf" >>"$tmp/milter.log" 2>&1 &
	mpid=$!
	tl_i=0
	while [ "$(tl_milter_starts)" -le "$tl_n0" ]; do
		kill -0 "$mpid" 2>/dev/null || return 1
		tl_i=$((tl_i + 1)); [ $tl_i -gt 100 ] && return 1
		sleep 0.1
	done
}

tl_milter_starts() {	# how many "starting:" lines the log has
	tl_c=$(grep -c "starting:" "$tmp/milter.log" 2>/dev/null)
	echo "${tl_c:-0}"
}

# tl_milter_up CONF [VAR=VALUE...]: tl_milter_start, or print "milter did
# not start:" and the log and exit 1.
tl_milter_up() {
	tl_milter_start "$@" || { echo "milter did not start:"; cat "$tmp/milter.log"; exit 1; }
}

# tl_milter_reload: SIGHUP to the filter ($mpid); returns once it has
# logged a new "configuration reloaded" line (0), or after 10 seconds (1:
# the daemon may run under valgrind).
tl_milter_reload() {
	tl_n0=$(grep -c "configuration reloaded" "$tmp/milter.log")
	kill -HUP "$mpid"
	tl_i=0
	while [ "$(grep -c "configuration reloaded" "$tmp/milter.log")" -le "$tl_n0" ] &&
	    [ $tl_i -lt 100 ]; do sleep 0.1; tl_i=$((tl_i + 1)); done
	[ $tl_i -lt 100 ]
}

# tl_milter_wait_exit: wait up to 10 seconds for the filter ($mpid), sent
# a signal by the caller, to exit.  Returns 1 if it is still running;
# else $tl_rc is its exit status (127 if the shell disowned it) and $mpid
# is cleared.
tl_milter_wait_exit() {
	tl_i=0
	while kill -0 "$mpid" 2>/dev/null && [ $tl_i -lt 100 ]; do
		sleep 0.1; tl_i=$((tl_i + 1))
	done
	kill -0 "$mpid" 2>/dev/null && return 1
	wait "$mpid" 2>/dev/null; tl_rc=$?
	mpid=
}
