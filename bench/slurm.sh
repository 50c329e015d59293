#!/bin/sh
# The bench matrix as a Slurm job array, one cell a task:
#   bench/slurm.sh MATRIX [OUTDIR] [SBATCH-OPTION...]   (OUTDIR default build/bench)
# expands MATRIX (bench/matrix.sh --no-run), makes its generated traces
# here, submits `sbatch --array=0-N-1 --wait` whose task i runs line i of
# OUTDIR/cells.list (bench/cell.sh), and gathers the cells into the same
# OUTDIR/matrix.json and matrix.csv as a local run.  The repository must be
# at the same path on the nodes (a shared filesystem), with build/vmtrace
# built; each cell records the host that ran it.  Timing cells on different
# nodes: compare ratios, which each cell measures on one node.
set -eu
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { echo "usage: bench/slurm.sh MATRIX [OUTDIR] [SBATCH-OPTION...]" >&2; exit 2; }
matrix=$1
out=${2:-build/bench}
[ $# -lt 2 ] || shift
shift
bench/matrix.sh --no-run "$matrix" "$out"
ninja -f "$out/matrix.ninja" traces > /dev/null
n=$(wc -l < "$out/cells.list")
mkdir -p "$out/slurm"
rm -f "$out"/cells/*.json
sbatch --wait --parsable --job-name=vmtrace-bench --chdir="$(pwd)" \
	--array=0-$((n - 1)) --output="$out/slurm/%A_%a.out" "$@" \
	bench/slurm_task.sh "$out/cells.list" > "$out/slurm/job"
# Every task wrote its cell, or the array failed above (sbatch --wait exits
# non-zero when a task did).
# shellcheck disable=SC2046
bench/gather.sh "$matrix" "$out/matrix.json" "$out/matrix.csv" $(cut -d' ' -f3 "$out/cells.list")
echo "bench/slurm.sh: $n cells (job $(cat "$out/slurm/job")) in $out/matrix.json and $out/matrix.csv"
