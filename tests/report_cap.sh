#!/bin/sh
# report_cap.sh - a period with more insights than the model keeps: 2400
# failure episodes (24 domains, a hundred MX host and result type pairs
# each, one day, ten sessions each: above the noise floor, of types no
# detector claims; the last twelve domains resolved by a later report, one
# episode critical).  The JSON keeps the INSIGHT_MAX worst, every one
# whole, and counts the rest in insights_left_out; the text, HTML,
# Prometheus and --check counts still add up to all 2400.
set -u
: "${srcdir:=.}"
: "${TLSRPT:?TLSRPT must name the tlsrpt binary}"
: "${FIXTURE_STORE:?FIXTURE_STORE must name tests/fixture_store}"
. "$srcdir/tests/testlib.sh"
tl_init report_cap
tl_tmpdir

db=${TLSRPT_TEST_STORE_URI:-sqlite:$tmp/cap.db}
mkdir -p "$tmp/reports" "$tmp/reports2"
python3 - "$tmp/reports" "$tmp/reports2" <<'PY' || exit 1
import json, sys
types = ["starttls-not-supported", "certificate-not-trusted", "validation-failure",
         "dnssec-invalid", "dane-required", "sts-policy-invalid"]
pairs = [(t, "mx%02d" % m) for m in range(17) for t in types][:100]

def report(out, name, day, domains, kinds):
    pols = []
    for dom in domains:
        det = [{"result-type": t, "failed-session-count": 10,
                "receiving-mx-hostname": "%s.%s" % (m, dom)} for t, m in kinds]
        if dom == "c07.example" and out == sys.argv[1]:
            det[0]["failed-session-count"] = 2000	# half the sessions: critical
        pol = {"policy": {"policy-type": "no-policy-found", "policy-domain": dom},
               "summary": {"total-successful-session-count": 1000,
                           "total-failure-session-count":
                               sum(d["failed-session-count"] for d in det)}}
        if det:
            pol["failure-details"] = det
        pols.append(pol)
    rep = {"organization-name": "Google Inc.", "contact-info": "x@google.com",
           "report-id": name,
           "date-range": {"start-datetime": day + "T00:00:00Z",
                          "end-datetime": day + "T23:59:59Z"},
           "policies": pols}
    json.dump(rep, open("%s/%s.json" % (out, name), "w"))

def doms(a, b, letter="c"):
    return ["%s%02d.example" % (letter, i) for i in range(a, b)]

# Ongoing ones first: the list is cut while the resolved ones come.
out, day = sys.argv[1], "2026-06-01"
report(out, "ongoing-1", day, doms(0, 6), pairs)
report(out, "ongoing-2", day, doms(6, 12), pairs)
report(out, "resolved-1", day, doms(12, 18), pairs)
report(out, "resolved-2", day, doms(18, 24), pairs)
report(out, "clean", "2026-06-03", doms(12, 24), [])	# without them: resolved

# The store for the detectors below: a report per a-domain, six
# c-domains per report, within the store's caps.
out = sys.argv[2]
cert = [("certificate-expired", "mx%03d" % m) for m in range(99)]
cert.append(("starttls-not-supported", "fine"))
for i in range(12):
    report(out, "cert-%d" % i, day, doms(i, i + 1, "a"), cert)
report(out, "other-1", day, doms(0, 6), pairs)
report(out, "other-2", day, doms(6, 12), pairs)
PY
"$FIXTURE_STORE" "$db" "$tmp"/reports/*.json >"$tmp/store.out" 2>&1 ||
	{ cat "$tmp/store.out"; exit 1; }
export SOURCE_DATE_EPOCH=1780963200	# 2026-06-09T00:00:00Z
export NO_COLOR=1
P="--since 2026-06-01 --until 2026-06-08"

"$TLSRPT" --db "$db" report $P --format json >"$tmp/r.json" 2>"$tmp/err" ||
	{ bad "report --format json"; cat "$tmp/err"; }
python3 - "$tmp/r.json" >"$tmp/json.out" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
ins, lo = m["insights"], m.get("insights_left_out", {})
print("kept", len(ins))
print("left", lo.get("count"))
print("all", len(ins) + lo.get("count", 0))
sev = {s: sum(i["severity"] == s for i in ins) + lo.get(s, 0)
       for s in ("critical", "warning", "info")}
print("severities", sum(sev.values()))
print("kinds", sorted(set(i["kind"] for i in ins)))
rank = {"critical": 0, "warning": 1, "info": 2}
worst_left = min([rank[s] for s in ("critical", "warning", "info") if lo.get(s)] or [3])
print("worst-first", all(rank[i["severity"]] <= worst_left for i in ins
                         if i["status"] == "ongoing") or lo.get("ongoing") == 0)
print("ongoing", sum(i["status"] == "ongoing" for i in ins) + lo.get("ongoing", 0))
print("kept-ongoing", sum(i["status"] == "ongoing" for i in ins))
print("whole", all(i["evidence"] and i["fix"] and i["reporters"] and i["mx_host"]
                   for i in ins))
print("critical-first", ins[0]["severity"] == "critical" and ins[0]["domain"] == "c07.example")
print("domains", len(set(lo.get("ongoing_domains", []) + lo.get("resolved_domains", []))))
PY
# Ongoing first: left out are 200 ongoing ones (two domains) and every
# resolved one (twelve).
for want in "kept 1000" "left 1400" "all 2400" "severities 2400" \
    "kinds ['failure-episode']" "worst-first True" "ongoing 1200" \
    "kept-ongoing 1000" "whole True" "critical-first True" "domains 14"; do
	grep -qxF "$want" "$tmp/json.out" && ok "json: $want" ||
		{ bad "json: $want"; cat "$tmp/json.out"; }
done
ongoing=$(sed -n 's/^ongoing //p' "$tmp/json.out")

"$TLSRPT" --db "$db" report $P >"$tmp/r.txt" 2>&1
line=$(grep '^Problems:' "$tmp/r.txt")
n=$(echo "$line" | sed 's/Problems: \([0-9]*\) ongoing, \([0-9]*\) resolved.*/\1 \2/')
[ "$(echo "$n" | awk '{print $1 + $2}')" = 2400 ] && [ "${n% *}" = "$ongoing" ] &&
	ok "text: $line" || bad "text: $line (want 2400 in all, $ongoing ongoing)"
