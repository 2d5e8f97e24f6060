#!/usr/bin/env python3
"""check.py TRACE.json [key=value ...] - check a Chrome trace written by
`sing run --trace` against what the scenario must show.  Prints nothing
and exits 0 if every check passes; else one line per failed check, exit 1.

Always: valid JSON with traceEvents; every flow id has exactly one start
("s") and one end ("f"); timestamps never go back on a track (pid, tid) or
on a counter; B/E slices balance per track, each E named as its B.
Keys: flows.NAME=K (exactly K flows named NAME), flows=K (in all),
      failure=TEXT (a failure instant whose message is TEXT),
      collection=SIP (a collection slice on that SIP's track),
      lost=K (otherData.lost), nopid=SIP (no event of that SIP),
      noph=PH (no event of that phase), has=TEXT (an event named TEXT),
      hasnot=TEXT (no event named TEXT),
      minslices.SIP=K (at least K scheduler slices on that SIP's tracks).
"""
import collections
import json
import sys


def main():
    errs = []
    try:
        with open(sys.argv[1]) as f:
            doc = json.load(f)
        evs = doc["traceEvents"]
    except (OSError, ValueError, KeyError) as e:
        print("not a valid trace: %s" % e)
        return 1
    pids = {}
    for e in evs:
        if e.get("ph") == "M" and e.get("name") == "process_name":
            pids[e["args"]["name"].split(" (pid")[0]] = e["pid"]
    starts, ends = collections.Counter(), collections.Counter()
    names = {}
    last = {}
    depth = collections.Counter()
    opened = {}
    for e in evs:
        ph = e.get("ph")
        if ph == "M":
            continue
        track = (ph == "C" and e["name"], e["pid"], e.get("tid"))
        if e["ts"] < last.get(track, float("-inf")):
            errs.append("time goes back on track %s at %s" % (track, e["ts"]))
        last[track] = e["ts"]
        if ph == "s":
            starts[e["id"]] += 1
            names[e["id"]] = e["name"]
        elif ph == "f":
            ends[e["id"]] += 1
        elif ph == "B":
            depth[track] += 1
            opened.setdefault(track, []).append(e["name"])
        elif ph == "E":
            depth[track] -= 1
            if depth[track] < 0:
                errs.append("E without B on track %s at %s" % (track, e["ts"]))
            elif opened[track].pop() != e["name"]:
                errs.append("E named %r ends another slice on track %s" % (e["name"], track))
    for fid in set(starts) | set(ends):
        if starts[fid] != 1 or ends[fid] != 1:
            errs.append("flow %s has %d starts and %d ends" % (fid, starts[fid], ends[fid]))
    for t, d in depth.items():
        if d != 0:
            errs.append("track %s ends %d slices deep" % (t, d))
    per_name = collections.Counter(names.values())
    for arg in sys.argv[2:]:
        key, _, want = arg.partition("=")
        if key == "flows":
            got = len(starts)
            ok = got == int(want)
        elif key.startswith("flows."):
            got = per_name[key[6:]]
            ok = got == int(want)
        elif key == "failure":
            got = [e["args"].get("message") for e in evs
                   if e.get("cat") == "fail" and e["name"].startswith("failure:")]
            ok = want in got
        elif key == "collection":
            got = [e["pid"] for e in evs if e.get("ph") == "B" and e["name"] == "collection"]
            ok = want in pids and pids[want] in got
        elif key == "lost":
            got = doc.get("otherData", {}).get("lost")
            ok = got == int(want)
        elif key == "nopid":
            got = sum(1 for e in evs if e.get("pid") == pids.get(want, -1) and e.get("ph") != "M")
            ok = got == 0
        elif key == "noph":
            got = sum(1 for e in evs if e.get("ph") == want)
            ok = got == 0
        elif key.startswith("minslices."):
            got = sum(1 for e in evs if e.get("ph") == "B" and e.get("cat") == "sched"
                      and e["pid"] == pids.get(key[10:], -1))
            ok = got >= int(want)
        elif key in ("has", "hasnot"):
            got = sum(1 for e in evs if e.get("name") == want)
            ok = (got > 0) == (key == "has")
        else:
            errs.append("unknown check %s" % arg)
            continue
        if not ok:
            errs.append("%s: got %s" % (arg, got))
    for e in errs[:10]:
        print(e)
    return 1 if errs else 0


sys.exit(main())
