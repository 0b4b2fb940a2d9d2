#!/bin/sh
# output.sh - what `tlsrpt` writes, where report content is hostile and
# where -o points at something that is not a plain file.
#
#   -o: a device stays a device (a private mknod node, then the real
#   /dev/null), a FIFO is written in place, a link planted at the old
#   temporary name or at PATH is never written through, a failed write
#   (RLIMIT_FSIZE) leaves PATH as it was and no temporary file behind, a
#   replaced file keeps its mode; as root with UserID, PATH is opened as
#   root (a directory only root may write) while the store is read as
#   UserID, and errors name the path and the user.  --format html without
#   -o writes to standard output.
#   Hostile strings (a C1 CSI, an OSC title, =HYPERLINK, a leading TAB,
#   a bidi override) in a stored report: `tlsrpt report` text, CSV, JSON,
#   Prometheus and --check, and `tlsrpt parse`, carry no raw ESC or C1.
set -u
: "${TLSRPT:?TLSRPT must name the tlsrpt binary}"
: "${FIXTURE_STORE:?FIXTURE_STORE must name tests/fixture_store}"
. "${srcdir:-.}/tests/testlib.sh"
tl_init output
tl_tmpdir

# raw_controls FILE: exit 0 when FILE holds an ESC, another C0 control
# but TAB/LF/CR, DEL, a C1 control as UTF-8 (C2 80-9F), a raw byte
# 80-9F that is not inside a UTF-8 character, or a bidi override.
raw_controls() {
	$PY - "$1" <<'PY'
import re, sys
b = open(sys.argv[1], "rb").read()
bad = re.search(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\xaa-\xae]|\xe2\x81[\xa6-\xa9]", b)
if bad is None:
    try:
        b.decode("utf-8")
    except UnicodeDecodeError:
        bad = True
sys.exit(0 if bad else 1)
PY
}

cat >"$tmp/hostile.json" <<'JSON'
{"organization-name":"Evil\u009b31m Corp\u001b]0;pwned\u0007 \u202emoc.elgoog",
"date-range":{"start-datetime":"2026-01-10T00:00:00Z","end-datetime":"2026-01-10T23:59:59Z"},
"contact-info":"x\u009d0;y\u009c@evil.example","report-id":"hostile-1\r\nforged line",
"policies":[{"policy":{"policy-type":"sts","policy-domain":"example.net",
"policy-string":["version: STSv1","mode: enforce","mx: mx1.example.net","max_age: 86400"],
"mx-host":["mx1.example.net"]},"summary":{"total-successful-session-count":10,
"total-failure-session-count":6},"failure-details":[
{"result-type":"=HYPERLINK(\"http://evil.example/\",\"click\")","failed-session-count":2,
 "receiving-mx-hostname":"mx1\u001b[2J.example.net",
 "failure-reason-code":"\u009b31m=HYPERLINK(\"http://evil.example/\")"},
{"result-type":"\tstarts-with-tab","failed-session-count":2,
 "failure-reason-code":"\u001b]0;x\u0007"},
{"result-type":"certificate-expired","failed-session-count":2,
 "failure-reason-code":"\tTAB first"}]}]}
JSON
db=sqlite:$tmp/hostile.db
"$FIXTURE_STORE" "$db" "$tmp/hostile.json" >"$tmp/store.out" 2>&1 &&
	ok "hostile report stored" || { bad "hostile report stored"; cat "$tmp/store.out"; }
Q="--since 2026-01-01 --until 2026-01-31"

for f in text csv json prometheus; do
	"$TLSRPT" --db "$db" report $Q --format $f --color never >"$tmp/h.$f" 2>"$tmp/h.$f.err"
	expect_eq "report --format $f exits 0" "$?" 0
	if raw_controls "$tmp/h.$f"; then bad "report --format $f: no raw ESC, C1 or bidi"
	else ok "report --format $f: no raw ESC, C1 or bidi"; fi
done
expect_in "text: the C1 CSI shown escaped" "$tmp/h.text" 'Evil\u009b31m Corp\x1b]'
expect_in "text: the OSC in a reason code shown escaped" "$tmp/h.text" 'reason codes: \x1b]0;x\x07'
expect_in "csv: =HYPERLINK neutralised" "$tmp/h.csv" \
	",\"'=hyperlink(\"\"http://evil.example/\"\",\"\"click\"\")\","
