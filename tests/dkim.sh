#!/bin/sh
# dkim.sh - DKIM verdicts on signed TLS-RPT report messages.
#
# Generates RSA keys, writes a key file, signs report messages shaped
# like Google's and Microsoft's with python3-dkim, and checks what
# tests/dkim_check (dkim_auth.c over libopendkim) says about each.
# Hermetic: keys come from the key file, never from DNS.
# Skips (77) without /usr/bin/python3 + python3-dkim, or openssl.

srcdir=${srcdir:-.}
DKIM_CHECK=${DKIM_CHECK:-./tests/dkim_check}
SIGN="$srcdir/tests/dkim_sign.py"
. "$srcdir/tests/testlib.sh"

tl_init dkim
tl_need_python_dkim
tl_need_tools openssl
if [ ! -x "$DKIM_CHECK" ]; then
	echo "dkim: $DKIM_CHECK not built" >&2
	exit 1
fi

tl_tmpdir

# This test's own lines: "ok - NAME", "FAIL - NAME".
ok() {
	echo "ok - $1"
	passed=$((passed + 1))
}

notok() {
	echo "FAIL - $1"
	failed=$((failed + 1))
}

# expect NAME REGEX KEYFILE MESSAGE FROM_DOMAIN
expect() {
	name=$1 re=$2
	shift 2
	out=$("$DKIM_CHECK" "$@" 2>&1)
	if printf '%s\n' "$out" | grep -Eq -- "$re"; then
		ok "$name: $out"
	else
		notok "$name: got \"$out\", want /$re/"
	fi
}

# sign SELECTOR DOMAIN IN OUT [dkim_sign.py options]
sign() {
	s_sel=$1 s_dom=$2 s_in=$3 s_out=$4
	shift 4
	if ! "$PY" "$SIGN" "$@" "$s_sel" "$s_dom" "$tmp/k1.pem" "$s_in" \
	    "$s_out"; then
		notok "signing $s_out"
		return 1
	fi
}

# --- keys -------------------------------------------------------------

for k in k1 k2; do
	if ! openssl genrsa 2048 >"$tmp/$k.pem" 2>/dev/null; then
		echo "dkim: openssl genrsa failed" >&2
		exit 1
	fi
	openssl rsa -in "$tmp/$k.pem" -pubout -outform DER 2>/dev/null |
	    base64 | tr -d '\n' >"$tmp/$k.p"
done
p1=$(cat "$tmp/k1.p")
p2=$(cat "$tmp/k2.p")
if [ -z "$p1" ] || [ -z "$p2" ]; then
	echo "dkim: cannot extract public keys" >&2
	exit 1
fi

cat >"$tmp/keys" <<EOF
# selector._domainkey.domain TXT-record
20230601._domainkey.google.com v=DKIM1; k=rsa; p=$p1
selector1._domainkey.microsoft.com v=DKIM1; k=rsa; p=$p1
sel._domainkey.evil.example v=DKIM1; k=rsa; p=$p1
sel._domainkey.example.com v=DKIM1; k=rsa; p=$p1
sel._domainkey.com v=DKIM1; k=rsa; p=$p1
tls._domainkey.example.org v=DKIM1; k=rsa; s=tlsrpt; p=$p1
both._domainkey.example.org v=DKIM1; k=rsa; s=email:tlsrpt; p=$p1
other._domainkey.example.org v=DKIM1; k=rsa; s=other; p=$p1
Quoted._domainkey.Example.NET "v=DKIM1; k=rsa; " "p=$p1"
wrong._domainkey.google.com v=DKIM1; k=rsa; p=$p2
testing._domainkey.google.com v=DKIM1; k=rsa; t=y; p=$p1
EOF

# --- messages ---------------------------------------------------------

