#!/usr/bin/env bash
# bench/smp/run.sh - scaling across CPUs: two CPU-bound SIPs (burn.sg)
# given the same work at once (scale.sg), on one kernel CPU and on two
# (sing run --cpus N).  Prints the wall time until both are done and its
# ratio (2 CPUs / 1 CPU; 0.5 is perfect, the issue asks at most 0.55).
# Wall-clock figures: other load on the host inflates the 2-CPU one most.
set -u
. "$(dirname "$0")/../lib.sh"
"$SING" build "$HERE/burn.sg" -o "$TMP/burn.sil" && "$SING" build "$HERE/scale.sg" -o "$TMP/scale.sil" ||
	{ echo "smp: build failed"; exit 1; }
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
for c in 1 2; do
	ns=$("$SING" run --cpus "$c" -l "$TMP/burn.sil" "$TMP/scale.sil" | sed -n 's/^both_ns //p')
	[ -n "$ns" ] || { echo "smp: run failed on $c CPUs"; exit 1; }
	eval "ns$c=$ns"
	printf "cpus %d: both done in %8.1f ms\n" "$c" "$(echo "$ns / 1000000" | bc -l)"
done
printf "ratio 2 CPUs / 1 CPU: %.3f\n" "$(echo "$ns2 / $ns1" | bc -l)"
