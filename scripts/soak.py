#!/usr/bin/env python3
"""soak.py - `make soak`: a booted system used as an operator would, for
SOAK_MINUTES (default 10), then a burst of piped lines (docs/system.md
"Soak").

Boots build/sing on a copy of build/store (console, nic0, echo, netstack,
shell; the NIC's wire a pcap file), types into its console through a pipe
and reads its output.  Each round, waiting for the prompt after each line:
`start echoloop`, `start hello x`, `sendpacket --count 1000`, `ps`, `kill`
the echoloop; the NIC driver is killed every 5th round, the console driver
every 7th (their pids from init's lines); a round lasts at least 1.5 s.  Every 30 s it prints the host
RSS of the system.  At the end it pipes SOAK_BURST (2,000) `sendpacket`
lines and `exit` without waiting, and checks from the kernel's count of
SIPs started (SING_DEBUG=sched) that every launched line ran.

Prints RSS over time, restarts, failures and the shutdown line; exits 1 if
a sendpacket failed (a launch refused or a frame lost), a line was not
executed, RSS grew by more than 2 MiB after the first minute, or the
shutdown was not clean.
"""
import os, re, shutil, subprocess, sys, tempfile, threading, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MINUTES = float(os.environ.get("SOAK_MINUTES", "10"))
BURST = int(os.environ.get("SOAK_BURST", "2000"))
ROUND_S = 1.5   # a round at least this long, as typed: nic0 killed every 7.5 s


class System:
    def __init__(self, store):
        env = dict(os.environ, SING_DEBUG="sched")
        self.p = subprocess.Popen([os.path.join(ROOT, "build/sing"), "boot", "--store", store],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, env=env)
        self.out = []          # every line so far
        self.lock = threading.Lock()
        self.buf = ""
        threading.Thread(target=self.reader, daemon=True).start()

    def reader(self):
        while True:
            b = self.p.stdout.read1(65536) if hasattr(self.p.stdout, "read1") else self.p.stdout.read(1)
            if not b:
                break
            with self.lock:
                self.buf += b.decode("utf-8", "replace").replace("\r", "")
                *lines, self.buf = self.buf.split("\n")
                self.out.extend(lines)

    def text_since(self, n):
        with self.lock:
            return self.out[n:] + [self.buf]

    def mark(self):
        with self.lock:
            return len(self.out)

    def send(self, line):
        self.p.stdin.write((line + "\n").encode())
        self.p.stdin.flush()

    def wait_for(self, pattern, since, timeout=60):
        """The first match of pattern in the lines after since, or None."""
        end = time.time() + timeout
        while time.time() < end:
            for l in self.text_since(since):
                m = re.search(pattern, l)
                if m:
                    return m
            time.sleep(0.02)
        return None

    def command(self, line, done, timeout=60):
        """Type line and wait for its answer (pattern done): the output lines."""
        n = self.mark()
        self.send(line)
        if not self.wait_for(done, n, timeout):
            print("soak: no answer to %r within %d s" % (line, timeout), flush=True)
        return self.text_since(n)

    def rss_kib(self):
        try:
            for l in open("/proc/%d/status" % self.p.pid):
                if l.startswith("VmRSS:"):
                    return int(l.split()[1])
        except OSError:
            return -1
        return -1


def init_pid(sys_, name):
    for l in reversed(sys_.text_since(0)):
        m = re.search(r"init: started %s \(pid (\d+)\)" % name, l)
        if m:
            return int(m.group(1))
    return None


