#!/usr/bin/env bash
# tests/store - the system store and the install-time manifest checks
# (`sing store-check --record`, `sing list`, `sing uninstall`; docs/system.md).
#   pkg/X.sasm with "; expect: LINE" lines: refused against the base store
#              (nic0, sendpacket, irqa, irqb installed); its "install:" lines
#              on stderr must be exactly the expect lines, the exit status 1,
#              and the store byte-identical afterwards.
#   the rest: installs, list output, replace, uninstall, the policy file.
# Every store here uses tests/store/policy.
set -u
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$ROOT/tests/lib.sh"
SING=${SING:-$ROOT/build/asan/sing}
D=$ROOT/tests/store
P=$D/pkg
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export SING_POLICY=$D/policy
unset SING_STORE

# run OUT CMD...: stdout and stderr into OUT (stderr alone into OUT.err).
run() {
	local out=$1; shift
	limit "$@" >"$out" 2>"$out.err"
	rc=$?
	cat "$out.err" >>"$out"
}

# A checksum of every file and folder of a store (names and contents).
fingerprint() {
	(cd "$1" && find . -print | LC_ALL=C sort && find . -type f -print0 | LC_ALL=C sort -z |
		xargs -0 sha256sum)
}

# new_store DIR PKG...: a fresh store with those packages installed.
new_store() {
	local s=$1; shift
	rm -rf "$s"
	for f in "$@"; do
		sing store-check --store "$s" --record "$P/$f.sasm" >"$T/setup" 2>&1 ||
			{ echo "# setup of $f failed: $(head -3 "$T/setup")"; return 1; }
	done
	sing list --store "$s" >/dev/null 2>&1
}

BASE=$T/base
new_store "$BASE" nic0 sendpacket irq_a irq_b || exit 1

# ---- two drivers may both claim IRQ 5 when both claims are shared ----
sing list --store "$BASE" >"$T/l" 2>&1
if grep -q '^irqa ' "$T/l" && grep -q '^irqb ' "$T/l"; then ok irq_shared; else bad irq_shared "$(cat "$T/l")"; fi

# ---- every refusal, with its exact message, leaving the store unchanged ----
for f in "$P"/*.sasm; do
	n=refuse_$(basename "$f" .sasm)
	directive "$f" expect >"$T/want"
	[ -s "$T/want" ] || continue
	fingerprint "$BASE" >"$T/before"
	run "$T/o" "$SING" store-check --store "$BASE" --record "$f"
	grep '^install:' "$T/o.err" >"$T/got"
	fingerprint "$BASE" >"$T/after"
	if [ $rc -ne 1 ]; then bad "$n" "rc=$rc: $(head -3 "$T/o")"
	elif ! cmp -s "$T/want" "$T/got"; then bad "$n" "got: $(head -3 "$T/got")"
	elif ! cmp -s "$T/before" "$T/after"; then bad "$n" "the store changed"
	elif ! sanitizer_clean "$T/o"; then bad "$n" "sanitizer: $(head -3 "$T/o")"
	else ok "$n"; fi
done

# ---- the verifier's own message comes before the verify rule's ----
run "$T/o" "$SING" store-check --store "$BASE" --record "$P/broken.sasm"
if grep -q "broken.sasm: error: function main: entry-signature: main must return i32" "$T/o.err"
then ok verifier_message; else bad verifier_message "$(head -3 "$T/o")"; fi

# ---- checks without --record: nothing recorded, ok line printed ----
fingerprint "$BASE" >"$T/before"
run "$T/o" "$SING" store-check --store "$BASE" "$P/tiny.sasm"
fingerprint "$BASE" >"$T/after"
if [ $rc -eq 0 ] && [ "$(cat "$T/o")" = "$P/tiny.sasm: tiny passes every install check" ] &&
   cmp -s "$T/before" "$T/after"; then ok check_only; else bad check_only "rc=$rc: $(head -3 "$T/o")"; fi

# ---- list ----
S=$T/s1
new_store "$S" nic0 sendpacket irq_a irq_b tiny
run "$T/o" "$SING" list --store "$S"
h() { sing dis "$1" 2>/dev/null | sed -n 's/^; hash \([0-9a-f]\{12\}\).*/\1/p'; }
for f in nic0 sendpacket irq_a irq_b tiny; do sing asm "$P/$f.sasm" -o "$T/$f.sil"; done
cat >"$T/want" <<EOF
NAME             VERSION  KIND        BUDGET  HASH          PROVIDES
irqa             1.0      driver       65536  $(h "$T/irq_a.sil")  -
irqb             1.0      driver       65536  $(h "$T/irq_b.sil")  -
nic0             1.0      driver       65536  $(h "$T/nic0.sil")  /dev/nic0
sendpacket       1.0      app        4194304  $(h "$T/sendpacket.sil")  -
tiny             0.1      app       16777216  $(h "$T/tiny.sil")  -
EOF
if [ $rc -eq 0 ] && cmp -s "$T/want" "$T/o"; then ok list
else bad list "$(diff "$T/want" "$T/o" | head -5)"; fi

