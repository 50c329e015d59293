#!/usr/bin/env python3
"""An independent oracle for the linear model: reads a vmtrace text trace
and prints the `vmtrace replay -a linear --events` CSV the 2.4 placement
loop defines (issue #2), so tests can compare the C engine with it row by
row on any trace.  Written from the loop's specification, not from the C.

Window rules as documented in traces/FORMAT.md: requests without
vstart/vend (or bounded by the trace's main window) use the main window;
the model's address space is the page-aligned hull of every window and
snapshot area.

Speed (every shipped trace, the 153 807-event storm included, in seconds):
the list is kept as sorted parallel arrays (starts, ends, and the hole
before each area), and the walk jumps over runs of areas whose hole is
too small for the request, adding one to the search length per area
jumped: the same count the loop's `search += 1` per node gives, since the
loop's only exits are at a hole that may fit or past the window end.
`--plain` runs the walk node by node instead, to check the jumps.

  ref_linear.py [--plain] TRACE.vmt.txt

replay() (the trace reader, window rules and event loop) and Areas serve
tests/ref_rbtree_cache.py too: only the placement rule differs.
"""
import bisect
import sys

X86_64 = (0xffffc90000000000, 0xffffe90000000000)


def num(s):
    return int(s, 16) if s.lower().startswith("0x") else int(s)


def align_up(x, a):
    return (x + a - 1) // a * a


class Areas:
    """The busy areas: sorted starts A, ends E, and G[i] = A[i] - E[i-1],
    the hole before area i (G[0] = 0)."""

    def __init__(self):
        self.A, self.E, self.G = [], [], []

    def __len__(self):
        return len(self.A)

    def index(self, addr):
        return bisect.bisect_left(self.A, addr)

    def overlaps(self, addr, size):
        i = self.index(addr)
        return (i < len(self.A) and self.A[i] < addr + size) or \
            (i > 0 and self.E[i - 1] > addr)

    def insert(self, i, addr, size):
        A, E, G = self.A, self.E, self.G
        A.insert(i, addr)
        E.insert(i, addr + size)
        G.insert(i, addr - E[i - 1] if i else 0)
        if i + 1 < len(A):
            G[i + 1] = A[i + 1] - E[i]

    def remove(self, i):
        A, E, G = self.A, self.E, self.G
        del A[i], E[i], G[i]
        if i < len(A):
            G[i] = A[i] - E[i - 1] if i else 0


def replay(path, model):
    """Replays the trace at path through model (alloc(areas, size, align,
    start, end) -> (index to insert at or None, addr, search);
    free(areas, index) -> search; optional setup(space_lo, space_hi,
    page, (main_lo, main_hi)), reserve(addr, size), placed(addr,
    size), request(keys) before an alloc and purge(after_failed_alloc,
    n: the event's n= or None) at a purge event) and prints the
    --events CSV; a search of None prints as "-"."""
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

    if hasattr(model, "setup"):       # a model of the free space
        model.setup(space_lo, space_hi, page, (lo, hi))
    areas = Areas()
    live = {}             # id -> (addr, size)
    out = ["seq,op,id,size,align,addr,search"]
    seq, prev = 0, None
    for ev in events:
        op = ev[0]
        if op == "live":
            addr, size = num(ev[2]), num(ev[3])
            # docs/BAD_INPUT.md: a live line with an id already live, a
            # size of no whole pages, an unaligned address, an end past
            # 2^64 or an area overlapping an earlier one is not reserved.
            if ev[1] in live or size == 0 or size % page or addr % page \
                    or addr + size > 2**64 or areas.overlaps(addr, size):
                continue
            areas.insert(areas.index(addr), addr, size)
            live[ev[1]] = (addr, size)
            if hasattr(model, "reserve"):     # a model with its own index
                model.reserve(addr, size)
            continue
        seq += 1
        if op == "purge":
            if hasattr(model, "purge"):   # a model that frees lazily itself
                keys = dict(kv.split("=", 1) for kv in ev[3:] if "=" in kv)
                model.purge(prev is not None and prev[0] == "alloc" and
                            "failed=1" in prev[3:],
                            num(keys["n"]) if "n" in keys else None)
            prev = ev
            continue
        prev = ev
        if op == "free":
            if ev[1] not in live:
                out.append(f"{seq},free,{ev[1]},,,,0")
                continue
            addr, size = live.pop(ev[1])
            i = areas.index(addr)
            search = model.free(areas, i)
            areas.remove(i)
            out.append(f"{seq},free,{ev[1]},{size},,0x{addr:x},"
                       f"{'-' if search is None else search}")
            continue
        size = num(ev[2])
        keys, vstart, vend = request(ev)
        align = num(keys["align"]) if "align" in keys else page
        if size == 0 or size % page or align & (align - 1) or align == 0 \
                or vstart >= vend or ev[1] in live:
            continue                      # invalid: counted, no row
        align = max(align, page)
        if hasattr(model, "request"):         # a model that reads the keys
            model.request(keys)
        start, end = max(space_lo, vstart), min(space_hi, vend)
        search, placed, addr, at = 0, False, 0, len(areas)
        if start < end:
            at, addr, search = model.alloc(areas, size, align, start, end)
            placed = at is not None and addr + size <= end and addr < 2**64
        search = "-" if search is None else search
        if placed:
            areas.insert(at, addr, size)
            if hasattr(model, "placed"):
                model.placed(addr, size)
            out.append(f"{seq},alloc,{ev[1]},{size},{align},0x{addr:x},{search}")
            if "failed=1" in ev[3:]:
                # docs/BAD_INPUT.md: the kernel kept no area, so the
                # model gives its area back at once (the search unseen).
                model.free(areas, at)
                areas.remove(at)
                continue
            live[ev[1]] = (addr, size)
        else:
            out.append(f"{seq},alloc,{ev[1]},{size},{align},,{search}")
    print("\n".join(out))


class Linear:
    """The 2.4 loop over the address-ordered list from its head."""

    def __init__(self, plain=False):
        self.plain = plain

    def free(self, areas, i):
        return i + 1                       # the list is walked to the area

    def alloc(self, areas, size, align, start, end):
        """(index to insert at or None, addr, search length).  Unless
        plain, it starts at the last area below addr (those below it are
        read once each and change nothing) and jumps over runs of holes
        shorter than size."""
        A, E, G, plain = areas.A, areas.E, areas.G, self.plain
        addr = align_up(start, align)
        i = 0 if plain else max(bisect.bisect_left(A, addr) - 1, 0)
        search = i
        # After area k the loop's addr is align_up(E[k]); for k < f that
        # addr + size stays within end, so the loop cannot stop on the
        # window end there.
        f = bisect.bisect_right(E, (end - size) // align * align)
        while i < len(A):
            if not plain and 0 < i < f and G[i] < size and addr == align_up(E[i - 1], align):
                j = i                       # the first hole >= size below f
                while j < f:
                    k = min(j + 64, f)
                    if max(G[j:k]) >= size:
                        j = next(t for t in range(j, k) if G[t] >= size)
                        break
                    j = k
                search += j - i             # each area jumped is read once
                addr = align_up(E[j - 1], align)
                i = j
                continue
            a, e = A[i], E[i]
            search += 1
            if a < addr:
                if e >= addr:
                    addr = align_up(e, align)
                i += 1
                continue
            if addr + size <= a:
                return i, addr, search
            addr = align_up(e, align)
            if addr + size > end:
                return None, addr, search
            i += 1
        return len(A), addr, search


if __name__ == "__main__":
    replay(sys.argv[-1], Linear(plain="--plain" in sys.argv[1:-1]))