expect_in "csv: a TAB-started cell neutralised" "$tmp/h.csv" ",\"'\\x09starts-with-tab\","
expect_in "json: the C1 CSI as \\u009b" "$tmp/h.json" 'Evil\u009b31m'
$PY -c 'import json,sys; json.load(open(sys.argv[1]))' "$tmp/h.json" &&
	ok "json: still valid JSON" || bad "json: still valid JSON"
$PY - "$tmp/h.json" <<'PY' && ok "json: the organization reads back unchanged" ||
import json, sys
want = "Evil\x9b31m Corp\x1b]0;pwned\x07 \u202emoc.elgoog"
def strings(v):
    if isinstance(v, str):
        yield v
    elif isinstance(v, dict):
        for k, x in v.items():
            yield k
            yield from strings(x)
    elif isinstance(v, list):
        for x in v:
            yield from strings(x)
sys.exit(0 if want in strings(json.load(open(sys.argv[1]))) else 1)
PY
	bad "json: the organization reads back unchanged"
# Prometheus: every sample is one line "name{labels} value".
if grep -v '^#' "$tmp/h.prometheus" | grep -qv '^[a-z_]*{.*} -\{0,1\}[0-9.e+]*$'; then
	bad "prometheus: every sample on one line"; grep -v '^#' "$tmp/h.prometheus" | head
else ok "prometheus: every sample on one line"; fi
"$TLSRPT" --db "$db" report $Q --check --crit-rate 0.1 >"$tmp/h.check"
[ "$(wc -l <"$tmp/h.check")" -eq 1 ] && ! raw_controls "$tmp/h.check" &&
	ok "--check: one clean line" || { bad "--check: one clean line"; cat "$tmp/h.check"; }

"$TLSRPT" parse "$tmp/hostile.json" >"$tmp/p.text" 2>&1
if raw_controls "$tmp/p.text"; then bad "parse: no raw ESC, C1 or bidi"; else ok "parse: no raw ESC, C1 or bidi"; fi
expect_in "parse: the CR LF shown escaped" "$tmp/p.text" 'hostile-1\x0d\x0aforged line'
expect_in "parse: the bidi override shown escaped" "$tmp/p.text" '\u202emoc.elgoog'
"$TLSRPT" parse --json "$tmp/hostile.json" >"$tmp/p.json" 2>&1
if raw_controls "$tmp/p.json"; then bad "parse --json: no raw C1 or bidi"; else ok "parse --json: no raw C1 or bidi"; fi
"$TLSRPT" explain "$(printf 'x\033[2Jy')" >"$tmp/e.text" 2>&1
if raw_controls "$tmp/e.text"; then bad "explain: the name asked for is escaped"
else ok "explain: the name asked for is escaped"; fi

# A fix's command is pasted into a shell: names from reports that are not
# plain DNS names stay out of it.
cat >"$tmp/shell.json" <<'JSON'
{"organization-name":"Shell Corp","contact-info":"x@shell.example","report-id":"shell-1",
"date-range":{"start-datetime":"2026-01-10T00:00:00Z","end-datetime":"2026-01-10T23:59:59Z"},
"policies":[{"policy":{"policy-type":"sts","policy-domain":"x$(reboot).example",
"policy-string":["version: STSv1","mode: enforce","mx: mx.x.example","max_age: 86400"],
"mx-host":["mx.x.example"]},"summary":{"total-successful-session-count":10,
"total-failure-session-count":40},"failure-details":[
{"result-type":"certificate-expired","failed-session-count":20,
 "receiving-mx-hostname":"mx.x.example;reboot"},
{"result-type":"sts-policy-fetch-error","failed-session-count":20}]}]}
JSON
"$FIXTURE_STORE" "sqlite:$tmp/shell.db" "$tmp/shell.json" >/dev/null 2>&1
"$TLSRPT" --db "sqlite:$tmp/shell.db" report $Q --format json >"$tmp/shell.out" 2>&1
$PY - "$tmp/shell.out" <<'PY' && ok "fix commands: hostile names replaced by MXHOST, DOMAIN" ||
import json, sys
fixes = [i.get("fix", "") for i in json.load(open(sys.argv[1]))["insights"]]
cmds = [f for f in fixes if "-connect" in f or "curl" in f]
assert any("-connect MXHOST:25" in f for f in cmds), fixes
assert any("https://mta-sts.DOMAIN/" in f for f in cmds), fixes
for f in cmds:
    for bad in ("-connect mx.x.example;reboot", "curl -v https://mta-sts.x$(reboot)"):
        assert bad not in f, f
