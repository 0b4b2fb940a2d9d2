#!/bin/bash
# package.sh - the Debian package, end to end, on this machine: build it
# (dpkg-buildpackage -us -uc -b, from a copy of the source tree, nocheck),
# lintian without errors, install it (dpkg -i; no systemd needs to run)
# over what an install from before the user's rename left (user tlsrpt
# with the store as home, a mailbox in it), check the user _tlsrpt, the
# directories, files, owners and modes it made and that the old files
# were re-owned, the weekly digest's service and timer installed but not
# enabled (systemd-analyze verify, as the milter's unit), start the
# installed daemon in the foreground as the packaged user with the
# packaged configuration (its socket in
# /var/spool/postfix/tlsrpt-milter), attach a private Postfix whose smtpd
# and cleanup run chrooted as Debian ships them (the socket directory
# bind-mounted into its queue directory, named relative to it as README
# says) and whose rua address is aliased as README says, send a
# DKIM-signed report through it: the first one is tagged, stored and lands
# in the alias's mailbox; `tlsrpt report --format html` as root writes
# into a directory only root may write, and to standard output; reinstall
# over it (configuration and store kept); remove it while a filter
# started by hand runs (it is stopped); purge it (the mailboxes stay, the
# old one said so, nothing owned by a deleted user); reinstall once the
# old mailbox is gone (the old user goes) and purge: nothing of it is
# left and the machine is as before.
#
# Skips (77) with TLSRPT_PACKAGE_TEST=no, and unless root with dpkg-buildpackage, debhelper, lintian,
# postfix, swaks, python3-dkim, openssl and sqlite3; and inside the
# package's own build.  Cleans up after an interrupted run of its own (a
# mark beside the install says it made it, the old user tlsrpt included);
# refuses (99) an installation it did not make.
set -u
srcdir=${srcdir:-.}
srcdir=$(cd "$srcdir" && pwd)
. "$srcdir/tests/postfix-lib.sh"
. "$srcdir/tests/reports-lib.sh"
. "$srcdir/tests/testlib.sh"

tl_init package
[ -z "${TLSRPT_PACKAGE_BUILD:-}" ] || tl_skip "inside the package build"
# The package is built from the source tree, whatever the build around
# this test: ./quickstart test tests it once, not again under ASan.
[ "${TLSRPT_PACKAGE_TEST:-yes}" = no ] && tl_skip "TLSRPT_PACKAGE_TEST=no (tested in the main build)"
tl_need_root
tl_need_tools dpkg-buildpackage dh fakeroot lintian postfix swaks openssl sqlite3 setpriv
tl_need_python_dkim
tl_need_users postfix

# One run at a time: the package, its user and /run/tlsrpt-milter are
# machine-wide.
exec 9>/run/lock/tlsrpt-milter-package-test.lock 2>/dev/null ||
	exec 9>/tmp/tlsrpt-milter-package-test.lock
flock 9

UNIT=/lib/systemd/system/tlsrpt-milter.service
WANTS=/etc/systemd/system/multi-user.target.wants/tlsrpt-milter.service
DIGEST_UNITS="/lib/systemd/system/tlsrpt-digest.service /lib/systemd/system/tlsrpt-digest.timer"
SOCKDIR=/var/spool/postfix/tlsrpt-milter
READER=tlsrptreader
leftovers() {	# what of the package is on the machine, one per line
	dpkg-query -W -f='${Status}\n' tlsrpt-milter 2>/dev/null | grep -qv 'not-installed' &&
		echo "package tlsrpt-milter"
	for u in _tlsrpt tlsrpt $READER; do
		getent passwd $u >/dev/null && echo "user $u"
		getent group $u >/dev/null && echo "group $u"
	done
	for f in /etc/tlsrpt-milter.conf /var/lib/tlsrpt-milter /var/spool/tlsrpt-milter \
	    /run/tlsrpt-milter $SOCKDIR /usr/sbin/tlsrpt-milter /usr/bin/tlsrpt $UNIT $WANTS; do
		[ -e "$f" ] || [ -L "$f" ] && echo "$f"
	done
	find /etc/systemd /var/lib/systemd \( -name 'tlsrpt-milter*' -o \
		-name 'tlsrpt-watch*' \) 2>/dev/null
}
# An interrupted run leaves its install behind, with MARK beside it: that
# is removed here and the test goes on.  Anything else of the package on
# the machine is someone's installation: refused (exit 99), never touched
# and never a skip, so it cannot hide the test run after run.
MARK=/var/lib/tlsrpt-milter-package-test.mark
purge_leftovers() {	# remove what "leftovers" lists: purge, users, files
	dpkg --purge tlsrpt-milter >/dev/null 2>&1
	leftovers | while read -r what name; do
		case $what in
		user) deluser --quiet --system "$name" >/dev/null 2>&1 ;;
		group) delgroup --quiet --system "$name" >/dev/null 2>&1 ;;
		esac
	done
	leftovers | grep '^/' | while read -r f; do rm -rf "$f"; done
}
before=$(leftovers)
[ -z "$before" ] && rm -f "$MARK"	# a mark with nothing left is stale
if [ -n "$before" ] && [ -e "$MARK" ]; then
	echo "removing what an interrupted run left: $(echo $before)"
	purge_leftovers
	before=$(leftovers)
	[ -z "$before" ] && rm -f "$MARK"
