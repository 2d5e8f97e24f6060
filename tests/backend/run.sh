#!/usr/bin/env bash
# tests/backend/run.sh - install-time compilation and the SIP runtime.
#
# Runs every tests/lang/ok/*.sg program (except those marked `// needs:`)
# and every tests/backend/*.sasm program, comparing output, exit status and
# (for .sasm) an expected stderr substring; each run also checks that the
# exchange heap ends at zero live bytes and that the sanitizers stayed
# quiet.  Then: the undefined-symbol check on every compiled object, the
# install cache (hit, miss on change), hostile packages never reaching the
# backend, and several SIPs in one kernel where one fails.
set -u
. "$ROOT/tests/lib.sh"
HERE="$ROOT/tests/backend"
export SING_CACHE="$TMPDIR/cache"
mkdir -p "$SING_CACHE"

# run_program NAME FILE: run FILE and compare with its directives.
run_program() {
	local name=$1 file=$2 out err rc
	want "$name" || return 0
	local want_out want_rc want_err args
	want_out=$(directive "$file" expect-output)
	want_rc=$(directive "$file" expect-exit)
	want_err=$(directive "$file" expect-stderr)
	args=$(directive "$file" args)
	out=$(SING_DEBUG=exheap sing run "$file" $args 2>"$TMPDIR/err")
	rc=$?
	err=$(cat "$TMPDIR/err")
	if ! sanitizer_clean "$TMPDIR/err"; then
		bad "$name" "sanitizer report: $(grep -m1 -E 'ERROR|runtime error' "$TMPDIR/err")"
	elif [ "$rc" != "${want_rc:-0}" ]; then
		bad "$name" "exit $rc, expected ${want_rc:-0}: $(head -c 300 "$TMPDIR/err")"
	elif [ "$out" != "$want_out" ]; then
		bad "$name" "output '$(echo "$out" | head -c 200)', expected '$(echo "$want_out" | head -c 200)'"
	elif [ -n "$want_err" ] && ! grep -qF -- "$want_err" "$TMPDIR/err"; then
		bad "$name" "stderr lacks '$want_err': $(head -c 300 "$TMPDIR/err")"
	elif ! grep -q '^sing: exheap live bytes: 0$' "$TMPDIR/err"; then
		bad "$name" "exchange heap not back to zero: $(grep exheap "$TMPDIR/err")"
	else
		ok "$name"
	fi
}

for f in "$ROOT"/tests/lang/ok/*.sg; do
	[ -f "$f" ] || continue
	grep -q '^[[:space:]]*//[[:space:]]*needs:' "$f" && continue
	run_program "lang-$(basename "$f" .sg)" "$f"
done

