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
	-addext "subjectAltName=DNS:mta-sts.w.test,DNS:mta-sts.two.test" 2>/dev/null &&
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
cat >zone <<ZONE
_smtp._tls.w.test TXT v=TLSRPTv1; rua=mailto:tlsrpt@w.test
_mta-sts.w.test TXT v=STSv1; id=20260101
mta-sts.w.test A 127.0.0.1
w.test MX 10 mx.w.test
mx.w.test A 127.0.0.1
_25._tcp.mx.w.test TLSA 3 1 1 $spki_a
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
}

sq() { sqlite3 "$tmp/w.db" "$1"; }
suite sqlite "sqlite:$tmp/w.db" sq

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
