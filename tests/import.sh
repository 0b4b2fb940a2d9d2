#!/bin/bash
# import.sh - `tlsrpt import`: backfill from a Maildir, an mbox, .eml,
# .json and .json.gz files into a fresh SQLite store, as the milter would
# have stored them.
#
# Builds the mail at test time: DKIM-signed report messages (keys from
# openssl, signatures from python3-dkim, handed over through DKIMKeyFile:
# no DNS) in a Maildir (cur/, new/, a Maildir++ folder; tmp/ and the
# Maildir's own files must not be read) and in an mbox (one message with a
# body line "From ..." that the mbox quotes and the import must unquote,
# or its DKIM body hash breaks); bare .json/.json.gz files (one named
# .dat: kinds come from content); an unsigned and a tampered message; a
# signed message whose report is broken; a CRLF message; ordinary mail.
# Checks the summary counts, the rows (sqlite3), that a second import
# stores nothing new, --no-verify (verified=0, auth_method import) and a
# verified import of such a report stored beside it, --dry-run,
# MaxMessageSize, an empty and a truncated mbox, the progress line on a terminal only, the
# exit codes, and once against PostgreSQL when the server binaries are
# there and we are root (tests/pg-lib.sh).
# Skips (77) without openssl, sqlite3 or python3-dkim.
set -u
srcdir=${srcdir:-.}
TLSRPT=${TLSRPT:-./tlsrpt}
. "$srcdir/tests/reports-lib.sh"
. "$srcdir/tests/testlib.sh"

tl_init import
tl_need_tools openssl sqlite3 gzip
tl_need_python_dkim

tl_tmpdir
chmod 755 "$tmp"	# a PostgreSQL server (as postgres) must reach its dir
# run NAME WANT_RC ARGS...: tlsrpt ARGS, stdout in $tmp/out, stderr in $tmp/err
run() {
	r_name=$1 r_want=$2
	shift 2
	"$TLSRPT" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	r_got=$?
	if [ "$r_got" -eq "$r_want" ]; then ok "$r_name: exit $r_got"; else
		bad "$r_name: exit $r_got, want $r_want"
		sed 's/^/    /' "$tmp/out" "$tmp/err"
	fi
	# Under ASan/UBSan, an expected exit 1 must not hide a report.
	if grep -Eq 'Sanitizer|runtime error:' "$tmp/err"; then
		bad "$r_name: sanitizer report"; sed 's/^/    /' "$tmp/err"
	fi
}
# line FILE LABEL: the number after "LABEL:" in a summary line
line() { sed -n "s/^ *$2: *\([0-9]*\).*/\1/p" "$1" | head -n 1; }
# counts FILE: "stored/duplicates/not reports/failed" from a summary
counts() {
	echo "$(line "$1" 'reports stored')/$(line "$1" duplicates)/$(line "$1" 'not reports')/$(line "$1" failed)"
}
q() { sqlite3 "$1" "$2"; }

