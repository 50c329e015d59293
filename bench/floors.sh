#!/bin/sh
# Machine floors (bench/bench_floors.c): first-touch cost per page, memory
# latency by working-set size, and one busy-tree descent at 100 000 live
# areas, measured 3 times; the median of each figure goes to
# bench/results/floors.json.  `vmtrace report --bench` turns them into the
# ceiling each throughput target can reach on this machine.  The file-
# mapping figure maps bench/read.sh's binary trace, which must exist.
#   bench/floors.sh [FILE]   (default bench/data/gen-10000000-1.vmt)
set -eu
cd "$(dirname "$0")/.."
file=${1:-bench/data/gen-10000000-1.vmt}
out=bench/results/floors.json
ninja build/bench/bench_floors >/dev/null
[ -e "$file" ] || { echo "bench/floors.sh: $file: no such file (bench/read.sh makes it)" >&2; exit 1; }
mkdir -p bench/results
runs=$(mktemp)
trap 'rm -f "$runs" "$out.tmp"' EXIT
for i in 1 2 3; do
	build/bench/bench_floors "$file" 100000 >> "$runs"
done
# The median of every number, field by field; the runs kept beside.
jq -s --arg commit "$(git rev-parse --short HEAD)" --arg loadavg "$(cut -d' ' -f1-3 /proc/loadavg)" '
	def median: sort | .[length / 2 | floor];
	. as $runs
	| $runs[0] | [paths(numbers)]
	| reduce .[] as $p ({}; setpath($p; [$runs[] | getpath($p)] | median))
	| . + {what: "machine floors (bench/bench_floors.c), median of 3 runs",
	       touch_file: $runs[0].touch_file, commit: $commit, loadavg: $loadavg, runs: $runs}' \
	"$runs" > "$out.tmp"
mv "$out.tmp" "$out"
jq -c '{first_touch_ns_per_page, latency_ns, busy_find}' "$out"
