#!/usr/bin/env bash
# bench/mem/run.sh - the memory system's figures.
#   deep.sg: a 1,000,000-deep recursion five times in one SIP; the first
#     descent maps its stack segments, the others take them from the
#     thread's segment cache (ms per descent, segments mapped).
#   live.sg: a 128 MB live tree, then 20M short-lived objects; the
#     collector's pause histogram, maximum pause and share of the run
#     (SING_DEBUG=stats).
# Wall-clock figures: print the load average beside them.
set -u
. "$(dirname "$0")/../lib.sh"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
for p in deep live; do
	echo "-- $p"
	SING_DEBUG=stats "$SING" run "$HERE/$p.sg" >"$TMP/out" 2>"$TMP/err" || { echo "$p: run failed"; cat "$TMP/err"; continue; }
	cat "$TMP/out"
	sed -n 's/^sing: sip [a-z]*: //p' "$TMP/err"
done
awk '/^build_ms/ { run = $2 + $4 } /collections/ { for (i = 1; i <= NF; i++) if ($i == "total") tot = $(i + 1) }
	END { if (run) printf "live: GC total %.0f ms of %.0f ms run: %.0f%%\n", tot / 1000, run, tot / 10 / run }' "$TMP/out" "$TMP/err"
