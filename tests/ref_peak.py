#!/usr/bin/env python3
"""An independent oracle for ext_frag_at_peak and unusable_16k_at_peak.

Written from their definitions in replay/metrics.h, not from replay/span.c:
the layout after the snapshot and after every event is rebuilt backwards
from the final layout (`--layout` CSV: addr,size) by undoing the `--events`
rows (a placed alloc takes its area away, a free with an address puts it
back); the first state whose busy bytes inside [window_lo, window_hi) are
the largest is the peak, and its fragmentation is measured with a sorted
scan.  The JSON's figures must equal the recomputed ones to 17 digits.

  ref_peak.py LAYOUT.csv EVENTS.csv SUMMARY.json
"""
import csv
import json
import sys

K16 = 16 * 1024


def clipped(addr, size, lo, hi):
    return max(0, min(addr + size, hi) - max(addr, lo))


def frag(areas, lo, hi):
    busy = sorted((max(a, lo), min(a + s, hi)) for a, s in areas if clipped(a, s, lo, hi))
    holes, at = [], lo
    for start, end in busy:
        if start > at:
            holes.append(start - at)
        at = max(at, end)
    total = sum(holes)
    if not total:
        return 0.0, 0.0
    usable = sum(K16 * (h // K16) for h in holes)
    return 1 - max(holes) / total, (total - usable) / total


def main(layout_csv, events_csv, summary_json):
    doc = json.load(open(summary_json))
    lo, hi = int(doc["window_lo"], 16), int(doc["window_hi"], 16)
    with open(layout_csv) as f:
        areas = {int(r["addr"], 16): int(r["size"]) for r in csv.DictReader(f)}
    with open(events_csv) as f:
        rows = [r for r in csv.DictReader(f) if r["addr"]]
    live = sum(clipped(a, s, lo, hi) for a, s in areas.items())
    lives = [live]                      # lives[k]: after the last k rows are undone
    for r in reversed(rows):
        a, s = int(r["addr"], 16), int(r["size"])
        live += -clipped(a, s, lo, hi) if r["op"] == "alloc" else clipped(a, s, lo, hi)
        lives.append(live)
    states = lives[::-1]                # states[i]: after the first i rows
    peak = states.index(max(states))
    for r in reversed(rows[peak:]):     # back to the peak's layout
        a, s = int(r["addr"], 16), int(r["size"])
        if r["op"] == "alloc":
            del areas[a]
        else:
            areas[a] = s
    want = frag(areas.items(), lo, hi)
    got = (doc["summary"]["ext_frag_at_peak"], doc["summary"]["unusable_16k_at_peak"])
    for name, w, g in zip(("ext_frag_at_peak", "unusable_16k_at_peak"), want, got):
        if float("%.17g" % w) != g:
            print("%s: %s says %r, the oracle %r" % (summary_json, name, g, w))
            return 1
    return 0


sys.exit(main(*sys.argv[1:]))
