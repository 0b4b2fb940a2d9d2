#!/bin/sh
# milter_dkim.sh - bounded DKIM through the daemon, driven by miltertest.
#
# Without DNS (keys from DKIMKeyFile): 105,000 signatures differing in l=
# get a prompt fail (tests/milter/t-bounds.lua), and a header field longer
# than libmilter's default 64 KiB packet is handled (by a small client in
# Python here: miltertest itself crashes on such a header).
# With DNS, when root may make namespaces (unshare, ip): the daemon runs
# in its own network and mount namespaces, where /etc/resolv.conf points
# at a DNS server on its private 127.0.0.1 that answers key queries 2 s
# late.  90 such signatures get "fail reason=...DKIMTimeout..." within
# DKIMTimeout (3 s here), ordinary mail flows meanwhile, and SIGTERM is
# not held up: by a message in its DKIM check (done by its deadline), nor
# by one the MTA never finishes (abandoned after DKIMTimeout + 10 s).
# Skips (77) without miltertest, openssl or python3-dkim.
set -u
srcdir=${srcdir:-.}
REAL_MILTER=${TLSRPT_MILTER:-./tlsrpt-milter}
FIX="$srcdir/tests/fixtures"
LIB="$srcdir/tests/milter"
. "$srcdir/tests/testlib.sh"
. "$srcdir/tests/slowdns-lib.sh"

tl_init milter_dkim
tl_need_tools miltertest openssl
tl_need_python_dkim
tl_tmpdir sd_stop

tl_dkim_google
tl_sign sel google.com "$FIX/mime-google.eml" "$tmp/google.eml" ||
	{ echo "signing failed"; exit 1; }
tl_sign slow google.com "$FIX/mime-google.eml" "$tmp/slow1.eml" ||
	{ echo "signing failed"; exit 1; }

# l_sigs N IN OUT: N short DKIM-Signature headers for google.com, each
# with another l=, on top of IN (about 100 bytes each, as an attacker
# would write them: nothing needs to verify for the cost to be paid).
l_sigs() {
	"$PY" - "$@" <<'PYEOF'
import sys
n, src, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
with open(out, "w") as f:
    for i in range(n):
        f.write("DKIM-Signature: v=1; a=rsa-sha256; d=google.com; s=sel; "
                "l=%d; h=from; bh=AAAA; b=AAAA\n" % (i + 1))
    f.write(open(src).read())
PYEOF
}
l_sigs 105000 "$FIX/mime-google.eml" "$tmp/many.eml"
tl_many_sigs 90 "$tmp/slow1.eml" "$FIX/mime-google.eml" "$tmp/slow.eml"

conf() {	# KEYFILE-LINE DKIMTIMEOUT
	cat <<CONF
Socket unix:$tmp/milter.sock
Database sqlite:$tmp/tlsrpt.db
SpoolDirectory $tmp/spool
$1
MaxMessageSize 16M
ReportAddresses tlsrpt@*
DKIMTimeout $2
LogLevel debug
CONF
}

lua() {	# SCRIPT [VAR=value...]
	script=$1; shift
	if env MILTER_SOCKET="unix:$tmp/milter.sock" MILTER_LIB="$LIB" \
	    MESSAGES="$tmp" "$@" miltertest -s "$LIB/$script" >"$tmp/lua.out" 2>&1; then
		while read -r line; do ok "$line"; done <"$tmp/lua.out"
	else
		bad "$script:"; sed 's/^/    /' "$tmp/lua.out"
	fi
}

# --- without DNS ----------------------------------------------------------
# DKIMTimeout 30: 105,000 signatures must end long before it (well under a
# second here), while the quadratic cost they had took minutes.
conf "DKIMKeyFile $tmp/keys" 30 >"$tmp/keys.conf"
MILTER=$REAL_MILTER
tl_milter_up "$tmp/keys.conf"
lua t-bounds.lua DKIM_TIMEOUT=30

