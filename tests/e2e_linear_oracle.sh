#!/bin/sh
# The --events CSV of the linear model equals, row for row, what an
# independent implementation of the 2.4 placement loop (tests/ref_linear.py)
# computes, for every shipped trace and every trace in tests/data/.
set -eu
vmtrace=${VMTRACE:-build/vmtrace}
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
for trace in traces/*.vmt.txt tests/data/*.vmt.txt; do
	[ -e "$trace" ] || continue
	python3 tests/ref_linear.py "$trace" > "$tmp/want.csv"
	"$vmtrace" replay -a linear --check --events "$tmp/got.csv" "$trace" > /dev/null
	if ! cmp -s "$tmp/want.csv" "$tmp/got.csv"; then
		echo "FAIL: $trace: linear --events differs from the reference loop:"
		diff "$tmp/want.csv" "$tmp/got.csv" | head -20
		exit 1
	fi
	rows=$(($(wc -l < "$tmp/got.csv") - 1))
	echo "ok: $trace ($rows rows agree)"
	n=$((n + 1))
done
[ "$n" -gt 0 ] || { echo "FAIL: no trace to compare"; exit 1; }
