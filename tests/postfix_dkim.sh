#!/bin/bash
# postfix_dkim.sh - hostile DKIM through a private Postfix on loopback,
# with Postfix's milter_content_timeout cut to 10 s so that a filter slower
# than that is caught: Postfix would give up on it and, with
# default_action=accept, deliver the message as it came, forged
# "X-TLSRPT: pass" included.
#
# The filter runs in its own namespaces where DNS answers 2 s late
# (slowdns-lib.sh).  A report with 90 signatures whose keys come late, and
# one with 30,000 signatures differing in l=, each carrying a forged pass
# tag, arrive tagged fail within DKIMTimeout (3 s); ordinary mail sent
# meanwhile arrives at once.  Skips (77) unless root with postfix, swaks,
# python3-dkim, openssl, unshare and ip.
set -u
srcdir=${srcdir:-.}
REAL_MILTER=${TLSRPT_MILTER:-./tlsrpt-milter}
FIX="$srcdir/tests/fixtures"
. "$srcdir/tests/postfix-lib.sh"
. "$srcdir/tests/testlib.sh"
. "$srcdir/tests/slowdns-lib.sh"

tl_init postfix_dkim
tl_need_root
tl_need_tools postfix swaks openssl
tl_need_python_dkim
tl_need_users postfix
sd_usable || tl_skip "no network namespaces (unshare, ip)"

cleanup() { pf_stop; sd_stop; }
tl_tmpdir cleanup
chmod 755 "$tmp"	# Postfix daemons run as postfix and must reach their dirs
tl_ports port

# --- messages ----------------------------------------------------------------
tl_dkim_google
tl_sign slow google.com "$FIX/mime-google.eml" "$tmp/slow1.eml" || exit 1
tl_ordinary_mail
# hostile KIND N OUT: the Google report under a forged pass tag and N
# DKIM-Signature headers: KIND slow, copies of one whose key comes late;
# KIND length, short ones for google.com each with another l=.
hostile() {
	"$PY" - "$@" "$tmp/slow1.eml" "$FIX/mime-google.eml" <<'PYEOF'
import sys
kind, n, out, signed, src = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
lines = open(signed).read().split("\n")
sig = [lines[0]]
for line in lines[1:]:
    if not line.startswith((" ", "\t")):
        break
    sig.append(line)
sig = "\n".join(sig)
with open(out, "w") as f:
    f.write("X-TLSRPT: pass submitter=google.com domain=example.net\n")
    for i in range(n):
        if kind == "slow":
            f.write(sig + "\n")
        else:
            f.write("DKIM-Signature: v=1; a=rsa-sha256; d=google.com; s=sel; "
                    "l=%d; h=from; bh=AAAA; b=AAAA\n" % (i + 1))
    f.write(open(src).read())
PYEOF
}
hostile slow 90 "$tmp/slow.eml"
hostile length 30000 "$tmp/many.eml"

# --- the filter and the MTA ----------------------------------------------------
# A unix socket: the filter's network namespace has its own loopback.
mkdir "$tmp/run" "$tmp/db"
chown postfix:postfix "$tmp/run" "$tmp/db"
cat >"$tmp/milter.conf" <<CONF
Socket unix:$tmp/run/milter.sock
UserID postfix
Database sqlite:$tmp/db/tlsrpt.db
SpoolDirectory $tmp/spool
DKIMTimeout 3
LogLevel info
CONF
sd_setup "$REAL_MILTER"
tl_milter_start "$tmp/milter.conf" || { echo "milter did not start"; cat "$tmp/milter.log"; exit 1; }
pf_setup "$tmp/pf" "$port" "unix:$tmp/run/milter.sock"
postconf -c "$tmp/pf/etc" -e "milter_content_timeout = 10s"
pf_start || { echo "postfix did not start"; cat "$(pf_log)" 2>/dev/null; exit 1; }
ok "private postfix on 127.0.0.1:$port, the filter's DNS 2 s late"

mailbox() { echo "$tmp/pf/mail/example.net/$1"; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# expect_fail N REGEX NAME: the Nth message in tlsrpt's Maildir has arrived
# (within 30 s), one of them matches REGEX, and none carries a pass tag.
expect_fail() {
	if ! pf_wait_mail "$(mailbox tlsrpt)" "$1" 30; then
		bad "$3: not delivered"
		return
	fi
	grep -l "$2" "$(mailbox tlsrpt)"/new/* >/dev/null 2>&1 && ok "$3: tagged fail" ||
		{ bad "$3: tagged fail"; grep -h '^X-TLSRPT' "$(mailbox tlsrpt)"/new/*; }
	grep -l '^X-TLSRPT: pass' "$(mailbox tlsrpt)"/new/* >/dev/null 2>&1 &&
		bad "$3: a forged pass tag reached the Maildir" ||
		ok "$3: no pass tag in the Maildir"
}

# 90 slow signatures, and ordinary mail sent while the report waits on DNS.
t0=$(now_ms)
q0=$(sd_queries)
tl_send "$tmp/slow.eml" tlsrpt@example.net &
sender=$!
sd_wait_query "$q0" || bad "the report's key lookup reached the DNS server"
t1=$(now_ms)
tl_send "$tmp/ordinary.eml" bob@example.net || bad "swaks ordinary"
pf_wait_mail "$(mailbox bob)" 1 10 && t2=$(now_ms) &&
	[ $((t2 - t1)) -lt 2000 ] && ok "ordinary mail meanwhile: delivered in $((t2 - t1)) ms" ||
	bad "ordinary mail meanwhile: not delivered within 2 s"
wait "$sender" || bad "swaks slow"
t3=$(now_ms)
# DKIMTimeout 3 s, and 3 s for Postfix and a loaded machine.
[ $((t3 - t0)) -le 6000 ] && ok "90 slow signatures: SMTP answered in $((t3 - t0)) ms" ||
	bad "90 slow signatures: SMTP answered in $((t3 - t0)) ms (DKIMTimeout 3 s + 3)"
expect_fail 1 '^X-TLSRPT: fail reason="DKIM check exceeded DKIMTimeout (3 s)"' \
	"90 slow signatures"

# 30,000 l= signatures (3 MB of headers; they cost half a minute of CPU
# when every one was hashed).
t0=$(now_ms)
tl_send "$tmp/many.eml" tlsrpt@example.net || bad "swaks many"
t1=$(now_ms)
[ $((t1 - t0)) -le 6000 ] && ok "30,000 l= signatures: SMTP answered in $((t1 - t0)) ms" ||
	bad "30,000 l= signatures: SMTP answered in $((t1 - t0)) ms"
expect_fail 2 '^X-TLSRPT: fail reason="l= tag present (d=google.com)"' \
	"30,000 l= signatures"
grep -Eiq "milter.*(timeout|timed out)" "$(pf_log)" && bad "Postfix timed out on the filter" ||
	ok "Postfix never timed out on the filter"

tl_finish 20 "milter log" "$tmp/milter.log" 30 "postfix log" "$(pf_log)"
