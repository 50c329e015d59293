#!/usr/bin/env python3
"""Reshapes the snapshot (`live` lines) of a generated text trace, for
tests/e2e_property.sh: the events stay as they are, the snapshot areas
keep their ids and sizes but move, and extra snapshot areas join them.

  packed     areas back to back from the window start, few holes
             between, some sizes not a whole number of pages
  overlaps   the packed layout plus areas overlapping others: the same
             range, shifted by a page, containing one, contained in one;
             some before the area they overlap (the replay keeps the
             first of two overlapping snapshot areas, so then the
             original is dropped and its later free frees nothing)
  edges      the packed layout plus areas at the window's very top,
             one straddling its end and one below its start (the model's
             space is the hull of them all)

  snapshot_shapes.py SHAPE SEED IN.vmt.txt OUT.vmt.txt
"""
import random
import sys

X86_64 = (0xffffc90000000000, 0xffffe90000000000)


def num(s):
    return int(s, 16) if s.lower().startswith("0x") else int(s)


def reshape(shape, seed, lines):
    rng = random.Random(seed)
    page, (lo, hi) = 4096, X86_64
    head, lives, events = [], [], []
    for line in lines:
        f = line.split()
        if f and f[0] == "live":
            lives.append((f[1], num(f[3])))
        elif lives or (f and f[0] in ("alloc", "free", "purge")):
            events.append(line)
        else:
            head.append(line)
            if f and f[0] == "range":
                lo, hi = num(f[1]), num(f[2])
            elif f and f[0] == "page":
                page = num(f[1])
    out, cursor, extra = [], lo, 0

    def live(ident, addr, size):
        out.append(f"live {ident} 0x{addr:x} {size}\n")

    def more(addr, size):
        nonlocal extra
        extra += 1
        live(f"x{extra}", addr, size)

    for ident, size in lives:
        addr = cursor + rng.choice((0, 0, 0, page, 3 * page))
        if rng.random() < 0.2 and size > page:
            size -= rng.choice((1, page // 2, page - 1))
        before = shape == "overlaps" and rng.random() < 0.3
        kind = rng.choice(("same", "shifted", "containing", "contained"))
        over = {"same": (addr, size), "shifted": (addr + page, size),
                "containing": (max(lo, addr - page), size + 2 * page),
                "contained": (addr, page)}[kind]
        if before:
            more(*over)
        live(ident, addr, size)
        if shape == "overlaps" and not before and rng.random() < 0.5:
            more(*over)
        cursor = (addr + size + page - 1) // page * page
    if shape == "edges":
        more(hi - 4 * page, 4 * page)
        more(hi - 8 * page, 2 * page)
        more(hi - page, 3 * page)           # across the window end
        more(lo - 16 * page, 2 * page)      # below the window
    return head + out + events


if __name__ == "__main__":
    if len(sys.argv) != 5 or sys.argv[1] not in ("packed", "overlaps", "edges"):
        sys.exit("usage: snapshot_shapes.py packed|overlaps|edges SEED IN.vmt.txt OUT.vmt.txt")
    with open(sys.argv[3], encoding="utf-8") as f:
        text = reshape(sys.argv[1], int(sys.argv[2]), f.readlines())
    with open(sys.argv[4], "w", encoding="utf-8") as f:
        f.writelines(text)
