#!/usr/bin/env python3
"""An independent oracle for the vmem models: prints the
`vmtrace replay -a MODEL --events` CSV of a text trace, placements and
search lengths, for MODEL vmem-instant, vmem-best or vmem-next.

Written from Bonwick and Adams, "Magazines and Vmem" (USENIX 2001) and
the illumos vmem.c that allocator/vmem.c's header names (vmem_xalloc,
vmem_nextfit_alloc, vmem_seg_alloc, vmem_xfree, vmem_hash_rescale), not
from the C model:

  - segments tile the window in address order behind a span marker, next
    fit's rotor among them (it keeps the free segments on its sides
    apart); free segments sit on power-of-two free lists (list i holds
    sizes [2^i, 2^(i+1))), newest first; allocated ones in a hash table;
  - instant fit: the first non-empty list whose segments all fit (the
    size's own list when a power of two, else the next one up; the one
    below when none is non-empty), head first, each segment checked
    against the request's window and alignment, then on to the next
    non-empty list; best fit: the size's own list up, the smallest
    fitting segment of the first list holding one (an exact size stops);
  - next fit (page-aligned requests for the whole arena only): the first
    free segment large enough in address order after the rotor,
    wrapping; the rotor then moves after the allocation and the free
    segments it separated merge;
  - vmem_seg_alloc(): from a segment's start with the rest on the same
    list, the rest keeps its place on that list; otherwise the segment
    leaves its list and the rests before and after go to the heads of
    theirs; vmem_xfree() merges with the next segment, then the previous.

Search lengths as allocator/vmem.c defines them: alloc, vk_search's
steps (each segment examined, each list head stepped onto) or, for next
fit, each node stepped on from the rotor (span marker included); free,
the hash chain entries examined plus the two neighbours.  The hash is
VMEM_HASH_INDEX over a table rescaled after every alloc and free (the
kernel's timer made deterministic), chains newest first.

  ref_vmem.py MODEL TRACE.vmt.txt
"""
import sys

from ref_linear import align_up, replay

WRAP = 2**64
FREE, ALLOC, SPAN, ROTOR = "free", "alloc", "span", "rotor"


def highbit(x):
    return x.bit_length()


def lowbit(x):
    return (x & -x).bit_length()


class Seg:
    __slots__ = ("start", "end", "kind", "anext", "aprev")

    def __init__(self, start, end, kind):
        self.start, self.end, self.kind = start, end, kind
        self.anext = self.aprev = self


def link_after(after, s):
    s.aprev, s.anext = after, after.anext
    after.anext.aprev = s
    after.anext = s


def unlink(s):
    s.aprev.anext = s.anext
    s.anext.aprev = s.aprev


