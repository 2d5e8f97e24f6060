#!/usr/bin/env bash
# tests/sil - the package tools: SHA-256, writer, reader, assembler,
# disassembler and `sing manifest`.  Golden files sit beside this script:
#   all.sasm    every opcode and table kind, written by hand: the oracle
#               for the disassembler's instruction lines (a "; dis: TEXT"
#               comment gives the canonical form where the source spells
#               an operand another way); all.dis is its `sing dis`, the
#               golden file for the rest (header, tables, comments)
#   small.sasm  a small package for the reader's prefix and bit-flip tests
#   bad/X.sasm  assembler errors; bad/X.err is the exact stderr expected
set -u
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$ROOT/tests/lib.sh"
SING=${SING:-$ROOT/build/asan/sing}
D=$ROOT/tests/sil
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
CC=${CC:-cc}

# ---- SHA-256 against FIPS 180-4 vectors and sha256sum ----
cat >"$T/sha.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sil/sil.h"
int main(int argc, char **argv)
{
	uint8_t h[32];
	for (int a = 1; a < argc; a++) {
		size_t len = 0;
		uint8_t *d = argv[a][0] == '@' ? read_file(argv[a] + 1, &len) : NULL;
		if (d)
			sil_sha256(d, len, h);
		else
			sil_sha256(argv[a], strlen(argv[a]), h);
		free(d);
		for (int i = 0; i < 32; i++)
			printf("%02x", h[i]);
		printf("\n");
	}
	return 0;
}
C
if $CC -std=c11 -D_GNU_SOURCE -I"$ROOT/src" -o "$T/sha" "$T/sha.c" "$ROOT/src/sil/sha256.c" \
	"$ROOT/src/util/util.c" 2>"$T/sha.log"; then
	got=$("$T/sha" abc "" abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq)
	want="ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
	if [ "$got" = "$want" ]; then ok sha256_vectors; else bad sha256_vectors "got $got"; fi
	# Lengths around the 55/56/64-byte padding edges, against sha256sum.
	okk=1
	for n in 1 55 56 63 64 65 119 120 1000 100000; do
		head -c $n /dev/zero | tr '\0' 'q' >"$T/m"
		[ "$("$T/sha" "@$T/m")" = "$(sha256sum <"$T/m" | cut -d' ' -f1)" ] || { okk=0; bad sha256_lengths "length $n differs from sha256sum"; break; }
	done
	[ $okk = 1 ] && ok sha256_lengths
else
	bad sha256_vectors "cannot build test program: $(head -3 "$T/sha.log")"
fi

# run OUT ERR CMD...: run the binary; exit status in $rc.
run() {
	local out=$1 err=$2; shift 2
	limit "$@" >"$out" 2>"$err"
	rc=$?
}

# ---- assembler, disassembler, byte-for-byte round trip ----
# roundtrip NAME SASM: one test: asm accepts it silently, dis reads the
# package back, and asm(dis(x)) is x byte for byte.
roundtrip() {
	local n=$1 src=$2
	run "$T/$n.out" "$T/$n.err" "$SING" asm "$src" -o "$T/$n.sil"
	if [ $rc -ne 0 ] || [ -s "$T/$n.err" ]; then bad "roundtrip_$n" "asm: exit $rc: $(head -3 "$T/$n.err")"; return; fi
	run "$T/$n.dis" "$T/$n.derr" "$SING" dis "$T/$n.sil"
	if [ $rc -ne 0 ] || [ -s "$T/$n.derr" ]; then bad "roundtrip_$n" "dis: exit $rc: $(head -3 "$T/$n.derr")"; return; fi
	run "$T/$n.out" "$T/$n.err2" "$SING" asm "$T/$n.dis" -o "$T/$n.2.sil"
	if [ $rc -ne 0 ]; then bad "roundtrip_$n" "dis output does not assemble: $(head -3 "$T/$n.err2")"
	elif cmp -s "$T/$n.sil" "$T/$n.2.sil"; then ok "roundtrip_$n"
	else bad "roundtrip_$n" "asm(dis(x)) differs: $(cmp "$T/$n.sil" "$T/$n.2.sil")"; fi
}
roundtrip all "$D/all.sasm"
roundtrip small "$D/small.sasm"