# deep.sasm runs a million levels under tests/run --gcstress too: a young
# collection scans only the current stack segment (64 KiB then; the ones
# below were scanned before), about 2 minutes under ASan.
for f in "$HERE"/*.sasm; do
	run_program "sasm-$(basename "$f" .sasm)" "$f"
done
# Arrays taken from runs whose slots were not zeroed ahead (gc.c) read zero
# (with a collection at every allocation too: gc-stress-all below).
run_program zeroed "$HERE/zeroed.sg"
# A dead list kept alive by stale words in unwritten frame slots
# (stale.sg: a budget that holds one list, not two).
run_program stale-stack-words "$HERE/stale.sg"

# Loops whose bounds checks cc may drop, given the lengths lower_facts.c
# tells it, and fill loops lower_fill.c stores in one run (loopbound.sg):
# in bounds they run; with K arguments the K-th shape runs past the end
# (from a negative index, on a null array or string, an empty one) and
# must still fail in its function, for the right reason (a fill run let
# through past the end would end its loop with no failure).
run_program loopbound "$HERE/loopbound.sg"
past=(past1 past2 past3 past4 past5 sieve past7 past8 past9 past10 past11 past12 past13)
for k in 1 2 3 4 5 6 7 8 9 10 11 12 13; do
	want "loopbound-past-$k" || continue
	why="array index out of bounds"
	case $k in 9|11|12) why="null dereference" ;; esac
	out=$(sing run "$HERE/loopbound.sg" $(seq "$k") 2>"$TMPDIR/err")
	rc=$?
	if ! sanitizer_clean "$TMPDIR/err"; then
		bad "loopbound-past-$k" "sanitizer report: $(grep -m1 -E 'ERROR|runtime error' "$TMPDIR/err")"
	elif [ "$rc" = 70 ] && [ "${out#ok }" != "$out" ] &&
	     grep -qF "failed in function ${past[k - 1]}: $why" "$TMPDIR/err"; then
		ok "loopbound-past-$k"
	else
		bad "loopbound-past-$k" "exit $rc, '$out': $(head -c 300 "$TMPDIR/err")"
	fi
done

# Ranged loops (lower_loops.c): innermost `for (i = ..; i < b; i++)` loops
# indexing arrays at i run a copy without those checks when the guard on
# entry holds (ranged.sg).  The generated C has a guard exactly in the v_*
# functions (ranged.awk; hand-written shapes in ranged.sasm: none), and
# each shape run past an end must still fail in its function.
run_program ranged "$HERE/ranged.sg"
rpast=(v_sum v_sum v_const v_two v_sum n_array_written n_bound_written n_index_written v_le v_call v_nested v_nested v_other v_moving v_str v_stride v_stride n_step_written v_flip v_flip n_flip_written)
for k in $(seq 21); do
	want "ranged-past-$k" || continue
	why="array index out of bounds"
	[ "$k" = 5 ] && why="null dereference"
	out=$(sing run "$HERE/ranged.sg" $(seq "$k") 2>"$TMPDIR/err")
	rc=$?
	if [ "$rc" = 70 ] && [ "${out#ok }" != "$out" ] && sanitizer_clean "$TMPDIR/err" &&
	     grep -qF "failed in function ${rpast[k - 1]}: $why" "$TMPDIR/err"; then
		ok "ranged-past-$k"
	else
		bad "ranged-past-$k" "exit $rc, '$out': $(head -c 300 "$TMPDIR/err")"
	fi
done
# generated_check NAME FILE AWK FUNCTIONS: FILE's generated C, read by
# AWK function by function, says "functions FUNCTIONS".
generated_check() {
	want "$1" || return 0
	SING_CACHE="$TMPDIR/cache.$1" sing run "$2" >/dev/null 2>&1
	local got
	got=$(awk -f "$HERE/$3" "$TMPDIR/cache.$1"/*.c 2>&1)
	[ "$got" = "functions $4" ] && ok "$1" || bad "$1" "$got"
}
generated_check ranged-loops-emitted "$HERE/ranged.sg" ranged.awk 23
generated_check ranged-loops-hostile "$HERE/ranged.sasm" ranged.awk 7
# The copies poll once a chunk of trips (chunks.sg): over every bound up to
# a few chunks' ends each loop runs exactly its trips, and in the C each
# copy's back-edge goes unpolled and its chunk's end polls (chunks.awk);
# a converging loop's copy has no chunk's end: its guard bounds the trips.
run_program chunks "$HERE/chunks.sg"
generated_check ranged-chunks-emitted "$HERE/chunks.sg" chunks.awk 9
# An exchange-heap array stored at a ranged loop's index: the guard raises
# its write mark once, past every index the loop may store at, and the
# copy's stores there skip SING_XWR (xmarks.sg: after each shape of loop,
# the array's memory, recycled, must read all zero; xmarks.awk reads the
# guards and raises, and the SING_XWR a store at a fixed index keeps in
# the copy; a bound x.len with x replaced in the loop gets no copy).
run_program xmarks "$HERE/xmarks.sg"
generated_check ranged-xmarks-emitted "$HERE/xmarks.sg" xmarks.awk 14
# The same shapes one element past the end: the guard fails them, and the
# checked loop fails at the right element.
xpast=(v_lt v_le v_stride v_invariant)
for k in 1 2 3 4; do
	want "xmarks-past-$k" || continue
	out=$(sing run "$HERE/xmarks.sg" $(seq "$k") 2>"$TMPDIR/err")
	rc=$?
	if [ "$rc" = 70 ] && sanitizer_clean "$TMPDIR/err" &&
	     grep -qF "failed in function ${xpast[k - 1]}: array index out of bounds" "$TMPDIR/err"; then
		ok "xmarks-past-$k"
	else
		bad "xmarks-past-$k" "exit $rc, '$out': $(head -c 300 "$TMPDIR/err")"
	fi
done

# Which loop back-edges skip the safepoint poll (lower_loops.c, only short
# counted innermost loops): the generated C of polls.sg (loops the
# compiler makes: 32 trips and 33, <=, steps, a parameter bound, a call,
# the index written, nesting) and of polls.sasm (hand-written loops of the
# same shape entered in the middle, from after their exit, or with a jump
# over the increment), read function by function (backedges.awk); each
# program runs too (run_program polls, sasm-polls).
run_program polls "$HERE/polls.sg"
generated_check loop-polls-counted "$HERE/polls.sg" backedges.awk 18
generated_check loop-polls-hostile "$HERE/polls.sasm" backedges.awk 14
# A back-edge every path to which passes a sing_sendsel (its kernel call
# polls between the send and the receive) needs no poll of its own; one
# path around the sendsel (a branch, a continue) keeps it (sendpolls.sg).
run_program sendsel-polls "$HERE/sendpolls.sg"
generated_check sendsel-polls-emitted "$HERE/sendpolls.sg" backedges.awk 4

# The optimised build runs the deepest test too (no sanitizer frames).
deep="$HERE/deep.sasm"
out=$(sing_fast run "$deep" 2>&1)
[ "$out" = "$(directive "$deep" expect-output)" ] && ok fast-deep-recursion || bad fast-deep-recursion "got '$out'"

# A collection at every allocation keeps the live data intact: a list
# linked through struct fields (gc.sasm), and data reachable only through
# arrays of references, cells and exchange-heap structs in cells
# (gcrefs.sg; the exchange heap must end empty too).
if want gc-stress; then
	out=$(SING_DEBUG=gcstress sing run "$HERE/gc.sasm" 2>&1)
	[ "$out" = "4950 200000" ] && ok gc-stress || bad gc-stress "got '$(echo "$out" | head -c 300)'"
fi
# SING_GCSTRESS=1 forces a collection at every allocation even when a test
# sets SING_DEBUG itself (a whole test run under it: docs/kernel.md).
if want gc-stress-env; then
	out=$(SING_GCSTRESS=1 SING_DEBUG=stats sing run "$HERE/gc.sasm" 2>"$TMPDIR/err")
	n=$(sed -n 's/^sing: sip [^:]*: collections \([0-9]*\) .*/\1/p' "$TMPDIR/err")
	[ "$out" = "4950 200000" ] && [ "${n:-0}" -ge 200000 ] && ok gc-stress-env ||
		bad gc-stress-env "got '$out', collections '$n'"
