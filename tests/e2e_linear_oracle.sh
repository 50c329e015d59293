#!/bin/sh
# The --events CSV of the linear model equals, row for row, what an
# independent implementation of the 2.4 placement loop (tests/ref_linear.py)
# computes, for every shipped trace (binary ones converted to text first)
# and every trace in tests/data/ and tests/oracle_traces/, the 153 807-event
# storm included (the reference jumps over holes too small for the
# request, counting each area it jumps; on the test traces its node-by-node
# `--plain` walk must give the same rows).
set -eu
vmtrace=${VMTRACE:-build/vmtrace}
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
for trace in traces/*.vmt.txt traces/*.vmt traces/*.vmt.zst tests/data/*.vmt.txt \
		tests/oracle_traces/*.vmt.txt; do
	[ -e "$trace" ] || continue
	"$vmtrace" convert "$trace" "$tmp/trace.vmt.txt"
	python3 tests/ref_linear.py "$tmp/trace.vmt.txt" > "$tmp/want.csv"
	case $trace in tests/data/*|tests/oracle_traces/*)
		python3 tests/ref_linear.py --plain "$tmp/trace.vmt.txt" > "$tmp/plain.csv"
		cmp -s "$tmp/want.csv" "$tmp/plain.csv" ||
			{ echo "FAIL: $trace: ref_linear.py's jumps differ from its --plain walk"; exit 1; }
	esac
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
