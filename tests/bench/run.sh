#!/usr/bin/env bash
# tests/bench - the cost-table harness (`sing bench`) works: it runs, its
# JSON has every row of src/bench/bench_rows.c with measured Linux figures,
# the published column and an honest Sing column, its SVG is well-formed
# with one bar per measured value, and its statistics are right on fixed
# inputs.  Never how fast anything is: timing lives in the output.
set -u
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$ROOT/tests/lib.sh"
SING=${SING:-$ROOT/build/asan/sing}
SING_FAST=${SING_FAST:-$ROOT/build/sing}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# ---- the statistics code on known inputs, in both builds ----
for pair in "fast:$SING_FAST" "sanitized:$SING"; do
	name=bench_selftest_${pair%%:*} b=${pair#*:}
	if "$b" bench --selftest >"$T/self.out" 2>&1 && sanitizer_clean "$T/self.out"; then
		ok "$name"
	else
		bad "$name" "$(grep -m3 -E 'FAIL|ERROR|error' "$T/self.out" | tr '\n' ' ')"
	fi
done

# ---- usage errors are exit 2 ----
sing_fast bench --no-such-flag >/dev/null 2>&1; rc=$?
[ "$rc" -eq 2 ] && ok bench_bad_flag || bad bench_bad_flag "exit $rc, want 2"
sing_fast bench --only 'no-such-row*' >/dev/null 2>&1; rc=$?
[ "$rc" -eq 2 ] && ok bench_only_nomatch || bad bench_only_nomatch "exit $rc, want 2"

# ---- the quick table, optimised build (the sanitized one would time ASan) ----
LIMIT=300 sing_fast bench --quick --json "$T/out/cost.json" --svg "$T/out/cost.svg" \
	>"$T/table.txt" 2>"$T/table.err"
rc=$?
[ "$rc" -eq 0 ] && ok bench_quick_exit0 || bad bench_quick_exit0 "exit $rc: $(tail -3 "$T/table.err")"

if ! command -v python3 >/dev/null; then
	bad bench_json "python3 is needed to check the JSON and SVG"
	exit 0
fi

# Row names, straight from the table's source.
grep -oE '^[[:space:]]*\{"[a-z0-9_]+",' "$ROOT/src/bench/bench_rows.c" |
	sed -E 's/[^a-z0-9_]//g' >"$T/rows.txt"

limit 120 python3 - "$T/out/cost.json" "$T/out/cost.svg" "$T/rows.txt" "$T/table.txt" <<'PY'
import json, math, sys
import xml.etree.ElementTree as ET

jpath, spath, rpath, tpath = sys.argv[1:5]
def ok(n): print("ok " + n)
def bad(n, why): print("FAIL %s: %s" % (n, why))

PUBLISHED = {  # EuroSys 2006, cycles: Singularity, Linux, Windows
    "kernel_call": (78, 324, 445), "thread_yield": (401, 900, 763),
    "thread_pingpong": (2156, 2390, 3554), "msg_pingpong": (2462, 10758, 12806),
    "proc_exec": (388000, 719000, 5376000)}
MISSING = "n/a (not in the kernel yet)"
# Sing slots that are filled (src/bench/bench_sing.c): these rows must carry
# measured figures; a cross-CPU row not measured says why (the machine has
# one CPU).
SING_FILLED = {"kernel_call", "thread_yield", "thread_pingpong", "thread_pingpong_condvar",
    "msg_pingpong", "proc_fork", "proc_exec", "proc_spawn", "send_8", "send_64k",
    "alloc_64", "alloc_64k", "alloc_64k_fill", "chan_create", "ns_bind"}
SING_ONE_QUEUE = {"thread_pingpong_xcpu", "msg_pingpong_xcpu"}

# One test for the JSON: every field of every row, each problem listed.
probs = []
try:
    doc = json.load(open(jpath))
except Exception as e:
    bad("bench_json", "does not parse: %s" % e); sys.exit(0)

want = [l.strip() for l in open(rpath) if l.strip()]
rows = {r.get("name"): r for r in doc.get("rows", [])}
m = doc.get("machine", {})
if len(want) < 10 or [r.get("name") for r in doc["rows"]] != want:
    probs.append("rows %s, want %s" % (list(rows), want))
for k in ("cpu_model", "kernel", "compiler", "counter", "cpus_online", "cycles_per_ns"):
    if k not in m: probs.append("no machine." + k)

def num(x): return isinstance(x, (int, float)) and math.isfinite(x) and x > 0

def stats_ok(s):
    return (isinstance(s, dict) and all(num(s.get(k)) for k in ("median", "p10", "p90", "min", "max"))
            and s["min"] <= s["p10"] <= s["median"] <= s["p90"] <= s["max"])

def measured_ok(side):
    if not stats_ok(side.get("ns")): return "ns figures not numeric/ordered"
    if m.get("cycles_per_ns", 0) > 0 and not stats_ok(side.get("cycles")): return "cycles not numeric"
    if not (side.get("iters_per_batch", 0) >= 1 and side.get("batches", 0) >= 3): return "batches"
    return None

def may_skip(name, side):
    """A Linux side may be skipped only for a stated, legitimate reason."""
    why = side.get("reason", "")
    if name.endswith("_xcpu") and m.get("cpu_peer", -1) < 0: return bool(why)
    if name in ("proc_exec", "proc_spawn") and m.get("exec_helper", "").startswith("no helper"):
        return bool(why)
    return False

bars = 0
for name in want:
    r = rows.get(name)
    if r is None: continue
    lx, sg = r.get("linux", {}), r.get("sing", {})
    if lx.get("status") == "ok":
        why = measured_ok(lx); bars += 1
    else:
        why = None if may_skip(name, lx) else "linux side %s: %s" % (lx.get("status"), lx.get("reason"))
    if why: probs.append("%s: %s" % (name, why))

    st = sg.get("status")
    if name in SING_FILLED and st != "ok":
        why = "sing side %s: %s (a filled slot must be measured)" % (st, sg.get("reason"))
    elif name in SING_ONE_QUEUE and st != "ok" and "a SIP's two threads on two CPUs" not in sg.get("reason", "") \
            and "only one CPU" not in sg.get("reason", ""):
        why = "sing side %s without the reason it cannot run: %s" % (st, sg.get("reason"))
    elif st == "ok":
        why = measured_ok(sg); bars += 1
    elif st == "missing":
        why = None if sg.get("reason") == MISSING else "missing without the words"
    elif st == "skipped":
        why = None if sg.get("reason") else "skipped without a reason"
    else:
        why = "sing status %r" % st
    both = st == "ok" and lx.get("status") == "ok"
    ratio = r.get("ratio_linux_over_sing", "absent")
    if not why and (not num(ratio) if both else ratio is not None):
        why = "ratio %r with sing %s" % (ratio, st)
    if why: probs.append("%s: %s" % (name, why))

    # The published column: present exactly for the rows the paper measured.
    pub = r.get("published_cycles", "absent")
    exp = PUBLISHED.get(name)
    if pub == "absent" or (exp is None) != (pub is None) or \
            (exp and (pub.get("singularity"), pub.get("linux"), pub.get("windows")) != exp):
        probs.append("%s: published %r, want %r" % (name, pub, exp))
if "EuroSys 2006" not in doc.get("published_source", ""):
    probs.append("no published source named")
if probs: bad("bench_json", "; ".join(probs[:6]) + (" (and %d more)" % (len(probs) - 6) if len(probs) > 6 else ""))
else: ok("bench_json")

# Two threads of one SIP across CPUs (sk_pin_threads: main on CPU 0, the
# thread it spawns on CPU 1): measured wherever there is a second CPU, and
# each batch saw both CPUs switch once per round trip or more (else the
# Sing side fails with "did not switch on both CPUs").
tx = rows.get("thread_pingpong_xcpu", {}).get("sing", {})
if m.get("cpu_peer", -1) < 0 and tx.get("status") != "ok" and tx.get("reason"): ok("bench_thread_xcpu_measured")
elif tx.get("status") == "ok": ok("bench_thread_xcpu_measured")
else: bad("bench_thread_xcpu_measured", "sing side %s: %s" % (tx.get("status"), tx.get("reason")))

# The SVG: well-formed XML, one bar per measured value.
try:
    svg = ET.parse(spath).getroot()
    n = sum(1 for e in svg.iter() if e.tag.endswith("rect") and "bar" in (e.get("class") or "").split())
    if n == bars: ok("bench_svg")
    else: bad("bench_svg", "%d bars for %d measured values" % (n, bars))
except Exception as e:
    bad("bench_svg", "does not parse: %s" % e)

# The terminal table names every row and says why a Sing figure is absent.
text = open(tpath).read()
lost = [n for n in want if n not in text]
nmiss = sum(1 for r in rows.values() if r["sing"]["status"] == "missing")
if lost: bad("bench_table", "missing rows %s" % lost)
elif text.count(MISSING) != nmiss or "published" not in text or "EuroSys 2006" not in text:
    bad("bench_table", "%d rows say %r, want %d" % (text.count(MISSING), MISSING, nmiss))
else: ok("bench_table")
PY


# ---- --only picks rows by glob ----
sing_fast bench --quick --only 'alloc_*' --json "$T/only.json" >/dev/null 2>&1
if python3 -c 'import json,sys; r=[x["name"] for x in json.load(open(sys.argv[1]))["rows"]]; sys.exit(r!=["alloc_64","alloc_64k","alloc_64k_fill"])' "$T/only.json" 2>/dev/null; then
	ok bench_only_glob
else
	bad bench_only_glob "--only 'alloc_*' did not give exactly alloc_64, alloc_64k, alloc_64k_fill"
fi

# ---- --core: each row's cycles split by the core probe (bench_core.c):
# the batches of both parts add up to the row's, every figure lies within
# the row's range, and the table prints the split ----
sing_fast bench --quick --core --only 'msg_pingpong' --json "$T/core.json" >"$T/core.txt" 2>&1
if python3 - "$T/core.json" "$T/core.txt" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); text = open(sys.argv[2]).read()
best = d.get("core_probe_best", 0)
s = d["rows"][0]["sing"]; c = s["cycles"]; n = s["batches"]
na = s["core_alone_batches"]
parts = [(s["core_alone_cycles"], na), (s["core_shared_cycles"], n - na)]
good = best > 0 and n >= 50 and 0 <= na <= n and "core:     a probe" in text
for st, k in parts:
    if k:
        good = good and c["min"] <= st["min"] <= st["median"] <= st["max"] <= c["max"]
    else:
        good = good and st["median"] == 0
sys.exit(0 if good else 1)
PY
then
	ok bench_core_split
else
	bad bench_core_split "$(head -c 300 "$T/core.json" | tr '\n' ' ')"
fi

# ---- every implementation, Linux side and Sing programs in the kernel, under
# ASan+UBSan (correctness only: no SIP failed, the exchange heap ended empty) ----
LIMIT=300 sing bench --quick --json "$T/asan.json" --svg "$T/asan.svg" >"$T/asan.out" 2>&1
rc=$?
if [ "$rc" -eq 0 ] && sanitizer_clean "$T/asan.out" &&
	! grep -qE 'live at shutdown|did not end cleanly|failed in function' "$T/asan.out"; then
	ok bench_sanitized_run
else
	bad bench_sanitized_run "exit $rc: $(grep -m3 -E 'ERROR|runtime error|live at shutdown|did not end|failed in' "$T/asan.out" | tr '\n' ' ')"
fi
