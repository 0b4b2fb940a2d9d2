#!/bin/sh
# check_live.sh - `tlsrpt check --domain` and `tlsrpt check mx` against
# loopback servers (tests/check_servers.py): a DNS server with test zones,
# HTTPS policy servers and SMTP servers with certificates made here by a
# test CA.  Each problem must come out with its TLS-RPT result type and
# the right exit code; a healthy domain must pass.
set -u
: "${TLSRPT:?TLSRPT must name the tlsrpt binary}"
srcdir=$(cd "${srcdir:-.}" && pwd)
. "$srcdir/tests/testlib.sh"
tl_init check_live
tl_need_tools openssl python3
pid=
stop_servers() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; }
tl_tmpdir stop_servers

# --- Certificates: a test CA, leaves signed by it, and strays. ---
cd "$tmp" || exit 1
ec="-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes"
openssl req -x509 $ec -keyout ca.key -out ca.crt -subj "/CN=check test CA" -days 30 2>/dev/null
# leaf NAME DAYS SANS...: NAME.crt/.key signed by the CA, valid DAYS days.
leaf() {
	n=$1 days=$2; shift 2
	san=$(printf 'DNS:%s,' "$@"); san=${san%,}
	openssl req $ec -keyout "$n.key" -out "$n.csr" -subj "/CN=$1" \
		-addext "subjectAltName=$san" 2>/dev/null &&
	openssl x509 -req -in "$n.csr" -CA ca.crt -CAkey ca.key -CAcreateserial \
		-days "$days" -copy_extensions copy -out "$n.crt" 2>/dev/null
}
leaf good 30 mx.good.test mx.tlsabad.test mx.mxnot.test
leaf expired -1 mx.good.test
# Same key as "good", so the TLSA records still match: only the date is wrong.
openssl req -new -key good.key -out soon.csr -subj "/CN=mx.good.test" \
	-addext "subjectAltName=DNS:mx.good.test" 2>/dev/null &&
openssl x509 -req -in soon.csr -CA ca.crt -CAkey ca.key -CAcreateserial \
	-days 5 -copy_extensions copy -out soon.crt 2>/dev/null
cp good.key soon.key
# The good server sends its chain, so DANE-TA (usage 2) can match the CA.
cat good.crt ca.crt >goodchain.crt
leaf web 30 mta-sts.good.test mta-sts.badpol.test mta-sts.fetch404.test \
	mta-sts.redirect.test mta-sts.mxnot.test
leaf webexpired -1 mta-sts.good.test
leaf webwrong 30 mta-sts.other.test
openssl req -x509 $ec -keyout self.key -out self.crt -subj "/CN=mx.good.test" \
	-addext "subjectAltName=DNS:mx.good.test,DNS:mta-sts.good.test" -days 30 2>/dev/null
[ -s good.crt ] && [ -s expired.crt ] && [ -s web.crt ] && [ -s self.crt ] ||
	{ echo "FAIL: openssl could not make the test certificates"; exit 1; }
spki_sha256=$(openssl x509 -in good.crt -pubkey -noout | openssl pkey -pubin -outform DER |
	openssl dgst -sha256 -r | cut -d' ' -f1)
cert_sha512=$(openssl x509 -in good.crt -outform DER | openssl dgst -sha512 -r | cut -d' ' -f1)
ca_spki_sha256=$(openssl x509 -in ca.crt -pubkey -noout | openssl pkey -pubin -outform DER |
	openssl dgst -sha256 -r | cut -d' ' -f1)
# The next key of a DANE rollover: published before any server uses it.
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out next.key 2>/dev/null
next_sha256=$(openssl pkey -in next.key -pubout -outform DER | openssl dgst -sha256 -r | cut -d' ' -f1)

