#!/bin/sh
# One task of bench/slurm.sh's job array: runs line $SLURM_ARRAY_TASK_ID
# (from 0) of the cells list, a bench/cell.sh command.
#   bench/slurm_task.sh CELLS.LIST
set -eu
cmd=$(sed -n "$((SLURM_ARRAY_TASK_ID + 1))p" "$1")
[ -n "$cmd" ] || { echo "bench/slurm_task.sh: $1 has no line $((SLURM_ARRAY_TASK_ID + 1))" >&2; exit 2; }
# shellcheck disable=SC2086
exec $cmd
