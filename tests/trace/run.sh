#!/usr/bin/env bash
# tests/trace - the kernel's event recorder and `sing trace` (docs/tracing.md).
# A known scenario (scenario.sg launches tnote.sg: N notes each acknowledged,
# one collection in tnote, then tnote fails on Boom) is recorded with
# `sing run --trace` and checked by check.py: valid JSON, every flow with
# its start and end, time never going back on a track, exactly N flows of
# each message, the failure and the collection present; on one CPU, every
# direct switch still recorded (each SIP's slices).  Then: the dump
# converts to the same file, a small ring keeps the newest events and says
# how many it lost, a budget failure is seen, the filter keeps what it
# names, bad dumps and filter words are refused with a reason, and
# `sing boot --trace` records a session.
set -u
. "$ROOT/tests/lib.sh"
HERE="$ROOT/tests/trace"
export SING_CACHE="$TMPDIR/cache"
mkdir -p "$SING_CACHE"
cd "$HERE" || exit 1
N=25

# record NAME [OPTIONS...]: the scenario under the sanitized build, traced
# into $TMPDIR/NAME.json; stderr in $TMPDIR/NAME.err.  0 if it ran as it should.
# Under tests/run --gcstress a collection at every allocation records about
# a million events: the ring gets room for them all (a --trace-ring in
# OPTIONS comes later and wins), else the oldest, the SIPs' starts among
# them, are lost.
record() {
	local name=$1 ring=(); shift
	[ -n "${SING_GCSTRESS:-}" ] && ring=(--trace-ring 2097152)
	SING_DEBUG=exheap timeout 120 "$SING" run --trace "$TMPDIR/$name.json" "${ring[@]}" "$@" \
		-l tnote.sg scenario.sg $N >"$TMPDIR/$name.out" 2>"$TMPDIR/$name.err"
	local rc=$?
	if ! sanitizer_clean "$TMPDIR/$name.err"; then
		bad "$name" "sanitizer report: $(grep -m1 -E 'ERROR|runtime error' "$TMPDIR/$name.err")"
	elif [ "$rc" != 0 ] || [ "$(cat "$TMPDIR/$name.out")" != "acks $N" ]; then
		bad "$name" "exit $rc, output '$(head -c 100 "$TMPDIR/$name.out")': $(head -c 300 "$TMPDIR/$name.err")"
	elif ! grep -q '^sing: exheap live bytes: 0$' "$TMPDIR/$name.err"; then
		bad "$name" "exchange heap not back to zero"
	else
		return 0
	fi
	return 1
}

# checked NAME JSON CHECKS...: ok if check.py passes.
checked() {
	local name=$1 json=$2 out; shift 2
	if out=$(python3 "$HERE/check.py" "$json" "$@" 2>&1); then ok "$name"
	else bad "$name" "$(echo "$out" | head -3 | tr '\n' '|')"; fi
}

if record scenario --trace-dump "$TMPDIR/scenario.dump"; then
	checked trace-scenario "$TMPDIR/scenario.json" flows.Note.Note=$N flows.Note.Ack=$N \
		flows.Note.Boom=1 failure=boom collection=tnote lost=0 \
		"has=start scenario (pid 1)" "has=start tnote (pid 2)" "has=failed tnote (pid 2): panic"
	# The same dump, converted by `sing trace`, is the same file.
	if "$SING" trace "$TMPDIR/scenario.dump" -o "$TMPDIR/conv.json" 2>"$TMPDIR/conv.err" &&
	   cmp -s "$TMPDIR/scenario.json" "$TMPDIR/conv.json"; then ok trace-dump-converts-same
	else bad trace-dump-converts-same "$(head -c 300 "$TMPDIR/conv.err")"; fi
	# Bad dumps: a reason, exit 1, never a crash (every cut of the dump).
	size=$(stat -c %s "$TMPDIR/scenario.dump")
	fails=""
	for cut in 0 7 12 40 72 80 100 $((size / 2)) $((size - 5)) $((size - 1)); do
		head -c "$cut" "$TMPDIR/scenario.dump" >"$TMPDIR/cut.dump"
		"$SING" trace "$TMPDIR/cut.dump" -o "$TMPDIR/cut.json" 2>"$TMPDIR/cut.err"
		rc=$?
		grep -qE "cut.dump: error: (truncated|bad magic)" "$TMPDIR/cut.err" && [ $rc = 1 ] &&
			sanitizer_clean "$TMPDIR/cut.err" || fails="$fails $cut:rc=$rc:$(head -c 100 "$TMPDIR/cut.err")"
	done
	(cat "$TMPDIR/scenario.dump"; printf x) >"$TMPDIR/long.dump"
	"$SING" trace "$TMPDIR/long.dump" -o "$TMPDIR/cut.json" 2>"$TMPDIR/cut.err"
	grep -q "long.dump: error: trailing bytes" "$TMPDIR/cut.err" || fails="$fails trailing"
	if [ -z "$fails" ]; then ok trace-bad-dump-refused; else bad trace-bad-dump-refused "$fails"; fi
fi

# One CPU: the pair hands the CPU back and forth directly, untraced by a
# path that records no switch (sched.c switch_alone); traced, every switch
# is recorded: each SIP's track has a slice per note or more.
if record one-cpu --cpus 1; then
	checked trace-one-cpu-direct-switches "$TMPDIR/one-cpu.json" flows.Note.Note=$N \
		flows.Note.Ack=$N minslices.scenario=$N minslices.tnote=$N