REPORT_B64='H4sIAAAAAAACA3WRwWrDMAyGXyX4XAc368bm025j5/bUUYpw1MwQW8FWSrqQd5+SboMVCgJb8if9
kjwqSg1E/wXsKeoIAZVVb0RNi8V7dKVaqRoYdYLYyNOoMkNiPcfYL3Blqo02a7GdMXaxvWRhrO9Q
1YN9fBHbq2mlHEUGx9rHEwmWA3ea26wTdpTYx+a1WZopHQWpeg1rX98RPuIAoRNcxhK8o9Y7j1nZ
j/HqXOYZrjfNl25uLXP+RS86cxJR4dUZU5ad2GK7257XQgSq0RYojSaHsz/YIgzlf8UAwxEa4Z6f
Nsaow1/hmgL4KHI3/KA/KfMseFPrINvJfQiQlp6ZGFqde+cw51MvVznnP3PUR8lfV6sf5gS+7RPe
AmaaDtM3USlesfABAAA='

# google_msg FILE FROM_ADDRESS SUBMITTER
google_msg() {
	cat >"$1" <<EOF
From: $2
To: tlsrpt@example.org
Subject: Report Domain: example.org Submitter: $3
 Report-ID: <2024.01.01T00.00.00Z+example.org@$3>
Date: Tue, 02 Jan 2024 10:23:45 -0800
Message-ID: <000000000000b1c2d3e4f5a6@$3>
MIME-Version: 1.0
TLS-Report-Domain: example.org
TLS-Report-Submitter: $3
Content-Type: multipart/report; boundary="000000000000f0e1d2c3b4a5";
	report-type=tlsrpt

--000000000000f0e1d2c3b4a5
Content-Type: text/plain; charset="UTF-8"

This is an aggregate TLS report from $3

--000000000000f0e1d2c3b4a5
Content-Type: application/tlsrpt+gzip;
	name="$3!example.org!1704067200!1704153599!001.json.gz"
Content-Disposition: attachment;
	filename="$3!example.org!1704067200!1704153599!001.json.gz"
Content-Transfer-Encoding: base64

$REPORT_B64
--000000000000f0e1d2c3b4a5--
EOF
}

microsoft_msg() {
	cat >"$1" <<EOF
From: tlsrpt-noreply@microsoft.com
To: tlsrpt@example.org
Subject: Report Domain: example.org Submitter: microsoft.com Report-ID:
 133487136000000000+example.org
Date: Wed, 03 Jan 2024 01:02:03 +0000
Message-ID: <TLSRPT-20240103010203-example.org@microsoft.com>
MIME-Version: 1.0
TLS-Report-Domain: example.org
TLS-Report-Submitter: microsoft.com
Content-Type: multipart/report; report-type=tlsrpt;
	boundary="_b1f3c0e2-5d4a-4c8b-9f6e-0123456789ab_"

--_b1f3c0e2-5d4a-4c8b-9f6e-0123456789ab_
Content-Type: text/plain; charset="us-ascii"
Content-Transfer-Encoding: quoted-printable

This is a TLS report from microsoft.com.

--_b1f3c0e2-5d4a-4c8b-9f6e-0123456789ab_
Content-Type: application/tlsrpt+gzip
Content-Transfer-Encoding: base64
Content-Disposition: attachment;
	filename="microsoft.com!example.org!1704067200!1704153599.json.gz"
Content-Description: 
	microsoft.com!example.org!1704067200!1704153599.json.gz

$REPORT_B64
--_b1f3c0e2-5d4a-4c8b-9f6e-0123456789ab_--
EOF
}

MS_HEADERS=from,to,subject,date,message-id,mime-version,content-type
G_HEADERS=$MS_HEADERS,tls-report-domain,tls-report-submitter

google_msg "$tmp/google" noreply-smtp-tls-reporting@google.com google.com
microsoft_msg "$tmp/microsoft"
google_msg "$tmp/example" noreply@example.org example.org
google_msg "$tmp/sub" noreply@reports.example.com example.com

K="$tmp/keys"

# --- verdicts ---------------------------------------------------------