# --- Zones and policies. ---
mkdir docs
policy() { printf 'version: STSv1\nmode: enforce\nmx: %s\nmax_age: 604800\n' "$2" >"docs/mta-sts.$1"; }
policy good.test mx.good.test
policy mxnot.test mx.elsewhere.test
printf 'version: STSv1\nmode: enforce\nmax_age: 604800\n' >docs/mta-sts.badpol.test
echo "https://mta-sts.good.test/.well-known/mta-sts.txt" >docs/mta-sts.redirect.test.redirect
: >zone
# domain D MX [extra]: record, MTA-STS TXT, A for mta-sts.D and the MX.
domain() {
	cat >>zone <<ZONE
_smtp._tls.$1 TXT v=TLSRPTv1; rua=mailto:tlsrpt@$1
_mta-sts.$1 TXT v=STSv1; id=20260101
mta-sts.$1 A 127.0.0.1
$1 MX 10 $2
$2 A 127.0.0.1
ZONE
}
domain good.test mx.good.test
domain badpol.test mx.good.test
domain fetch404.test mx.good.test
domain redirect.test mx.good.test
domain mxnot.test mx.good.test
cat >>zone <<ZONE
_25._tcp.mx.good.test TLSA 3 1 1 $spki_sha256
_25._tcp.mx.good.test TLSA 3 0 2 $cert_sha512
_25._tcp.mx.good.test TLSA 2 1 1 $ca_spki_sha256
_smtp._tls.mx.good.test TXT v=TLSRPTv1; rua=mailto:tlsrpt@good.test
mx.mxnot.test A 127.0.0.1
_25._tcp.mx.mxnot.test TLSA 3 1 1 $spki_sha256
_25._tcp.mx.mxnot.test TLSA 3 1 1 $next_sha256
_smtp._tls.danenorec.test TXT v=TLSRPTv1; rua=mailto:reports@danenorec.test
danenorec.test MX 10 mx.mxnot.test
_smtp._tls.nodane.test TXT v=TLSRPTv1; rua=mailto:reports@nodane.test
nodane.test MX 10 mx.wrongname.test
mx.tlsabad.test A 127.0.0.1
_25._tcp.mx.tlsabad.test TLSA 3 1 1 0000000000000000000000000000000000000000000000000000000000000000
mx.wrongname.test A 127.0.0.1
_smtp._tls.norecord.test TXT v=spf1 -all
norecord.test MX 10 mx.good.test
_smtp._tls.tworecords.test TXT v=TLSRPTv1; rua=mailto:a@tworecords.test
_smtp._tls.tworecords.test TXT v=TLSRPTv1; rua=mailto:b@tworecords.test
tworecords.test MX 10 mx.good.test
ZONE

python3 "$srcdir/tests/check_servers.py" "$tmp/ports" --zone zone \
	--https "WEB:web.crt:web.key:docs" --https "WEBSELF:self.crt:self.key:docs" \
	--https "WEBEXPIRED:webexpired.crt:webexpired.key:docs" \
	--https "WEBWRONG:webwrong.crt:webwrong.key:docs" \
	--smtp "GOOD:goodchain.crt:good.key" --smtp "EXPIRED:expired.crt:expired.key" \
	--smtp "SOON:soon.crt:soon.key" --smtp "SELF:self.crt:self.key" \
	--smtp "PLAIN:none" --smtp "OLD:good.crt:good.key:tls11" 2>"$tmp/servers.log" &
pid=$!
i=0
while [ ! -s "$tmp/ports" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -s "$tmp/ports" ] || { echo "FAIL: test servers did not start"; cat "$tmp/servers.log"; exit 1; }
. "$tmp/ports"
cd / || exit 1

run() { "$TLSRPT" check --resolver "127.0.0.1:$DNS" --ca-file "$tmp/ca.crt" --timeout 5 "$@"; }

# A healthy domain: record, policy, MX in policy, trusted cert, TLSA.
expect_rc "a good domain passes" 0 run --https-port "$WEB" --port "$GOOD" --domain good.test
expect_in "the record is found" "$tmp/out" "valid TLS-RPT record, reports go to mailto:tlsrpt@good.test"
expect_in "the policy is fetched and valid" "$tmp/out" "valid policy: mode enforce, 1 mx"
expect_in "the MX is in the policy" "$tmp/out" "matches mx mx.good.test of the policy"
expect_in "STARTTLS works" "$tmp/out" "STARTTLS with TLSv1."
expect_in "the chain is trusted" "$tmp/out" "the chain leads to a trusted root"
expect_in "TLSA 3 1 1 matches the leaf" "$tmp/out" "TLSA 3 1 1 matches the certificate at depth 0"
expect_in "TLSA 3 0 2 matches the leaf" "$tmp/out" "TLSA 3 0 2 matches the certificate at depth 0"
expect_in "TLSA 2 1 1 matches the CA" "$tmp/out" "TLSA 2 1 1 matches the certificate at depth 1"
expect_in "the DANE MX's own TLS-RPT record is checked" "$tmp/out" \
	"record _smtp._tls.mx.good.test: valid TLS-RPT record, reports go to mailto:tlsrpt@good.test"
