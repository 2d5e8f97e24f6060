#!/usr/bin/env bash
# tests/e2e - the seed's example end to end (docs/network.md "End to end"):
# `sing boot --nic pcap:FILE` with the NIC driver and the network stack,
# sendpacket typed at the shell, the frames read back with tshark; the
# zero-copy observable (SING_DEBUG=dma: the device read each frame from an
# array sendpacket made); the driver killed under a running sendpacket,
# restarted by init, and sendpacket binding again and finishing; a
# hostile driver's DMA refused; then, in a network namespace of its own,
# Linux pings the stack over TAP.
set -u
. "$ROOT/tests/lib.sh"
export SING_CACHE="$TMPDIR/cache" SING_POLICY="$ROOT/sys/policy"
S="$TMPDIR/store"
sing store init "$S" >/dev/null
sing install --store "$S" "$ROOT"/sys/services/conmux.sg "$ROOT"/sys/drivers/{console,nic}.sg "$ROOT"/sys/services/netstack.sg \
	"$ROOT"/sys/apps/{shell,sendpacket}.sg >"$TMPDIR/inst" 2>&1 ||
	{ bad install-e2e "$(head -5 "$TMPDIR/inst")"; exit 0; }
ok install-e2e
printf 'console conmux\ndriver console\ndriver nic0\nservice netstack\nshell shell\n' >"$S/config"
command -v tshark >/dev/null || { bad tshark "tshark is not installed (scripts/deps.sh)"; exit 0; }
. "$ROOT/tests/tmux.sh"

# pids in start order: console 1, nic0 2, netstack 3, shell 4, then the
# shell's programs (sendpacket 5).
P="$TMPDIR/out.pcap"
# Every screen check looks only at what the last command typed printed
# (tests/tmux.sh), one test per command.
# SING_DEBUG=dma's lines come from the kernel, whole, while a program's
# line reaches the terminal a byte at a time through the console driver
# and the UART: a dma line can land inside it ("nic0: virtio-sing: dma:
# ...\nnet 52:54:..."), more often on a loaded machine.  So this session's
# checks read the screen with the dma lines taken out (which rejoins a line
# they split); the zero-copy check counts the dma lines themselves.
undma() { sed -E ':a;N;$!ba;s/sing: dma: [^\n]* made by pid [0-9]+\n//g'; }
SCREEN_FILTER=undma
SING_DEBUG=dma boot_session pcap "--nic pcap:$P"
WAIT=30 see boot-starts-nic-driver 'init: started nic0 (pid 3)' 'nic0: virtio-net 52:54:00:12:34:56' 'sing>' ||
	exit 0
type 'sendpacket --count 5 --dst 02:00:00:00:00:01'
see sendpacket-sent 'sent 5 packets' 'exit status 0'
# Zero copy: each 64-byte frame the device read lay in an array made by
# sendpacket (pid 6), not a copy the driver (pid 3) made.
n=$(SCREEN_FILTER=cat screen | grep -c 'nic0 device reads/writes 64 bytes of an array made by pid 6')
m=$(SCREEN_FILTER=cat screen | grep -c 'nic0 device reads/writes 64 bytes of an array made by pid [^6]')
[ "$n" -eq 5 ] && [ "$m" -eq 0 ] && ok zero-copy ||
	bad zero-copy "$n frames read from sendpacket's arrays (want 5), $m from other SIPs' arrays"
type 'exit'
see e2e-clean-shutdown 'sing: shutdown: 0 SIPs left, exchange heap 0 bytes live'
sanitizer_ok e2e-sanitizer-clean
SCREEN_FILTER=

limit 60 tshark -r "$P" -T fields -e eth.dst -e eth.src -e eth.type -e data >"$TMPDIR/frames" 2>"$TMPDIR/tshark.err"
zeros=$(printf '%088d' 0)   # 64-byte frames: 50 payload bytes
want=$(for i in 0 1 2 3 4; do
	printf '02:00:00:00:00:01\t52:54:00:12:34:56\t0x88b5\t73696e67200%d%s\n' "$i" "$zeros"
done)
[ "$(cat "$TMPDIR/frames")" = "$want" ] && ok pcap-frames ||
	bad pcap-frames "tshark shows: $(head -6 "$TMPDIR/frames" | cut -c1-80 | tr '\n' '|')"

