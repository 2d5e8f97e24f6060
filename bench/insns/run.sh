#!/usr/bin/env bash
# bench/insns/run.sh - instructions per SIP ping-pong round trip, by
# function, and its taken branches (docs/performance.md "The message
# round trip, instruction by instruction").  gdb steps through one round
# trip of pingpong.sg with bench/cost/echo.sg, on one CPU and on two.
# Unlike a timing, the count does not move with the host's load: it shows
# what a change to the path costs or saves, exactly.  Needs gdb (skipped
# without it).
set -u
. "$(dirname "$0")/../lib.sh"
command -v gdb >/dev/null || { echo "insns: gdb not found, skipped"; exit 0; }
"$SING" build "$HERE/pingpong.sg" -o "$TMP/pp.sil" && "$SING" build "$ROOT/bench/cost/echo.sg" -o "$TMP/echo.sil" ||
	{ echo "insns: build failed"; exit 1; }
rc=0
for cpus in 1 2; do
	echo "== $cpus CPU(s): instructions per round trip"
	STEP_ARGS="run -l $TMP/echo.sil $TMP/pp.sil" SING_CPUS=$cpus gdb -q -batch -x "$HERE/step.py" "$SING" \
		>"$TMP/out" 2>&1
	grep -E '^ *[0-9]+ |^total|^taken|^path|^insns' "$TMP/out" || { tail -5 "$TMP/out"; rc=1; }
done
exit $rc