# --- keys, configuration ------------------------------------------------
tl_dkim_google
conf() {	# DB [more lines]
	printf 'Database sqlite:%s\nDKIMKeyFile %s\n' "$1" "$tmp/keys"
	shift
	[ $# -gt 0 ] && printf '%s\n' "$@"
	:
}
conf "$tmp/a.db" >"$tmp/a.conf"
sign() {	# IN OUT [options]: d=google.com s=sel
	s_in=$1 s_out=$2
	shift 2
	tl_sign sel google.com "$s_in" "$s_out" "$@" ||
		{ echo "signing $s_out failed"; exit 1; }
}

# --- the mail -------------------------------------------------------------
mkdir -p "$tmp/gen" "$tmp/Maildir/cur" "$tmp/Maildir/new" "$tmp/Maildir/tmp" \
	"$tmp/Maildir/.Reports/cur" "$tmp/Maildir/.Reports/new" "$tmp/files"
make_reports "$tmp/k.pem" "$tmp/gen" imp 1 14 || { echo "make_reports failed"; exit 1; }
for n in 1 2 3 4; do cp "$tmp/gen/$n.eml" "$tmp/Maildir/cur/170000000$n.M$n.host:2,S"; done
cp "$tmp/gen/5.eml" "$tmp/Maildir/new/1700000005.M5.host"
cp "$tmp/gen/6.eml" "$tmp/Maildir/.Reports/cur/1700000006.M6.host:2,"
cp "$tmp/gen/13.eml" "$tmp/Maildir/tmp/1700000013.M13.host"	# in delivery
printf '3 V1 N7\n' >"$tmp/Maildir/dovecot-uidlist"
printf 'From: Alice <alice@example.org>\nTo: bob@example.net\nSubject: lunch?\n\nSee you at noon.\n' \
	>"$tmp/Maildir/cur/1700000007.M7.host:2,S"

# A report message with a text part whose lines start "From ".
report_message imp 20 | awk '/^--B$/ && !done {
	print "--B"; print "Content-Type: text/plain"; print ""
	print "From the reporting team: this is a TLS report."
	print ">From a quoted line already"; print ""; done = 1 }
	{ print }' >"$tmp/gen/20.in"
sign "$tmp/gen/20.in" "$tmp/gen/20.eml"
grep -q '^From the reporting team' "$tmp/gen/20.eml" || { echo "message 20 lacks its From line"; exit 1; }
# mboxrd: From_ line, ">*From " quoted, an empty line after each message.
mbox() {
	for f in "$@"; do
		echo "From noreply-smtp-tls-reporting@google.com Sat Mar  2 06:12:00 2024"
		sed 's/^\(>*From \)/>\1/' "$f"
		echo
	done
}
mbox "$tmp"/gen/{7,8,9,10,11,20}.eml >"$tmp/reports.mbox"
: >"$tmp/empty.mbox"

# Loose files: bare reports (kinds by content), CRLF, forged, broken.
json() {	# ID
	printf '{"organization-name":"Google Inc.","date-range":{"start-datetime":"2024-03-01T00:00:00Z",'
	printf '"end-datetime":"2024-03-01T23:59:59Z"},"contact-info":"smtp-tls-reporting@google.com",'
	printf '"report-id":"%s","policies":[{"policy":{"policy-type":"sts","policy-domain":"example.net",' "$1"
	printf '"policy-string":["version: STSv1","mode: enforce","mx: mx1.example.net","max_age: 86400"]},'
	printf '"summary":{"total-successful-session-count":5,"total-failure-session-count":1}}]}\n'
}
json imp-json-1 >"$tmp/files/a.json"
json imp-json-2 | gzip -n >"$tmp/files/b.json.gz"
json imp-json-3 | gzip -n >"$tmp/files/c.dat"
report_message imp 21 >"$tmp/gen/21.in"
sign "$tmp/gen/21.in" "$tmp/files/d-crlf.eml" --crlf
report_message imp 30 >"$tmp/files/e-unsigned.eml"
sed 's/^Subject: Report/Subject: Forged report/' "$tmp/gen/1.eml" >"$tmp/files/f-tampered.eml"
sed '/^Content-Transfer-Encoding: base64/,$d' "$tmp/gen/14.in" | sed '$d' >"$tmp/gen/31.in"
printf 'Content-Type: application/tlsrpt+json\n\n{"organization-name": broken\n--B--\n' >>"$tmp/gen/31.in"
sed -i 's/imp-14/imp-31/g' "$tmp/gen/31.in"
sign "$tmp/gen/31.in" "$tmp/files/g-broken.eml"

