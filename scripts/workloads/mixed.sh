#!/bin/sh
# Workload: kernel-stack bursts and BPF map churn at the same time, so the
# two size classes (20 KiB stacks, 64 KiB-4 MiB maps) interleave.
#   mixed.sh [SEED] [SECONDS]   (defaults 1 and 6)
set -eu
seed=${1:-1}
seconds=${2:-6}
dir=$(dirname "$0")
"$dir/process_burst.sh" "$seed" "$seconds" &
"$dir/bpf_map_churn.sh" "$seed" "$seconds"
wait
