#!/bin/bash
# analyze.sh SRCDIR BUILDDIR -- CPPFLAGS...: static analysis of src/*/*.c,
# run by `make analyze` (and so by ./quickstart test).
#
#  - cppcheck --enable=warning,performance,portability, with the
#    project's config.h; false positives are suppressed inline
#    (// cppcheck-suppress ID, with a comment saying why), nothing else.
#  - the clang static analyzer (clang --analyze, what scan-build runs)
#    with the build's own preprocessor flags, one file per process,
#    NPROC at a time.
# Any finding fails the run (exit 1); a missing tool too, since CI has them.
set -u
srcdir=$1 builddir=$2
shift 3
cppcheck=${CPPCHECK:-cppcheck} clang=${CLANG:-clang}
jobs=${ANALYZE_JOBS:-$(nproc 2>/dev/null || echo 1)}
out=$(mktemp -d "${TMPDIR:-/tmp}/tlsrpt-analyze.XXXXXX")
trap 'rm -rf "$out"' EXIT
rc=0
# One folder per layer (HACKING.md); two of them hold a main.c.
sources=$(ls "$srcdir"/src/*/*.c)
incs=$(for d in "$srcdir"/src/*/; do printf -- '-I %s ' "$d"; done)

for tool in "$cppcheck" "$clang"; do
	command -v "$tool" >/dev/null ||
		{ echo "analyze: $tool not found (apt-get install cppcheck clang)"; exit 1; }
done

"$cppcheck" --enable=warning,performance,portability --std=c11 --quiet \
	--inline-suppr --suppress=missingIncludeSystem --error-exitcode=1 \
	$incs --include="$builddir/config.h" -D__GNUC__ \
	-DSYSCONFDIR='"/etc"' -DLOCALSTATEDIR='"/var"' -DRUNSTATEDIR='"/run"' \
	--template='{file}:{line}: {severity}: {message} [{id}]' \
	$sources >"$out/cppcheck" 2>&1
cc=$?
n=$(grep -c ': \(error\|warning\|style\|performance\|portability\): ' "$out/cppcheck")
if [ "$cc" -ne 0 ] || [ "$n" -ne 0 ]; then
	cat "$out/cppcheck"; echo "analyze: cppcheck: $n findings"; rc=1
else
	echo "analyze: cppcheck: 0 findings in $(echo "$sources" | wc -l) files"
fi

# The build's CPPFLAGS go into a response file (clang @FILE), quoted, so
# that -DSYSCONFDIR="/etc" survives; -analyzer-werror turns each finding
# into an error, so the exit status says it.
for a in "$@"; do printf '%s\n' "$a" | sed 's/[\\"]/\\&/g; s/.*/"&"/'; done >"$out/flags"
printf '%s\n' $sources | xargs -P "$jobs" -n 1 sh -c \
	'"$0" --analyze -Xclang -analyzer-output=text -Xclang -analyzer-werror \
	   "@$1" -o /dev/null "$3" >"$2/$(echo "$3" | tr / _).log" 2>&1 ||
	 echo "$3" >>"$2/failed"' "$clang" "$out/flags" "$out"
if [ -s "$out/failed" ]; then
	for f in $(cat "$out/failed"); do cat "$out/$(echo "$f" | tr / _).log"; done
	echo "analyze: clang --analyze: findings in $(wc -l <"$out/failed") files"; rc=1
else
	echo "analyze: clang --analyze: 0 findings in $(echo "$sources" | wc -l) files"
fi
exit $rc
