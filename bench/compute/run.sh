#!/usr/bin/env bash
# bench/compute/run.sh - verified Sing code against the same programs in C.
#
# Each program exists as NAME.sg and NAME.c and prints "check N" (the two
# must agree) and "time_ns N", its own measurement of the work (excluding
# start-up and install).  The Sing program runs through `sing run` (verify,
# cached native code, a SIP in a fresh kernel); the C one is built with
# gcc -O2.  Printed: both times, their ratio, the install time (verify +
# lower + cc, with an empty cache) and the geometric mean of the ratios.
set -u
. "$(dirname "$0")/../lib.sh"
CC=${CC:-gcc}

field() { sed -n "s/^$1 //p" "$2"; }

printf '%-10s %10s %10s %7s %11s  %s\n' program sing_ms c_ms ratio install_ms check
logsum=0 n=0
for sg in "$HERE"/*.sg; do
	name=$(basename "$sg" .sg)
	"$SING" build "$sg" -o "$TMP/$name.sil" || { echo "$name: build failed"; continue; }
	t0=$(date +%s%N)
	"$SING" install "$TMP/$name.sil" >/dev/null || { echo "$name: install failed"; continue; }
	t1=$(date +%s%N)
	"$CC" -O2 -o "$TMP/$name" "$HERE/$name.c" -lm || { echo "$name: cc failed"; continue; }
	"$SING" run "$TMP/$name.sil" >"$TMP/s.out" || { echo "$name: sing run failed"; continue; }
	"$TMP/$name" >"$TMP/c.out"
	s=$(field time_ns "$TMP/s.out") c=$(field time_ns "$TMP/c.out")
	cs=$(field check "$TMP/s.out") cc=$(field check "$TMP/c.out")
	same=ok
	[ "$cs" = "$cc" ] || same="MISMATCH ($cs vs $cc)"
	ratio=$(awk -v s="$s" -v c="$c" 'BEGIN { printf "%.2f", s / c }')
	printf '%-10s %10.1f %10.1f %7s %11.1f  %s\n' "$name" "$(awk -v x="$s" 'BEGIN{print x/1e6}')" \
		"$(awk -v x="$c" 'BEGIN{print x/1e6}')" "$ratio" "$(awk -v a="$t0" -v b="$t1" 'BEGIN{print (b-a)/1e6}')" "$same"
	logsum=$(awk -v l="$logsum" -v r="$ratio" 'BEGIN { print l + log(r) }')
	n=$((n + 1))
done
[ "$n" -gt 0 ] && awk -v l="$logsum" -v n="$n" \
	'BEGIN { printf "geometric mean ratio (sing / C -O2, checks on): %.2f over %d programs (target <= 1.5)\n", exp(l / n), n }'
