# tests/system/road.sh - sourced by run.sh: the boot image (`sing image`,
# `sing boot --image`) and the trusted road (src/system/pipeline.h): only
# the road's room hands the kernel code, a swapped or foreign object is
# refused, a package that fails the verifier never becomes code.
R="$TMPDIR/road"
mkdir -p "$R/cuts" "$R/flips"
IMGTOOL="python3 $HERE/imgtool.py"

# Structure: sk_load_mem is called from the road's room only (pipeline.o,
# and image.o for images the road wrote); the backend from pipeline.o only.
OBJ=$(dirname "$SING")/obj
users() { (cd "$OBJ" && for o in $(find src -name '*.o' | sort); do
	nm -u "$o" | grep -qw "$1" && echo "$o"; done) | tr '\n' ' '; }
u=$(users sk_load_mem)
[ "$u" = "src/system/image.o src/system/pipeline.o " ] && ok road-only-door-to-the-loader ||
	bad road-only-door-to-the-loader "sk_load_mem used by: $u"
u=$(users be_install)
[ "$u" = "src/system/pipeline.o " ] && ok road-only-caller-of-the-backend ||
	bad road-only-caller-of-the-backend "be_install used by: $u"
# Trusted rooms never include the front end or the command line.
inc=$(grep -lE '#include "\.\./(cli|lang)/' "$ROOT"/src/{verify,backend,kernel,hal,system,store}/*.[ch] \
	"$ROOT"/src/hal/*/*.[ch] 2>/dev/null | sed "s|$ROOT/||" | tr '\n' ' ')
[ -z "$inc" ] && ok trusted-rooms-include-no-cli-or-lang || bad trusted-rooms-include-no-cli-or-lang "$inc"

S3="$R/store"
"$SING" store init "$S3" >/dev/null
"$SING" install --store "$S3" "$ROOT"/sys/services/conmux.sg "$ROOT"/sys/apps/{shell,hello,crash}.sg >"$R/inst" 2>&1 ||
	{ bad road-install "$(head -5 "$R/inst")"; return 0; }
printf 'console conmux\nshell shell   # no driver: the kernel reads the console itself\n' >"$S3/config"

# An image boots as the store does.
out=$("$SING" image --store "$S3" -o "$R/img" 2>&1)
case "$out" in *"sing image: $R/img: "*" bytes") ok image-written;; *) bad image-written "$out";; esac
[ "$($IMGTOOL list "$R/img" | awk '{print $1}' | tr '\n' ' ')" = "conmux crash hello shell " ] &&
	ok image-format-as-documented || bad image-format-as-documented "$($IMGTOOL list "$R/img" 2>&1 | tail -1)"
printf 'hello\nexit\n' | "$SING" boot --image "$R/img" >"$R/out" 2>&1
rc=$?
if [ $rc = 0 ] && grep -q "^Sing booted: $R/img, 4 programs installed" "$R/out" &&
   grep -q 'hello from a SIP' "$R/out" && grep -q 'shutdown: 0 SIPs left, exchange heap 0 bytes live' "$R/out" &&
   sanitizer_clean "$R/out"; then ok boot-from-image
else bad boot-from-image "rc $rc: $(head -c 400 "$R/out" | tr '\n' '|')"; fi

# boot_image NAME IMAGE WANT: boot refused, with WANT in the reason.
refused() {
	"$SING" boot --image "$2" </dev/null >"$R/out" 2>&1
	local rc=$?
	if [ $rc = 1 ] && grep -qF -- "$3" "$R/out" && ! grep -q 'Sing booted' "$R/out" &&
	   sanitizer_clean "$R/out"; then ok "$1"
	else bad "$1" "rc $rc: $(head -c 300 "$R/out" | tr '\n' '|')"; fi
}
$IMGTOOL swap "$R/img" hello crash "$R/swapped"
refused image-swapped-object-refused "$R/swapped" \
	'sing boot: image refused: crash: object was compiled from another package (hash differs)'
