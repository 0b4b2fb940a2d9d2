#!/bin/sh
# report_grain.sh - `tlsrpt report` by day, week and month over the
# fixture database of tests/report.sh (2026-01-01 to 2026-03-31).  The
# grain a period's length picks, the buckets' first days, that no session
# is lost or counted twice between grains, where a date range ends, which
# detectors need days, and what the text and HTML say of the grain.
set -u
: "${srcdir:=.}"
: "${TLSRPT:?TLSRPT must name the tlsrpt binary}"
: "${FIXTURE_STORE:?FIXTURE_STORE must name tests/fixture_store}"
. "$srcdir/tests/testlib.sh"
tl_init report_grain
tl_tmpdir

db=sqlite:$tmp/fixture.db
python3 "$srcdir/tests/make_report_fixtures.py" "$tmp/reports" || exit 1
"$FIXTURE_STORE" "$db" "$tmp"/reports/*.json >"$tmp/store.out" 2>&1 ||
	{ cat "$tmp/store.out"; exit 1; }
export SOURCE_DATE_EPOCH=1775001600 NO_COLOR=1
Q1="--since 2026-01-01 --until 2026-03-31"

# json NAME ARGS...: the report's JSON into $tmp/NAME.json.
json() {
	name=$1; shift
	"$TLSRPT" --db "$db" report "$@" --format json >"$tmp/$name.json" 2>"$tmp/$name.err" ||
		{ bad "$name: report failed"; cat "$tmp/$name.err"; }
}

# The grain a period's length picks, and --grain over it.
grain_of() {
	"$TLSRPT" --db "$db" report "$@" --format json |
	    python3 -c 'import json, sys; print(json.load(sys.stdin)["period"]["grain"])'
}
expect_eq "auto: 92 days by day" "$(grain_of --since 2026-01-01 --until 2026-04-02)" day
expect_eq "auto: 93 days by week" "$(grain_of --since 2026-01-01 --until 2026-04-03)" week
expect_eq "auto: 183 days by week" "$(grain_of --days 183 --until 2026-03-31)" week
expect_eq "auto: 184 days by month" "$(grain_of --days 184 --until 2026-03-31)" month
expect_eq "--grain day over 184 days" "$(grain_of --days 184 --until 2026-03-31 --grain day)" day
expect_eq "--grain month over 30 days" "$(grain_of --days 30 --until 2026-03-31 --grain month)" month
expect_eq "--grain auto" "$(grain_of $Q1 --grain auto)" day
expect_rc "--grain fortnight: usage error" 2 "$TLSRPT" --db "$db" report --grain fortnight
expect_in "--grain fortnight: says what it takes" "$tmp/err" "--grain: day, week, month or auto"

json day $Q1 --grain day
json week $Q1 --grain week
json month $Q1 --grain month
# From a Wednesday to the 20th: the first bucket starts with the period,
# the last ends with it.
json wed --since 2026-01-07 --until 2026-03-20 --grain week
json mid --since 2026-01-07 --until 2026-03-20 --grain month

python3 - "$tmp" <<'PY' >"$tmp/checks.out" 2>&1
import datetime, json, sys
tmp = sys.argv[1]
def load(n):
    with open("%s/%s.json" % (tmp, n)) as f:
        return json.load(f)
def day(s):
    return datetime.date.fromisoformat(s)
def say(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
m = {n: load(n) for n in ("day", "week", "month", "wed", "mid")}

# Every session once, whatever the grain.
for n in ("week", "month"):
    say(m[n]["totals"] == m["day"]["totals"], "%s: the totals of the day grain" % n)
    f = {x["result_type"]: x["failed"] for x in m[n]["failures"]}
    say(f == {x["result_type"]: x["failed"] for x in m["day"]["failures"]},
        "%s: failed sessions by result type as by day" % n)
for n in m:
    ok = sum(e["successful"] for e in m[n]["daily"])
    bad = sum(e["failed"] for e in m[n]["daily"])
    say((ok, bad) == (m[n]["totals"]["successful"], m[n]["totals"]["failed"]),
        "%s: its series adds up to its totals" % n)
    keys = [(e["date"], e["domain"]) for e in m[n]["daily"]]
    say(len(keys) == len(set(keys)) and keys == sorted(keys),
        "%s: one entry per bucket and domain, in order" % n)

# Buckets: Mondays (or the period's first day), firsts of months.
def dates(n):
    return sorted(set(e["date"] for e in m[n]["daily"]))
say(dates("week")[:3] == ["2026-01-01", "2026-01-05", "2026-01-12"],
    "week: 2026-01-01 (a Thursday), then Mondays")
say(all(day(d).weekday() == 0 for d in dates("week")[1:]), "week: every later bucket a Monday")
say(dates("wed")[:2] == ["2026-01-07", "2026-01-12"], "week from a Wednesday: it, then Monday")
say(dates("month") == ["2026-01-01", "2026-02-01", "2026-03-01"], "month: firsts of months")
say(dates("mid") == ["2026-01-07", "2026-02-01", "2026-03-01"],
    "month from the 7th: the 7th, then firsts")
say(len(dates("day")) == 90, "day: 90 days")

# A range ends with its last bucket's last day, never past the period.
def fail(n, rt):
    return [(x["first_date"], x["last_date"]) for x in m[n]["failures"]
            if x["result_type"] == rt][0]
say(fail("week", "starttls-not-supported") == ("2026-02-16", "2026-02-22"),
    "week: 02-20 is the week 02-16 to 02-22")
say(fail("month", "certificate-expired") == ("2026-03-01", "2026-03-31"),
    "month: 03-05..03-08 is March")
say(fail("mid", "certificate-expired") == ("2026-03-01", "2026-03-20"),
    "month to the 20th: March ends on the 20th")
say(fail("day", "certificate-expired") == ("2026-03-05", "2026-03-08"), "day: exact days")

def kinds(n):
    return [(i["kind"], i.get("domain")) for i in m[n]["insights"]]
def insight(n, kind, domain):
    return [i for i in m[n]["insights"] if i["kind"] == kind and i.get("domain") == domain]
# The detectors that judge a day or two run by day only.
say(("sts-outage", "example.org") in kinds("day") and
    ("tlsa-rollover", "example.net") in kinds("day"), "day: sts-outage and tlsa-rollover")
for n in ("week", "month"):
    say(("sts-outage", "example.org") not in kinds(n), "%s: no sts-outage" % n)
    say(("tlsa-rollover", "example.net") not in kinds(n), "%s: a cleared rollover is no rollover" % n)
    ep = [i for i in insight(n, "failure-episode", "example.net")
          if i.get("result_type") == "tlsa-invalid"]
    say(len(ep) == 1 and ep[0]["status"] == "resolved",
        "%s: the tlsa-invalid days are a resolved episode" % n)
    sp = [i for i in insight(n, "failure-episode", "example.com")
          if i.get("result_type") == "starttls-not-supported"]
    say(len(sp) == 1 and not any("failure rate on" in e for e in sp[0]["evidence"]),
        "%s: no day's failure-rate spike" % n)
    say(any("--grain day" in x for x in m[n]["notes"]), "%s: a note names the grain" % n)
sp = [i for i in insight("day", "failure-episode", "example.com")
      if i.get("result_type") == "starttls-not-supported"]
say(len(sp) == 1 and any("failure rate on 2026-02-20" in e for e in sp[0]["evidence"]),
    "day: the 02-20 spike is the episode's evidence")
say(not any("--grain day" in x for x in m["day"]["notes"]), "day: no note of the grain")
ep = [i for i in insight("week", "failure-episode", "example.com")
      if i.get("result_type") == "starttls-not-supported"][0]
say((ep["first_date"], ep["last_date"]) == ("2026-02-16", "2026-02-22") and
    "from 2026-02-16 to 2026-02-22, resolved" in ep["title"] and
    any(e.startswith("the week of 2026-02-16: 250 failed sessions") for e in ep["evidence"]),
    "week: the episode's range, title and evidence name the week")
mx = insight("month", "mx-certificate", "example.com")
say(len(mx) == 1 and (mx[0]["first_date"], mx[0]["last_date"]) == ("2026-03-01", "2026-03-31"),
    "month: mx-certificate over March")
PY
grep '^ok\|^FAIL' "$tmp/checks.out" | while read -r w rest; do echo "$w $rest"; done
passed=$((passed + $(grep -c '^ok' "$tmp/checks.out")))
failed=$((failed + $(grep -c '^FAIL' "$tmp/checks.out")))
grep -v '^ok\|^FAIL' "$tmp/checks.out" && bad "json checks: python failed"

# A rollover still failing at the period's end is one at any grain.
json open --since 2026-01-01 --until 2026-02-11 --grain week
python3 - "$tmp/open.json" <<'PY' && ok "week: an uncleared rollover is critical" ||
import json, sys
m = json.load(open(sys.argv[1]))
r = [i for i in m["insights"] if i["kind"] == "tlsa-rollover"]
sys.exit(not (len(r) == 1 and r[0]["severity"] == "critical" and
              (r[0]["first_date"], r[0]["last_date"]) == ("2026-02-09", "2026-02-11")))
PY
	{ bad "week: an uncleared rollover is critical"; grep -A3 tlsa-rollover "$tmp/open.json"; }

# What the text and the page say.
"$TLSRPT" --db "$db" report $Q1 --grain week >"$tmp/week.txt"
expect_in "text: the grain in the title" "$tmp/week.txt" "(90 days by week), all domains"
expect_in "text: per week" "$tmp/week.txt" "Per week, weeks with failures"
expect_in "text: weeks' column" "$tmp/week.txt" "WEEK OF"
"$TLSRPT" --db "$db" report $Q1 >"$tmp/day.txt"
expect_in "text by day: per day" "$tmp/day.txt" "Per day, days with failures"
expect_in "text by day: no grain in the title" "$tmp/day.txt" "(90 days), all domains"
"$TLSRPT" --db "$db" report $Q1 --grain month --format html >"$tmp/month.html"
expect_in "html: monthly charts" "$tmp/month.html" "<h3>Monthly sessions</h3>"
expect_in "html: a bar per month" "$tmp/month.html" "<title>month of 2026-02-01: "
# A month's bar is about 28 to 31 days wide; a day's, one.
python3 - "$tmp/month.html" <<'PY' && ok "html: a month's bar spans its days" ||
import re, sys
page = open(sys.argv[1]).read()
svg = page[page.index('id="chart-daily-1"'):]
svg = svg[:svg.index("</svg>")]
w = [float(x) for x in re.findall(r'class="ok" x="[0-9.]+" y="[0-9.]+" width="([0-9.]+)"', svg)]
sys.exit(not (len(w) == 3 and min(w) > 100))
PY
	bad "html: a month's bar spans its days"
tl_finish
