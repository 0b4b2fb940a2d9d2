#!/bin/sh
# report.sh - `tlsrpt report` over a fixture database built from the
# reports tests/make_report_fixtures.py writes (three domains, six
# reporters, Jan-Mar 2026, every insight's pattern present once and a
# near miss of it once).  Each case's standard output and exit status is
# compared with tests/golden/report/CASE.ref; then properties that must
# hold whatever the golden files say (insights present or absent, exit
# codes of --check, the text width, CSV and Prometheus syntax).
#
# `report.sh --update` (make golden-update, from a terminal) rewrites the
# refs instead of comparing: read every changed ref by hand before
# committing it.  make check never passes it.  A ref no case compares fails.
# TLSRPT_TEST_STORE_URI=postgresql://... runs it against PostgreSQL, whose
# output must equal the refs byte for byte: never with --update.
set -u
update=
case ${1:-} in
--update) update=yes ;;
"") ;;
*) echo "usage: report.sh [--update]" >&2; exit 2 ;;
esac
if [ -n "$update" ] && [ -n "${TLSRPT_TEST_STORE_URI:-}" ]; then
	echo "report.sh: --update writes the SQLite refs; not with TLSRPT_TEST_STORE_URI" >&2
	exit 2
fi
: "${srcdir:=.}"
: "${TLSRPT:?TLSRPT must name the tlsrpt binary}"
: "${FIXTURE_STORE:?FIXTURE_STORE must name tests/fixture_store}"
refs="$srcdir/tests/golden/report"
. "$srcdir/tests/testlib.sh"
tl_init report
tl_tmpdir

