# postfix-lib.sh - a private Postfix instance on loopback, for tests and
# benchmarks.  Sourced, not run.  Needs root (postfix start), the Debian
# postfix package, and a free port.  Everything lives under $PF_DIR:
# config, queue, data, Maildirs, log; nothing touches the system instance.
#
#   pf_setup DIR PORT [MILTER]   write main.cf/master.cf; MILTER is a
#                                smtpd_milters value or empty for none
#   pf_start / pf_stop           start and stop the instance
#   pf_set_milter MILTER         change smtpd_milters and reload
#   pf_wait_mail MAILDIR N SECS  wait until MAILDIR/new holds N files
#   pf_log                       the instance's log file

pf_setup() {
	PF_DIR=$1 PF_PORT=$2
	mkdir -p "$PF_DIR/etc" "$PF_DIR/queue" "$PF_DIR/data" "$PF_DIR/mail"
	# The virtual delivery agent writes as this uid; the queue is postfix's.
	chown postfix:postfix "$PF_DIR/data" "$PF_DIR/mail"
	chmod 755 "$PF_DIR"
	cat >"$PF_DIR/etc/vmailbox" <<VMB
tlsrpt@example.net	example.net/tlsrpt/
bob@example.net	example.net/bob/
ceo@example.net	example.net/ceo/
VMB
	cat >"$PF_DIR/etc/main.cf" <<MAIN
compatibility_level = 3.6
queue_directory = $PF_DIR/queue
data_directory = $PF_DIR/data
mail_owner = postfix
setgid_group = postdrop
myhostname = mx.example.test
mydomain = example.test
myorigin = \$myhostname
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_recipient_restrictions = permit_mynetworks, reject
virtual_mailbox_domains = example.net
virtual_mailbox_base = $PF_DIR/mail
virtual_mailbox_maps = texthash:$PF_DIR/etc/vmailbox
virtual_uid_maps = static:$(id -u postfix)
virtual_gid_maps = static:$(id -g postfix)
virtual_minimum_uid = 1
maillog_file = $PF_DIR/maillog
maillog_file_prefixes = $PF_DIR
smtputf8_enable = no
biff = no
append_dot_mydomain = no
smtpd_milters = ${3:-}
milter_default_action = accept
milter_protocol = 6
# Local test traffic: no DNS, no delays.
disable_dns_lookups = yes
smtp_host_lookup = native
default_destination_concurrency_limit = 50
in_flow_delay = 0
smtpd_client_connection_rate_limit = 0
MAIN
	cat >"$PF_DIR/etc/master.cf" <<MASTER
127.0.0.1:$PF_PORT inet n - n - 100 smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
virtual   unix  -       n       n       -       -       virtual
lmtp      unix  -       -       n       -       -       lmtp
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
MASTER
	postfix -c "$PF_DIR/etc" check >/dev/null 2>&1 || postfix -c "$PF_DIR/etc" check
}

pf_start() {
	postfix -c "$PF_DIR/etc" start >/dev/null 2>&1 || { postfix -c "$PF_DIR/etc" start; return 1; }
	i=0
	while ! (exec 3<>"/dev/tcp/127.0.0.1/$PF_PORT") 2>/dev/null; do
		i=$((i + 1)); [ $i -gt 100 ] && return 1; sleep 0.1
	done 2>/dev/null
}

pf_stop() {
	postfix -c "$PF_DIR/etc" stop >/dev/null 2>&1 || true
}

pf_set_milter() {
	postconf -c "$PF_DIR/etc" -e "smtpd_milters = $1" &&
		postfix -c "$PF_DIR/etc" reload >/dev/null 2>&1
}

pf_wait_mail() {	# MAILDIR N SECONDS
	j=0
	while [ "$(find "$1/new" -type f 2>/dev/null | wc -l)" -lt "$2" ]; do
		j=$((j + 1)); [ $j -gt $(($3 * 10)) ] && return 1; sleep 0.1
	done
}

pf_log() {
	echo "$PF_DIR/maillog"
}
