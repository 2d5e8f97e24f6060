#!/usr/bin/env python3
"""tests/net/pkt.py - frames for the network stack tests, and an
independent check of the stack's answers (Python's struct, not Sing).

  pkt.py frames            print "NAME HEX" per test frame
  pkt.py check-answer OUT  OUT: answer.sg's output for the frames, in order
  pkt.py check-serve OUT [NAME PREFIX]
                           OUT: serve.sg's output ("tx HEX" lines, stats
                           line "PREFIX N frames, ...")
  pkt.py sing-frames       the frames as Sing source (wire_frames.sg)
  pkt.py pcap OUT HEX...   write the frames to the pcap file OUT

check-* print "ok NAME" / "FAIL NAME: why" per frame (tests/lib.sh style).
"""
import struct, sys

OUR_MAC = bytes.fromhex("525400123456")
OUR_IP = bytes([10, 77, 0, 2])
PEER_MAC = bytes.fromhex("020000000001")
PEER_IP = bytes([10, 77, 0, 1])
BCAST = b"\xff" * 6


def csum(b):
    """RFC 1071 Internet checksum."""
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def eth(dst, src, typ, payload):
    return dst + src + struct.pack("!H", typ) + payload


def arp(op, sha, spa, tha, tpa):
    return struct.pack("!HHBBH", 1, 0x0800, 6, 4, op) + sha + spa + tha + tpa


def ipv4(proto, src, dst, payload, ident=0x4d2e, ttl=64, flags=0x4000):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, flags,
                    ttl, proto, 0, src, dst)
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return h + payload


def icmp_echo(typ, ident, seq, data):
    h = struct.pack("!BBHHH", typ, 0, 0, ident, seq) + data
    return h[:2] + struct.pack("!H", csum(h)) + h[4:]


# What Linux `ping` sends: 8 bytes of timeval, then 0x10, 0x11, ... (56 bytes).
PING_DATA = struct.pack("<QQ", 1764077935, 123456)[:8] + bytes(range(0x10, 0x10 + 48))


def pad60(f):
    return f + b"\0" * (60 - len(f)) if len(f) < 60 else f


def frames():
    """(name, frame, expected code) in the order the tests use them."""
    ping = eth(OUR_MAC, PEER_MAC, 0x0800,
               ipv4(1, PEER_IP, OUR_IP, icmp_echo(8, 0x1234, 1, PING_DATA)))
    odd = pad60(eth(OUR_MAC, PEER_MAC, 0x0800,
                    ipv4(1, PEER_IP, OUR_IP, icmp_echo(8, 0xbeef, 7, b"odd-payload"), ident=7)))
    big = eth(OUR_MAC, PEER_MAC, 0x0800,
              ipv4(1, PEER_IP, OUR_IP, icmp_echo(8, 1, 2, bytes((i * 7) & 255 for i in range(1472)))))
    bad_ip = bytearray(ping); bad_ip[24] ^= 0x40
    bad_icmp = bytearray(ping); bad_icmp[14 + 20 + 8] ^= 1
    frag = eth(OUR_MAC, PEER_MAC, 0x0800,
               ipv4(1, PEER_IP, OUR_IP, icmp_echo(8, 1, 1, b"abcdefgh"), flags=0x2000))
    return [
        ("arp-request", eth(BCAST, PEER_MAC, 0x0806, arp(1, PEER_MAC, PEER_IP, b"\0" * 6, OUR_IP)), 1),
        ("arp-request-padded", pad60(eth(BCAST, PEER_MAC, 0x0806, arp(1, PEER_MAC, PEER_IP, b"\0" * 6, OUR_IP))), 1),
        ("ping", ping, 2),
        ("ping-odd-length", odd, 2),
        ("ping-1500", big, 2),
        ("arp-other-ip", eth(BCAST, PEER_MAC, 0x0806, arp(1, PEER_MAC, PEER_IP, b"\0" * 6, bytes([10, 77, 0, 9]))), -5),
        ("arp-reply", eth(OUR_MAC, PEER_MAC, 0x0806, arp(2, PEER_MAC, PEER_IP, OUR_MAC, OUR_IP)), -4),
        ("ping-other-ip", eth(OUR_MAC, PEER_MAC, 0x0800, ipv4(1, PEER_IP, bytes([10, 77, 0, 3]), icmp_echo(8, 1, 1, b"x" * 8))), -5),
        ("ping-other-mac", eth(bytes.fromhex("525400999999"), PEER_MAC, 0x0800, ipv4(1, PEER_IP, OUR_IP, icmp_echo(8, 1, 1, b"x" * 8))), -2),
        ("ping-bad-ip-checksum", bytes(bad_ip), -6),
        ("ping-bad-icmp-checksum", bytes(bad_icmp), -7),
        ("ping-fragment", frag, -6),
        ("echo-reply", eth(OUR_MAC, PEER_MAC, 0x0800, ipv4(1, PEER_IP, OUR_IP, icmp_echo(0, 1, 1, b"x" * 8))), -7),
        ("udp", eth(OUR_MAC, PEER_MAC, 0x0800, ipv4(17, PEER_IP, OUR_IP, struct.pack("!HHHH", 5000, 7, 12, 0) + b"abcd")), -7),
        ("ipv6", eth(OUR_MAC, PEER_MAC, 0x86DD, bytes(40)), -8),
        ("short", bytes.fromhex("ffffffffffff0200"), -1),
    ]


