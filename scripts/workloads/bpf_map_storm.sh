#!/bin/sh
# Workload: the heaviest vmalloc load found here.  WORKERS processes each
# create and close 64 KiB BPF array maps (one vmalloc and one vfree each)
# as fast as the bpf(2) syscall allows, for SECONDS.
#   bpf_map_storm.sh [WORKERS] [SECONDS]   (defaults 2 and 5)
set -eu
workers=${1:-2}
seconds=${2:-5}
dir=$(dirname "$0")
i=0
while [ "$i" -lt "$workers" ]; do
	python3 "$dir/vmalloc_workload.py" maps "$seconds" &
	i=$((i + 1))
done
wait
