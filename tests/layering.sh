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

# 1. Every header against every layer's include list.
IFS=';' read -r -a layers <<<"$LAYERS"
for entry in "${layers[@]}"; do
	name=${entry%%:*} flags=${entry#*:}
	[ -d "$src/$name" ] || { bad "layer $name: no folder src/$name"; continue; }
	allowed=" " wrong=0 right=0
	for f in $flags; do allowed+="$(basename "${f#-I}") "; done
	for h in "$src"/*/*.h; do
		layer=$(basename "$(dirname "$h")")
		printf '#include "%s"\nint layering_probe;\n' "$(basename "$h")" >"$probe"
		# shellcheck disable=SC2086
		if $CC -E -o /dev/null $LAYER_CPPFLAGS $flags "$probe" 2>"$tmp/err"; then
			found=1
		else
			found=0
		fi
		case $allowed in
		*" $layer "*)
			if [ $found -eq 1 ]; then right=$((right + 1)); else
				bad "layer $name cannot include $layer/$(basename "$h"), which is below it"
				sed -n 1,5p "$tmp/err"
			fi ;;
		*)
			if [ $found -eq 0 ]; then wrong=$((wrong + 1)); else
				bad "layer $name can include $layer/$(basename "$h"), which is above it"
			fi ;;
		esac
	done
	ok "layer $name: $right headers of its own and below found, $wrong from above refused"
done

# 2. Quoted includes name a file, never a path.
paths=$(grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"[^"]*/' "$src"/*/*.[ch] || true)
expect_eq "quoted includes with a path" "" "$paths"

# 3. Cycles.  Edges "from to" for tsort, which names a loop on stderr.
module() {
	local b
	b=$(basename "$1")
	b=${b%.[ch]}
	echo "${b%_backend}"
}
: >"$tmp/folders"
: >"$tmp/modules"
for f in "$src"/*/*.[ch]; do
	from_dir=$(basename "$(dirname "$f")")
	from_mod=$(module "$f")
	echo "$from_dir $from_dir" >>"$tmp/folders"
	echo "$from_mod $from_mod" >>"$tmp/modules"
	for inc in $(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f"); do
		target=$(ls "$src"/*/"$inc" 2>/dev/null | head -1)
		[ -n "$target" ] || continue
		to_dir=$(basename "$(dirname "$target")")
		to_mod=$(module "$target")
		[ "$to_dir" = "$from_dir" ] || echo "$from_dir $to_dir" >>"$tmp/folders"
		[ "$to_mod" = "$from_mod" ] || echo "$from_mod $to_mod" >>"$tmp/modules"
	done
done
for what in folders modules; do
	if tsort "$tmp/$what" >/dev/null 2>"$tmp/loop"; then
		ok "no include cycle between $what ($(sort -u "$tmp/$what" | awk '$1 != $2' | wc -l) edges)"
	else
		bad "include cycle between $what: $(grep -v 'input contains a loop' "$tmp/loop" | sed 's/^tsort: //' | tr '\n' ' ')"
	fi
done

tl_finish
