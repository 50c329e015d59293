#!/usr/bin/env python3
"""An independent oracle for the placements of the rbtree-cache model:
prints the `vmtrace replay -a rbtree-cache --events` CSV of a text trace,
with "-" for the search column.  Written from the kernel's
alloc_vmap_area() and __free_vmap_area() of 2.6.39 .. 5.1 (the
free_vmap_cache / cached_hole_size / cached_vstart / cached_align rules
documented at the top of allocator/rbtree_cache.c), not from the C model:
areas are a sorted list (tests/ref_linear.py's trace reader, window rules
and Areas), the cache is the start address of the cached area, the
descent to the first area ending at or after addr is a bisection.

Search lengths are not produced: the descent's count depends on the
red-black tree's shape, which this sorted list does not have.
"""
import bisect
import sys

from ref_linear import align_up, replay

WRAP = 2**64


class RbtreeCache:
    def __init__(self):
        self.cache = None     # start of the area free_vmap_cache points to
        self.hole = 0         # cached_hole_size
        self.vstart = 0       # cached_vstart
        self.align = 0        # cached_align

    def alloc(self, areas, size, align, vstart, vend):
        A, E = areas.A, areas.E
        if self.cache is None or size < self.hole or vstart < self.vstart \
                or align < self.align:
            self.cache = None
        while True:                        # `nocache:` comes back here
            if self.cache is None:
                self.hole = 0
            self.vstart, self.align = vstart, align
            if self.cache is None:
                break
            i = areas.index(self.cache)    # first = the cached area
            addr = align_up(E[i], align)
            if addr >= vstart:
                break
            self.cache = None
        if self.cache is None:
            addr = align_up(vstart, align)
            i = bisect.bisect_left(E, addr)   # first area with va_end >= addr
        if addr + size >= WRAP:
            return None, addr, None        # overflow
        while i < len(A) and addr + size > A[i] and addr + size <= vend:
            if addr + self.hole < A[i]:
                self.hole = A[i] - addr
            addr = align_up(E[i], align)
            if addr + size >= WRAP:
                return None, addr, None
            i += 1
        if addr + size > vend:
            return None, addr, None
        self.cache = addr                  # the new area becomes the cache
        return areas.index(addr), addr, None

    def free(self, areas, i):
        if self.cache is not None:
            if areas.E[i] < self.vstart:
                self.cache = None
            elif areas.A[i] <= self.cache:
                self.cache = areas.A[i - 1] if i else None   # rb_prev
        return None


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: ref_rbtree_cache.py TRACE.vmt.txt")
    replay(sys.argv[1], RbtreeCache())
