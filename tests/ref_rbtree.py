#!/usr/bin/env python3
"""An independent oracle for the rbtree model (2.6.28 - 2.6.38): prints the
`vmtrace replay -a rbtree --events` CSV of a text trace, search lengths
included.

The busy areas are a red-black tree written here from the textbook
algorithm (CLRS insert and delete: the successor takes a node with two
children's place and colour; the fix-ups' four cases and their mirrors),
which is also what the kernel's lib/rbtree.c does, so the tree has the
shape the kernel's and the model's have after the same operations.  The
search counts are as allocator/rbtree.c defines them above its alloc and
free: alloc, every node the descent reads plus every rb_next step of the
walk; free, the nodes read down to the area.  The trace reader and window
rules are tests/ref_linear.py's.
"""
import sys

from ref_linear import align_up, replay


class Node:
    __slots__ = ("start", "end", "left", "right", "parent", "red", "max")

    def __init__(self, start, end, parent):
        self.start, self.end = start, end
        self.left = self.right = None
        self.parent, self.red = parent, True
        self.max = end - start      # used by AugmentedTree only


def red(n):
    return n is not None and n.red


class RbTree:
    """Subclasses keep a per-node summary by overriding _rotated(x, y)
    (y has just taken x's place above it) and _changed(n) (n's subtree
    changed below or at n: recompute up to the root)."""

    def __init__(self):
        self.root = None

    def _rotated(self, x, y):
        pass

    def _changed(self, n):
        pass

    def _replace(self, old, new):
        p = old.parent
        if p is None:
            self.root = new
        elif p.left is old:
            p.left = new
        else:
            p.right = new
        if new is not None:
            new.parent = p

    def _rotate_left(self, x):
        y = x.right
        x.right = y.left
        if y.left is not None:
            y.left.parent = x
        self._replace(x, y)
        y.left, x.parent = x, y
        self._rotated(x, y)

    def _rotate_right(self, x):
        y = x.left
        x.left = y.right
        if y.right is not None:
            y.right.parent = x
        self._replace(x, y)
        y.right, x.parent = x, y
        self._rotated(x, y)

    def insert(self, start, end):
        parent, n = None, self.root
        while n is not None:
            parent = n
            n = n.left if end <= n.start else n.right
        z = Node(start, end, parent)
        if parent is None:
            self.root = z
        elif end <= parent.start:
            parent.left = z
        else:
            parent.right = z
        self._changed(z)
        while red(z.parent):
            p = z.parent
            g = p.parent
            if p is g.left:
                u = g.right
                if red(u):
                    p.red = u.red = False
                    g.red = True
                    z = g
                    continue
                if z is p.right:
                    self._rotate_left(p)
                    z, p = p, z
                p.red, g.red = False, True
                self._rotate_right(g)
            else:
                u = g.left
                if red(u):
                    p.red = u.red = False
                    g.red = True
                    z = g
                    continue
                if z is p.left:
                    self._rotate_right(p)
                    z, p = p, z
                p.red, g.red = False, True
                self._rotate_left(g)
        self.root.red = False

    def find(self, addr):
        """(the node holding addr or None, nodes read)."""
        n, reads = self.root, 0
        while n is not None:
            reads += 1
            if addr < n.start:
                n = n.left
            elif addr >= n.end:
                n = n.right
            else:
                return n, reads
        return None, reads

    def erase(self, z):
        if z.left is None or z.right is None:
            x = z.left if z.left is not None else z.right
            xp, removed_red = z.parent, z.red
            self._replace(z, x)
        else:
            y = z.right
            while y.left is not None:
                y = y.left
            removed_red, x = y.red, y.right
            if y.parent is z:
                xp = y
            else:
                xp = y.parent
                self._replace(y, x)
                y.right = z.right
                y.right.parent = y
            self._replace(z, y)
            y.left = z.left
            y.left.parent = y
            y.red = z.red
        if xp is not None:
            self._changed(xp)
        if not removed_red and self.root is not None:
            self._erase_fixup(x, xp)

    def _erase_fixup(self, x, xp):
        while x is not self.root and not red(x):
            if x is xp.left:
                w = xp.right
                if w.red:
                    w.red, xp.red = False, True
                    self._rotate_left(xp)
                    w = xp.right
                if not red(w.left) and not red(w.right):
                    w.red = True
                    x, xp = xp, xp.parent
                    continue
                if not red(w.right):
                    w.left.red, w.red = False, True
                    self._rotate_right(w)
                    w = xp.right
                w.red, xp.red = xp.red, False
                w.right.red = False
                self._rotate_left(xp)
            else:
                w = xp.left
                if w.red:
                    w.red, xp.red = False, True
                    self._rotate_right(xp)
                    w = xp.left
                if not red(w.left) and not red(w.right):
                    w.red = True
                    x, xp = xp, xp.parent
                    continue
                if not red(w.left):
                    w.right.red, w.red = False, True
                    self._rotate_left(w)
                    w = xp.left
                w.red, xp.red = xp.red, False
                w.left.red = False
                self._rotate_right(xp)
            x = self.root
        if x is not None:
            x.red = False


def successor(n):
    if n.right is not None:
        n = n.right
        while n.left is not None:
            n = n.left
        return n
    while n.parent is not None and n is n.parent.right:
        n = n.parent
    return n.parent


def predecessor(n):
    if n.left is not None:
        n = n.left
        while n.right is not None:
            n = n.right
        return n
    while n.parent is not None and n is n.parent.left:
        n = n.parent
    return n.parent


class Rbtree:
    """2.6.28's alloc_vmap_area(): descend, then walk in address order."""

    def __init__(self):
        self.tree = RbTree()

    def reserve(self, addr, size):
        self.tree.insert(addr, addr + size)

    def placed(self, addr, size):
        self.tree.insert(addr, addr + size)

    def free(self, areas, i):
        node, reads = self.tree.find(areas.A[i])
        self.tree.erase(node)
        return reads

    def alloc(self, areas, size, align, start, end):
        addr = align_up(start, align)
        search, n, first = 0, self.tree.root, None
        while n is not None:
            search += 1
            if n.end >= addr:
                if first is None and addr + size > n.start:
                    first = n
                n = n.left
            else:
                first, n = n, n.right
        if first is not None and first.end < addr:
            first = successor(first)
            if first is not None:
                search += 1
        while first is not None and addr + size > first.start and addr + size <= end:
            addr = align_up(first.end, align)
            first = successor(first)
            if first is not None:
                search += 1
        return areas.index(addr), addr, search


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: ref_rbtree.py TRACE.vmt.txt")
    replay(sys.argv[1], Rbtree())
