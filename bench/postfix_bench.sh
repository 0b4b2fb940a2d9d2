#!/bin/bash
# postfix_bench.sh - what tlsrpt-milter costs ordinary mail, through a real
# Postfix on loopback, in one run.
#
# A private Postfix (tests/postfix-lib.sh) accepts mail for bench.example
# and discards it, so what is timed is SMTP acceptance: smtpd, cleanup,
# the queue, and the milter when it is in smtpd_milters.  Rounds alternate
# without and with the milter, N ordinary messages each (smtp-source), and
# the medians give the ratio (each round also runs two floor filters:
# bench/null_milter on libmilter, bench/raw_milter without it, so the cost
# splits into ours, libmilter's and Postfix's; and, when Debian's opendkim
# is installed, OpenDKIM in verify mode alone and stacked in front of
# tlsrpt-milter, the filter admins already run); then signed TLS-RPT
# reports are sent through
# the milter to measure reports/s, and the milter's peak RSS is read from
# /proc.  Target: ordinary-mail throughput with the milter >= 0.95 of
# without.  Root only (it starts Postfix).  Usage:
#   bench/postfix_bench.sh [-m MESSAGES] [-r ROUNDS] [-R REPORTS] [-s SESSIONS]
#                          [-l BODY_BYTES] [-D] [-k]   (BENCH_SOCKET=inet for TCP)
# -k DKIM-signs the ordinary mail (one signed message, sent N times), so
# that OpenDKIM verifies every message instead of finding no signature.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
MILTER=${TLSRPT_MILTER:-$top/_build/tlsrpt-milter}
NULL_MILTER=${NULL_MILTER:-$(dirname "$MILTER")/bench/null_milter}
RAW_MILTER=${RAW_MILTER:-$(dirname "$MILTER")/bench/raw_milter}
PY=/usr/bin/python3
messages=5000 rounds=3 reports=300 sessions=10 size=2048 discard=0 signed=0
while getopts m:r:R:s:l:Dk opt; do
	case $opt in
	m) messages=$OPTARG ;; r) rounds=$OPTARG ;; R) reports=$OPTARG ;;
	s) sessions=$OPTARG ;; l) size=$OPTARG ;; D) discard=1 ;; k) signed=1 ;;
	*) echo "usage: $0 [-m N] [-r ROUNDS] [-R REPORTS] [-s SESSIONS] [-l BODY_BYTES] [-D] [-k]"; exit 2 ;;
	esac
done
[ "$(id -u)" -eq 0 ] || { echo "postfix_bench: needs root"; exit 2; }
[ -x "$MILTER" ] || { echo "postfix_bench: build first ($MILTER missing)"; exit 2; }
[ -x "$NULL_MILTER" ] || make -s -C "$(dirname "$MILTER")" bench/null_milter >/dev/null ||
	{ echo "postfix_bench: cannot build $NULL_MILTER"; exit 2; }
[ -x "$RAW_MILTER" ] || make -s -C "$(dirname "$MILTER")" bench/raw_milter >/dev/null ||
	{ echo "postfix_bench: cannot build $RAW_MILTER"; exit 2; }
for t in postfix smtp-source openssl; do
	command -v $t >/dev/null || { echo "postfix_bench: $t not found"; exit 2; }
done
# The peer: OpenDKIM from Debian's opendkim, measured when installed.
OPENDKIM=${OPENDKIM:-/usr/sbin/opendkim}
[ -x "$OPENDKIM" ] || { echo "postfix_bench: $OPENDKIM not found: no OpenDKIM rounds" \
	"(apt-get install opendkim)"; OPENDKIM=; }
. "$top/tests/postfix-lib.sh"

