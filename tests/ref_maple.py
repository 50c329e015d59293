#!/usr/bin/env python3
"""An independent oracle for the maple model: prints the
`vmtrace replay -a maple --events` CSV of a text trace, placements and
search lengths.

Written from lib/maple_tree.c's design (mas_empty_area()'s gap descent,
mas_update_gap(), splits in halves, rebalancing below mt_min_slots) as
allocator/maple.c's header states it, and from the search lengths that
file defines above its alloc and free, not from the C model:

  - one B-tree over the whole window, contiguous ranges: a leaf holds up
    to 16 ranges (areas, or gaps, never two gaps side by side: a free
    joins its neighbouring gaps, across a leaf's edge too); an internal
    node up to 10 children, with each child's largest gap recorded;
  - a node over full splits, its first count // 2 slots staying, the
    rest in a new right sibling (a new root above a split root); a node
    other than the root below 7 slots (leaves) or 5 (internal) merges
    with a sibling (the left one, or the right for a first child) when
    both fit one node, else the two share their slots, count // 2 on
    the left; an internal root with one child gives way to it;
  - alloc: the descent enters the children in address order whose
    recorded gap is at least the size and whose range meets the
    request's window, backing out of a subtree with no aligned fit;
    search = every node entered;
  - free: search = the nodes descended to the area's leaf, plus the
    neighbouring leaf read when the freed range (joined with its
    neighbours) starts or ends its leaf (not at the window's edge), plus
    the ancestors whose recorded gap is rewritten, up to and including
    the first that does not change (the leaf's path first; a neighbour
    leaf that gave up a gap is propagated after it).

  ref_maple.py TRACE.vmt.txt
"""
import sys

from ref_linear import align_up, replay

LEAF_MAX, LEAF_MIN = 16, 7
INNER_MAX, INNER_MIN = 10, 5


class Node:
    __slots__ = ("leaf", "parent", "slots", "gaps")

    def __init__(self, leaf, slots):
        self.leaf, self.parent, self.slots = leaf, None, slots
        self.gaps = None if leaf else []     # recorded largest gap per child
        if not leaf:
            for kid in slots:
                kid.parent = self

    # A leaf's slot: [start, end, busy]; an internal node's: a child.
    def lo(self):
        return self.slots[0][0] if self.leaf else self.slots[0].lo()

    def hi(self):
        return self.slots[-1][1] if self.leaf else self.slots[-1].hi()

    def largest_gap(self):
        if self.leaf:
            return max((e - s for s, e, busy in self.slots if not busy), default=0)
        return max(self.gaps)

    def most(self):
        return LEAF_MAX if self.leaf else INNER_MAX

    def fewest(self):
        return LEAF_MIN if self.leaf else INNER_MIN


