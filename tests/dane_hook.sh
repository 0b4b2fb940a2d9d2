#!/bin/sh
# dane_hook.sh - contrib/certbot/tlsrpt-dane-hook against fake certbot
# lineages (archive/NAME/*N.pem, live/NAME/*.pem symlinks, as certbot
# leaves them when deploy hooks run) and the loopback DNS server of
# tests/check_servers.py: a renewed key without a published, validated
# 3 1 1 record is refused and the old certificate stays live (also after
# certbot's own re-linking rule), a published one is accepted, and
# --release deploys a held certificate once its record is out.
set -u
: "${TLSRPT:?TLSRPT must name the tlsrpt binary}"
srcdir=$(cd "${srcdir:-.}" && pwd)
. "$srcdir/tests/testlib.sh"
tl_init dane_hook
tl_need_tools openssl python3
HOOK=$srcdir/contrib/certbot/tlsrpt-dane-hook
pid=
stop_servers() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; }
tl_tmpdir stop_servers
cd "$tmp" || exit 1

# Two key pairs: the one live now, and the one a renewal brings.
for v in old new; do
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$v.key" -out "$v.crt" -subj "/CN=mx.hook.test" \
		-addext "subjectAltName=DNS:mx.hook.test" -days 30 2>/dev/null
	[ -s "$v.crt" ] || { echo "FAIL: openssl could not make $v.crt"; exit 1; }
done
# The independent oracle for the records: openssl's DER, hashed.
digest() { openssl pkey -in "$1" -pubout -outform DER | openssl dgst -sha256 -r | cut -d' ' -f1; }
old=$(digest old.key) new=$(digest new.key)

# lineage DIR NAME: a certbot lineage just renewed from version 1 (old)
# to 2 (new), live/ pointing at 2 with relative links.
lineage() {
	a=$1/archive/$2 l=$1/live/$2
	mkdir -p "$a" "$l"
	for v in 1 2; do
		k=$([ $v = 1 ] && echo old || echo new)
		cp "$k.crt" "$a/cert$v.pem"; cp "$k.key" "$a/privkey$v.pem"
		cp "$k.crt" "$a/chain$v.pem"; cat "$k.crt" "$k.crt" >"$a/fullchain$v.pem"
	done
	for kind in cert chain fullchain privkey; do
		ln -s "../../archive/$2/${kind}2.pem" "$l/$kind.pem"
	done
}
# points DIR NAME: the version each live link names, e.g. "1 1 1 1".
points() {
	for kind in cert chain fullchain privkey; do
		readlink "$1/live/$2/$kind.pem" | sed 's/.*[a-z]\([0-9]*\)\.pem$/\1/'
	done | tr '\n' ' ' | sed 's/ $//'
}
# certbot_latest DIR NAME: the newest complete version certbot sees in
# archive/ (files named kindN.pem), which `certbot renew` re-links to.
certbot_latest() {
	for kind in cert chain fullchain privkey; do
		ls "$1/archive/$2" | sed -n "s/^$kind\([0-9][0-9]*\)\.pem\$/\1/p"
	done | sort -n | uniq -c | awk '$1 == 4 { v = $2 } END { print v }'
}

cat >zone <<ZONE
_25._tcp.mx.hook.test TLSA 3 1 1 $old
_25._tcp.mx.both.test TLSA 3 1 1 $old
_25._tcp.mx.both.test TLSA 3 1 1 $new
_25._tcp.mx.unsigned.test TLSA 3 1 1 $old
_25._tcp.mx.unsigned.test TLSA 3 1 1 $new
_25._tcp.mx.unsigned.test INSECURE -
www.hook.test A 127.0.0.1
ZONE
python3 "$srcdir/tests/check_servers.py" "$tmp/ports" --zone zone 2>"$tmp/servers.log" &
pid=$!
i=0
while [ ! -s "$tmp/ports" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -s "$tmp/ports" ] || { echo "FAIL: DNS server did not start"; cat "$tmp/servers.log"; exit 1; }
. "$tmp/ports"

# hook DIR NAME MX...: run the hook as certbot would, for lineage NAME.
hook() {
	d=$1 n=$2; shift 2
	env RENEWED_LINEAGE="$tmp/$d/live/$n" RENEWED_DOMAINS="$*" \
		TLSRPT_DANE_RESOLVER="127.0.0.1:$DNS" TLSRPT="$TLSRPT" \
		TLSRPT_DANE_CONF=/nonexistent sh "$HOOK"
}

# Refused: the TLSA RRset holds only the old key's record.
lineage refuse ex
expect_rc "no record for the new key: refused" 1 hook refuse ex mx.hook.test
expect_eq "... live/ points at the old certificate again" "$(points refuse ex)" "1 1 1 1"
cmp -s refuse/live/ex/cert.pem old.crt && cmp -s refuse/live/ex/privkey.pem old.key &&
	ok "... and serves the old certificate and key" || bad "... and serves the old certificate and key"
expect_eq "... certbot renew would not re-link the new one" "$(certbot_latest refuse ex)" "1"
[ -f refuse/archive/ex/cert2.pem.held ] && [ -f refuse/archive/ex/privkey2.pem.held ] &&
	ok "... which is held in archive/" || bad "... which is held in archive/ ($(ls refuse/archive/ex))"