expect_not_in "... and its address in another domain is fine" "$tmp/out" "outside"
expect_rc "JSON for the good domain" 0 run --format json --https-port "$WEB" --port "$GOOD" --domain good.test
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d["status"]=="pass" and d["findings"] else 1)' "$tmp/out" \
	&& ok "JSON says pass" || bad "JSON says pass"

# The policy side.
expect_rc "policy web server with an untrusted certificate" 2 run --https-port "$WEBSELF" --port "$GOOD" --domain good.test
expect_in "... is sts-webpki-invalid" "$tmp/out" "[sts-webpki-invalid]"
expect_rc "policy web server with an expired certificate" 2 run --https-port "$WEBEXPIRED" --port "$GOOD" --domain good.test
expect_in "... is sts-webpki-invalid" "$tmp/out" "[sts-webpki-invalid]"
expect_rc "policy web server with a certificate for another name" 2 run --https-port "$WEBWRONG" --port "$GOOD" --domain good.test
expect_in "... is sts-webpki-invalid" "$tmp/out" "[sts-webpki-invalid]"
expect_not_in "... and the MX is not judged by a policy nobody got" "$tmp/out" "matches mx"
expect_rc "policy missing (404)" 2 run --https-port "$WEB" --port "$GOOD" --domain fetch404.test
expect_in "... is sts-policy-fetch-error" "$tmp/out" "HTTP status 404 [sts-policy-fetch-error]"
expect_rc "policy behind a redirect" 2 run --https-port "$WEB" --port "$GOOD" --domain redirect.test
expect_in "... is not followed: sts-policy-fetch-error" "$tmp/out" "senders do not follow redirects) [sts-policy-fetch-error]"
expect_rc "an invalid policy" 2 run --https-port "$WEB" --port "$GOOD" --domain badpol.test
expect_in "... is sts-policy-invalid" "$tmp/out" "mode enforce needs at least one \"mx:\" line [sts-policy-invalid]"
expect_rc "an MX outside the policy" 2 run --https-port "$WEB" --port "$GOOD" --domain mxnot.test
expect_in "... is named" "$tmp/out" "matches no mx line of the MTA-STS policy"
expect_in "... as certificate-host-mismatch" "$tmp/out" "will not deliver to it [certificate-host-mismatch]"
expect_rc "no policy web server at all" 2 run --https-port 1 --port "$GOOD" --domain good.test
expect_in "... is sts-policy-fetch-error" "$tmp/out" "[sts-policy-fetch-error]"

# The record side.
expect_rc "a TXT record that is not TLS-RPT" 2 run --https-port "$WEB" --port "$GOOD" --domain norecord.test
expect_in "... says senders ignore it" "$tmp/out" 'must start with "v=TLSRPTv1"'
expect_rc "two TLS-RPT records" 2 run --https-port "$WEB" --port "$GOOD" --domain tworecords.test
expect_in "... mean no reports" "$tmp/out" "2 TXT records start with v=TLSRPTv1"
expect_rc "a domain with no records" 2 run --https-port "$WEB" --port "$GOOD" --domain nothing.test
expect_in "... says no reports" "$tmp/out" "senders send no TLS-RPT reports"

# MX hosts one by one.
expect_rc "mx: a good host" 0 run --port "$GOOD" mx mx.good.test
expect_rc "mx: an expired certificate" 2 run --port "$EXPIRED" mx mx.good.test
expect_in "... is certificate-expired" "$tmp/out" "the certificate has expired [certificate-expired]"
expect_not_in "... and not also untrusted" "$tmp/out" "[certificate-not-trusted]"
expect_rc "mx: a certificate expiring in 5 days warns" 1 run --port "$SOON" mx mx.good.test
# 5 days minus the seconds since signing: 4, or 5 when the clocks round up.
grep -Eq "expires in [45] days: renew it before senders fail \[certificate-expired\]" "$tmp/out" &&
	ok "... with the days left" || bad "... with the days left ($(grep expires "$tmp/out"))"
