#!/usr/bin/env bash
# tests/qemu - Sing on a bare PC (src/hal/pc, docs/baremetal.md) under
# QEMU (TCG: no KVM here).  Every run has a timeout and -no-reboot, the
# serial line goes to a file, the verdict is QEMU's exit status:
# 0 after an ACPI power-off, 33 after a panic (isa-debug-exit 0x10).
#   smoke: the HAL and kernel smoke test (-append smoke): memory, the
#          timer tick reaching its word, SSE kept across interrupts, the
#          context switch and the stack call, sk_boot, power-off; PCI
#          finds virtio-net with its BAR0 and interrupt line.
#   fault: the test-only broken kernel faults in ring 0: the panic with
#          registers, CR2 and a backtrace on serial, non-zero exit, fast.
#   traced: a session recorded (-append trace), its dump taken from COM2
#          at power-off and converted by `sing trace`.
#   acpi:  the ACPI parser on the host against good and bad tables.
#   smp:   every CPU (-append smp, -smp 2 and 4, multi-threaded TCG): the
#          ACPI MADT's CPUs started by INIT-SIPI-SIPI, each counting,
#          sharing the heap, ticking its local APIC timer, sleeping and
#          woken by IPI; ACPI off: one CPU and a clear message; a session
#          on two CPUs.
set -u
. "$ROOT/tests/lib.sh"
PC="$ROOT/build/pc"
QEMU=${QEMU:-qemu-system-x86_64}

if ! command -v "$QEMU" >/dev/null; then bad qemu-present "no $QEMU (scripts/deps.sh installs qemu-system-x86)"; exit 0; fi
if [ ! -f "$PC/sing.elf" ] || [ ! -f "$PC/sing-fault.elf" ]; then
	make -s -C "$ROOT" pc >"$TMPDIR/make.log" 2>&1 || { bad pc-build "$(tail -5 "$TMPDIR/make.log")"; exit 0; }
fi

# machine SERIAL-FILE SECONDS QEMU-ARGS...: boot; QEMU's exit status.
machine() {
	local out=$1 secs=$2; shift 2
	timeout "$secs" "$QEMU" -machine pc -m 256M -display none -no-reboot -monitor none \
		-serial "file:$out" -device isa-debug-exit,iobase=0xf4,iosize=4 "$@" </dev/null \
		>"$out.qemu" 2>&1
}

# ---- smoke ----
t0=$(date +%s%N)
machine "$TMPDIR/smoke" 60 -kernel "$PC/sing.elf" -append smoke \
	-netdev user,id=n0 -device virtio-net-pci,netdev=n0
