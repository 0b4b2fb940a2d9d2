#!/bin/sh
# hostile.sh - hostile inputs, DKIM-signed by google.com so they
# reach the parser, through the running daemon (over miltertest, as the
# MTA would hand them over): a gzip bomb (1 GiB of zeros, ~1 MB sent), MIME
# nested 1024 levels, 100,000 tiny parts.  Each must be tagged `invalid`
# within TIME_LIMIT seconds with the daemon's peak RSS (VmHWM) under
# RSS_LIMIT_KB.  A 64 KiB header line crashes miltertest itself, so that
# one goes through `tlsrpt parse` (the same core) with its time and peak
# RSS measured.  Time and memory are printed for each.
#
# Then a valid report with 200,000 distinct failure details (28 MB of
# JSON, 1.5 MB sent, within the parser's limits): stored, capped to the
# store's 100 details per policy with the rest folded, the daemon's peak
# still under RSS_LIMIT_KB; and `tlsrpt report` in every format over that
# store, and over a store holding all 200,000 rows as a store written
# before the cap would, within REPORT_TIME_LIMIT seconds and
# REPORT_RSS_LIMIT_KB.  Measured here: the daemon peaks near 80 MB (it was
# 340 MB); each report run takes under 0.5 s and 40 MB over the old
# store (it was 40 s and 3.75 GB); the limits leave a wide margin for slow
# and sanitizer builds.
set -u
srcdir=${srcdir:-.}
MILTER=${TLSRPT_MILTER:-./tlsrpt-milter}
LIB="$srcdir/tests/milter"
TIME_LIMIT=${TIME_LIMIT:-10}
RSS_LIMIT_KB=${RSS_LIMIT_KB:-262144}
REPORT_TIME_LIMIT=${REPORT_TIME_LIMIT:-10}
REPORT_RSS_LIMIT_KB=${REPORT_RSS_LIMIT_KB:-524288}
# ASan keeps freed memory and shadows all of it: allow it four times as much.
ldd "$MILTER" 2>/dev/null | grep -q libasan && RSS_LIMIT_KB=$((RSS_LIMIT_KB * 4)) &&
	REPORT_RSS_LIMIT_KB=$((REPORT_RSS_LIMIT_KB * 4))
. "$srcdir/tests/testlib.sh"
tl_init hostile
tl_need_tools miltertest /usr/bin/time
tl_need_python_dkim
tl_tmpdir

"$PY" "$srcdir/tests/make_hostile.py" "$tmp/in" || { echo "hostile: cannot build the inputs"; exit 1; }
tl_dkim_google
for name in bomb nested parts details; do
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

# 200,000 distinct failure details, a valid report: stored, capped.
t0=$(date +%s%N)
tag=$(deliver "$tmp/in/details.signed" "H-details")
t1=$(date +%s%N)
ms=$(( (t1 - t0) / 1000000 ))
peak=$(hwm)
echo "details: $(stat -c %s "$tmp/in/details.eml") bytes, ${ms} ms, daemon VmHWM ${peak} kB, tag: $tag"
case $tag in
invalid*|fail*|"") bad "details: tag \"$tag\" (want a recorded report)"; cat "$tmp/mt.err" ;;
*) ok "details: recorded (tag ${tag%% *})" ;;
esac
[ "$ms" -lt $((TIME_LIMIT * 1000)) ] && ok "details: within ${TIME_LIMIT} s" ||
	bad "details: took ${ms} ms (limit ${TIME_LIMIT} s)"
[ "${peak:-0}" -lt "$RSS_LIMIT_KB" ] && ok "details: peak RSS under ${RSS_LIMIT_KB} kB" ||
	bad "details: peak RSS ${peak} kB (limit ${RSS_LIMIT_KB} kB)"
rows=$(sqlite3 "$tmp/tlsrpt.db" "SELECT count(*) || ' ' || sum(folded_details) || ' ' ||
	sum(failed_session_count) FROM failure_details")
[ "$rows" = "101 199900 200000" ] && ok "details: 100 stored, 199,900 folded into one row, every session counted" ||
	bad "details: rows/folded/sessions are \"$rows\" (want \"101 199900 200000\")"
grep -q "H-details: recorded report hostile-details from google.com (organization-name \"Google Inc.\")" "$tmp/milter.log" &&
	grep -q "H-details: report hostile-details: 199900 failure details beyond the first 100" "$tmp/milter.log" &&
	ok "details: the log names the signer and the fold" || bad "details: the log names the signer and the fold"
kill -0 "$mpid" 2>/dev/null && ok "the daemon is still running" || bad "the daemon died"

# `tlsrpt report` over it, then over every row kept (a store from before the cap).
TLSRPT=${TLSRPT:-./tlsrpt}
cp "$tmp/tlsrpt.db" "$tmp/old.db"
sqlite3 "$tmp/old.db" "PRAGMA journal_mode = WAL;
	CREATE TEMP TABLE pol AS SELECT policy_fk FROM failure_details LIMIT 1;
	DELETE FROM failure_details WHERE folded_details > 0;
	WITH RECURSIVE n(i) AS (SELECT 100 UNION ALL SELECT i + 1 FROM n WHERE i < 199999)
	INSERT INTO failure_details (policy_fk, detail_index, result_type, sending_mta_ip,
	    receiving_mx_hostname, failed_session_count)
	SELECT (SELECT policy_fk FROM pol), i, 'validation-failure',
	    '10.' || (i >> 16) || '.' || ((i >> 8) & 255) || '.' || (i & 255),
	    'mx' || i || '.example.net', 1 FROM n;" >/dev/null
[ "$(sqlite3 "$tmp/old.db" "SELECT count(*) FROM failure_details")" = 200000 ] &&
	ok "old store: 200,000 detail rows" || bad "old store: 200,000 detail rows"
for store in tlsrpt old; do
	for fmt in text json csv prometheus html check; do
		case $fmt in check) args=--check ;; *) args="--format $fmt" ;; esac
		/usr/bin/time -v -o "$tmp/time" "$TLSRPT" --db "sqlite:$tmp/$store.db" report \
			--since 2026-03-01 --until 2026-03-01 $args -o "$tmp/out.$fmt" 2>"$tmp/report.err"
		rc=$?
		secs=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0;
			for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s }' "$tmp/time")
		kb=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$tmp/time")
		echo "report $store $fmt: ${secs} s, max RSS ${kb} kB, exit $rc, $(stat -c %s "$tmp/out.$fmt" 2>/dev/null) bytes"
		{ [ "$rc" -le 2 ] && awk -v s="$secs" -v l="$REPORT_TIME_LIMIT" 'BEGIN { exit !(s < l) }' &&
			[ "${kb:-999999999}" -lt "$REPORT_RSS_LIMIT_KB" ]; } &&
			ok "report over the $store store, $fmt: under ${REPORT_TIME_LIMIT} s and ${REPORT_RSS_LIMIT_KB} kB" ||
			{ bad "report over the $store store, $fmt: $secs s, $kb kB, exit $rc"; cat "$tmp/report.err"; }
	done
	n=$(grep -c '^tlsrpt_' "$tmp/out.prometheus")
	[ "$n" -lt 100 ] && ok "$store store: $n Prometheus samples" || bad "$store store: $n Prometheus samples"
	grep -q '"mx_host": "(other)"' "$tmp/out.json" && ok "$store store: the folded details under (other)" ||
		bad "$store store: the folded details under (other)"
done

# The 64 KiB header line, through the core.
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
