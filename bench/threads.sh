#!/bin/sh
# Thread scaling of every model: a recorded multi-CPU trace replayed as K
# interleaved copies on 1, 2, 4 and 8 threads (the same work at every
# thread count), each thread taking the model's lock around every call.
#   bench/threads.sh OUTDIR [TRACE] [K]
# Writes OUTDIR/<trace>.<model>.threads<N>.json (replay --json) and prints
# their paths, one per line, for the report.
set -eu
cd "$(dirname "$0")/.."
outdir=$1
trace=${2:-traces/rec-process-burst.vmt.zst}
copies=${3:-8}
vmtrace=build/vmtrace
stem=$(basename "$trace"); stem=${stem%.zst}; stem=${stem%.txt}; stem=${stem%.vmt}
mkdir -p "$outdir"
for model in $("$vmtrace" models | cut -f1); do
	for threads in 1 2 4 8; do
		echo "threads: $trace through $model on $threads threads" >&2
		json=$outdir/$stem.$model.threads$threads.json
		"$vmtrace" replay -a "$model" --threads "$threads" --scale "$copies" \
			--json "$json" "$trace" > /dev/null
		echo "$json"
	done
done