sign 20230601 google.com "$tmp/google" "$tmp/g1" --headers "$G_HEADERS" &&
expect "Google report, TLS-Report headers signed" '^pass d=google\.com$' \
    "$K" "$tmp/g1" google.com

sign selector1 microsoft.com "$tmp/microsoft" "$tmp/m1" \
    --headers "$MS_HEADERS" &&
expect "Microsoft report, TLS-Report headers not signed" \
    '^pass d=microsoft\.com$' "$K" "$tmp/m1" microsoft.com

if [ -f "$tmp/m1" ]; then
	sed 's/^TLS-Report-Domain: .*/TLS-Report-Domain: other.example/' \
	    "$tmp/m1" >"$tmp/m1x"
	expect "Microsoft report, unsigned TLS-Report-Domain changed" \
	    '^pass d=microsoft\.com$' "$K" "$tmp/m1x" microsoft.com
fi

sign sel evil.example "$tmp/google" "$tmp/u1" --headers "$G_HEADERS" &&
expect "signed by an unaligned domain" '^fail .*unaligned.*evil\.example' \
    "$K" "$tmp/u1" google.com

expect "unsigned report" '^none no DKIM signature$' "$K" "$tmp/google" \
    google.com

if sign 20230601 google.com "$tmp/google" "$tmp/l1" --length \
    --headers "$G_HEADERS"; then
	expect "l= tag" '^fail .*l=' "$K" "$tmp/l1" google.com
	printf '\nappended after signing\n' >>"$tmp/l1"
	expect "l= tag, text appended" '^fail .*l=' "$K" "$tmp/l1" google.com
fi

if [ -f "$tmp/g1" ]; then
	sed 's/^This is an aggregate/This is a forged/' "$tmp/g1" >"$tmp/b1"
	expect "body altered after signing" '^fail .*body' "$K" "$tmp/b1" \
	    google.com
	sed 's/^Subject: Report/Subject: Forged/' "$tmp/g1" >"$tmp/h1"
	expect "signed header altered" '^fail .*did not verify' "$K" \
	    "$tmp/h1" google.com
	expect "From domain not the signer's" '^fail .*unaligned' "$K" \
	    "$tmp/g1" example.net
fi

sign tls example.org "$tmp/example" "$tmp/s1" &&
expect "key record s=tlsrpt" '^pass d=example\.org$' "$K" "$tmp/s1" \
    example.org

sign both example.org "$tmp/example" "$tmp/s2" &&
expect "key record s=email:tlsrpt" '^pass d=example\.org$' "$K" \
    "$tmp/s2" example.org

sign other example.org "$tmp/example" "$tmp/s3" &&
expect "key record s=other" '^fail .*other\._domainkey\.example\.org' \
    "$K" "$tmp/s3" example.org

sign gone google.com "$tmp/google" "$tmp/n1" &&
expect "key missing from the key file" \
    '^(fail|none) no key for gone\._domainkey\.google\.com in DKIMKeyFile$' "$K" \
    "$tmp/n1" google.com
# A key file with no keys at all (comments only): no NULL to qsort() or
# bsearch() (UBSan's nonnull-attribute in the ASan run), just no key.
printf '# no keys yet\n' >"$tmp/nokeys"
sign gone google.com "$tmp/google" "$tmp/n2" &&
expect "key file without keys" \
    '^(fail|none) no key for gone\._domainkey\.google\.com in DKIMKeyFile$' "$tmp/nokeys" \
    "$tmp/n2" google.com

sign wrong google.com "$tmp/google" "$tmp/w1" &&
expect "key record holds another key" '^fail ' "$K" "$tmp/w1" google.com

sign quoted example.net "$tmp/google" "$tmp/q1" &&
expect "quoted key record, mixed-case name" '^fail .*unaligned' "$K" \
    "$tmp/q1" google.com
[ -f "$tmp/q1" ] &&
expect "quoted key record, aligned" '^pass d=example\.net$' "$K" \
    "$tmp/q1" example.net

