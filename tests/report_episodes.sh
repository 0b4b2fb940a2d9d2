#!/bin/sh
# report_episodes.sh - `tlsrpt report` over the scenario store that
# tests/make_report_fixtures.py --scenarios writes: one domain per story,
# 2026-05-01 to 2026-06-29, Google and Microsoft reporting daily.  For
# each of the eleven result types an episode still going on at the end
# (days 40-59) and one resolved (days 20-29); a single MX whose
# certificate expires for a week; a backup MX failing STARTTLS every day;
# an MTA-STS certificate failure only Microsoft sees; a healthy domain; a
# reporter that went silent.  Golden text and JSON per domain
# (tests/golden/episodes/), then what must hold whatever the refs say, and
# --check across the life of an episode.
#
# `report_episodes.sh --update` (make golden-update, from a terminal)
# rewrites the refs: read every changed ref by hand.
# TLSRPT_TEST_STORE_URI=postgresql://... runs it against PostgreSQL, whose
# output must equal the refs byte for byte: never with --update.
set -u
update=
case ${1:-} in
"") ;;
--update) update=yes ;;
*) echo "usage: report_episodes.sh [--update]" >&2; exit 2 ;;
esac
if [ -n "$update" ] && [ -n "${TLSRPT_TEST_STORE_URI:-}" ]; then
	echo "report_episodes.sh: --update writes the SQLite refs; not with TLSRPT_TEST_STORE_URI" >&2
	exit 2
fi
: "${srcdir:=.}"
: "${TLSRPT:?TLSRPT must name the tlsrpt binary}"
: "${FIXTURE_STORE:?FIXTURE_STORE must name tests/fixture_store}"
refs="$srcdir/tests/golden/episodes"
. "$srcdir/tests/testlib.sh"
tl_init report_episodes
tl_tmpdir