fi
if [ -n "$before" ]; then
	echo "package: ERROR: the machine has an installation this test did not make:" \
		"$(echo $before); remove it (dpkg --purge tlsrpt-milter) or run elsewhere"
	exit 99
fi
postfix_groups=$(id -nG postfix)

installed=
mounted=
# The daemon is gone before the purge removes its user; the bind mount
# goes before $tmp is removed (rm -rf would go through it).
uninstall() {
	pf_stop
	[ -n "$mpid" ] && kill "$mpid" 2>/dev/null && wait "$mpid" 2>/dev/null
	mpid=
	[ -n "$mounted" ] && umount "$mounted" 2>/dev/null
	mounted=
	if [ -n "$installed" ]; then
		dpkg --purge tlsrpt-milter >/dev/null 2>&1
		for u in _tlsrpt tlsrpt; do
			getent passwd $u >/dev/null && userdel $u >/dev/null 2>&1
			getent group $u >/dev/null && groupdel $u >/dev/null 2>&1
		done
		rm -rf /run/tlsrpt-milter $SOCKDIR /var/lib/tlsrpt-milter
	fi
	getent passwd $READER >/dev/null && userdel $READER >/dev/null 2>&1
	getent group $READER >/dev/null && groupdel $READER >/dev/null 2>&1
}
tl_tmpdir uninstall
chmod 755 "$tmp"	# postfix and _tlsrpt read what is in it
tl_ports port
check() {	# NAME COMMAND...: ok when the command succeeds
	local name=$1; shift
	if "$@"; then ok "$name"; else bad "$name"; fi
}
mode_of() { stat -c '%U:%G %a' "$1" 2>/dev/null; }

# --- build ----------------------------------------------------------------
# From a copy: the build writes into debian/ and regenerates configure.
# The make of `make check` must not leak its jobserver into this build.
mkdir "$tmp/src"
(cd "$srcdir" && tar -cf - --exclude='./_build*' --exclude=./.git \
	--exclude=./autom4te.cache --exclude=./debian/build \
	--exclude=./debian/tlsrpt-milter --exclude='./tlsrpt-milter-*' .) |
	tar -xf - -C "$tmp/src" && chmod -R u+w "$tmp/src" || exit 1
t0=$(date +%s)
if (cd "$tmp/src" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
	DEB_BUILD_OPTIONS="nocheck parallel=2" \
	dpkg-buildpackage -us -uc -b >"$tmp/build.log" 2>&1); then
	ok "dpkg-buildpackage -us -uc -b ($(($(date +%s) - t0)) s)"
else
	bad "dpkg-buildpackage -us -uc -b"; tail -30 "$tmp/build.log"
	echo "package: $passed passed, $failed failed"; exit 1
fi
deb=$(ls "$tmp"/tlsrpt-milter_*.deb)
lintian "$tmp"/tlsrpt-milter_*.changes >"$tmp/lintian.out" 2>&1
grep '^E:' "$tmp/lintian.out" && bad "lintian: errors" || ok "lintian: no errors"
grep '^W:' "$tmp/lintian.out" | sed 's/^/  lintian /'

for f in debian/autoreconf.before debian/autoreconf.after; do
	[ -e "$tmp/src/$f" ] && bad "the build left $f" || ok "the build leaves no $f"
done