sign sel example.com "$tmp/sub" "$tmp/p1" &&
expect "From subdomain, parent signs" '^pass d=example\.com$' "$K" \
    "$tmp/p1" reports.example.com

sign sel com "$tmp/google" "$tmp/c1" &&
expect "signed by d=com" '^fail .*unaligned.*com' "$K" "$tmp/c1" google.com

sign 20230601 google.com "$tmp/google" "$tmp/cr1" --crlf \
    --headers "$G_HEADERS" &&
expect "CRLF message file" '^pass d=google\.com$' "$K" "$tmp/cr1" google.com

sign 20230601 google.com "$tmp/google" "$tmp/ss1" --canon simple/simple \
    --headers "$G_HEADERS" &&
expect "simple/simple with folded headers" '^pass d=google\.com$' "$K" \
    "$tmp/ss1" google.com

# Two signatures: an unaligned one on top of a good one, and the reverse.
if [ -f "$tmp/g1" ]; then
	sign sel evil.example "$tmp/g1" "$tmp/two1" --headers "$G_HEADERS" &&
	expect "unaligned signature over an aligned one" \
	    '^pass d=google\.com$' "$K" "$tmp/two1" google.com
fi
if [ -f "$tmp/u1" ]; then
	sign 20230601 google.com "$tmp/u1" "$tmp/two2" \
	    --headers "$G_HEADERS" &&
	expect "aligned signature over an unaligned one" \
	    '^pass d=google\.com$' "$K" "$tmp/two2" google.com
fi

# Strict DKIM: rsa-sha1 (RFC 8301) and testing keys (t=y, RFC 6376
# section 3.6.1: treat as unsigned) never authenticate.
sign 20230601 google.com "$tmp/google" "$tmp/sha1" --algo rsa-sha1 \
    --headers "$G_HEADERS" &&
expect "rsa-sha1 signature" '^fail rsa-sha1 signature \(d=google\.com\)' \
    "$K" "$tmp/sha1" google.com
sign testing google.com "$tmp/google" "$tmp/testkey" --headers "$G_HEADERS" &&
expect "key in testing mode (t=y)" \
    '^fail key testing\._domainkey\.google\.com is in testing mode' \
    "$K" "$tmp/testkey" google.com

# Bounded work.  Signatures with l= are left out before anything is
# hashed: 105,000 of them (9.5 MB of headers, each l= different, as an
# attacker would send to make libopendkim hash the body 105,000 times)
# take well under a second here; the limit is 30 s so that only the
# quadratic cost (minutes) can miss it, never a slow machine.
if [ -f "$tmp/l1" ] && [ -f "$tmp/g1" ]; then
	tl_many_sigs 105000 "$tmp/l1" "$tmp/g1" "$tmp/many"
	t0=$(date +%s)
	expect "105,000 l= signatures over a good one" '^pass d=google\.com$' \
	    "$K" "$tmp/many" google.com
	t1=$(date +%s)
	[ $((t1 - t0)) -le 30 ] && ok "105,000 l= signatures: $((t1 - t0)) s" ||
	    notok "105,000 l= signatures took $((t1 - t0)) s (limit 30)"
	tl_many_sigs 105000 "$tmp/l1" "$tmp/google" "$tmp/manyl"
	expect "105,000 l= signatures alone" \
	    '^fail l= tag present \(d=google\.com\)' "$K" "$tmp/manyl" google.com
fi
# At most 5 signatures are verified, those aligned with From first: six
# valid unaligned ones on top do not push the aligned one out...
if [ -f "$tmp/g1" ]; then
	cp "$tmp/g1" "$tmp/cap0"
	for i in 1 2 3 4 5 6; do
		sign sel evil.example "$tmp/cap$((i - 1))" "$tmp/cap$i" \
		    --headers "$G_HEADERS" || break
	done
	[ -f "$tmp/cap6" ] &&
	expect "six unaligned signatures over an aligned one" \
	    '^pass d=google\.com$' "$K" "$tmp/cap6" google.com
