#!/usr/bin/env bash
# bench/compute/bt18.sh - binary-trees at depth 18 against its C twin.
#
# Copies bintrees.sg and bintrees.c with `maxd = 18` into a scratch folder
# (the Sing one with `budget 256 MiB`: the long-lived tree alone is 16 MiB)
# and runs Sing and C -O2 alternately, ROUNDS rounds (default 5), printing
# each round's times and ratio, then the best and median ratio.  With
# BASE=path/to/another/sing, that build runs in each round too (between the
# two), and its ratios are printed beside.  The figure (issue 14): within
# 1.2x of C.  Wall-clock self-timed `time_ns`: print the load beside it.
set -u
. "$(dirname "$0")/../lib.sh"
CC=${CC:-gcc}
ROUNDS=${ROUNDS:-5}
BASE=${BASE:-}

{ printf 'manifest {\n\tname "bt18";\n\tbudget 256 MiB;\n}\n'
  sed 's/maxd = 16;/maxd = 18;/' "$HERE/bintrees.sg"; } >"$TMP/bt18.sg"
sed 's/maxd = 16;/maxd = 18;/' "$HERE/bintrees.c" >"$TMP/bt18.c"
grep -q 'maxd = 18' "$TMP/bt18.sg" && grep -q 'maxd = 18' "$TMP/bt18.c" ||
	{ echo "bt18: bintrees no longer says maxd = 16"; exit 1; }
"$CC" -O2 -o "$TMP/bt18" "$TMP/bt18.c" || exit 1
"$SING" build "$TMP/bt18.sg" -o "$TMP/new.sil" || exit 1
[ -z "$BASE" ] || "$BASE" build "$TMP/bt18.sg" -o "$TMP/base.sil" || exit 1

ms() { sed -n 's/^time_ns //p' "$1" | awk '{ printf "%.0f", $1 / 1e6 }'; }
check() { sed -n 's/^check //p' "$1"; }
# One timed run: prints its ms, or fails if the check differs from C's.
one() {
	"$@" >"$TMP/out" || { echo "bt18: $* failed" >&2; return 1; }
	[ "$(check "$TMP/out")" = "$want" ] || { echo "bt18: wrong check from $*" >&2; return 1; }
	ms "$TMP/out"
}

"$TMP/bt18" >"$TMP/c.out"
want=$(check "$TMP/c.out")
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
: >"$TMP/ratios"
: >"$TMP/bratios"
for r in $(seq "$ROUNDS"); do
	s=$(SING_CACHE="$TMP/cache" one "$SING" run "$TMP/new.sil") || exit 1
	line="round $r: sing $s ms"
	if [ -n "$BASE" ]; then
		b=$(SING_CACHE="$TMP/bcache" one "$BASE" run "$TMP/base.sil") || exit 1
		line="$line  base $b ms"
	fi
	c=$(one "$TMP/bt18") || exit 1
	ratio=$(awk -v s="$s" -v c="$c" 'BEGIN { printf "%.2f", s / c }')
	echo "$ratio" >>"$TMP/ratios"
	line="$line  C $c ms  sing/C $ratio"
	if [ -n "$BASE" ]; then
		bratio=$(awk -v s="$b" -v c="$c" 'BEGIN { printf "%.2f", s / c }')
		echo "$bratio" >>"$TMP/bratios"
		line="$line  base/C $bratio"
	fi
	echo "$line"
done
summary() { sort -n "$1" | awk -v who="$2" '{ v[NR] = $1 }
	END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
	      printf "%s/C: best %.2f median %.2f over %d rounds (target <= 1.2)\n", who, v[1], m, NR }'; }
summary "$TMP/ratios" sing
[ -z "$BASE" ] || summary "$TMP/bratios" base
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
