#!/usr/bin/env python3
"""An independent oracle for the fragmentation figures of `vmtrace replay`.

Written from the definitions in replay/metrics.h, not from replay/frag.c:
it reads the busy areas (`--layout` CSV: addr,size), clips them to the
main window [lo, hi), and measures the free gaps between the window start
and the highest busy end with a plain sorted scan.

  ref_frag.py LAYOUT.csv SUMMARY.json [EVENTS.csv SERIES.csv]
      every end-of-trace figure (end_live_areas, end_live_bytes, holes,
      hole_bytes, largest_hole, small_hole_bytes, ext_frag, unusable_16k)
      against the JSON, whose window_lo/window_hi give the window; then,
      given --events and --series of the same replay, every --series row
      (prints how many): the layout after each sampled event is rebuilt
      by undoing the --events rows backwards from the final layout (a
      free row puts its area back, a placed alloc row takes it away).

Integers compare exactly; ratios are recomputed with the defining formula
and must equal the printed value when rounded to its significant digits
(17 in the JSON, 9 in the series CSV).  Exit status 1 on the first difference.
"""
import csv
import json
import sys

K16 = 16 * 1024


def num(s):
    return int(s, 16) if s.lower().startswith("0x") else int(s)


def read_layout(path):
    with open(path, encoding="utf-8") as f:
        return [(num(r["addr"]), num(r["size"])) for r in csv.DictReader(f)]


def measure(areas, lo, hi):
    """Figures of one layout, straight from the metrics.h definitions."""
    inside = []
    for addr, size in areas:
        start, end = max(addr, lo), min(addr + size, hi)
        if start < end:                      # intersects the main window
            inside.append((start, end))
    inside.sort()
    gaps = []
    top = lo                                 # highest busy end so far
    for start, end in inside:
        if start > top:
            gaps.append(start - top)
        top = max(top, end)
    hole_bytes = sum(gaps)
    largest = max(gaps, default=0)
    usable = sum(g // K16 * K16 for g in gaps)
    return {
        "live_areas": len(inside),
        "live_bytes": sum(e - s for s, e in inside),
        "span": top - lo,
        "holes": len(gaps),
        "hole_bytes": hole_bytes,
        "largest_hole": largest,
        "small_hole_bytes": hole_bytes - largest,
        "ext_frag": 1.0 - largest / hole_bytes if hole_bytes else 0.0,
        "unusable_16k": (hole_bytes - usable) / hole_bytes if hole_bytes else 0.0,
    }


def same(want, got):
    """Integers exactly; a ratio rounded to the digits the output printed."""
    if not isinstance(want, float):
        return int(got) == want
    mantissa = str(got).lower().split("e")[0].lstrip("-").replace(".", "")
    digits = len(mantissa.lstrip("0")) or 1
    return float(f"{want:.{digits - 1}e}") == float(got)


def compare(where, want, got, keys):
    bad = [f"{g}: want {want[w]}, got {got[g]}" for w, g in keys
           if not same(want[w], got[g])]
    if bad:
        print(f"FAIL: {where}: " + "; ".join(bad), file=sys.stderr)
        sys.exit(1)


def window(summary_path):
    with open(summary_path, encoding="utf-8") as f:
        s = json.load(f, parse_float=str)   # keep the printed digits
    s = s.get("summary", s) | {k: s[k] for k in ("window_lo", "window_hi")}
    return s, num(str(s["window_lo"])), num(str(s["window_hi"]))


def summary(layout, summary_path):
    s, lo, hi = window(summary_path)
    want = measure(read_layout(layout), lo, hi)
    pairs = [("live_areas", "end_live_areas"), ("live_bytes", "end_live_bytes")]
    pairs += [(k, k) for k in ("holes", "hole_bytes", "largest_hole",
                               "small_hole_bytes", "ext_frag", "unusable_16k")]
    compare(summary_path, want, s, pairs)


def series(layout, events, series_path, summary_path):
    _, lo, hi = window(summary_path)
    rows = []                                # (seq, op, addr, size) placed/freed
    with open(events, encoding="utf-8") as f:
        assert next(f).strip() == "seq,op,id,size,align,addr,search"
        for line in f:
            seq, op, _, size, _, addr, _ = line.split(",")
            if addr:
                rows.append((int(seq), op, int(addr, 16), int(size)))
    with open(series_path, encoding="utf-8") as f:
        samples = list(csv.DictReader(f))
    if not samples:
        print(f"FAIL: {series_path}: no samples", file=sys.stderr)
        sys.exit(1)
    busy = set(read_layout(layout))          # the layout after the last event
    i = len(rows) - 1
    for sample in reversed(samples):
        seq = int(sample["seq"])
        while i >= 0 and rows[i][0] > seq:   # undo the events after seq
            _, op, addr, size = rows[i]
            area = (addr, size)
            if op == "alloc":
                busy.remove(area)
            else:
                busy.add(area)
            i -= 1
        want = measure(busy, lo, hi)
        compare(f"{series_path}: event {seq}", want, sample,
                [(k, k) for k in want])
    return len(samples)


if __name__ == "__main__":
    if len(sys.argv) not in (3, 5):
        sys.exit("usage: ref_frag.py LAYOUT.csv SUMMARY.json [EVENTS.csv SERIES.csv]")
    summary(sys.argv[1], sys.argv[2])
    if len(sys.argv) == 5:
        print(series(sys.argv[1], sys.argv[3], sys.argv[4], sys.argv[2]))
