#!/usr/bin/env bash
# bench/smp/run.sh - scaling across CPUs, on one kernel CPU and on two
# (sing run --cpus N): two CPU-bound SIPs (burn.sg) given the same work at
# once (scale.sg): the wall time until both are done and its ratio (2 CPUs
# / 1 CPU; 0.5 is perfect, the issue asks at most 0.55); and a two-stage
# pipeline of SIPs (stage.sg) passing 64 KiB buffers (pipe.sg): buffers
# per second through both stages and its ratio (2 CPUs / 1 CPU; 2 is
# perfect, the issue asks at least 1.6).
# Wall-clock figures: other load on the host inflates the 2-CPU one most.
set -u
. "$(dirname "$0")/../lib.sh"
for p in burn scale stage pipe; do "$SING" build "$HERE/$p.sg" -o "$TMP/$p.sil" || break; done &&
	[ -f "$TMP/pipe.sil" ] ||
	{ echo "smp: build failed"; exit 1; }
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
for c in 1 2; do
	ns=$("$SING" run --cpus "$c" -l "$TMP/burn.sil" "$TMP/scale.sil" | sed -n 's/^both_ns //p')
	[ -n "$ns" ] || { echo "smp: run failed on $c CPUs"; exit 1; }
	eval "ns$c=$ns"
	printf "cpus %d: both done in %8.1f ms\n" "$c" "$(echo "$ns / 1000000" | bc -l)"
done
printf "ratio 2 CPUs / 1 CPU: %.3f\n" "$(echo "$ns2 / $ns1" | bc -l)"
for c in 1 2; do
	out=$("$SING" run --cpus "$c" -l "$TMP/stage.sil" "$TMP/pipe.sil")
	n=$(sed -n 's/^buffers \([0-9]*\) ns .*/\1/p' <<<"$out") ns=$(sed -n 's/^buffers .* ns //p' <<<"$out")
	[ -n "$ns" ] || { echo "smp: pipeline failed on $c CPUs"; exit 1; }
	eval "bps$c=$(echo "$n * 1000000000 / $ns" | bc -l)"
	eval "printf 'cpus %d: 64 KiB pipeline %8.0f buffers/s\n' $c \$bps$c"
done
printf "ratio 2 CPUs / 1 CPU: %.2f\n" "$(echo "$bps2 / $bps1" | bc -l)"