if [ -f "$T/all.dis" ] && diff -u "$D/all.dis" "$T/all.dis" >"$T/diff"; then ok dis_golden_all
else bad dis_golden_all "$(head -20 "$T/diff" 2>/dev/null)"; fi

# The disassembler against the hand-written source, not its own earlier
# output: the instruction lines of every function, comments and label
# names dropped (dis numbers the labels the source named; the round trip
# checks where they point), must be the source's, and every opcode of
# src/sil/opcodes.h must be among them.
instructions() {
	perl -ne 'if (/^func /) {$f=1; next} if (/^}/) {$f=0; next} next unless $f;
		$_ = "$1\n" if /;\s*dis:\s*(.*)$/; s/;.*//; s/^\s*\S+:\s*//;
		s/(^|[\s,(])(\.[A-Za-z_][\w\$]*|L\d+)\b/$1L/g; s/\s+/ /g; s/^ | $//g;
		print "$_\n" if length' "$1"
}
instructions "$D/all.sasm" >"$T/src.ins"
instructions "$T/all.dis" >"$T/dis.ins" 2>/dev/null
grep -oE '^[[:space:]]*X\([A-Z_0-9]+, *"[a-z0-9_.]+"' "$ROOT/src/sil/opcodes.h" | sed -E 's/.*"(.*)"/\1/' | sort >"$T/ops"
awk '{print $1}' "$T/src.ins" | sort -u | comm -23 "$T/ops" - >"$T/unused"
if [ ! -s "$T/ops" ] || [ -s "$T/unused" ]; then bad dis_oracle_all "opcodes missing from all.sasm: $(tr '\n' ' ' <"$T/unused")"
elif ! diff "$T/src.ins" "$T/dis.ins" >"$T/diff"; then bad dis_oracle_all "dis differs from the source: $(head -6 "$T/diff" | tr '\n' '|')"
else ok dis_oracle_all; fi

# The hash the writer stores is the SHA-256 of everything before section 6.
n=$(($(stat -c %s "$T/small.sil") - 34))
want=$(head -c $n "$T/small.sil" | sha256sum | cut -d' ' -f1)
got=$(tail -c 32 "$T/small.sil" | od -An -v -tx1 | tr -d ' \n')
if [ "$want" = "$got" ] && grep -q "^; hash $want (matches the content)$" "$T/small.dis"; then ok hash_written
else bad hash_written "stored $got, content hashes to $want"; fi

run "$T/man.out" "$T/man.err" "$SING" manifest "$T/small.sil"
if [ $rc -eq 0 ] && diff -u "$D/small.manifest" "$T/man.out" >"$T/diff"; then ok manifest_listing
else bad manifest_listing "exit $rc $(head -10 "$T/diff")"; fi

# Default output name: a.sasm -> a.sil beside it.
cp "$D/small.sasm" "$T/dflt.sasm"
run "$T/o" "$T/e" "$SING" asm "$T/dflt.sasm"
if [ $rc -eq 0 ] && cmp -s "$T/dflt.sil" "$T/small.sil"; then ok asm_default_output
else bad asm_default_output "exit $rc, $T/dflt.sil missing or different"; fi

# ---- assembler errors: exact stderr (location, line, caret) ----
for src in "$D"/bad/*.sasm; do
	name=$(basename "$src" .sasm)
	rm -f "$T/bad.sil"
	(cd "$D/bad" && sing asm "$name.sasm" -o "$T/bad.sil" >"$T/bad.out" 2>"$T/bad.err")
	rc=$?
	if [ $rc -ne 1 ]; then bad "asm_error_$name" "exit $rc, want 1"
	elif [ -e "$T/bad.sil" ]; then bad "asm_error_$name" "wrote an output file"
	elif ! diff -u "$D/bad/$name.err" "$T/bad.err" >"$T/diff"; then bad "asm_error_$name" "$(head -12 "$T/diff")"
	else ok "asm_error_$name"; fi
done

# Hostile text: never a crash or a hang, always a clean "error:" and exit 1.
hostile() { # NAME FILE
	run "$T/h.out" "$T/h.err" timeout 10 "$SING" asm "$2" -o "$T/h.sil"
	if [ $rc -eq 1 ] && grep -q 'error:' "$T/h.err" && sanitizer_clean "$T/h.err"; then ok "asm_hostile_$1"
	else bad "asm_hostile_$1" "exit $rc: $(head -3 "$T/h.err")"; fi
}
head -c 200000 /dev/zero | tr '\0' '(' >"$T/parens.sasm"; hostile deep_parens "$T/parens.sasm"
{ printf 'func f0 f () -> void {\n  select {'; for i in $(seq 3000); do printf ' r1 m1 -> L0 (r1,'; done; printf '\n}\n'; } >"$T/nest.sasm"
hostile long_select "$T/nest.sasm"
hostile binary_input "$T/all.sil"
printf 'const k0 string "abc' >"$T/eof.sasm"; hostile eof_in_string "$T/eof.sasm"
printf 'func f0 f () -> void {\n  const r0, %s\n}\n' "$(head -c 5000 /dev/zero | tr '\0' 9)" >"$T/big.sasm"
hostile huge_integer "$T/big.sasm"
for i in $(seq 300); do echo "bogus $i"; done >"$T/many.sasm"
run "$T/o" "$T/e" "$SING" asm "$T/many.sasm" -o "$T/h.sil"
if [ $rc -eq 1 ] && [ "$(grep -c ': error: expected' "$T/e")" -eq 100 ] && tail -1 "$T/e" | grep -q 'too many errors, giving up'; then ok asm_error_limit
else bad asm_error_limit "exit $rc, $(grep -c error: "$T/e") errors"; fi

# ---- reader: named errors at exact offsets ----
reader_error() { # NAME WANT-MESSAGE PRINTF-BYTES
	printf "$3" >"$T/r.sil"
	run "$T/r.out" "$T/r.err" "$SING" dis "$T/r.sil"
	local want="$T/r.sil: error: $2"
	if [ $rc -eq 1 ] && [ "$(cat "$T/r.err")" = "$want" ]; then ok "read_$1"
	else bad "read_$1" "exit $rc, got '$(head -2 "$T/r.err")', want '$want'"; fi
}
H='SIL\0\2\0\0\0'                      # SIL_VERSION 2
E='\1\1\0\2\1\0\3\1\0'                   # empty constants, types, contracts
M='\5\11\0\0\0\0\0\0\0\0\0'            # an empty manifest (9 bytes)
reader_error empty 'offset 0: bad magic (not a SIL package)' ''
reader_error magic 'offset 0: bad magic (not a SIL package)' 'SIL\1\1\0\0\0'
# version 1: the eset encoding before endpoint maps (docs/sil.md)
reader_error version 'offset 4: unsupported version 1 (this system reads SIL version 2; rebuild the package from its source)' 'SIL\0\1\0\0\0'
reader_error short_version 'offset 6: truncated header' 'SIL\0\2\0'
reader_error missing_section 'offset 8: missing section 1 (constant table)' "$H"'\2\1\0'
reader_error no_sections 'offset 8: missing section 1 (constant table)' "$H"
reader_error duplicate 'offset 11: section 1 (constant table) duplicated or out of order' "$H"'\1\1\0\1\1\0'
reader_error unknown_section 'offset 8: unknown section id 9' "$H"'\11\1\0'
reader_error section_length 'offset 9: section 1 (constant table) length 5 past end of input' "$H"'\1\5\0'
reader_error overlong 'offset 9: overlong LEB128' "$H"'\1\201\0\0'
reader_error too_big_32 'offset 10: LEB128 value does not fit 32 bits' "$H"'\1\6\200\200\200\200\20\0'
reader_error leb_past_64 'offset 9: LEB128 value does not fit 32 bits' "$H"'\1\377\377\377\377\377\377\377\377\377\377\1'
reader_error count 'offset 10: count 5 larger than the 0 bytes left in constant table' "$H"'\1\1\5'
reader_error const_tag 'offset 11: unknown constant tag 7' "$H"'\1\2\1\7'
reader_error truncated_f64 'offset 16: truncated constant table' "$H"'\1\6\1\2\0\0\0\0'
reader_error unread 'offset 11: 1 bytes left unread at end of constant table section' "$H"'\1\2\0\0'
reader_error type_kind 'offset 14: unknown type kind 10' "$H"'\1\1\0\2\2\1\12'
reader_error side 'offset 16: unknown endpoint side 2' "$H"'\1\1\0\2\4\1\5\0\2\0'
reader_error unknown_opcode 'offset 26: unknown opcode 255' "$H$E"'\4\10\1\1f\0\0\0\1\377'
reader_error truncated_func 'offset 27: truncated function table' "$H$E"'\4\10\1\1f\0\0\0\1\1'
reader_error param_flags 'offset 23: unknown parameter flags 2' "$H$E"'\4\10\1\1f\1\2\0\0\0'
reader_error locals 'offset 25: 0 locals, fewer than the 1 parameters' "$H$E"'\4\10\1\1f\1\0\0\0\0'
reader_error name_nul 'offset 20: name contains a NUL byte' "$H$E"'\4\7\1\1\0\0\0\0\0'
reader_error truncated_string 'offset 20: truncated function table (string of 9 bytes)' "$H$E"'\4\3\1\11f'
reader_error package_kind 'offset 24: unknown package kind 3' "$H$E"'\4\1\0\5\14\0\0\3\0\0\0\0\0\0\0\0\0'
reader_error hash_length 'offset 33: hash section is 3 bytes, not 32' "$H$E"'\4\1\0'"$M"'\6\3abc'
reader_error no_hash 'offset 31: missing section 6 (hash)' "$H$E"'\4\1\0'"$M"
# The optional list of bases after the contracts (docs/sil.md section 3):
# a contract index out of range, one given twice, and an empty list (the
# writer leaves it out: two encodings of one package would break the hash).
reader_error base_range 'offset 18: base of contract 0: no such contract, or not in ascending order' "$H"'\1\1\0\2\1\0\3\4\0\1\0\0'
reader_error base_twice 'offset 29: base of contract 0: no such contract, or not in ascending order' "$H"'\1\1\0\2\1\0\3\17\1\1C\0\1\1S\0\0\0\2\0\0\0\0'
reader_error base_empty 'offset 17: empty list of contract bases (leave it out)' "$H"'\1\1\0\2\1\0\3\2\0\0'
reader_error trailing 'offset 65: 1 trailing bytes after the hash section' "$H$E"'\4\1\0'"$M"'\6\40aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!'
# The verifier's fuzz seeds are packages it should get past the reader
# with: a seed the reader refuses (an old version after a SIL_VERSION bump,
# an encoding changed under it) only fuzzes the header.  After a bump:
# scripts/seed_version.py.
unread=""
for f in "$ROOT"/tests/fuzz/corpus/verify/*.sil; do
	"$SING" dis "$f" >/dev/null 2>"$T/seed.err" || unread="$unread $(head -1 "$T/seed.err")"
done
[ -z "$unread" ] && ok fuzz_seeds_read || bad fuzz_seeds_read "unread seeds:$unread"

# ---- reader: every prefix of a package is rejected, cleanly ----
cat >"$T/flip.c" <<'C'
/* flip IN OUT OFFSET MASK: copy IN to OUT with byte OFFSET xor MASK. */
#include <stdio.h>
#include <stdlib.h>
int main(int argc, char **argv)
{
	if (argc != 5) return 2;
	FILE *f = fopen(argv[1], "rb"), *g = fopen(argv[2], "wb");
	long at = atol(argv[3]), i = 0;
	int mask = atoi(argv[4]), c;
	if (!f || !g) return 2;
	for (; (c = getc(f)) != EOF; i++)
		putc(i == at ? c ^ mask : c, g);
	return fclose(g) != 0;
}
C
$CC -o "$T/flip" "$T/flip.c" || bad read_flipped "cannot build helper"
size=$(stat -c %s "$T/small.sil")
fails=""
for ((i = 0; i < size; i++)); do
	head -c $i "$T/small.sil" >"$T/p.sil"
	run "$T/p.out" "$T/p.err" "$SING" dis "$T/p.sil"
	if [ $rc -ne 1 ] || ! grep -qE "^$T/p.sil: error: offset [0-9]+: [a-z]" "$T/p.err" || ! sanitizer_clean "$T/p.err"; then
		fails="prefix $i: exit $rc $(head -2 "$T/p.err")"; break
	fi
done
if [ -z "$fails" ]; then ok read_every_prefix; else bad read_every_prefix "$fails"; fi

# Flipped bytes: each must be read or rejected, never crash; what reads
# must disassemble to text that assembles back to the same bytes.
fails=""; nread=0
for mask in 255 1 128; do
	for ((i = 0; i < size; i++)); do
		"$T/flip" "$T/small.sil" "$T/f.sil" $i $mask
		run "$T/f.dis" "$T/f.err" "$SING" dis "$T/f.sil"
		if [ $rc -eq 0 ]; then
			nread=$((nread + 1))
			run "$T/f.o" "$T/f.aerr" "$SING" asm "$T/f.dis" -o "$T/f2.sil"
			if [ $rc -ne 0 ] || ! cmp -s "$T/f.sil" "$T/f2.sil"; then
				fails="byte $i ^ $mask reads but does not round-trip: $(head -2 "$T/f.aerr")"; break 2
			fi
		elif [ $rc -ne 1 ] || ! sanitizer_clean "$T/f.err"; then
			fails="byte $i ^ $mask: exit $rc $(head -3 "$T/f.err")"; break 2
		fi
	done
done
if [ -z "$fails" ]; then echo "# $nread of $((3 * size)) flipped packages read and round-trip"; ok read_flipped_bytes
else bad read_flipped_bytes "$fails"; fi

# ---- hash status: a changed byte is detected, and still round-trips ----
off=$(grep -abo 'hi' "$T/small.sil" | head -1 | cut -d: -f1)
"$T/flip" "$T/small.sil" "$T/h.sil" $((off + 1)) 32    # "hi" -> "hI"
run "$T/h.dis" "$T/h.err" "$SING" dis "$T/h.sil"
stored=$(tail -c 32 "$T/small.sil" | od -An -v -tx1 | tr -d ' \n')
if [ $rc -eq 0 ] && grep -q "^; hash $stored (DOES NOT MATCH the content)$" "$T/h.dis" &&
	grep -q "^\.hash $stored$" "$T/h.dis" && grep -q 'const k0 string "hI\\n"' "$T/h.dis"; then
	ok hash_mismatch_detected
else bad hash_mismatch_detected "exit $rc: $(head -3 "$T/h.dis")"; fi
sing asm "$T/h.dis" -o "$T/h2.sil" 2>/dev/null && cmp -s "$T/h.sil" "$T/h2.sil" && ok hash_mismatch_roundtrip ||
	bad hash_mismatch_roundtrip "asm of the dis output differs"

# .hash in the text forges the stored hash.
{ cat "$D/small.sasm"; echo ".hash 00112233445566778899aabbccddeeff00112233445566778899AABBCCDDEEFF"; } >"$T/forged.sasm"
run "$T/o" "$T/e" "$SING" asm "$T/forged.sasm" -o "$T/forged.sil"
got=$(tail -c 32 "$T/forged.sil" 2>/dev/null | od -An -v -tx1 | tr -d ' \n')
if [ $rc -eq 0 ] && [ "$got" = 00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff ] &&
	cmp -s <(head -c -32 "$T/forged.sil") <(head -c -32 "$T/small.sil") &&
	sing dis "$T/forged.sil" | grep -q 'DOES NOT MATCH'; then ok hash_forged
else bad hash_forged "exit $rc, stored $got"; fi

# Usage and I/O errors.
run "$T/o" "$T/e" "$SING" dis "$T/nonexistent.sil"
if [ $rc -eq 1 ] && grep -q "^$T/nonexistent.sil: error: No such file or directory$" "$T/e"; then ok dis_missing_file
else bad dis_missing_file "exit $rc: $(cat "$T/e")"; fi
run "$T/o" "$T/e" "$SING" asm
if [ $rc -eq 2 ] && grep -q '^usage: sing asm' "$T/e"; then ok asm_usage; else bad asm_usage "exit $rc"; fi