fi
if want gc-stress-refs; then
	out=$(SING_DEBUG=gcstress,exheap sing run "$HERE/gcrefs.sg" 2>"$TMPDIR/err")
	rc=$?
	want_out=$(directive "$HERE/gcrefs.sg" expect-output)
	if [ $rc -eq 0 ] && [ "$out" = "$want_out" ] && sanitizer_clean "$TMPDIR/err" &&
	   grep -q '^sing: exheap live bytes: 0$' "$TMPDIR/err"; then ok gc-stress-refs
	else bad gc-stress-refs "exit $rc, got '$out': $(head -c 300 "$TMPDIR/err")"; fi
fi

# The write barrier: young objects reachable only from an old one survive
# young collections (barrier.sg: without SING_WB it prints -1s), with the
# collector's own schedule and with a collection at every allocation.
for mode in exheap gcstress,exheap; do
	name=gc-barrier; [ "$mode" = exheap ] || name=gc-barrier-stress
	want "$name" || continue
	out=$(SING_DEBUG=$mode sing run "$HERE/barrier.sg" 2>"$TMPDIR/err")
	rc=$?
	want_out=$(directive "$HERE/barrier.sg" expect-output)
	if [ $rc -eq 0 ] && [ "$out" = "$want_out" ] && sanitizer_clean "$TMPDIR/err"; then ok "$name"
	else bad "$name" "exit $rc, got '$out': $(head -c 300 "$TMPDIR/err")"; fi
done

# Every program above again with a collection at every allocation (young
# ones, full ones among them), optimised build; deep.sasm is left out (a
# million collections: minutes; tests/run --gcstress backend runs it).
if want gc-stress-all; then
	failed=""
	for f in "$ROOT"/tests/lang/ok/*.sg "$HERE"/*.sasm "$HERE"/*.sg; do
		grep -q '^[[:space:]]*//[[:space:]]*needs:' "$f" && continue
		[ "$(basename "$f")" = deep.sasm ] && continue
		out=$(SING_DEBUG=gcstress,exheap sing_fast run "$f" $(directive "$f" args) 2>"$TMPDIR/err")
		rc=$?
		want_rc=$(directive "$f" expect-exit)
		if [ "$rc" != "${want_rc:-0}" ] || [ "$out" != "$(directive "$f" expect-output)" ] ||
		   ! grep -q '^sing: exheap live bytes: 0$' "$TMPDIR/err"; then
			failed="$failed $(basename "$f")"
		fi
	done
	[ -z "$failed" ] && ok gc-stress-all || bad gc-stress-all "failed:$failed"
fi

