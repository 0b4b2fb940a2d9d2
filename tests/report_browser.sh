#!/bin/sh
# report_browser.sh - the browser test (tests/html_browser.sh) on what
# `tlsrpt report --format html` makes of the fixture database of
# tests/report.sh: three domains, so three charts, by day and by month.
set -u
: "${srcdir:=.}"
: "${TLSRPT:?TLSRPT must name the tlsrpt binary}"
: "${FIXTURE_STORE:?FIXTURE_STORE must name tests/fixture_store}"
. "$srcdir/tests/testlib.sh"
tl_init report_browser
tl_need_tools chromium
tl_tmpdir
python3 "$srcdir/tests/make_report_fixtures.py" "$tmp/reports" || exit 1
DB="sqlite:$tmp/fixture.db"
"$FIXTURE_STORE" "$DB" "$tmp"/reports/*.json >/dev/null || exit 1
export DB SOURCE_DATE_EPOCH=1775001600
export TLSRPT_HTML_CHARTS=3
# By day, then by month: a bar a month wide must fit its chart too.
rc=0
for grain in day month; do
	echo "# --grain $grain"
	TLSRPT_HTML_CMD='"$TLSRPT" --db "$DB" report --since 2026-01-01 --until 2026-03-31 --grain '$grain' --format html --output "$1"' \
	    sh "$srcdir/tests/html_browser.sh"
	r=$?
	[ $r -eq 0 ] || rc=$r
done
exit $rc
