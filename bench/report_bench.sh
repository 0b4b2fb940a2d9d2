#!/bin/sh
# report_bench.sh - `tlsrpt report` of two builds over one store, as ratios.
#
#   bench/report_bench.sh [-r ROUNDS] [-y ROUNDS] [-i SECONDS] [-c] BASELINE CANDIDATE DB
#
# BASELINE and CANDIDATE are two tlsrpt binaries (say, main's and a
# branch's), DB a store URI (sqlite:PATH or a postgresql:// URI), such as
# the one bench/store_bench fills.  For the store's last 30 days and its
# year (the dates of store_bench's data: 2023; -s SINCE -u UNTIL -S YEAR0
# for others), text and JSON, the two binaries run in turn, ROUNDS times
# (5 for 30 days, -y 3 for the year), each timed with /usr/bin/time; the
# table gives the medians and the ratio candidate / baseline of the
# elapsed medians.  Each pair's output is compared, "generated" masked: a
# candidate that prints another report is named, not timed as faster.
# With -c, each binary also runs the 30-day text report once under
# valgrind's cachegrind: instruction counts do not drift with the load of
# the machine, as elapsed times on a shared one do.  With -i, the machine
# idles SECONDS before each run, as between an admin's reports: on a
# virtual machine that hands freed memory back to its host, memory a run
# first touches costs more then than right after another run freed it
# (doc/facts.md).
#
# Exit status: 0, 1 when an output differs, 2 on a usage or setup error.
set -eu

rounds=5 yrounds=3 cg=0 idle=0
since=2023-12-02 until=2023-12-31 year0=2023-01-01
while getopts r:y:ci:s:u:S: o; do
	case $o in
	r) rounds=$OPTARG ;; y) yrounds=$OPTARG ;; c) cg=1 ;; i) idle=$OPTARG ;;
	s) since=$OPTARG ;; u) until=$OPTARG ;; S) year0=$OPTARG ;;
	*) sed -n '2,21p' "$0" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 3 ] || { sed -n '2,21p' "$0" >&2; exit 2; }
case $idle in
*[!0-9]* | "") echo "report_bench: -i takes whole seconds" >&2; exit 2 ;;
esac
base=$1 cand=$2 db=$3
for b in "$base" "$cand"; do
	[ -x "$b" ] || { echo "report_bench: $b: not an executable" >&2; exit 2; }
done
[ -x /usr/bin/time ] || { echo "report_bench: /usr/bin/time is missing (apt-get install time)" >&2; exit 2; }
command -v python3 >/dev/null || { echo "report_bench: python3 is missing" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
differs=0

# mask FILE: the report without its generation time.
mask() {
	sed 's/"generated": *"[^"]*"/"generated": X/; s/^Generated .*//' "$1"
}

# run LABEL ROUNDS ARGS...: both binaries in turn; the times into $tmp/LABEL.
run() {
	label=$1 n=$2
	shift 2
	: >"$tmp/$label.times"
	i=0
	while [ "$i" -lt "$n" ]; do
		for which in base cand; do
			eval bin=\$$which
			[ "$idle" = 0 ] || sleep "$idle"
			/usr/bin/time -f "$which %e %U %M" -a -o "$tmp/$label.times" \
			    "$bin" --db "$db" report "$@" >"$tmp/$label.$which.out" 2>"$tmp/err" || {
				echo "report_bench: $bin failed:" >&2
				cat "$tmp/err" >&2
				exit 2
			}
		done
		i=$((i + 1))
	done
	mask "$tmp/$label.base.out" >"$tmp/$label.mask"
	if mask "$tmp/$label.cand.out" | cmp -s - "$tmp/$label.mask"; then
		echo same >"$tmp/$label.same"
	else
		echo DIFFERS >"$tmp/$label.same"
		differs=1
	fi
}

if [ "$idle" = 0 ]; then pause=; else pause=", ${idle} s idle before each run"; fi
echo "tlsrpt report, $db: baseline $base, candidate $cand$pause"
run 30d-text "$rounds" --since "$since" --until "$until"
run 30d-json "$rounds" --since "$since" --until "$until" --format json
run year-text "$yrounds" --since "$year0" --until "$until"
run year-json "$yrounds" --since "$year0" --until "$until" --format json

python3 - "$tmp" <<'PY'
import os, statistics, sys
tmp = sys.argv[1]
print("| report | baseline | candidate | candidate / baseline | output |")
print("|--------|----------|-----------|----------------------|--------|")
rounds = []
for label in ("30d-text", "30d-json", "year-text", "year-json"):
    rows = {"base": [], "cand": []}
    for line in open(os.path.join(tmp, label + ".times")):
        p = line.split()
        if len(p) == 4 and p[0] in rows:
            rows[p[0]].append((float(p[1]), float(p[2]), int(p[3])))
    cell = {}
    for k, v in rows.items():
        e = statistics.median(x[0] for x in v)
        u = statistics.median(x[1] for x in v)
        m = max(x[2] for x in v) * 1024 / 1e6
        cell[k] = (e, "%.2f s, %.2f s CPU, %.0f MB" % (e, u, m))
    same = open(os.path.join(tmp, label + ".same")).read().strip()
    print("| %s | %s | %s | %.2f | %s |" % (label, cell["base"][1], cell["cand"][1],
          cell["cand"][0] / cell["base"][0] if cell["base"][0] > 0 else 0, same))
    rounds.append("%s elapsed, each round: baseline %s; candidate %s" % (label,
        ", ".join("%.2f" % x[0] for x in rows["base"]),
        ", ".join("%.2f" % x[0] for x in rows["cand"])))
print()
print("\n".join(rounds))
PY

if [ "$cg" = 1 ]; then
	command -v valgrind >/dev/null || { echo "report_bench: -c needs valgrind" >&2; exit 2; }
	for which in base cand; do
		eval bin=\$$which
		valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
		    "$bin" --db "$db" report --since "$since" --until "$until" \
		    >/dev/null 2>"$tmp/cg.$which" || true
		sed -n 's/.*I *refs: *//p' "$tmp/cg.$which" | tr -d , >"$tmp/ir.$which"
	done
	python3 - "$tmp" <<'PY'
import os, sys
tmp = sys.argv[1]
ir = {k: int(open(os.path.join(tmp, "ir." + k)).read() or 0) for k in ("base", "cand")}
print("30d-text instructions (cachegrind): baseline %d, candidate %d, candidate / baseline %.2f"
      % (ir["base"], ir["cand"], ir["cand"] / ir["base"] if ir["base"] else 0))
PY
fi
[ "$differs" = 0 ] || echo "report_bench: an output differs between the two builds" >&2
exit "$differs"
