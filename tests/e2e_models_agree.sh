#!/bin/sh
# The lowest-fit models (linear, rbtree, augmented, maple, and bitmap, whose
# first fit over the bits is lowest fit) place every allocation
# of every shipped trace (and every trace in tests/data/) at the same
# address and fail the same ones: their --events CSVs agree row for row
# but for the search column.  Every model, the heuristic ones included,
# replays every trace under --check (its invariant checker after every
# event).  jemalloc, whose placements come from the library at run time,
# places identically in a second process.
set -eu
vmtrace=${VMTRACE:-build/vmtrace}
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
models=$("$vmtrace" models | cut -f1)
n=0
for trace in traces/*.vmt.txt traces/*.vmt traces/*.vmt.zst tests/data/*.vmt.txt; do
	[ -e "$trace" ] || continue
	for model in $models; do
		"$vmtrace" replay -a "$model" --check --events "$tmp/$model.csv" "$trace" \
			> /dev/null 2> "$tmp/err" ||
			{ echo "FAIL: $trace: $model --check: $(cat "$tmp/err")"; exit 1; }
		# seq,op,id,size,align,addr: everything but the search length.
		cut -d, -f1-6 "$tmp/$model.csv" > "$tmp/$model.placed"
	done
	"$vmtrace" replay -a jemalloc --events "$tmp/jemalloc.again" "$trace" > /dev/null
	cmp -s "$tmp/jemalloc.csv" "$tmp/jemalloc.again" ||
		{ echo "FAIL: $trace: jemalloc places differently in a second run"; exit 1; }
	for model in rbtree augmented maple bitmap; do
		if ! cmp -s "$tmp/linear.placed" "$tmp/$model.placed"; then
			echo "FAIL: $trace: $model places differently from linear:"
			diff "$tmp/linear.placed" "$tmp/$model.placed" | head -10
			exit 1
		fi
	done
	rows=$(($(wc -l < "$tmp/linear.placed") - 1))
	[ "$rows" -gt 0 ] || { echo "FAIL: $trace: no allocation compared"; exit 1; }
	echo "ok: $trace: linear, rbtree, augmented, maple, bitmap agree on $rows allocs and frees; every model passes --check"
	n=$((n + 1))
done
[ "$n" -gt 0 ] || { echo "FAIL: no trace to compare"; exit 1; }