# The driver killed in the middle of a long run (it may hold the client's
# frame on the device): init restarts nic0; the stack, whose channel
# closed too, binds /dev/net0 again and goes on (same pid, not restarted
# by init); the device was reset before the driver's blocks were freed
# (ASan stays quiet), and sendpacket binds /dev/nic0 again through /svc/ns,
# resends the frame that died with the driver and finishes all N frames.
# The device and its wire outlive the driver (hal_dev_reset is a virtio
# reset; the pcap file is opened once per boot), so the capture holds the
# frames from before the kill and after it, in order: frame k carries k mod
# 256, and only the resent frame may appear twice (when the device had put
# it on the wire before the driver died).  Then a new sendpacket goes
# through the new driver too.
N=500000
P2="$TMPDIR/restart.pcap"
boot_session restart "--nic pcap:$P2"
wait_for restart-prompt 'sing>' 30 || exit 0
type "start sendpacket --count $N --dst 02:00:00:00:00:03"
see long-sendpacket-started '[6] started'
# Kill once 1000 frames are on the wire (pcap: 24-byte header, 80 per frame).
for ((i = 0; i < 200; i++)); do
	[ "$(stat -c %s "$P2" 2>/dev/null || echo 0)" -gt $((24 + 80 * 1000)) ] && break
	sleep 0.05
done
type 'kill 3'
WAIT=60 see kill-nic-driver-client-rebinds 'init: nic0 ended; restarting in 100 ms' \
	'sendpacket: the driver went away after' 'init: started nic0 (pid 7)' \
	'nic0: virtio-net 52:54:00:12:34:56' 'sendpacket: bound /dev/nic0 again; resending frame' \
	"sent $N packets (rebound 1 time)"
type 'ps'
see netstack-survives-driver-restart '    4     0 netstack'
n=$(screen_all | grep -c 'init: netstack ended')
[ "$n" -eq 0 ] && ok netstack-not-restarted || bad netstack-not-restarted "init restarted it $n times"
type 'sendpacket --count 3 --dst 02:00:00:00:00:02'
see sendpacket-after-restart 'sent 3 packets'
type 'exit'
see restart-clean-shutdown 'sing: shutdown: 0 SIPs left, exchange heap 0 bytes live'
sanitizer_ok restart-sanitizer-clean
# (Half a million frames: tshark may take minutes on a loaded machine.)
limit 600 tshark -r "$P2" -T fields -e eth.dst -e data >"$TMPDIR/frames2" 2>>"$TMPDIR/tshark.err"
trc=$?
# The long run's frames: 0, 1, 2, ... (mod 256), one repeat allowed.
seq=$(awk -F'\t' '$1 == "02:00:00:00:00:03" {
		b = substr($2, 11, 2); t++
		if (b == sprintf("%02x", e)) { e = (e + 1) % 256; k++ }
		else if (t > 1 && b == p && !d) d = 1
		else { bad = bad ", frame " t " carries " b " (want " e ")"; if (length(bad) > 80) exit }
		p = b
	} END { printf "%d frames, %d in order, %d repeated%s", t, k, d, bad }' "$TMPDIR/frames2")
[ $trc -eq 0 ] || seq="tshark exited $trc after $seq: $(tail -1 "$TMPDIR/tshark.err")"
[ "$seq" = "$N frames, $N in order, 0 repeated" ] || [ "$seq" = "$((N + 1)) frames, $N in order, 1 repeated" ] &&
	ok pcap-all-frames-around-restart || bad pcap-all-frames-around-restart "$seq"
n2=$(grep -c '^02:00:00:00:00:02' "$TMPDIR/frames2")
[ $trc -eq 0 ] && [ "$n2" -eq 3 ] && ok pcap-frames-after-restart || bad pcap-frames-after-restart "$n2 frames from the new sendpacket"

# A hostile driver (dmabad.sg) hands the device a deleted dma_new array and
# a made-up address as queue memory, and a deleted array as a frame: the
# DMA check refuses each, the device fails (status bit 64, NEEDS_RESET)
# and touches nothing (ASan would see a read of the freed frame); its own
# ring and frame go through (one frame on the wire).  Its claim overlaps
# nic0's, so it lives in a store of its own.
S2="$TMPDIR/store2"
sing store init "$S2" >/dev/null
sing install --store "$S2" "$ROOT"/sys/services/conmux.sg "$ROOT"/sys/drivers/console.sg "$ROOT"/sys/apps/shell.sg \
	"$ROOT"/tests/e2e/dmabad.sg >"$TMPDIR/inst2" 2>&1 ||
	{ bad install-dmabad "$(head -5 "$TMPDIR/inst2")"; exit 0; }
printf 'console conmux\ndriver console\nshell shell\n' >"$S2/config"
S="$S2" boot_session dmabad "--nic pcap:$TMPDIR/bad.pcap"
wait_for dmabad-prompt 'sing>' 30 || exit 0
type 'dmabad'
see dma-checked 'dmabad: own ring, status 3' 'dmabad: deleted ring, status 67' \
	'dmabad: made-up address, status 67' 'dmabad: own frame, status 7' 'dmabad: deleted frame, status 71'
