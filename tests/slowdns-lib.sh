# slowdns-lib.sh - run tlsrpt-milter where DNS answers late.  Sourced
# after testlib.sh (needs $tmp, $PY).
#
#   sd_usable            0 when root may make namespaces (unshare, ip)
#   sd_setup REAL_MILTER set $MILTER to a wrapper that runs REAL_MILTER in
#                        its own network and mount namespaces, where
#                        /etc/resolv.conf names a DNS server on the private
#                        127.0.0.1 that answers every query 2 s late with
#                        NXDOMAIN, as a hostile zone would.  exec keeps the
#                        pid that tl_milter_start waits on and signals.
#                        Unix sockets in the file system still connect.
#   sd_wait_query N      wait (10 s at most) until the server has had more
#                        than N queries: a lookup is then in flight;
#                        sd_queries prints how many it has had
#   sd_stop              stop that DNS server

sd_usable() {
	[ "$(id -u)" -eq 0 ] && command -v unshare >/dev/null 2>&1 &&
	    command -v ip >/dev/null 2>&1 && unshare -m -n true >/dev/null 2>&1
}

sd_setup() {
	sd_pid_file="$tmp/slowdns.pid"
	cat >"$tmp/slowdns.py" <<'PYEOF'
import os, socket, struct, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 53))
open(sys.argv[1], "w").write("%d\n" % os.getpid())
while True:
    q, peer = s.recvfrom(512)
    with open(sys.argv[2], "a") as log:
        log.write("query\n")
    i = 12
    while q[i]:
        i += 1 + q[i]
    time.sleep(2)
    s.sendto(q[:2] + b"\x81\x83" + struct.pack(">HHHH", 1, 0, 0, 0) +
             q[12:i + 5], peer)
PYEOF
	echo "nameserver 127.0.0.1" >"$tmp/resolv.conf"
	cat >"$tmp/nsrun.sh" <<NSEOF
ip link set lo up || exit 1
mount --bind "$tmp/resolv.conf" /etc/resolv.conf || exit 1
rm -f "$sd_pid_file"
"$PY" "$tmp/slowdns.py" "$sd_pid_file" "$tmp/slowdns.queries" &
n=0
while [ ! -s "$sd_pid_file" ] && [ \$n -lt 100 ]; do sleep 0.1; n=\$((n + 1)); done
exec "$1" "\$@"
NSEOF
	printf '#!/bin/sh\nexec unshare -m -n sh "%s" "$@"\n' "$tmp/nsrun.sh" >"$tmp/nsmilter"
	chmod +x "$tmp/nsmilter"
	MILTER="$tmp/nsmilter"
}

sd_queries() {
	sd_n=$(cat "$tmp/slowdns.queries" 2>/dev/null | wc -l)
	echo "${sd_n:-0}"
}

sd_wait_query() {
	sd_i=0
	while [ "$(sd_queries)" -le "$1" ]; do
		sd_i=$((sd_i + 1)); [ $sd_i -gt 100 ] && return 1
		sleep 0.1
	done
}

sd_stop() {
	[ -n "${sd_pid_file:-}" ] && [ -f "$sd_pid_file" ] &&
		kill "$(cat "$sd_pid_file")" 2>/dev/null
	[ -n "${sd_pid_file:-}" ] && rm -f "$sd_pid_file"
	return 0
}