PY
	{ bad "fix commands: hostile names replaced by MXHOST, DOMAIN"; head -c 3000 "$tmp/shell.out"; }

# --- -o ---------------------------------------------------------------
good=sqlite:$tmp/good.db
"$FIXTURE_STORE" "$good" "$srcdir/tests/fixtures/json-details-empty.json" >/dev/null 2>&1 ||
	"$FIXTURE_STORE" "$good" "$tmp/hostile.json" >/dev/null 2>&1
out() { "$TLSRPT" --db "$good" report --since 2000-01-01 --until 2030-12-31 --format json "$@"; }

# A planted link at the name the old code used (PATH.tmp) and at PATH.
mkdir "$tmp/d"
echo victim >"$tmp/victim"
ln -s "$tmp/victim" "$tmp/d/r.json.tmp"
out -o "$tmp/d/r.json" 2>"$tmp/err" && [ -f "$tmp/d/r.json" ] && [ ! -L "$tmp/d/r.json" ] &&
	ok "-o: written beside a planted PATH.tmp link" || { bad "-o: written beside a planted PATH.tmp link"; cat "$tmp/err"; }
expect_eq "-o: the PATH.tmp link's target untouched" "$(cat "$tmp/victim")" victim
[ -L "$tmp/d/r.json.tmp" ] && ok "-o: the planted link left alone" || bad "-o: the planted link left alone"
expect_eq "-o: no temporary file left" "$(ls -A "$tmp/d" | grep -c tlsrpt)" 0
# A link at PATH owned by someone else is replaced, its target never opened.
if [ "$(id -u)" -eq 0 ] && id nobody >/dev/null 2>&1; then
	ln -s "$tmp/victim" "$tmp/d/l.json" && chown -h nobody "$tmp/d/l.json"
	out -o "$tmp/d/l.json" 2>"$tmp/err"
	[ -f "$tmp/d/l.json" ] && [ ! -L "$tmp/d/l.json" ] && [ "$(cat "$tmp/victim")" = victim ] &&
		ok "-o: another user's link at PATH replaced, its target untouched" ||
		{ bad "-o: another user's link at PATH replaced, its target untouched"; cat "$tmp/err"; }
fi

# A replaced file keeps its mode; a new one gets 0666 less the umask.
echo old >"$tmp/d/m.json" && chmod 640 "$tmp/d/m.json"
out -o "$tmp/d/m.json"
expect_eq "-o: a replaced file keeps its mode" "$(stat -c %a "$tmp/d/m.json")" 640
(umask 022; out -o "$tmp/d/n.json")
expect_eq "-o: a new file is 0644 under umask 022" "$(stat -c %a "$tmp/d/n.json")" 644

# A failed write (root: a full 8 KiB tmpfs; the HTML page is bigger):
# PATH must stay as it was and no temporary file remain.
if [ "$(id -u)" -eq 0 ] && mkdir "$tmp/full" && mount -t tmpfs -o size=8k tmpfs "$tmp/full" 2>/dev/null; then
	echo "the old report" >"$tmp/full/f.html"
	dd if=/dev/zero of="$tmp/full/filler" bs=1k count=64 2>/dev/null
	"$TLSRPT" --db "$good" report --since 2000-01-01 --until 2030-12-31 --format html \
		-o "$tmp/full/f.html" >/dev/null 2>"$tmp/err"
	rc=$?
	[ "$rc" -ne 0 ] && ok "-o: a failed write exits non-zero" ||
		bad "-o: a failed write exits non-zero ($rc)"
	expect_eq "-o: a failed write leaves PATH as it was" "$(cat "$tmp/full/f.html")" "the old report"
	expect_eq "-o: a failed write leaves no temporary file" \
		"$(ls -A "$tmp/full" | grep -c tlsrpt)" 0
	expect_in "-o: a failed write says why" "$tmp/err" "No space left on device"
	# A report smaller than stdio's buffer: nothing fails until the last
	# flush, at commit; PATH must still be the old report.
	"$TLSRPT" --db "sqlite:$tmp/small.db" report --since 2000-01-01 --until 2000-01-02 \
		-o "$tmp/full/f.html" >/dev/null 2>"$tmp/err"
	rc=$?
	[ "$rc" -ne 0 ] && ok "-o: a write failing at the last flush exits non-zero" ||
		bad "-o: a write failing at the last flush exits non-zero ($rc)"
	expect_eq "-o: a write failing at the last flush leaves PATH as it was" \
		"$(cat "$tmp/full/f.html")" "the old report"
	umount "$tmp/full"
