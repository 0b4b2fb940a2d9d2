#!/bin/bash
# prune_load.sh - `tlsrpt db prune` of a big SQLite store while the milter
# records reports through a real Postfix (the rig of tests/load.sh,
# tests/load-lib.sh).
#
# The store is filled with PRUNE_REPORTS generated reports (two policies
# and ten failure details each, the bench store's shape), all but 1,000 of
# them ended in 2022-2023; then LOAD_MESSAGES messages flow (9% of them
# signed reports, dated 2024-03-01) alone, for the baseline, and
# LOAD_MESSAGES more with, once sending has begun, a prune of everything
# that ended before 2024-01-01 beside them.  Checks:
# the prune says it removed exactly the old reports with their rows; no
# orphan policy or failure detail is left; the 1,000 newer generated
# reports stay; every message accepted and delivered; every valid report
# stored once, verified; nothing spooled and no store error logged (the
# milter never waited past its busy timeout); the database intact.
# Prints the fill and prune times, the prune's longest transaction, and
# the throughput alone and beside the prune.
#
# One run on the 2-core development machine, shared with other builds:
# 100,000 reports (1,000,000 failure details, 205 MB) filled in 14 s;
# 99,000 pruned in 154 s, 198 transactions, the longest 0.9 s (the
# milter's busy timeout is 5 s); 10,000 messages took 42.3 s alone and
# 46.6 s beside the prune (ratio 1.10), none tempfailed or spooled.
#
# Opt-in, being a few minutes long: make check-prune-load
# TESTS=tests/prune_load.sh (else it skips).  Defaults: 100,000 reports,
# 10,000 messages per batch.  Skips (77) unless root with postfix, openssl, sqlite3
# and python3-dkim.
set -u
srcdir=${srcdir:-.}
MILTER=${TLSRPT_MILTER:-./tlsrpt-milter}
: "${TLSRPT:?TLSRPT must name the tlsrpt binary}"
NAME=prune_load
PRUNE_REPORTS=${PRUNE_REPORTS:-100000}
LOAD_MESSAGES=${LOAD_MESSAGES:-10000}
KEEP=1000
. "$srcdir/tests/load-lib.sh"
[ "${PRUNE_LOAD:-}" = 1 ] || { echo "$NAME: SKIP: opt-in: PRUNE_LOAD=1"; exit 77; }
load_prereq
load_setup
db=$tmp/db/tlsrpt.db

# --- a big store ---------------------------------------------------------------
t0=$(date +%s.%N)
"$TLSRPT" -c "$tmp/milter.conf" db migrate >/dev/null || { echo "migrate failed"; exit 1; }
old=$((PRUNE_REPORTS - KEEP))
sqlite3 "$db" <<SQL || { echo "filling the store failed"; exit 1; }
PRAGMA foreign_keys = OFF;
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $PRUNE_REPORTS)
INSERT INTO reports (id, organization_name, contact_info, report_id, start_time,
  end_time, policy_domains, signer, total_successful, total_failure, verified,
  dkim_domain, auth_method, received_time, stored_time, warnings)
SELECT i, 'Filler Reporter', 'tlsrpt@filler.example', 'fill-' || i,
  CASE WHEN i <= $old THEN 1640995200 + (i % 500) * 86400
       ELSE 1706745600 + (i % 20) * 86400 END,
  CASE WHEN i <= $old THEN 1640995200 + (i % 500) * 86400 + 86399
       ELSE 1706745600 + (i % 20) * 86400 + 86399 END,
  'example.net,example.org', 'filler.example', 100, 10, 1, 'filler.example',
  'dkim', 1700000000, 1700000000, '[]' FROM n;
INSERT INTO policies (id, report_fk, policy_index, policy_type, policy_domain,
  policy_strings, mx_hosts, total_successful, total_failure)
SELECT 2 * r.id - 1 + k.k, r.id, k.k, 'sts',
  CASE k.k WHEN 0 THEN 'example.net' ELSE 'example.org' END,
  '["version: STSv1","mode: enforce"]', '["mx.example.net"]', 50, 5
  FROM reports r, (SELECT 0 AS k UNION ALL SELECT 1) k;
INSERT INTO failure_details (policy_fk, detail_index, result_type,
  sending_mta_ip, receiving_mx_hostname, receiving_ip, failed_session_count)
SELECT p.id, d.d, 'certificate-expired', '192.0.2.1', 'mx.example.net',
  '198.51.100.7', 1
  FROM policies p, (SELECT 0 AS d UNION ALL SELECT 1 UNION ALL SELECT 2
  UNION ALL SELECT 3 UNION ALL SELECT 4) d;
COMMIT;
SQL
t1=$(date +%s.%N)
counts() {
	sqlite3 "$db" "SELECT (SELECT count(*) FROM reports) || '/' ||
		(SELECT count(*) FROM policies) || '/' || (SELECT count(*) FROM failure_details)"
}
expect_eq "store filled" "$(counts)" \
	"$PRUNE_REPORTS/$((2 * PRUNE_REPORTS))/$((10 * PRUNE_REPORTS))"
