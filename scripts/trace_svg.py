#!/usr/bin/env python3
"""trace_svg.py TRACE.json OUT.svg [--from US] [--to US] [--title TEXT]

Draws a Chrome trace written by `sing run|boot --trace` (or `sing trace`)
as an SVG timeline, for docs/tracing.md: one row per thread, grouped by
SIP; a bar per stretch on the CPU (coloured by SIP), collections as dark
bars, messages as lines from send to receive, failures, starts, exits and
restarts as labelled marks.  --from/--to pick a window in microseconds
(default: the whole trace).  Standard library only."""
import html
import json
import sys

W, LEFT, ROW, TOP = 1100, 190, 24, 46
PALETTE = ["#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#76b7b2", "#edc948",
           "#9c755f", "#bab0ac", "#e15759", "#ff9da7"]


def args():
    a = sys.argv[1:]
    opt = {"from": None, "to": None, "title": "Sing trace"}
    pos = []
    while a:
        w = a.pop(0)
        if w in ("--from", "--to", "--title") and a:
            v = a.pop(0)
            opt[w[2:]] = v if w == "--title" else float(v)
        else:
            pos.append(w)
    if len(pos) != 2:
        sys.exit("usage: trace_svg.py TRACE.json OUT.svg [--from US] [--to US] [--title TEXT]")
    return pos, opt


def main():
    (src, dst), opt = args()
    evs = json.load(open(src))["traceEvents"]
    pname, tname = {}, {}
    for e in evs:
        if e.get("ph") == "M" and e["name"] == "process_name":
            pname[e["pid"]] = e["args"]["name"]
        elif e.get("ph") == "M" and e["name"] == "thread_name":
            tname[(e["pid"], e["tid"])] = e["args"]["name"]
    timed = [e for e in evs if e.get("ph") != "M"]
    t0 = opt["from"] if opt["from"] is not None else min(e["ts"] for e in timed)
    t1 = opt["to"] if opt["to"] is not None else max(e["ts"] for e in timed)
    t1 = max(t1, t0 + 1e-3)
    used = sorted({(e["pid"], e["tid"]) for e in timed if e.get("ph") in "BEXsfi"
                   and t0 <= e["ts"] <= t1} | {k for k in tname})
    rows = {k: i for i, k in enumerate(used)}
    x = lambda ts: LEFT + (min(max(ts, t0), t1) - t0) / (t1 - t0) * (W - LEFT - 20)
    y = lambda k: TOP + rows[k] * ROW
    out = []
    H = TOP + len(rows) * ROW + 40
    out.append('<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
               'font-family="sans-serif" font-size="11">' % (W, H))
    out.append('<rect width="100%%" height="100%%" fill="white"/><text x="10" y="18" '
               'font-size="14" font-weight="bold">%s</text>' % html.escape(opt["title"]))
    for k, i in rows.items():
        label = "%s: %s" % (pname.get(k[0], "pid %d" % k[0]), tname.get(k, "tid %d" % k[1]))
        out.append('<text x="6" y="%d">%s</text>' % (y(k) + 15, html.escape(label)))
        out.append('<line x1="%d" x2="%d" y1="%d" y2="%d" stroke="#eee"/>'
                   % (LEFT, W - 20, y(k) + ROW - 2, y(k) + ROW - 2))
    unit, div = ("ms", 1000.0) if t1 - t0 > 2000 else ("us", 1.0)
    for i in range(6):   # the time axis, from the window's start
        ts = t0 + (t1 - t0) * i / 5
        out.append('<text x="%.1f" y="%d" text-anchor="middle" fill="#555">%.1f %s</text>'
                   % (x(ts), H - 14, (ts - t0) / div, unit))
        out.append('<line x1="%.1f" x2="%.1f" y1="%d" y2="%d" stroke="#ddd"/>'
                   % (x(ts), x(ts), TOP - 4, H - 28))
    open_at, marks, flows = {}, [], {}
    for e in timed:
        k, ph = (e["pid"], e.get("tid")), e.get("ph")
        if ph == "B":
            open_at.setdefault(k, []).append(e)
        elif ph == "E" and open_at.get(k):
            b = open_at[k].pop()
            if b["ts"] > t1 or e["ts"] < t0 or k not in rows:
                continue
            gc = b["name"] == "collection"
            colour = "#222" if gc else PALETTE[k[0] % len(PALETTE)]
            out.append('<rect x="%.1f" y="%d" width="%.1f" height="%d" fill="%s"><title>%s</title></rect>'
                       % (x(b["ts"]), y(k) + (7 if gc else 3), max(x(e["ts"]) - x(b["ts"]), 0.8),
                          8 if gc else 16, colour, html.escape(b["name"])))
        elif ph in "sf" and t0 <= e["ts"] <= t1 and k in rows:
            flows.setdefault(e["id"], {})[ph] = (x(e["ts"]), y(k) + 11)
        elif ph == "i" and t0 <= e["ts"] <= t1 and k in rows:
            marks.append((e, k))
    drawn = 0
    for f in flows.values():
        if "s" in f and "f" in f and drawn < 600:
            (x1, y1), (x2, y2) = f["s"], f["f"]
            out.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#333" stroke-width="0.6" '
                       'stroke-opacity="0.6"/>' % (x1, y1, x2, y2))
            drawn += 1
    ends = {}   # per row and line: where the last label ends
    for e, k in marks:
        cat, name = e.get("cat"), e["name"]
        colour = {"fail": "#d00", "budget": "#d00", "restart": "#e67e00", "sip": "#060",
                  "irq": "#888"}.get(cat)
        if not colour:
            continue
        out.append('<path d="M%.1f %d l-4 -7 h8 z" fill="%s"/>' % (x(e["ts"]), y(k) + 9, colour))
        if cat == "irq":
            continue
        line = 0 if ends.get((k, 0), 0) < x(e["ts"]) else 1
        if ends.get((k, line), 0) < x(e["ts"]):
            ends[(k, line)] = x(e["ts"]) + 6 * len(name) + 10
            out.append('<text x="%.1f" y="%d" fill="%s">%s</text>'
                       % (x(e["ts"]) + 5, y(k) + 9 + 11 * line, colour, html.escape(name)))
    out.append("</svg>")
    with open(dst, "w") as f:
        f.write("\n".join(out) + "\n")


main()
