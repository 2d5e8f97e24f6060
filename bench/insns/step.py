# bench/insns/step.py - gdb script (run.sh; the program's arguments in
# $STEP_ARGS): step through one SIP ping-pong
# round trip, one instruction at a time, and count the instructions each
# function runs (inlined code counts for the function it is inlined in;
# the SIPs' generated code is "generated").  A round trip runs from one
# entry of START (below) to the entry after the next.  The preemption tick is
# turned off first (sched_tick made to return at once) so no safepoint
# falls inside; an attempt that still meets one, or the clock, is thrown
# away and the next send is taken.
import collections
import os

import gdb

gdb.execute("set pagination off")
gdb.execute("set confirm off")
# Each send of the round trip enters START once: the sing_sendsel stub
# (a send and the receive after it, with one CPU or several), else
# ch_sendsel, where the kernel has them.


def defined(f):
    try:
        gdb.parse_and_eval("(long)&" + f)
        return True
    except gdb.error:
        return False


START = next((f for f in ("sing_sendsel", "ch_sendsel") if defined(f)), "ch_send_sip")
gdb.execute("break " + START)
gdb.execute("ignore 1 10000")   # past start-up: caches and predictors warm
gdb.execute("run %s >/dev/null 2>&1" % os.environ["STEP_ARGS"])
gdb.execute("set *(unsigned char *)sched_tick = 0xc3")   # ret
start = int(gdb.parse_and_eval("(long)&" + START))
LIMIT = 5000


ARCH = gdb.selected_inferior().architecture()


def attempt():
    """One round trip: instructions by function, the path, the count, and
    the taken branches (jumps, calls and returns whose next instruction is
    not the one after them: each ends a fetch block)."""
    counts, seq, n, sends, taken = collections.Counter(), [], 0, 0, 0
    while n < LIMIT:
        f = gdb.selected_frame()
        pc = f.pc()
        if pc == start:
            sends += 1
            if sends == 3:
                break
        while f.type() == gdb.INLINE_FRAME:
            f = f.older()
        name = f.name() or "generated"
        counts[name] += 1
        if not seq or seq[-1] != name:
            seq.append(name)
        after = pc + ARCH.disassemble(pc)[0]["length"]
        gdb.execute("stepi", to_string=True)
        taken += gdb.selected_frame().pc() != after
        n += 1
    return counts, seq, n, taken


for _ in range(8):
    gdb.execute("disable")
    counts, seq, n, taken = attempt()
    if n < LIMIT and not any("clock" in s or "safepoint" in s for s in seq):
        break
    gdb.execute("enable")
    gdb.execute("continue")
else:
    print("insns: no clean round trip found")
    gdb.execute("kill")
    raise SystemExit(1)
print("total %d" % sum(counts.values()))
print("taken %d" % taken)
for name, c in counts.most_common():
    print("%5d %s" % (c, name))
print("path: " + " > ".join(seq))
gdb.execute("kill")
