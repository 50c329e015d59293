#!/bin/sh
# Replay throughput at 100 000 live areas (issue target: >= 5 million
# events/s through augmented, mean alloc search < 2 log2(live) + 8).
# A seeded generated trace (100 000 snapshot areas, then 10 000 000
# alloc/free events hovering around 100 000 live, binary; aligned requests
# aligned as ioremap aligns them) is replayed 3 times through each model
# but the linear ones; each run also times a raw read of the file
# (cat > /dev/null) for the ratio.  The same trace with --align-rule any
# (8 KiB-1 MiB alignment whatever the size, a stress no kernel caller
# makes) is replayed once per model for its search lengths, which are
# exact.  Each timed run is paired with one isolated busy-tree descent
# at the same live count (bench_floors --busy-find, just before it): the
# replay's CPU ns per event over that descent's CPU ns is the ratio the
# issue targets (at most 2), which a shared machine moves less than either
# figure.  rbtree and rbtree-cache are not timed: their allocs walk the
# busy list (their exact search lengths are O(live)), so no descent bounds
# them.  Writes bench/results/replay.json.
#   bench/replay.sh [EVENTS]   (default 10000000)
set -eu
cd "$(dirname "$0")/.."
events=${1:-10000000}
live=100000
models="augmented augmented-5.2 augmented-5.19 vmap-nodes maple"
vmtrace=build/vmtrace
data=bench/data
trace=$data/live$live-$events-ioremap.vmt
stress=$data/live$live-$events-any.vmt
out=bench/results/replay.json
mkdir -p "$data" bench/results
generate() { # TRACE RULE
	[ -e "$1" ] || "$vmtrace" generate --seed 1 --snapshot "$live" --live-target "$live" \
		--events "$events" --windows 0 --align-rule "$2" "$1"
}
generate "$trace" ioremap
generate "$stress" any
now() { date +%s.%N; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp" "$out.tmp"' EXIT
ninja build/bench/bench_floors >/dev/null
for model in $models; do
	for run in 1 2 3; do
		t0=$(now); cat "$trace" > /dev/null; t1=$(now)
		descent=$(build/bench/bench_floors --busy-find "$live" | jq .busy_find.ns)
		"$vmtrace" replay -a "$model" --json "$tmp/s.json" "$trace" > /dev/null
		jq -c --arg t0 "$t0" --arg t1 "$t1" --argjson live "$live" --argjson descent "$descent" \
			'{model, events: .summary.events, seconds: .summary.replay_seconds,
			  events_per_sec: .summary.events_per_sec,
			  alloc_search_mean: .summary.alloc_search_mean,
			  raw_read_seconds: (($t1 | tonumber) - ($t0 | tonumber)), live: $live,
			  cpu_ns_per_event: (1e9 * .summary.replay_cpu_seconds / .summary.events),
			  descent_ns: $descent,
			  over_descent: (1e9 * .summary.replay_cpu_seconds / .summary.events / $descent)}' \
			"$tmp/s.json" >> "$tmp/runs"
	done
done
# Search lengths are exact: one more run per model and trace, with
# --events (slower, so not timed), splits the mean between page-aligned
# requests and those aligned above a page, where exact and pruned searches
# differ most.  (The generated traces have 4 KiB pages.)
search_split() { # TRACE RULE
	for model in $models; do
		"$vmtrace" replay -a "$model" --events "$tmp/events.csv" "$1" > /dev/null
		awk -F, -v model="$model" -v rule="$2" 'NR > 1 && $2 == "alloc" {
			k = $5 > 4096 ? "aligned" : "page"; n[k]++; s[k] += $7 }
			END { printf "{\"model\": \"%s\", \"align_rule\": \"%s\", " \
				"\"alloc_search_mean\": %.4f, " \
				"\"alloc_search_mean_page_aligned\": %.4f, " \
				"\"alloc_search_mean_above_page\": %.4f, \"allocs_above_page\": %d}\n",
				model, rule, (s["page"] + s["aligned"]) / (n["page"] + n["aligned"]),
				s["page"] / n["page"], n["aligned"] ? s["aligned"] / n["aligned"] : 0,
				n["aligned"] }' "$tmp/events.csv"
	done
	rm -f "$tmp/events.csv"
}
search_split "$trace" ioremap > "$tmp/split"
search_split "$stress" any > "$tmp/stress"
# The median run of each model (by events/s), with its search split and
# the median of its runs' ratios to the descent.
jq -s --arg trace "$trace" --arg stress "$stress" --arg commit "$(git rev-parse --short HEAD)" \
	--arg date "$(date -u +%Y-%m-%d)" --arg loadavg "$(cut -d' ' -f1-3 /proc/loadavg)" \
	--slurpfile split "$tmp/split" --slurpfile stress_split "$tmp/stress" \
	'{what: "replay through a model at 100 000 live areas, no lock timing",
	trace: $trace, stress_trace: $stress, commit: $commit, date: $date, loadavg: $loadavg,
	descent_target: 2,
	results: (group_by(.model) | map((sort_by(.over_descent) | .[1].over_descent) as $ratio
		| sort_by(.events_per_sec) | .[1]
		| . + {replay_over_raw: (.seconds / .raw_read_seconds), over_descent: $ratio}
		| . as $r | . + ($split | map(select(.model == $r.model)) | .[0]
			| del(.alloc_search_mean)))),
	stress: $stress_split}' "$tmp/runs" > "$out.tmp"
# Written whole, then renamed: a failed step leaves the last good results.
mv "$out.tmp" "$out"
jq -r '.results[] | "\(.model): \(.events_per_sec | floor) events/s, \(.over_descent * 100 | round / 100)x a busy-tree descent (target 2x), search mean \(.alloc_search_mean) (page aligned \(.alloc_search_mean_page_aligned), above a page \(.alloc_search_mean_above_page))"' "$out"
jq -r '.stress[] | "\(.model) under --align-rule any: search mean \(.alloc_search_mean) (page aligned \(.alloc_search_mean_page_aligned), above a page \(.alloc_search_mean_above_page))"' "$out"