tmp=$(mktemp -d /tmp/pfbench.XXXXXX) && chmod 755 "$tmp"
port=$((30000 + $$ % 20000)) mport=$((port + 1)) mpid=
npid= rpid= dpid=
cleanup() {
	pf_stop
	[ -n "$mpid" ] && kill "$mpid" 2>/dev/null
	[ -n "$npid" ] && kill "$npid" 2>/dev/null
	[ -n "$rpid" ] && kill "$rpid" 2>/dev/null
	[ -n "$dpid" ] && kill "$dpid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

pf_setup "$tmp/pf" "$port" ""
postconf -c "$tmp/pf/etc" -e "alias_maps =" "smtpd_milters ="
if [ "$discard" = 1 ]; then
	# Only bob's mail: ceo@ receives the check that OpenDKIM verifies.
	printf 'bob@example.net\tdiscard:\n' >"$tmp/pf/etc/transport"
	postconf -c "$tmp/pf/etc" -e "transport_maps = texthash:$tmp/pf/etc/transport"
fi
rcpt=bob@example.net
pf_start || { echo "postfix did not start"; tail "$(pf_log)"; exit 1; }

# Keys and a signed report for the report-throughput part.
openssl genrsa 2048 >"$tmp/k.pem" 2>/dev/null
p=$(openssl rsa -in "$tmp/k.pem" -pubout -outform DER 2>/dev/null | base64 | tr -d '\n')
printf 'sel._domainkey.google.com v=DKIM1; k=rsa; p=%s\n' "$p" >"$tmp/keys"
# The same key signs the ordinary mail under -k, as example.org.
printf 'sel._domainkey.example.org v=DKIM1; k=rsa; p=%s\n' "$p" >>"$tmp/keys"
chmod 644 "$tmp/keys"
mkdir "$tmp/db" && chown postfix:postfix "$tmp/db"
SOCKET=${BENCH_SOCKET:-unix:$tmp/milter.sock}
case $SOCKET in inet*) MSPEC="inet:127.0.0.1:$mport"; SOCKET="inet:$mport@127.0.0.1" ;;
*) MSPEC="unix:$tmp/milter.sock" ;; esac
# As a real install runs it: its own user (here postfix, so smtpd may use
# the socket), a unix socket by default (BENCH_SOCKET=inet for TCP).
cat >"$tmp/milter.conf" <<CONF
Socket $SOCKET
UserID postfix
Database sqlite:$tmp/db/tlsrpt.db
SpoolDirectory $tmp/spool
DKIMKeyFile $tmp/keys
LogLevel notice
CONF
"$MILTER" -f -c "$tmp/milter.conf" 2>"$tmp/milter.log" &
mpid=$!
for i in $(seq 50); do grep -q "starting:" "$tmp/milter.log" && break; sleep 0.1; done
grep -q "starting:" "$tmp/milter.log" || { echo "milter did not start:"; cat "$tmp/milter.log"; exit 1; }
MILTER_SPEC="{ $MSPEC, default_action=accept }"

# The floor: a filter that receives every header and accepts, nothing else.
mkdir "$tmp/null" && chown postfix "$tmp/null"
case $SOCKET in inet*) NSOCK="inet:$((mport + 1))@127.0.0.1"; NSPEC="inet:127.0.0.1:$((mport + 1))" ;;
*) NSOCK="unix:$tmp/null/null.sock"; NSPEC="unix:$tmp/null/null.sock" ;; esac
runuser -u postfix -- "$NULL_MILTER" "$NSOCK" 2>"$tmp/null.log" &
npid=$!
for i in $(seq 50); do grep -q listening "$tmp/null.log" && break; sleep 0.1; done
NULL_SPEC="{ $NSPEC, default_action=accept }"

# The floor without libmilter: the same negotiation and replies, spoken by
# one poll() thread (bench/raw_milter.c).  null - raw is libmilter's cost.
mkdir "$tmp/raw" && chown postfix "$tmp/raw"
case $SOCKET in inet*) RSOCK="inet:$((mport + 2))@127.0.0.1"; RSPEC="inet:127.0.0.1:$((mport + 2))" ;;
*) RSOCK="unix:$tmp/raw/raw.sock"; RSPEC="unix:$tmp/raw/raw.sock" ;; esac
runuser -u postfix -- "$RAW_MILTER" "$RSOCK" 2>"$tmp/raw.log" &
rpid=$!
for i in $(seq 50); do grep -q listening "$tmp/raw.log" && break; sleep 0.1; done
grep -q listening "$tmp/raw.log" || { echo "raw filter did not start:"; cat "$tmp/raw.log"; exit 1; }
RAW_SPEC="{ $RSPEC, default_action=accept }"

# OpenDKIM, verify only, as a throwaway: its own config here, the bench's
# socket kind, the postfix user like the other filters.  Its keys come from
# TestPublicKeys (the same file as the milter's DKIMKeyFile) instead of DNS:
# this machine may have no DNS, and with DNS down OpenDKIM would tempfail
# every signed message (On-DNSError) after a resolver timeout, and with DNS
# up it would find no key for the bench's selector (dkim=neutral, no RSA
# work).  From the file it does all of a verification: header and body
# canonicalization, SHA-256, the RSA check, an Authentication-Results field.
DKIM_SPEC=
if [ -n "$OPENDKIM" ]; then
	mkdir "$tmp/odkim" && chown postfix "$tmp/odkim"
	case $SOCKET in inet*) DSOCK="inet:$((mport + 3))@127.0.0.1"; DSPEC="inet:127.0.0.1:$((mport + 3))" ;;
	*) DSOCK="local:$tmp/odkim/odkim.sock"; DSPEC="unix:$tmp/odkim/odkim.sock" ;; esac
	cat >"$tmp/odkim/opendkim.conf" <<CONF
