#!/usr/bin/env bash
# bench/compute/run.sh - verified Sing code against the same programs in C.
#
# Each program exists as NAME.sg and NAME.c and prints "check N" (the two
# must agree) and "time_ns N", its own measurement of the work (excluding
# start-up and install).  The Sing program runs through `sing run` (verify,
# cached native code, a SIP in a fresh kernel); the C one is built with
# gcc -O2.  Each runs ROUNDS times (default 7), Sing and C in turn so that
# a burst of load on the machine falls on both.
#
# The headline ratio is that of the FASTEST round of each side (best Sing
# time / best C time): on a loaded machine a run is only ever slowed by
# the load, never sped up, so the fastest of seven is the closest to the
# program's own cost, and both sides get the same treatment.  The ratio of
# the medians is printed beside it (the figure of sessions before 33),
# with the spread of the per-round ratios, the install time (verify +
# lower + cc, with an empty cache) and the geometric means of both.
#
# Beside it, cpu: the same ratio of the least CPU time (user + system) of
# each side's whole process (Sing's includes its start-up, verify and
# load, under 10 ms): a process that waits for a CPU on a loaded machine
# is not charged for the wait, where its self-timed wall clock is.
#
# BASE=path/to/another/sing: that build (say main's) runs in every round
# too, between Sing and C, from its own cache; its ratios are printed
# beside, so that a change is measured against its baseline in one run.
set -u
. "$(dirname "$0")/../lib.sh"
CC=${CC:-gcc}
ROUNDS=${ROUNDS:-7}
BASE=${BASE:-}
case $ROUNDS in ''|*[!0-9]*|0) echo "run.sh: ROUNDS must be a positive number" >&2; exit 2 ;; esac

field() { sed -n "s/^$1 //p" "$2"; }
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
least() { sort -n | head -1; }
div() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
ms() { awk -v x="$1" 'BEGIN { printf "%.1f", x / 1e6 }'; }
loadavg() { echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"; }
# Adds log(ratio) to the sum named $1 (a file holding "sum count").
addlog() { awk -v r="$2" '{ print $1 + log(r), $2 + 1 }' "$1" >"$1.new" && mv "$1.new" "$1"; }
geo() { awk '{ printf "%.2f", exp($1 / $2) }' "$1"; }

# One timed run of "$@" (a SIL package under its cache, or the C program):
# appends its time_ns to $1.all and its CPU time (ns) to $1.cpu; fails if
# its check differs from $want.
one() {
	local who=$1 TIMEFORMAT='%3U %3S'; shift
	{ time "$@" >"$TMP/out" 2>"$TMP/err"; } 2>"$TMP/cpu" ||
		{ echo "$who run failed: $(head -c 200 "$TMP/err")"; return 1; }
	local ck; ck=$(field check "$TMP/out")
	[ "$ck" = "$want" ] || { echo "MISMATCH ($who $ck vs C $want)"; return 1; }
	field time_ns "$TMP/out" >>"$TMP/$who.all"
	awk '{ printf "%.0f\n", ($1 + $2) * 1e9 }' "$TMP/cpu" >>"$TMP/$who.cpu"
}

loadavg
printf '%-10s %9s %9s %6s %9s %13s %5s' program sing_best c_best best "median" "(min..max)" cpu
[ -z "$BASE" ] || printf ' %9s %9s %8s' base_best base_med base_cpu
printf ' %10s  %s\n' install_ms check
for f in best med cpu bbest bmed bcpu; do echo "0 0" >"$TMP/geo.$f"; done
for sg in "$HERE"/*.sg; do
	name=$(basename "$sg" .sg)
	"$SING" build "$sg" -o "$TMP/$name.sil" || { echo "$name: build failed"; continue; }
	t0=$(date +%s%N)
	"$SING" install "$TMP/$name.sil" >/dev/null || { echo "$name: install failed"; continue; }
	t1=$(date +%s%N)
	if [ -n "$BASE" ]; then
		"$BASE" build "$sg" -o "$TMP/$name.base.sil" &&
			SING_CACHE="$TMP/bcache" "$BASE" install "$TMP/$name.base.sil" >/dev/null ||
			{ echo "$name: base build failed"; continue; }
	fi
	"$CC" -O2 -o "$TMP/$name" "$HERE/$name.c" -lm || { echo "$name: cc failed"; continue; }
	"$TMP/$name" >"$TMP/out"; want=$(field check "$TMP/out")
	: >"$TMP/s.all"; : >"$TMP/b.all"; : >"$TMP/c.all"; : >"$TMP/r.all"
	: >"$TMP/s.cpu"; : >"$TMP/b.cpu"; : >"$TMP/c.cpu"
	same=ok
	for _ in $(seq "$ROUNDS"); do
		same=$(one s "$SING" run "$TMP/$name.sil") || break
		[ -z "$BASE" ] || same=$(SING_CACHE="$TMP/bcache" one b "$BASE" run "$TMP/$name.base.sil") || break
		same=$(one c "$TMP/$name") || break
		div "$(tail -1 "$TMP/s.all")" "$(tail -1 "$TMP/c.all")" >>"$TMP/r.all"; echo >>"$TMP/r.all"
		same=ok
	done
	[ "$same" = ok ] || { echo "$name: $same"; continue; }
	sb=$(least <"$TMP/s.all") cb=$(least <"$TMP/c.all")
	best=$(div "$sb" "$cb") med=$(div "$(median <"$TMP/s.all")" "$(median <"$TMP/c.all")")
	spread=$(sort -n "$TMP/r.all" | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "(%.2f..%.2f)", lo, hi }')
	ccpu=$(least <"$TMP/c.cpu") cpu=$(div "$(least <"$TMP/s.cpu")" "$ccpu")
	printf '%-10s %9s %9s %6s %9s %13s %5s' "$name" "$(ms "$sb")" "$(ms "$cb")" "$best" "$med" "$spread" "$cpu"
	addlog "$TMP/geo.best" "$best"; addlog "$TMP/geo.med" "$med"; addlog "$TMP/geo.cpu" "$cpu"
	if [ -n "$BASE" ]; then
		bbest=$(div "$(least <"$TMP/b.all")" "$cb") bmed=$(div "$(median <"$TMP/b.all")" "$(median <"$TMP/c.all")")
		bcpu=$(div "$(least <"$TMP/b.cpu")" "$ccpu")
		printf ' %9s %9s %8s' "$bbest" "$bmed" "$bcpu"
		addlog "$TMP/geo.bbest" "$bbest"; addlog "$TMP/geo.bmed" "$bmed"; addlog "$TMP/geo.bcpu" "$bcpu"
	fi
	printf ' %10s  %s\n' "$(ms $((t1 - t0)))" "$same"
done
read -r _ n <"$TMP/geo.best"
[ "$n" -gt 0 ] || exit 1
echo "geometric mean ratio (sing / C -O2, checks on, fastest of $ROUNDS rounds each side): $(geo "$TMP/geo.best") over $n programs (medians: $(geo "$TMP/geo.med"); least CPU time: $(geo "$TMP/geo.cpu")) (target <= 1.05)"
[ -z "$BASE" ] || echo "base ($BASE), the same: fastest $(geo "$TMP/geo.bbest") (medians: $(geo "$TMP/geo.bmed"); least CPU time: $(geo "$TMP/geo.bcpu"))"
loadavg
