#!/bin/sh
# Thread scaling of every model: a recorded multi-CPU trace replayed as K
# interleaved copies on 1, 2, 4 ... threads up to twice the machine's cores
# (at most 8; the same work at every thread count), each thread taking the
# model's lock around every call, REPEATS times each (default 3).
#   bench/threads.sh OUTDIR [TRACE] [K] [REPEATS]
# Writes OUTDIR/<trace>.<model>.threads<N>.run<R>.json (replay --json),
# prints the paths of the first run of each, one per line, for the report,
# and writes OUTDIR/threads.csv, every run summed up per thread count for
# plots/threads.gp:
#   model,threads,cores,runs,ops_mean,ops_min,ops_max,wait_ms_mean,wait_ms_min,wait_ms_max
set -eu
cd "$(dirname "$0")/.."
outdir=$1
trace=${2:-traces/rec-process-burst.vmt.zst}
copies=${3:-8}
repeats=${4:-3}
vmtrace=build/vmtrace
stem=$(basename "$trace"); stem=${stem%.zst}; stem=${stem%.txt}; stem=${stem%.vmt}
cores=$(nproc)
mkdir -p "$outdir"
runs=$outdir/threads-runs.csv
echo "model,threads,ops_per_sec,wait_ns" > "$runs"
for model in $("$vmtrace" models | cut -f1); do
	threads=1
	while [ "$threads" -le 8 ] && [ "$threads" -le $((2 * cores)) ]; do
		run=1
		while [ "$run" -le "$repeats" ]; do
			echo "threads: $trace through $model on $threads threads, run $run" >&2
			json=$outdir/$stem.$model.threads$threads.run$run.json
			"$vmtrace" replay -a "$model" --threads "$threads" --scale "$copies" \
				--json "$json" "$trace" > /dev/null
			[ "$run" -gt 1 ] || echo "$json"
			jq -r --arg m "$model" --arg t "$threads" \
				'[$m, $t, .summary.threads.ops_per_sec,
				  .summary.lock_stat.alloc.waittime_total + .summary.lock_stat.free.waittime_total]
				 | map(tostring) | join(",")' "$json" >> "$runs"
			run=$((run + 1))
		done
		threads=$((threads * 2))
	done
done
# Mean, min and max over the runs of each model and thread count, in run order.
awk -F, -v cores="$cores" '
	NR == 1 { print "model,threads,cores,runs,ops_mean,ops_min,ops_max,wait_ms_mean,wait_ms_min,wait_ms_max"; next }
	{
		k = $1 "," $2
		if (!(k in n)) { order[++keys] = k; omin[k] = omax[k] = $3; wmin[k] = wmax[k] = $4 }
		n[k]++; osum[k] += $3; wsum[k] += $4
		if ($3 < omin[k]) omin[k] = $3; if ($3 > omax[k]) omax[k] = $3
		if ($4 < wmin[k]) wmin[k] = $4; if ($4 > wmax[k]) wmax[k] = $4
	}
	END {
		for (i = 1; i <= keys; i++) {
			k = order[i]
			printf "%s,%d,%d,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g\n", k, cores, n[k],
				osum[k] / n[k], omin[k], omax[k],
				wsum[k] / n[k] / 1e6, wmin[k] / 1e6, wmax[k] / 1e6
		}
	}' "$runs" > "$outdir/threads.csv"