type 'exit'
see dmabad-clean-shutdown 'sing: shutdown: 0 SIPs left, exchange heap 0 bytes live'
sanitizer_ok dmabad-sanitizer-clean
n=$(limit 60 tshark -r "$TMPDIR/bad.pcap" 2>/dev/null | wc -l)
[ "$n" -eq 1 ] && ok dma-only-own-frame-sent || bad dma-only-own-frame-sent "$n frames on the wire"

# TAP: a network namespace of its own holds the interface, so the test
# needs no host configuration (root and /dev/net/tun, as tests/nic).
NS="singe2e$$"
trap 'tmux_cleanup; ip netns del "$NS" 2>/dev/null' EXIT
if [ ! -c /dev/net/tun ] || ! ip netns add "$NS" 2>"$TMPDIR/ns.err"; then
	bad tap-namespace "no /dev/net/tun or no network namespaces: $(head -1 "$TMPDIR/ns.err" 2>/dev/null)"
	exit 0
fi
ip netns exec "$NS" ip link set lo up
BOOT_PREFIX="ip netns exec $NS" boot_session tap "--nic tap:singtap1"
wait_for tap-boot-prompt 'sing>' 30 || exit 0
ip netns exec "$NS" ip addr add 10.77.0.1/24 dev singtap1 &&
	ip netns exec "$NS" ip link set singtap1 up || { bad tap-up "cannot configure singtap1"; exit 0; }
# tshark on the TAP sees what Sing sends: the stack's echo replies and
# sendpacket's frames.
CAP=$TMPDIR/tap.pcap
ip netns exec "$NS" tshark -i singtap1 -w "$CAP" -q >"$TMPDIR/cap.log" 2>&1 &
CAPPID=$!
# The capture is live once a warm-up ping's reply is in the file: only
# then do the counted pings (123-byte payloads, so 151-byte IP replies).
replies() { limit 60 tshark -r "$CAP" -Y "icmp.type == 0 && ip.src == 10.77.0.2 $1" 2>/dev/null | wc -l; }
for ((i = 0; i < 50; i++)); do
	ip netns exec "$NS" ping -c 1 -W 1 10.77.0.2 >/dev/null 2>&1
	[ "$(replies)" -gt 0 ] && break
	sleep 0.2
done
if ip netns exec "$NS" ping -c 3 -s 123 -i 0.3 -W 2 10.77.0.2 >"$TMPDIR/ping.log" 2>&1 &&
   grep -q '3 received' "$TMPDIR/ping.log"; then ok tap-ping-netstack
else bad tap-ping-netstack "$(grep -E 'transmitted|nreachable' "$TMPDIR/ping.log" | head -2 | tr '\n' ' ')"; fi
type 'sendpacket --count 3 --dst 02:00:00:00:00:07'
WAIT=30 see tap-sendpacket 'sent 3 packets' 
sleep 0.5
kill -INT "$CAPPID" 2>/dev/null
wait "$CAPPID" 2>/dev/null
n=$(limit 60 tshark -r "$CAP" -Y 'eth.dst == 02:00:00:00:00:07 && eth.type == 0x88b5' 2>/dev/null | wc -l)
[ "$n" -eq 3 ] && ok tap-tshark-sendpacket || bad tap-tshark-sendpacket "tshark on the TAP saw $n of 3 frames"
n=$(replies '&& ip.len == 151')
[ "$n" -eq 3 ] && ok tap-tshark-echo-replies || bad tap-tshark-echo-replies "tshark on the TAP saw $n of 3 echo replies"
# The NIC driver killed: the stack binds /dev/net0 again and answers
# pings through the restarted driver (pids: nic0 3, then 7).
type 'kill 3'
see tap-nic-restarted 'init: started nic0 (pid 7)'
for ((i = 0; i < 50; i++)); do
	ip netns exec "$NS" ping -c 1 -W 1 10.77.0.2 >/dev/null 2>&1 && break
	sleep 0.2
done
if ip netns exec "$NS" ping -c 3 -i 0.3 -W 2 10.77.0.2 >"$TMPDIR/ping2.log" 2>&1 &&
   grep -q '3 received' "$TMPDIR/ping2.log"; then ok tap-ping-after-nic-restart
else bad tap-ping-after-nic-restart "$(grep -E 'transmitted|nreachable' "$TMPDIR/ping2.log" | head -2 | tr '\n' ' ')"; fi
type 'exit'
see tap-clean-shutdown 'sing: shutdown: 0 SIPs left, exchange heap 0 bytes live'
sanitizer_ok tap-sanitizer-clean
