#!/usr/bin/env bash
# bench/cost/run.sh - the cost table (docs/performance.md): Singularity's
# micro-benchmarks on Sing beside the same operations on Linux, with the
# published figures.  Prints the table; writes build/bench/cost.json and
# build/bench/cost.svg.  Extra arguments go to `sing bench` (e.g. --quick).
set -u
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
SING=${SING:-$ROOT/build/sing}
exec "$SING" bench --json "$ROOT/build/bench/cost.json" --svg "$ROOT/build/bench/cost.svg" "$@"