# --- the Maildir and the mbox, twice ------------------------------------
run "Maildir and mbox" 0 -c "$tmp/a.conf" import "$tmp/Maildir" "$tmp/reports.mbox"
expect_eq "first import: stored/duplicates/not reports/failed" "$(counts "$tmp/out")" "12/0/1/0"
expect_in "summary counts the messages" "$tmp/out" "13 messages and 0 report files read"
expect_eq "no error lines" "$(cat "$tmp/err")" ""
expect_eq "rows: 12 reports, all verified by DKIM from google.com" \
	"$(q "$tmp/a.db" "SELECT count(*), sum(verified), count(DISTINCT report_id)
		FROM reports WHERE auth_method = 'dkim' AND dkim_domain = 'google.com'
		AND mail_from = 'noreply-smtp-tls-reporting@google.com'")" "12|12|12"
expect_eq "the message from the Maildir++ folder is there" \
	"$(q "$tmp/a.db" "SELECT count(*) FROM reports WHERE report_id = 'imp-6'")" 1
expect_eq "tmp/ is not read (delivery in progress)" \
	"$(q "$tmp/a.db" "SELECT count(*) FROM reports WHERE report_id = 'imp-13'")" 0
expect_eq "the mbox message with quoted From lines passed DKIM" \
	"$(q "$tmp/a.db" "SELECT verified FROM reports WHERE report_id = 'imp-20'")" 1
expect_eq "source names the file and message" \
	"$(q "$tmp/a.db" "SELECT source FROM reports WHERE report_id = 'imp-8'")" \
	"$tmp/reports.mbox#2 part 1 (application/tlsrpt+gzip)"
expect_eq "received is the From_ line's date" \
	"$(q "$tmp/a.db" "SELECT date(received_time, 'unixepoch') FROM reports WHERE report_id = 'imp-8'")" \
	"2024-03-02"
expect_eq "policies stored with the reports" \
	"$(q "$tmp/a.db" "SELECT count(*) FROM policies")" 12

run "the same again" 0 -c "$tmp/a.conf" import "$tmp/Maildir" "$tmp/reports.mbox"
expect_eq "second import: nothing new, all duplicates" "$(counts "$tmp/out")" "0/12/1/0"
expect_eq "still 12 rows" "$(q "$tmp/a.db" "SELECT count(*) FROM reports")" 12

# --- loose files, without and with --no-verify ---------------------------
run "files without --no-verify" 1 -c "$tmp/a.conf" import "$tmp/files"
expect_eq "files: stored/duplicates/not reports/failed" "$(counts "$tmp/out")" "1/0/0/6"
expect_in "summary: report files need --no-verify" "$tmp/out" "report file without DKIM signature"
expect_eq "summary: 3 such files" "$(sed -n 's/^ *report file without DKIM signature *//p' "$tmp/out")" 3
expect_eq "summary: 2 not authenticated" "$(sed -n 's/^ *not authenticated *//p' "$tmp/out")" 2
expect_eq "summary: 1 invalid report" "$(sed -n 's/^ *invalid report (json-syntax) *//p' "$tmp/out")" 1
expect_in "stderr names the .dat file" "$tmp/err" "tlsrpt: $tmp/files/c.dat: report file without DKIM signature"
expect_in "stderr says why the unsigned message failed" "$tmp/err" \
	"tlsrpt: $tmp/files/e-unsigned.eml: not authenticated: no DKIM signature"
expect_in "stderr says why the tampered message failed" "$tmp/err" \
	"tlsrpt: $tmp/files/f-tampered.eml: not authenticated:"
expect_in "stderr says why the broken report failed" "$tmp/err" \
	"tlsrpt: $tmp/files/g-broken.eml: invalid report (json-syntax):"
expect_eq "one line per failed input" "$(wc -l <"$tmp/err")" 6
expect_eq "the CRLF message is stored, verified" \
	"$(q "$tmp/a.db" "SELECT verified FROM reports WHERE report_id = 'imp-21'")" 1
expect_eq "nothing forged stored" \
	"$(q "$tmp/a.db" "SELECT count(*) FROM reports WHERE report_id IN ('imp-30', 'imp-1') AND verified = 0")" 0

