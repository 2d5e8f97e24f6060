#!/usr/bin/env bash
# scripts/mutants.sh [-k] [NAME...] - find the next weak test (`make mutants`).
#
# Applies each small deliberate bug of tests/mutants.list (or only the
# NAMEd ones), one at a time, to a scratch copy of the tree, rebuilds
# there, runs the test areas the bug affects, and says whether a test
# caught it.  The worktree's sources are never touched: an interrupted
# run loses nothing (the scratch copy is removed on exit; -k keeps it).
# Ends "N mutants: N caught, N not caught"; exit 1 if any bug went
# unnoticed (or a mutant no longer applies: the list is stale).
#
# The list, one block per bug (blank lines and "#" comments between):
#   mutant NAME
#   area   AREA...        the areas tests/run runs for it
#   file   PATH           the file to change
#   old    TEXT           a text found exactly once in PATH (one line,
#   new    TEXT           without its leading blanks) and its replacement
# More old/new pairs may follow, each applied in turn.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
LIST=$ROOT/tests/mutants.list
keep=0
[ "${1:-}" = -k ] && { keep=1; shift; }

W=$(mktemp -d "${TMPDIR:-/tmp}/sing-mutants.XXXXXX")
cleanup() { [ $keep = 1 ] && echo "scratch tree kept: $W/tree" || rm -rf "$W"; }
trap cleanup EXIT
# The scratch tree: the working tree's files as they are (committed or
# not) and its build, so the first rebuild is incremental.
mkdir -p "$W/tree"
(cd "$ROOT" && tar --exclude=./.git -cf - .) | tar -xf - -C "$W/tree"
S=$W/tree

# apply FILE OLD NEW: replace the one line-part OLD in FILE (in $S).
apply() {
	python3 - "$S/$1" "$2" "$3" <<'PY'
import sys
path, old, new = sys.argv[1:4]
text = open(path).read()
n = text.count(old)
if n != 1:
    sys.exit("mutants: %s: the text occurs %d times, not once: %s" % (path, n, old))
open(path, "w").write(text.replace(old, new))
PY
}

# run_mutant NAME: apply its changes, rebuild, run its areas; restore.
caught=0 missed=0 stale=0
run_mutant() {
	local name=$1 areas=$2; shift 2
	local files=() f rc
	echo "== $name ($areas)"
	while [ $# -ge 3 ]; do
		files+=("$1")
		apply "$1" "$2" "$3" || { stale=$((stale + 1)); restore "${files[@]}"; return; }
		shift 3
	done
	local targets="all asan"
	case " $areas " in *" qemu "*) targets="$targets pc" ;; esac   # the guest kernel too
	if ! (cd "$S" && make -s -j2 $targets >"$W/build.log" 2>&1); then
		echo "STALE $name: the mutant does not build: $(grep -m1 error "$W/build.log")"
		stale=$((stale + 1)); restore "${files[@]}"; return
	fi
	(cd "$S" && SING=$S/build/asan/sing SING_FAST=$S/build/sing tests/run $areas) >"$W/run.log" 2>&1
	rc=$?
	if [ $rc -ne 0 ]; then
		caught=$((caught + 1))
		echo "caught $name: $(grep -E '^FAIL ' "$W/run.log" | head -3 | cut -c1-150 | tr '\n' '|')"
	else
		missed=$((missed + 1))
		echo "NOT CAUGHT $name: $(tail -1 "$W/run.log")"
	fi
	restore "${files[@]}"
}
restore() { local f; for f in "$@"; do cp -p "$ROOT/$f" "$S/$f"; touch "$S/$f"; done; }

# Read the list into blocks and run the chosen ones.
want_name() { [ $# -le 1 ] && return 0; local n; for n in "${@:2}"; do [ "$n" = "$1" ] && return 0; done; return 1; }
name="" areas="" file="" args=() found=0
flush() {
	[ -n "$name" ] || return 0
	if want_name "$name" "$@"; then found=$((found + 1)); run_mutant "$name" "$areas" "${args[@]}"; fi
	name="" areas="" args=()
}
while IFS= read -r line || [ -n "$line" ]; do
	key=${line%%[[:space:]]*} val=${line#"$key"}
	val=${val#"${val%%[![:space:]]*}"}
	case $key in
	mutant) flush "$@"; name=$val;;
	area) areas=$val;;
	file) file=$val;;
	old) old=$val;;
	new) args+=("$file" "$old" "$val");;
	''|'#'*) ;;
	*) echo "mutants: $LIST: bad line: $line" >&2; exit 2;;
	esac
done <"$LIST"
flush "$@"
[ $# -gt 0 ] && [ "$found" -ne $# ] && { echo "mutants: no mutant named: $*" >&2; exit 2; }
echo "$((caught + missed + stale)) mutants: $caught caught, $missed not caught$([ $stale -gt 0 ] && echo ", $stale stale")"
[ $missed -eq 0 ] && [ $stale -eq 0 ]
