#!/bin/sh
# Search length and time per allocation of every model against the number
# of live areas, 1 000 to 1 000 000 (half-decades), on generated traces:
# N snapshot areas, then E alloc/free events hovering around N live, page
# aligned, no request windows.  E shrinks as N grows (the linear models
# walk up to N nodes per call) but stays >= 1000.
#   bench/live_scaling.sh OUT.csv
# OUT.csv: model,live,events,alloc_search_mean,alloc_holdtime_avg_ns
# (holdtime: the model's alloc call, timed as in `replay --lock-stat`).
set -eu
cd "$(dirname "$0")/.."
out=$1
vmtrace=build/vmtrace
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
models=$("$vmtrace" models | cut -f1)
echo "model,live,events,alloc_search_mean,alloc_holdtime_avg_ns" > "$tmp/out.csv"
for live in 1000 3162 10000 31623 100000 316228 1000000; do
	events=$((200000000 / live))
	[ "$events" -le 100000 ] || events=100000
	[ "$events" -ge 1000 ] || events=1000
	"$vmtrace" generate --seed 1 --snapshot "$live" --live-target "$live" \
		--events "$events" --windows 0 --aligned 0 "$tmp/trace.vmt"
	for model in $models; do
		echo "live_scaling: $live live areas, $events events, $model" >&2
		"$vmtrace" replay -a "$model" --lock-stat --json "$tmp/s.json" "$tmp/trace.vmt" > /dev/null
		jq -r --arg live "$live" --arg events "$events" \
			'[.model, $live, $events, .summary.alloc_search_mean,
			  .summary.lock_stat.alloc.holdtime_avg] | join(",")' \
			"$tmp/s.json" >> "$tmp/out.csv"
	done
done
mv "$tmp/out.csv" "$out"
