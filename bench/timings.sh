#!/bin/sh
# The timing part of RESULTS.md, the last step of `ninja bench`: each
# shipped trace through each model with --lock-stat (its replay rate and
# lock hold times; bench/plots.sh drew the figures), beside the benchmarks that
# bench/run.sh left in bench/results/ (with host.json, the machine that
# ran them all), written by `vmtrace report --part timing` in place of the
# timing part of RESULTS.md; the exact part above it is kept as it is.
#   bench/timings.sh
set -eu
cd "$(dirname "$0")/.."
vmtrace=build/vmtrace
results=bench/results
work=$results/timings
timing_mark='<!-- timings below'
rm -rf "$work"
mkdir -p "$work"

traces=$(ls traces/*.vmt.txt traces/*.vmt traces/*.vmt.zst 2>/dev/null || true)
models=$("$vmtrace" models | cut -f1 | tr '\n' ' ')
stem_of() {
	s=$(basename "$1"); s=${s%.zst}; s=${s%.txt}; echo "${s%.vmt}"
}

# One run at a time: timings of parallel runs would measure each other.
summaries=
for trace in $traces; do
	stem=$(stem_of "$trace")
	for model in $models; do
		out="$work/$stem.$model"
		echo "timings: $trace through $model" >&2
		"$vmtrace" replay -a "$model" --lock-stat --json "$out.lock.json" "$trace" > /dev/null
		summaries="$summaries $out.lock.json"
		jq -r --arg t "$stem" --arg m "$model" '[$t, $m, .summary.events_per_sec] | @csv' \
			"$out.lock.json" | tr -d '"' >> "$work/throughput.csv"
	done
done
# Events/s of those runs, a bar per model and trace (PNG, PDF, SVG).
scripts/figure.sh plots/bars.gp plots/throughput "png pdf svg" \
	"csv='$work/throughput.csv'; models='$models'; registry='$models'; \
	 heading='Replay throughput with --lock-stat (events/s, log scale), one run per model and trace'; \
	 ylabel='events/s'"
# The kernel's own benchmark patterns (lib/test_vmalloc.c): each generated
# at its default count, replayed through every model with --lock-stat (the
# time per alloc); the files are named so that the report keeps this order.
patterns=$("$vmtrace" generate --help |
	awk '/--count/ { on = 0 } on { print $1 } /NAME_test/ { getline; on = 1 }')
mkdir -p "$work/patterns"
i=10
for pattern in $patterns; do
	i=$((i + 1)) j=10
	"$vmtrace" generate --pattern "$pattern" "$work/patterns/$pattern.vmt" 2> /dev/null
	for model in $models; do
		j=$((j + 1))
		echo "timings: pattern $pattern through $model" >&2
		"$vmtrace" replay -a "$model" --lock-stat --json "$work/patterns/$i.$j.json" \
			"$work/patterns/$pattern.vmt" > /dev/null
	done
done

# bench/threads.sh's runs, in the order it made them (the registry's).
summaries="$summaries $(cat "$results/threads.list")"

# shellcheck disable=SC2086
"$vmtrace" report --part timing -o "$work/timing.md" --command "ninja bench" \
	--bench "$results" --plots plots --scaling-csv "$work/scaling.csv" \
	--live-csv "$results/live.csv" --patterns-dir "$work/patterns" $summaries

# The exact part as `ninja results` last wrote it, then the new timings.
{
	[ ! -f RESULTS.md ] || sed "/^$timing_mark/,\$d" RESULTS.md
	cat "$work/timing.md"
} > "$work/RESULTS.md"
mv "$work/RESULTS.md" RESULTS.md
echo "timings: wrote the timing part of RESULTS.md" >&2
