# tests/lib.sh - helpers for the area scripts (source it).
# Each test prints exactly one line: "ok NAME" or "FAIL NAME: why".

ok()   { echo "ok $1"; }
bad()  { echo "FAIL $1: $2"; }

# check NAME CONDITION-COMMAND...: ok if the command succeeds.
check() {
	local name=$1; shift
	if "$@" >/dev/null 2>&1; then ok "$name"; else bad "$name" "command failed: $*"; fi
}

# sanitizer_clean FILE: true if FILE holds no ASan/UBSan/LSan report.
sanitizer_clean() {
	! grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:|SUMMARY: UndefinedBehaviorSanitizer' "$1"
}

# directive FILE KEY: the text after "// KEY:" (or "; KEY:") lines in FILE, one per line.
directive() {
	sed -n -E "s@^[[:space:]]*(//|;)[[:space:]]*$2:[[:space:]]?(.*)\$@\\2@p" "$1"
}
