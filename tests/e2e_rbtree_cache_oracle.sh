#!/bin/sh
# The placements of the rbtree-cache model (the seq, op, id, size, align
# and addr columns of --events: every address and every failure) equal
# what tests/ref_rbtree_cache.py, written from the kernel's 2.6.39-5.1
# free_vmap_cache rules and sharing no code with allocator/, computes, for
# every shipped trace and every trace in tests/data/ and tests/oracle_traces/.
# Search lengths are not compared: the reference has no red-black tree to
# count the descent.
set -eu
vmtrace=${VMTRACE:-build/vmtrace}
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 differ=0
for trace in traces/*.vmt.txt traces/*.vmt traces/*.vmt.zst tests/data/*.vmt.txt \
		tests/oracle_traces/*.vmt.txt; do
	[ -e "$trace" ] || continue
	"$vmtrace" convert "$trace" "$tmp/trace.vmt.txt"
	python3 tests/ref_rbtree_cache.py "$tmp/trace.vmt.txt" | cut -d, -f1-6 > "$tmp/want.csv"
	"$vmtrace" replay -a rbtree-cache --events "$tmp/got.csv" "$trace" > /dev/null
	cut -d, -f1-6 "$tmp/got.csv" > "$tmp/got6.csv"
	if ! cmp -s "$tmp/want.csv" "$tmp/got6.csv"; then
		echo "FAIL: $trace: rbtree-cache placements differ from the reference:"
		diff "$tmp/want.csv" "$tmp/got6.csv" | head -20
		exit 1
	fi
	# How many placements are not linear's: the cache is being exercised.
	"$vmtrace" replay -a linear --events "$tmp/lin.csv" "$trace" > /dev/null
	d=$(cut -d, -f1-6 "$tmp/lin.csv" | diff - "$tmp/want.csv" | grep -c '^>') || d=0
	differ=$((differ + d))
	echo "ok: $trace ($(($(wc -l < "$tmp/want.csv") - 1)) rows agree, $d unlike linear's)"
	n=$((n + 1))
done
[ "$n" -gt 0 ] || { echo "FAIL: no trace to compare"; exit 1; }
[ "$differ" -gt 0 ] || { echo "FAIL: no placement unlike linear's: the cache is never tested"; exit 1; }