# ---- the symbol check: compiled objects call nothing but the ABI ----
sing run --abi | sort >"$TMPDIR/abi"
n=0 extra=""
for so in "$SING_CACHE"/*.so; do
	n=$((n + 1))
	u=$(nm -u --format=posix "$so" | awk '{print $1}' | sort | comm -23 - "$TMPDIR/abi")
	[ -n "$u" ] && extra="$extra $(basename "$so"): $u"
done
if [ "$n" -lt 5 ]; then bad abi-symbols "only $n objects compiled"
elif [ -n "$extra" ]; then bad abi-symbols "symbols outside the ABI:$extra"
else ok abi-symbols; fi
grep -qx sing_morestack "$TMPDIR/abi" && ! grep -qx printf "$TMPDIR/abi" \
	&& ok abi-list || bad abi-list "unexpected ABI list: $(tr '\n' ' ' <"$TMPDIR/abi")"

# A send followed by a switch receive (directly, or through the jumps of
# a loop's back-edge) is one sing_sendsel call; a send followed by
# anything else stays a sing_send (tests/lang/ok/channel.sg has both).
if want abi-sendsel-emitted; then
	SING_CACHE="$TMPDIR/sscache" sing run "$ROOT/tests/lang/ok/channel.sg" >/dev/null 2>&1
	u=$(nm -u --format=posix "$TMPDIR"/sscache/*.so 2>/dev/null | awk '{print $1}' | grep -c -x -e sing_sendsel -e sing_send)
	[ "$u" = 2 ] && ok abi-sendsel-emitted ||
		bad abi-sendsel-emitted "channel.sg's object should call sing_sendsel and sing_send: $(nm -u --format=posix "$TMPDIR"/sscache/*.so 2>&1 | grep send | tr '\n' ' ')"
fi

# Switch receives in a loop keep their case arrays at function scope
# (lower_cases.c): casearrays.sg's locals name a new channel on every
# trip, so an endpoint word stored once would name a deleted channel; the
# C (casearrays.awk) has the three live calls' arrays kept (the select
# after the Pong send fused with it is dead: a block-scope array), their
# endpoints stored at each call and only the constant words at the entry.
# caseeps.sg's endpoint locals are written in no loop (but main's e): their
# words are stored at the entry and after each write, none at the call.
run_program case-arrays "$HERE/casearrays.sg"
if want case-arrays-kept; then
	SING_CACHE="$TMPDIR/cache.casearrays" sing run "$HERE/casearrays.sg" >/dev/null 2>&1
	got=$(awk -f "$HERE/casearrays.awk" "$TMPDIR"/cache.casearrays/*.c 2>&1)
	[ "$got" = "kept 3 hoisted 0 mixed 0" ] && ok case-arrays-kept || bad case-arrays-kept "$got"
fi
run_program case-eps "$HERE/caseeps.sg"
if want case-eps-hoisted; then
	SING_CACHE="$TMPDIR/cache.caseeps" sing run "$HERE/caseeps.sg" >/dev/null 2>&1
	got=$(awk -f "$HERE/casearrays.awk" "$TMPDIR"/cache.caseeps/*.c 2>&1)
	[ "$got" = "kept 0 hoisted 4 mixed 2" ] && ok case-eps-hoisted || bad case-eps-hoisted "$got"
fi
# caseeps_bound.sasm (run above as sasm-caseeps_bound): r5, bound by a
# receive, keeps its words at the call; r3's are stored after its chnew.
if want case-eps-bound; then
	SING_CACHE="$TMPDIR/cache.caseepsb" sing run "$HERE/caseeps_bound.sasm" >/dev/null 2>&1
	got=$(awk -f "$HERE/casearrays.awk" "$TMPDIR"/cache.caseepsb/*.c 2>&1)
	[ "$got" = "kept 0 hoisted 0 mixed 2" ] && ok case-eps-bound || bad case-eps-bound "$got"
fi

# ---- the install cache ----
# fmath.h (the f64 functions' prelude) against the host libm: the bounds
# the header documents (one line per function on failure).
if want fmath-accuracy; then
	if ${CC:-cc} -O2 -std=c11 -Wall -Wextra -Werror -I"$ROOT/src" -o "$TMPDIR/fmath_check" \
		"$HERE/fmath_check.c" -lm 2>"$TMPDIR/fm.log"; then
		if "$TMPDIR/fmath_check" >"$TMPDIR/fm.out"; then ok fmath-accuracy
		else bad fmath-accuracy "$(grep FAIL "$TMPDIR/fm.out" | tr '\n' '|')"; fi
		sed 's/^/# fmath: /' "$TMPDIR/fm.out"
	else
		bad fmath-accuracy "cannot build: $(head -3 "$TMPDIR/fm.log")"
	fi
fi

export SING_CACHE="$TMPDIR/cache2"
cp "$HERE/hello.sasm" "$TMPDIR/h.sasm"
e1=$(SING_DEBUG=cache sing run "$TMPDIR/h.sasm" 2>&1 >/dev/null)
so=$(ls "$SING_CACHE"/*.so 2>/dev/null)
m1=$(stat -c %Y.%s "$so" 2>/dev/null)
sleep 1
e2=$(SING_DEBUG=cache sing run "$TMPDIR/h.sasm" 2>&1 >/dev/null)
m2=$(stat -c %Y.%s "$so" 2>/dev/null)
case "$e1 | $e2" in
*"cache miss"*"|"*"cache hit"*) [ "$m1" = "$m2" ] && ok cache-hit || bad cache-hit "object rewritten on a hit";;
*) bad cache-hit "first '$e1', second '$e2'";;
esac
sed -i 's/hello, world/hello, there/' "$TMPDIR/h.sasm"
e3=$(SING_DEBUG=cache sing run "$TMPDIR/h.sasm" 2>&1)
case "$e3" in
*"cache miss"*"hello, there"*|*"hello, there"*"cache miss"*) ok cache-changed-misses;;
*) bad cache-changed-misses "got '$e3'";;
esac
[ "$(ls "$SING_CACHE"/*.so | wc -l)" = 2 ] && ! ls "$SING_CACHE" | grep -q tmp \
	&& ok cache-entries || bad cache-entries "$(ls "$SING_CACHE")"
# A corrupted entry (not ours) is rebuilt, never loaded.
echo junk >"$so"
out=$(sing run "$HERE/hello.sasm" 2>&1)
case "$out" in hello,\ world*) ok cache-corrupt-rebuilt;; *) bad cache-corrupt-rebuilt "$out";; esac
# `sing install` (into a store) fills the cache too; the next run hits.
export SING_CACHE="$TMPDIR/cache3"
sing store init "$TMPDIR/store" >/dev/null 2>&1
sing install --store "$TMPDIR/store" "$ROOT/sys/apps/hello.sg" >/dev/null 2>&1
e=$(SING_DEBUG=cache sing run "$ROOT/sys/apps/hello.sg" 2>&1 >/dev/null)
case "$e" in *"cache hit"*) ok install-fills-cache;; *) bad install-fills-cache "$e";; esac

# ---- hostile packages never reach the backend ----
export SING_CACHE="$TMPDIR/cache4"
for f in "$HERE"/hostile/*.sasm; do
	name=hostile-$(basename "$f" .sasm)
	want "$name" || continue
	sing run "$f" >"$TMPDIR/out" 2>"$TMPDIR/err"
	rc=$?
	if [ "$rc" != 1 ]; then bad "$name" "exit $rc, expected 1"
	elif ! grep -q 'error: function' "$TMPDIR/err"; then bad "$name" "no verifier message: $(head -c 200 "$TMPDIR/err")"
	elif ls "$SING_CACHE"/* >/dev/null 2>&1; then bad "$name" "the backend ran: $(ls "$SING_CACHE")"
	else ok "$name"; fi
done

# ---- several SIPs in one kernel: one fails, the next still runs ----
export SING_CACHE="$TMPDIR/cache"
out=$(SING_DEBUG=exheap sing run --all "$HERE/hello.sasm" "$HERE/fail_panic.sasm" \
	"$HERE/fail_stack.sasm" "$HERE/exheap.sasm" 2>"$TMPDIR/err")
rc=$?
if [ "$(echo "$out" | head -3 | tr '\n' '|')" = "hello, world|55|45 5 35|" ] && [ "$rc" = 0 ] &&
	grep -q 'sip fail_panic.sasm (pid 2) failed in function main: panic' "$TMPDIR/err" &&
	grep -q 'sip runaway (pid 3) failed' "$TMPDIR/err" &&
	grep -q '^sing: exheap live bytes: 0$' "$TMPDIR/err"; then
	ok kernel-carries-on
else
	bad kernel-carries-on "rc $rc, out '$out', err '$(head -c 400 "$TMPDIR/err")'"
fi
out=$(sing run -n 3 "$HERE/hello.sasm" 2>&1 | grep -c 'hello, world')
[ "$out" = 3 ] && ok run-n-times || bad run-n-times "printed $out times"
