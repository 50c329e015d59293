#!/usr/bin/env python3
"""An independent oracle for the vmap-nodes model: prints the
`vmtrace replay -a vmap-nodes --events` CSV of a text trace, placements
and search lengths.

Written from the mechanisms allocator/vmap_nodes.c's header lists (from
mm/vmalloc.c of 6.9 .. 6.18), not from the C model.  Each is one method
below, so that a change of the model's mechanisms is one place here:

  nodes      cpus_possible (meta), else the highest cpu= plus one, else 1;
             clamped to [1, 128]; one node: no pools.
  owner      a request for exactly the main window: node cpu % nodes (no
             cpu=: open); any other window: none.  A `live` area in the
             main window: open (with more than one node); else none.
  pools      per node, a LIFO per size of 1 .. 256 pages.  An owned alloc
             looks at its pool's head (search 1 if the pool is not empty):
             an aligned head is taken (out of every pool it waits in), a
             misaligned one goes to the tail and the request misses.
  tree       a miss or a request without an owner: tests/ref_augmented.py's
             5.19 search and split over the global free tree; no room and
             areas lazy or pooled: a full purge, then the tree once more
             (both searches counted).
  lazy       a free reads the address tree (every area not free, a
             red-black tree) down to the area (search) and leaves it lazy.
  purge      each node in turn: each pool's floor(len / 4) head areas
             (all of them in a full purge) to the tree, in ascending
             address order, adjacent ones merged.  Then, of the lazy
             areas, only the event's n= first freed (all without n=; the
             rest stay lazy, in free order), each node in turn: those
             in ascending address order onto the head of
             their pool when it is this node's (or open) and they have at
             most 256 pages (never in a full purge); then the lazy areas
             of this node (the owner's, or for no owner, node
             (start / 16 pages) % nodes) not pooled go to the tree one by
             one, in descending address order.
  full       a purge right after an alloc the kernel failed (failed=1).

  ref_vmap_nodes.py TRACE.vmt.txt
"""
import sys

from ref_augmented import Augmented
from ref_linear import align_up, num, replay
from ref_rbtree import RbTree

POOL_PAGES = 256
MAX_NODES = 128
ZONE_PAGES = 16
OPEN = "open"


class Area:
    __slots__ = ("start", "size", "owner", "state")

    def __init__(self, start, size, owner):
        self.start, self.size, self.owner = start, size, owner
        self.state = "busy"