rc=$?
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
while read -r line; do
	case $line in
	"smoke: "*" ok") ok "pc-${line#smoke: }" ;;
	"smoke: "*FAILED:*) name=${line#smoke: }; bad "pc-${name%% FAILED*}" "${line#*FAILED: }" ;;
	esac
done < <(tr -d '\r' <"$TMPDIR/smoke" | sed 's/ ok$/ ok/')
if [ "$rc" = 0 ] && grep -q '^smoke: all ok' "$TMPDIR/smoke" && grep -q 'sing: pc: power off' "$TMPDIR/smoke"; then
	ok pc-smoke-powers-off
else bad pc-smoke-powers-off "QEMU status $rc: $(tr -d '\r' <"$TMPDIR/smoke" | tail -3 | tr '\n' '|')"; fi
if tr -d '\r' <"$TMPDIR/smoke" | grep -qE '^sing: pci: virtio-net at .* BAR0 0x0*c000 IRQ [0-9]+$'; then
	ok pc-pci-finds-virtio-net
else bad pc-pci-finds-virtio-net "$(grep -a 'pci' "$TMPDIR/smoke")"; fi
# QEMU's MADT: an I/O APIC and ISA IRQ 0 at GSI 2; every ISA line goes
# through the I/O APIC from boot on (the sessions below use it).
if tr -d '\r' <"$TMPDIR/smoke" | grep -qx 'sing: pc: ISA interrupts through the I/O APIC to CPU 0 (IRQ -> pin: 0->2 2->none, the rest the same)'; then
	ok pc-ioapic-routes
else bad pc-ioapic-routes "$(grep -a 'sing: pc' "$TMPDIR/smoke" | tr -d '\r' | tr '\n' '|')"; fi
echo "# smoke boot to power-off: $ms ms (TCG); $(tr -d '\r' <"$TMPDIR/smoke" | sed -n 's/^smoke: \(64 KiB.*\)/\1/p')"

# ---- a panic in ring 0 ----
t0=$(date +%s%N)
machine "$TMPDIR/fault" 30 -kernel "$PC/sing-fault.elf"
rc=$?
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
f=$(tr -d '\r' <"$TMPDIR/fault")
if [ "$rc" = 33 ] && grep -q '^sing: CPU exception 14 (page fault)' <<<"$f" &&
   grep -q 'cr2=0x00005a5a00000000' <<<"$f" && grep -q '^ rip=0x' <<<"$f" &&
   grep -q '^sing: kernel panic: CPU exception in ring 0' <<<"$f" && grep -q '^backtrace: 0x' <<<"$f" &&
   [ "$ms" -lt 10000 ]; then
	ok pc-kernel-fault-panics-and-exits
	echo "# fault to QEMU exit: $ms ms"
else bad pc-kernel-fault-panics-and-exits "QEMU status $rc after $ms ms: $(tail -4 <<<"$f" | tr '\n' '|')"; fi

# ---- the ACPI tables (src/hal/pc/acpi.c) on the host, good and bad ----
# acpi_test.c feeds fake firmware memory to the parser (sanitized): each
# bad table gives its message and the one-CPU answer.
if cc -std=c11 -Wall -Wextra -Werror -g -fsanitize=address,undefined -fno-sanitize-recover \
	-o "$TMPDIR/acpi_test" "$ROOT/tests/qemu/acpi_test.c" >"$TMPDIR/acpi.log" 2>&1; then
	limit 60 "$TMPDIR/acpi_test" >"$TMPDIR/acpi.out" 2>>"$TMPDIR/acpi.log"
	arc=$?
	while read -r verdict name rest; do
		case $verdict in
		ok) ok "$name" ;;
		FAIL) bad "${name%:}" "$rest" ;;
		esac
	done <"$TMPDIR/acpi.out"
	[ "$arc" = 0 ] && sanitizer_clean "$TMPDIR/acpi.log" && ok acpi-test-clean ||
		bad acpi-test-clean "status $arc: $(head -3 "$TMPDIR/acpi.log" | tr '\n' '|')"
else bad acpi-test-builds "$(head -5 "$TMPDIR/acpi.log" | tr '\n' '|')"; fi

# ---- every CPU (docs/baremetal.md "Every CPU") ----
# smp_boot NAME N [QEMU-ARGS]: -append smp on N CPUs; QEMU's status in
# $rc, the serial line (no CRs) in $out.
SMP_ACCEL="-accel tcg,thread=multi"
smp_boot() {
	local name=$1 n=$2; shift 2
	t0=$(date +%s%N)
	machine "$TMPDIR/$name" 90 -kernel "$PC/sing.elf" -append smp -smp "$n" $SMP_ACCEL "$@"
	rc=$?
	echo "# -append smp on $n CPUs ($name), boot to power-off: $(( ($(date +%s%N) - t0) / 1000000 )) ms (TCG)"
	out=$(tr -d '\r' <"$TMPDIR/$name")
}
# every_cpu N OUT: each CPU's line says it did everything, and CPU 0 saw
# the counts whole.
every_cpu() {
	local n=$1 out=$2 i
	for ((i = 0; i < n; i++)); do
		if ((i == 0)); then
			grep -qx "smp: cpu 0 (local APIC [0-9]*): hal_cpu_id 0, counted, heap ok" <<<"$out" || return 1
		else
			grep -qE "^smp: cpu $i \(local APIC [0-9]+\): hal_cpu_id $i, counted, heap ok, its timer ticked, switched, slept [0-9]+ ms, woken by IPI$" <<<"$out" || return 1
		fi
	done
	grep -qx "smp: counted $((n * 20000)) atomically and $((n * 20000)) under a spin lock" <<<"$out" &&
		grep -qx "smp: all $n CPUs ok" <<<"$out" && grep -qx 'sing: pc: power off' <<<"$out"
}
for n in 2 4; do
	want "pc-smp$n-*" || continue
	smp_boot "smp$n" "$n"
	grep -qE "^sing: pc: $n CPUs \(local APIC IDs( [0-9]+){$n}\), local APIC timer [0-9]+ kHz, I/O APIC" <<<"$out" &&
		ok "pc-smp$n-acpi-madt" || bad "pc-smp$n-acpi-madt" "$(grep -a 'sing: \(pc: [0-9]* CPU\|acpi\)' <<<"$out")"
	[ "$rc" = 0 ] && every_cpu "$n" "$out" && ok "pc-smp$n-every-cpu-works" ||
		bad "pc-smp$n-every-cpu-works" "QEMU status $rc: $(grep -a '^smp:' <<<"$out" | tr '\n' '|')"
	grep -a 'started in' <<<"$out" | sed 's/^/# /'
