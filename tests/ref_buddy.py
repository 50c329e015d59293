#!/usr/bin/env python3
"""An independent oracle for the buddy model: prints the
`vmtrace replay -a buddy --events` CSV of a text trace, placements and
search lengths.  Written from the binary buddy system (Knuth, TAOCP
2.5) as allocator/buddy.c's header specifies it, not from its code:

  - blocks are naturally aligned powers of two of pages; the window is
    covered by its maximal aligned blocks, lowest first, and a merge
    never leaves the window;
  - an allocation of size with alignment align takes a block of order k,
    the smallest with page << k >= max(size, align); orders are tried
    from k up, each order's free blocks in address order, and the first
    block holding an aligned order-k block inside the request's window
    is halved down to order k, keeping the half with the lowest fitting
    address, the other halves going back free;
  - a snapshot area holds its range rounded up to a page, carved as its
    maximal aligned blocks out of the free blocks holding them;
  - a free gives back each block held, merging with its buddy while the
    buddy is free at the same order.

Search lengths as the header defines them: alloc, one per order tried
plus one per free block examined (up to the one that fits or the first
starting at or above the window end) plus one per halving; free, one
per buddy examined plus one per merge.

Free lists are sorted lists of block starts (bisect), so that the blocks
below the window, which never fit, are counted without a walk.

With --memory it prints instead the model's memory figures of
replay/metrics.h, sampled as the replay samples them, after the whole
snapshot and after every alloc and free (an event the model does not
see changes nothing): max_internal_waste and end_internal_waste, the
bytes held past what was asked (a block's rounding); max_metadata_bytes,
an out-of-band buddy's 16-byte list head per order and 32 bytes per free
block and per held area.  (Not after each snapshot area: carving an area
out of several free blocks can lower the block count.)

  ref_buddy.py [--memory] TRACE.vmt.txt
"""
import bisect
import os
import sys

from ref_linear import align_up, replay

WRAP = 2**64


class Buddy:
    def setup(self, lo, hi, page, main):
        self.lo, self.hi, self.page = lo, hi, page
        self.waste = self.max_waste = self.max_metadata = 0
        self.snapshot_pending = False       # reserved, not sampled yet
        self.asked = {}                     # addr -> size asked
        self.orders = 0                     # orders whose block size is < 2^64
        while page << self.orders < WRAP and self.orders < 64:
            self.orders += 1
        self.free_lists = [[] for _ in range(self.orders)]
        self.held = {}                      # addr -> end of the range held
        for a, k in self.blocks(lo, hi):
            self.put(a, k)

    def size(self, k):
        return self.page << k

    def blocks(self, a, end):
        """The maximal aligned blocks of [a, end), lowest first."""
        while a < end:
            k = 0
            while k + 1 < self.orders and a % self.size(k + 1) == 0 \
                    and a + self.size(k + 1) <= end:
                k += 1
            yield a, k
            a += self.size(k)

    def put(self, a, k):
        bisect.insort(self.free_lists[k], a)

    def take(self, a, k):
        """Removes the free block (a, k) if there is one; True if so."""
        lst = self.free_lists[k]
        i = bisect.bisect_left(lst, a)
        if i < len(lst) and lst[i] == a:
            del lst[i]
            return True
        return False

    def halve(self, a, j, k, target):
        """Halves free block (a, j), already taken, down to order k around
        target; returns the halvings."""
        n = 0
        while j > k:
            j -= 1
            n += 1
            half = self.size(j)
            if target < a + half:
                self.put(a + half, j)
            else:
                self.put(a, j)
                a += half
        return n

    def reserve(self, addr, size):
        end = align_up(addr + size, self.page)
        self.held[addr], self.asked[addr] = end, size
        for a, k in self.blocks(addr, end):
            for j in range(k, self.orders):
                home = a - a % self.size(j)
                if self.take(home, j):
                    self.halve(home, j, k, a)
                    break
            else:
                raise AssertionError(f"snapshot block 0x{a:x} is not free")
        self.snapshot_pending = True

    def sample(self):
        """The memory figures after the snapshot, an alloc or a free."""
        self.snapshot_pending = False
        self.max_waste = max(self.max_waste, self.waste)
        blocks = sum(len(lst) for lst in self.free_lists) + len(self.held)
        self.max_metadata = max(self.max_metadata, 64 * 16 + blocks * 32)

    def alloc(self, areas, size, align, start, end):
        if self.snapshot_pending:
            self.sample()
        want = max(size, align)
        k = 0
        while k < self.orders and self.size(k) < want:
            k += 1
        if k == self.orders:
            return None, 0, 0
        bk, search = self.size(k), 0
        for j in range(k, self.orders):
            search += 1                     # the list's head
            lst, bj = self.free_lists[j], self.size(j)
            # Blocks ending by start cannot hold the request: each is read.
            i = bisect.bisect_right(lst, start - bj) if start >= bj else 0
            search += i
            while i < len(lst):
                b = lst[i]
                search += 1
                if b >= end:
                    break
                a = align_up(max(b, start), bk)
                if a + bk <= min(b + bj, end):
                    del lst[i]
                    search += self.halve(b, j, k, a)
                    self.held[a], self.asked[a] = a + bk, size
                    self.waste += bk - size
                    self.sample()
                    return areas.index(a), a, search
                i += 1
        self.sample()
        return None, 0, search

    def free(self, areas, i):
        if self.snapshot_pending:
            self.sample()
        addr = areas.A[i]
        search, end = 0, self.held.pop(addr)
        self.waste -= end - addr - self.asked.pop(addr)
        for a, k in self.blocks(addr, end):
            while k + 1 < self.orders:
                merged = a - a % self.size(k + 1)
                if merged < self.lo or merged + self.size(k + 1) > self.hi:
                    break
                search += 1                 # the buddy examined
                if not self.take(a ^ self.size(k), k):
                    break
                search += 1                 # the merge
                a, k = merged, k + 1
            self.put(a, k)
        self.sample()
        return search


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3) or sys.argv[1:-1] not in ([], ["--memory"]):
        sys.exit("usage: ref_buddy.py [--memory] TRACE.vmt.txt")
    buddy = Buddy()
    if sys.argv[1] != "--memory":
        replay(sys.argv[1], buddy)
        sys.exit(0)
    with open(os.devnull, "w", encoding="utf-8") as sys.stdout:
        replay(sys.argv[2], buddy)
    sys.stdout = sys.__stdout__
    if buddy.snapshot_pending:              # a snapshot and no event
        buddy.sample()
    print(buddy.max_waste, buddy.waste, buddy.max_metadata)
