#!/bin/sh
# Traces larger than memory (issue 18, section 3): two generated traces of
# SMALL and LARGE events at the same live count (bench_trace stream-gen:
# written as they are made, zstd binary, bench/data/, reused when present),
# each replayed once through augmented, as `vmtrace replay` streams them.
# Per trace: the peak resident set of the replay (/usr/bin/time -v: the
# whole process, both passes), its wall, CPU and replay times, and the CPU
# time of the two reads it makes (bench_trace stream: the first pass,
# checksum verified, and the decoding of the replay pass) as a share of the
# replay's CPU time (CPU, not wall: the machine may be shared).  Writes
# bench/results/stream.json.
#   bench/stream.sh [SMALL] [LARGE] [LIVE]   (default 10000000 100000000 10000)
set -eu
cd "$(dirname "$0")/.."
small=${1:-10000000}
large=${2:-100000000}
live=${3:-10000}
model=augmented
data=bench/data
out=bench/results/stream.json
[ -x /usr/bin/time ] || { echo "bench/stream.sh: /usr/bin/time is not installed" >&2; exit 1; }
ninja build/vmtrace build/bench/bench_trace >/dev/null
mkdir -p "$data" bench/results
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for n in $small $large; do
	trace=$data/stream-$n-live$live.vmt.zst
	[ -e "$trace" ] || build/bench/bench_trace stream-gen "$n" "$live" 1 "$trace"
	/usr/bin/time -v -o "$tmp/time" build/vmtrace replay -a "$model" --json "$tmp/s.json" \
		"$trace" > /dev/null
	build/bench/bench_trace stream "$trace" > "$tmp/read.json"
	jq -c --slurpfile r "$tmp/read.json" --arg trace "$trace" --argjson bytes \
		"$(stat -c %s "$trace")" \
		--argjson rss "$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$tmp/time")" \
		--arg wall "$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$tmp/time")" \
		--argjson user "$(sed -n 's/.*User time (seconds): //p' "$tmp/time")" \
		--argjson sys "$(sed -n 's/.*System time (seconds): //p' "$tmp/time")" \
		'{trace: $trace, bytes: $bytes, events: .summary.events,
		  snapshot_areas: .summary.snapshot_areas, peak_rss_kb: $rss,
		  wall_s: ($wall | split(":") | map(tonumber) | reverse
			   | to_entries | map(.value * pow(60; .key)) | add),
		  cpu_s: ($user + $sys),
		  replay_s: .summary.replay_seconds, replay_cpu_s: .summary.replay_cpu_seconds,
		  checked_read_cpu_s: $r[0].checked_cpu_s, decode_cpu_s: $r[0].decode_cpu_s}
		 | .load_share = ((.checked_read_cpu_s + .decode_cpu_s) / .cpu_s)' \
		"$tmp/s.json" >> "$tmp/runs"
done
jq -s --arg model "$model" --argjson live "$live" --arg commit "$(git rev-parse --short HEAD)" \
	'{model: $model, live_target: $live, commit: $commit, runs: .,
	  rss_ratio: (.[1].peak_rss_kb / .[0].peak_rss_kb)}' "$tmp/runs" > "$out"
cat "$out"