done
# No ACPI tables: the machine says so and runs on the boot CPU alone
# (power-off then falls back to isa-debug-exit 0: QEMU status 1).
if want pc-acpi-off-one-cpu; then
	smp_boot acpioff 2 -machine acpi=off
	grep -qx 'sing: acpi: no RSDP in the EBDA or 0xe0000..0xfffff; running on the boot CPU only' <<<"$out" &&
		grep -qx 'smp: all 1 CPUs ok' <<<"$out" && [ "$rc" = 1 ] && ok pc-acpi-off-one-cpu ||
		bad pc-acpi-off-one-cpu "QEMU status $rc: $(head -6 <<<"$out" | tr '\n' '|')"
fi

# ---- the system: a boot image (sing image), init, the shell over serial ----
# Sessions run QEMU in a tmux pane (tests/tmux.sh: type, wait_for): the
# serial line is the pane's terminal, as with `make qemu`.
command -v tshark >/dev/null || { bad tshark "tshark is not installed (scripts/deps.sh)"; exit 0; }
export SING_CACHE="$TMPDIR/cache" SING_POLICY="$ROOT/sys/policy"
S="$TMPDIR/store"
IMG="$TMPDIR/sing.img"
"$SING_FAST" store init "$S" >/dev/null
echo "allow guestsip system.proc" >>"$S/policy"   # guestsip's SIP_CREATE runs guestnop
"$SING_FAST" install --store "$S" "$ROOT"/sys/services/conmux.sg "$ROOT"/sys/drivers/{console,nic}.sg "$ROOT"/sys/services/{ns,echo,netstack}.sg \
	"$ROOT"/sys/apps/{shell,hello,crash,echoclient,echoloop,sendpacket}.sg \
	"$ROOT"/tests/qemu/{bounds,deep,greedy,guestcost,guestsip,guestnop,fmath}.sg >"$TMPDIR/inst" 2>&1 ||
	{ bad install-qemu-store "$(head -5 "$TMPDIR/inst")"; exit 0; }
cp "$ROOT/sys/config" "$S/config"
if ! "$SING_FAST" image --store "$S" -o "$IMG" >"$TMPDIR/image.log" 2>&1; then
	bad boot-image "$(head -5 "$TMPDIR/image.log")"; exit 0
fi
ok boot-image
. "$ROOT/tests/tmux.sh"

# qemu_session NAME NETDEV [QEMU-ARGS]: QEMU on the image in a new pane.
qemu_session() {
	tmux_cleanup
	T="singq$$-$1" MARK=0
	tmux -f /dev/null -L "$T" set-option -g remain-on-exit on \; set-option -g history-limit 1000000 \; \
		new-session -d -x 160 -y 50 -c "$TMPDIR" "${BOOT_PREFIX:-} $QEMU -machine pc -m 512M \
		-display none -no-reboot -monitor none -serial stdio \
		-device isa-debug-exit,iobase=0xf4,iosize=4 -kernel '$PC/sing.elf' -initrd '$IMG' \
		-netdev $2 -device virtio-net-pci,netdev=n0,mac=52:54:00:12:34:56 ${3:-}; \
		echo \$? >'$TMPDIR/$1.status'"
	QS="$TMPDIR/$1.status"
}
# qemu_status NAME WANT: QEMU ended (within 60 s) with status WANT (the
# pane's shell writes it to a file: tmux may see the terminal close first).
qemu_status() {
	local i st=""
	for ((i = 0; i < 600; i++)); do
		[ -s "$QS" ] && { st=$(cat "$QS"); break; }
		sleep 0.1
	done
	[ "$st" = "$2" ] && ok "$1" ||
		bad "$1" "QEMU status '$st', want $2: $(screen | grep -v '^$' | tail -3 | tr '\n' '|')"
}

