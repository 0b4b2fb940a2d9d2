#!/bin/bash
# package.sh - the Debian package, end to end, on this machine: build it
# (dpkg-buildpackage -us -uc -b, from a copy of the source tree, nocheck),
# lintian without errors, install it (dpkg -i; no systemd needs to run),
# check the user, directories, files, owners and modes it made, start the
# installed daemon in the foreground as the packaged user with the
# packaged configuration (its socket in /run/tlsrpt-milter, as systemd's
# RuntimeDirectory= would make it), attach a private Postfix to that
# socket (postfix reaches it through group tlsrpt, as the package set up),
# send a DKIM-signed report through it and find it stored; reinstall over
# it (the upgrade path: configuration and store kept); then purge it and
# check nothing of it is left and the machine is as before.
#
# Skips (77) with TLSRPT_PACKAGE_TEST=no, and unless root with dpkg-buildpackage, debhelper, lintian,
# postfix, swaks, python3-dkim, openssl and sqlite3; and inside the
# package's own build.  Cleans up after an interrupted run of its own;
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
leftovers() {	# what of the package is on the machine, one per line
	dpkg-query -W -f='${Status}\n' tlsrpt-milter 2>/dev/null | grep -qv 'not-installed' &&
		echo "package tlsrpt-milter"
	getent passwd tlsrpt >/dev/null && echo "user tlsrpt"
	getent group tlsrpt >/dev/null && echo "group tlsrpt"
	for f in /etc/tlsrpt-milter.conf /var/lib/tlsrpt-milter /var/spool/tlsrpt-milter \
	    /run/tlsrpt-milter /usr/sbin/tlsrpt-milter /usr/bin/tlsrpt $UNIT $WANTS; do
		[ -e "$f" ] || [ -L "$f" ] && echo "$f"
	done
	find /etc/systemd /var/lib/systemd -name 'tlsrpt-milter*' 2>/dev/null
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
# The daemon is gone before the purge removes its user.
uninstall() {
	pf_stop
	[ -n "$mpid" ] && kill "$mpid" 2>/dev/null && wait "$mpid" 2>/dev/null
	mpid=
	if [ -n "$installed" ]; then
		dpkg --purge tlsrpt-milter >/dev/null 2>&1
		getent passwd tlsrpt >/dev/null && deluser --quiet --system tlsrpt >/dev/null 2>&1
		getent group tlsrpt >/dev/null && delgroup --quiet --system tlsrpt >/dev/null 2>&1
		rm -rf /run/tlsrpt-milter
	fi
}
tl_tmpdir uninstall
chmod 755 "$tmp"	# postfix and tlsrpt read what is in it
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

# --- install --------------------------------------------------------------
installed=yes; touch "$MARK"
if dpkg -i "$deb" >"$tmp/dpkg.log" 2>&1; then ok "dpkg -i (no systemd running)"
else bad "dpkg -i"; cat "$tmp/dpkg.log"; fi
check "package installed" sh -c "dpkg-query -W -f='\${Status}' tlsrpt-milter | grep -q 'install ok installed'"
pw=$(getent passwd tlsrpt)
uid=$(echo "$pw" | cut -d: -f3)
[ -n "$pw" ] && [ "$uid" -lt 1000 ] && ok "system user tlsrpt (uid $uid)" || bad "system user tlsrpt: $pw"
[ "$(echo "$pw" | cut -d: -f6,7)" = /var/lib/tlsrpt-milter:/usr/sbin/nologin ] &&
	ok "its home and shell" || bad "its home and shell: $pw"
check "group tlsrpt" sh -c "getent group tlsrpt >/dev/null"
id -nG postfix | tr ' ' '\n' | grep -qx tlsrpt && ok "postfix in group tlsrpt" ||
	bad "postfix in group tlsrpt: $(id -nG postfix)"
for f in /usr/sbin/tlsrpt-milter /usr/bin/tlsrpt; do
	[ "$(mode_of $f)" = "root:root 755" ] && ok "$f" || bad "$f: $(mode_of $f)"
done
[ "$(mode_of /etc/tlsrpt-milter.conf)" = "root:root 644" ] && ok "/etc/tlsrpt-milter.conf" ||
	bad "/etc/tlsrpt-milter.conf: $(mode_of /etc/tlsrpt-milter.conf)"
sed 's/^#UserID .*/UserID              tlsrpt/' "$srcdir/etc/tlsrpt-milter.conf.sample" |
	cmp -s - /etc/tlsrpt-milter.conf && grep -q '^UserID  *tlsrpt$' /etc/tlsrpt-milter.conf &&
	ok "  is the sample, with UserID tlsrpt" || bad "  is the sample, with UserID tlsrpt"
dpkg-query -W -f='${Conffiles}\n' tlsrpt-milter | grep -q ' /etc/tlsrpt-milter.conf ' &&
	ok "  is a conffile" || bad "  is a conffile"
for d in /var/lib/tlsrpt-milter /var/spool/tlsrpt-milter; do
	[ "$(mode_of $d)" = "tlsrpt:tlsrpt 750" ] && ok "$d tlsrpt:tlsrpt 750" || bad "$d: $(mode_of $d)"
done
for page in man8/tlsrpt-milter.8 man5/tlsrpt-milter.conf.5; do
	check "man page $page" test -f "/usr/share/man/$page.gz"
done
check "man page man1/tlsrpt.1" test -f /usr/share/man/man1/tlsrpt.1.gz
doc=/usr/share/doc/tlsrpt-milter
for f in README.md.gz README.postfix README.prometheus examples/main.cf.snippet \
    examples/tlsrpt-milter.mc examples/postfix-chroot.conf \
    examples/tlsrpt-prometheus.service examples/tlsrpt-prometheus.timer; do
	[ -f "$doc/$f" ] || [ -f "$doc/$f.gz" ] && ok "$doc/$f" || bad "$doc/$f missing"
done
check "systemd unit $UNIT" test -f $UNIT
check "service enabled" test -L $WANTS
if command -v systemd-analyze >/dev/null 2>&1; then
	systemd-analyze verify $UNIT >"$tmp/verify.out" 2>&1 && [ ! -s "$tmp/verify.out" ] &&
		ok "systemd-analyze verify: clean" || { bad "systemd-analyze verify"; cat "$tmp/verify.out"; }
else
	tl_skip_part "systemd-analyze verify" "no systemd-analyze"
fi
ExecStart=$(sed -n 's/^ExecStart=//p' $UNIT)
[ "$ExecStart" = "/usr/sbin/tlsrpt-milter -f -c /etc/tlsrpt-milter.conf" ] &&
	ok "unit runs -f -c /etc/tlsrpt-milter.conf" || bad "unit ExecStart: $ExecStart"

# --- run it as the service would ------------------------------------------
# The unit's user, command line and RuntimeDirectory=; the one addition to
# the packaged configuration is a DKIM key file, since there is no DNS here.
tl_dkim_google
chmod 644 "$tmp/keys"
make_reports "$tmp/k.pem" "$tmp" pkgtest 7 7
{ cat /etc/tlsrpt-milter.conf; echo "DKIMKeyFile $tmp/keys"; } >"$tmp/milter.conf"
chmod 644 "$tmp/milter.conf"
install -d -o tlsrpt -g tlsrpt -m 0750 /run/tlsrpt-milter
sock=/run/tlsrpt-milter/tlsrpt-milter.sock
start_milter() {
	: >"$tmp/milter.log"
	setpriv --reuid=tlsrpt --regid=tlsrpt --init-groups \
		/usr/sbin/tlsrpt-milter -f -c "$tmp/milter.conf" >>"$tmp/milter.log" 2>&1 &
	mpid=$!
	i=0
	until grep -q "starting:" "$tmp/milter.log" 2>/dev/null; do
		i=$((i + 1)); [ $i -gt 50 ] && return 1; sleep 0.1
	done
}
if start_milter; then ok "installed daemon runs as tlsrpt"; else
	bad "installed daemon runs as tlsrpt"; cat "$tmp/milter.log"; fi
[ "$(stat -c '%U' /proc/"$mpid" 2>/dev/null)" = tlsrpt ] && ok "  its process belongs to tlsrpt" ||
	bad "  its process belongs to tlsrpt"
[ "$(mode_of $sock)" = "tlsrpt:tlsrpt 770" ] && ok "socket $sock tlsrpt:tlsrpt 770" ||
	bad "socket: $(mode_of $sock)"
grep -q 'running as root' "$tmp/milter.log" && bad "no root warning" || ok "no root warning"

pf_setup "$tmp/pf" "$port" "{ unix:$sock, default_action=accept }"
pf_start || { bad "postfix did not start"; cat "$(pf_log)" 2>/dev/null; }
box="$tmp/pf/mail/example.net/tlsrpt"
swaks --silent 2 --server 127.0.0.1 --port "$port" --from sender@example.org \
	--to tlsrpt@example.net --data @"$tmp/7.eml" >>"$tmp/swaks.log" 2>&1 || bad "swaks"
if pf_wait_mail "$box" 1 30; then
	grep -q '^X-TLSRPT: pass submitter=google.com domain=example.net' "$box"/new/* &&
		ok "report through Postfix tagged pass" ||
		{ bad "report through Postfix tagged pass"; grep -i '^x-tlsrpt' "$box"/new/*; }
else
	bad "report delivered"
fi
grep -q 'milter.*\(Permission denied\|connect\)' "$(pf_log)" && bad "Postfix reached the socket" ||
	ok "Postfix reached the socket"

# Stored in the packaged Database (read as tlsrpt: a root reader could
# leave root-owned WAL files behind).
db=/var/lib/tlsrpt-milter/tlsrpt.db
q() { setpriv --reuid=tlsrpt --regid=tlsrpt --init-groups sqlite3 "$db" "$1"; }
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
[ "$(stat -c %U "$db" 2>/dev/null)" = tlsrpt ] && ok "  the store belongs to tlsrpt" ||
	bad "  the store belongs to tlsrpt"
kill -TERM "$mpid"; wait "$mpid"; rc=$?; mpid=
[ $rc -eq 0 ] && ok "SIGTERM: clean exit" || bad "SIGTERM: exit $rc"

# Root running tlsrpt with the packaged configuration acts as tlsrpt: the
# store's files stay the filter's.
tlsrpt --db sqlite:/var/lib/tlsrpt-milter/new.db db migrate >"$tmp/migrate.out" 2>&1 &&
	ok "tlsrpt db migrate as root, a new store" ||
	{ bad "tlsrpt db migrate as root"; cat "$tmp/migrate.out"; }
notmine=$(find /var/lib/tlsrpt-milter /var/spool/tlsrpt-milter ! -user tlsrpt)
[ -z "$notmine" ] && ok "  every file of the store and spool belongs to tlsrpt" ||
	bad "  not tlsrpt's: $notmine"
rm -f /var/lib/tlsrpt-milter/new.db*
# Started as some other unprivileged user, it refuses, saying why.
setpriv --reuid=nobody --regid=nogroup --clear-groups \
	/usr/sbin/tlsrpt-milter -f -c "$tmp/milter.conf" >"$tmp/nobody.out" 2>&1
rc=$?
[ $rc -eq 1 ] && grep -q 'UserID tlsrpt: started as another user' "$tmp/nobody.out" &&
	ok "started as nobody: refuses (UserID tlsrpt)" ||
	{ bad "started as nobody: exit $rc"; cat "$tmp/nobody.out"; }

# --- reinstall over it: the admin's configuration and the store stay --------
echo "# changed by the admin" >>/etc/tlsrpt-milter.conf
if dpkg -i "$deb" >"$tmp/dpkg2.log" 2>&1; then ok "reinstall (upgrade path)"
else bad "reinstall"; cat "$tmp/dpkg2.log"; fi
tail -1 /etc/tlsrpt-milter.conf | grep -q 'changed by the admin' && ok "  configuration kept" ||
	bad "  configuration kept"
[ "$(q 'SELECT count(*) FROM reports')" = 1 ] && ok "  store kept" || bad "  store kept"
[ "$(mode_of /var/lib/tlsrpt-milter)" = "tlsrpt:tlsrpt 750" ] && ok "  state directory unchanged" ||
	bad "  state directory: $(mode_of /var/lib/tlsrpt-milter)"

# --- purge ----------------------------------------------------------------
pf_stop
if dpkg --purge tlsrpt-milter >"$tmp/purge.log" 2>&1; then ok "dpkg --purge"
else bad "dpkg --purge"; cat "$tmp/purge.log"; fi
after=$(leftovers)
[ -z "$after" ] && ok "nothing left behind" || bad "left behind: $(echo $after)"
[ "$(id -nG postfix)" = "$postfix_groups" ] && ok "postfix's groups as before" ||
	bad "postfix's groups: $(id -nG postfix), were $postfix_groups"
[ -z "$after" ] && { installed=; rm -f "$MARK"; }

tl_finish 20 "milter log" "$tmp/milter.log" 20 "postfix log" "$(pf_log 2>/dev/null)"