db=${TLSRPT_TEST_STORE_URI:-sqlite:$tmp/scenarios.db}
python3 "$srcdir/tests/make_report_fixtures.py" --scenarios "$tmp/reports" || exit 1
"$FIXTURE_STORE" "$db" "$tmp"/reports/*.json >"$tmp/store.out" 2>&1 ||
	{ cat "$tmp/store.out"; exit 1; }
grep -q "stored 151, duplicates 0" "$tmp/store.out" && ok "scenarios: 151 reports stored" ||
	{ bad "scenarios: 151 reports stored"; cat "$tmp/store.out"; }
export SOURCE_DATE_EPOCH=1782777600	# 2026-06-30T00:00:00Z
export NO_COLOR=1
P="--since 2026-05-01 --until 2026-06-29"

# case NAME ARGS...: run `tlsrpt --db DB report ARGS`, compare with NAME.ref.
compared=	# the refs compared so far, for the orphan check at the end
case_() {
	name=$1; shift
	compared="$compared $name"
	"$TLSRPT" --db "$db" report "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
	echo "--- exit $?" >>"$tmp/$name.out"
	if [ -n "$update" ]; then
		mkdir -p "$refs"
		cp "$tmp/$name.out" "$refs/$name.ref"
		ok "$name (updated)"
	elif diff -u "$refs/$name.ref" "$tmp/$name.out" >"$tmp/$name.diff"; then
		ok "$name"
	else
		bad "$name"; head -30 "$tmp/$name.diff"; cat "$tmp/$name.err"
	fi
}

types="starttls-not-supported certificate-host-mismatch certificate-expired
certificate-not-trusted validation-failure tlsa-invalid dnssec-invalid dane-required
sts-policy-fetch-error sts-policy-invalid sts-webpki-invalid"
domains="single-mx backup-mx one-reporter healthy silent"
for t in $types; do domains="$domains ongoing-$t resolved-$t"; done
for d in $domains; do
	case_ "$d-text" --domain "$d.example" $P
	case_ "$d-json" --domain "$d.example" $P --format json
done
# A window shorter than the episode (06-15 to 06-22).
case_ single-mx-short-text --domain single-mx.example --days 3 --until 2026-06-20
case_ single-mx-short-json --domain single-mx.example --days 3 --until 2026-06-20 --format json

# --check across the life of the single MX's expired certificate: before,
# the first day, while it lasts, the day it was fixed, a week after.
for c in 06-14:0 06-15:2 06-18:2 06-23:0 06-29:0; do
	u=${c%:*} want=${c#*:}
	case_ "single-mx-check-$u" --domain single-mx.example --days 7 --until "2026-$u" --check
	tail -1 "$tmp/single-mx-check-$u.out" | grep -qx -- "--- exit $want" &&
		ok "--check until $u: exit $want" || bad "--check until $u: exit $want"
done
grep -q "^TLSRPT CRITICAL - single-mx.example: certificate-expired on mx.single-mx.example since 2026-06-15 (google.com, microsoft.com)" \
	"$tmp/single-mx-check-06-18.out" && ok "--check names type, MX, start and reporters" ||
	{ bad "--check names type, MX, start and reporters"; cat "$tmp/single-mx-check-06-18.out"; }

# What must hold, whatever the refs say.
python3 - "$tmp" $types <<'PY' && ok "every episode: type, MX, status, reporters, fix" ||
import json, sys
tmp, types = sys.argv[1], sys.argv[2:]
load = lambda n: json.loads(open("%s/%s-json.out" % (tmp, n)).read().rsplit("--- exit", 1)[0])
def only(m, **kw):
    e = [i for i in m["insights"] if all(i.get(k) == v for k, v in kw.items())]
    assert len(e) == 1, (kw, [(i["kind"], i["status"], i["result_type"]) for i in m["insights"]])
    return e[0]
for t in types:
    for st in ("ongoing", "resolved"):
        d = "%s-%s" % (st, t)
        m = load(d)
        i = only(m, result_type=t)
        assert i["status"] == st, (d, i["status"])
        mx = None if t.startswith("sts-") else "mx1.%s.example" % d
        assert i["mx_host"] == mx, (d, i["mx_host"])
        assert i["reporters"] == ["google.com", "microsoft.com"], (d, i["reporters"])
        assert i["failed_sessions"] == (20 if st == "ongoing" else 10) * 420, (d, i)
        assert i["first_date"] == ("2026-06-10" if st == "ongoing" else "2026-05-21"), i
        assert "Confirm: " in i["fix"] and ("tlsrpt explain " + t) in i["fix"], i["fix"]
        assert (mx or d + ".example") in i["fix"], i["fix"]
        if st == "resolved":
            assert i["severity"] != "critical", (d, i["severity"])
        if st == "ongoing" and t in ("tlsa-invalid", "dnssec-invalid", "dane-required",
                                     "sts-policy-fetch-error", "sts-policy-invalid",
                                     "sts-webpki-invalid"):
            assert i["severity"] == "critical", (d, i["severity"])
i = only(load("single-mx"), result_type="certificate-expired")
assert i["status"] == "resolved" and i["mx_host"] == "mx.single-mx.example", i
i = only(load("single-mx-short"), result_type="certificate-expired")
assert i["status"] == "ongoing" and i["severity"] == "critical", i
assert i["first_date"] == "2026-06-18", i          # the window's first day
i = only(load("backup-mx"), result_type="starttls-not-supported")
assert (i["status"], i["severity"], i["mx_host"]) == ("ongoing", "warning", "mx2.backup-mx.example"), i
assert i["first_date"] == "2026-05-01" and i["last_date"] == "2026-06-29", i
i = only(load("one-reporter"), result_type="sts-webpki-invalid")
assert i["reporters"] == ["microsoft.com"] and i["status"] == "ongoing", i
assert any(l.startswith("not seen by google.com, which reported 30000 successful") for l in i["evidence"]), i
assert load("healthy")["insights"] == [], load("healthy")["insights"]
assert [i["kind"] for i in load("silent")["insights"]] == ["silent-reporter"], load("silent")
for d in ("backup-mx", "ongoing-tlsa-invalid"):
    ev = only(load(d), status="ongoing")["evidence"]
    assert ev[-1].startswith("... and ") and ev[-1].endswith(" more days"), ev
PY
	bad "every episode: type, MX, status, reporters, fix"

# Ranking over all domains: ongoing first; then critical, warning, info; then the latest.
"$TLSRPT" --db "$db" report $P --format json >"$tmp/all.json"
python3 - "$tmp/all.json" <<'PY' && ok "ranking: ongoing, severity, most recent" || bad "ranking: ongoing, severity, most recent"
import json, sys
ins = json.load(open(sys.argv[1]))["insights"]
rank = {"critical": 0, "warning": 1, "info": 2}
keys = [(i["status"] != "ongoing", rank[i["severity"]], "~" if i["last_date"] is None else i["last_date"]) for i in ins]
for a, b in zip(keys, keys[1:]):
    assert a[:2] < b[:2] or (a[:2] == b[:2] and a[2] >= b[2]), (a, b)
assert sum(1 for i in ins if i["status"] == "ongoing") > 0 and keys[0][0] is False
PY
"$TLSRPT" --db "$db" report $P >"$tmp/all.txt"
awk 'length($0) > 100 { bad = 1 } END { exit bad }' "$tmp/all.txt" &&
	ok "text: no line over 100 columns" || bad "text: no line over 100 columns"
grep -q "^Problems: [1-9][0-9]* ongoing, [1-9][0-9]* resolved" "$tmp/all.txt" &&
	! grep -q "Nothing unusual" "$tmp/all.txt" && ok "text: Problems, never Nothing unusual" ||
	bad "text: Problems, never Nothing unusual"
"$TLSRPT" --db "$db" report $P --format html -o "$tmp/all.html" &&
	grep -q "<h2>Problems: [1-9][0-9]* ongoing" "$tmp/all.html" &&
	grep -q "tlsrpt check mx mx2.backup-mx.example" "$tmp/all.html" &&
	ok "html: Problems with the fix" || bad "html: Problems with the fix"

# The MX hosts a policy names count however long its list: an expired
# certificate on the only MX is a failure episode; on one of forty that
# the policy names (a list of well over a kilobyte), it is one MX failing
# while the others are fine (mx-certificate).
mxdb=sqlite:$tmp/mxlist.db
mkdir -p "$tmp/mxlist"
python3 - "$tmp/mxlist" <<'PY' || bad "mx list: reports written"
import json, sys
for dom, n in (("one-mx.example", 1), ("forty-mx.example", 40)):
    hosts = ["mx%02d.a-rather-long-name-for-a-mail-host.%s" % (i, dom) for i in range(n)]
    for day in (1, 2, 3):
        rep = {"organization-name": "Example Reporter", "contact-info": "tls@reporter.example",
               "report-id": "%s-%d" % (dom, day),
               "date-range": {"start-datetime": "2026-06-%02dT00:00:00Z" % day,
                              "end-datetime": "2026-06-%02dT23:59:59Z" % day},
               "policies": [{"policy": {"policy-type": "sts", "policy-domain": dom,
                                        "policy-string": ["version: STSv1", "mode: testing"]
                                        + ["mx: " + h for h in hosts] + ["max_age: 86400"],
                                        "mx-host": hosts},
                             "summary": {"total-successful-session-count": 900,
                                         "total-failure-session-count": 100},
                             "failure-details": [{"result-type": "certificate-expired",
                                                  "receiving-mx-hostname": hosts[0],
                                                  "failed-session-count": 100}]}]}
        open("%s/%s-%d@reporter.example.json" % (sys.argv[1], dom, day), "w").write(json.dumps(rep))
PY
"$FIXTURE_STORE" "$mxdb" "$tmp"/mxlist/*.json >/dev/null 2>&1 &&
	"$TLSRPT" --db "$mxdb" report --since 2026-06-01 --until 2026-06-03 --format json \
	>"$tmp/mxlist.json" 2>&1 && python3 - "$tmp/mxlist.json" <<'PY' &&
import json, sys
m = json.load(open(sys.argv[1]))
kind = {i["domain"]: i["kind"] for i in m["insights"] if i.get("result_type") == "certificate-expired"}
assert kind == {"one-mx.example": "failure-episode", "forty-mx.example": "mx-certificate"}, kind
PY
	ok "mx list: a long policy MX list still counts its hosts" ||
	{ bad "mx list: a long policy MX list still counts its hosts"; head -c 2000 "$tmp/mxlist.json"; }

# A ref no case compares is a check nobody runs.
for ref in "$refs"/*.ref; do
	n=$(basename "$ref" .ref)
	case " $compared " in *" $n "*) ;; *) bad "$n.ref: an orphaned ref, no case compares it" ;; esac
done

tl_finish
