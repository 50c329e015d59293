#!/bin/sh
# Models compared with an oracle of their own (those not plain lowest fit,
# and the lowest-fit ones whose search counts only such an oracle checks):
# their --events (every placement, every failure and every search
# length, alloc and free) equal what a Python reimplementation written
# from the design (the kernel's, Knuth's, Bonwick and Adams's) computes,
# sharing no code with allocator/:
#   augmented-5.2, augmented-5.19  tests/ref_augmented.py (5.2's and
#                  5.19's find_vmap_lowest_match over tests/ref_rbtree.py's
#                  red-black tree with subtree_max_size)
#   buddy          tests/ref_buddy.py, and its memory figures (internal
#                  waste, metadata bytes) with --memory
#   vmem-instant, vmem-next  tests/ref_vmem.py
#   bitmap         tests/ref_bitmap.py (lib/bitmap.c's
#                  bitmap_find_next_zero_area_off(), words read)
#   maple          tests/ref_maple.py (the B-tree's splits, merges and
#                  gap descent; nodes entered and read)
#   vmap-nodes     tests/ref_vmap_nodes.py (pools, lazy frees, purges and
#                  full decay over ref_augmented.py's 5.19 free tree)
# (augmented and vmem-best, the same oracles' other modes, are compared on
# the generated traces of tests/e2e_property.sh.)  Every shipped trace, the
# 153 807-event storm included, every trace in tests/data/ and
# tests/oracle_traces/, and generated ones: alignment above a page (5.2 and
# 5.19 prune differently there), request windows, the narrow i386 window,
# a multi-CPU kernel pattern, and two traces made lazy by
# tests/lazy_trace.py (purges, kernel-failed allocs with the full decay
# after them, cpu= on most allocs): pools hit, rotated and decayed, open
# owners, and in the narrow i386 window the alloc's own full purge.
set -eu
vmtrace=${VMTRACE:-build/vmtrace}
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
oracles="augmented-5.2:ref_augmented.py augmented-5.2
augmented-5.19:ref_augmented.py augmented-5.19
buddy:ref_buddy.py
vmem-instant:ref_vmem.py vmem-instant
vmem-next:ref_vmem.py vmem-next
bitmap:ref_bitmap.py
maple:ref_maple.py
vmap-nodes:ref_vmap_nodes.py"
"$vmtrace" generate --pattern long_busy_list_alloc --busy 2000 --count 500 --threads 3 \
	"$tmp/lbl.vmt" 2> /dev/null
"$vmtrace" generate --seed 7 --snapshot 500 --live-target 800 --events 20000 --aligned 40 \
	--align-rule any --windows 20 "$tmp/gen.vmt" 2> /dev/null
"$vmtrace" generate --seed 8 --range i386 --live-target 300 --events 5000 --aligned 40 \
	--align-rule any "$tmp/i386.vmt" 2> /dev/null
"$vmtrace" generate --seed 9 --snapshot 200 --live-target 400 --events 8000 --aligned 40 \
	--align-rule any --windows 10 "$tmp/g9.vmt.txt" 2> /dev/null
python3 tests/lazy_trace.py 40 300 "$tmp/g9.vmt.txt" > "$tmp/lazy.vmt.txt"
"$vmtrace" generate --seed 10 --range i386 --live-target 600 --events 6000 --aligned 30 \
	--align-rule any "$tmp/g10.vmt.txt" 2> /dev/null
python3 tests/lazy_trace.py 400 250 "$tmp/g10.vmt.txt" > "$tmp/lazy386.vmt.txt"
n=0
for trace in traces/*.vmt.txt traces/*.vmt traces/*.vmt.zst tests/data/*.vmt.txt \
		tests/oracle_traces/*.vmt.txt "$tmp/lbl.vmt" "$tmp/gen.vmt" "$tmp/i386.vmt" \
		"$tmp/lazy.vmt.txt" "$tmp/lazy386.vmt.txt"; do
	[ -e "$trace" ] || continue
	"$vmtrace" convert "$trace" "$tmp/trace.vmt.txt" 2> /dev/null
	echo "$oracles" | while IFS=: read -r model oracle; do
		# shellcheck disable=SC2086
		python3 tests/$oracle "$tmp/trace.vmt.txt" > "$tmp/want.csv"
		"$vmtrace" replay -a "$model" --events "$tmp/got.csv" --json "$tmp/s.json" \
			"$trace" > /dev/null
		if ! cmp -s "$tmp/want.csv" "$tmp/got.csv"; then
			echo "FAIL: $trace: $model events differ from tests/$oracle:"
			diff "$tmp/want.csv" "$tmp/got.csv" | head -20
			exit 1
		fi
		[ "$model" = buddy ] || continue
		want=$(python3 tests/ref_buddy.py --memory "$tmp/trace.vmt.txt")
		got=$(jq -r '.summary | "\(.max_internal_waste) \(.end_internal_waste) \(.max_metadata_bytes)"' \
			"$tmp/s.json")
		[ "$want" = "$got" ] || {
			echo "FAIL: $trace: buddy's max/end internal waste, max metadata bytes: $got," \
				"tests/ref_buddy.py --memory: $want"
			exit 1
		}
	done
	echo "ok: $trace ($(($(wc -l < "$tmp/want.csv") - 1)) rows, searches included, agree for" \
		"$(echo "$oracles" | cut -d: -f1 | tr '\n' ' ')"
	n=$((n + 1))
done
[ "$n" -gt 0 ] || { echo "FAIL: no trace to compare"; exit 1; }
