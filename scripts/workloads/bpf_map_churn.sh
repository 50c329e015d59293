#!/bin/bash
# Workload: BPF array maps created and destroyed in a random order.  An
# array map's values live in one vmalloc area once it passes 32 KiB
# (bpf_map_area_alloc), so each map is one alloc_vmap_area of its size
# (rounded to pages, + a guard page) and one free when its last reference
# goes (the pin is the only one here).
#
#   bpf_map_churn.sh [SEED] [SECONDS]   (defaults 1 and 4)
# Map sizes (16 to 1024 entries of 4 KiB) and the order of removal come
# from bash's RANDOM seeded with SEED.  Needs bpftool and bpffs (mounted
# at /sys/fs/bpf if it is not).
set -eu
RANDOM=${1:-1}
seconds=${2:-4}
dir=/sys/fs/bpf/vmtrace_churn_$$
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
mkdir "$dir"
trap 'rm -rf "$dir"' EXIT
end=$((SECONDS + seconds))
made=0
live=()
while [ "$SECONDS" -lt "$end" ]; do
	# Grow to up to 64 live maps, then remove a random half.
	while [ "${#live[@]}" -lt 64 ]; do
		made=$((made + 1))
		entries=$((16 << (RANDOM % 7)))
		bpftool map create "$dir/m$made" type array key 4 value 4096 \
			entries "$entries" name "vmt_m$made"
		live+=("m$made")
	done
	keep=()
	for m in "${live[@]}"; do
		if [ $((RANDOM % 2)) -eq 0 ]; then rm "$dir/$m"; else keep+=("$m"); fi
	done
	live=("${keep[@]}")
done
echo "bpf_map_churn: seed ${1:-1}, $made maps created" >&2
