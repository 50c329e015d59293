#!/bin/sh
# Traces larger than memory (issue 18, section 3): two generated traces of
# SMALL and LARGE events at the same live count (bench_trace stream-gen:
# written as they are made, zstd binary, bench/data/, reused when present),
# each replayed once through augmented, as `vmtrace replay` streams them.
# Per trace: the peak resident set of the replay (/usr/bin/time -v: the
# whole process, both passes), its wall, CPU and replay times, and the CPU
# time of the two reads it makes (bench_trace stream: the first pass,
# checksum verified, and the decoding of the replay pass) as a share of the
# replay's CPU time (CPU, not wall: the machine may be shared): what
# reading costs, in whichever thread it runs.  And what of it the replay
# waits for: the replay reads and judges its blocks ahead in a second
# thread, but its first pass (the checksum and the scan the model needs
# before its first event) precedes the first event, so the critical-path
# share is the part of the process's wall clock in which the replay
# thread is not replaying events (wall - replay_seconds, the replay's own
# clock, which leaves out every wait for a block) over that wall: the
# first pass, the waits, and the setup and summary besides (an upper
# bound of the read's part).  A wall clock needs a free second core: the
# load average at the run is recorded with it.  Writes
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
	load=$(cut -d' ' -f1 /proc/loadavg)
	/usr/bin/time -v -o "$tmp/time" build/vmtrace replay -a "$model" --json "$tmp/s.json" \
		"$trace" > /dev/null
	build/bench/bench_trace stream "$trace" > "$tmp/read.json"
	jq -c --slurpfile r "$tmp/read.json" --arg trace "$trace" --argjson bytes \
		"$(stat -c %s "$trace")" \
		--argjson load "$load" --argjson rss "$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$tmp/time")" \
		--arg wall "$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$tmp/time")" \
		--argjson user "$(sed -n 's/.*User time (seconds): //p' "$tmp/time")" \
		--argjson sys "$(sed -n 's/.*System time (seconds): //p' "$tmp/time")" \
		'{trace: $trace, bytes: $bytes, events: .summary.events,
		  snapshot_areas: .summary.snapshot_areas, peak_rss_kb: $rss,
		  wall_s: ($wall | split(":") | map(tonumber) | reverse
			   | to_entries | map(.value * pow(60; .key)) | add),
		  cpu_s: ($user + $sys),
		  replay_s: .summary.replay_seconds, replay_cpu_s: .summary.replay_cpu_seconds,
		  checked_read_cpu_s: $r[0].checked_cpu_s, decode_cpu_s: $r[0].decode_cpu_s,
		  loadavg_1min: $load}
		 | .load_share = ((.checked_read_cpu_s + .decode_cpu_s) / .cpu_s)
		 | .critical_share = ((.wall_s - .replay_s) / .wall_s)' \
		"$tmp/s.json" >> "$tmp/runs"
done
jq -s --arg model "$model" --argjson live "$live" --arg commit "$(git rev-parse --short HEAD)" \
	'{model: $model, live_target: $live, commit: $commit, runs: .,
	  rss_ratio: (.[1].peak_rss_kb / .[0].peak_rss_kb)}' "$tmp/runs" > "$out"
cat "$out"