class VmapNodes:
    def __init__(self, nodes):
        self.nodes = min(max(nodes, 1), MAX_NODES)
        self.tree = Augmented("5.19")       # the global free tree
        self.addresses = RbTree()           # every area not free
        self.area = {}                      # start -> Area
        self.pools = {}                     # (node, pages) -> [head .. tail]
        self.lazy = []
        self.cpu = None

    def setup(self, lo, hi, page, main):
        self.page, self.main = page, main
        self.tree.setup(lo, hi, page, main)

    def request(self, keys):
        self.cpu = num(keys["cpu"]) if "cpu" in keys else None

    # --- owners and pools -------------------------------------------------
    def owner(self, start, end):
        if (start, end) != self.main or self.nodes == 1:
            return None
        return OPEN if self.cpu is None else self.cpu % self.nodes

    def pool(self, node, size):
        pages = size // self.page
        if pages > POOL_PAGES:
            return None
        return self.pools.setdefault((node, pages), [])

    def unpool(self, va):
        for node in range(self.nodes):
            p = self.pool(node, va.size)
            if va in p:
                p.remove(va)

    def pool_alloc(self, node, size, align):
        """(area or None, search)."""
        p = self.pool(node, size)
        if not p:
            return None, 0
        head = p[0]
        if head.start % align:
            p.append(p.pop(0))
            return None, 1
        self.unpool(head)
        return head, 1

    # --- the trees --------------------------------------------------------
    def link(self, start, size, owner):
        self.addresses.insert(start, start + size)
        self.area[start] = Area(start, size, owner)

    def give_back(self, areas, merge):
        """Areas (sorted as they are to go) to the free tree, adjacent ones
        as one block when merge."""
        i = 0
        while i < len(areas):
            start, end, j = areas[i].start, areas[i].start + areas[i].size, i + 1
            while merge and j < len(areas) and areas[j].start == end:
                end += areas[j].size
                j += 1
            for va in areas[i:j]:
                self.addresses.erase(self.addresses.find(va.start)[0])
                del self.area[va.start]
            self.tree.release(start, end)
            i = j

    def lazy_node(self, va):
        if va.owner not in (None, OPEN):
            return va.owner
        return va.start // (ZONE_PAGES * self.page) % self.nodes

    def purge(self, full, n=None):
        for node in range(self.nodes):
            decayed = []
            for pages in range(1, POOL_PAGES + 1):
                p = self.pools.get((node, pages), [])
                for _ in range(len(p) if full else len(p) // 4):
                    va = p[0]
                    self.unpool(va)
                    decayed.append(va)
            self.give_back(sorted(decayed, key=lambda va: va.start), True)
        n = len(self.lazy) if n is None else n
        lazy = sorted(self.lazy[:n], key=lambda va: va.start)
        for node in range(self.nodes):
            for va in lazy:
                if not full and va.owner in (node, OPEN) and \
                        self.pool(node, va.size) is not None:
                    self.pool(node, va.size).insert(0, va)
                    va.state = "pooled"
            back = [va for va in reversed(lazy)
                    if va.state == "lazy" and self.lazy_node(va) == node]
            self.give_back(back, False)
        self.lazy = self.lazy[n:]

    # --- the replay's calls -----------------------------------------------
    def reserve(self, addr, size):
        main = self.main
        owner = OPEN if main[0] <= addr < main[1] and self.nodes > 1 else None
        self.tree.carve(addr, size)
        self.link(addr, size, owner)

    def tree_alloc(self, size, align, start, end):
        """(addr or None, search)."""
        tree = self.tree
        va, search = tree.lowest_match(size, align, start,
                                       tree.search_length(size, align, start, end))
        if va is None:
            return None, search
        addr = align_up(max(va.start, start), align)
        return (addr if addr + size <= min(va.end, end) else None), search

    def alloc(self, areas, size, align, start, end):
        owner, search = self.owner(start, end), 0
        if owner not in (None, OPEN):
            va, search = self.pool_alloc(owner, size, align)
            if va is not None:
                va.state, va.owner = "busy", owner
                return areas.index(va.start), va.start, search
        addr, tree_search = self.tree_alloc(size, align, start, end)
        search += tree_search
        if addr is None and (self.lazy or self.pooled()):
            self.purge(True)
            addr, tree_search = self.tree_alloc(size, align, start, end)
            search += tree_search
        if addr is None:
            return None, 0, search
        self.tree.carve(addr, size)
        self.link(addr, size, owner)
        return areas.index(addr), addr, search

    def pooled(self):
        return any(self.pools.values())

    def free(self, areas, i):
        node, search = self.addresses.find(areas.A[i])
        va = self.area[node.start]
        va.state = "lazy"
        self.lazy.append(va)
        return search


def nodes_of(path):
    """cpus_possible, else the highest cpu= plus one, else 1."""
    cpus = 0
    for raw in open(path, encoding="utf-8"):
        line = raw.split("#", 1)[0].split()
        if line[:2] == ["meta", "cpus_possible"] and len(line) == 3 and line[2].isdigit() \
                and 1 <= int(line[2]) <= 65536:
            return int(line[2])
        for kv in line[3:]:
            if kv.startswith("cpu="):
                cpus = max(cpus, num(kv[4:]) + 1)
    return cpus or 1


if __name__ == "__main__":
    replay(sys.argv[-1], VmapNodes(nodes_of(sys.argv[-1])))
