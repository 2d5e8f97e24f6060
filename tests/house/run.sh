#!/usr/bin/env bash
# tests/house - the rooms keep their walls (DESIGN.md "Layers, and who is
# trusted"): no file of a trusted room (src/verify, src/backend,
# src/kernel, src/hal) includes, directly or through another header, a
# header of the untrusted front end (src/lang) or of the command line
# (src/cli).  Each file is run through the preprocessor (gcc -MM), so an
# include by any spelling ("../lang/x.h", a header that includes one) is
# seen.  ROOM_ROOT may name another tree (the test's own self-check).
set -u
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$ROOT/tests/lib.sh"
TREE=${ROOM_ROOT:-$ROOT}

# walls TREE: one line "FILE includes HEADER" per breach.  gcc -MM names
# each header by its path from TREE ("src/kernel/../lang/lang.h").
walls() {
	local tree=$1
	(cd "$tree" && gcc -MM -MG -D_GNU_SOURCE -std=c11 \
		$(find src/verify src/backend src/kernel src/hal -name '*.c' | sort) 2>/dev/null) |
	sed -e 's/\\$//' | tr ' ' '\n' | awk -v tree="$tree" '
		/\.c$/ { file = $0; next }
		/\.h$/ && /(lang|cli)\// { print file " " $0 }' |
	while read -r f dep; do
		dep=$(realpath -m --relative-to="$tree" "$tree/$dep")
		case $dep in src/lang/*|src/cli/*) echo "$f includes $dep" ;; esac
	done | sort -u
}

out=$(walls "$TREE")
if [ -z "$out" ]; then ok trusted_rooms_include_no_front_end
else bad trusted_rooms_include_no_front_end "$(echo "$out" | head -3 | tr '\n' ';')"; fi

# The check can fail: a copy of the kernel with one file including the
# front end's header, through a relative path, must be caught.
if [ -z "${ROOM_ROOT:-}" ]; then
	C=$(mktemp -d)
	mkdir -p "$C/src"
	cp -r "$ROOT"/src/{verify,backend,kernel,hal,lang,cli,util,sil} "$C/src/"
	sed -i '0,/#include/s//#include "..\/lang\/lang.h"\n#include/' "$C/src/kernel/chan.c"
	if ROOM_ROOT=$C bash "$0" 2>/dev/null | grep -q '^FAIL trusted_rooms_include_no_front_end: src/kernel/chan.c includes src/lang/lang.h'; then
		ok house_check_catches_a_breach
	else
		bad house_check_catches_a_breach "a kernel file including lang.h went unnoticed"
	fi
	rm -rf "$C"
fi