# --- what an install from before the rename left ---------------------------
# The old postinst's user tlsrpt, whose home was the store's folder, a
# store and a spooled file of its own, and mail delivered to it there.
adduser --quiet --system --group --no-create-home --home /var/lib/tlsrpt-milter \
	--shell /usr/sbin/nologin --gecos "TLS-RPT report filter" tlsrpt
installed=yes; touch "$MARK"
install -d -o tlsrpt -g tlsrpt -m 0750 /var/lib/tlsrpt-milter /var/spool/tlsrpt-milter
install -o tlsrpt -g tlsrpt -m 0640 /dev/null /var/lib/tlsrpt-milter/old.db
install -o tlsrpt -g tlsrpt -m 0640 /dev/null /var/spool/tlsrpt-milter/old-spooled
install -d -o tlsrpt -g tlsrpt -m 0700 /var/lib/tlsrpt-milter/Maildir \
	/var/lib/tlsrpt-milter/Maildir/new /var/lib/tlsrpt-milter/Maildir/cur \
	/var/lib/tlsrpt-milter/Maildir/tmp
echo "Subject: an old report" >/var/lib/tlsrpt-milter/Maildir/new/1.old
chown tlsrpt:tlsrpt /var/lib/tlsrpt-milter/Maildir/new/1.old

# --- install --------------------------------------------------------------
if dpkg -i "$deb" >"$tmp/dpkg.log" 2>&1; then ok "dpkg -i (no systemd running)"
else bad "dpkg -i"; cat "$tmp/dpkg.log"; fi
check "package installed" sh -c "dpkg-query -W -f='\${Status}' tlsrpt-milter | grep -q 'install ok installed'"
expect_in "install says systemd did not start it, and what to run" "$tmp/dpkg.log" \
	"Start the filter with: /usr/sbin/tlsrpt-milter -c /etc/tlsrpt-milter.conf"
pw=$(getent passwd _tlsrpt)
uid=$(echo "$pw" | cut -d: -f3)
[ -n "$pw" ] && [ "$uid" -lt 1000 ] && ok "system user _tlsrpt (uid $uid)" || bad "system user _tlsrpt: $pw"
[ "$(echo "$pw" | cut -d: -f6,7)" = /nonexistent:/usr/sbin/nologin ] &&
	ok "its home is /nonexistent (no mailbox), shell nologin" || bad "its home and shell: $pw"
check "group _tlsrpt" sh -c "getent group _tlsrpt >/dev/null"
id -nG postfix | tr ' ' '\n' | grep -qx _tlsrpt && ok "postfix in group _tlsrpt" ||
	bad "postfix in group _tlsrpt: $(id -nG postfix)"
# The old install: its store and spool re-owned, its mailbox left alone,
# the old user kept (it has a mailbox) and the admin told.
[ "$(mode_of /var/lib/tlsrpt-milter/old.db)" = "_tlsrpt:_tlsrpt 640" ] &&
	[ "$(mode_of /var/spool/tlsrpt-milter/old-spooled)" = "_tlsrpt:_tlsrpt 640" ] &&
	ok "upgrade: the old store and spool re-owned to _tlsrpt" ||
	bad "upgrade: old files: $(mode_of /var/lib/tlsrpt-milter/old.db), $(mode_of /var/spool/tlsrpt-milter/old-spooled)"
[ "$(stat -c %U /var/lib/tlsrpt-milter/Maildir/new/1.old 2>/dev/null)" = tlsrpt ] &&
	ok "upgrade: the mailbox in the old home untouched" || bad "upgrade: the mailbox in the old home"
getent passwd tlsrpt >/dev/null && ok "upgrade: the old user kept while it has a mailbox" ||
	bad "upgrade: the old user kept while it has a mailbox"
expect_in "upgrade: says why the old user is kept" "$tmp/dpkg.log" \
	"the old user tlsrpt is kept, as it still has: /var/lib/tlsrpt-milter/Maildir"
for f in /usr/sbin/tlsrpt-milter /usr/bin/tlsrpt; do
	[ "$(mode_of $f)" = "root:root 755" ] && ok "$f" || bad "$f: $(mode_of $f)"
done
[ "$(mode_of /etc/tlsrpt-milter.conf)" = "root:root 644" ] && ok "/etc/tlsrpt-milter.conf" ||
	bad "/etc/tlsrpt-milter.conf: $(mode_of /etc/tlsrpt-milter.conf)"
