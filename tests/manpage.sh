#!/bin/sh
# manpage.sh - tlsrpt(1) documents every subcommand `tlsrpt --help` lists
# and every option each one's --help shows, and renders without a groff
# warning.
set -u
: "${TLSRPT:?TLSRPT must name the tlsrpt binary}"
: "${MANPAGE:?MANPAGE must name the built doc/tlsrpt.1}"
. "${srcdir:-.}/tests/testlib.sh"
tl_init manpage
tl_need_tools groff
tl_tmpdir

groff -ww -man -z "$MANPAGE" 2>"$tmp/warn"
[ -s "$tmp/warn" ] && { bad "groff -ww: no warning"; cat "$tmp/warn"; } || ok "groff -ww: no warning"
groff -man -Tascii -P-cbou "$MANPAGE" 2>/dev/null >"$tmp/page"
[ -s "$tmp/page" ] && ok "renders as text" || bad "renders as text"

"$TLSRPT" --help >"$tmp/help"
for opt in $(grep -o -- '--[a-z][a-z-]*' "$tmp/help" | sort -u); do
	grep -q -- "$opt" "$tmp/page" && ok "global $opt documented" || bad "global $opt not in tlsrpt(1)"
done
cmds=$(sed -n '/^commands:/,/^$/p' "$tmp/help" | awk 'NF > 1 { print $1 }')
[ -n "$cmds" ] && ok "--help lists commands" || bad "--help lists commands"
for cmd in $cmds; do
	grep -q "^ *tlsrpt $cmd" "$tmp/page" && ok "$cmd has a section" || bad "$cmd has no section in tlsrpt(1)"
	"$TLSRPT" "$cmd" --help >"$tmp/h.$cmd" 2>&1
	for opt in $(grep -o -- '--[a-z][a-z-]*' "$tmp/h.$cmd" | sort -u); do
		grep -q -- "$opt" "$tmp/page" && ok "$cmd $opt documented" ||
			bad "$cmd $opt not in tlsrpt(1)"
	done
done
tl_finish