fi
# ...and after five aligned ones with no key, a sixth is never verified.
if [ -f "$tmp/g1" ]; then
	cp "$tmp/g1" "$tmp/gone0"
	for i in 1 2 3 4 5; do
		sign gone google.com "$tmp/gone$((i - 1))" "$tmp/gone$i" \
		    --headers "$G_HEADERS" || break
	done
	[ -f "$tmp/gone5" ] &&
	expect "cap of 5: a sixth aligned signature is not verified" \
	    '^fail no key for gone\._domainkey\.google\.com in DKIMKeyFile$' "$K" \
	    "$tmp/gone5" google.com
fi

# A malformed DKIM-Signature is a failure, not "unsigned", and does not
# spoil a good signature beside it.
printf 'DKIM-Signature: v=1; a=rsa-sha256; garbage\n' >"$tmp/junk"
cat "$tmp/junk" "$tmp/google" >"$tmp/j1"
expect "malformed signature alone" '^fail ' "$K" "$tmp/j1" google.com
if [ -f "$tmp/g1" ]; then
	cat "$tmp/junk" "$tmp/g1" >"$tmp/j2"
	expect "malformed signature beside a good one" '^pass d=google\.com$' \
	    "$K" "$tmp/j2" google.com
fi

# --- DNS mode, against a fake server on a private loopback ------------
# Needs root, unshare and ip: a mount namespace gives dkim_check its own
# /etc/resolv.conf, a network namespace its own 127.0.0.1.

dns_server() {
	cat >"$tmp/fakedns.py" <<'EOF'
import socket, struct, sys, time
key = open(sys.argv[1]).read().strip()
rec = ("v=DKIM1; k=rsa; s=tlsrpt; p=" + key).encode()
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 53))
open(sys.argv[2], "w").close()
while True:
    q, peer = s.recvfrom(512)
    i, labels = 12, []
    while q[i]:
        labels.append(q[i + 1:i + 1 + q[i]].decode().lower())
        i += 1 + q[i]
    question = q[12:i + 5]
    head = q[:2]
    if labels[0] == "drop":
        continue
    if labels[0] == "slow":
        time.sleep(2)   # a hostile server: every answer 2 s late
    if labels[0] != "sel":
        rcode = b"\x81\x82" if labels[0] == "fail" else b"\x81\x83"
        s.sendto(head + rcode + struct.pack(">HHHH", 1, 0, 0, 0) +
                 question, peer)
        continue
    # Two TXT records: junk first, then the key in 200-byte strings.
    parts = [rec[j:j + 200] for j in range(0, len(rec), 200)]
    answers = b""
    for rd in (b"\x0bhello world",
               b"".join(bytes([len(c)]) + c for c in parts)):
        answers += b"\xc0\x0c" + struct.pack(">HHIH", 16, 1, 60, len(rd))
        answers += rd
    s.sendto(head + b"\x81\x80" + struct.pack(">HHHH", 1, 2, 0, 0) +
             question + answers, peer)
EOF
}

# dns_result NAME CASE REGEX
dns_result() {
	out=$(cat "$tmp/dns.$2" 2>/dev/null)
	if printf '%s\n' "$out" | grep -Eq -- "$3"; then
		ok "$1: $out"
	else
		notok "$1: got \"$out\", want /$3/"
	fi
}

