#!/bin/sh
# Property test over generated traces: many seeds and shapes (few and many
# holes, alignments that leave dead ends, request windows, a snapshot, and
# snapshots reshaped by tests/snapshot_shapes.py: packed, overlapping,
# at the window's edges).  On each, every model that declares lowest fit
# (`vmtrace models --lowest-fit`: no notes) places and fails exactly as
# tests/ref_linear.py --plain, a lowest-fit loop sharing no code with
# allocator/; the models with an oracle of their own (oracle_of below)
# place, fail and count their searches exactly as it does (rbtree-cache:
# placements); and every model's fragmentation figures and series, and
# its search summary, equal tests/ref_frag.py's and
# tests/ref_search_stats.py's.
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
# The oracle of a model's whole --events, and the columns it fixes.
oracle_of() {
	case $1 in
	rbtree) echo "1-7 ref_rbtree.py" ;;
	rbtree-cache) echo "1-6 ref_rbtree_cache.py" ;;
	augmented*) echo "1-7 ref_augmented.py $1" ;;
	buddy) echo "1-7 ref_buddy.py" ;;
	vmem-*) echo "1-7 ref_vmem.py $1" ;;
	bitmap) echo "1-7 ref_bitmap.py" ;;
	maple) echo "1-7 ref_maple.py" ;;
	esac
}
snapshot="--snapshot 300 --live-target 300 --events 2500 --aligned 30 --align-rule any"
n=0
for shape in "few-holes:--live-target 40 --events 3000" \
	"many-holes:--live-target 600 --snapshot 300 --events 4000" \
	"dead-ends:--live-target 200 --aligned 60 --align-rule any --events 3000" \
	"windows:--live-target 200 --windows 50 --events 3000" \
	"packed:$snapshot" "overlaps:$snapshot" "edges:$snapshot --windows 30"; do
	name=${shape%%:*}
	seed=0
	while [ "$seed" -lt "$seeds" ]; do
		seed=$((seed + 1))
		# shellcheck disable=SC2086
		"$vmtrace" generate --seed "$seed" ${shape#*:} "$tmp/t.vmt.txt" 2> /dev/null
		case $name in
		packed|overlaps|edges)
			python3 tests/snapshot_shapes.py "$name" "$seed" "$tmp/t.vmt.txt" "$tmp/s.vmt.txt"
			mv "$tmp/s.vmt.txt" "$tmp/t.vmt.txt" ;;
		esac
		python3 tests/ref_linear.py --plain "$tmp/t.vmt.txt" | cut -d, -f1-6 > "$tmp/want.csv"
		for m in $models; do
			"$vmtrace" replay -a "$m" --json "$tmp/s.json" --layout "$tmp/l.csv" \
				--events "$tmp/e.csv" --series "$tmp/f.csv" --every 97 \
				"$tmp/t.vmt.txt" > /dev/null
			python3 tests/ref_frag.py "$tmp/l.csv" "$tmp/s.json" "$tmp/e.csv" "$tmp/f.csv" \
				> /dev/null
			python3 tests/ref_search_stats.py "$tmp/e.csv" "$tmp/s.json"
			oracle=$(oracle_of "$m")
			if [ -n "$oracle" ]; then
				# shellcheck disable=SC2086
				python3 tests/${oracle#* } "$tmp/t.vmt.txt" | cut -d, -f"${oracle%% *}" \
					> "$tmp/ref.csv"
				cut -d, -f"${oracle%% *}" "$tmp/e.csv" | cmp -s "$tmp/ref.csv" - || {
					echo "FAIL: $name seed $seed: $m differs from tests/${oracle#* }:"
					cut -d, -f"${oracle%% *}" "$tmp/e.csv" | diff "$tmp/ref.csv" - | head -10
					exit 1
				}
			fi
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
	echo "ok: $name, $seeds seeds: lowest fit ($(echo $lowest)), the models' own oracles and fragmentation, every model"
done
echo "ok: $n replays"