def expected_reply(req):
    """The reply the stack must send for req, built here independently."""
    typ = struct.unpack("!H", req[12:14])[0]
    if typ == 0x0806:
        sha, spa = req[22:28], req[28:32]
        return pad60(eth(sha, OUR_MAC, 0x0806, arp(2, OUR_MAC, OUR_IP, sha, spa)))
    total = struct.unpack("!H", req[16:18])[0]
    ip = req[14:14 + total]
    ident, flags = struct.unpack("!HH", ip[4:8])
    icmp = ip[20:]
    _, _, _, eid, seq = struct.unpack("!BBHHH", icmp[:8])
    reply = ipv4(1, ip[16:20], ip[12:16], icmp_echo(0, eid, seq, icmp[8:]), ident=ident, flags=flags)
    return pad60(eth(req[6:12], OUR_MAC, 0x0800, reply))


def reply_sound(f):
    """Checks on the reply's own bytes: why it is wrong, or None."""
    typ = struct.unpack("!H", f[12:14])[0]
    if f[6:12] != OUR_MAC:
        return "source MAC %s" % f[6:12].hex()
    if typ == 0x0806:
        if struct.unpack("!H", f[20:22])[0] != 2:
            return "not an ARP reply"
        return None
    if csum(f[14:34]) != 0:
        return "IPv4 header checksum wrong"
    total = struct.unpack("!H", f[16:18])[0]
    if f[34] != 0 or csum(f[34:14 + total]) != 0:
        return "ICMP not an echo reply with a good checksum"
    return None


def check_answer(path):
    lines = open(path).read().split("\n")
    for i, (name, req, code) in enumerate(frames()):
        if i >= len(lines) or not lines[i].strip():
            print("FAIL answer/%s: no output line" % name); continue
        parts = lines[i].split()
        got_code, got_len = int(parts[0]), int(parts[1])
        got = bytes.fromhex(parts[2]) if len(parts) > 2 else b""
        if got_code != code:
            print("FAIL answer/%s: code %d, wanted %d" % (name, got_code, code)); continue
        want = expected_reply(req) if code > 0 else req
        why = reply_sound(got) if code > 0 else None
        if got_len != len(got) or got != want:
            print("FAIL answer/%s: got %s, wanted %s" % (name, got.hex()[:120], want.hex()[:120]))
        elif why:
            print("FAIL answer/%s: %s" % (name, why))
        else:
            print("ok answer/%s" % name)


def check_serve(path, name="serve", prefix="stats"):
    out = [l for l in open(path).read().split("\n") if l]
    tx = [bytes.fromhex(l[3:]) for l in out if l.startswith("tx ")]
    fr = frames()
    want = [expected_reply(req) for _, req, code in fr if code > 0]
    if tx != want:
        print("FAIL %s/replies: %d frames sent, wanted %d (first differing: %s)" % (
            name, len(tx), len(want), next((t.hex()[:80] for t, w in zip(tx, want) if t != w), "-")))
    else:
        print("ok %s/replies" % name)
    arp = sum(1 for _, _, c in fr if c == 1)
    echo = sum(1 for _, _, c in fr if c == 2)
    drop = sum(1 for _, _, c in fr if c < 0)
    stats = prefix + " %d frames, %d arp, %d echo, %d dropped, 0 send errors" % (len(fr), arp, echo, drop)
    if stats in out:
        print("ok %s/stats" % name)
    else:
        print("FAIL %s/stats: wanted '%s' in %s" % (name, stats, [l for l in out if not l.startswith("tx ")]))


def pcap(path, hexes):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, h in enumerate(hexes):
            b = bytes.fromhex(h)
            f.write(struct.pack("<IIII", 1700000000 + i, 0, len(b), len(b)) + b)


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "frames":
        for name, f, _ in frames():
            print(name, f.hex())
    elif cmd == "check-answer":
        check_answer(sys.argv[2])
    elif cmd == "check-serve":
        check_serve(sys.argv[2], *sys.argv[3:])
    elif cmd == "sing-frames":
        # the frames as Sing functions, for wire.sg (a service has no args)
        fr = frames()
        print("i32 wire_count() { return %d; }" % len(fr))
        print("string wire_frame(i32 i)\n{")
        for i, (_, f, _) in enumerate(fr):
            print('\tif (i == %d) return "%s";' % (i, f.hex()))
        print('\treturn "";\n}')
    elif cmd == "pcap":
        pcap(sys.argv[2], sys.argv[3:])
