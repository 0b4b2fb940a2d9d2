#!/bin/sh
# mutants.sh - make mutants: each mutant in tests/mutants/ breaks one
# promise of the product in a scratch copy of the tree; the test it names
# must then fail.  A mutant survives when its test still passes; it is
# stale when its sed expression no longer changes its file, broken when
# the mutated tree does not build.  Any of the three fails the run.
#
#   mutants.sh SRCDIR [MUTANT...]     (default: every tests/mutants/*.mutant)
#
# A mutant file has three lines besides # comments, which say what it
# breaks:
#   file: src/filter/verdict.c        the file changed, from the top
#   sed: s/>= 1/> 1/                  one sed expression, applied to it
#   test: tests/test_verdict          the tests (as in TESTS) that must fail
#
# The tree is copied (without .git and _build*) and built under
# $MUTANTS_DIR (default: a new directory in $TMPDIR, removed at the end;
# a kept one is only brought up to date next time); each mutant then
# costs an incremental build and its tests.
set -u
src=$(cd "${1:?usage: mutants.sh SRCDIR [MUTANT...]}" && pwd); shift
[ $# -gt 0 ] || set -- "$src"/tests/mutants/*.mutant
work=${MUTANTS_DIR:-}
if [ -z "$work" ]; then
	work=$(mktemp -d "${TMPDIR:-/tmp}/mutants.XXXXXX") || exit 1
	trap 'rm -rf "$work"' EXIT
	trap 'exit 1' HUP INT TERM
fi
tree=$work/tree
jobs=${MUTANTS_JOBS:-2}

say() { printf '%s\n' "$*"; }

# field MUTANT NAME: the value of "NAME: value" in the mutant file.
field() { sed -n "s/^$2: *//p" "$1" | head -n 1; }

# The tree, copied over what an earlier run in MUTANTS_DIR left (times
# kept: only what changed since is rebuilt), and built.
say "mutants: copying and building the tree in $work"
mkdir -p "$tree" || exit 1
(cd "$src" && tar --exclude=./.git --exclude='./_build*' -cf - .) | (cd "$tree" && tar -xf -) ||
	exit 1
(cd "$tree" && { [ -x configure ] || autoreconf -fi >/dev/null 2>&1; } &&
    mkdir -p _b && cd _b && { [ -f Makefile ] || ../configure -q >/dev/null; } &&
    make -s -j"$jobs" >/dev/null 2>&1 && make -s -j"$jobs" check TESTS= >/dev/null 2>&1) ||
	{ say "mutants: the unmutated tree does not build"; exit 1; }

killed=0 survived=0 stale=0 broken=0 total=0
for m in "$@"; do
	name=$(basename "$m" .mutant)
	file=$(field "$m" file) expr=$(field "$m" sed) tests=$(field "$m" test)
	total=$((total + 1))
	if [ -z "$file" ] || [ -z "$expr" ] || [ -z "$tests" ] || [ ! -f "$tree/$file" ]; then
		say "STALE    $name: needs file:, sed: and test: lines and an existing file"
		stale=$((stale + 1)); continue
	fi
	cp "$tree/$file" "$work/orig"
	if ! sed -e "$expr" "$work/orig" >"$tree/$file" || cmp -s "$work/orig" "$tree/$file"; then
		say "STALE    $name: '$expr' no longer changes $file"
		stale=$((stale + 1)); cp "$work/orig" "$tree/$file"; continue
	fi
	if ! make -C "$tree/_b" -s -j"$jobs" >"$work/$name.build" 2>&1 ||
	   ! make -C "$tree/_b" -s -j"$jobs" check TESTS= >>"$work/$name.build" 2>&1; then
		say "BROKEN   $name: the mutated tree does not build"; sed 's/^/    /' "$work/$name.build" | tail -n 5
		broken=$((broken + 1))
	elif make -C "$tree/_b" -s check TESTS="$tests" >"$work/$name.check" 2>&1; then
		say "SURVIVED $name: $tests passed with $file mutated ('$expr')"
		survived=$((survived + 1))
	else
		say "killed   $name by $tests"
		killed=$((killed + 1))
	fi
	cp "$work/orig" "$tree/$file"	# a new mtime: the next build recompiles it
done
# The tree as it was, built, for the next run in the same MUTANTS_DIR.
make -C "$tree/_b" -s -j"$jobs" >/dev/null 2>&1

say "mutants: $total mutants, $killed killed, $survived survived, $stale stale, $broken broken"
[ $((survived + stale + broken)) -eq 0 ]