printf 'extern void foo(void);\nvoid bar(void) { foo(); }\n' >"$R/outside.c"
gcc -O2 -fPIC -shared -nostdlib -o "$R/outside.so" "$R/outside.c"
$IMGTOOL put "$R/img" hello "$R/outside.so" "$R/foreign"
refused image-symbol-outside-abi-refused "$R/foreign" \
	'sing boot: image refused: hello: elf: symbol foo is not in the ABI'
refused image-not-an-image "$R/outside.c" 'sing boot: image: not a Sing boot image'

# Truncated and bit-flipped images (lengths, names, hashes): never a
# crash; refused with a named reason, or (a flipped name or path) booted
# to what the flipped manifest says.
$IMGTOOL cuts "$R/img" "$R/cuts" 40
$IMGTOOL flips "$R/img" "$R/flips" 40
worst=""
for f in "$R"/cuts/* "$R"/flips/*; do
	"$SING_FAST" boot --image "$f" </dev/null >"$R/out" 2>&1
	rc=$?
	if [ $rc -gt 1 ]; then worst="$f: rc $rc $(head -c 200 "$R/out")"
	elif grep -q '^Sing booted' "$R/out"; then
		case $f in */cuts/*) worst="$f: a truncated image booted";; esac
	elif [ $rc = 0 ] || ! grep -qE '^sing boot: (image|image refused): ' "$R/out"; then
		worst="$f: rc $rc $(head -1 "$R/out")"
	fi
done
[ -z "$worst" ] && ok image-mangled-named-refusals || bad image-mangled-named-refusals "$worst"
for f in "$R"/cuts/cut-30 "$R"/flips/flip-3; do   # and a few under the sanitizers
	[ -f "$f" ] && "$SING" boot --image "$f" </dev/null >>"$R/san" 2>&1
done
quiet image-mangled-sanitizers "$R/san"

# The store: a stored object swapped for another program's is never
# loaded (the road takes objects only when they carry the package's hash
# and the generator's id, else compiles the verified package again).
S4="$R/store4"
cp -r "$S3" "$S4"
hh=$(awk '$1 == "hello" {print $5}' "$S4/index") hc=$(awk '$1 == "crash" {print $5}' "$S4/index")
cp "$S4/pkg/$hc/code.so" "$S4/pkg/$hh/code.so"
printf 'hello\nexit\n' | "$SING" boot --store "$S4" >"$R/out" 2>&1
grep -q 'hello from a SIP' "$R/out" && ! grep -q 'division by zero' "$R/out" &&
	ok store-swapped-object-never-loaded || bad store-swapped-object-never-loaded "$(head -c 300 "$R/out")"

# A store whose package no longer passes the verifier (hello's package
# replaced by a broken one, the index made to agree): nothing boots, no
# image is written.
S5="$R/store5"
cp -r "$S3" "$S5"
# (main's first return gives back its string[] parameter, not an i32)
"$SING" dis "$S5/pkg/$hh/package.sil" | sed '0,/^  retv r[0-9]*$/s//  retv r0/' >"$R/bad.sasm"
"$SING" asm "$R/bad.sasm" -o "$R/bad.sil" >/dev/null 2>&1
hb=$("$SING" dis "$R/bad.sil" 2>/dev/null | sed -n 's/^; hash \([0-9a-f]*\).*/\1/p')
mv "$S5/pkg/$hh" "$S5/pkg/$hb" && cp "$R/bad.sil" "$S5/pkg/$hb/package.sil"
sed -i "s/$hh/$hb/" "$S5/index"
"$SING" boot --store "$S5" </dev/null >"$R/out" 2>&1
rc=$?
if [ -n "$hb" ] && [ $rc = 1 ] && grep -q 'error: function main' "$R/out" && ! grep -q 'Sing booted' "$R/out"; then
	ok store-unverifiable-package-refused
else bad store-unverifiable-package-refused "rc $rc: $(head -c 300 "$R/out" | tr '\n' '|')"; fi
"$SING" image --store "$S5" -o "$R/img5" >"$R/out" 2>&1
[ $? = 1 ] && [ ! -e "$R/img5" ] && ok image-unverifiable-package-refused ||
	bad image-unverifiable-package-refused "$(head -c 300 "$R/out")"