fi

# One CPU, a ping-pong of values (tests/kernel's ping.sg and pong.sg),
# its messages traced but not its switches, so that its threads still
# park at their stubs: untraced, each half would take the quick road,
# which records nothing (the stub's ch_sendsel_road is ch_sendsel);
# traced, the stub takes sing_sendsel_k and the long road, and every
# message is recorded.
(cd "$ROOT/tests/kernel" && SING_DEBUG=exheap timeout 120 "$SING" run --trace "$TMPDIR/pp.json" \
	--trace-filter msg --trace-ring 1048576 --cpus 1 -l pong.sg ping.sg >"$TMPDIR/pp.out" 2>"$TMPDIR/pp.err")
rc=$?
if [ $rc = 0 ] && [ "$(cat "$TMPDIR/pp.out")" = "sum 500500" ] && sanitizer_clean "$TMPDIR/pp.err"; then
	checked trace-one-cpu-round-trips "$TMPDIR/pp.json" flows.PingPong.Ping=1000 \
		flows.PingPong.Pong=1000 lost=0
else bad trace-one-cpu-round-trips "exit $rc, output '$(head -c 100 "$TMPDIR/pp.out")': $(head -c 300 "$TMPDIR/pp.err")"; fi

# A full ring drops the oldest events and says how many (one CPU: one ring).
if record small --trace-ring 64 --cpus 1; then
	line=$(grep 'events recorded' "$TMPDIR/small.err")
	all=$(echo "$line" | sed -E 's/.*: ([0-9]+) events recorded, ([0-9]+) lost.*/\1/')
	lost=$(echo "$line" | sed -E 's/.*: ([0-9]+) events recorded, ([0-9]+) lost.*/\2/')
	if [ -n "$all" ] && [ "$lost" = $((all - 64)) ] && [ "$lost" -gt 0 ]; then
		checked trace-ring-drops-oldest "$TMPDIR/small.json" lost="$lost" \
			"has=trace ring full: $lost older events lost" failure=boom \
			"hasnot=start scenario (pid 1)"
	else bad trace-ring-drops-oldest "expected 64 kept: $line"; fi
fi

# A budget failure and a failed check, each for its own SIP (tests/kernel's killed.sg).
(cd "$ROOT/tests/kernel" && timeout 120 "$SING" run --trace "$TMPDIR/killed.json" \
	$(directive killed.sg run) killed.sg >"$TMPDIR/killed.out" 2>&1)
heap="memory budget exceeded (heap); raise the manifest's \`budget\` line"   # rt.h's text
if sanitizer_clean "$TMPDIR/killed.out"; then
	checked trace-budget-failure "$TMPDIR/killed.json" "has=budget exceeded" \
		"has=failure: $heap" "has=failure: division by zero" "has=failed hog (pid 3): $heap"
else bad trace-budget-failure "$(grep -m1 -E 'ERROR|runtime error' "$TMPDIR/killed.out")"; fi

# The filter: kinds (no scheduler slices, still every flow), and SIPs.
record filter-kinds --trace-filter msg &&
	checked trace-filter-kinds "$TMPDIR/filter-kinds.json" noph=B flows.Note.Note=$N noph=C
record filter-sips --trace-filter sip=tnote &&
	checked trace-filter-sips "$TMPDIR/filter-sips.json" nopid=scenario flows=0 collection=tnote \
		failure=boom
out=$("$SING" run --trace "$TMPDIR/x.json" --trace-filter msg,bogus scenario.sg 2>&1)
rc=$?
case "$rc:$out" in 2:*"unknown trace filter word 'bogus'"*) ok trace-filter-bad-word;;
	*) bad trace-filter-bad-word "exit $rc: $out";; esac
out=$("$SING" trace 2>&1); rc=$?
case "$rc:$out" in 2:*"usage: sing trace DUMP -o FILE.json"*) ok trace-usage;;
	*) bad trace-usage "exit $rc: $out";; esac

# `sing boot --trace`: a session of the shell, without drivers.
S="$TMPDIR/store"
SING_POLICY="$ROOT/sys/policy" "$SING" store init "$S" >/dev/null 2>&1
if SING_POLICY="$ROOT/sys/policy" "$SING" install --store "$S" "$ROOT"/sys/services/conmux.sg "$ROOT"/sys/apps/{shell,hello}.sg \
	>"$TMPDIR/inst" 2>&1; then
	printf 'console conmux\nshell shell\n' >"$S/config"
	printf 'hello a b\nexit\n' | timeout 60 "$SING" boot --store "$S" --trace "$TMPDIR/boot.json" \
		>"$TMPDIR/boot.out" 2>&1
	if grep -q 'hello from a SIP a b' "$TMPDIR/boot.out" && sanitizer_clean "$TMPDIR/boot.out"; then
		checked trace-boot "$TMPDIR/boot.json" "has=start shell (pid 2)" "has=start hello (pid 3)" \
			"has=exit hello (pid 3) status 0" flows.Proc.Run=1 flows.Proc.Exited=1
	else bad trace-boot "$(head -c 400 "$TMPDIR/boot.out" | tr '\n' '|')"; fi
else bad trace-boot "install: $(head -3 "$TMPDIR/inst")"; fi