class Maple:
    def setup(self, lo, hi, page, main):
        self.lo, self.hi = lo, hi
        self.root = Node(True, [[lo, hi, False]])
        # Each internal node's children's ends, refreshed on every change.
        self.ends = {}

    # --- structure --------------------------------------------------------
    def propagate(self, n):
        """Rewrites the recorded gaps (and ends) from n up to the root;
        returns how many ancestors mas_update_gap() reads: up to the first
        whose recorded gap stays the same."""
        read, going = 0, True
        while n.parent:
            p = n.parent
            i = p.slots.index(n)
            gap = n.largest_gap()
            if going:
                read += 1
                going = p.gaps[i] != gap
            p.gaps[i] = gap
            self.ends[p] = [kid.hi() for kid in p.slots]
            n = p
        return read

    def adopt(self, n):
        if not n.leaf:
            for kid in n.slots:
                kid.parent = n
            n.gaps = [kid.largest_gap() for kid in n.slots]
            self.ends[n] = [kid.hi() for kid in n.slots]

    def split(self, n):
        while len(n.slots) > n.most():
            keep = len(n.slots) // 2
            right = Node(n.leaf, n.slots[keep:])
            n.slots = n.slots[:keep]
            self.adopt(n)
            self.adopt(right)
            p = n.parent
            if p is None:
                p = Node(False, [n])
                p.gaps = [0]
                self.root = p
            i = p.slots.index(n)
            p.slots.insert(i + 1, right)
            p.gaps.insert(i + 1, 0)
            right.parent = p
            self.propagate(n)
            self.propagate(right)
            n = p

    def rebalance(self, n):
        while n.parent and len(n.slots) < n.fewest():
            p = n.parent
            i = p.slots.index(n)
            li = i - 1 if i else 0
            left, right = p.slots[li], p.slots[li + 1]
            both = left.slots + right.slots
            if len(both) <= n.most():
                left.slots = both
                self.adopt(left)
                del p.slots[li + 1], p.gaps[li + 1]
                self.propagate(left)
                n = p
                continue
            keep = len(both) // 2
            left.slots, right.slots = both[:keep], both[keep:]
            self.adopt(left)
            self.adopt(right)
            self.propagate(left)
            self.propagate(right)
            return
        if not n.parent and not n.leaf and len(n.slots) == 1:
            self.root = n.slots[0]
            self.root.parent = None

    def leaf_at(self, addr):
        """(leaf, slot index, nodes read) of the range holding addr."""
        n, read = self.root, 0
        while True:
            read += 1
            ends = [s[1] for s in n.slots] if n.leaf else self.ends[n]
            i = 0
            while i < len(ends) - 1 and addr >= ends[i]:
                i += 1
            if n.leaf:
                return n, i, read
            n = n.slots[i]

    def store(self, leaf, i, addr, size):
        s, e, _ = leaf.slots[i]
        new = ([[s, addr, False]] if s < addr else []) + [[addr, addr + size, True]] + \
            ([[addr + size, e, False]] if addr + size < e else [])
        leaf.slots[i:i + 1] = new
        self.propagate(leaf)
        self.split(leaf)

    # --- the model --------------------------------------------------------
    def reserve(self, addr, size):
        leaf, i, _ = self.leaf_at(addr)
        self.store(leaf, i, addr, size)

    def fit(self, n, size, align, start, end, count):
        """mas_empty_area()'s descent under n: (leaf, slot, addr) or None."""
        count[0] += 1
        for i, slot in enumerate(n.slots):
            if n.leaf:
                s, e, busy = slot
                lo, hi = max(s, start), min(e, end)
                if lo < hi and not busy and align_up(lo, align) + size <= hi:
                    return n, i, align_up(lo, align)
                continue
            lo = max(slot.lo(), start)
            hi = min(self.ends[n][i], end)
            if lo >= hi or n.gaps[i] < size:
                continue
            found = self.fit(slot, size, align, start, end, count)
            if found:
                return found
        return None

    def alloc(self, areas, size, align, start, end):
        count = [0]
        found = self.fit(self.root, size, align, start, end, count)
        if not found:
            return None, 0, count[0]
        leaf, i, addr = found
        self.store(leaf, i, addr, size)
        return areas.index(addr), addr, count[0]

    def free(self, areas, k):
        addr = areas.A[k]
        leaf, i, read = self.leaf_at(addr)
        slots = leaf.slots
        slots[i][2] = False
        if i + 1 < len(slots) and not slots[i + 1][2]:
            slots[i + 1][0] = slots[i][0]
            del slots[i]
        if i and not slots[i - 1][2]:
            slots[i - 1][1] = slots[i][1]
            del slots[i]
            i -= 1
        changed = []
        if i == 0 and slots[0][0] > self.lo:
            read += 1
            prev, j, _ = self.leaf_at(slots[0][0] - 1)
            if not prev.slots[j][2]:
                slots[0][0] = prev.slots[j][0]
                del prev.slots[j]
                changed.append(prev)
        if i == len(slots) - 1 and slots[i][1] < self.hi:
            read += 1
            nxt, j, _ = self.leaf_at(slots[i][1])
            if not nxt.slots[j][2]:
                slots[i][1] = nxt.slots[j][1]
                del nxt.slots[j]
                changed.append(nxt)
        read += self.propagate(leaf)
        for n in changed:
            self.propagate(n)
        start, end = slots[i][0], slots[i][1]
        self.rebalance(self.leaf_at(start)[0])
        if start > self.lo:
            self.rebalance(self.leaf_at(start - 1)[0])
        if end < self.hi:
            self.rebalance(self.leaf_at(end)[0])
        return read


if __name__ == "__main__":
    replay(sys.argv[-1], Maple())
