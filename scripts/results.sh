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
models=$("$vmtrace" models | cut -f1)

for trace in $traces; do
	stem=$(basename "$trace"); stem=${stem%.zst}; stem=${stem%.txt}; stem=${stem%.vmt}
	events= series= titles=
	for model in $models; do
		out="$work/$stem.$model"
		echo "replay $trace through $model"
		"$vmtrace" replay -a "$model" --json "$out.json" --events "$out.events.csv" \
			--series "$out.series.csv" --every 100 "$trace" >/dev/null
		events="$events $out.events.csv"
		series="$series $out.series.csv"
		titles="$titles $model"
	done
	gnuplot -e "files='$events'; titles='$titles'; name='$stem'; out='$work/plots/$stem-search.png'" plots/search.gp
	gnuplot -e "files='$series'; titles='$titles'; name='$stem'; out='$work/plots/$stem-frag.png'" plots/frag.gp
done

commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then
	commit="$commit (with uncommitted changes)"
fi
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
machine="$(uname -sr), $(nproc) x ${cpu:-unknown CPU}, $(free -g | awk '/^Mem:/ { print $2 }') GiB"
"$vmtrace" report -o "$work/RESULTS.md" --commit "$commit" --machine "$machine" \
	--date "$(date -u +%Y-%m-%d)" --command "scripts/setup.sh && ninja results" \
	--plots "$work/plots" "$work"/*.json
# Everything succeeded: move the plots and the report into place.
mv "$work"/plots/*.png plots/
mv "$work/RESULTS.md" RESULTS.md
echo "results.sh: wrote RESULTS.md and plots/*.png"