sed -e 's/^#UserID .*/UserID              _tlsrpt/' \
	-e "s|^#Socket .*|Socket              unix:$SOCKDIR/tlsrpt-milter.sock|" \
	"$srcdir/etc/tlsrpt-milter.conf.sample" | cmp -s - /etc/tlsrpt-milter.conf &&
	ok "  is the sample, with UserID _tlsrpt and the socket in $SOCKDIR" ||
	bad "  is the sample, with UserID _tlsrpt and the socket in $SOCKDIR"
dpkg-query -W -f='${Conffiles}\n' tlsrpt-milter | grep -q ' /etc/tlsrpt-milter.conf ' &&
	ok "  is a conffile" || bad "  is a conffile"
for d in /var/lib/tlsrpt-milter /var/spool/tlsrpt-milter $SOCKDIR; do
	[ "$(mode_of $d)" = "_tlsrpt:_tlsrpt 750" ] && ok "$d _tlsrpt:_tlsrpt 750" || bad "$d: $(mode_of $d)"
done
for page in man8/tlsrpt-milter.8 man5/tlsrpt-milter.conf.5; do
	check "man page $page" test -f "/usr/share/man/$page.gz"
done
check "man page man1/tlsrpt.1" test -f /usr/share/man/man1/tlsrpt.1.gz
doc=/usr/share/doc/tlsrpt-milter
for f in README.md.gz README.postfix README.prometheus examples/main.cf.snippet \
    examples/tlsrpt-milter.mc examples/tlsrpt-prometheus.service examples/tlsrpt-prometheus.timer; do
	[ -f "$doc/$f" ] || [ -f "$doc/$f.gz" ] && ok "$doc/$f" || bad "$doc/$f missing"
done
hook=/usr/share/tlsrpt-milter/tlsrpt-dane-hook
[ "$(mode_of $hook)" = "root:root 755" ] && ok "$hook" || bad "$hook: $(mode_of $hook)"
[ -z "$(ls /etc/letsencrypt/renewal-hooks/deploy 2>/dev/null)" ] &&
	ok "  and not enabled as a certbot hook" || bad "  enabled: $(ls /etc/letsencrypt/renewal-hooks/deploy)"
# Every milter the pasted lines name is this filter's socket.
snip=$doc/examples/main.cf.snippet
[ -f $snip.gz ] && snip=$tmp/snippet && zcat $doc/examples/main.cf.snippet.gz >"$snip"
grep -v '^#' "$snip" | grep -o 'unix:[^ ,}]*\|inet:[^ ,}]*' | sort -u >"$tmp/milters"
[ "$(cat "$tmp/milters")" = unix:tlsrpt-milter/tlsrpt-milter.sock ] &&
	ok "main.cf.snippet names this filter only" || bad "main.cf.snippet names: $(cat "$tmp/milters")"
check "systemd unit $UNIT" test -f $UNIT
check "service enabled" test -L $WANTS
# The weekly digest: installed, disabled (it needs DigestRecipients first).
for u in $DIGEST_UNITS; do
	check "systemd unit $u" test -f "$u"
done
[ -z "$(find /etc/systemd/system -name 'tlsrpt-digest.*' 2>/dev/null)" ] &&
	ok "digest timer and service not enabled" || bad "digest timer or service enabled"
grep -q '^User=_tlsrpt$' /lib/systemd/system/tlsrpt-digest.service &&
	ok "digest unit runs as _tlsrpt" || bad "digest unit User="
check "watch timer enabled" test -L /etc/systemd/system/timers.target.wants/tlsrpt-watch.timer
if command -v systemd-analyze >/dev/null 2>&1; then
	systemd-analyze verify $UNIT $DIGEST_UNITS >"$tmp/verify.out" 2>&1 && [ ! -s "$tmp/verify.out" ] &&
		ok "systemd-analyze verify: clean" || { bad "systemd-analyze verify"; cat "$tmp/verify.out"; }
	systemd-analyze verify /lib/systemd/system/tlsrpt-watch.timer \
		/lib/systemd/system/tlsrpt-watch.service >"$tmp/verify.out" 2>&1 &&
		[ ! -s "$tmp/verify.out" ] && ok "systemd-analyze verify: watch timer clean" ||
		{ bad "systemd-analyze verify: watch timer"; cat "$tmp/verify.out"; }
