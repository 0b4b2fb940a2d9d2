#!/bin/sh
# watch.sh - the probe history: `tlsrpt check --domain D --record` and
# `tlsrpt watch` against loopback servers (tests/check_servers.py), on
# SQLite and, when it can start one, PostgreSQL (tests/pg-lib.sh).  Rows
# are stored only when something changed plus a daily heartbeat; prune
# removes old ones; `tlsrpt report` turns the latest rows into alerts:
# certificates expiring in 2 and 10 days, a key rollover with and without
# a pre-published TLSA record, a stale MTA-STS id=, an MX missing from
# the policy, STARTTLS that disappears between two runs.
set -u
: "${TLSRPT:?TLSRPT must name the tlsrpt binary}"
srcdir=$(cd "${srcdir:-.}" && pwd)
. "$srcdir/tests/pg-lib.sh"
. "$srcdir/tests/testlib.sh"
tl_init watch
tl_need_tools openssl python3 sqlite3
pid=
stop_servers() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; pg_cleanup; }
tl_tmpdir stop_servers

# --- Certificates: a test CA; key A (in use) and key B (the next). ---
cd "$tmp" || exit 1
ec="-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes"
openssl req -x509 $ec -keyout ca.key -out ca.crt -subj "/CN=watch test CA" -days 30 2>/dev/null
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out a.key 2>/dev/null
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out b.key 2>/dev/null
# cert NAME KEY DAYS: NAME.crt for KEY, for every test MX, signed by the CA.
cert() {
	openssl req -new -key "$2" -out "$1.csr" -subj "/CN=mx.w.test" \
		-addext "subjectAltName=DNS:mx.w.test,DNS:mx2.w.test" 2>/dev/null &&
	openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial \
		-days "$3" -copy_extensions copy -out "$1.crt" 2>/dev/null
}
cert a30 a.key 30
cert a2 a.key 2
cert a10 a.key 10
cert b30 b.key 30
openssl req -new -key a.key -out web.csr -subj "/CN=web" \
	-addext "subjectAltName=DNS:mta-sts.w.test,DNS:mta-sts.two.test,DNS:mta-sts.stale.test" 2>/dev/null &&
openssl x509 -req -in web.csr -CA ca.crt -CAkey ca.key -CAcreateserial \
	-days 30 -copy_extensions copy -out web.crt 2>/dev/null
cp a.key web.key
for f in a30 a2 a10 b30 web; do
	[ -s $f.crt ] || { echo "FAIL: openssl could not make $f.crt"; exit 1; }
done
spki() { openssl pkey -in "$1" -pubout -outform DER | openssl dgst -sha256 -r | cut -d' ' -f1; }
spki_a=$(spki a.key)
spki_b=$(spki b.key)

# --- Zones: w.test (one MX, TLSA for key A only), two.test (two MX,
# the policy names one), nexted.test (TLSA for A and B). ---
mkdir docs
printf 'version: STSv1\nmode: enforce\nmx: mx.w.test\nmax_age: 604800\n' >docs/mta-sts.w.test
printf 'version: STSv1\nmode: enforce\nmx: mx.w.test\nmax_age: 3600\n' >docs/mta-sts.two.test
printf 'version: STSv1\nmode: testing\nmx: mx.w.test\nmax_age: 604800\n' >docs/mta-sts.stale.test
cat >zone <<ZONE
_smtp._tls.w.test TXT v=TLSRPTv1; rua=mailto:tlsrpt@w.test
_mta-sts.w.test TXT v=STSv1; id=20260101
mta-sts.w.test A 127.0.0.1
w.test MX 10 mx.w.test
mx.w.test A 127.0.0.1
_25._tcp.mx.w.test TLSA 3 1 1 $spki_a
_smtp._tls.mx.w.test TXT v=TLSRPTv1; rua=mailto:tlsrpt@w.test
_smtp._tls.two.test TXT v=TLSRPTv1; rua=mailto:tlsrpt@two.test
_mta-sts.two.test TXT v=STSv1; id=1
mta-sts.two.test A 127.0.0.1
two.test MX 10 mx.w.test
two.test MX 20 mx2.w.test
mx2.w.test A 127.0.0.1
_smtp._tls.nexted.test TXT v=TLSRPTv1; rua=mailto:tlsrpt@nexted.test
nexted.test MX 10 mx.nexted.test
mx.nexted.test A 127.0.0.1
_25._tcp.mx.nexted.test TLSA 3 1 1 $spki_a
_25._tcp.mx.nexted.test TLSA 3 1 1 $spki_b
_25._tcp.mx.nexted.test INSECURE -
unsig.test MX 10 mx.unsig.test
mx.unsig.test A 127.0.0.1
_smtp._tls.mx.unsig.test TXT v=TLSRPTv1; rua=mailto:tlsrpt@unsig.test
_25._tcp.mx.unsig.test TLSA 3 1 1 $spki_a
_25._tcp.mx.unsig.test INSECURE -
exp2.test MX 10 mx.w.test
exp10.test MX 10 mx.w.test
_smtp._tls.stale.test TXT v=TLSRPTv1; rua=mailto:tlsrpt@stale.test
_mta-sts.stale.test TXT v=STSv1; id=same
mta-sts.stale.test A 127.0.0.1
stale.test MX 10 mx.w.test
ZONE
python3 "$srcdir/tests/check_servers.py" "$tmp/ports" --zone zone \
	--https "WEB:web.crt:web.key:docs" \
	--smtp "A30:a30.crt:a.key" --smtp "A2:a2.crt:a.key" \
	--smtp "A10:a10.crt:a.key" --smtp "B30:b30.crt:b.key" \
	--smtp "PLAIN:none" 2>"$tmp/servers.log" &