Socket $DSOCK
Mode v
UserID postfix
Background no
Syslog no
TestPublicKeys $tmp/keys
AuthservID mx.example.test
CONF
	"$OPENDKIM" -x "$tmp/odkim/opendkim.conf" 2>"$tmp/odkim.log" &
	dpid=$!
	sock=${DSPEC#unix:}
	for i in $(seq 50); do
		case $DSPEC in unix*) [ -S "$sock" ] && break ;;
		*) (exec 3<>"/dev/tcp/127.0.0.1/$((mport + 3))") 2>/dev/null && break ;; esac
		sleep 0.1
	done
	kill -0 "$dpid" 2>/dev/null || { echo "opendkim did not start:"; cat "$tmp/odkim.log"; exit 1; }
	DKIM_SPEC="{ $DSPEC, default_action=accept }"
fi

# The ordinary mail: smtp-source's own, or under -k one signed message of
# the same body size that smtp-source sends N times (-F).
SRC_ARGS="-l $size"
if [ "$signed" = 1 ]; then
	{
		printf 'From: sender@example.org\nTo: %s\nSubject: ordinary mail\n' "$rcpt"
		printf 'Date: %s\nMessage-ID: <bench.%s@example.org>\n\n' "$(date -R)" "$$"
		yes 'The quick brown fox jumps over the lazy dog, again and again and on.' |
			head -c "$size"
		echo
	} >"$tmp/plain.eml"
	"$PY" "$top/tests/dkim_sign.py" --canon relaxed/relaxed sel example.org \
		"$tmp/k.pem" "$tmp/plain.eml" "$tmp/signed.eml" ||
		{ echo "postfix_bench: cannot sign the ordinary mail"; exit 1; }
	SRC_ARGS="-F $tmp/signed.eml"
fi

now() { date +%s.%N; }
queued() { find "$tmp/pf/queue/incoming" "$tmp/pf/queue/active" \
	"$tmp/pf/queue/maildrop" -type f 2>/dev/null | wc -l; }
# One round: N ordinary messages over S parallel sessions, until the queue
# is empty again (all delivered or discarded); prints seconds.
round() {
	local t0 t1
	t0=$(now)
	smtp-source -s "$sessions" -m "$messages" $SRC_ARGS -d \
	    -f sender@example.org -t "$rcpt" -S "ordinary mail" \
	    "127.0.0.1:$port" || echo "smtp-source failed" >&2
	while [ "$(queued)" -gt 0 ]; do sleep 0.02; done
	t1=$(now)
	echo "$t1 - $t0" | bc -l
}
use_milter() {	# 0 none | 1 tlsrpt-milter | 2 null milter | 3 raw filter
		# | 4 OpenDKIM | 5 OpenDKIM then tlsrpt-milter
	case $1 in 0) pf_set_milter "" ;; 1) pf_set_milter "$MILTER_SPEC" ;;
	2) pf_set_milter "$NULL_SPEC" ;; 3) pf_set_milter "$RAW_SPEC" ;;
	4) pf_set_milter "$DKIM_SPEC" ;; 5) pf_set_milter "$DKIM_SPEC $MILTER_SPEC" ;; esac
	sleep 1	# new smtpd processes pick up the setting
}
# The milter's (or process PID's) CPU seconds so far (user + system).
cpu() { awk '{ printf "%.2f", ($14 + $15) / '"$(getconf CLK_TCK)"' }' "/proc/${1:-$mpid}/stat"; }
# The whole machine's CPU seconds so far, without niced user time (the
# background work this bench shares the machine with runs niced): Postfix,
# smtp-source and the filter.
mcpu() { awk '/^cpu / { printf "%.2f", ($2 + $4 + $7 + $8) / '"$(getconf CLK_TCK)"' }' /proc/stat; }
# One round under filter CONFIG; its time goes to FILE, the machine's CPU
# to $tmp/mcpuCONFIG; prints the time.
measure() {	# CONFIG FILE
	local m0 t
	m0=$(mcpu); t=$(round); echo "$t" >>"$2"
	echo "$(mcpu) - $m0" | bc -l >>"$tmp/mcpu$1"
	echo "$t"
}
nfpid=$(pgrep -P "$npid") rfpid=$(pgrep -P "$rpid")	# under runuser
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "ordinary mail: $rounds rounds of $messages messages ($size-byte body, $sessions sessions," \
	"$([ "$discard" = 1 ] && echo discarded || echo delivered to a Maildir), milter on ${SOCKET%%:*}), alternating"