# The README's first session, typed over the serial line; the time from
# QEMU's start to the prompt is printed (TCG).
t0=$(date +%s%N)
P="$TMPDIR/first.pcap"
qemu_session first "user,id=n0" "-object filter-dump,id=f0,netdev=n0,file=$P"
for ((i = 0; i < 600; i++)); do screen | grep -qF 'sing>' && break; sleep 0.05; done
echo "# QEMU start to the sing> prompt: $(( ($(date +%s%N) - t0) / 1000000 )) ms (TCG, 2 CPUs shared)"
wait_for pc-boot-prompt 'sing>' 30 || exit 0
wait_for pc-nic-driver-up 'nic0: virtio-net 52:54:00:12:34:56'
type 'help'
wait_for pc-help 'NAME [ARGS]         run an installed program'
type 'ls'
wait_for pc-ls '/kernel/proc'
type 'ps'
wait_for pc-ps '    7     0 shell'
type 'hello a b'
wait_for pc-hello 'hello from a SIP a b'
wait_for pc-hello-status 'exit status 0'
# The new shell over the serial line: --help of a running service (the
# manifest answers, nothing starts), Tab on one of the shell's commands.
type 'echo --help'
wait_for pc-service-help 'Ping(n) with Pong(n) on /svc/echo'
mark; tmux -L "$T" send-keys -l 'progr'; tmux -L "$T" send-keys Tab Enter
wait_for pc-tab-builtin 'NAME             VERSION  KIND'
# SIPs failing on the machine die alone; the shell goes on.
type 'crash'
wait_for pc-sip-division-by-zero 'sip crash (pid 9) failed in function main: division by zero'
type 'bounds'
wait_for pc-sip-bounds 'sip bounds (pid 10) failed in function main: array index out of bounds'
type 'deep'
wait_for pc-sip-stack-budget 'sip deep (pid 11) failed in function down: memory budget exceeded (stack)'
type 'greedy'
wait_for pc-sip-heap-budget 'sip greedy (pid 12) failed in function main: memory budget exceeded (heap)'
type 'hello again'
wait_for pc-shell-goes-on 'hello from a SIP again'
type 'start echoloop'
wait_for pc-start-echoloop '[14] started'
wait_for pc-echoloop-runs 'echoloop: pinging /svc/echo'
type 'kill 14'
wait_for pc-kill 'killed 14'
type 'sendpacket --count 5 --dst 02:00:00:00:00:01'
wait_for pc-sendpacket 'sent 5 packets'
# The f64 functions (sqrtsd and src/backend/fmath.h) in ring 0.
type 'fmath'
wait_for pc-fmath 'fmath: sqrt 1.4142135623730951 floor -3 round 3 pow 1024 exp(log(8)) 8 sin^2+cos^2 1 max 3'
type 'exit'
# Every failed SIP's exchange-heap blocks came back: none live at the end.
wait_for pc-shutdown 'sing: shutdown: 0 SIPs left, exchange heap 0 bytes live'
qemu_status pc-powers-off 0
# sendpacket's frames on QEMU's wire (filter-dump), exactly.
tshark -r "$P" -T fields -e eth.dst -e eth.src -e eth.type -e data >"$TMPDIR/frames" 2>"$TMPDIR/tshark.err"
zeros=$(printf '%088d' 0)   # 64-byte frames: 50 payload bytes
want=$(for i in 0 1 2 3 4; do
	printf '02:00:00:00:00:01\t52:54:00:12:34:56\t0x88b5\t73696e67200%d%s\n' "$i" "$zeros"
done)
[ "$(cat "$TMPDIR/frames")" = "$want" ] && ok pc-pcap-frames ||
	bad pc-pcap-frames "tshark shows: $(head -6 "$TMPDIR/frames" | cut -c1-80 | tr '\n' '|')"

