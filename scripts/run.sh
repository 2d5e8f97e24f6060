#!/usr/bin/env bash
# The system's main job: boot Sing from the default store (build/store,
# made by `make`): init starts the console driver and the services in
# build/store/config, then the shell on this terminal.  Type `help`; `exit` shuts down.
# `make run TRACE=FILE.json` records the session as a trace (docs/tracing.md).
set -eu
cd "$(dirname "$0")/.."
exec build/sing boot ${TRACE:+--trace "$TRACE"} ${CPUS:+--cpus "$CPUS"}
