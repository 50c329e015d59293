#!/usr/bin/env python3
"""Makes a generated trace exercise a lazily freeing model (vmap-nodes):
prints TRACE.vmt.txt with a `purge` after every PERIOD-th event, an alloc
every FAIL-th one marked failed=1 and followed by a purge (the kernel's
full decay), and cpu=N given to allocs that lack one, except every
fifth (no cpu: an owner the model cannot tell).

  lazy_trace.py PERIOD FAIL TRACE.vmt.txt
"""
import sys


def main(period, fail, path):
    lo, hi, n, allocs = "0xffffc90000000000", "0xffffe90000000000", 0, 0
    for raw in open(path, encoding="utf-8"):
        words = raw.split()
        if words[:1] == ["range"]:
            lo, hi = words[1], words[2]
        if words[:1] not in (["alloc"], ["free"]):
            sys.stdout.write(raw)
            continue
        n += 1
        purge = n % period == 0
        if words[0] == "alloc":
            allocs += 1
            if not any(w.startswith("cpu=") for w in words) and allocs % 5:
                words.append(f"cpu={allocs % 3}")
            if allocs % fail == 0:
                words.append("failed=1")
                purge = True
        print(" ".join(words))
        if purge:
            print(f"purge {lo} {hi}")


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3])