# The system on two CPUs (-append cpus=2: the kernel runs on both, one
# kernel lock, docs/kernel.md "Every CPU"): the same boot, SIPs placed on
# CPU 1 (ps's last column), a program, a clean shutdown.
qemu_session smp2 "user,id=n0" "-smp 2 $SMP_ACCEL -append cpus=2"
wait_for pc-smp2-session-prompt 'sing>' 30 || exit 0
wait_for pc-smp2-session-cpus 'sing: pc: 2 CPUs (local APIC IDs 0 1)'
type 'ps'
wait_for pc-smp2-session-ps 'CPU(ms) CPU'
on1=""
for ((i = 0; i < 100; i++)); do
	on1=$(screen | grep -E '^ +[0-9]+ +[0-9]+ +[a-z0-9]+ .* 1$' | head -1)
	[ -n "$on1" ] && break; sleep 0.1
done
[ -n "$on1" ] && ok pc-smp2-sips-on-cpu1 || bad pc-smp2-sips-on-cpu1 "no SIP on CPU 1: $(screen | grep -v '^$' | tail -7 | tr '\n' '|')"
type 'hello a b'
wait_for pc-smp2-session-hello 'hello from a SIP a b'
# Interrupts on the driver's CPU (docs/kernel.md "Interrupts on the
# driver's CPU"): each Wait routes its line (the I/O APIC's destination)
# to the CPU the driver waits on.  Typed lines raise com1, sendpacket's
# frames virtio-net; a line ps shows routed to CPU 1 must have taken
# interrupts on CPU 1 (before, every line went to CPU 0 and CPU 1 took
# none).  Where the drivers wait moves with the traffic (wake affinity:
# the console driver follows the console multiplexer), so the check is
# that some line has taken interrupts on CPU 1, which only a route there
# gives, not where it is routed at the moment ps looks; while none has,
# more traffic is made, four rounds at most.
quiet_for() {   # TEXT: wait (unreported) up to 60 s
	local i
	for ((i = 0; i < 600; i++)); do screen | grep -qF -- "$1" && return 0; sleep 0.1; done
	return 1
}
irq_on1() { screen | grep -E '^  irq [0-9]+ [a-z0-9-]+ -> CPU [01]; taken on CPU 0: [0-9]+, CPU 1: [1-9]'; }
type 'sendpacket --count 5 --dst 02:00:00:00:00:01'
wait_for pc-smp2-sendpacket 'sent 5 packets'
type 'ps'
see pc-smp2-ps-irq-lines 'irq 4 com1 -> CPU' 'irq 11 virtio-net -> CPU'
got=$(irq_on1)
for ((round = 1; round < 4; round++)); do
	[ -n "$got" ] && break
	type 'hello again'; quiet_for 'hello from a SIP again'
	type 'sendpacket --count 5 --dst 02:00:00:00:00:01'; quiet_for 'sent 5 packets'
	type 'ps'; quiet_for 'irq 11 virtio-net -> CPU'
	got=$(irq_on1)
done
[ -n "$got" ] && ok pc-smp2-irq-on-driver-cpu ||
	bad pc-smp2-irq-on-driver-cpu "no line took interrupts on CPU 1 in $round rounds: $(screen | grep -E 'console|nic0|irq' | tr '\n' '|')"
type 'exit'
wait_for pc-smp2-session-shutdown 'sing: shutdown: 0 SIPs left, exchange heap 0 bytes live'
qemu_status pc-smp2-session-powers-off 0

# Without ACPI the 8259s keep the lines (one CPU): typed commands still
# arrive (the console's IRQ 4), the NIC driver comes up, a program runs;
# power-off falls back to isa-debug-exit 0 (QEMU status 1).
qemu_session pic8259 "user,id=n0" "-machine acpi=off"
wait_for pc-8259-session-prompt 'sing>' 30 || exit 0
wait_for pc-8259-session-nic 'nic0: virtio-net 52:54:00:12:34:56'
type 'hello a b'
wait_for pc-8259-session-hello 'hello from a SIP a b'
type 'exit'
wait_for pc-8259-session-shutdown 'sing: shutdown: 0 SIPs left, exchange heap 0 bytes live'
qemu_status pc-8259-session-ends 1

