# bench/lib.sh - what every benchmark area's run.sh starts with (source
# it): ROOT, SING (the optimised build unless set), HERE (the area's
# folder), a scratch TMP removed at exit, and a compile cache of its own
# there (install times are measured from an empty cache).
ROOT=${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
SING=${SING:-$ROOT/build/sing}
HERE=$(cd "$(dirname "${BASH_SOURCE[1]}")" && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export SING_CACHE="$TMP/cache"
