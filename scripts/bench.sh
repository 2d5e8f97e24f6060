#!/usr/bin/env bash
# scripts/bench.sh [AREA...] - run the benchmark areas (each bench/AREA/run.sh,
# all of them when none is named).  Benchmarks print figures; they never
# pass or fail on timing.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export ROOT
export SING=${SING:-$ROOT/build/sing}
if [ $# -gt 0 ]; then areas=("$@"); else
	areas=()
	for f in "$ROOT"/bench/*/run.sh; do areas+=("$(basename "$(dirname "$f")")"); done
fi
rc=0
for a in "${areas[@]}"; do
	script="$ROOT/bench/$a/run.sh"
	[ -f "$script" ] || { echo "bench: no such area: $a" >&2; rc=2; continue; }
	echo "== bench $a"
	bash "$script" || rc=1
done
exit $rc