run "--no-verify on bare reports" 0 -c "$tmp/a.conf" import --no-verify \
	"$tmp/files/a.json" "$tmp/files/b.json.gz"
expect_eq "--no-verify: stored/duplicates/not reports/failed" "$(counts "$tmp/out")" "2/0/0/0"
expect_in "summary counts them unverified" "$tmp/out" "(2 unverified)"
expect_eq "bare reports: verified=0, auth_method import, no signer" \
	"$(q "$tmp/a.db" "SELECT report_id, verified, auth_method, coalesce(dkim_domain, '-')
		FROM reports WHERE report_id LIKE 'imp-json-%' ORDER BY report_id" | tr '\n' ' ')" \
	"imp-json-1|0|import|- imp-json-2|0|import|- "
run "--no-verify on the whole folder" 1 -c "$tmp/a.conf" import --no-verify "$tmp/files"
# Unverified copies of the two verified reports (imp-21 and the tampered
# imp-1) are rows of their own: no signer vouches for them.
expect_eq "--no-verify folder: stored/duplicates/not reports/failed" "$(counts "$tmp/out")" "4/2/0/1"
expect_eq "the unsigned message stored unverified" \
	"$(q "$tmp/a.db" "SELECT verified || auth_method FROM reports WHERE report_id = 'imp-30'")" "0import"
expect_eq "the tampered copy of a stored report leaves the verified row alone" \
	"$(q "$tmp/a.db" "SELECT group_concat(verified || auth_method, ' ') FROM
		(SELECT * FROM reports WHERE report_id = 'imp-1' ORDER BY id)")" "1dkim 0import"
expect_eq "the broken report still fails" "$(sed -n 's/^ *invalid report (json-syntax) *//p' "$tmp/out")" 1

# A report first stored unverified, then imported verified: a verified
# row of its own beside the unverified one; importing either again adds
# nothing.
run "--no-verify on signed mail" 0 -c "$tmp/a.conf" import --no-verify "$tmp/gen/14.eml"
expect_eq "signed mail with --no-verify: verified=0" \
	"$(q "$tmp/a.db" "SELECT verified FROM reports WHERE report_id = 'imp-14'")" 0
run "the same mail verified" 0 -c "$tmp/a.conf" import "$tmp/gen/14.eml"
expect_eq "verified after unverified: stored/duplicates/not reports/failed" \
	"$(counts "$tmp/out")" "1/0/0/0"
expect_eq "both rows, the unverified one untouched" \
	"$(q "$tmp/a.db" "SELECT group_concat(verified || auth_method, ' ') FROM
		(SELECT * FROM reports WHERE report_id = 'imp-14' ORDER BY id)")" "0import 1dkim"
run "the same mail verified, again" 0 -c "$tmp/a.conf" import "$tmp/gen/14.eml"
expect_eq "again: a duplicate" "$(counts "$tmp/out")" "0/1/0/0"

# --- AuthMode authres, RecordUnverified, ReportAddresses -------------------
conf "$tmp/c.db" "AuthMode authres" "TrustedAuthservIDs mx.example.net" >"$tmp/authres.conf"
{ echo "Authentication-Results: mx.example.net; dkim=pass header.d=google.com"
  report_message imp 40; } >"$tmp/authres-ok.eml"
{ echo "Authentication-Results: evil.example; dkim=pass header.d=google.com"
  report_message imp 41; } >"$tmp/authres-untrusted.eml"
run "AuthMode authres" 1 -c "$tmp/authres.conf" import "$tmp/authres-ok.eml" "$tmp/authres-untrusted.eml"
expect_eq "authres: stored/duplicates/not reports/failed" "$(counts "$tmp/out")" "1/0/0/1"
expect_eq "authres: the trusted verdict counts" \
	"$(q "$tmp/c.db" "SELECT report_id || verified || auth_method || dkim_domain FROM reports")" \
	"imp-401authresgoogle.com"
