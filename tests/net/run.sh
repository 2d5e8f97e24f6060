#!/usr/bin/env bash
# tests/net/run.sh - the network stack (sys/lib/net.sg, net_stack.sg,
# sys/contracts/netdev.sg, sys/services/netstack.sg), without a NIC:
#   checksum      RFC 1071 / RFC 791 checksum values, in-program expect-output
#   answer/*      one line per test frame: the stack's answer to frames made
#                 by pkt.py (python3 struct), checked byte for byte there
#   serve/*       the stack's real loop on a NetDevice channel against a
#                 driver thread: sent frames, counts, buffers, exheap at 0
#   tshark/*      the replies in a pcap, decoded by tshark with checksum
#                 validation on
#   install/*     netstack installs only against a provider of /dev/net0
#   boot/*        `sing boot` with three SIPs: a fake NIC (wire.sg), the
#                 netstack service, a waiting shell (waitnet.sg)
#   verify/*      the service and the test programs verify
set -u
. "$ROOT/tests/lib.sh"
T=$ROOT/tests/net
W=${TMPDIR:-/tmp}
export SING_CACHE="$W/cache"
mkdir -p "$SING_CACHE"

if ! command -v python3 >/dev/null; then
	bad net "python3 is needed to make and check the frames"; exit 0
fi

# run_sing NAME FILE ARGS...: run FILE; stdout in $W/NAME.out. False (and a
# FAIL line) on a bad exit, a sanitizer report or exheap bytes left over.
run_sing() {
	local n=$1 f=$2; shift 2
	SING_DEBUG=exheap sing run "$f" "$@" >"$W/$n.out" 2>"$W/$n.err"
	local rc=$?
	if ! sanitizer_clean "$W/$n.err"; then
		bad "$n" "sanitizer report: $(grep -m1 -E 'ERROR|runtime error' "$W/$n.err")"; return 1
	elif [ $rc -ne 0 ]; then
		bad "$n" "exit $rc: $(head -c 300 "$W/$n.err")"; return 1
	elif ! grep -q '^sing: exheap live bytes: 0$' "$W/$n.err"; then
		bad "$n" "exchange heap not back to zero: $(grep exheap "$W/$n.err")"; return 1
	fi
	return 0
}

# checksum.sg carries its expected output.
if run_sing checksum "$T/checksum.sg"; then
	want=$(directive "$T/checksum.sg" expect-output)
	if [ "$(cat "$W/checksum.out")" = "$want" ]; then ok checksum
	else bad checksum "output '$(head -c 300 "$W/checksum.out")'"; fi
fi

