#!/bin/bash
# contrib.sh - the contrib/ downstream rules against the real programs,
# on mail that went through tlsrpt-milter in a private Postfix.
#
# rspamd (a private instance on loopback, no network, run as a milter
# AFTER tlsrpt-milter): a genuine Google-style report (tagged pass) gets
# the "add header" action without contrib/rspamd/settings.conf and no
# action with it; a forged report carrying "X-TLSRPT: pass" gets the
# action even with it, because tlsrpt-milter deleted the forged header
# before rspamd saw the message; so does the same report signed and
# aligned by attacker.example, a reporter nobody listed (tagged verified).
# The private rspamd cannot do DNS, so a report scores only
# about 1 point: the "add header" threshold is lowered to 0.5 here.
# SpamAssassin (spamassassin -t, contrib/spamassassin/60_tlsrpt.cf, also
# --lint): the rule hits the delivered genuine report only, not the
# attacker's verified one, the forged one nor an unverified one.  Dovecot
# Sieve (sieve-test, contrib/dovecot/tlsrpt.sieve as a before-script): the
# genuine report is filed into TLSRPT, the others kept.
# Skips (77) unless root with postfix, swaks, python3-dkim, openssl,
# rspamd, spamassassin and sieve-test.
set -u
srcdir=${srcdir:-.}
MILTER=${TLSRPT_MILTER:-./tlsrpt-milter}
FIX="$srcdir/tests/fixtures"
CONTRIB="$srcdir/contrib"
. "$srcdir/tests/postfix-lib.sh"
. "$srcdir/tests/testlib.sh"

tl_init contrib
tl_need_root
tl_need_tools postfix swaks openssl rspamd spamassassin sieve-test runuser
tl_need_python_dkim
tl_need_users postfix _rspamd nobody

rpid=
stop_daemons() {
	pf_stop
	[ -n "$rpid" ] && kill "$rpid" 2>/dev/null && wait "$rpid" 2>/dev/null
}
tl_tmpdir stop_daemons
chmod 755 "$tmp"
tl_ports port mport rport

# --- messages: genuine, attacker's, forged (unsigned + a fake pass) --------
tl_dkim_google
tl_sign sel google.com "$FIX/mime-google.eml" "$tmp/genuine.eml" || exit 1
# Signed and aligned, but by a domain KnownReporters does not list.
printf 'sel._domainkey.attacker.example v=DKIM1; k=rsa; p=%s\n' "$tl_dkim_p" >>"$tmp/keys"
"$PY" "$srcdir/tests/report_variant.py" --from tlsrpt@attacker.example \
	"$FIX/mime-google.eml" "$tmp/attacker.in" &&
	tl_sign sel attacker.example "$tmp/attacker.in" "$tmp/attacker.eml" || exit 1
{ echo "X-TLSRPT: pass submitter=google.com domain=example.net"; cat "$FIX/mime-google.eml"; } \
	>"$tmp/forged.eml"

# --- tlsrpt-milter, then rspamd, in a private Postfix -----------------------
cat >"$tmp/milter.conf" <<CONF
Socket inet:$mport@127.0.0.1
Database sqlite:$tmp/tlsrpt.db
SpoolDirectory $tmp/spool
DKIMKeyFile $tmp/keys
CONF
tl_milter_up "$tmp/milter.conf"

R="$tmp/rspamd"
mkdir -p "$R/local.d" "$R/db" "$R/run" "$R/log"
cat >"$R/rspamd.conf" <<CONF
# The system's rules and modules; private workers, files and options.
.include "\$CONFDIR/common.conf"
options {
	.include "\$CONFDIR/options.inc"
	.include(try=true; priority=1,duplicate=merge) "\$LOCAL_CONFDIR/local.d/options.inc"
}
logging {
	type = "file";
	filename = "\$LOGDIR/rspamd.log";
	level = "info";
}
worker "rspamd_proxy" {
	bind_socket = "127.0.0.1:$rport";
	milter = yes;
	timeout = 120s;
	upstream "local" {
		default = yes;
		self_scan = yes;
	}
	count = 1;
	spam_header = "X-Spam";
}
CONF
# No network: DNS to a closed loopback port fails at once; every module
# that would look something up (or needs redis) is off.
cat >"$R/local.d/options.inc" <<'CONF'
dns {
	nameserver = ["127.0.0.1:9"];
	timeout = 0.2s;
	retransmits = 1;
}
CONF
for m in asn dkim dmarc spf rbl fuzzy_check neural phishing reputation \
    url_redirector bimi arc dkim_signing replies ratelimit greylist \
    history_redis rspamd_update hfilter whitelist p0f dcc emails mx_check \
    multimap external_services antivirus spamassassin; do
	echo "enabled = false;" >"$R/local.d/$m.conf"
