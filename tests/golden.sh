#!/bin/sh
# golden.sh - `tlsrpt parse` and `tlsrpt parse --json` over the fixtures,
# compared with tests/golden/NAME.txt.ref and NAME.jsonl.ref.
#
# Each ref holds standard output, then (only when there is any) standard
# error after a "--- stderr" line, then "--- exit N".  Commands run inside
# $srcdir/tests/fixtures so sources print as relative names.
#
# Every fixture tests/fixtures/{mime-*.eml,json-*.json,json-*.json.gz} has
# its two refs, and every ref its fixture: a ref without one fails.
#
# `golden.sh --update` (make golden-update, from a terminal) rewrites the
# refs instead of comparing: read every changed ref by hand before
# committing it.  make check never passes it.

: "${srcdir:=.}"
: "${TLSRPT:=./tlsrpt}"
update=
case ${1:-} in
--update) update=yes ;;
"") ;;
*) echo "usage: golden.sh [--update]" >&2; exit 2 ;;
esac

abspath() {
	case $1 in
	/*) printf '%s\n' "$1" ;;
	*) printf '%s/%s\n' "$(pwd)" "$1" ;;
	esac
}

TLSRPT=$(abspath "$TLSRPT")
fixdir=$(abspath "$srcdir/tests/fixtures")
refdir=$(abspath "$srcdir/tests/golden")

if [ ! -x "$TLSRPT" ]; then
	echo "golden: $TLSRPT is not an executable" >&2
	exit 1
fi

. "$srcdir/tests/testlib.sh"
tl_init golden
tl_tmpdir

# run KIND FILE > OUT: the ref format described at the top.
run() {
	if [ "$1" = jsonl ]; then
		(cd "$fixdir" && "$TLSRPT" parse --json "$2") \
		    >"$tmp/out" 2>"$tmp/err"
	else
		(cd "$fixdir" && "$TLSRPT" parse "$2") >"$tmp/out" 2>"$tmp/err"
	fi
	rc=$?
	cat "$tmp/out"
	if [ -s "$tmp/err" ]; then
		echo "--- stderr"
		cat "$tmp/err"
	fi
	echo "--- exit $rc"
}

# The fixtures, by name.
FIXTURES=$(cd "$fixdir" && ls -d mime-*.eml json-*.json json-*.json.gz 2>/dev/null)
[ -n "$FIXTURES" ] || { echo "golden: no fixtures in $fixdir"; exit 1; }

for f in $FIXTURES; do
	for kind in txt jsonl; do
		ref="$refdir/$f.$kind.ref"
		run "$kind" "$f" >"$tmp/got"
		if [ -n "$update" ]; then
			if [ -f "$ref" ] && cmp -s "$tmp/got" "$ref"; then
				echo "ok $f ($kind)"
			else
				cp "$tmp/got" "$ref" || exit 1
				echo "updated $f ($kind)"
			fi
			passed=$((passed + 1))
		elif [ ! -f "$ref" ]; then
			echo "FAIL $f ($kind): no $ref"
			failed=$((failed + 1))
		elif diff -u "$ref" "$tmp/got" >"$tmp/diff"; then
			echo "ok $f ($kind)"
			passed=$((passed + 1))
		else
			echo "FAIL $f ($kind)"
			sed 's/^/    /' "$tmp/diff"
			failed=$((failed + 1))
		fi
	done
done

# A ref whose fixture is gone is a check nobody runs.
for ref in "$refdir"/*.ref; do
	f=$(basename "$ref" .ref); f=${f%.txt}; f=${f%.jsonl}
	[ -f "$fixdir/$f" ] && case " $(echo $FIXTURES) " in *" $f "*) continue ;; esac
	if [ -n "$update" ]; then
		rm -f "$ref"; echo "removed $(basename "$ref")"
	else
		bad "$(basename "$ref"): an orphaned ref, no fixture tests/fixtures/$f"
	fi
done

tl_finish