expect_in "authres: the untrusted one is named" "$tmp/err" "tlsrpt: $tmp/authres-untrusted.eml: not authenticated"
conf "$tmp/c.db" "RecordUnverified yes" >"$tmp/unverified.conf"
run "RecordUnverified yes records failing mail" 0 -c "$tmp/unverified.conf" import "$tmp/files/e-unsigned.eml"
expect_eq "RecordUnverified: stored unverified" \
	"$(q "$tmp/c.db" "SELECT verified || auth_method FROM reports WHERE report_id = 'imp-30'")" "0import"
# A report from an unknown reporter, in multipart/mixed, found only because
# it was delivered to a ReportAddresses address.
printf 'sel._domainkey.reporter.example v=DKIM1; k=rsa; p=%s\n' "$tl_dkim_p" >>"$tmp/keys"
{ printf 'Delivered-To: tlsrpt@example.net\nFrom: <tls@reporter.example>\nTo: <tlsrpt@example.net>\n'
  printf 'Subject: TLS report\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="B"\n\n'
  printf -- '--B\nContent-Type: application/tlsrpt+json\n\n'
  json imp-rcpt-1; printf -- '--B--\n'; } >"$tmp/gen/rcpt.in"
tl_sign sel reporter.example "$tmp/gen/rcpt.in" "$tmp/rcpt.eml" || exit 1
run "not a report without ReportAddresses" 0 -c "$tmp/unverified.conf" import "$tmp/rcpt.eml"
expect_eq "unknown reporter: skipped" "$(counts "$tmp/out")" "0/0/1/0"
conf "$tmp/c.db" "ReportAddresses tlsrpt@*" >"$tmp/rcpt.conf"
run "ReportAddresses matches Delivered-To" 0 -c "$tmp/rcpt.conf" import "$tmp/rcpt.eml"
expect_eq "unknown reporter: stored, verified" \
	"$(q "$tmp/c.db" "SELECT verified || dkim_domain FROM reports WHERE report_id = 'imp-rcpt-1'")" "1reporter.example"

# --- dry run, limits, odd mboxes, --db ------------------------------------
run "--dry-run" 0 --db "sqlite:$tmp/dry.db" -c "$tmp/a.conf" import -n "$tmp/Maildir" "$tmp/reports.mbox"
expect_in "--dry-run counts the reports found" "$tmp/out" "reports found:   12 (dry run: nothing stored)"
[ ! -e "$tmp/dry.db" ] && ok "--dry-run creates no database" || bad "--dry-run created $tmp/dry.db"
run "--dry-run still authenticates" 1 -c "$tmp/a.conf" import --dry-run "$tmp/files/e-unsigned.eml"

conf "$tmp/small.db" "MaxMessageSize 1k" >"$tmp/small.conf"
run "MaxMessageSize applies per message" 1 -c "$tmp/small.conf" import "$tmp/reports.mbox"
expect_eq "every report message is too large" \
	"$(sed -n 's/^ *larger than MaxMessageSize *//p' "$tmp/out")" 6
expect_eq "too large: stored/duplicates/not reports/failed" "$(counts "$tmp/out")" "0/0/0/6"
{ printf 'From: Alice <alice@example.org>\nSubject: photos\n\n'
  head -c 3000 /dev/zero | tr '\0' 'x'; echo; } >"$tmp/big-ordinary.eml"
run "large ordinary mail is no failure" 0 -c "$tmp/small.conf" import "$tmp/big-ordinary.eml"
expect_eq "large ordinary mail: not a report" "$(counts "$tmp/out")" "0/0/1/0"