# A 100 KiB header field (Postfix's header_size_limit) on a signed report
# with a forged tag: answered, the forged copy deleted, tagged pass.
cat >"$tmp/longhdr.py" <<'PYEOF'
import socket, struct, sys
sock_path, msg_path, long_len = sys.argv[1], sys.argv[2], int(sys.argv[3])
NOMAIL, NORCPT, NR_HDR = 0x4, 0x8, 0x80
NR_MAIL, NR_RCPT, NR_BODY = 0x4000, 0x8000, 0x80000
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sock_path)
def send(cmd, data=b""):
    s.sendall(struct.pack(">I", len(data) + 1) + cmd + data)
def recv():
    head = b""
    while len(head) < 4:
        c = s.recv(4 - len(head))
        if not c:
            sys.exit("connection dropped by the filter")
        head += c
    n = struct.unpack(">I", head)[0]
    data = b""
    while len(data) < n:
        c = s.recv(n - len(data))
        if not c:
            sys.exit("connection dropped by the filter")
        data += c
    return data[:1], data[1:]
send(b"O", struct.pack(">III", 6, 0x1FF, 0x1FFFFF))
_, data = recv()
proto = struct.unpack(">III", data[:12])[2]
text = open(msg_path, "rb").read().replace(b"\r\n", b"\n")
head, body = text.split(b"\n\n", 1)
fields = [[b"X-TLSRPT", b"pass submitter=evil.example"],
          [b"X-Long", b"x" * long_len]]
for line in head.split(b"\n"):
    if line[:1] in (b" ", b"	"):
        fields[-1][1] += b"\n" + line
    else:
        name, value = line.split(b":", 1)
        fields.append([name, value.lstrip(b" ")])
send(b"D", b"Mi\0LONGHDR\0")
if not proto & NOMAIL:
    send(b"M", b"<x@google.com>\0")
    if not proto & NR_MAIL:
        recv()
if not proto & NORCPT:
    send(b"R", b"<tlsrpt@example.net>\0")
    if not proto & NR_RCPT:
        recv()
for name, value in fields:
    send(b"L", name + b"\0" + value + b"\0")
    if not proto & NR_HDR:
        recv()
send(b"N")
cmd, _ = recv()
if cmd == b"a":
    sys.exit("accepted at end-of-headers")
send(b"B", body.replace(b"\n", b"\r\n"))
if not proto & NR_BODY:
    recv()
send(b"E")
while True:
    cmd, data = recv()
    if cmd == b"m":
        print("changed", data[4:].split(b"\0")[0].decode(),
              "#%d" % struct.unpack(">I", data[:4])[0],
              data[4:].split(b"\0")[1].decode() or "(deleted)")
    elif cmd == b"h":
        print("added", ": ".join(p.decode() for p in data.split(b"\0")[:2]))
    else:
        print("final", cmd.decode())
        break
send(b"Q")
PYEOF
if "$PY" "$tmp/longhdr.py" "$tmp/milter.sock" "$tmp/google.eml" 102400 >"$tmp/longhdr.out" 2>&1; then
	grep -q "^changed X-TLSRPT #1 (deleted)" "$tmp/longhdr.out" &&
	    grep -q "^added X-TLSRPT: pass submitter=google.com" "$tmp/longhdr.out" &&
	    ok "a 100 KiB header field: handled, forged tag deleted, pass" ||
	    { bad "a 100 KiB header field:"; sed 's/^/    /' "$tmp/longhdr.out"; }
else
	bad "a 100 KiB header field: $(cat "$tmp/longhdr.out")"
fi
kill "$mpid"; tl_milter_wait_exit || bad "the filter did not stop"

# --- slow DNS ---------------------------------------------------------------
if ! sd_usable; then
	tl_skip_part "slow DNS" "needs root, unshare and ip"
	tl_finish 40 "milter log" "$tmp/milter.log"
fi
sd_setup "$REAL_MILTER"
conf "" 3 >"$tmp/dns.conf"
tl_milter_up "$tmp/dns.conf"

