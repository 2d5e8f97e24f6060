#!/usr/bin/env bash
# bench/sched/run.sh - a chatty pair of SIPs beside CPU-bound SIPs.
#
# mix.sg plays Ping/Pong round trips with an echo SIP for one second of
# wall time alone, beside 1 and beside 4 spinning SIPs (peer.sg), and
# measures a spinner alone for the same time.  Printed per case: the round
# trip's cost and its ratio to alone (= the time 1M round trips take,
# relative), and each spinner's share of the CPU (its loop count over the
# count alone).  Per-thread fairness on N CPUs gives the pair 2N/(k+2)
# of a CPU, but at most one (a round trip runs on one CPU at a time), and
# the spinners what is left (at most a CPU each): on one CPU the pair
# 2/3 beside 1 and 1/3 beside 4, each spinner 1/(k+2); on two the
# spinner beside the pair a CPU of its own, and beside 4 each thread a
# third of a CPU.  Wall-clock figures: other
# load on the host shrinks every share alike, so the shares (the pair's:
# alone/rtt, at most one CPU, as a round trip uses one at a time) should
# sum to the CPUs there are to share, min(N, k+1), and do not on a busy
# host; `norm` scales the slowdown by that sum over min(N, k+1) (the CPU
# the kernel got) and gives the slowdown the pair would see on a quiet
# host.  `fair_x` is the slowdown
# fair shares allow at best: the pair's 2 of k+2 threads get 2N/(k+2) of
# the N CPUs, and a round trip uses one CPU at a time, so 1M round trips
# take at least max(1, (k+2)/2N) times as long as alone (3.0 beside 4
# spinners on one CPU, 1.5 on two).
set -u
. "$(dirname "$0")/../lib.sh"
"$SING" build "$HERE/mix.sg" -o "$TMP/mix.sil" && "$SING" build "$HERE/peer.sg" -o "$TMP/peer.sil" ||
	{ echo "sched: build failed"; exit 1; }
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
SING_DEBUG=sched "$SING" run -l "$TMP/peer.sil" "$TMP/mix.sil" >"$TMP/out" 2>"$TMP/err" ||
	{ echo "sched: run failed"; cat "$TMP/out" "$TMP/err"; exit 1; }
ncpu=$(sed -n 's/^sing: sched: cpus \([0-9]*\)$/\1/p' "$TMP/err")
echo "cpus: ${ncpu:?sched: no cpus line}"
awk -v ncpu="$ncpu" '
/^== / { c = $3 == "" ? "alone" : $3; next }
/^rtt_ns/ { rtt[c] = $2 }
/^spin/ { if (c == "alone") alone = $2; else { k[c]++; sp[c, k[c]] = $2 } }
END {
	printf "%-9s %7s %9s %8s %5s %9s %7s  %s\n", "case", "rtt_ns", "1M_rtt_ms", "x_alone", "sum", "norm_x", "fair_x", "spinner shares, raw (fair: what the pair leaves)"
	printf "%-9s %7d %9.1f %8s %5s %9s %7s  %s\n", "alone", rtt["alone"], rtt["alone"], "1.00", "-", "-", "-", "-"
	split("1 4", ks, " ")
	for (j = 1; j <= 2; j++) {
		c = ks[j]; s = ""; sum = rtt["alone"] / rtt[c]
		for (i = 1; i <= k[c]; i++) { s = s sprintf("%.3f ", sp[c, i] / alone); sum += sp[c, i] / alone }
		fx = (c + 2) / (2 * ncpu); if (fx < 1) fx = 1
		fs = 2 * ncpu / (c + 2); if (fs > 1) fs = 1; fs = (ncpu - fs) / c; if (fs > 1) fs = 1
		cpus = ncpu < c + 1 ? ncpu : c + 1
		printf "%-9s %7d %9.1f %8.2f %5.2f %9.2f %7.2f  %s(fair %.3f)\n", "beside " c, rtt[c], rtt[c], rtt[c] / rtt["alone"], sum, rtt[c] / rtt["alone"] * sum / cpus, fx, s, fs
	}
}' "$TMP/out"
