#!/bin/bash
# layering.sh: the layers of src/ hold, as HACKING.md draws them.
#
#  1. Each layer's include list (LAYERS, from Makefile.am, the same
#     variables the build compiles that layer with) finds every header of
#     the layers below it and of its own, and none of the layers above:
#     a probe file that includes a header from above fails to compile.
#     So a wrong-way include, say src/core including store.h, fails the
#     build; the probe proves that for every header and layer.
#  2. No source reaches around the include list with a path ("../x.h",
#     "store/store.h").
#  3. No cycle: neither between folders nor between modules (a module is
#     X.c with X.h; a backend's private header X_backend.h belongs to X).
#
# Environment: srcdir, CC, LAYER_CPPFLAGS (config.h and the libraries'
# flags), LAYERS ("name:-Ia -Ib;name:...", top layer last).
. "${srcdir:-.}/tests/testlib.sh"
tl_init layering
tl_tmpdir

src=$srcdir/src
probe=$tmp/probe.c
: "${CC:=cc}"
[ -n "${LAYERS:-}" ] || { echo "LAYERS not set (run through make check)"; exit 99; }

# 1. Every header against every layer's include list, in two compiler
#    runs a layer: one probe includes every header the layer may use and
#    must preprocess (a failure is then narrowed to the header, one probe
#    each); one lists the dependencies of a probe including every header
#    it may not use, missing headers allowed (-MG), and none of those may
#    be found under src/.
probe_of() {	# FILE HEADER...: a probe including each HEADER
	local f=$1; shift
	: >"$f"
	for h in "$@"; do printf '#include "%s"\n' "$(basename "$h")" >>"$f"; done
	echo 'int layering_probe;' >>"$f"
}
IFS=';' read -r -a layers <<<"$LAYERS"
for entry in "${layers[@]}"; do
	name=${entry%%:*} flags=${entry#*:}
	[ -d "$src/$name" ] || { bad "layer $name: no folder src/$name"; continue; }
	allowed=" "
	for f in $flags; do allowed+="$(basename "${f#-I}") "; done
	below=() above=()
	for h in "$src"/*/*.h; do
		layer=${h%/*} layer=${layer##*/}
		case $allowed in
		*" $layer "*) below+=("$h") ;;
		*) above+=("$h") ;;
		esac
	done
	right=${#below[@]} wrong=${#above[@]}
	probe_of "$probe" "${below[@]}"
	# shellcheck disable=SC2086
	if ! $CC -E -o /dev/null $LAYER_CPPFLAGS $flags "$probe" 2>"$tmp/err"; then
		for h in "${below[@]}"; do
			probe_of "$probe" "$h"
			# shellcheck disable=SC2086
			$CC -E -o /dev/null $LAYER_CPPFLAGS $flags "$probe" 2>"$tmp/err" && continue
			layer=${h%/*} layer=${layer##*/}
			bad "layer $name cannot include $layer/$(basename "$h"), which is below it"
			sed -n 1,5p "$tmp/err"
			right=$((right - 1))
		done
	fi
	if [ ${#above[@]} -gt 0 ]; then
		probe_of "$probe" "${above[@]}"
		# shellcheck disable=SC2086
		if $CC -M -MG $LAYER_CPPFLAGS $flags "$probe" >"$tmp/deps" 2>"$tmp/err"; then
			for h in "${above[@]}"; do
				# Found: named with its folder; missing: bare.
				if tr ' \\' '\n\n' <"$tmp/deps" | grep -q "/${h##*/}\$"; then
					layer=${h%/*} layer=${layer##*/}
					bad "layer $name can include $layer/$(basename "$h"), which is above it"
					wrong=$((wrong - 1))
				fi
			done
		else
			bad "layer $name: listing the headers above it failed"
			sed -n 1,5p "$tmp/err"
		fi
	fi
	ok "layer $name: $right headers of its own and below found, $wrong from above refused"
done

# 2. Quoted includes name a file, never a path.
paths=$(grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"[^"]*/' "$src"/*/*.[ch] || true)
expect_eq "quoted includes with a path" "" "$paths"

# 3. Cycles.  Edges "from to" for tsort, which names a loop on stderr; a
#    module is X.c with X.h (a backend's private X_backend.h belongs to X).
#    An include that names no header under src/ is a system one: no edge.
ls "$src"/*/*.[ch] >"$tmp/files"
grep -H '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$src"/*/*.[ch] >"$tmp/includes" || true
awk -v folders="$tmp/folders" -v modules="$tmp/modules" -v files="$tmp/files" '
function folder(p,  n, a) { n = split(p, a, "/"); return a[n - 1] }
function base(p,  n, a) { n = split(p, a, "/"); return a[n] }
function module(p,  b) { b = base(p); sub(/\.[ch]$/, "", b); sub(/_backend$/, "", b); return b }
BEGIN {
	while ((getline p <files) > 0) {
		print folder(p), folder(p) >folders
		print module(p), module(p) >modules
		if (p ~ /\.h$/ && !(base(p) in where))
			where[base(p)] = p
	}
}
{
	file = substr($0, 1, index($0, ":") - 1)
	inc = $0; sub(/^[^"]*"/, "", inc); sub(/".*/, "", inc)
	if (!(inc in where))
		next
	to = where[inc]
	if (folder(to) != folder(file)) print folder(file), folder(to) >folders
	if (module(to) != module(file)) print module(file), module(to) >modules
}' "$tmp/includes"
for what in folders modules; do
	if tsort "$tmp/$what" >/dev/null 2>"$tmp/loop"; then
		ok "no include cycle between $what ($(sort -u "$tmp/$what" | awk '$1 != $2' | wc -l) edges)"
	else
		bad "include cycle between $what: $(grep -v 'input contains a loop' "$tmp/loop" | sed 's/^tsort: //' | tr '\n' ' ')"
	fi
done

tl_finish