# The NIC driver killed under a running sendpacket: init restarts it, the
# device is reset, sendpacket binds /dev/nic0 again and finishes.
N=100000   # long enough that the kill lands mid-run
P2="$TMPDIR/restart.pcap"
qemu_session restart "user,id=n0" "-object filter-dump,id=f0,netdev=n0,file=$P2"
wait_for pc-restart-prompt 'sing>' 30 || exit 0
type "start sendpacket --count $N --dst 02:00:00:00:00:03"
wait_for pc-long-sendpacket '[8] started'
# Kill once 200 frames are on the wire (pcap: 24-byte header, 80 per frame).
for ((i = 0; i < 400; i++)); do
	[ "$(stat -c %s "$P2" 2>/dev/null || echo 0)" -gt $((24 + 80 * 200)) ] && break
	sleep 0.05
done
type 'kill 3'
wait_for pc-kill-nic-driver 'init: nic0 ended; restarting in 100 ms'
wait_for pc-nic-driver-restarted 'init: started nic0 (pid 9)'
wait_for pc-nic-driver-up-again 'nic0: virtio-net 52:54:00:12:34:56'   # since the kill
wait_for pc-client-rebinds 'sendpacket: bound /dev/nic0 again; resending frame'
wait_for pc-client-finishes "sent $N packets (rebound 1 time)" 180
type 'exit'
wait_for pc-restart-shutdown 'sing: shutdown: 0 SIPs left, exchange heap 0 bytes live'
qemu_status pc-restart-powers-off 0
# The wire holds the frames from before the kill and after it, in order
# (frame k carries k mod 256); only the resent frame may appear twice.
tshark -r "$P2" -T fields -e eth.dst -e data >"$TMPDIR/frames2" 2>>"$TMPDIR/tshark.err"
seq=$(awk -F'\t' '$1 == "02:00:00:00:00:03" {
		b = substr($2, 11, 2); t++
		if (b == sprintf("%02x", e)) { e = (e + 1) % 256; k++ }
		else if (t > 1 && b == p && !d) d = 1
		else { bad = bad ", frame " t " carries " b " (want " e ")"; if (length(bad) > 80) exit }
		p = b
	} END { printf "%d frames, %d in order, %d repeated%s", t, k, d, bad }' "$TMPDIR/frames2")
[ "$seq" = "$N frames, $N in order, 0 repeated" ] || [ "$seq" = "$((N + 1)) frames, $N in order, 1 repeated" ] &&
	ok pc-pcap-all-frames-around-restart || bad pc-pcap-all-frames-around-restart "$seq"

# Tracing on the machine (docs/tracing.md "On bare metal"): -append trace
# records from boot; at power-off the dump goes raw over COM2 (the second
# -serial, a file), every byte the kernel says it sent, and `sing trace`
# converts it: the hello SIP's start and exit, the shell's Run and the
# Exited back as message flows, nothing lost.
D="$TMPDIR/trace.dump"
qemu_session traced "user,id=n0" "-append trace -serial file:$D"
wait_for pc-trace-prompt 'sing>' 30 || exit 0
type 'hello a b'
wait_for pc-trace-hello 'hello from a SIP a b'
type 'exit'
wait_for pc-trace-dump-sent 'bytes of dump sent to COM2'
qemu_status pc-trace-powers-off 0
sent=$(screen | tr -d '\r' | sed -n 's/^sing: pc: trace: \([0-9]*\) bytes of dump sent to COM2$/\1/p')
if [ "$sent" != "$(stat -c %s "$D" 2>/dev/null)" ]; then
	bad pc-trace-converts "the kernel sent '$sent' bytes, COM2's file holds $(stat -c %s "$D" 2>/dev/null)"
elif ! "$SING" trace "$D" -o "$TMPDIR/trace.json" 2>"$TMPDIR/trace.err"; then
	bad pc-trace-converts "$(head -c 300 "$TMPDIR/trace.err")"
elif out=$(python3 "$ROOT/tests/trace/check.py" "$TMPDIR/trace.json" lost=0 \
		"has=start shell (pid 7)" "has=start hello (pid 8)" "has=exit hello (pid 8) status 0" \
		flows.Proc.Run=1 flows.Proc.Exited=1 2>&1); then ok pc-trace-converts
