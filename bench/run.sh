#!/bin/sh
# `ninja bench`: every benchmark, results in bench/results/.
#   host.sh          the machine they run on (CPU, cores, hypervisor, kernel)
#   read.sh          trace loading (binary, text, zstd) vs raw reads, 10M events
#   import.sh        tracefs import vs trace-cmd report of one capture (root)
#   floors.sh        what this machine charges for the accesses the targets
#                    cannot avoid (the ceilings in RESULTS.md)
#   replay.sh        replay throughput at 100 000 live areas
#   stream.sh        streamed replay of 10M and 100M-event traces: peak memory, read share
#   live_scaling.sh  search length and time per alloc, 1 000..1 000 000 live
#   threads.sh       multi-threaded replay, 1 thread to twice the cores (at most 8), 3 runs each
#   plots.sh         the timing figures of this run (threads, live, holds) into plots/
#   record_loss.sh   events kept and lost by `vmtrace record` (with and without
#                    stacks) and `perf record -a` under an allocation storm
#   timings.sh       --lock-stat replays of the shipped traces, then the
#                    timing part of RESULTS.md from all of the above
#   matrix.sh        the bench matrix (bench/matrix): build/bench/matrix.json, .csv
# Machines here are shared and noisy: compare within one run, as ratios.
# host.json, written first, names the machine of every figure of the run.
set -eu
cd "$(dirname "$0")/.."
mkdir -p bench/results
bench/host.sh bench/results/host.json
bench/read.sh
bench/import.sh
bench/floors.sh
bench/replay.sh
bench/stream.sh
bench/live_scaling.sh bench/results/live.csv
bench/threads.sh bench/results/threads > bench/results/threads.list
bench/plots.sh
bench/record_loss.sh
bench/timings.sh
bench/matrix.sh bench/matrix build/bench
echo "bench: results in bench/results/"
