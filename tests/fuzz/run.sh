#!/usr/bin/env bash
# tests/fuzz/run.sh [SECONDS] - build the fuzz targets, then run each
# build/fuzz/fuzz_NAME for SECONDS (default 10) over its seed corpus
# tests/fuzz/corpus/NAME/ (checked in, never written to; new inputs go to
# build/fuzz/corpus/NAME/).  A dictionary tests/fuzz/fuzz_NAME.dict is used
# if present.  Prints "ok fuzz_NAME" or "FAIL fuzz_NAME: ..." naming the
# crashing input (kept under build/fuzz/crashes/).  Also a test area:
# tests/run calls it with no argument.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SECONDS_EACH=${1:-10}
cd "$ROOT" || exit 1
# The sanitizers' own settings: libFuzzer needs abort-free exits to report.
export ASAN_OPTIONS=detect_leaks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

log=$(mktemp)
trap 'rm -f "$log"' EXIT
# The targets are rebuilt from the current sources (make, with every
# header a dependency), or the smoke fails: an old binary proves nothing
# about the code as it is.
. tests/lib.sh
built=1
limit 1200 tests/fuzz/build.sh >"$log" 2>&1 || built=0

for src in tests/fuzz/fuzz_*.c; do
	[ -e "$src" ] || continue
	target=$(basename "$src" .c)          # fuzz_NAME
	want "$target" || continue
	name=${target#fuzz_}
	bin=build/fuzz/$target
	if [ $built = 0 ]; then
		echo "FAIL $target: the fuzz build from the current sources failed: $(grep -m1 -E 'error|not found' "$log")"
		continue
	fi
	seeds=tests/fuzz/corpus/$name
	work=build/fuzz/corpus/$name
	crashes=build/fuzz/crashes
	mkdir -p "$seeds" "$work" "$crashes"
	dict=()
	[ -f "tests/fuzz/$target.dict" ] && dict=(-dict="tests/fuzz/$target.dict")
	limit $((SECONDS_EACH + 60)) "$bin" -max_total_time="$SECONDS_EACH" -max_len=65536 -timeout=5 -rss_limit_mb=2048 \
		-print_final_stats=0 -artifact_prefix="$crashes/$name-" "${dict[@]}" \
		"$work" "$seeds" >"$log" 2>&1
	rc=$?
	if [ $rc -eq 0 ]; then
		echo "ok $target"
	else
		file=$(sed -n -E 's/.*Test unit written to (\S+).*/\1/p' "$log" | tail -1)
		why=$(grep -m1 -E 'SUMMARY:|ERROR: libFuzzer|runtime error' "$log" | cut -c1-160)
		echo "FAIL $target: ${why:-exit $rc} (input: ${file:-none}; rerun: $bin ${file:-})"
	fi
done
