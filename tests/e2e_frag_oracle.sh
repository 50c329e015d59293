#!/bin/sh
# The fragmentation figures of `replay --json` and `--series` equal what an
# independent script (tests/ref_frag.py, written from replay/metrics.h and
# sharing no code with replay/frag.c) measures on the model's own layout:
# for every model on every shipped trace and every trace in tests/data/
# and tests/oracle_traces/ (straddle.vmt.txt: areas across both window ends).
# The summary is checked on the final layout (`--layout`); each series row
# on the layout after that event, rebuilt by undoing the `--events` rows
# backwards from the final layout.  About 40 samples a trace.  The same
# replays' search-length summary (mean, p50, p99, max, total of allocs and
# frees) is recomputed from their --events rows by tests/ref_search_stats.py,
# sharing no code with lib/histogram.c.
set -eu
vmtrace=${VMTRACE:-build/vmtrace}
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
models=$("$vmtrace" models | cut -f1)
[ -n "$models" ] || { echo "FAIL: vmtrace models listed nothing"; exit 1; }
# A model that rounds sizes (size classes) holds more than the --events rows
# say, so only its end-of-trace layout is compared, not the series rebuilt
# from the rows.
exact_sizes=" $("$vmtrace" models --exact-sizes | cut -f1 | tr '\n' ' ') "
n=0
for trace in traces/*.vmt.txt traces/*.vmt traces/*.vmt.zst tests/data/*.vmt.txt \
		tests/oracle_traces/*.vmt.txt; do
	[ -e "$trace" ] || continue
	events=$("$vmtrace" info "$trace" | sed -n 's/^events: //p')
	every=$((events / 40 + 1))
	for m in $models; do
		"$vmtrace" replay -a "$m" --json "$tmp/s.json" --layout "$tmp/l.csv" \
			--events "$tmp/e.csv" --series "$tmp/f.csv" --every "$every" \
			"$trace" > /dev/null
		case "$exact_sizes" in
		*" $m "*) samples=$(python3 tests/ref_frag.py "$tmp/l.csv" "$tmp/s.json" \
			"$tmp/e.csv" "$tmp/f.csv") ;;
		*) python3 tests/ref_frag.py "$tmp/l.csv" "$tmp/s.json" ;;
		esac
		python3 tests/ref_search_stats.py "$tmp/e.csv" "$tmp/s.json"
		n=$((n + 1))
	done
	echo "ok: $trace: fragmentation summary, $samples series rows and search summary agree, every model"
done
[ "$n" -gt 0 ] || { echo "FAIL: no trace to compare"; exit 1; }
echo "ok: $n replays"
