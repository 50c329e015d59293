#!/bin/sh
# ext_frag_at_peak and unusable_16k_at_peak (replay/metrics.h) agree with an
# independent oracle (tests/ref_peak.py: the layout at the first peak of
# live bytes rebuilt from --layout and --events), in the trace's window and
# in the narrow i386 one, where the peak's holes matter.
set -eu
vmtrace=${VMTRACE:-build/vmtrace}
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
for trace in tests/oracle_traces/peak_tie.vmt.txt traces/bpf_map_churn.vmt.txt traces/rec-mixed.vmt.zst; do
	for model in linear augmented-5.2; do
		for range in "" "--range i386"; do
			# shellcheck disable=SC2086
			"$vmtrace" replay -a "$model" --lowest-fit-audit $range --json "$tmp/s.json" \
				--events "$tmp/e.csv" --layout "$tmp/l.csv" "$trace" > /dev/null
			python3 tests/ref_peak.py "$tmp/l.csv" "$tmp/e.csv" "$tmp/s.json" ||
				fail "$trace -a $model $range"
		done
	done
done
# Not a vacuous agreement: the narrow window has holes at the peak.
[ "$(jq '.summary.ext_frag_at_peak > 0' "$tmp/s.json")" = true ] || fail "no fragmentation at peak"
echo "ok: e2e peak oracle"
