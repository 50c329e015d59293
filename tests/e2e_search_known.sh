#!/bin/sh
# Hand-worked search lengths for cases the placement oracles cannot see
# (a change of search length with no change of address), worked out from
# the kernel's 2.6.28 alloc_vmap_area() on the tree the trace builds, not
# from allocator/rbtree.c.  tests/oracle_traces/rbtree_descent.vmt.txt:
# A = [0x40000000, +4K) is the root, B = [0x40002000, +4K) its right
# child; x asks for 4K from vstart 0x40001000 = A's end.  The descent
# reads A (va_end >= addr: first = A, go left: nothing), the walk steps
# from A to B (the hole before B fits): 2.  x is then inserted left of B
# and the red-red fix-up rotates it to the root, so its free reads 1 node.
# tests/oracle_traces/cache_free_at_vstart.vmt.txt through rbtree-cache
# (2.6.39 alloc_vmap_area() and __free_vmap_area()): y's descent reads P
# then X (X ends at addr): 2, and y becomes the cache, cached_vstart =
# 0x40003000.  X's free reads the root X: 1; X ends exactly at
# cached_vstart (not below: the test is `<`) and starts below y, so the
# cache moves back to P.  z reads the cache P (1), whose aligned end is
# below vstart: `goto nocache`, and the descent reads y, the root: 2.
set -eu
vmtrace=${VMTRACE:-build/vmtrace}
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/want.csv" <<'CSV'
seq,op,id,size,align,addr,search
1,alloc,x,4096,4096,0x40001000,2
2,free,x,4096,,0x40001000,1
CSV
"$vmtrace" replay -a rbtree --events "$tmp/got.csv" tests/oracle_traces/rbtree_descent.vmt.txt > /dev/null
if ! cmp -s "$tmp/want.csv" "$tmp/got.csv"; then
	echo "FAIL: rbtree on rbtree_descent.vmt.txt:"
	diff "$tmp/want.csv" "$tmp/got.csv"
	exit 1
fi
cat > "$tmp/want.csv" <<'CSV'
seq,op,id,size,align,addr,search
1,alloc,y,4096,4096,0x40003000,2
2,free,X,4096,,0x40002000,1
3,alloc,z,4096,4096,0x40004000,2
CSV
"$vmtrace" replay -a rbtree-cache --events "$tmp/got.csv" \
	tests/oracle_traces/cache_free_at_vstart.vmt.txt > /dev/null
if ! cmp -s "$tmp/want.csv" "$tmp/got.csv"; then
	echo "FAIL: rbtree-cache on cache_free_at_vstart.vmt.txt:"
	diff "$tmp/want.csv" "$tmp/got.csv"
	exit 1
fi
echo "ok: rbtree search lengths on rbtree_descent.vmt.txt, rbtree-cache's on cache_free_at_vstart.vmt.txt"
