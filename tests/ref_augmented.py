#!/usr/bin/env python3
"""An independent oracle for the augmented free-tree models: prints the
`vmtrace replay -a MODEL --events` CSV of a text trace, placements and
search lengths, for MODEL augmented-5.2, augmented-5.19 or augmented.

Written from mm/vmalloc.c of 5.2 and 5.19, not from allocator/: free
blocks are tests/ref_rbtree.py's red-black tree (the kernel's shapes)
with subtree_max_size kept as the kernel's augment callbacks keep it
(recomputed on every rotation and along the path up from every change);
busy areas a second such tree.

  alloc  find_vmap_lowest_match() as each kernel has it, with its search
         length: size + align - 1 in 5.2 (align >= page here, as the
         trace reader clamps it); 5.19's adjust_search_size() (only above
         page alignment, never for a window of exactly the size), and its
         rollback shifting vstart past the subtree it leaves; `augmented`
         searches by the size alone, with 5.19's loop.  Then
         __alloc_vmap_area(): the block's ALIGN(max(start, vstart)) must
         end by vend.  The split is adjust_va_to_fit_type()'s.
  free   the busy area is found from the root; merge_or_add_vmap_area()
         descends the free tree to the link and merges with the next
         block, then the previous (which keeps its node).

Search length, as allocator/augmented.c defines it above its alloc and
free: the number of distinct nodes whose key or subtree_max_size the
operation reads.  Here every node the loop makes current, and every child
whose subtree_max_size it reads, goes into a set; the count is its size.
free: the busy nodes read down to the area plus the free-tree nodes read
down to the link (the neighbours lie on that path).

  ref_augmented.py MODEL TRACE.vmt.txt
"""
import sys

from ref_linear import align_up, replay
from ref_rbtree import RbTree, predecessor, successor


def max_of(n):
    return 0 if n is None else n.max


class AugmentedTree(RbTree):
    """Free blocks by address, each node's max the largest block below it."""

    def _recompute(self, n):
        n.max = max(n.end - n.start, max_of(n.left), max_of(n.right))

    def _rotated(self, x, y):
        self._recompute(x)
        self._recompute(y)

    def _changed(self, n):
        while n is not None:
            self._recompute(n)
            n = n.parent

    def holding(self, addr):
        n = self.root
        while n is not None:
            if addr < n.start:
                n = n.left
            elif addr >= n.end:
                n = n.right
            else:
                return n
        return None


def fits(va, size, align, vstart):
    """is_within_this_va(): where the request would start in va, or None."""
    nva = align_up(max(va.start, vstart), align)
    return nva if nva + size <= va.end else None


class Augmented:
    def __init__(self, kernel):
        self.kernel = kernel            # "5.2", "5.19" or "exact"
        self.free_tree = AugmentedTree()
        self.busy = RbTree()
        self.page = None

    def setup(self, lo, hi, page, main):
        self.free_tree.insert(lo, hi)
        self.page = page

    # --- the free tree's upkeep -----------------------------------------
    def carve(self, addr, size):
        """Takes [addr, addr + size) out of the block holding it."""
        va = self.free_tree.holding(addr)
        assert va is not None and addr + size <= va.end, "carve outside a free block"
        end = addr + size
        if va.start == addr and va.end == end:
            self.free_tree.erase(va)
        elif va.start == addr:
            va.start = end
            self.free_tree._changed(va)
        elif va.end == end:
            va.end = addr
            self.free_tree._changed(va)
        else:
            left = va.start
            va.start = end
            self.free_tree._changed(va)
            self.free_tree.insert(left, addr)

    def release(self, addr, end):
        """merge_or_add_vmap_area(); returns the nodes read to the link."""
        parent, n, reads, went_left = None, self.free_tree.root, 0, False
        while n is not None:
            reads += 1
            parent = n
            went_left = end <= n.start
            n = n.left if went_left else n.right
        nxt = prev = None
        if parent is not None:
            nxt = parent if went_left else successor(parent)
            prev = predecessor(parent) if went_left else parent
        merged = None
        if nxt is not None and nxt.start == end:
            nxt.start = addr
            self.free_tree._changed(nxt)
            merged = nxt
        if prev is not None and prev.end == addr:
            if merged is not None:
                end = merged.end
                self.free_tree.erase(merged)
            prev.end = end
            self.free_tree._changed(prev)
            merged = prev
        if merged is None:
            self.free_tree.insert(addr, end)
        return reads

    # --- the replay's calls ---------------------------------------------
    def reserve(self, addr, size):
        self.carve(addr, size)
        self.busy.insert(addr, addr + size)

    def free(self, areas, i):
        addr = areas.A[i]
        node, reads = self.busy.find(addr)
        end = node.end
        self.busy.erase(node)
        return reads + self.release(addr, end)

    def search_length(self, size, align, vstart, vend):
        if self.kernel == "5.2":
            return size + align - 1
        if self.kernel == "5.19" and align > self.page and vend - vstart != size:
            return size + align - 1
        return size

    def lowest_match(self, size, align, vstart, length):
        """find_vmap_lowest_match(): (block or None, nodes read)."""
        seen = set()
        shift = self.kernel != "5.2"    # 5.19's rollback moves vstart on

        def child_max(c):
            if c is None:
                return 0
            seen.add(c)
            return c.max

        node = self.free_tree.root
        steps = 0
        while node is not None:
            steps += 1
            assert steps < 1 << 22, "the search does not end"
            seen.add(node)
            if child_max(node.left) >= length and vstart < node.start:
                node = node.left
                continue
            if fits(node, size, align, vstart) is not None:
                return node, len(seen)
            if child_max(node.right) >= length:
                node = node.right
                continue
            while True:
                node = node.parent
                if node is None:
                    return None, len(seen)
                if fits(node, size, align, vstart) is not None:
                    return node, len(seen)
                if child_max(node.right) >= length and vstart <= node.start:
                    if shift:
                        vstart = node.start + 1
                    node = node.right
                    break
        return None, len(seen)

    def alloc(self, areas, size, align, start, end):
        va, search = self.lowest_match(size, align, start,
                                       self.search_length(size, align, start, end))
        if va is None:
            return None, 0, search
        addr = align_up(max(va.start, start), align)
        if addr + size > va.end or addr + size > end:
            return None, addr, search
        return areas.index(addr), addr, search

    def placed(self, addr, size):
        self.carve(addr, size)
        self.busy.insert(addr, addr + size)


KERNELS = {"augmented-5.2": "5.2", "augmented-5.19": "5.19", "augmented": "exact"}

if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in KERNELS:
        sys.exit("usage: ref_augmented.py augmented-5.2|augmented-5.19|augmented TRACE.vmt.txt")
    replay(sys.argv[2], Augmented(KERNELS[sys.argv[1]]))
