# pg-lib.sh - a private PostgreSQL server on loopback, for tests and
# benchmarks.  Sourced, not run.  Needs root (the server runs as the
# postgres user, by runuser) and the Debian postgresql package.  Everything
# lives under $PG_DIR: cluster, socket, log, password file; nothing touches
# the system's clusters.  TCP connections need a password (scram-sha-256);
# the superuser connects over the private socket without one.
#
#   pg_usable NAME        exit 77 (skip) unless root with PostgreSQL binaries
#   pg_setup DIR          initdb into DIR/data (DIR's parents searchable
#                         by postgres), start on a free loopback
#                         port, create role and database "tlsrpt" with a
#                         generated password; stops the server on exit
#   pg_start / pg_stop    start (same port) and stop (-m fast) the server
#   pg_psql ARGS...       psql as the superuser into the test database
#   pg_cleanup            stop the server; pg_setup traps EXIT with it, so a
#                         caller with its own EXIT trap must call it
#
# After pg_setup: PG_PORT; PG_URI, the test database as a libpq URI without
# the password; PG_PASSFILE, a password file (mode 0600) for that role;
# PG_PASSWORD; PG_BIN; PG_LOG.

pg_find_bin() {
	if [ -n "${PG_BIN:-}" ]; then
		:
	elif [ -x /usr/lib/postgresql/15/bin/initdb ]; then
		PG_BIN=/usr/lib/postgresql/15/bin
	else
		PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
	fi
	for t in initdb pg_ctl pg_isready psql; do
		[ -n "$PG_BIN" ] && [ -x "$PG_BIN/$t" ] || return 1
	done
}

pg_usable() {
	[ "$(id -u)" -eq 0 ] || { echo "$1: SKIP: needs root"; exit 77; }
	pg_find_bin || { echo "$1: SKIP: PostgreSQL server binaries not found"; exit 77; }
	id postgres >/dev/null 2>&1 || { echo "$1: SKIP: no postgres user"; exit 77; }
	command -v runuser >/dev/null 2>&1 || { echo "$1: SKIP: no runuser"; exit 77; }
}

pg_as() {	# run a server binary as the postgres user
	runuser -u postgres -- "$@"
}

# A TCP port on loopback, from the kernel (testlib.sh's tl_ports).
command -v tl_ports >/dev/null 2>&1 || . "$srcdir/tests/testlib.sh"
pg_free_port() {
	tl_ports pg_p
	echo "$pg_p"
}

pg_setup() {
	PG_DIR=$1
	PG_LOG=$PG_DIR/log/server.log
	PG_PASSWORD=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
	PG_PASSFILE=$PG_DIR/pgpass
	PG_PORT=
	trap pg_cleanup EXIT
	trap 'exit 1' HUP INT TERM
	mkdir -p "$PG_DIR/data" "$PG_DIR/run" "$PG_DIR/log" || return 1
	chmod 755 "$PG_DIR"
	pg_as test -x "$PG_DIR" || {
		echo "pg_setup: user postgres cannot reach $PG_DIR (chmod 755 its parents)"
		return 1
	}
	chown postgres: "$PG_DIR/data" "$PG_DIR/run" "$PG_DIR/log" || return 1
	chmod 700 "$PG_DIR/data"
	pg_as "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres -E UTF8 \
		--locale=C.UTF-8 --auth-local=trust --auth-host=scram-sha-256 \
		>"$PG_DIR/initdb.log" 2>&1 || { cat "$PG_DIR/initdb.log"; return 1; }
	# The port is picked here, then kept: a restarted server is the same one.
	for try in 1 2 3 4 5; do
		PG_PORT=$(pg_free_port)
		pg_start && break
		PG_PORT=
	done
	[ -n "$PG_PORT" ] || { echo "pg_setup: the server did not start"; cat "$PG_LOG"; return 1; }
	PG_URI="postgresql://tlsrpt@127.0.0.1:$PG_PORT/tlsrpt"
	(umask 077 && printf '127.0.0.1:%s:*:tlsrpt:%s\n' "$PG_PORT" "$PG_PASSWORD" >"$PG_PASSFILE")
	pg_psql_db postgres -c "CREATE ROLE tlsrpt LOGIN PASSWORD '$PG_PASSWORD'" \
		-c "CREATE DATABASE tlsrpt OWNER tlsrpt" >/dev/null || return 1
}

pg_start() {
	pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_LOG" -w -t 30 start \
		-o "-k $PG_DIR/run -c listen_addresses=127.0.0.1 -p $PG_PORT" \
		>/dev/null 2>&1 || return 1
	i=0
	until "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"; do
		i=$((i + 1)); [ $i -gt 100 ] && return 1; sleep 0.1
	done
}

pg_stop() {
	pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1
}

pg_cleanup() {
	if [ -n "${PG_DIR:-}" ] && [ -f "$PG_DIR/data/postmaster.pid" ]; then
		pg_stop || true
	fi
}

pg_psql_db() {	# DB ARGS...
	db=$1; shift
	"$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_DIR/run" -p "$PG_PORT" \
		-U postgres -d "$db" "$@"
}

pg_psql() {
	pg_psql_db tlsrpt "$@"
}