run "an empty mbox" 0 --db "sqlite:$tmp/b.db" -c "$tmp/a.conf" import "$tmp/empty.mbox"
expect_in "an empty mbox: nothing read" "$tmp/out" "0 messages and 0 report files read"
head -c "$(( $(wc -c <"$tmp/reports.mbox") - 700 ))" "$tmp/reports.mbox" >"$tmp/cut.mbox"
run "a truncated mbox" 1 --db "sqlite:$tmp/b.db" -c "$tmp/a.conf" import "$tmp/cut.mbox"
expect_eq "truncated: the whole messages stored, the cut one failed" "$(counts "$tmp/out")" "5/0/0/1"
expect_in "the cut message is named" "$tmp/err" "tlsrpt: $tmp/cut.mbox#6: "
expect_eq "--db overrides Database" "$(q "$tmp/b.db" "SELECT count(*) FROM reports")" 5

# --- exit codes, quiet, progress -------------------------------------------
run "no PATH is a usage error" 2 -c "$tmp/a.conf" import
run "an unknown option is a usage error" 2 -c "$tmp/a.conf" import --bogus "$tmp/files"
run "--help" 0 import --help
expect_in "--help names the options" "$tmp/out" "--no-verify"
run "a missing path fails" 1 -c "$tmp/a.conf" import "$tmp/nope"
expect_in "a missing path is named" "$tmp/err" "tlsrpt: $tmp/nope: unreadable: No such file or directory"
run "-q" 0 -c "$tmp/a.conf" import -q "$tmp/Maildir"
expect_eq "-q prints no summary" "$(cat "$tmp/out")" ""
run "an unreadable database" 1 --db "sqlite:$tmp/no/such/dir/x.db" -c "$tmp/a.conf" import "$tmp/Maildir"
expect_in "... says so" "$tmp/err" "tlsrpt: Database: "

run "no terminal, no progress line" 0 -c "$tmp/a.conf" import "$tmp/Maildir"
if grep -q "$(printf '\r')" "$tmp/err"; then bad "no progress line off a terminal"; else ok "no progress line off a terminal"; fi
if command -v script >/dev/null 2>&1; then
	script -qec "\"$TLSRPT\" -c \"$tmp/a.conf\" import \"$tmp/Maildir\" \"$tmp/reports.mbox\"" \
		/dev/null >"$tmp/tty" 2>&1 </dev/null
	if grep -Eq "$(printf '\r')import +[0-9]+%  .* [0-9]+ items?" "$tmp/tty"; then
		ok "progress line on a terminal"
	else
		bad "progress line on a terminal"; od -c "$tmp/tty" | head -n 20
	fi
else
	tl_skip_part "progress on a terminal" "no script(1)"
fi

# --- PostgreSQL, once, when it is cheap -----------------------------------
if [ "$(id -u)" -eq 0 ] && . "$srcdir/tests/pg-lib.sh" && pg_find_bin &&
    id postgres >/dev/null 2>&1 && command -v runuser >/dev/null 2>&1; then
	if pg_setup "$tmp/pg"; then
		trap 'pg_cleanup; tl_cleanup' EXIT
		conf "unused" "DatabasePasswordFile $PG_PASSFILE" >"$tmp/pg.conf"
		run "PostgreSQL: Maildir and mbox" 0 --db "$PG_URI" -c "$tmp/pg.conf" import "$tmp/Maildir" "$tmp/reports.mbox"
		expect_eq "PostgreSQL: stored/duplicates/not reports/failed" "$(counts "$tmp/out")" "12/0/1/0"
		run "PostgreSQL: again" 0 --db "$PG_URI" -c "$tmp/pg.conf" import "$tmp/Maildir" "$tmp/reports.mbox"
		expect_eq "PostgreSQL: nothing new" "$(counts "$tmp/out")" "0/12/1/0"
		expect_eq "PostgreSQL: 12 verified rows" \
			"$(pg_psql -tAc "SELECT count(*) || '/' || sum(verified::int) FROM reports")" "12/12"
	else
		bad "PostgreSQL: the private server did not start"
	fi
else
	tl_skip_part "PostgreSQL" "needs root and the server binaries"
fi

tl_finish
