#!/bin/sh
# html_browser.sh - the HTML report in a real browser: headless Chromium
# loads the page, the DOM it builds has the charts and tables, the console
# stays silent (no script error, no blocked load: the page has no script
# and its Content-Security-Policy forbids every fetch), screenshots at
# phone (390 px) and laptop (1280 px) width are real images with both
# chart colours in them, and at phone width the page does not scroll
# sideways (tables and charts scroll in their own boxes).
#
# The page comes from TLSRPT_HTML_CMD, a shell command run with the output
# file as $1; by default the test driver renders the fixture model:
#   TLSRPT_HTML_CMD='"$HTML_RENDER" "$TLSRPT_HTML_MODEL" "$1"'
# To test the real command, e.g.:
#   TLSRPT_HTML_CMD='"$TLSRPT" --db "$DB" report --format html --output "$1"'
# TLSRPT_HTML_CHARTS is the number of daily charts expected ("any": one or
# more; the default for a custom command; 5, the fixture's domains, else).
set -u
: "${srcdir:=.}"
# The fixture's own checks (its hostile strings, every insight kind) run
# only on the default page.
fixture=yes
[ -n "${TLSRPT_HTML_CMD:-}" ] && fixture=no
: "${TLSRPT_HTML_MODEL:=$srcdir/tests/fixtures/report-model.json}"
: "${TLSRPT_HTML_CMD:=\"\$HTML_RENDER\" \"\$TLSRPT_HTML_MODEL\" \"\$1\"}"
if [ "$fixture" = yes ]; then : "${TLSRPT_HTML_CHARTS:=5}"; else : "${TLSRPT_HTML_CHARTS:=any}"; fi
export TLSRPT_HTML_MODEL
[ "$fixture" = no ] || : "${HTML_RENDER:?HTML_RENDER must name the tests/html_render driver}"

. "$srcdir/tests/testlib.sh"
tl_init html_browser
chromium=
for c in "${CHROMIUM:-}" chromium chromium-browser; do
	if [ -n "$c" ] && command -v "$c" >/dev/null 2>&1; then chromium=$c; break; fi
done
[ -n "$chromium" ] || tl_skip "chromium is not installed (apt-get install chromium)"
tl_need_tools python3

tl_tmpdir

# browser NAME URL ARGS...: one headless run with its own profile, bounded
# in time, hermetic (every host name resolves to nothing), console on
# stderr.  Output in $tmp/NAME.out and $tmp/NAME.err.
browser() {
	name=$1 url=$2; shift 2
	rm -rf "$tmp/profile"
	timeout 90 "$chromium" --headless --no-sandbox --disable-gpu \
	    --disable-dev-shm-usage --no-first-run --no-default-browser-check \
	    --disable-extensions --disable-background-networking --disable-sync \
	    --disable-component-update --host-resolver-rules='MAP * ~NOTFOUND' \
	    --user-data-dir="$tmp/profile" --enable-logging=stderr --v=0 \
	    --hide-scrollbars "$@" "$url" >"$tmp/$name.out" 2>"$tmp/$name.err"
}

# console_lines FILE: the page's console messages Chromium logged.
console_lines() { grep -E ':CONSOLE[:(]|Uncaught' "$1"; }

# The console check must be able to fail: a page that throws is caught.
printf '<!DOCTYPE html><html><body><script>no_such_function()</script></body></html>\n' \
    >"$tmp/control.html"
browser control "file://$tmp/control.html" --dump-dom
if console_lines "$tmp/control.err" | grep -q "Uncaught"; then
	ok "control: a script error reaches the captured console"
else
	bad "control: a script error reaches the captured console"
	sed 's/^/    /' "$tmp/control.err" | tail -5
fi

page="$tmp/report.html"
if sh -c "$TLSRPT_HTML_CMD" html-cmd "$page" >"$tmp/cmd.out" 2>"$tmp/cmd.err"; then
	ok "the HTML command succeeds"
else
	bad "the HTML command succeeds"; sed 's/^/    /' "$tmp/cmd.err"
fi
if [ -s "$page" ]; then ok "the page is not empty"; else bad "the page is not empty"; fi
expect_not_in "the page has no script" "$page" "<script"
# A tag that loads something (the data is escaped, so text never has '<').
outside='<[a-z]+ [^>]*(src|srcset|action|data)=[^>]*>|<link[^>]*>|href="[^#][^"]*"|url\([^)]*\)'
if grep -qiE "$outside" "$page"; then
	bad "the page loads nothing from outside"
	grep -oiE "$outside" "$page" | head -3 | sed 's/^/    /'
else
	ok "the page loads nothing from outside"
fi

# The DOM Chromium built, at laptop width.
browser dom "file://$page" --window-size=1280,900 --dump-dom
dom="$tmp/dom.out"
daily=$(grep -o '<svg class="chart daily"' "$dom" | wc -l)
if [ "$TLSRPT_HTML_CHARTS" = any ]; then
	[ "$daily" -ge 1 ] && ok "DOM has daily charts ($daily)" || bad "DOM has daily charts (none)"