else
	tl_skip_part "full file system" "needs root and a tmpfs mount"
fi

# A FIFO is written in place: its reader gets the report, it stays a FIFO.
# (A FIFO replaced by a file would leave the reader waiting: timeout.)
mkfifo "$tmp/fifo"
timeout 20 cat "$tmp/fifo" >"$tmp/fifo.out" &
reader=$!
timeout 20 "$TLSRPT" --db "$good" report --since 2000-01-01 --until 2030-12-31 \
	--format json -o "$tmp/fifo" 2>"$tmp/err"
rc=$?
wait $reader
expect_eq "-o FIFO exits 0" "$rc" 0
[ -p "$tmp/fifo" ] && ok "-o FIFO: still a FIFO" || bad "-o FIFO: still a FIFO"
$PY -c 'import json,sys; json.load(open(sys.argv[1]))' "$tmp/fifo.out" 2>/dev/null &&
	ok "-o FIFO: the reader got the whole report" || bad "-o FIFO: the reader got the whole report"

# Devices and /dev links: first private copies (a null device made with
# mknod, a link of our own to /proc/self/fd/1), and only when those held,
# the real /dev/null, /dev/full and /dev/stdout, which a rename over them
# would break for every program on the machine.
real_dev=0
if [ "$(id -u)" -eq 0 ] && mknod "$tmp/null" c 1 3 2>/dev/null; then
	out -o "$tmp/null" 2>"$tmp/err"
	expect_eq "-o device: exits 0" "$?" 0
	if [ -c "$tmp/null" ]; then
		ok "-o device: a private null device is still a character device"
		real_dev=1
	else
		bad "-o device: a private null device is still a character device"
	fi
	expect_eq "-o device: nothing else made in its directory" \
		"$(ls -A "$tmp" | grep -c '^\.tlsrpt')" 0
else
	tl_skip_part "private device" "needs root and mknod"
fi
ln -s /proc/self/fd/1 "$tmp/stdout"
out -o "$tmp/stdout" 2>"$tmp/err" | $PY -c 'import json,sys; json.load(sys.stdin)' 2>/dev/null &&
	[ -L "$tmp/stdout" ] && ok "-o a link of ours to fd 1: written to the pipe, still a link" ||
	{ bad "-o a link of ours to fd 1: written to the pipe, still a link"; cat "$tmp/err"; real_dev=0; }
if [ "$real_dev" -eq 1 ]; then
	out -o /dev/null 2>"$tmp/err"
	expect_eq "-o /dev/null: exits 0" "$?" 0
	[ -c /dev/null ] && ok "-o /dev/null: still a character device" ||
		bad "-o /dev/null: still a character device"
	out -o /dev/stdout 2>"$tmp/err" | $PY -c 'import json,sys; json.load(sys.stdin)' 2>/dev/null &&
		ok "-o /dev/stdout: written to the pipe" ||
		{ bad "-o /dev/stdout: written to the pipe"; cat "$tmp/err"; }
	[ -L /dev/stdout ] && ok "-o /dev/stdout: still a link" || bad "-o /dev/stdout: still a link"
	if [ -c /dev/full ]; then
		out -o /dev/full 2>"$tmp/err"
		[ $? -ne 0 ] && [ -c /dev/full ] && ok "-o /dev/full: fails, stays a device" ||
			bad "-o /dev/full: fails, stays a device"
		expect_in "-o /dev/full: says why" "$tmp/err" "No space left on device"
	fi
fi

