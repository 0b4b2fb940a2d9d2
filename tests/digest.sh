#!/bin/bash
# digest.sh - `tlsrpt digest` and `tlsrpt report --format email` end to
# end: the scenario store of tests/report_episodes.sh, DigestRecipients
# giving alice two domains and bob two others (carol's pattern matches
# none), each digest handed to a private Postfix's sendmail and delivered
# into a Maildir.  Python's email package (policy default) must parse
# every message without a defect: multipart/alternative with a text and
# an HTML part, Auto-Submitted, Message-ID, Date, a Subject naming the
# worst ongoing problem; each recipient sees only their domains; the
# HTML part is the page `tlsrpt report --format html` makes for the same
# domains, and renders in headless Chromium (tests/html_browser.sh).  A
# store whose domain, MX host and organization carry CR LF and "Bcc:"
# yields one header per field and mail to nobody else.  Bad --to, --from
# and DigestRecipients are refused with a clear error.  With PostgreSQL
# (tests/pg-lib.sh), the same store there gives the same digests.  Skips
# (77) unless root with postfix and python3.
set -u
: "${srcdir:=.}"
: "${TLSRPT:?TLSRPT must name the tlsrpt binary}"
: "${FIXTURE_STORE:?FIXTURE_STORE must name tests/fixture_store}"
. "$srcdir/tests/postfix-lib.sh"
. "$srcdir/tests/pg-lib.sh"
. "$srcdir/tests/testlib.sh"

tl_init digest
tl_need_root
tl_need_tools postfix postqueue python3
tl_need_users postfix
tl_tmpdir pf_stop
[ -n "${DIGEST_KEEP:-}" ] && trap "pf_stop" EXIT
chmod 755 "$tmp"	# Postfix daemons run as postfix and must reach their dirs
tl_ports port