expect_in "... the output names the record to publish" "$tmp/out" \
	"_25._tcp.mx.hook.test. IN TLSA 3 1 1 $new"
expect_in "... and says REFUSED" "$tmp/out" "REFUSED: $tmp/refuse/live/ex keeps version 1"
expect_in "... and how to release it" "$tmp/out" "--release $tmp/refuse/live/ex"
expect_not_in "... no private key in the output" "$tmp/out" "PRIVATE"

# Still not published: --release keeps it held.
expect_rc "release before the record is out" 1 env TLSRPT_DANE_MX=mx.hook.test \
	TLSRPT_DANE_RESOLVER="127.0.0.1:$DNS" TLSRPT="$TLSRPT" sh "$HOOK" --release "$tmp/refuse/live/ex"
expect_eq "... live/ unchanged" "$(points refuse ex)" "1 1 1 1"
# Published (mx.both.test carries both records): --release deploys it.
expect_rc "release once the record is out" 0 env TLSRPT_DANE_MX=mx.both.test \
	TLSRPT_DANE_RESOLVER="127.0.0.1:$DNS" TLSRPT="$TLSRPT" sh "$HOOK" --release "$tmp/refuse/live/ex"
expect_eq "... live/ points at the released version" "$(points refuse ex)" "2 2 2 2"
cmp -s refuse/live/ex/cert.pem new.crt && cmp -s refuse/live/ex/privkey.pem new.key &&
	ok "... which is the new certificate and key" || bad "... which is the new certificate and key"
expect_eq "... and is certbot's latest" "$(certbot_latest refuse ex)" "2"

# Accepted: both records published and validated.
lineage accept ex
expect_rc "the new key's record is published: accepted" 0 hook accept ex mx.both.test
expect_eq "... the new certificate stays live" "$(points accept ex)" "2 2 2 2"
expect_in "... and says why" "$tmp/out" "published (DNSSEC-validated): _25._tcp.mx.both.test. IN TLSA 3 1 1 $new"
# A certificate name with no TLSA records is no DANE MX: skipped.
lineage nodane ex
expect_rc "a name without TLSA is skipped" 0 hook nodane ex www.hook.test mx.both.test
expect_in "... and said so" "$tmp/out" "www.hook.test: no TLSA records, DANE not in use there: skipped"
expect_eq "... the new certificate stays live" "$(points nodane ex)" "2 2 2 2"
# Every MX name must publish it: one without the record refuses.
lineage mixed ex
expect_rc "published at one MX, not at another: refused" 1 hook mixed ex mx.both.test mx.hook.test
expect_eq "... the old certificate is live" "$(points mixed ex)" "1 1 1 1"
# Not DNSSEC-validated (no AD bit): refused, however right the records.
lineage unsigned ex
expect_rc "records without DNSSEC validation: refused" 1 hook unsigned ex mx.unsigned.test
expect_in "... says why" "$tmp/out" "not DNSSEC-validated"
expect_eq "... the old certificate is live" "$(points unsigned ex)" "1 1 1 1"
# DNS fails (nobody at the resolver's port): refused.
lineage nodns ex
expect_rc "lookup fails: refused" 1 env RENEWED_LINEAGE="$tmp/nodns/live/ex" RENEWED_DOMAINS=mx.both.test \
	TLSRPT_DANE_RESOLVER=127.0.0.1:1 TLSRPT="$TLSRPT" TLSRPT_DANE_CONF=/nonexistent \
	TLSRPT_DANE_MX= sh "$HOOK"
expect_eq "... the old certificate is live" "$(points nodns ex)" "1 1 1 1"

# The configuration file names the MX hosts (the certificate's names
# would skip them) and the resolver.
lineage conf ex
printf '# test\nTLSRPT_DANE_MX = "mx.hook.test"  # the MX\nTLSRPT_DANE_RESOLVER=127.0.0.1:%s\n' "$DNS" >hook.conf
expect_rc "MX names from the configuration file" 1 env RENEWED_LINEAGE="$tmp/conf/live/ex" \
	RENEWED_DOMAINS=www.hook.test TLSRPT="$TLSRPT" TLSRPT_DANE_CONF="$tmp/hook.conf" sh "$HOOK"
expect_in "... are checked" "$tmp/out" "mx.hook.test: not published"

# Errors change nothing.
lineage bad ex
expect_rc "no RENEWED_LINEAGE" 2 env -u RENEWED_LINEAGE TLSRPT="$TLSRPT" sh "$HOOK"
expect_rc "tlsrpt not found" 2 env RENEWED_LINEAGE="$tmp/bad/live/ex" RENEWED_DOMAINS=mx.hook.test \
	TLSRPT=/nonexistent/tlsrpt TLSRPT_DANE_CONF=/nonexistent sh "$HOOK"
rm bad/live/ex/chain.pem && cp old.crt bad/live/ex/chain.pem
expect_rc "not a certbot lineage" 2 hook bad ex mx.hook.test
expect_in "... says why" "$tmp/err" "chain.pem: not a symlink"
expect_eq "... nothing moved" "$(readlink bad/live/ex/cert.pem)" "../../archive/ex/cert2.pem"

tl_finish
