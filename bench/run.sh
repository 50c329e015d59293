#!/bin/sh
# `ninja bench`: every benchmark, results in bench/results/.
#   host.sh          the machine they run on (CPU, cores, hypervisor, kernel)
#   read.sh          trace loading (binary, text, zstd) vs raw reads, 10M events
#   floors.sh        what this machine charges for the accesses the targets
#                    cannot avoid (the ceilings in RESULTS.md)
#   replay.sh        replay throughput at 100 000 live areas
#   live_scaling.sh  search length and time per alloc, 1 000..1 000 000 live
#   threads.sh       multi-threaded replay, 1..8 threads
#   matrix.sh        the bench matrix (bench/matrix): build/bench/matrix.json, .csv
# Machines here are shared and noisy: compare within one run, as ratios.
set -eu
cd "$(dirname "$0")/.."
mkdir -p bench/results
bench/host.sh bench/results/host.json
bench/read.sh
bench/floors.sh
bench/replay.sh
bench/live_scaling.sh bench/results/live.csv
bench/threads.sh bench/results/threads > /dev/null
bench/matrix.sh bench/matrix build/bench
echo "bench: results in bench/results/"
