#!/bin/sh
# The timing figures of this `ninja bench` run, PNG, PDF and SVG, into
# plots/: thread scaling and live-areas scaling from bench/results/, and
# the lock hold times of every shipped trace (3 runs per model pooled).
# They move from run to run; the exact figures are `ninja results`'.
set -eu
cd "$(dirname "$0")/.."
vmtrace=build/vmtrace
models=$("$vmtrace" models | cut -f1 | tr '\n' ' ')
formats="png pdf svg"
scripts/figure.sh plots/threads.gp plots/threads "$formats" \
	"csv='bench/results/threads/threads.csv'; models='$models'"
scripts/figure.sh plots/live.gp plots/live "$formats" \
	"csv='bench/results/live.csv'; models='$models'"
scripts/plot.sh "$vmtrace" plots "$formats" "$models" holds 3 \
	$(ls traces/*.vmt.txt traces/*.vmt traces/*.vmt.zst 2>/dev/null)