pid=$!
i=0
while [ ! -s "$tmp/ports" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -s "$tmp/ports" ] || { echo "FAIL: test servers did not start"; cat "$tmp/servers.log"; exit 1; }
. "$tmp/ports"

day=86400
now=$(date +%s)
# run CONF AT PORT DOMAIN: `check --record` at time AT (SOURCE_DATE_EPOCH).
run() {
	conf=$1 at=$2 port=$3; shift 3
	SOURCE_DATE_EPOCH=$at "$TLSRPT" -c "$conf" check --record \
		--resolver "127.0.0.1:$DNS" --ca-file "$tmp/ca.crt" --timeout 5 \
		--https-port "$WEB" --port "$port" --domain "$@"
}
watch() {
	conf=$1 at=$2 port=$3; shift 3
	SOURCE_DATE_EPOCH=$at "$TLSRPT" -c "$conf" watch \
		--resolver "127.0.0.1:$DNS" --ca-file "$tmp/ca.crt" --timeout 5 \
		--https-port "$WEB" --port "$port" "$@"
}

# suite KIND DATABASE SQL-COMMAND: the probe history on one store;
# SQL-COMMAND prints the answer of one query, fields split by "|".
suite() {
	kind=$1 db=$2 q=$3
	conf="$tmp/$kind.conf"
	extra=
	[ "$kind" = postgresql ] && extra="DatabasePasswordFile $PG_PASSFILE"
	printf 'Database %s\n%s\n' "$db" "$extra" >"$conf"
	printf 'Database %s\n%s\nWatchDomains w.test, two.test\n' "$db" "$extra" >"$tmp/$kind-watch.conf"

	t0=$now
	expect_rc "$kind: check --record of a healthy domain" 0 run "$conf" $t0 "$A30" w.test
	expect_eq "$kind: ... stores the domain and its MX" \
		"$($q "SELECT mx FROM probes ORDER BY mx")" "$(printf '\nmx.w.test')"
	expect_eq "$kind: ... the MX row: STARTTLS, SPKI, TLSA seen and matched" \
		"$($q "SELECT starttls, spki_sha256, tlsa, tlsa_match, sts_covered, cert_names, coalesce(result_type, 'none') FROM probes WHERE mx = 'mx.w.test'")" \
		"1|$spki_a|3 1 1 $spki_a match|1|1|mx.w.test, mx2.w.test|none"
	na=$($q "SELECT cert_not_after FROM probes WHERE mx = 'mx.w.test'")
	[ $((na - now)) -gt $((29 * day)) ] && [ $((na - now)) -le $((30 * day + 60)) ] &&
		ok "$kind: ... the certificate's not-after, 30 days ahead" ||
		bad "$kind: ... the certificate's not-after ($na, now $now)"
	expect_eq "$kind: ... the domain row: TLS-RPT record, STS id, mode, max_age, policy" \
		"$($q "SELECT tlsrpt_record, sts_id, sts_mode, sts_max_age, length(sts_policy) FROM probes WHERE mx = ''")" \
		"v=TLSRPTv1; rua=mailto:tlsrpt@w.test|20260101|enforce|604800|59"
	expect_eq "$kind: ... the TLSA answer DNSSEC-validated (AD bit)" \
		"$($q "SELECT tlsa_dnssec FROM probes WHERE mx = 'mx.w.test'")" 1
	case $($q "SELECT tls_version FROM probes WHERE mx = 'mx.w.test'") in
	TLSv1.2|TLSv1.3) ok "$kind: ... the TLS version" ;;
	*) bad "$kind: ... the TLS version" ;;
	esac

	expect_rc "$kind: the same an hour later" 0 run "$conf" $((t0 + 3600)) "$A30" w.test
	expect_eq "$kind: ... stores nothing new" "$($q "SELECT count(*) FROM probes")" 2
	expect_eq "$kind: ... but says when it last ran" \
		"$($q "SELECT last_run FROM probe_runs WHERE domain = 'w.test'")" $((t0 + 3600))
	expect_rc "$kind: the same a day later" 0 run "$conf" $((t0 + day)) "$A30" w.test
	expect_eq "$kind: ... stores the daily heartbeat" "$($q "SELECT count(*) FROM probes")" 4
	expect_rc "$kind: STARTTLS gone a minute later" 2 run "$conf" $((t0 + day + 60)) "$PLAIN" w.test
	expect_eq "$kind: ... stores the MX row only" "$($q "SELECT count(*) FROM probes")" 5
	expect_eq "$kind: ... saying STARTTLS is not offered" \
		"$($q "SELECT starttls, result_type FROM probes WHERE run_time = $((t0 + day + 60))")" \
		"0|starttls-not-supported"

	# Old rows: a run 100 days ago of another domain; prune takes them.
	expect_rc "$kind: a run recorded 100 days ago" 2 run "$conf" $((t0 - 100 * day)) "$A30" two.test
	expect_eq "$kind: ... three rows (the domain, two MX)" \
		"$($q "SELECT count(*) FROM probes WHERE domain = 'two.test'")" 3
	expect_rc "$kind: prune --dry-run" 0 "$TLSRPT" db prune -c "$conf" --older-than 30 --dry-run
	expect_in "$kind: ... counts the old probe rows" "$tmp/out" "would prune 3 probe rows"
	expect_rc "$kind: prune" 0 "$TLSRPT" db prune -c "$conf" --older-than 30
	expect_in "$kind: ... says so" "$tmp/out" "pruned 3 probe rows"
	expect_eq "$kind: ... and only the old rows went" "$($q "SELECT count(*) FROM probes")" 5

	# tlsrpt watch: every WatchDomains domain; none is not an error.
	expect_rc "$kind: watch with WatchDomains empty" 0 watch "$conf" $((t0 + day + 120)) "$A30"
	expect_in "$kind: ... says there is nothing to check" "$tmp/out" "WatchDomains is empty"
	expect_rc "$kind: watch: the worst exit status of its domains" 2 \
		watch "$tmp/$kind-watch.conf" $((t0 + day + 120)) "$A30"
	expect_in "$kind: ... w.test passes" "$tmp/out" "== w.test: pass"
	expect_in "$kind: ... two.test fails" "$tmp/out" "== two.test: fail, 3 probe rows stored"
	expect_eq "$kind: ... and both runs are recorded" \
		"$($q "SELECT count(*) FROM probe_runs WHERE last_run = $((t0 + day + 120))")" 2
	expect_rc "$kind: --record with a verb is a usage error" 2 \
		"$TLSRPT" -c "$conf" check --record mx mx.w.test
	expect_in "$kind: ... saying why" "$tmp/err" "--record goes with --domain DOMAIN alone"
	alerts "$kind" "$conf"
}