def main():
    if not os.path.exists(os.path.join(ROOT, "build/store/index")):
        sys.exit("soak: build/store is missing: run make first")
    work = tempfile.mkdtemp(prefix="sing-soak-")
    store = os.path.join(work, "store")
    shutil.copytree(os.path.join(ROOT, "build/store"), store)
    s = System(store)
    if not s.wait_for(r"sing>", 0, 60):
        sys.exit("soak: the system did not boot")
    t0 = time.time()
    rounds = fails = launched = 0
    rss = []
    next_rss = t0
    while time.time() - t0 < MINUTES * 60 and s.p.poll() is None:
        rounds += 1
        round_end = time.time() + ROUND_S
        out = s.command("start echoloop", r"started pid|sing: ")
        m = next((re.search(r"started pid (\d+)", l) for l in out if "started pid" in l), None)
        launched += 2  # echoloop, hello
        s.command("start hello x", r"started pid|sing: ")
        out = s.command("sendpacket --count 1000", r"exit status|sing: [^s]", 60)
        launched += 1
        if not any("sent 1000 packets" in l for l in out):
            fails += 1
            print("soak: round %d: sendpacket failed: %s" % (rounds, " | ".join(
                l for l in out if "sendpacket" in l or "sing:" in l)[:300]), flush=True)
        s.command("ps", r"PID NAME")
        if m:
            s.command("kill " + m.group(1), r"killed|kill: ")
        for every, name in ((5, "nic0"), (7, "console")):
            if rounds % every == 0 and init_pid(s, name):
                n = s.mark()
                s.command("kill %d" % init_pid(s, name), r"init: started %s" % name, 10)
                s.wait_for(r"init: started %s" % name, n, 10)
                time.sleep(0.2)
        time.sleep(max(0, round_end - time.time()))
        if time.time() >= next_rss:
            rss.append((time.time() - t0, s.rss_kib()))
            print("soak: %5.0f s  round %4d  rss %6d KiB" % (rss[-1][0], rounds, rss[-1][1]), flush=True)
            next_rss += 30
    rss.append((time.time() - t0, s.rss_kib()))
    print("soak: %5.0f s  round %4d  rss %6d KiB" % (rss[-1][0], rounds, rss[-1][1]), flush=True)
    # The burst: piped without waiting, then exit.
    lines = "".join("sendpacket\n" for _ in range(BURST)) + "exit\n"
    launched += BURST
    try:
        s.p.stdin.write(lines.encode())
        s.p.stdin.close()
    except BrokenPipeError:
        pass
    try:
        s.p.wait(timeout=300)
    except subprocess.TimeoutExpired:
        s.p.kill()
        s.p.wait()
    time.sleep(0.5)
    text = s.text_since(0)
    inits = sum(1 for l in text if re.search(r"init: started \S+ \(pid", l))
    ended = [l for l in text if re.search(r"init: \S+ ended", l)]
    given = [l for l in text if "given up" in l]
    started = next((int(m.group(1)) for l in text for m in [re.search(r"sips started (\d+)", l)] if m), -1)
    shutdown = next((l for l in text if "sing: shutdown:" in l), "(no shutdown line)")
    refused = sum(1 for l in text if "no running program provides it" in l)
    print("soak: %d rounds in %.1f min; restarts by init: %d (%s)" % (
        rounds, (time.time() - t0) / 60, len(ended),
        ", ".join("%s %d" % (n, sum(1 for l in ended if "init: %s ended" % n in l))
                  for n in ("nic0", "console", "echo", "netstack"))))
    print("soak: sendpacket failures: %d; launches refused for a missing provider: %d; given up: %d"
          % (fails, refused, len(given)))
    print("soak: SIPs started %d, expected %d (init %d + launched %d: every piped line ran: %s)"
          % (started, inits + launched, inits, launched, "yes" if started == inits + launched else "NO"))
    warm = [r for t, r in rss if t >= 60] or [rss[-1][1]]
    growth = max(warm) - warm[0]
    print("soak: rss after the first minute %d KiB, highest %d KiB, last %d KiB (growth %d KiB)"
          % (warm[0], max(warm), warm[-1], growth))
    print("soak: " + shutdown)
    open(os.path.join(work, "out.txt"), "w").write("\n".join(text))
    print("soak: the system's output: %s" % os.path.join(work, "out.txt"))
    good = (fails == 0 and started == inits + launched and growth <= 2048 and not given and
            "0 SIPs left, exchange heap 0 bytes live" in shutdown)
    print("soak: " + ("PASS" if good else "FAIL"))
    return 0 if good else 1


if __name__ == "__main__":
    sys.exit(main())
