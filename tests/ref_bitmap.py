#!/usr/bin/env python3
"""An independent oracle for the bitmap model: prints the
`vmtrace replay -a bitmap --events` CSV of a text trace, placements and
search lengths.

Written from the kernel's lib/bitmap.c (bitmap_find_next_zero_area_off())
and lib/genalloc.c (gen_pool_first_fit_align()) and from the search
lengths allocator/bitmap.c defines above its alloc and free, not from the
C model.  No bitmap is kept: bit b (page b of the model's window) is set
when an area covers it, which the sorted areas of ref_linear.replay() say
with a bisection.  The 64-bit words a find_next_*bit() call reads are
those from the start's word to the word of the bit it returns, or to the
last word below its size when it finds none:

  alloc: idx = find_next_zero_bit(map, ebit, sbit), aligned up with the
         window start's misalignment as align_offset; fail when idx + nr
         passes ebit; else i = find_next_bit(map, idx + nr, idx): a set
         bit restarts at i + 1, none places the area at idx.  Search: the
         words of every call, restarts included, success or failure.
  free:  the words bitmap_clear() writes over the area's bits.

The restarts of a page-aligned request are taken in runs (see skip());
`--plain` takes them one by one, to check the runs.

  ref_bitmap.py [--plain] TRACE.vmt.txt
"""
import bisect
import sys

from ref_linear import replay

WORD = 64


def words_read(start, size, found):
    """Words a find_next_*bit(map, size, start) returning found reads."""
    if start >= size:
        return 0
    return min(found, size - 1) // WORD - start // WORD + 1


class Bitmap:
    def __init__(self, plain=False):
        self.plain = plain

    def setup(self, lo, hi, page, main):
        self.lo, self.page = lo, page

    def alloc(self, areas, size, align, start, end):
        """Areas are walked by index: i is the last area starting at or
        below the search's current bit (-1: none), so each restart costs
        no bisection."""
        A, E, n, lo, page = areas.A, areas.E, len(areas.A), self.lo, self.page
        mask = align // page - 1
        off = (lo // page) & mask
        nr = size // page
        s = (start - lo + page - 1) // page
        ebit = (end - lo) // page
        i = bisect.bisect_right(A, lo + s * page) - 1
        search = 0
        while True:
            # find_next_zero_bit(map, ebit, s): past the run of areas
            # covering s, if any.
            idx = ebit
            if s < ebit:
                at = lo + s * page
                if i >= 0 and E[i] > at:
                    at = E[i]
                    while i + 1 < n and A[i + 1] == at:
                        i += 1
                        at = E[i]
                idx = min((at - lo) // page, ebit)
                search += words_read(s, ebit, idx)
            idx = ((idx + off + mask) & ~mask) - off
            if idx + nr > ebit:
                return None, 0, search
            # find_next_bit(map, idx + nr, idx): idx itself if an area
            # covers it, else the next area's first page.
            at = lo + idx * page
            while i + 1 < n and A[i + 1] <= at:
                i += 1
            stop = idx + nr
            if i >= 0 and E[i] > at:
                busy = idx
            elif i + 1 < n:
                busy = min((A[i + 1] - lo) // page, stop)
            else:
                busy = stop
            search += words_read(idx, stop, busy)
            if busy == stop:
                return i + 1, at, search
            if not mask and not self.plain:     # busy is area i + 1's start
                i, skipped = self.skip(areas, i + 1, size, end)
                search += skipped
                busy = (A[i] - lo) // page
            s = busy + 1
            while i + 1 < n and A[i + 1] <= lo + s * page:
                i += 1

    def skip(self, areas, hit, size, end):
        """For page-aligned requests, after find_next_bit() stopped at area
        hit's first page: the later restarts that stop at an area again,
        in one step.  Returns the last area they stop at and the words
        they read.  Each restart reads, from area k's first page
        b + 1 to the next area's b', find_next_zero_bit()'s words to the
        hole between them and find_next_bit()'s from there: b' // 64 -
        (b + 1) // 64 + 2 in all.  They go on while the hole before the
        next area is shorter than size (an adjacent area, no hole, makes
        no restart) and starts low enough that the area would end by end,
        else the loop in alloc() takes over."""
        A, E, G, lo, page = areas.A, areas.E, areas.G, self.lo, self.page
        top = min(bisect.bisect_right(E, end - size), len(A) - 1)
        j = hit + 1                     # the first hole >= size, up to top
        while j <= top:
            k = min(j + 64, top + 1)
            if max(G[j:k]) >= size:
                j = next(t for t in range(j, k) if G[t] >= size)
                break
            j = k
        stops = [hit] + [t for t in range(hit + 1, min(j, top + 1)) if G[t]]
        bits = [(A[t] - lo) // page for t in stops]
        words = bits[-1] // WORD - bits[0] // WORD + 2 * (len(bits) - 1) - \
            sum(1 for b in bits[:-1] if b % WORD == WORD - 1)
        return stops[-1], words

    def free(self, areas, i):
        b, e = (areas.A[i] - self.lo) // self.page, (areas.E[i] - self.lo) // self.page
        return (e - 1) // WORD - b // WORD + 1


if __name__ == "__main__":
    replay(sys.argv[-1], Bitmap(plain="--plain" in sys.argv[1:-1]))
