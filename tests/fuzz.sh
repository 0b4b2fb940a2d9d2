#!/bin/bash
# fuzz.sh - the fuzz targets (tests/fuzz/) as a regression test.
#
# Every target runs over its seed corpus (tests/fuzz/seeds.py, from the
# test fixtures) and its regression corpus (tests/fuzz/regress/TARGET/,
# inputs that once crashed or leaked):
#  - always through the replay driver (fuzz_TARGET_replay, no libFuzzer),
#    so the corpora run in the plain, ASan and valgrind builds too;
#  - in a build configured --with-fuzzer, also under libFuzzer for
#    FUZZ_RUNS iterations (default 20000), each run capped at FUZZ_TIME
#    seconds (default 20), with the target's dictionary.
# A crash, leak, sanitizer report or broken invariant fails the test.
# FUZZ_TARGETS limits the run to some targets.
set -u
srcdir=${srcdir:-.}
bin=${FUZZ_BIN:-$(pwd)/tests/fuzz}
runs=${FUZZ_RUNS:-20000}
secs=${FUZZ_TIME:-20}
targets=${FUZZ_TARGETS:-message inflate json config record sts}
pass=0 fail=0

command -v python3 >/dev/null || { echo "fuzz.sh: SKIP: no python3 for seeds.py"; exit 77; }
work=$(mktemp -d "${TMPDIR:-/tmp}/tlsrpt-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
python3 "$srcdir/tests/fuzz/seeds.py" "$srcdir" "$work/seeds" || exit 1

ok() { pass=$((pass + 1)); echo "ok: $*"; }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

dict_for() {
	case $1 in
	message) cat "$srcdir/tests/fuzz/mime.dict" "$srcdir/tests/fuzz/json.dict" ;;
	*) cat "$srcdir/tests/fuzz/$1.dict" ;;
	esac >"$work/$1.dict"
	echo "$work/$1.dict"
}

for t in $targets; do
	seeds=$work/seeds/$t regress=$srcdir/tests/fuzz/regress/$t
	n=$(ls "$seeds" | wc -l)
	[ "$n" -gt 0 ] || bad "$t: no seeds from the fixtures"
	if [ -x "$bin/fuzz_${t}_replay" ]; then
		if "$bin/fuzz_${t}_replay" "$seeds" "$regress" >"$work/$t.replay" 2>&1; then
			ok "$t: replay, $(tail -1 "$work/$t.replay" | sed 's/.*: //')"
		else
			bad "$t: replay"; tail -30 "$work/$t.replay"
		fi
	fi
	if [ -x "$bin/fuzz_$t" ]; then
		mkdir -p "$work/new-$t"
		# The first directory receives new inputs: a scratch one.
		if "$bin/fuzz_$t" -runs="$runs" -max_total_time="$secs" \
			-dict="$(dict_for "$t")" -max_len=65536 -timeout=10 \
			-rss_limit_mb=2048 -artifact_prefix="$work/$t-" \
			"$work/new-$t" "$seeds" "$regress" >"$work/$t.fuzz" 2>&1; then
			ok "$t: libFuzzer, $(grep -E '^#[0-9]+.*(DONE|cov:)' "$work/$t.fuzz" | tail -1)"
		else
			bad "$t: libFuzzer"; tail -40 "$work/$t.fuzz"
			ls "$work"/"$t"-* 2>/dev/null
			# Keep the crashing input where the build can show it.
			cp "$work"/"$t"-* . 2>/dev/null || true
		fi
	fi
done

[ $((pass + fail)) -gt 0 ] || { echo "fuzz.sh: SKIP: no fuzz targets built"; exit 77; }
echo "fuzz: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