else
	tl_skip_part "systemd-analyze verify" "no systemd-analyze"
fi
ExecStart=$(sed -n 's/^ExecStart=//p' $UNIT)
[ "$ExecStart" = "/usr/sbin/tlsrpt-milter -f -c /etc/tlsrpt-milter.conf" ] &&
	ok "unit runs -f -c /etc/tlsrpt-milter.conf" || bad "unit ExecStart: $ExecStart"
grep -q '^User=_tlsrpt$' $UNIT && ok "unit runs as _tlsrpt" || bad "unit User="

# --- run it as the service would ------------------------------------------
# The unit's user and command line; the one addition to the packaged
# configuration is a DKIM key file, since there is no DNS here.
tl_dkim_google
chmod 644 "$tmp/keys"
make_reports "$tmp/k.pem" "$tmp" pkgtest 7 7
{ cat /etc/tlsrpt-milter.conf; echo "DKIMKeyFile $tmp/keys"; } >"$tmp/milter.conf"
chmod 644 "$tmp/milter.conf"
sock=$SOCKDIR/tlsrpt-milter.sock
start_milter() {
	: >"$tmp/milter.log"
	setpriv --reuid=_tlsrpt --regid=_tlsrpt --init-groups \
		/usr/sbin/tlsrpt-milter -f -c "$tmp/milter.conf" >>"$tmp/milter.log" 2>&1 &
	mpid=$!
	i=0
	until grep -q "starting:" "$tmp/milter.log" 2>/dev/null; do
		i=$((i + 1)); [ $i -gt 50 ] && return 1; sleep 0.1
	done
}
if start_milter; then ok "installed daemon runs as _tlsrpt"; else
	bad "installed daemon runs as _tlsrpt"; cat "$tmp/milter.log"; fi
[ "$(stat -c '%U' /proc/"$mpid" 2>/dev/null)" = _tlsrpt ] && ok "  its process belongs to _tlsrpt" ||
	bad "  its process belongs to _tlsrpt"
[ "$(mode_of $sock)" = "_tlsrpt:_tlsrpt 770" ] && ok "socket $sock _tlsrpt:_tlsrpt 770" ||
	bad "socket: $(mode_of $sock)"
grep -q 'running as root' "$tmp/milter.log" && bad "no root warning" || ok "no root warning"

# Postfix as Debian ships master.cf: smtpd and cleanup chrooted in the
# queue directory, the milter named relative to it as README says.  The
# private queue directory gets the socket's directory by a bind mount,
# as /var/spool/postfix has it.
milter="{ unix:tlsrpt-milter/tlsrpt-milter.sock, default_action=accept }"
pf_setup "$tmp/pf" "$port" "$milter"
postconf -c "$tmp/pf/etc" -e "non_smtpd_milters = $milter"
sed -i -e 's/^\(127.0.0.1:[0-9]* *inet *n *- *\)n/\1y/' \
	-e 's/^\(cleanup *unix *n *- *\)n/\1y/' "$tmp/pf/etc/master.cf"
[ "$(postconf -c "$tmp/pf/etc" -F '127.0.0.1:'"$port"'/inet/chroot' 'cleanup/unix/chroot' |
	sed 's/.* = //' | tr '\n' ' ')" = "y y " ] && ok "Postfix: smtpd and cleanup chrooted" ||
	bad "Postfix: smtpd and cleanup chrooted"
mkdir "$tmp/pf/queue/tlsrpt-milter"
if mount --bind $SOCKDIR "$tmp/pf/queue/tlsrpt-milter"; then
	mounted="$tmp/pf/queue/tlsrpt-milter"
else
	bad "mount --bind $SOCKDIR into the private queue directory"
fi
# The rua address of a local domain, aliased to a real user's mailbox
# (README: "Where reports go").
useradd --system --no-create-home --home-dir "$tmp/reader" --shell /usr/sbin/nologin \
	--user-group $READER
install -d -o $READER -g $READER -m 0700 "$tmp/reader"
printf 'tlsrpt: %s\n' $READER >"$tmp/pf/etc/aliases"
# An alias's bare user name is qualified with $myorigin ($myhostname).
postconf -c "$tmp/pf/etc" -e 'mydestination = example.com, $myhostname' \
	"alias_maps = hash:$tmp/pf/etc/aliases" "alias_database = hash:$tmp/pf/etc/aliases" \
	"home_mailbox = Maildir/"