expect_rc "mx: a self-signed certificate" 2 run --port "$SELF" mx mx.good.test
expect_in "... is certificate-not-trusted" "$tmp/out" "[certificate-not-trusted]"
expect_rc "mx: a certificate for another name" 2 run --port "$GOOD" mx mx.wrongname.test
expect_in "... is certificate-host-mismatch" "$tmp/out" "does not cover mx.wrongname.test (it names mx.good.test, mx.tlsabad.test, mx.mxnot.test) [certificate-host-mismatch]"
expect_rc "mx: no STARTTLS" 2 run --port "$PLAIN" mx mx.good.test
expect_in "... is starttls-not-supported" "$tmp/out" "[starttls-not-supported]"
expect_rc "mx: TLS 1.1 only" 2 run --port "$OLD" mx mx.good.test
expect_in "... is validation-failure" "$tmp/out" "(TLS 1.2 or newer is required) [validation-failure]"
expect_rc "mx: TLSA that matches nothing" 2 run --port "$GOOD" mx mx.tlsabad.test
expect_in "... is tlsa-invalid" "$tmp/out" "[tlsa-invalid]"
expect_in "... with the record that matches the served key" "$tmp/out" \
	"the record matching the served key: _25._tcp.mx.tlsabad.test. IN TLSA 3 1 1 $spki_sha256"
"$TLSRPT" tlsa "$tmp/good.key" >"$tmp/tlsa.out" 2>&1
expect_eq "... the same record tlsrpt tlsa prints" "$(cat "$tmp/tlsa.out")" "3 1 1 $spki_sha256"
expect_rc "mx: a pre-published next key beside the served one" 0 run --port "$GOOD" mx mx.mxnot.test
expect_in "... is called that" "$tmp/out" \
	"TLSA 3 1 1 matches no presented certificate: a pre-published next key (another record matches)"
expect_not_in "... and needs no fix" "$tmp/out" "the record matching the served key"
expect_rc "mx: after the switch to the next key, before its record" 2 run --port "$EXPIRED" mx mx.tlsabad.test
expect_in "... the fix names the new key" "$tmp/out" \
	"IN TLSA 3 1 1 $(openssl pkey -in "$tmp/expired.key" -pubout -outform DER | openssl dgst -sha256 -r | cut -d' ' -f1)"
expect_not_in "... and nothing is a next key" "$tmp/out" "pre-published"

# DANE's own TLS-RPT record: at each MX host with TLSA records.
expect_rc "a DANE MX without its own TLS-RPT record warns" 1 run --https-port "$WEB" --port "$GOOD" --domain danenorec.test
expect_in "... says why" "$tmp/out" \
	"record _smtp._tls.mx.mxnot.test: no such name (NXDOMAIN): this MX uses DANE"
expect_in "... with the record to publish, the domain's own" "$tmp/out" \
	'publish: _smtp._tls.mx.mxnot.test. IN TXT "v=TLSRPTv1; rua=mailto:reports@danenorec.test"'
expect_rc "... as JSON" 1 run --format json --https-port "$WEB" --port "$GOOD" --domain danenorec.test
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); f=[x for x in d["findings"] if x["id"]=="dane-record-none"]; sys.exit(0 if len(f)==1 and f[0]["level"]=="warning" else 1)' "$tmp/out" \
	&& ok "... one dane-record-none warning" || bad "... one dane-record-none warning"
expect_rc "an MX without TLSA needs no record of its own" 2 run --https-port "$WEB" --port "$GOOD" --domain nodane.test
expect_not_in "... and gets no such warning" "$tmp/out" "_smtp._tls.mx.wrongname.test"
expect_rc "check mx --domain does not ask for it" 0 run --port "$GOOD" mx --domain danenorec.test
expect_not_in "... nor warns about the record" "$tmp/out" "this MX uses DANE"

expect_rc "mx: nobody listening" 2 run --port 1 mx mx.good.test
expect_in "... says so" "$tmp/out" "connect to 127.0.0.1 port 1"
expect_rc "mx --domain checks every MX" 0 run --port "$GOOD" mx --domain good.test
expect_in "... the MX of good.test" "$tmp/out" "mx mx.good.test: STARTTLS with"
expect_rc "a bad --resolver is a usage error" 2 "$TLSRPT" check --resolver nowhere mx mx.good.test
expect_in "... that says why" "$tmp/err" "--resolver wants IPV4:PORT"

tl_finish