now_ms() { echo $(($(date +%s%N) / 1000000)); }

lua t-slowdns.lua DKIM_TIMEOUT=3

# Ordinary mail while a report waits on DNS: no slower than usual.
q0=$(sd_queries)
env MILTER_SOCKET="unix:$tmp/milter.sock" MILTER_LIB="$LIB" MESSAGES="$tmp" \
    DKIM_TIMEOUT=3 miltertest -s "$LIB/t-slowdns.lua" >"$tmp/bg.out" 2>&1 &
bg=$!
sd_wait_query "$q0" || bad "the report's key lookup reached the DNS server"
t0=$(now_ms)
lua t-ordinary.lua
t1=$(now_ms)
[ $((t1 - t0)) -lt 1500 ] && ok "ordinary mail meanwhile: $((t1 - t0)) ms" ||
	bad "ordinary mail meanwhile took $((t1 - t0)) ms"
wait "$bg" && ok "the report beside it: $(tail -1 "$tmp/bg.out")" ||
	{ bad "the report beside it:"; sed 's/^/    /' "$tmp/bg.out"; }

# SIGTERM with a report in its DKIM check: it finishes (fail, at its
# deadline), then the daemon exits, well before the grace (13 s) is over:
# within DKIMTimeout 3 s + libmilter's 5 s between looks at its stop flag.
q0=$(sd_queries)
env MILTER_SOCKET="unix:$tmp/milter.sock" MILTER_LIB="$LIB" MESSAGES="$tmp" \
    DKIM_TIMEOUT=3 miltertest -s "$LIB/t-slowdns.lua" >"$tmp/bg.out" 2>&1 &
bg=$!
sd_wait_query "$q0" || bad "the report's key lookup reached the DNS server"
t0=$(now_ms)
kill -TERM "$mpid"
tl_milter_wait_exit || bad "SIGTERM: still running after 10 s"
t1=$(now_ms)
[ $((t1 - t0)) -le 9000 ] && ok "SIGTERM during a DKIM check: exit in $((t1 - t0)) ms" ||
	bad "SIGTERM during a DKIM check: exit took $((t1 - t0)) ms (want 3 s + 5 + 1)"
wait "$bg" && ok "SIGTERM: the report in flight still got $(tail -1 "$tmp/bg.out")" ||
	{ bad "SIGTERM: the report in flight:"; sed 's/^/    /' "$tmp/bg.out"; }
sd_stop

# SIGTERM with a message the MTA never finishes: abandoned after the grace
# (DKIMTimeout 3 + 10 s), logged, and the daemon exits.
tl_milter_up "$tmp/dns.conf"
env MILTER_SOCKET="unix:$tmp/milter.sock" MILTER_LIB="$LIB" MESSAGES="$tmp" \
    miltertest -s "$LIB/t-stall.lua" >"$tmp/stall.out" 2>&1 &
bg=$!
n=0
while ! grep -q stalling "$tmp/stall.out" && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
t0=$(now_ms)
kill -TERM "$mpid"
n=0
while kill -0 "$mpid" 2>/dev/null && [ $n -lt 250 ]; do sleep 0.1; n=$((n + 1)); done
t1=$(now_ms)
if kill -0 "$mpid" 2>/dev/null; then
	bad "SIGTERM with a stalled message: still running after 25 s"
else
	mpid=
	[ $((t1 - t0)) -ge 12000 ] && [ $((t1 - t0)) -le 16000 ] &&
		ok "SIGTERM with a stalled message: exit after $((t1 - t0)) ms (grace 13 s)" ||
		bad "SIGTERM with a stalled message: exit after $((t1 - t0)) ms, want 13 s"
fi
grep -q "with 1 message unfinished: abandoned" "$tmp/milter.log" &&
	ok "the abandoned message logged" || bad "the abandoned message not logged"
kill "$bg" 2>/dev/null
sd_stop

tl_finish 40 "milter log" "$tmp/milter.log"