postalias -c "$tmp/pf/etc" "$tmp/pf/etc/aliases" || bad "postalias (newaliases)"
pf_start || { bad "postfix did not start"; cat "$(pf_log)" 2>/dev/null; }
box="$tmp/reader/Maildir"
swaks --silent 2 --server 127.0.0.1 --port "$port" --from sender@example.org \
	--to tlsrpt@example.com --data @"$tmp/7.eml" >>"$tmp/swaks.log" 2>&1 || bad "swaks"
if pf_wait_mail "$box" 1 30; then
	ok "report to the rua address tlsrpt@example.com lands in $READER's mailbox"
	grep -q '^X-TLSRPT: pass submitter=google.com domain=example.net' "$box"/new/* &&
		ok "chrooted Postfix: the first report is tagged pass" ||
		{ bad "chrooted Postfix: the first report is tagged pass"; grep -i '^x-tlsrpt' "$box"/new/*; }
else
	bad "report delivered to $READER's mailbox"
fi
grep -q ': pass: submitter=google.com domain=example.net reports=1 ' "$tmp/milter.log" &&
	ok "chrooted Postfix: the filter saw the first report (pass)" ||
	bad "chrooted Postfix: the filter saw the first report (pass)"
grep -q 'milter.*\(Permission denied\|connect\|No such file\)' "$(pf_log)" &&
	bad "chrooted Postfix reached the socket" || ok "chrooted Postfix reached the socket"
[ -z "$(find /var/lib/tlsrpt-milter -newer "$tmp/7.eml" -path '*Maildir*' 2>/dev/null)" ] &&
	ok "nothing delivered into the filter's state" || bad "mail delivered into the filter's state"
# Until the admin moves it, the old user's mailbox still receives mail,
# as the install said: on a host whose aliases do not yet send tlsrpt on
# to the reader (with them, alias expansion would, whatever the address).
printf 'oldbox: tlsrpt\n' >"$tmp/pf/etc/aliases"
postalias -c "$tmp/pf/etc" "$tmp/pf/etc/aliases" || bad "postalias (old mailbox)"
postfix -c "$tmp/pf/etc" reload >/dev/null 2>&1
printf 'Subject: to the old mailbox\n\nhello\n' >"$tmp/old.eml"
swaks --silent 2 --server 127.0.0.1 --port "$port" --from sender@example.org \
	--to oldbox@example.com --data @"$tmp/old.eml" >>"$tmp/swaks.log" 2>&1 || bad "swaks (old)"
pf_wait_mail /var/lib/tlsrpt-milter/Maildir 2 30 &&
	ok "upgrade: mail to the kept old user still arrives in its mailbox" ||
	bad "upgrade: mail to the kept old user still arrives in its mailbox"

# Stored in the packaged Database (read as _tlsrpt: a root reader could
# leave root-owned WAL files behind).
db=/var/lib/tlsrpt-milter/tlsrpt.db
q() { setpriv --reuid=_tlsrpt --regid=_tlsrpt --init-groups sqlite3 "$db" "$1"; }
[ "$(q "SELECT report_id || ' ' || total_successful FROM reports")" = "pkgtest-7 7" ] &&
	ok "report stored in $db" || bad "report stored: $(q 'SELECT report_id, total_successful FROM reports')"
# What the admin runs (as root, with the packaged configuration).
tlsrpt report --since 2024-03-01 --until 2024-03-01 --format json >"$tmp/report.json" 2>&1
rc=$?
"$PY" - "$tmp/report.json" <<'PY' && [ $rc -eq 0 ] && ok "tlsrpt report shows it" ||
import json, sys
t = json.load(open(sys.argv[1]))["totals"]
sys.exit(0 if (t["reports"], t["successful"], t["failed"]) == (1, 7, 0) else 1)
PY
	{ bad "tlsrpt report shows it (exit $rc)"; head -20 "$tmp/report.json"; }
# README's HTML command, as root, into a directory only root may write.
mkdir -m 700 "$tmp/www"
tlsrpt report --since 2024-03-01 --until 2024-03-01 --format html \
	--output "$tmp/www/tlsrpt.html" >"$tmp/html.out" 2>&1
rc=$?
[ $rc -eq 0 ] && grep -q '</html>' "$tmp/www/tlsrpt.html" 2>/dev/null &&
	[ "$(stat -c %U "$tmp/www/tlsrpt.html")" = root ] &&
	ok "tlsrpt report --format html --output DIR-ONLY-ROOT-WRITES/x.html as root" ||
	{ bad "tlsrpt report --format html --output as root (exit $rc)"; cat "$tmp/html.out"; }
tlsrpt report --since 2024-03-01 --until 2024-03-01 --format html >"$tmp/stdout.html" 2>&1 &&
	grep -q '</html>' "$tmp/stdout.html" && ok "tlsrpt report --format html to standard output" ||
	{ bad "tlsrpt report --format html to standard output"; head -5 "$tmp/stdout.html"; }
[ "$(stat -c %U "$db" 2>/dev/null)" = _tlsrpt ] && ok "  the store belongs to _tlsrpt" ||
	bad "  the store belongs to _tlsrpt"
kill -TERM "$mpid"; wait "$mpid"; rc=$?; mpid=
[ $rc -eq 0 ] && ok "SIGTERM: clean exit" || bad "SIGTERM: exit $rc"

# Root running tlsrpt with the packaged configuration acts as _tlsrpt:
# the store's files stay the filter's.
tlsrpt --db sqlite:/var/lib/tlsrpt-milter/new.db db migrate >"$tmp/migrate.out" 2>&1 &&
	ok "tlsrpt db migrate as root, a new store" ||
	{ bad "tlsrpt db migrate as root"; cat "$tmp/migrate.out"; }
notmine=$(find /var/lib/tlsrpt-milter /var/spool/tlsrpt-milter -path '*/Maildir' -prune -o \
	! -user _tlsrpt -print)