class Vmem:
    def __init__(self, policy):
        self.policy = policy                # "instant", "best" or "next"

    def setup(self, lo, hi, page, main):
        self.lo, self.hi, self.page, self.main = lo, hi, page, main
        self.span = Seg(lo, hi, SPAN)
        self.rotor = Seg(0, 0, ROTOR)
        if self.policy == "next":
            link_after(self.span, self.rotor)
        # Each list a dict in insertion order: its head is the last key.
        self.lists = [{} for _ in range(64)]
        self.hash_size = 16
        self.hash = [[] for _ in range(16)]  # each chain head first
        self.nalloc = 0
        whole = Seg(lo, hi, FREE)
        link_after(self.span.aprev, whole)
        self.list_add(whole)

    # --- free lists -------------------------------------------------------
    def list_add(self, s):
        s.kind = FREE
        self.lists[highbit(s.end - s.start) - 1][s] = None

    def list_del(self, s):
        del self.lists[highbit(s.end - s.start) - 1][s]

    def freemap(self):
        return sum(1 << i for i, lst in enumerate(self.lists) if lst)

    # --- the hash ---------------------------------------------------------
    def bucket(self, a):
        shift, q = highbit(self.hash_size - 1), self.page.bit_length() - 1
        h = (a + (a >> shift) + (a >> (shift << 1))) % WRAP
        return (h >> q) & (self.hash_size - 1)

    def hash_add(self, s):
        s.kind = ALLOC
        self.hash[self.bucket(s.start)].insert(0, s)
        self.nalloc += 1

    def rescale(self):
        new = max(16, 1 << (highbit(3 * self.nalloc + 4) - 2))
        old = self.hash_size
        if old // 2 <= new <= old * 2:
            return
        chains, self.hash_size = self.hash, new
        self.hash = [[] for _ in range(new)]
        for chain in chains:
            for s in chain:
                self.hash[self.bucket(s.start)].insert(0, s)

    # --- segments ---------------------------------------------------------
    def seg_alloc(self, s, addr, size):
        end, old = addr + size, s.end - s.start
        if addr == s.start and old > size and highbit(old) == highbit(old - size):
            a = Seg(addr, end, ALLOC)
            link_after(s.aprev, a)
            s.start = end                   # stays on its list, in place
            self.hash_add(a)
            return a
        self.list_del(s)
        if end != s.end:
            after = Seg(end, s.end, FREE)
            link_after(s, after)
            self.list_add(after)
            s.end = end
        if addr != s.start:
            before = Seg(s.start, addr, FREE)
            link_after(s.aprev, before)
            self.list_add(before)
            s.start = addr
        self.hash_add(s)
        return s

    def fits(self, s, size, align, start, end):
        lo, hi = max(s.start, start), min(s.end, end)
        if lo >= hi:
            return None
        a = align_up(lo, align)
        return a if a < WRAP and a + size <= hi else None

    def list_search(self, size, align, start, end):
        """(segment, address, steps) of vmem_xalloc()'s free-list loop."""
        best, best_addr, search, fmap = None, 0, 0, self.freemap()
        if size & (size - 1) == 0:
            flist = lowbit(fmap & ~(size - 1))
        else:
            hb = highbit(size)
            if hb == 64 or not fmap >> hb or self.policy == "best":
                hb -= 1
            flist = lowbit(fmap & ~((1 << hb) - 1))
        while flist:
            for s in reversed(self.lists[flist - 1]):
                search += 1
                a = self.fits(s, size, align, start, end)
                if a is not None and (best is None or s.end - s.start < best.end - best.start):
                    best, best_addr = s, a
                    if self.policy != "best" or s.end - s.start == size:
                        return best, best_addr, search
            if flist == 64:
                break
            search += 1                     # onto the next list's head
            if best is not None:
                break
            flist = lowbit(fmap >> flist << flist)
        return best, best_addr, search

    def rotor_search(self, size, start, end):
        search, s = 0, self.rotor.anext
        while s is not self.rotor:
            search += 1
            frm = max(s.start, start)
            if s.kind == FREE and frm < min(s.end, end) and min(s.end, end) - frm >= size:
                return s, frm, search
            s = s.anext
        return None, 0, search

    def rotor_move(self, after):
        prev, nxt = self.rotor.aprev, self.rotor.anext
        unlink(self.rotor)
        link_after(after, self.rotor)
        if prev.kind == FREE and nxt.kind == FREE and prev.anext is nxt:
            self.list_del(nxt)
            self.list_del(prev)
            prev.end = nxt.end
            self.list_add(prev)
            unlink(nxt)

    # --- the replay's calls -----------------------------------------------
    def reserve(self, addr, size):
        s = self.span.anext
        while s is self.rotor or s.end <= addr:
            s = s.anext
        assert s.kind == FREE and s.start <= addr and addr + size <= s.end
        self.seg_alloc(s, addr, size)
        self.rescale()

    def alloc(self, areas, size, align, start, end):
        whole = (start, end) in ((self.lo, self.hi), self.main)
        rotor = self.policy == "next" and align == self.page and whole
        if rotor:
            s, addr, search = self.rotor_search(size, start, end)
        else:
            s, addr, search = self.list_search(size, align, start, end)
        if s is None:
            return None, 0, search
        s = self.seg_alloc(s, addr, size)
        if rotor:
            self.rotor_move(s)
        self.rescale()
        return areas.index(addr), addr, search

    def free(self, areas, i):
        addr = areas.A[i]
        chain = self.hash[self.bucket(addr)]
        k = next(k for k, s in enumerate(chain) if s.start == addr)
        s = chain.pop(k)
        self.nalloc -= 1
        search = k + 1 + 2
        nxt = s.anext
        if nxt.kind == FREE:
            self.list_del(nxt)
            s.end = nxt.end
            unlink(nxt)
        prev = s.aprev
        if prev.kind == FREE:
            self.list_del(prev)
            prev.end = s.end
            unlink(s)
            s = prev
        self.list_add(s)
        self.rescale()
        return search


POLICIES = {"vmem-instant": "instant", "vmem-best": "best", "vmem-next": "next"}

if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in POLICIES:
        sys.exit("usage: ref_vmem.py vmem-instant|vmem-best|vmem-next TRACE.vmt.txt")
    replay(sys.argv[2], Vmem(POLICIES[sys.argv[1]]))