done
# The lowered threshold (see the top), and the score in every message.
printf 'add_header = 0.5;\nrewrite_subject = null;\ngreylist = null;\nreject = 50;\n' \
	>"$R/local.d/actions.conf"
printf 'extended_spam_headers = true;\nskip_local = false;\nskip_authenticated = false;\n' \
	>"$R/local.d/milter_headers.conf"
rspamd_start() {
	chown -R _rspamd:_rspamd "$R"
	: >"$R/log/rspamd.log"
	rspamd -f -u _rspamd -g _rspamd -c "$R/rspamd.conf" --var LOCAL_CONFDIR="$R" \
	    --var DBDIR="$R/db" --var RUNDIR="$R/run" --var LOGDIR="$R/log" \
	    >"$R/stdout" 2>&1 &
	rpid=$!
	i=0
	until grep -q "rspamd_proxy process" "$R/log/rspamd.log" 2>/dev/null &&
	    (exec 3<>"/dev/tcp/127.0.0.1/$rport") 2>/dev/null; do
		i=$((i + 1)); [ $i -gt 900 ] && return 1; sleep 0.1
	done 2>/dev/null
}
rspamd_stop() {
	kill "$rpid" 2>/dev/null; wait "$rpid" 2>/dev/null; rpid=
}
rspamd_start || { echo "rspamd did not start"; tail -20 "$R/stdout" "$R/log/rspamd.log"; exit 1; }

pf_setup "$tmp/pf" "$port" "{ inet:127.0.0.1:$mport, default_action=accept }, { inet:127.0.0.1:$rport, default_action=accept }"
pf_start || { echo "postfix did not start"; cat "$(pf_log)" 2>/dev/null; exit 1; }
ok "private postfix on 127.0.0.1:$port: tlsrpt-milter, then rspamd"

box() { echo "$tmp/pf/mail/example.net/$1/new"; }
deliver() {	# FILE RCPT COPY-AS: send, wait, keep the delivered copy
	before=$(ls "$(box "${2%@*}")" 2>/dev/null | wc -l)
	tl_send "$1" "$2" || { bad "swaks $3"; return 1; }
	pf_wait_mail "$(box "${2%@*}")/.." $((before + 1)) 60 || { bad "$3 delivered"; return 1; }
	cp "$(ls -t "$(box "${2%@*}")"/* | head -1)" "$tmp/$3"
	chmod 644 "$tmp/$3"
}
score() { sed -n 's/^X-Spamd-Result: default: [A-Za-z]* \[\([-0-9.]*\) \/.*/\1/p' "$1"; }

# rspamd without the rule: the genuine report gets the add-header action.
deliver "$tmp/genuine.eml" tlsrpt@example.net norule.eml
if [ -f "$tmp/norule.eml" ]; then
	grep -q '^X-TLSRPT: pass' "$tmp/norule.eml" && ok "the genuine report arrives tagged pass" ||
		bad "the genuine report arrives tagged pass"
	s=$(score "$tmp/norule.eml")
	echo "     rspamd score of the genuine report without the rule: ${s:-?} (add header at 0.5)"
	grep -q '^X-Spam: Yes' "$tmp/norule.eml" && [ -n "$s" ] &&
		ok "rspamd without the rule: add-header action (X-Spam: Yes, score $s)" ||
		{ bad "rspamd without the rule: add-header action"; grep -i '^X-Spam' "$tmp/norule.eml"; }
fi

# With the rule.
rspamd_stop
cp "$CONTRIB/rspamd/settings.conf" "$R/local.d/settings.conf"
rspamd_start || { bad "rspamd restarted with the rule"; tail -20 "$R/log/rspamd.log"; }
deliver "$tmp/genuine.eml" tlsrpt@example.net genuine-delivered.eml
deliver "$tmp/attacker.eml" tlsrpt@example.net attacker-delivered.eml
deliver "$tmp/forged.eml" tlsrpt@example.net forged-delivered.eml
deliver "$FIX/mime-google.eml" tlsrpt@example.net ungenuine-delivered.eml
v="$tmp/genuine-delivered.eml" a="$tmp/attacker-delivered.eml" f="$tmp/forged-delivered.eml" u="$tmp/ungenuine-delivered.eml"
if [ -f "$v" ]; then
	s=$(score "$v")
	echo "     rspamd score of the genuine report with the rule: ${s:-?}"
	! grep -q '^X-Spam:' "$v" && [ -n "$s" ] &&
		ok "rspamd with the rule: the genuine report gets no action (score $s, still scored)" ||
		{ bad "rspamd with the rule: the genuine report gets no action"; grep -i '^X-Spam' "$v"; }
	grep -q "apply static settings tlsrpt_pass.*header:x_tlsrpt matched" "$R/log/rspamd.log" &&
		ok "rspamd logged the settings rule" || bad "rspamd logged the settings rule"
