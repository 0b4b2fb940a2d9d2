#!/bin/sh
# golden.sh - `tlsrpt parse` and `tlsrpt parse --json` over the fixtures,
# compared with tests/golden/NAME.txt.ref and NAME.jsonl.ref.
#
# Each ref holds standard output, then (only when there is any) standard
# error after a "--- stderr" line, then "--- exit N".  Commands run inside
# $srcdir/tests/fixtures so sources print as relative names.
#
# GOLDEN_UPDATE=1 rewrites the refs instead of comparing: read every
# changed ref by hand before committing it.

: "${srcdir:=.}"
: "${TLSRPT:=./tlsrpt}"

# The fixtures, one per line.
FIXTURES='
mime-google.eml
mime-microsoft.eml
mime-tlsrpt-json.eml
mime-tlsrpt-bare.eml
mime-qp-json.eml
mime-gzip.eml
mime-x-gzip.eml
mime-json.eml
mime-octet-desc.eml
mime-octet-noname.eml
mime-no-close-boundary.eml
mime-forwarded.eml
mime-two-reports.eml
mime-second-corrupt.eml
mime-mbox.eml
mime-dmarc-only.eml
mime-mixed.eml
mime-gzip-members.eml
json-no-zone.json
json-fractional-seconds.json
json-offset.json
json-contact-null.json
json-contact-missing.json
json-no-ip-mx.json
json-mx-string.json
json-mx-array.json
json-mx-prefix.json
json-mx-host-pattern.json
json-additional-info-uri.json
json-ms-tlsa-string.json
json-ms-tlsa-string.json.gz
json-unknown-result-type.json
json-unknown-policy-type.json
json-sum-mismatch.json
json-end-before-start.json
json-no-policy-domain.json
json-details-omitted.json
json-details-empty.json
json-empty-strings.json
json-all-result-types.json
json-multi-policy.json
json-multi-policy.json.gz
json-gzip-members.json.gz
json-small-mta.json.gz
'

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

for f in $FIXTURES; do
	for kind in txt jsonl; do
		ref="$refdir/$f.$kind.ref"
		run "$kind" "$f" >"$tmp/got"
		if [ -n "$GOLDEN_UPDATE" ]; then
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

tl_finish
