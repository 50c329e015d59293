#!/bin/sh
# `ninja results`: the exact part of RESULTS.md and the exact plots.
#   scripts/results.sh [--out DIR]     (default: the working tree itself)
# $VMTRACE names the vmtrace to run (default build/vmtrace), $RESULTS_TRACES
# the traces (default every trace in traces/; the tests take fewer).
# Replays every shipped trace through every model, the replays in parallel
# (one per core), each run on one thread so every figure is exact: the plain
# run, the audit run, the
# --follow-kernel run, --lazy for the models that free eagerly and a
# --range i386 run.  Writes DIR/RESULTS.md and, through scripts/plot.sh, DIR/plots/TRACE-{search,frag}
# and footprint, each as PNG, PDF and SVG.
# Nothing here is timed: the timing part of RESULTS.md (after the line
# starting "<!-- timings below") is `ninja bench`'s (bench/timings.sh), and
# is carried over verbatim from the RESULTS.md already in DIR.
# Work happens in build/results/; the outputs are replaced only when every
# step has succeeded, so a failure never leaves a partial report behind.
set -eu
cd "$(dirname "$0")/.."
vmtrace=${VMTRACE:-build/vmtrace}
export VMTRACE="$vmtrace"
timing_mark='<!-- timings below'

# Worker mode, one per model and trace: --replay MODEL TRACE OUT EAGER.
if [ "${1:-}" = --replay ]; then
	model=$2 trace=$3 out=$4 eager=$5
	"$vmtrace" replay -a "$model" --json "$out.json" "$trace" > /dev/null
	"$vmtrace" replay -a "$model" --check --lowest-fit-audit --reference linear \
		--json "$out.audit.json" "$trace" > /dev/null
	# Fidelity judged decision by decision on the kernel's layout, and its
	# misses (the report tallies them by the model's reason).
	"$vmtrace" replay -a "$model" --follow-kernel --json "$out.follow.json" \
		--mismatches "$out.misses.csv" "$trace" > /dev/null
	# The 2.4 window, where address space was tight: failures, and (audit)
	# fragmentation at the peak.
	"$vmtrace" replay -a "$model" --range i386 --lowest-fit-audit --json "$out.range.json" \
		"$trace" > /dev/null
	# --lazy only for the models that free eagerly: the others purge themselves.
	if [ "$eager" = yes ]; then
		"$vmtrace" replay -a "$model" --lazy --json "$out.lazy.json" "$trace" > /dev/null
	fi
	exit 0
fi

dest=. work=build/results
if [ "${1:-}" = --out ]; then
	dest=$2 work=$2/work
fi
rm -rf "$work"
mkdir -p "$work/plots"

traces=${RESULTS_TRACES:-$(ls traces/*.vmt.txt traces/*.vmt traces/*.vmt.zst 2>/dev/null || true)}
[ -n "$traces" ] || { echo "results.sh: no traces in traces/" >&2; exit 1; }
models=$("$vmtrace" models | cut -f1 | tr '\n' ' ')
eager_models=" $("$vmtrace" models --eager | cut -f1 | tr '\n' ' ') "

stem_of() {
	s=$(basename "$1"); s=${s%.zst}; s=${s%.txt}; echo "${s%.vmt}"
}

# The replays, every model of every trace at once, as many as there are cores.
for trace in $traces; do
	for model in $models; do
		case $eager_models in *" $model "*) eager=yes ;; *) eager=no ;; esac
		echo "$model $trace $work/$(stem_of "$trace").$model $eager"
	done
done | xargs -n 4 -P "$(nproc)" scripts/results.sh --replay

summaries=	# in registry order, which the report keeps
for trace in $traces; do
	stem=$(stem_of "$trace")
	for model in $models; do
		out="$work/$stem.$model"
		for run in json audit.json follow.json range.json lazy.json; do
			[ ! -e "$out.$run" ] || summaries="$summaries $out.$run"
		done
	done
done
# The figures of every trace from exact data, PNG, PDF and SVG: the same
# bytes on every machine (the hold-time figures are timings: `ninja bench`).
scripts/plot.sh "$vmtrace" "$work/plots" "png pdf svg" "$models" "frag search" 0 $traces

# The inputs by content: RESULTS.md names no commit, it could not name its own.
# shellcheck disable=SC2086
sha256sum $traces > "$work/inputs.txt"
# shellcheck disable=SC2086
"$vmtrace" report --part exact -o "$work/RESULTS.md" --command "ninja results" \
	--inputs "$work/inputs.txt" --plots "$work/plots" --misses-dir "$work" $summaries
# The timing part, as `ninja bench` last wrote it.
if [ -f "$dest/RESULTS.md" ]; then
	sed -n "/^$timing_mark/,\$p" "$dest/RESULTS.md" >> "$work/RESULTS.md"
fi

# Everything succeeded: move the plots and the report into place.
mkdir -p "$dest/plots"
mv "$work"/plots/*.png "$work"/plots/*.pdf "$work"/plots/*.svg "$dest/plots/"
mv "$work/RESULTS.md" "$dest/RESULTS.md"
rm -rf "$work"
echo "results.sh: wrote $dest/RESULTS.md and $dest/plots/ (search, frag, footprint: PNG, PDF, SVG)"