# OpenDKIM must really verify: one message to ceo@ (never discarded)
# through it, and its Authentication-Results field read back.
if [ -n "$DKIM_SPEC" ]; then
	use_milter 4
	smtp-source -m 1 $SRC_ARGS -f sender@example.org -t ceo@example.net -S "ordinary mail" \
		"127.0.0.1:$port" || echo "smtp-source failed" >&2
	pf_wait_mail "$tmp/pf/mail/example.net/ceo" 1 20
	ar=$(grep -h -A1 '^Authentication-Results:' "$tmp/pf/mail/example.net/ceo/new/"* 2>/dev/null |
		tr -d '\n' | tr -s ' \t' ' ')
	echo "OpenDKIM verify mode, keys from TestPublicKeys; its verdict on the mail: ${ar:-no Authentication-Results field}"
	if [ "$signed" = 1 ]; then
		case $ar in *dkim=pass*) ;;
		*) echo "postfix_bench: OpenDKIM did not verify the signed mail"; exit 1 ;; esac
	else
		echo "  (the mail is unsigned: OpenDKIM only finds no signature; -k signs it)"
	fi
fi
round >/dev/null	# warm-up: Postfix processes, page cache
: >"$tmp/without" ; : >"$tmp/with" ; : >"$tmp/nulltimes" ; : >"$tmp/rawtimes"
: >"$tmp/dkimtimes" ; : >"$tmp/bothtimes" ; : >"$tmp/mcpu4" ; : >"$tmp/mcpu5"
for r in $(seq "$rounds"); do
	use_milter 0; s=$(measure 0 "$tmp/without")
	use_milter 1; c0=$(cpu); w=$(measure 1 "$tmp/with"); c1=$(cpu)
	use_milter 2; n0=$(cpu "$nfpid"); n=$(measure 2 "$tmp/nulltimes"); n1=$(cpu "$nfpid")
	use_milter 3; x0=$(cpu "$rfpid"); x=$(measure 3 "$tmp/rawtimes"); x1=$(cpu "$rfpid")
	printf '  round %d: without %.2f s, tlsrpt-milter %.2f s (its CPU %.2f s), null milter %.2f s (%.2f), raw filter %.2f s (%.2f)\n' \
	    "$r" "$s" "$w" "$(echo "$c1 - $c0" | bc -l)" "$n" "$(echo "$n1 - $n0" | bc -l)" \
	    "$x" "$(echo "$x1 - $x0" | bc -l)"
	[ -n "$DKIM_SPEC" ] || continue
	use_milter 4; d0=$(cpu "$dpid"); d=$(measure 4 "$tmp/dkimtimes"); d1=$(cpu "$dpid")
	use_milter 5; b0=$(cpu "$dpid"); c0=$(cpu); b=$(measure 5 "$tmp/bothtimes"); b1=$(cpu "$dpid"); c1=$(cpu)
	printf '           OpenDKIM %.2f s (%.2f), OpenDKIM + tlsrpt-milter %.2f s (%.2f + %.2f)\n' \
	    "$d" "$(echo "$d1 - $d0" | bc -l)" "$b" "$(echo "$b1 - $b0" | bc -l)" "$(echo "$c1 - $c0" | bc -l)"
done
t_without=$(median <"$tmp/without")
t_with=$(median <"$tmp/with")
t_null=$(median <"$tmp/nulltimes")
t_raw=$(median <"$tmp/rawtimes")
ratio=$(echo "$t_without / $t_with" | bc -l)
printf 'ordinary msgs/s (medians): without a milter %.0f, with tlsrpt-milter %.0f, with the null milter %.0f\n' \
	"$(echo "$messages / $t_without" | bc -l)" "$(echo "$messages / $t_with" | bc -l)" \
	"$(echo "$messages / $t_null" | bc -l)"
printf 'ratio with/without: %.3f   null milter/without: %.3f   tlsrpt-milter/null milter: %.3f\n' \
	"$ratio" "$(echo "$t_without / $t_null" | bc -l)" "$(echo "$t_null / $t_with" | bc -l)"
printf 'raw filter (no libmilter) msgs/s %.0f   raw/without: %.3f   null milter/raw: %.3f\n' \
	"$(echo "$messages / $t_raw" | bc -l)" "$(echo "$t_without / $t_raw" | bc -l)" \
	"$(echo "$t_raw / $t_null" | bc -l)"