# ---- the store's files: package by hash, readable manifest, index ----
hx=$(sing dis "$T/nic0.sil" | sed -n 's/^; hash \([0-9a-f]*\).*/\1/p')
if cmp -s "$T/nic0.sil" "$S/pkg/$hx/package.sil" && grep -qx "provide /dev/nic0 NicDevice" "$S/pkg/$hx/manifest" &&
   grep -qx "ioport 0xc000..0xc01f exclusive" "$S/pkg/$hx/manifest" &&
   grep -qx "nic0 1.0 driver 65536 $hx" "$S/index" && cmp -s "$S/policy" "$D/policy"
then ok layout; else bad layout "$(ls -R "$S" | head -5)"; fi

# ---- installing the very same package again changes nothing ----
fingerprint "$S" >"$T/before"
run "$T/o" "$SING" store-check --store "$S" --record "$P/nic0.sasm"
fingerprint "$S" >"$T/after"
if [ $rc -eq 0 ] && cmp -s "$T/before" "$T/after"; then ok reinstall_same
else bad reinstall_same "rc=$rc: $(head -3 "$T/o")"; fi

# ---- replacing a program: a new version that still serves its dependents ----
run "$T/o" "$SING" store-check --store "$S" --record "$P/nic0_v2.sasm"
sing list --store "$S" >"$T/l" 2>&1
if [ $rc -eq 0 ] && grep -q '^nic0  *2\.0  *driver' "$T/l" && [ ! -d "$S/pkg/$hx" ] &&
   [ "$(grep -c '^nic0 ' "$S/index")" = 1 ]
then ok replace; else bad replace "rc=$rc: $(head -3 "$T/o")"; fi

# ---- service contracts: a client speaking Calc2 (an extension of Calc
# whose server end a Calc provider may take) is served by a Calc provider;
# one speaking Calc3 (it adds a request) is not ----
if new_store "$T/calc" calcsvc calc2client; then ok extension_client_served
else bad extension_client_served "$(head -3 "$T/setup")"; fi
run "$T/o" "$SING" store-check --store "$T/calc" --record "$P/calc3client.sasm"
if [ $rc -eq 1 ] && [ "$(cat "$T/o")" = 'install: calc3client: rule dependency: "/svc/calc" is provided by "calcsvc" with a contract of another shape: named Calc, not Calc3' ]
then ok extension_unsafe_refused; else bad extension_unsafe_refused "rc=$rc: $(head -3 "$T/o")"; fi

# ---- uninstall: refused while depended on, naming the dependent ----
fingerprint "$S" >"$T/before"
run "$T/o" "$SING" uninstall nic0 --store "$S"
fingerprint "$S" >"$T/after"
if [ $rc -eq 1 ] && [ "$(cat "$T/o")" = 'uninstall: nic0: "sendpacket" depends on "/dev/nic0"' ] &&
   cmp -s "$T/before" "$T/after"
then ok uninstall_refused; else bad uninstall_refused "rc=$rc: $(head -3 "$T/o")"; fi

