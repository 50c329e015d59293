#!/bin/sh
# The rbtree model's --events (every placement, every failure and every
# search length, alloc and free) equal what tests/ref_rbtree.py computes:
# a red-black tree written in Python from the textbook algorithm, sharing
# no code with allocator/, and the 2.6.28 search counted as
# allocator/rbtree.c defines it.  Every shipped trace, every trace in
# tests/data/ and tests/oracle_traces/, and a generated long_busy_list
# with threads (deep trees, interleaved frees).
set -eu
vmtrace=${VMTRACE:-build/vmtrace}
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$vmtrace" generate --pattern long_busy_list_alloc --busy 2000 --count 500 --threads 3 \
	"$tmp/lbl.vmt"
"$vmtrace" generate --seed 5 --snapshot 500 --live-target 800 --events 20000 "$tmp/gen.vmt"
n=0
for trace in traces/*.vmt.txt traces/*.vmt traces/*.vmt.zst tests/data/*.vmt.txt \
		tests/oracle_traces/*.vmt.txt "$tmp/lbl.vmt" "$tmp/gen.vmt"; do
	[ -e "$trace" ] || continue
	"$vmtrace" convert "$trace" "$tmp/trace.vmt.txt"
	python3 tests/ref_rbtree.py "$tmp/trace.vmt.txt" > "$tmp/want.csv"
	"$vmtrace" replay -a rbtree --events "$tmp/got.csv" "$trace" > /dev/null
	if ! cmp -s "$tmp/want.csv" "$tmp/got.csv"; then
		echo "FAIL: $trace: rbtree events differ from the reference:"
		diff "$tmp/want.csv" "$tmp/got.csv" | head -20
		exit 1
	fi
	echo "ok: $trace ($(($(wc -l < "$tmp/want.csv") - 1)) rows agree, searches included)"
	n=$((n + 1))
done
[ "$n" -gt 0 ] || { echo "FAIL: no trace to compare"; exit 1; }