dns_tests() {
	if [ "$(id -u)" -ne 0 ] || ! command -v unshare >/dev/null 2>&1 ||
	    ! command -v ip >/dev/null 2>&1 ||
	    ! unshare -m -n true >/dev/null 2>&1; then
		tl_skip_part "DNS mode" "needs root, unshare and ip"
		return 0
	fi
	printf 'From: noreply@example.com\nTo: tlsrpt@example.org\nSubject: dns\n\nreport\n' \
	    >"$tmp/dmsg"
	for sel in sel fail nokey drop; do
		sign "$sel" example.com "$tmp/dmsg" "$tmp/d.$sel" \
		    --headers from,to,subject || return 0
	done
	sign sel example.com "$tmp/d.fail" "$tmp/d.two" \
	    --headers from,to,subject || return 0
	sign slow example.com "$tmp/dmsg" "$tmp/d.slow1" \
	    --headers from,to,subject || return 0
	tl_many_sigs 90 "$tmp/d.slow1" "$tmp/dmsg" "$tmp/d.slow"
	dns_server
	echo "nameserver 127.0.0.1" >"$tmp/resolv.conf"
	cat >"$tmp/dnsrun.sh" <<EOF
ip link set lo up || exit 1
mount --bind "$tmp/resolv.conf" /etc/resolv.conf || exit 1
"$PY" "$tmp/fakedns.py" "$tmp/k1.p" "$tmp/dns.ready" &
pid=\$!
n=0
while [ ! -f "$tmp/dns.ready" ] && [ \$n -lt 100 ]; do
	sleep 0.1
	n=\$((n + 1))
done
for m in sel fail nokey drop two; do
	RES_OPTIONS="timeout:1 attempts:1" "$DKIM_CHECK" - "$tmp/d.\$m" \
	    example.com >"$tmp/dns.\$m" 2>&1
done
# 90 signatures whose keys come 2 s late, DKIMTimeout 3 s: without a
# deadline this takes minutes.
t0=\$(date +%s)
"$DKIM_CHECK" - "$tmp/d.slow" example.com 3 >"$tmp/dns.slow" 2>&1
echo \$((\$(date +%s) - t0)) >"$tmp/dns.slowtime"
kill \$pid
EOF
	if ! unshare -m -n sh "$tmp/dnsrun.sh"; then
		notok "DNS mode: namespace setup failed"
		return 0
	fi
	dns_result "DNS: two TXT records, split strings, s=tlsrpt" sel \
	    '^pass d=example\.com$'
	dns_result "DNS: SERVFAIL" fail '^temperror .*fail\._domainkey'
	dns_result "DNS: NXDOMAIN" nokey \
	    '^fail no key for nokey\._domainkey\.example\.com in DNS$'
	dns_result "DNS: no answer (timeout)" drop \
	    '^temperror .*drop\._domainkey'
	dns_result "DNS: SERVFAIL for one signature, another passes" two \
	    '^pass d=example\.com$'
	dns_result "DNS: 90 signatures, keys 2 s late" slow \
	    '^fail DKIM check exceeded DKIMTimeout \(3 s\)$'
	# 3 s, and 2 s of margin for a loaded machine.
	st=$(cat "$tmp/dns.slowtime" 2>/dev/null)
	[ -n "$st" ] && [ "$st" -le 5 ] && ok "DNS: 90 slow signatures: $st s" ||
	    notok "DNS: 90 slow signatures took ${st:-?} s (DKIMTimeout 3 + 2)"
}

dns_tests

# A key file with a bad line is refused, naming the line.
# badkey FILE-CONTENT LINE-NUMBER NAME
badkey() {
	printf '%s\n' "$1" >"$tmp/badkeys"
	out=$("$DKIM_CHECK" "$tmp/badkeys" "$tmp/google" google.com 2>&1)
	rc=$?
	if [ "$rc" -eq 2 ] && printf '%s\n' "$out" | grep -q "badkeys:$2:"
	then
		ok "key file, $3: $out"
	else
		notok "key file, $3: rc $rc, \"$out\""
	fi
}
badkey "# ok
sel._domainkey.example.com v=DKIM1; p=$p1
not-a-key-name v=DKIM1" 3 "bad name"
badkey "sel._domainkey.example.com" 1 "no record"
badkey "
sel._domainkey. v=DKIM1; p=$p1" 2 "no domain"
badkey "sel._domainkey.example.com \"v=DKIM1; p=$p1" 1 "open quote"

tl_finish