# alerts KIND CONF: `tlsrpt report` turns the latest probes into insights.
alerts() {
	kind=$1 conf=$2
	t1=$((now + day + 600))
	run "$conf" $t1 "$A30" w.test >/dev/null
	run "$conf" $((t1 + 60)) "$PLAIN" w.test >/dev/null	# STARTTLS gone
	run "$conf" $t1 "$A2" exp2.test >/dev/null
	run "$conf" $t1 "$A10" exp10.test >/dev/null
	run "$conf" $t1 "$B30" nexted.test >/dev/null		# the next key, published
	run "$conf" $t1 "$B30" two.test >/dev/null		# rolled over, unpublished
	run "$conf" $t1 "$B30" unsig.test >/dev/null		# the same, zone unsigned
	run "$conf" $t1 "$A30" stale.test >/dev/null
	printf 'version: STSv1\nmode: testing\nmx: mx.w.test\nmx: mx9.w.test\nmax_age: 604800\n' \
		>"$tmp/docs/mta-sts.stale.test"
	run "$conf" $((t1 + 60)) "$A30" stale.test >/dev/null
	printf 'version: STSv1\nmode: testing\nmx: mx.w.test\nmax_age: 604800\n' \
		>"$tmp/docs/mta-sts.stale.test"
	# Reports naming the same MX hosts: the probe goes beside them.
	rday=$(date -u -d @$((t1 - day)) +%F)
	mkdir -p "$tmp/reports"
	for d in exp2.test:certificate-expired w.test:starttls-not-supported; do
		cat >"$tmp/reports/${d%%:*}.json" <<JSON
{"organization-name":"Watch Sender","date-range":{"start-datetime":"${rday}T00:00:00Z",
"end-datetime":"${rday}T23:59:59Z"},"contact-info":"tlsrpt@sender.example",
"report-id":"w-${d%%:*}","policies":[{"policy":{"policy-type":"sts","policy-domain":"${d%%:*}",
"policy-string":["version: STSv1","mode: enforce","mx: mx.w.test","max_age: 604800"],
"mx-host":["mx.w.test"]},"summary":{"total-successful-session-count":10,
"total-failure-session-count":5},"failure-details":[{"result-type":"${d#*:}",
"sending-mta-ip":"192.0.2.1","receiving-mx-hostname":"mx.w.test","failed-session-count":5}]}]}
JSON
	done
	expect_rc "$kind: import reports about the probed MX hosts" 0 \
		"$TLSRPT" -c "$conf" import --no-verify "$tmp/reports"
	rep() { SOURCE_DATE_EPOCH=$((t1 + 120)) "$TLSRPT" -c "$conf" report --days 7 \
		--include-unverified "$@"; }
	expect_rc "$kind: report --format json with probes" 0 rep --format json
	cp "$tmp/out" "$tmp/$kind.json"
	ins() {	# KIND DOMAIN MX: "severity|title|fix" of that insight
		python3 - "$tmp/$kind.json" "$@" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
for i in m["insights"]:
    if i["kind"] == sys.argv[2] and i["domain"] == sys.argv[3] and \
       (i["mx_host"] or "") == sys.argv[4]:
        print("%s|%s|%s|%s" % (i["severity"], i["title"], i["fix"], " / ".join(i["evidence"])))
PY
	}
	rins() {	# DOMAIN RESULT-TYPE: evidence and probe of the report insight
		python3 - "$tmp/$kind.json" "$@" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
for i in m["insights"]:
    if i.get("source") != "probe" and i["domain"] == sys.argv[2] and \
       i["mx_host"] == "mx.w.test" and "probe" in i:
        print("%s|%s|%s" % (i["probe"]["passes"], i["probe"]["summary"], i["evidence"][-1]))
        break
PY
	}
	out=$(rins exp2.test)
	case $out in
	"True|probe 20"*": now passes (the problem looks fixed)|probe 20"*"now passes"*)
		ok "$kind: a reported MX whose latest probe passes says it looks fixed" ;;
	*) bad "$kind: a reported MX whose probe passes ($out)" ;;
	esac
	out=$(rins w.test)
	case $out in
	"False|probe 20"*": STARTTLS not offered|"*) ok "$kind: a reported MX whose probe confirms it" ;;
	*) bad "$kind: a reported MX whose probe confirms it ($out)" ;;
	esac
	out=$(ins mx-certificate-expiry exp2.test mx.w.test)
	case $out in
	"critical|The certificate of MX mx.w.test expires on "*"(in 0 days)|Renew"*|\
	"critical|The certificate of MX mx.w.test expires on "*"(in 1 day)|Renew"*)
		ok "$kind: a certificate expiring in 2 days is critical, with the date" ;;
	*) bad "$kind: a certificate expiring in 2 days is critical ($out)" ;;
	esac
	out=$(ins mx-certificate-expiry exp10.test mx.w.test)
	case $out in
	"warning|The certificate of MX mx.w.test expires on "*"(in 8 days)|"*|\
	"warning|The certificate of MX mx.w.test expires on "*"(in 9 days)|"*)
		ok "$kind: one expiring in 10 days is a warning" ;;
	*) bad "$kind: one expiring in 10 days is a warning ($out)" ;;
	esac
	expect_eq "$kind: ... one valid for 30 days is no alert" \
		"$(ins mx-certificate-expiry nexted.test mx.nexted.test)" ""
	out=$(ins tlsa-key-mismatch two.test mx.w.test)
	case $out in
	"critical|"*"_25._tcp.mx.w.test. IN TLSA 3 1 1 $spki_b,"*)
		ok "$kind: a rollover without a published record: critical, with the record" ;;
	*) bad "$kind: a rollover without a published record ($out)" ;;
	esac
	out=$(ins tlsa-key-mismatch unsig.test mx.unsig.test)
	case $out in
	"warning|"*"once the zone is DNSSEC-signed|"*"_25._tcp.mx.unsig.test. IN TLSA 3 1 1 $spki_b,"*)
		ok "$kind: ... in an unsigned zone only a warning (senders ignore the records)" ;;
	*) bad "$kind: ... in an unsigned zone ($out)" ;;
	esac
	out=$(ins tlsa-next-key nexted.test mx.nexted.test)
	case $out in
	"info|MX mx.nexted.test: 1 TLSA record matches no served key: a pre-published next key|"*)
		ok "$kind: a record matching no served key beside one that does: the next key" ;;
	*) bad "$kind: a pre-published next key ($out)" ;;
	esac
	expect_eq "$kind: ... and no mismatch alert for it" "$(ins tlsa-key-mismatch nexted.test mx.nexted.test)" ""
	expect_eq "$kind: ... whose unsigned TLSA answer is kept as such" \
		"$($q "SELECT DISTINCT tlsa_dnssec FROM probes WHERE mx = 'mx.nexted.test'")" 0
	out=$(ins tlsa-no-next-key exp10.test mx.w.test)
	case $out in
	"info|MX mx.w.test has one TLSA record and no next key pre-published|"*"--reuse-key"*)
		ok "$kind: one matching record only: no next key, and how to make one" ;;
	*) bad "$kind: no next key ($out)" ;;
	esac
	out=$(ins sts-id-stale stale.test "")
	case $out in
	"warning|The MTA-STS policy of stale.test changed but its id= did not"*"_mta-sts.stale.test. IN TXT"*)
		ok "$kind: a policy changed under the same id=" ;;
	*) bad "$kind: a stale id= ($out)" ;;
	esac
	out=$(ins sts-mx-not-covered two.test mx2.w.test)
	case $out in
	"critical|MX mx2.w.test matches no mx: line of the MTA-STS policy of two.test|Add \"mx: mx2.w.test\""*)
		ok "$kind: an MX missing from the policy" ;;
	*) bad "$kind: an MX missing from the policy ($out)" ;;
	esac
	out=$(ins sts-max-age-short two.test "")
	case $out in
	"warning|"*"max_age 3600, under a day|Set max_age: 604800"*) ok "$kind: max_age under a day in enforce" ;;
	*) bad "$kind: max_age under a day ($out)" ;;
	esac
	out=$(ins mx-starttls w.test mx.w.test)
	case $out in
	"critical|MX mx.w.test stopped offering STARTTLS|"*) ok "$kind: STARTTLS that disappeared" ;;
	*) bad "$kind: STARTTLS that disappeared ($out)" ;;
	esac
	python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); p=[x for x in m["probes"] if x["domain"]=="exp2.test" and x["mx_host"]=="mx.w.test"]; sys.exit(0 if len(p)==1 and p[0]["spki_sha256"]==sys.argv[2] and p[0]["tlsa_match"]==1 and "_fp" not in p[0] else 1)' \
		"$tmp/$kind.json" "$spki_a" && ok "$kind: the model lists the latest probes" ||
		bad "$kind: the model lists the latest probes"
	expect_rc "$kind: report --format prometheus" 0 rep --format prometheus
	expect_in "$kind: ... the certificate expiry" "$tmp/out" 'tlsrpt_mx_certificate_expiry_seconds{domain="exp2.test",mx="mx.w.test"}'
	expect_in "$kind: ... the TLSA match" "$tmp/out" 'tlsrpt_mx_tlsa_match{domain="two.test",mx="mx.w.test"} 0'
	expect_in "$kind: ... the last run" "$tmp/out" "tlsrpt_probe_last_run_seconds{domain=\"stale.test\"} $((t1 + 60))"
	expect_rc "$kind: report --check fails on the critical alerts" 2 rep --check
	expect_rc "$kind: report (text) shows them" 0 rep
	tr '\n' ' ' <"$tmp/out" | tr -s ' ' >"$tmp/text1"
	expect_in "$kind: ... with the record to publish" "$tmp/text1" "_25._tcp.mx.w.test. IN TLSA 3 1 1 $spki_b"
}

