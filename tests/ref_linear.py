#!/usr/bin/env python3
"""An independent oracle for the linear model: reads a vmtrace text trace
and prints the `vmtrace replay -a linear --events` CSV the 2.4 placement
loop defines (issue #2), so tests can compare the C engine with it row by
row on any trace.  Written from the loop's specification, not from the C.

Window rules as documented in traces/FORMAT.md: requests without
vstart/vend (or bounded by the trace's main window) use the main window;
the model's address space is the page-aligned hull of every window and
snapshot area.
"""
import sys

X86_64 = (0xffffc90000000000, 0xffffe90000000000)


def num(s):
    return int(s, 16) if s.lower().startswith("0x") else int(s)


def align_up(x, a):
    return (x + a - 1) // a * a


def main(path):
    page, rng = 4096, None
    events = []
    for raw in open(path, encoding="utf-8"):
        line = raw.split("#", 1)[0].split()
        if not line or line[0] in ("vmtrace", "meta"):
            continue
        if line[0] == "range":
            rng = (num(line[1]), num(line[2]))
            continue
        if line[0] == "page":
            page = num(line[1])
            continue
        events.append(line)
    lo, hi = rng or X86_64

    def request(ev):
        keys = dict(kv.split("=", 1) for kv in ev[3:] if "=" in kv)
        vstart, vend = lo, hi
        if "vstart" in keys and num(keys["vstart"]) != lo:
            vstart = num(keys["vstart"])
        if "vend" in keys and num(keys["vend"]) not in (hi, hi - 1):
            vend = num(keys["vend"])
        return keys, vstart, vend

    # The model's address space: the hull of every window and snapshot area.
    space_lo, space_hi = lo, hi
    for ev in events:
        if ev[0] == "live":
            space_lo = min(space_lo, num(ev[2]))
            space_hi = max(space_hi, num(ev[2]) + num(ev[3]))
        elif ev[0] == "alloc":
            _, vs, ve = request(ev)
            if vs < ve:
                space_lo, space_hi = min(space_lo, vs), max(space_hi, ve)
    space_lo = space_lo // page * page
    space_hi = min(align_up(space_hi, page), 2**64 - page)

    areas = []          # sorted [addr, size]
    live = {}           # id -> (addr, size)
    print("seq,op,id,size,align,addr,search")
    seq = 0
    for ev in events:
        op = ev[0]
        if op == "live":
            addr, size = num(ev[2]), num(ev[3])
            if ev[1] in live or size == 0 or any(
                    a < addr + size and addr < a + s for a, s in areas):
                continue
            areas.append([addr, size])
            areas.sort()
            live[ev[1]] = (addr, size)
            continue
        seq += 1
        if op == "purge":
            continue
        if op == "free":
            if ev[1] not in live:
                print(f"{seq},free,{ev[1]},,,,0")
                continue
            addr, size = live.pop(ev[1])
            idx = [a for a, _ in areas].index(addr)
            del areas[idx]
            print(f"{seq},free,{ev[1]},{size},,0x{addr:x},{idx + 1}")
            continue
        size = num(ev[2])
        keys, vstart, vend = request(ev)
        align = num(keys["align"]) if "align" in keys else page
        if size == 0 or size % page or align & (align - 1) or align == 0 \
                or vstart >= vend or ev[1] in live:
            continue                      # invalid: counted, no row
        align = max(align, page)
        start, end = max(space_lo, vstart), min(space_hi, vend)
        search, placed, addr, at = 0, False, 0, len(areas)
        if start < end:
            addr = align_up(start, align)
            at = None
            for i, (a, s) in enumerate(areas):
                search += 1
                if a < addr:
                    if a + s >= addr:
                        addr = align_up(a + s, align)
                    continue
                if addr + size <= a:
                    at = i
                    break
                addr = align_up(a + s, align)
                if addr + size > end:
                    break
            else:
                at = len(areas)
            placed = at is not None and addr + size <= end and addr < 2**64
        if placed:
            areas.insert(at, [addr, size])
            live[ev[1]] = (addr, size)
            print(f"{seq},alloc,{ev[1]},{size},{align},0x{addr:x},{search}")
        else:
            print(f"{seq},alloc,{ev[1]},{size},{align},,{search}")


if __name__ == "__main__":
    main(sys.argv[1])
