#!/bin/sh
# hidden_tool.sh - a tool a test needs, hidden from PATH, fails the run:
# quickstart's skip check (tests/skips.sh against tests/expected-skips)
# finds a whole test skipped (manpage.sh without groff) and the skipped
# parts of a test that passes (manpages.sh without man), calls each
# unexpected and fails; with the tool back, or the skip on the list, it
# passes.  Runs in the build directory, as make check does.
set -u
srcdir=$(cd "${srcdir:-.}" && pwd)
. "$srcdir/tests/testlib.sh"
tl_init hidden_tool
tl_need_tools groff man
tl_tmpdir
skips() { sh "$srcdir/tests/skips.sh" "$@"; }

# hide TOOL: print a PATH, one new directory of links to every program on
# PATH except TOOL.
hide() {
	tl_d=$tmp/bin.$1
	mkdir "$tl_d"
	tl_ifs=$IFS IFS=:
	for tl_dir in $PATH; do
		for tl_f in "$tl_dir"/*; do
			tl_b=${tl_f##*/}
			[ "$tl_b" = "$1" ] || [ -e "$tl_d/$tl_b" ] || ln -s "$tl_f" "$tl_d/$tl_b"
		done
	done
	IFS=$tl_ifs
	echo "$tl_d"
}

# run DIR TEST PATH: TEST under PATH as make check runs it: its output
# in DIR/tests/TEST.log, its result in DIR/tests/TEST.trs.
run() {
	mkdir -p "$1/tests"
	PATH=$3 "$srcdir/tests/$2" >"$1/tests/$2.log" 2>&1
	case $? in 0) r=PASS ;; 77) r=SKIP ;; *) r=FAIL ;; esac
	echo ":test-result: $r" >"$1/tests/$2.trs"
}

# tally DIR PHASE: DIR's skips as quickstart keeps them, in DIR/skips.txt.
tally() {
	(cd "$1" && skips trs tests/*.log) | sed "s/^/$2|/" >"$1/skips.txt"
}

# --- a whole test skipped: manpage.sh without groff ------------------------
run "$tmp/a" manpage.sh "$(hide groff)"
expect_in "without groff, manpage.sh skips" "$tmp/a/tests/manpage.sh.trs" ":test-result: SKIP"
tally "$tmp/a" check
expect_eq "the skip is counted" "$(cat "$tmp/a/skips.txt")" "check|tests/manpage.sh|-|groff not found"
expect_rc "an unexpected whole-test skip fails the check" 1 \
	skips check "$srcdir/tests/expected-skips" "$tmp/a/skips.txt"
expect_in "... and is named" "$tmp/out" "UNEXPECTED check: tests/manpage.sh: groff not found"
printf '* | tests/manpage.sh | - | always | why\n' >"$tmp/allow"
expect_rc "an allow-listed skip passes" 0 skips check "$tmp/allow" "$tmp/a/skips.txt"
printf 'asan | tests/manpage.sh | - | always | why\n' >"$tmp/allow"
expect_rc "allowed in another phase only: fails" 1 skips check "$tmp/allow" "$tmp/a/skips.txt"
printf '* | tests/manpage.sh | - | no-corpus | why\n' >"$tmp/allow"
expect_rc "allowed under a condition that does not hold: fails" 1 \
	skips check "$tmp/allow" "$tmp/a/skips.txt"
expect_rc "allowed under a condition that holds: passes" 0 \
	skips check "$tmp/allow" "$tmp/a/skips.txt" no-corpus

# --- parts of a passing test skipped: manpages.sh without man --------------
run "$tmp/b" manpages.sh "$(hide man)"
expect_in "without man, manpages.sh still passes" "$tmp/b/tests/manpages.sh.trs" ":test-result: PASS"
tally "$tmp/b" check
n=$(grep -c '^check|tests/manpages.sh|man -l doc/[^|]*|no man(1)$' "$tmp/b/skips.txt")
[ "$n" -ge 2 ] && ok "each page's skipped man -l is counted ($n)" ||
	{ bad "skipped parts counted: $n"; cat "$tmp/b/skips.txt"; }
expect_rc "an unexpected skipped part fails the check" 1 \
	skips check "$srcdir/tests/expected-skips" "$tmp/b/skips.txt"
expect_in "... and is named" "$tmp/out" "UNEXPECTED check: tests/manpages.sh: man -l doc/"

# --- nothing hidden: no skip, the check passes -----------------------------
run "$tmp/c" manpages.sh "$PATH"
expect_in "with man, manpages.sh passes" "$tmp/c/tests/manpages.sh.trs" ":test-result: PASS"
tally "$tmp/c" check
expect_eq "no skip counted" "$(cat "$tmp/c/skips.txt")" ""
expect_rc "no skip: the check passes" 0 \
	skips check "$srcdir/tests/expected-skips" "$tmp/c/skips.txt"

tl_finish
