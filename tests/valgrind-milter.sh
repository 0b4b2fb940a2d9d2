#!/bin/sh
# valgrind-milter.sh - run tlsrpt-milter ($REAL_MILTER) under valgrind
# memcheck, for `make check-valgrind`, which hands this script to
# tests/milter.sh as TLSRPT_MILTER.  Each run's report goes to
# $VG_LOG_DIR/milter.PID.log; with --quiet it stays empty unless there is
# an error or a definite leak, and the exit status becomes 97.
: "${REAL_MILTER:?REAL_MILTER must name the tlsrpt-milter binary}"
: "${VG_LOG_DIR:?VG_LOG_DIR must name a directory for the reports}"
exec ${VALGRIND:-valgrind} --quiet --error-exitcode=97 --leak-check=full \
	--errors-for-leak-kinds=definite --show-leak-kinds=definite \
	--suppressions="${srcdir:-.}/tests/valgrind.supp" \
	--log-file="$VG_LOG_DIR/milter.%p.log" "$REAL_MILTER" "$@"
