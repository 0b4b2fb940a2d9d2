# reports-lib.sh - distinct DKIM-signed TLS-RPT report messages for the
# shell tests.  Sourced, not run.  Needs /usr/bin/python3 with
# python3-dkim, gzip and base64; "$srcdir" must be set.
#
#   report_message PREFIX N   print a Google-style report message whose
#                             report-id is PREFIX-N (N successful sessions)
#   make_reports KEY DIR PREFIX FIRST LAST
#                             write DIR/N.eml for N in FIRST..LAST, signed
#                             by d=google.com s=sel with KEY (one python run)

report_message() {
	printf 'From: <noreply-smtp-tls-reporting@google.com>\nTo: <tlsrpt@example.net>\n'
	printf 'Date: Sat, 2 Mar 2024 06:12:00 +0000\nMessage-ID: <%s-%d@google.com>\n' "$1" "$2"
	printf 'Subject: Report Domain: example.net Submitter: google.com Report-ID: <%s-%d>\n' "$1" "$2"
	printf 'MIME-Version: 1.0\nContent-Type: multipart/report; boundary="B"; report-type=tlsrpt\n\n'
	printf -- '--B\nContent-Type: application/tlsrpt+gzip\nContent-Transfer-Encoding: base64\n\n'
	{ printf '{"organization-name":"Google Inc.","date-range":{"start-datetime":"2024-03-01T00:00:00Z",'
	  printf '"end-datetime":"2024-03-01T23:59:59Z"},"contact-info":"smtp-tls-reporting@google.com",'
	  printf '"report-id":"%s-%d","policies":[{"policy":{"policy-type":"sts","policy-domain":"example.net",' "$1" "$2"
	  printf '"policy-string":["version: STSv1","mode: enforce","mx: mx1.example.net","max_age: 86400"]},'
	  printf '"summary":{"total-successful-session-count":%d,"total-failure-session-count":0}}]}' "$2"
	} | gzip -n | base64
	printf -- '--B--\n'
}

make_reports() {	# KEY DIR PREFIX FIRST LAST
	mr_n=$4
	while [ "$mr_n" -le "$5" ]; do
		report_message "$3" "$mr_n" >"$2/$mr_n.in"
		mr_n=$((mr_n + 1))
	done
	# One python for all of them (tests/dkim_sign.py's key handling).
	/usr/bin/python3 - "$srcdir/tests" "$1" "$2" "$4" "$5" <<'PY'
import re, sys
sys.path.insert(0, sys.argv[1])
import dkim, dkim_sign
key = dkim_sign.pkcs1_pem(open(sys.argv[2], "rb").read())
for n in range(int(sys.argv[4]), int(sys.argv[5]) + 1):
    base = "%s/%d" % (sys.argv[3], n)
    msg = re.sub(rb"\r?\n", b"\r\n", open(base + ".in", "rb").read())
    sig = dkim.sign(msg, b"sel", b"google.com", key,
                    canonicalize=(b"relaxed", b"simple"))
    open(base + ".eml", "wb").write((sig + msg).replace(b"\r\n", b"\n"))
PY
}
