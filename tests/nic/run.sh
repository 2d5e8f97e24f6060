#!/usr/bin/env bash
# tests/nic - the virtio-net device model (src/hal/hosted/vnet.c) and its
# wires, driven without the kernel by drv, a C virtio-net driver (drv.c)
# with the device tests in cases.c, all built here under ASan+UBSan with
# the model's sources compiled in:
#   dev_*        the case table: a working driver, then hostile ones
#   pcap_*       frames sent through the TX queue read back by tshark;
#                frames replayed from a pcap into the RX queue, echoed
#   tap_*        in a network namespace of its own: Linux pings 10.77.0.2
#                through TAP singtap0, drv answers ARP and ICMP echo,
#                tshark on the TAP sees the frames
set -u
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$ROOT/tests/lib.sh"
D=$ROOT/tests/nic
T=$(mktemp -d)
NS=sing-nic-$$
PIDS=()
cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	ip netns del "$NS" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:exitcode=99}

if ! cc_sanitized "$T/drv" -I"$D" "$D/drv.c" "$D/cases.c" \
	"$ROOT"/src/hal/hosted/{vnet,pcap,tap}.c "$ROOT/src/util/util.c"; then
	bad build "drv did not compile: $(head -5 "$T/drv.log" | tr '\n' ' ')"
	exit 0
fi
ok build
DRV=$T/drv

# ---- the case table ----
run_cases "$DRV"

# ---- pcap: transmit, then replay and echo ----
fields() { limit 60 tshark -r "$1" -T fields -e eth.dst -e eth.src -e data 2>/dev/null; }
N=5
if limit 60 "$DRV" tx "$T/out.pcap" $N "$T/expect.txt" 2>"$T/tx.err"; then
	fields "$T/out.pcap" >"$T/got.txt"
	if [ "$(wc -l <"$T/got.txt")" -ne $N ]; then
		bad pcap_tx "tshark read $(wc -l <"$T/got.txt") frames, want $N"
	elif ! cmp -s "$T/got.txt" "$T/expect.txt"; then
		bad pcap_tx "addresses or payloads differ: $(diff "$T/expect.txt" "$T/got.txt" | head -3 | cut -c1-80 | tr '\n' ' ')"
	else
		ok pcap_tx
	fi
	lens=$(limit 60 tshark -r "$T/out.pcap" -T fields -e frame.len 2>/dev/null | tr '\n' ' ')
	[ "$lens" = "60 97 134 171 1514 " ] && ok pcap_lengths || bad pcap_lengths "frame lengths $lens"
else
	bad pcap_tx "drv tx failed: $(tail -3 "$T/tx.err" | tr '\n' ' ')"
fi
quiet pcap_tx_sanitizers "$T/tx.err"

if limit 60 "$DRV" echo "$T/back.pcap" "$T/out.pcap" $N 2>"$T/echo.err"; then
	fields "$T/back.pcap" >"$T/back.txt"
	cmp -s "$T/back.txt" "$T/expect.txt" && ok pcap_echo || bad pcap_echo "echoed frames differ from the replayed ones"
else
	bad pcap_echo "drv echo failed: $(tail -3 "$T/echo.err" | tr '\n' ' ')"
fi
quiet pcap_echo_sanitizers "$T/echo.err"

# A replay input the reader must refuse: cut mid-record, and not pcap at all.
head -c 90 "$T/out.pcap" >"$T/cut.pcap"
limit 60 "$DRV" echo "$T/x.pcap" "$T/cut.pcap" 1 2>"$T/cut.err"
[ $? -eq 2 ] && grep -q 'truncated record' "$T/cut.err" && ok pcap_truncated_input ||
	bad pcap_truncated_input "$(head -c 200 "$T/cut.err")"
echo "not a capture at all, just text" >"$T/text.pcap"
limit 60 "$DRV" echo "$T/x.pcap" "$T/text.pcap" 1 2>"$T/text.err"
[ $? -eq 2 ] && grep -q 'bad magic' "$T/text.err" && ok pcap_not_pcap ||
	bad pcap_not_pcap "$(head -c 200 "$T/text.err")"

# ---- TAP, inside a network namespace of our own ----
tap_tests() {
	if [ ! -e /dev/net/tun ]; then
		bad tap_namespace "this machine has no /dev/net/tun (the TAP tests need it)"
		return
	fi
	if ! ip netns add "$NS" 2>"$T/ns.err"; then
		bad tap_namespace "cannot create a network namespace: $(head -1 "$T/ns.err")"
		return
	fi
	ok tap_namespace
	ip netns exec "$NS" ip link set lo up
	ip netns exec "$NS" "$DRV" tap singtap0 30 "$T/ready" "$T/stop" >"$T/tap.out" 2>"$T/tap.err" &
	local dp=$! tp i
	PIDS+=("$dp")
	for i in $(seq 100); do [ -f "$T/ready" ] || ! kill -0 "$dp" 2>/dev/null && break; sleep 0.05; done
	if [ ! -f "$T/ready" ]; then
		bad tap_open "drv could not open TAP singtap0: $(head -c 300 "$T/tap.err")"
		return
	fi
	ok tap_open
	ip netns exec "$NS" ip addr add 10.77.0.1/24 dev singtap0 &&
		ip netns exec "$NS" ip link set singtap0 up || { bad tap_up "cannot configure singtap0"; return; }
	: >"$T/tshark.log"
	ip netns exec "$NS" tshark -i singtap0 -w "$T/tap.pcapng" >"$T/tshark.log" 2>&1 &
	tp=$!
	PIDS+=("$tp")
	for i in $(seq 100); do grep -q 'Capturing on' "$T/tshark.log" && break; sleep 0.05; done
	sleep 0.3
	if ip netns exec "$NS" ping -c 3 -i 0.3 -W 2 10.77.0.2 >"$T/ping.log" 2>&1 &&
		grep -q ' 3 received' "$T/ping.log"; then
		ok tap_ping
	else
		bad tap_ping "$(grep -E 'transmitted|unreachable|Unreachable' "$T/ping.log" | head -2 | tr '\n' ' ')"
	fi
	sleep 0.5
	kill -INT "$tp" 2>/dev/null
	wait "$tp" 2>/dev/null
	touch "$T/stop"
	wait "$dp"
	local rc=$?
	[ "$rc" -eq 0 ] && ok tap_driver || bad tap_driver "drv tap exited $rc: $(tail -3 "$T/tap.err" | tr '\n' ' ')"
	quiet tap_sanitizers "$T/tap.err"
	local replies arp
	replies=$(limit 60 tshark -r "$T/tap.pcapng" -Y 'icmp.type == 0 && ip.src == 10.77.0.2 && ip.dst == 10.77.0.1' 2>/dev/null | wc -l)
	arp=$(limit 60 tshark -r "$T/tap.pcapng" -Y 'arp.opcode == 2 && arp.src.proto_ipv4 == 10.77.0.2 && eth.src == 52:54:00:53:49:47' 2>/dev/null | wc -l)
	[ "$replies" -ge 3 ] && [ "$arp" -ge 1 ] && ok tap_capture ||
		bad tap_capture "tshark on singtap0 saw $replies echo replies and $arp ARP replies from 10.77.0.2"
}
tap_tests
