#!/usr/bin/env bash
# tests/fuzz/build.sh - build every fuzz target (tests/fuzz/fuzz_NAME.c ->
# build/fuzz/fuzz_NAME) with clang's libFuzzer, ASan and UBSan.  A target
# is a C file defining LLVMFuzzerTestOneInput; it may call anything in
# src/ except src/cli/ (include headers as "sil/sil.h", "verify/verify.h").
# Incremental (see fuzz.mk).  Exit status 0 only if every target built.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 1
command -v clang >/dev/null || { echo "fuzz: clang not found (scripts/deps.sh installs it)" >&2; exit 1; }
mkdir -p build/fuzz
exec make --no-print-directory -s -k -j"$(nproc 2>/dev/null || echo 2)" -f tests/fuzz/fuzz.mk all
