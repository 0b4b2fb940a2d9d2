#!/bin/bash
# manpages.sh - every man page in doc/ is built, fully substituted, renders
# without a single warning (groff -ww, and man -l as a reader would see it),
# and tlsrpt-milter(8) names each -X of `tlsrpt-milter -h`.  The
# configuration keys in tlsrpt-milter.conf(5) are test_config's, tlsrpt(1)'s
# commands and options manpage.sh's.  Runs in the build directory, where
# make built the pages.
# Skips (77) without groff.
set -u
srcdir=${srcdir:-.}
MILTER=${TLSRPT_MILTER:-./tlsrpt-milter}
. "$srcdir/tests/testlib.sh"
tl_init manpages
tl_need_tools groff
tl_tmpdir

pages=0
for in in "$srcdir"/doc/*.[1-8].in; do
	[ -e "$in" ] || continue
	page=doc/$(basename "$in" .in)
	pages=$((pages + 1))
	if [ ! -f "$page" ]; then
		bad "$page: not built (missing from man_MANS?)"
		continue
	fi
	# Outside comments, no @name@ is left for the reader.
	grep -n -v '^\.\\"' "$page" | grep '@[a-zA-Z_]*@' >"$tmp/subst" &&
		{ bad "$page: unsubstituted"; cat "$tmp/subst"; } || ok "$page: substituted"
	groff -ww -man -z "$page" >"$tmp/groff" 2>&1
	[ $? -eq 0 ] && [ ! -s "$tmp/groff" ] && ok "$page: groff -ww -man: no warnings" ||
		{ bad "$page: groff -ww -man"; cat "$tmp/groff"; }
	# As a reader sees the installed page, at 80 columns: with the
	# package's paths, since a long build prefix (make distcheck's) is
	# one word too wide to adjust.
	if command -v man >/dev/null 2>&1; then
		sed -e 's|@sysconfdir@|/etc|g' -e 's|@localstatedir@|/var|g' \
		    -e 's|@runstatedir@|/run|g' -e 's|@PACKAGE_VERSION@|0|g' \
		    "$in" >"$tmp/page"
		MANWIDTH=80 man --warnings=w -E UTF-8 -l "$tmp/page" 2>"$tmp/man" >"$tmp/man.out"
		[ $? -eq 0 ] && [ ! -s "$tmp/man" ] && [ -s "$tmp/man.out" ] &&
			ok "$page: man -l: renders, no warnings" ||
			{ bad "$page: man -l"; cat "$tmp/man"; }
	else
		tl_skip_part "man -l $page" "no man(1)"
	fi
done
[ "$pages" -ge 2 ] && ok "$pages pages in doc/" || bad "pages in doc/: $pages"

# A page mentions an option when, with troff's \- read as -, it has the
# option as a word.
names() {	# PAGE WORD...: fail for each WORD the page lacks
	local page=$1 w; shift
	sed 's/\\-/-/g' "$page" >"$tmp/plain"
	for w in "$@"; do
		grep -q -e "\(^\|[^a-zA-Z-]\)$w\([^a-zA-Z-]\|$\)" "$tmp/plain" ||
			{ bad "$page: does not mention $w"; return 1; }
	done
	ok "$page: mentions $*"
}
opts=$("$MILTER" -h 2>&1 | sed -n 's/^  \(-[a-zA-Z]\) .*/\1/p')
if [ -n "$opts" ]; then names doc/tlsrpt-milter.8 $opts; else bad "tlsrpt-milter -h lists no options"; fi
# tlsrpt(1)'s commands and options: tests/manpage.sh.

tl_finish
