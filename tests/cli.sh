#!/bin/sh
# cli.sh - the `tlsrpt` command's contract: exit codes, stderr lines,
# standard input, oversized input, and `explain` covering every result type.
set -u
: "${TLSRPT:?TLSRPT must name the tlsrpt binary}"
. "${srcdir:-.}/tests/testlib.sh"
tl_init cli
tl_tmpdir

cat >"$tmp/good.json" <<'JSON'
{"organization-name":"Example Sender","date-range":{"start-datetime":"2026-01-10T00:00:00Z",
"end-datetime":"2026-01-10T23:59:59Z"},"contact-info":"tlsrpt@sender.example",
"report-id":"cli-1","policies":[{"policy":{"policy-type":"sts","policy-domain":"example.net",
"policy-string":["version: STSv1","mode: enforce","mx: mx1.example.net","max_age: 86400"],
"mx-host":["mx1.example.net"]},"summary":{"total-successful-session-count":10,
"total-failure-session-count":2},"failure-details":[{"result-type":"certificate-expired",
"sending-mta-ip":"192.0.2.1","receiving-mx-hostname":"mx1.example.net","failed-session-count":2}]}]}
JSON
printf 'not a report\n' >"$tmp/junk.txt"

expect_rc "no arguments is a usage error" 2 "$TLSRPT"
expect_rc "unknown command is a usage error" 2 "$TLSRPT" frobnicate
expect_rc "parse without files is a usage error" 2 "$TLSRPT" parse
expect_rc "parse with an unknown option is a usage error" 2 "$TLSRPT" parse --bogus "$tmp/good.json"
expect_rc "--version" 0 "$TLSRPT" --version
expect_in "--version names the program" "$tmp/out" "tlsrpt "

expect_rc "parse of a good report exits 0" 0 "$TLSRPT" parse "$tmp/good.json"
expect_in "text output names the submitter" "$tmp/out" "Submitter:  Example Sender <tlsrpt@sender.example>"
expect_in "text output gives the UTC period" "$tmp/out" "2026-01-10T00:00:00Z .. 2026-01-10T23:59:59Z (UTC)"
expect_in "text output decodes the result type" "$tmp/out" "certificate-expired"
expect_in "text output counts sessions" "$tmp/out" "10 successful, 2 failed"

expect_rc "parse from standard input" 0 sh -c '"$0" parse --json - < "$1"' "$TLSRPT" "$tmp/good.json"
expect_in "stdin source is named -" "$tmp/out" '"source":"-"'

expect_rc "a missing file fails with exit 1" 1 "$TLSRPT" parse "$tmp/nope.json"
expect_in "a missing file is named on stderr" "$tmp/err" "tlsrpt: $tmp/nope.json: No such file or directory"

expect_rc "one bad input among good ones exits 1" 1 "$TLSRPT" parse --json "$tmp/good.json" "$tmp/junk.txt" "$tmp/good.json"
lines=$(wc -l <"$tmp/out")
[ "$lines" -eq 2 ] && ok "the good inputs are still printed" || bad "the good inputs are still printed ($lines lines)"
errs=$(wc -l <"$tmp/err")
[ "$errs" -eq 1 ] && ok "one stderr line per failed input" || bad "one stderr line per failed input ($errs)"
expect_in "the failure line says why" "$tmp/err" "tlsrpt: $tmp/junk.txt: input is neither a mail message, JSON nor gzip"

# 1 GB of nothing (sparse): refused at the limit, without reading it all.
if truncate -s 1G "$tmp/huge.json" 2>/dev/null; then
	expect_rc "a 1 GB input is refused" 1 "$TLSRPT" parse "$tmp/huge.json"
	expect_in "the refusal names the limit" "$tmp/err" "exceeds the limit of 10485760 bytes"
fi

expect_rc "explain with no argument" 0 "$TLSRPT" explain
for t in starttls-not-supported certificate-host-mismatch certificate-expired \
    certificate-not-trusted validation-failure tlsa-invalid dnssec-invalid \
    dane-required sts-policy-invalid sts-webpki-invalid sts-policy-fetch-error; do
	n=$(grep -c "^$t " "$tmp/out")
	[ "$n" -eq 1 ] && ok "explain lists $t" || bad "explain lists $t ($n headings)"
done

expect_rc "explain certificate-expired" 0 "$TLSRPT" explain certificate-expired
# Policy types too; no-policy-found is no failure.
"$TLSRPT" explain no-policy-found sts TLSA >"$tmp/pt.out" 2>&1
grep -q "^no-policy-found .*neither MTA-STS nor DANE" "$tmp/pt.out" &&
	grep -q "This is not a failure" "$tmp/pt.out" && grep -q "^sts .*MTA-STS policy" "$tmp/pt.out" &&
	grep -q "^tlsa .*DANE" "$tmp/pt.out" && ! grep -q "not in the IANA" "$tmp/pt.out" &&
	ok "explain: policy types" || bad "explain: policy types"