limit 60 python3 "$T/pkt.py" frames >"$W/frames" || bad net "pkt.py frames failed"
mapfile -t hexes < <(awk '{print $2}' "$W/frames")
[ ${#hexes[@]} -ge 10 ] || bad net "only ${#hexes[@]} frames generated"

if run_sing answer "$T/answer.sg" "${hexes[@]}"; then
	limit 60 python3 "$T/pkt.py" check-answer "$W/answer.out"
fi

if run_sing serve "$T/serve.sg" "${hexes[@]}"; then
	limit 60 python3 "$T/pkt.py" check-serve "$W/serve.out"
	# 7 posted + the one each Receive carries; the driver never held more.
	if grep -qx 'driver held 8 buffers' "$W/serve.out" &&
	   grep -qx 'stack 52:54:00:12:34:56 10.77.0.2' "$W/serve.out"; then ok serve/buffers
	else bad serve/buffers "$(grep -v '^tx ' "$W/serve.out" | tr '\n' '|')"; fi
fi
# No frames at all: Ready, the buffers, one Receive, the channel closes.
if run_sing serve-empty "$T/serve.sg"; then
	if grep -qx 'stats 0 frames, 0 arp, 0 echo, 0 dropped, 0 send errors' "$W/serve-empty.out" &&
	   ! grep -q '^tx ' "$W/serve-empty.out"; then ok serve/no-frames
	else bad serve/no-frames "$(tr '\n' '|' <"$W/serve-empty.out")"; fi
fi

# tshark decodes the replies, with IPv4 and ICMP checksums validated.
if ! command -v tshark >/dev/null; then
	bad tshark/replies "tshark is not installed (scripts/deps.sh installs it)"
elif [ -s "$W/answer.out" ]; then
	awk '$1 > 0 {print $3}' "$W/answer.out" >"$W/replies"
	mapfile -t replies <"$W/replies"
	limit 60 python3 "$T/pkt.py" pcap "$W/replies.pcap" "${replies[@]}"
	got=$(limit 60 tshark -r "$W/replies.pcap" -o ip.check_checksum:TRUE -T fields \
		-E separator=, -e eth.src -e eth.dst -e arp.opcode -e arp.src.proto_ipv4 \
		-e arp.dst.proto_ipv4 -e ip.src -e ip.dst -e ip.checksum.status \
		-e icmp.type -e icmp.checksum.status -e icmp.ident -e icmp.seq 2>/dev/null)
	want="52:54:00:12:34:56,02:00:00:00:00:01,2,10.77.0.2,10.77.0.1,,,,,,,
52:54:00:12:34:56,02:00:00:00:00:01,2,10.77.0.2,10.77.0.1,,,,,,,
52:54:00:12:34:56,02:00:00:00:00:01,,,,10.77.0.2,10.77.0.1,1,0,1,4660,1
52:54:00:12:34:56,02:00:00:00:00:01,,,,10.77.0.2,10.77.0.1,1,0,1,48879,7
52:54:00:12:34:56,02:00:00:00:00:01,,,,10.77.0.2,10.77.0.1,1,0,1,1,2"
	if [ "$got" = "$want" ]; then ok tshark/replies
	else bad tshark/replies "tshark read: $(echo "$got" | tr '\n' '|')"; fi
fi

# Installing: netstack's /dev/net0 dependency is refused while nothing
# provides it, accepted once a provider of the same contract shape is in.
S=$W/store
export SING_POLICY=$ROOT/sys/policy
mkdir -p "$W/two"
cp "$T/wire.sg" "$T/netdone.sg" "$T/waitnet.sg" "$W/two/"
limit 60 python3 "$T/pkt.py" sing-frames >"$W/two/wire_frames.sg"
sing store init "$S" >/dev/null
out=$(sing install --store "$S" "$ROOT/sys/services/netstack.sg" 2>&1); rc=$?
if [ $rc -ne 0 ] && echo "$out" | grep -qF '"/dev/net0" (contract NetDevice) is provided by no installed program'; then
	ok install/needs-a-nic
else bad install/needs-a-nic "exit $rc: $out"; fi
installed=1
for f in "$ROOT/sys/services/ns.sg" "$W/two/wire.sg" "$ROOT/sys/services/netstack.sg" "$W/two/waitnet.sg"; do
	if ! out=$(sing install --store "$S" "$f" 2>&1); then
		bad "install/$(basename "$f" .sg)" "$out"; installed=0
	else ok "install/$(basename "$f" .sg)"; fi
done

# Two SIPs and the kernel: `sing boot` starts wire.sg (a fake NIC driver
# providing /dev/net0, replaying pkt.py's frames), the netstack service
# bound to it by manifest, and waitnet.sg as the shell, which ends the
# system once every frame went through.
if [ $installed = 1 ]; then
	printf 'service ns\nservice wire\nservice netstack\nshell waitnet\n' >"$S/config"
	LIMIT=60 sing boot --store "$S" </dev/null >"$W/boot.out" 2>&1; rc=$?
	if ! sanitizer_clean "$W/boot.out"; then
		bad boot "sanitizer report: $(grep -m1 -E 'ERROR|runtime error' "$W/boot.out")"
	elif [ $rc -ne 0 ]; then
		bad boot "exit $rc: $(grep -v '^tx ' "$W/boot.out" | head -5 | tr '\n' '|')"
	else
		limit 60 python3 "$T/pkt.py" check-serve "$W/boot.out" boot "netstack 10.77.0.2 52:54:00:12:34:56:"
		if grep -qx 'waitnet: 5 frames sent' "$W/boot.out" &&
		   grep -q 'shutdown: .* exchange heap 0 bytes live' "$W/boot.out"; then ok boot/shutdown
		else bad boot/shutdown "$(grep -v '^tx ' "$W/boot.out" | tr '\n' '|')"; fi
	fi
fi

# The service and every test program compile and verify (wire.sg is
# verified by its install above: it needs the generated wire_frames.sg).
for f in "$ROOT/sys/services/netstack.sg" "$T"/*.sg; do
	case $f in */wire.sg|*/netdone.sg) continue;; esac
	n=verify/$(basename "$f" .sg)
	if ! sing build "$f" -o "$W/v.sil" >"$W/log" 2>&1; then
		bad "$n" "build: $(head -3 "$W/log" | tr '\n' ' ')"
	elif ! sing verify "$W/v.sil" >"$W/log" 2>&1; then
		bad "$n" "verify: $(head -3 "$W/log" | tr '\n' ' ')"
	else ok "$n"; fi
done