[ -z "$notmine" ] && ok "  every file of the store and spool belongs to _tlsrpt" ||
	bad "  not _tlsrpt's: $notmine"
rm -f /var/lib/tlsrpt-milter/new.db*
# Started as some other unprivileged user, it refuses, saying why.
setpriv --reuid=nobody --regid=nogroup --clear-groups \
	/usr/sbin/tlsrpt-milter -f -c "$tmp/milter.conf" >"$tmp/nobody.out" 2>&1
rc=$?
[ $rc -eq 1 ] && grep -q 'UserID _tlsrpt: started as another user' "$tmp/nobody.out" &&
	ok "started as nobody: refuses (UserID _tlsrpt)" ||
	{ bad "started as nobody: exit $rc"; cat "$tmp/nobody.out"; }

# --- reinstall over it: the admin's configuration and the store stay --------
echo "# changed by the admin" >>/etc/tlsrpt-milter.conf
if dpkg -i "$deb" >"$tmp/dpkg2.log" 2>&1; then ok "reinstall (upgrade path)"
else bad "reinstall"; cat "$tmp/dpkg2.log"; fi
tail -1 /etc/tlsrpt-milter.conf | grep -q 'changed by the admin' && ok "  configuration kept" ||
	bad "  configuration kept"
[ "$(q 'SELECT count(*) FROM reports')" = 1 ] && ok "  store kept" || bad "  store kept"
[ "$(mode_of /var/lib/tlsrpt-milter)" = "_tlsrpt:_tlsrpt 750" ] && ok "  state directory unchanged" ||
	bad "  state directory: $(mode_of /var/lib/tlsrpt-milter)"

# --- remove stops a filter started by hand, as the install says to ----------
pf_stop
[ -n "$mounted" ] && umount "$mounted" && mounted=
/usr/sbin/tlsrpt-milter -c /etc/tlsrpt-milter.conf >"$tmp/hand.out" 2>&1 ||
	{ bad "started by hand"; cat "$tmp/hand.out"; }
i=0
until [ -S $sock ] || [ $i -gt 50 ]; do i=$((i + 1)); sleep 0.1; done
hand=$(for p in /proc/[0-9]*; do
	[ "$(readlink "$p/exe" 2>/dev/null)" = /usr/sbin/tlsrpt-milter ] && echo "${p#/proc/}"
done)
[ -n "$hand" ] && [ "$(stat -c %U /proc/$hand 2>/dev/null)" = _tlsrpt ] &&
	ok "started by hand as root: runs as _tlsrpt" || bad "started by hand: pid '$hand'"
