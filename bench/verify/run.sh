#!/usr/bin/env bash
# bench/verify/run.sh - build and run the verifier's speed benchmark
# (gen.c) against the optimised objects in build/obj.  Prints figures.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
SRCS=$(ls src/util/*.c src/sil/*.c src/verify/*.c)
OBJS=$(for s in $SRCS; do echo "build/obj/${s%.c}.o"; done)
make --no-print-directory -s $OBJS
OUT=build/bench
mkdir -p "$OUT"
${CC:-cc} -O2 -g -std=c11 -Wall -Wextra -Werror -D_GNU_SOURCE -Isrc -o "$OUT/verify_bench" \
	bench/verify/gen.c $OBJS -lm
"$OUT/verify_bench"