db=${TLSRPT_TEST_STORE_URI:-sqlite:$tmp/fixture.db}
empty_db=sqlite:$tmp/empty.db
python3 "$srcdir/tests/make_report_fixtures.py" "$tmp/reports" || exit 1
# report never creates a store: the empty one is made as an admin would.
"$TLSRPT" --db "$empty_db" db migrate >/dev/null 2>&1 || { bad "db migrate"; exit 1; }
"$FIXTURE_STORE" "$db" "$tmp"/reports/*.json >"$tmp/store.out" 2>&1 ||
	{ cat "$tmp/store.out"; exit 1; }
grep -q "stored 309, duplicates 0" "$tmp/store.out" && ok "fixture: 309 reports stored" ||
	{ bad "fixture: 309 reports stored"; cat "$tmp/store.out"; }
export SOURCE_DATE_EPOCH=1775001600	# 2026-04-01T00:00:00Z: "generated" is fixed
export NO_COLOR=1

compared=	# the refs compared so far, for the orphan check at the end
# case NAME DB ARGS...: run `tlsrpt --db DB report ARGS`, compare with NAME.ref.
case_() {
	name=$1 uri=$2; shift 2
	"$TLSRPT" --db "$uri" report "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
	echo "--- exit $?" >>"$tmp/$name.out"
	compared="$compared $name"
	if [ -n "$update" ]; then
		cp "$tmp/$name.out" "$refs/$name.ref"
		ok "$name (updated)"
	elif diff -u "$refs/$name.ref" "$tmp/$name.out" >"$tmp/$name.diff"; then
		ok "$name"
	else
		bad "$name"; head -40 "$tmp/$name.diff"; cat "$tmp/$name.err"
	fi
}

Q1="--since 2026-01-01 --until 2026-03-31"
case_ all-text "$db" $Q1
case_ all-json "$db" $Q1 --format json
case_ all-csv "$db" $Q1 --format csv
case_ all-prometheus "$db" $Q1 --format prometheus
case_ all-check "$db" $Q1 --check
case_ net-feb-text "$db" --domain example.net --since 2026-02-01 --until 2026-02-28
case_ org-json "$db" --domain example.org $Q1 --format json
case_ before-silence-json "$db" --since 2026-02-25 --until 2026-03-10 --format json
case_ com-late-check "$db" --domain example.com --since 2026-03-20 --until 2026-03-31 --check
case_ org-march-check "$db" --domain example.org --since 2026-03-01 --until 2026-03-31 --check
case_ unverified-json "$db" --domain example.com --since 2026-02-01 --until 2026-02-01 \
	--include-unverified --format json
case_ days-check "$db" --days 12 --until 2026-03-31 --domain example.com --check
case_ empty-text "$empty_db" --since 2026-01-01 --until 2026-01-31
case_ empty-check "$empty_db" --since 2026-01-01 --until 2026-01-31 --check

# HTML: written with --output, compared like the others.
"$TLSRPT" --db "$db" report $Q1 --format html --output "$tmp/all-html.out" 2>"$tmp/all-html.err"
echo "--- exit $?" >>"$tmp/all-html.out"
compared="$compared all-html"
if [ -n "$update" ]; then cp "$tmp/all-html.out" "$refs/all-html.ref"; ok "all-html (updated)"
elif diff -u "$refs/all-html.ref" "$tmp/all-html.out" >"$tmp/all-html.diff"; then ok "all-html"
else bad "all-html"; head -40 "$tmp/all-html.diff"; fi

# Properties, whatever the refs say.  kinds CASE: the insight kinds of a JSON case.
kinds() { python3 -c 'import json,sys
m=json.loads(open(sys.argv[1]).read().rsplit("--- exit",1)[0])
print(" ".join(sorted(set(i["kind"]+":"+(i["domain"] or "") for i in m["insights"]))))' "$tmp/$1.out"; }
has() { case " $(kinds "$1") " in *" $2 "*) ok "$1: $2";; *) bad "$1: $2 missing ($(kinds "$1"))";; esac; }
hasnt() { case " $(kinds "$1") " in *" $2 "*) bad "$1: $2 must not be there";; *) ok "$1: no $2";; esac; }
has all-json tlsa-rollover:example.net
has all-json mx-certificate:example.com
has all-json sts-outage:example.org
hasnt all-json sts-outage:example.com
has all-json failure-episode:example.com
has all-json inconsistent-report:example.com
has all-json silent-reporter:
hasnt org-json mx-certificate:example.org
hasnt org-json tlsa-rollover:example.org
hasnt before-silence-json silent-reporter:
hasnt org-json failure-rate-spike:example.org
hasnt org-json inconsistent-report:example.org
hasnt org-json sts-outage:example.com
grep -q '"title": "comcast.net (Comcast) has sent no report for 21 days' "$tmp/all-json.out" &&
	ok "Comcast silent for 21 days" || bad "Comcast silent for 21 days"
python3 - "$tmp/all-json.out" "$tmp/unverified-json.out" <<'PY' && ok "json: totals add up; unverified only on request" || bad "json: totals add up; unverified only on request"
import json, sys
load = lambda p: json.loads(open(p).read().rsplit("--- exit", 1)[0])
m, u = load(sys.argv[1]), load(sys.argv[2])
for key in ("domains", "result_types", "mx_hosts", "reporters", "insights", "daily"):
    assert key in m, key
assert m["totals"]["failed"] == sum(d["failed"] for d in m["domains"])
assert m["totals"]["failed"] == sum(d["failed"] for d in m["daily"])
assert m["result_types"]["tlsa-invalid"] == 100, m["result_types"]
assert m["result_types"]["certificate-expired"] == 360
assert "certificate-not-trusted" not in m["result_types"]
assert u["result_types"].get("certificate-not-trusted") == 900, u["result_types"]
PY
awk 'length($0) > 100 { bad = 1 } END { exit bad }' "$tmp/all-text.out" &&
	ok "text: no line over 100 columns" || bad "text: no line over 100 columns"
grep -q "tlsrpt explain certificate-expired" "$tmp/all-text.out" &&
	ok "text: points to tlsrpt explain" || bad "text: points to tlsrpt explain"
grep -q "delivered TO your domains" "$tmp/all-text.out" &&
	ok "text: the direction reminder" || bad "text: the direction reminder"
grep -q "Google, Microsoft, Comcast, Mail.ru" "$tmp/empty-text.out" &&
	ok "empty: the checklist" || bad "empty: the checklist"
if LC_ALL=C grep -q "$(printf '\033')" "$tmp/all-text.out"; then bad "no colour when not a terminal"; else ok "no colour when not a terminal"; fi
"$TLSRPT" --db "$db" report --domain example.com --since 2026-03-01 --until 2026-03-06 \
	--color always >"$tmp/color.out"
LC_ALL=C grep -q "$(printf '\033')\[31m" "$tmp/color.out" && ok "--color always: colour" || bad "--color always: colour"
cmp -s "$tmp/days-check.out" "$tmp/com-late-check.out" && ok "--days 12 --until D is --since D-11" ||
	bad "--days 12 --until D is --since D-11"
# The spike of 02-20 refines the episode it belongs to.
python3 - "$tmp/all-json.out" <<'PY' && ok "spike: evidence of the starttls episode" || bad "spike: evidence of the starttls episode"
import json, sys
m = json.loads(open(sys.argv[1]).read().rsplit("--- exit", 1)[0])
e = [i for i in m["insights"] if i["result_type"] == "starttls-not-supported"]
assert len(e) == 1 and e[0]["status"] == "resolved" and e[0]["mx_host"] == "mx1.example.com", e
assert any(l.startswith("failure rate on 2026-02-20") for l in e[0]["evidence"]), e
PY
for c in all-check:1 com-late-check:1 org-march-check:0 empty-check:1; do
	n=${c%:*} want=${c#*:}
	tail -1 "$tmp/$n.out" | grep -qx -- "--- exit $want" && ok "$n: exit $want" || bad "$n: exit $want"
done
python3 - "$tmp/all-csv.out" <<'PY' && ok "csv: parses, one row per domain, day and result type" || bad "csv: parses, one row per domain, day and result type"
import csv, io, sys
text = open(sys.argv[1], newline="").read().rsplit("--- exit", 1)[0]
rows = list(csv.DictReader(io.StringIO(text)))
keys = [(r["date"], r["domain"], r["result_type"]) for r in rows]
assert len(keys) == len(set(keys))
assert sum(int(r["failed_sessions"]) for r in rows if r["result_type"] == "tlsa-invalid") == 100
PY
python3 - "$tmp/all-prometheus.out" <<'PY' && ok "prometheus: every sample well formed" || bad "prometheus: every sample well formed"
import re, sys
text = open(sys.argv[1]).read().rsplit("--- exit", 1)[0]
sample = re.compile(r'^[a-z_]+\{([a-z_]+="(\\.|[^"\\])*",?)*\} -?[0-9.e+]+$')
for line in text.splitlines():
    assert line.startswith("# HELP ") or line.startswith("# TYPE ") or sample.match(line), line
assert 'tlsrpt_sessions{domain="example.net",reporter="google.com",result="tlsa-invalid"} 80' in text
assert 'tlsrpt_reporter_silent{reporter="comcast.net"} 1' in text
PY

"$TLSRPT" --db "$db" report $Q1 --format html -o "$tmp/out.html" && [ ! -e "$tmp/out.html.tmp" ] &&
	[ "$(grep -o '<svg class="chart daily' "$tmp/out.html" | wc -l)" -eq 3 ] &&
	grep -q 'certbot renew --reuse-key' "$tmp/out.html" &&
	! grep -Eq '(src|href)="https?:' "$tmp/out.html" &&
	ok "html: a chart per domain, the insights, nothing external" ||
	bad "html: a chart per domain, the insights, nothing external"

# Reporters are who signed.  A genuine google.com report with 50% failures
# beside reports signed by attacker.example that claim "Google Inc.": one
# with 10^12 successful sessions (over the ceiling: counted nowhere), one
# with 10^8 (plausible, but its own reporter's, so it cannot dilute
# google.com's rate).
mkdir -p "$tmp/imp"
python3 - "$tmp/imp" <<'PY'
import json, os, sys
def rep(rid, day, ok, failed):
    return {"organization-name": "Google Inc.", "report-id": rid,
            "contact-info": "smtp-tls-reporting@google.com",
            "date-range": {"start-datetime": "2026-05-%02dT00:00:00Z" % day,
                           "end-datetime": "2026-05-%02dT23:59:59Z" % day},
            "policies": [{"policy": {"policy-type": "sts", "policy-domain": "example.com",
                                     "mx-host": ["mx1.example.com"]},
                          "summary": {"total-successful-session-count": ok,
                                      "total-failure-session-count": failed},
                          "failure-details": [{"result-type": "certificate-expired",
                                               "receiving-mx-hostname": "mx1.example.com",
                                               "failed-session-count": failed}] if failed else []}]}
for name, r in (("genuine@google.com", rep("g-1", 2, 100, 100)),
                ("huge@attacker.example", rep("a-1", 3, 10**12, 0)),
                ("big@attacker.example", rep("a-2", 4, 10**8, 0))):
    json.dump(r, open(os.path.join(sys.argv[1], name + ".json"), "w"))
PY
imp_db=sqlite:$tmp/imp.db
{
	"$FIXTURE_STORE" "$imp_db" "$tmp"/imp/*.json >"$tmp/imp.out" 2>&1 || cat "$tmp/imp.out"
	IQ="--since 2026-05-01 --until 2026-05-31"
	"$TLSRPT" --db "$imp_db" report $IQ --check >"$tmp/imp-check.out"; rc=$?
	[ $rc -eq 2 ] && grep -q "^TLSRPT CRITICAL - .*example.com failure rate 50.00% (google.com)" "$tmp/imp-check.out" &&
		ok "impersonation: --check stays CRITICAL and names google.com" ||
		{ bad "impersonation: --check stays CRITICAL and names google.com (exit $rc)"; cat "$tmp/imp-check.out"; }
	"$TLSRPT" --db "$imp_db" report $IQ --format json >"$tmp/imp.json"
	python3 - "$tmp/imp.json" <<'PY' && ok "impersonation: insights, signer with claimed organization, ceiling" ||
import json, sys
m = json.load(open(sys.argv[1]))
kinds = {(i["kind"], i["severity"], i["title"]) for i in m["insights"]}
assert ("impersonation", "warning", "organization-name claims Google but signed by attacker.example") in kinds, kinds
assert any(k == "implausible-report" and "attacker.example" in t for k, s, t in kinds), kinds
reps = {r["reporter"]: r for r in m["reporters"]}
assert reps["google.com"]["name"] == "google.com (Google Inc.)", reps
assert reps["attacker.example"]["organization"] == "Google Inc.", reps
assert reps["attacker.example"]["name"] == "attacker.example (Google Inc.)", reps
# the 10^12 report is counted nowhere; the 10^8 one under its signer only
assert m["totals"]["successful"] == 100 + 10**8, m["totals"]
assert m["totals"]["reports"] == 2, m["totals"]
d = m["domains"][0]
assert d["reporters"]["google.com"]["failure_rate"] == 0.5, d["reporters"]
assert d["worst_reporter"] == "google.com" and d["worst_failure_rate"] == 0.5, d
PY
		bad "impersonation: insights, signer with claimed organization, ceiling"
	"$TLSRPT" --db "$imp_db" report $IQ >"$tmp/imp.txt"
	grep -q "^attacker.example (Google Inc.) " "$tmp/imp.txt" &&
		grep -q "organization-name claims Google but signed by attacker.example" "$tmp/imp.txt" &&
		ok "impersonation: text shows the signer with the claimed organization" ||
		bad "impersonation: text shows the signer with the claimed organization"
}

# Usage errors are 2, with a clear message.
for args in "--since 2026-02-30" "--until yesterday" "--format xml" \
    "--since 2026-03-01 --until 2026-02-01" "--warn-rate 2" "extra" \
    "--days 0" "--days 7x" "--days 3 --since 2026-01-01"; do
	"$TLSRPT" --db "$empty_db" report $args >/dev/null 2>"$tmp/err"; rc=$?
	[ $rc -eq 2 ] && [ -s "$tmp/err" ] && ok "usage error: $args" || bad "usage error: $args (exit $rc)"
done
# Reading never creates a store: a typo in --db is an error naming the path.
for f in text json csv prometheus html; do
	"$TLSRPT" --db "sqlite:$tmp/nodir/x.db" report --format $f -o "$tmp/x.$f" >"$tmp/out" 2>"$tmp/err"; rc=$?
	[ $rc -eq 2 ] && grep -q "$tmp/nodir/x.db" "$tmp/err" && grep -q "tlsrpt db migrate" "$tmp/err" &&
		[ ! -e "$tmp/nodir" ] && ! grep -q "No reports yet" "$tmp/out" &&
		ok "a missing store ($f): exit 2, names it, creates nothing" ||
		bad "a missing store ($f): exit 2, names it, creates nothing ($rc)"
done
"$TLSRPT" --db "sqlite:$tmp/typo.db" report --check >"$tmp/out" 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && [ ! -e "$tmp/typo.db" ] && ok "a missing store (--check): exit 2, creates nothing" ||
	bad "a missing store (--check): exit 2, creates nothing ($rc)"
"$TLSRPT" --db "sqlite:$tmp" report >/dev/null 2>"$tmp/err"; rc=$?
[ $rc -eq 1 ] && grep -q "$tmp" "$tmp/err" && ok "a store that cannot be opened: exit 1" || bad "a store that cannot be opened: exit 1 ($rc)"
"$TLSRPT" --db "$db" report $Q1 --format json -o "$tmp/out.json" && python3 -m json.tool "$tmp/out.json" >/dev/null &&
	ok "--output writes the file" || bad "--output writes the file"

# A store whose policy ids do not follow its reports' (this program never
# writes one; an edited or merged store can be): the same sums, whether the
# period is the whole store or a small part of it.
if [ -z "${TLSRPT_TEST_STORE_URI:-}" ]; then
	cp "$tmp/fixture.db" "$tmp/renum.db"
	sqlite3 "$tmp/renum.db" "UPDATE failure_details SET policy_fk = policy_fk + 100000
	    WHERE policy_fk IN (SELECT id FROM policies WHERE report_fk IN
	    (SELECT id FROM reports ORDER BY id LIMIT 40));
	    UPDATE policies SET id = id + 100000 WHERE report_fk IN
	    (SELECT id FROM reports ORDER BY id LIMIT 40);" || bad "renumber the policies"
	for period in "--since 2026-01-01 --until 2026-03-31" "--since 2026-01-01 --until 2026-01-10"; do
		"$TLSRPT" --db "$db" report --format json $period >"$tmp/a.json" &&
		"$TLSRPT" --db "sqlite:$tmp/renum.db" report --format json $period >"$tmp/b.json" &&
		python3 - "$tmp/a.json" "$tmp/b.json" <<'PY' && ok "policy ids out of order: same report ($period)" || bad "policy ids out of order: same report ($period)"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
assert a["totals"]["failed"] > 0, "the period has failures"
assert json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True), (a["totals"], b["totals"])
PY
	done
fi

# bench/report_bench.sh: a build against itself prints the same reports
# and exits 0; a build whose report differs is named and fails it.
if [ ! -x /usr/bin/time ]; then
	tl_skip_part report_bench "/usr/bin/time is missing"
else
	rb="$srcdir/bench/report_bench.sh"
	dates="-s 2026-03-01 -u 2026-03-31 -S 2026-01-01"
	if sh "$rb" -r 1 -y 1 $dates "$TLSRPT" "$TLSRPT" "$db" >"$tmp/rb.out" 2>&1 &&
	    [ "$(grep -c '| same |' "$tmp/rb.out")" = 4 ]; then
		ok "report_bench: the same build, the same reports"
	else
		bad "report_bench: the same build"; cat "$tmp/rb.out"
	fi
	printf '#!/bin/sh\n"%s" "$@" && echo extra\n' "$TLSRPT" >"$tmp/other"
	chmod +x "$tmp/other"
	sh "$rb" -r 1 -y 1 $dates "$TLSRPT" "$tmp/other" "$db" >"$tmp/rb.out" 2>&1
	rc=$?
	if [ "$rc" = 1 ] && [ "$(grep -c '| DIFFERS |' "$tmp/rb.out")" = 4 ]; then
		ok "report_bench: another report is named"
	else
		bad "report_bench: another report (exit $rc)"; cat "$tmp/rb.out"
	fi
	# -i: a pause before each of the 8 runs, said in the heading.
	start=$(date +%s)
	sh "$rb" -r 1 -y 1 -i 1 $dates "$TLSRPT" "$TLSRPT" "$db" >"$tmp/rb.out" 2>&1
	rc=$? took=$(($(date +%s) - start))
	if [ "$rc" = 0 ] && [ "$took" -ge 8 ] && grep -q ', 1 s idle before each run$' "$tmp/rb.out"; then
		ok "report_bench: -i idles before each run"
	else
		bad "report_bench: -i idles before each run (exit $rc, $took s)"; cat "$tmp/rb.out"
	fi
	sh "$rb" -i 1s "$TLSRPT" "$TLSRPT" "$db" >"$tmp/rb.out" 2>&1
	expect_eq "report_bench: -i takes whole seconds" "$?" 2
fi

# A ref no case compares is a check nobody runs.
for ref in "$refs"/*.ref; do
	n=$(basename "$ref" .ref)
	case " $compared " in *" $n "*) ;; *) bad "$n.ref: an orphaned ref, no case compares it" ;; esac
done

tl_finish
