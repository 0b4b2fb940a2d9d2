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
. "$srcdir/tests/testlib.sh"
tl_init hostile
tl_need_tools miltertest
tl_need_python_dkim
tl_tmpdir

"$PY" "$srcdir/tests/make_hostile.py" "$tmp/in" || { echo "hostile: cannot build the inputs"; exit 1; }
tl_dkim_google
for name in bomb nested parts; do
	tl_sign sel google.com "$tmp/in/$name.eml" "$tmp/in/$name.signed" ||
		{ echo "hostile: signing $name failed"; exit 1; }
done
cat >"$tmp/milter.conf" <<CONF
Socket unix:$tmp/milter.sock
Database sqlite:$tmp/tlsrpt.db
SpoolDirectory $tmp/spool
DKIMKeyFile $tmp/keys
LogLevel info
CONF
tl_milter_up "$tmp/milter.conf"
hwm() { awk '/^VmHWM:/ { print $2 }' "/proc/$mpid/status"; }

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
kill -0 "$mpid" 2>/dev/null && ok "the daemon is still running" || bad "the daemon died"

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
tl_finish