if dpkg --remove tlsrpt-milter >"$tmp/remove.log" 2>&1; then ok "dpkg --remove"
else bad "dpkg --remove"; cat "$tmp/remove.log"; fi
# Stopped: gone, or exited and not yet reaped by its parent (init, not
# us), which kill -0 still finds for a moment.
stopped() {
	for hp in $hand; do
		[ -d "/proc/$hp" ] && [ "$(sed 's/.*) //' "/proc/$hp/stat" 2>/dev/null | cut -c1)" != Z ] &&
			return 1
	done
	return 0
}
[ -n "$hand" ] && stopped && grep -q 'stopped the running filter' "$tmp/remove.log" &&
	ok "  the filter started by hand is stopped, and it says so" ||
	{ bad "  the filter started by hand is stopped"; cat "$tmp/remove.log"; }

# --- purge ----------------------------------------------------------------
if dpkg --purge tlsrpt-milter >"$tmp/purge.log" 2>&1; then ok "dpkg --purge"
else bad "dpkg --purge"; cat "$tmp/purge.log"; fi
# dpkg's own "not empty so not removed" is about the folder kept above.
grep -v 'not empty so not removed' "$tmp/purge.log" |
	grep -qi 'deluser\|userdel\|groupdel\|gpasswd\|usermod\|warning' &&
	{ bad "purge: no stray warnings"; cat "$tmp/purge.log"; } || ok "purge: no stray warnings"
[ "$(ls "$box"/new | wc -l)" -ge 1 ] && ok "purge: the reports in $READER's mailbox stay" ||
	bad "purge: the reports in $READER's mailbox stay"
[ -f /var/lib/tlsrpt-milter/Maildir/new/1.old ] &&
	[ "$(ls /var/lib/tlsrpt-milter/Maildir/new | wc -l)" -eq 2 ] && ok "purge: the old user's mailbox stays" ||
	bad "purge: the old user's mailbox stays"
expect_in "purge: says what it kept" "$tmp/purge.log" "kept /var/lib/tlsrpt-milter"
[ "$(ls -A /var/lib/tlsrpt-milter 2>/dev/null)" = Maildir ] && ok "purge: the store's files are gone" ||
	bad "purge: left in /var/lib/tlsrpt-milter: $(ls -A /var/lib/tlsrpt-milter)"
for d in /var/spool/tlsrpt-milter /run/tlsrpt-milter $SOCKDIR; do
	[ -e $d ] && bad "purge: $d left" || ok "purge: $d removed"
done
orphans=$(find /var/lib/tlsrpt-milter /var/spool /run -xdev -maxdepth 3 \( -nouser -o -nogroup \) 2>/dev/null)
[ -z "$orphans" ] && ok "purge: nothing owned by a deleted user" || bad "purge: orphans: $orphans"
getent passwd _tlsrpt >/dev/null && bad "purge: user _tlsrpt removed" || ok "purge: user _tlsrpt removed"

# --- the old mailbox moved away: the old user goes at the next install -------
mv /var/lib/tlsrpt-milter/Maildir "$tmp/old-maildir"
if dpkg -i "$deb" >"$tmp/dpkg3.log" 2>&1; then ok "install again"
else bad "install again"; cat "$tmp/dpkg3.log"; fi
getent passwd tlsrpt >/dev/null && bad "the old user removed once it has no mailbox" ||
	ok "the old user removed once it has no mailbox"
getent group tlsrpt >/dev/null && bad "  and its group" || ok "  and its group"
expect_in "  and says so" "$tmp/dpkg3.log" "the old user tlsrpt is removed"
if dpkg --purge tlsrpt-milter >"$tmp/purge2.log" 2>&1; then ok "dpkg --purge"
else bad "dpkg --purge"; cat "$tmp/purge2.log"; fi
userdel $READER >/dev/null 2>&1
after=$(leftovers)
[ -z "$after" ] && ok "nothing left behind" || bad "left behind: $(echo $after)"
[ "$(id -nG postfix)" = "$postfix_groups" ] && ok "postfix's groups as before" ||
	bad "postfix's groups: $(id -nG postfix), were $postfix_groups"
[ -z "$after" ] && { installed=; rm -f "$MARK"; }

tl_finish 20 "milter log" "$tmp/milter.log" 20 "postfix log" "$(pf_log 2>/dev/null)"