fi
if [ -f "$a" ]; then
	grep -q '^X-TLSRPT: verified' "$a" && ok "the attacker's signed report arrives tagged verified" ||
		{ bad "the attacker's signed report arrives tagged verified"; grep -A1 '^X-TLSRPT' "$a"; }
	grep -q '^X-Spam: Yes' "$a" &&
		ok "rspamd with the rule: verified gets no bypass (X-Spam: Yes, score $(score "$a"))" ||
		{ bad "rspamd with the rule: verified gets no bypass"; grep -i '^X-Spam' "$a"; }
fi
if [ -f "$f" ]; then
	grep -q '^X-TLSRPT: fail' "$f" && [ "$(grep -c '^X-TLSRPT:' "$f")" -eq 1 ] &&
		ok "the forged pass header was replaced by fail" ||
		{ bad "the forged pass header was replaced by fail"; grep '^X-TLSRPT' "$f"; }
	grep -q '^X-Spam: Yes' "$f" &&
		ok "rspamd with the rule: the forged report gets no bypass (X-Spam: Yes, score $(score "$f"))" ||
		{ bad "rspamd with the rule: the forged report gets no bypass"; grep -i '^X-Spam' "$f"; }
fi
n=$(grep -c "apply static settings tlsrpt_pass" "$R/log/rspamd.log")
[ "$n" -eq 1 ] && ok "the rule applied to the genuine report only" ||
	bad "the rule applied to the genuine report only ($n times)"

# --- SpamAssassin -------------------------------------------------------------
SA="$tmp/sa"
mkdir "$SA"
cp /etc/spamassassin/*.pre "$SA/"	# the plugins; the rules are the system's
cp "$CONTRIB/spamassassin/60_tlsrpt.cf" "$SA/"
sa() { HOME="$tmp" spamassassin -L --siteconfigpath="$SA" -p /dev/null "$@"; }
sa --lint >"$tmp/sa.lint" 2>&1 && ok "spamassassin --lint with 60_tlsrpt.cf" ||
	{ bad "spamassassin --lint with 60_tlsrpt.cf"; cat "$tmp/sa.lint"; }
sa_hits() {	# FILE: 0 when TLSRPT_PASS hits
	sa -t <"$1" >"$1.sa" 2>&1
	sed -n '/^X-Spam-Status:/,/version=/p' "$1.sa" | tr -d '\n\t' | grep -q 'TLSRPT_PASS'
}
for c in genuine attacker forged unverified; do
	[ -f "$tmp/$c-delivered.eml" ] || continue
	if sa_hits "$tmp/$c-delivered.eml"; then hit=yes; else hit=no; fi
	want=no; [ $c = genuine ] && want=yes
	[ $hit = $want ] && ok "spamassassin -t: TLSRPT_PASS on the $c report: $hit" ||
		{ bad "spamassassin -t: TLSRPT_PASS on the $c report: $hit, want $want"
		  grep -A3 '^X-Spam-Status' "$tmp/$c-delivered.eml.sa"; }
done
[ -f "$v.sa" ] && grep -q '^ *-20 TLSRPT_PASS' "$v.sa" &&
	ok "spamassassin: -20 points on the genuine report ($(sed -n 's/^X-Spam-Status: \(No\|Yes\), score=\([-0-9.]*\).*/\2/p' "$v.sa") in all)" ||
	bad "spamassassin: -20 points on the genuine report"

# --- Dovecot Sieve -------------------------------------------------------------
S="$tmp/sieve"
mkdir "$S"
cp "$CONTRIB/dovecot/tlsrpt.sieve" "$S/"
echo 'keep;' >"$S/user.sieve"
cp "$tmp"/*-delivered.eml "$S/" 2>/dev/null
chown -R nobody "$S"
for c in genuine attacker forged unverified; do
	[ -f "$S/$c-delivered.eml" ] || continue
	runuser -u nobody -- env HOME="$S" sieve-test -s "$S/tlsrpt.sieve" "$S/user.sieve" \
	    "$S/$c-delivered.eml" >"$S/$c.out" 2>&1 ||
		{ bad "sieve-test on the $c report"; cat "$S/$c.out"; continue; }
	if grep -q 'store message in folder: TLSRPT' "$S/$c.out"; then
		where=TLSRPT
	elif grep -q '^ \* keep' "$S/$c.out"; then
		where=INBOX
	else
		where=?
	fi
	want=INBOX; [ $c = genuine ] && want=TLSRPT
	[ $where = $want ] && ok "sieve-test: the $c report goes to $where" ||
		{ bad "sieve-test: the $c report goes to $where, want $want"; cat "$S/$c.out"; }
done

tl_finish 20 "milter log" "$tmp/milter.log" 20 "rspamd log" "$R/log/rspamd.log" \
	20 "postfix log" "$(pf_log)"