sq() { sqlite3 "$tmp/w.db" "$1"; }
suite sqlite "sqlite:$tmp/w.db" sq

# The shipped timer: every 6 hours with a random delay, the service as
# _tlsrpt with the milter unit's hardening; systemd-analyze verify finds
# nothing (ExecStart pointed at the built binary, no man pages here).
units=$srcdir/contrib/systemd
if command -v systemd-analyze >/dev/null 2>&1; then
	mkdir "$tmp/units"
	sed "s|/usr/bin/tlsrpt|$TLSRPT|" "$units/tlsrpt-watch.service" >"$tmp/units/tlsrpt-watch.service"
	cp "$units/tlsrpt-watch.timer" "$tmp/units/"
	systemd-analyze verify --man=no "$tmp/units/tlsrpt-watch.timer" \
		"$tmp/units/tlsrpt-watch.service" >"$tmp/verify.out" 2>&1 && [ ! -s "$tmp/verify.out" ] &&
		ok "systemd-analyze verify: timer and service clean" ||
		{ bad "systemd-analyze verify"; cat "$tmp/verify.out"; }
	cal=$(sed -n 's/^OnCalendar=//p' "$units/tlsrpt-watch.timer")
	systemd-analyze calendar --iterations=3 "$cal" >"$tmp/cal.out" 2>&1
	grep -Eo '[0-9]{2}:00:00' "$tmp/cal.out" | head -n 3 | tr '\n' ' ' >"$tmp/cal.times"
	case $(cat "$tmp/cal.times") in
	"00:00:00 06:00:00 12:00:00 "|"06:00:00 12:00:00 18:00:00 "|"12:00:00 18:00:00 00:00:00 "|\
	"18:00:00 00:00:00 06:00:00 ") ok "the timer fires every 6 hours" ;;
	*) bad "the timer fires every 6 hours ($(cat "$tmp/cal.times"))" ;;
	esac
