#!/usr/bin/env bash
# bench/compute/run.sh - verified Sing code against the same programs in C.
#
# Each program exists as NAME.sg and NAME.c and prints "check N" (the two
# must agree) and "time_ns N", its own measurement of the work (excluding
# start-up and install).  The Sing program runs through `sing run` (verify,
# cached native code, a SIP in a fresh kernel); the C one is built with
# gcc -O2.  Each runs ROUNDS times (default 5), Sing and C in turn so that
# a burst of load on the machine falls on both; printed are the medians,
# their ratio, the spread of the per-round ratios, the install time
# (verify + lower + cc, with an empty cache) and the geometric mean of the
# ratios.  A single run of a 100-300 ms program swings by 1.5x on a
# shared machine; the median of five does not.
set -u
. "$(dirname "$0")/../lib.sh"
CC=${CC:-gcc}
ROUNDS=${ROUNDS:-5}
case $ROUNDS in ''|*[!0-9]*|0) echo "run.sh: ROUNDS must be a positive number" >&2; exit 2 ;; esac

field() { sed -n "s/^$1 //p" "$2"; }
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

printf '%-10s %10s %10s %7s %13s %11s  %s\n' program sing_ms c_ms ratio "(min..max)" install_ms check
logsum=0 n=0
for sg in "$HERE"/*.sg; do
	name=$(basename "$sg" .sg)
	"$SING" build "$sg" -o "$TMP/$name.sil" || { echo "$name: build failed"; continue; }
	t0=$(date +%s%N)
	"$SING" install "$TMP/$name.sil" >/dev/null || { echo "$name: install failed"; continue; }
	t1=$(date +%s%N)
	"$CC" -O2 -o "$TMP/$name" "$HERE/$name.c" -lm || { echo "$name: cc failed"; continue; }
	: >"$TMP/s.all"; : >"$TMP/c.all"; : >"$TMP/r.all"
	same=ok
	for _ in $(seq "$ROUNDS"); do
		"$SING" run "$TMP/$name.sil" >"$TMP/s.out" || { same="sing run failed"; break; }
		"$TMP/$name" >"$TMP/c.out"
		s=$(field time_ns "$TMP/s.out") c=$(field time_ns "$TMP/c.out")
		cs=$(field check "$TMP/s.out") cc=$(field check "$TMP/c.out")
		[ "$cs" = "$cc" ] || { same="MISMATCH ($cs vs $cc)"; break; }
		echo "$s" >>"$TMP/s.all"; echo "$c" >>"$TMP/c.all"
		awk -v s="$s" -v c="$c" 'BEGIN { print s / c }' >>"$TMP/r.all"
	done
	[ "$same" = ok ] || { echo "$name: $same"; continue; }
	s=$(median <"$TMP/s.all") c=$(median <"$TMP/c.all")
	ratio=$(awk -v s="$s" -v c="$c" 'BEGIN { printf "%.2f", s / c }')
	spread=$(sort -n "$TMP/r.all" | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "(%.2f..%.2f)", lo, hi }')
	printf '%-10s %10.1f %10.1f %7s %13s %11.1f  %s\n' "$name" "$(awk -v x="$s" 'BEGIN{print x/1e6}')" \
		"$(awk -v x="$c" 'BEGIN{print x/1e6}')" "$ratio" "$spread" "$(awk -v a="$t0" -v b="$t1" 'BEGIN{print (b-a)/1e6}')" "$same"
	logsum=$(awk -v l="$logsum" -v r="$ratio" 'BEGIN { print l + log(r) }')
	n=$((n + 1))
done
[ "$n" -gt 0 ] && awk -v l="$logsum" -v n="$n" -v k="$ROUNDS" \
	'BEGIN { printf "geometric mean ratio (sing / C -O2, checks on, medians of %d rounds): %.2f over %d programs (target <= 1.5)\n", k, exp(l / n), n }'
