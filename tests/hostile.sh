#!/bin/sh
# hostile.sh - the inputs issue 8 names, DKIM-signed by google.com so they
# reach the parser, through the running daemon (over miltertest, as the
# MTA would hand them over): a gzip bomb (1 GiB of zeros, ~1 MB sent), MIME
# nested 1024 levels, 100,000 tiny parts.  Each must be tagged `invalid`
# within TIME_LIMIT seconds with the daemon's peak RSS (VmHWM) under
# RSS_LIMIT_KB.  A 64 KiB header line crashes miltertest itself, so that
# one goes through `tlsrpt parse` (the same core) with its time and peak
# RSS measured.  Time and memory are printed for each.
set -u
srcdir=${srcdir:-.}
MILTER=${TLSRPT_MILTER:-./tlsrpt-milter}
LIB="$srcdir/tests/milter"
TIME_LIMIT=${TIME_LIMIT:-10}
RSS_LIMIT_KB=${RSS_LIMIT_KB:-262144}
# ASan keeps freed memory and shadows all of it: allow it four times as much.
ldd "$MILTER" 2>/dev/null | grep -q libasan && RSS_LIMIT_KB=$((RSS_LIMIT_KB * 4))
command -v miltertest >/dev/null 2>&1 || { echo "hostile: SKIP: miltertest not found"; exit 77; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hostile.XXXXXX") || exit 1
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

/usr/bin/python3 -c 'import dkim' 2>/dev/null || { echo "hostile: SKIP: no python3-dkim"; exit 77; }
/usr/bin/python3 "$srcdir/tests/make_hostile.py" "$tmp/in" || { echo "hostile: cannot build the inputs"; exit 1; }
openssl genrsa 2048 >"$tmp/k.pem" 2>/dev/null || exit 1
p=$(openssl rsa -in "$tmp/k.pem" -pubout -outform DER 2>/dev/null | base64 | tr -d '\n')
printf 'sel._domainkey.google.com v=DKIM1; k=rsa; p=%s\n' "$p" >"$tmp/keys"
for name in bomb nested parts; do
	/usr/bin/python3 "$srcdir/tests/dkim_sign.py" sel google.com "$tmp/k.pem" \
		"$tmp/in/$name.eml" "$tmp/in/$name.signed" || { echo "hostile: signing $name failed"; exit 1; }
done
cat >"$tmp/milter.conf" <<CONF
Socket unix:$tmp/milter.sock
Database sqlite:$tmp/tlsrpt.db
SpoolDirectory $tmp/spool
DKIMKeyFile $tmp/keys
LogLevel info
CONF
"$MILTER" -f -c "$tmp/milter.conf" >"$tmp/milter.log" 2>&1 &
pid=$!
i=0
while [ ! -S "$tmp/milter.sock" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -S "$tmp/milter.sock" ] || { echo "milter did not start:"; cat "$tmp/milter.log"; exit 1; }
hwm() { awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status"; }

deliver() {	# FILE QID: the tag on stdout
	env MILTER_SOCKET="unix:$tmp/milter.sock" MILTER_LIB="$LIB" MESSAGE="$1" QID="$2" \
		miltertest -s "$LIB/t-one.lua" 2>"$tmp/mt.err" | sed -n 's/^TAG //p'
}

start_hwm=$(hwm)
echo "daemon started: VmHWM ${start_hwm} kB"
for name in bomb nested parts; do
	t0=$(date +%s%N)
	tag=$(deliver "$tmp/in/$name.signed" "H-$name")
	t1=$(date +%s%N)
	ms=$(( (t1 - t0) / 1000000 ))
	peak=$(hwm)
	echo "$name: $(stat -c %s "$tmp/in/$name.eml") bytes, ${ms} ms, daemon VmHWM ${peak} kB, tag: $tag"
	case $tag in
	invalid*) ok "$name: tagged invalid" ;;
	*) bad "$name: tag \"$tag\" (want invalid)"; cat "$tmp/mt.err" ;;
	esac
	[ "$ms" -lt $((TIME_LIMIT * 1000)) ] && ok "$name: within ${TIME_LIMIT} s" ||
		bad "$name: took ${ms} ms (limit ${TIME_LIMIT} s)"
	[ "${peak:-0}" -lt "$RSS_LIMIT_KB" ] && ok "$name: peak RSS under ${RSS_LIMIT_KB} kB" ||
		bad "$name: peak RSS ${peak} kB (limit ${RSS_LIMIT_KB} kB)"
done
kill -0 "$pid" 2>/dev/null && ok "the daemon is still running" || bad "the daemon died"

# The 64 KiB header line, through the core.
TLSRPT=${TLSRPT:-./tlsrpt}
/usr/bin/time -f "%e %M" -o "$tmp/time" "$TLSRPT" parse "$tmp/in/longhdr.eml" >/dev/null 2>"$tmp/parse.err"
rc=$?
read -r secs kb <<EOF
$(tail -n 1 "$tmp/time")
EOF
echo "longhdr: $(stat -c %s "$tmp/in/longhdr.eml") bytes, ${secs} s, tlsrpt parse max RSS ${kb} kB, exit $rc: $(tail -1 "$tmp/parse.err")"
[ "$rc" -eq 1 ] && ok "longhdr: refused (exit 1)" || bad "longhdr: exit $rc"
awk -v s="$secs" -v l="$TIME_LIMIT" 'BEGIN { exit !(s < l) }' && ok "longhdr: within ${TIME_LIMIT} s" ||
	bad "longhdr: took $secs s"
[ "$kb" -lt "$RSS_LIMIT_KB" ] && ok "longhdr: peak RSS under ${RSS_LIMIT_KB} kB" || bad "longhdr: peak RSS $kb kB"
grep -E "AddressSanitizer|runtime error|LeakSanitizer" "$tmp/milter.log" >/dev/null &&
	{ bad "sanitizer report in the log"; grep -E -A5 "AddressSanitizer|runtime error" "$tmp/milter.log" | head -20; } ||
	ok "no sanitizer report in the log"
grep -h "H-[a-z]*:" "$tmp/milter.log" | sed 's/^/    log: /' | head -8
echo "hostile: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