awk -v a="$t0" -v b="$t1" -v n="$PRUNE_REPORTS" -v s="$(stat -c %s "$db")" 'BEGIN {
	printf "     filled: %d reports, %d failure details, %.0f MB, in %.1f s\n",
	    n, 10 * n, s / 1048576, b - a }'

# --- the load alone, then again with a prune beside it ----------------------------
milter_start || { echo "milter did not start"; cat "$tmp/milter.log"; exit 1; }
load_postfix || { echo "postfix did not start"; cat "$(pf_log)" 2>/dev/null; exit 1; }
ok "private postfix on 127.0.0.1:$port, the milter on :$mport"
# BATCH FIRST MANIFEST: send LOAD_MESSAGES in the background ($spid); returns
# once the messages are built and sending has begun.
start_batch() {
	{ send_batch "$1" "$LOAD_MESSAGES" "$2"; rc=$?; date +%s.%N >"$tmp/sent-$1"
	  exit $rc; } >"$tmp/send-$1.log" 2>&1 &
	spid=$!
	i=0
	until grep -q '^sending from' "$tmp/send-$1.log" || [ $i -ge 1200 ]; do
		sleep 0.1; i=$((i + 1))
	done
}
# FIRST: wait for the batch; its exit status in $src, its seconds in $took.
end_batch() {
	wait "$spid"; src=$?
	spid=
	took=$(awk -v a="$(sed -n 's/^sending from //p' "$tmp/send-$1.log")" \
		-v b="$(cat "$tmp/sent-$1")" 'BEGIN { printf "%.1f", b - a }')
	[ $src -eq 0 ] && ok "batch $1: all $LOAD_MESSAGES accepted (no tempfail)" ||
		{ bad "batch $1: all $LOAD_MESSAGES accepted"; grep -v '^sending from' "$tmp/send-$1.log" | head; }
}

start_batch 0 "$tmp/m/alone"
end_batch 0
alone=$took
wait_delivered "$LOAD_MESSAGES" 300 || bad "delivered within 300 s: $(delivered) of $LOAD_MESSAGES"

start_batch "$LOAD_MESSAGES" "$tmp/m/prune"
# Everything that ended before 2024-01-01 (the load's reports are later).
days=$(( ($(date +%s) - 1704067200) / 86400 ))
p0=$(date +%s.%N)
"$TLSRPT" -c "$tmp/milter.conf" db prune --older-than "$days" >"$tmp/prune.out" 2>&1
prc=$?
p1=$(date +%s.%N)
running=no
[ -s "$tmp/sent-$LOAD_MESSAGES" ] || running=yes
end_batch "$LOAD_MESSAGES"
cat "$tmp/prune.out"
expect_eq "prune exit status" "$prc" 0
expect_in "prune: exactly the old reports and their rows" "$tmp/prune.out" \
	"pruned $old reports ($((2 * old)) policies, $((10 * old)) failure details)"
awk -v a="$p0" -v b="$p1" -v n="$old" -v t0="$alone" -v t1="$took" \
    -v m="$LOAD_MESSAGES" 'BEGIN {
	printf "     pruned %d reports in %.1f s (%.0f reports/s)\n", n, b - a, n / (b - a)
	printf "     %d messages: %.1f s alone (%.0f msg/s), %.1f s beside the prune (%.0f msg/s), ratio %.2f\n",
	    m, t0, m / t0, t1, m / t1, t1 / t0 }'
[ "$running" = yes ] && ok "the prune ended while mail still flowed" ||
	echo "     (the prune outlasted the batch)"
wait_delivered "$((2 * LOAD_MESSAGES))" 300 ||
	bad "delivered within 300 s: $(delivered) of $((2 * LOAD_MESSAGES))"

check_batch "" --manifest "$tmp/m/alone" "$tmp/m/prune" --db "$db"
expect_eq "newer generated reports kept" \
	"$(sqlite3 "$db" "SELECT count(*) FROM reports WHERE report_id LIKE 'fill-%'")" "$KEEP"
expect_eq "no orphan policy or failure detail" \
	"$(sqlite3 "$db" "SELECT (SELECT count(*) FROM policies WHERE report_fk NOT IN
		(SELECT id FROM reports)) + (SELECT count(*) FROM failure_details WHERE
		policy_fk NOT IN (SELECT id FROM policies))")" 0
expect_eq "their dedup keys kept" "$(sqlite3 "$db" "SELECT count(*) FROM pruned_reports")" "$old"
[ "$(sqlite3 "$db" 'PRAGMA integrity_check')" = ok ] && ok "database intact" || bad "database intact"
n=$(grep -c 'store unavailable\|report spooled' "$tmp/milter.log")
[ "$n" -eq 0 ] && [ "$(spooled)" -eq 0 ] && ok "nothing spooled, no store error logged" ||
	{ bad "nothing spooled: $n lines logged, $(spooled) files"; grep 'store\|spool' "$tmp/milter.log" | head -5; }
milter_stop_check
load_finish
