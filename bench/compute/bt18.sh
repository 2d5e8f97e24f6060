#!/usr/bin/env bash
# bench/compute/bt18.sh - binary-trees at depth 18 against its C twin.
#
# Copies bintrees.sg and bintrees.c with `maxd = 18` into a scratch folder
# (the Sing one with `budget 256 MiB`: the long-lived tree alone is 16 MiB)
# and runs Sing and C -O2 alternately, ROUNDS rounds (default 5), printing
# each round's times and ratio, then the best and median ratio.  Beside
# each self-timed figure, the CPU time (user + system) of the whole process
# (Sing's includes its start-up and teardown) and that ratio: on a loaded
# machine a process waits for the CPU, which CPU time does not count.  With
# BASE=path/to/another/sing, that build runs in each round too (between the
# two), and its ratios are printed beside.  The figure (issue 14): within
# 1.2x of C.  Wall-clock self-timed `time_ns`: print the load beside it.
#
# DEPTH=16 BUDGET=default: the copy bench/compute/run.sh runs (the default
# budget, no manifest), measured the same way.
set -u
. "$(dirname "$0")/../lib.sh"
CC=${CC:-gcc}
ROUNDS=${ROUNDS:-5}
BASE=${BASE:-}
DEPTH=${DEPTH:-18}
BUDGET=${BUDGET:-256 MiB}

{ [ "$BUDGET" = default ] || printf 'manifest {\n\tname "bt18";\n\tbudget %s;\n}\n' "$BUDGET"
  sed "s/maxd = 16;/maxd = $DEPTH;/" "$HERE/bintrees.sg"; } >"$TMP/bt18.sg"
sed "s/maxd = 16;/maxd = $DEPTH;/" "$HERE/bintrees.c" >"$TMP/bt18.c"
grep -q "maxd = $DEPTH;" "$TMP/bt18.sg" && grep -q "maxd = $DEPTH;" "$TMP/bt18.c" ||
	{ echo "bt18: bintrees no longer says maxd = 16"; exit 1; }
echo "binary-trees depth $DEPTH, budget $BUDGET"
"$CC" -O2 -o "$TMP/bt18" "$TMP/bt18.c" || exit 1
"$SING" build "$TMP/bt18.sg" -o "$TMP/new.sil" || exit 1
[ -z "$BASE" ] || "$BASE" build "$TMP/bt18.sg" -o "$TMP/base.sil" || exit 1

ms() { sed -n 's/^time_ns //p' "$1" | awk '{ printf "%.0f", $1 / 1e6 }'; }
check() { sed -n 's/^check //p' "$1"; }
# One timed run: prints its ms and its CPU ms, or fails if the check
# differs from C's.
one() {
	/usr/bin/time -f '%U %S' -o "$TMP/cpu" "$@" >"$TMP/out" || { echo "bt18: $* failed" >&2; return 1; }
	[ "$(check "$TMP/out")" = "$want" ] || { echo "bt18: wrong check from $*" >&2; return 1; }
	echo "$(ms "$TMP/out") $(awk '{ printf "%.0f", ($1 + $2) * 1000 }' "$TMP/cpu")"
}
ratio() { awk -v s="$1" -v c="$2" 'BEGIN { printf "%.2f", s / c }'; }

"$TMP/bt18" >"$TMP/c.out"
want=$(check "$TMP/c.out")
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
: >"$TMP/ratios"
: >"$TMP/bratios"
: >"$TMP/cratios"
: >"$TMP/bcratios"
for r in $(seq "$ROUNDS"); do
	read -r s scpu < <(SING_CACHE="$TMP/cache" one "$SING" run "$TMP/new.sil") || exit 1
	[ -n "$s" ] || exit 1
	line="round $r: sing $s ms (cpu $scpu)"
	if [ -n "$BASE" ]; then
		read -r b bcpu < <(SING_CACHE="$TMP/bcache" one "$BASE" run "$TMP/base.sil") || exit 1
		[ -n "$b" ] || exit 1
		line="$line  base $b ms (cpu $bcpu)"
	fi
	read -r c ccpu < <(one "$TMP/bt18") || exit 1
	[ -n "$c" ] || exit 1
	ratio "$s" "$c" >>"$TMP/ratios"; echo >>"$TMP/ratios"
	ratio "$scpu" "$ccpu" >>"$TMP/cratios"; echo >>"$TMP/cratios"
	line="$line  C $c ms (cpu $ccpu)  sing/C $(ratio "$s" "$c") (cpu $(ratio "$scpu" "$ccpu"))"
	if [ -n "$BASE" ]; then
		ratio "$b" "$c" >>"$TMP/bratios"; echo >>"$TMP/bratios"
		ratio "$bcpu" "$ccpu" >>"$TMP/bcratios"; echo >>"$TMP/bcratios"
		line="$line  base/C $(ratio "$b" "$c") (cpu $(ratio "$bcpu" "$ccpu"))"
	fi
	echo "$line"
done
summary() { sort -n "$1" | awk -v who="$2" '{ v[NR] = $1 }
	END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
	      printf "%s/C: best %.2f median %.2f over %d rounds (target <= 1.2)\n", who, v[1], m, NR }'; }
summary "$TMP/ratios" sing
summary "$TMP/cratios" "sing cpu"
[ -z "$BASE" ] || summary "$TMP/bratios" base
[ -z "$BASE" ] || summary "$TMP/bcratios" "base cpu"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
