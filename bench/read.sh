#!/bin/sh
# Trace-reading benchmarks (issue targets: binary >= 100M events/s, text
# >= 10M lines/s; issue 18's text target: >= 5M lines/s, which the report
# states under the table; bench/import.sh measures the tracefs import).  Generates a seeded 10M-event trace as text and binary
# (bench/data/, reused when present), reads each file 3 times with
# `bench_trace read` (raw read(2) of the file, then vmt_trace_load, no
# model), and writes the median of each figure to bench/results/read.json
# with every run's raw figures beside it.
#   bench/read.sh [EVENTS]     (default 10000000)
set -eu
cd "$(dirname "$0")/.."
events=${1:-10000000}
seed=1
data=bench/data
out=bench/results/read.json
ninja build/bench/bench_trace >/dev/null
mkdir -p "$data" bench/results
txt=$data/gen-$events-$seed.vmt.txt
bin=$data/gen-$events-$seed.vmt
zst=$data/gen-$events-$seed.vmt.zst
if [ ! -e "$txt" ] || [ ! -e "$bin" ] || [ ! -e "$zst" ]; then
	build/bench/bench_trace gen "$events" "$seed" "$txt" "$bin" "$zst"
fi
# Each file is dropped from the page cache and read back once, so every run
# finds it cached as a read from disk leaves it (in large folios, which the
# loader maps 2 MiB at a time), not as the generator's writes left it.
for f in "$bin" "$txt" "$zst"; do
	dd if="$f" iflag=nocache count=0 status=none
	cat "$f" > /dev/null
done
runs=$(mktemp)
trap 'rm -f "$runs"' EXIT
for i in 1 2 3; do
	for f in "$bin" "$txt" "$zst"; do
		build/bench/bench_trace read "$f" >>"$runs"
	done
done
python3 - "$runs" "$out" "$(nproc)" "$(cat /proc/loadavg)" "$(git rev-parse --short HEAD)" <<'PY'
import json, statistics, sys
runs = [json.loads(l) for l in open(sys.argv[1])]
by_file = {}
for r in runs:
    by_file.setdefault(r["file"], []).append(r)
results = []
for f, rs in by_file.items():
    med = lambda k: statistics.median(r[k] for r in rs)
    results.append({
        "file": f, "format": rs[0]["format"], "bytes": rs[0]["bytes"],
        "events": rs[0]["events"], "runs": len(rs),
        "median_events_per_s": med("events_per_s"),
        "median_load_s": med("load_s"), "median_raw_s": med("raw_s"),
        "median_load_over_raw": med("load_over_raw"),
        "raw": rs,
    })
doc = {"what": "vmt_trace_load (no model) vs read(2) of the same file, same run",
       "commit": sys.argv[5],
       "cpus": int(sys.argv[3]), "loadavg_at_end": sys.argv[4], "results": results}
json.dump(doc, open(sys.argv[2], "w"), indent=1)
for r in results:
    print("%-12s %10.1f M events/s  load %.3f s  raw %.3f s  load/raw %.1f" % (
        r["format"], r["median_events_per_s"] / 1e6, r["median_load_s"],
        r["median_raw_s"], r["median_load_over_raw"]))
PY