mkdir "$tmp/dir"
out -o "$tmp/dir" 2>"$tmp/err"
[ $? -ne 0 ] && [ -d "$tmp/dir" ] && ok "-o DIRECTORY: refused" || bad "-o DIRECTORY: refused"

# HTML goes to standard output when no -o names a file.
"$TLSRPT" --db "$good" report --since 2000-01-01 --until 2030-12-31 --format html \
	>"$tmp/stdout.html" 2>"$tmp/err"
expect_eq "--format html without -o: exits 0" "$?" 0
grep -q '^<!DOCTYPE html>' "$tmp/stdout.html" && grep -q '</html>' "$tmp/stdout.html" &&
	ok "--format html without -o: the page on standard output" ||
	{ bad "--format html without -o: the page on standard output"; cat "$tmp/err"; }

# -o is the caller's: root with UserID nobody writes into a directory
# only root may write, while the store is read as nobody (a store only
# root may read then fails the report: root itself would have read it).
if [ "$(id -u)" -eq 0 ] && id nobody >/dev/null 2>&1; then
	chmod 755 "$tmp"
	mkdir -m 755 "$tmp/u" && mkdir "$tmp/u/db" && chown nobody "$tmp/u/db" &&
		mkdir -m 700 "$tmp/u/rootonly" || bad "-o as root: setup"
	printf 'UserID nobody\nDatabase sqlite:%s/u/db/t.db\n' "$tmp" >"$tmp/u/c.conf"
	"$TLSRPT" -c "$tmp/u/c.conf" db migrate >/dev/null 2>"$tmp/err" ||
		{ bad "-o as root: setup: db migrate"; cat "$tmp/err"; }
	"$TLSRPT" -c "$tmp/u/c.conf" report --format html -o "$tmp/u/rootonly/x.html" 2>"$tmp/err"
	expect_eq "-o as root, UserID nobody: exits 0" "$?" 0
	grep -q '</html>' "$tmp/u/rootonly/x.html" 2>/dev/null &&
		[ "$(stat -c %U "$tmp/u/rootonly/x.html")" = root ] &&
		ok "-o as root: written into a directory only root may write" ||
		{ bad "-o as root: written into a directory only root may write"; cat "$tmp/err"; }
	chown root "$tmp/u/db/t.db" && chmod 600 "$tmp/u/db/t.db"
	"$TLSRPT" -c "$tmp/u/c.conf" report --format html -o "$tmp/u/rootonly/z.html" \
		>/dev/null 2>"$tmp/err"
	[ $? -ne 0 ] && [ ! -e "$tmp/u/rootonly/z.html" ] &&
		ok "-o as root: the store read as UserID (one only root may read fails)" ||
		{ bad "-o as root: the store read as UserID (one only root may read fails)"; cat "$tmp/err"; }
	expect_eq "-o as root: no temporary file left" "$(ls -A "$tmp/u/rootonly" | grep -c tlsrpt)" 0
	# A child that fails (an unknown UserID's store) leaves PATH as it was.
	echo "the old page" >"$tmp/u/rootonly/x.html"
	"$TLSRPT" -c "$tmp/u/c.conf" --db "sqlite:$tmp/u/nodir/t.db" report --format html \
		-o "$tmp/u/rootonly/x.html" >/dev/null 2>"$tmp/err"
	[ $? -ne 0 ] && [ "$(cat "$tmp/u/rootonly/x.html")" = "the old page" ] &&
		[ "$(ls -A "$tmp/u/rootonly" | grep -c tlsrpt)" = 0 ] &&
		ok "-o as root: a store that cannot be read leaves PATH as it was" ||
		{ bad "-o as root: a store that cannot be read leaves PATH as it was"; cat "$tmp/err"; }
	# Not writable by the caller: the message names the path and the user.
	runuser -u nobody -- "$TLSRPT" -c "$tmp/u/c.conf" report -o "$tmp/u/rootonly/y.txt" \
		>/dev/null 2>"$tmp/err"
	expect_eq "-o as nobody into root's directory: exits 1" "$?" 1
	expect_in "-o: the error names the path and the user" "$tmp/err" \
		"cannot write $tmp/u/rootonly/y.txt as user nobody: Permission denied"
fi

tl_finish