else
	[ "$daily" -eq "$TLSRPT_HTML_CHARTS" ] && ok "DOM has $daily daily charts" ||
	    bad "DOM has $TLSRPT_HTML_CHARTS daily charts ($daily)"
fi
expect_in "DOM has the result-type chart" "$dom" '<svg class="chart result-types"'
for t in domains-table failures-table mx-table mta-table reporters-table; do
	expect_in "DOM has table $t" "$dom" "<table id=\"$t\">"
done
expect_in "DOM has insights" "$dom" '<article class="insight'
expect_in "DOM has the explanations" "$dom" 'id="explanations"'
n=$(grep -o '<svg' "$dom" | wc -l); m=$(grep -o '</svg>' "$dom" | wc -l)
[ "$n" -eq "$m" ] && ok "DOM: every <svg> is closed ($n)" || bad "DOM: <svg> $n, </svg> $m"
expect_not_in "DOM has no script element" "$dom" "<script"
expect_not_in "DOM has no image element" "$dom" "<img"
if [ "$fixture" = yes ]; then
	expect_in "hostile organization shows as text" "$dom" \
	    'Evil &lt;script&gt;alert(1)&lt;/script&gt; Corp'
	expect_in "DOM has a silent reporter row" "$dom" '<tr class="silent">'
	for k in tlsa-rollover mx-certificate sts-outage failure-rate-spike \
	    inconsistent-report silent-reporter no-reports; do
		expect_in "DOM has the $k insight" "$dom" "data-kind=\"$k\""
	done
fi
if console_lines "$tmp/dom.err" >"$tmp/console.txt"; then
	bad "the console shows no message"; sed 's/^/    /' "$tmp/console.txt" | head -5
else
	ok "the console shows no message"
fi

# Screenshots.  Tall enough that the first charts are in the picture.
browser phone "file://$page" --window-size=390,5200 --screenshot="$tmp/phone.png"
browser laptop "file://$page" --window-size=1280,2600 --screenshot="$tmp/laptop.png"
for shot in phone:390:5200 laptop:1280:2600; do
	name=${shot%%:*} wh=${shot#*:}
	w=${wh%%:*} h=${wh#*:}
	if console_lines "$tmp/$name.err" >"$tmp/console.txt"; then
		bad "$name: the console shows no message"; sed 's/^/    /' "$tmp/console.txt" | head -5
	else
		ok "$name: the console shows no message"
	fi
	if python3 "$srcdir/tests/png_check.py" "$tmp/$name.png" "$w" "$h" \
	    --colour 3a78b5 --colour d95f02 >"$tmp/png.txt" 2>&1
	then
		ok "$name screenshot ${w}x${h}: $(cat "$tmp/png.txt")"
	else
		bad "$name screenshot: $(cat "$tmp/png.txt")"
	fi
done

# At phone width nothing may push the page wider than the screen.  A copy
# of the page without its CSP line gets a script that measures and covers
# the screen with one colour: green when the page fits a screen of at most
# 400 px, magenta when it is wider, blue when the screen is not phone-sized
# (headless Chromium loads at its minimum window width and resizes to the
# asked size before the screenshot, hence the resize handler).  The
# screenshot's corner pixel says which.  A control page 450 px wide must
# come out magenta, or the measurement proves nothing.
measure_js='<div id="m" style="position:fixed;left:0;top:0;right:0;bottom:0;z-index:99999"></div><script>function m() { var fits = document.documentElement.scrollWidth <= innerWidth; document.getElementById("m").style.background = innerWidth > 400 ? "#0000ff" : fits ? "#00ff00" : "#ff00ff"; } m(); addEventListener("resize", m);</script></body>'
# fits NAME HTML WANT: the measured copy of HTML is colour WANT.
fits() {
	sed -e '/Content-Security-Policy/d' -e "s|</body>|$measure_js|" "$2" >"$tmp/$1.html"
	browser "$1" "file://$tmp/$1.html" --window-size=390,844 --screenshot="$tmp/$1.png"
	python3 "$srcdir/tests/png_check.py" "$tmp/$1.png" 390 844 --pixel 5 5 "$3" \
	    >"$tmp/png.txt" 2>&1
}
printf '<!DOCTYPE html><html><head><meta name="viewport" content="width=device-width, initial-scale=1"></head><body><div style="width:450px">wide</div></body></html>\n' \
    >"$tmp/wide.html"
if fits wide-measure "$tmp/wide.html" ff00ff; then
	ok "control: a 450 px page measures as too wide"
else
	bad "control: a 450 px page measures as too wide ($(cat "$tmp/png.txt"))"
fi
if fits measure "$page" 00ff00; then
	ok "phone: the page fits 390 px, no sideways scrolling"
else
	bad "phone: the page fits 390 px ($(cat "$tmp/png.txt"); ff00ff = too wide)"
fi

tl_finish
