#!/bin/sh
# Replay throughput at 100 000 live areas (issue target: >= 5 million
# events/s through augmented, mean alloc search < 2 log2(live) + 8).
# A seeded generated trace (100 000 snapshot areas, 2 000 000 alloc/free
# events hovering around 100 000 live, binary) is replayed 3 times through
# each model but the linear ones; each run also times a raw read of the
# file (cat > /dev/null) for the ratio.  Writes bench/results/replay.json.
#   bench/replay.sh [EVENTS]   (default 2000000)
set -eu
cd "$(dirname "$0")/.."
events=${1:-2000000}
live=100000
vmtrace=build/vmtrace
data=bench/data
trace=$data/live$live-$events.vmt
out=bench/results/replay.json
mkdir -p "$data" bench/results
[ -e "$trace" ] || "$vmtrace" generate --seed 1 --snapshot "$live" --live-target "$live" \
	--events "$events" --windows 0 "$trace"
now() { date +%s.%N; }
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
for model in augmented augmented-5.2 augmented-5.19; do
	for run in 1 2 3; do
		t0=$(now); cat "$trace" > /dev/null; t1=$(now)
		"$vmtrace" replay -a "$model" --json "$tmp.json" "$trace" > /dev/null
		jq -c --arg t0 "$t0" --arg t1 "$t1" --argjson live "$live" \
			'{model, events: .summary.events, seconds: .summary.replay_seconds,
			  events_per_sec: .summary.events_per_sec,
			  alloc_search_mean: .summary.alloc_search_mean,
			  raw_read_seconds: (($t1 | tonumber) - ($t0 | tonumber)), live: $live}' \
			"$tmp.json" >> "$tmp"
	done
done
rm -f "$tmp.json"
# Search lengths are exact: one more run per model, with --events (slower,
# so not timed), splits the mean between page-aligned requests and those
# aligned above a page, where exact and pruned searches differ most.
split=$(mktemp)
trap 'rm -f "$tmp" "$split" "$split.csv" "$split.json" "$out.tmp"' EXIT
for model in augmented augmented-5.2 augmented-5.19; do
	"$vmtrace" replay -a "$model" --events "$split.csv" "$trace" > /dev/null
	# (The generated trace has 4 KiB pages.)
	awk -F, -v model="$model" 'NR > 1 && $2 == "alloc" {
		k = $5 > 4096 ? "aligned" : "page"; n[k]++; s[k] += $7 }
		END { printf "{\"model\": \"%s\", \"alloc_search_mean_page_aligned\": %.4f, " \
			"\"alloc_search_mean_above_page\": %.4f, \"allocs_above_page\": %d}\n",
			model, s["page"] / n["page"], n["aligned"] ? s["aligned"] / n["aligned"] : 0,
			n["aligned"] }' "$split.csv" >> "$split"
done
# The median run of each model (by events/s), with its search split.
jq -s --arg trace "$trace" --arg commit "$(git rev-parse --short HEAD)" \
	--arg date "$(date -u +%Y-%m-%d)" --arg loadavg "$(cut -d' ' -f1-3 /proc/loadavg)" \
	'{what: "replay through a model at 100 000 live areas, no lock timing",
	trace: $trace, commit: $commit, date: $date, loadavg: $loadavg,
	results: (group_by(.model) | map(sort_by(.events_per_sec) | .[1]
		| . + {replay_over_raw: (.seconds / .raw_read_seconds)}))}' "$tmp" > "$split.json"
# Written whole, then renamed: a failed step leaves the last good results.
jq --slurpfile split "$split" '.results |= map(. as $r
	| . + ($split | map(select(.model == $r.model)) | .[0]))' "$split.json" > "$out.tmp"
mv "$out.tmp" "$out"
jq -r '.results[] | "\(.model): \(.events_per_sec | floor) events/s, search mean \(.alloc_search_mean) (page aligned \(.alloc_search_mean_page_aligned), above a page \(.alloc_search_mean_above_page))"' "$out"
