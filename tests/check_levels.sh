#!/bin/sh
# check_levels.sh - `tlsrpt report --check` at each level its options
# choose, over the fixture store report.sh uses (tests/make_report_fixtures.py):
# --warn-rate and --crit-rate against a domain's worst reporter's rate
# (example.org in February: 0.05% from google.com, no insight), and
# --silent-critical against a silent reporter (example.net in March).
# The fixture's rates all sit below the defaults (1%, 5%), so without
# these the rate branches would never run.
set -u
: "${srcdir:=.}"
: "${TLSRPT:?TLSRPT must name the tlsrpt binary}"
: "${FIXTURE_STORE:?FIXTURE_STORE must name tests/fixture_store}"
. "$srcdir/tests/testlib.sh"
tl_init check_levels
tl_tmpdir
python3 "$srcdir/tests/make_report_fixtures.py" "$tmp/reports" >/dev/null || exit 1
"$FIXTURE_STORE" "sqlite:$tmp/f.db" "$tmp"/reports/*.json >"$tmp/store.out" 2>&1 ||
	{ cat "$tmp/store.out"; exit 1; }
export SOURCE_DATE_EPOCH=1775001600 NO_COLOR=1

# level NAME WANT-EXIT WANT-TEXT DOMAIN SINCE UNTIL [OPTION...]
level() {
	name=$1 want=$2 text=$3 dom=$4 since=$5 until=$6; shift 6
	expect_rc "$name: exit $want" "$want" "$TLSRPT" --db "sqlite:$tmp/f.db" report \
		--domain "$dom" --since "$since" --until "$until" --check "$@"
	expect_in "$name: says so" "$tmp/out" "$text"
}
FEB="2026-02-01 2026-02-28" MAR="2026-03-01 2026-03-31"
# shellcheck disable=SC2086
level "rate below both defaults" 0 "TLSRPT OK - " example.org $FEB
level "rate at --warn-rate" 1 "TLSRPT WARNING - example.org failure rate 0.05% (google.com) |" \
	example.org $FEB --warn-rate 0.0001 --crit-rate 0.01
level "rate at --crit-rate" 2 "TLSRPT CRITICAL - example.org failure rate 0.05% (google.com) |" \
	example.org $FEB --warn-rate 0.0001 --crit-rate 0.0002
level "rate below a raised --warn-rate" 0 "TLSRPT OK - " \
	example.org $FEB --warn-rate 0.001 --crit-rate 0.002
level "a silent reporter: WARNING" 1 "TLSRPT WARNING - 1 silent reporter |" example.net $MAR
level "a silent reporter, --silent-critical: CRITICAL" 2 \
	"TLSRPT CRITICAL - 1 silent reporter |" example.net $MAR --silent-critical
level "--silent-critical without a silent reporter: OK" 0 "TLSRPT OK - " \
	example.org $MAR --silent-critical
tl_finish