run "$T/o" "$SING" uninstall sendpacket --store "$S"
hs=$(h "$T/sendpacket.sil")
if [ $rc -eq 0 ] && [ "$(cat "$T/o")" = "uninstalled sendpacket" ] && ! grep -q '^sendpacket ' "$S/index" &&
   ! ls "$S/pkg" | grep -q "^$hs"
then ok uninstall; else bad uninstall "rc=$rc: $(head -3 "$T/o")"; fi

run "$T/o" "$SING" uninstall nic0 --store "$S"
if [ $rc -eq 0 ]; then ok uninstall_after_dependent; else bad uninstall_after_dependent "$(head -3 "$T/o")"; fi

run "$T/o" "$SING" uninstall nic0 --store "$S"
if [ $rc -eq 1 ] && [ "$(cat "$T/o")" = "uninstall: nic0: not installed" ]
then ok uninstall_missing; else bad uninstall_missing "rc=$rc: $(head -3 "$T/o")"; fi

# ---- uninstall --force removes it anyway, and says whom it strands ----
S2=$T/s2
new_store "$S2" nic0 sendpacket
run "$T/o" "$SING" uninstall --force nic0 --store "$S2"
if [ $rc -eq 0 ] && grep -qx 'uninstall: nic0: removed anyway (--force); "sendpacket" depends on "/dev/nic0"' "$T/o" &&
   ! grep -q '^nic0 ' "$S2/index"
then ok uninstall_force; else bad uninstall_force "rc=$rc: $(head -3 "$T/o")"; fi

# ---- a dependency must be installed first ----
rm -rf "$T/s3"
run "$T/o" "$SING" store-check --store "$T/s3" --record "$P/sendpacket.sasm"
if [ $rc -eq 1 ] && [ "$(cat "$T/o")" = 'install: sendpacket: rule dependency: "/dev/nic0" (contract NicDevice) is provided by no installed program' ]
then ok dependency_order; else bad dependency_order "rc=$rc: $(head -3 "$T/o")"; fi

# ---- a corrupted store is refused on open ----
S4=$T/s4
new_store "$S4" irq_a
hi=$(h "$T/irq_a.sil")
printf 'x' >>"$S4"/pkg/$hi*/package.sil
run "$T/o" "$SING" list --store "$S4"
if [ $rc -eq 1 ] && grep -q "^store: $S4/index:2: " "$T/o"; then ok corrupt_store
else bad corrupt_store "rc=$rc: $(head -3 "$T/o")"; fi

# ---- the policy file: a bad line is refused with its line number ----
S5=$T/s5
mkdir -p "$S5"
printf 'allow * console.print\nlimit * 12X\ngrant x y\n' >"$S5/policy"
run "$T/o" "$SING" store init "$S5"
if [ $rc -eq 1 ] && [ "$(cat "$T/o")" = "$S5/policy:2: error: bad size \"12X\"
$S5/policy:3: error: unknown directive \"grant\"" ]
then ok policy_errors; else bad policy_errors "rc=$rc: $(head -3 "$T/o")"; fi

# ---- the shipped default policy parses and lets the brief's example in ----
S6=$T/s6
run "$T/o" env SING_POLICY="$ROOT/sys/policy" "$SING" store-check --store "$S6" --record \
	"$P/nic0.sasm" "$P/sendpacket.sasm"
if [ $rc -eq 0 ] && cmp -s "$S6/policy" "$ROOT/sys/policy"; then ok default_policy
else bad default_policy "rc=$rc: $(head -3 "$T/o")"; fi

# ---- SING_STORE chooses the store; usage errors exit 2 ----
run "$T/o" env SING_STORE="$S" "$SING" list
if [ $rc -eq 0 ] && grep -q '^tiny ' "$T/o"; then ok sing_store_env; else bad sing_store_env "$(head -3 "$T/o")"; fi
run "$T/o" "$SING" uninstall
if [ $rc -eq 2 ]; then ok usage; else bad usage "rc=$rc"; fi
