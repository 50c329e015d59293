#!/bin/sh
# One cell of the bench matrix (bench/matrix.sh writes these command lines):
#   bench/cell.sh VMTRACE OUT TRACE MODEL RANGE THREADS REPEATS REFERENCE [OPTION...]
# replays TRACE through MODEL REPEATS times (`vmtrace replay --json`), each
# run followed by one of REFERENCE on the same trace and options, and writes
# OUT: the cell's key, its provenance, its exact figures and, for every
# TIMING metric of replay/metrics.h, the repeats with median, min and max,
# and the per-repeat ratio of MODEL's replay CPU seconds to REFERENCE's
# (CPU time: a preemption on a shared machine does not stretch it; with
# THREADS > 1, wall seconds).
# Exact figures must be identical across the repeats: a cell whose repeats
# disagree fails, naming them.  With THREADS > 1 they depend on the
# scheduling (placement follows the interleaving): such a cell keeps them
# per repeat under "scheduled" and the gate does not compare them.
set -eu
cd "$(dirname "$0")/.."
[ $# -ge 8 ] || { echo "usage: bench/cell.sh VMTRACE OUT TRACE MODEL RANGE THREADS REPEATS REFERENCE [OPTION...]" >&2; exit 2; }
vmtrace=$1 out=$2 trace=$3 model=$4 range=$5 threads=$6 repeats=$7 reference=$8
shift 8
options=$*
tmp=$(mktemp -d)
trap 'rm -rf "$tmp" "$out.tmp" "$out.tmp2"' EXIT

# The TIMING metrics, read from their one definition.
timing=$(sed -n 's/^[[:space:]]*X([UF]64, \([a-z0-9_]*\), TIMING,.*/\1/p' replay/metrics.h |
	jq -R . | jq -sc .)
set --
[ "$range" = default ] || set -- "$@" --range "$range"
[ "$threads" -eq 1 ] || set -- "$@" --threads "$threads"
set -- "$@" --json
i=0
while [ "$i" -lt "$repeats" ]; do
	# shellcheck disable=SC2086
	"$vmtrace" replay "$@" "$tmp/m$i.json" -a "$model" $options "$trace" > /dev/null
	# shellcheck disable=SC2086
	[ "$model" = "$reference" ] ||
		"$vmtrace" replay "$@" "$tmp/r$i.json" -a "$reference" $options "$trace" > /dev/null
	i=$((i + 1))
done
[ "$model" != "$reference" ] || for f in "$tmp"/m*.json; do cp "$f" "$tmp/r${f##*/m}"; done
VMTRACE=$vmtrace bench/host.sh "$tmp/host.json"

# The repeats in order (m0 m1 ... m10: numeric, not lexical).
i=0 ms= rs=
while [ "$i" -lt "$repeats" ]; do
	ms="$ms $tmp/m$i.json" rs="$rs $tmp/r$i.json"
	i=$((i + 1))
done
# shellcheck disable=SC2086
jq -s . $ms > "$tmp/ms.json"
# shellcheck disable=SC2086
jq -s . $rs > "$tmp/rs.json"

jq -n --slurpfile ms "$tmp/ms.json" --slurpfile rs "$tmp/rs.json" \
	--slurpfile host "$tmp/host.json" --argjson timing "$timing" \
	--arg trace "$trace" --arg sha "$(sha256sum "$trace" | cut -d' ' -f1)" \
	--arg model "$model" --arg range "$range" --argjson threads "$threads" \
	--arg options "$options" --arg reference "$reference" \
	--arg version "$("$vmtrace" --version)" --arg date "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
	--arg cmd "vmtrace replay $* F -a $model $options $trace" '
	def spread: sort | {values: ., median: (if length % 2 == 1 then .[length / 2 | floor]
		else (.[length / 2 - 1] + .[length / 2]) / 2 end), min: min, max: max};
	($ms[0] | map(.summary)) as $s |
	# CPU time of the replay thread; wall time with --threads (no single thread).
	(if $threads == 1 then "replay_cpu_seconds" else "replay_seconds" end) as $clock |
	($rs[0] | map(.summary[$clock])) as $ref |
	# Lock statistics are TIMING too, but nested: only the numbers of the summary itself.
	($timing | map(select(. as $k | $s[0][$k] | type == "number"))) as $timing |
	# The exact figures: every top-level number of the summary that is not TIMING.
	($s | map(with_entries(select((.value | type) == "number"
		and (.key as $k | $timing | index($k) | not))))) as $exact |
	{schema: 1, kind: "vmtrace-bench-cell",
	 trace: $trace, trace_sha256: $sha, model: $model, range: $range, threads: $threads,
	 options: $options, reference: $reference, repeats: ($s | length),
	 provenance: {version: $version, date: $date, command: $cmd, host: $host[0]},
	 exact: (if $threads == 1 then $exact[0] else null end),
	 scheduled: (if $threads == 1 then null else $exact end),
	 timing: ([$timing[] as $k | {key: $k, value: ($s | map(.[$k]) | spread)}] | from_entries),
	 reference_seconds: $ref,
	 ratio_of: $clock,
	 ratio: ([range(0; $s | length)] | map($s[.][$clock] / $ref[.])),
	 disagree: (if $threads == 1 then [$exact[] | to_entries[] | select(.value != $exact[0][.key]) | .key] | unique
		else [] end)}
	| .ratio_spread = (.ratio | spread | del(.values))' > "$out.tmp"
disagree=$(jq -r '.disagree | join(" ")' "$out.tmp")
if [ -n "$disagree" ]; then
	echo "bench/cell.sh: $out: exact figures differ between repeats of one run: $disagree" >&2
	exit 1
fi
jq 'del(.disagree)' "$out.tmp" > "$out.tmp2" && mv "$out.tmp2" "$out"
