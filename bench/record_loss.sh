#!/bin/sh
# Recording under an allocation storm (issue 18, section 1): the storm of
# scripts/workloads/bpf_map_storm.sh at 1, 2, 4, 8 and 16 workers, each
# run alone, under `vmtrace record`, under `vmtrace record --no-stacks`
# and under `perf record -a -e 'vmalloc:*'`, one after the other: the
# events each recorder kept, those it lost, and the workload's maps/s
# relative to the same worker count alone.  Rows go to
# bench/results/record_loss.json for `vmtrace report --bench`.  Needs root
# (and perf for its rows); without root it writes the reason instead.
#   bench/record_loss.sh [SECONDS]   (default 5: about 3 minutes in all)
set -eu
cd "$(dirname "$0")/.."
seconds=${1:-5}
vmtrace=build/vmtrace
storm=scripts/workloads/bpf_map_storm.sh
out=bench/results/record_loss.json
mkdir -p bench/results
tmp=$(mktemp -d)
trap 'rm -rf "$tmp" "$out.tmp"' EXIT

# Writes the reason this run measured nothing, and stops.
skipped() {
	echo "bench/record_loss.sh: skipped: $1" >&2
	jq -n --arg why "$1" '{what: "recording under bpf_map_storm.sh", skipped: $why}' > "$out"
	exit 0
}
[ "$(id -u)" -eq 0 ] || skipped "not root (recording loads BPF programs)"
has_perf=yes
command -v perf > /dev/null || has_perf=no

# The maps the storm's workers created, from their `maps N in S s` lines.
maps_of() {
	awk '/^maps / { n += $2 } END { print n + 0 }' "$1"
}

# A vmtrace trace's events and lost events, from its meta lines.
trace_counts() {
	awk '/^meta import\.(allocs|frees|purges) / { e += $3 }
	     /^meta lost_events / { l = $3 } END { print e + 0, l + 0 }' "$1"
}

# perf's samples and lost samples, from `perf report`'s header.
perf_counts() {
	perf report -i "$1" --stdio --sort comm 2> /dev/null |
		awk '/^# Event count/ { e += $NF } /^# Total Lost Samples:/ { l = $NF }
		     END { print e + 0, l + 0 }'
}

# One row: workers, mode, maps, events, lost (empty when not recorded).
row() {
	echo "$1,$2,$3,$4,$5" >> "$tmp/rows.csv"
	echo "record_loss: $1 workers, $2: $3 maps, $4 events, $5 lost" >&2
}

for workers in 1 2 4 8 16; do
	"$storm" "$workers" "$seconds" > "$tmp/alone.out"
	row "$workers" alone "$(maps_of "$tmp/alone.out")" "" ""

	for mode in record record_no_stacks; do
		flag=
		[ "$mode" = record ] || flag=--no-stacks
		# shellcheck disable=SC2086
		"$vmtrace" record $flag -o "$tmp/trace.txt" -- "$storm" "$workers" "$seconds" \
			> "$tmp/$mode.out" 2> "$tmp/$mode.err" ||
			skipped "vmtrace record failed: $(tail -n 1 "$tmp/$mode.err")"
		set -- $(trace_counts "$tmp/trace.txt")
		row "$workers" "$mode" "$(maps_of "$tmp/$mode.out")" "$1" "$2"
		rm -f "$tmp/trace.txt"
	done

	if [ "$has_perf" = yes ]; then
		perf record -a -e 'vmalloc:*' -o "$tmp/perf.data" -- "$storm" "$workers" "$seconds" \
			> "$tmp/perf.out" 2> "$tmp/perf.err" ||
			skipped "perf record failed: $(tail -n 1 "$tmp/perf.err")"
		set -- $(perf_counts "$tmp/perf.data")
		row "$workers" perf_record_a "$(maps_of "$tmp/perf.out")" "$1" "$2"
		rm -f "$tmp/perf.data"
	fi
done

# Each row's maps/s relative to the same worker count alone.
jq -R -s --arg commit "$(git rev-parse --short HEAD)" --arg loadavg "$(cut -d' ' -f1-3 /proc/loadavg)" \
	--argjson seconds "$seconds" --arg cpus "$(nproc)" '
	[split("\n")[] | select(length > 0) | split(",")
	 | {workers: (.[0] | tonumber), mode: .[1], maps: (.[2] | tonumber),
	    events: (if .[3] == "" then null else .[3] | tonumber end),
	    lost: (if .[4] == "" then null else .[4] | tonumber end)}] as $rows
	| {what: "recording under bpf_map_storm.sh", seconds: $seconds, cpus: ($cpus | tonumber),
	   commit: $commit, loadavg: $loadavg,
	   rows: [$rows[] | . as $r
		  | ([$rows[] | select(.workers == $r.workers and .mode == "alone")][0].maps) as $alone
		  | . + {relative: (if $alone > 0 then .maps / $alone else null end)}]}' \
	"$tmp/rows.csv" > "$out.tmp"
mv "$out.tmp" "$out"
echo "record_loss: wrote $out" >&2