export SOURCE_DATE_EPOCH=1782777600	# 2026-06-30T00:00:00Z
export NO_COLOR=1
python3 "$srcdir/tests/make_report_fixtures.py" --scenarios "$tmp/reports" >/dev/null || exit 1
DB="sqlite:$tmp/scenarios.db"
"$FIXTURE_STORE" "$DB" "$tmp"/reports/*.json >"$tmp/store.out" 2>&1 ||
	{ cat "$tmp/store.out"; exit 1; }

pf_setup "$tmp/pf" "$port" "" || exit 1
for u in alice bob carol h digest; do
	grep -q "^$u@" "$tmp/pf/etc/vmailbox" ||
		printf '%s@example.net\texample.net/%s/\n' "$u" "$u" >>"$tmp/pf/etc/vmailbox"
done
pf_start || { echo "postfix did not start"; cat "$(pf_log)" 2>/dev/null; exit 1; }
MAIL=$tmp/pf/mail/example.net
# The private instance's sendmail, run as DigestSendmail is: PATH -t -i -f FROM.
printf '#!/bin/sh\nexec /usr/sbin/sendmail -C "%s" "$@"\n' "$tmp/pf/etc" >"$tmp/sendmail"
chmod 755 "$tmp/sendmail"

cat >"$tmp/digest.conf" <<CONF
Database $DB
DigestFrom tlsrpt@example.net
DigestSendmail $tmp/sendmail
DigestRecipients single-mx.example alice@example.net
DigestRecipients backup-mx.example alice@example.net
DigestRecipients healthy.example  bob@example.net
DigestRecipients ongoing-tlsa-invalid.example bob@example.net
DigestRecipients *.nothing.test carol@example.net
CONF

# --dry-run: who gets which domains and which Subject; nothing sent.
expect_rc "digest --dry-run" 0 "$TLSRPT" -c "$tmp/digest.conf" digest --dry-run
expect_in "dry run: alice's domains and subject" "$tmp/out" \
	"alice@example.net: backup-mx.example,single-mx.example: TLS-RPT: warning: backup-mx.example: starttls-not-supported on mx2.backup-mx.example"
expect_in "dry run: bob's domains" "$tmp/out" "bob@example.net: healthy.example,ongoing-tlsa-invalid.example: "
expect_in "dry run: carol gets nothing" "$tmp/err" "carol@example.net: no domain with reports, nothing sent"

expect_rc "digest: handed to sendmail" 0 "$TLSRPT" -c "$tmp/digest.conf" digest
pf_wait_mail "$MAIL/alice" 1 30 && ok "alice's digest delivered" || bad "alice's digest delivered"
pf_wait_mail "$MAIL/bob" 1 30 && ok "bob's digest delivered" || bad "bob's digest delivered"
postqueue -c "$tmp/pf/etc" -p >"$tmp/queue" 2>&1
expect_in "queue empty: nothing held, nothing for carol" "$tmp/queue" "Mail queue is empty"
{ [ ! -d "$MAIL/carol/new" ] || [ -z "$(ls "$MAIL/carol/new")" ]; } &&
	ok "carol: no mail" || bad "carol: no mail"
alice=$(find "$MAIL/alice/new" -type f | head -1)
bob=$(find "$MAIL/bob/new" -type f | head -1)

# check.py FILE SUBJECT MUST MUST_NOT: the message as a reader's program
# sees it; writes the HTML part to FILE.html.
cat >"$tmp/check.py" <<'PY'
import email, email.policy, email.utils, sys
path, subject = sys.argv[1], sys.argv[2]
must, must_not = sys.argv[3].split(), sys.argv[4].split()
raw = open(path, "rb").read()
assert max(len(l) for l in raw.split(b"\n")) <= 998, "a line over 998 bytes"
m = email.message_from_bytes(raw, policy=email.policy.default)
for part in m.walk():
    assert not part.defects, (part.get_content_type(), part.defects)
assert m.get_content_type() == "multipart/alternative", m.get_content_type()
types = [p.get_content_type() for p in m.iter_parts()]
assert types == ["text/plain", "text/html"], types
assert m["Subject"] == subject, (m["Subject"], subject)
assert m["Auto-Submitted"] == "auto-generated", m["Auto-Submitted"]
assert m["MIME-Version"] == "1.0"
mid = m["Message-ID"]
assert mid.startswith("<") and mid.endswith(">") and "@" in mid, mid
assert email.utils.parsedate_to_datetime(m["Date"]).timestamp() == 1782777600, m["Date"]
for name in ("From", "To", "Subject", "Date", "Message-ID", "Auto-Submitted"):
    assert len(m.get_all(name)) == 1, name
for part in m.walk():
    assert part["Bcc"] is None and part["X-Evil"] is None, "an injected header"
text = m.get_body(("plain",)).get_content()
html = m.get_body(("html",)).get_content()
for d in must:
    assert d in text and d in html, "missing " + d
for d in must_not:
    assert d not in text and d not in html, "leaked " + d
open(path + ".html", "w", encoding="utf-8").write(html)
print(m["From"], m["To"])
PY
python3 "$tmp/check.py" "$alice" \
	"TLS-RPT: warning: backup-mx.example: starttls-not-supported on mx2.backup-mx.example" \
	"backup-mx.example single-mx.example" "healthy.example ongoing-tlsa-invalid.example silent.example" \
	>"$tmp/py.out" 2>&1 && ok "alice: parsed clean, headers, subject, only her domains" ||
	{ bad "alice: parsed clean, headers, subject, only her domains"; cat "$tmp/py.out"; }
expect_in "alice: From and To" "$tmp/py.out" "tlsrpt@example.net alice@example.net"
python3 "$tmp/check.py" "$bob" \
	"TLS-RPT: critical: ongoing-tlsa-invalid.example: tlsa-invalid on mx1.ongoing-tlsa-invalid.example" \
	"healthy.example ongoing-tlsa-invalid.example" "backup-mx.example single-mx.example silent.example" \
	>"$tmp/py.out" 2>&1 && ok "bob: parsed clean, headers, subject, only his domains" ||
	{ bad "bob: parsed clean, headers, subject, only his domains"; cat "$tmp/py.out"; }

# The HTML part is the page of `tlsrpt report` for her domains, byte for byte.
"$TLSRPT" --db "$DB" report --days 7 --domain backup-mx.example,single-mx.example \
	--format html -o "$tmp/alice-page.html" || bad "report --format html for alice's domains"
cmp -s "$alice.html" "$tmp/alice-page.html" && ok "HTML part is the report page" ||
	bad "HTML part is the report page"

# All is well: a recipient of the healthy domain alone.
printf 'Database %s\nDigestFrom tlsrpt@example.net\nDigestRecipients healthy.example h@example.net\n' \
	"$DB" >"$tmp/healthy.conf"
expect_rc "digest: healthy domain" 0 "$TLSRPT" -c "$tmp/healthy.conf" digest --dry-run
expect_in "subject: all is well" "$tmp/out" \
	"h@example.net: healthy.example: TLS-RPT: all is well, 2026-06-24 to 2026-06-30"

# -o DIR: the messages as files, no sendmail.
mkdir "$tmp/outdir"
expect_rc "digest -o DIR" 0 "$TLSRPT" -c "$tmp/digest.conf" digest -o "$tmp/outdir"
[ "$(ls "$tmp/outdir" | wc -l)" -eq 2 ] && ok "-o DIR: two messages" || bad "-o DIR: two messages"

# A sendmail that fails is an error, said.
sed "s|^DigestSendmail .*|DigestSendmail /bin/false|" "$tmp/digest.conf" >"$tmp/false.conf"
expect_rc "digest: failing sendmail exits 1" 1 "$TLSRPT" -c "$tmp/false.conf" digest
expect_in "digest: failing sendmail said" "$tmp/err" "/bin/false exited 1"

# report --format email, through -o (outfile.h).
expect_rc "report --format email -o" 0 "$TLSRPT" --db "$DB" report --days 7 \
	--domain single-mx.example --format email --to 'a@example.org, b@example.org' \
	--from me@example.org -o "$tmp/one.eml"
python3 "$tmp/check.py" "$tmp/one.eml" "TLS-RPT: all is well, 2026-06-24 to 2026-06-30" \
	"single-mx.example" "backup-mx.example" >"$tmp/py.out" 2>&1 &&
	ok "report --format email: parsed clean" ||
	{ bad "report --format email: parsed clean"; cat "$tmp/py.out"; }
expect_in "report --format email: From, To list" "$tmp/py.out" "me@example.org a@example.org, b@example.org"

# A long To list is folded, every address kept.
to=$(python3 -c "print(', '.join('user%02d.with.a.long.name@customer-%02d.example' % (i, i) for i in range(8)))")
"$TLSRPT" --db "$DB" report --days 7 --format email --from me@example.org --to "$to" >"$tmp/long.eml"
python3 - "$tmp/long.eml" <<'PY' && ok "long To list: folded, 8 addresses" || bad "long To list: folded, 8 addresses"
import email, email.policy, sys
raw = open(sys.argv[1], "rb").read()
head = raw.split(b"\n\n", 1)[0]
assert max(len(l) for l in head.split(b"\n")) <= 78, "a header line over 78"
m = email.message_from_bytes(raw, policy=email.policy.default)
assert not m.defects and len(m["To"].addresses) == 8, (m.defects, m["To"])
PY

# A hostile store: CR LF and "Bcc:" in the policy domain, the MX host
# (with UTF-8) and the organization, the worst ongoing problem, so they
# reach the Subject.  Sent to a "*" recipient through the same Postfix.
python3 - "$tmp/hostile" <<'PY' || exit 1
import json, os, sys
os.makedirs(sys.argv[1])
bcc = "\r\nBcc: carol@example.net"
for day in ("2026-06-27", "2026-06-28", "2026-06-29"):
    mx = "mx.\u00fcn\u00efcode.example" + bcc
    r = {"organization-name": "Evil" + bcc, "contact-info": "x@evil.example",
         "date-range": {"start-datetime": day + "T00:00:00Z", "end-datetime": day + "T23:59:59Z"},
         "report-id": "evil-" + day,
         "policies": [{"policy": {"policy-type": "sts", "policy-domain": "evil.example" + bcc,
                                  "mx-host": [mx], "policy-string": ["version: STSv1"]},
                       "summary": {"total-successful-session-count": 500,
                                   "total-failure-session-count": 500},
                       "failure-details": [{"result-type": "tlsa-invalid",
                                            "sending-mta-ip": "192.0.2.1",
                                            "receiving-mx-hostname": mx,
                                            "receiving-ip": "192.0.2.2",
                                            "failed-session-count": 500}]}]}
    open("%s/evil_%s@google.com.json" % (sys.argv[1], day), "w").write(json.dumps(r))
PY
HDB="sqlite:$tmp/hostile.db"
"$FIXTURE_STORE" "$HDB" "$tmp"/hostile/*.json >"$tmp/store.out" 2>&1 ||
	{ cat "$tmp/store.out"; exit 1; }
printf 'Database %s\nDigestFrom tlsrpt@example.net\nDigestSendmail %s\nDigestRecipients * digest@example.net\n' \
	"$HDB" "$tmp/sendmail" >"$tmp/hostile.conf"
expect_rc "hostile store: digest sent" 0 "$TLSRPT" -c "$tmp/hostile.conf" digest
pf_wait_mail "$MAIL/digest" 1 30 && ok "hostile digest delivered" || bad "hostile digest delivered"
hostile=$(find "$MAIL/digest/new" -type f | head -1)
python3 "$tmp/check.py" "$hostile" \
	'TLS-RPT: critical: evil.example\x0d\x0abcc: carol@example.net: tlsa-invalid on mx.ünïcode.example\x0d\x0abcc: carol@example.net' \
	"" "" >"$tmp/py.out" 2>&1 && ok "hostile: one header per field, subject escaped and RFC 2047" ||
	{ bad "hostile: one header per field, subject escaped and RFC 2047"; cat "$tmp/py.out"; }
sed '/^$/q' "$hostile" | grep -qi "^bcc:" && bad "hostile: a Bcc header" || ok "hostile: no Bcc header"
grep -q "^Subject: =?UTF-8?B?" "$hostile" && ok "hostile: subject encoded (RFC 2047)" ||
	bad "hostile: subject encoded (RFC 2047)"
postqueue -c "$tmp/pf/etc" -p >"$tmp/queue" 2>&1
expect_in "hostile: nothing queued" "$tmp/queue" "Mail queue is empty"
{ [ ! -d "$MAIL/carol/new" ] || [ -z "$(ls "$MAIL/carol/new")" ]; } &&
	ok "hostile: carol (the Bcc) got nothing" || bad "hostile: carol (the Bcc) got nothing"

# Bad addresses and rules: a clear error, exit 2 (a bad config line: 1).
for to in 'alice' 'alice@example.net
Bcc: carol@example.net' 'Alice <alice@example.net>' 'alice@example.net,' 'alice@example.net;bob@example.net'; do
	expect_rc "report --to rejected: $(printf '%s' "$to" | head -1)" 2 \
		"$TLSRPT" --db "$DB" report --format email --to "$to"
	expect_in "report --to: says why" "$tmp/err" "is not a bare address"
done
expect_rc "report --format email without --to" 2 "$TLSRPT" --db "$DB" report --format email
expect_in "without --to: says so" "$tmp/err" "--format email needs --to ADDR"
expect_rc "report --from rejected" 2 "$TLSRPT" --db "$DB" report --format email \
	--to a@example.org --from 'x@example.org
Bcc: y@example.org'
expect_rc "report --to without --format email" 2 "$TLSRPT" --db "$DB" report --to a@example.org
expect_rc "digest --from rejected" 2 "$TLSRPT" -c "$tmp/digest.conf" digest --dry-run --from nobody
for rule in 'example.com' 'exa*mple.com bob@example.net' 'example.com bob' \
	'example.com bob@example.net, <c@example.net>'; do
	printf 'Database %s\nDigestRecipients %s\n' "$DB" "$rule" >"$tmp/bad.conf"
	expect_rc "DigestRecipients refused: $rule" 1 "$TLSRPT" -c "$tmp/bad.conf" digest --dry-run
	expect_in "DigestRecipients: names the line" "$tmp/err" "bad.conf:2: DigestRecipients:"
done
printf 'Database %s\n' "$DB" >"$tmp/none.conf"
expect_rc "digest without DigestRecipients" 2 "$TLSRPT" -c "$tmp/none.conf" digest
expect_in "digest without DigestRecipients: says so" "$tmp/err" "no DigestRecipients"

# PostgreSQL: the same store, the same recipients, the same domains and
# subjects; the domain-list filter gives the same report as on SQLite.
if [ "$(id -u)" -eq 0 ] && pg_find_bin 2>/dev/null && id postgres >/dev/null 2>&1 &&
    command -v runuser >/dev/null 2>&1; then
	mkdir "$tmp/pgdb"
	if pg_setup "$tmp/pgdb"; then
		trap 'pg_cleanup; tl_cleanup' EXIT
		export PGPASSFILE=$PG_PASSFILE
		"$FIXTURE_STORE" "$PG_URI" "$tmp"/reports/*.json >"$tmp/store.out" 2>&1 ||
			{ cat "$tmp/store.out"; exit 1; }
		"$TLSRPT" -c "$tmp/digest.conf" digest --dry-run >"$tmp/sqlite.dry" 2>"$tmp/sqlite.err"
		cat "$tmp/sqlite.err" >>"$tmp/sqlite.dry"
		expect_rc "PostgreSQL: digest --dry-run" 0 \
			"$TLSRPT" -c "$tmp/digest.conf" --db "$PG_URI" digest --dry-run
		cat "$tmp/out" "$tmp/err" >"$tmp/pg.dry"
		cmp -s "$tmp/sqlite.dry" "$tmp/pg.dry" && ok "PostgreSQL: same recipients, domains, subjects" ||
			{ bad "PostgreSQL: same recipients, domains, subjects"; diff "$tmp/sqlite.dry" "$tmp/pg.dry"; }
		for fmt in text json; do
			"$TLSRPT" --db "$DB" report --days 30 --format $fmt \
				--domain backup-mx.example,SINGLE-MX.example >"$tmp/l.sqlite"
			"$TLSRPT" --db "$PG_URI" report --days 30 --format $fmt \
				--domain backup-mx.example,SINGLE-MX.example >"$tmp/l.pg"
			cmp -s "$tmp/l.sqlite" "$tmp/l.pg" &&
				ok "PostgreSQL: --domain list, $fmt as on SQLite" ||
				{ bad "PostgreSQL: --domain list, $fmt as on SQLite"; diff "$tmp/l.sqlite" "$tmp/l.pg" | head; }
		done
		python3 -c 'import json, sys
m = json.load(open(sys.argv[1]))
assert sorted(d["domain"] for d in m["domains"]) == ["backup-mx.example", "single-mx.example"], m["domains"]
' "$tmp/l.sqlite" && ok "--domain list: those two domains, any case" || bad "--domain list: those two domains, any case"
	else
		bad "PostgreSQL: private server started"
	fi
else
	tl_skip_part postgresql "no PostgreSQL server binaries or postgres user"
fi

# The HTML part in a browser, as tests/report_browser.sh checks the page.
if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then
	export ALICE_HTML="$alice.html"
	TLSRPT_HTML_CMD='cp "$ALICE_HTML" "$1"' TLSRPT_HTML_CHARTS=2 \
		sh "$srcdir/tests/html_browser.sh" >"$tmp/browser.out" 2>&1 &&
		ok "HTML part renders in Chromium (html_browser.sh)" ||
		{ bad "HTML part renders in Chromium (html_browser.sh)"; cat "$tmp/browser.out"; }
else
	tl_skip_part chromium "chromium is not installed"
fi

tl_finish 30 maillog "$tmp/pf/maillog"