"$TLSRPT" explain | grep -q "^no-policy-found " && ok "explain lists the policy types" ||
	bad "explain lists the policy types"
expect_in "expired: confirm with openssl" "$tmp/out" "openssl s_client -starttls smtp"
expect_in "expired: says the direction" "$tmp/out" "TO your domain"
expect_rc "explain is case-insensitive" 0 "$TLSRPT" explain STARTTLS-NOT-SUPPORTED
expect_in "starttls: Postfix fix" "$tmp/out" "smtpd_tls_security_level"
expect_rc "explain tlsa-invalid" 0 "$TLSRPT" explain tlsa-invalid
expect_in "tlsa: key rollover with certbot" "$tmp/out" "certbot renew --reuse-key"
expect_in "tlsa: TLSA 3 1 1" "$tmp/out" "3 1 1"
expect_in "tlsa: confirm with dig" "$tmp/out" "dig +dnssec TLSA _25._tcp."
expect_in "tlsa: the next key's record from tlsrpt tlsa" "$tmp/out" "tlsrpt tlsa --name MX.EXAMPLE.COM NEW.key"
expect_rc "explain sts-policy-fetch-error" 0 "$TLSRPT" explain sts-policy-fetch-error
expect_in "sts fetch: confirm with curl" "$tmp/out" "curl"
expect_in "sts fetch: the well-known path" "$tmp/out" "/.well-known/mta-sts.txt"
expect_rc "explain an unknown type" 0 "$TLSRPT" explain Testing
expect_in "unknown type: heading is the asked name" "$tmp/out" "Testing"
expect_in "unknown type: says it is not registered" "$tmp/out" "registry"

# tlsrpt db migrate: creates the schema, twice is harmless, errors are clear.
printf 'Database sqlite:%s/db/t.db\nSpoolDirectory %s/spool\n' "$tmp" "$tmp" >"$tmp/db.conf"
mkdir "$tmp/db"
expect_rc "db migrate creates the store" 0 "$TLSRPT" db migrate -c "$tmp/db.conf"
expect_in "db migrate names the version" "$tmp/out" "database schema at version "
[ -s "$tmp/db/t.db" ] && ok "the database file exists" || bad "the database file exists"
expect_rc "db migrate again is harmless" 0 "$TLSRPT" db migrate -c "$tmp/db.conf"
expect_rc "db without a verb is a usage error" 2 "$TLSRPT" db
expect_rc "db migrate with a missing config fails" 1 "$TLSRPT" db migrate -c "$tmp/none.conf"
expect_in "and says why" "$tmp/err" "none.conf: No such file or directory"
printf 'Database sqlite:%s/nodir/t.db\n' "$tmp" >"$tmp/bad.conf"
expect_rc "db migrate into a missing directory fails" 1 "$TLSRPT" db migrate -c "$tmp/bad.conf"
expect_in "and names the directory" "$tmp/err" "nodir"


# Global options, before the subcommand: -c FILE and --db URI (which wins).
expect_rc "global -c names the config" 0 "$TLSRPT" -c "$tmp/db.conf" db migrate
expect_rc "global -c with a missing file fails" 1 "$TLSRPT" -c "$tmp/none.conf" db migrate
expect_in "and names it" "$tmp/err" "none.conf: No such file or directory"
mkdir "$tmp/other"
expect_rc "--db overrides Database" 0 "$TLSRPT" -c "$tmp/db.conf" --db "sqlite:$tmp/other/o.db" db migrate
[ -s "$tmp/other/o.db" ] && ok "--db: the database is where --db says" || bad "--db: the database is where --db says"
expect_rc "--db=URI works too" 0 "$TLSRPT" --db="sqlite:$tmp/other/p.db" db migrate
[ -s "$tmp/other/p.db" ] && ok "--db=: the database is where it says" || bad "--db=: the database is where it says"
expect_rc "--db without a value is a usage error" 2 "$TLSRPT" --db
expect_rc "--help lists the global options" 0 "$TLSRPT" --help
expect_in "--help: --db" "$tmp/out" "--db URI"

# The network options check and watch share: bad values are usage errors
# that say why, before anything is looked up.
for verb in check watch; do
	args=
	[ "$verb" = check ] && args="mx mx.example"
	# shellcheck disable=SC2086
	{
	expect_rc "$verb --port 0 is a usage error" 2 "$TLSRPT" $verb --port 0 $args
	expect_in "... naming the port" "$tmp/err" 'tlsrpt: bad port "0"'
	expect_rc "$verb --https-port abc is a usage error" 2 "$TLSRPT" $verb --https-port abc $args
	expect_in "... naming it" "$tmp/err" 'tlsrpt: bad port "abc"'
	expect_rc "$verb --timeout 601 is a usage error" 2 "$TLSRPT" $verb --timeout 601 $args
	expect_in "... giving the range" "$tmp/err" "tlsrpt: --timeout is 1 to 600 seconds"
	}
done

tl_finish
