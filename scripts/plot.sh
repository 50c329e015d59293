#!/bin/sh
# The figures of traces, as `vmtrace plot` and `ninja results` draw them:
# each trace replayed through each model, then plots/*.gp in every format.
#   scripts/plot.sh VMTRACE OUTDIR "FORMATS" "MODELS" "FIGURES" HOLD_RUNS TRACE...
# FORMATS: any of png pdf svg; MODELS: names `vmtrace models` knows, in
# registry order; FIGURES: any of frag search holds.  Per trace STEM it
# writes OUTDIR/STEM-FIGURE.FMT: frag and search from exact data (the same
# bytes on every machine), holds from timings (HOLD_RUNS --lock-stat runs
# per model pooled, at least 1).  With frag, also OUTDIR/footprint.FMT:
# every trace's footprint per model, from the same replays.  The figures
# appear in OUTDIR only when all were drawn: a failure leaves OUTDIR as it
# was.  The caller checks its arguments (cli/cmd_plot.c); errors here are the replay's or gnuplot's.
set -eu
cd "$(dirname "$0")/.."
vmtrace=$1 outdir=$2 formats=$3 models=$4 figures=$5 hold_runs=$6
shift 6
work=$(mktemp -d "${TMPDIR:-/tmp}/vmtrace-plot.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir "$work/out"
registry=$("$vmtrace" models | cut -f1 | tr "\n" " ")

stem_of() {
	s=$(basename "$1"); s=${s%.zst}; s=${s%.txt}; echo "${s%.vmt}"
}

# Figure $1 of trace $2 from files $3.
draw() {
	scripts/figure.sh "plots/$1.gp" "$work/out/$2-$1" "$formats" \
		"files='$3'; models='$models'; registry='$registry'; name='$2'; runs=$hold_runs"
}

for trace in "$@"; do
	stem=$(stem_of "$trace")
	events= series= holds=
	for model in $models; do
		run="$work/$stem.$model"
		case " $figures " in *" frag "* | *" search "*)
			"$vmtrace" replay -a "$model" --events "$run.events.csv" \
				--series "$run.series.csv" --every 100 --json "$run.json" "$trace" > /dev/null
			jq -r --arg t "$stem" --arg m "$model" '[$t, $m, .summary.footprint,
				.summary.max_span, .summary.max_live_bytes] | map(tostring) | join(",")' \
				"$run.json" >> "$work/footprint.csv" ;;
		esac
		case " $figures " in *" holds "*)
			: > "$run.holds.csv"
			i=0
			while [ "$i" -lt "$hold_runs" ]; do
				"$vmtrace" replay -a "$model" --lock-stat --holds "$run.h.csv" "$trace" \
					> /dev/null
				cat "$run.h.csv" >> "$run.holds.csv"
				i=$((i + 1))
			done ;;
		esac
		events="$events $run.events.csv"
		series="$series $run.series.csv"
		holds="$holds $run.holds.csv"
	done
	for figure in $figures; do
		case $figure in
		frag) draw frag "$stem" "$series" ;;
		search) draw search "$stem" "$events" ;;
		holds) draw holds "$stem" "$holds" ;;
		esac
	done
done
case " $figures " in *" frag "*)
	scripts/figure.sh plots/bars.gp "$work/out/footprint" "$formats" \
		"csv='$work/footprint.csv'; models='$models'; registry='$registry'; ymin=1; \
		 heading='Footprint: largest span / largest live bytes (log scale), per trace and model'; \
		 ylabel='span per live byte'" ;;
esac

mkdir -p "$outdir"
mv "$work"/out/* "$outdir"/
