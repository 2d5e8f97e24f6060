#!/usr/bin/env bash
# bench/eset/run.sh - a request/answer through an endpoint set of 10 to
# 100,000 endpoints (eset.sg): the cost per message should not grow with
# the set (the kernel takes the head of a ready list, docs/kernel.md).
set -u
. "$(dirname "$0")/../lib.sh"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
"$SING" run "$HERE/eset.sg" || { echo "eset: run failed"; exit 1; }
