#!/bin/sh
# Gathers the cells of a bench matrix run (bench/cell.sh's JSON files) into
#   OUT.json  {schema, kind, matrix, reference, provenance, cells: [...]}
#   OUT.csv   one row a cell: its key, exact figures, timing medians and
#             spreads, the ratio to the reference
# for `vmtrace compare` and for people.  Used by the local run (matrix.ninja)
# and by bench/slurm.sh alike.
#   bench/gather.sh MATRIX OUT.json OUT.csv CELL.json...
set -eu
cd "$(dirname "$0")/.."
[ $# -ge 4 ] || { echo "usage: bench/gather.sh MATRIX OUT.json OUT.csv CELL.json..." >&2; exit 2; }
matrix=$1 json=$2 csv=$3
shift 3
trap 'rm -f "$json.tmp" "$csv.tmp"' EXIT

jq -s --arg matrix "$matrix" --arg date "$(date -u +%Y-%m-%dT%H:%M:%SZ)" '
	{schema: 1, kind: "vmtrace-bench-matrix", matrix: $matrix, reference: .[0].reference,
	 provenance: {version: .[0].provenance.version, date: $date, host: .[0].provenance.host},
	 cells: sort_by(.trace, .model, .range, .threads, .options)}' "$@" > "$json.tmp"
jq -r '
	(.cells | map(.exact // {} | keys) | add | unique) as $exact |
	(.cells[0].timing | keys) as $timing |
	(["trace", "trace_sha256", "model", "range", "threads", "options", "repeats"] + $exact
	 + ($timing | map(. + "_median", . + "_min", . + "_max"))
	 + ["ratio_to_reference_median", "ratio_to_reference_min", "ratio_to_reference_max",
	    "version", "cpu_model", "cores", "hypervisor", "kernel", "date"]) as $head |
	($head | @csv),
	(.cells[] | . as $c |
	 ([.trace, .trace_sha256, .model, .range, .threads, .options, .repeats]
	  + ($exact | map($c.exact[.] // "scheduled"))
	  + ($timing | map($c.timing[.] | .median, .min, .max))
	  + [.ratio_spread.median, .ratio_spread.min, .ratio_spread.max, .provenance.version,
	     .provenance.host.cpu_model, .provenance.host.cores, .provenance.host.hypervisor,
	     .provenance.host.kernel, .provenance.date]) | @csv)' "$json.tmp" > "$csv.tmp"
mv "$json.tmp" "$json"
mv "$csv.tmp" "$csv"
