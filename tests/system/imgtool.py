#!/usr/bin/env python3
"""imgtool.py - read and rewrite Sing boot images, by the format in
docs/baremetal.md "The boot image" (an independent reader: if the doc and
src/system/image.c disagree, the tests that use this fail).

  imgtool.py list IMG                   one line per program: name kind budget hash objlen
  imgtool.py swap IMG A B OUT           programs A and B exchange their objects
  imgtool.py put IMG A OBJ OUT          program A's object replaced by the file OBJ
  imgtool.py cuts IMG DIR N             N truncated copies DIR/cut-K (K bytes kept)
  imgtool.py flips IMG DIR N            N copies with one header/entry-length byte flipped
"""
import os
import random
import struct
import sys


def u8(b, at):
    return b[at], at + 1


def read(path):
    b = open(path, 'rb').read()
    assert b[:8] == b'SINGBOOT', 'magic'
    version, n, clen = struct.unpack_from('<III', b, 8)
    assert version == 3, 'version'
    at = 20
    config = b[at:at + clen]
    at += clen
    progs = []
    for _ in range(n):
        (elen,) = struct.unpack_from('<I', b, at)
        start = at + 4
        e = b[start:start + elen]
        p = {'start': start, 'len': elen}
        k = 0
        ln, k = u8(e, k)
        p['name'] = e[k:k + ln].decode()
        k += ln
        p['kind'], k = u8(e, k)
        (p['budget'],) = struct.unpack_from('<Q', e, k)
        k += 8
        p['hash'] = e[k:k + 64].decode()
        k += 64
        ln, k = u8(e, k)
        p['version'] = e[k:k + ln].decode()
        k += ln
        (ln,) = struct.unpack_from('<H', e, k)
        p['usage'] = e[k + 2:k + 2 + ln].decode()
        k += 2 + ln
        for limit in ('eps', 'caps'):
            cnt, k = u8(e, k)
            items = []
            for _ in range(cnt):
                ln, k = u8(e, k)
                items.append(e[k:k + ln].decode())
                k += ln
            p[limit] = items
        cnt, k = u8(e, k)
        k += cnt * 18
        (olen,) = struct.unpack_from('<I', e, k)
        k += 4
        p['obj_at'] = k
        p['obj'] = e[k:k + olen]
        k += olen
        assert k == elen, 'entry length'
        p['head'] = e[:p['obj_at'] - 4]
        progs.append(p)
        at = start + elen
    assert at == len(b), 'trailing bytes'
    return b[:20 + clen], progs


def write(path, head, progs):
    out = bytearray(head)
    for p in progs:
        body = p['head'] + struct.pack('<I', len(p['obj'])) + p['obj']
        out += struct.pack('<I', len(body)) + body
    open(path, 'wb').write(out)


def find(progs, name):
    return next(p for p in progs if p['name'] == name)


def main(a):
    if a[0] == 'list':
        _, progs = read(a[1])
        for p in progs:
            print(p['name'], p['kind'], p['budget'], p['hash'], len(p['obj']))
    elif a[0] == 'swap':
        head, progs = read(a[1])
        x, y = find(progs, a[2]), find(progs, a[3])
        x['obj'], y['obj'] = y['obj'], x['obj']
        write(a[4], head, progs)
    elif a[0] == 'put':
        head, progs = read(a[1])
        find(progs, a[2])['obj'] = open(a[3], 'rb').read()
        write(a[4], head, progs)
    elif a[0] in ('cuts', 'flips'):
        b = open(a[1], 'rb').read()
        _, progs = read(a[1])
        rnd = random.Random(7)
        # Where the lengths live: the header and each entry's first bytes.
        hot = list(range(0, 20)) + [q for p in progs for q in range(p['start'] - 4, p['start'] + 96)]
        for i in range(int(a[3])):
            if a[0] == 'cuts':
                k = hot[i % len(hot)] if i % 2 else rnd.randrange(len(b))
                open(os.path.join(a[2], 'cut-%d' % k), 'wb').write(b[:k])
            else:
                at = rnd.choice(hot)
                c = bytearray(b)
                c[at] ^= 1 << rnd.randrange(8)
                open(os.path.join(a[2], 'flip-%d' % i), 'wb').write(bytes(c))


if __name__ == '__main__':
    main(sys.argv[1:])