else
	tl_skip_part "systemd-analyze verify" "no systemd-analyze"
fi
grep -q '^RandomizedDelaySec=' "$units/tlsrpt-watch.timer" && ok "... with a random delay" ||
	bad "... with a random delay"
grep -q '^User=_tlsrpt$' "$units/tlsrpt-watch.service" && ok "the service runs as _tlsrpt" ||
	bad "the service runs as _tlsrpt"
missing=$(grep -E '^(Protect|Restrict|Private|NoNewPrivileges|LockPersonality|CapabilityBoundingSet|SystemCall)' \
    "$units/tlsrpt-milter.service" | grep -vxF -f "$units/tlsrpt-watch.service" | tr '\n' ' ')
[ -z "$missing" ] && ok "the service has the milter unit's hardening" ||
	bad "the service lacks the milter unit's: $missing"
grep -q '^ExecStart=/usr/bin/tlsrpt -c /etc/tlsrpt-milter.conf watch' "$units/tlsrpt-watch.service" &&
	ok "the service runs tlsrpt watch" || bad "the service runs tlsrpt watch"

pq() { pg_psql -tAc "$1"; }
if [ "$(id -u)" -eq 0 ] && pg_find_bin && id postgres >/dev/null 2>&1 &&
    command -v runuser >/dev/null 2>&1; then
	chmod 755 "$tmp"
	if pg_setup "$tmp/pg"; then
		trap tl_cleanup EXIT
		suite postgresql "$PG_URI" pq
	else
		bad "postgresql: the private server did not start"
	fi
else
	tl_skip_part postgresql "needs root and the PostgreSQL server binaries"
fi
tl_finish
