#!/bin/sh
# Property test over generated traces: many seeds and shapes (few and many
# holes, alignments that leave dead ends, request windows, a snapshot; a
# multi-CPU kernel pattern).  On each, every model that declares lowest
# fit (`vmtrace models --lowest-fit`: no notes) places and fails exactly
# as tests/ref_linear.py --plain, a lowest-fit loop sharing no code with
# allocator/; and every model's fragmentation figures and series, and its
# search summary, equal tests/ref_frag.py's and tests/ref_search_stats.py's.
#   tests/e2e_property.sh [SEEDS]   (default 3 per shape; `ninja property-long` runs 25)
set -eu
vmtrace=${VMTRACE:-build/vmtrace}
cd "$(dirname "$0")/.."
seeds=${1:-3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
lowest=$("$vmtrace" models --lowest-fit | cut -f1)
models=$("$vmtrace" models | cut -f1)
[ -n "$lowest" ] || { echo "FAIL: no model declares lowest fit"; exit 1; }
n=0
for shape in "few-holes:--live-target 40 --events 3000" \
	"many-holes:--live-target 600 --snapshot 300 --events 4000" \
	"dead-ends:--live-target 200 --aligned 60 --align-rule any --events 3000" \
	"windows:--live-target 200 --windows 50 --events 3000"; do
	name=${shape%%:*}
	seed=0
	while [ "$seed" -lt "$seeds" ]; do
		seed=$((seed + 1))
		"$vmtrace" generate --seed "$seed" ${shape#*:} "$tmp/t.vmt.txt"
		python3 tests/ref_linear.py --plain "$tmp/t.vmt.txt" | cut -d, -f1-6 > "$tmp/want.csv"
		for m in $models; do
			"$vmtrace" replay -a "$m" --json "$tmp/s.json" --layout "$tmp/l.csv" \
				--events "$tmp/e.csv" --series "$tmp/f.csv" --every 97 \
				"$tmp/t.vmt.txt" > /dev/null
			python3 tests/ref_frag.py "$tmp/l.csv" "$tmp/s.json" "$tmp/e.csv" "$tmp/f.csv" \
				> /dev/null
			python3 tests/ref_search_stats.py "$tmp/e.csv" "$tmp/s.json"
			case " $(echo $lowest) " in
			*" $m "*)
				cut -d, -f1-6 "$tmp/e.csv" > "$tmp/got.csv"
				cmp -s "$tmp/want.csv" "$tmp/got.csv" || {
					echo "FAIL: $name seed $seed: $m is not lowest fit:"
					diff "$tmp/want.csv" "$tmp/got.csv" | head -10
					exit 1
				} ;;
			esac
			n=$((n + 1))
		done
	done
	echo "ok: $name, $seeds seeds: lowest fit ($(echo $lowest)) and fragmentation, every model"
done
echo "ok: $n replays"
