#!/usr/bin/env python3
"""Checks a `vmtrace generate --pattern` trace (text, from `vmtrace convert`)
for the defining property of its lib/test_vmalloc.c test, written from the
kernel test alone and sharing nothing with trace/patterns.c.

usage: ref_patterns.py PATTERN COUNT BUSY THREADS TRACE.vmt.txt
(BUSY 0: the kernel test's busy counts).  Prints one line per stream
checked; exits 1 naming the first property that does not hold."""
import sys

KIB = 1024


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def read(path):
    page, lo, hi, streams = 4096, None, None, {}
    for line in open(path):
        f = line.split()
        if not f or f[0].startswith("#"):
            continue
        if f[0] == "page":
            page = int(f[1], 0)
        elif f[0] == "range":
            lo, hi = int(f[1], 0), int(f[2], 0)
        elif f[0] in ("alloc", "free"):
            kv = dict(x.split("=", 1) for x in f[2 + (f[0] == "alloc"):])
            if "cpu" not in kv:
                fail("an event without cpu=: " + line.strip())
            ev = (f[0], f[1], int(f[2]) if f[0] == "alloc" else 0, int(kv.get("align", page)))
            streams.setdefault(int(kv["cpu"]), []).append(ev)
        elif f[0] in ("live", "purge"):
            fail("a pattern has no %s lines" % f[0])
    return page, lo, hi, streams


def loop_pairs(evs):
    """The stream as alloc-then-free pairs of one id; fails otherwise."""
    if len(evs) % 2:
        fail("an odd number of events in an alloc/free loop")
    out = []
    for a, f in zip(evs[0::2], evs[1::2]):
        if a[0] != "alloc" or f[0] != "free" or a[1] != f[1]:
            fail("not an alloc followed by its free: %s %s" % (a, f))
        out.append(a)
    return out


def live_max(evs, pred):
    live, peak = set(), 0
    for op, ident, size, _ in evs:
        if op == "alloc" and pred(size):
            live.add(ident)
        elif op == "free":
            live.discard(ident)
        peak = max(peak, len(live))
    return peak


def check(pattern, count, busy, threads, page, lo, hi, evs):
    P = page
    if pattern == "fix_size_alloc":
        allocs = loop_pairs(evs)
        assert_all(allocs, lambda a: a[2] == 2 * P and a[3] == P, "1 page + guard, no align")
        expect(len(allocs), count, "allocs")
    elif pattern == "random_size_alloc":
        allocs = loop_pairs(evs)
        assert_all(allocs, lambda a: a[2] % P == 0 and 2 <= a[2] // P <= 101 and a[3] == P,
                   "1..100 pages + guard, no align")
        expect(len(allocs), count, "allocs")
        if count >= 5000 and len({a[2] for a in allocs}) < 95:
            fail("random_size: fewer than 95 of the 100 sizes in %d allocs" % count)
    elif pattern == "fix_align_alloc":
        allocs = loop_pairs(evs)
        assert_all(allocs, lambda a: a[2] == 6 * P and a[3] == 32 * KIB,
                   "5 pages + guard aligned to THREAD_ALIGN << 1 (32 KiB)")
        expect(len(allocs), count, "allocs")
    elif pattern == "random_size_align_alloc":
        allocs = loop_pairs(evs)

        def one_byte(a):  # some byte r gives both the size and the align
            return any(a[2] == (r % 10 + 2) * P and a[3] == max(P, 1 << (r % 23))
                       for r in range(256))
        assert_all(allocs, one_byte, "(r % 10 + 1) pages + guard, align 1 << (r % 23)")
        expect(len(allocs), count, "allocs")
    elif pattern == "align_shift_alloc":
        allocs = [e for e in evs if e[0] == "alloc"]
        for i, a in enumerate(allocs):
            if a[2] != 2 * P or a[3] != max(P, 1 << i):
                fail("align_shift: alloc %d is not 1 page + guard aligned to 2^%d" % (i, i))
        fits = [(-(-lo // a[3])) * a[3] + a[2] <= hi for a in allocs]
        if not all(fits[:-1]) or fits[-1] or len(evs) != 2 * len(allocs) - 1:
            fail("align_shift: should stop at its first alignment the window cannot hold")
    elif pattern == "long_busy_list_alloc":
        want = busy or 15000
        start = next(i for i, e in enumerate(evs) if e[0] == "alloc" and e[2] == 101 * P)
        peak = live_max(evs[:start], lambda s: s == 2 * P)
        expect(peak, want, "live 1-page areas at the loop's start")
        loop = evs[start:start + 4 * count]
        for k in range(0, len(loop), 4):
            ops = [(e[0], e[2] // P) for e in loop[k:k + 4]]
            if ops != [("alloc", 101), ("alloc", 2), ("free", 0), ("free", 0)]:
                fail("long_busy_list: loop iteration %d is %s" % (k // 4, ops))
        expect(len(loop), 4 * count, "loop events")
    elif pattern == "full_fit_alloc":
        want = busy or (threads.bit_length() * (32 << 20) // P)
        first_free = next(i for i, e in enumerate(evs) if e[0] == "free")
        pairs = [e for e in evs[:first_free] if e[2] == 2 * P]
        expect(len(pairs), 2 * want, "1-page areas before the first free")
        junk = evs[first_free:first_free + want]
        if {e[1] for e in junk} != {p[1] for p in pairs[1::2]}:
            fail("full_fit: the frees are not every second 1-page area")
        loop = loop_pairs(evs[first_free + want:first_free + want + 2 * count])
        assert_all(loop, lambda a: a[2] == 2 * P, "1 page + guard in the loop")
    elif pattern == "pcpu_alloc":
        want = busy or 35000
        expect(live_max(evs, lambda s: s == 2 * P), want, "live 1-page areas at the peak")
    elif pattern == "vm_map_ram":
        allocs = loop_pairs(evs)
        block = 1024 * P
        assert_all(allocs, lambda a: a[2] == block and a[3] == block,
                   "one 1024-page vmap block aligned to itself, no guard")
        expect(len(allocs), -(-count // 1024), "vmap blocks")
    else:
        fail("no such pattern: " + pattern)


def assert_all(items, pred, what):
    bad = [x for x in items if not pred(x)]
    if bad:
        fail("%d allocs are not %s, e.g. %s" % (len(bad), what, bad[0]))


def expect(got, want, what):
    if got != want:
        fail("%s: %d, not %d" % (what, got, want))


def main():
    pattern, count, busy, threads, path = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), \
        int(sys.argv[4]), sys.argv[5]
    page, lo, hi, streams = read(path)
    if sorted(streams) != list(range(threads)):
        fail("streams %s, not cpu 0..%d" % (sorted(streams), threads - 1))
    for cpu, evs in sorted(streams.items()):
        check(pattern, count, busy, threads, page, lo, hi, evs)
        print("ok: %s cpu %d: %d events" % (pattern, cpu, len(evs)))


main()
