#!/usr/bin/env python3
"""seed_version.py - after a SIL_VERSION bump (src/sil/sil.h), rewrite the
fuzz seeds' version field (tests/fuzz/corpus/read, .../verify, or the files
named) to the current version, keeping every other byte: a seed's hash
(section 6, SHA-256 of the bytes before it: docs/sil.md) is recomputed when
it was right before, so a seed whose hash is wrong on purpose keeps a wrong
one.  Seeds the reader could not read before stay unreadable for their own
reason.  Prints what it changed; tests/sil `fuzz_seeds_read` then checks
that every verify seed reads.
"""
import glob, hashlib, os, re, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def current_version():
    text = open(os.path.join(ROOT, "src/sil/sil.h")).read()
    return int(re.search(r"#define SIL_VERSION (\d+)u", text).group(1))


def hash_ok(b):
    return len(b) >= 42 and b[-34:-32] == b"\x06\x20" and \
        hashlib.sha256(b[:-34]).digest() == bytes(b[-32:])


def bump(path, version):
    b = bytearray(open(path, "rb").read())
    if b[:4] != b"SIL\0" or len(b) < 8 or int.from_bytes(b[4:8], "little") == version:
        return None
    rehash = hash_ok(b)
    b[4:8] = version.to_bytes(4, "little")
    if rehash:
        b[-32:] = hashlib.sha256(b[:-34]).digest()
    open(path, "wb").write(b)
    return "rehashed" if rehash else "version only"


def main():
    version = current_version()
    files = sys.argv[1:] or sorted(glob.glob(os.path.join(ROOT, "tests/fuzz/corpus/read/*.sil")) +
                                   glob.glob(os.path.join(ROOT, "tests/fuzz/corpus/verify/*.sil")))
    for f in files:
        what = bump(f, version)
        if what:
            print("%s: version %d, %s" % (os.path.relpath(f, ROOT), version, what))


main()