else bad pc-trace-converts "$(echo "$out" | head -3 | tr '\n' '|')"; fi

# The system with a collection at every allocation (-append gcstress: the
# host's SING_GCSTRESS does not reach the guest) and each SIP's figures
# as it ends (-append stats): boots, runs programs (fmath: floats kept in
# the frames the collector scans), shuts down with nothing live.
qemu_session gcs "user,id=n0" "-append 'gcstress stats'"
wait_for pc-gcstress-boots 'sing>' 120 || exit 0
type 'hello a b'
wait_for pc-gcstress-hello 'hello from a SIP a b' 60
quiet_for 'sing: sip hello: pauses'
n=$(screen | tr -d '\r' | sed -n 's/^sing: sip hello: collections \([0-9]*\) .*/\1/p' | tail -1)
[ "${n:-0}" -ge 5 ] && ok pc-gcstress-collects ||
	bad pc-gcstress-collects "hello's collections: '$n' (want 5 or more: one per allocation)"
echo "# hello under -append gcstress: $n collections"
type 'fmath'
wait_for pc-gcstress-fmath 'fmath: sqrt 1.4142135623730951 floor -3 round 3 pow 1024 exp(log(8)) 8 sin^2+cos^2 1 max 3' 60
type 'exit'
wait_for pc-gcstress-shutdown 'sing: shutdown: 0 SIPs left, exchange heap 0 bytes live' 60
qemu_status pc-gcstress-powers-off 0

# TAP: Linux in a network namespace of the test's own pings Sing's stack
# (10.77.0.2) through a TAP QEMU opens; tshark on the TAP sees the replies.
NS="singq$$"
trap 'tmux_cleanup; ip netns del "$NS" 2>/dev/null' EXIT
if [ ! -c /dev/net/tun ] || ! ip netns add "$NS" 2>"$TMPDIR/ns.err"; then
	echo "# tap tests not run: no /dev/net/tun or no network namespaces: $(head -1 "$TMPDIR/ns.err" 2>/dev/null)"
	exit 0
fi
ip netns exec "$NS" ip link set lo up
BOOT_PREFIX="ip netns exec $NS" qemu_session tap "tap,id=n0,ifname=singqtap,script=no,downscript=no"
wait_for pc-tap-prompt 'sing>' 30 || exit 0
ip netns exec "$NS" ip addr add 10.77.0.1/24 dev singqtap &&
	ip netns exec "$NS" ip link set singqtap up || { bad pc-tap-up "cannot configure singqtap"; exit 0; }
CAP=$TMPDIR/tap.pcap
ip netns exec "$NS" tshark -i singqtap -w "$CAP" -q >"$TMPDIR/cap.log" 2>&1 &
CAPPID=$!
# The capture is live once a warm-up ping's reply is in the file: only
# then the counted pings (123-byte payloads, so 151-byte IP replies).
replies() { tshark -r "$CAP" -Y "icmp.type == 0 && ip.src == 10.77.0.2 $1" 2>/dev/null | wc -l; }
for ((i = 0; i < 50; i++)); do
	ip netns exec "$NS" ping -c 1 -W 1 10.77.0.2 >/dev/null 2>&1
	[ "$(replies)" -gt 0 ] && break
	sleep 0.2
done
if ip netns exec "$NS" ping -c 3 -s 123 -i 0.3 -W 2 10.77.0.2 >"$TMPDIR/ping.log" 2>&1 &&
   grep -q '3 received' "$TMPDIR/ping.log"; then ok pc-tap-ping-netstack
else bad pc-tap-ping-netstack "$(grep -E 'transmitted|nreachable' "$TMPDIR/ping.log" | head -2 | tr '\n' ' ')"; fi
sleep 0.5
kill -INT "$CAPPID" 2>/dev/null
wait "$CAPPID" 2>/dev/null
n=$(replies '&& ip.len == 151')
[ "$n" -eq 3 ] && ok pc-tap-tshark-echo-replies || bad pc-tap-tshark-echo-replies "tshark on the TAP saw $n of 3 echo replies"
type 'exit'
wait_for pc-tap-shutdown 'sing: shutdown: 0 SIPs left, exchange heap 0 bytes live'
qemu_status pc-tap-powers-off 0
