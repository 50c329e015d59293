#!/usr/bin/env python3
"""An independent check of the search-length summary of `vmtrace replay`:
recomputes alloc_search_{mean,p50,p99,max,total} and free_search_* from
the --events rows (one per alloc handed to the model, failed ones
included; one per free, with an address only when the id was live) by the
definitions in replay/metrics.h (nearest-rank percentiles: the value at
rank ceil(n * p / 100), at least 1, of the sorted lengths), sharing no
code with lib/histogram.c, and compares them with the --json summary.

  ref_search_stats.py EVENTS.csv SUMMARY.json
"""
import json
import sys


def stats(v):
    v = sorted(v)
    n = len(v)

    def rank(p):
        return v[max(-(-n * p // 100), 1) - 1] if n else 0
    return {"mean": sum(v) / n if n else 0.0, "p50": rank(50), "p99": rank(99),
            "max": v[-1] if n else 0, "total": sum(v)}


def main(events, summary_path):
    alloc, free = [], []
    with open(events, encoding="utf-8") as f:
        assert next(f).strip() == "seq,op,id,size,align,addr,search"
        for line in f:
            _, op, _, _, _, addr, search = line.rstrip("\n").split(",")
            if op == "alloc":
                alloc.append(int(search))
            elif addr:
                free.append(int(search))
    with open(summary_path, encoding="utf-8") as f:
        s = json.load(f)["summary"]
    bad = []
    for op, v in (("alloc", alloc), ("free", free)):
        for k, want in stats(v).items():
            got = s[f"{op}_search_{k}"]
            if (abs(got - want) > 1e-12 * max(1.0, want)) if k == "mean" else got != want:
                bad.append(f"{op}_search_{k}: want {want}, got {got}")
    if bad:
        print(f"FAIL: {summary_path}: " + "; ".join(bad), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: ref_search_stats.py EVENTS.csv SUMMARY.json")
    main(sys.argv[1], sys.argv[2])
