# tests/lib.sh - helpers for the area scripts (source it).
# Each test prints exactly one line: "ok NAME" or "FAIL NAME: why"; the
# area's tests/AREA/count says how many (tests/run checks it).

# want NAME: true if NAME is selected.  `tests/run AREA/NAME` sets
# SING_TEST (a glob); an area skips the work of a test it does not want
# where the test stands alone, and runs the shared steps anyway.
want() { [ -z "${SING_TEST:-}" ] || [[ $1 == $SING_TEST ]]; }

# A run filtered to one exact name ends the area once that test reported
# (from the area's own shell; the EXIT traps clean up).
_reported() {
	[ -n "${SING_TEST:-}" ] && [ "$1" = "$SING_TEST" ] && [ "$BASHPID" = "$$" ] && exit 0
	return 0
}
ok()   { echo "ok $1"; _reported "$1"; }
bad()  { echo "FAIL $1: $2"; _reported "$1"; }

# limit [SECONDS] CMD...: run CMD bounded (default $LIMIT, else 120 s): a
# hang is stopped (exit 124) and says so on stderr, so the test that ran
# it fails with its own name.  --foreground keeps a terminal usable.
limit() {
	local s=${LIMIT:-120}
	[[ $1 =~ ^[0-9]+$ ]] && { s=$1; shift; }
	s=$((s * ${TESTS_LIMIT_SCALE:-1}))   # tests/run --gcstress: every run is slower
	timeout --foreground -k 5 "$s" "$@"
	local rc=$?
	[ $rc -eq 124 ] || [ $rc -eq 137 ] && echo "tests: $(basename "$1") $2 did not end within ${s}s (a hang): stopped" >&2
	return $rc
}
# sing ARGS... / sing_fast ARGS...: the binaries under test, bounded.
sing()      { limit "$SING" "$@"; }
sing_fast() { limit "$SING_FAST" "$@"; }

# check NAME CONDITION-COMMAND...: ok if the command succeeds.
check() {
	local name=$1; shift
	if limit "$@" >/dev/null 2>&1; then ok "$name"; else bad "$name" "command failed: $*"; fi
}

# sanitizer_clean FILE: true if FILE holds no ASan/UBSan/LSan/TSan report.
sanitizer_clean() {
	! grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:|SUMMARY: UndefinedBehaviorSanitizer|WARNING: ThreadSanitizer' "$1"
}

# directive FILE KEY: the text after "// KEY:" (or "; KEY:") lines in FILE, one per line.
directive() {
	sed -n -E "s@^[[:space:]]*(//|;)[[:space:]]*$2:[[:space:]]?(.*)\$@\\2@p" "$1"
}

# cc_sanitized OUT SRC...: build a C test program (a stand-in driver, say)
# with the sanitizers and the project's warnings; the compiler's messages
# go to OUT.log.
cc_sanitized() {
	local out=$1; shift
	${CC:-gcc} -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
		-fno-sanitize-recover=undefined -std=c11 -Wall -Wextra -Wshadow \
		-Wmissing-prototypes -Werror -D_GNU_SOURCE -I"$ROOT/src" \
		-o "$out" "$@" 2>"$out.log"
}

# quiet NAME LOG: ok if the sanitizers stayed quiet in LOG.
quiet() {
	if sanitizer_clean "$2"; then ok "$1"
	else bad "$1" "sanitizer report: $(grep -m1 -E 'ERROR|runtime error' "$2")"; fi
}

# run_cases DRV: run a stand-in driver's case table ("DRV cases" prints
# its own ok/FAIL lines), then check its sanitizer output.
run_cases() {
	limit 120 "$1" cases >"$T/cases.out" 2>"$T/cases.err"
	local rc=$?
	grep -E '^(ok|FAIL|#) ' "$T/cases.out"
	[ "$rc" -eq 0 ] || [ "$rc" -eq 1 ] ||
		bad dev_cases "drv cases exited $rc: $(tail -3 "$T/cases.err" | tr '\n' ' ')"
	quiet dev_sanitizers "$T/cases.err"
}
