#!/bin/sh
# `ninja results`: replay every shipped trace through every model, render
# plots/*.png and write RESULTS.md.  Work happens in build/results/; the
# plots and RESULTS.md are replaced only when every step has succeeded, so a
# failure never leaves a partial report behind.
set -eu
cd "$(dirname "$0")/.."
vmtrace=build/vmtrace
work=build/results
rm -rf "$work"
mkdir -p "$work/plots"

traces=$(ls traces/*.vmt.txt traces/*.vmt traces/*.vmt.zst 2>/dev/null || true)
[ -n "$traces" ] || { echo "results.sh: no traces in traces/" >&2; exit 1; }
models=$("$vmtrace" models | cut -f1 | tr '\n' ' ')
# --lazy only for the models that free eagerly: the others purge themselves.
eager_models=" $("$vmtrace" models --eager | cut -f1 | tr '\n' ' ') "

stem_of() {
	s=$(basename "$1"); s=${s%.zst}; s=${s%.txt}; echo "${s%.vmt}"
}

summaries=	# in registry order, which the report keeps
for trace in $traces; do
	stem=$(stem_of "$trace")
	events= series= holds=
	for model in $models; do
		out="$work/$stem.$model"
		echo "results.sh: $trace through $model"
		"$vmtrace" replay -a "$model" --json "$out.json" --events "$out.events.csv" \
			--series "$out.series.csv" --every 100 "$trace" > /dev/null
		"$vmtrace" replay -a "$model" --lock-stat --json "$out.lock.json" \
			--holds "$out.holds.csv" "$trace" > /dev/null
		"$vmtrace" replay -a "$model" --check --lowest-fit-audit --reference linear \
			--json "$out.audit.json" "$trace" > /dev/null
		# Fidelity judged decision by decision on the kernel's layout.
		"$vmtrace" replay -a "$model" --follow-kernel --json "$out.follow.json" "$trace" \
			> /dev/null
		summaries="$summaries $out.json $out.lock.json $out.audit.json $out.follow.json"
		case $eager_models in
		*" $model "*)
			"$vmtrace" replay -a "$model" --lazy --json "$out.lazy.json" "$trace" > /dev/null
			summaries="$summaries $out.lazy.json" ;;
		esac
		events="$events $out.events.csv"
		series="$series $out.series.csv"
		holds="$holds $out.holds.csv"
	done
	for fig in search:events frag:series holds:holds; do
		eval files=\"\$${fig#*:}\"
		gnuplot -e "files='$files'; titles='$models'; name='$stem'; out='$work/plots/$stem-${fig%:*}.png'" \
			"plots/${fig%:*}.gp"
	done
done

# Thread scaling on a recorded multi-CPU trace: the same work (8
# interleaved copies) on 1, 2, 4 and 8 threads, past the machine's cores.
summaries="$summaries $(bench/threads.sh "$work")"

# Search length and time per alloc against live areas (generated traces).
bench/live_scaling.sh "$work/live.csv"
gnuplot -e "csv='$work/live.csv'; models='$models'; out='$work/plots/live.png'" plots/live.gp

# The kernel's own benchmark patterns (lib/test_vmalloc.c): each generated
# at its default count, replayed through every model with --lock-stat (the
# time per alloc); the files are named so that the report keeps this order.
patterns=$("$vmtrace" generate --help |
	awk '/--count/ { on = 0 } on { print $1 } /NAME_test/ { getline; on = 1 }')
mkdir -p "$work/patterns"
i=10
for pattern in $patterns; do
	i=$((i + 1)) j=10
	"$vmtrace" generate --pattern "$pattern" "$work/patterns/$pattern.vmt"
	for model in $models; do
		j=$((j + 1))
		echo "results.sh: pattern $pattern through $model"
		"$vmtrace" replay -a "$model" --lock-stat --json "$work/patterns/$i.$j.json" \
			"$work/patterns/$pattern.vmt" > /dev/null
	done
done

commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
# This run's own outputs (RESULTS.md, plots/*.png) left over from an earlier
# run do not change a figure: only the rest of the tree makes the label.
if [ -n "$(git status --porcelain --untracked-files=no -- . ':!RESULTS.md' ':!plots/*.png' 2>/dev/null)" ]; then
	commit="$commit (with uncommitted changes)"
fi
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
machine="$(uname -sr), $(nproc) x ${cpu:-unknown CPU}, $(free -g | awk '/^Mem:/ { print $2 }') GiB"
"$vmtrace" report -o "$work/RESULTS.md" --commit "$commit" --machine "$machine" \
	--date "$(date -u +%Y-%m-%d)" --command "scripts/setup.sh && ninja results" \
	--plots "$work/plots" --scaling-csv "$work/scaling.csv" --live-csv "$work/live.csv" \
	--bench bench/results --patterns-dir "$work/patterns" \
	$summaries
gnuplot -e "csv='$work/scaling.csv'; models='$models'; out='$work/plots/threads.png'" plots/threads.gp

# Everything succeeded: move the plots and the report into place.
mv "$work"/plots/*.png plots/
mv "$work/RESULTS.md" RESULTS.md
echo "results.sh: wrote RESULTS.md and plots/*.png"
