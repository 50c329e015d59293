# Search length and time per allocation against live areas, log-log, with
# the least-squares slope of each model in its key entry.
# gnuplot -e "csv='live.csv'; models='linear rbtree'; fmt='png'; out='x.png'" plots/live.gp
# csv is bench/live_scaling.sh's: model,live,events,alloc_search_mean,alloc_holdtime_avg_ns
load "plots/style.gp"
eval figure(1200, 1000)
set output out
set logscale xy
set format x "10^{%L}"
set format y "10^{%L}"
set termoption enhanced
set xlabel "live areas"
set xrange [500:2e6]
# One model's rows: grep keeps each series contiguous, so lines join.
rows(m) = sprintf("< grep '^%s,' %s", m, csv)
set fit quiet logfile "/dev/null"
# Only the models the CSV measured (a model newer than the data has no rows).
drawn = ""
do for [m in models] {
	if (int(system(sprintf("grep -c '^%s,' '%s' || true", m, csv))) > 0) { drawn = drawn . " " . m }
}
set multiplot layout 2,1 margins 0.09,0.76,0.07,0.93 spacing 0,0.08 \
	title "Allocation cost against the number of live areas (generated traces), slope of the log-log fit per model"
set key at screen 0.78, graph 1 left top Left reverse samplen 3 noenhanced
do for [k in "4 5"] {
	col = int(k)
	set ylabel (col == 4 ? "nodes examined per alloc (mean)" : "ns per alloc call (mean, timing)")
	# One fit per model: log10(y) = a + b log10(x); b is the slope.
	slopes = ""
	do for [m in drawn] {
		# A model with no positive value (jemalloc's search is not
		# observable) has no line on the log axis and no slope.
		stats rows(m) using (column(col) > 0 ? 1 : 0) nooutput
		if (STATS_sum >= 2) {
			a = 1; b = 1
			fit [*:*] a + b * x rows(m) using (log10($2)):(column(col) > 0 ? log10(column(col)) : NaN) via a, b
			slopes = slopes . sprintf(" %.2f", b)
		} else {
			slopes = slopes . " -"
		}
	}
	plot for [i=1:words(drawn)] rows(word(drawn, i)) using 2:col \
	     with linespoints lw 1.5 pt model_point(word(drawn, i)) \
	     lc rgb model_color(word(drawn, i)) dt model_dash(word(drawn, i)) \
	     title sprintf("%s (slope %s)", word(drawn, i), word(slopes, i))
}
unset multiplot