printf 'machine CPU per round (medians, niced work excluded): without %.2f s, tlsrpt-milter %.2f s, null milter %.2f s, raw filter %.2f s\n' \
	"$(median <"$tmp/mcpu0")" "$(median <"$tmp/mcpu1")" "$(median <"$tmp/mcpu2")" "$(median <"$tmp/mcpu3")"
if [ -n "$DKIM_SPEC" ]; then
	t_dkim=$(median <"$tmp/dkimtimes") t_both=$(median <"$tmp/bothtimes")
	printf 'OpenDKIM verify msgs/s %.0f, OpenDKIM + tlsrpt-milter %.0f (medians, %s mail)\n' \
		"$(echo "$messages / $t_dkim" | bc -l)" "$(echo "$messages / $t_both" | bc -l)" \
		"$([ "$signed" = 1 ] && echo signed || echo unsigned)"
	printf 'ratio to without: OpenDKIM %.3f   tlsrpt-milter %.3f   both %.3f   both/OpenDKIM alone: %.3f\n' \
		"$(echo "$t_without / $t_dkim" | bc -l)" "$ratio" \
		"$(echo "$t_without / $t_both" | bc -l)" "$(echo "$t_dkim / $t_both" | bc -l)"
	printf 'machine CPU per round (medians): OpenDKIM %.2f s, OpenDKIM + tlsrpt-milter %.2f s\n' \
		"$(median <"$tmp/mcpu4")" "$(median <"$tmp/mcpu5")"
fi
kill "$rpid" 2>/dev/null && wait "$rpid" 2>/dev/null; rpid=
echo "raw filter's own count: $(grep -o "raw_milter: [0-9]* connections.*" "$tmp/raw.log")"
# A filter Postfix could not reach would make "with" look free.  Postfix
# names the filter in each warning ("milter unix:/path: ...", "connect to
# Milter service unix:/path: ...").
warns() { grep -ci "warning:.*milter.*$1" "$(pf_log)"; }
echo "Postfix milter warnings: tlsrpt-milter $(warns "$MSPEC"), null milter $(warns "$NSPEC")," \
	"raw filter $(warns "$RSPEC"),${DKIM_SPEC:+ OpenDKIM $(warns "$DSPEC"),} all $(warns "")"
if grep -qi "warning:.*milter" "$(pf_log)"; then
	echo "postfix_bench: Postfix could not use a milter:"; grep -i "warning:.*milter" "$(pf_log)" | head -3
	exit 1
fi

# Report messages: signed copies of one report through the milter, one session.
use_milter 1
echo "report messages: $reports signed messages (distinct Message-IDs) carrying one report"
"$PY" - "$top/tests/fixtures/mime-google.eml" "$tmp/k.pem" "$reports" "$port" <<'PY'
import re, smtplib, sys, time
sys.path.insert(0, sys.argv[0])
import dkim
src, keyfile, n, port = open(sys.argv[1], "rb").read(), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
import subprocess
key = subprocess.run(["openssl", "rsa", "-in", keyfile, "-traditional"], capture_output=True).stdout
msgs = []
for i in range(n):
    # A distinct Message-ID per copy; the report inside is the same, so the
    # store sees one new report and n-1 duplicates (the common retry case).
    m = src.replace(b"Message-ID: <", b"Message-ID: <%d." % i, 1)
    sig = dkim.sign(m, b"sel", b"google.com", key,
                    include_headers=[b"from", b"to", b"subject", b"date", b"message-id"])
    msgs.append(sig + m)
s = smtplib.SMTP("127.0.0.1", port)
t0 = time.time()
for m in msgs:
    s.sendmail("sender@example.org", ["tlsrpt@example.net"], m)
t1 = time.time()
s.quit()
print("report msgs/s through Postfix and the milter: %.0f (%d in %.2f s)" % (n / (t1 - t0), n, t1 - t0))
PY
echo "reports recorded: $(sqlite3 "$tmp/db/tlsrpt.db" 'SELECT count(*) FROM reports' 2>/dev/null)" \
	"(the same report each time: recorded once, the rest counted as duplicates)"
echo "milter peak RSS: $(awk '/VmHWM/ { print $2, $3 }' /proc/$mpid/status)"
if [ "$(echo "$ratio >= 0.95" | bc -l)" = 1 ]; then
	echo "target: ordinary mail with the milter >= 0.95 x without: met"
else
	echo "target: ordinary mail with the milter >= 0.95 x without: NOT met"
fi
