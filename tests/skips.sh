#!/bin/sh
# skips.sh - every skip of a test run, as lines "TEST|PART|REASON" (PART
# is "-" when the whole test skipped), and the check of those lines against
# the allow-list tests/expected-skips.  quickstart counts with it; so can
# anyone after a make check.
#
#   skips.sh trs LOG...          from automake's test logs (make check): a
#                                test whose .trs says SKIP, and every
#                                "SKIP-PART: NAME: PART: REASON" line
#                                (testlib.sh's tl_skip_part) of any log
#   skips.sh vg OUT MILTER-LOG   from make check-valgrind's output OUT (its
#                                "SKIP: valgrind TEST (REASON)" lines) and
#                                the daemon run's log (its SKIP-PART lines)
#   skips.sh check ALLOW FILE [CONDITION...]
#                                FILE holds "PHASE|TEST|PART|REASON" lines;
#                                print each as "expected" or "UNEXPECTED";
#                                exit 1 if one is not allowed by ALLOW for
#                                its phase under the CONDITIONs that hold
#
# ALLOW's lines are "PHASE | TEST | PART | WHEN | WHY": PHASE a phase name
# or *, PART "-" for the whole test, WHEN "always" or a condition the
# caller names (quickstart: no-corpus); # starts a comment.
set -u

# part_lines TEST LOG: the log's SKIP-PART lines as TEST|PART|REASON.
part_lines() {
	sed -n 's/^SKIP-PART: [^:]*: \([^:]*\): \(.*\)$/\1|\2/p' "$2" |
		while IFS= read -r l; do printf '%s|%s\n' "$1" "$l"; done
}

# whole_reason LOG: the reason a test gave for skipping ("NAME: SKIP: R").
whole_reason() {
	r=$(sed -n 's/^.*: SKIP: //p' "$1" | head -n 1)
	echo "${r:-no reason given}" | tr '|' '/'
}

case ${1:-} in
trs)
	shift
	for log in "$@"; do
		[ -f "$log" ] || continue
		t=${log%.log}
		if grep -q '^:test-result: SKIP' "$t.trs" 2>/dev/null; then
			printf '%s|-|%s\n' "$t" "$(whole_reason "$log")"
		fi
		part_lines "$t" "$log"
	done
	;;
vg)
	sed -n 's/^SKIP: valgrind \([^ ]*\) (\(.*\))$/\1|-|\2/p' "$2" |
		sed 's/|-|.*: SKIP: /|-|/'
	[ -f "$3" ] && part_lines tests/milter.sh "$3"
	;;
check)
	allow=$2 file=$3; shift 3
	awk -F'|' -v conds=" always $* " '
	function trim(s) { gsub(/^[ \t]+|[ \t]+$/, "", s); return s }
	NR == FNR {	# the allow-list
		sub(/#.*/, "")
		if (NF < 5) next
		n++; ph[n] = trim($1); te[n] = trim($2); pa[n] = trim($3); wh[n] = trim($4)
		next
	}
	{
		hit = 0
		for (i = 1; i <= n; i++)
			if ((ph[i] == "*" || ph[i] == $1) && te[i] == $2 && pa[i] == $3 &&
			    index(conds, " " wh[i] " ")) { hit = 1; break }
		where = $3 == "-" ? $2 : $2 ": " $3
		printf "%s %s: %s: %s\n", hit ? "expected  " : "UNEXPECTED", $1, where, $4
		if (!hit) bad = 1
	}
	END { exit bad }' "$allow" "$file"
	;;
*)
	echo "usage: skips.sh trs LOG... | vg OUT MILTER-LOG | check ALLOW FILE [CONDITION...]" >&2
	exit 2
	;;
esac
