#!/usr/bin/env bash
# tests/verify - the trusted verifier (`sing verify`).
#   good/X.sasm       valid packages: must verify, as text and as binary
#   bad/X.sasm        hostile packages, each breaking one rule; every
#                     "; expect: WHERE: RULE" line must appear in the
#                     output as "error: WHERE: RULE:" (right reason, not
#                     an accident), the exit status must be 1, and the
#                     assembled binary must get the same verdict
#   redundant/X.sasm  the SIL twin of tests/lang/err/X.sg: the compiler
#                     and the verifier both reject it (two verifiers)
#   mutate.c          truncated, bit-flipped and re-hashed binaries made
#                     from a valid package: rejected cleanly, never a crash
# (That every program the compiler builds verifies is tests/lang's job.)
set -u
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$ROOT/tests/lib.sh"
SING=${SING:-$ROOT/build/asan/sing}
D=$ROOT/tests/verify
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
CC=${CC:-cc}

# run OUT CMD...: stdout and stderr into OUT, exit status in $rc (124 if
# it had to be stopped: the verifier must never hang).
run() {
	local out=$1; shift
	limit "$@" >"$out" 2>&1
	rc=$?
}

# ---- valid packages verify, from text and from binary ----
for f in "$D"/good/*.sasm; do
	n=good_$(basename "$f" .sasm)
	want "$n" || continue
	run "$T/o" "$SING" verify "$f"
	if [ $rc -ne 0 ] || ! sanitizer_clean "$T/o"; then bad "$n" "rc=$rc: $(head -3 "$T/o")"; continue; fi
	run "$T/a" "$SING" asm "$f" -o "$T/$n.sil"
	[ $rc -eq 0 ] || { bad "$n" "asm failed: $(head -3 "$T/a")"; continue; }
	run "$T/o" "$SING" verify "$T/$n.sil"
	if [ $rc -eq 0 ] && grep -qE "^$T/$n.sil: ok: [0-9]+ functions, [0-9]+ instructions verified\$" "$T/o" &&
	   sanitizer_clean "$T/o"; then
		ok "$n"
	else
		bad "$n" "binary: rc=$rc: $(head -3 "$T/o")"
	fi
done

# ---- hostile packages are rejected for the stated reason ----
# check_rejected NAME FILE: every expect line matched, exit 1, no crash.
check_rejected() {
	local n=$1 f=$2 e missing=""
	run "$T/o" "$SING" verify "$f"
	if [ $rc -ne 1 ] || ! sanitizer_clean "$T/o"; then bad "$n" "rc=$rc: $(head -3 "$T/o")"; return; fi
	directive "$f" expect >"$T/exp"
	[ -s "$T/exp" ] || { bad "$n" "no '; expect:' line"; return; }
	while IFS= read -r e; do
		grep -qF "error: $e:" "$T/o" || missing="$missing [$e]"
	done <"$T/exp"
	[ -z "$missing" ] || { bad "$n" "missing$missing; got: $(head -2 "$T/o")"; return; }
	# The binary package gets the very same verdict.
	run "$T/a" "$SING" asm "$f" -o "$T/b.sil"
	[ $rc -eq 0 ] || { bad "$n" "asm failed: $(head -2 "$T/a")"; return; }
	run "$T/ob" "$SING" verify "$T/b.sil"
	if [ $rc -eq 1 ] && diff <(sed "s|^$f: ||" "$T/o") <(sed "s|^$T/b.sil: ||" "$T/ob") >/dev/null; then
		ok "$n"; else bad "$n" "binary verdict differs: $(head -2 "$T/ob")"; fi
}
for f in "$D"/bad/*.sasm; do want "bad_$(basename "$f" .sasm)" || continue; check_rejected "bad_$(basename "$f" .sasm)" "$f"; done
for f in "$D"/redundant/*.sasm; do
	[ -e "$f" ] || continue
	n=$(basename "$f" .sasm)
	want "redundant_$n" || continue
	if [ -f "$ROOT/tests/lang/err/$n.sg" ]; then check_rejected "redundant_$n" "$f"
	else bad "redundant_$n" "no tests/lang/err/$n.sg to mirror"; fi
done

# ---- the command line ----
run "$T/o" "$SING" verify
[ $rc -eq 2 ] && ok cli_usage || bad cli_usage "rc=$rc"
run "$T/o" "$SING" verify "$T/no-such.sil"
[ $rc -eq 1 ] && grep -qF "$T/no-such.sil: error:" "$T/o" && ok cli_missing_file || bad cli_missing_file "rc=$rc: $(head -2 "$T/o")"
# Several packages in one run: one line each, exit 1 if any is bad.
# (The good packages' binaries, made here when a filtered run skipped them.)
for g in pingpong nic; do
	[ -f "$T/good_$g.sil" ] || sing asm "$D/good/$g.sasm" -o "$T/good_$g.sil" >/dev/null 2>&1
done
run "$T/o" "$SING" verify "$T/good_pingpong.sil" "$D/bad/leak_return.sasm" "$T/good_nic.sil"
if [ $rc -eq 1 ] && [ "$(grep -c ': ok: ' "$T/o")" -eq 2 ] && grep -q 'leak_return.sasm: error: function main, instruction 3 (retv): leak: ' "$T/o"; then
	ok cli_several; else bad cli_several "rc=$rc: $(cat "$T/o")"; fi
# Several violations are reported in one run (one per function here).
cat >"$T/multi.sasm" <<'EOF'
type t12 array string
type t13 xarray u8
func f0 main (r0 t12) -> i32 {
  local r1 i32
  local r2 t13
  xnewarr r2, r1
  retv r1
}
func f1 a () -> void {
  local r0 t13
  delete r0
  ret
}
func f2 b (r0 i32) -> void {
  add r0, r0, r9
  jt r0, L1
  ret
}
EOF
run "$T/o" "$SING" verify "$T/multi.sasm"
if [ $rc -eq 1 ] && grep -qF 'function main, instruction 1 (retv): leak:' "$T/o" &&
   grep -qF 'function a, instruction 0 (delete): use-after-move:' "$T/o" &&
   grep -qF 'function b, instruction 0 (add): bad-local:' "$T/o" &&
   grep -qF 'function b, instruction 1 (jt): type-mismatch:' "$T/o"; then
	ok several_violations; else bad several_violations "$(cat "$T/o")"; fi

# ---- limits keep verification bounded ----
# More locals than a function may have.
want limit_locals && { echo 'type t12 array string'; echo 'func f0 main (r0 t12) -> i32 {'
  for i in $(seq 1 65536); do echo "  local r$i i32"; done
  echo '  retv r1'; echo '}'; } >"$T/locals.sasm" && {
run "$T/o" "$SING" verify "$T/locals.sasm"
[ $rc -eq 1 ] && grep -qF 'function main: limit: 65537 locals' "$T/o" && sanitizer_clean "$T/o" &&
	ok limit_locals || bad limit_locals "rc=$rc: $(head -2 "$T/o")"; }
# Many branch targets times many linear locals: too many states to save.
want limit_saved && { echo 'type t12 array string'; echo 'type t13 xarray u8'; echo 'func f0 main (r0 t12) -> i32 {'
  echo '  local r1 i32'; echo '  local r2 bool'
  for i in $(seq 3 5002); do echo "  local r$i t13"; done
  for i in $(seq 0 999); do echo "  jt r2, L$((i + 1))"; done
  echo '  retv r1'; echo '}'; } >"$T/saved.sasm" && {
run "$T/o" "$SING" verify "$T/saved.sasm"
[ $rc -eq 1 ] && grep -qF 'function main: limit: 1000 branch targets x 5000 linear locals' "$T/o" &&
	sanitizer_clean "$T/o" && ok limit_saved || bad limit_saved "rc=$rc: $(head -2 "$T/o")"; }
# Many edges into one target, each comparing many linear locals: the
# package's budget runs out and verification stops instead of grinding.
want limit_budget && { echo 'type t12 array string'; echo 'type t13 xarray u8'; echo 'func f0 main (r0 t12) -> i32 {'
  echo '  local r1 i32'; echo '  local r2 bool'
  for i in $(seq 3 2002); do echo "  local r$i t13"; done
  for i in $(seq 0 39999); do echo "  jt r2, L1"; done
  echo '  retv r1'; echo '}'; } >"$T/budget.sasm" && {
run "$T/o" "$SING" verify "$T/budget.sasm"
[ $rc -eq 1 ] && grep -qF 'limit: package too complex' "$T/o" && sanitizer_clean "$T/o" &&
	ok limit_budget || bad limit_budget "rc=$rc: $(head -2 "$T/o")"; }

# ---- binary-level hostility, from a valid package ----
if $CC -std=c11 -D_GNU_SOURCE -I"$ROOT/src" -o "$T/mutate" "$D/mutate.c" "$ROOT/src/sil/sha256.c" \
	"$ROOT/src/util/util.c" 2>"$T/cc.log"; then
	src=$T/good_pingpong.sil
	for mode in trunc flip rehash; do
		mkdir -p "$T/$mode"
		limit 60 "$T/mutate" "$mode" "$src" "$T/$mode"
		nf=$(ls "$T/$mode" | wc -l)
		run "$T/o" "$SING" verify "$T/$mode"/*.sil
		nerr=$(grep -oE "^$T/$mode/[^:]+: error:" "$T/o" | sort -u | wc -l)
		nok=$(grep -c ': ok: ' "$T/o")
		if ! sanitizer_clean "$T/o" || [ $rc -gt 1 ]; then
			bad "binary_$mode" "crash or sanitizer report (rc=$rc): $(grep -m3 -E 'Sanitizer|runtime error' "$T/o")"
		elif [ "$mode" != rehash ] && { [ "$nok" -ne 0 ] || [ "$nerr" -ne "$nf" ]; }; then
			bad "binary_$mode" "$nf files: $nerr rejected, $nok accepted"
		elif [ "$mode" = rehash ] && [ $((nerr + nok)) -lt "$nf" ]; then
			bad "binary_$mode" "$nf files but only $((nerr + nok)) verdicts"
		else
			ok "binary_$mode"
		fi
	done
	# A truncated package names the offset and what was cut.
	run "$T/o" "$SING" verify "$T/trunc/t_20.sil"
	grep -qE "^$T/trunc/t_20.sil: error: offset [0-9]+: .+" "$T/o" && ok binary_trunc_message ||
		bad binary_trunc_message "$(head -2 "$T/o")"
	# A bit flipped in the stored hash: the reader decodes, the verifier refuses.
	sz=$(stat -c %s "$src")
	run "$T/o" "$SING" verify "$T/flip/f_$((sz - 1))_1.sil"
	grep -qF "error: hash: " "$T/o" && ok binary_forged_hash || bad binary_forged_hash "$(head -2 "$T/o")"
else
	bad binary_mutants "cannot build mutate.c: $(head -3 "$T/cc.log")"
fi
