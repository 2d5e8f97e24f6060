#!/usr/bin/env bash
# tests/lang/run.sh - the Sing compiler (`sing build`).
#   ok/*.sg   must compile; the package must verify (once `sing verify`
#             works) and round-trip through `sing dis` / `sing asm` byte
#             for byte (once those work).
#   err/*.sg  must fail with exactly the errors their `// error: L:C: msg`
#             lines list, in order, each followed by the source line and a
#             caret.
# Plus generated cases: deep nesting, binary junk, huge files, the CLI.
. "$ROOT/tests/lib.sh"
LIMIT=60   # every sing run here is short: a minute is a hang
T=$ROOT/tests/lang
W=${TMPDIR:-/tmp}

# Every run of sing is bounded: a hang is a failure, not a stuck suite.

for f in "$T"/ok/*.sg; do
	b=$(basename "$f" .sg); n=ok/$b; out=$W/$b.sil
	want "$n" || continue
	if ! sing build "$f" -o "$out" >"$W/log" 2>&1; then
		bad "$n" "build failed: $(head -3 "$W/log" | tr '\n' ' ')"; continue
	fi
	if ! sanitizer_clean "$W/log" || [ -s "$W/log" ]; then
		bad "$n" "build printed: $(head -3 "$W/log" | tr '\n' ' ')"; continue
	fi
	if ! sing verify "$out" >"$W/vlog" 2>&1; then
		bad "$n" "verify rejected it: $(grep -m2 error "$W/vlog" | tr '\n' ' ')"; continue
	fi
	if ! sing dis "$out" >"$W/$b.sasm" 2>"$W/log" ||
	   ! sing asm "$W/$b.sasm" -o "$W/$b.2.sil" >>"$W/log" 2>&1 ||
	   ! cmp -s "$out" "$W/$b.2.sil"; then
		bad "$n" "dis/asm round trip differs: $(head -2 "$W/log" | tr '\n' ' ')"; continue
	fi
	ok "$n"
done

# check_errors NAME FILE LOG: LOG's errors are exactly FILE's `// error:` lines,
# and each is followed by a source line and a caret line.
check_errors() {
	local n=$1 f=$2 log=$3
	local want got
	want=$(directive "$f" error)
	got=$(sed -n -E "s@^$(printf '%s' "$f" | sed 's/[][\.*^$@]/\\&/g'):([0-9]+:[0-9]+): error: @\\1: @p" "$log")
	if [ "$want" != "$got" ]; then
		bad "$n" "errors differ: wanted [$(echo "$want" | tr '\n' '|')] got [$(echo "$got" | tr '\n' '|')]"
		return
	fi
	if ! awk '/: error: /{e=NR} NR==e+2 && e && !/^[ \t]*\^$/{bad=1} END{exit bad}' "$log"; then
		bad "$n" "an error is not followed by its source line and a caret"; return
	fi
	ok "$n"
}

for f in "$T"/err/*.sg; do
	b=$(basename "$f" .sg); n=err/$b
	want "$n" || continue
	rm -f "$W/$b.sil"
	sing build "$f" -o "$W/$b.sil" >"$W/log" 2>&1; rc=$?
	if [ $rc -ne 1 ]; then bad "$n" "exit status $rc, wanted 1: $(head -3 "$W/log" | tr '\n' ' ')"; continue; fi
	if [ -e "$W/$b.sil" ]; then bad "$n" "a package was written despite errors"; continue; fi
	if ! sanitizer_clean "$W/log"; then bad "$n" "sanitizer report"; continue; fi
	check_errors "$n" "$f" "$W/log"
done

# ---- generated inputs ----

# gen_expect NAME FILE RC MESSAGE-REGEX: build FILE, want exit RC and a line matching.
gen_expect() {
	local n=$1 f=$2 rc=$3 re=$4
	sing build "$f" -o "$W/g.sil" >"$W/log" 2>&1; local got=$?
	if [ $got -ne "$rc" ]; then bad "$n" "exit $got, wanted $rc: $(head -3 "$W/log" | tr '\n' ' ')"
	elif ! sanitizer_clean "$W/log"; then bad "$n" "sanitizer report: $(grep -m3 -E 'ERROR|runtime error' "$W/log" | tr '\n' ' ')"
	elif [ -n "$re" ] && ! grep -qE "$re" "$W/log"; then bad "$n" "no line matching '$re': $(head -3 "$W/log" | tr '\n' ' ')"
	else ok "$n"; fi
}

{ printf 'i32 main(string[] a) { return '; head -c 100000 /dev/zero | tr '\0' '('; echo '1; }'; } >"$W/parens.sg"
gen_expect gen/deep-parens "$W/parens.sg" 1 '^.*parens.sg:1:[0-9]+: error: nesting too deep$'
{ echo 'i32 main(string[] a) {'; head -c 100000 /dev/zero | tr '\0' '{'; echo; } >"$W/blocks.sg"
gen_expect gen/deep-blocks "$W/blocks.sg" 1 'blocks.sg:2:[0-9]+: error: nesting too deep$'
{ printf 'i32 main(string[] a) { var x = '; head -c 100000 /dev/zero | tr '\0' '!'; echo 'true; return 0; }'; } >"$W/minus.sg"
gen_expect gen/deep-unary "$W/minus.sg" 1 'error: nesting too deep$'
{ printf 'void f(cell<'; head -c 50000 /dev/zero | tr '\0' 'x' | sed 's/x/cell</g'; echo 'i32> c) {}'; } >"$W/cells.sg"
gen_expect gen/deep-type "$W/cells.sg" 1 'error: nesting too deep$'
head -c 4096 /dev/urandom >"$W/junk.sg"; printf '\0' >>"$W/junk.sg"
gen_expect gen/binary-junk "$W/junk.sg" 1 'error: not a Sing source file: it contains a NUL byte$'
printf '\x01\x02\xff\xfe i32 main' >"$W/junk2.sg"
gen_expect gen/binary-junk-no-nul "$W/junk2.sg" 1 'junk2.sg:1:1: error: unexpected byte 0x01 \(not Sing source text\)$'
{ for i in $(seq 1 3000); do echo "i32 fn_$i(i32 x) { return x + $i; }"; done
  echo 'i32 main(string[] a) { return fn_3000(0) - 3000; }'; } >"$W/big.sg"
gen_expect gen/many-functions "$W/big.sg" 0 ''
{ echo 'i32 main(string[] a) {'; for i in $(seq 1 200); do echo "  undefined_$i();"; done; echo '  return 0; }'; } >"$W/many.sg"
gen_expect gen/error-limit "$W/many.sg" 1 'too many errors, stopping$'

# ---- the command line ----
cp "$T/ok/hello.sg" "$W/hello.sg"
if sing build "$W/hello.sg" >"$W/log" 2>&1 && [ -s "$W/hello.sil" ]; then ok cli/default-output
else bad cli/default-output "no hello.sil next to hello.sg"; fi
sing build "$W/nonexistent.sg" >"$W/log" 2>&1; rc=$?
if [ $rc -eq 1 ] && grep -q "nonexistent.sg: error: cannot read file" "$W/log"; then ok cli/missing-file
else bad cli/missing-file "exit $rc: $(head -2 "$W/log")"; fi
sing build >"$W/log" 2>&1; rc=$?
[ $rc -eq 2 ] && ok cli/usage || bad cli/usage "exit $rc without arguments"
mkdir -p "$W/inc/sub"
printf 'i32 seven() { return 7; }\n' >"$W/inc/sub/lib.sg"
printf 'import "sub/lib.sg";\ni32 main(string[] a) { return seven() - 7; }\n' >"$W/useinc.sg"
if sing build "$W/useinc.sg" -I "$W/inc" -o "$W/u.sil" >"$W/log" 2>&1; then ok cli/include-dir
else bad cli/include-dir "$(head -2 "$W/log")"; fi
SING_SYS=$W/nowhere LIMIT=60 sing build "$T/ok/sendpacket.sg" -o "$W/u.sil" >"$W/log" 2>&1; rc=$?
if [ $rc -eq 1 ] && grep -q "error: cannot find import 'contracts/nic.sg'" "$W/log"; then ok cli/sing-sys
else bad cli/sing-sys "exit $rc: $(head -2 "$W/log")"; fi
printf 'i32 helper() { return 4; }\n' >"$W/two.sg"
printf 'i32 main(string[] a) { return helper() - 4; }\n' >"$W/one.sg"
if sing build "$W/one.sg" "$W/two.sg" -o "$W/u.sil" >"$W/log" 2>&1; then ok cli/two-files
else bad cli/two-files "$(head -2 "$W/log")"; fi
