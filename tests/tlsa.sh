#!/bin/sh
# tlsa.sh - `tlsrpt tlsa`: the record data for certificates, chains,
# public and private keys (RSA, EC, Ed25519), each compared with what
# openssl computes on its own (`openssl pkey -pubout -outform DER |
# sha256sum` and friends), the zone line with --name, and the errors:
# missing, non-PEM, malformed and encrypted input, bad options.  No
# private key material may reach the output.
set -u
: "${TLSRPT:?TLSRPT must name the tlsrpt binary}"
. "${srcdir:-.}/tests/testlib.sh"
tl_init tlsa
tl_need_tools openssl sha256sum sha512sum
tl_tmpdir
cd "$tmp" || exit 1

openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa.key 2>/dev/null
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ec.key 2>/dev/null
openssl genpkey -algorithm ED25519 -out ed.key 2>/dev/null
# The traditional "EC PRIVATE KEY" form, after an EC PARAMETERS block.
openssl ecparam -name prime256v1 -genkey -out ectrad.key 2>/dev/null
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key \
	-out ca.crt -subj "/CN=tlsa test CA" -days 2 2>/dev/null
openssl req -new -key rsa.key -subj /CN=mx.example.test -out leaf.csr 2>/dev/null
openssl x509 -req -in leaf.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 \
	-out leaf.crt 2>/dev/null
cat leaf.crt ca.crt >chain.crt
for f in rsa.key ec.key ed.key ectrad.key ca.crt leaf.crt; do
	[ -s "$f" ] || { echo "FAIL: openssl could not make $f"; exit 1; }
done

# The independent oracle: openssl's own DER, hashed by coreutils.
spki() { openssl pkey -in "$1" -pubout -outform DER 2>/dev/null | sha256sum | cut -d' ' -f1; }
cspki() { openssl x509 -in "$1" -pubkey -noout | openssl pkey -pubin -outform DER | sha256sum | cut -d' ' -f1; }

for k in rsa.key ec.key ed.key ectrad.key; do
	want=$(spki "$k")
	expect_rc "$k: a private key" 0 "$TLSRPT" tlsa "$k"
	expect_eq "$k: 3 1 1 is the SHA-256 of its public key" "3 1 1 $want" "$(cat out)"
	openssl pkey -in "$k" -pubout -out "$k.pub" 2>/dev/null
	expect_rc "$k.pub: its public key" 0 "$TLSRPT" tlsa "$k.pub"
	expect_eq "$k.pub: the same record" "3 1 1 $want" "$(cat out)"
done
# Nothing of a private key comes out: no PEM line, no base64 of it.
"$TLSRPT" tlsa --matching full rsa.key ed.key >out 2>&1
grep -v '^-' rsa.key ed.key | cut -d: -f2 | cut -c1-20 | while read -r line; do
	grep -qF "$line" out && echo "$line"
done >leak
[ ! -s leak ] && ! grep -q PRIVATE out && ok "no private key material printed" ||
	bad "private key material printed: $(cat leak)"
expect_eq "3 1 0 is the SubjectPublicKeyInfo itself" \
	"3 1 0 $(openssl pkey -in ed.key -pubout -outform DER | od -An -v -tx1 | tr -d ' \n')" \
	"$(sed -n 2p out)"

# Certificates: the leaf's key, or with --usage 2 the chain's last.
expect_rc "a certificate" 0 "$TLSRPT" tlsa leaf.crt
expect_eq "... 3 1 1 is its key's digest" "3 1 1 $(spki rsa.key)" "$(cat out)"
expect_rc "a chain" 0 "$TLSRPT" tlsa chain.crt
expect_eq "... usage 3 takes the leaf" "3 1 1 $(cspki leaf.crt)" "$(cat out)"
expect_rc "a chain with --usage 2" 0 "$TLSRPT" tlsa --usage 2 chain.crt
expect_eq "... takes the issuer" "2 1 1 $(cspki ca.crt)" "$(cat out)"
expect_rc "--selector cert --matching sha256" 0 "$TLSRPT" tlsa --selector cert --matching sha256 leaf.crt
expect_eq "... hashes the whole certificate" \
	"3 0 1 $(openssl x509 -in leaf.crt -outform DER | sha256sum | cut -d' ' -f1)" "$(cat out)"
expect_rc "--selector cert --matching sha512" 0 "$TLSRPT" tlsa --selector 0 --matching 2 chain.crt
expect_eq "... with SHA-512 (numbers work too)" \
	"3 0 2 $(openssl x509 -in leaf.crt -outform DER | sha512sum | cut -d' ' -f1)" "$(cat out)"
expect_rc "--name" 0 "$TLSRPT" tlsa --name mx.example.test. leaf.crt ec.key
expect_eq "... prints zone lines, one per file" \
	"_25._tcp.mx.example.test. IN TLSA 3 1 1 $(spki rsa.key)
_25._tcp.mx.example.test. IN TLSA 3 1 1 $(spki ec.key)" "$(cat out)"

# Errors: exit 2, a message naming the file, nothing on stdout.
openssl pkey -in rsa.key -aes256 -passout pass:secret -out enc.key 2>/dev/null
openssl genrsa -aes128 -passout pass:secret -traditional -out enctrad.key 2048 2>/dev/null ||
	cp enc.key enctrad.key
printf 'not a key\n' >junk.txt
head -c 300 leaf.crt >trunc.crt
printf -- '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n' >badkey.pem
openssl ecparam -name prime256v1 -out params.pem 2>/dev/null
expect_rc "an encrypted PKCS#8 key" 2 "$TLSRPT" tlsa enc.key
expect_in "... says so" err "enc.key: an encrypted private key"
expect_rc "an encrypted traditional key" 2 "$TLSRPT" tlsa enctrad.key
expect_in "... says so" err "enctrad.key: an encrypted private key"
expect_rc "not PEM" 2 "$TLSRPT" tlsa junk.txt
expect_in "... says so" err "junk.txt: not PEM"
expect_rc "a truncated PEM file" 2 "$TLSRPT" tlsa trunc.crt
expect_in "... says so" err "trunc.crt: malformed PEM"
expect_rc "a key block that is not a key" 2 "$TLSRPT" tlsa badkey.pem
expect_in "... says so" err "badkey.pem: a malformed or unsupported key"
expect_rc "PEM with neither certificate nor key" 2 "$TLSRPT" tlsa params.pem
expect_in "... says so" err "params.pem: no certificate or key in it"
expect_rc "a missing file" 2 "$TLSRPT" tlsa nosuch.pem
expect_in "... says so" err "nosuch.pem: No such file or directory"
expect_rc "one bad file among good ones" 2 "$TLSRPT" tlsa leaf.crt junk.txt
expect_eq "... the good one is still printed" "3 1 1 $(spki rsa.key)" "$(cat out)"
expect_rc "--selector cert with a key" 2 "$TLSRPT" tlsa --selector cert ec.key
expect_in "... needs the certificate" err "needs the certificate"
expect_rc "--usage 1" 2 "$TLSRPT" tlsa --usage 1 leaf.crt
expect_rc "--matching md5" 2 "$TLSRPT" tlsa --matching md5 leaf.crt
expect_rc "--name with a space" 2 "$TLSRPT" tlsa --name "mx example" leaf.crt
expect_rc "no file" 2 "$TLSRPT" tlsa
expect_rc "--published without --name" 2 "$TLSRPT" tlsa --published leaf.crt
expect_rc "--help" 0 "$TLSRPT" tlsa --help
expect_in "... shows the options" out "--selector spki|cert"

tl_finish