grep -q '^\.\.\. and 2350 more problems, .*--format json has the first 1000\.$' \
	"$tmp/r.txt" && ok "text: the problems not shown, with those left out" ||
	{ bad "text: the problems not shown"; grep '^\.\.\. and' "$tmp/r.txt"; }

"$TLSRPT" --db "$db" report $P --format prometheus >"$tmp/r.prom" 2>&1
sum=$(awk '/^tlsrpt_insights\{/ { s += $2 } END { print s }' "$tmp/r.prom")
[ "$sum" = 2400 ] && ok "prometheus: tlsrpt_insights add up to 2400" ||
	bad "prometheus: tlsrpt_insights add up to $sum"

"$TLSRPT" --db "$db" report $P --format html >"$tmp/r.html" 2>&1
grep -q "<h2>Problems: $ongoing ongoing, $((2400 - ongoing)) resolved</h2>" "$tmp/r.html" &&
	ok "html: the problems' counts" || { bad "html: the problems' counts"; grep '<h2>Problems' "$tmp/r.html"; }

"$TLSRPT" --db "$db" report $P --check >"$tmp/r.chk" 2>&1
crit=$(sed -n 's/.* insights_critical=\([0-9]*\) insights_warning=\([0-9]*\).*/\1 \2/p' "$tmp/r.chk")
want=$(python3 -c '
import json, sys
m = json.load(open(sys.argv[1])); lo = m["insights_left_out"]
on = [i for i in m["insights"] if i["status"] == "ongoing"]
print(sum(i["severity"] == "critical" for i in on) + lo.get("ongoing_critical", 0),
      sum(i["severity"] == "warning" for i in on) + lo.get("ongoing_warning", 0))' "$tmp/r.json")
[ -n "$crit" ] && [ "$crit" = "$want" ] && [ "${crit% *}" = 1 ] && ok "check: ongoing critical and warning counted ($crit)" ||
	{ bad "check: counts '$crit', want '$want'"; cat "$tmp/r.chk"; }

# Episodes a detector takes in are no entries of their own: 1188
# certificate-expired episodes (twelve a-domains, 99 MX hosts each, while
# one more host of each is fine) become twelve mx-certificate
# insights, and rank before the 1200 c-domain episodes of other types.
# Those must still fill the list, whole, not be stubbed as if the
# certificate ones came first.
db2=sqlite:$tmp/cap2.db
"$FIXTURE_STORE" "$db2" "$tmp"/reports2/*.json >"$tmp/store2.out" 2>&1 ||
	{ cat "$tmp/store2.out"; exit 1; }
"$TLSRPT" --db "$db2" report $P --format json >"$tmp/r2.json" 2>"$tmp/err" ||
	{ bad "report --format json (detectors)"; cat "$tmp/err"; }
python3 - "$tmp/r2.json" >"$tmp/json2.out" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
ins, lo = m["insights"], m.get("insights_left_out", {})
print("kept", len(ins))
print("left", lo.get("count"))
print("detected", sum(i["kind"] == "mx-certificate" for i in ins))
print("whole", all(i["evidence"] and i["fix"] and i["title"] for i in ins))
PY
for want in "kept 1000" "left 224" "detected 12" "whole True"; do
	grep -qxF "$want" "$tmp/json2.out" && ok "detectors: $want" ||
		{ bad "detectors: $want"; cat "$tmp/json2.out"; }
done
tl_finish
