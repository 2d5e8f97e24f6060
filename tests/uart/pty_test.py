#!/usr/bin/env python3
"""tests/uart/pty_test.py DRV - the UART model's terminal handling through
a real pseudo-terminal: drv runs as the session leader with the pty as its
controlling terminal; the mode it sees must be raw, keys must reach the
driver one by one without the terminal echoing them, and the mode after
it ends (normally, or killed by Ctrl-C) must equal the mode before.
Prints one "ok NAME" / "FAIL NAME: why" line per test."""
import fcntl, os, select, signal, subprocess, sys, termios, time

DRV = sys.argv[1]


def stty(fd):
    return subprocess.run(["stty", "-g"], stdin=fd, capture_output=True, text=True).stdout.strip()


def start(args, slave, errf):
    def child():
        # A job started in the background (CI may run us so) inherits
        # SIGINT ignored; a terminal program starts with it at default.
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        signal.signal(signal.SIGQUIT, signal.SIG_DFL)
        os.setsid()
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)
    return subprocess.Popen([DRV] + args, stdin=slave, stdout=slave, stderr=errf,
                            preexec_fn=child, close_fds=True)


def read_until(master, want, secs=5.0):
    buf, end = b"", time.time() + secs
    while want not in buf and time.time() < end:
        r, _, _ = select.select([master], [], [], 0.05)
        if r:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break
            if not chunk:
                break
            buf += chunk
    return buf


def drain(master, secs=0.3):
    return read_until(master, b"\0never\0", secs)


def report(name, why):
    print(f"ok {name}" if why is None else f"FAIL {name}: {why}", flush=True)


def session(name, args, script, errpath):
    """Run drv ARGS on a fresh pty; script(master) returns None or a reason
    and the expected exit code.  Checks the mode is restored."""
    master, slave = os.openpty()
    before = stty(slave)
    with open(errpath, "ab") as errf:
        p = start(args, slave, errf)
    why, want_rc = script(master)
    try:
        rc = p.wait(timeout=5)
    except subprocess.TimeoutExpired:
        p.kill()
        rc = p.wait()
        why = why or "drv did not end"
    if why is None and rc != want_rc:
        why = f"drv exited {rc}, want {want_rc}"
    report(name, why)
    after = stty(slave)
    report(name + "_restored", None if after == before and before else
           f"stty before {before!r}, after {after!r}")
    os.close(master)
    os.close(slave)


def s_keys(master):
    out = read_until(master, b"ready")
    if b"ready" not in out:
        return f"no ready line: {out[:200]!r}", 0
    if b"icanon=0 echo=0 isig=1 icrnl=0" not in out:
        return f"mode not raw with signals: {out[:120]!r}", 0
    os.write(master, b"abc")               # no newline: raw input arrives at once
    out = read_until(master, b"abc", 3) + drain(master)
    if out.count(b"abc") != 1:
        return f"want the driver's echo once and no terminal echo, got {out!r}", 0
    os.write(master, b"\x1a\r")            # Ctrl-Z is a byte, Enter is CR
    out = read_until(master, b"\r\n", 3)
    if b"\x1a" not in out:
        return f"Ctrl-Z did not reach the driver: {out!r}", 0
    os.write(master, b"q")
    out = read_until(master, b"bye", 3)
    return (None if b"bye" in out else f"no bye: {out!r}"), 0


def s_ctrl_c(master):
    out = read_until(master, b"ready")
    if b"ready" not in out:
        return f"no ready line: {out[:200]!r}", 0
    os.write(master, b"\x03")
    return None, -2                        # killed by SIGINT


def s_nosig(master):
    out = read_until(master, b"ready")
    if b"isig=0" not in out:
        return f"nosig mode keeps ISIG: {out[:120]!r}", 0
    os.write(master, b"\x03")
    out = read_until(master, b"\x03", 3)
    if b"\x03" not in out:
        return "Ctrl-C did not reach the driver as a byte", 0
    os.write(master, b"q")
    return None, 0


errpath = sys.argv[2] if len(sys.argv) > 2 else os.devnull
session("pty_raw_keys", ["tty"], s_keys, errpath)
session("pty_ctrl_c", ["tty"], s_ctrl_c, errpath)
session("pty_nosig", ["tty", "nosig"], s_nosig, errpath)
