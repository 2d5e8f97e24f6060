#!/usr/bin/env bash
# The system's main job as it stands: compile the seed's example program
# and show its package and manifest.  Grows into `sing boot` as the kernel lands.
set -eu
cd "$(dirname "$0")/.."
echo "sing: nothing to run yet"
